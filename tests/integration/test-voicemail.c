/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Voicemail through the model, signaling only (TRANSFER_MEDIA=0): the agent's TrVoicemailBox,
 * direct calls to a mailbox, the unanswered rule "voicemail". Messages need media to be
 * recorded (no audio, no message): the box with messages, mark heard, delete and the audio are
 * tested in tests/media (test-voicemail-media.c).
 */
#include "tr-agent-fixture.h"

#define WAIT 5000

static void
spin_until_loaded (TrVoicemailBox *box)
{
  gint64 deadline = g_get_monotonic_time () + WAIT * 1000;

  while (!tr_voicemail_box_get_loaded (box) && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, FALSE) || (g_usleep (500), TRUE);
  g_assert_true (tr_voicemail_box_get_loaded (box));
}

static void
result_cb (GObject *object, GAsyncResult *result, gpointer user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

static GAsyncResult *
wait_result (GAsyncResult **result)
{
  gint64 deadline = g_get_monotonic_time () + WAIT * 1000;

  while (*result == NULL && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, FALSE) || (g_usleep (500), TRUE);
  g_assert_nonnull (*result);
  return *result;
}

static void
test_box_on_connect (AgentFixture *f, gconstpointer data)
{
  TrVoicemailBox *box = tr_call_agent_get_voicemail_box (f->agents[C]);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_true (G_IS_LIST_MODEL (box));
  g_assert_true (box == tr_call_agent_get_voicemail_box (f->agents[C]));
  g_assert_true (g_list_model_get_item_type (G_LIST_MODEL (box)) == TR_TYPE_VOICEMAIL);
  spin_until_loaded (box);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (box)), ==, 0);
  g_assert_cmpuint (tr_voicemail_box_get_unheard_count (box), ==, 0);
  g_assert_null (tr_voicemail_box_find (box, "v-nope"));

  tr_voicemail_box_refresh_async (box, NULL, result_cb, &result);
  g_assert_true (tr_voicemail_box_refresh_finish (box, wait_result (&result), &error));
  g_assert_no_error (error);
}

static TrCall *
call_mailbox (AgentFixture *f, int from, const char *owner, GError **error)
{
  g_autoptr(TrIdentifier) id = owner ? tr_identifier_new_user (owner) : NULL;
  g_autoptr(GAsyncResult) result = NULL;

  tr_call_agent_start_call_to_voicemail_async (f->agents[from], id, NULL, result_cb, &result);
  return tr_call_agent_start_call_finish (f->agents[from], wait_result (&result), error);
}

static void
test_direct_call (AgentFixture *f, gconstpointer data)
{
  g_autoptr(TrCall) call = NULL;
  g_autoptr(TrCall) own = NULL;
  g_autoptr(TrCall) refused = NULL;
  g_autoptr(GError) error = NULL;

  /* Someone else's mailbox: the line answers, the owner is not rung. */
  call = call_mailbox (f, A, "carol", &error);
  g_assert_no_error (error);
  wait_call_state (call, TR_CALL_STATE_CONNECTED, WAIT);
  g_assert_cmpstr (tr_identifier_get_raw_id (tr_call_get_remote_identifier (call)), ==, "carol");
  assert_no_incoming (f, C, 200);
  hang_up (call);
  wait_call_state (call, TR_CALL_STATE_DISCONNECTED, WAIT);

  /* One's own mailbox. */
  own = call_mailbox (f, C, NULL, &error);
  g_assert_no_error (error);
  wait_call_state (own, TR_CALL_STATE_CONNECTED, WAIT);
  g_assert_cmpstr (tr_identifier_get_raw_id (tr_call_get_remote_identifier (own)), ==, "carol");
  hang_up (own);

  /* A service line has no mailbox. */
  refused = call_mailbox (f, A, "line-busy", &error);
  g_assert_null (refused);
  g_assert_error (error, TR_ERROR, TR_STATUS_INVALID_FIELD);
}

static void
test_unanswered_to_voicemail (AgentFixture *f, gconstpointer data)
{
  g_autoptr(TrCall) call = NULL;
  g_autoptr(TrIncomingCall) at_c = NULL;
  g_autoptr(GError) error = NULL;

  set_settings (f, C, NULL, "voicemail", 1);
  call = start_call (f, A, "carol", &error);
  g_assert_no_error (error);
  at_c = wait_incoming (f, C);

  /* No answer within 1 s: the call moves to C's mailbox and is answered there. */
  wait_incoming_ended (at_c, WAIT);
  g_assert_cmpuint (tr_incoming_call_get_end_reason (at_c)->code, ==, 487);
  g_assert_cmpuint (tr_incoming_call_get_end_reason (at_c)->subcode, ==, 3);
  wait_call_state (call, TR_CALL_STATE_CONNECTED, WAIT);
  g_assert_cmpstr (tr_identifier_get_raw_id (tr_call_get_remote_identifier (call)), ==, "carol");
  g_assert_cmpuint (g_list_model_get_n_items (tr_call_agent_get_calls (f->agents[C])), ==, 0);
  hang_up (call);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(name, fn) \
  g_test_add (name, AgentFixture, NULL, agent_fixture_setup, fn, agent_fixture_teardown)

  ADD ("/voicemail/box-on-connect", test_box_on_connect);
  ADD ("/voicemail/direct-call", test_direct_call);
  ADD ("/voicemail/unanswered", test_unanswered_to_voicemail);

  return g_test_run ();
}
