/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "TestServer"

#include <glib/gstdio.h>
#include <string.h>

#include "server-test-util.h"
#include "tr-token.h"

static const char *
error_reason (JsonObject *body)
{
  return json_object_get_string_member (json_object_get_object_member (body, "error"), "reason");
}

static JsonObject *
body_error (JsonObject *body)
{
  g_assert_nonnull (body);
  return json_object_get_object_member (body, "error");
}

static void
test_rest_admin (void)
{
  g_autoptr (TestServer) server = test_server_new ();
  g_autoptr (JsonObject) body = NULL;
  g_autofree char *token = NULL;
  g_autofree char *jti = NULL;
  JsonArray       *users;
  guint            status;

  status = test_http (server, "GET", "/v1/health", NULL, NULL, &body);
  g_assert_cmpuint (status, ==, 200);
  g_assert_cmpstr (json_object_get_string_member (body, "status"), ==, "ok");
  g_assert_cmpint (json_object_get_int_member (body, "protocol"), ==, 1);
  g_clear_pointer (&body, json_object_unref);

  /* No key: 401/4. A wrong key: 401/2. */
  status = test_http (server, "POST", "/v1/users", NULL,
                      "{\"id\": \"alice\", \"display_name\": \"Alice\"}", &body);
  g_assert_cmpuint (status, ==, 401);
  test_assert_error (body_error (body), 401, 4);
  g_clear_pointer (&body, json_object_unref);
  status = test_http (server, "POST", "/v1/users", "not-the-key",
                      "{\"id\": \"alice\", \"display_name\": \"Alice\"}", &body);
  g_assert_cmpuint (status, ==, 401);
  test_assert_error (body_error (body), 401, 2);
  g_clear_pointer (&body, json_object_unref);

  /* The admin key: 201 Party; again: 409. */
  status = test_http (server, "POST", "/v1/users", server->admin_key,
                      "{\"id\": \"alice\", \"display_name\": \"Alice\"}", &body);
  g_assert_cmpuint (status, ==, 201);
  g_assert_cmpstr (json_object_get_string_member (body, "id"), ==, "alice");
  g_assert_cmpstr (json_object_get_string_member (body, "display_name"), ==, "Alice");
  g_clear_pointer (&body, json_object_unref);
  status = test_http (server, "POST", "/v1/users", server->admin_key,
                      "{\"id\": \"alice\", \"display_name\": \"Alice\"}", &body);
  g_assert_cmpuint (status, ==, 409);
  g_assert_nonnull (body_error (body));
  g_clear_pointer (&body, json_object_unref);
  status = test_http (server, "POST", "/v1/users", server->admin_key,
                      "{\"id\": \"bad id!\", \"display_name\": \"X\"}", &body);
  g_assert_cmpuint (status, ==, 400);
  test_assert_error (body_error (body), 400, 4);
  g_clear_pointer (&body, json_object_unref);
  status = test_http (server, "POST", "/v1/users", server->admin_key, "{nope", &body);
  g_assert_cmpuint (status, ==, 400);
  test_assert_error (body_error (body), 400, 1);
  g_clear_pointer (&body, json_object_unref);

  /* Tokens. */
  status = test_http (server, "POST", "/v1/tokens", server->admin_key,
                      "{\"user\": \"alice\", \"ttl\": 600, \"scopes\": [\"call\"]}", &body);
  g_assert_cmpuint (status, ==, 201);
  token = g_strdup (json_object_get_string_member (body, "token"));
  jti = g_strdup (json_object_get_string_member (body, "jti"));
  g_assert_cmpint (json_object_get_int_member (body, "expires_at"), >,
                   g_get_real_time () / G_USEC_PER_SEC + 590);
  g_clear_pointer (&body, json_object_unref);
  status
      = test_http (server, "POST", "/v1/tokens", server->admin_key, "{\"user\": \"zed\"}", &body);
  g_assert_cmpuint (status, ==, 404);
  test_assert_error (body_error (body), 404, 1);
  g_clear_pointer (&body, json_object_unref);
  status = test_http (server, "POST", "/v1/tokens", server->admin_key,
                      "{\"user\": \"alice\", \"ttl\": 0}", &body);
  g_assert_cmpuint (status, ==, 400);
  g_clear_pointer (&body, json_object_unref);

  /* A user token on admin endpoints: 403/4. */
  status = test_http (server, "POST", "/v1/users", token,
                      "{\"id\": \"mallory\", \"display_name\": \"M\"}", &body);
  g_assert_cmpuint (status, ==, 403);
  test_assert_error (body_error (body), 403, 4);
  g_clear_pointer (&body, json_object_unref);
  status = test_http (server, "POST", "/v1/tokens", token, "{\"user\": \"alice\"}", &body);
  g_assert_cmpuint (status, ==, 403);
  g_clear_pointer (&body, json_object_unref);

  /* Users list: admin or user; includes the service lines. */
  status = test_http (server, "GET", "/v1/users", token, NULL, &body);
  g_assert_cmpuint (status, ==, 200);
  users = json_object_get_array_member (body, "users");
  g_assert_cmpuint (json_array_get_length (users), ==, 6);
  g_clear_pointer (&body, json_object_unref);
  status = test_http (server, "GET", "/v1/users/line-busy", server->admin_key, NULL, &body);
  g_assert_cmpuint (status, ==, 200);
  g_assert_cmpstr (json_object_get_string_member (body, "kind"), ==, "service");
  g_clear_pointer (&body, json_object_unref);
  status = test_http (server, "GET", "/v1/users/zed", token, NULL, &body);
  g_assert_cmpuint (status, ==, 404);
  g_clear_pointer (&body, json_object_unref);

  /* Me and settings. */
  status = test_http (server, "GET", "/v1/me", token, NULL, &body);
  g_assert_cmpuint (status, ==, 200);
  g_assert_cmpstr (json_object_get_string_member (body, "id"), ==, "alice");
  g_clear_pointer (&body, json_object_unref);
  status = test_http (server, "GET", "/v1/me", server->admin_key, NULL, &body);
  g_assert_cmpuint (status, ==, 403);
  g_clear_pointer (&body, json_object_unref);
  status = test_http (server, "GET", "/v1/me/settings", token, NULL, &body);
  g_assert_cmpuint (status, ==, 200);
  g_assert_cmpint (json_object_get_int_member (body, "ring_timeout"), ==, 30);
  g_assert_true (json_object_get_null_member (body, "forward_always"));
  g_clear_pointer (&body, json_object_unref);
  status = test_http (server, "PUT", "/v1/me/settings", token,
                      "{\"ring_timeout\": 12, \"unanswered_target\": \"line-busy\"}", &body);
  g_assert_cmpuint (status, ==, 200);
  g_assert_cmpint (json_object_get_int_member (body, "ring_timeout"), ==, 12);
  g_assert_cmpstr (json_object_get_string_member (body, "unanswered_target"), ==, "line-busy");
  g_clear_pointer (&body, json_object_unref);
  status = test_http (server, "PUT", "/v1/me/settings", token, "{\"ring_timeout\": 0}", &body);
  g_assert_cmpuint (status, ==, 400);
  test_assert_error (body_error (body), 400, 4);
  g_clear_pointer (&body, json_object_unref);
  status = test_http (server, "PUT", "/v1/me/settings", token, "{\"forward_always\": \"nobody\"}",
                      &body);
  g_assert_cmpuint (status, ==, 404);
  g_clear_pointer (&body, json_object_unref);
  status = test_http (server, "GET", "/v1/me/calls?limit=5", token, NULL, &body);
  g_assert_cmpuint (status, ==, 200);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (body, "records")), ==, 0);
  g_clear_pointer (&body, json_object_unref);
  status = test_http (server, "GET", "/v1/nothing", token, NULL, &body);
  g_assert_cmpuint (status, ==, 404);
  g_clear_pointer (&body, json_object_unref);

  /* Revoke: the token stops working. */
  status = test_http (server, "DELETE", "/v1/tokens/x", token, NULL, &body);
  g_assert_cmpuint (status, ==, 403);
  g_clear_pointer (&body, json_object_unref);
  {
    g_autofree char *path = g_strconcat ("/v1/tokens/", jti, NULL);

    status = test_http (server, "DELETE", path, server->admin_key, NULL, NULL);
    g_assert_cmpuint (status, ==, 204);
  }
  status = test_http (server, "GET", "/v1/me", token, NULL, &body);
  g_assert_cmpuint (status, ==, 401);
  test_assert_error (body_error (body), 401, 3);
  g_clear_pointer (&body, json_object_unref);

  /* Remove the user; service lines can't be removed. */
  status = test_http (server, "DELETE", "/v1/users/line-busy", server->admin_key, NULL, &body);
  g_assert_cmpuint (status, ==, 400);
  g_clear_pointer (&body, json_object_unref);
  status = test_http (server, "DELETE", "/v1/users/alice", server->admin_key, NULL, NULL);
  g_assert_cmpuint (status, ==, 204);
  status = test_http (server, "DELETE", "/v1/users/alice", server->admin_key, NULL, &body);
  g_assert_cmpuint (status, ==, 404);
  g_clear_pointer (&body, json_object_unref);
}

