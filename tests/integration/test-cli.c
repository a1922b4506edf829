/* SPDX-License-Identifier: GPL-3.0-or-later */

#include <stdlib.h>

#include "transfer-core.h"
#include "server-test-util.h"

/*
 * Smoke tests against the real server and the real CLI, both from the build tree
 * ($TR_BUILD_DIR).
 */

typedef struct
{
  TestServer *server;
  char       *cli_path;
} Fixture;

static char *
issue_token (Fixture    *fixture,
             const char *user,
             const char *ttl)
{
  return test_server_token (fixture->server, user, atoi (ttl));
}

static void
fixture_setup (Fixture       *fixture,
               gconstpointer  data)
{
  const char *users[] = { "alice", "bob", "carol" };

  fixture->server = test_server_new ();
  fixture->cli_path = g_build_filename (g_getenv ("TR_BUILD_DIR"), "src", "cli", "transfer-cli",
                                        NULL);
  for (guint i = 0; i < G_N_ELEMENTS (users); i++)
    test_server_add_user (fixture->server, users[i], users[i]);
}

static void
fixture_teardown (Fixture       *fixture,
                  gconstpointer  data)
{
  test_server_free (fixture->server);
  g_free (fixture->cli_path);
}

/* One CLI process run to completion with @script on stdin. */
typedef struct
{
  GSubprocess *process;
  char        *output;
  gboolean     done;
} CliRun;

static void
cli_communicate_cb (GObject      *object,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  CliRun *run = user_data;
  g_autoptr(GError) error = NULL;

  g_subprocess_communicate_utf8_finish (G_SUBPROCESS (object), result, &run->output, NULL,
                                        &error);
  g_assert_no_error (error);
  run->done = TRUE;
}

static void
cli_start (Fixture    *fixture,
           CliRun     *run,
           const char *token,
           const char *script,
           ...)
{
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  const char *arg;
  va_list args;

  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDIN_PIPE
                                        | G_SUBPROCESS_FLAGS_STDOUT_PIPE
                                        | G_SUBPROCESS_FLAGS_STDERR_SILENCE);
  if (token != NULL)
    g_subprocess_launcher_setenv (launcher, "TRANSFER_TOKEN", token, TRUE);
  else
    g_subprocess_launcher_unsetenv (launcher, "TRANSFER_TOKEN");

  g_ptr_array_add (argv, fixture->cli_path);
  g_ptr_array_add (argv, (char *) "--server");
  g_ptr_array_add (argv, fixture->server->url);
  g_ptr_array_add (argv, (char *) "--json");
  va_start (args, script);
  while ((arg = va_arg (args, const char *)) != NULL)
    g_ptr_array_add (argv, (char *) arg);
  va_end (args);
  g_ptr_array_add (argv, NULL);

  run->process = g_subprocess_launcher_spawnv (launcher, (const char *const *) argv->pdata, &error);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8_async (run->process, script ? script : "", NULL,
                                       cli_communicate_cb, run);
}

static int
cli_finish (CliRun *run)
{
  int status;

  while (!run->done)
    g_main_context_iteration (NULL, TRUE);

  g_subprocess_wait (run->process, NULL, NULL);
  status = g_subprocess_get_exit_status (run->process);
  g_test_message ("output (exit %d):\n%s", status, run->output);
  g_clear_object (&run->process);

  return status;
}

static void
cli_run_clear (CliRun *run)
{
  g_free (run->output);
}

/* TRUE if some line of @output is a JSON object with all the given member=value pairs. */
static gboolean
output_has (const char *output,
            ...)
{
  g_auto(GStrv) lines = g_strsplit (output ? output : "", "\n", -1);

  for (guint i = 0; lines[i] != NULL; i++)
    {
      g_autoptr(JsonParser) parser = json_parser_new ();
      JsonObject *object;
      gboolean all = TRUE;
      const char *member;
      va_list args;

      if (*lines[i] == '\0' || !json_parser_load_from_data (parser, lines[i], -1, NULL))
        continue;
      object = json_node_get_object (json_parser_get_root (parser));

      va_start (args, output);
      while ((member = va_arg (args, const char *)) != NULL)
        {
          const char *value = va_arg (args, const char *);

          if (!json_object_has_member (object, member)
              || g_strcmp0 (json_object_get_string_member_with_default (object, member, NULL),
                            value) != 0)
            all = FALSE;
        }
      va_end (args);

      if (all)
        return TRUE;
    }

  return FALSE;
}

