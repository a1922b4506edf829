/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "TrVoicemailLine"

#include "config.h"

#include "tr-server-types.h"

#include <glib/gstdio.h>
#include <string.h>

#include "tr-message.h"
#include "tr-secrets.h"
#include "tr-signaling.h"
#include "tr-voicemail-line.h"

/* How long the recording may take to close its file after the call ended. */
#define FINISH_TIMEOUT_MS 3000
#define GREETING_FILE "greeting.ogg"
#define DEFAULT_GREETING_FILE "voicemail-greeting.ogg"

typedef struct _VmCall VmCall;

struct _TrVoicemailLine
{
  GObject parent_instance;

  TrStore           *store;
  TrSignaling       *signaling; /* unowned: it owns the line */
  TrLineMediaConfig *media;
  char              *dir; /* <data dir>/voicemail */
  char              *default_greeting;
  guint              max_seconds;
  guint              quota;
  GHashTable        *calls;     /* call id → VmCall: calls in progress */
  GHashTable        *finishing; /* VmCall set: ended, the file being closed */
};

static void service_line_iface_init (TrServiceLineInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (TrVoicemailLine, tr_voicemail_line, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (TR_TYPE_SERVICE_LINE,
                                                      service_line_iface_init))

/*
 * One call to a mailbox. Reference counted (g_atomic_rc_box): idle callbacks scheduled from
 * streaming threads hold a reference. The pad probes do not: they stop with the pipeline,
 * which the VmCall closes before it goes.
 */
struct _VmCall
{
  TrVoicemailLine *line; /* unowned: the line finishes its calls when it goes */
  char            *call_id;
  char            *owner;
  char            *caller;
  char            *message_id;
  char            *path;
  gint64           created_at; /* ms */
  TrLinePeer      *peer;
  GstElement      *depay; /* unowned, in the pipeline */
  GstElement      *pay;   /* unowned, in the pipeline */
  GstClockTime     max_duration;
  guint            finish_source;
  guint            limit_source; /* the whole call, greeting and silence included */
  gboolean         greeting_started;
  gboolean         finishing;
  gboolean         done;

  GMutex       lock; /* the fields below: the recording probe runs in a streaming thread */
  gboolean     recording;
  gboolean     max_reached;
  GstClockTime recorded;
};

static void vm_call_finish (VmCall *vm);
static void vm_call_done (VmCall *vm);

static void
vm_call_clear (gpointer data)
{
  VmCall *vm = data;

  g_clear_handle_id (&vm->finish_source, g_source_remove);
  g_clear_handle_id (&vm->limit_source, g_source_remove);
  if (vm->peer != NULL)
    tr_line_peer_close (vm->peer);
  g_clear_object (&vm->peer);
  g_free (vm->call_id);
  g_free (vm->owner);
  g_free (vm->caller);
  g_free (vm->message_id);
  g_free (vm->path);
  g_mutex_clear (&vm->lock);
}

static VmCall *
vm_call_ref (VmCall *vm)
{
  return g_atomic_rc_box_acquire (vm);
}

static void
vm_call_unref (gpointer vm)
{
  g_atomic_rc_box_release_full (vm, vm_call_clear);
}

/* Runs @func (vm) on the main context, holding a reference. */
static void
vm_call_idle (VmCall *vm, GSourceFunc func)
{
  g_idle_add_full (G_PRIORITY_DEFAULT, func, vm_call_ref (vm), vm_call_unref);
}

static char *
user_dir (TrVoicemailLine *self, const char *user)
{
  /* User ids are [A-Za-z0-9._@-]: only "." and ".." need care. */
  if (user[0] == '.')
    {
      g_autofree char *escaped = g_strconcat ("%2E", user + 1, NULL);

      return g_build_filename (self->dir, escaped, NULL);
    }
  return g_build_filename (self->dir, user, NULL);
}

static char *
message_path (TrVoicemailLine *self, const char *user, const char *id)
{
  g_autofree char *dir = user_dir (self, user);
  g_autofree char *name = g_strconcat (id, ".ogg", NULL);

  return g_build_filename (dir, name, NULL);
}

static char *
greeting_for (TrVoicemailLine *self, const char *user)
{
  g_autofree char *dir = user_dir (self, user);
  g_autofree char *own = g_build_filename (dir, GREETING_FILE, NULL);

  if (g_file_test (own, G_FILE_TEST_IS_REGULAR))
    return g_steal_pointer (&own);
  return g_strdup (self->default_greeting);
}

/* Recording (streaming threads) */

static gboolean
max_reached_cb (gpointer data)
{
  VmCall *vm = data;

  TR_DEBUG ("Call %s: the message reached its maximum length", vm->call_id);
  if (!vm->finishing && vm->line->signaling != NULL)
    tr_signaling_line_hang_up (vm->line->signaling, TR_SERVICE_LINE (vm->line), vm->call_id);
  return G_SOURCE_REMOVE;
}

/*
 * On opusparse's output: drops the caller's audio until the greeting is over, then restamps it
 * from 0 by the packets' durations (the jitter buffer's timestamps jump, FACTS), so the Ogg
 * file's duration is the time recorded.
 */
static GstPadProbeReturn
record_probe_cb (GstPad *pad, GstPadProbeInfo *info, gpointer user_data)
{
  VmCall *vm = user_data;

  if (info->type & GST_PAD_PROBE_TYPE_BUFFER)
    {
      GstBuffer   *buffer = GST_PAD_PROBE_INFO_BUFFER (info);
      GstClockTime duration = GST_BUFFER_DURATION (buffer);
      gboolean     reached = FALSE;

      if (GST_BUFFER_FLAG_IS_SET (buffer, GST_BUFFER_FLAG_HEADER))
        return GST_PAD_PROBE_OK;

      g_mutex_lock (&vm->lock);
      if (!vm->recording || vm->max_reached)
        {
          g_mutex_unlock (&vm->lock);
          return GST_PAD_PROBE_DROP;
        }
      if (!GST_CLOCK_TIME_IS_VALID (duration) || duration == 0)
        duration = 20 * GST_MSECOND;
      buffer = gst_buffer_make_writable (buffer);
      GST_BUFFER_PTS (buffer) = vm->recorded;
      GST_BUFFER_DTS (buffer) = vm->recorded;
      GST_BUFFER_DURATION (buffer) = duration;
      vm->recorded += duration;
      if (vm->recorded >= vm->max_duration)
        reached = vm->max_reached = TRUE;
      g_mutex_unlock (&vm->lock);

      GST_PAD_PROBE_INFO_DATA (info) = buffer;
      if (reached)
        vm_call_idle (vm, max_reached_cb);
      return GST_PAD_PROBE_OK;
    }

  if (info->type & GST_PAD_PROBE_TYPE_EVENT_DOWNSTREAM)
    {
      GstEvent *event = GST_PAD_PROBE_INFO_EVENT (info);

      if (GST_EVENT_TYPE (event) == GST_EVENT_SEGMENT)
        {
          GstSegment segment;

          /* Matches the restamped buffers. */
          gst_segment_init (&segment, GST_FORMAT_TIME);
          gst_event_unref (event);
          GST_PAD_PROBE_INFO_DATA (info) = gst_event_new_segment (&segment);
        }
    }
  return GST_PAD_PROBE_OK;
}

static gboolean
file_closed_cb (gpointer data)
{
  VmCall *vm = data;

  if (vm->finishing && !vm->done)
    vm_call_done (vm);
  return G_SOURCE_REMOVE;
}

static GstPadProbeReturn
file_eos_probe_cb (GstPad *pad, GstPadProbeInfo *info, gpointer user_data)
{
  VmCall *vm = user_data;

  if (GST_EVENT_TYPE (GST_PAD_PROBE_INFO_EVENT (info)) == GST_EVENT_EOS)
    vm_call_idle (vm, file_closed_cb);
  return GST_PAD_PROBE_OK;
}

/* Greeting */

static gboolean
greeting_done_cb (gpointer data)
{
  VmCall *vm = data;

  TR_DEBUG ("Call %s: greeting done, recording", vm->call_id);
  g_mutex_lock (&vm->lock);
  vm->recording = TRUE;
  g_mutex_unlock (&vm->lock);
  return G_SOURCE_REMOVE;
}

static GstPadProbeReturn
greeting_eos_probe_cb (GstPad *pad, GstPadProbeInfo *info, gpointer user_data)
{
  VmCall *vm = user_data;

  /* The greeting's end is not the end of what the line sends: keep EOS from webrtcbin. */
  if (GST_EVENT_TYPE (GST_PAD_PROBE_INFO_EVENT (info)) == GST_EVENT_EOS)
    {
      vm_call_idle (vm, greeting_done_cb);
      return GST_PAD_PROBE_DROP;
    }
  return GST_PAD_PROBE_OK;
}

static void
demux_pad_added_cb (GstElement *demux, GstPad *pad, gpointer user_data)
{
  GstElement *parse = user_data;
  g_autoptr (GstPad) sink = gst_element_get_static_pad (parse, "sink");

  if (!gst_pad_is_linked (sink))
    gst_pad_link (pad, sink);
}

/* filesrc ! oggdemux ! opusparse ! clocksync ! (the line's rtpopuspay): paced in real time
 * from now, as it was encoded. */
static gboolean
start_greeting (VmCall *vm)
{
  g_autofree char *greeting = greeting_for (vm->line, vm->owner);
  GstElement      *pipeline = vm->peer ? tr_line_peer_get_pipeline (vm->peer) : NULL;
  GstElement      *src, *demux, *parse, *sync;
  g_autoptr (GstPad) sync_sink = NULL;
  g_autoptr (GstPad) sync_src = NULL;
  g_autoptr (GstPad) pay_sink = NULL;

  if (greeting == NULL || pipeline == NULL || vm->pay == NULL)
    return FALSE;

  src = gst_element_factory_make ("filesrc", NULL);
  demux = gst_element_factory_make ("oggdemux", NULL);
  parse = gst_element_factory_make ("opusparse", NULL);
  sync = gst_element_factory_make ("clocksync", NULL);
  if (src == NULL || demux == NULL || parse == NULL || sync == NULL)
    {
      g_clear_pointer (&src, gst_object_unref);
      g_clear_pointer (&demux, gst_object_unref);
      g_clear_pointer (&parse, gst_object_unref);
      g_clear_pointer (&sync, gst_object_unref);
      return FALSE;
    }
  g_object_set (src, "location", greeting, NULL);
  gst_bin_add_many (GST_BIN (pipeline), src, demux, parse, sync, NULL);
  gst_element_link (src, demux);
  gst_element_link (parse, sync);
  g_signal_connect (demux, "pad-added", G_CALLBACK (demux_pad_added_cb), parse);

  /* The file's timestamps start at 0; the pipeline runs since the answer. */
  sync_sink = gst_element_get_static_pad (sync, "sink");
  gst_pad_set_offset (sync_sink, (gint64)tr_line_peer_get_running_time (vm->peer));
  sync_src = gst_element_get_static_pad (sync, "src");
  gst_pad_add_probe (sync_src, GST_PAD_PROBE_TYPE_EVENT_DOWNSTREAM, greeting_eos_probe_cb, vm,
                     NULL);
  pay_sink = gst_element_get_static_pad (vm->pay, "sink");
  if (gst_pad_link (sync_src, pay_sink) != GST_PAD_LINK_OK)
    return FALSE;

  gst_element_sync_state_with_parent (sync);
  gst_element_sync_state_with_parent (parse);
  gst_element_sync_state_with_parent (demux);
  gst_element_sync_state_with_parent (src);
  TR_DEBUG ("Call %s: greeting %s", vm->call_id, greeting);
  return TRUE;
}

static gboolean
media_flowing_cb (gpointer data)
{
  VmCall *vm = data;

  if (vm->finishing || vm->greeting_started)
    return G_SOURCE_REMOVE;
  vm->greeting_started = TRUE;
  if (!start_greeting (vm))
    greeting_done_cb (vm);
  return G_SOURCE_REMOVE;
}

/* Media handlers */

static GstElement *
vm_build_send (TrLinePeer *peer, GstBin *pipeline, gboolean audio, int pt, gpointer user_data)
{
  VmCall     *vm = user_data;
  GstElement *pay, *queue;

  if (!audio)
    return NULL; /* receive only */

  pay = gst_element_factory_make ("rtpopuspay", NULL);
  queue = gst_element_factory_make ("queue", NULL);
  if (pay == NULL || queue == NULL)
    {
      g_clear_pointer (&pay, gst_object_unref);
      g_clear_pointer (&queue, gst_object_unref);
      return NULL;
    }
  g_object_set (pay, "pt", pt, NULL);
  gst_bin_add_many (pipeline, pay, queue, NULL);
  gst_element_link (pay, queue);
  vm->pay = pay;
  return queue;
}

static gboolean
vm_incoming (TrLinePeer *peer, GstBin *pipeline, GstPad *pad, gboolean audio, gpointer user_data)
{
  VmCall     *vm = user_data;
  GstElement *depay, *parse, *mux, *sink;
  g_autoptr (GstPad) parse_src = NULL;
  g_autoptr (GstPad) sink_pad = NULL;
  g_autoptr (GstPad) depay_sink = NULL;

  if (!audio || vm->depay != NULL)
    return FALSE;

  depay = gst_element_factory_make ("rtpopusdepay", NULL);
  parse = gst_element_factory_make ("opusparse", NULL);
  mux = gst_element_factory_make ("oggmux", NULL);
  sink = gst_element_factory_make ("filesink", NULL);
  if (depay == NULL || parse == NULL || mux == NULL || sink == NULL)
    {
      g_clear_pointer (&depay, gst_object_unref);
      g_clear_pointer (&parse, gst_object_unref);
      g_clear_pointer (&mux, gst_object_unref);
      g_clear_pointer (&sink, gst_object_unref);
      return FALSE;
    }
  g_object_set (sink, "location", vm->path, "sync", FALSE, "async", FALSE, NULL);
  gst_bin_add_many (pipeline, depay, parse, mux, sink, NULL);
  if (!gst_element_link_many (depay, parse, mux, sink, NULL))
    return FALSE;

  parse_src = gst_element_get_static_pad (parse, "src");
  gst_pad_add_probe (parse_src, GST_PAD_PROBE_TYPE_BUFFER | GST_PAD_PROBE_TYPE_EVENT_DOWNSTREAM,
                     record_probe_cb, vm, NULL);
  sink_pad = gst_element_get_static_pad (sink, "sink");
  gst_pad_add_probe (sink_pad, GST_PAD_PROBE_TYPE_EVENT_DOWNSTREAM, file_eos_probe_cb, vm, NULL);

  gst_element_sync_state_with_parent (sink);
  gst_element_sync_state_with_parent (mux);
  gst_element_sync_state_with_parent (parse);
  gst_element_sync_state_with_parent (depay);

  depay_sink = gst_element_get_static_pad (depay, "sink");
  if (gst_pad_link (pad, depay_sink) != GST_PAD_LINK_OK)
    return FALSE;
  vm->depay = depay;

  /* The caller's first packet: ICE and DTLS are up, the greeting can start. */
  vm_call_idle (vm, media_flowing_cb);
  return TRUE;
}

static const TrLinePeerHandlers vm_handlers = {
  vm_build_send,
  vm_incoming,
};

static void
peer_local_signal_cb (TrLinePeer *peer, JsonObject *payload, gpointer user_data)
{
  VmCall *vm = user_data;

  if (!vm->finishing && vm->line->signaling != NULL)
    tr_signaling_line_signal (vm->line->signaling, TR_SERVICE_LINE (vm->line), vm->call_id,
                              payload);
}

/* End of a call */

static gboolean
finish_timeout_cb (gpointer data)
{
  VmCall *vm = data;

  vm->finish_source = 0;
  g_debug ("Call %s: the recording did not close in time", vm->call_id);
  vm_call_done (vm);
  return G_SOURCE_REMOVE;
}

/* The file is complete (or given up on): store the message and tell the owner. */
static void
vm_call_done (VmCall *vm)
{
  TrVoicemailLine *self = vm->line;
  GstClockTime     recorded;
  g_autoptr (GError) error = NULL;

  if (vm->done)
    return;
  vm->done = TRUE;
  g_clear_handle_id (&vm->finish_source, g_source_remove);
  if (vm->peer != NULL)
    tr_line_peer_close (vm->peer);

  g_mutex_lock (&vm->lock);
  recorded = vm->recorded;
  g_mutex_unlock (&vm->lock);

  if (recorded == 0 || !g_file_test (vm->path, G_FILE_TEST_IS_REGULAR))
    {
      TR_DEBUG ("Call %s: nothing recorded", vm->call_id);
      g_unlink (vm->path);
    }
  else if (!tr_store_add_voicemail (self->store, vm->message_id, vm->owner, vm->caller,
                                    vm->created_at, recorded / GST_MSECOND, &error))
    {
      g_warning ("Cannot store a voicemail message: %s", error->message);
      g_unlink (vm->path);
    }
  else
    {
      g_autoptr (TrMessage) event = tr_message_new (TR_EV_VOICEMAIL_NEW);
      guint unheard = 0;

      TR_DEBUG ("Voicemail %s for %s from %s: %" G_GUINT64_FORMAT " ms", vm->message_id, vm->owner,
                vm->caller, recorded / GST_MSECOND);
      tr_store_count_voicemails (self->store, vm->owner, &unheard);
      tr_message_take_object (event, "message",
                              tr_store_get_voicemail (self->store, vm->owner, vm->message_id));
      tr_message_set_int (event, "unheard", unheard);
      if (self->signaling != NULL)
        tr_signaling_send_to_user (self->signaling, vm->owner, event);
    }

  g_hash_table_remove (self->finishing, vm);
}

/* A caller that never sends audio does not keep the line forever. */
static gboolean
call_limit_cb (gpointer data)
{
  VmCall *vm = data;

  vm->limit_source = 0;
  TR_DEBUG ("Call %s: too long", vm->call_id);
  if (!vm->finishing && vm->line->signaling != NULL)
    tr_signaling_line_hang_up (vm->line->signaling, TR_SERVICE_LINE (vm->line), vm->call_id);
  return G_SOURCE_REMOVE;
}

static void
vm_call_finish (VmCall *vm)
{
  gboolean recorded;

  vm->finishing = TRUE;
  g_clear_handle_id (&vm->limit_source, g_source_remove);
  g_mutex_lock (&vm->lock);
  recorded = vm->recorded > 0;
  vm->recording = FALSE; /* what still comes is dropped; EOS passes */
  g_mutex_unlock (&vm->lock);

  g_hash_table_add (vm->line->finishing, vm_call_ref (vm));
  if (!recorded || vm->depay == NULL)
    {
      vm_call_done (vm);
      return;
    }

  /* EOS into the depayloader; the file is complete when it reaches the filesink (FACTS). */
  {
    g_autoptr (GstPad) sink = gst_element_get_static_pad (vm->depay, "sink");

    vm->finish_source = g_timeout_add (FINISH_TIMEOUT_MS, finish_timeout_cb, vm);
    gst_pad_send_event (sink, gst_event_new_eos ());
  }
}

/* TrServiceLine */

static const char *
tr_voicemail_line_get_id (TrServiceLine *line)
{
  return TR_VOICEMAIL_LINE_ID;
}

static const char *
tr_voicemail_line_get_display_name (TrServiceLine *line)
{
  return "Voicemail";
}

static void
tr_voicemail_line_incoming (TrServiceLine *line, TrSignaling *signaling, const char *call_id)
{
  TrVoicemailLine *self = TR_VOICEMAIL_LINE (line);
  const char      *owner = tr_signaling_line_get_callee (signaling, line, call_id);
  const char      *caller = tr_signaling_line_get_caller (signaling, line, call_id);
  g_autofree char *dir = NULL;
  VmCall          *vm;

  self->signaling = signaling;
  if (owner == NULL || caller == NULL)
    return;

  if (g_hash_table_size (self->calls) + g_hash_table_size (self->finishing)
      >= TR_LINE_MAX_MEDIA_CALLS)
    {
      tr_signaling_line_reject (signaling, line, call_id, TR_STATUS_BUSY);
      return;
    }
  if (tr_store_count_voicemails (self->store, owner, NULL) >= self->quota)
    {
      TR_DEBUG ("Call %s: the mailbox of %s is full", call_id, owner);
      tr_signaling_line_reject (signaling, line, call_id, TR_STATUS_MAILBOX_FULL);
      return;
    }
  dir = user_dir (self, owner);
  if (g_mkdir_with_parents (dir, 0700) != 0)
    {
      g_warning ("Cannot create %s", dir);
      tr_signaling_line_reject (signaling, line, call_id, TR_STATUS_INTERNAL);
      return;
    }

  vm = g_atomic_rc_box_new0 (VmCall);
  g_mutex_init (&vm->lock);
  vm->line = self;
  vm->call_id = g_strdup (call_id);
  vm->owner = g_strdup (owner);
  vm->caller = g_strdup (caller);
  vm->message_id = tr_secrets_random_id ("v-", 8);
  vm->path = message_path (self, owner, vm->message_id);
  vm->created_at = g_get_real_time () / 1000;
  vm->max_duration = (GstClockTime)self->max_seconds * GST_SECOND;
  vm->peer = tr_line_peer_new (call_id, self->media, &vm_handlers, vm);
  g_signal_connect (vm->peer, "local-signal", G_CALLBACK (peer_local_signal_cb), vm);
  g_hash_table_insert (self->calls, vm->call_id, vm);
  vm->limit_source = g_timeout_add_seconds (self->max_seconds + 60, call_limit_cb, vm);

  tr_signaling_line_accept (signaling, line, call_id);
}

static void
tr_voicemail_line_signal (TrServiceLine *line, TrSignaling *signaling, const char *call_id,
                          JsonObject *payload)
{
  TrVoicemailLine *self = TR_VOICEMAIL_LINE (line);
  VmCall          *vm = g_hash_table_lookup (self->calls, call_id);

  if (vm != NULL)
    tr_line_peer_handle_signal (vm->peer, payload);
}

static void
tr_voicemail_line_ended (TrServiceLine *line, TrSignaling *signaling, const char *call_id)
{
  TrVoicemailLine *self = TR_VOICEMAIL_LINE (line);
  VmCall          *vm = NULL;

  if (!g_hash_table_steal_extended (self->calls, call_id, NULL, (gpointer *)&vm))
    return;
  vm_call_finish (vm);
  vm_call_unref (vm);
}

static void
service_line_iface_init (TrServiceLineInterface *iface)
{
  iface->get_id = tr_voicemail_line_get_id;
  iface->get_display_name = tr_voicemail_line_get_display_name;
  iface->incoming = tr_voicemail_line_incoming;
  iface->signal = tr_voicemail_line_signal;
  iface->ended = tr_voicemail_line_ended;
}

/* GObject */

static void
tr_voicemail_line_dispose (GObject *object)
{
  TrVoicemailLine *self = (TrVoicemailLine *)object;

  /* Shutting down: what is still being closed is stored as it is. */
  if (self->finishing != NULL)
    {
      g_autoptr (GList) pending = g_hash_table_get_keys (self->finishing);

      for (GList *l = pending; l != NULL; l = l->next)
        vm_call_done (l->data);
    }
  self->signaling = NULL;
  G_OBJECT_CLASS (tr_voicemail_line_parent_class)->dispose (object);
}

static void
tr_voicemail_line_finalize (GObject *object)
{
  TrVoicemailLine *self = (TrVoicemailLine *)object;

  g_clear_pointer (&self->calls, g_hash_table_unref);
  g_clear_pointer (&self->finishing, g_hash_table_unref);
  g_clear_object (&self->store);
  tr_line_media_config_free (self->media);
  g_free (self->dir);
  g_free (self->default_greeting);

  G_OBJECT_CLASS (tr_voicemail_line_parent_class)->finalize (object);
}

static void
tr_voicemail_line_class_init (TrVoicemailLineClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = tr_voicemail_line_dispose;
  object_class->finalize = tr_voicemail_line_finalize;
}

static void
tr_voicemail_line_init (TrVoicemailLine *self)
{
  self->calls = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, vm_call_unref);
  self->finishing = g_hash_table_new_full (NULL, NULL, vm_call_unref, NULL);
}

