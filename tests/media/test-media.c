/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "TestMedia"

/*
 * Real media between real agents against the real server, run by run-media-test.sh inside a
 * loopback-only network namespace with a private PulseAudio (speakers spk, spk_a, spk_b,
 * spk_c). What a party hears is measured on its speaker's monitor with a `spectrum` element:
 * the peak must be at the other party's tone, so a stray loop cannot pass.
 */

#include <signal.h>
#include <unistd.h>

#include <gst/gst.h>

#include "tr-agent-fixture.h"
#include "tr-media-test-util.h"
#include "tr-tone-probe.h"
#include "tr-call-private.h"
#include "tr-media-session.h"

#define TONE_A 440.0
#define TONE_B 880.0
#define TONE_C 660.0
#define MEDIA_WAIT_MS tone_probe_wait_ms

/* Fixtures. */

typedef enum
{
  SETUP_TONES,     /* A 440 → spk_a, B 880 → spk_b, C 660 → spk_c */
  SETUP_HOTPLUG,   /* as TONES, but B's speaker follows the device manager */
  SETUP_CAMERA,    /* as TONES, A's camera is the test camera */
} SetupKind;

static void
media_setup (AgentFixture *f, gconstpointer data)
{
  SetupKind kind = GPOINTER_TO_INT (data);
  /* D names devices that do not exist: its calls connect without them. */
  static const char *const tones[] = { "tone:440", "tone:880", "tone:660", "no-such-microphone" };
  static const char *const speakers[] = { "spk_a", "spk_b", "spk_c", "no-such-speaker" };
  TrCallAgentOptions *options[N_AGENTS];

  media_options_init (options, N_AGENTS, tones, speakers);
  if (kind == SETUP_HOTPLUG)
    {
      /* A's microphone and B's speaker follow the device manager. */
      g_clear_pointer (&options[A]->microphone, g_free);
      g_clear_pointer (&options[B]->speaker, g_free);
    }
  if (kind == SETUP_CAMERA)
    options[A]->camera = g_strdup ("test");

  agent_fixture_setup_full (f, options);
  media_options_clear (options, N_AGENTS);
}

static void
media_teardown (AgentFixture *f, gconstpointer data)
{
  agent_fixture_teardown (f, data);
}

static TrMediaSession *
session_of (TrCall *call)
{
  return _tr_call_get_media_session (call);
}

static void
assert_pipeline_gone (GstElement **weak_pipeline, guint timeout_ms)
{
  WAIT_UNTIL (*weak_pipeline == NULL, timeout_ms, "the pipeline to go");
}

/* A (440 Hz) calls B (880 Hz): each hears the other; mute; hold and resume. */
static void
test_tones (AgentFixture *f, gconstpointer data)
{
  g_autoptr(ToneProbe) at_a = tone_probe_new ("spk_a");
  g_autoptr(ToneProbe) at_b = tone_probe_new ("spk_b");
  g_autoptr(TrCall) call_b = NULL;
  g_autoptr(TrCall) call_a = connect_call (f, A, B, &call_b);

  g_assert_true (tr_media_session_is_started (session_of (call_a)));
  g_assert_true (tr_media_session_is_started (session_of (call_b)));

  wait_hears (at_b, TONE_A, "B hears A");
  wait_hears (at_a, TONE_B, "A hears B");

  tr_call_set_muted (call_a, TRUE);
  wait_hears (at_b, 0, "A muted: B");
  wait_hears (at_a, TONE_B, "A muted: A still hears B");
  tr_call_set_muted (call_a, FALSE);
  wait_hears (at_b, TONE_A, "A unmuted: B");

  hold_call (call_a);
  wait_call_state (call_b, TR_CALL_STATE_REMOTE_HOLD, 5000);
  wait_hears (at_b, 0, "held: B");
  wait_hears (at_a, 0, "held: A");

  resume_call (call_a);
  wait_call_state (call_b, TR_CALL_STATE_CONNECTED, 5000);
  wait_hears (at_b, TONE_A, "resumed: B hears A");
  wait_hears (at_a, TONE_B, "resumed: A hears B");

  g_assert_null (tr_call_get_media_warning (call_a));
  g_assert_null (tr_call_get_media_warning (call_b));

  hang_up (call_a);
  wait_call_state (call_b, TR_CALL_STATE_DISCONNECTED, 5000);
  g_assert_null (tr_media_session_get_pipeline (session_of (call_a)));
  g_assert_null (tr_media_session_get_pipeline (session_of (call_b)));
}

