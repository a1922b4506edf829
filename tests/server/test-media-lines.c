/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "TestMediaLines"

/*
 * The server's media lines (echo, voicemail) with a real WebRTC peer: a small webrtcbin
 * pipeline of the test's own (tone → Opus, test video → VP8; what comes back is decoded and
 * measured), speaking the raw protocol through TestClient. Runs inside a loopback-only network
 * namespace (tests/media/run-media-test.sh), where the server restricts ICE to 127.0.0.1.
 */

#include <glib/gstdio.h>
#include <math.h>
#include <string.h>

#include <gst/gst.h>
#include <gst/pbutils/pbutils.h>
#include <gst/sdp/sdp.h>
#define GST_USE_UNSTABLE_API
#include <gst/webrtc/webrtc.h>

#include "server-test-util.h"

/*
 * Frequency of decoded mono float audio: the median distance between rising zero crossings, so
 * that gaps (lost packets, silence) do not bias it.
 */
#define MIN_PERIOD 40  /* samples: 1200 Hz */
#define MAX_PERIOD 240 /* 200 Hz */

typedef struct
{
  GMutex  lock;
  guint64 position;      /* samples seen */
  guint64 last_crossing; /* position of the last rising crossing, 0: none */
  guint   periods[MAX_PERIOD + 1];
  guint   n_periods;
  float   last;
  gint64  first_us;
  gint64  last_us;
  guint64 skip; /* samples to ignore first (decoder start-up) */
} Tone;

static void
tone_feed (Tone *tone, const float *data, gsize n)
{
  g_mutex_lock (&tone->lock);
  if (tone->first_us == 0)
    tone->first_us = g_get_monotonic_time ();
  tone->last_us = g_get_monotonic_time ();
  for (gsize i = 0; i < n; i++)
    {
      tone->position++;
      if (tone->skip > 0)
        {
          tone->skip--;
          tone->last = data[i];
          continue;
        }
      if (tone->last < 0 && data[i] >= 0)
        {
          guint64 period = tone->position - tone->last_crossing;

          if (tone->last_crossing != 0 && period >= MIN_PERIOD && period <= MAX_PERIOD)
            {
              tone->periods[period]++;
              tone->n_periods++;
            }
          tone->last_crossing = tone->position;
        }
      tone->last = data[i];
    }
  g_mutex_unlock (&tone->lock);
}

/* 0 until 100 periods were seen. */
static double
tone_frequency (Tone *tone)
{
  double freq = 0;

  g_mutex_lock (&tone->lock);
  if (tone->n_periods >= 100)
    {
      guint seen = 0;

      for (guint p = MIN_PERIOD; p <= MAX_PERIOD; p++)
        {
          seen += tone->periods[p];
          if (seen * 2 >= tone->n_periods)
            {
              freq = 48000.0 / p;
              break;
            }
        }
    }
  g_mutex_unlock (&tone->lock);
  return freq;
}

static void
tone_reset (Tone *tone, guint64 skip)
{
  g_mutex_lock (&tone->lock);
  memset (tone->periods, 0, sizeof tone->periods);
  tone->n_periods = 0;
  tone->last_crossing = 0;
  tone->skip = skip;
  g_mutex_unlock (&tone->lock);
}

static GstPadProbeReturn
tone_probe_cb (GstPad *pad, GstPadProbeInfo *info, gpointer user_data)
{
  GstBuffer *buffer = GST_PAD_PROBE_INFO_BUFFER (info);
  GstMapInfo map;

  if (gst_buffer_map (buffer, &map, GST_MAP_READ))
    {
      tone_feed (user_data, (const float *)map.data, map.size / sizeof (float));
      gst_buffer_unmap (buffer, &map);
    }
  return GST_PAD_PROBE_OK;
}

/* A WebRTC peer: the offerer, as a client is. */
typedef struct
{
  TestClient  *client;
  char        *call_id;
  GstElement  *pipeline;
  GstElement  *webrtc;
  GAsyncQueue *outgoing; /* char *: payloads to send as call.signal */
  Tone         tone;
  gint         video_frames;
  gint         video_width;
  gint         video_height;
  gint         audio_packets;
} Peer;