static char *
forge_token (TestServer *server, const char *user, gint64 exp)
{
  g_autofree char *path = g_build_filename (server->data_dir, "secret", NULL);
  g_autofree char *secret = NULL;
  g_autoptr (GError) error = NULL;
  char         *scopes[] = { (char *)"call", NULL };
  TrTokenClaims claims = { 0 };
  gsize         length;

  g_file_get_contents (path, &secret, &length, &error);
  g_assert_no_error (error);
  claims.sub = (char *)user;
  claims.scopes = scopes;
  claims.iat = exp - 100;
  claims.exp = exp;
  claims.jti = (char *)"forged0123";
  return tr_token_encode (&claims, (const guint8 *)secret, length);
}

static void
test_connect_tokens (void)
{
  g_autoptr (TestServer) server = test_server_new ();
  g_autoptr (JsonObject) body = NULL;
  g_autoptr (TestClient) client = NULL;
  g_autofree char *token = NULL;
  g_autofree char *expired = NULL;
  g_autofree char *ghost = NULL;
  g_autoptr (TrTokenClaims) claims = NULL;
  guint status;
  int   exit_status;

  test_server_add_user (server, "alice", "Alice");
  token = test_server_token (server, "alice", 600);

  status = test_handshake (server, NULL, "transfer.v1", &body);
  g_assert_cmpuint (status, ==, 401);
  test_assert_error (body_error (body), 401, 4);
  g_assert_cmpstr (error_reason (body), ==, "token-missing");
  g_clear_pointer (&body, json_object_unref);

  status = test_handshake (server, "garbage", "transfer.v1", &body);
  g_assert_cmpuint (status, ==, 401);
  test_assert_error (body_error (body), 401, 2);
  g_clear_pointer (&body, json_object_unref);

  expired = forge_token (server, "alice", g_get_real_time () / G_USEC_PER_SEC - 10);
  status = test_handshake (server, expired, "transfer.v1", &body);
  g_assert_cmpuint (status, ==, 401);
  test_assert_error (body_error (body), 401, 1);
  g_clear_pointer (&body, json_object_unref);

  ghost = forge_token (server, "ghost", g_get_real_time () / G_USEC_PER_SEC + 100);
  status = test_handshake (server, ghost, "transfer.v1", &body);
  g_assert_cmpuint (status, ==, 401);
  test_assert_error (body_error (body), 401, 2);
  g_clear_pointer (&body, json_object_unref);

  /* No known subprotocol: 400. */
  status = test_handshake (server, token, "transfer.v0", &body);
  g_assert_cmpuint (status, ==, 400);
  g_clear_pointer (&body, json_object_unref);

  /* The real client gets refused with the status too. */
  client = test_client_try_connect (server, "garbage", "transfer.v1", &status, NULL);
  g_assert_null (client);
  g_assert_cmpuint (status, ==, 401);

  /* A good token connects; revoked (admin command, another process) it is refused. */
  client = test_client_try_connect (server, token, "transfer.v1", &status, NULL);
  g_assert_nonnull (client);
  client->user = g_strdup ("alice");
  g_clear_pointer (&body, json_object_unref);
  body = test_client_wait (client, "welcome", NULL);
  g_assert_cmpint (json_object_get_int_member (body, "protocol"), ==, 1);
  g_assert_cmpint (
      json_object_get_int_member (json_object_get_object_member (body, "limits"), "max_frame"), ==,
      65536);
  g_clear_pointer (&body, json_object_unref);

  claims = tr_token_decode_unverified (token, NULL);
  g_assert_nonnull (claims);
  g_free (test_server_admin (server, &exit_status, "token", "revoke", claims->jti, NULL));
  g_assert_cmpint (exit_status, ==, 0);
  status = test_handshake (server, token, "transfer.v1", &body);
  g_assert_cmpuint (status, ==, 401);
  test_assert_error (body_error (body), 401, 3);
  g_clear_pointer (&body, json_object_unref);

  /* The running session notices the revocation (database poll) and closes with 4001. */
  test_client_wait_closed (client, 5000);
  g_assert_cmpuint (client->close_code, ==, 4001);
}

