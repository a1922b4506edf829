/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "TrMediaSession"

#include "config.h"

#include <stdlib.h>

#include <gst/base/gstbasesink.h>
#include <gst/sdp/sdp.h>
#define GST_USE_UNSTABLE_API
#include <gst/webrtc/webrtc.h>

#include "tr-device-private.h"
#include "tr-media-session.h"
#include "tr-sdp.h"
#include "tr-test-camera.h"
#include "tr-util-private.h"

#define DEFAULT_OPUS_PT 111
#define DEFAULT_VP8_PT  96
#define VIDEO_WIDTH     640
#define VIDEO_HEIGHT    480
#define VIDEO_FPS       30

enum {
  PROP_0,
  PROP_WARNING,
  N_PROPS
};

enum {
  LOCAL_SIGNAL,
  N_SIGNALS
};

static GParamSpec *props[N_PROPS];
static guint signals[N_SIGNALS];

struct _TrMediaSession
{
  GObject          parent_instance;

  char            *call_id;
  gboolean         closed;
  gboolean         started;
  gboolean         offerer;
  GMainContext    *context;
  GThread         *owner;      /* the thread that made it: the one that may dispose it */

  TrDeviceManager *devices;
  TrMediaConfig   *config;
  char            *warning;

  /* Device problems, kept apart so that one fixed does not hide another. */
  char            *mic_warning;
  char            *speaker_warning;
  char            *camera_warning;

  GstElement      *pipeline;
  GstElement      *webrtc;
  guint            bus_watch;
  guint            generation;     /* of the pipeline: what comes from an older one is dropped */

  /* Send branches. */
  GstElement      *mic;            /* the source, or NULL */
  GstElement      *mic_entry;      /* audioconvert the source feeds */
  GstElement      *mute_volume;
  GstElement      *audio_valve;
  GstElement      *camera;         /* the source while the camera is on */
  GstElement      *camera_entry;   /* videoconvert */
  GstElement      *video_valve;
  GstElement      *picture_valve;  /* decoded video to pictures only while someone shows them */
  TrDevice        *mic_device;
  TrDevice        *camera_device;
  gint             mic_buffers;    /* (atomic) buffers the microphone delivered */
  gint             mic_buffers_seen;
  guint            mic_watchdog;   /* restarts a microphone that delivers nothing */

  /* Receive branches (built up front, linked on pad-added). */
  GstElement      *audio_depay;
  GstElement      *video_depay;
  GstElement      *playback_volume;
  GstElement      *speaker;
  TrDevice        *speaker_device;

  gboolean         has_audio;
  gboolean         has_video;
  int              opus_pt;
  int              vp8_pt;

  gboolean         muted;
  gboolean         camera_on;
  gboolean         hold;

  /* Devices that keep failing are given up (until the device manager changes its selection)
   * instead of being retried in a loop. */
  gint64           failure_window_us;
  guint            failures;
  gboolean         give_up[3];         /* per TrDeviceKind */

  /* Negotiation. */
  GPtrArray       *early_signals;      /* JsonObject, before start */
  GPtrArray       *pending_candidates; /* JsonObject, before the remote description */
  gboolean         remote_set;
  gboolean         offer_handled;

  GMutex           stats_lock;
  TrMediaStats     stats;

  /* The remote video's receiver (tr_media_session_set_video_func()); under stats_lock. */
  TrVideoFrameFunc video_func;
  gpointer         video_data;
  GDestroyNotify   video_destroy;
};

G_DEFINE_FINAL_TYPE (TrMediaSession, tr_media_session, G_TYPE_OBJECT)

static void process_signal (TrMediaSession *self, JsonObject *payload);

/* ms since the session started, for the debug log of negotiation timings. */
static double
since_start (TrMediaSession *self)
{
  return self->stats.started_us ? (g_get_monotonic_time () - self->stats.started_us) / 1000.0 : 0;
}

static void
reset_stats (TrMediaSession *self)
{
  g_mutex_lock (&self->stats_lock);
  self->stats.first_audio_us = 0;
  self->stats.audio_buffers = 0;
  self->stats.video_frames = 0;
  self->stats.last_video_frame_us = 0;
  self->stats.video_width = self->stats.video_height = 0;
  g_mutex_unlock (&self->stats_lock);
}

/* Config. */

TrMediaConfig *
tr_media_config_copy (const TrMediaConfig *config)
{
  TrMediaConfig *copy = g_new0 (TrMediaConfig, 1);

  if (config == NULL)
    return copy;

  copy->stun_server = g_strdup (config->stun_server);
  copy->turn_servers = g_strdupv (config->turn_servers);
  copy->ice_loopback = config->ice_loopback;
  copy->microphone = g_strdup (config->microphone);
  copy->speaker = g_strdup (config->speaker);
  copy->camera = g_strdup (config->camera);

  return copy;
}

void
tr_media_config_free (TrMediaConfig *config)
{
  if (config == NULL)
    return;

  g_free (config->stun_server);
  g_strfreev (config->turn_servers);
  g_free (config->microphone);
  g_free (config->speaker);
  g_free (config->camera);
  g_free (config);
}

void
tr_media_config_set_ice_servers (TrMediaConfig *config,
                                 JsonArray     *servers)
{
  g_autoptr(GPtrArray) turn = g_ptr_array_new_null_terminated (4, g_free, TRUE);
  g_autofree char *stun = NULL;

  g_return_if_fail (config != NULL);

  for (guint i = 0; servers != NULL && i < json_array_get_length (servers); i++)
    {
      JsonNode *node = json_array_get_element (servers, i);
      JsonObject *server = JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
      JsonArray *urls = _tr_json_get_array (server, "urls");
      const char *username = _tr_json_get_string (server, "username");
      const char *credential = _tr_json_get_string (server, "credential");

      for (guint j = 0; urls != NULL && j < json_array_get_length (urls); j++)
        {
          JsonNode *url_node = json_array_get_element (urls, j);
          const char *url = JSON_NODE_HOLDS_VALUE (url_node)
                              && json_node_get_value_type (url_node) == G_TYPE_STRING
                              ? json_node_get_string (url_node) : NULL;
          g_autofree char *hostport = NULL;
          char *query;

          if (url == NULL || strchr (url, ':') == NULL || strchr (url, ':')[1] == '\0')
            continue;

          hostport = g_strdup (strchr (url, ':') + 1);
          if ((query = strchr (hostport, '?')) != NULL)
            *query = '\0';

          if (g_str_has_prefix (url, "stun:") || g_str_has_prefix (url, "stuns:"))
            {
              if (stun == NULL)
                stun = g_strconcat ("stun://", hostport, NULL);
            }
          else if (g_str_has_prefix (url, "turn:") || g_str_has_prefix (url, "turns:"))
            {
              g_autofree char *user = g_uri_escape_string (username ? username : "", NULL, FALSE);
              g_autofree char *pass = g_uri_escape_string (credential ? credential : "", NULL,
                                                          FALSE);
              gboolean tls = g_str_has_prefix (url, "turns:");
              gboolean tcp = strstr (url, "transport=tcp") != NULL;

              g_ptr_array_add (turn, g_strdup_printf ("%s://%s:%s@%s%s", tls ? "turns" : "turn",
                                                      user, pass, hostport,
                                                      tcp ? "?transport=tcp" : ""));
            }
        }
    }

  g_clear_pointer (&config->stun_server, g_free);
  g_clear_pointer (&config->turn_servers, g_strfreev);
  config->stun_server = g_steal_pointer (&stun);
  if (turn->len > 0)
    config->turn_servers = (GStrv) g_ptr_array_steal (turn, NULL);
}

/* DTLS certificate prewarm. */

G_LOCK_DEFINE_STATIC (prewarm);
static gint64 prewarm_duration_us;
static GThread *prewarm_thread_handle; /* set once, joined by tr_media_prewarm_join() */

static gpointer
prewarm_thread (gpointer data)
{
  gint64 start = g_get_monotonic_time ();
  GstElement *dtls = gst_element_factory_make ("dtlsdec", NULL);

  if (dtls != NULL)
    {
      char *pem = NULL;

      /* The first dtlsdec of a process generates the shared certificate. */
      g_object_get (dtls, "pem", &pem, NULL);
      g_free (pem);
      gst_object_unref (gst_object_ref_sink (dtls));
    }

  G_LOCK (prewarm);
  prewarm_duration_us = MAX (1, g_get_monotonic_time () - start);
  G_UNLOCK (prewarm);
  g_debug ("DTLS certificate ready after %" G_GINT64_FORMAT " µs",
           g_get_monotonic_time () - start);

  return NULL;
}

