/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "TrAgentFixture"

#include "tr-agent-fixture.h"

static const char *const user_ids[N_AGENTS] = { "alice", "bob", "carol", "dave" };
static const char *const user_names[N_AGENTS] = { "Alice", "Bob", "Carol", "Dave" };

#define WAIT_MS 5000

static void
result_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  GAsyncResult **out = user_data;

  *out = g_object_ref (result);
}

static GAsyncResult *
wait_result (GAsyncResult **slot)
{
  gint64 deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;

  while (*slot == NULL)
    {
      g_main_context_iteration (NULL, FALSE);
      if (*slot == NULL)
        g_usleep (500);
      if (g_get_monotonic_time () > deadline)
        g_error ("async operation did not complete within 10 s");
    }
  return *slot;
}

static void
incoming_call_cb (TrCallAgent *agent, TrIncomingCall *incoming, gpointer user_data)
{
  AgentSlot *slot = user_data;

  g_queue_push_tail (&slot->f->incoming[slot->who], g_object_ref (incoming));
}

static void
transfer_accepted_cb (TrCallTransfer *feature, TrCall *target_call, gpointer user_data)
{
  AgentSlot *slot = user_data;

  g_ptr_array_add (slot->f->accepted[slot->who], g_object_ref (target_call));
}

static void
calls_changed_cb (GListModel *calls, guint position, guint removed, guint added, gpointer user_data)
{
  AgentSlot *slot = user_data;

  for (guint i = position; i < position + added; i++)
    {
      g_autoptr(TrCall) call = g_list_model_get_item (calls, i);

      if (!g_hash_table_add (slot->f->watched, g_object_ref (call)))
        continue;
      g_signal_connect (tr_call_get_transfer (call), "transfer-accepted",
                        G_CALLBACK (transfer_accepted_cb), slot);
    }
}

TrCallAgent *
agent_connect (AgentFixture *f, const char *user, int ttl, const TrCallAgentOptions *options,
               GError **error)
{
  g_autofree char *token = test_server_token (f->server, user, ttl);
  g_autoptr(TrTokenCredential) credential = tr_token_credential_new (token, error);
  g_autoptr(GAsyncResult) result = NULL;

  if (credential == NULL)
    return NULL;
  tr_call_client_create_agent_async (f->client, f->server->url, credential, options, NULL,
                                     result_cb, &result);
  return tr_call_client_create_agent_finish (f->client, wait_result (&result), error);
}

void
agent_fixture_setup (AgentFixture *f, gconstpointer data)
{
  agent_fixture_setup_full (f, NULL);
}

void
agent_fixture_setup_full (AgentFixture *f, TrCallAgentOptions *const *per_agent)
{
  g_autoptr(TrCallAgentOptions) defaults = tr_call_agent_options_new ();

  defaults->reconnect_base_delay_ms = 50;
  defaults->reconnect_max_delay_ms = 200;
  defaults->reconnect_max_attempts = 3;

  f->server = test_server_new ();
  for (int i = 0; i < N_AGENTS; i++)
    test_server_add_user (f->server, user_ids[i], user_names[i]);
  test_server_add_user (f->server, "erin", "Erin");

  f->client = tr_call_client_new ();
  f->watched = g_hash_table_new_full (NULL, NULL, g_object_unref, NULL);
  for (int i = 0; i < N_AGENTS; i++)
    {
      g_autoptr(GError) error = NULL;
      AgentSlot *slot = &f->slots[i];

      slot->f = f;
      slot->who = i;
      g_queue_init (&f->incoming[i]);
      f->accepted[i] = g_ptr_array_new_with_free_func (g_object_unref);
      f->agents[i] = agent_connect (f, user_ids[i], 3600,
                                    per_agent && per_agent[i] ? per_agent[i] : defaults, &error);
      g_assert_no_error (error);
      g_assert_cmpint (tr_call_agent_get_connection_state (f->agents[i]), ==,
                       TR_CONNECTION_STATE_CONNECTED);
      g_signal_connect (f->agents[i], "incoming-call", G_CALLBACK (incoming_call_cb), slot);
      g_signal_connect (tr_call_agent_get_calls (f->agents[i]), "items-changed",
                        G_CALLBACK (calls_changed_cb), slot);
    }
}

