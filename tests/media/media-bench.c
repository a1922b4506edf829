/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "TrMediaBench"

/*
 * transfer-media-bench: media figures, not a test. Run it through run-media-test.sh (a
 * loopback-only network namespace with a private PulseAudio):
 *
 *   tests/media/run-media-test.sh BUILD/tests/media/transfer-media-bench [--calls N] [--seconds S]
 *
 * 1. The DTLS certificate of the process (generated off the call path at start-up; excluded
 *    from the call figures).
 * 2. N calls (default 20) between two agents in this process: from the callee's accept to the
 *    first decoded audio on each side (p50/p95). The callee accepts 300 ms after the call rings,
 *    as a person would; the caller's offer is there by then.
 * 3. CPU share (of one core) and RSS per side for S seconds (default 10) of an audio-only call
 *    and of a 640x480 video call (test camera both ways): side A is this process, side B a
 *    transfer-cli process.
 */

#include <stdlib.h>
#include <unistd.h>

#include <gst/gst.h>

#include "tr-agent-fixture.h"
#include "tr-call-private.h"
#include "tr-media-session.h"

static int n_calls = 20;
static int seconds = 10;

static gboolean
done_cb (gpointer user_data)
{
  *(gboolean *) user_data = TRUE;
  return G_SOURCE_REMOVE;
}

/* Runs the main context for @ms, sleeping in between (no polling: side A's CPU is measured). */
static void
spin_ms (guint ms)
{
  gboolean done = FALSE;
  guint source = g_timeout_add (ms, done_cb, &done);

  while (!done)
    g_main_context_iteration (NULL, TRUE);
  (void) source;
}

static int
compare_doubles (gconstpointer a, gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return x < y ? -1 : x > y;
}

static double
percentile (GArray *values, double p)
{
  guint index;

  g_array_sort (values, compare_doubles);
  index = (guint) MIN (values->len - 1, (guint) (p * values->len));
  return g_array_index (values, double, index);
}

/* utime + stime of @pid in seconds, and its RSS in MiB. */
static double
process_cpu (GPid pid, double *rss_mib)
{
  g_autofree char *stat_path = g_strdup_printf ("/proc/%d/stat", pid);
  g_autofree char *status_path = g_strdup_printf ("/proc/%d/status", pid);
  g_autofree char *stat = NULL;
  g_autofree char *status = NULL;
  g_auto(GStrv) fields = NULL;
  const char *after_comm;
  const char *rss;

  if (!g_file_get_contents (stat_path, &stat, NULL, NULL)
      || !g_file_get_contents (status_path, &status, NULL, NULL))
    return -1;

  after_comm = strrchr (stat, ')');
  fields = g_strsplit (after_comm + 2, " ", -1);
  rss = strstr (status, "VmRSS:");
  if (rss_mib != NULL)
    *rss_mib = rss ? g_ascii_strtod (rss + strlen ("VmRSS:"), NULL) / 1024.0 : -1;

  /* fields[0] is field 3 (state): utime is field 14, stime 15. */
  return (g_ascii_strtod (fields[11], NULL) + g_ascii_strtod (fields[12], NULL))
         / sysconf (_SC_CLK_TCK);
}

static void
wait_first_audio (TrCall *call_a, TrCall *call_b, TrMediaStats *a, TrMediaStats *b)
{
  gint64 deadline = g_get_monotonic_time () + 15 * G_USEC_PER_SEC;

  do
    {
      spin_ms (1);
      tr_media_session_get_stats (_tr_call_get_media_session (call_a), a);
      if (call_b != NULL)
        tr_media_session_get_stats (_tr_call_get_media_session (call_b), b);
      if (g_get_monotonic_time () > deadline)
        g_error ("no audio within 15 s");
    }
  while (a->first_audio_us == 0 || (call_b != NULL && b->first_audio_us == 0));
}

