/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "TestVoicemailMedia"

/*
 * Attended transfer and voicemail with real media, through the model (TrCallTransfer,
 * TrVoicemailBox), run by run-media-test.sh inside a loopback-only network namespace with a
 * private PulseAudio. A 660 Hz → spk_a, B 440 Hz → spk_b, C 880 Hz → spk_c. What a party hears
 * is measured on its speaker's monitor (spectrum peak); the stored message is fetched through
 * the model and decoded (duration with GstDiscoverer, frequency by zero crossings).
 */

#include <math.h>

#include <glib/gstdio.h>

#include <gst/gst.h>

#include "tr-agent-fixture.h"
#include "tr-media-test-util.h"
#include "tr-tone-probe.h"
#include "tr-call-private.h"
#include "tr-media-session.h"

#define TONE_A 660.0
#define TONE_B 440.0
#define TONE_C 880.0


/* A holds B (440), consults C (880), transfers A–B to A–C: B and C hear each other, and at C
 * the new call took the old one's place in "calls" without ringing (test-media.c's
 * /media/attended-transfer checks the pipelines). */
static void
test_attended (AgentFixture *f, gconstpointer data)
{
  g_autoptr(ToneProbe) at_b = tone_probe_new ("spk_b");
  g_autoptr(ToneProbe) at_c = tone_probe_new ("spk_c");
  g_autoptr(TrCall) a_b = NULL, b_a = NULL, a_c = NULL, c_a = NULL, b_new = NULL, c_new = NULL;
  g_autoptr(TrTransferLocator) locator = NULL;
  g_autoptr(TrTransfer) transfer = NULL;
  g_autoptr(GError) error = NULL;
  GListModel *c_calls = tr_call_agent_get_calls (f->agents[C]);

  a_b = connect_call (f, A, B, &b_a);
  wait_hears (at_b, TONE_A, "B hears A");
  hold_call (a_b);
  a_c = connect_call (f, A, C, &c_a);
  wait_hears (at_c, TONE_A, "C hears A (consultation)");

  locator = tr_transfer_locator_new_call (tr_call_get_id (a_c));
  transfer = transfer_with (a_b, locator, &error);
  g_assert_no_error (error);
  b_new = wait_transfer_accepted (f, B);
  wait_transfer_state (transfer, TR_TRANSFER_STATE_TRANSFERRED, 5000);
  wait_call_state (a_b, TR_CALL_STATE_DISCONNECTED, 5000);
  wait_call_state (a_c, TR_CALL_STATE_DISCONNECTED, 5000);
  assert_end_reason (a_c, 0, 2);
  wait_call_state (c_a, TR_CALL_STATE_DISCONNECTED, 5000);
  g_assert_cmpuint (g_list_model_get_n_items (tr_call_agent_get_calls (f->agents[A])), ==, 0);
  assert_no_incoming (f, C, 10);

  g_assert_cmpuint (g_list_model_get_n_items (c_calls), ==, 1);
  c_new = g_list_model_get_item (c_calls, 0);
  g_assert_cmpstr (tr_call_get_id (c_new), ==, tr_call_get_id (b_new));

  wait_hears (at_c, TONE_B, "C hears B");
  wait_hears (at_b, TONE_C, "B hears C");

  hang_up (b_new);
  wait_call_state (c_new, TR_CALL_STATE_DISCONNECTED, 5000);
}

/* Decoding a message: its duration (GstDiscoverer) and frequency (median zero-crossing
 * period of the decoded audio, after the first 100 ms). */

typedef struct
{
  guint64 position;
  guint64 last_crossing;
  guint   periods[241];
  guint   n_periods;
  float   last;
} Crossings;

static GstPadProbeReturn
crossings_probe_cb (GstPad *pad, GstPadProbeInfo *info, gpointer user_data)
{
  Crossings *c = user_data;
  GstMapInfo map;

  if (gst_buffer_map (GST_PAD_PROBE_INFO_BUFFER (info), &map, GST_MAP_READ))
    {
      const float *data = (const float *) map.data;

      for (gsize i = 0; i < map.size / sizeof (float); i++)
        {
          c->position++;
          if (c->position > 4800 && c->last < 0 && data[i] >= 0)
            {
              guint64 period = c->position - c->last_crossing;

              if (c->last_crossing != 0 && period >= 40 && period <= 240)
                {
                  c->periods[period]++;
                  c->n_periods++;
                }
              c->last_crossing = c->position;
            }
          c->last = data[i];
        }
      gst_buffer_unmap (GST_PAD_PROBE_INFO_BUFFER (info), &map);
    }
  return GST_PAD_PROBE_OK;
}

