/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "TestCalls"

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
test_basic_call (ServerFixture *f, gconstpointer data)
{
  g_autoptr (JsonObject) result = NULL;
  g_autoptr (JsonObject) event = NULL;
  g_autofree char *call = NULL;
  JsonObject      *info;
  JsonArray       *users;

  /* Directory and presence. */
  result = test_client_ok (f->alice, "directory.list", NULL);
  users = json_object_get_array_member (result, "users");
  g_assert_cmpuint (json_array_get_length (users), ==, 9);
  for (guint i = 0; i < json_array_get_length (users); i++)
    {
      JsonObject *user = json_array_get_object_element (users, i);
      const char *id = json_object_get_string_member (user, "id");

      if (g_str_has_prefix (id, "line-"))
        {
          g_assert_cmpstr (json_object_get_string_member (user, "kind"), ==, "service");
          g_assert_true (json_object_get_boolean_member (user, "online"));
        }
      else
        g_assert_cmpint (json_object_get_boolean_member (user, "online"), ==,
                         !g_str_equal (id, "dave"));
    }
  g_clear_pointer (&result, json_object_unref);
  result
      = test_client_ok (f->alice, "presence.subscribe", "\"users\": [\"dave\", \"bob\", \"dave\"]");
  g_assert_false (json_object_get_boolean_member (
      json_array_get_object_element (json_object_get_array_member (result, "presence"), 0),
      "online"));
  {
    g_autoptr (TestClient) dave = test_client_new (f->server, "dave");

    event = test_client_wait (f->alice, "presence", NULL);
    g_assert_cmpstr (json_object_get_string_member (event, "user"), ==, "dave");
    g_assert_true (json_object_get_boolean_member (event, "online"));
    g_clear_pointer (&event, json_object_unref);
    /* Subscribed twice, told once. */
    test_client_assert_none (f->alice, "presence", 100);
  }
  event = test_client_wait (f->alice, "presence", NULL);
  g_assert_false (json_object_get_boolean_member (event, "online"));
  g_clear_pointer (&event, json_object_unref);

  /* The call. */
  g_clear_pointer (&result, json_object_unref);
  result = test_client_ok (f->alice, "call.start", "\"to\": \"bob\", \"video\": true");
  info = member (result, "call");
  call = g_strdup (json_object_get_string_member (info, "id"));
  g_assert_true (g_str_has_prefix (call, "c-"));
  g_assert_cmpstr (json_object_get_string_member (info, "state"), ==, "ringing");
  g_assert_cmpstr (json_object_get_string_member (member (info, "callee"), "display_name"), ==,
                   "Bob");
  g_assert_true (json_object_get_boolean_member (info, "video"));

  event = test_client_wait (f->bob, "call.incoming", call);
  g_assert_cmpstr (json_object_get_string_member (member (member (event, "call"), "caller"), "id"),
                   ==, "alice");
  g_clear_pointer (&event, json_object_unref);
  event = test_client_wait (f->alice, "call.ringing", call);
  g_clear_pointer (&event, json_object_unref);

  /* Only the callee accepts. */
  test_client_error (f->alice, 403, 1, "call.accept", "\"call\": \"%s\"", call);
  test_client_error (f->alice, 400, 6, "call.hold", "\"call\": \"%s\"", call);
  g_clear_pointer (&result, json_object_unref);
  result = test_client_ok (f->bob, "call.accept", "\"call\": \"%s\"", call);
  g_assert_cmpstr (json_object_get_string_member (member (result, "call"), "state"), ==,
                   "connected");
  event = test_client_wait (f->alice, "call.accepted", call);
  g_clear_pointer (&event, json_object_unref);

  /* Signal, DTMF, hold. */
  g_clear_pointer (&result, json_object_unref);
  result
      = test_client_ok (f->bob, "call.signal",
                        "\"call\": \"%s\", \"payload\": {\"type\": \"answer\", \"n\": [1]}", call);
  event = test_client_wait (f->alice, "call.signal", call);
  g_assert_cmpstr (json_object_get_string_member (event, "from"), ==, "bob");
  g_assert_cmpstr (json_object_get_string_member (member (event, "payload"), "type"), ==, "answer");
  g_clear_pointer (&event, json_object_unref);
  g_clear_pointer (&result, json_object_unref);
  result = test_client_ok (f->alice, "call.dtmf", "\"call\": \"%s\", \"digits\": \"12#\"", call);
  event = test_client_wait (f->bob, "call.dtmf", call);
  g_assert_cmpstr (json_object_get_string_member (event, "digits"), ==, "12#");
  g_clear_pointer (&event, json_object_unref);
  test_client_error (f->alice, 400, 4, "call.dtmf", "\"call\": \"%s\", \"digits\": \"x\"", call);

  g_clear_pointer (&result, json_object_unref);
  result = test_client_ok (f->alice, "call.hold", "\"call\": \"%s\"", call);
  g_assert_true (
      json_object_get_boolean_member (member (member (result, "call"), "hold"), "caller"));
  event = test_client_wait (f->bob, "call.hold_changed", call);
  g_assert_true (json_object_get_boolean_member (member (event, "hold"), "caller"));
  g_assert_false (json_object_get_boolean_member (member (event, "hold"), "callee"));
  g_clear_pointer (&event, json_object_unref);
  event = test_client_wait (f->alice, "call.hold_changed", call);
  g_clear_pointer (&event, json_object_unref);
  g_clear_pointer (&result, json_object_unref);
  result = test_client_ok (f->alice, "call.resume", "\"call\": \"%s\"", call);
  event = test_client_wait (f->bob, "call.hold_changed", call);
  g_assert_false (json_object_get_boolean_member (member (event, "hold"), "caller"));
  g_clear_pointer (&event, json_object_unref);

  g_clear_pointer (&result, json_object_unref);
  result = test_client_ok (f->alice, "call.hangup", "\"call\": \"%s\"", call);
  assert_ended (f->alice, call, 0, 0);
  assert_ended (f->bob, call, 0, 0);
  test_client_error (f->alice, 481, 1, "call.hangup", "\"call\": \"%s\"", call);

  /* The record. */
  g_clear_pointer (&result, json_object_unref);
  result = test_client_ok (f->bob, "records.list", NULL);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (result, "records")), ==,
                    1);
}

