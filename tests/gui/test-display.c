/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Display logic of the app (src/gui/tr-display.c), without a display. */
#include "config.h"

#include "tr-display.h"
#include "tr-voicemail-page.h"

static GError *
tr_err (TrStatus status)
{
  return g_error_new_literal (TR_ERROR, status, "test");
}

static void
test_banner_connected_hidden (void)
{
  TrBannerInfo info;

  tr_banner_info_compute (TR_CONNECTION_STATE_CONNECTED, TR_DISCONNECT_REASON_NONE, 0, 6, FALSE,
                          &info);
  g_assert_false (info.visible);
  g_assert_cmpint (info.action, ==, TR_BANNER_ACTION_NONE);
  g_assert_null (info.title);
  tr_banner_info_clear (&info);
}

static void
test_banner_reconnecting (void)
{
  TrBannerInfo info;

  tr_banner_info_compute (TR_CONNECTION_STATE_CONNECTING, TR_DISCONNECT_REASON_NONE, 2, 6, FALSE,
                          &info);
  g_assert_true (info.visible);
  g_assert_cmpstr (info.title, ==, "Reconnecting…");
  g_assert_nonnull (strstr (info.description, "Connection problem"));
  g_assert_nonnull (strstr (info.description, "attempt 2 of 6"));
  g_assert_cmpint (info.action, ==, TR_BANNER_ACTION_RETRY);
  g_assert_cmpstr (info.action_label, ==, "Retry Now");
  tr_banner_info_clear (&info);

  /* Beyond the bounded attempts (probing), no "of N". */
  tr_banner_info_compute (TR_CONNECTION_STATE_CONNECTING, TR_DISCONNECT_REASON_NONE, 9, 6, FALSE,
                          &info);
  g_assert_nonnull (strstr (info.description, "attempt 9."));
  tr_banner_info_clear (&info);

  /* First connection: no action, no attempt count. */
  tr_banner_info_compute (TR_CONNECTION_STATE_CONNECTING, TR_DISCONNECT_REASON_NONE, 0, 6, FALSE,
                          &info);
  g_assert_true (info.visible);
  g_assert_cmpint (info.action, ==, TR_BANNER_ACTION_NONE);
  g_assert_null (info.action_label);
  tr_banner_info_clear (&info);
}

static void
test_banner_token (void)
{
  TrBannerInfo info;

  tr_banner_info_compute (TR_CONNECTION_STATE_DISCONNECTED, TR_DISCONNECT_REASON_INVALID_TOKEN, 0,
                          6, TRUE, &info);
  g_assert_true (info.visible);
  g_assert_cmpint (info.action, ==, TR_BANNER_ACTION_SIGN_IN);
  g_assert_cmpstr (info.action_label, ==, "Sign In Again");
  g_assert_nonnull (strstr (info.description, "expired"));
  tr_banner_info_clear (&info);

  tr_banner_info_compute (TR_CONNECTION_STATE_DISCONNECTED, TR_DISCONNECT_REASON_INVALID_TOKEN, 0,
                          6, FALSE, &info);
  g_assert_cmpint (info.action, ==, TR_BANNER_ACTION_SIGN_IN);
  g_assert_null (strstr (info.description, "expired"));
  g_assert_nonnull (strstr (info.description, "invalid"));
  tr_banner_info_clear (&info);
}

static void
test_banner_connection_issue (void)
{
  TrBannerInfo info;

  tr_banner_info_compute (TR_CONNECTION_STATE_DISCONNECTED, TR_DISCONNECT_REASON_CONNECTION_ISSUE,
                          7, 6, FALSE, &info);
  g_assert_true (info.visible);
  g_assert_cmpstr (info.title, ==, "Disconnected");
  g_assert_nonnull (strstr (info.description, "Connection problem"));
  g_assert_nonnull (strstr (info.description, "attempt 7"));
  g_assert_cmpint (info.action, ==, TR_BANNER_ACTION_RETRY);
  tr_banner_info_clear (&info);

  tr_banner_info_compute (TR_CONNECTION_STATE_DISCONNECTED, TR_DISCONNECT_REASON_NONE, 0, 6, FALSE,
                          &info);
  g_assert_true (info.visible);
  g_assert_cmpint (info.action, ==, TR_BANNER_ACTION_RETRY);
  g_assert_cmpstr (info.action_label, ==, "Connect");
  tr_banner_info_clear (&info);
}

