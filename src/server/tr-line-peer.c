/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "TrLinePeer"

#include "config.h"

#include "tr-server-types.h"

#include <stdlib.h>
#include <string.h>

#include <gst/sdp/sdp.h>
#define GST_USE_UNSTABLE_API
#include <gst/webrtc/webrtc.h>

#include "tr-line-peer.h"
#include "tr-sdp.h"

#define MAX_PENDING_CANDIDATES 64

enum
{
  LOCAL_SIGNAL,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

struct _TrLinePeer
{
  GObject parent_instance;

  char              *call_id;
  TrLineMediaConfig *config;
  TrLinePeerHandlers handlers;
  gpointer           user_data;

  GstElement *pipeline;
  GstElement *webrtc;
  guint       bus_watch;

  GPtrArray *pending_candidates; /* JsonObject, before the remote description */
  gboolean   offer_handled;
  gboolean   remote_set;
  gboolean   closed; /* atomic: read from webrtcbin's threads */
};

G_DEFINE_FINAL_TYPE (TrLinePeer, tr_line_peer, G_TYPE_OBJECT)

/* Config */

TrLineMediaConfig *
tr_line_media_config_copy (const TrLineMediaConfig *config)
{
  TrLineMediaConfig *copy = g_new0 (TrLineMediaConfig, 1);

  if (config == NULL)
    return copy;
  copy->enabled = config->enabled;
  copy->ice_loopback = config->ice_loopback;
  copy->stun_server = g_strdup (config->stun_server);
  copy->turn_servers = g_strdupv (config->turn_servers);
  return copy;
}

void
tr_line_media_config_free (TrLineMediaConfig *config)
{
  if (config == NULL)
    return;
  g_free (config->stun_server);
  g_strfreev (config->turn_servers);
  g_free (config);
}

static gpointer
prewarm_thread (gpointer data)
{
  GstElement *dtls = gst_element_factory_make ("dtlsdec", NULL);

  if (dtls != NULL)
    {
      char *pem = NULL;

      /* The first dtlsdec of a process generates the shared certificate. */
      g_object_get (dtls, "pem", &pem, NULL);
      g_free (pem);
      gst_object_unref (gst_object_ref_sink (dtls));
    }
  return NULL;
}

static GThread *prewarm; /* main thread only */

void
tr_line_peer_prewarm (void)
{
  if (prewarm == NULL)
    prewarm = g_thread_new ("tr-dtls-prewarm", prewarm_thread, NULL);
}

void
tr_line_peer_prewarm_join (void)
{
  /* Exiting while OpenSSL generates the key in the thread crashes in its exit handlers. */
  if (prewarm != NULL)
    g_thread_join (g_steal_pointer (&prewarm));
}

/* Signals to the caller, always from the main context, in order. */

typedef struct
{
  TrLinePeer *self;
  JsonObject *payload;
} LocalSignal;

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

  if (!g_atomic_int_get (&signal->self->closed))
    g_signal_emit (signal->self, signals[LOCAL_SIGNAL], 0, signal->payload);
  return G_SOURCE_REMOVE;
}

/* Any thread. Takes @payload. */
static void
send_signal (TrLinePeer *self, JsonObject *payload)
{
  LocalSignal *signal = g_new0 (LocalSignal, 1);

  signal->self = g_object_ref (self);
  signal->payload = payload;
  g_idle_add_full (G_PRIORITY_DEFAULT, local_signal_cb, signal, local_signal_free);
}

static const char *
json_string (JsonObject *object, const char *name)
{
  JsonNode *node = json_object_get_member (object, name);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node)
      || json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;
  return json_node_get_string (node);
}

static gint64
json_int (JsonObject *object, const char *name, gint64 default_value)
{
  JsonNode *node = json_object_get_member (object, name);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node)
      || json_node_get_value_type (node) != G_TYPE_INT64)
    return default_value;
  return json_node_get_int (node);
}

/* webrtcbin callbacks (its threads) */

static void
ice_candidate_cb (GstElement *webrtc, guint mline_index, const char *candidate, gpointer user_data)
{
  TrLinePeer *self = user_data;
  JsonObject *payload;

  if (g_atomic_int_get (&self->closed))
    return;
  payload = json_object_new ();
  json_object_set_string_member (payload, "kind", "ice");
  json_object_set_string_member (payload, "candidate", candidate);
  json_object_set_int_member (payload, "sdp_mline_index", mline_index);
  send_signal (self, payload);
}