static char *
start_call (TestClient *caller, const char *to)
{
  g_autoptr (JsonObject) result = test_client_ok (caller, "call.start", "\"to\": \"%s\"", to);

  return g_strdup (json_object_get_string_member (member (result, "call"), "id"));
}

static void
set_settings (TestClient *client, const char *json)
{
  g_autoptr (JsonObject) result = test_client_ok (client, "settings.set", "\"settings\": %s", json);
}

static void
test_service_lines (ServerFixture *f, gconstpointer data)
{
  g_autofree char *busy = start_call (f->alice, "line-busy");
  g_autofree char *decline = NULL;
  g_autofree char *noanswer = NULL;

  assert_ended (f->alice, busy, 486, 1);
  decline = start_call (f->alice, "line-decline");
  assert_ended (f->alice, decline, 603, 1);
  noanswer = start_call (f->alice, "line-noanswer");
  {
    g_autoptr (JsonObject) ringing = test_client_wait (f->alice, "call.ringing", noanswer);
  }
  test_client_assert_none (f->alice, "call.ended", 300);
  {
    g_autoptr (JsonObject) result
        = test_client_ok (f->alice, "call.hangup", "\"call\": \"%s\"", noanswer);
  }
  assert_ended (f->alice, noanswer, 487, 1);
}

