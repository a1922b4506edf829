/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "TrVoicemailPlayer"

#include "config.h"

#include <gst/gst.h>

#include "tr-call-agent-private.h"
#include "tr-device-private.h"
#include "tr-voicemail-box.h"
#include "tr-voicemail-player.h"
#include "tr-voicemail.h"

enum {
  PROP_0,
  PROP_MESSAGE,
  PROP_PLAYING,
  PROP_PAUSED,
  PROP_POSITION_MS,
  PROP_DURATION_MS,
  N_PROPS
};

static GParamSpec *props[N_PROPS];

struct _TrVoicemailPlayer
{
  GObject       parent_instance;
  TrCallAgent  *agent;
  TrVoicemail  *message;
  GTask        *task;            /* the running play, or NULL */
  GCancellable *op;              /* fetching the audio of the running play */
  gulong        cancelled_id;    /* on the task's cancellable */
  guint         cancelled_idle;
  GstElement   *pipeline;
  guint         bus_watch;
  guint         position_source;
  gint64        position_ms;
  gint64        duration_ms;
  gboolean      playing;
  gboolean      paused;
  gboolean      marked;          /* the running message was marked heard */
};

G_DEFINE_FINAL_TYPE (TrVoicemailPlayer, tr_voicemail_player, G_TYPE_OBJECT)

static void
set_playing (TrVoicemailPlayer *self,
             gboolean           playing)
{
  if (self->playing == playing)
    return;
  self->playing = playing;
  g_object_notify_by_pspec (G_OBJECT (self), props[PROP_PLAYING]);
}

static void
set_paused (TrVoicemailPlayer *self,
            gboolean           paused)
{
  if (self->paused == paused)
    return;
  self->paused = paused;
  g_object_notify_by_pspec (G_OBJECT (self), props[PROP_PAUSED]);
}

static void
set_position (TrVoicemailPlayer *self,
              gint64             position_ms)
{
  if (self->position_ms == position_ms)
    return;
  self->position_ms = position_ms;
  g_object_notify_by_pspec (G_OBJECT (self), props[PROP_POSITION_MS]);
}

static void
set_duration (TrVoicemailPlayer *self,
              gint64             duration_ms)
{
  if (self->duration_ms == duration_ms)
    return;
  self->duration_ms = duration_ms;
  g_object_notify_by_pspec (G_OBJECT (self), props[PROP_DURATION_MS]);
}

static void
set_message (TrVoicemailPlayer *self,
             TrVoicemail       *message)
{
  if (g_set_object (&self->message, message))
    g_object_notify_by_pspec (G_OBJECT (self), props[PROP_MESSAGE]);
}

static void
teardown_pipeline (TrVoicemailPlayer *self)
{
  g_clear_handle_id (&self->bus_watch, g_source_remove);
  g_clear_handle_id (&self->position_source, g_source_remove);
  if (self->pipeline != NULL)
    {
      gst_element_set_state (self->pipeline, GST_STATE_NULL);
      g_clear_object (&self->pipeline);
    }
}

/* Ends the running play: everything back to idle, then the task completes with @error (or
 * TRUE without). */
static void
finish_play (TrVoicemailPlayer *self,
             GError            *error)
{
  g_autoptr(GTask) task = g_steal_pointer (&self->task);
  g_autoptr(GObject) hold = g_object_ref (G_OBJECT (self));

  teardown_pipeline (self);
  if (self->op != NULL)
    g_cancellable_cancel (self->op);
  g_clear_object (&self->op);
  g_clear_handle_id (&self->cancelled_idle, g_source_remove);
  if (task != NULL && self->cancelled_id != 0)
    g_cancellable_disconnect (g_task_get_cancellable (task), self->cancelled_id);
  self->cancelled_id = 0;
  self->marked = FALSE;

  g_object_freeze_notify (G_OBJECT (self));
  set_playing (self, FALSE);
  set_paused (self, FALSE);
  set_position (self, 0);
  set_duration (self, 0);
  set_message (self, NULL);
  g_object_thaw_notify (G_OBJECT (self));

  if (task == NULL)
    {
      g_clear_error (&error);
      return;
    }
  if (error != NULL)
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

static void
mark_heard_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  if (!tr_voicemail_box_mark_heard_finish (TR_VOICEMAIL_BOX (object), result, &error))
    g_message ("Could not mark the message heard: %s", error->message);
}