static void
pad_added_cb (GstElement *webrtc, GstPad *pad, gpointer user_data)
{
  TrLinePeer *self = user_data;
  GstBin     *bin = GST_BIN (GST_ELEMENT_PARENT (webrtc));
  g_autoptr (GstCaps) caps = NULL;
  const char *media;
  gboolean    linked = FALSE;

  if (GST_PAD_DIRECTION (pad) != GST_PAD_SRC || g_atomic_int_get (&self->closed) || bin == NULL)
    return;

  caps = gst_pad_get_current_caps (pad);
  if (caps == NULL)
    caps = gst_pad_query_caps (pad, NULL);
  media = gst_structure_get_string (gst_caps_get_structure (caps, 0), "media");
  if (self->handlers.incoming != NULL
      && (g_strcmp0 (media, "audio") == 0 || g_strcmp0 (media, "video") == 0))
    linked = self->handlers.incoming (self, bin, pad, g_strcmp0 (media, "audio") == 0,
                                      self->user_data);

  if (!linked)
    {
      /* An unlinked source pad would fail the stream: discard it. */
      GstElement *sink = gst_element_factory_make ("fakesink", NULL);
      g_autoptr (GstPad) sink_pad = NULL;

      g_object_set (sink, "sync", FALSE, "async", FALSE, NULL);
      gst_bin_add (bin, sink);
      sink_pad = gst_element_get_static_pad (sink, "sink");
      gst_pad_link (pad, sink_pad);
      gst_element_sync_state_with_parent (sink);
    }
  TR_DEBUG ("Call %s: receiving %s%s", self->call_id, media, linked ? "" : " (discarded)");
}

static gboolean
bus_cb (GstBus *bus, GstMessage *message, gpointer user_data)
{
  TrLinePeer *self = user_data;

  if (GST_MESSAGE_TYPE (message) == GST_MESSAGE_ERROR)
    {
      g_autoptr (GError) error = NULL;
      g_autofree char *debug = NULL;

      gst_message_parse_error (message, &error, &debug);
      g_debug ("Call %s: media error from %s: %s (%s)", self->call_id,
               GST_OBJECT_NAME (GST_MESSAGE_SRC (message)), error->message, debug ? debug : "");
    }
  return G_SOURCE_CONTINUE;
}

/* Negotiation */

static void
answer_created_cb (GstPromise *promise, gpointer user_data)
{
  TrLinePeer                  *self = user_data;
  GstWebRTCSessionDescription *answer = NULL;
  const GstStructure          *reply;
  JsonObject                  *payload;
  g_autofree char             *text = NULL;

  if (gst_promise_wait (promise) != GST_PROMISE_RESULT_REPLIED)
    {
      gst_promise_unref (promise);
      return;
    }
  reply = gst_promise_get_reply (promise);
  gst_structure_get (reply, "answer", GST_TYPE_WEBRTC_SESSION_DESCRIPTION, &answer, NULL);
  gst_promise_unref (promise);
  if (answer == NULL || g_atomic_int_get (&self->closed))
    {
      g_debug ("Call %s: no answer was created", self->call_id);
      g_clear_pointer (&answer, gst_webrtc_session_description_free);
      return;
    }

  /* The answer goes out before set-local-description starts gathering candidates. */
  text = gst_sdp_message_as_text (answer->sdp);
  payload = json_object_new ();
  json_object_set_string_member (payload, "kind", "sdp");
  json_object_set_string_member (payload, "type", "answer");
  json_object_set_string_member (payload, "sdp", text);
  send_signal (self, payload);
  g_signal_emit_by_name (self->webrtc, "set-local-description", answer, NULL);
  gst_webrtc_session_description_free (answer);
}

static void
add_candidate (TrLinePeer *self, JsonObject *payload)
{
  const char *candidate = json_string (payload, "candidate");
  gint64      mline = json_int (payload, "sdp_mline_index", -1);

  if (candidate == NULL || mline < 0 || mline > 16 || self->webrtc == NULL)
    return;
  g_signal_emit_by_name (self->webrtc, "add-ice-candidate", (guint)mline, candidate);
}