TrVoicemailLine *
tr_voicemail_line_new (TrStore *store, const char *data_dir, const TrLineMediaConfig *media,
                       const char *default_greeting, guint max_seconds, guint quota)
{
  TrVoicemailLine *self;

  g_return_val_if_fail (TR_IS_STORE (store), NULL);
  g_return_val_if_fail (data_dir != NULL, NULL);

  self = g_object_new (TR_TYPE_VOICEMAIL_LINE, NULL);
  self->store = g_object_ref (store);
  self->dir = g_build_filename (data_dir, "voicemail", NULL);
  self->media = tr_line_media_config_copy (media);
  self->default_greeting = g_strdup (default_greeting);
  self->max_seconds = MAX (1, max_seconds);
  self->quota = quota;
  return self;
}

/* The mailbox API (signaling and REST) */

JsonObject *
tr_voicemail_line_list (TrVoicemailLine *self, const char *user)
{
  JsonObject *result = json_object_new ();
  guint       unheard = 0;

  g_return_val_if_fail (TR_IS_VOICEMAIL_LINE (self), result);

  tr_store_count_voicemails (self->store, user, &unheard);
  json_object_set_array_member (result, "messages", tr_store_list_voicemails (self->store, user));
  json_object_set_int_member (result, "unheard", unheard);
  return result;
}

