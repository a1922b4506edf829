/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "TestAttended"

/*
 * Attended transfer (target kind "call") and the signaling of voicemail (transfer to a mailbox,
 * the "voicemail" unanswered target, direct calls, the mailbox requests and REST), with raw
 * protocol clients. No media: the server runs with TRANSFER_MEDIA=0, its lines answer without
 * WebRTC (tests/server/test-media-lines.c has the media).
 */

#include <string.h>

#include "server-test-util.h"

static JsonObject *
member (JsonObject *object, const char *name)
{
  return json_object_get_object_member (object, name);
}

static void
assert_ended (TestClient *client, const char *call, guint code, guint subcode)
{
  g_autoptr (JsonObject) ended = test_client_wait (client, "call.ended", call);

  test_assert_error (member (ended, "reason"), code, subcode);
}

static void
assert_transfer_state (TestClient *transferor, const char *transfer, const char *state, guint code,
                       guint subcode)
{
  g_autoptr (JsonObject) event = test_client_wait (transferor, "transfer.state", NULL);
  JsonObject *info = member (event, "transfer");

  g_assert_cmpstr (json_object_get_string_member (info, "id"), ==, transfer);
  g_assert_cmpstr (json_object_get_string_member (info, "state"), ==, state);
  if (g_str_equal (state, "failed"))
    test_assert_error (member (info, "error"), code, subcode);
}

/* A resumes X after a failed transfer: B hears the hold end. */
static void
assert_resumes (ServerFixture *f, const char *x)
{
  g_autoptr (JsonObject) result = test_client_ok (f->alice, "call.resume", "\"call\": \"%s\"", x);
  g_autoptr (JsonObject) event = NULL;

  g_assert_false (
      json_object_get_boolean_member (member (member (result, "call"), "hold"), "caller"));
  event = test_client_wait (f->bob, "call.hold_changed", x);
  g_assert_false (json_object_get_boolean_member (member (event, "hold"), "caller"));
}

/*
 * A–B connected (X, A holds it), A–C connected (Y); A transfers X to Y. Returns the transfer id;
 * B has its transfer.request (checked).
 */
static char *
begin_attended (ServerFixture *f, char **out_x, char **out_y)
{
  g_autofree char *x = test_connect_call (f->alice, f->bob);
  g_autofree char *y = NULL;
  g_autoptr (JsonObject) result = NULL;
  g_autoptr (JsonObject) event = NULL;
  JsonObject *info;
  char       *transfer;

  result = test_client_ok (f->alice, "call.hold", "\"call\": \"%s\"", x);
  event = test_client_wait (f->bob, "call.hold_changed", x);
  g_clear_pointer (&event, json_object_unref);
  y = test_connect_call (f->alice, f->carol);

  g_clear_pointer (&result, json_object_unref);
  result = test_client_ok (f->alice, "call.transfer",
                           "\"call\": \"%s\", \"target\": {\"kind\": \"call\", \"call\": \"%s\"}",
                           x, y);
  info = member (result, "transfer");
  g_assert_cmpstr (json_object_get_string_member (info, "state"), ==, "transferring");
  g_assert_cmpstr (json_object_get_string_member (member (info, "target"), "kind"), ==, "call");
  g_assert_cmpstr (json_object_get_string_member (member (info, "target"), "call"), ==, y);
  transfer = g_strdup (json_object_get_string_member (info, "id"));

  event = test_client_wait (f->bob, "transfer.request", NULL);
  g_assert_cmpstr (json_object_get_string_member (event, "transfer"), ==, transfer);
  g_assert_cmpstr (json_object_get_string_member (event, "call"), ==, x);
  g_assert_cmpstr (json_object_get_string_member (event, "replaces"), ==, y);
  g_assert_cmpstr (json_object_get_string_member (member (event, "to"), "id"), ==, "carol");
  g_assert_cmpstr (json_object_get_string_member (member (event, "transferor"), "id"), ==, "alice");

  *out_x = g_steal_pointer (&x);
  *out_y = g_steal_pointer (&y);
  return transfer;
}