static gboolean
remote_set_cb (gpointer user_data)
{
  TrLinePeer *self = user_data;
  GstPromise *promise;

  if (g_atomic_int_get (&self->closed) || self->webrtc == NULL)
    return G_SOURCE_REMOVE;

  self->remote_set = TRUE;
  for (guint i = 0; i < self->pending_candidates->len; i++)
    add_candidate (self, g_ptr_array_index (self->pending_candidates, i));
  g_ptr_array_set_size (self->pending_candidates, 0);

  promise
      = gst_promise_new_with_change_func (answer_created_cb, g_object_ref (self), g_object_unref);
  g_signal_emit_by_name (self->webrtc, "create-answer", NULL, promise);
  return G_SOURCE_REMOVE;
}

static void
remote_description_set_cb (GstPromise *promise, gpointer user_data)
{
  TrLinePeer      *self = user_data;
  GstPromiseResult result = gst_promise_wait (promise);

  gst_promise_unref (promise);
  if (result != GST_PROMISE_RESULT_REPLIED || g_atomic_int_get (&self->closed))
    return;
  g_idle_add_full (G_PRIORITY_DEFAULT, remote_set_cb, g_object_ref (self), g_object_unref);
}

static GstCaps *
codec_caps (gboolean audio, int pt)
{
  if (audio)
    return gst_caps_new_simple ("application/x-rtp", "media", G_TYPE_STRING, "audio",
                                "encoding-name", G_TYPE_STRING, "OPUS", "clock-rate", G_TYPE_INT,
                                48000, "encoding-params", G_TYPE_STRING, "2", "payload", G_TYPE_INT,
                                pt, NULL);
  return gst_caps_new_simple ("application/x-rtp", "media", G_TYPE_STRING, "video", "encoding-name",
                              G_TYPE_STRING, "VP8", "clock-rate", G_TYPE_INT, 90000, "payload",
                              G_TYPE_INT, pt, "rtcp-fb-nack-pli", G_TYPE_BOOLEAN, TRUE, NULL);
}

/* A transceiver for @audio/video: sendrecv with the send branch of the line, or recvonly. */
static gboolean
add_media (TrLinePeer *self, gboolean audio, int pt)
{
  g_autoptr (GstCaps) caps = codec_caps (audio, pt);
  GstElement *feed = NULL;

  if (self->handlers.build_send != NULL)
    feed = self->handlers.build_send (self, GST_BIN (self->pipeline), audio, pt, self->user_data);

  if (feed != NULL)
    {
      g_autoptr (GstPad) sink = NULL;
      g_autoptr (GstPad) src = NULL;
      GstWebRTCRTPTransceiver *transceiver = NULL;

      /* With caps webrtcbin gives the transceiver its kind at once (the answer matches the
       * offer's m-lines by kind), before the branch produces anything. */
      sink = gst_element_request_pad (
          self->webrtc, gst_element_get_pad_template (self->webrtc, "sink_%u"), NULL, caps);
      if (sink == NULL)
        return FALSE;
      g_object_get (sink, "transceiver", &transceiver, NULL);
      if (transceiver != NULL)
        {
          g_object_set (transceiver, "codec-preferences", caps, "direction",
                        GST_WEBRTC_RTP_TRANSCEIVER_DIRECTION_SENDRECV, NULL);
          gst_object_unref (transceiver);
        }
      src = gst_element_get_static_pad (feed, "src");
      return gst_pad_link (src, sink) == GST_PAD_LINK_OK;
    }
  else
    {
      GstWebRTCRTPTransceiver *transceiver = NULL;

      g_signal_emit_by_name (self->webrtc, "add-transceiver",
                             GST_WEBRTC_RTP_TRANSCEIVER_DIRECTION_RECVONLY, caps, &transceiver);
      g_clear_object (&transceiver);
      return TRUE;
    }
}