static void
test_reject_and_offline (ServerFixture *f, gconstpointer data)
{
  g_autofree char *call = start_call (f->alice, "bob");
  g_autoptr (JsonObject) incoming = test_client_wait (f->bob, "call.incoming", call);
  g_autoptr (JsonObject) result = NULL;
  g_autofree char *call2 = NULL;

  test_client_error (f->carol, 403, 1, "call.reject", "\"call\": \"%s\", \"reason\": \"busy\"",
                     call);
  result = test_client_ok (f->bob, "call.reject", "\"call\": \"%s\", \"reason\": \"busy\"", call);
  assert_ended (f->alice, call, 486, 1);

  /* Offline callee: 480/1; yourself: 400/4. */
  test_client_error (f->alice, 480, 1, "call.start", "\"to\": \"dave\"");
  test_client_error (f->alice, 400, 4, "call.start", "\"to\": \"alice\"");

  /* A callee's connection drops while ringing: 480/2 for the caller. */
  call2 = start_call (f->alice, "carol");
  g_clear_pointer (&incoming, json_object_unref);
  incoming = test_client_wait (f->carol, "call.incoming", call2);
  g_clear_pointer (&f->carol, test_client_free);
  assert_ended (f->alice, call2, 480, 2);
}

static void
test_multiple_sessions (ServerFixture *f, gconstpointer data)
{
  g_autoptr (TestClient) bob2 = test_client_new (f->server, "bob");
  g_autofree char *call = start_call (f->alice, "bob");
  g_autoptr (JsonObject) incoming = test_client_wait (f->bob, "call.incoming", call);
  g_autoptr (JsonObject) incoming2 = test_client_wait (bob2, "call.incoming", call);
  g_autoptr (JsonObject) result = test_client_ok (bob2, "call.accept", "\"call\": \"%s\"", call);

  assert_ended (f->bob, call, 487, 3);
  g_clear_pointer (&result, json_object_unref);
  result = test_client_wait (f->alice, "call.accepted", call);
  test_client_error (f->bob, 400, 6, "call.accept", "\"call\": \"%s\"", call);

  /* The session that took the call drops: the call ends with 480/2. */
  g_clear_pointer (&bob2, test_client_free);
  assert_ended (f->alice, call, 480, 2);
}

static void
test_forwarding (ServerFixture *f, gconstpointer data)
{
  g_autoptr (JsonObject) result = NULL;
  g_autoptr (JsonObject) event = NULL;
  g_autofree char *call = NULL;
  g_autofree char *call2 = NULL;

  /* Forward always: bob → carol. */
  set_settings (f->bob, "{\"forward_always\": \"carol\"}");
  result = test_client_ok (f->alice, "call.start", "\"to\": \"bob\"");
  call = g_strdup (json_object_get_string_member (member (result, "call"), "id"));
  g_assert_cmpstr (json_object_get_string_member (member (member (result, "call"), "callee"), "id"),
                   ==, "carol");
  g_assert_cmpstr (
      json_object_get_string_member (member (member (result, "call"), "forwarded_from"), "id"), ==,
      "bob");
  event = test_client_wait (f->alice, "call.forwarded", call);
  g_assert_cmpstr (json_object_get_string_member (event, "reason"), ==, "forward-always");
  g_assert_cmpstr (json_object_get_string_member (member (event, "to"), "id"), ==, "carol");
  g_clear_pointer (&event, json_object_unref);
  event = test_client_wait (f->carol, "call.incoming", call);
  test_client_assert_none (f->bob, "call.incoming", 100);
  g_clear_pointer (&result, json_object_unref);
  result = test_client_ok (f->alice, "call.hangup", "\"call\": \"%s\"", call);
  assert_ended (f->carol, call, 487, 1);

  /* A loop: 404/2. */
  set_settings (f->carol, "{\"forward_always\": \"bob\"}");
  test_client_error (f->alice, 404, 2, "call.start", "\"to\": \"bob\"");
  set_settings (f->carol, "{\"forward_always\": null}");
  set_settings (f->bob, "{\"forward_always\": null}");

  /* Unanswered: bob rings 1 s, then carol. */
  set_settings (f->bob, "{\"unanswered_target\": \"carol\", \"ring_timeout\": 1}");
  call2 = start_call (f->alice, "bob");
  g_clear_pointer (&event, json_object_unref);
  event = test_client_wait (f->bob, "call.incoming", call2);
  assert_ended (f->bob, call2, 487, 3);
  g_clear_pointer (&event, json_object_unref);
  event = test_client_wait (f->alice, "call.forwarded", call2);
  g_assert_cmpstr (json_object_get_string_member (event, "reason"), ==, "unanswered");
  g_clear_pointer (&event, json_object_unref);
  event = test_client_wait (f->carol, "call.incoming", call2);
  g_clear_pointer (&result, json_object_unref);
  result = test_client_ok (f->carol, "call.accept", "\"call\": \"%s\"", call2);
  g_clear_pointer (&event, json_object_unref);
  event = test_client_wait (f->alice, "call.accepted", call2);
  g_assert_cmpstr (json_object_get_string_member (member (member (event, "call"), "callee"), "id"),
                   ==, "carol");
}