void
agent_fixture_teardown (AgentFixture *f, gconstpointer data)
{
  for (int i = 0; i < N_AGENTS; i++)
    {
      if (f->agents[i] != NULL)
        {
          g_signal_handlers_disconnect_by_data (tr_call_agent_get_calls (f->agents[i]),
                                                &f->slots[i]);
          g_signal_handlers_disconnect_by_data (f->agents[i], &f->slots[i]);
          tr_call_agent_disconnect (f->agents[i]);
        }
      g_queue_clear_full (&f->incoming[i], g_object_unref);
      g_clear_pointer (&f->accepted[i], g_ptr_array_unref);
    }
  /* Let the closing handshakes and the last events run, then check nothing leaks. */
  test_spin (50);
  g_clear_pointer (&f->watched, g_hash_table_unref);
  for (int i = 0; i < N_AGENTS; i++)
    if (f->agents[i] != NULL)
      g_assert_finalize_object (g_steal_pointer (&f->agents[i]));
  g_assert_finalize_object (g_steal_pointer (&f->client));
  test_server_free (f->server);
}

static gboolean
queue_nonempty (GQueue *queue, guint timeout_ms)
{
  gint64 deadline = g_get_monotonic_time () + (gint64) timeout_ms * 1000;

  while (g_queue_is_empty (queue) && g_get_monotonic_time () < deadline)
    {
      g_main_context_iteration (NULL, FALSE);
      g_usleep (500);
    }
  return !g_queue_is_empty (queue);
}

TrIncomingCall *
wait_incoming (AgentFixture *f, int who)
{
  if (!queue_nonempty (&f->incoming[who], WAIT_MS))
    g_error ("no incoming call at %s", user_ids[who]);
  return g_queue_pop_head (&f->incoming[who]);
}

void
assert_no_incoming (AgentFixture *f, int who, guint ms)
{
  if (queue_nonempty (&f->incoming[who], ms))
    g_error ("unexpected incoming call at %s", user_ids[who]);
}

TrCall *
start_call (AgentFixture *f, int from, const char *to, GError **error)
{
  g_autoptr(TrIdentifier) id = tr_identifier_new_user (to);
  g_autoptr(GAsyncResult) result = NULL;

  tr_call_agent_start_call_async (f->agents[from], id, FALSE, NULL, result_cb, &result);
  return tr_call_agent_start_call_finish (f->agents[from], wait_result (&result), error);
}

TrCall *
accept_call (TrIncomingCall *incoming)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  TrCall *call;

  tr_incoming_call_accept_async (incoming, NULL, result_cb, &result);
  call = tr_incoming_call_accept_finish (incoming, wait_result (&result), &error);
  g_assert_no_error (error);
  g_assert_nonnull (call);
  return call;
}

void
reject_call (TrIncomingCall *incoming, TrRejectReason reason)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  tr_incoming_call_reject_async (incoming, reason, NULL, result_cb, &result);
  g_assert_true (tr_incoming_call_reject_finish (incoming, wait_result (&result), &error));
  g_assert_no_error (error);
}

TrCall *
connect_call (AgentFixture *f, int from, int to, TrCall **out_callee)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TrIncomingCall) incoming = NULL;
  TrCall *caller_call;
  TrCall *callee_call;

  caller_call = start_call (f, from, user_ids[to], &error);
  g_assert_no_error (error);
  incoming = wait_incoming (f, to);
  g_assert_cmpstr (tr_identifier_get_raw_id (tr_incoming_call_get_caller (incoming)), ==,
                   user_ids[from]);
  callee_call = accept_call (incoming);
  wait_call_state (caller_call, TR_CALL_STATE_CONNECTED, WAIT_MS);
  wait_call_state (callee_call, TR_CALL_STATE_CONNECTED, WAIT_MS);
  g_assert_cmpstr (tr_call_get_id (caller_call), ==, tr_call_get_id (callee_call));
  if (out_callee)
    *out_callee = callee_call;
  else
    g_object_unref (callee_call);
  return caller_call;
}

static const char *
call_state_name (TrCallState state)
{
  g_autoptr(GEnumClass) klass = g_type_class_ref (TR_TYPE_CALL_STATE);

  return g_enum_get_value (klass, state)->value_nick;
}

void
wait_call_state (TrCall *call, TrCallState state, guint timeout_ms)
{
  gint64 deadline = g_get_monotonic_time () + (gint64) timeout_ms * 1000;

  while (tr_call_get_state (call) != state && g_get_monotonic_time () < deadline)
    {
      g_main_context_iteration (NULL, FALSE);
      g_usleep (500);
    }
  if (tr_call_get_state (call) != state)
    g_error ("call %s: state %s, expected %s", tr_call_get_id (call),
             call_state_name (tr_call_get_state (call)), call_state_name (state));
}