/* A–B, A transfers B to C: B and C hear each other, A's pipeline is gone. */
static void
test_blind_transfer (AgentFixture *f, gconstpointer data)
{
  g_autoptr(ToneProbe) at_b = tone_probe_new ("spk_b");
  g_autoptr(ToneProbe) at_c = tone_probe_new ("spk_c");
  g_autoptr(TrCall) call_b = NULL;
  g_autoptr(TrCall) call_a = connect_call (f, A, B, &call_b);
  g_autoptr(TrTransfer) transfer = NULL;
  g_autoptr(TrIncomingCall) incoming = NULL;
  g_autoptr(TrCall) call_bc = NULL;
  g_autoptr(TrCall) call_c = NULL;
  g_autoptr(GError) error = NULL;
  GstElement *pipeline_a;

  wait_hears (at_b, TONE_A, "B hears A");
  pipeline_a = tr_media_session_get_pipeline (session_of (call_a));
  g_assert_nonnull (pipeline_a);
  g_object_add_weak_pointer (G_OBJECT (pipeline_a), (gpointer *) &pipeline_a);

  transfer = transfer_to (call_a, "carol", FALSE, &error);
  g_assert_no_error (error);
  call_bc = wait_transfer_accepted (f, B);
  incoming = wait_incoming (f, C);
  call_c = accept_call (incoming);
  wait_transfer_state (transfer, TR_TRANSFER_STATE_TRANSFERRED, 5000);
  wait_call_state (call_a, TR_CALL_STATE_DISCONNECTED, 5000);
  wait_call_state (call_b, TR_CALL_STATE_DISCONNECTED, 5000);

  wait_hears (at_c, TONE_B, "C hears B");
  wait_hears (at_b, TONE_C, "B hears C");
  assert_pipeline_gone (&pipeline_a, 2000);

  hang_up (call_c);
  wait_call_state (call_bc, TR_CALL_STATE_DISCONNECTED, 5000);
}

/* Attended: A–B held, A–C connected; A transfers B to the call with C. B's new call replaces
 * A–C at C (auto-accepted there): B and C hear each other, both of A's pipelines are gone. */
static void
test_attended_transfer (AgentFixture *f, gconstpointer data)
{
  g_autoptr(ToneProbe) at_b = tone_probe_new ("spk_b");
  g_autoptr(ToneProbe) at_c = tone_probe_new ("spk_c");
  g_autoptr(TrCall) a_b = NULL, b_a = NULL, a_c = NULL, c_a = NULL, b_new = NULL;
  g_autoptr(TrTransferLocator) locator = NULL;
  g_autoptr(TrTransfer) transfer = NULL;
  g_autoptr(GError) error = NULL;
  GstElement *pipeline_ab, *pipeline_ac;

  a_b = connect_call (f, A, B, &b_a);
  hold_call (a_b);
  wait_call_state (b_a, TR_CALL_STATE_REMOTE_HOLD, 5000);
  a_c = connect_call (f, A, C, &c_a);
  wait_hears (at_c, TONE_A, "C hears A (consultation)");
  wait_hears (at_b, 0, "B, held, hears nothing");

  pipeline_ab = tr_media_session_get_pipeline (session_of (a_b));
  pipeline_ac = tr_media_session_get_pipeline (session_of (a_c));
  g_assert_nonnull (pipeline_ab);
  g_assert_nonnull (pipeline_ac);
  g_object_add_weak_pointer (G_OBJECT (pipeline_ab), (gpointer *) &pipeline_ab);
  g_object_add_weak_pointer (G_OBJECT (pipeline_ac), (gpointer *) &pipeline_ac);

  locator = tr_transfer_locator_new_call (tr_call_get_id (a_c));
  transfer = transfer_with (a_b, locator, &error);
  g_assert_no_error (error);
  b_new = wait_transfer_accepted (f, B);
  wait_call_state (b_new, TR_CALL_STATE_CONNECTED, 5000);
  wait_transfer_state (transfer, TR_TRANSFER_STATE_TRANSFERRED, 5000);
  wait_call_state (a_b, TR_CALL_STATE_DISCONNECTED, 5000);
  wait_call_state (a_c, TR_CALL_STATE_DISCONNECTED, 5000);

  wait_hears (at_c, TONE_B, "C hears B");
  wait_hears (at_b, TONE_C, "B hears C");
  assert_pipeline_gone (&pipeline_ab, 2000);
  assert_pipeline_gone (&pipeline_ac, 2000);

  hang_up (b_new);
  wait_call_state (c_a, TR_CALL_STATE_DISCONNECTED, 5000);
}