static void
forward (TestServer *server, const char *from, const char *to)
{
  g_autofree char *token = test_server_token (server, from, 60);
  g_autofree char *body = g_strdup_printf ("{\"forward_always\": \"%s\"}", to);

  g_assert_cmpuint (test_http (server, "PUT", "/v1/me/settings", token, body, NULL), ==, 200);
}

/* At most 5 forwarding hops. */
static void
test_forwarding_hops (ServerFixture *f, gconstpointer data)
{
  g_autoptr (JsonObject) result = NULL;
  g_autoptr (JsonObject) event = NULL;
  g_autofree char *call = NULL;

  for (guint i = 1; i <= 6; i++)
    {
      g_autofree char *id = g_strdup_printf ("f%u", i);

      test_server_add_user (f->server, id, id);
    }
  /* f1 → f2 → f3 → f4 → f5 → bob: 5 hops, rings bob. */
  forward (f->server, "f1", "f2");
  forward (f->server, "f2", "f3");
  forward (f->server, "f3", "f4");
  forward (f->server, "f4", "f5");
  forward (f->server, "f5", "bob");
  result = test_client_ok (f->alice, "call.start", "\"to\": \"f1\"");
  call = g_strdup (json_object_get_string_member (member (result, "call"), "id"));
  event = test_client_wait (f->bob, "call.incoming", call);
  for (guint i = 0; i < 5; i++)
    {
      g_autoptr (JsonObject) forwarded = test_client_wait (f->alice, "call.forwarded", call);
    }
  g_clear_pointer (&result, json_object_unref);
  result = test_client_ok (f->alice, "call.hangup", "\"call\": \"%s\"", call);

  /* One more hop: 404/2. */
  forward (f->server, "f5", "f6");
  forward (f->server, "f6", "bob");
  test_client_error (f->alice, 404, 2, "call.start", "\"to\": \"f1\"");
}

static void
test_no_answer (ServerFixture *f, gconstpointer data)
{
  g_autofree char *call = NULL;

  set_settings (f->bob, "{\"ring_timeout\": 1}");
  call = start_call (f->alice, "bob");
  assert_ended (f->bob, call, 408, 1);
  assert_ended (f->alice, call, 408, 1);
}

/* A (alice) and B (bob) connected; A starts a transfer of B to @target. Returns the transfer
 * id; *out_call gets the call A–B. */