void
tr_media_prewarm (void)
{
  static gsize once;

  if (g_once_init_enter (&once))
    {
      gst_init (NULL, NULL);
      prewarm_thread_handle = g_thread_new ("tr-dtls-prewarm", prewarm_thread, NULL);
      g_once_init_leave (&once, 1);
    }
}

void
tr_media_prewarm_join (void)
{
  /* The key generation must not run on while the process exits: OpenSSL's exit handler
   * would free what the thread still uses. */
  if (prewarm_thread_handle != NULL)
    g_thread_join (g_steal_pointer (&prewarm_thread_handle));
}

gint64
tr_media_prewarm_duration (void)
{
  gint64 duration;

  G_LOCK (prewarm);
  duration = prewarm_duration_us;
  G_UNLOCK (prewarm);

  return duration;
}

/* Warnings. */

static void
update_warning (TrMediaSession *self)
{
  g_autoptr(GString) text = g_string_new (NULL);
  const char *parts[] = { self->mic_warning, self->speaker_warning, self->camera_warning };

  for (guint i = 0; i < G_N_ELEMENTS (parts); i++)
    {
      if (parts[i] == NULL)
        continue;
      if (text->len > 0)
        g_string_append (text, "; ");
      g_string_append (text, parts[i]);
    }

  if (_tr_set_str (&self->warning, text->len > 0 ? text->str : NULL))
    g_object_notify_by_pspec (G_OBJECT (self), props[PROP_WARNING]);
}

static void
set_part_warning (TrMediaSession *self,
                  char          **part,
                  const char     *warning)
{
  if (_tr_set_str (part, warning))
    update_warning (self);
}

/* Sending signals, always from the main context. */

typedef struct
{
  TrMediaSession *self;
  guint           generation;
  JsonObject     *payload;
} LocalSignal;

/* A reference to the session for callbacks of one pipeline (promises, idles, webrtcbin
 * signals): stale once the session tore that pipeline down. */
typedef struct
{
  TrMediaSession *self;
  guint           generation;
} Ticket;

/* Drops a reference taken for a streaming thread's callback. The last reference must not go
 * on that thread: disposing tears the pipeline down, which would then wait for the very thread
 * it runs on, and the device manager's handlers would be disconnected while the main thread
 * uses them. Off the owner thread the reference goes on the session's main context. */
static gboolean
release_cb (gpointer data)
{
  return G_SOURCE_REMOVE;
}

static void
release_session (TrMediaSession *self)
{
  GSource *source;

  if (g_thread_self () == self->owner)
    {
      g_object_unref (self);
      return;
    }

  source = g_idle_source_new ();
  g_source_set_priority (source, G_PRIORITY_DEFAULT);
  g_source_set_callback (source, release_cb, self, g_object_unref);
  g_source_attach (source, self->context);
  g_source_unref (source);
}

static Ticket *
ticket_new (TrMediaSession *self)
{
  Ticket *ticket = g_new0 (Ticket, 1);

  ticket->self = g_object_ref (self);
  ticket->generation = self->generation;
  return ticket;
}

static void
ticket_free (gpointer data)
{
  Ticket *ticket = data;

  release_session (ticket->self);
  g_free (ticket);
}

/* Read from webrtcbin's threads; the main context changes it (teardown) under the lock. */
static gboolean
ticket_is_current (Ticket *ticket)
{
  TrMediaSession *self = ticket->self;
  gboolean current;

  g_mutex_lock (&self->stats_lock);
  current = !self->closed && ticket->generation == self->generation;
  g_mutex_unlock (&self->stats_lock);

  return current;
}

static void
local_signal_free (gpointer data)
{
  LocalSignal *signal = data;

  g_object_unref (signal->self);
  json_object_unref (signal->payload);
  g_free (signal);
}

static gboolean
local_signal_cb (gpointer data)
{
  LocalSignal *signal = data;

  if (!signal->self->closed && signal->generation == signal->self->generation)
    g_signal_emit (signal->self, signals[LOCAL_SIGNAL], 0, signal->payload);

  return G_SOURCE_REMOVE;
}

static void
send_signal (Ticket     *ticket,
             JsonObject *payload)
{
  TrMediaSession *self = ticket->self;
  LocalSignal *signal = g_new0 (LocalSignal, 1);
  GSource *source = g_idle_source_new ();

  signal->self = g_object_ref (self);
  signal->generation = ticket->generation;
  signal->payload = payload;   /* takes it */
  g_source_set_priority (source, G_PRIORITY_DEFAULT);
  g_source_set_callback (source, local_signal_cb, signal, local_signal_free);
  g_source_attach (source, self->context);
  g_source_unref (source);
}

/* Runs @func (a new Ticket of @ticket's pipeline) on the main context. */
static void
invoke (Ticket     *ticket,
        GSourceFunc func)
{
  TrMediaSession *self = ticket->self;
  Ticket *copy = g_new0 (Ticket, 1);
  GSource *source = g_idle_source_new ();

  copy->self = g_object_ref (self);
  copy->generation = ticket->generation;
  g_source_set_priority (source, G_PRIORITY_DEFAULT);
  g_source_set_callback (source, func, copy, ticket_free);
  g_source_attach (source, self->context);
  g_source_unref (source);
}

/* Elements. */

static GstElement *
make (const char *factory,
      const char *name)
{
  GstElement *element = gst_element_factory_make (factory, name);

  if (element == NULL)
    g_debug ("GStreamer element “%s” is missing", factory);

  return element;
}

static double
parse_tone (const char *spec)
{
  if (spec == NULL || !g_str_has_prefix (spec, "tone:"))
    return 0;
  return g_ascii_strtod (spec + strlen ("tone:"), NULL);
}

/* The device @kind should use now: the config's override or the manager's selection. */
static TrDevice *
pick_device (TrMediaSession *self,
             TrDeviceKind    kind,
             const char     *override)
{
  if (self->devices == NULL)
    return NULL;

  if (override != NULL)
    {
      if (g_strcmp0 (override, "none") == 0 || g_str_has_prefix (override, "tone:"))
        return NULL;
      if (kind == TR_DEVICE_KIND_CAMERA && g_strcmp0 (override, "test") == 0)
        {
          tr_device_manager_enable_test_camera (self->devices);
          return tr_device_manager_find (self->devices, kind, TR_TEST_CAMERA_ID);
        }
      return tr_device_manager_find (self->devices, kind, override);
    }

  return tr_device_manager_get_selected (self->devices, kind);
}

static GstElement *
create_microphone (TrMediaSession *self,
                   TrDevice      **out_device)
{
  const char *override = self->give_up[TR_DEVICE_KIND_MICROPHONE]
                           ? "none" : self->config ? self->config->microphone : NULL;
  double freq = parse_tone (override);
  g_autoptr(TrDevice) device = NULL;
  GstElement *src = NULL;

  *out_device = NULL;

  if (freq > 0)
    {
      src = make ("audiotestsrc", NULL);
      g_object_set (src, "is-live", TRUE, "wave", 0 /* sine */, "freq", freq, "volume", 0.5,
                    "samplesperbuffer", 960, NULL);
      set_part_warning (self, &self->mic_warning, NULL);
      return src;
    }

  device = pick_device (self, TR_DEVICE_KIND_MICROPHONE, override);
  if (device != NULL)
    g_object_ref (device);
  if (device != NULL && (src = _tr_device_create_element (device, NULL)) != NULL)
    {
      /* 20 ms a buffer, one Opus frame: half the wake-ups of the default 10 ms. */
      if (g_object_class_find_property (G_OBJECT_GET_CLASS (src), "latency-time") != NULL)
        g_object_set (src, "latency-time", (gint64) 20000, NULL);
      set_part_warning (self, &self->mic_warning, NULL);
      *out_device = g_steal_pointer (&device);
      return src;
    }

  /* No microphone: the call still connects; the other side hears silence. */
  src = make ("audiotestsrc", NULL);
  g_object_set (src, "is-live", TRUE, "wave", 4 /* silence */, "samplesperbuffer", 960, NULL);
  if (g_strcmp0 (override, "none") != 0)
    set_part_warning (self, &self->mic_warning,
                      override ? "Microphone not found: the other side hears silence"
                               : "No microphone: the other side hears silence");
  return src;
}