static gboolean
no_message (const char *id, GError **error)
{
  g_set_error (error, TR_ERROR, TR_STATUS_UNKNOWN_MESSAGE, "No voicemail message “%s”",
               id ? id : "");
  return FALSE;
}

JsonObject *
tr_voicemail_line_mark_heard (TrVoicemailLine *self, const char *user, const char *id,
                              GError **error)
{
  g_return_val_if_fail (TR_IS_VOICEMAIL_LINE (self), NULL);

  if (id == NULL || !tr_store_mark_voicemail_heard (self->store, user, id))
    {
      no_message (id, error);
      return NULL;
    }
  return tr_store_get_voicemail (self->store, user, id);
}

gboolean
tr_voicemail_line_delete (TrVoicemailLine *self, const char *user, const char *id, GError **error)
{
  g_autofree char *path = NULL;

  g_return_val_if_fail (TR_IS_VOICEMAIL_LINE (self), FALSE);

  if (id == NULL || !tr_store_remove_voicemail (self->store, user, id))
    return no_message (id, error);
  path = message_path (self, user, id);
  g_unlink (path);
  return TRUE;
}

char *
tr_voicemail_line_dup_audio_path (TrVoicemailLine *self, const char *user, const char *id,
                                  GError **error)
{
  g_autoptr (JsonObject) message = NULL;

  g_return_val_if_fail (TR_IS_VOICEMAIL_LINE (self), NULL);

  if (id == NULL || (message = tr_store_get_voicemail (self->store, user, id)) == NULL)
    {
      no_message (id, error);
      return NULL;
    }
  return message_path (self, user, id);
}