static void
test_token_expiry (void)
{
  g_autoptr (TestServer) server = test_server_new ();
  g_autoptr (TestClient) client = NULL;
  g_autoptr (TestClient) refreshed = NULL;
  g_autoptr (JsonObject) result = NULL;
  g_autofree char *token = NULL;
  g_autofree char *newer = NULL;
  g_autofree char *other = NULL;

  test_server_add_user (server, "alice", "Alice");
  test_server_add_user (server, "bob", "Bob");
  token = test_server_token (server, "alice", 2);
  client = test_client_try_connect (server, token, "transfer.v1", NULL, NULL);
  g_assert_nonnull (client);
  client->user = g_strdup ("alice");

  /* A second session refreshes its token and survives. */
  token = (g_free (token), test_server_token (server, "alice", 2));
  refreshed = test_client_try_connect (server, token, "transfer.v1", NULL, NULL);
  g_assert_nonnull (refreshed);
  refreshed->user = g_strdup ("alice2");
  newer = test_server_token (server, "alice", 600);
  other = test_server_token (server, "bob", 600);
  test_client_error (refreshed, 403, 3, "session.refresh", "\"token\": \"%s\"", other);
  test_client_error (refreshed, 401, 2, "session.refresh", "\"token\": \"x.y.z\"");
  result = test_client_ok (refreshed, "session.refresh", "\"token\": \"%s\"", newer);
  g_assert_cmpint (json_object_get_int_member (result, "token_expires_at"), >,
                   g_get_real_time () / G_USEC_PER_SEC + 500);

  test_client_wait_closed (client, 5000);
  g_assert_cmpuint (client->close_code, ==, 4001);
  g_assert_false (refreshed->closed);
  g_clear_pointer (&result, json_object_unref);
  result = test_client_ok (refreshed, "ping", NULL);
}