/* B does not answer; its unanswered rule moves the call to C: A offers again, C hears A. */
static void
test_forwarded (AgentFixture *f, gconstpointer data)
{
  g_autoptr(ToneProbe) at_a = tone_probe_new ("spk_a");
  g_autoptr(ToneProbe) at_c = tone_probe_new ("spk_c");
  g_autoptr(TrIncomingCall) at_b = NULL;
  g_autoptr(TrIncomingCall) incoming = NULL;
  g_autoptr(TrCall) call_c = NULL;
  g_autoptr(TrCall) call_a = NULL;
  g_autoptr(GError) error = NULL;

  set_settings (f, B, NULL, "carol", 1);
  call_a = start_call (f, A, "bob", &error);
  g_assert_no_error (error);
  at_b = wait_incoming (f, B);
  incoming = wait_incoming (f, C);
  call_c = accept_call (incoming);
  wait_call_state (call_a, TR_CALL_STATE_CONNECTED, 5000);

  wait_hears (at_c, TONE_A, "C hears A");
  wait_hears (at_a, TONE_C, "A hears C");

  hang_up (call_a);
  wait_call_state (call_c, TR_CALL_STATE_DISCONNECTED, 5000);
}

/* A's microphone and B's speaker follow the device manager: plug a device, select it mid-call
 * (the call switches live), unplug it (fallback to the default, the call stays up). */

typedef struct
{
  guint        added;
  guint        removed;
  guint        mic_added;
  guint        mic_removed;
  guint        fell_back;
  TrDeviceKind fell_back_kind;
  char        *lost_id;
} DeviceEvents;

static void
devices_updated_cb (TrDeviceManager *devices, TrDeviceKind kind, TrDevice *added,
                    TrDevice *removed, DeviceEvents *events)
{
  if (kind == TR_DEVICE_KIND_MICROPHONE)
    {
      if (added != NULL && g_strcmp0 (tr_device_get_id (added), "mic2") == 0)
        events->mic_added++;
      if (removed != NULL && g_strcmp0 (tr_device_get_id (removed), "mic2") == 0)
        events->mic_removed++;
      return;
    }
  if (kind != TR_DEVICE_KIND_SPEAKER)
    return;
  if (added != NULL && g_strcmp0 (tr_device_get_id (added), "usb") == 0)
    events->added++;
  if (removed != NULL && g_strcmp0 (tr_device_get_id (removed), "usb") == 0)
    events->removed++;
}

static void
fell_back_cb (TrDeviceManager *devices, TrDeviceKind kind, TrDevice *lost, DeviceEvents *events)
{
  events->fell_back++;
  events->fell_back_kind = kind;
  g_free (events->lost_id);
  events->lost_id = g_strdup (tr_device_get_id (lost));
}

static void
wait_counter (guint *counter, guint value, const char *what)
{
  WAIT_UNTIL (*counter >= value, 5000, what);
}