static gboolean
contains (const char *data, gsize length, const char *needle)
{
  gsize n = strlen (needle);

  for (gsize i = 0; i + n <= length; i++)
    if (memcmp (data + i, needle, n) == 0)
      return TRUE;
  return FALSE;
}

gboolean
tr_voicemail_line_set_greeting (TrVoicemailLine *self, const char *user, GBytes *ogg,
                                GError **error)
{
  g_autofree char *dir = NULL;
  g_autofree char *path = NULL;
  const char      *data;
  gsize            length;

  g_return_val_if_fail (TR_IS_VOICEMAIL_LINE (self), FALSE);

  data = g_bytes_get_data (ogg, &length);
  /* The first Ogg page of an Ogg Opus stream holds the OpusHead packet. */
  if (length < 64 || length > TR_VOICEMAIL_MAX_GREETING || memcmp (data, "OggS", 4) != 0
      || !contains (data, MIN (length, 512), "OpusHead"))
    {
      g_set_error_literal (error, TR_ERROR, TR_STATUS_INVALID_FIELD,
                           "A greeting is an Ogg file with Opus audio of at most 1 MiB");
      return FALSE;
    }
  dir = user_dir (self, user);
  path = g_build_filename (dir, GREETING_FILE, NULL);
  if (g_mkdir_with_parents (dir, 0700) != 0 || !g_file_set_contents (path, data, length, error))
    {
      if (error != NULL && *error == NULL)
        g_set_error (error, TR_ERROR, TR_STATUS_INTERNAL, "Cannot create %s", dir);
      return FALSE;
    }
  return TRUE;
}