/* Bad input from one client: error replies or a close for that client only, while a call
 * between two others goes on. */
static void
test_bad_input (void)
{
  g_autoptr (TestServer) server = test_server_new ();
  g_autoptr (TestClient) alice = NULL;
  g_autoptr (TestClient) bob = NULL;
  g_autoptr (TestClient) mallory = NULL;
  g_autoptr (JsonObject) reply = NULL;
  g_autoptr (JsonObject) ended = NULL;
  g_autoptr (JsonObject) result = NULL;
  g_autofree char *call = NULL;
  g_autofree char *big = NULL;
  guint            n_limited = 0;

  test_server_add_user (server, "alice", "Alice");
  test_server_add_user (server, "bob", "Bob");
  test_server_add_user (server, "mallory", "Mallory");
  alice = test_client_new (server, "alice");
  bob = test_client_new (server, "bob");
  call = test_connect_call (alice, bob);

  mallory = test_client_new (server, "mallory");
  test_client_send_raw (mallory, "{not json");
  reply = test_client_wait (mallory, "reply", NULL);
  g_assert_true (json_object_get_null_member (reply, "id"));
  test_assert_error (json_object_get_object_member (reply, "error"), 400, 1);
  g_clear_pointer (&reply, json_object_unref);

  test_client_send_raw (mallory, "[1, 2, 3]");
  reply = test_client_wait (mallory, "reply", NULL);
  test_assert_error (json_object_get_object_member (reply, "error"), 400, 1);
  g_clear_pointer (&reply, json_object_unref);

  test_client_error (mallory, 400, 2, "call.teleport", NULL);
  test_client_error (mallory, 400, 3, "call.hangup", NULL);
  test_client_error (mallory, 400, 4, "call.hangup", "\"call\": 17");
  test_client_error (mallory, 400, 4, "call.start", "\"to\": \"not valid!\"");
  test_client_error (mallory, 404, 1, "call.start", "\"to\": \"nobody\"");
  test_client_error (mallory, 403, 1, "call.accept", "\"call\": \"%s\"", call);
  test_client_error (bob, 400, 6, "call.accept", "\"call\": \"%s\"", call);
  test_client_error (mallory, 403, 1, "call.dtmf", "\"call\": \"%s\", \"digits\": \"1\"", call);

  /* Authorization: a call you are not in. */
  test_client_error (mallory, 403, 1, "call.hangup", "\"call\": \"%s\"", call);
  test_client_error (mallory, 403, 1, "call.hold", "\"call\": \"%s\"", call);
  test_client_error (mallory, 403, 1, "call.signal", "\"call\": \"%s\", \"payload\": {}", call);
  test_client_error (mallory, 403, 1, "call.transfer",
                     "\"call\": \"%s\", \"target\": {\"kind\": \"participant\", "
                     "\"user\": \"mallory\"}",
                     call);
  test_client_error (mallory, 481, 1, "call.hangup", "\"call\": \"c-0000\"");

  /* Oversized frame: 1009 for mallory only. */
  big = g_strnfill (70000, 'x');
  memcpy (big, "{\"type\": \"ping\", \"id\": \"big\", \"pad\": \"", 38);
  big[69998] = '"';
  big[69999] = '}';
  test_client_send_raw (mallory, big);
  test_client_wait_closed (mallory, 5000);
  g_assert_cmpuint (mallory->close_code, ==, 1009);

  /* Flooding: 429/1, then 4008. */
  g_clear_pointer (&mallory, test_client_free);
  mallory = test_client_new (server, "mallory");
  for (guint i = 0; i < 1400; i++)
    test_client_send_raw (mallory, "{\"type\": \"ping\", \"id\": \"f\"}");
  test_client_wait_closed (mallory, 5000);
  g_assert_cmpuint (mallory->close_code, ==, 4008);
  while ((reply = g_queue_pop_head (&mallory->frames)) != NULL)
    {
      if (!json_object_get_boolean_member_with_default (reply, "ok", TRUE))
        {
          test_assert_error (json_object_get_object_member (reply, "error"), 429, 1);
          n_limited++;
        }
      g_clear_pointer (&reply, json_object_unref);
    }
  g_assert_cmpuint (n_limited, >, 100);

  /* Malformed frames: 4002 after 100. */
  g_clear_pointer (&mallory, test_client_free);
  mallory = test_client_new (server, "mallory");
  for (guint i = 0; i < 120; i++)
    test_client_send_raw (mallory, "{\"type\": 1}");
  test_client_wait_closed (mallory, 5000);
  g_assert_cmpuint (mallory->close_code, ==, 4002);

  /* Meanwhile alice and bob are fine: signal, then hang up. */
  g_clear_pointer (&result, json_object_unref);
  result = test_client_ok (alice, "call.signal",
                           "\"call\": \"%s\", \"payload\": {\"sdp\": \"v=0\"}", call);
  g_clear_pointer (&reply, json_object_unref);
  reply = test_client_wait (bob, "call.signal", call);
  g_assert_cmpstr (
      json_object_get_string_member (json_object_get_object_member (reply, "payload"), "sdp"), ==,
      "v=0");
  g_clear_pointer (&result, json_object_unref);
  result = test_client_ok (bob, "call.hangup", "\"call\": \"%s\"", call);
  ended = test_client_wait (alice, "call.ended", call);
  test_assert_error (json_object_get_object_member (ended, "reason"), 0, 0);
  g_clear_pointer (&ended, json_object_unref);
  ended = test_client_wait (bob, "call.ended", call);
}