static void
test_hotplug (AgentFixture *f, gconstpointer data)
{
  TrDeviceManager *devices = tr_call_client_get_device_manager (f->client);
  DeviceEvents events = { 0, };
  g_autoptr(ToneProbe) at_spk = NULL;
  g_autoptr(ToneProbe) at_usb = NULL;
  g_autoptr(TrCall) call_b = NULL;
  g_autoptr(TrCall) call_a = NULL;
  g_autofree char *module = NULL;
  g_autofree char *feed_sink = NULL;
  g_autofree char *feed_sine = NULL;
  TrDevice *usb;

  g_signal_connect (devices, "devices-updated", G_CALLBACK (devices_updated_cb), &events);
  g_signal_connect (devices, "fell-back", G_CALLBACK (fell_back_cb), &events);

  /* The private sound server's devices; monitors are not microphones. */
  g_assert_nonnull (tr_device_manager_find (devices, TR_DEVICE_KIND_SPEAKER, "spk"));
  g_assert_nonnull (tr_device_manager_find (devices, TR_DEVICE_KIND_MICROPHONE, "mic"));
  g_assert_null (tr_device_manager_find (devices, TR_DEVICE_KIND_MICROPHONE, "spk.monitor"));
  g_assert_cmpstr (tr_device_get_id (tr_device_manager_get_selected_speaker (devices)), ==, "spk");

  at_spk = tone_probe_new ("spk");
  call_a = connect_call (f, A, B, &call_b);
  wait_hears (at_spk, TONE_A, "B hears A on the default speaker");

  module = pactl ("load-module module-null-sink sink_name=usb "
                  "sink_properties=device.description=USBHeadset");
  wait_counter (&events.added, 1, "the USB headset to appear");
  usb = tr_device_manager_find (devices, TR_DEVICE_KIND_SPEAKER, "USBHeadset");
  g_assert_nonnull (usb);
  g_assert_false (tr_device_get_is_default (usb));

  at_usb = tone_probe_new ("usb");
  tr_device_manager_select_speaker (devices, usb);
  g_assert_true (tr_device_manager_get_selected_speaker (devices) == usb);
  wait_hears (at_usb, TONE_A, "B hears A on the USB headset");
  wait_hears (at_spk, 0, "the default speaker is quiet");
  g_clear_pointer (&at_usb, tone_probe_free);

  pactl_unload_module (module);
  wait_counter (&events.removed, 1, "the USB headset to disappear");
  wait_counter (&events.fell_back, 1, "the fallback");
  g_assert_cmpint (events.fell_back_kind, ==, TR_DEVICE_KIND_SPEAKER);
  g_assert_cmpstr (events.lost_id, ==, "usb");
  g_assert_cmpstr (tr_device_get_id (tr_device_manager_get_lost_device (devices)), ==, "usb");
  g_assert_cmpstr (tr_device_get_id (tr_device_manager_get_selected_speaker (devices)), ==, "spk");

  wait_hears (at_spk, TONE_A, "after the fallback B hears A on the default speaker");
  g_assert_cmpint (tr_call_get_state (call_b), ==, TR_CALL_STATE_CONNECTED);
  g_assert_cmpint (tr_call_get_state (call_a), ==, TR_CALL_STATE_CONNECTED);

  /* The headset preferred (as the app's saved choice): plugged in again, it is selected again,
   * in the middle of the call; no longer preferred, unplugging it changes nothing. */
  tr_device_manager_set_preferred (devices, TR_DEVICE_KIND_SPEAKER, "usb");
  g_assert_cmpstr (tr_device_manager_get_preferred (devices, TR_DEVICE_KIND_SPEAKER), ==, "usb");
  g_assert_cmpstr (tr_device_get_id (tr_device_manager_get_selected_speaker (devices)), ==, "spk");
  g_free (module);
  module = pactl ("load-module module-null-sink sink_name=usb "
                  "sink_properties=device.description=USBHeadset");
  wait_counter (&events.added, 2, "the USB headset to come back");
  g_assert_cmpstr (tr_device_get_id (tr_device_manager_get_selected_speaker (devices)), ==, "usb");
  g_assert_null (tr_device_manager_get_lost_device (devices));
  at_usb = tone_probe_new ("usb");
  wait_hears (at_usb, TONE_A, "B hears A on the USB headset again");
  g_clear_pointer (&at_usb, tone_probe_free);
  tr_device_manager_set_preferred (devices, TR_DEVICE_KIND_SPEAKER, NULL);
  tr_device_manager_select_speaker (devices, NULL);
  g_assert_cmpstr (tr_device_get_id (tr_device_manager_get_selected_speaker (devices)), ==, "spk");
  pactl_unload_module (module);
  wait_counter (&events.removed, 2, "the USB headset to go again");
  g_assert_cmpint (events.fell_back, ==, 1);
  wait_hears (at_spk, TONE_A, "B hears A on the default speaker");

  /* A's microphone: plug a second one (660 Hz), select it, unplug it. */
  g_clear_pointer (&module, g_free);
  feed_sink = pactl ("load-module module-null-sink sink_name=mic2feed");
  feed_sine = pactl ("load-module module-sine sink=mic2feed frequency=660");
  module = pactl ("load-module module-remap-source master=mic2feed.monitor source_name=mic2 "
                  "source_properties=device.description=SecondMic");
  wait_counter (&events.mic_added, 1, "the second microphone to appear");
  tr_device_manager_select_microphone (devices, tr_device_manager_find (devices,
                                                                        TR_DEVICE_KIND_MICROPHONE,
                                                                        "SecondMic"));
  wait_hears (at_spk, TONE_C, "B hears A's second microphone");
  pactl_unload_module (module);
  wait_counter (&events.mic_removed, 1, "the second microphone to disappear");
  wait_counter (&events.fell_back, 2, "the microphone fallback");
  g_assert_cmpint (events.fell_back_kind, ==, TR_DEVICE_KIND_MICROPHONE);
  g_assert_cmpstr (tr_device_get_id (tr_device_manager_get_selected_microphone (devices)), ==,
                   "mic");
  wait_hears (at_spk, TONE_A, "B hears A's default microphone again");
  g_assert_cmpint (tr_call_get_state (call_a), ==, TR_CALL_STATE_CONNECTED);
  pactl_unload_module (feed_sine);
  pactl_unload_module (feed_sink);

  g_signal_handlers_disconnect_by_data (devices, &events);
  g_free (events.lost_id);
  hang_up (call_a);
  wait_call_state (call_b, TR_CALL_STATE_DISCONNECTED, 5000);
}