static void
push_payload (Peer *peer, JsonObject *payload)
{
  g_autoptr (JsonNode) node = json_node_init_object (json_node_alloc (), payload);

  g_async_queue_push (peer->outgoing, json_to_string (node, FALSE));
  json_object_unref (payload);
}

static void
ice_candidate_cb (GstElement *webrtc, guint mline, const char *candidate, gpointer user_data)
{
  JsonObject *payload = json_object_new ();

  json_object_set_string_member (payload, "kind", "ice");
  json_object_set_string_member (payload, "candidate", candidate);
  json_object_set_int_member (payload, "sdp_mline_index", mline);
  push_payload (user_data, payload);
}

static void
offer_created_cb (GstPromise *promise, gpointer user_data)
{
  Peer                        *peer = user_data;
  GstWebRTCSessionDescription *offer = NULL;
  JsonObject                  *payload;
  g_autofree char             *text = NULL;

  g_assert_cmpint (gst_promise_wait (promise), ==, GST_PROMISE_RESULT_REPLIED);
  gst_structure_get (gst_promise_get_reply (promise), "offer", GST_TYPE_WEBRTC_SESSION_DESCRIPTION,
                     &offer, NULL);
  gst_promise_unref (promise);
  g_assert_nonnull (offer);

  text = gst_sdp_message_as_text (offer->sdp);
  payload = json_object_new ();
  json_object_set_string_member (payload, "kind", "sdp");
  json_object_set_string_member (payload, "type", "offer");
  json_object_set_string_member (payload, "sdp", text);
  push_payload (peer, payload);
  g_signal_emit_by_name (peer->webrtc, "set-local-description", offer, NULL);
  gst_webrtc_session_description_free (offer);
}

static GstPadProbeReturn
video_probe_cb (GstPad *pad, GstPadProbeInfo *info, gpointer user_data)
{
  Peer *peer = user_data;
  g_autoptr (GstCaps) caps = gst_pad_get_current_caps (pad);

  if (caps != NULL)
    {
      GstStructure *s = gst_caps_get_structure (caps, 0);
      int           width = 0, height = 0;

      gst_structure_get_int (s, "width", &width);
      gst_structure_get_int (s, "height", &height);
      g_atomic_int_set (&peer->video_width, width);
      g_atomic_int_set (&peer->video_height, height);
    }
  g_atomic_int_inc (&peer->video_frames);
  return GST_PAD_PROBE_OK;
}

static GstPadProbeReturn
count_probe_cb (GstPad *pad, GstPadProbeInfo *info, gpointer user_data)
{
  g_atomic_int_inc ((gint *)user_data);
  return GST_PAD_PROBE_OK;
}

static void
pad_added_cb (GstElement *webrtc, GstPad *pad, gpointer user_data)
{
  Peer *peer = user_data;
  g_autoptr (GstCaps) caps = gst_pad_get_current_caps (pad);
  const char *media;
  GstElement *bin;
  g_autoptr (GstPad) sink = NULL;
  g_autoptr (GstPad) probe_pad = NULL;
  g_autoptr (GError) error = NULL;

  if (GST_PAD_DIRECTION (pad) != GST_PAD_SRC)
    return;
  if (caps == NULL)
    caps = gst_pad_query_caps (pad, NULL);
  media = gst_structure_get_string (gst_caps_get_structure (caps, 0), "media");
  if (g_strcmp0 (media, "audio") == 0)
    bin = gst_parse_bin_from_description (
        "rtpopusdepay ! opusdec ! audioconvert ! audioresample ! "
        "audio/x-raw,format=F32LE,channels=1,rate=48000 ! identity name=probe ! "
        "fakesink sync=false async=false",
        TRUE, &error);
  else
    bin = gst_parse_bin_from_description (
        "rtpvp8depay ! vp8dec ! identity name=probe ! fakesink sync=false async=false", TRUE,
        &error);
  g_assert_no_error (error);

  {
    g_autoptr (GstElement) probe = gst_bin_get_by_name (GST_BIN (bin), "probe");

    probe_pad = gst_element_get_static_pad (probe, "src");
  }
  g_test_message ("peer: incoming %s", media);
  if (g_strcmp0 (media, "audio") == 0)
    gst_pad_add_probe (pad, GST_PAD_PROBE_TYPE_BUFFER, count_probe_cb, &peer->audio_packets, NULL);
  if (g_strcmp0 (media, "audio") == 0)
    gst_pad_add_probe (probe_pad, GST_PAD_PROBE_TYPE_BUFFER, tone_probe_cb, &peer->tone, NULL);
  else
    gst_pad_add_probe (probe_pad, GST_PAD_PROBE_TYPE_BUFFER, video_probe_cb, peer, NULL);

  gst_bin_add (GST_BIN (peer->pipeline), bin);
  gst_element_sync_state_with_parent (bin);
  sink = gst_element_get_static_pad (bin, "sink");
  g_assert_cmpint (gst_pad_link (pad, sink), ==, GST_PAD_LINK_OK);
}