/* Runs `directory` until every user of @users shows online (the CLIs signed in). */
static void
wait_online (Fixture     *fixture,
             const char  *token,
             const char **users)
{
  gint64 end = g_get_monotonic_time () + 20 * G_USEC_PER_SEC;

  while (TRUE)
    {
      CliRun run = { 0 };
      gboolean all = TRUE;

      cli_start (fixture, &run, token, NULL, "directory", NULL);
      g_assert_cmpint (cli_finish (&run), ==, 0);
      for (guint i = 0; users[i] != NULL; i++)
        {
          g_autofree char *id = g_strconcat ("user:", users[i], NULL);
          g_autofree char *pattern = g_strdup_printf ("\"id\":\"%s\",", id);
          const char *line = strstr (run.output, pattern);

          if (line == NULL || strstr (line, "\"online\":true") == NULL
              || strstr (line, "\"online\":true") > strchr (line, '\n'))
            all = FALSE;
        }
      cli_run_clear (&run);

      if (all)
        return;
      g_assert_cmpint (g_get_monotonic_time (), <, end);
      g_usleep (100 * 1000);
    }
}

static void
test_blind_transfer (Fixture       *fixture,
                     gconstpointer  data)
{
  g_autofree char *alice = NULL;
  g_autofree char *bob = NULL;
  g_autofree char *carol = NULL;
  CliRun a = { 0 }, b = { 0 }, c = { 0 };

  alice = issue_token (fixture, "alice", "600");
  bob = issue_token (fixture, "bob", "600");
  carol = issue_token (fixture, "carol", "600");

  cli_start (fixture, &c, carol,
             "wait incoming 20\nanswer\nwait connected 20\nsleep 2\nquit\n", "interactive", NULL);
  cli_start (fixture, &b, bob,
             "wait incoming 20\nanswer\nwait transfer-accepted 20\nwait connected 20\n"
             "sleep 2\nquit\n", "interactive", NULL);
  wait_online (fixture, alice, (const char *[]) { "bob", "carol", NULL });
  cli_start (fixture, &a, alice,
             "call bob\nwait connected 20\ntransfer carol\nwait transferred 20\n"
             "wait disconnected 5\nquit\n", "interactive", NULL);

  g_assert_cmpint (cli_finish (&a), ==, 0);
  g_assert_cmpint (cli_finish (&b), ==, 0);
  g_assert_cmpint (cli_finish (&c), ==, 0);

  g_assert_true (output_has (a.output, "event", "transfer", "state", "transferring", NULL));
  g_assert_true (output_has (a.output, "event", "transfer", "state", "transferred", NULL));
  g_assert_true (output_has (a.output, "event", "call", "state", "local-hold", NULL));
  g_assert_true (output_has (a.output, "event", "call", "state", "disconnected",
                             "end", "0/1", "end_reason", "transferred", NULL));

  g_assert_true (output_has (b.output, "event", "call", "state", "remote-hold", NULL));
  g_assert_true (output_has (b.output, "event", "transfer-accepted", "to", "user:carol",
                             "transferor", "user:alice", NULL));
  g_assert_true (output_has (b.output, "event", "call", "state", "connected",
                             "remote", "user:carol", "transferor", "user:alice", NULL));

  g_assert_true (output_has (c.output, "event", "incoming", "from", "user:bob",
                             "transferor", "user:alice", NULL));

  cli_run_clear (&a);
  cli_run_clear (&b);
  cli_run_clear (&c);
}