/* B places the replacing call; C is offered it (with replaces) at once. Returns its id. */
static char *
follow_attended (ServerFixture *f, const char *transfer, const char *y)
{
  g_autoptr (JsonObject) result = test_client_ok (
      f->bob, "call.start", "\"to\": \"carol\", \"transfer\": \"%s\", \"replaces\": \"%s\"",
      transfer, y);
  g_autoptr (JsonObject) incoming = NULL;
  JsonObject *info = member (result, "call");
  char       *z = g_strdup (json_object_get_string_member (info, "id"));

  g_assert_cmpstr (json_object_get_string_member (info, "replaces"), ==, y);
  g_assert_cmpstr (json_object_get_string_member (info, "transfer"), ==, transfer);
  incoming = test_client_wait (f->carol, "call.incoming", z);
  info = member (incoming, "call");
  g_assert_cmpstr (json_object_get_string_member (info, "replaces"), ==, y);
  g_assert_cmpstr (json_object_get_string_member (member (info, "transferor"), "id"), ==, "alice");
  g_assert_cmpstr (json_object_get_string_member (member (info, "caller"), "id"), ==, "bob");
  return z;
}

static void
test_attended_success (ServerFixture *f, gconstpointer data)
{
  g_autofree char *x = NULL;
  g_autofree char *y = NULL;
  g_autofree char *transfer = begin_attended (f, &x, &y);
  g_autofree char *z = follow_attended (f, transfer, y);
  g_autoptr (JsonObject) result = NULL;
  g_autoptr (JsonObject) event = NULL;

  result = test_client_ok (f->carol, "call.accept", "\"call\": \"%s\"", z);
  event = test_client_wait (f->bob, "call.accepted", z);

  assert_transfer_state (f->alice, transfer, "transferred", 0, 0);
  assert_ended (f->alice, y, 0, 2);
  assert_ended (f->carol, y, 0, 2);
  assert_ended (f->alice, x, 0, 1);
  assert_ended (f->bob, x, 0, 1);
  /* C saw no other (ringing) call; A has no calls left; B–C talk. */
  test_client_assert_none (f->carol, "call.incoming", 100);
  test_client_error (f->alice, 481, 1, "call.hangup", "\"call\": \"%s\"", x);
  test_client_error (f->alice, 481, 1, "call.hangup", "\"call\": \"%s\"", y);
  g_clear_pointer (&result, json_object_unref);
  result = test_client_ok (f->bob, "call.hold", "\"call\": \"%s\"", z);
  g_assert_cmpstr (json_object_get_string_member (member (result, "call"), "state"), ==,
                   "connected");
}