static void
link_send (Peer *peer, const char *description, const char *caps_text)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GstCaps) caps = gst_caps_from_string (caps_text);
  GstElement              *bin = gst_parse_bin_from_description (description, TRUE, &error);
  GstWebRTCRTPTransceiver *transceiver = NULL;
  g_autoptr (GstPad) src = NULL;
  g_autoptr (GstPad) sink = NULL;

  g_assert_no_error (error);
  gst_bin_add (GST_BIN (peer->pipeline), bin);
  sink = gst_element_request_pad (
      peer->webrtc, gst_element_get_pad_template (peer->webrtc, "sink_%u"), NULL, caps);
  g_object_get (sink, "transceiver", &transceiver, NULL);
  g_object_set (transceiver, "direction", GST_WEBRTC_RTP_TRANSCEIVER_DIRECTION_SENDRECV,
                "codec-preferences", caps, NULL);
  gst_object_unref (transceiver);
  src = gst_element_get_static_pad (bin, "src");
  g_assert_cmpint (gst_pad_link (src, sink), ==, GST_PAD_LINK_OK);
}

static Peer *
peer_new (TestClient *client, const char *call_id, gboolean video)
{
  Peer    *peer = g_new0 (Peer, 1);
  GObject *ice = NULL;
  gboolean ok = FALSE;

  g_mutex_init (&peer->tone.lock);
  peer->client = client;
  peer->call_id = g_strdup (call_id);
  peer->outgoing = g_async_queue_new_full (g_free);
  peer->pipeline = gst_pipeline_new (NULL);
  peer->webrtc = gst_element_factory_make ("webrtcbin", NULL);
  g_object_set (peer->webrtc, "bundle-policy", GST_WEBRTC_BUNDLE_POLICY_MAX_BUNDLE, "latency", 50,
                NULL);
  gst_bin_add (GST_BIN (peer->pipeline), peer->webrtc);
  g_object_get (peer->webrtc, "ice-agent", &ice, NULL);
  g_signal_emit_by_name (ice, "add-local-ip-address", "127.0.0.1", &ok);
  g_assert_true (ok);
  g_object_unref (ice);
  g_signal_connect (peer->webrtc, "on-ice-candidate", G_CALLBACK (ice_candidate_cb), peer);
  g_signal_connect (peer->webrtc, "pad-added", G_CALLBACK (pad_added_cb), peer);

  link_send (peer,
             "audiotestsrc is-live=true wave=sine freq=440 volume=0.5 samplesperbuffer=960 ! "
             "audioconvert ! audioresample ! audio/x-raw,rate=48000,channels=1 ! opusenc ! "
             "rtpopuspay pt=111 ! queue",
             "application/x-rtp,media=audio,encoding-name=OPUS,clock-rate=48000,"
             "encoding-params=(string)2,payload=111");
  if (video)
    link_send (peer,
               "videotestsrc is-live=true pattern=ball ! "
               "video/x-raw,width=320,height=240,framerate=15/1 ! vp8enc deadline=1 cpu-used=8 "
               "keyframe-max-dist=15 ! rtpvp8pay pt=96 ! queue",
               "application/x-rtp,media=video,encoding-name=VP8,clock-rate=90000,payload=96");

  g_assert_cmpint (gst_element_set_state (peer->pipeline, GST_STATE_PLAYING), !=,
                   GST_STATE_CHANGE_FAILURE);
  g_signal_emit_by_name (peer->webrtc, "create-offer", NULL,
                         gst_promise_new_with_change_func (offer_created_cb, peer, NULL));
  return peer;
}