static void
decode_file (const char *path, double *duration_s, double *freq)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *description = NULL;
  g_autoptr(GstElement) pipeline = NULL;
  g_autoptr(GstElement) identity = NULL;
  g_autoptr(GstPad) pad = NULL;
  g_autoptr(GstBus) bus = NULL;
  g_autoptr(GstMessage) message = NULL;
  Crossings crossings = { 0 };
  guint seen = 0;

  *duration_s = file_duration (path);

  description = g_strdup_printf ("filesrc location=\"%s\" ! oggdemux ! opusdec ! audioconvert ! "
                                 "audioresample ! audio/x-raw,format=F32LE,channels=1,rate=48000 "
                                 "! identity name=probe ! fakesink", path);
  pipeline = gst_parse_launch (description, &error);
  g_assert_no_error (error);
  identity = gst_bin_get_by_name (GST_BIN (pipeline), "probe");
  pad = gst_element_get_static_pad (identity, "src");
  gst_pad_add_probe (pad, GST_PAD_PROBE_TYPE_BUFFER, crossings_probe_cb, &crossings, NULL);
  gst_element_set_state (pipeline, GST_STATE_PLAYING);
  bus = gst_element_get_bus (pipeline);
  message = gst_bus_timed_pop_filtered (bus, 10 * GST_SECOND, GST_MESSAGE_EOS | GST_MESSAGE_ERROR);
  g_assert_nonnull (message);
  g_assert_cmpint (GST_MESSAGE_TYPE (message), ==, GST_MESSAGE_EOS);
  gst_element_set_state (pipeline, GST_STATE_NULL);

  *freq = 0;
  for (guint p = 40; p <= 240 && crossings.n_periods >= 100; p++)
    {
      seen += crossings.periods[p];
      if (seen * 2 >= crossings.n_periods)
        {
          *freq = 48000.0 / p;
          break;
        }
    }
}

static void
count_notify_cb (GObject *object, GParamSpec *pspec, gpointer user_data)
{
  (*(guint *) user_data)++;
}

/* Loudness at B's decoder (opusdec's output, S16): when the greeting is heard, without the
 * latency of the speaker and its monitor. */
typedef struct
{
  GMutex lock;
  gint64 first_loud_us;
  gint64 last_loud_us;
} Loudness;

static GstPadProbeReturn
loudness_probe_cb (GstPad *pad, GstPadProbeInfo *info, gpointer user_data)
{
  Loudness *loudness = user_data;
  GstMapInfo map;
  gint peak = 0;

  if (gst_buffer_map (GST_PAD_PROBE_INFO_BUFFER (info), &map, GST_MAP_READ))
    {
      const gint16 *samples = (const gint16 *) map.data;

      for (gsize i = 0; i < map.size / 2; i++)
        peak = MAX (peak, ABS ((gint) samples[i]));
      gst_buffer_unmap (GST_PAD_PROBE_INFO_BUFFER (info), &map);
    }
  if (peak > 330)   /* -40 dBFS */
    {
      g_mutex_lock (&loudness->lock);
      if (loudness->first_loud_us == 0)
        loudness->first_loud_us = g_get_monotonic_time ();
      loudness->last_loud_us = g_get_monotonic_time ();
      g_mutex_unlock (&loudness->lock);
    }
  return GST_PAD_PROBE_OK;
}

/* Adds the probe once the call's pipeline has its decoder; FALSE while it has none yet. */
static gboolean
probe_decoder (TrCall *call, Loudness *loudness)
{
  GstElement *pipeline = tr_media_session_get_pipeline (_tr_call_get_media_session (call));
  g_autoptr(GstIterator) it = NULL;
  GValue item = G_VALUE_INIT;
  gboolean found = FALSE;

  if (pipeline == NULL)
    return FALSE;
  it = gst_bin_iterate_recurse (GST_BIN (pipeline));
  while (!found && gst_iterator_next (it, &item) == GST_ITERATOR_OK)
    {
      GstElement *element = g_value_get_object (&item);
      GstElementFactory *factory = gst_element_get_factory (element);

      if (factory != NULL && g_str_equal (GST_OBJECT_NAME (factory), "opusdec"))
        {
          g_autoptr(GstPad) pad = gst_element_get_static_pad (element, "src");

          gst_pad_add_probe (pad, GST_PAD_PROBE_TYPE_BUFFER, loudness_probe_cb, loudness, NULL);
          found = TRUE;
        }
      g_value_reset (&item);
    }
  g_value_unset (&item);
  return found;
}