/* Attended transfer from the CLI: A holds B, calls C, transfers @1 (A–B) to @2 (A–C). */
static void
test_attended_transfer (Fixture       *fixture,
                        gconstpointer  data)
{
  g_autofree char *alice = NULL;
  g_autofree char *bob = NULL;
  g_autofree char *carol = NULL;
  g_auto(GStrv) c_lines = NULL;
  guint c_incoming = 0;
  CliRun a = { 0 }, b = { 0 }, c = { 0 };

  alice = issue_token (fixture, "alice", "600");
  bob = issue_token (fixture, "bob", "600");
  carol = issue_token (fixture, "carol", "600");

  cli_start (fixture, &c, carol,
             "wait incoming 20\nanswer\nwait connected 20\nsleep 3\nquit\n", "interactive", NULL);
  cli_start (fixture, &b, bob,
             "wait incoming 20\nanswer\nwait transfer-accepted 20\nwait connected 20\n"
             "sleep 2\nquit\n", "interactive", NULL);
  wait_online (fixture, alice, (const char *[]) { "bob", "carol", NULL });
  cli_start (fixture, &a, alice,
             "call bob\nwait connected 20\nhold\ncall carol\nwait connected 20\n"
             "transfer @1 --to-call @2\nwait transferred 20\nsleep 1\nquit\n",
             "interactive", NULL);

  g_assert_cmpint (cli_finish (&a), ==, 0);
  g_assert_cmpint (cli_finish (&b), ==, 0);
  g_assert_cmpint (cli_finish (&c), ==, 0);

  g_assert_true (output_has (a.output, "event", "transfer", "state", "transferred", NULL));
  g_assert_true (output_has (a.output, "event", "call", "state", "disconnected",
                             "end", "0/1", "end_reason", "transferred", NULL));
  g_assert_true (output_has (a.output, "event", "call", "state", "disconnected",
                             "end", "0/2", "end_reason", "replaced", NULL));
  g_assert_true (output_has (b.output, "event", "call", "state", "connected",
                             "remote", "user:carol", NULL));
  /* C rang once (A's call), not for the replacing call, which is now connected to B. */
  c_lines = g_strsplit (c.output, "\n", -1);
  for (guint i = 0; c_lines[i] != NULL; i++)
    if (strstr (c_lines[i], "\"event\":\"incoming\"") != NULL)
      c_incoming++;
  g_assert_cmpuint (c_incoming, ==, 1);
  g_assert_true (output_has (c.output, "event", "call", "state", "connected",
                             "remote", "user:bob", NULL));

  cli_run_clear (&a);
  cli_run_clear (&b);
  cli_run_clear (&c);
}

/* Voicemail commands without messages (messages need media: tests/media). */
static void
test_voicemail_commands (Fixture       *fixture,
                         gconstpointer  data)
{
  g_autofree char *carol = issue_token (fixture, "carol", "600");
  CliRun run = { 0 };

  cli_start (fixture, &run, carol, NULL, "voicemail", "list", NULL);
  g_assert_cmpint (cli_finish (&run), ==, 0);
  g_assert_true (output_has (run.output, "event", "ok", "command", "voicemail", NULL));
  g_assert_true (strstr (run.output, "\"unheard\":0") != NULL);
  cli_run_clear (&run);
  run = (CliRun) { 0 };

  cli_start (fixture, &run, carol, NULL, "voicemail", "heard", "v-nope", NULL);
  g_assert_cmpint (cli_finish (&run), ==, 1);
  g_assert_true (output_has (run.output, "event", "error", "command", "voicemail",
                             "error", "404/3", NULL));
  cli_run_clear (&run);
  run = (CliRun) { 0 };

  cli_start (fixture, &run, carol, NULL, "voicemail", "frobnicate", NULL);
  g_assert_cmpint (cli_finish (&run), ==, 2);
  cli_run_clear (&run);
  run = (CliRun) { 0 };

  cli_start (fixture, &run, carol, NULL, "settings", "--unanswered-target", "voicemail", NULL);
  g_assert_cmpint (cli_finish (&run), ==, 0);
  g_assert_true (output_has (run.output, "event", "settings", "unanswered_target", "voicemail",
                             NULL));
  cli_run_clear (&run);
  run = (CliRun) { 0 };
}