static GstElement *
create_speaker (TrMediaSession *self,
                TrDevice      **out_device)
{
  const char *override = self->give_up[TR_DEVICE_KIND_SPEAKER]
                           ? "none" : self->config ? self->config->speaker : NULL;
  g_autoptr(TrDevice) device = NULL;
  GstElement *sink = NULL;

  *out_device = NULL;

  device = pick_device (self, TR_DEVICE_KIND_SPEAKER, override);
  if (device != NULL)
    g_object_ref (device);
  if (device != NULL && (sink = _tr_device_create_element (device, NULL)) != NULL)
    {
      /* The jitter buffer already paces playback: the sink plays what comes (no clock
       * slaving, no dropping of "late" audio when the machine is busy), with a short buffer. */
      if (GST_IS_BASE_SINK (sink))
        g_object_set (sink, "sync", FALSE, NULL);
      if (g_object_class_find_property (G_OBJECT_GET_CLASS (sink), "buffer-time") != NULL)
        g_object_set (sink, "buffer-time", (gint64) 80000, "latency-time", (gint64) 20000, NULL);
      set_part_warning (self, &self->speaker_warning, NULL);
      *out_device = g_steal_pointer (&device);
      return sink;
    }

  sink = make ("fakesink", NULL);
  g_object_set (sink, "sync", FALSE, "async", FALSE, NULL);
  if (g_strcmp0 (override, "none") != 0)
    set_part_warning (self, &self->speaker_warning,
                      override ? "Speaker not found: the call is not heard here"
                               : "No speaker: the call is not heard here");
  return sink;
}

static GstElement *
create_camera (TrMediaSession *self,
               TrDevice      **out_device)
{
  const char *override = self->give_up[TR_DEVICE_KIND_CAMERA]
                           ? "none" : self->config ? self->config->camera : NULL;
  g_autoptr(TrDevice) device = NULL;
  GstElement *src = NULL;

  *out_device = NULL;

  device = pick_device (self, TR_DEVICE_KIND_CAMERA, override);
  if (device != NULL)
    g_object_ref (device);
  if (device != NULL && (src = _tr_device_create_element (device, NULL)) != NULL)
    {
      set_part_warning (self, &self->camera_warning, NULL);
      *out_device = g_steal_pointer (&device);
      return src;
    }

  set_part_warning (self, &self->camera_warning,
                    self->has_video ? "No camera: the other side sees no video"
                                    : "Video was not negotiated for this call");
  return NULL;
}

/* Replacing a source: the new one feeds @entry; the old one stops. Main context. */
static void
swap_source (TrMediaSession *self,
             GstElement    **slot,
             GstElement     *new_src,
             GstElement     *entry)
{
  g_autoptr(GstElement) old = *slot ? gst_object_ref (*slot) : NULL;

  if (old != NULL)
    {
      /* Stopped first, so its streaming thread ends cleanly instead of pushing into an
       * unlinked pad. */
      gst_element_set_locked_state (old, TRUE);
      gst_element_set_state (old, GST_STATE_NULL);
      gst_element_unlink (old, entry);
      gst_bin_remove (GST_BIN (self->pipeline), old);
    }
  *slot = NULL;

  if (new_src == NULL)
    return;

  gst_bin_add (GST_BIN (self->pipeline), new_src);
  if (!gst_element_link (new_src, entry))
    {
      g_debug ("Cannot link the new source");
      gst_element_set_state (new_src, GST_STATE_NULL);
      gst_bin_remove (GST_BIN (self->pipeline), new_src);
      return;
    }
  gst_element_sync_state_with_parent (new_src);
  *slot = new_src;
}

static void
switch_microphone (TrMediaSession *self)
{
  g_autoptr(TrDevice) device = NULL;
  GstElement *src;

  if (self->pipeline == NULL)
    return;

  src = create_microphone (self, &device);
  g_debug ("Call %s: microphone → %s", self->call_id,
           device ? tr_device_get_name (device) : "(generated)");
  swap_source (self, &self->mic, src, self->mic_entry);
  g_set_object (&self->mic_device, device);
}

static GstPadProbeReturn
mic_buffer_probe_cb (GstPad          *pad,
                     GstPadProbeInfo *info,
                     gpointer         user_data)
{
  TrMediaSession *self = user_data;

  g_atomic_int_inc (&self->mic_buffers);
  return GST_PAD_PROBE_OK;
}

/* A sound server may leave a new capture stream without data (seen with PulseAudio's
 * remapped and monitor sources under load): a microphone that delivered nothing since the
 * last check is opened again, so the far end is not left with silence for the whole call. */
static gboolean
mic_watchdog_cb (gpointer user_data)
{
  TrMediaSession *self = user_data;
  gint buffers = g_atomic_int_get (&self->mic_buffers);

  if (self->pipeline == NULL)
    {
      self->mic_watchdog = 0;
      return G_SOURCE_REMOVE;
    }
  if (buffers == self->mic_buffers_seen && self->mic_device != NULL)
    {
      g_debug ("Call %s: the microphone delivers nothing, opening it again", self->call_id);
      switch_microphone (self);
    }
  self->mic_buffers_seen = g_atomic_int_get (&self->mic_buffers);
  return G_SOURCE_CONTINUE;
}

static void
switch_camera (TrMediaSession *self)
{
  g_autoptr(TrDevice) device = NULL;
  GstElement *src = NULL;

  if (self->pipeline == NULL || self->camera_entry == NULL)
    {
      if (self->camera_on && self->pipeline != NULL && !self->has_video)
        set_part_warning (self, &self->camera_warning, "Video was not negotiated for this call");
      return;
    }

  if (self->camera_on)
    src = create_camera (self, &device);
  else
    set_part_warning (self, &self->camera_warning, NULL);

  g_debug ("Call %s: camera → %s", self->call_id,
           device ? tr_device_get_name (device) : "(off)");
  swap_source (self, &self->camera, src, self->camera_entry);
  g_set_object (&self->camera_device, device);
}

typedef struct
{
  TrMediaSession *self;
  GstElement     *new_sink;
  TrDevice       *device;
} SinkSwap;

static void
sink_swap_free (gpointer data)
{
  SinkSwap *swap = data;

  release_session (swap->self);
  g_clear_object (&swap->device);
  if (swap->new_sink != NULL)
    gst_object_unref (swap->new_sink);
  g_free (swap);
}

/* Runs when the playback volume's output is idle: nothing flows while the sink changes. */
static GstPadProbeReturn
sink_swap_probe_cb (GstPad          *pad,
                    GstPadProbeInfo *info,
                    gpointer         user_data)
{
  SinkSwap *swap = user_data;
  TrMediaSession *self = swap->self;
  GstElement *old;
  GstElement *new_sink = g_steal_pointer (&swap->new_sink);

  if (self->pipeline == NULL)
    {
      gst_object_unref (new_sink);
      return GST_PAD_PROBE_REMOVE;
    }

  old = self->speaker;
  self->speaker = NULL;
  if (old != NULL)
    {
      gst_element_unlink (self->playback_volume, old);
      gst_element_set_locked_state (old, TRUE);
      gst_element_set_state (old, GST_STATE_NULL);
      gst_bin_remove (GST_BIN (self->pipeline), old);
    }

  gst_bin_add (GST_BIN (self->pipeline), new_sink); /* takes the floating ref we held */
  gst_object_unref (new_sink);
  if (gst_element_link (self->playback_volume, new_sink))
    {
      gst_element_sync_state_with_parent (new_sink);
      self->speaker = new_sink;
    }
  else
    {
      g_debug ("Cannot link the new speaker");
      gst_element_set_state (new_sink, GST_STATE_NULL);
      gst_bin_remove (GST_BIN (self->pipeline), new_sink);
    }

  return GST_PAD_PROBE_REMOVE;
}

static void
switch_speaker (TrMediaSession *self)
{
  g_autoptr(GstPad) pad = NULL;
  SinkSwap *swap;

  if (self->pipeline == NULL || self->playback_volume == NULL)
    return;

  swap = g_new0 (SinkSwap, 1);
  swap->self = g_object_ref (self);
  swap->new_sink = create_speaker (self, &swap->device);
  gst_object_ref_sink (swap->new_sink);
  g_debug ("Call %s: speaker → %s", self->call_id,
           swap->device ? tr_device_get_name (swap->device) : "(none)");
  g_set_object (&self->speaker_device, swap->device);

  pad = gst_element_get_static_pad (self->playback_volume, "src");
  gst_pad_add_probe (pad, GST_PAD_PROBE_TYPE_IDLE, sink_swap_probe_cb, swap, sink_swap_free);
}

static void
selected_microphone_cb (TrMediaSession *self)
{
  TrDevice *device = tr_device_manager_get_selected_microphone (self->devices);

  self->give_up[TR_DEVICE_KIND_MICROPHONE] = FALSE;
  if (self->config != NULL && self->config->microphone != NULL)
    return;
  if (device != self->mic_device)
    switch_microphone (self);
}