/* The sound server restarts (with one more speaker): the device manager notices by itself, and
 * calls work afterwards. */
static void
test_sound_server_restart (AgentFixture *f, gconstpointer data)
{
  TrDeviceManager *devices = tr_call_client_get_device_manager (f->client);
  const char *server = g_getenv ("PULSE_SERVER");
  g_autofree char *socket_arg = NULL;
  g_autoptr(GSubprocess) pulse = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(TrCall) call_b = NULL;
  g_autoptr(TrCall) call_a = NULL;
  g_autoptr(ToneProbe) at_b = NULL;
  g_autofree char *out = NULL;
  gint64 deadline;

  g_assert_true (g_str_has_prefix (server, "unix:"));
  g_assert_nonnull (tr_device_manager_find (devices, TR_DEVICE_KIND_SPEAKER, "spk"));
  g_assert_null (tr_device_manager_find (devices, TR_DEVICE_KIND_SPEAKER, "spk_new"));

  /* Stop run-media-test.sh's server (it only kills its own PID at the end) and start ours. */
  out = pactl ("exit");
  spin_ms (200);
  socket_arg = g_strdup_printf ("module-native-protocol-unix socket=%s auth-anonymous=1",
                                server + strlen ("unix:"));
  pulse = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_SILENCE | G_SUBPROCESS_FLAGS_STDERR_SILENCE,
                            &error, "pulseaudio", "-n", "--daemonize=no",
                            /* gone by itself should this test abort before it stops it */
                            "--exit-idle-time=10",
                            "--use-pid-file=no", "--disable-shm=yes", "-L", socket_arg,
                            "-L", "module-null-sink sink_name=spk "
                                  "sink_properties=device.description=TestSpeaker",
                            "-L", "module-null-sink sink_name=spk_a",
                            "-L", "module-null-sink sink_name=spk_b",
                            "-L", "module-null-sink sink_name=spk_new "
                                  "sink_properties=device.description=NewSpeaker",
                            NULL);
  g_assert_no_error (error);

  deadline = g_get_monotonic_time () + 5 * G_USEC_PER_SEC;
  while (tr_device_manager_find (devices, TR_DEVICE_KIND_SPEAKER, "spk_new") == NULL)
    {
      spin_ms (20);
      if (g_get_monotonic_time () > deadline)
        {
          g_subprocess_send_signal (pulse, SIGTERM);
          g_error ("the device manager did not notice the new sound server");
        }
    }
  g_assert_nonnull (tr_device_manager_find (devices, TR_DEVICE_KIND_SPEAKER, "spk"));
  /* The old server's microphone is gone (the new one has none). */
  g_assert_null (tr_device_manager_find (devices, TR_DEVICE_KIND_MICROPHONE, "mic"));

  at_b = tone_probe_new ("spk_b");
  call_a = connect_call (f, A, B, &call_b);
  wait_hears (at_b, TONE_A, "after the restart B hears A");
  hang_up (call_a);
  wait_call_state (call_b, TR_CALL_STATE_DISCONNECTED, 5000);
  g_clear_pointer (&at_b, tone_probe_free);

  g_subprocess_send_signal (pulse, SIGTERM);
  g_subprocess_wait (pulse, NULL, NULL);
}

/* What B's remote video function received (on a streaming thread). */
typedef struct
{
  gint     frames;
  gint     width, height;
  gboolean bgrx;
  gint     distinct_pixels;  /* of a row in the middle of the last frame, capped at 16 */
  gboolean destroyed;
} VideoReceiver;