static void
test_exit_codes (Fixture       *fixture,
                 gconstpointer  data)
{
  g_autofree char *alice = NULL;
  g_autofree char *expired = NULL;
  g_autofree char *saved_url = NULL;
  CliRun run = { 0 };

  alice = issue_token (fixture, "alice", "600");
  expired = issue_token (fixture, "alice", "1");

  cli_start (fixture, &run, alice, NULL, "directory", NULL);
  g_assert_cmpint (cli_finish (&run), ==, 0);
  g_assert_true (output_has (run.output, "event", "user", "id", "user:line-busy", NULL));
  cli_run_clear (&run);
  memset (&run, 0, sizeof run);

  /* A busy line: the call fails with 486/1. */
  cli_start (fixture, &run, alice, NULL, "call", "line-busy", "--wait-state", "connected", NULL);
  g_assert_cmpint (cli_finish (&run), ==, 1);
  g_assert_true (output_has (run.output, "event", "call", "end", "486/1", NULL));
  cli_run_clear (&run);
  memset (&run, 0, sizeof run);

  /* Settings round trip, and the busy call is in the history. */
  cli_start (fixture, &run, alice, NULL, "settings", "--unanswered-target", "bob", NULL);
  g_assert_cmpint (cli_finish (&run), ==, 0);
  g_assert_true (output_has (run.output, "event", "settings", "unanswered_target", "bob",
                             "forward_always", "none", NULL));
  cli_run_clear (&run);
  memset (&run, 0, sizeof run);

  cli_start (fixture, &run, alice, NULL, "records", "--limit", "5", NULL);
  g_assert_cmpint (cli_finish (&run), ==, 0);
  g_assert_true (output_has (run.output, "event", "record", "callee", "user:line-busy",
                             "end", "486/1", NULL));
  cli_run_clear (&run);
  memset (&run, 0, sizeof run);

  /* No token. */
  cli_start (fixture, &run, NULL, NULL, "directory", NULL);
  g_assert_cmpint (cli_finish (&run), ==, 2);
  cli_run_clear (&run);
  memset (&run, 0, sizeof run);

  /* An expired token. */
  g_usleep (2 * G_USEC_PER_SEC);
  cli_start (fixture, &run, expired, NULL, "directory", NULL);
  g_assert_cmpint (cli_finish (&run), ==, 4);
  g_assert_true (output_has (run.output, "event", "connection", "reason", "invalid-token", NULL));
  cli_run_clear (&run);
  memset (&run, 0, sizeof run);

  /* Nobody listening. */
  test_server_stop (fixture->server);
  cli_start (fixture, &run, alice, NULL, "directory", NULL);
  g_assert_cmpint (cli_finish (&run), ==, 3);
  cli_run_clear (&run);
}

/* The model itself against the server: proactive refresh keeps a session past the first
 * token's expiry; a lost server means CONNECTING, then CONNECTION_ISSUE, then CONNECTED again. */

typedef struct
{
  Fixture *fixture;
  guint    refreshes;
} RefreshData;

static void
refresher (TrTokenCredential *credential,
           GCancellable      *cancellable,
           GTask             *task,
           gpointer           user_data)
{
  RefreshData *data = user_data;

  data->refreshes++;
  g_task_return_pointer (task, issue_token (data->fixture, "alice", "600"), g_free);
  g_object_unref (task);
}

static void
create_agent_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  TrCallAgent **agent = user_data;
  g_autoptr(GError) error = NULL;

  *agent = tr_call_client_create_agent_finish (TR_CALL_CLIENT (object), result, &error);
  g_assert_no_error (error);
}

static TrCallAgent *
create_agent (TrCallClient             *client,
              Fixture                  *fixture,
              TrTokenCredential        *credential,
              const TrCallAgentOptions *options)
{
  TrCallAgent *agent = NULL;

  tr_call_client_create_agent_async (client, fixture->server->url, credential, options, NULL,
                                     create_agent_cb, &agent);
  while (agent == NULL)
    g_main_context_iteration (NULL, TRUE);

  return agent;
}

