/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "transfer-core.h"
#include "tr-transfer-private.h"

#define N_STATES (TR_TRANSFER_STATE_FAILED + 1)

static gboolean
is_legal (TrTransferState from,
          TrTransferState to)
{
  return (from == TR_TRANSFER_STATE_NONE && to == TR_TRANSFER_STATE_TRANSFERRING)
         || (from == TR_TRANSFER_STATE_NONE && to == TR_TRANSFER_STATE_FAILED)
         || (from == TR_TRANSFER_STATE_TRANSFERRING && to == TR_TRANSFER_STATE_TRANSFERRED)
         || (from == TR_TRANSFER_STATE_TRANSFERRING && to == TR_TRANSFER_STATE_FAILED);
}

static void
test_table (void)
{
  for (int from = 0; from < N_STATES; from++)
    for (int to = 0; to < N_STATES; to++)
      g_assert_cmpint (tr_transfer_state_can_transition (from, to), ==, is_legal (from, to));
}

static TrTransfer *
new_transfer (void)
{
  g_autoptr(TrIdentifier) carol = tr_identifier_new_user ("carol");
  g_autoptr(TrTransferLocator) locator = tr_transfer_locator_new_participant (carol, TRUE);

  return _tr_transfer_new (locator);
}

static TrTransfer *
transfer_in_state (TrTransferState state)
{
  TrTransfer *transfer = new_transfer ();

  if (state == TR_TRANSFER_STATE_TRANSFERRING || state == TR_TRANSFER_STATE_TRANSFERRED)
    g_assert_true (_tr_transfer_set_state (transfer, TR_TRANSFER_STATE_TRANSFERRING, NULL));
  if (state == TR_TRANSFER_STATE_TRANSFERRED || state == TR_TRANSFER_STATE_FAILED)
    g_assert_true (_tr_transfer_set_state (transfer, state, NULL));

  g_assert_cmpint (tr_transfer_get_state (transfer), ==, state);
  return transfer;
}

static void
count_cb (GObject    *object,
          GParamSpec *pspec,
          guint      *count)
{
  (*count)++;
}

static void
test_object_moves (void)
{
  for (int from = 0; from < N_STATES; from++)
    for (int to = 0; to < N_STATES; to++)
      {
        TrTransfer *transfer = transfer_in_state (from);
        guint notifies = 0;

        if (from == to)
          {
            g_assert_finalize_object (transfer);
            continue;
          }

        g_signal_connect (transfer, "notify::state", G_CALLBACK (count_cb), &notifies);
        g_assert_cmpint (_tr_transfer_set_state (transfer, to, NULL), ==, is_legal (from, to));
        g_assert_cmpint (tr_transfer_get_state (transfer), ==, is_legal (from, to) ? to : from);
        g_assert_cmpuint (notifies, ==, is_legal (from, to) ? 1 : 0);

        g_assert_finalize_object (transfer);
      }
}

static void
test_failed_error (void)
{
  TrTransfer *transfer = transfer_in_state (TR_TRANSFER_STATE_TRANSFERRING);
  g_autoptr(GError) error = g_error_new_literal (TR_ERROR, TR_STATUS_NO_ANSWER, "No answer");

  g_assert_null (tr_transfer_get_error (transfer));
  g_assert_cmpuint (tr_transfer_get_error_code (transfer), ==, 0);

  g_assert_true (_tr_transfer_set_state (transfer, TR_TRANSFER_STATE_FAILED, error));
  g_assert_error (tr_transfer_get_error (transfer), TR_ERROR, TR_STATUS_NO_ANSWER);
  g_assert_cmpuint (tr_transfer_get_error_code (transfer), ==, 408);
  g_assert_cmpuint (tr_transfer_get_error_subcode (transfer), ==, 1);

  g_assert_finalize_object (transfer);
}

static void
test_update_from_info (void)
{
  TrTransfer *transfer = new_transfer ();
  g_autoptr(JsonObject) info = json_object_new ();
  JsonObject *error;

  json_object_set_string_member (info, "id", "t-1");
  json_object_set_string_member (info, "state", "transferring");
  _tr_transfer_update_from_info (transfer, info);
  g_assert_cmpstr (tr_transfer_get_id (transfer), ==, "t-1");
  g_assert_cmpint (tr_transfer_get_state (transfer), ==, TR_TRANSFER_STATE_TRANSFERRING);

  json_object_set_string_member (info, "state", "failed");
  error = json_object_new ();
  json_object_set_int_member (error, "code", 486);
  json_object_set_int_member (error, "subcode", 1);
  json_object_set_string_member (error, "reason", "busy");
  json_object_set_string_member (error, "message", "Busy");
  json_object_set_object_member (info, "error", error);
  _tr_transfer_update_from_info (transfer, info);
  g_assert_cmpint (tr_transfer_get_state (transfer), ==, TR_TRANSFER_STATE_FAILED);
  g_assert_error (tr_transfer_get_error (transfer), TR_ERROR, TR_STATUS_BUSY);

  g_assert_finalize_object (transfer);
}

static void
test_locators (void)
{
  g_autoptr(TrIdentifier) carol = tr_identifier_new_user ("carol");
  g_autoptr(TrTransferLocator) participant = tr_transfer_locator_new_participant (carol, FALSE);
  g_autoptr(TrTransferLocator) call = tr_transfer_locator_new_call ("c-1");
  g_autoptr(TrTransferLocator) voicemail = tr_transfer_locator_new_voicemail (carol);

  g_assert_cmpint (tr_transfer_locator_get_kind (participant), ==,
                   TR_TRANSFER_LOCATOR_KIND_PARTICIPANT);
  g_assert_false (tr_transfer_locator_get_disable_forwarding_and_unanswered (participant));
  g_assert_true (tr_identifier_equal (tr_transfer_locator_get_target (participant), carol));
  g_assert_cmpint (tr_transfer_locator_get_kind (call), ==, TR_TRANSFER_LOCATOR_KIND_CALL);
  g_assert_cmpstr (tr_transfer_locator_get_call_id (call), ==, "c-1");
  g_assert_null (tr_transfer_locator_get_target (call));
  g_assert_cmpint (tr_transfer_locator_get_kind (voicemail), ==,
                   TR_TRANSFER_LOCATOR_KIND_VOICEMAIL);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/core/transfer-state/table", test_table);
  g_test_add_func ("/core/transfer-state/object-moves", test_object_moves);
  g_test_add_func ("/core/transfer-state/failed-error", test_failed_error);
  g_test_add_func ("/core/transfer-state/update-from-info", test_update_from_info);
  g_test_add_func ("/core/transfer-state/locators", test_locators);

  return g_test_run ();
}