gboolean
tr_voicemail_line_delete_greeting (TrVoicemailLine *self, const char *user, GError **error)
{
  g_autofree char *dir = NULL;
  g_autofree char *path = NULL;

  g_return_val_if_fail (TR_IS_VOICEMAIL_LINE (self), FALSE);

  dir = user_dir (self, user);
  path = g_build_filename (dir, GREETING_FILE, NULL);
  g_unlink (path);
  return TRUE;
}

char *
tr_voicemail_find_default_greeting (const char *path)
{
  g_autofree char *exe = NULL;
  g_autofree char *installed = NULL;

  if (path != NULL)
    return g_strdup (path);

  exe = g_file_read_link ("/proc/self/exe", NULL);
  if (exe != NULL)
    {
      g_autofree char *dir = g_path_get_dirname (exe);
      g_autofree char *beside = g_build_filename (dir, DEFAULT_GREETING_FILE, NULL);

      if (g_file_test (beside, G_FILE_TEST_IS_REGULAR))
        return g_steal_pointer (&beside);
    }
  installed = g_build_filename (TR_SERVER_DATADIR, DEFAULT_GREETING_FILE, NULL);
  if (g_file_test (installed, G_FILE_TEST_IS_REGULAR))
    return g_steal_pointer (&installed);
  return NULL;
}