static void
bench_first_audio (AgentFixture *f)
{
  g_autoptr(GArray) caller = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) callee = g_array_new (FALSE, FALSE, sizeof (double));

  for (int i = 0; i < n_calls; i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(TrCall) call_a = start_call (f, A, "bob", &error);
      g_autoptr(TrIncomingCall) incoming = NULL;
      g_autoptr(TrCall) call_b = NULL;
      TrMediaStats a, b;
      gint64 answered;
      double ms;

      g_assert_no_error (error);
      incoming = wait_incoming (f, B);
      spin_ms (300);
      answered = g_get_monotonic_time ();
      call_b = accept_call (incoming);
      wait_first_audio (call_a, call_b, &a, &b);

      ms = (a.first_audio_us - answered) / 1000.0;
      g_array_append_val (caller, ms);
      ms = (b.first_audio_us - answered) / 1000.0;
      g_array_append_val (callee, ms);

      hang_up (call_a);
      wait_call_state (call_b, TR_CALL_STATE_DISCONNECTED, 5000);
    }

  g_print ("first decoded audio after the answer, %d calls:\n", n_calls);
  g_print ("  caller hears callee: p50 %6.1f ms   p95 %6.1f ms   max %6.1f ms\n",
           percentile (caller, 0.5), percentile (caller, 0.95), percentile (caller, 1.0));
  g_print ("  callee hears caller: p50 %6.1f ms   p95 %6.1f ms   max %6.1f ms\n",
           percentile (callee, 0.5), percentile (callee, 0.95), percentile (callee, 1.0));
}

static void
cli_exited_cb (GObject *object, GAsyncResult *result, gpointer user_data)
{
  g_subprocess_wait_finish (G_SUBPROCESS (object), result, NULL);
  *(gboolean *) user_data = TRUE;
}

static void
measure_call (AgentFixture *f, GSubprocess *cli, gboolean video, const char *label)
{
  g_autoptr(TrCall) call = NULL;
  g_autoptr(GError) error = NULL;
  GPid cli_pid = atoi (g_subprocess_get_identifier (cli));
  double cpu_a0, cpu_a1, cpu_b0, cpu_b1, rss_a, rss_b;
  gint64 t0, t1;
  gint64 deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;
  TrMediaStats a, unused;

  while ((call = start_call (f, A, "erin", &error)) == NULL)
    {
      g_assert_true (g_error_matches (error, TR_ERROR, TR_STATUS_OFFLINE));
      g_clear_error (&error);
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      spin_ms (100);
    }
  wait_call_state (call, TR_CALL_STATE_CONNECTED, 10000);
  if (video)
    tr_call_set_video_enabled (call, TRUE);
  wait_first_audio (call, NULL, &a, &unused);
  spin_ms (2000);   /* settle */

  t0 = g_get_monotonic_time ();
  cpu_a0 = process_cpu (getpid (), NULL);
  cpu_b0 = process_cpu (cli_pid, NULL);
  spin_ms (seconds * 1000);
  t1 = g_get_monotonic_time ();
  cpu_a1 = process_cpu (getpid (), &rss_a);
  cpu_b1 = process_cpu (cli_pid, &rss_b);

  tr_media_session_get_stats (_tr_call_get_media_session (call), &a);
  g_print ("%s, %d s:\n", label, seconds);
  g_print ("  side A (this process):  CPU %5.1f %% of a core   RSS %6.1f MiB\n",
           100.0 * (cpu_a1 - cpu_a0) / ((t1 - t0) / 1e6), rss_a);
  g_print ("  side B (transfer-cli):  CPU %5.1f %% of a core   RSS %6.1f MiB\n",
           100.0 * (cpu_b1 - cpu_b0) / ((t1 - t0) / 1e6), rss_b);
  if (video)
    g_print ("  A decoded %" G_GUINT64_FORMAT " video frames of %dx%d\n", a.video_frames,
             a.video_width, a.video_height);

  hang_up (call);
}