static void
mark_heard (TrVoicemailPlayer *self)
{
  if (self->marked || self->message == NULL)
    return;
  self->marked = TRUE;
  if (!tr_voicemail_get_heard (self->message))
    tr_voicemail_box_mark_heard_async (tr_call_agent_get_voicemail_box (self->agent),
                                       self->message, NULL, mark_heard_cb, NULL);
}

static void
update_position (TrVoicemailPlayer *self)
{
  gint64 position = 0;
  gint64 duration = 0;

  if (self->pipeline == NULL)
    return;
  if (gst_element_query_duration (self->pipeline, GST_FORMAT_TIME, &duration) && duration > 0)
    set_duration (self, duration / GST_MSECOND);
  if (gst_element_query_position (self->pipeline, GST_FORMAT_TIME, &position) && position >= 0)
    set_position (self, MIN (position / GST_MSECOND,
                             self->duration_ms > 0 ? self->duration_ms : G_MAXINT64));
}

static gboolean
position_cb (gpointer user_data)
{
  update_position (TR_VOICEMAIL_PLAYER (user_data));
  return G_SOURCE_CONTINUE;
}

static gboolean
bus_cb (GstBus     *bus,
        GstMessage *message,
        gpointer    user_data)
{
  TrVoicemailPlayer *self = TR_VOICEMAIL_PLAYER (user_data);

  switch (GST_MESSAGE_TYPE (message))
    {
    case GST_MESSAGE_STATE_CHANGED:
      if (GST_MESSAGE_SRC (message) == GST_OBJECT (self->pipeline))
        {
          GstState new_state;

          gst_message_parse_state_changed (message, NULL, &new_state, NULL);
          if (new_state == GST_STATE_PLAYING)
            {
              mark_heard (self);
              update_position (self);
              set_playing (self, TRUE);
              if (self->position_source == 0)
                self->position_source = g_timeout_add (100, position_cb, self);
            }
          else if (new_state == GST_STATE_PAUSED)
            {
              set_playing (self, FALSE);
              update_position (self);
            }
        }
      break;

    case GST_MESSAGE_EOS:
      update_position (self);
      set_position (self, self->duration_ms);
      finish_play (self, NULL);
      break;

    case GST_MESSAGE_ERROR:
      {
        GError *error = NULL;
        g_autofree char *debug = NULL;

        gst_message_parse_error (message, &error, &debug);
        g_message ("Playback failed: %s (%s)", error->message, debug ? debug : "");
        finish_play (self, error);
      }
      break;

    default:
      break;
    }

  return G_SOURCE_CONTINUE;
}

/* The sink of the speaker calls use: the agent's speaker option, else the selected speaker;
 * with none, a fakesink that still plays in real time. */
static GstElement *
create_sink (TrVoicemailPlayer *self)
{
  const TrMediaConfig *config = _tr_call_agent_get_media_config (self->agent);
  TrDeviceManager *devices = _tr_call_agent_get_device_manager (self->agent);
  const char *override = config != NULL ? config->speaker : NULL;
  TrDevice *device = NULL;
  GstElement *sink = NULL;

  if (devices != NULL && g_strcmp0 (override, "none") != 0)
    device = override != NULL
               ? tr_device_manager_find (devices, TR_DEVICE_KIND_SPEAKER, override)
               : tr_device_manager_get_selected_speaker (devices);
  if (device != NULL)
    sink = _tr_device_create_element (device, "speaker");
  if (sink == NULL)
    {
      g_debug ("No speaker: the message is played to nothing");
      sink = gst_element_factory_make ("fakesink", "speaker");
      if (sink != NULL)
        g_object_set (sink, "sync", TRUE, NULL);
    }
  return sink;
}