static void
selected_speaker_cb (TrMediaSession *self)
{
  TrDevice *device = tr_device_manager_get_selected_speaker (self->devices);

  self->give_up[TR_DEVICE_KIND_SPEAKER] = FALSE;
  if (self->config != NULL && self->config->speaker != NULL)
    return;
  if (device != self->speaker_device)
    switch_speaker (self);
}

static void
selected_camera_cb (TrMediaSession *self)
{
  TrDevice *device = tr_device_manager_get_selected_camera (self->devices);

  self->give_up[TR_DEVICE_KIND_CAMERA] = FALSE;
  if (self->config != NULL && self->config->camera != NULL)
    return;
  if (self->camera_on && device != self->camera_device)
    switch_camera (self);
}

/* Stats probes (streaming threads). */

static GstPadProbeReturn
audio_decoded_probe_cb (GstPad          *pad,
                        GstPadProbeInfo *info,
                        gpointer         user_data)
{
  TrMediaSession *self = user_data;

  g_mutex_lock (&self->stats_lock);
  if (self->stats.first_audio_us == 0)
    {
      self->stats.first_audio_us = g_get_monotonic_time ();
      g_debug ("Call %s: first audio decoded (+%.1f ms)", self->call_id,
               (self->stats.first_audio_us - self->stats.started_us) / 1000.0);
    }
  self->stats.audio_buffers++;
  g_mutex_unlock (&self->stats_lock);

  return GST_PAD_PROBE_OK;
}

/* A decoded remote frame, on the streaming thread: to the video function as it is. */
static void
video_handoff_cb (GstElement *sink,
                  GstBuffer  *buffer,
                  GstPad     *pad,
                  gpointer    user_data)
{
  TrMediaSession *self = user_data;
  g_autoptr(GstCaps) caps = NULL;
  g_autoptr(GstSample) sample = NULL;

  g_mutex_lock (&self->stats_lock);
  if (self->video_func != NULL && (caps = gst_pad_get_current_caps (pad)) != NULL)
    {
      sample = gst_sample_new (buffer, caps, NULL, NULL);
      self->video_func (sample, self->video_data);
    }
  g_mutex_unlock (&self->stats_lock);
}

static GstPadProbeReturn
video_decoded_probe_cb (GstPad          *pad,
                        GstPadProbeInfo *info,
                        gpointer         user_data)
{
  TrMediaSession *self = user_data;
  g_autoptr(GstCaps) caps = gst_pad_get_current_caps (pad);
  int width = 0, height = 0;

  if (caps != NULL)
    {
      GstStructure *s = gst_caps_get_structure (caps, 0);

      gst_structure_get_int (s, "width", &width);
      gst_structure_get_int (s, "height", &height);
    }

  g_mutex_lock (&self->stats_lock);
  self->stats.video_frames++;
  self->stats.last_video_frame_us = g_get_monotonic_time ();
  self->stats.video_width = width;
  self->stats.video_height = height;
  g_mutex_unlock (&self->stats_lock);

  return GST_PAD_PROBE_OK;
}

/* Incoming streams. */

static void
pad_added_cb (GstElement *webrtc,
              GstPad     *pad,
              gpointer    user_data)
{
  TrMediaSession *self = user_data;
  g_autoptr(GstCaps) caps = NULL;
  g_autoptr(GstPad) sink = NULL;
  const char *media;
  GstElement *depay;

  if (GST_PAD_DIRECTION (pad) != GST_PAD_SRC)
    return;

  caps = gst_pad_get_current_caps (pad);
  if (caps == NULL)
    caps = gst_pad_query_caps (pad, NULL);
  media = gst_structure_get_string (gst_caps_get_structure (caps, 0), "media");

  if (g_strcmp0 (media, "audio") == 0)
    depay = self->audio_depay;
  else if (g_strcmp0 (media, "video") == 0)
    depay = self->video_depay;
  else
    depay = NULL;

  if (depay == NULL)
    {
      g_debug ("Call %s: ignoring an incoming %s stream", self->call_id, media);
      return;
    }

  sink = gst_element_get_static_pad (depay, "sink");
  if (gst_pad_is_linked (sink))
    {
      g_debug ("Call %s: a second incoming %s stream is ignored", self->call_id, media);
      return;
    }

  if (gst_pad_link (pad, sink) != GST_PAD_LINK_OK)
    g_debug ("Call %s: cannot link the incoming %s stream", self->call_id, media);
  else
    g_debug ("Call %s: receiving %s", self->call_id, media);
}

static void
ice_candidate_cb (GstElement *webrtc,
                  guint       mline_index,
                  const char *candidate,
                  gpointer    user_data)
{
  Ticket *ticket = user_data;
  JsonObject *payload;

  if (!ticket_is_current (ticket))
    return;

  payload = json_object_new ();

  json_object_set_string_member (payload, "kind", "ice");
  json_object_set_string_member (payload, "candidate", candidate);
  json_object_set_int_member (payload, "sdp_mline_index", mline_index);
  send_signal (ticket, payload);
}

static void
ice_state_cb (GstElement *webrtc,
              GParamSpec *pspec,
              gpointer    user_data)
{
  TrMediaSession *self = user_data;
  GstWebRTCICEConnectionState state;

  g_object_get (webrtc, "ice-connection-state", &state, NULL);
  g_debug ("Call %s: ICE connection state %d (+%.1f ms)", self->call_id, state, since_start (self));
}

/* Bus. */

static gboolean
element_is_device (TrMediaSession *self,
                   GstObject      *src)
{
  GstObject *element = src;

  while (element != NULL && !GST_IS_ELEMENT (element))
    element = GST_OBJECT_PARENT (element);

  return element != NULL
         && (element == GST_OBJECT (self->mic) || element == GST_OBJECT (self->speaker)
             || element == GST_OBJECT (self->camera));
}

static gboolean
bus_cb (GstBus     *bus,
        GstMessage *message,
        gpointer    user_data)
{
  TrMediaSession *self = user_data;

  switch (GST_MESSAGE_TYPE (message))
    {
    case GST_MESSAGE_ERROR:
      {
        g_autoptr(GError) error = NULL;
        g_autofree char *debug = NULL;

        gst_message_parse_error (message, &error, &debug);
        g_debug ("Call %s: error from %s: %s (%s)", self->call_id,
                 GST_OBJECT_NAME (GST_MESSAGE_SRC (message)), error->message,
                 debug ? debug : "");

        if (element_is_device (self, GST_MESSAGE_SRC (message)))
          {
            TrDeviceKind kind = GST_MESSAGE_SRC (message) == GST_OBJECT (self->speaker)
                                  ? TR_DEVICE_KIND_SPEAKER
                                  : GST_MESSAGE_SRC (message) == GST_OBJECT (self->mic)
                                      ? TR_DEVICE_KIND_MICROPHONE : TR_DEVICE_KIND_CAMERA;
            gint64 now = g_get_monotonic_time ();

            if (now - self->failure_window_us > 10 * G_USEC_PER_SEC)
              {
                self->failure_window_us = now;
                self->failures = 0;
              }
            /* More than 5 failures in 10 s: use none of that kind until the selection
             * changes. */
            if (++self->failures > 5)
              self->give_up[kind] = TRUE;

            /* A device failed (unplugged, or the sound server went away): look again and
             * use what is there now; the call stays up. */
            if (GST_MESSAGE_SRC (message) == GST_OBJECT (self->speaker))
              set_part_warning (self, &self->speaker_warning, "The speaker failed");
            else if (GST_MESSAGE_SRC (message) == GST_OBJECT (self->mic))
              set_part_warning (self, &self->mic_warning, "The microphone failed");
            else
              set_part_warning (self, &self->camera_warning, "The camera failed");

            if (self->devices != NULL)
              tr_device_manager_refresh (self->devices);
            if (GST_MESSAGE_SRC (message) == GST_OBJECT (self->speaker))
              switch_speaker (self);
            else if (GST_MESSAGE_SRC (message) == GST_OBJECT (self->mic))
              switch_microphone (self);
            else
              switch_camera (self);
          }
      }
      break;

    case GST_MESSAGE_WARNING:
      {
        g_autoptr(GError) error = NULL;

        gst_message_parse_warning (message, &error, NULL);
        g_debug ("Call %s: warning from %s: %s", self->call_id,
                 GST_OBJECT_NAME (GST_MESSAGE_SRC (message)), error->message);
      }
      break;

    default:
      break;
    }

  return G_SOURCE_CONTINUE;
}