static void
test_targets_allowed (void)
{
  const TrTransferTargets all
      = TR_TRANSFER_TARGET_PERSON | TR_TRANSFER_TARGET_CALL | TR_TRANSFER_TARGET_VOICEMAIL;

  /* Only what the model supports: with the participant locator alone, a person only. */
  g_assert_cmpint (
      tr_transfer_targets_allowed (TR_CALL_STATE_CONNECTED, 1, FALSE, TR_TRANSFER_TARGET_PERSON),
      ==, TR_TRANSFER_TARGET_PERSON);
  g_assert_cmpint (tr_transfer_targets_allowed (TR_CALL_STATE_CONNECTED, 1, FALSE,
                                                TR_TRANSFER_TARGETS_SUPPORTED),
                   ==, all);

  /* With every locator supported: another call only when there is one. */
  g_assert_cmpint (tr_transfer_targets_allowed (TR_CALL_STATE_CONNECTED, 0, FALSE, all), ==,
                   TR_TRANSFER_TARGET_PERSON | TR_TRANSFER_TARGET_VOICEMAIL);
  g_assert_cmpint (tr_transfer_targets_allowed (TR_CALL_STATE_LOCAL_HOLD, 2, FALSE, all), ==, all);
  g_assert_cmpint (tr_transfer_targets_allowed (TR_CALL_STATE_REMOTE_HOLD, 1, FALSE, all), ==, all);

  /* Not before the call is up, not after, not while a transfer runs. */
  for (TrCallState s = TR_CALL_STATE_NONE; s <= TR_CALL_STATE_DISCONNECTED; s++)
    if (s != TR_CALL_STATE_CONNECTED && s != TR_CALL_STATE_LOCAL_HOLD
        && s != TR_CALL_STATE_REMOTE_HOLD)
      g_assert_cmpint (tr_transfer_targets_allowed (s, 1, FALSE, all), ==, TR_TRANSFER_TARGET_NONE);
  g_assert_cmpint (tr_transfer_targets_allowed (TR_CALL_STATE_CONNECTED, 1, TRUE, all), ==,
                   TR_TRANSFER_TARGET_NONE);
}

