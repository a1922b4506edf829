/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Attended transfer (locator "call") and transfer to voicemail through the model: agents of the
 * real model against the real server, signaling only (TRANSFER_MEDIA=0, tests/meson.build).
 * A = alice (transferor), B = bob (transferee), C = carol (target), D = dave.
 */
#include "tr-agent-fixture.h"

#define WAIT 5000

/* A–B connected and held by A, A–C connected (A consulted C). */
static void
setup_consultation (AgentFixture *f,
                    TrCall      **a_b,
                    TrCall      **b_a,
                    TrCall      **a_c,
                    TrCall      **c_a)
{
  *a_b = connect_call (f, A, B, b_a);
  hold_call (*a_b);
  wait_call_state (*a_b, TR_CALL_STATE_LOCAL_HOLD, WAIT);
  wait_call_state (*b_a, TR_CALL_STATE_REMOTE_HOLD, WAIT);
  *a_c = connect_call (f, A, C, c_a);
}

static TrTransfer *
transfer_to_call (TrCall *call, TrCall *target, GError **error)
{
  g_autoptr(TrTransferLocator) locator = tr_transfer_locator_new_call (tr_call_get_id (target));

  return transfer_with (call, locator, error);
}

/* After a failure A resumes B and both are connected again. */
static void
assert_a_resumes_b (TrCall *a_b, TrCall *b_a)
{
  g_assert_cmpint (tr_call_get_state (a_b), ==, TR_CALL_STATE_LOCAL_HOLD);
  resume_call (a_b);
  wait_call_state (a_b, TR_CALL_STATE_CONNECTED, WAIT);
  wait_call_state (b_a, TR_CALL_STATE_CONNECTED, WAIT);
}

static void
assert_failed (TrTransfer *transfer, guint code, guint subcode)
{
  wait_transfer_state (transfer, TR_TRANSFER_STATE_FAILED, WAIT);
  g_assert_cmpuint (tr_transfer_get_error_code (transfer), ==, code);
  g_assert_cmpuint (tr_transfer_get_error_subcode (transfer), ==, subcode);
}

static void
test_attended_success (AgentFixture *f, gconstpointer data)
{
  g_autoptr(TrCall) a_b = NULL, b_a = NULL, a_c = NULL, c_a = NULL, b_new = NULL;
  g_autoptr(TrCall) c_new = NULL;
  g_autoptr(TrTransfer) transfer = NULL;
  g_autoptr(GError) error = NULL;
  GListModel *c_calls = tr_call_agent_get_calls (f->agents[C]);

  setup_consultation (f, &a_b, &b_a, &a_c, &c_a);

  transfer = transfer_to_call (a_b, a_c, &error);
  g_assert_no_error (error);
  g_assert_cmpint (tr_transfer_get_state (transfer), ==, TR_TRANSFER_STATE_TRANSFERRING);

  /* B's model places the replacing call by itself. */
  b_new = wait_transfer_accepted (f, B);
  g_assert_cmpstr (tr_identifier_get_raw_id (tr_call_get_remote_identifier (b_new)), ==, "carol");
  wait_call_state (b_new, TR_CALL_STATE_CONNECTED, WAIT);

  wait_transfer_state (transfer, TR_TRANSFER_STATE_TRANSFERRED, WAIT);
  g_assert_cmpstr (tr_transfer_get_target_call_id (transfer), ==, tr_call_get_id (b_new));

  /* Both of A's calls end: X transferred, Y replaced. */
  wait_call_state (a_b, TR_CALL_STATE_DISCONNECTED, WAIT);
  assert_end_reason (a_b, 0, 1);
  wait_call_state (a_c, TR_CALL_STATE_DISCONNECTED, WAIT);
  assert_end_reason (a_c, 0, 2);
  g_assert_cmpuint (g_list_model_get_n_items (tr_call_agent_get_calls (f->agents[A])), ==, 0);
  wait_call_state (b_a, TR_CALL_STATE_DISCONNECTED, WAIT);
  assert_end_reason (b_a, 0, 1);

  /* C: the new call took the old one's place, without ringing. */
  wait_call_state (c_a, TR_CALL_STATE_DISCONNECTED, WAIT);
  assert_end_reason (c_a, 0, 2);
  g_assert_cmpuint (g_list_model_get_n_items (c_calls), ==, 1);
  c_new = g_list_model_get_item (c_calls, 0);
  g_assert_cmpstr (tr_call_get_id (c_new), ==, tr_call_get_id (b_new));
  g_assert_cmpint (tr_call_get_state (c_new), ==, TR_CALL_STATE_CONNECTED);
  g_assert_cmpstr (tr_identifier_get_raw_id (tr_call_get_remote_identifier (c_new)), ==, "bob");
  g_assert_cmpuint (g_list_model_get_n_items (tr_call_agent_get_incoming_calls (f->agents[C])),
                    ==, 0);
  assert_no_incoming (f, C, 200);

  hang_up (b_new);
  wait_call_state (c_new, TR_CALL_STATE_DISCONNECTED, WAIT);
  assert_end_reason (c_new, 0, 0);
}