static void
video_frame_cb (GstSample *sample, gpointer user_data)
{
  VideoReceiver *receiver = user_data;
  GstStructure *s = gst_caps_get_structure (gst_sample_get_caps (sample), 0);
  GstBuffer *buffer = gst_sample_get_buffer (sample);
  GstMapInfo map;
  int width = 0, height = 0;
  guint32 seen[16];
  gint distinct = 0;

  gst_structure_get_int (s, "width", &width);
  gst_structure_get_int (s, "height", &height);
  if (width > 0 && height > 0 && gst_buffer_map (buffer, &map, GST_MAP_READ))
    {
      const guint32 *row = (const guint32 *) (map.data + (gsize) (height / 2) * width * 4);

      for (int x = 0; x < width && distinct < 16 && map.size >= (gsize) width * height * 4; x++)
        {
          gboolean known = FALSE;

          for (int i = 0; i < distinct && !known; i++)
            known = seen[i] == (row[x] & 0xf0f0f0);  /* codec noise aside */
          if (!known)
            seen[distinct++] = row[x] & 0xf0f0f0;
        }
      gst_buffer_unmap (buffer, &map);
    }

  receiver->width = width;
  receiver->height = height;
  receiver->bgrx = g_strcmp0 (gst_structure_get_string (s, "format"), "BGRx") == 0;
  receiver->distinct_pixels = distinct;
  g_atomic_int_inc (&receiver->frames);
}

static void
video_receiver_destroyed (gpointer user_data)
{
  ((VideoReceiver *) user_data)->destroyed = TRUE;
}

/* The test camera: B decodes ≥ 30 frames of 640x480 and hands them, as BGRx pictures, to its
 * remote video function; camera off → frames stop. */
static void
test_camera (AgentFixture *f, gconstpointer data)
{
  VideoReceiver receiver = { 0 };
  g_autoptr(TrCall) call_b = NULL;
  g_autoptr(TrCall) call_a = connect_call (f, A, B, &call_b);
  TrDeviceManager *devices = tr_call_client_get_device_manager (f->client);
  TrMediaStats stats;
  guint64 frames;
  gint64 deadline;

  tr_call_set_remote_video_func (call_b, video_frame_cb, &receiver, video_receiver_destroyed);

  /* Offered only because A asked for it ("test"), and clearly named. */
  tr_call_set_video_enabled (call_a, TRUE);
  g_assert_nonnull (tr_device_manager_find (devices, TR_DEVICE_KIND_CAMERA,
                                            "Test Camera (development)"));

  deadline = g_get_monotonic_time () + MEDIA_WAIT_MS * 1000;
  do
    {
      spin_ms (20);
      tr_media_session_get_stats (session_of (call_b), &stats);
      if (g_get_monotonic_time () > deadline)
        g_error ("B decoded only %" G_GUINT64_FORMAT " frames", stats.video_frames);
    }
  while (stats.video_frames < 30);
  g_assert_cmpint (stats.video_width, ==, 640);
  g_assert_cmpint (stats.video_height, ==, 480);
  g_test_message ("B decoded %" G_GUINT64_FORMAT " frames of %dx%d", stats.video_frames,
                  stats.video_width, stats.video_height);

  /* The same frames reached the remote video function as pictures, with the test pattern's
   * colours in them (not a blank frame). */
  g_assert_cmpint (g_atomic_int_get (&receiver.frames), >=, 25);
  g_assert_cmpint (receiver.width, ==, 640);
  g_assert_cmpint (receiver.height, ==, 480);
  g_assert_true (receiver.bgrx);
  g_assert_cmpint (receiver.distinct_pixels, >=, 4);
  tr_call_set_remote_video_func (call_b, NULL, NULL, NULL);
  g_assert_true (receiver.destroyed);

  tr_call_set_video_enabled (call_a, FALSE);
  spin_ms (1000);   /* what was in flight */
  tr_media_session_get_stats (session_of (call_b), &stats);
  frames = stats.video_frames;
  spin_ms (1000);
  tr_media_session_get_stats (session_of (call_b), &stats);
  g_assert_cmpuint (stats.video_frames, ==, frames);

  hang_up (call_a);
  wait_call_state (call_b, TR_CALL_STATE_DISCONNECTED, 5000);
}

static void
cli_exited_cb (GObject *object, GAsyncResult *result, gpointer user_data)
{
  g_subprocess_wait_finish (G_SUBPROCESS (object), result, NULL);
  *(gboolean *) user_data = TRUE;
}