/* Checks before anything starts. */
static void
test_attended_refused (ServerFixture *f, gconstpointer data)
{
  g_autofree char *x = test_connect_call (f->alice, f->bob);
  g_autofree char *other = test_connect_call (f->bob, f->carol);
  g_autoptr (JsonObject) result = NULL;
  g_autofree char *ringing = NULL;
  g_autofree char *ended = NULL;

  /* Not a call of the transferor: 403/2. */
  test_client_error (f->alice, 403, 2, "call.transfer",
                     "\"call\": \"%s\", \"target\": {\"kind\": \"call\", \"call\": \"%s\"}", x,
                     other);
  /* Itself: 400/4. */
  test_client_error (f->alice, 400, 4, "call.transfer",
                     "\"call\": \"%s\", \"target\": {\"kind\": \"call\", \"call\": \"%s\"}", x, x);
  /* Still ringing: 400/6. */
  {
    g_autoptr (TestClient) dave = test_client_new (f->server, "dave");
    g_autoptr (JsonObject) incoming = NULL;

    result = test_client_ok (f->alice, "call.start", "\"to\": \"dave\"");
    ringing = g_strdup (json_object_get_string_member (member (result, "call"), "id"));
    incoming = test_client_wait (dave, "call.incoming", ringing);
    test_client_error (f->alice, 400, 6, "call.transfer",
                       "\"call\": \"%s\", \"target\": {\"kind\": \"call\", \"call\": \"%s\"}", x,
                       ringing);
  }
  /* Ended before: 481/2. */
  {
    g_autoptr (TestClient) dave = test_client_new (f->server, "dave");

    ended = test_connect_call (f->alice, dave);
    g_clear_pointer (&result, json_object_unref);
    result = test_client_ok (f->alice, "call.hangup", "\"call\": \"%s\"", ended);
    test_client_error (f->alice, 481, 2, "call.transfer",
                       "\"call\": \"%s\", \"target\": {\"kind\": \"call\", \"call\": \"%s\"}", x,
                       ended);
  }
  /* X is untouched: A can hold and resume it. */
  g_clear_pointer (&result, json_object_unref);
  result = test_client_ok (f->alice, "call.hold", "\"call\": \"%s\"", x);
  {
    g_autoptr (JsonObject) event = test_client_wait (f->bob, "call.hold_changed", x);
  }
  assert_resumes (f, x);
}

/* A second transfer on X or on Y while one runs: 491/1; B's call.start must match: 403/5. */
static void
test_attended_in_progress (ServerFixture *f, gconstpointer data)
{
  g_autofree char *x = NULL;
  g_autofree char *y = NULL;
  g_autofree char *transfer = begin_attended (f, &x, &y);
  g_autofree char *z = NULL;
  g_autoptr (JsonObject) result = NULL;

  test_client_error (f->alice, 491, 1, "call.transfer",
                     "\"call\": \"%s\", \"target\": {\"kind\": \"participant\", "
                     "\"user\": \"dave\"}",
                     x);
  test_client_error (f->alice, 491, 1, "call.transfer",
                     "\"call\": \"%s\", \"target\": {\"kind\": \"participant\", "
                     "\"user\": \"dave\"}",
                     y);
  test_client_error (f->bob, 403, 5, "call.start", "\"to\": \"carol\", \"transfer\": \"%s\"",
                     transfer);
  test_client_error (f->bob, 403, 5, "call.start",
                     "\"to\": \"carol\", \"transfer\": \"%s\", \"replaces\": \"c-other\"",
                     transfer);
  test_client_error (f->bob, 403, 5, "call.start", "\"to\": \"carol\", \"replaces\": \"%s\"", y);

  /* Then it still works. */
  z = follow_attended (f, transfer, y);
  result = test_client_ok (f->carol, "call.accept", "\"call\": \"%s\"", z);
  assert_transfer_state (f->alice, transfer, "transferred", 0, 0);
}

/* C refuses the replacing call: 603/1; X stays held, Y stays up; A resumes X. */
static void
test_attended_declined (ServerFixture *f, gconstpointer data)
{
  g_autofree char *x = NULL;
  g_autofree char *y = NULL;
  g_autofree char *transfer = begin_attended (f, &x, &y);
  g_autofree char *z = follow_attended (f, transfer, y);
  g_autoptr (JsonObject) result = NULL;

  result
      = test_client_ok (f->carol, "call.reject", "\"call\": \"%s\", \"reason\": \"declined\"", z);
  assert_ended (f->bob, z, 603, 1);
  assert_ended (f->carol, z, 603, 1);
  assert_transfer_state (f->alice, transfer, "failed", 603, 1);
  test_client_assert_none (f->carol, "call.ended", 100); /* Y goes on */
  assert_resumes (f, x);
  g_clear_pointer (&result, json_object_unref);
  result = test_client_ok (f->alice, "call.hangup", "\"call\": \"%s\"", y);
  assert_ended (f->carol, y, 0, 0);
}