void
wait_transfer_state (TrTransfer *transfer, TrTransferState state, guint timeout_ms)
{
  gint64 deadline = g_get_monotonic_time () + (gint64) timeout_ms * 1000;

  while (tr_transfer_get_state (transfer) != state && g_get_monotonic_time () < deadline)
    {
      g_main_context_iteration (NULL, FALSE);
      g_usleep (500);
    }
  if (tr_transfer_get_state (transfer) != state)
    g_error ("transfer: state %d, expected %d (error: %s)", tr_transfer_get_state (transfer),
             state, tr_transfer_get_error (transfer) ? tr_transfer_get_error (transfer)->message
                                                     : "none");
}

void
wait_incoming_ended (TrIncomingCall *incoming, guint timeout_ms)
{
  gint64 deadline = g_get_monotonic_time () + (gint64) timeout_ms * 1000;

  while (tr_incoming_call_get_end_reason (incoming) == NULL
         && g_get_monotonic_time () < deadline)
    {
      g_main_context_iteration (NULL, FALSE);
      g_usleep (500);
    }
  g_assert_nonnull (tr_incoming_call_get_end_reason (incoming));
}

void
wait_connection_state (TrCallAgent *agent, TrConnectionState state, guint timeout_ms)
{
  gint64 deadline = g_get_monotonic_time () + (gint64) timeout_ms * 1000;

  while (tr_call_agent_get_connection_state (agent) != state
         && g_get_monotonic_time () < deadline)
    {
      g_main_context_iteration (NULL, FALSE);
      g_usleep (500);
    }
  g_assert_cmpint (tr_call_agent_get_connection_state (agent), ==, state);
}

TrTransfer *
transfer_with (TrCall *call, TrTransferLocator *locator, GError **error)
{
  g_autoptr(GAsyncResult) result = NULL;
  TrCallTransfer *feature = tr_call_get_transfer (call);

  tr_call_transfer_transfer_async (feature, locator, NULL, result_cb, &result);
  return tr_call_transfer_transfer_finish (feature, wait_result (&result), error);
}

TrTransfer *
transfer_to (TrCall *call, const char *to, gboolean no_forwarding, GError **error)
{
  g_autoptr(TrIdentifier) id = tr_identifier_new_user (to);
  g_autoptr(TrTransferLocator) locator = tr_transfer_locator_new_participant (id, no_forwarding);

  return transfer_with (call, locator, error);
}

TrCall *
wait_transfer_accepted (AgentFixture *f, int who)
{
  gint64 deadline = g_get_monotonic_time () + WAIT_MS * 1000;

  while (f->accepted[who]->len == 0 && g_get_monotonic_time () < deadline)
    {
      g_main_context_iteration (NULL, FALSE);
      g_usleep (500);
    }
  if (f->accepted[who]->len == 0)
    g_error ("no transfer-accepted at %s", user_ids[who]);
  return g_ptr_array_steal_index (f->accepted[who], 0);
}

#define SIMPLE_CALL_OP(name, async, finish)                                                  \
  void name (TrCall *call)                                                                   \
  {                                                                                          \
    g_autoptr(GAsyncResult) result = NULL;                                                   \
    g_autoptr(GError) error = NULL;                                                          \
                                                                                             \
    async (call, NULL, result_cb, &result);                                                  \
    g_assert_true (finish (call, wait_result (&result), &error));                            \
    g_assert_no_error (error);                                                               \
  }

SIMPLE_CALL_OP (hold_call, tr_call_hold_async, tr_call_hold_finish)
SIMPLE_CALL_OP (resume_call, tr_call_resume_async, tr_call_resume_finish)
SIMPLE_CALL_OP (hang_up, tr_call_hang_up_async, tr_call_hang_up_finish)

void
set_settings (AgentFixture *f, int who, const char *forward_always,
              const char *unanswered_target, guint ring_timeout)
{
  g_autoptr(TrCallSettings) settings = tr_call_settings_new ();
  g_autoptr(TrCallSettings) result_settings = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  tr_call_settings_set_forward_always (settings, forward_always);
  tr_call_settings_set_unanswered_target (settings, unanswered_target);
  tr_call_settings_set_ring_timeout (settings, ring_timeout);
  tr_call_agent_set_settings_async (f->agents[who], settings, NULL, result_cb, &result);
  result_settings = tr_call_agent_set_settings_finish (f->agents[who], wait_result (&result),
                                                       &error);
  g_assert_no_error (error);
  g_assert_cmpstr (result_settings->forward_always, ==, forward_always);
  g_assert_cmpstr (result_settings->unanswered_target, ==, unanswered_target);
  g_assert_cmpuint (result_settings->ring_timeout, ==, ring_timeout);
}

void
assert_end_reason (TrCall *call, guint code, guint subcode)
{
  const TrCallEndReason *reason = tr_call_get_end_reason (call);

  g_assert_nonnull (reason);
  g_assert_cmpuint (reason->code, ==, code);
  g_assert_cmpuint (reason->subcode, ==, subcode);
}