static void
peer_free (Peer *peer)
{
  gst_element_set_state (peer->pipeline, GST_STATE_NULL);
  gst_object_unref (peer->pipeline);
  g_async_queue_unref (peer->outgoing);
  g_mutex_clear (&peer->tone.lock);
  g_free (peer->call_id);
  g_free (peer);
}

static void
peer_handle (Peer *peer, JsonObject *payload)
{
  const char *kind = json_object_get_string_member_with_default (payload, "kind", "");

  if (g_str_equal (kind, "sdp"))
    {
      GstSDPMessage               *sdp = NULL;
      GstWebRTCSessionDescription *answer;

      g_assert_cmpstr (json_object_get_string_member (payload, "type"), ==, "answer");
      g_assert_cmpint (
          gst_sdp_message_new_from_text (json_object_get_string_member (payload, "sdp"), &sdp), ==,
          GST_SDP_OK);
      answer = gst_webrtc_session_description_new (GST_WEBRTC_SDP_TYPE_ANSWER, sdp);
      g_signal_emit_by_name (peer->webrtc, "set-remote-description", answer, NULL);
      gst_webrtc_session_description_free (answer);
    }
  else if (g_str_equal (kind, "ice"))
    g_signal_emit_by_name (peer->webrtc, "add-ice-candidate",
                           (guint)json_object_get_int_member (payload, "sdp_mline_index"),
                           json_object_get_string_member (payload, "candidate"));
}

/* Sends what the peer has to say and applies what came from the line. */
static void
peer_pump (Peer *peer)
{
  char *text;

  test_spin (5);
  while ((text = g_async_queue_try_pop (peer->outgoing)) != NULL)
    {
      g_autoptr (JsonObject) reply = test_client_request (
          peer->client, "call.signal", "\"call\": \"%s\", \"payload\": %s", peer->call_id, text);

      g_assert_true (json_object_get_boolean_member (reply, "ok"));
      g_free (text);
    }
  for (GList *l = peer->client->frames.head; l != NULL;)
    {
      GList      *next = l->next;
      JsonObject *frame = l->data;

      if (g_strcmp0 (json_object_get_string_member (frame, "type"), "call.signal") == 0
          && g_strcmp0 (json_object_get_string_member (frame, "call"), peer->call_id) == 0)
        {
          peer_handle (peer, json_object_get_object_member (frame, "payload"));
          g_queue_delete_link (&peer->client->frames, l);
          json_object_unref (frame);
        }
      l = next;
    }
}

/* Pumps for @ms. */
static void
peer_run (Peer *peer, guint ms)
{
  gint64 end = g_get_monotonic_time () + ms * 1000;

  while (g_get_monotonic_time () < end)
    peer_pump (peer);
}

static char *
call_id_of (JsonObject *result)
{
  return g_strdup (
      json_object_get_string_member (json_object_get_object_member (result, "call"), "id"));
}