/* The pipeline. */

static GstCaps *
codec_caps (gboolean audio,
            int      pt)
{
  if (audio)
    return gst_caps_new_simple ("application/x-rtp",
                                "media", G_TYPE_STRING, "audio",
                                "encoding-name", G_TYPE_STRING, "OPUS",
                                "clock-rate", G_TYPE_INT, 48000,
                                "encoding-params", G_TYPE_STRING, "2",
                                "payload", G_TYPE_INT, pt,
                                NULL);

  return gst_caps_new_simple ("application/x-rtp",
                              "media", G_TYPE_STRING, "video",
                              "encoding-name", G_TYPE_STRING, "VP8",
                              "clock-rate", G_TYPE_INT, 90000,
                              "payload", G_TYPE_INT, pt,
                              "rtcp-fb-nack-pli", G_TYPE_BOOLEAN, TRUE,
                              NULL);
}

/* Requests a sink pad of webrtcbin for @payloader with codec preferences of @pt. */
static gboolean
link_to_webrtc (TrMediaSession *self,
                GstElement     *payloader,
                gboolean        audio,
                int             pt)
{
  g_autoptr(GstPad) sink = NULL;
  g_autoptr(GstPad) src = NULL;
  g_autoptr(GstCaps) caps = codec_caps (audio, pt);
  GstWebRTCRTPTransceiver *transceiver = NULL;

  /* With caps webrtcbin gives the transceiver its kind at once (an answer matches the offer's
   * m-lines by kind), even before the branch produces anything (a camera that is off). */
  sink = gst_element_request_pad (self->webrtc,
                                  gst_element_get_pad_template (self->webrtc, "sink_%u"),
                                  NULL, caps);
  if (sink == NULL)
    return FALSE;

  g_object_get (sink, "transceiver", &transceiver, NULL);
  if (transceiver != NULL)
    {
      g_object_set (transceiver,
                    "codec-preferences", caps,
                    "direction", GST_WEBRTC_RTP_TRANSCEIVER_DIRECTION_SENDRECV,
                    NULL);
      gst_object_unref (transceiver);
    }

  src = gst_element_get_static_pad (payloader, "src");
  return gst_pad_link (src, sink) == GST_PAD_LINK_OK;
}

static gboolean
build_audio (TrMediaSession *self)
{
  g_autoptr(TrDevice) mic_device = NULL;
  g_autoptr(TrDevice) speaker_device = NULL;
  g_autoptr(GstPad) pad = NULL;
  GstElement *resample, *caps, *enc, *pay;
  GstElement *dec, *convert, *resample2;
  g_autoptr(GstCaps) raw = NULL;

  /* Send: mic ! audioconvert ! audioresample ! caps ! volume (mute) ! valve (hold) ! opusenc
   * ! rtpopuspay ! webrtcbin, all in the source's thread (a queue would add a thread hop and
   * wake-ups per packet: audio CPU is mostly such overhead). */
  self->mic_entry = make ("audioconvert", NULL);
  resample = make ("audioresample", NULL);
  caps = make ("capsfilter", NULL);
  self->mute_volume = make ("volume", "mute");
  self->audio_valve = make ("valve", "audio-valve");
  enc = make ("opusenc", NULL);
  pay = make ("rtpopuspay", NULL);
  if (!self->mic_entry || !resample || !caps || !self->mute_volume || !self->audio_valve || !enc
      || !pay)
    return FALSE;

  raw = gst_caps_from_string ("audio/x-raw,rate=48000,channels=1");
  g_object_set (caps, "caps", raw, NULL);
  g_object_set (self->mute_volume, "mute", self->muted, NULL);
  g_object_set (self->audio_valve, "drop", self->hold, NULL);
  /* Complexity 5 costs about half of the default 10, and is plenty for voice at 32 kb/s. */
  g_object_set (enc, "bitrate", 32000, "complexity", 5, NULL);
  g_object_set (pay, "pt", self->opus_pt, NULL);

  gst_bin_add_many (GST_BIN (self->pipeline), self->mic_entry, resample, caps, self->mute_volume,
                    self->audio_valve, enc, pay, NULL);
  if (!gst_element_link_many (self->mic_entry, resample, caps, self->mute_volume,
                              self->audio_valve, enc, pay, NULL)
      || !link_to_webrtc (self, pay, TRUE, self->opus_pt))
    return FALSE;

  self->mic = create_microphone (self, &mic_device);
  g_set_object (&self->mic_device, mic_device);
  gst_bin_add (GST_BIN (self->pipeline), self->mic);
  if (!gst_element_link (self->mic, self->mic_entry))
    return FALSE;

  /* Receive: rtpopusdepay ! opusdec ! audioconvert ! audioresample ! volume (hold) ! speaker */
  self->audio_depay = make ("rtpopusdepay", NULL);
  dec = make ("opusdec", NULL);
  convert = make ("audioconvert", NULL);
  resample2 = make ("audioresample", NULL);
  self->playback_volume = make ("volume", "playback");
  if (!self->audio_depay || !dec || !convert || !resample2 || !self->playback_volume)
    return FALSE;

  g_object_set (dec, "plc", TRUE, NULL);
  g_object_set (self->playback_volume, "mute", self->hold, NULL);
  self->speaker = create_speaker (self, &speaker_device);
  g_set_object (&self->speaker_device, speaker_device);

  gst_bin_add_many (GST_BIN (self->pipeline), self->audio_depay, dec, convert, resample2,
                    self->playback_volume, self->speaker, NULL);
  if (!gst_element_link_many (self->audio_depay, dec, convert, resample2, self->playback_volume,
                              self->speaker, NULL))
    return FALSE;

  pad = gst_element_get_static_pad (dec, "src");
  gst_pad_add_probe (pad, GST_PAD_PROBE_TYPE_BUFFER, audio_decoded_probe_cb, self, NULL);

  return TRUE;
}

static gboolean
build_video (TrMediaSession *self)
{
  g_autoptr(GstCaps) raw = NULL;
  g_autoptr(GstPad) pad = NULL;
  GstElement *rate, *scale, *caps, *enc, *pay;
  g_autoptr(GstCaps) bgrx_caps = NULL;
  GstElement *dec, *convert, *bgrx, *sink;

  /* Send: [camera] ! videoconvert ! videoscale ! videorate ! caps ! valve (hold/off) ! vp8enc
   * ! rtpvp8pay ! webrtcbin, in the camera's thread. The camera is only in the pipeline while
   * it is on. */
  self->camera_entry = make ("videoconvert", NULL);
  scale = make ("videoscale", NULL);
  rate = make ("videorate", NULL);
  caps = make ("capsfilter", NULL);
  self->video_valve = make ("valve", "video-valve");
  enc = make ("vp8enc", NULL);
  pay = make ("rtpvp8pay", NULL);
  if (!self->camera_entry || !scale || !rate || !caps || !self->video_valve || !enc || !pay)
    return FALSE;

  raw = gst_caps_new_simple ("video/x-raw",
                             "width", G_TYPE_INT, VIDEO_WIDTH,
                             "height", G_TYPE_INT, VIDEO_HEIGHT,
                             "framerate", GST_TYPE_FRACTION, VIDEO_FPS, 1,
                             NULL);
  g_object_set (caps, "caps", raw, NULL);
  g_object_set (rate, "drop-only", TRUE, NULL);
  g_object_set (self->video_valve, "drop", self->hold, NULL);
  g_object_set (enc, "deadline", (gint64) 1, "cpu-used", 8, "target-bitrate", 800000,
                "keyframe-max-dist", 60, "error-resilient", 1, NULL);
  g_object_set (pay, "pt", self->vp8_pt, NULL);

  gst_bin_add_many (GST_BIN (self->pipeline), self->camera_entry, scale, rate, caps,
                    self->video_valve, enc, pay, NULL);
  if (!gst_element_link_many (self->camera_entry, scale, rate, caps, self->video_valve, enc, pay,
                              NULL)
      || !link_to_webrtc (self, pay, FALSE, self->vp8_pt))
    return FALSE;

  /* Receive: rtpvp8depay ! vp8dec ! valve ! videoconvert ! BGRx ! fakesink, whose handoffs go
   * to the video function (the GUI's picture). The valve drops while there is no function: no
   * conversion for nobody (the CLI, the benchmarks). */
  self->video_depay = make ("rtpvp8depay", NULL);
  dec = make ("vp8dec", NULL);
  self->picture_valve = make ("valve", "picture-valve");
  convert = make ("videoconvert", NULL);
  bgrx = make ("capsfilter", NULL);
  sink = make ("fakesink", NULL);
  if (!self->video_depay || !dec || !self->picture_valve || !convert || !bgrx || !sink)
    return FALSE;

  bgrx_caps = gst_caps_new_simple ("video/x-raw", "format", G_TYPE_STRING, "BGRx", NULL);
  g_object_set (bgrx, "caps", bgrx_caps, NULL);
  g_object_set (sink, "sync", FALSE, "async", FALSE, "signal-handoffs", TRUE, NULL);
  g_signal_connect (sink, "handoff", G_CALLBACK (video_handoff_cb), self);
  g_mutex_lock (&self->stats_lock);
  g_object_set (self->picture_valve, "drop", self->video_func == NULL, NULL);
  g_mutex_unlock (&self->stats_lock);
  gst_bin_add_many (GST_BIN (self->pipeline), self->video_depay, dec, self->picture_valve, convert,
                    bgrx, sink, NULL);
  if (!gst_element_link_many (self->video_depay, dec, self->picture_valve, convert, bgrx, sink,
                              NULL))
    return FALSE;

  pad = gst_element_get_static_pad (dec, "src");
  gst_pad_add_probe (pad, GST_PAD_PROBE_TYPE_BUFFER, video_decoded_probe_cb, self, NULL);

  return TRUE;
}