/* B hangs up X during the transfer: 487/2, the replacing call is cancelled. */
static void
test_attended_transferee_hangs_up (ServerFixture *f, gconstpointer data)
{
  g_autofree char *x = NULL;
  g_autofree char *y = NULL;
  g_autofree char *transfer = begin_attended (f, &x, &y);
  g_autofree char *z = follow_attended (f, transfer, y);
  g_autoptr (JsonObject) result = NULL;

  result = test_client_ok (f->bob, "call.hangup", "\"call\": \"%s\"", x);
  assert_ended (f->alice, x, 0, 0);
  assert_transfer_state (f->alice, transfer, "failed", 487, 2);
  assert_ended (f->carol, z, 487, 1);
  /* A–C is still up. */
  g_clear_pointer (&result, json_object_unref);
  result = test_client_ok (f->alice, "call.hold", "\"call\": \"%s\"", y);
}

/* A–C ends during the transfer: 481/2; B's late call.start no longer matches; A resumes X. */
static void
test_attended_target_ended (ServerFixture *f, gconstpointer data)
{
  g_autofree char *x = NULL;
  g_autofree char *y = NULL;
  g_autofree char *transfer = begin_attended (f, &x, &y);
  g_autofree char *z = NULL;
  g_autoptr (JsonObject) result = NULL;

  /* Before B places the call. */
  result = test_client_ok (f->carol, "call.hangup", "\"call\": \"%s\"", y);
  assert_transfer_state (f->alice, transfer, "failed", 481, 2);
  test_client_error (f->bob, 403, 5, "call.start",
                     "\"to\": \"carol\", \"transfer\": \"%s\", \"replaces\": \"%s\"", transfer, y);
  assert_resumes (f, x);

  /* While the replacing call is offered: it is cancelled. */
  g_clear_pointer (&y, g_free);
  g_clear_pointer (&transfer, g_free);
  g_clear_pointer (&result, json_object_unref);
  result = test_client_ok (f->alice, "call.hold", "\"call\": \"%s\"", x);
  {
    g_autoptr (JsonObject) event = test_client_wait (f->bob, "call.hold_changed", x);
  }
  y = test_connect_call (f->alice, f->carol);
  g_clear_pointer (&result, json_object_unref);
  result = test_client_ok (f->alice, "call.transfer",
                           "\"call\": \"%s\", \"target\": {\"kind\": \"call\", \"call\": \"%s\"}",
                           x, y);
  transfer = g_strdup (json_object_get_string_member (member (result, "transfer"), "id"));
  {
    g_autoptr (JsonObject) event = test_client_wait (f->bob, "transfer.request", NULL);
  }
  z = follow_attended (f, transfer, y);
  g_clear_pointer (&result, json_object_unref);
  result = test_client_ok (f->alice, "call.hangup", "\"call\": \"%s\"", y);
  assert_transfer_state (f->alice, transfer, "failed", 481, 2);
  assert_ended (f->bob, z, 487, 1);
  assert_resumes (f, x);
}

/* Voicemail signaling */