static void
test_restart (void)
{
  g_autoptr (TestServer) server = test_server_new ();
  g_autoptr (TestClient) alice = NULL;
  g_autoptr (TestClient) bob = NULL;
  g_autoptr (JsonObject) result = NULL;
  g_autoptr (JsonObject) ended = NULL;
  g_autoptr (JsonObject) body = NULL;
  g_autofree char *call = NULL;
  g_autofree char *token = NULL;
  JsonArray       *records;
  JsonObject      *record;

  test_server_add_user (server, "alice", "Alice");
  test_server_add_user (server, "bob", "Bob");
  token = test_server_token (server, "alice", 3600);
  alice = test_client_new (server, "alice");
  bob = test_client_new (server, "bob");
  call = test_connect_call (alice, bob);
  result = test_client_ok (alice, "call.hangup", "\"call\": \"%s\"", call);
  ended = test_client_wait (bob, "call.ended", call);
  g_clear_pointer (&result, json_object_unref);
  result = test_client_ok (alice, "settings.set",
                           "\"settings\": {\"forward_always\": \"bob\", \"ring_timeout\": 7}");
  g_clear_pointer (&alice, test_client_free);
  g_clear_pointer (&bob, test_client_free);

  test_server_stop (server);
  test_server_start (server);

  g_assert_cmpuint (test_http (server, "GET", "/v1/users/bob", token, NULL, &body), ==, 200);
  g_assert_cmpstr (json_object_get_string_member (body, "display_name"), ==, "Bob");
  g_clear_pointer (&body, json_object_unref);

  alice = test_client_new (server, "alice");
  g_clear_pointer (&result, json_object_unref);
  result = test_client_ok (alice, "settings.get", NULL);
  g_assert_cmpstr (json_object_get_string_member (
                       json_object_get_object_member (result, "settings"), "forward_always"),
                   ==, "bob");
  g_assert_cmpint (json_object_get_int_member (json_object_get_object_member (result, "settings"),
                                               "ring_timeout"),
                   ==, 7);
  g_clear_pointer (&result, json_object_unref);
  result = test_client_ok (alice, "records.list", "\"limit\": 10");
  records = json_object_get_array_member (result, "records");
  g_assert_cmpuint (json_array_get_length (records), ==, 1);
  record = json_array_get_object_element (records, 0);
  g_assert_cmpstr (json_object_get_string_member (record, "call"), ==, call);
  g_assert_cmpstr (json_object_get_string_member (record, "caller"), ==, "alice");
  g_assert_cmpstr (json_object_get_string_member (record, "callee"), ==, "bob");
  g_assert_true (json_object_has_member (record, "answered_at"));
  test_assert_error (json_object_get_object_member (record, "end"), 0, 0);

  g_assert_cmpuint (test_http (server, "GET", "/v1/me/calls", token, NULL, &body), ==, 200);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (body, "records")), ==, 1);
}