/* oggdemux's pad comes with the stream: on to the decoder. */
static void
demux_pad_added_cb (GstElement *demux,
                    GstPad     *pad,
                    gpointer    user_data)
{
  GstElement *decoder = GST_ELEMENT (user_data);
  g_autoptr(GstPad) sink = gst_element_get_static_pad (decoder, "sink");

  if (!gst_pad_is_linked (sink) && gst_pad_link (pad, sink) != GST_PAD_LINK_OK)
    g_debug ("Cannot link %s to the decoder", GST_PAD_NAME (pad));
}

static gboolean
start_pipeline (TrVoicemailPlayer *self,
                GBytes            *audio,
                GError           **error)
{
  g_autoptr(GInputStream) stream = g_memory_input_stream_new_from_bytes (audio);
  g_autoptr(GstBus) bus = NULL;
  const char *factories[] = { "giostreamsrc", "oggdemux", "opusdec", "audioconvert",
                              "audioresample" };
  GstElement *elements[G_N_ELEMENTS (factories) + 1] = { NULL, };
  gboolean complete = TRUE;

  gst_init (NULL, NULL);   /* the first media of an app that starts it on demand */
  self->pipeline = g_object_ref_sink (gst_pipeline_new ("voicemail-player"));
  for (guint i = 0; i < G_N_ELEMENTS (factories); i++)
    {
      elements[i] = gst_element_factory_make (factories[i], NULL);
      complete = complete && elements[i] != NULL;
    }
  elements[G_N_ELEMENTS (factories)] = create_sink (self);
  for (guint i = 0; i < G_N_ELEMENTS (elements); i++)
    {
      if (elements[i] != NULL)
        gst_bin_add (GST_BIN (self->pipeline), elements[i]);
      complete = complete && elements[i] != NULL;
    }
  if (!complete)
    {
      g_set_error_literal (error, GST_CORE_ERROR, GST_CORE_ERROR_MISSING_PLUGIN,
                           "The GStreamer elements to play Ogg Opus are missing");
      return FALSE;
    }

  g_object_set (elements[0], "stream", stream, NULL);
  g_signal_connect_object (elements[1], "pad-added", G_CALLBACK (demux_pad_added_cb),
                           elements[2], 0);
  if (!gst_element_link (elements[0], elements[1])
      || !gst_element_link_many (elements[2], elements[3], elements[4], elements[5], NULL))
    {
      g_set_error_literal (error, GST_CORE_ERROR, GST_CORE_ERROR_NEGOTIATION,
                           "Cannot link the playback pipeline");
      return FALSE;
    }

  bus = gst_element_get_bus (self->pipeline);
  self->bus_watch = gst_bus_add_watch (bus, bus_cb, self);
  if (gst_element_set_state (self->pipeline, self->paused ? GST_STATE_PAUSED : GST_STATE_PLAYING)
      == GST_STATE_CHANGE_FAILURE)
    {
      g_set_error_literal (error, GST_CORE_ERROR, GST_CORE_ERROR_STATE_CHANGE,
                           "Cannot start playing");
      return FALSE;
    }
  return TRUE;
}

static void
spliced_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  TrVoicemailPlayer *self = g_task_get_source_object (task);
  g_autoptr(GBytes) audio = NULL;
  GError *error = NULL;

  if (g_output_stream_splice_finish (G_OUTPUT_STREAM (object), result, &error) < 0)
    {
      if (task == self->task)
        finish_play (self, error);
      else
        g_clear_error (&error);
      return;
    }
  if (task != self->task)
    return;
  audio = g_memory_output_stream_steal_as_bytes (G_MEMORY_OUTPUT_STREAM (object));
  if (!start_pipeline (self, audio, &error))
    finish_play (self, error);
}