static void
test_voicemail_routes (ServerFixture *f, gconstpointer data)
{
  g_autoptr (JsonObject) result = NULL;
  g_autoptr (JsonObject) event = NULL;
  g_autofree char *call = NULL;
  JsonObject      *info;

  /* A direct call to someone's mailbox: the owner is not rung. */
  result = test_client_ok (f->bob, "call.start", "\"to\": \"carol\", \"voicemail\": true");
  info = member (result, "call");
  call = g_strdup (json_object_get_string_member (info, "id"));
  g_assert_true (json_object_get_boolean_member (info, "voicemail"));
  g_assert_cmpstr (json_object_get_string_member (member (info, "callee"), "id"), ==, "carol");
  event = test_client_wait (f->bob, "call.accepted", call);
  test_client_assert_none (f->carol, "call.incoming", 50);
  /* The owner cannot act on it. */
  test_client_error (f->carol, 403, 1, "call.hangup", "\"call\": \"%s\"", call);
  g_clear_pointer (&result, json_object_unref);
  result = test_client_ok (f->bob, "call.hangup", "\"call\": \"%s\"", call);
  g_clear_pointer (&call, g_free);

  /* Calling "voicemail" reaches your own mailbox. */
  g_clear_pointer (&result, json_object_unref);
  result = test_client_ok (f->carol, "call.start", "\"to\": \"voicemail\"");
  info = member (result, "call");
  call = g_strdup (json_object_get_string_member (info, "id"));
  g_assert_true (json_object_get_boolean_member (info, "voicemail"));
  g_assert_cmpstr (json_object_get_string_member (member (info, "callee"), "id"), ==, "carol");
  g_clear_pointer (&event, json_object_unref);
  event = test_client_wait (f->carol, "call.accepted", call);
  g_clear_pointer (&result, json_object_unref);
  result = test_client_ok (f->carol, "call.hangup", "\"call\": \"%s\"", call);
  g_clear_pointer (&call, g_free);

  /* Service lines and unknown users have no mailbox. */
  test_client_error (f->bob, 400, 4, "call.start", "\"to\": \"line-busy\", \"voicemail\": true");
  test_client_error (f->bob, 404, 1, "call.start", "\"to\": \"zed\", \"voicemail\": true");

  /* Unanswered → "voicemail": the owner's own mailbox, after the ring timeout. */
  g_clear_pointer (&result, json_object_unref);
  result = test_client_ok (f->carol, "settings.set",
                           "\"settings\": {\"unanswered_target\": \"voicemail\", "
                           "\"ring_timeout\": 1}");
  g_assert_cmpstr (json_object_get_string_member (member (result, "settings"), "unanswered_target"),
                   ==, "voicemail");
  g_clear_pointer (&result, json_object_unref);
  result = test_client_ok (f->bob, "call.start", "\"to\": \"carol\"");
  call = g_strdup (json_object_get_string_member (member (result, "call"), "id"));
  g_clear_pointer (&event, json_object_unref);
  event = test_client_wait (f->carol, "call.incoming", call);
  g_clear_pointer (&event, json_object_unref);
  event = test_client_wait (f->bob, "call.forwarded", call);
  g_assert_cmpstr (json_object_get_string_member (member (event, "to"), "id"), ==, "carol");
  g_assert_cmpstr (json_object_get_string_member (event, "reason"), ==, "unanswered");
  g_assert_true (json_object_get_boolean_member (event, "voicemail"));
  assert_ended (f->carol, call, 487, 3);
  g_clear_pointer (&event, json_object_unref);
  event = test_client_wait (f->bob, "call.accepted", call);
  g_assert_true (json_object_get_boolean_member (member (event, "call"), "voicemail"));
  g_clear_pointer (&result, json_object_unref);
  result = test_client_ok (f->bob, "call.hangup", "\"call\": \"%s\"", call);
  g_clear_pointer (&call, g_free);

  /* Offline with that rule: to the mailbox at once. */
  g_clear_pointer (&f->carol, test_client_free);
  test_spin (100);
  g_clear_pointer (&result, json_object_unref);
  result = test_client_ok (f->bob, "call.start", "\"to\": \"carol\"");
  info = member (result, "call");
  call = g_strdup (json_object_get_string_member (info, "id"));
  g_assert_true (json_object_get_boolean_member (info, "voicemail"));
  g_clear_pointer (&event, json_object_unref);
  event = test_client_wait (f->bob, "call.forwarded", call);
  g_assert_true (json_object_get_boolean_member (event, "voicemail"));
  g_clear_pointer (&event, json_object_unref);
  event = test_client_wait (f->bob, "call.accepted", call);
  g_clear_pointer (&result, json_object_unref);
  result = test_client_ok (f->bob, "call.hangup", "\"call\": \"%s\"", call);
}