/* The second party is a transfer-cli process answering with --mic tone:880 --speaker spk_b. */
static void
test_cli_party (AgentFixture *f, gconstpointer data)
{
  g_autoptr(ToneProbe) at_a = tone_probe_new ("spk_a");
  g_autoptr(ToneProbe) at_b = tone_probe_new ("spk_b");
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GSubprocess) cli = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(TrCall) call_a = NULL;
  g_autofree char *token = test_server_token (f->server, "erin", 3600);
  g_autofree char *cli_path = g_build_filename (g_getenv ("TR_BUILD_DIR"), "src", "cli",
                                                "transfer-cli", NULL);
  const char *script = "wait incoming 20\nanswer\nwait disconnected 60\nquit\n";
  gboolean exited = FALSE;
  gint64 deadline;

  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDIN_PIPE);
  /* Its events go to our stderr, not into the TAP stream. */
  g_subprocess_launcher_take_stdout_fd (launcher, dup (STDERR_FILENO));
  g_subprocess_launcher_setenv (launcher, "TRANSFER_TOKEN", token, TRUE);
  cli = g_subprocess_launcher_spawn (launcher, &error, cli_path, "--server", f->server->url,
                                     "--mic", "tone:880", "--speaker", "spk_b", "--ice-loopback",
                                     "interactive", NULL);
  g_assert_no_error (error);
  g_output_stream_write_all (g_subprocess_get_stdin_pipe (cli), script, strlen (script), NULL,
                             NULL, &error);
  g_assert_no_error (error);

  /* Call erin as soon as the CLI is signed in. */
  deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;
  while ((call_a = start_call (f, A, "erin", &error)) == NULL)
    {
      g_assert_true (g_error_matches (error, TR_ERROR, TR_STATUS_OFFLINE));
      g_clear_error (&error);
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      spin_ms (100);
    }
  wait_call_state (call_a, TR_CALL_STATE_CONNECTED, 10000);

  wait_hears (at_b, TONE_A, "the CLI hears A");
  wait_hears (at_a, TONE_B, "A hears the CLI's tone");

  hang_up (call_a);
  g_subprocess_wait_async (cli, NULL, cli_exited_cb, &exited);
  deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;
  while (!exited && g_get_monotonic_time () < deadline)
    spin_ms (20);
  if (!exited)
    {
      g_subprocess_force_exit (cli);
      g_error ("transfer-cli did not exit");
    }
  g_assert_true (g_subprocess_get_if_exited (cli));
  g_assert_cmpint (g_subprocess_get_exit_status (cli), ==, 0);
}

/* With no device at all the call connects and says why. */
static void
test_no_devices (AgentFixture *f, gconstpointer data)
{
  g_autoptr(TrCall) call_c = NULL;
  g_autoptr(TrCall) call_d = connect_call (f, D, C, &call_c);
  g_autoptr(ToneProbe) at_c = tone_probe_new ("spk_c");

  /* D's microphone and speaker do not exist: C hears silence, D's call says why. */
  wait_hears (at_c, 0, "C hears D's silence");
  g_assert_nonnull (tr_call_get_media_warning (call_d));
  g_assert_nonnull (strstr (tr_call_get_media_warning (call_d), "Microphone"));
  g_assert_nonnull (strstr (tr_call_get_media_warning (call_d), "Speaker"));
  g_test_message ("D: %s", tr_call_get_media_warning (call_d));
  /* A camera switched on without one is reported too. */
  tr_call_set_video_enabled (call_d, TRUE);
  g_assert_nonnull (strstr (tr_call_get_media_warning (call_d), "camera"));
  g_assert_cmpint (tr_call_get_state (call_d), ==, TR_CALL_STATE_CONNECTED);

  hang_up (call_d);
  wait_call_state (call_c, TR_CALL_STATE_DISCONNECTED, 5000);
}

/* 20 calls set up and torn down: no pipeline, element or pad left, file descriptors back. */

static guint
count_fds (void)
{
  g_autoptr(GDir) dir = g_dir_open ("/proc/self/fd", 0, NULL);
  guint n = 0;

  g_assert_nonnull (dir);
  while (g_dir_read_name (dir) != NULL)
    n++;
  return n;
}

/* Weak references on every element and pad of a pipeline (bins recursed, webrtcbin's insides
 * included); the counter is what is still alive. */
static gint live_objects;

static void
object_gone_cb (gpointer data, GObject *where_the_object_was)
{
  g_atomic_int_add (&live_objects, -1);
}

static void
watch_object (GObject *object)
{
  g_atomic_int_inc (&live_objects);
  g_object_weak_ref (object, object_gone_cb, NULL);
}