static gboolean
build_pipeline (TrLinePeer *self, int opus_pt, int vp8_pt)
{
  g_autofree char *name = g_strdup_printf ("line-%s", self->call_id);
  g_autoptr (GstBus) bus = NULL;
  GObject *ice = NULL;

  self->pipeline = gst_object_ref_sink (gst_pipeline_new (name));
  self->webrtc = gst_element_factory_make ("webrtcbin", "webrtc");
  if (self->webrtc == NULL)
    {
      g_warning ("webrtcbin is missing (gstreamer1.0-plugins-bad, gstreamer1.0-nice)");
      return FALSE;
    }
  g_object_set (self->webrtc, "bundle-policy", GST_WEBRTC_BUNDLE_POLICY_MAX_BUNDLE, "latency", 50,
                NULL);
  if (self->config->stun_server != NULL)
    g_object_set (self->webrtc, "stun-server", self->config->stun_server, NULL);
  for (guint i = 0; self->config->turn_servers != NULL && self->config->turn_servers[i] != NULL;
       i++)
    {
      gboolean ok = FALSE;

      g_signal_emit_by_name (self->webrtc, "add-turn-server", self->config->turn_servers[i], &ok);
      if (!ok)
        g_debug ("TURN server refused by webrtcbin");
    }
  gst_bin_add (GST_BIN (self->pipeline), self->webrtc);
  g_signal_connect (self->webrtc, "on-ice-candidate", G_CALLBACK (ice_candidate_cb), self);
  g_signal_connect (self->webrtc, "pad-added", G_CALLBACK (pad_added_cb), self);

  g_object_get (self->webrtc, "ice-agent", &ice, NULL);
  if (ice != NULL)
    {
      if (g_object_class_find_property (G_OBJECT_GET_CLASS (ice), "ice-tcp") != NULL)
        g_object_set (ice, "ice-tcp", FALSE, NULL);
      if (g_object_class_find_property (G_OBJECT_GET_CLASS (ice), "agent") != NULL)
        {
          g_autoptr (GObject) agent = NULL;

          g_object_get (ice, "agent", &agent, NULL);
          if (agent != NULL && g_object_class_find_property (G_OBJECT_GET_CLASS (agent), "upnp"))
            g_object_set (agent, "upnp", FALSE, NULL);
        }
      if (self->config->ice_loopback)
        {
          gboolean ok = FALSE;

          /* libnice ignores loopback interfaces unless told (FACTS). */
          g_signal_emit_by_name (ice, "add-local-ip-address", "127.0.0.1", &ok);
          if (!ok)
            g_debug ("Could not add 127.0.0.1 to the ICE agent");
        }
      g_object_unref (ice);
    }

  if (opus_pt >= 0 && !add_media (self, TRUE, opus_pt))
    return FALSE;
  if (vp8_pt >= 0 && !add_media (self, FALSE, vp8_pt))
    return FALSE;

  bus = gst_pipeline_get_bus (GST_PIPELINE (self->pipeline));
  self->bus_watch = gst_bus_add_watch (bus, bus_cb, self);

  return gst_element_set_state (self->pipeline, GST_STATE_PLAYING) != GST_STATE_CHANGE_FAILURE;
}

static void
handle_offer (TrLinePeer *self, const char *text)
{
  GstSDPMessage               *sdp = NULL;
  GstWebRTCSessionDescription *offer;
  GstPromise                  *promise;
  int                          opus_pt, vp8_pt;

  if (self->offer_handled)
    {
      g_debug ("Call %s: a second offer is ignored", self->call_id);
      return;
    }
  if (gst_sdp_message_new_from_text (text, &sdp) != GST_SDP_OK)
    {
      g_debug ("Call %s: unreadable offer", self->call_id);
      return;
    }
  self->offer_handled = TRUE;

  /* Send with the payload types the offer uses (a payloader keeps its own pt). */
  opus_pt = tr_sdp_payload_type (sdp, "audio", "OPUS");
  vp8_pt = tr_sdp_payload_type (sdp, "video", "VP8");
  if (!build_pipeline (self, opus_pt, vp8_pt))
    {
      g_warning ("Call %s: the line's media pipeline could not be built", self->call_id);
      gst_sdp_message_free (sdp);
      tr_line_peer_close (self);
      return;
    }

  offer = gst_webrtc_session_description_new (GST_WEBRTC_SDP_TYPE_OFFER, sdp);
  promise = gst_promise_new_with_change_func (remote_description_set_cb, g_object_ref (self),
                                              g_object_unref);
  g_signal_emit_by_name (self->webrtc, "set-remote-description", offer, promise);
  gst_webrtc_session_description_free (offer);
}