static void
fetched_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  TrVoicemailPlayer *self = g_task_get_source_object (task);
  g_autoptr(GInputStream) stream = NULL;
  g_autoptr(GOutputStream) memory = NULL;
  GError *error = NULL;

  stream = tr_voicemail_box_fetch_audio_finish (TR_VOICEMAIL_BOX (object), result, &error);
  if (task != self->task)
    {
      g_clear_error (&error);
      return;
    }
  if (stream == NULL)
    {
      finish_play (self, error);
      return;
    }
  /* Read it all first: messages are small (Opus), and libsoup's streams belong to the main
   * context, not to a GStreamer streaming thread. */
  memory = g_memory_output_stream_new_resizable ();
  g_output_stream_splice_async (memory, stream,
                                G_OUTPUT_STREAM_SPLICE_CLOSE_SOURCE
                                  | G_OUTPUT_STREAM_SPLICE_CLOSE_TARGET,
                                G_PRIORITY_DEFAULT, self->op, spliced_cb,
                                g_steal_pointer (&task));
}

static gboolean
cancelled_idle_cb (gpointer user_data)
{
  TrVoicemailPlayer *self = TR_VOICEMAIL_PLAYER (user_data);

  self->cancelled_idle = 0;
  tr_voicemail_player_stop (self);
  return G_SOURCE_REMOVE;
}

/* Any thread; g_cancellable_disconnect() must not run from here. */
static void
task_cancelled_cb (GCancellable *cancellable,
                   gpointer      user_data)
{
  TrVoicemailPlayer *self = TR_VOICEMAIL_PLAYER (user_data);

  if (self->cancelled_idle == 0)
    self->cancelled_idle = g_idle_add_full (G_PRIORITY_DEFAULT, cancelled_idle_cb,
                                            g_object_ref (self), g_object_unref);
}