/* Echo: 440 Hz comes back as 440 Hz within 3 s; video frames come back at the size sent. */
static void
test_echo (void)
{
  g_autoptr (TestServer) server = test_server_new ();
  g_autoptr (TestClient) alice = NULL;
  g_autoptr (JsonObject) result = NULL;
  g_autoptr (JsonObject) event = NULL;
  g_autofree char *call = NULL;
  Peer            *peer;
  gint64           start, deadline;
  double           freq = 0;

  test_server_add_user (server, "alice", "Alice");
  alice = test_client_new (server, "alice");

  result = test_client_ok (alice, "call.start", "\"to\": \"echo\", \"video\": true");
  call = call_id_of (result);
  event = test_client_wait (alice, "call.accepted", call);

  start = g_get_monotonic_time ();
  peer = peer_new (alice, call, TRUE);
  /* 3 s, as a client would have it; sanitizer builds run several times slower. */
  deadline = start + (g_getenv ("ASAN_OPTIONS") != NULL ? 15 : 3) * G_USEC_PER_SEC;
  while (g_get_monotonic_time () < deadline)
    {
      peer_pump (peer);
      freq = tone_frequency (&peer->tone);
      if (fabs (freq - 440) < 10 && g_atomic_int_get (&peer->video_frames) > 0)
        break;
    }
  g_test_message ("echo: %.1f Hz after %.0f ms, %d audio packets, %d video frames %dx%d", freq,
                  (g_get_monotonic_time () - start) / 1000.0, peer->audio_packets,
                  peer->video_frames, peer->video_width, peer->video_height);
  g_assert_cmpfloat_with_epsilon (freq, 440, 10);
  g_assert_cmpint (g_atomic_int_get (&peer->video_frames), >, 0);
  g_assert_cmpint (peer->video_width, ==, 320);
  g_assert_cmpint (peer->video_height, ==, 240);

  /* It stays 440 Hz. */
  tone_reset (&peer->tone, 0);
  peer_run (peer, 500);
  g_assert_cmpfloat_with_epsilon (tone_frequency (&peer->tone), 440, 10);

  g_clear_pointer (&result, json_object_unref);
  result = test_client_ok (alice, "call.hangup", "\"call\": \"%s\"", call);
  peer_free (peer);
  test_server_stop (server);
}

/* Voicemail */

static char *
greeting_path (void)
{
  return g_build_filename (g_getenv ("TR_BUILD_DIR"), "src", "server", "voicemail-greeting.ogg",
                           NULL);
}

typedef struct
{
  double freq;
  double duration_s;
} Decoded;

/* Duration (GstDiscoverer) and frequency (decoded) of an Ogg/Opus file. */
static Decoded
decode_file (const char *path)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GstDiscoverer) discoverer = gst_discoverer_new (5 * GST_SECOND, &error);
  g_autoptr (GstDiscovererInfo) info = NULL;
  g_autofree char *uri = gst_filename_to_uri (path, NULL);
  g_autofree char *description = NULL;
  g_autoptr (GstElement) pipeline = NULL;
  g_autoptr (GstElement) probe = NULL;
  g_autoptr (GstPad) pad = NULL;
  g_autoptr (GstBus) bus = NULL;
  g_autoptr (GstMessage) message = NULL;
  Tone    tone = { 0 };
  Decoded decoded = { 0 };

  g_assert_no_error (error);
  info = gst_discoverer_discover_uri (discoverer, uri, &error);
  g_assert_no_error (error);
  decoded.duration_s = gst_discoverer_info_get_duration (info) / (double)GST_SECOND;

  g_mutex_init (&tone.lock);
  tone.skip = 4800;
  description = g_strdup_printf ("filesrc location=\"%s\" ! oggdemux ! opusdec ! audioconvert ! "
                                 "audioresample ! audio/x-raw,format=F32LE,channels=1,rate=48000 "
                                 "! identity name=probe ! fakesink",
                                 path);
  pipeline = gst_parse_launch (description, &error);
  g_assert_no_error (error);
  probe = gst_bin_get_by_name (GST_BIN (pipeline), "probe");
  pad = gst_element_get_static_pad (probe, "src");
  gst_pad_add_probe (pad, GST_PAD_PROBE_TYPE_BUFFER, tone_probe_cb, &tone, NULL);
  gst_element_set_state (pipeline, GST_STATE_PLAYING);
  bus = gst_element_get_bus (pipeline);
  message = gst_bus_timed_pop_filtered (bus, 10 * GST_SECOND, GST_MESSAGE_EOS | GST_MESSAGE_ERROR);
  g_assert_nonnull (message);
  g_assert_cmpint (GST_MESSAGE_TYPE (message), ==, GST_MESSAGE_EOS);
  gst_element_set_state (pipeline, GST_STATE_NULL);
  decoded.freq = tone_frequency (&tone);
  g_mutex_clear (&tone.lock);
  return decoded;
}

