/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Connection state of a TrCallAgent against the real server: tokens that expire or are refused,
 * a server that goes away and comes back.
 */
#include "tr-agent-fixture.h"
#include "tr-token.h"

static void
result_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

typedef struct
{
  TrConnectionState  state;
  TrDisconnectReason reason;
} Change;

static void
state_changed_cb (TrCallAgent *agent, TrConnectionState new_state, TrConnectionState old_state,
                  TrDisconnectReason reason, gpointer user_data)
{
  GArray *changes = user_data;
  Change change = { new_state, reason };

  g_assert_cmpint (new_state, !=, old_state);
  g_assert_cmpint (tr_call_agent_get_connection_state (agent), ==, new_state);
  g_array_append_val (changes, change);
}

static gboolean
has_change (GArray *changes, TrConnectionState state, TrDisconnectReason reason)
{
  for (guint i = 0; i < changes->len; i++)
    {
      Change *c = &g_array_index (changes, Change, i);

      if (c->state == state && c->reason == reason)
        return TRUE;
    }
  return FALSE;
}

static TrCallAgent *
connect_with_token (AgentFixture *f, const char *token, GError **error)
{
  g_autoptr(TrTokenCredential) credential = tr_token_credential_new (token, error);
  g_autoptr(GAsyncResult) result = NULL;

  if (credential == NULL)
    return NULL;
  tr_call_client_create_agent_async (f->client, f->server->url, credential, NULL, NULL,
                                     (GAsyncReadyCallback) result_cb, &result);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);
  return tr_call_client_create_agent_finish (f->client, result, error);
}

static void
test_expired_token_refused (AgentFixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TrCallAgent) agent = NULL;
  g_autofree char *token = test_server_token (f->server, "erin", 1);

  /* Expiry has second resolution: wait until the token is certainly past it. */
  test_spin (2100);
  agent = connect_with_token (f, token, &error);
  g_assert_null (agent);
  g_assert_error (error, TR_ERROR, TR_STATUS_TOKEN_EXPIRED);
}

static void
test_revoked_token_refused (AgentFixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TrCallAgent) agent = NULL;
  g_autofree char *token = test_server_token (f->server, "erin", 3600);
  g_autoptr(TrTokenClaims) claims = tr_token_decode_unverified (token, &error);
  g_autofree char *out = NULL;
  int status = -1;

  g_assert_no_error (error);
  out = test_server_admin (f->server, &status, "token", "revoke", claims->jti, NULL);
  g_assert_cmpint (status, ==, 0);
  agent = connect_with_token (f, token, &error);
  g_assert_null (agent);
  g_assert_error (error, TR_ERROR, TR_STATUS_TOKEN_REVOKED);
}

static void
test_token_expires_while_connected (AgentFixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TrCallAgent) agent = NULL;
  g_autoptr(GArray) changes = g_array_new (FALSE, FALSE, sizeof (Change));

  agent = agent_connect (f, "erin", 2, NULL, &error);
  g_assert_no_error (error);
  g_signal_connect (agent, "connection-state-changed", G_CALLBACK (state_changed_cb), changes);

  wait_connection_state (agent, TR_CONNECTION_STATE_DISCONNECTED, 5000);
  g_assert_cmpint (tr_call_agent_get_disconnect_reason (agent), ==,
                   TR_DISCONNECT_REASON_INVALID_TOKEN);
  g_assert_true (has_change (changes, TR_CONNECTION_STATE_DISCONNECTED,
                             TR_DISCONNECT_REASON_INVALID_TOKEN));
  /* No reconnect loop with a token the server refuses. */
  test_spin (500);
  g_assert_cmpint (tr_call_agent_get_connection_state (agent), ==,
                   TR_CONNECTION_STATE_DISCONNECTED);
  g_signal_handlers_disconnect_by_data (agent, changes);
}

static void
refresher (TrTokenCredential *credential, GCancellable *cancellable, GTask *task,
           gpointer user_data)
{
  AgentFixture *f = user_data;

  g_task_return_pointer (task, test_server_token (f->server, "erin", 3600), g_free);
  g_object_unref (task);
}