static gboolean
build_pipeline (TrMediaSession *self)
{
  g_autofree char *name = g_strdup_printf ("call-%s", self->call_id ? self->call_id : "pending");
  g_autoptr(GstBus) bus = NULL;
  GObject *ice = NULL;

  self->pipeline = gst_pipeline_new (name);
  gst_object_ref_sink (self->pipeline);
  /* Always the system clock: a device providing the clock (pulsesrc) may be swapped or unplugged
   * mid-call, and a pipeline that loses its clock stalls. */
  {
    g_autoptr(GstClock) clock = gst_system_clock_obtain ();

    gst_pipeline_use_clock (GST_PIPELINE (self->pipeline), clock);
  }
  self->webrtc = make ("webrtcbin", "webrtc");
  if (self->webrtc == NULL)
    {
      set_part_warning (self, &self->mic_warning, "WebRTC support (gstreamer1.0-plugins-bad, "
                                                  "gstreamer1.0-nice) is missing");
      return FALSE;
    }

  g_object_set (self->webrtc,
                "bundle-policy", GST_WEBRTC_BUNDLE_POLICY_MAX_BUNDLE,
                "latency", 50,
                NULL);
  if (self->config != NULL && self->config->stun_server != NULL)
    g_object_set (self->webrtc, "stun-server", self->config->stun_server, NULL);
  for (guint i = 0; self->config != NULL && self->config->turn_servers != NULL
                    && self->config->turn_servers[i] != NULL; i++)
    {
      gboolean ok = FALSE;

      g_signal_emit_by_name (self->webrtc, "add-turn-server", self->config->turn_servers[i], &ok);
      if (!ok)
        g_debug ("TURN server refused by webrtcbin");
    }

  gst_bin_add (GST_BIN (self->pipeline), self->webrtc);
  g_signal_connect_data (self->webrtc, "on-ice-candidate", G_CALLBACK (ice_candidate_cb),
                         ticket_new (self), (GClosureNotify) (void (*) (void)) ticket_free, 0);
  g_signal_connect (self->webrtc, "pad-added", G_CALLBACK (pad_added_cb), self);
  g_signal_connect (self->webrtc, "notify::ice-connection-state", G_CALLBACK (ice_state_cb), self);

  g_object_get (self->webrtc, "ice-agent", &ice, NULL);
  if (ice != NULL)
    {
      /* UDP only; no UPnP port mapping (it announces us on the network, and gupnp warns when
       * it cannot bind). */
      if (g_object_class_find_property (G_OBJECT_GET_CLASS (ice), "ice-tcp") != NULL)
        g_object_set (ice, "ice-tcp", FALSE, NULL);
      if (g_object_class_find_property (G_OBJECT_GET_CLASS (ice), "agent") != NULL)
        {
          g_autoptr(GObject) agent = NULL;

          g_object_get (ice, "agent", &agent, NULL);
          if (agent != NULL && g_object_class_find_property (G_OBJECT_GET_CLASS (agent), "upnp"))
            g_object_set (agent, "upnp", FALSE, NULL);
          /* Connectivity checks every 5 ms instead of 20: ICE completes in about a quarter of
           * the time (it is on the path from answer to first audio). */
          if (agent != NULL
              && g_object_class_find_property (G_OBJECT_GET_CLASS (agent), "stun-pacing-timer"))
            g_object_set (agent, "stun-pacing-timer", 5, NULL);
        }

      if (self->config != NULL && self->config->ice_loopback)
        {
          gboolean ok = FALSE;

          g_signal_emit_by_name (ice, "add-local-ip-address", "127.0.0.1", &ok);
          if (!ok)
            g_debug ("Could not add 127.0.0.1 to the ICE agent");
        }
      g_object_unref (ice);
    }

  if (self->has_audio && !build_audio (self))
    return FALSE;
  if (self->has_video && !build_video (self))
    return FALSE;

  bus = gst_pipeline_get_bus (GST_PIPELINE (self->pipeline));
  self->bus_watch = gst_bus_add_watch (bus, bus_cb, self);

  if (self->devices != NULL)
    {
      g_signal_connect_object (self->devices, "notify::selected-microphone",
                               G_CALLBACK (selected_microphone_cb), self, G_CONNECT_SWAPPED);
      g_signal_connect_object (self->devices, "notify::selected-speaker",
                               G_CALLBACK (selected_speaker_cb), self, G_CONNECT_SWAPPED);
      g_signal_connect_object (self->devices, "notify::selected-camera",
                               G_CALLBACK (selected_camera_cb), self, G_CONNECT_SWAPPED);
    }

  g_debug ("Call %s: pipeline built (+%.1f ms)", self->call_id, since_start (self));
  if (gst_element_set_state (self->pipeline, GST_STATE_PLAYING) == GST_STATE_CHANGE_FAILURE)
    {
      g_debug ("Call %s: the pipeline does not start", self->call_id);
      return FALSE;
    }

  if (self->camera_on)
    switch_camera (self);

  {
    g_autoptr(GstPad) pad = gst_element_get_static_pad (self->mic_entry, "sink");
    g_autoptr(GSource) watchdog = g_timeout_source_new_seconds (3);

    gst_pad_add_probe (pad, GST_PAD_PROBE_TYPE_BUFFER, mic_buffer_probe_cb, self, NULL);
    self->mic_buffers_seen = g_atomic_int_get (&self->mic_buffers);
    g_source_set_callback (watchdog, mic_watchdog_cb, self, NULL);
    self->mic_watchdog = g_source_attach (watchdog, self->context);
  }

  g_mutex_lock (&self->stats_lock);
  self->stats.running = TRUE;
  g_mutex_unlock (&self->stats_lock);

  return TRUE;
}

static void
teardown (TrMediaSession *self)
{
  g_autoptr(GstElement) pipeline = g_steal_pointer (&self->pipeline);

  /* Whatever the old pipeline still delivers (promises, candidates, idles) is dropped. */
  g_mutex_lock (&self->stats_lock);
  self->generation++;
  g_mutex_unlock (&self->stats_lock);

  if (self->devices != NULL)
    g_signal_handlers_disconnect_by_data (self->devices, self);

  g_clear_handle_id (&self->bus_watch, g_source_remove);
  if (self->mic_watchdog != 0)
    {
      GSource *watchdog = g_main_context_find_source_by_id (self->context, self->mic_watchdog);

      self->mic_watchdog = 0;
      if (watchdog != NULL)
        g_source_destroy (watchdog);
    }

  if (pipeline != NULL)
    {
      if (self->webrtc != NULL)
        g_signal_handlers_disconnect_by_data (self->webrtc, self);
      gst_element_set_state (pipeline, GST_STATE_NULL);
    }

  self->webrtc = NULL;
  self->mic = self->mic_entry = self->mute_volume = self->audio_valve = NULL;
  self->camera = self->camera_entry = self->video_valve = self->picture_valve = NULL;
  self->audio_depay = self->video_depay = self->playback_volume = self->speaker = NULL;
  g_clear_object (&self->mic_device);
  g_clear_object (&self->camera_device);
  g_clear_object (&self->speaker_device);

  g_mutex_lock (&self->stats_lock);
  self->stats.running = FALSE;
  g_mutex_unlock (&self->stats_lock);
}