static void
tr_voicemail_player_get_property (GObject    *object,
                                  guint       prop_id,
                                  GValue     *value,
                                  GParamSpec *pspec)
{
  TrVoicemailPlayer *self = TR_VOICEMAIL_PLAYER (object);

  switch (prop_id)
    {
    case PROP_MESSAGE:
      g_value_set_object (value, self->message);
      break;
    case PROP_PLAYING:
      g_value_set_boolean (value, self->playing);
      break;
    case PROP_PAUSED:
      g_value_set_boolean (value, self->paused);
      break;
    case PROP_POSITION_MS:
      g_value_set_int64 (value, self->position_ms);
      break;
    case PROP_DURATION_MS:
      g_value_set_int64 (value, self->duration_ms);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tr_voicemail_player_dispose (GObject *object)
{
  TrVoicemailPlayer *self = TR_VOICEMAIL_PLAYER (object);

  /* A running play holds a reference: nothing runs any more here. */
  teardown_pipeline (self);
  g_clear_object (&self->op);
  g_clear_object (&self->message);
  g_clear_object (&self->agent);

  G_OBJECT_CLASS (tr_voicemail_player_parent_class)->dispose (object);
}

static void
tr_voicemail_player_class_init (TrVoicemailPlayerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags flags = G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY;

  object_class->get_property = tr_voicemail_player_get_property;
  object_class->dispose = tr_voicemail_player_dispose;

  props[PROP_MESSAGE] = g_param_spec_object ("message", NULL, NULL, TR_TYPE_VOICEMAIL, flags);
  props[PROP_PLAYING] = g_param_spec_boolean ("playing", NULL, NULL, FALSE, flags);
  props[PROP_PAUSED] = g_param_spec_boolean ("paused", NULL, NULL, FALSE, flags);
  props[PROP_POSITION_MS] =
    g_param_spec_int64 ("position-ms", NULL, NULL, 0, G_MAXINT64, 0, flags);
  props[PROP_DURATION_MS] =
    g_param_spec_int64 ("duration-ms", NULL, NULL, 0, G_MAXINT64, 0, flags);

  g_object_class_install_properties (object_class, N_PROPS, props);
}

static void
tr_voicemail_player_init (TrVoicemailPlayer *self)
{
}

TrVoicemailPlayer *
tr_voicemail_player_new (TrCallAgent *agent)
{
  TrVoicemailPlayer *self;

  g_return_val_if_fail (TR_IS_CALL_AGENT (agent), NULL);

  self = g_object_new (TR_TYPE_VOICEMAIL_PLAYER, NULL);
  self->agent = g_object_ref (agent);
  return self;
}

TrVoicemail *
tr_voicemail_player_get_message (TrVoicemailPlayer *self)
{
  g_return_val_if_fail (TR_IS_VOICEMAIL_PLAYER (self), NULL);
  return self->message;
}

gboolean
tr_voicemail_player_get_playing (TrVoicemailPlayer *self)
{
  g_return_val_if_fail (TR_IS_VOICEMAIL_PLAYER (self), FALSE);
  return self->playing;
}

gboolean
tr_voicemail_player_get_paused (TrVoicemailPlayer *self)
{
  g_return_val_if_fail (TR_IS_VOICEMAIL_PLAYER (self), FALSE);
  return self->paused;
}

gint64
tr_voicemail_player_get_position_ms (TrVoicemailPlayer *self)
{
  g_return_val_if_fail (TR_IS_VOICEMAIL_PLAYER (self), 0);
  return self->position_ms;
}

gint64
tr_voicemail_player_get_duration_ms (TrVoicemailPlayer *self)
{
  g_return_val_if_fail (TR_IS_VOICEMAIL_PLAYER (self), 0);
  return self->duration_ms;
}

void
tr_voicemail_player_play_async (TrVoicemailPlayer  *self,
                                TrVoicemail        *message,
                                GCancellable       *cancellable,
                                GAsyncReadyCallback callback,
                                gpointer            user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (TR_IS_VOICEMAIL_PLAYER (self));
  g_return_if_fail (TR_IS_VOICEMAIL (message));

  tr_voicemail_player_stop (self);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, tr_voicemail_player_play_async);
  if (g_task_return_error_if_cancelled (task))
    return;

  self->task = g_object_ref (task);
  self->op = g_cancellable_new ();
  if (cancellable != NULL)
    self->cancelled_id = g_cancellable_connect (cancellable, G_CALLBACK (task_cancelled_cb),
                                                self, NULL);
  g_object_freeze_notify (G_OBJECT (self));
  set_message (self, message);
  set_duration (self, tr_voicemail_get_duration_ms (message));
  set_position (self, 0);
  g_object_thaw_notify (G_OBJECT (self));

  tr_voicemail_box_fetch_audio_async (tr_call_agent_get_voicemail_box (self->agent), message,
                                      self->op, fetched_cb, g_steal_pointer (&task));
}

gboolean
tr_voicemail_player_play_finish (TrVoicemailPlayer *self,
                                 GAsyncResult      *result,
                                 GError           **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

void
tr_voicemail_player_set_paused (TrVoicemailPlayer *self,
                                gboolean           paused)
{
  g_return_if_fail (TR_IS_VOICEMAIL_PLAYER (self));

  if (self->task == NULL || self->paused == paused)
    return;
  set_paused (self, paused);
  if (paused)
    set_playing (self, FALSE);
  if (self->pipeline != NULL)
    gst_element_set_state (self->pipeline, paused ? GST_STATE_PAUSED : GST_STATE_PLAYING);
}

void
tr_voicemail_player_stop (TrVoicemailPlayer *self)
{
  g_return_if_fail (TR_IS_VOICEMAIL_PLAYER (self));

  if (self->task == NULL)
    return;
  finish_play (self, g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CANCELLED, "Stopped"));
}
