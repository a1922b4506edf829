/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "TrEchoLine"

#include "config.h"

#include "tr-server-types.h"

#include <gst/app/gstappsink.h>
#include <gst/app/gstappsrc.h>

#include "tr-echo-line.h"
#include "tr-signaling.h"

struct _TrEchoLine
{
  GObject parent_instance;

  TrLineMediaConfig *config;
  TrSignaling       *signaling; /* unowned: it owns the line */
  GHashTable        *peers;     /* call id → TrLinePeer */
};

static void service_line_iface_init (TrServiceLineInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (TrEchoLine, tr_echo_line, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (TR_TYPE_SERVICE_LINE,
                                                      service_line_iface_init))

#define AUDIO_DEPAY "echo-audio-depay"
#define VIDEO_DEPAY "echo-video-depay"
#define AUDIO_SRC "echo-audio-src"
#define VIDEO_SRC "echo-video-src"

/*
 * Media: webrtcbin ! depayloader ! (opusparse) ! appsink, and appsrc ! payloader with the offer's
 * pt ! queue ! webrtcbin. The app elements hand the frames over unchanged; linking the branches
 * directly would make a loop in the pipeline's graph, which GStreamer refuses.
 */

/* A streaming thread. The frame goes back stamped with its arrival (appsrc do-timestamp): the
 * receive side's timestamps jump with the jitter buffer, and the caller's jitter buffer would
 * drop what looks late. */
static GstFlowReturn
echo_new_sample_cb (GstAppSink *sink, gpointer user_data)
{
  GstAppSrc *src = user_data;
  g_autoptr (GstSample) sample = gst_app_sink_pull_sample (sink);
  g_autoptr (GstCaps) current = NULL;
  GstBuffer *buffer;

  if (sample == NULL)
    return GST_FLOW_EOS;
  current = gst_app_src_get_caps (src);
  if (current == NULL || !gst_caps_is_equal (current, gst_sample_get_caps (sample)))
    gst_app_src_set_caps (src, gst_sample_get_caps (sample));
  buffer = gst_buffer_copy (gst_sample_get_buffer (sample));
  GST_BUFFER_PTS (buffer) = GST_CLOCK_TIME_NONE;
  GST_BUFFER_DTS (buffer) = GST_CLOCK_TIME_NONE;
  gst_app_src_push_buffer (src, buffer);
  return GST_FLOW_OK;
}

static GstElement *
echo_build_send (TrLinePeer *peer, GstBin *pipeline, gboolean audio, int pt, gpointer user_data)
{
  GstElement         *depay, *parse = NULL, *sink, *src, *pay, *queue;
  GstAppSinkCallbacks callbacks = { 0 };

  if (audio)
    {
      depay = gst_element_factory_make ("rtpopusdepay", AUDIO_DEPAY);
      parse = gst_element_factory_make ("opusparse", NULL);
      pay = gst_element_factory_make ("rtpopuspay", NULL);
    }
  else
    {
      depay = gst_element_factory_make ("rtpvp8depay", VIDEO_DEPAY);
      pay = gst_element_factory_make ("rtpvp8pay", NULL);
    }
  sink = gst_element_factory_make ("appsink", NULL);
  src = gst_element_factory_make ("appsrc", audio ? AUDIO_SRC : VIDEO_SRC);
  queue = gst_element_factory_make ("queue", NULL);
  if (depay == NULL || pay == NULL || queue == NULL || sink == NULL || src == NULL
      || (audio && parse == NULL))
    {
      g_warning ("GStreamer elements of the echo line are missing");
      g_clear_pointer (&depay, gst_object_unref);
      g_clear_pointer (&parse, gst_object_unref);
      g_clear_pointer (&pay, gst_object_unref);
      g_clear_pointer (&sink, gst_object_unref);
      g_clear_pointer (&src, gst_object_unref);
      g_clear_pointer (&queue, gst_object_unref);
      return NULL;
    }

  g_object_set (pay, "pt", pt, NULL);
  g_object_set (queue, "max-size-time", (guint64)200 * GST_MSECOND, "max-size-buffers", 0,
                "max-size-bytes", 0, "leaky", 2, NULL);
  g_object_set (sink, "sync", FALSE, "async", FALSE, "max-buffers", 50, "drop", TRUE, NULL);
  g_object_set (src, "is-live", TRUE, "do-timestamp", TRUE, "format", GST_FORMAT_TIME, "max-bytes",
                (guint64)0, "max-buffers", (guint64)50, "leaky-type", 2 /* downstream: drop old */,
                NULL);
  if (!audio)
    g_object_set (depay, "request-keyframe", TRUE, "wait-for-keyframe", TRUE, NULL);
  callbacks.new_sample = echo_new_sample_cb;
  gst_app_sink_set_callbacks (GST_APP_SINK (sink), &callbacks, src, NULL);

  gst_bin_add_many (pipeline, depay, sink, src, pay, queue, NULL);
  if (parse != NULL)
    {
      gst_bin_add (pipeline, parse);
      gst_element_link_many (depay, parse, sink, NULL);
    }
  else
    gst_element_link (depay, sink);
  gst_element_link_many (src, pay, queue, NULL);
  return queue;
}

static gboolean
echo_incoming (TrLinePeer *peer, GstBin *pipeline, GstPad *pad, gboolean audio, gpointer user_data)
{
  g_autoptr (GstElement) depay = gst_bin_get_by_name (pipeline, audio ? AUDIO_DEPAY : VIDEO_DEPAY);
  g_autoptr (GstPad) sink = NULL;

  if (depay == NULL)
    return FALSE;
  sink = gst_element_get_static_pad (depay, "sink");
  if (gst_pad_is_linked (sink))
    return FALSE;
  return gst_pad_link (pad, sink) == GST_PAD_LINK_OK;
}

static const TrLinePeerHandlers echo_handlers = {
  echo_build_send,
  echo_incoming,
};

static void
peer_local_signal_cb (TrLinePeer *peer, JsonObject *payload, gpointer user_data)
{
  TrEchoLine *self = user_data;

  if (self->signaling != NULL)
    tr_signaling_line_signal (self->signaling, TR_SERVICE_LINE (self),
                              tr_line_peer_get_call_id (peer), payload);
}

static TrLinePeer *
ensure_peer (TrEchoLine *self, const char *call_id)
{
  TrLinePeer *peer = g_hash_table_lookup (self->peers, call_id);

  if (peer == NULL)
    {
      peer = tr_line_peer_new (call_id, self->config, &echo_handlers, self);
      g_signal_connect_object (peer, "local-signal", G_CALLBACK (peer_local_signal_cb), self, 0);
      g_hash_table_insert (self->peers, (gpointer)tr_line_peer_get_call_id (peer), peer);
    }
  return peer;
}

/* TrServiceLine */

static const char *
tr_echo_line_get_id (TrServiceLine *line)
{
  return TR_ECHO_LINE_ID;
}

static const char *
tr_echo_line_get_display_name (TrServiceLine *line)
{
  return "Echo test";
}

static void
tr_echo_line_incoming (TrServiceLine *line, TrSignaling *signaling, const char *call_id)
{
  TrEchoLine *self = TR_ECHO_LINE (line);

  self->signaling = signaling;
  if (g_hash_table_size (self->peers) >= TR_LINE_MAX_MEDIA_CALLS)
    {
      tr_signaling_line_reject (signaling, line, call_id, TR_STATUS_BUSY);
      return;
    }
  ensure_peer (self, call_id);
  /* Answers at once; the caller's offer may have come already (it is kept) or comes next. */
  tr_signaling_line_accept (signaling, line, call_id);
}

static void
tr_echo_line_signal (TrServiceLine *line, TrSignaling *signaling, const char *call_id,
                     JsonObject *payload)
{
  TrEchoLine *self = TR_ECHO_LINE (line);
  TrLinePeer *peer = g_hash_table_lookup (self->peers, call_id);

  self->signaling = signaling;
  if (peer != NULL)
    tr_line_peer_handle_signal (peer, payload);
}

static void
tr_echo_line_ended (TrServiceLine *line, TrSignaling *signaling, const char *call_id)
{
  TrEchoLine *self = TR_ECHO_LINE (line);

  g_hash_table_remove (self->peers, call_id);
}

static void
service_line_iface_init (TrServiceLineInterface *iface)
{
  iface->get_id = tr_echo_line_get_id;
  iface->get_display_name = tr_echo_line_get_display_name;
  iface->incoming = tr_echo_line_incoming;
  iface->signal = tr_echo_line_signal;
  iface->ended = tr_echo_line_ended;
}

/* GObject */

static void
peer_free (gpointer data)
{
  TrLinePeer *peer = data;

  tr_line_peer_close (peer);
  g_object_unref (peer);
}

static void
tr_echo_line_dispose (GObject *object)
{
  TrEchoLine *self = (TrEchoLine *)object;

  if (self->peers != NULL)
    g_hash_table_remove_all (self->peers);

  G_OBJECT_CLASS (tr_echo_line_parent_class)->dispose (object);
}

static void
tr_echo_line_finalize (GObject *object)
{
  TrEchoLine *self = (TrEchoLine *)object;

  g_clear_pointer (&self->peers, g_hash_table_unref);
  tr_line_media_config_free (self->config);

  G_OBJECT_CLASS (tr_echo_line_parent_class)->finalize (object);
}

static void
tr_echo_line_class_init (TrEchoLineClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = tr_echo_line_dispose;
  object_class->finalize = tr_echo_line_finalize;
}

static void
tr_echo_line_init (TrEchoLine *self)
{
  self->peers = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, peer_free);
}

TrEchoLine *
tr_echo_line_new (const TrLineMediaConfig *config)
{
  TrEchoLine *self = g_object_new (TR_TYPE_ECHO_LINE, NULL);

  self->config = tr_line_media_config_copy (config);
  return self;
}