static char *
begin_transfer (ServerFixture *f, const char *target, gboolean disable, char **out_call)
{
  g_autofree char *call = test_connect_call (f->alice, f->bob);
  g_autoptr (JsonObject) result = NULL;
  g_autoptr (JsonObject) event = NULL;
  JsonObject *info;
  char       *transfer;

  result = test_client_ok (f->alice, "call.transfer",
                           "\"call\": \"%s\", \"target\": {\"kind\": \"participant\", "
                           "\"user\": \"%s\", \"disable_forwarding_and_unanswered\": %s}",
                           call, target, disable ? "true" : "false");
  info = member (result, "transfer");
  g_assert_cmpstr (json_object_get_string_member (info, "state"), ==, "transferring");
  g_assert_cmpstr (json_object_get_string_member (info, "call"), ==, call);
  transfer = g_strdup (json_object_get_string_member (info, "id"));
  g_assert_true (g_str_has_prefix (transfer, "t-"));

  /* A's side holds the call. */
  event = test_client_wait (f->bob, "call.hold_changed", call);
  g_assert_true (json_object_get_boolean_member (member (event, "hold"), "caller"));
  g_clear_pointer (&event, json_object_unref);
  event = test_client_wait (f->bob, "transfer.request", NULL);
  g_assert_cmpstr (json_object_get_string_member (event, "transfer"), ==, transfer);
  g_assert_cmpstr (json_object_get_string_member (event, "call"), ==, call);
  g_assert_cmpstr (json_object_get_string_member (member (event, "to"), "id"), ==, target);
  g_assert_cmpstr (json_object_get_string_member (member (event, "transferor"), "id"), ==, "alice");
  g_assert_cmpint (json_object_get_boolean_member (event, "disable_forwarding_and_unanswered"), ==,
                   disable);

  *out_call = g_steal_pointer (&call);
  return transfer;
}