/* A transfers B to C's voicemail; B hears the greeting, then speaks (440 Hz) for ~4 s and hangs
 * up. C's TrVoicemailBox gets the message at once; its audio is fetched through the model;
 * mark heard and delete work. */
static void
test_voicemail_transfer (AgentFixture *f, gconstpointer data)
{
  g_autoptr(TrCall) a_b = NULL, b_a = NULL, b_new = NULL;
  g_autoptr(TrIdentifier) carol = tr_identifier_new_user ("carol");
  g_autoptr(TrTransferLocator) locator = tr_transfer_locator_new_voicemail (carol);
  g_autoptr(TrTransfer) transfer = NULL;
  g_autoptr(TrVoicemail) message = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GFile) file = NULL;
  g_autofree char *tmp = g_dir_make_tmp ("tr-vm-model-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (tmp, "message.ogg", NULL);
  TrVoicemailBox *box = tr_call_agent_get_voicemail_box (f->agents[C]);
  guint unheard_notifies = 0;
  guint heard_notifies = 0;
  gint64 deadline, first_audio = 0, greeting_end = 0, hang_up_at;
  Loudness loudness = { 0 };
  g_autofree char *greeting = greeting_path ();
  double greeting_s;
  double spoken, duration_s, freq;

  wait_box_loaded (box);
  g_signal_connect (box, "notify::unheard-count", G_CALLBACK (count_notify_cb), &unheard_notifies);

  a_b = connect_call (f, A, B, &b_a);
  transfer = transfer_with (a_b, locator, &error);
  g_assert_no_error (error);
  b_new = wait_transfer_accepted (f, B);
  wait_call_state (b_new, TR_CALL_STATE_CONNECTED, 5000);
  wait_transfer_state (transfer, TR_TRANSFER_STATE_TRANSFERRED, 5000);
  wait_call_state (a_b, TR_CALL_STATE_DISCONNECTED, 5000);
  assert_no_incoming (f, C, 10);

  /* The greeting (at B's decoder): sound comes (over a second of it), then 400 ms of none. */
  deadline = g_get_monotonic_time () + 15 * G_USEC_PER_SEC;
  while (!probe_decoder (b_new, &loudness))
    {
      spin_ms (5);
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
    }
  /* The greeting starts with sound: its onset at B plus its length (the server's default
   * greeting, beside the server) is when recording starts. Its end is not measured by ear:
   * the decoder's concealment keeps making sound for a while after the line stops sending. */
  greeting_s = file_duration (greeting);
  while (first_audio == 0)
    {
      spin_ms (2);
      g_mutex_lock (&loudness.lock);
      first_audio = loudness.first_loud_us;
      g_mutex_unlock (&loudness.lock);
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
    }
  greeting_end = first_audio + (gint64) (greeting_s * G_USEC_PER_SEC);
  g_test_message ("greeting of %.2f s", greeting_s);

  hang_up_at = greeting_end + 4000 * 1000;
  while (g_get_monotonic_time () < hang_up_at)
    spin_ms (5);
  hang_up (b_new);
  spoken = (g_get_monotonic_time () - greeting_end) / 1e6;

  /* C is told at once. */
  message = wait_box_message (box, 10000);
  g_assert_cmpuint (unheard_notifies, ==, 1);
  g_assert_cmpuint (tr_voicemail_box_get_unheard_count (box), ==, 1);
  g_assert_cmpstr (tr_identifier_get_raw_id (tr_voicemail_get_caller (message)), ==, "bob");
  g_assert_false (tr_voicemail_get_heard (message));
  g_assert_nonnull (tr_voicemail_get_created_at (message));
  g_test_message ("spoke %.2f s, message %" G_GINT64_FORMAT " ms", spoken,
                  tr_voicemail_get_duration_ms (message));
  g_assert_cmpfloat (fabs (tr_voicemail_get_duration_ms (message) / 1000.0 - spoken), <,
                     spoken * 0.1);

  /* The audio, through the model (REST, the agent's token in a header). */
  file = g_file_new_for_path (path);
  tr_voicemail_box_save_audio_async (box, message, file, NULL, result_cb, &result);
  g_assert_true (tr_voicemail_box_save_audio_finish (box, wait_result (&result, 10000), &error));
  g_assert_no_error (error);
  g_clear_object (&result);
  decode_file (path, &duration_s, &freq);
  g_test_message ("file: %.2f s, %.1f Hz", duration_s, freq);
  g_assert_cmpfloat (fabs (duration_s - spoken), <, spoken * 0.1);
  g_assert_cmpfloat_with_epsilon (freq, TONE_B, 10);

  /* Listed again (a new connection would see the same). */
  tr_voicemail_box_refresh_async (box, NULL, result_cb, &result);
  g_assert_true (tr_voicemail_box_refresh_finish (box, wait_result (&result, 10000), &error));
  g_clear_object (&result);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (box)), ==, 1);
  g_assert_true (tr_voicemail_box_find (box, tr_voicemail_get_id (message)) == message);

  /* Mark heard. */
  g_signal_connect (message, "notify::heard", G_CALLBACK (count_notify_cb), &heard_notifies);
  tr_voicemail_box_mark_heard_async (box, message, NULL, result_cb, &result);
  g_assert_true (tr_voicemail_box_mark_heard_finish (box, wait_result (&result, 10000), &error));
  g_clear_object (&result);
  g_assert_true (tr_voicemail_get_heard (message));
  g_assert_cmpuint (heard_notifies, ==, 1);
  g_assert_cmpuint (tr_voicemail_box_get_unheard_count (box), ==, 0);

  /* Delete; a second delete is 404/3. */
  tr_voicemail_box_delete_async (box, message, NULL, result_cb, &result);
  g_assert_true (tr_voicemail_box_delete_finish (box, wait_result (&result, 10000), &error));
  g_clear_object (&result);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (box)), ==, 0);
  tr_voicemail_box_delete_async (box, message, NULL, result_cb, &result);
  g_assert_false (tr_voicemail_box_delete_finish (box, wait_result (&result, 10000), &error));
  g_assert_error (error, TR_ERROR, TR_STATUS_UNKNOWN_MESSAGE);
  g_clear_error (&error);
  g_clear_object (&result);
  tr_voicemail_box_fetch_audio_async (box, message, NULL, result_cb, &result);
  g_assert_null (tr_voicemail_box_fetch_audio_finish (box, wait_result (&result, 10000), &error));
  g_assert_error (error, TR_ERROR, TR_STATUS_UNKNOWN_MESSAGE);
  g_clear_object (&result);

  g_signal_handlers_disconnect_by_data (box, &unheard_notifies);
  g_signal_handlers_disconnect_by_data (message, &heard_notifies);
  g_unlink (path);
  g_rmdir (tmp);
  g_mutex_clear (&loudness.lock);
}