/* Blind transfer to C, whose unanswered rule is her voicemail; and transfer to a mailbox. */
static void
test_voicemail_transfers (ServerFixture *f, gconstpointer data)
{
  g_autoptr (JsonObject) result = NULL;
  g_autoptr (JsonObject) event = NULL;
  g_autofree char *x = test_connect_call (f->alice, f->bob);
  g_autofree char *transfer = NULL;
  g_autofree char *call = NULL;

  result = test_client_ok (f->carol, "settings.set",
                           "\"settings\": {\"unanswered_target\": \"voicemail\", "
                           "\"ring_timeout\": 1}");
  g_clear_pointer (&result, json_object_unref);
  result = test_client_ok (f->alice, "call.transfer",
                           "\"call\": \"%s\", \"target\": {\"kind\": \"participant\", "
                           "\"user\": \"carol\"}",
                           x);
  transfer = g_strdup (json_object_get_string_member (member (result, "transfer"), "id"));
  event = test_client_wait (f->bob, "transfer.request", NULL);
  g_assert_false (json_object_get_boolean_member_with_default (event, "voicemail", FALSE));
  g_clear_pointer (&event, json_object_unref);
  g_clear_pointer (&result, json_object_unref);
  result
      = test_client_ok (f->bob, "call.start", "\"to\": \"carol\", \"transfer\": \"%s\"", transfer);
  call = g_strdup (json_object_get_string_member (member (result, "call"), "id"));
  event = test_client_wait (f->bob, "call.forwarded", call);
  g_assert_true (json_object_get_boolean_member (event, "voicemail"));
  g_clear_pointer (&event, json_object_unref);
  event = test_client_wait (f->carol, "call.incoming", call);
  assert_ended (f->carol, call, 487, 3);
  assert_transfer_state (f->alice, transfer, "transferred", 0, 0);
  assert_ended (f->bob, x, 0, 1);
  g_clear_pointer (&result, json_object_unref);
  result = test_client_ok (f->bob, "call.hangup", "\"call\": \"%s\"", call);
  g_clear_pointer (&x, g_free);
  g_clear_pointer (&transfer, g_free);
  g_clear_pointer (&call, g_free);

  /* To the mailbox: B's call.start must say voicemail. */
  x = test_connect_call (f->alice, f->bob);
  g_clear_pointer (&result, json_object_unref);
  result = test_client_ok (f->alice, "call.transfer",
                           "\"call\": \"%s\", \"target\": {\"kind\": \"voicemail\", "
                           "\"user\": \"carol\"}",
                           x);
  transfer = g_strdup (json_object_get_string_member (member (result, "transfer"), "id"));
  g_assert_cmpstr (
      json_object_get_string_member (member (member (result, "transfer"), "target"), "kind"), ==,
      "voicemail");
  g_clear_pointer (&event, json_object_unref);
  event = test_client_wait (f->bob, "transfer.request", NULL);
  g_assert_true (json_object_get_boolean_member (event, "voicemail"));
  test_client_error (f->bob, 403, 5, "call.start", "\"to\": \"carol\", \"transfer\": \"%s\"",
                     transfer);
  g_clear_pointer (&result, json_object_unref);
  result
      = test_client_ok (f->bob, "call.start",
                        "\"to\": \"carol\", \"transfer\": \"%s\", \"voicemail\": true", transfer);
  call = g_strdup (json_object_get_string_member (member (result, "call"), "id"));
  assert_transfer_state (f->alice, transfer, "transferred", 0, 0);
  assert_ended (f->bob, x, 0, 1);
  test_client_assert_none (f->carol, "call.incoming", 50);
}