/* SIGTERM with calls running: the parties hear why, sessions close with 1001, clean exit. */
static void
test_shutdown (void)
{
  g_autoptr (TestServer) server = test_server_new ();
  g_autoptr (TestClient) alice = NULL;
  g_autoptr (TestClient) bob = NULL;
  g_autoptr (TestClient) carol = NULL;
  g_autoptr (JsonObject) result = NULL;
  g_autoptr (JsonObject) ended = NULL;
  g_autofree char *call = NULL;
  g_autofree char *ringing = NULL;

  test_server_add_user (server, "alice", "Alice");
  test_server_add_user (server, "bob", "Bob");
  test_server_add_user (server, "carol", "Carol");
  alice = test_client_new (server, "alice");
  bob = test_client_new (server, "bob");
  carol = test_client_new (server, "carol");
  call = test_connect_call (alice, bob);
  result = test_client_ok (carol, "call.start", "\"to\": \"line-noanswer\"");
  ringing = g_strdup (
      json_object_get_string_member (json_object_get_object_member (result, "call"), "id"));

  test_server_stop (server); /* asserts exit status 0 */

  ended = test_client_wait (bob, "call.ended", call);
  test_assert_error (json_object_get_object_member (ended, "reason"), 480, 2);
  g_clear_pointer (&ended, json_object_unref);
  ended = test_client_wait (carol, "call.ended", ringing);
  test_assert_error (json_object_get_object_member (ended, "reason"), 480, 2);
  test_client_wait_closed (alice, 5000);
  g_assert_cmpuint (alice->close_code, ==, 1001);
  test_client_wait_closed (carol, 5000);
}

/* A directory bigger than a frame comes in pages. */
static void
test_directory_pages (void)
{
  g_autoptr (TestServer) server = test_server_new ();
  g_autoptr (TestClient) alice = NULL;
  g_autoptr (JsonObject) page = NULL;
  g_autofree char *name = g_strnfill (128, 'N');
  guint            total = 0;
  gint64           offset = 0;
  guint            n_pages = 0;

  for (guint i = 0; i < 400; i++)
    {
      g_autofree char *body
          = g_strdup_printf ("{\"id\": \"user%03u\", \"display_name\": \"%s\"}", i, name);

      g_assert_cmpuint (test_http (server, "POST", "/v1/users", server->admin_key, body, NULL), ==,
                        201);
    }
  alice = test_client_new (server, "user000");

  do
    {
      g_clear_pointer (&page, json_object_unref);
      page = test_client_ok (alice, "directory.list", "\"offset\": %" G_GINT64_FORMAT, offset);
      total += json_array_get_length (json_object_get_array_member (page, "users"));
      offset = json_object_get_int_member_with_default (page, "next_offset", -1);
      n_pages++;
    }
  while (offset > 0);
  g_assert_cmpuint (n_pages, >, 1);
  g_assert_cmpuint (total, ==, 405); /* and the five service lines */
}