/* 481/2: A–C has ended before A asks. */
static void
test_attended_target_ended (AgentFixture *f, gconstpointer data)
{
  g_autoptr(TrCall) a_b = NULL, b_a = NULL, a_c = NULL, c_a = NULL;
  g_autoptr(TrTransfer) transfer = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *y = NULL;

  setup_consultation (f, &a_b, &b_a, &a_c, &c_a);
  y = g_strdup (tr_call_get_id (a_c));
  hang_up (c_a);
  wait_call_state (a_c, TR_CALL_STATE_DISCONNECTED, WAIT);

  {
    g_autoptr(TrTransferLocator) locator = tr_transfer_locator_new_call (y);

    transfer = transfer_with (a_b, locator, &error);
  }
  g_assert_null (transfer);
  g_assert_error (error, TR_ERROR, TR_STATUS_TARGET_CALL_ENDED);
  assert_no_incoming (f, C, 100);
  assert_a_resumes_b (a_b, b_a);
}

/* 603/1: C (a raw session of carol that holds Y) refuses the replacing call. */
static void
test_attended_declined (AgentFixture *f, gconstpointer data)
{
  g_autoptr(TrCall) a_b = NULL, b_a = NULL, a_c = NULL, b_new = NULL;
  g_autoptr(TrIncomingCall) at_c = NULL;
  g_autoptr(TrTransfer) transfer = NULL;
  g_autoptr(TestClient) raw_c = test_client_new (f->server, "carol");
  g_autoptr(JsonObject) ringing = NULL;
  g_autoptr(JsonObject) accepted = NULL;
  g_autoptr(JsonObject) replacing = NULL;
  g_autoptr(JsonObject) rejected = NULL;
  g_autoptr(GError) error = NULL;
  JsonObject *z_info;

  a_b = connect_call (f, A, B, &b_a);
  hold_call (a_b);
  wait_call_state (a_b, TR_CALL_STATE_LOCAL_HOLD, WAIT);

  a_c = start_call (f, A, "carol", &error);
  g_assert_no_error (error);
  at_c = wait_incoming (f, C);              /* the agent's session rings too … */
  ringing = test_client_wait (raw_c, "call.incoming", NULL);
  accepted = test_client_ok (raw_c, "call.accept", "\"call\": \"%s\"", tr_call_get_id (a_c));
  wait_call_state (a_c, TR_CALL_STATE_CONNECTED, WAIT);
  wait_incoming_ended (at_c, WAIT);         /* … and is told it was answered elsewhere */

  transfer = transfer_to_call (a_b, a_c, &error);
  g_assert_no_error (error);
  b_new = wait_transfer_accepted (f, B);

  replacing = test_client_wait (raw_c, "call.incoming", NULL);
  z_info = json_object_get_object_member (replacing, "call");
  g_assert_cmpstr (json_object_get_string_member (z_info, "replaces"), ==, tr_call_get_id (a_c));
  rejected = test_client_ok (raw_c, "call.reject", "\"call\": \"%s\", \"reason\": \"declined\"",
                             json_object_get_string_member (z_info, "id"));

  assert_failed (transfer, 603, 1);
  wait_call_state (b_new, TR_CALL_STATE_DISCONNECTED, WAIT);
  g_assert_cmpint (tr_call_get_state (a_c), ==, TR_CALL_STATE_CONNECTED);   /* Y goes on */
  assert_no_incoming (f, C, 100);
  assert_a_resumes_b (a_b, b_a);
}