static void
fail (TrMediaSession *self,
      const char     *why)
{
  g_debug ("Call %s: media failed: %s", self->call_id, why);
  set_part_warning (self, &self->mic_warning, why);
  teardown (self);
}

/* Negotiation. */

static char *
sdp_to_text (GstWebRTCSessionDescription *desc)
{
  return gst_sdp_message_as_text (desc->sdp);
}

static void
send_sdp (Ticket                      *ticket,
          GstWebRTCSessionDescription *desc)
{
  g_autofree char *text = sdp_to_text (desc);
  JsonObject *payload = json_object_new ();

  json_object_set_string_member (payload, "kind", "sdp");
  json_object_set_string_member (payload, "type",
                                 desc->type == GST_WEBRTC_SDP_TYPE_OFFER ? "offer" : "answer");
  json_object_set_string_member (payload, "sdp", text);
  send_signal (ticket, payload);
}

/* webrtcbin's thread */
static void
description_created_cb (GstPromise *promise,
                        gpointer    user_data)
{
  Ticket *ticket = user_data;
  TrMediaSession *self = ticket->self;
  GstWebRTCSessionDescription *desc = NULL;
  const GstStructure *reply;
  gboolean offer;

  if (gst_promise_wait (promise) != GST_PROMISE_RESULT_REPLIED)
    {
      gst_promise_unref (promise);
      return;
    }

  reply = gst_promise_get_reply (promise);
  offer = gst_structure_has_field (reply, "offer");
  gst_structure_get (reply, offer ? "offer" : "answer", GST_TYPE_WEBRTC_SESSION_DESCRIPTION,
                     &desc, NULL);
  gst_promise_unref (promise);

  if (desc == NULL || !ticket_is_current (ticket))
    {
      g_debug ("Call %s: no %s was created", self->call_id, offer ? "offer" : "answer");
      g_clear_pointer (&desc, gst_webrtc_session_description_free);
      return;
    }

  /* The description goes out before set-local-description starts gathering candidates. */
  g_debug ("Call %s: %s created (+%.1f ms)", self->call_id, offer ? "offer" : "answer",
           since_start (self));
  send_sdp (ticket, desc);
  g_signal_emit_by_name (self->webrtc, "set-local-description", desc, NULL);
  gst_webrtc_session_description_free (desc);
}

static void
create_description (TrMediaSession *self,
                    gboolean        offer)
{
  GstPromise *promise;

  promise = gst_promise_new_with_change_func (description_created_cb, ticket_new (self),
                                              ticket_free);
  g_signal_emit_by_name (self->webrtc, offer ? "create-offer" : "create-answer", NULL, promise);
}

static void
add_candidate (TrMediaSession *self,
               JsonObject     *payload)
{
  const char *candidate = _tr_json_get_string (payload, "candidate");
  gint64 mline = _tr_json_get_int (payload, "sdp_mline_index", -1);

  if (candidate == NULL || mline < 0 || mline > 16 || self->webrtc == NULL)
    {
      g_debug ("Call %s: ignoring a malformed ICE candidate", self->call_id);
      return;
    }

  g_signal_emit_by_name (self->webrtc, "add-ice-candidate", (guint) mline, candidate);
}

static gboolean
remote_set_cb (gpointer user_data)
{
  Ticket *ticket = user_data;
  TrMediaSession *self = ticket->self;

  if (!ticket_is_current (ticket) || self->webrtc == NULL)
    return G_SOURCE_REMOVE;

  self->remote_set = TRUE;
  g_debug ("Call %s: remote description set (+%.1f ms)", self->call_id, since_start (self));
  for (guint i = 0; i < self->pending_candidates->len; i++)
    add_candidate (self, g_ptr_array_index (self->pending_candidates, i));
  g_ptr_array_set_size (self->pending_candidates, 0);

  if (!self->offerer)
    create_description (self, FALSE);

  return G_SOURCE_REMOVE;
}

/* webrtcbin's thread */
static void
remote_description_set_cb (GstPromise *promise,
                           gpointer    user_data)
{
  Ticket *ticket = user_data;
  GstPromiseResult result = gst_promise_wait (promise);

  gst_promise_unref (promise);
  if (result != GST_PROMISE_RESULT_REPLIED || !ticket_is_current (ticket))
    return;

  invoke (ticket, remote_set_cb);
}

static void
set_remote_description (TrMediaSession   *self,
                        GstWebRTCSDPType  type,
                        GstSDPMessage    *sdp)
{
  GstWebRTCSessionDescription *desc = gst_webrtc_session_description_new (type, sdp);
  GstPromise *promise;

  promise = gst_promise_new_with_change_func (remote_description_set_cb, ticket_new (self),
                                              ticket_free);
  g_signal_emit_by_name (self->webrtc, "set-remote-description", desc, promise);
  gst_webrtc_session_description_free (desc);
}

static void
handle_offer (TrMediaSession *self,
              const char     *text)
{
  GstSDPMessage *sdp = NULL;

  if (self->offerer)
    {
      g_debug ("Call %s: unexpected offer ignored", self->call_id);
      return;
    }

  if (self->offer_handled)
    {
      /* The caller started over (e.g. the call moved to us from another callee while an older
       * offer was on its way): the latest offer wins. */
      g_debug ("Call %s: a new offer replaces the previous one", self->call_id);
      teardown (self);
      reset_stats (self);
      g_ptr_array_set_size (self->pending_candidates, 0);
      self->remote_set = FALSE;
      self->offer_handled = FALSE;
    }

  if (gst_sdp_message_new_from_text (text, &sdp) != GST_SDP_OK)
    {
      g_debug ("Call %s: unreadable offer", self->call_id);
      return;
    }
  self->offer_handled = TRUE;

  /* Send with the payload types the offer uses (a payloader keeps its own pt). */
  self->opus_pt = tr_sdp_payload_type (sdp, "audio", "OPUS");
  self->vp8_pt = tr_sdp_payload_type (sdp, "video", "VP8");
  self->has_audio = self->opus_pt >= 0;
  self->has_video = self->vp8_pt >= 0;

  if (!build_pipeline (self))
    {
      gst_sdp_message_free (sdp);
      fail (self, "The media pipeline could not be built");
      return;
    }

  set_remote_description (self, GST_WEBRTC_SDP_TYPE_OFFER, sdp);
}

static void
handle_answer (TrMediaSession *self,
               const char     *text)
{
  GstSDPMessage *sdp = NULL;

  if (!self->offerer || self->remote_set || self->webrtc == NULL)
    {
      g_debug ("Call %s: unexpected answer ignored", self->call_id);
      return;
    }

  if (gst_sdp_message_new_from_text (text, &sdp) != GST_SDP_OK)
    {
      g_debug ("Call %s: unreadable answer", self->call_id);
      return;
    }

  set_remote_description (self, GST_WEBRTC_SDP_TYPE_ANSWER, sdp);
}

static void
process_signal (TrMediaSession *self,
                JsonObject     *payload)
{
  const char *kind = _tr_json_get_string (payload, "kind");

  if (g_strcmp0 (kind, "sdp") == 0)
    {
      const char *type = _tr_json_get_string (payload, "type");
      const char *sdp = _tr_json_get_string (payload, "sdp");

      if (sdp == NULL)
        g_debug ("Call %s: SDP payload without sdp", self->call_id);
      else if (g_strcmp0 (type, "offer") == 0)
        handle_offer (self, sdp);
      else if (g_strcmp0 (type, "answer") == 0)
        handle_answer (self, sdp);
      else
        g_debug ("Call %s: unknown SDP type %s", self->call_id, type ? type : "(null)");
    }
  else if (g_strcmp0 (kind, "ice") == 0)
    {
      if (self->remote_set)
        add_candidate (self, payload);
      else
        g_ptr_array_add (self->pending_candidates, json_object_ref (payload));
    }
  else
    g_debug ("Call %s: unknown signal kind %s", self->call_id, kind ? kind : "(null)");
}

/* GObject. */