static void
test_admin_commands (void)
{
  g_autoptr (TestServer) server = test_server_new ();
  g_autofree char *out = NULL;
  g_autofree char *token = NULL;
  g_autoptr (TrTokenClaims) claims = NULL;
  int status = -1;

  out = test_server_admin (server, &status, "user", "add", "carol", "Carol Ann", NULL);
  g_assert_cmpint (status, ==, 0);
  g_clear_pointer (&out, g_free);
  out = test_server_admin (server, &status, "user", "add", "carol", "Again", NULL);
  g_assert_cmpint (status, !=, 0);
  g_clear_pointer (&out, g_free);
  out = test_server_admin (server, &status, "user", "add", "bad id", "X", NULL);
  g_assert_cmpint (status, !=, 0);
  g_clear_pointer (&out, g_free);
  out = test_server_admin (server, &status, "user", "list", NULL);
  g_assert_cmpint (status, ==, 0);
  g_assert_nonnull (strstr (out, "carol\tuser\tCarol Ann"));
  g_assert_nonnull (strstr (out, "line-busy\tservice"));
  g_clear_pointer (&out, g_free);

  token = test_server_admin (server, &status, "token", "issue", "carol", "--ttl", "120", "--scope",
                             "call", NULL);
  g_assert_cmpint (status, ==, 0);
  claims = tr_token_decode_unverified (token, NULL);
  g_assert_nonnull (claims);
  g_assert_cmpstr (claims->sub, ==, "carol");
  g_assert_cmpint (claims->exp - claims->iat, ==, 120);
  out = test_server_admin (server, &status, "token", "issue", "nobody", NULL);
  g_assert_cmpint (status, !=, 0);
  g_clear_pointer (&out, g_free);
  out = test_server_admin (server, &status, "token", "issue", "carol", "--scope", "admin", NULL);
  g_assert_cmpint (status, !=, 0);
  g_clear_pointer (&out, g_free);

  /* The running server sees the new user and token at once. */
  g_assert_cmpuint (test_http (server, "GET", "/v1/me", token, NULL, NULL), ==, 200);
  out = test_server_admin (server, &status, "token", "revoke", claims->jti, NULL);
  g_assert_cmpint (status, ==, 0);
  g_clear_pointer (&out, g_free);
  g_assert_cmpuint (test_http (server, "GET", "/v1/me", token, NULL, NULL), ==, 401);

  out = test_server_admin (server, &status, "user", "remove", "carol", NULL);
  g_assert_cmpint (status, ==, 0);
  g_clear_pointer (&out, g_free);
  out = test_server_admin (server, &status, "user", "remove", "carol", NULL);
  g_assert_cmpint (status, !=, 0);
  g_clear_pointer (&out, g_free);
  out = test_server_admin (server, &status, "user", "list", NULL);
  g_assert_null (strstr (out, "carol"));
  g_clear_pointer (&out, g_free);
  out = test_server_admin (server, &status, "frobnicate", NULL);
  g_assert_cmpint (status, ==, 2);
}

static void
test_tls (void)
{
  const char      *source_dir = g_getenv ("TR_SOURCE_DIR");
  g_autofree char *cert
      = g_build_filename (source_dir, "tests", "server", "data", "test-cert.pem", NULL);
  g_autofree char *key
      = g_build_filename (source_dir, "tests", "server", "data", "test-key.pem", NULL);
  const char *args[] = { "--tls-cert", cert, "--tls-key", key, NULL };
  g_autoptr (TestServer) server = test_server_new_with_args (args);
  g_autoptr (TestClient) alice = NULL;
  g_autoptr (JsonObject) body = NULL;

  g_assert_true (g_str_has_prefix (server->url, "https://"));
  g_assert_cmpuint (test_http (server, "GET", "/v1/health", NULL, NULL, &body), ==, 200);
  test_server_add_user (server, "alice", "Alice");
  alice = test_client_new (server, "alice");
  g_clear_pointer (&body, json_object_unref);
  body = test_client_ok (alice, "ping", NULL);
}