/*
 * The caller's side of a voicemail call: hears the greeting through, then speaks (its 440 Hz
 * tone keeps going) for @speak_ms, and hangs up. Returns the time spoken after the greeting.
 */
static double
leave_message (TestClient *client, const char *call, guint speak_ms)
{
  Peer *peer = peer_new (client, call, FALSE);
  g_autoptr (JsonObject) result = NULL;
  gint64 deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;
  gint64 greeting_end = 0;
  gint64 hang_up_at;

  /* The greeting: audio comes, then stops. */
  while (g_get_monotonic_time () < deadline)
    {
      gint64 first, last;

      peer_pump (peer);
      g_mutex_lock (&peer->tone.lock);
      first = peer->tone.first_us;
      last = peer->tone.last_us;
      g_mutex_unlock (&peer->tone.lock);
      if (first != 0 && last - first > 1000000 && g_get_monotonic_time () - last > 400000)
        {
          greeting_end = last;
          break;
        }
    }
  g_assert_cmpint (greeting_end, >, 0);

  hang_up_at = greeting_end + speak_ms * 1000;
  while (g_get_monotonic_time () < hang_up_at)
    peer_pump (peer);
  result = test_client_ok (client, "call.hangup", "\"call\": \"%s\"", call);
  {
    double spoken = (g_get_monotonic_time () - greeting_end) / 1e6;

    peer_free (peer);
    return spoken;
  }
}

static guint
fetch_audio (TestServer *server, const char *token, const char *id, const char *to_path)
{
  g_autoptr (SoupSession) session = soup_session_new ();
  g_autofree char *url = g_strdup_printf ("%s/v1/me/voicemail/%s/audio", server->url, id);
  g_autoptr (SoupMessage) msg = soup_message_new ("GET", url);
  g_autofree char *auth = g_strdup_printf ("Bearer %s", token);
  g_autoptr (GBytes) body = NULL;
  g_autoptr (GError) error = NULL;

  soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization", auth);
  body = soup_session_send_and_read (session, msg, NULL, &error);
  g_assert_no_error (error);
  if (soup_message_get_status (msg) == 200)
    {
      g_assert_cmpstr (
          soup_message_headers_get_content_type (soup_message_get_response_headers (msg), NULL), ==,
          "audio/ogg");
      g_assert_true (g_file_set_contents (to_path, g_bytes_get_data (body, NULL),
                                          g_bytes_get_size (body), NULL));
    }
  return soup_message_get_status (msg);
}