/* 487/2: B (a raw session of bob) leaves X instead of placing the replacing call; Y goes on. */
static void
test_attended_transferee_hangs_up (AgentFixture *f, gconstpointer data)
{
  g_autoptr(TrCall) a_b = NULL, a_c = NULL, c_a = NULL;
  g_autoptr(TrTransfer) transfer = NULL;
  g_autoptr(TestClient) raw_b = test_client_new (f->server, "bob");
  g_autoptr(TrIncomingCall) at_b = NULL;
  g_autoptr(JsonObject) ringing = NULL;
  g_autoptr(JsonObject) accepted = NULL;
  g_autoptr(JsonObject) request = NULL;
  g_autoptr(JsonObject) hung_up = NULL;
  g_autoptr(GError) error = NULL;

  a_b = start_call (f, A, "bob", &error);
  g_assert_no_error (error);
  at_b = wait_incoming (f, B);
  ringing = test_client_wait (raw_b, "call.incoming", NULL);
  accepted = test_client_ok (raw_b, "call.accept", "\"call\": \"%s\"", tr_call_get_id (a_b));
  wait_call_state (a_b, TR_CALL_STATE_CONNECTED, WAIT);
  hold_call (a_b);
  a_c = connect_call (f, A, C, &c_a);

  transfer = transfer_to_call (a_b, a_c, &error);
  g_assert_no_error (error);
  request = test_client_wait (raw_b, "transfer.request", NULL);
  g_assert_cmpstr (json_object_get_string_member (request, "replaces"), ==, tr_call_get_id (a_c));
  hung_up = test_client_ok (raw_b, "call.hangup", "\"call\": \"%s\"", tr_call_get_id (a_b));

  assert_failed (transfer, 487, 2);
  wait_call_state (a_b, TR_CALL_STATE_DISCONNECTED, WAIT);
  /* Y goes on, and C never rang. */
  g_assert_cmpint (tr_call_get_state (a_c), ==, TR_CALL_STATE_CONNECTED);
  g_assert_cmpint (tr_call_get_state (c_a), ==, TR_CALL_STATE_CONNECTED);
  assert_no_incoming (f, C, 200);
  g_assert_cmpuint (g_list_model_get_n_items (tr_call_agent_get_calls (f->agents[C])), ==, 1);
}

/* 400/6: A–C still rings; A waits for C to answer, then the transfer works. */
static void
test_attended_target_ringing (AgentFixture *f, gconstpointer data)
{
  g_autoptr(TrCall) a_b = NULL, b_a = NULL, a_c = NULL, c_a = NULL, b_new = NULL;
  g_autoptr(TrIncomingCall) at_c = NULL;
  g_autoptr(TrTransfer) transfer = NULL;
  g_autoptr(TrTransfer) refused = NULL;
  g_autoptr(GError) error = NULL;

  a_b = connect_call (f, A, B, &b_a);
  hold_call (a_b);
  wait_call_state (a_b, TR_CALL_STATE_LOCAL_HOLD, WAIT);
  a_c = start_call (f, A, "carol", &error);
  g_assert_no_error (error);
  at_c = wait_incoming (f, C);
  wait_call_state (a_c, TR_CALL_STATE_RINGING, WAIT);

  refused = transfer_to_call (a_b, a_c, &error);
  g_assert_null (refused);
  g_assert_error (error, TR_ERROR, TR_STATUS_OUT_OF_ORDER);
  g_clear_error (&error);
  g_assert_cmpint (tr_call_get_state (a_b), ==, TR_CALL_STATE_LOCAL_HOLD);

  c_a = accept_call (at_c);
  wait_call_state (a_c, TR_CALL_STATE_CONNECTED, WAIT);
  transfer = transfer_to_call (a_b, a_c, &error);
  g_assert_no_error (error);
  b_new = wait_transfer_accepted (f, B);
  wait_transfer_state (transfer, TR_TRANSFER_STATE_TRANSFERRED, WAIT);
  wait_call_state (c_a, TR_CALL_STATE_DISCONNECTED, WAIT);
  assert_end_reason (c_a, 0, 2);
  hang_up (b_new);
}

