/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "TestDeviceTester"

/*
 * TrDeviceTester against real devices: run by run-media-test.sh, whose private PulseAudio has
 * TestMic ("mic", a 440 Hz sine), TestSpeaker ("spk", the default) and SpeakerA ("spk_a"), and
 * with the test camera. Leaks: weak references on every element GStreamer makes count the
 * live pipelines and elements of each kind.
 */

#include <gst/video/video.h>

#include "transfer-core.h"
#include "tr-media-test-util.h"
#include "tr-tone-probe.h"

#define WAIT_MS 10000

typedef struct
{
  TrDeviceManager *devices;
  TrDeviceTester  *tester;
  GThread         *main_thread;
  guint            level_notifies;
} Fixture;

typedef struct
{
  GMutex lock;
  guint  frames;
  guint  bad_frames;
  int    width;
  int    height;
  guint  destroyed;
} Frames;

#define WAIT_FOR(cond, what) WAIT_UNTIL (cond, WAIT_MS, what)

/* Streams of the sound server whose target is @device_name ("list short" names it by index). */
static guint
count_streams (const char *what, const char *list_of, const char *device_name)
{
  g_autofree char *args = g_strconcat ("list short ", list_of, NULL);
  g_autofree char *devices = pactl (args);
  g_autofree char *streams_args = g_strconcat ("list short ", what, NULL);
  g_autofree char *streams = pactl (streams_args);
  g_auto(GStrv) device_lines = g_strsplit (devices, "\n", -1);
  g_auto(GStrv) stream_lines = g_strsplit (streams, "\n", -1);
  const char *index = NULL;
  guint n = 0;

  for (guint i = 0; device_lines[i] != NULL; i++)
    {
      g_auto(GStrv) fields = g_strsplit (device_lines[i], "\t", -1);

      if (g_strv_length (fields) > 1 && g_str_equal (fields[1], device_name))
        index = g_intern_string (fields[0]);
    }
  g_assert_nonnull (index);

  for (guint i = 0; stream_lines[i] != NULL; i++)
    {
      g_auto(GStrv) fields = g_strsplit (stream_lines[i], "\t", -1);

      if (g_strv_length (fields) > 1 && g_str_equal (fields[1], index))
        n++;
    }
  return n;
}

static guint
recordings_of (const char *source)
{
  return count_streams ("source-outputs", "sources", source);
}

static guint
playbacks_on (const char *sink)
{
  return count_streams ("sink-inputs", "sinks", sink);
}

/* Elements alive, by type name: weak references taken when GStreamer makes them (a tracing
 * hook; some tracer must be active for hooks to run: main() starts the leaks tracer). */
static GMutex      live_lock;
static GHashTable *live_elements; /* type name → count */

static void
element_gone_cb (gpointer data, GObject *where_the_object_was)
{
  g_mutex_lock (&live_lock);
  g_hash_table_replace (live_elements, data,
                        GUINT_TO_POINTER (GPOINTER_TO_UINT (g_hash_table_lookup (live_elements, data)) - 1));
  g_mutex_unlock (&live_lock);
}

static void
element_new_cb (GObject *tracer, GstClockTime ts, GstElement *element)
{
  const char *type_name = g_intern_string (G_OBJECT_TYPE_NAME (element));

  g_mutex_lock (&live_lock);
  g_hash_table_replace (live_elements, (gpointer) type_name,
                        GUINT_TO_POINTER (GPOINTER_TO_UINT (g_hash_table_lookup (live_elements,
                                                                                 type_name)) + 1));
  g_mutex_unlock (&live_lock);
  g_object_weak_ref (G_OBJECT (element), element_gone_cb, (gpointer) type_name);
}

static guint
live (const char *type_name)
{
  guint n;

  g_mutex_lock (&live_lock);
  n = GPOINTER_TO_UINT (g_hash_table_lookup (live_elements, g_intern_string (type_name)));
  g_mutex_unlock (&live_lock);
  return n;
}

static void
assert_nothing_runs (void)
{
  /* The pipelines and the elements that hold devices are gone (not only stopped). */
  g_assert_cmpuint (live ("GstPipeline"), ==, 0);
  g_assert_cmpuint (live ("GstPulseSrc"), ==, 0);
  g_assert_cmpuint (live ("GstPulseSink"), ==, 0);
  g_assert_cmpuint (live ("GstLevel"), ==, 0);
  g_assert_cmpuint (live ("GstAppSink"), ==, 0);
  g_assert_cmpuint (live ("GstAppSrc"), ==, 0);
  g_assert_cmpuint (live ("GstVideoTestSrc"), ==, 0);
  g_assert_cmpuint (recordings_of ("mic"), ==, 0);
}