static void
tr_media_session_get_property (GObject    *object,
                               guint       prop_id,
                               GValue     *value,
                               GParamSpec *pspec)
{
  TrMediaSession *self = TR_MEDIA_SESSION (object);

  switch (prop_id)
    {
    case PROP_WARNING:
      g_value_set_string (value, self->warning);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tr_media_session_dispose (GObject *object)
{
  TrMediaSession *self = TR_MEDIA_SESSION (object);

  teardown (self);
  g_clear_object (&self->devices);

  G_OBJECT_CLASS (tr_media_session_parent_class)->dispose (object);
}

static void
tr_media_session_finalize (GObject *object)
{
  TrMediaSession *self = TR_MEDIA_SESSION (object);

  if (self->video_destroy != NULL)
    self->video_destroy (self->video_data);
  g_free (self->call_id);
  g_free (self->warning);
  g_free (self->mic_warning);
  g_free (self->speaker_warning);
  g_free (self->camera_warning);
  g_clear_pointer (&self->config, tr_media_config_free);
  g_clear_pointer (&self->early_signals, g_ptr_array_unref);
  g_clear_pointer (&self->pending_candidates, g_ptr_array_unref);
  g_clear_pointer (&self->context, g_main_context_unref);
  g_mutex_clear (&self->stats_lock);

  G_OBJECT_CLASS (tr_media_session_parent_class)->finalize (object);
}

static void
tr_media_session_class_init (TrMediaSessionClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->get_property = tr_media_session_get_property;
  object_class->dispose = tr_media_session_dispose;
  object_class->finalize = tr_media_session_finalize;

  props[PROP_WARNING] = g_param_spec_string ("warning", NULL, NULL, NULL,
                                             G_PARAM_READABLE | G_PARAM_STATIC_STRINGS
                                             | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, props);

  /**
   * TrMediaSession::local-signal:
   * @self: the session
   * @payload: (type JsonObject): a `call.signal` payload to send to the other party
   */
  signals[LOCAL_SIGNAL] =
    g_signal_new ("local-signal", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 1, JSON_TYPE_OBJECT);
}

static void
tr_media_session_init (TrMediaSession *self)
{
  g_mutex_init (&self->stats_lock);
  self->context = g_main_context_ref_thread_default ();
  self->owner = g_thread_self ();
  self->early_signals = g_ptr_array_new_with_free_func ((GDestroyNotify) json_object_unref);
  self->pending_candidates = g_ptr_array_new_with_free_func ((GDestroyNotify) json_object_unref);
  self->opus_pt = DEFAULT_OPUS_PT;
  self->vp8_pt = DEFAULT_VP8_PT;
}

TrMediaSession *
tr_media_session_new (const char *call_id)
{
  TrMediaSession *self = g_object_new (TR_TYPE_MEDIA_SESSION, NULL);

  self->call_id = g_strdup (call_id);
  g_debug ("Media session for call %s created", call_id ? call_id : "(pending)");

  return self;
}

void
tr_media_session_set_call_id (TrMediaSession *self,
                              const char     *call_id)
{
  g_return_if_fail (TR_IS_MEDIA_SESSION (self));

  _tr_set_str (&self->call_id, call_id);
}

void
tr_media_session_configure (TrMediaSession      *self,
                            TrDeviceManager     *devices,
                            const TrMediaConfig *config)
{
  g_return_if_fail (TR_IS_MEDIA_SESSION (self));
  g_return_if_fail (!self->started);

  g_set_object (&self->devices, devices);
  g_clear_pointer (&self->config, tr_media_config_free);
  self->config = tr_media_config_copy (config);
}

void
tr_media_session_start (TrMediaSession *self,
                        gboolean        offerer)
{
  g_autoptr(GPtrArray) early = NULL;

  g_return_if_fail (TR_IS_MEDIA_SESSION (self));

  if (self->closed || self->started)
    return;

  gst_init (NULL, NULL);
  self->started = TRUE;
  self->offerer = offerer;
  g_mutex_lock (&self->stats_lock);
  self->stats.started_us = g_get_monotonic_time ();
  g_mutex_unlock (&self->stats_lock);
  g_debug ("Call %s: media starts (%s)", self->call_id, offerer ? "offerer" : "answerer");

  if (offerer)
    {
      self->has_audio = TRUE;
      self->has_video = TRUE;
      if (!build_pipeline (self))
        {
          fail (self, "The media pipeline could not be built");
          return;
        }
      create_description (self, TRUE);
    }

  early = g_steal_pointer (&self->early_signals);
  self->early_signals = g_ptr_array_new_with_free_func ((GDestroyNotify) json_object_unref);
  for (guint i = 0; i < early->len && !self->closed; i++)
    process_signal (self, g_ptr_array_index (early, i));
}

void
tr_media_session_restart (TrMediaSession *self)
{
  g_return_if_fail (TR_IS_MEDIA_SESSION (self));

  if (self->closed || !self->started)
    return;

  g_debug ("Call %s: media restarts", self->call_id);
  teardown (self);
  reset_stats (self);
  g_ptr_array_set_size (self->pending_candidates, 0);
  g_ptr_array_set_size (self->early_signals, 0);
  self->remote_set = FALSE;
  self->offer_handled = FALSE;
  self->started = FALSE;
  tr_media_session_start (self, self->offerer);
}

gboolean
tr_media_session_is_started (TrMediaSession *self)
{
  g_return_val_if_fail (TR_IS_MEDIA_SESSION (self), FALSE);

  return self->started;
}

void
tr_media_session_handle_signal (TrMediaSession *self,
                                JsonObject     *payload)
{
  g_return_if_fail (TR_IS_MEDIA_SESSION (self));

  if (self->closed || payload == NULL)
    return;

  if (!self->started)
    {
      if (self->early_signals->len < 256)
        g_ptr_array_add (self->early_signals, json_object_ref (payload));
      return;
    }

  process_signal (self, payload);
}

void
tr_media_session_set_muted (TrMediaSession *self,
                            gboolean        muted)
{
  g_return_if_fail (TR_IS_MEDIA_SESSION (self));

  self->muted = !!muted;
  if (self->mute_volume != NULL)
    g_object_set (self->mute_volume, "mute", self->muted, NULL);
}

void
tr_media_session_set_video_func (TrMediaSession  *self,
                                 TrVideoFrameFunc func,
                                 gpointer         user_data,
                                 GDestroyNotify   destroy)
{
  GDestroyNotify old_destroy;
  gpointer old_data;

  g_return_if_fail (TR_IS_MEDIA_SESSION (self));

  g_mutex_lock (&self->stats_lock);
  old_destroy = self->video_destroy;
  old_data = self->video_data;
  self->video_func = func;
  self->video_data = user_data;
  self->video_destroy = destroy;
  g_mutex_unlock (&self->stats_lock);
  if (self->picture_valve != NULL)
    g_object_set (self->picture_valve, "drop", func == NULL, NULL);

  if (old_destroy != NULL)
    old_destroy (old_data);
}

void
tr_media_session_set_camera (TrMediaSession *self,
                             gboolean        enabled)
{
  g_return_if_fail (TR_IS_MEDIA_SESSION (self));

  enabled = !!enabled;
  if (self->camera_on == enabled)
    return;

  self->camera_on = enabled;
  if (self->pipeline != NULL)
    switch_camera (self);
}

void
tr_media_session_set_hold (TrMediaSession *self,
                           gboolean        hold)
{
  g_return_if_fail (TR_IS_MEDIA_SESSION (self));

  self->hold = !!hold;
  if (self->audio_valve != NULL)
    g_object_set (self->audio_valve, "drop", self->hold, NULL);
  if (self->video_valve != NULL)
    g_object_set (self->video_valve, "drop", self->hold, NULL);
  if (self->playback_volume != NULL)
    g_object_set (self->playback_volume, "mute", self->hold, NULL);
}

const char *
tr_media_session_get_warning (TrMediaSession *self)
{
  g_return_val_if_fail (TR_IS_MEDIA_SESSION (self), NULL);

  return self->warning;
}

void
tr_media_session_get_stats (TrMediaSession *self,
                            TrMediaStats   *stats)
{
  g_return_if_fail (TR_IS_MEDIA_SESSION (self));
  g_return_if_fail (stats != NULL);

  g_mutex_lock (&self->stats_lock);
  *stats = self->stats;
  g_mutex_unlock (&self->stats_lock);
}

GstElement *
tr_media_session_get_pipeline (TrMediaSession *self)
{
  g_return_val_if_fail (TR_IS_MEDIA_SESSION (self), NULL);

  return self->pipeline;
}

void
tr_media_session_close (TrMediaSession *self)
{
  g_return_if_fail (TR_IS_MEDIA_SESSION (self));

  if (self->closed)
    return;

  g_mutex_lock (&self->stats_lock);
  self->closed = TRUE;
  g_mutex_unlock (&self->stats_lock);
  teardown (self);
  g_ptr_array_set_size (self->early_signals, 0);
  g_ptr_array_set_size (self->pending_candidates, 0);
  g_debug ("Media session for call %s closed", self->call_id);
}

gboolean
tr_media_session_is_closed (TrMediaSession *self)
{
  g_return_val_if_fail (TR_IS_MEDIA_SESSION (self), TRUE);

  return self->closed;
}