/* transfer-cli as the mailbox owner (erin): `wait voicemail`, the voicemail-new event, then
 * `voicemail list | play | heard | delete`. B leaves the message with a direct call to erin's
 * mailbox (tr_call_agent_start_call_to_voicemail_async). */

typedef struct
{
  char    *output;
  gboolean done;
} CliRun;

static void
cli_done_cb (GObject *object, GAsyncResult *result, gpointer user_data)
{
  CliRun *run = user_data;
  g_autoptr(GError) error = NULL;

  g_subprocess_communicate_utf8_finish (G_SUBPROCESS (object), result, &run->output, NULL,
                                        &error);
  g_assert_no_error (error);
  run->done = TRUE;
}

static GSubprocess *
cli_spawn (AgentFixture *f, const char *token, const char *script, CliRun *run, ...)
{
  g_autoptr(GSubprocessLauncher) launcher =
    g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDOUT_PIPE);
  g_autofree char *cli_path = g_build_filename (g_getenv ("TR_BUILD_DIR"), "src", "cli",
                                                "transfer-cli", NULL);
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  GSubprocess *process;
  const char *arg;
  va_list args;

  g_subprocess_launcher_setenv (launcher, "TRANSFER_TOKEN", token, TRUE);
  /* The owner makes no call. (With media on, a CLI that exits within ~1 s of starting may
   * crash in OpenSSL's exit handlers while the DTLS certificate is still being made in a
   * thread: tr_media_prewarm(), not this test's business.) */
  g_subprocess_launcher_setenv (launcher, "TRANSFER_MEDIA", "0", TRUE);
  g_ptr_array_add (argv, cli_path);
  g_ptr_array_add (argv, (char *) "--server");
  g_ptr_array_add (argv, f->server->url);
  g_ptr_array_add (argv, (char *) "--json");
  va_start (args, run);
  while ((arg = va_arg (args, const char *)) != NULL)
    g_ptr_array_add (argv, (char *) arg);
  va_end (args);
  g_ptr_array_add (argv, NULL);

  process = g_subprocess_launcher_spawnv (launcher, (const char *const *) argv->pdata, &error);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8_async (process, script ? script : "", NULL, cli_done_cb, run);
  return process;
}