static void
level_notify_cb (TrDeviceTester *tester, GParamSpec *pspec, Fixture *f)
{
  /* On the main thread (from its main context), never on a streaming thread. */
  g_assert_true (g_thread_self () == f->main_thread);
  f->level_notifies++;
}

static void
setup (Fixture *f, gconstpointer data)
{
  f->main_thread = g_thread_self ();
  f->devices = tr_device_manager_new ();
  tr_device_manager_enable_test_camera (f->devices);
  f->tester = tr_device_tester_new (f->devices);
  g_signal_connect (f->tester, "notify::input-level", G_CALLBACK (level_notify_cb), f);
  g_assert_nonnull (tr_device_manager_find (f->devices, TR_DEVICE_KIND_MICROPHONE, "mic"));
  g_assert_cmpstr (tr_device_get_id (tr_device_manager_get_selected_microphone (f->devices)), ==,
                   "mic");
}

static void
teardown (Fixture *f, gconstpointer data)
{
  g_assert_finalize_object (f->tester);
  spin_ms (50);
  assert_nothing_runs ();
  g_assert_finalize_object (f->devices);
}

/* Waits until the level stays below @below (or above @above) for 0.5 s. */
static void
wait_level_settles (Fixture *f, double above, double below, const char *what)
{
  gint64 deadline = g_get_monotonic_time () + (gint64) WAIT_MS * 1000;
  gint64 since = 0;

  for (;;)
    {
      double level = tr_device_tester_get_input_level (f->tester);
      gboolean in = level > above && level < below;
      gint64 now = g_get_monotonic_time ();

      if (!in)
        since = 0;
      else if (since == 0)
        since = now;
      else if (now - since > 500 * 1000)
        break;
      if (now > deadline)
        g_error ("%s: level %.3f not in (%.2f, %.2f)", what, level, above, below);
      g_main_context_iteration (NULL, FALSE);
      g_usleep (1000);
    }
  g_test_message ("%s: level %.3f", what, tr_device_tester_get_input_level (f->tester));
}

static void
test_level (Fixture *f, gconstpointer data)
{
  g_autofree char *feed = NULL;
  g_autofree char *quiet = NULL;
  TrDevice *quiet_mic;
  guint notifies;
  gint64 started;

  g_assert_cmpfloat (tr_device_tester_get_input_level (f->tester), ==, 0);
  g_assert_cmpuint (recordings_of ("mic"), ==, 0);

  /* TestMic plays a sine: the meter rises, about 20 times a second. */
  tr_device_tester_set_active (f->tester, TRUE);
  wait_level_settles (f, 0.4, 1.01, "the sine microphone");
  g_assert_cmpuint (recordings_of ("mic"), ==, 1);
  g_assert_cmpuint (live ("GstPipeline"), ==, 1);
  g_assert_cmpuint (live ("GstPulseSrc"), ==, 1);
  g_assert_cmpuint (live ("GstLevel"), ==, 1);
  notifies = f->level_notifies;
  started = g_get_monotonic_time ();
  spin_ms (1000);
  /* A steady sine gives the same peak each time: notifies only come when the level changes,
   * at most about 20 a second. */
  g_test_message ("%u level notifies in %.2f s", f->level_notifies - notifies,
                  (g_get_monotonic_time () - started) / 1e6);
  g_assert_cmpuint (f->level_notifies - notifies, <=, 25);

  /* A silent microphone (a null sink's monitor, offered as a source) is plugged and selected:
   * the meter follows it and stays at the bottom. */
  feed = pactl ("load-module module-null-sink sink_name=quietfeed");
  quiet = pactl ("load-module module-remap-source master=quietfeed.monitor source_name=quiet "
                 "source_properties=device.description=QuietMic");
  WAIT_FOR ((quiet_mic = tr_device_manager_find (f->devices, TR_DEVICE_KIND_MICROPHONE,
                                                 "quiet")) != NULL,
            "the quiet microphone to appear");
  tr_device_manager_select_microphone (f->devices, quiet_mic);
  wait_level_settles (f, -1, 0.05, "the silent microphone");
  g_assert_cmpuint (recordings_of ("mic"), ==, 0);
  g_assert_cmpuint (recordings_of ("quiet"), ==, 1);

  /* Back to the sine. */
  tr_device_manager_select_microphone (f->devices, NULL);
  wait_level_settles (f, 0.4, 1.01, "the sine microphone again");
  g_assert_cmpuint (recordings_of ("quiet"), ==, 0);

  /* The quiet one is selected and unplugged: the tester is on the fallback, unharmed. */
  tr_device_manager_select_microphone (f->devices, quiet_mic);
  wait_level_settles (f, -1, 0.05, "the silent microphone once more");
  pactl_unload_module (quiet);
  WAIT_FOR (tr_device_manager_find (f->devices, TR_DEVICE_KIND_MICROPHONE, "quiet") == NULL,
            "the quiet microphone to go");
  wait_level_settles (f, 0.4, 1.01, "the fallback microphone");
  pactl_unload_module (feed);

  /* Inactive: nothing records, the level is 0. */
  tr_device_tester_set_active (f->tester, FALSE);
  g_assert_cmpfloat (tr_device_tester_get_input_level (f->tester), ==, 0);
  spin_ms (100);
  g_assert_cmpuint (recordings_of ("mic"), ==, 0);
}