static void
test_token_refreshed_proactively (AgentFixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TrCallAgent) agent = NULL;
  TrTokenCredential *credential;
  gint64 first_expiry;

  agent = agent_connect (f, "erin", 3, NULL, &error);
  g_assert_no_error (error);
  credential = tr_call_agent_get_credential (agent);
  first_expiry = tr_token_credential_get_expires_at (credential);
  tr_token_credential_set_refresher (credential, refresher, f, NULL);

  /* Half of the remaining life (≤ 1.5 s) later the token is replaced; past the first token's
   * expiry the agent is still connected. */
  test_spin (4500);
  g_assert_cmpint (tr_token_credential_get_expires_at (credential), >, first_expiry + 3000);
  g_assert_cmpint (tr_call_agent_get_connection_state (agent), ==,
                   TR_CONNECTION_STATE_CONNECTED);
}

static void
test_revoked_and_garbage_tokens (AgentFixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TrTokenCredential) credential = NULL;

  /* Not a token at all: refused before any connection. */
  credential = tr_token_credential_new ("not-a-token", &error);
  g_assert_null (credential);
  g_assert_error (error, TR_ERROR, TR_STATUS_TOKEN_INVALID);
}

static void
test_server_lost_and_back (AgentFixture *f, gconstpointer data)
{
  g_autoptr(GArray) changes = g_array_new (FALSE, FALSE, sizeof (Change));
  g_autoptr(TrCall) a_call = NULL;
  g_autoptr(TrCall) b_call = NULL;
  TrCallAgent *agent = f->agents[A];

  a_call = connect_call (f, A, B, &b_call);
  g_signal_connect (agent, "connection-state-changed", G_CALLBACK (state_changed_cb), changes);

  test_server_stop (f->server);

  /* Calls end at once (480/2); the agent reconnects, gives up after 3 tries (50–200 ms). */
  wait_call_state (a_call, TR_CALL_STATE_DISCONNECTED, 3000);
  assert_end_reason (a_call, 480, 2);
  wait_connection_state (agent, TR_CONNECTION_STATE_DISCONNECTED, 5000);
  g_assert_cmpint (tr_call_agent_get_disconnect_reason (agent), ==,
                   TR_DISCONNECT_REASON_CONNECTION_ISSUE);
  g_assert_true (has_change (changes, TR_CONNECTION_STATE_CONNECTING,
                             TR_DISCONNECT_REASON_NONE)
                 || has_change (changes, TR_CONNECTION_STATE_CONNECTING,
                                TR_DISCONNECT_REASON_CONNECTION_ISSUE));
  g_assert_cmpuint (g_list_model_get_n_items (tr_call_agent_get_calls (agent)), ==, 0);

  /* Server back: the agent's probing finds it by itself. */
  test_server_start (f->server);
  wait_connection_state (agent, TR_CONNECTION_STATE_CONNECTED, 5000);
  g_assert_cmpint (tr_call_agent_get_disconnect_reason (agent), ==, TR_DISCONNECT_REASON_NONE);
  g_assert_cmpuint (tr_call_agent_get_reconnect_attempt (agent), ==, 0);
  wait_connection_state (f->agents[B], TR_CONNECTION_STATE_CONNECTED, 5000);

  /* And it works: a new call connects. */
  g_clear_object (&a_call);
  g_clear_object (&b_call);
  a_call = connect_call (f, A, B, &b_call);
  hang_up (a_call);
  wait_call_state (b_call, TR_CALL_STATE_DISCONNECTED, 3000);

  /* "Retry now" from CONNECTION_ISSUE. */
  test_server_stop (f->server);
  wait_connection_state (agent, TR_CONNECTION_STATE_DISCONNECTED, 5000);
  test_server_start (f->server);
  tr_call_agent_reconnect_now (agent);
  wait_connection_state (agent, TR_CONNECTION_STATE_CONNECTED, 2000);
  g_signal_handlers_disconnect_by_data (agent, changes);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(name, fn) \
  g_test_add (name, AgentFixture, NULL, agent_fixture_setup, fn, agent_fixture_teardown)

  ADD ("/connection/expired-token-refused", test_expired_token_refused);
  ADD ("/connection/revoked-token-refused", test_revoked_token_refused);
  ADD ("/connection/token-expires-while-connected", test_token_expires_while_connected);
  ADD ("/connection/token-refreshed-proactively", test_token_refreshed_proactively);
  ADD ("/connection/garbage-token", test_revoked_and_garbage_tokens);
  ADD ("/connection/server-lost-and-back", test_server_lost_and_back);

  return g_test_run ();
}