static char *
follow_transfer (TestClient *transferee, const char *transfer, const char *target)
{
  g_autoptr (JsonObject) result = test_client_ok (
      transferee, "call.start", "\"to\": \"%s\", \"transfer\": \"%s\"", target, transfer);
  JsonObject *info = member (result, "call");

  g_assert_cmpstr (json_object_get_string_member (info, "transfer"), ==, transfer);
  g_assert_cmpstr (json_object_get_string_member (member (info, "transferor"), "id"), ==, "alice");
  return g_strdup (json_object_get_string_member (info, "id"));
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

static void
test_transfer_success (ServerFixture *f, gconstpointer data)
{
  g_autofree char *call = NULL;
  g_autofree char *transfer = begin_transfer (f, "carol", FALSE, &call);
  g_autofree char *target_call = NULL;
  g_autoptr (JsonObject) event = NULL;
  g_autoptr (JsonObject) result = NULL;

  /* A second transfer: 491; a mismatching call.start: 403/5. */
  test_client_error (f->alice, 491, 1, "call.transfer",
                     "\"call\": \"%s\", \"target\": {\"kind\": \"participant\", "
                     "\"user\": \"dave\"}",
                     call);
  test_client_error (f->bob, 403, 5, "call.start", "\"to\": \"dave\", \"transfer\": \"%s\"",
                     transfer);
  test_client_error (f->carol, 403, 5, "call.start", "\"to\": \"alice\", \"transfer\": \"%s\"",
                     transfer);

  target_call = follow_transfer (f->bob, transfer, "carol");
  event = test_client_wait (f->carol, "call.incoming", target_call);
  g_assert_cmpstr (
      json_object_get_string_member (member (member (event, "call"), "transferor"), "id"), ==,
      "alice");
  g_assert_cmpstr (json_object_get_string_member (member (member (event, "call"), "caller"), "id"),
                   ==, "bob");
  result = test_client_ok (f->carol, "call.accept", "\"call\": \"%s\"", target_call);

  {
    g_autoptr (JsonObject) state = test_client_wait (f->alice, "transfer.state", NULL);
    JsonObject *info = member (state, "transfer");

    g_assert_cmpstr (json_object_get_string_member (info, "state"), ==, "transferred");
    g_assert_cmpstr (json_object_get_string_member (info, "target_call"), ==, target_call);
  }
  assert_ended (f->alice, call, 0, 1);
  assert_ended (f->bob, call, 0, 1);
  g_clear_pointer (&event, json_object_unref);
  event = test_client_wait (f->bob, "call.accepted", target_call);

  /* B and C talk on. */
  g_clear_pointer (&result, json_object_unref);
  result = test_client_ok (f->carol, "call.hangup", "\"call\": \"%s\"", target_call);
  assert_ended (f->bob, target_call, 0, 0);
}

static void
test_transfer_checks (ServerFixture *f, gconstpointer data)
{
  g_autofree char *call = test_connect_call (f->alice, f->bob);

  test_client_error (f->carol, 403, 1, "call.transfer",
                     "\"call\": \"%s\", \"target\": {\"kind\": \"participant\", "
                     "\"user\": \"carol\"}",
                     call);
  test_client_error (f->alice, 481, 1, "call.transfer",
                     "\"call\": \"c-nope\", \"target\": {\"kind\": \"participant\", "
                     "\"user\": \"carol\"}");
  test_client_error (f->alice, 404, 1, "call.transfer",
                     "\"call\": \"%s\", \"target\": {\"kind\": \"participant\", "
                     "\"user\": \"zed\"}",
                     call);
  /* A service line has no voicemail; an attended target that does not exist has ended. */
  test_client_error (f->alice, 400, 4, "call.transfer",
                     "\"call\": \"%s\", \"target\": {\"kind\": \"voicemail\", "
                     "\"user\": \"line-busy\"}",
                     call);
  test_client_error (f->alice, 481, 2, "call.transfer",
                     "\"call\": \"%s\", \"target\": {\"kind\": \"call\", \"call\": \"c-1\"}", call);
  test_client_error (f->bob, 403, 5, "call.start", "\"to\": \"carol\", \"transfer\": \"t-nope\"");
}

static void
test_transfer_declined (ServerFixture *f, gconstpointer data)
{
  g_autofree char *call = NULL;
  g_autofree char *transfer = begin_transfer (f, "carol", FALSE, &call);
  g_autofree char *target_call = follow_transfer (f->bob, transfer, "carol");
  g_autoptr (JsonObject) event = test_client_wait (f->carol, "call.incoming", target_call);
  g_autoptr (JsonObject) result = test_client_ok (
      f->carol, "call.reject", "\"call\": \"%s\", \"reason\": \"declined\"", target_call);

  assert_transfer_state (f->alice, transfer, "failed", 603, 1);
  assert_ended (f->bob, target_call, 603, 1);

  /* A–B is still there, held by A; A resumes. */
  g_clear_pointer (&result, json_object_unref);
  result = test_client_ok (f->alice, "call.resume", "\"call\": \"%s\"", call);
  g_assert_false (
      json_object_get_boolean_member (member (member (result, "call"), "hold"), "caller"));
  g_clear_pointer (&event, json_object_unref);
  event = test_client_wait (f->bob, "call.hold_changed", call);
}

static void
test_transfer_targets_fail (ServerFixture *f, gconstpointer data)
{
  g_autofree char *call = NULL;
  g_autofree char *transfer = begin_transfer (f, "dave", FALSE, &call);
  g_autofree char *call2 = NULL;
  g_autofree char *transfer2 = NULL;
  g_autofree char *target_call = NULL;
  g_autoptr (JsonObject) result = NULL;

  /* Dave is offline: B's call.start fails 480/1 and so does the transfer. */
  test_client_error (f->bob, 480, 1, "call.start", "\"to\": \"dave\", \"transfer\": \"%s\"",
                     transfer);
  assert_transfer_state (f->alice, transfer, "failed", 480, 1);

  /* A busy line: 486/1. */
  result = test_client_ok (f->alice, "call.hangup", "\"call\": \"%s\"", call);
  assert_ended (f->bob, call, 0, 0);
  assert_ended (f->alice, call, 0, 0);
  transfer2 = begin_transfer (f, "line-busy", FALSE, &call2);
  target_call = follow_transfer (f->bob, transfer2, "line-busy");
  assert_transfer_state (f->alice, transfer2, "failed", 486, 1);
}

static void
test_transfer_no_answer (ServerFixture *f, gconstpointer data)
{
  g_autofree char *call = NULL;
  g_autofree char *transfer = NULL;
  g_autofree char *target_call = NULL;
  g_autoptr (JsonObject) event = NULL;

  /* With the rules disabled carol's unanswered rule does not apply: 408/1. */
  set_settings (f->carol, "{\"ring_timeout\": 1, \"unanswered_target\": \"line-noanswer\"}");
  transfer = begin_transfer (f, "carol", TRUE, &call);
  target_call = follow_transfer (f->bob, transfer, "carol");
  event = test_client_wait (f->carol, "call.incoming", target_call);
  assert_transfer_state (f->alice, transfer, "failed", 408, 1);
  assert_ended (f->bob, target_call, 408, 1);
}

static void
test_transfer_transferee_hangs_up (ServerFixture *f, gconstpointer data)
{
  g_autofree char *call = NULL;
  g_autofree char *transfer = begin_transfer (f, "carol", FALSE, &call);
  g_autofree char *target_call = follow_transfer (f->bob, transfer, "carol");
  g_autoptr (JsonObject) event = test_client_wait (f->carol, "call.incoming", target_call);
  g_autoptr (JsonObject) result = test_client_ok (f->bob, "call.hangup", "\"call\": \"%s\"", call);

  assert_transfer_state (f->alice, transfer, "failed", 487, 2);
  assert_ended (f->carol, target_call, 487, 1);
  assert_ended (f->alice, call, 0, 0);
}

static void
test_transfer_transferor_hangs_up (ServerFixture *f, gconstpointer data)
{
  g_autofree char *call = NULL;
  g_autofree char *transfer = begin_transfer (f, "carol", FALSE, &call);
  g_autofree char *target_call = NULL;
  g_autoptr (JsonObject) event = NULL;
  g_autoptr (JsonObject) result
      = test_client_ok (f->alice, "call.hangup", "\"call\": \"%s\"", call);

  assert_ended (f->bob, call, 0, 0);
  /* The transfer goes on. */
  target_call = follow_transfer (f->bob, transfer, "carol");
  event = test_client_wait (f->carol, "call.incoming", target_call);
  g_clear_pointer (&result, json_object_unref);
  result = test_client_ok (f->carol, "call.accept", "\"call\": \"%s\"", target_call);
  assert_transfer_state (f->alice, transfer, "transferred", 0, 0);
}

static void
test_transfer_unresponsive (ServerFixture *f, gconstpointer data)
{
  g_autofree char *call = NULL;
  g_autofree char *transfer = NULL;

  if (!g_test_slow ())
    {
      g_test_skip ("takes 10 s; run with -m slow");
      return;
    }
  transfer = begin_transfer (f, "carol", FALSE, &call);
  test_set_wait_ms (15000);
  assert_transfer_state (f->alice, transfer, "failed", 480, 3);
  test_set_wait_ms (0);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) g_test_add (path, ServerFixture, NULL, server_fixture_setup, func, server_fixture_teardown)

  ADD ("/server/call/basic", test_basic_call);
  ADD ("/server/call/service-lines", test_service_lines);
  ADD ("/server/call/reject-offline", test_reject_and_offline);
  ADD ("/server/call/multiple-sessions", test_multiple_sessions);
  ADD ("/server/call/forwarding", test_forwarding);
  ADD ("/server/call/forwarding-hops", test_forwarding_hops);
  ADD ("/server/call/no-answer", test_no_answer);
  ADD ("/server/transfer/success", test_transfer_success);
  ADD ("/server/transfer/checks", test_transfer_checks);
  ADD ("/server/transfer/declined", test_transfer_declined);
  ADD ("/server/transfer/targets-fail", test_transfer_targets_fail);
  ADD ("/server/transfer/no-answer", test_transfer_no_answer);
  ADD ("/server/transfer/transferee-hangs-up", test_transfer_transferee_hangs_up);
  ADD ("/server/transfer/transferor-hangs-up", test_transfer_transferor_hangs_up);
  ADD ("/server/transfer/unresponsive", test_transfer_unresponsive);

  return g_test_run ();
}