static void
test_failure_words (void)
{
  static const struct
  {
    TrStatus    status;
    const char *words;
    const char *code;
  } cases[] = {
    { TR_STATUS_BUSY, "Dave is busy.", "Code 486" },
    { TR_STATUS_DECLINED, "Dave declined the call.", "Code 603" },
    { TR_STATUS_NO_ANSWER, "Dave did not answer in time.", "Code 408" },
    { TR_STATUS_OFFLINE, "Dave is offline.", "Code 480" },
    { TR_STATUS_UNKNOWN_IDENTITY, "There is no user “Dave” on this server.", "Code 404" },
    { TR_STATUS_NOT_PARTICIPANT, "Not allowed: you may not transfer this call.", "Code 403" },
    { TR_STATUS_NOT_YOUR_CALL, "Not allowed: you may not transfer this call.", "Code 403.2" },
    { TR_STATUS_TRANSFER_IN_PROGRESS, "Another transfer of this call is still running.",
      "Code 491" },
    { TR_STATUS_CONNECTION_LOST, "The connection to the server was lost.", "Code 480.2" },
    { TR_STATUS_NOT_IMPLEMENTED, "This server does not support this kind of transfer yet.",
      "Code 501" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr (GError) error = tr_err (cases[i].status);
      g_autofree char *words = tr_failure_reason_text (error, "Dave");
      g_autofree char *code = tr_failure_code_text (error);

      g_assert_cmpstr (words, ==, cases[i].words);
      g_assert_cmpstr (code, ==, cases[i].code);
    }

  {
    g_autoptr (GError) error = tr_err (TR_STATUS_BUSY);
    g_autofree char *words = tr_failure_reason_text (error, NULL);

    g_assert_cmpstr (words, ==, "They are busy.");
  }
  {
    g_autoptr (GError) error = g_error_new_literal (G_IO_ERROR, G_IO_ERROR_NOT_CONNECTED, "x");
    g_autofree char *words = tr_failure_reason_text (error, "Dave");
    g_autofree char *code = tr_failure_code_text (error);

    g_assert_cmpstr (words, ==, "Not connected to the server.");
    g_assert_null (code);
  }
  {
    g_autofree char *words = tr_failure_reason_text (NULL, NULL);

    g_assert_cmpstr (words, ==, "The transfer failed.");
  }
}

static void
test_transfer_state_text (void)
{
  g_autofree char *a = tr_transfer_state_text (TR_TRANSFER_STATE_TRANSFERRING, "Carol");
  g_autofree char *b = tr_transfer_state_text (TR_TRANSFER_STATE_TRANSFERRED, "Carol");
  g_autofree char *c = tr_transfer_state_text (TR_TRANSFER_STATE_FAILED, "Carol");
  g_autofree char *d = tr_transfer_state_text (TR_TRANSFER_STATE_TRANSFERRED, NULL);

  g_assert_cmpstr (a, ==, "Transferring to Carol…");
  g_assert_cmpstr (b, ==, "Transferred to Carol");
  g_assert_cmpstr (c, ==, "Transfer failed");
  g_assert_cmpstr (d, ==, "Transferred");
}

static void
test_duration_and_state (void)
{
  g_autofree char *a = tr_format_duration (7);
  g_autofree char *b = tr_format_duration (754);
  g_autofree char *c = tr_format_duration (3723);
  g_autofree char *d = tr_format_duration (-5);
  g_autofree char *e = tr_call_description ("Bob", TR_CALL_STATE_CONNECTED, 42);
  g_autofree char *f = tr_call_description ("Bob", TR_CALL_STATE_RINGING, 0);

  g_assert_cmpstr (a, ==, "0:07");
  g_assert_cmpstr (b, ==, "12:34");
  g_assert_cmpstr (c, ==, "1:02:03");
  g_assert_cmpstr (d, ==, "0:00");
  g_assert_cmpstr (e, ==, "Call with Bob: connected, 0:42");
  g_assert_cmpstr (f, ==, "Call with Bob: ringing…");
  g_assert_cmpstr (tr_call_state_text (TR_CALL_STATE_LOCAL_HOLD), ==, "On hold");
}

static void
test_contacts_and_ids (void)
{
  g_autofree char *a = tr_user_id_from_login ("Jane Doe!");
  g_autofree char *b = tr_user_id_from_login ("");
  g_autofree char *c = tr_user_id_from_login ("root");

  g_assert_true (tr_contact_matches ("", "carol", "Carol"));
  g_assert_true (tr_contact_matches ("car", "carol", "Carol"));
  g_assert_true (tr_contact_matches ("CAROL", "c1", "Carol Smith"));
  g_assert_false (tr_contact_matches ("dave", "carol", "Carol"));
  g_assert_true (tr_contact_matches ("x", "x-1", NULL));

  g_assert_true (tr_user_id_is_valid ("bob"));
  g_assert_true (tr_user_id_is_valid ("user:bob"));
  g_assert_true (tr_user_id_is_valid ("line-busy"));
  g_assert_false (tr_user_id_is_valid ("bob smith"));
  g_assert_false (tr_user_id_is_valid (""));
  g_assert_false (tr_user_id_is_valid (NULL));

  g_assert_cmpstr (a, ==, "janedoe");
  g_assert_cmpstr (b, ==, "me");
  g_assert_cmpstr (c, ==, "root");
}

static void
test_incoming_and_records (void)
{
  g_autofree char *a = tr_incoming_call_text ("Bob", NULL);
  g_autofree char *b = tr_incoming_call_text ("Bob", "Alice");
  g_autoptr (TrCallEndReason) busy = tr_call_end_reason_new (486, 1, NULL);
  g_autoptr (TrCallEndReason) transferred = tr_call_end_reason_new (0, 1, NULL);
  g_autofree char *r1 = tr_record_subtitle (TRUE, 0, 1000, busy);
  g_autofree char *r2 = tr_record_subtitle (FALSE, 1000, 63000, NULL);
  g_autofree char *r3 = tr_record_subtitle (FALSE, 0, 1000, NULL);
  g_autofree char *r4 = tr_record_subtitle (FALSE, 1000, 3000, transferred);
  g_autoptr (TrCallEndReason) declined = tr_call_end_reason_new (603, 1, NULL);
  g_autofree char *r5 = tr_record_subtitle (FALSE, 0, 1000, declined);

  g_assert_cmpstr (a, ==, "Bob is calling");
  g_assert_cmpstr (b, ==, "Bob is calling (transferred by Alice)");
  g_assert_cmpstr (r1, ==, "Outgoing · They are busy.");
  g_assert_cmpstr (r2, ==, "Incoming · 1:02");
  g_assert_cmpstr (r3, ==, "Missed");
  g_assert_cmpstr (r4, ==, "Incoming · 0:02 · transferred");
  g_assert_cmpstr (r5, ==, "Incoming · declined");
}

static void
test_pick_active_call (void)
{
  const TrCallState one_held[] = { TR_CALL_STATE_LOCAL_HOLD, TR_CALL_STATE_CONNECTED };
  const TrCallState newest_held[] = { TR_CALL_STATE_CONNECTED, TR_CALL_STATE_LOCAL_HOLD };
  const TrCallState all_held[] = { TR_CALL_STATE_LOCAL_HOLD, TR_CALL_STATE_LOCAL_HOLD };
  const TrCallState ending[] = { TR_CALL_STATE_DISCONNECTING };
  const TrCallState ringing[] = { TR_CALL_STATE_LOCAL_HOLD, TR_CALL_STATE_RINGING };

  g_assert_cmpint (tr_pick_active_call (one_held, 2), ==, 1);
  g_assert_cmpint (tr_pick_active_call (newest_held, 2), ==, 0);
  g_assert_cmpint (tr_pick_active_call (all_held, 2), ==, 1);
  g_assert_cmpint (tr_pick_active_call (ending, 1), ==, 0);
  g_assert_cmpint (tr_pick_active_call (ringing, 2), ==, 1);
  g_assert_cmpint (tr_pick_active_call (NULL, 0), ==, -1);
}

static void
test_service_lines (void)
{
  /* Known lines by id, when the server calls them by their English name (or the caller knows
   * it is a service line); anyone else keeps their name. */
  g_assert_cmpstr (tr_service_line_name ("line-busy", "Always busy"), ==, "Always busy");
  g_assert_cmpstr (tr_service_line_name ("echo", NULL), ==, "Echo test");
  g_assert_cmpstr (tr_service_line_name ("line-noanswer", NULL), ==, "Never answers");
  g_assert_cmpstr (tr_service_line_name ("line-decline", NULL), ==, "Always declines");
  g_assert_cmpstr (tr_service_line_name ("voicemail", "Voicemail"), ==, "Voicemail");
  g_assert_null (tr_service_line_name ("echo", "Echo Chamber Ltd"));
  g_assert_null (tr_service_line_name ("bob", NULL));
  g_assert_null (tr_service_line_name (NULL, NULL));
}

static void
test_voicemail_texts (void)
{
  g_autoptr (GDateTime) now = g_date_time_new_local (2026, 11, 30, 10, 30, 0);
  g_autoptr (GDateTime) morning = g_date_time_new_local (2026, 11, 30, 9, 14, 0);
  g_autoptr (GDateTime) last_night = g_date_time_new_local (2026, 11, 29, 23, 59, 0);
  g_autoptr (GDateTime) older = g_date_time_new_local (2026, 11, 2, 8, 5, 0);
  g_autofree char *today = tr_voicemail_when_text (morning, now, FALSE);
  g_autofree char *today_spoken = tr_voicemail_when_text (morning, now, TRUE);
  g_autofree char *yesterday = tr_voicemail_when_text (last_night, now, FALSE);
  g_autofree char *yesterday_spoken = tr_voicemail_when_text (last_night, now, TRUE);
  g_autofree char *before = tr_voicemail_when_text (older, now, FALSE);
  g_autofree char *before_spoken = tr_voicemail_when_text (older, now, TRUE);
  g_autofree char *unheard = tr_voicemail_row_text ("Bob", FALSE, 4200, morning, now);
  g_autofree char *heard = tr_voicemail_row_text ("Bob", TRUE, 61500, last_night, now);
  g_autofree char *none = tr_voicemail_unheard_text (0);
  g_autofree char *one = tr_voicemail_unheard_text (1);
  g_autofree char *two = tr_voicemail_unheard_text (2);
  g_autofree char *d0 = tr_voicemail_duration_text (0);
  g_autofree char *d1 = tr_voicemail_duration_text (499);
  g_autofree char *d2 = tr_voicemail_duration_text (500);
  g_autofree char *d3 = tr_voicemail_duration_text (125000);
  g_autofree char *d4 = tr_voicemail_duration_text (-20);

  g_assert_cmpstr (today, ==, "Today 09:14");
  g_assert_cmpstr (today_spoken, ==, "today at 09:14");
  g_assert_cmpstr (yesterday, ==, "Yesterday 23:59");
  g_assert_cmpstr (yesterday_spoken, ==, "yesterday at 23:59");
  /* Older: the locale's date ("%x") and the time. */
  g_assert_true (g_str_has_suffix (before, " 08:05"));
  g_assert_false (g_str_has_prefix (before, "Today") || g_str_has_prefix (before, "Yesterday"));
  g_assert_true (g_str_has_prefix (before_spoken, "on ") && g_str_has_suffix (before_spoken, " at 08:05"));
  g_assert_cmpstr (unheard, ==, "Unheard message from Bob, 0:04, today at 09:14");
  g_assert_cmpstr (heard, ==, "Message from Bob, 1:02, yesterday at 23:59");
  g_assert_cmpstr (none, ==, "No unheard messages");
  g_assert_cmpstr (one, ==, "1 unheard");
  g_assert_cmpstr (two, ==, "2 unheard");
  g_assert_cmpstr (d0, ==, "0:00");
  g_assert_cmpstr (d1, ==, "0:00");
  g_assert_cmpstr (d2, ==, "0:01");
  g_assert_cmpstr (d3, ==, "2:05");
  g_assert_cmpstr (d4, ==, "0:00");
}

int
main (int argc, char *argv[])
{
  g_setenv ("LANGUAGE", "C", TRUE);
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/display/banner/connected-hidden", test_banner_connected_hidden);
  g_test_add_func ("/display/banner/reconnecting", test_banner_reconnecting);
  g_test_add_func ("/display/banner/token", test_banner_token);
  g_test_add_func ("/display/banner/connection-issue", test_banner_connection_issue);
  g_test_add_func ("/display/transfer/targets-allowed", test_targets_allowed);
  g_test_add_func ("/display/transfer/failure-words", test_failure_words);
  g_test_add_func ("/display/transfer/state-text", test_transfer_state_text);
  g_test_add_func ("/display/call/duration-and-state", test_duration_and_state);
  g_test_add_func ("/display/contacts-and-ids", test_contacts_and_ids);
  g_test_add_func ("/display/incoming-and-records", test_incoming_and_records);
  g_test_add_func ("/display/call/pick-active", test_pick_active_call);
  g_test_add_func ("/display/service-lines", test_service_lines);
  g_test_add_func ("/display/voicemail", test_voicemail_texts);

  return g_test_run ();
}
