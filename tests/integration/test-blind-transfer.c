/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Blind transfer end to end: four agents of the real model against the real server.
 * A = alice (transferor), B = bob (transferee), C = carol (target), D = dave (rules' target).
 */
#include "tr-agent-fixture.h"

#define WAIT 5000

/* A calls B, B answers; returns A's call and B's call. */
static TrCall *
a_calls_b (AgentFixture *f, TrCall **out_b_call)
{
  return connect_call (f, A, B, out_b_call);
}

static void
test_blind_success (AgentFixture *f, gconstpointer data)
{
  g_autoptr(TrCall) a_call = NULL;
  g_autoptr(TrCall) b_call = NULL;
  g_autoptr(TrTransfer) transfer = NULL;
  g_autoptr(TrIncomingCall) at_c = NULL;
  g_autoptr(TrCall) c_call = NULL;
  g_autoptr(TrCall) b_new = NULL;
  g_autoptr(GError) error = NULL;

  a_call = a_calls_b (f, &b_call);
  transfer = transfer_to (a_call, "carol", FALSE, &error);
  g_assert_no_error (error);
  g_assert_cmpint (tr_transfer_get_state (transfer), ==, TR_TRANSFER_STATE_TRANSFERRING);
  g_assert_nonnull (tr_transfer_get_id (transfer));

  /* A's side holds the call while the transfer runs; B sees it held. */
  wait_call_state (a_call, TR_CALL_STATE_LOCAL_HOLD, WAIT);
  wait_call_state (b_call, TR_CALL_STATE_REMOTE_HOLD, WAIT);

  /* B's model follows by itself and places the new call. */
  b_new = wait_transfer_accepted (f, B);
  g_assert_cmpint (tr_call_get_direction (b_new), ==, TR_CALL_DIRECTION_OUTGOING);
  g_assert_cmpstr (tr_identifier_get_raw_id (tr_call_get_remote_identifier (b_new)), ==, "carol");

  /* C sees B calling, with A as transferor. */
  at_c = wait_incoming (f, C);
  g_assert_cmpstr (tr_identifier_get_raw_id (tr_incoming_call_get_caller (at_c)), ==, "bob");
  g_assert_nonnull (tr_incoming_call_get_transferor (at_c));
  g_assert_cmpstr (tr_identifier_get_raw_id (tr_incoming_call_get_transferor (at_c)), ==, "alice");
  g_assert_cmpstr (tr_incoming_call_get_transfer_id (at_c), ==, tr_transfer_get_id (transfer));

  c_call = accept_call (at_c);
  wait_call_state (b_new, TR_CALL_STATE_CONNECTED, WAIT);
  wait_call_state (c_call, TR_CALL_STATE_CONNECTED, WAIT);
  g_assert_cmpstr (tr_call_get_id (b_new), ==, tr_call_get_id (c_call));
  g_assert_nonnull (tr_call_get_transferor (c_call));

  wait_transfer_state (transfer, TR_TRANSFER_STATE_TRANSFERRED, WAIT);
  g_assert_null (tr_transfer_get_error (transfer));
  g_assert_cmpstr (tr_transfer_get_target_call_id (transfer), ==, tr_call_get_id (c_call));

  /* A–B ends as "transferred" on both sides, and leaves A's list. */
  wait_call_state (a_call, TR_CALL_STATE_DISCONNECTED, WAIT);
  assert_end_reason (a_call, 0, 1);
  wait_call_state (b_call, TR_CALL_STATE_DISCONNECTED, WAIT);
  assert_end_reason (b_call, 0, 1);
  g_assert_cmpuint (g_list_model_get_n_items (tr_call_agent_get_calls (f->agents[A])), ==, 0);
  g_assert_cmpuint (g_list_model_get_n_items (tr_call_agent_get_calls (f->agents[B])), ==, 1);

  hang_up (b_new);
  wait_call_state (c_call, TR_CALL_STATE_DISCONNECTED, WAIT);
  assert_end_reason (c_call, 0, 0);
}

/* Runs a transfer A→(B)→C that C ends with @reason; checks FAILED with @code/@subcode and
 * that A can resume B. */
static void
check_failed_then_resume (AgentFixture *f, TrCall *a_call, TrCall *b_call, TrTransfer *transfer,
                          guint code, guint subcode)
{
  wait_transfer_state (transfer, TR_TRANSFER_STATE_FAILED, WAIT);
  g_assert_cmpuint (tr_transfer_get_error_code (transfer), ==, code);
  g_assert_cmpuint (tr_transfer_get_error_subcode (transfer), ==, subcode);
  g_assert_error (tr_transfer_get_error (transfer), TR_ERROR, (int) (code * 100 + subcode));

  /* B stays with A, on hold. */
  g_assert_cmpint (tr_call_get_state (a_call), ==, TR_CALL_STATE_LOCAL_HOLD);
  g_assert_cmpint (tr_call_get_state (b_call), ==, TR_CALL_STATE_REMOTE_HOLD);

  resume_call (a_call);
  wait_call_state (a_call, TR_CALL_STATE_CONNECTED, WAIT);
  wait_call_state (b_call, TR_CALL_STATE_CONNECTED, WAIT);
}

static void
test_blind_declined (AgentFixture *f, gconstpointer data)
{
  g_autoptr(TrCall) a_call = NULL;
  g_autoptr(TrCall) b_call = NULL;
  g_autoptr(TrTransfer) transfer = NULL;
  g_autoptr(TrIncomingCall) at_c = NULL;
  g_autoptr(TrCall) b_new = NULL;
  g_autoptr(GError) error = NULL;

  a_call = a_calls_b (f, &b_call);
  transfer = transfer_to (a_call, "carol", FALSE, &error);
  g_assert_no_error (error);
  at_c = wait_incoming (f, C);
  reject_call (at_c, TR_REJECT_REASON_DECLINED);

  b_new = wait_transfer_accepted (f, B);
  wait_call_state (b_new, TR_CALL_STATE_DISCONNECTED, WAIT);
  assert_end_reason (b_new, 603, 1);
  check_failed_then_resume (f, a_call, b_call, transfer, 603, 1);
}

static void
test_blind_busy (AgentFixture *f, gconstpointer data)
{
  g_autoptr(TrCall) a_call = NULL;
  g_autoptr(TrCall) b_call = NULL;
  g_autoptr(TrTransfer) transfer = NULL;
  g_autoptr(TrIncomingCall) at_c = NULL;
  g_autoptr(GError) error = NULL;

  a_call = a_calls_b (f, &b_call);
  transfer = transfer_to (a_call, "carol", FALSE, &error);
  g_assert_no_error (error);
  at_c = wait_incoming (f, C);
  reject_call (at_c, TR_REJECT_REASON_BUSY);
  check_failed_then_resume (f, a_call, b_call, transfer, 486, 1);

  /* The always-busy service line gives the same. */
  g_clear_object (&transfer);
  transfer = transfer_to (a_call, "line-busy", FALSE, &error);
  g_assert_no_error (error);
  check_failed_then_resume (f, a_call, b_call, transfer, 486, 1);
}

static void
test_blind_offline_and_unknown (AgentFixture *f, gconstpointer data)
{
  g_autoptr(TrCall) a_call = NULL;
  g_autoptr(TrCall) b_call = NULL;
  g_autoptr(GError) error = NULL;
  TrTransfer *transfer;

  a_call = a_calls_b (f, &b_call);

  /* erin exists but has never signed in. */
  transfer = transfer_to (a_call, "erin", FALSE, &error);
  g_assert_no_error (error);
  check_failed_then_resume (f, a_call, b_call, transfer, 480, 1);
  g_object_unref (transfer);

  /* An unknown id is refused at once (or fails right after): either way 404/1. */
  transfer = transfer_to (a_call, "zed", FALSE, &error);
  if (transfer == NULL)
    {
      g_assert_error (error, TR_ERROR, TR_STATUS_UNKNOWN_IDENTITY);
      g_clear_error (&error);
    }
  else
    {
      wait_transfer_state (transfer, TR_TRANSFER_STATE_FAILED, WAIT);
      g_assert_cmpuint (tr_transfer_get_error_code (transfer), ==, 404);
      g_object_unref (transfer);
    }
  /* The call with B is untouched and can go on. */
  if (tr_call_get_state (a_call) == TR_CALL_STATE_LOCAL_HOLD)
    resume_call (a_call);
  wait_call_state (a_call, TR_CALL_STATE_CONNECTED, WAIT);
  wait_call_state (b_call, TR_CALL_STATE_CONNECTED, WAIT);
}

static void
test_blind_no_answer_disabled (AgentFixture *f, gconstpointer data)
{
  g_autoptr(TrCall) a_call = NULL;
  g_autoptr(TrCall) b_call = NULL;
  g_autoptr(TrTransfer) transfer = NULL;
  g_autoptr(TrIncomingCall) at_c = NULL;
  g_autoptr(GError) error = NULL;
  gint64 start;

  /* C has an unanswered rule, but the transfer asks not to follow it. */
  set_settings (f, C, NULL, "dave", 1);
  a_call = a_calls_b (f, &b_call);
  start = g_get_monotonic_time ();
  transfer = transfer_to (a_call, "carol", TRUE, &error);
  g_assert_no_error (error);
  at_c = wait_incoming (f, C);

  check_failed_then_resume (f, a_call, b_call, transfer, 408, 1);
  /* It failed because of C's 1 s ring timeout, not at once. */
  g_assert_cmpint (g_get_monotonic_time () - start, >=, 900 * 1000);
  wait_incoming_ended (at_c, WAIT);
  assert_no_incoming (f, D, 200);
}

static void
test_blind_no_answer_unanswered_rule (AgentFixture *f, gconstpointer data)
{
  g_autoptr(TrCall) a_call = NULL;
  g_autoptr(TrCall) b_call = NULL;
  g_autoptr(TrTransfer) transfer = NULL;
  g_autoptr(TrIncomingCall) at_c = NULL;
  g_autoptr(TrIncomingCall) at_d = NULL;
  g_autoptr(TrCall) d_call = NULL;
  g_autoptr(TrCall) b_new = NULL;
  g_autoptr(GError) error = NULL;

  set_settings (f, C, NULL, "dave", 1);
  a_call = a_calls_b (f, &b_call);
  transfer = transfer_to (a_call, "carol", FALSE, &error);
  g_assert_no_error (error);

  at_c = wait_incoming (f, C);
  /* Nobody answers at C: after 1 s the call moves to D. */
  at_d = wait_incoming (f, D);
  wait_incoming_ended (at_c, WAIT);
  g_assert_cmpstr (tr_identifier_get_raw_id (tr_incoming_call_get_caller (at_d)), ==, "bob");
  g_assert_cmpstr (tr_identifier_get_raw_id (tr_incoming_call_get_transferor (at_d)), ==, "alice");

  d_call = accept_call (at_d);
  wait_transfer_state (transfer, TR_TRANSFER_STATE_TRANSFERRED, WAIT);
  b_new = wait_transfer_accepted (f, B);
  wait_call_state (b_new, TR_CALL_STATE_CONNECTED, WAIT);
  g_assert_cmpstr (tr_call_get_id (b_new), ==, tr_call_get_id (d_call));
  wait_call_state (a_call, TR_CALL_STATE_DISCONNECTED, WAIT);
  assert_end_reason (a_call, 0, 1);
}

static void
test_blind_forward_always (AgentFixture *f, gconstpointer data)
{
  g_autoptr(TrCall) a_call = NULL;
  g_autoptr(TrCall) b_call = NULL;
  g_autoptr(TrTransfer) first = NULL;
  g_autoptr(TrTransfer) second = NULL;
  g_autoptr(TrIncomingCall) at_c = NULL;
  g_autoptr(TrIncomingCall) at_d = NULL;
  g_autoptr(GError) error = NULL;

  set_settings (f, C, "dave", NULL, 30);
  a_call = a_calls_b (f, &b_call);

  /* Rules followed: D rings instead of C. */
  first = transfer_to (a_call, "carol", FALSE, &error);
  g_assert_no_error (error);
  at_d = wait_incoming (f, D);
  g_assert_cmpstr (tr_identifier_get_raw_id (tr_incoming_call_get_caller (at_d)), ==, "bob");
  assert_no_incoming (f, C, 200);
  reject_call (at_d, TR_REJECT_REASON_DECLINED);
  check_failed_then_resume (f, a_call, b_call, first, 603, 1);

  /* Rules ignored: C rings. */
  second = transfer_to (a_call, "carol", TRUE, &error);
  g_assert_no_error (error);
  at_c = wait_incoming (f, C);
  g_assert_cmpstr (tr_identifier_get_raw_id (tr_incoming_call_get_caller (at_c)), ==, "bob");
  assert_no_incoming (f, D, 200);
  reject_call (at_c, TR_REJECT_REASON_DECLINED);
  check_failed_then_resume (f, a_call, b_call, second, 603, 1);
}

static void
test_blind_transferee_hangs_up (AgentFixture *f, gconstpointer data)
{
  g_autoptr(TrCall) a_call = NULL;
  g_autoptr(TrCall) b_call = NULL;
  g_autoptr(TrTransfer) transfer = NULL;
  g_autoptr(TrIncomingCall) at_c = NULL;
  g_autoptr(GError) error = NULL;

  a_call = a_calls_b (f, &b_call);
  transfer = transfer_to (a_call, "carol", FALSE, &error);
  g_assert_no_error (error);
  at_c = wait_incoming (f, C);

  hang_up (b_call);
  wait_transfer_state (transfer, TR_TRANSFER_STATE_FAILED, WAIT);
  g_assert_cmpuint (tr_transfer_get_error_code (transfer), ==, 487);
  g_assert_cmpuint (tr_transfer_get_error_subcode (transfer), ==, 2);
  /* C's ringing call is cancelled, A's call is over. */
  wait_incoming_ended (at_c, WAIT);
  wait_call_state (a_call, TR_CALL_STATE_DISCONNECTED, WAIT);
}

static void
test_blind_transferor_hangs_up (AgentFixture *f, gconstpointer data)
{
  g_autoptr(TrCall) a_call = NULL;
  g_autoptr(TrCall) b_call = NULL;
  g_autoptr(TrTransfer) transfer = NULL;
  g_autoptr(TrIncomingCall) at_c = NULL;
  g_autoptr(TrCall) c_call = NULL;
  g_autoptr(TrCall) b_new = NULL;
  g_autoptr(GError) error = NULL;

  a_call = a_calls_b (f, &b_call);
  transfer = transfer_to (a_call, "carol", FALSE, &error);
  g_assert_no_error (error);
  at_c = wait_incoming (f, C);

  /* A leaves while C rings: the transfer goes on. */
  hang_up (a_call);
  wait_call_state (a_call, TR_CALL_STATE_DISCONNECTED, WAIT);

  c_call = accept_call (at_c);
  b_new = wait_transfer_accepted (f, B);
  wait_call_state (b_new, TR_CALL_STATE_CONNECTED, WAIT);
  wait_call_state (c_call, TR_CALL_STATE_CONNECTED, WAIT);
  wait_call_state (b_call, TR_CALL_STATE_DISCONNECTED, WAIT);
  wait_transfer_state (transfer, TR_TRANSFER_STATE_TRANSFERRED, WAIT);
}

static void
test_blind_second_transfer_refused (AgentFixture *f, gconstpointer data)
{
  g_autoptr(TrCall) a_call = NULL;
  g_autoptr(TrCall) b_call = NULL;
  g_autoptr(TrTransfer) first = NULL;
  g_autoptr(TrTransfer) second = NULL;
  g_autoptr(TrIncomingCall) at_c = NULL;
  g_autoptr(GError) error = NULL;

  a_call = a_calls_b (f, &b_call);
  first = transfer_to (a_call, "carol", FALSE, &error);
  g_assert_no_error (error);
  at_c = wait_incoming (f, C);

  second = transfer_to (a_call, "dave", FALSE, &error);
  g_assert_null (second);
  g_assert_error (error, TR_ERROR, TR_STATUS_TRANSFER_IN_PROGRESS);
  assert_no_incoming (f, D, 200);

  /* The first one is unaffected. */
  g_assert_cmpint (tr_transfer_get_state (first), ==, TR_TRANSFER_STATE_TRANSFERRING);
  reject_call (at_c, TR_REJECT_REASON_DECLINED);
  check_failed_then_resume (f, a_call, b_call, first, 603, 1);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(name, fn) \
  g_test_add (name, AgentFixture, NULL, agent_fixture_setup, fn, agent_fixture_teardown)

  ADD ("/blind/success", test_blind_success);
  ADD ("/blind/declined", test_blind_declined);
  ADD ("/blind/busy", test_blind_busy);
  ADD ("/blind/offline-and-unknown", test_blind_offline_and_unknown);
  ADD ("/blind/no-answer-disabled", test_blind_no_answer_disabled);
  ADD ("/blind/no-answer-unanswered-rule", test_blind_no_answer_unanswered_rule);
  ADD ("/blind/forward-always", test_blind_forward_always);
  ADD ("/blind/transferee-hangs-up", test_blind_transferee_hangs_up);
  ADD ("/blind/transferor-hangs-up", test_blind_transferor_hangs_up);
  ADD ("/blind/second-transfer-refused", test_blind_second_transfer_refused);

  return g_test_run ();
}