static void
test_voicemail_box (ServerFixture *f, gconstpointer data)
{
  g_autofree char *token = test_server_token (f->server, "carol", 600);
  g_autofree char *greeting = g_build_filename (g_getenv ("TR_BUILD_DIR"), "src", "server",
                                                "voicemail-greeting.ogg", NULL);
  g_autofree char *ogg = NULL;
  gsize            length = 0;
  g_autoptr (JsonObject) result = NULL;
  g_autoptr (JsonObject) body = NULL;
  g_autoptr (SoupSession) session = soup_session_new ();
  g_autofree char *url = g_strdup_printf ("%s/v1/me/voicemail/greeting", f->server->url);
  g_autofree char *auth = g_strdup_printf ("Bearer %s", token);

  result = test_client_ok (f->carol, "voicemail.list", NULL);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (result, "messages")), ==,
                    0);
  g_assert_cmpint (json_object_get_int_member (result, "unheard"), ==, 0);
  test_client_error (f->carol, 404, 3, "voicemail.mark_heard", "\"message\": \"v-nope\"");
  test_client_error (f->carol, 404, 3, "voicemail.delete", "\"message\": \"v-nope\"");
  test_client_error (f->carol, 400, 3, "voicemail.delete", NULL);

  g_assert_cmpuint (test_http (f->server, "GET", "/v1/me/voicemail", token, NULL, &body), ==, 200);
  g_assert_cmpint (json_object_get_int_member (body, "unheard"), ==, 0);
  g_clear_pointer (&body, json_object_unref);
  g_assert_cmpuint (
      test_http (f->server, "GET", "/v1/me/voicemail/v-nope/audio", token, NULL, &body), ==, 404);
  test_assert_error (json_object_get_object_member (body, "error"), 404, 3);
  g_clear_pointer (&body, json_object_unref);
  g_assert_cmpuint (
      test_http (f->server, "POST", "/v1/me/voicemail/v-nope/heard", token, "{}", NULL), ==, 404);
  g_assert_cmpuint (
      test_http (f->server, "GET", "/v1/me/voicemail", f->server->admin_key, NULL, &body), ==, 403);
  g_clear_pointer (&body, json_object_unref);
  g_assert_cmpuint (test_http (f->server, "GET", "/v1/me/voicemail", NULL, NULL, NULL), ==, 401);

  /* Greetings: Ogg/Opus only. */
  g_assert_cmpuint (test_http (f->server, "PUT", "/v1/me/voicemail/greeting", token,
                               "{\"not\": \"audio\"}", &body),
                    ==, 400);
  test_assert_error (json_object_get_object_member (body, "error"), 400, 4);
  g_assert_true (g_file_get_contents (greeting, &ogg, &length, NULL));
  {
    g_autoptr (SoupMessage) msg = soup_message_new ("PUT", url);
    g_autoptr (GBytes) bytes = g_bytes_new (ogg, length);
    g_autoptr (GBytes) reply = NULL;

    soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization", auth);
    soup_message_set_request_body_from_bytes (msg, "audio/ogg", bytes);
    reply = soup_session_send_and_read (session, msg, NULL, NULL);
    g_assert_cmpuint (soup_message_get_status (msg), ==, 204);
  }
  g_assert_cmpuint (test_http (f->server, "DELETE", "/v1/me/voicemail/greeting", token, NULL, NULL),
                    ==, 204);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) g_test_add (path, ServerFixture, NULL, server_fixture_setup, func, server_fixture_teardown)
  ADD ("/attended/success", test_attended_success);
  ADD ("/attended/refused", test_attended_refused);
  ADD ("/attended/in-progress", test_attended_in_progress);
  ADD ("/attended/declined", test_attended_declined);
  ADD ("/attended/transferee-hangs-up", test_attended_transferee_hangs_up);
  ADD ("/attended/target-ended", test_attended_target_ended);
  ADD ("/voicemail/routes", test_voicemail_routes);
  ADD ("/voicemail/transfers", test_voicemail_transfers);
  ADD ("/voicemail/box", test_voicemail_box);
#undef ADD

  return g_test_run ();
}