static void
test_refuse_insecure (void)
{
  g_autoptr (GSubprocess) proc = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *binary
      = g_build_filename (g_getenv ("TR_BUILD_DIR"), "src", "server", "transfer-server", NULL);
  g_autofree char *dir = g_dir_make_tmp ("tr-server-test-XXXXXX", NULL);
  g_autofree char *out = NULL;

  /* Plain HTTP on a non-loopback address without --allow-insecure: refused before binding. */
  proc = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_SILENCE,
                           &error, binary, "--data-dir", dir, "--listen", "192.0.2.1:0", NULL);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (proc, NULL, NULL, &out, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (g_subprocess_get_exit_status (proc), ==, 1);
  g_assert_cmpstr (out, ==, "");
  g_clear_object (&proc);

  proc = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_SILENCE,
                           &error, binary, "--data-dir", dir, "--listen", "nonsense", NULL);
  g_assert_no_error (error);
  g_subprocess_wait (proc, NULL, &error);
  g_assert_cmpint (g_subprocess_get_exit_status (proc), !=, 0);

  {
    g_autofree char *secret = g_build_filename (dir, "secret", NULL);
    g_autofree char *key = g_build_filename (dir, "admin.key", NULL);
    g_autofree char *db = g_build_filename (dir, "transfer.db", NULL);
    g_autofree char *wal = g_build_filename (dir, "transfer.db-wal", NULL);
    g_autofree char *shm = g_build_filename (dir, "transfer.db-shm", NULL);
    GStatBuf         st;

    g_assert_cmpint (g_stat (secret, &st), ==, 0);
    g_assert_cmpint (st.st_mode & 0777, ==, 0600);
    g_assert_cmpint (g_stat (key, &st), ==, 0);
    g_assert_cmpint (st.st_mode & 0777, ==, 0600);
    g_remove (secret);
    g_remove (key);
    g_remove (db);
    g_remove (wal);
    g_remove (shm);
    g_rmdir (dir);
  }
}

/* STUN/TURN configuration reaches clients in welcome.ice_servers; a bad URL stops the server. */
static void
test_ice_servers (void)
{
  const char *args[] = { "--stun-server",
                         "stun://127.0.0.1:3478",
                         "--turn-server",
                         "turn://user:secret@127.0.0.1:3479",
                         "--turn-server",
                         "turns://u2:p2@[::1]:5349",
                         NULL };
  g_autoptr (TestServer) server = test_server_new_with_args (args);
  g_autoptr (TestClient) client = NULL;
  g_autoptr (JsonObject) welcome = NULL;
  g_autofree char *token = NULL;
  g_autofree char *out = NULL;
  JsonArray       *servers;
  JsonObject      *turn;
  guint            status = 0;
  int              exit_status = 0;

  test_server_add_user (server, "alice", "Alice");
  token = test_server_token (server, "alice", 600);
  client = test_client_try_connect (server, token, "transfer.v1", &status, NULL);
  g_assert_nonnull (client);
  welcome = test_client_wait (client, "welcome", NULL);
  servers = json_object_get_array_member (welcome, "ice_servers");
  g_assert_cmpuint (json_array_get_length (servers), ==, 3);
  g_assert_cmpstr (
      json_array_get_string_element (
          json_object_get_array_member (json_array_get_object_element (servers, 0), "urls"), 0),
      ==, "stun:127.0.0.1:3478");
  g_assert_false (json_object_has_member (json_array_get_object_element (servers, 0), "username"));
  turn = json_array_get_object_element (servers, 1);
  g_assert_cmpstr (json_array_get_string_element (json_object_get_array_member (turn, "urls"), 0),
                   ==, "turn:127.0.0.1:3479");
  g_assert_cmpstr (json_object_get_string_member (turn, "username"), ==, "user");
  g_assert_cmpstr (json_object_get_string_member (turn, "credential"), ==, "secret");
  turn = json_array_get_object_element (servers, 2);
  g_assert_cmpstr (json_array_get_string_element (json_object_get_array_member (turn, "urls"), 0),
                   ==, "turns:[::1]:5349");
  g_clear_pointer (&client, test_client_free);
  test_server_stop (server);

  out = test_server_admin (server, &exit_status, "--listen", "127.0.0.1:0", "--turn-server",
                           "turn://127.0.0.1:3479", NULL);
  g_assert_cmpint (exit_status, !=, 0);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/server/rest/admin", test_rest_admin);
  g_test_add_func ("/server/connect/tokens", test_connect_tokens);
  g_test_add_func ("/server/connect/expiry", test_token_expiry);
  g_test_add_func ("/server/input/bad", test_bad_input);
  g_test_add_func ("/server/restart", test_restart);
  g_test_add_func ("/server/admin-commands", test_admin_commands);
  g_test_add_func ("/server/tls", test_tls);
  g_test_add_func ("/server/shutdown", test_shutdown);
  g_test_add_func ("/server/directory-pages", test_directory_pages);
  g_test_add_func ("/server/refuse-insecure", test_refuse_insecure);
  g_test_add_func ("/server/ice-servers", test_ice_servers);

  return g_test_run ();
}