static void
count_changes_cb (TrCallAgent        *agent,
                  TrConnectionState   new_state,
                  TrConnectionState   old_state,
                  TrDisconnectReason  reason,
                  GString            *log)
{
  g_string_append_printf (log, "%d>%d(%d) ", old_state, new_state, reason);
}

static void
run_until (gboolean (*condition) (gpointer),
           gpointer   data,
           guint      timeout_s)
{
  gint64 end = g_get_monotonic_time () + timeout_s * G_USEC_PER_SEC;

  while (!condition (data))
    {
      g_assert_cmpint (g_get_monotonic_time (), <, end);
      g_main_context_iteration (NULL, FALSE);
      g_usleep (1000);
    }
}

static gboolean
refreshed (gpointer data)
{
  return ((RefreshData *) data)->refreshes > 0;
}

static gboolean
time_passed (gpointer data)
{
  return g_get_monotonic_time () > *(gint64 *) data;
}

static void
test_agent_refresh (Fixture       *fixture,
                    gconstpointer  data)
{
  g_autofree char *token = NULL;
  g_autoptr(TrCallClient) client = NULL;
  g_autoptr(TrTokenCredential) credential = NULL;
  g_autoptr(GString) log = g_string_new ("");
  RefreshData refresh = { fixture, 0 };
  TrCallAgent *agent;
  gint64 until;

  token = issue_token (fixture, "alice", "4");   /* refresh due after ~2 s */
  credential = tr_token_credential_new (token, NULL);
  tr_token_credential_set_refresher (credential, refresher, &refresh, NULL);
  client = tr_call_client_new ();
  agent = create_agent (client, fixture, credential, NULL);
  g_signal_connect (agent, "connection-state-changed", G_CALLBACK (count_changes_cb), log);

  run_until (refreshed, &refresh, 10);
  /* Past the first token's expiry: the server would have closed with 4001 without the
   * session.refresh. */
  until = g_get_monotonic_time () + 4 * G_USEC_PER_SEC;
  run_until (time_passed, &until, 10);

  g_assert_cmpstr (log->str, ==, "");
  g_assert_cmpint (tr_call_agent_get_connection_state (agent), ==, TR_CONNECTION_STATE_CONNECTED);

  g_signal_handlers_disconnect_by_data (agent, log);
  tr_call_agent_disconnect (agent);
  g_assert_finalize_object (agent);
}

typedef struct
{
  TrCallAgent       *agent;
  TrConnectionState  wanted;
} StateWait;

static gboolean
agent_in_state (gpointer data)
{
  StateWait *wait = data;

  return tr_call_agent_get_connection_state (wait->agent) == wait->wanted;
}

static void
wait_for_state (TrCallAgent       *agent,
                TrConnectionState  state)
{
  StateWait wait = { agent, state };

  run_until (agent_in_state, &wait, 20);
}

static void
test_agent_reconnect (Fixture       *fixture,
                      gconstpointer  data)
{
  g_autofree char *token = NULL;
  g_autoptr(TrCallClient) client = NULL;
  g_autoptr(TrTokenCredential) credential = NULL;
  g_autoptr(TrCallAgentOptions) options = tr_call_agent_options_new ();
  g_autoptr(GString) log = g_string_new ("");
  TrCallAgent *agent;

  options->reconnect_base_delay_ms = 50;
  options->reconnect_max_delay_ms = 300;
  options->reconnect_max_attempts = 3;

  token = issue_token (fixture, "alice", "600");
  credential = tr_token_credential_new (token, NULL);
  client = tr_call_client_new ();
  agent = create_agent (client, fixture, credential, options);
  g_signal_connect (agent, "connection-state-changed", G_CALLBACK (count_changes_cb), log);

  test_server_stop (fixture->server);
  wait_for_state (agent, TR_CONNECTION_STATE_DISCONNECTED);
  g_assert_cmpint (tr_call_agent_get_disconnect_reason (agent), ==,
                   TR_DISCONNECT_REASON_CONNECTION_ISSUE);
  g_assert_cmpuint (tr_call_agent_get_reconnect_attempt (agent), ==, 3);

  /* Probing at the maximum delay finds the server again (same port). */
  test_server_start (fixture->server);
  wait_for_state (agent, TR_CONNECTION_STATE_CONNECTED);
  g_assert_cmpuint (tr_call_agent_get_reconnect_attempt (agent), ==, 0);

  /* CONNECTED>CONNECTING, CONNECTING>DISCONNECTED(issue), DISCONNECTED>CONNECTED. */
  g_assert_cmpstr (log->str, ==, "2>1(0) 1>0(2) 0>2(0) ");

  g_signal_handlers_disconnect_by_data (agent, log);
  tr_call_agent_disconnect (agent);
  g_assert_finalize_object (agent);
}