/* GObject */

static void
tr_line_peer_dispose (GObject *object)
{
  TrLinePeer *self = (TrLinePeer *)object;

  tr_line_peer_close (self);

  G_OBJECT_CLASS (tr_line_peer_parent_class)->dispose (object);
}

static void
tr_line_peer_finalize (GObject *object)
{
  TrLinePeer *self = (TrLinePeer *)object;

  g_free (self->call_id);
  tr_line_media_config_free (self->config);
  g_clear_pointer (&self->pending_candidates, g_ptr_array_unref);

  G_OBJECT_CLASS (tr_line_peer_parent_class)->finalize (object);
}

static void
tr_line_peer_class_init (TrLinePeerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = tr_line_peer_dispose;
  object_class->finalize = tr_line_peer_finalize;

  signals[LOCAL_SIGNAL]
      = g_signal_new ("local-signal", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                      NULL, G_TYPE_NONE, 1, JSON_TYPE_OBJECT);
}

static void
tr_line_peer_init (TrLinePeer *self)
{
  self->pending_candidates = g_ptr_array_new_with_free_func ((GDestroyNotify)json_object_unref);
}

TrLinePeer *
tr_line_peer_new (const char *call_id, const TrLineMediaConfig *config,
                  const TrLinePeerHandlers *handlers, gpointer user_data)
{
  TrLinePeer *self;

  g_return_val_if_fail (call_id != NULL, NULL);

  self = g_object_new (TR_TYPE_LINE_PEER, NULL);
  self->call_id = g_strdup (call_id);
  self->config = tr_line_media_config_copy (config);
  if (handlers != NULL)
    self->handlers = *handlers;
  self->user_data = user_data;
  return self;
}

void
tr_line_peer_handle_signal (TrLinePeer *self, JsonObject *payload)
{
  const char *kind;

  g_return_if_fail (TR_IS_LINE_PEER (self));

  if (g_atomic_int_get (&self->closed) || payload == NULL || !self->config->enabled)
    return;

  kind = json_string (payload, "kind");
  if (g_strcmp0 (kind, "sdp") == 0)
    {
      const char *type = json_string (payload, "type");
      const char *sdp = json_string (payload, "sdp");

      if (sdp != NULL && g_strcmp0 (type, "offer") == 0)
        handle_offer (self, sdp);
      else
        g_debug ("Call %s: ignoring an SDP %s", self->call_id, type ? type : "(null)");
    }
  else if (g_strcmp0 (kind, "ice") == 0)
    {
      if (self->remote_set)
        add_candidate (self, payload);
      else if (self->pending_candidates->len < MAX_PENDING_CANDIDATES)
        g_ptr_array_add (self->pending_candidates, json_object_ref (payload));
    }
}

const char *
tr_line_peer_get_call_id (TrLinePeer *self)
{
  g_return_val_if_fail (TR_IS_LINE_PEER (self), NULL);

  return self->call_id;
}

GstElement *
tr_line_peer_get_pipeline (TrLinePeer *self)
{
  g_return_val_if_fail (TR_IS_LINE_PEER (self), NULL);

  return self->pipeline;
}

GstClockTime
tr_line_peer_get_running_time (TrLinePeer *self)
{
  g_autoptr (GstClock) clock = NULL;

  g_return_val_if_fail (TR_IS_LINE_PEER (self), 0);

  if (self->pipeline == NULL || (clock = gst_element_get_clock (self->pipeline)) == NULL)
    return 0;
  return gst_clock_get_time (clock) - gst_element_get_base_time (self->pipeline);
}

void
tr_line_peer_close (TrLinePeer *self)
{
  g_autoptr (GstElement) pipeline = NULL;

  g_return_if_fail (TR_IS_LINE_PEER (self));

  g_atomic_int_set (&self->closed, TRUE);
  pipeline = g_steal_pointer (&self->pipeline);
  g_clear_handle_id (&self->bus_watch, g_source_remove);
  if (pipeline != NULL)
    {
      if (self->webrtc != NULL)
        g_signal_handlers_disconnect_by_data (self->webrtc, self);
      gst_element_set_state (pipeline, GST_STATE_NULL);
    }
  self->webrtc = NULL;
}