static gboolean
near (double hz, double note)
{
  return ABS (hz - note) < 2 * BAND_HZ;
}

static void
test_sound (Fixture *f, gconstpointer data)
{
  static const double notes[] = { 523.25, 659.25, 783.99 };
  g_autoptr(ToneProbe) at_a = tone_probe_new ("spk_a");
  g_autoptr(ToneProbe) at_spk = tone_probe_new ("spk");
  TrDevice *speaker_a = tr_device_manager_find (f->devices, TR_DEVICE_KIND_SPEAKER, "spk_a");
  gboolean heard[G_N_ELEMENTS (notes)] = { FALSE, };
  guint order[G_N_ELEMENTS (notes)] = { 0, };
  guint reports = 0, loud_on_spk = 0, n_heard = 0;

  g_assert_nonnull (speaker_a);
  tr_device_manager_select_speaker (f->devices, speaker_a);
  wait_hears (at_a, 0, "SpeakerA is quiet before");
  g_assert_cmpuint (playbacks_on ("spk_a"), ==, 0);

  tr_device_tester_play_test_sound (f->tester);
  g_assert_true (tr_device_tester_get_playing_sound (f->tester));
  while (tr_device_tester_get_playing_sound (f->tester) || reports < 5)
    {
      g_main_context_iteration (NULL, FALSE);
      g_usleep (1000);
      if (at_a->reports != reports)
        {
          reports = at_a->reports;
          for (guint i = 0; i < G_N_ELEMENTS (notes); i++)
            if (at_a->peak_db > -45 && near (at_a->peak_hz, notes[i]) && !heard[i])
              {
                heard[i] = TRUE;
                order[n_heard++] = i;
              }
          if (at_spk->peak_db > -60)
            loud_on_spk++;
        }
      if (reports > 40)
        g_error ("the test sound did not end (%u reports)", reports);
    }
  g_test_message ("the chime lasted about %u probe reports", reports);

  /* C5, E5, G5 in that order on SpeakerA, nothing on TestSpeaker; then it is over. */
  g_assert_cmpuint (n_heard, ==, 3);
  g_assert_cmpuint (order[0], ==, 0);
  g_assert_cmpuint (order[1], ==, 1);
  g_assert_cmpuint (order[2], ==, 2);
  g_assert_cmpuint (loud_on_spk, ==, 0);
  wait_hears (at_a, 0, "SpeakerA is quiet after the test sound");
  g_assert_cmpuint (playbacks_on ("spk_a"), ==, 0);
  g_assert_cmpuint (live ("GstAppSrc"), ==, 0);

  /* Stopping the tester stops a sound that plays. */
  tr_device_tester_set_active (f->tester, TRUE);
  tr_device_tester_play_test_sound (f->tester);
  WAIT_FOR (playbacks_on ("spk_a") == 1, "the second test sound to play");
  tr_device_tester_set_active (f->tester, FALSE);
  g_assert_false (tr_device_tester_get_playing_sound (f->tester));
  g_assert_cmpuint (playbacks_on ("spk_a"), ==, 0);
}

static void
frame_cb (GstSample *sample, gpointer user_data)
{
  Frames *frames = user_data;
  GstVideoInfo info;
  GstBuffer *buffer = gst_sample_get_buffer (sample);
  GstVideoMeta *meta = gst_buffer_get_video_meta (buffer);
  gsize needed;

  g_mutex_lock (&frames->lock);
  if (!gst_video_info_from_caps (&info, gst_sample_get_caps (sample))
      || GST_VIDEO_INFO_FORMAT (&info) != GST_VIDEO_FORMAT_BGRx)
    frames->bad_frames++;
  else
    {
      int stride = meta ? meta->stride[0] : GST_VIDEO_INFO_PLANE_STRIDE (&info, 0);

      needed = (gsize) stride * (GST_VIDEO_INFO_HEIGHT (&info) - 1)
               + 4 * GST_VIDEO_INFO_WIDTH (&info);
      if (stride < 4 * GST_VIDEO_INFO_WIDTH (&info) || gst_buffer_get_size (buffer) < needed)
        frames->bad_frames++;
      frames->width = GST_VIDEO_INFO_WIDTH (&info);
      frames->height = GST_VIDEO_INFO_HEIGHT (&info);
    }
  frames->frames++;
  g_mutex_unlock (&frames->lock);
}