static void
test_agent_invalid_token (Fixture       *fixture,
                          gconstpointer  data)
{
  g_autofree char *token = NULL;
  g_autofree char *fresh = NULL;
  g_autoptr(TrCallClient) client = NULL;
  g_autoptr(TrTokenCredential) credential = NULL;
  g_autoptr(GString) log = g_string_new ("");
  g_autoptr(GError) error = NULL;
  TrCallAgent *agent;

  /* No refresher: the server closes the session (4001) when the token expires. */
  token = issue_token (fixture, "alice", "2");
  credential = tr_token_credential_new (token, NULL);
  client = tr_call_client_new ();
  agent = create_agent (client, fixture, credential, NULL);
  g_signal_connect (agent, "connection-state-changed", G_CALLBACK (count_changes_cb), log);

  wait_for_state (agent, TR_CONNECTION_STATE_DISCONNECTED);
  g_assert_cmpint (tr_call_agent_get_disconnect_reason (agent), ==,
                   TR_DISCONNECT_REASON_INVALID_TOKEN);
  g_assert_cmpstr (log->str, ==, "2>0(1) ");

  /* "Retry now" with the same, expired token: the handshake gets 401, no loop. */
  tr_call_agent_reconnect_now (agent);
  g_assert_cmpint (tr_call_agent_get_connection_state (agent), ==, TR_CONNECTION_STATE_CONNECTING);
  wait_for_state (agent, TR_CONNECTION_STATE_DISCONNECTED);
  g_assert_cmpint (tr_call_agent_get_disconnect_reason (agent), ==,
                   TR_DISCONNECT_REASON_INVALID_TOKEN);

  /* A new token reconnects by itself. */
  fresh = issue_token (fixture, "alice", "600");
  g_assert_true (tr_token_credential_update_token (credential, fresh, &error));
  g_assert_no_error (error);
  wait_for_state (agent, TR_CONNECTION_STATE_CONNECTED);
  g_assert_cmpstr (log->str, ==, "2>0(1) 0>1(0) 1>0(1) 0>1(0) 1>2(0) ");

  g_signal_handlers_disconnect_by_data (agent, log);
  tr_call_agent_disconnect (agent);
  g_assert_finalize_object (agent);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/core/cli/blind-transfer", Fixture, NULL, fixture_setup, test_blind_transfer,
              fixture_teardown);
  g_test_add ("/core/cli/exit-codes", Fixture, NULL, fixture_setup, test_exit_codes,
              fixture_teardown);
  g_test_add ("/core/cli/attended-transfer", Fixture, NULL, fixture_setup,
              test_attended_transfer, fixture_teardown);
  g_test_add ("/core/cli/voicemail", Fixture, NULL, fixture_setup, test_voicemail_commands,
              fixture_teardown);
  g_test_add ("/core/agent/proactive-refresh", Fixture, NULL, fixture_setup, test_agent_refresh,
              fixture_teardown);
  g_test_add ("/core/agent/reconnect", Fixture, NULL, fixture_setup, test_agent_reconnect,
              fixture_teardown);

  g_test_add ("/core/agent/invalid-token", Fixture, NULL, fixture_setup,
              test_agent_invalid_token, fixture_teardown);

  return g_test_run ();
}