static int
cli_finish (GSubprocess *process, CliRun *run)
{
  gint64 deadline = g_get_monotonic_time () + 60 * G_USEC_PER_SEC;

  while (!run->done)
    {
      spin_ms (5);
      if (g_get_monotonic_time () > deadline)
        {
          g_subprocess_force_exit (process);
          g_error ("transfer-cli did not exit");
        }
    }
  g_subprocess_wait (process, NULL, NULL);
  g_test_message ("transfer-cli (exit %d):\n%s", g_subprocess_get_exit_status (process),
                  run->output);
  return g_subprocess_get_exit_status (process);
}

/* The first JSON line of @output whose "event" is @event; (transfer full) or NULL. */
static JsonObject *
output_event (const char *output, const char *event)
{
  g_auto(GStrv) lines = g_strsplit (output ? output : "", "\n", -1);

  for (guint i = 0; lines[i] != NULL; i++)
    {
      g_autoptr(JsonParser) parser = json_parser_new ();
      JsonObject *object;

      if (*lines[i] != '{' || !json_parser_load_from_data (parser, lines[i], -1, NULL))
        continue;
      object = json_node_get_object (json_parser_get_root (parser));
      if (g_strcmp0 (json_object_get_string_member_with_default (object, "event", NULL), event)
          == 0)
        return json_object_ref (object);
    }
  return NULL;
}

static gboolean
is_online (AgentFixture *f, const char *user)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GListModel) entries = NULL;
  g_autoptr(GError) error = NULL;

  tr_call_agent_list_directory_async (f->agents[A], NULL, result_cb, &result);
  entries = tr_call_agent_list_directory_finish (f->agents[A], wait_result (&result, 10000), &error);
  g_assert_no_error (error);
  for (guint i = 0; i < g_list_model_get_n_items (entries); i++)
    {
      g_autoptr(TrDirectoryEntry) entry = g_list_model_get_item (entries, i);

      if (g_strcmp0 (tr_identifier_get_raw_id (tr_directory_entry_get_identifier (entry)), user)
          == 0)
        return tr_directory_entry_get_online (entry);
    }
  return FALSE;
}