static void
bench_cpu (AgentFixture *f)
{
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GSubprocess) cli = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *token = test_server_token (f->server, "erin", 3600);
  g_autofree char *cli_path = g_build_filename (g_getenv ("TR_BUILD_DIR"), "src", "cli",
                                                "transfer-cli", NULL);
  const char *script = "wait incoming 30\nanswer\nwait disconnected 120\n"
                       "wait incoming 30\nanswer\ncamera on\nwait disconnected 120\nquit\n";
  gboolean exited = FALSE;
  gint64 deadline;

  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDIN_PIPE
                                        | G_SUBPROCESS_FLAGS_STDOUT_SILENCE);
  g_subprocess_launcher_setenv (launcher, "TRANSFER_TOKEN", token, TRUE);
  cli = g_subprocess_launcher_spawn (launcher, &error, cli_path, "--server", f->server->url,
                                     "--mic", "tone:880", "--speaker", "spk_b",
                                     "--camera", "test", "--ice-loopback", "interactive", NULL);
  g_assert_no_error (error);
  g_output_stream_write_all (g_subprocess_get_stdin_pipe (cli), script, strlen (script), NULL,
                             NULL, &error);
  g_assert_no_error (error);

  measure_call (f, cli, FALSE, "audio-only call (Opus)");
  spin_ms (500);
  measure_call (f, cli, TRUE, "video call (Opus + VP8 640x480@30, deadline=1 cpu-used=8)");

  g_subprocess_wait_async (cli, NULL, cli_exited_cb, &exited);
  deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;
  while (!exited && g_get_monotonic_time () < deadline)
    spin_ms (20);
  if (!exited)
    g_subprocess_force_exit (cli);
}

int
main (int argc, char *argv[])
{
  g_autoptr(GOptionContext) context = g_option_context_new ("— media figures of Transfer");
  g_autoptr(GError) error = NULL;
  TrCallAgentOptions *options[N_AGENTS] = { NULL, };
  const char *tones[] = { "tone:440", "tone:880", "none", "none" };
  const char *speakers[] = { "spk_a", "spk_b", "none", "none" };
  AgentFixture fixture = { 0, };
  GOptionEntry entries[] = {
    { "calls", 0, 0, G_OPTION_ARG_INT, &n_calls, "Calls for the first-audio figures (20)", "N" },
    { "seconds", 0, 0, G_OPTION_ARG_INT, &seconds, "Seconds per CPU measurement (10)", "S" },
    { NULL }
  };
  gint64 start;

  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("%s\n", error->message);
      return 2;
    }
  if (g_getenv ("TR_MEDIA_NETNS") == NULL)
    {
      g_printerr ("Run me through tests/media/run-media-test.sh (loopback-only namespace)\n");
      return 2;
    }
  n_calls = MAX (1, n_calls);
  seconds = MAX (1, seconds);

  gst_init (&argc, &argv);
  start = g_get_monotonic_time ();

  for (int i = 0; i < N_AGENTS; i++)
    {
      options[i] = tr_call_agent_options_new ();
      options[i]->ice_loopback = TRUE;
      options[i]->microphone = g_strdup (tones[i]);
      options[i]->speaker = g_strdup (speakers[i]);
    }
  options[A]->camera = g_strdup ("test");
  agent_fixture_setup_full (&fixture, options);
  for (int i = 0; i < N_AGENTS; i++)
    tr_call_agent_options_free (options[i]);

  while (tr_media_prewarm_duration () == 0)
    spin_ms (5);
  g_print ("DTLS certificate (RSA key, once per process, off the call path): %.0f ms "
           "(ready %.0f ms after start-up; excluded below)\n",
           tr_media_prewarm_duration () / 1000.0, (g_get_monotonic_time () - start) / 1000.0);

  bench_first_audio (&fixture);
  bench_cpu (&fixture);

  agent_fixture_teardown (&fixture, NULL);
  return 0;
}