static void
frames_destroyed (gpointer user_data)
{
  Frames *frames = user_data;

  frames->destroyed++;
}

static guint
frame_count (Frames *frames)
{
  guint n;

  g_mutex_lock (&frames->lock);
  n = frames->frames;
  g_mutex_unlock (&frames->lock);
  return n;
}

static void
test_preview (Fixture *f, gconstpointer data)
{
  Frames frames = { 0, };
  TrDevice *camera;
  guint n;

  g_mutex_init (&frames.lock);
  camera = tr_device_manager_get_selected_camera (f->devices);
  g_assert_nonnull (camera);
  g_assert_cmpstr (tr_device_get_name (camera), ==, "Test Camera (development)");

  tr_device_tester_set_preview_func (f->tester, frame_cb, &frames, frames_destroyed);

  /* Active without the preview: no frames; the preview alone: none either. */
  tr_device_tester_set_active (f->tester, TRUE);
  spin_ms (300);
  g_assert_cmpuint (frame_count (&frames), ==, 0);
  g_assert_cmpuint (live ("GstVideoTestSrc"), ==, 0);
  tr_device_tester_set_active (f->tester, FALSE);
  tr_device_tester_set_preview_active (f->tester, TRUE);
  spin_ms (300);
  g_assert_cmpuint (frame_count (&frames), ==, 0);

  tr_device_tester_set_active (f->tester, TRUE);
  WAIT_FOR (frame_count (&frames) >= 10, "10 preview frames");
  g_mutex_lock (&frames.lock);
  g_test_message ("preview frames %dx%d", frames.width, frames.height);
  g_assert_cmpint (frames.width, ==, 320);
  g_assert_cmpint (frames.height, ==, 240);
  g_assert_cmpuint (frames.bad_frames, ==, 0);
  g_mutex_unlock (&frames.lock);
  g_assert_cmpuint (live ("GstVideoTestSrc"), ==, 1);

  /* The preview stops by itself; the meter runs on. */
  tr_device_tester_set_preview_active (f->tester, FALSE);
  n = frame_count (&frames);
  spin_ms (300);
  g_assert_cmpuint (frame_count (&frames), ==, n);
  g_assert_cmpuint (live ("GstVideoTestSrc"), ==, 0);
  g_assert_cmpuint (live ("GstAppSink"), ==, 0);
  g_assert_cmpuint (recordings_of ("mic"), ==, 1);

  /* Everything at once, then stop: nothing is left running. */
  tr_device_tester_set_preview_active (f->tester, TRUE);
  tr_device_tester_play_test_sound (f->tester);
  WAIT_FOR (frame_count (&frames) >= n + 10, "10 more preview frames");
  g_assert_true (tr_device_tester_get_playing_sound (f->tester));
  tr_device_tester_set_active (f->tester, FALSE);
  n = frame_count (&frames);
  spin_ms (300);
  g_assert_cmpuint (frame_count (&frames), ==, n);
  assert_nothing_runs ();
  g_assert_cmpuint (playbacks_on ("spk"), ==, 0);

  /* Replacing the function frees the old data, once. */
  g_assert_cmpuint (frames.destroyed, ==, 0);
  tr_device_tester_set_preview_func (f->tester, NULL, NULL, NULL);
  g_assert_cmpuint (frames.destroyed, ==, 1);
  g_mutex_clear (&frames.lock);
}

int
main (int argc, char *argv[])
{
  g_autolist(GstTracer) tracers = NULL;
  GstTracer *leaks_tracer = NULL;

  g_test_init (&argc, &argv, NULL);
  /* Which elements are alive: the leaks tracer, on elements only (not every buffer). */
  g_setenv ("GST_TRACERS", "leaks(filters=GstElement)", TRUE);
  gst_init (&argc, &argv);
  tracers = gst_tracing_get_active_tracers ();
  for (GList *l = tracers; l != NULL; l = l->next)
    if (g_str_equal (G_OBJECT_TYPE_NAME (l->data), "GstLeaksTracer"))
      leaks_tracer = l->data;
  g_assert_nonnull (leaks_tracer);
  live_elements = g_hash_table_new (NULL, NULL);
  gst_tracing_register_hook (leaks_tracer, "element-new", G_CALLBACK (element_new_cb));
  if (g_getenv ("TR_MEDIA_WAIT_MS") != NULL)
    tone_probe_wait_ms = (guint) g_ascii_strtoull (g_getenv ("TR_MEDIA_WAIT_MS"), NULL, 10);

  g_test_add ("/device-tester/level", Fixture, NULL, setup, test_level, teardown);
  g_test_add ("/device-tester/sound", Fixture, NULL, setup, test_sound, teardown);
  g_test_add ("/device-tester/preview", Fixture, NULL, setup, test_preview, teardown);

  return g_test_run ();
}