static void
test_voicemail (void)
{
  g_autofree char *greeting = greeting_path ();
  const char      *args[] = { "--voicemail-quota", "2", "--voicemail-greeting", greeting, NULL };
  g_autoptr (TestServer) server = test_server_new_with_args (args);
  g_autoptr (TestClient) alice = NULL;
  g_autoptr (TestClient) bob = NULL;
  g_autoptr (TestClient) carol = NULL;
  g_autoptr (JsonObject) result = NULL;
  g_autoptr (JsonObject) event = NULL;
  g_autoptr (JsonObject) body = NULL;
  g_autofree char *x = NULL;
  g_autofree char *y = NULL;
  g_autofree char *z = NULL;
  g_autofree char *transfer = NULL;
  g_autofree char *first = NULL;
  g_autofree char *second = NULL;
  g_autofree char *carol_token = NULL;
  g_autofree char *file = NULL;
  g_autofree char *tmp = NULL;
  JsonObject      *message;
  JsonArray       *messages;
  double           spoken;
  Decoded          decoded;

  test_server_add_user (server, "alice", "Alice");
  test_server_add_user (server, "bob", "Bob");
  test_server_add_user (server, "carol", "Carol");
  alice = test_client_new (server, "alice");
  bob = test_client_new (server, "bob");
  carol = test_client_new (server, "carol");
  carol_token = test_server_token (server, "carol", 3600);
  tmp = g_dir_make_tmp ("tr-vm-test-XXXXXX", NULL);
  file = g_build_filename (tmp, "message.ogg", NULL);

  /* A transfers B to C's voicemail. */
  x = test_connect_call (alice, bob);
  result = test_client_ok (alice, "call.transfer",
                           "\"call\": \"%s\", \"target\": {\"kind\": \"voicemail\", "
                           "\"user\": \"carol\"}",
                           x);
  transfer = g_strdup (
      json_object_get_string_member (json_object_get_object_member (result, "transfer"), "id"));
  event = test_client_wait (bob, "transfer.request", NULL);
  g_assert_true (json_object_get_boolean_member (event, "voicemail"));
  g_assert_cmpstr (
      json_object_get_string_member (json_object_get_object_member (event, "to"), "id"), ==,
      "carol");
  g_clear_pointer (&result, json_object_unref);
  result = test_client_ok (
      bob, "call.start", "\"to\": \"carol\", \"transfer\": \"%s\", \"voicemail\": true", transfer);
  y = call_id_of (result);
  g_assert_true (
      json_object_get_boolean_member (json_object_get_object_member (result, "call"), "voicemail"));
  g_clear_pointer (&event, json_object_unref);
  event = test_client_wait (bob, "call.accepted", y);
  g_clear_pointer (&event, json_object_unref);
  event = test_client_wait (alice, "transfer.state", NULL);
  g_assert_cmpstr (
      json_object_get_string_member (json_object_get_object_member (event, "transfer"), "state"),
      ==, "transferred");
  g_clear_pointer (&event, json_object_unref);
  event = test_client_wait (bob, "call.ended", x);
  test_assert_error (json_object_get_object_member (event, "reason"), 0, 1);
  /* The mailbox's owner is not rung. */
  test_client_assert_none (carol, "call.incoming", 10);

  spoken = leave_message (bob, y, 4000);

  g_clear_pointer (&event, json_object_unref);
  event = test_client_wait (carol, "voicemail.new", NULL);
  message = json_object_get_object_member (event, "message");
  first = g_strdup (json_object_get_string_member (message, "id"));
  g_assert_cmpint (json_object_get_int_member (event, "unheard"), ==, 1);
  g_assert_cmpstr (
      json_object_get_string_member (json_object_get_object_member (message, "caller"), "id"), ==,
      "bob");
  g_assert_false (json_object_get_boolean_member (message, "heard"));
  g_test_message ("spoke %.2f s, recorded %" G_GINT64_FORMAT " ms", spoken,
                  json_object_get_int_member (message, "duration_ms"));
  g_assert_cmpfloat (fabs (json_object_get_int_member (message, "duration_ms") / 1000.0 - spoken),
                     <, spoken * 0.1);

  /* The file: its duration and its tone. */
  g_assert_cmpuint (fetch_audio (server, carol_token, first, file), ==, 200);
  decoded = decode_file (file);
  g_test_message ("file: %.2f s, %.1f Hz", decoded.duration_s, decoded.freq);
  g_assert_cmpfloat (fabs (decoded.duration_s - spoken), <, spoken * 0.1);
  g_assert_cmpfloat_with_epsilon (decoded.freq, 440, 10);
  /* Only the owner. */
  {
    g_autofree char *bob_token = test_server_token (server, "bob", 60);

    g_assert_cmpuint (fetch_audio (server, bob_token, first, file), ==, 404);
  }

  /* A direct call to someone's voicemail: a second, shorter message. */
  g_clear_pointer (&result, json_object_unref);
  result = test_client_ok (bob, "call.start", "\"to\": \"carol\", \"voicemail\": true");
  z = call_id_of (result);
  g_clear_pointer (&event, json_object_unref);
  event = test_client_wait (bob, "call.accepted", z);
  leave_message (bob, z, 1000);
  g_clear_pointer (&event, json_object_unref);
  event = test_client_wait (carol, "voicemail.new", NULL);
  second = g_strdup (
      json_object_get_string_member (json_object_get_object_member (event, "message"), "id"));
  g_assert_cmpint (json_object_get_int_member (event, "unheard"), ==, 2);

  /* The quota (2) is reached: the next caller hears nothing but a clear error. */
  {
    g_autoptr (JsonObject) full
        = test_client_ok (bob, "call.start", "\"to\": \"carol\", \"voicemail\": true");
    g_autofree char *call = call_id_of (full);
    g_autoptr (JsonObject) ended = test_client_wait (bob, "call.ended", call);

    test_assert_error (json_object_get_object_member (ended, "reason"), 486, 2);
  }

  /* List, mark heard, delete. */
  g_clear_pointer (&result, json_object_unref);
  result = test_client_ok (carol, "voicemail.list", NULL);
  messages = json_object_get_array_member (result, "messages");
  g_assert_cmpuint (json_array_get_length (messages), ==, 2);
  g_assert_cmpint (json_object_get_int_member (result, "unheard"), ==, 2);
  g_assert_cmpstr (
      json_object_get_string_member (json_array_get_object_element (messages, 0), "id"), ==,
      second);
  g_clear_pointer (&result, json_object_unref);
  result = test_client_ok (carol, "voicemail.mark_heard", "\"message\": \"%s\"", first);
  g_assert_true (
      json_object_get_boolean_member (json_object_get_object_member (result, "message"), "heard"));
  test_client_error (bob, 404, 3, "voicemail.mark_heard", "\"message\": \"%s\"", first);
  test_client_error (bob, 404, 3, "voicemail.delete", "\"message\": \"%s\"", second);
  g_clear_pointer (&result, json_object_unref);
  result = test_client_ok (carol, "voicemail.delete", "\"message\": \"%s\"", second);
  test_client_error (carol, 404, 3, "voicemail.delete", "\"message\": \"%s\"", second);

  /* Everything persists across a restart (except the deleted one). */
  g_clear_pointer (&alice, test_client_free);
  g_clear_pointer (&bob, test_client_free);
  g_clear_pointer (&carol, test_client_free);
  test_server_stop (server);
  test_server_start (server);
  g_free (carol_token);
  carol_token = test_server_token (server, "carol", 3600);
  g_assert_cmpuint (test_http (server, "GET", "/v1/me/voicemail", carol_token, NULL, &body), ==,
                    200);
  messages = json_object_get_array_member (body, "messages");
  g_assert_cmpuint (json_array_get_length (messages), ==, 1);
  message = json_array_get_object_element (messages, 0);
  g_assert_cmpstr (json_object_get_string_member (message, "id"), ==, first);
  g_assert_true (json_object_get_boolean_member (message, "heard"));
  g_assert_cmpint (json_object_get_int_member (body, "unheard"), ==, 0);
  g_assert_cmpuint (fetch_audio (server, carol_token, first, file), ==, 200);
  g_assert_cmpfloat (fabs (decode_file (file).duration_s - spoken), <, spoken * 0.1);
  g_assert_cmpuint (fetch_audio (server, carol_token, second, file), ==, 404);

  /* REST: delete. */
  g_clear_pointer (&body, json_object_unref);
  {
    g_autofree char *path = g_strdup_printf ("/v1/me/voicemail/%s", first);

    g_assert_cmpuint (test_http (server, "DELETE", path, carol_token, NULL, NULL), ==, 204);
    g_assert_cmpuint (test_http (server, "DELETE", path, carol_token, NULL, &body), ==, 404);
  }

  g_unlink (file);
  g_rmdir (tmp);
  test_server_stop (server);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  gst_init (&argc, &argv);

  /* The DTLS certificate, made once per process, off the measured path (clients prewarm it). */
  {
    GstElement *dtls = gst_element_factory_make ("dtlsdec", NULL);
    g_autofree char *pem = NULL;

    g_object_get (dtls, "pem", &pem, NULL);
    gst_object_unref (gst_object_ref_sink (dtls));
  }

  if (g_strcmp0 (g_getenv ("TRANSFER_MEDIA"), "1") != 0)
    {
      /* ICE must not run outside a loopback-only network namespace (FACTS). */
      g_test_skip ("Run through tests/media/run-media-test.sh (TRANSFER_MEDIA=1)");
      return g_test_run ();
    }

  g_test_add_func ("/media-lines/echo", test_echo);
  g_test_add_func ("/media-lines/voicemail", test_voicemail);
  return g_test_run ();
}