static void
test_voicemail_cli (AgentFixture *f, gconstpointer data)
{
  g_autofree char *token = test_server_token (f->server, "erin", 3600);
  g_autofree char *tmp = g_dir_make_tmp ("tr-vm-cli-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (tmp, "message.ogg", NULL);
  g_autofree char *greeting = greeting_path ();
  g_autoptr(GSubprocess) owner = NULL;
  g_autoptr(TrIdentifier) erin = tr_identifier_new_user ("erin");
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(TrCall) call = NULL;
  g_autoptr(JsonObject) added = NULL;
  g_autoptr(JsonObject) listed = NULL;
  g_autoptr(JsonObject) unheard = NULL;
  g_autoptr(JsonObject) audio = NULL;
  g_autofree char *id = NULL;
  CliRun run = { 0 };
  Loudness loudness = { 0 };
  gint64 deadline, end;
  double duration_s, freq;

  owner = cli_spawn (f, token, "wait voicemail 60\nvoicemail list\nquit\n", &run, "interactive",
                     NULL);
  deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;
  while (!is_online (f, "erin"))
    {
      spin_ms (50);
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
    }

  /* B calls erin's mailbox directly and speaks 2 s after the greeting. */
  tr_call_agent_start_call_to_voicemail_async (f->agents[B], erin, NULL, result_cb, &result);
  call = tr_call_agent_start_call_finish (f->agents[B], wait_result (&result, 10000), &error);
  g_assert_no_error (error);
  wait_call_state (call, TR_CALL_STATE_CONNECTED, 5000);
  deadline = g_get_monotonic_time () + 15 * G_USEC_PER_SEC;
  while (!probe_decoder (call, &loudness))
    {
      spin_ms (5);
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
    }
  while (loudness.first_loud_us == 0)
    {
      spin_ms (2);
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
    }
  end = loudness.first_loud_us + (gint64) (file_duration (greeting) * G_USEC_PER_SEC)
        + 2 * G_USEC_PER_SEC;
  while (g_get_monotonic_time () < end)
    spin_ms (5);
  hang_up (call);

  g_assert_cmpint (cli_finish (owner, &run), ==, 0);
  added = output_event (run.output, "voicemail-new");
  g_assert_nonnull (added);
  g_assert_cmpstr (json_object_get_string_member (added, "caller"), ==, "user:bob");
  g_assert_false (json_object_get_boolean_member (added, "heard"));
  id = g_strdup (json_object_get_string_member (added, "message"));
  listed = output_event (run.output, "voicemail");
  g_assert_nonnull (listed);
  g_assert_cmpstr (json_object_get_string_member (listed, "message"), ==, id);
  unheard = output_event (run.output, "voicemail-unheard");
  g_assert_cmpint (json_object_get_int_member (unheard, "unheard"), ==, 1);
  g_clear_pointer (&run.output, g_free);
  g_clear_object (&owner);
  run = (CliRun) { 0 };

  /* play ID FILE: the audio, streamed to a file. */
  owner = cli_spawn (f, token, NULL, &run, "voicemail", "play", id, path, NULL);
  g_assert_cmpint (cli_finish (owner, &run), ==, 0);
  audio = output_event (run.output, "voicemail-audio");
  g_assert_nonnull (audio);
  g_assert_cmpint (json_object_get_int_member (audio, "bytes"), >, 1000);
  decode_file (path, &duration_s, &freq);
  g_test_message ("file: %.2f s, %.1f Hz", duration_s, freq);
  g_assert_cmpfloat (fabs (duration_s - 2.0), <, 0.3);
  g_assert_cmpfloat_with_epsilon (freq, TONE_B, 10);
  g_clear_pointer (&run.output, g_free);
  g_clear_object (&owner);
  run = (CliRun) { 0 };

  /* heard, delete, and the list is empty. */
  owner = cli_spawn (f, token, NULL, &run, "voicemail", "heard", id, NULL);
  g_assert_cmpint (cli_finish (owner, &run), ==, 0);
  g_clear_pointer (&unheard, json_object_unref);
  unheard = output_event (run.output, "voicemail-unheard");
  g_assert_cmpint (json_object_get_int_member (unheard, "unheard"), ==, 0);
  g_clear_pointer (&run.output, g_free);
  g_clear_object (&owner);
  run = (CliRun) { 0 };

  owner = cli_spawn (f, token, NULL, &run, "voicemail", "delete", id, NULL);
  g_assert_cmpint (cli_finish (owner, &run), ==, 0);
  g_clear_pointer (&run.output, g_free);
  g_clear_object (&owner);
  run = (CliRun) { 0 };

  owner = cli_spawn (f, token, NULL, &run, "voicemail", "list", NULL);
  g_assert_cmpint (cli_finish (owner, &run), ==, 0);
  g_clear_pointer (&listed, json_object_unref);
  g_assert_null (output_event (run.output, "voicemail"));
  g_clear_pointer (&run.output, g_free);

  g_unlink (path);
  g_rmdir (tmp);
  g_mutex_clear (&loudness.lock);
}

int
main (int argc, char *argv[])
{
  if (!media_test_init (&argc, &argv))
    return g_test_run ();

  g_test_add ("/media/attended-replaces", AgentFixture, NULL, tones_fixture_setup, test_attended,
              agent_fixture_teardown);
  g_test_add ("/media/voicemail-transfer", AgentFixture, NULL, tones_fixture_setup,
              test_voicemail_transfer, agent_fixture_teardown);
  g_test_add ("/media/voicemail-cli", AgentFixture, NULL, tones_fixture_setup, test_voicemail_cli,
              agent_fixture_teardown);

  return g_test_run ();
}