static void
watch_pads (GstElement *element)
{
  GstIterator *it = gst_element_iterate_pads (element);
  GValue item = G_VALUE_INIT;

  while (gst_iterator_next (it, &item) == GST_ITERATOR_OK)
    {
      watch_object (g_value_get_object (&item));
      g_value_reset (&item);
    }
  g_value_unset (&item);
  gst_iterator_free (it);
}

static guint
watch_pipeline (GstElement *pipeline)
{
  GstIterator *it = gst_bin_iterate_recurse (GST_BIN (pipeline));
  GValue item = G_VALUE_INIT;
  guint n = 1;

  watch_object (G_OBJECT (pipeline));
  while (gst_iterator_next (it, &item) == GST_ITERATOR_OK)
    {
      GstElement *element = g_value_get_object (&item);

      watch_object (G_OBJECT (element));
      watch_pads (element);
      n++;
      g_value_reset (&item);
    }
  g_value_unset (&item);
  gst_iterator_free (it);

  return n;
}

static void
test_leaks (AgentFixture *f, gconstpointer data)
{
  guint fds_before = 0;
  guint elements = 0;

  for (int i = 0; i < 21; i++)
    {
      g_autoptr(TrCall) call_b = NULL;
      g_autoptr(TrCall) call_a = connect_call (f, A, B, &call_b);
      GstElement *pipeline_a = NULL;
      GstElement *pipeline_b = NULL;
      gint64 deadline = g_get_monotonic_time () + MEDIA_WAIT_MS * 1000;
      TrMediaStats stats_a, stats_b;

      /* Media really flowed both ways before the hang-up. (The callee's pipeline is built when
       * the offer is there, which may be just after the accept.) */
      do
        {
          spin_ms (5);
          tr_media_session_get_stats (session_of (call_a), &stats_a);
          tr_media_session_get_stats (session_of (call_b), &stats_b);
          if (g_get_monotonic_time () > deadline)
            g_error ("call %d: no audio", i);
        }
      while (stats_a.first_audio_us == 0 || stats_b.first_audio_us == 0);

      pipeline_a = tr_media_session_get_pipeline (session_of (call_a));
      pipeline_b = tr_media_session_get_pipeline (session_of (call_b));
      g_object_add_weak_pointer (G_OBJECT (pipeline_a), (gpointer *) &pipeline_a);
      g_object_add_weak_pointer (G_OBJECT (pipeline_b), (gpointer *) &pipeline_b);
      if (i > 0)
        elements += watch_pipeline (pipeline_a) + watch_pipeline (pipeline_b);

      hang_up (call_a);
      wait_call_state (call_b, TR_CALL_STATE_DISCONNECTED, 5000);
      assert_pipeline_gone (&pipeline_a, 2000);
      assert_pipeline_gone (&pipeline_b, 2000);

      /* The first call warms up what lives as long as the process (DTLS certificate, plugin
       * features, the sound server connection): count from after it. */
      if (i == 0)
        {
          spin_ms (200);
          fds_before = count_fds ();
        }
    }

  spin_ms (300);
  g_test_message ("file descriptors: %u after the first call, %u after 20 more", fds_before,
                  count_fds ());
  g_test_message ("%u elements watched in 20 calls, %d elements and pads still alive", elements,
                  g_atomic_int_get (&live_objects));
  g_assert_cmpuint (elements, >, 20 * 2 * 20);
  g_assert_cmpint (g_atomic_int_get (&live_objects), ==, 0);
  g_assert_cmpuint (count_fds (), <=, fds_before);
}

int
main (int argc, char *argv[])
{
  if (!media_test_init (&argc, &argv))
    return g_test_run ();

#define ADD(path, kind, fn) \
  g_test_add ("/media/" path, AgentFixture, GINT_TO_POINTER (kind), media_setup, fn, media_teardown)

  ADD ("tones-mute-hold", SETUP_TONES, test_tones);
  ADD ("blind-transfer", SETUP_TONES, test_blind_transfer);
  ADD ("forwarded", SETUP_TONES, test_forwarded);
  ADD ("attended-transfer", SETUP_TONES, test_attended_transfer);
  ADD ("hotplug-devices", SETUP_HOTPLUG, test_hotplug);
  ADD ("test-camera", SETUP_CAMERA, test_camera);
  ADD ("sound-server-restart", SETUP_TONES, test_sound_server_restart);
  ADD ("no-devices", SETUP_TONES, test_no_devices);
  ADD ("cli-party", SETUP_TONES, test_cli_party);
  ADD ("leaks", SETUP_TONES, test_leaks);

  return g_test_run ();
}