/* 491/1: Y is being transferred (blind, to D) when A asks to transfer X to Y. */
static void
test_attended_second_transfer (AgentFixture *f, gconstpointer data)
{
  g_autoptr(TrCall) a_b = NULL, b_a = NULL, a_c = NULL, c_a = NULL;
  g_autoptr(TrTransfer) blind = NULL;
  g_autoptr(TrTransfer) attended = NULL;
  g_autoptr(TrIncomingCall) at_d = NULL;
  g_autoptr(GError) error = NULL;

  setup_consultation (f, &a_b, &b_a, &a_c, &c_a);
  blind = transfer_to (a_c, "dave", TRUE, &error);
  g_assert_no_error (error);
  at_d = wait_incoming (f, D);

  attended = transfer_to_call (a_b, a_c, &error);
  g_assert_null (attended);
  g_assert_error (error, TR_ERROR, TR_STATUS_TRANSFER_IN_PROGRESS);
  g_clear_error (&error);

  reject_call (at_d, TR_REJECT_REASON_DECLINED);
  assert_failed (blind, 603, 1);
  assert_a_resumes_b (a_b, b_a);
}

/* The model refuses a call locator naming the call itself without asking (400/4). */
static void
test_attended_to_itself (AgentFixture *f, gconstpointer data)
{
  g_autoptr(TrCall) a_b = NULL, b_a = NULL;
  g_autoptr(TrTransfer) transfer = NULL;
  g_autoptr(GError) error = NULL;

  a_b = connect_call (f, A, B, &b_a);
  transfer = transfer_to_call (a_b, a_b, &error);
  g_assert_null (transfer);
  g_assert_error (error, TR_ERROR, TR_STATUS_INVALID_FIELD);
  g_assert_cmpint (tr_call_get_state (a_b), ==, TR_CALL_STATE_CONNECTED);
}

/* To voicemail: B's new call is answered by C's mailbox (the line, not C: C never rings). */
static void
test_voicemail_transfer (AgentFixture *f, gconstpointer data)
{
  g_autoptr(TrCall) a_b = NULL, b_a = NULL, b_new = NULL;
  g_autoptr(TrTransfer) transfer = NULL;
  g_autoptr(TrIdentifier) carol = tr_identifier_new_user ("carol");
  g_autoptr(TrTransferLocator) locator = tr_transfer_locator_new_voicemail (carol);
  g_autoptr(GError) error = NULL;

  a_b = connect_call (f, A, B, &b_a);
  transfer = transfer_with (a_b, locator, &error);
  g_assert_no_error (error);
  b_new = wait_transfer_accepted (f, B);
  g_assert_cmpstr (tr_identifier_get_raw_id (tr_call_get_remote_identifier (b_new)), ==, "carol");
  wait_call_state (b_new, TR_CALL_STATE_CONNECTED, WAIT);
  wait_transfer_state (transfer, TR_TRANSFER_STATE_TRANSFERRED, WAIT);
  wait_call_state (a_b, TR_CALL_STATE_DISCONNECTED, WAIT);
  assert_end_reason (a_b, 0, 1);
  assert_no_incoming (f, C, 200);
  hang_up (b_new);
}

/* A voicemail locator for a service line is refused by the server (400/4). */
static void
test_voicemail_transfer_refused (AgentFixture *f, gconstpointer data)
{
  g_autoptr(TrCall) a_b = NULL, b_a = NULL;
  g_autoptr(TrTransfer) transfer = NULL;
  g_autoptr(TrIdentifier) erin = tr_identifier_new_user ("nobody-here");
  g_autoptr(TrTransferLocator) locator = tr_transfer_locator_new_voicemail (erin);
  g_autoptr(GError) error = NULL;

  a_b = connect_call (f, A, B, &b_a);
  transfer = transfer_with (a_b, locator, &error);
  g_assert_null (transfer);
  g_assert_error (error, TR_ERROR, TR_STATUS_UNKNOWN_IDENTITY);
  g_assert_cmpint (tr_call_get_state (a_b), ==, TR_CALL_STATE_CONNECTED);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(name, fn) \
  g_test_add (name, AgentFixture, NULL, agent_fixture_setup, fn, agent_fixture_teardown)

  ADD ("/attended/success", test_attended_success);
  ADD ("/attended/target-ended", test_attended_target_ended);
  ADD ("/attended/declined", test_attended_declined);
  ADD ("/attended/transferee-hangs-up", test_attended_transferee_hangs_up);
  ADD ("/attended/target-ringing", test_attended_target_ringing);
  ADD ("/attended/second-transfer", test_attended_second_transfer);
  ADD ("/attended/to-itself", test_attended_to_itself);
  ADD ("/voicemail/transfer", test_voicemail_transfer);
  ADD ("/voicemail/transfer-unknown-user", test_voicemail_transfer_refused);

  return g_test_run ();
}
