/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <libsoup/soup.h>

#include "transfer-core.h"
#include "tr-token.h"

/*
 * The agent against a scripted in-process WebSocket server: handshake contents, request/reply
 * matching, timeouts, cancellation and the connection-state rules, deterministically.
 */

typedef enum
{
  ACCEPT,          /* upgrade, send welcome */
  ACCEPT_SILENT,   /* upgrade, never welcome */
  REJECT_401,
  REJECT_503,
} HandshakeMode;

typedef struct
{
  SoupServer              *server;
  char                    *url;
  HandshakeMode            mode;
  gboolean                 reply;          /* answer requests */
  guint                    handshakes;
  char                    *authorization;
  char                    *query;
  char                    *protocol;
  SoupWebsocketConnection *ws;
  GPtrArray               *requests;       /* JsonObject of each request */
  TrCallClient            *client;
  TrTokenCredential       *credential;
  TrCallAgentOptions      *options;
} Fixture;

static const guint8 secret[32] = "0123456789abcdef0123456789abcdef";

static char *
make_token (void)
{
  char *scopes[] = { (char *) "call", NULL };
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  TrTokenClaims claims = { (char *) "alice", scopes, now, now + 3600, (char *) "jti" };

  return tr_token_encode (&claims, secret, sizeof secret);
}

static void
send_json (Fixture    *fixture,
           const char *text)
{
  if (fixture->ws != NULL
      && soup_websocket_connection_get_state (fixture->ws) == SOUP_WEBSOCKET_STATE_OPEN)
    soup_websocket_connection_send_text (fixture->ws, text);
}

static void
reply_ok (Fixture    *fixture,
          const char *id,
          const char *result)
{
  g_autofree char *text = g_strdup_printf ("{\"type\":\"reply\",\"id\":\"%s\",\"ok\":true,"
                                           "\"result\":%s}", id, result);

  send_json (fixture, text);
}

static void
ws_message_cb (SoupWebsocketConnection *ws,
               SoupWebsocketDataType    type,
               GBytes                  *message,
               Fixture                 *fixture)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  gsize length;
  const char *data = g_bytes_get_data (message, &length);
  JsonObject *object;
  const char *request_type;

  g_assert_true (json_parser_load_from_data (parser, data, length, NULL));
  object = json_node_get_object (json_parser_get_root (parser));

  /* The voicemail box lists the messages after every welcome: answered, not recorded. */
  if (g_strcmp0 (json_object_get_string_member (object, "type"), "voicemail.list") == 0)
    {
      reply_ok (fixture, json_object_get_string_member (object, "id"),
                "{\"messages\":[],\"unheard\":0}");
      return;
    }

  g_ptr_array_add (fixture->requests, json_object_ref (object));

  if (!fixture->reply)
    return;

  request_type = json_object_get_string_member (object, "type");
  if (g_str_equal (request_type, "directory.list"))
    reply_ok (fixture, json_object_get_string_member (object, "id"),
              "{\"users\":[{\"id\":\"bob\",\"display_name\":\"Bob\",\"kind\":\"user\","
              "\"online\":true}]}");
  else if (g_str_equal (request_type, "settings.get"))
    reply_ok (fixture, json_object_get_string_member (object, "id"),
              "{\"settings\":{\"forward_always\":null,\"unanswered_target\":\"dave\","
              "\"ring_timeout\":25}}");
}

static void
ws_closed_cb (SoupWebsocketConnection *ws,
              Fixture                 *fixture)
{
  if (fixture->ws == ws)
    g_clear_object (&fixture->ws);
}

static void
websocket_cb (SoupServer              *server,
              SoupServerMessage       *msg,
              const char              *path,
              SoupWebsocketConnection *ws,
              gpointer                 user_data)
{
  Fixture *fixture = user_data;

  g_set_object (&fixture->ws, ws);
  g_signal_connect (ws, "message", G_CALLBACK (ws_message_cb), fixture);
  g_signal_connect (ws, "closed", G_CALLBACK (ws_closed_cb), fixture);

  g_free (fixture->protocol);
  fixture->protocol = g_strdup (soup_websocket_connection_get_protocol (ws));

  if (fixture->mode == ACCEPT)
    send_json (fixture, "{\"type\":\"welcome\",\"protocol\":1,\"session\":\"s-1\","
                        "\"user\":{\"id\":\"alice\",\"display_name\":\"Alice\"},"
                        "\"token_expires_at\":4102444800,\"ice_servers\":[],"
                        "\"limits\":{\"max_frame\":65536,\"rate\":100,\"burst\":200}}");
}

static void
early_cb (SoupServer        *server,
          SoupServerMessage *msg,
          const char        *path,
          GHashTable        *query,
          gpointer           user_data)
{
  Fixture *fixture = user_data;
  GUri *uri = soup_server_message_get_uri (msg);

  fixture->handshakes++;
  g_free (fixture->authorization);
  fixture->authorization = g_strdup (soup_message_headers_get_one (
    soup_server_message_get_request_headers (msg), "Authorization"));
  g_free (fixture->query);
  fixture->query = g_strdup (g_uri_get_query (uri));

  if (fixture->mode == REJECT_401)
    soup_server_message_set_status (msg, SOUP_STATUS_UNAUTHORIZED, NULL);
  else if (fixture->mode == REJECT_503)
    soup_server_message_set_status (msg, SOUP_STATUS_SERVICE_UNAVAILABLE, NULL);
}

static void
fixture_setup (Fixture       *fixture,
               gconstpointer  data)
{
  const char *protocols[] = { "transfer.v1", NULL };
  g_autoptr(GError) error = NULL;
  g_autofree char *token = make_token ();
  GSList *uris;

  fixture->mode = ACCEPT;
  fixture->reply = TRUE;
  fixture->requests = g_ptr_array_new_with_free_func ((GDestroyNotify) json_object_unref);
  fixture->server = soup_server_new (NULL, NULL);
  soup_server_add_early_handler (fixture->server, "/v1/signaling", early_cb, fixture, NULL);
  soup_server_add_websocket_handler (fixture->server, "/v1/signaling", NULL, (char **) protocols,
                                     websocket_cb, fixture, NULL);
  soup_server_listen_local (fixture->server, 0, SOUP_SERVER_LISTEN_IPV4_ONLY, &error);
  g_assert_no_error (error);

  uris = soup_server_get_uris (fixture->server);
  fixture->url = g_strdup_printf ("http://127.0.0.1:%d", g_uri_get_port (uris->data));
  g_slist_free_full (uris, (GDestroyNotify) g_uri_unref);

  fixture->client = tr_call_client_new ();
  fixture->credential = tr_token_credential_new (token, NULL);
  fixture->options = tr_call_agent_options_new ();
  fixture->options->reconnect_base_delay_ms = 20;
  fixture->options->reconnect_max_delay_ms = 80;
  fixture->options->reconnect_max_attempts = 3;
  fixture->options->request_timeout_ms = 300;
  fixture->options->connect_timeout_ms = 500;
}

static void
fixture_teardown (Fixture       *fixture,
                  gconstpointer  data)
{
  if (fixture->ws != NULL)
    g_signal_handlers_disconnect_by_data (fixture->ws, fixture);
  g_clear_object (&fixture->ws);
  soup_server_disconnect (fixture->server);
  g_clear_object (&fixture->server);
  g_clear_object (&fixture->client);
  g_clear_object (&fixture->credential);
  g_clear_pointer (&fixture->options, tr_call_agent_options_free);
  g_clear_pointer (&fixture->requests, g_ptr_array_unref);
  g_free (fixture->url);
  g_free (fixture->authorization);
  g_free (fixture->query);
  g_free (fixture->protocol);
}

static void
iterate_for (guint ms)
{
  gint64 end = g_get_monotonic_time () + ms * 1000;

  while (g_get_monotonic_time () < end)
    {
      g_main_context_iteration (NULL, FALSE);
      g_usleep (1000);
    }
}

static void
store_result_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

static GAsyncResult *
wait_result (GAsyncResult **slot)
{
  gint64 end = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;

  while (*slot == NULL)
    {
      g_assert_cmpint (g_get_monotonic_time (), <, end);
      g_main_context_iteration (NULL, FALSE);
      g_usleep (1000);
    }
  return *slot;
}

static TrCallAgent *
create_agent (Fixture  *fixture,
              GError  **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  tr_call_client_create_agent_async (fixture->client, fixture->url, fixture->credential,
                                     fixture->options, NULL, store_result_cb, &result);
  return tr_call_client_create_agent_finish (fixture->client, wait_result (&result), error);
}

static void
log_changes_cb (TrCallAgent        *agent,
                TrConnectionState   new_state,
                TrConnectionState   old_state,
                TrDisconnectReason  reason,
                GString            *log)
{
  g_assert_cmpint (tr_call_agent_get_connection_state (agent), ==, new_state);
  g_assert_cmpint (tr_call_agent_get_disconnect_reason (agent), ==, reason);
  g_string_append_printf (log, "%d>%d(%d) ", old_state, new_state, reason);
}

static void
finish_agent (TrCallAgent *agent)
{
  tr_call_agent_disconnect (agent);
  g_assert_finalize_object (agent);
}

static void
test_handshake (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *expected = NULL;
  TrCallAgent *agent;

  agent = create_agent (fixture, &error);
  g_assert_no_error (error);
  g_assert_cmpint (tr_call_agent_get_connection_state (agent), ==, TR_CONNECTION_STATE_CONNECTED);
  g_assert_cmpstr (tr_identifier_to_string (tr_call_agent_get_identifier (agent)), ==,
                   "user:alice");
  g_assert_cmpstr (tr_call_agent_get_display_name (agent), ==, "Alice");

  /* The token travels in the header, never in the URL. */
  expected = g_strconcat ("Bearer ", tr_token_credential_get_token (fixture->credential), NULL);
  g_assert_cmpstr (fixture->authorization, ==, expected);
  g_assert_null (fixture->query);
  g_assert_cmpstr (fixture->protocol, ==, "transfer.v1");
  g_assert_cmpuint (fixture->handshakes, ==, 1);

  finish_agent (agent);
}

static void
test_reply_matching (Fixture       *fixture,
                     gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GAsyncResult) r1 = NULL;
  g_autoptr(GAsyncResult) r2 = NULL;
  g_autoptr(GListModel) users = NULL;
  g_autoptr(TrCallSettings) settings = NULL;
  g_autoptr(TrDirectoryEntry) bob = NULL;
  TrCallAgent *agent;
  const char *id1, *id2;

  agent = create_agent (fixture, &error);
  g_assert_no_error (error);

  /* The server answers the second request first. */
  fixture->reply = FALSE;
  tr_call_agent_list_directory_async (agent, NULL, store_result_cb, &r1);
  tr_call_agent_get_settings_async (agent, NULL, store_result_cb, &r2);
  while (fixture->requests->len < 2)
    g_main_context_iteration (NULL, TRUE);

  id1 = json_object_get_string_member (g_ptr_array_index (fixture->requests, 0), "id");
  id2 = json_object_get_string_member (g_ptr_array_index (fixture->requests, 1), "id");
  g_assert_cmpstr (id1, !=, id2);
  reply_ok (fixture, id2, "{\"settings\":{\"forward_always\":\"carol\","
                          "\"unanswered_target\":null,\"ring_timeout\":12}}");
  reply_ok (fixture, id1, "{\"users\":[{\"id\":\"bob\",\"display_name\":\"Bob\","
                          "\"kind\":\"service\",\"online\":false}]}");

  settings = tr_call_agent_get_settings_finish (agent, wait_result (&r2), &error);
  g_assert_no_error (error);
  g_assert_cmpstr (settings->forward_always, ==, "carol");
  g_assert_null (settings->unanswered_target);
  g_assert_cmpuint (settings->ring_timeout, ==, 12);

  users = tr_call_agent_list_directory_finish (agent, wait_result (&r1), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_list_model_get_n_items (users), ==, 1);
  bob = g_list_model_get_item (users, 0);
  g_assert_cmpstr (tr_identifier_get_raw_id (tr_directory_entry_get_identifier (bob)), ==, "bob");
  g_assert_cmpint (tr_directory_entry_get_kind (bob), ==, TR_DIRECTORY_ENTRY_KIND_SERVICE);

  g_clear_object (&r1);
  g_clear_object (&r2);
  finish_agent (agent);
}

static void
test_error_reply (Fixture       *fixture,
                  gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(TrIdentifier) zed = tr_identifier_new_user ("zed");
  g_autoptr(TrCall) call = NULL;
  g_autofree char *text = NULL;
  TrCallAgent *agent;
  const char *id;

  agent = create_agent (fixture, &error);
  g_assert_no_error (error);

  fixture->reply = FALSE;
  tr_call_agent_start_call_async (agent, zed, FALSE, NULL, store_result_cb, &result);
  g_assert_cmpuint (g_list_model_get_n_items (tr_call_agent_get_calls (agent)), ==, 1);
  while (fixture->requests->len < 1)
    g_main_context_iteration (NULL, TRUE);

  g_assert_cmpstr (json_object_get_string_member (g_ptr_array_index (fixture->requests, 0),
                                                  "type"), ==, "call.start");
  g_assert_cmpstr (json_object_get_string_member (g_ptr_array_index (fixture->requests, 0),
                                                  "to"), ==, "zed");
  id = json_object_get_string_member (g_ptr_array_index (fixture->requests, 0), "id");
  text = g_strdup_printf ("{\"type\":\"reply\",\"id\":\"%s\",\"ok\":false,\"error\":{\"code\":404,"
                          "\"subcode\":1,\"reason\":\"unknown-identity\",\"message\":\"No zed\"}}",
                          id);
  send_json (fixture, text);

  call = tr_call_agent_start_call_finish (agent, wait_result (&result), &error);
  g_assert_null (call);
  g_assert_error (error, TR_ERROR, TR_STATUS_UNKNOWN_IDENTITY);
  g_assert_cmpuint (g_list_model_get_n_items (tr_call_agent_get_calls (agent)), ==, 0);

  g_clear_object (&result);
  finish_agent (agent);
}

static void
test_request_timeout (Fixture       *fixture,
                      gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GListModel) users = NULL;
  TrCallAgent *agent;

  agent = create_agent (fixture, &error);
  g_assert_no_error (error);

  fixture->reply = FALSE;
  tr_call_agent_list_directory_async (agent, NULL, store_result_cb, &result);
  users = tr_call_agent_list_directory_finish (agent, wait_result (&result), &error);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT);
  g_assert_null (users);

  /* A late reply is ignored. */
  reply_ok (fixture, json_object_get_string_member (g_ptr_array_index (fixture->requests, 0), "id"),
            "{\"users\":[]}");
  iterate_for (50);
  g_assert_cmpint (tr_call_agent_get_connection_state (agent), ==, TR_CONNECTION_STATE_CONNECTED);

  g_clear_object (&result);
  finish_agent (agent);
}

static void
test_request_cancel (Fixture       *fixture,
                     gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GListModel) users = NULL;
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  TrCallAgent *agent;
  gint64 start;

  fixture->options->request_timeout_ms = 5000;
  agent = create_agent (fixture, &error);
  g_assert_no_error (error);

  fixture->reply = FALSE;
  tr_call_agent_list_directory_async (agent, cancellable, store_result_cb, &result);
  start = g_get_monotonic_time ();
  g_cancellable_cancel (cancellable);
  users = tr_call_agent_list_directory_finish (agent, wait_result (&result), &error);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpint (g_get_monotonic_time () - start, <, G_USEC_PER_SEC);

  g_clear_object (&result);
  finish_agent (agent);
}

static void
test_no_welcome (Fixture       *fixture,
                 gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  TrCallAgent *agent;

  fixture->mode = ACCEPT_SILENT;
  agent = create_agent (fixture, &error);
  g_assert_null (agent);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT);
}

static void
test_unauthorized (Fixture       *fixture,
                   gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  TrCallAgent *agent;

  fixture->mode = REJECT_401;
  agent = create_agent (fixture, &error);
  g_assert_null (agent);
  g_assert_error (error, TR_ERROR, TR_STATUS_TOKEN_INVALID);

  iterate_for (200);
  g_assert_cmpuint (fixture->handshakes, ==, 1);
}

static void
test_close_4001 (Fixture       *fixture,
                 gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GString) log = g_string_new ("");
  TrCallAgent *agent;

  agent = create_agent (fixture, &error);
  g_assert_no_error (error);
  g_signal_connect (agent, "connection-state-changed", G_CALLBACK (log_changes_cb), log);

  soup_websocket_connection_close (fixture->ws, 4001, "token expired");
  while (tr_call_agent_get_connection_state (agent) == TR_CONNECTION_STATE_CONNECTED)
    g_main_context_iteration (NULL, TRUE);

  g_assert_cmpint (tr_call_agent_get_connection_state (agent), ==,
                   TR_CONNECTION_STATE_DISCONNECTED);
  g_assert_cmpint (tr_call_agent_get_disconnect_reason (agent), ==,
                   TR_DISCONNECT_REASON_INVALID_TOKEN);

  /* No retry loop. */
  iterate_for (300);
  g_assert_cmpuint (fixture->handshakes, ==, 1);
  g_assert_cmpstr (log->str, ==, "2>0(1) ");

  /* "Retry now" works from there. */
  tr_call_agent_reconnect_now (agent);
  while (tr_call_agent_get_connection_state (agent) != TR_CONNECTION_STATE_CONNECTED)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpuint (fixture->handshakes, ==, 2);
  g_assert_cmpstr (log->str, ==, "2>0(1) 0>1(0) 1>2(0) ");

  g_signal_handlers_disconnect_by_data (agent, log);
  finish_agent (agent);
}

typedef struct
{
  guint            ended;
  TrCallEndReason *reason;
} EndedData;

static void
incoming_ended_cb (TrIncomingCall  *incoming,
                   TrCallEndReason *reason,
                   EndedData       *data)
{
  data->ended++;
  data->reason = tr_call_end_reason_copy (reason);
}

static void
incoming_call_cb (TrCallAgent    *agent,
                  TrIncomingCall *incoming,
                  EndedData      *data)
{
  g_signal_connect (incoming, "ended", G_CALLBACK (incoming_ended_cb), data);
}

static void
test_reconnect_policy (Fixture       *fixture,
                       gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GString) log = g_string_new ("");
  EndedData ended = { 0 };
  TrCallAgent *agent;
  guint handshakes;

  agent = create_agent (fixture, &error);
  g_assert_no_error (error);
  g_signal_connect (agent, "connection-state-changed", G_CALLBACK (log_changes_cb), log);
  g_signal_connect (agent, "incoming-call", G_CALLBACK (incoming_call_cb), &ended);

  /* A call rings here when the connection drops: it ends with 480/2. */
  send_json (fixture, "{\"type\":\"call.incoming\",\"call\":{\"id\":\"c-1\","
                      "\"caller\":{\"id\":\"bob\",\"display_name\":\"Bob\"},"
                      "\"callee\":{\"id\":\"alice\",\"display_name\":\"Alice\"},"
                      "\"state\":\"ringing\",\"video\":false,\"created_at\":1,"
                      "\"hold\":{\"caller\":false,\"callee\":false}}}");
  while (g_list_model_get_n_items (tr_call_agent_get_incoming_calls (agent)) == 0)
    g_main_context_iteration (NULL, TRUE);

  fixture->mode = REJECT_503;
  soup_websocket_connection_close (fixture->ws, SOUP_WEBSOCKET_CLOSE_SERVER_ERROR, NULL);

  while (tr_call_agent_get_connection_state (agent) != TR_CONNECTION_STATE_DISCONNECTED)
    {
      g_main_context_iteration (NULL, TRUE);
      g_assert_cmpuint (tr_call_agent_get_reconnect_attempt (agent), <=, 3);
    }

  g_assert_cmpuint (ended.ended, ==, 1);
  g_assert_cmpuint (ended.reason->code, ==, 480);
  g_assert_cmpuint (ended.reason->subcode, ==, 2);
  g_clear_pointer (&ended.reason, tr_call_end_reason_free);

  g_assert_cmpint (tr_call_agent_get_disconnect_reason (agent), ==,
                   TR_DISCONNECT_REASON_CONNECTION_ISSUE);
  /* The first handshake, then three failed reconnect attempts. */
  g_assert_cmpuint (fixture->handshakes, ==, 4);
  g_assert_cmpuint (tr_call_agent_get_reconnect_attempt (agent), ==, 3);
  g_assert_cmpstr (log->str, ==, "2>1(0) 1>0(2) ");

  /* It keeps probing at the maximum delay (80 ms). */
  handshakes = fixture->handshakes;
  iterate_for (400);
  g_assert_cmpuint (fixture->handshakes, >=, handshakes + 1);
  g_assert_cmpuint (fixture->handshakes, <=, handshakes + 6);
  g_assert_cmpint (tr_call_agent_get_connection_state (agent), ==,
                   TR_CONNECTION_STATE_DISCONNECTED);

  /* The server is back: a probe connects. */
  fixture->mode = ACCEPT;
  while (tr_call_agent_get_connection_state (agent) != TR_CONNECTION_STATE_CONNECTED)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpuint (tr_call_agent_get_reconnect_attempt (agent), ==, 0);
  g_assert_cmpstr (log->str, ==, "2>1(0) 1>0(2) 0>2(0) ");

  g_signal_handlers_disconnect_by_data (agent, log);
  g_signal_handlers_disconnect_by_data (agent, &ended);
  finish_agent (agent);
}

static void
test_transfer_locators (Fixture       *fixture,
                        gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GAsyncResult) r2 = NULL;
  g_autoptr(TrIdentifier) bob = tr_identifier_new_user ("bob");
  g_autoptr(TrTransferLocator) to_call = tr_transfer_locator_new_call ("c-2");
  g_autoptr(TrTransferLocator) to_itself = tr_transfer_locator_new_call ("c-1");
  g_autoptr(TrTransferLocator) to_voicemail = tr_transfer_locator_new_voicemail (bob);
  g_autoptr(TrTransfer) transfer = NULL;
  g_autoptr(TrCall) call = NULL;
  JsonObject *request, *target;
  TrCallAgent *agent;

  agent = create_agent (fixture, &error);
  g_assert_no_error (error);

  /* An outgoing call that is ringing. */
  fixture->reply = FALSE;
  tr_call_agent_start_call_async (agent, bob, FALSE, NULL, store_result_cb, &result);
  while (fixture->requests->len < 1)
    g_main_context_iteration (NULL, TRUE);
  reply_ok (fixture, json_object_get_string_member (g_ptr_array_index (fixture->requests, 0), "id"),
            "{\"call\":{\"id\":\"c-1\",\"caller\":{\"id\":\"alice\",\"display_name\":\"A\"},"
            "\"callee\":{\"id\":\"bob\",\"display_name\":\"Bob\"},\"state\":\"ringing\","
            "\"video\":false,\"created_at\":1,\"hold\":{\"caller\":false,\"callee\":false}}}");
  call = tr_call_agent_start_call_finish (agent, wait_result (&result), &error);
  g_assert_no_error (error);
  g_assert_cmpstr (tr_call_get_id (call), ==, "c-1");

  /* To the call itself: refused locally (the server's 400/4). */
  tr_call_transfer_transfer_async (tr_call_get_transfer (call), to_itself, NULL, store_result_cb,
                                   &r2);
  transfer = tr_call_transfer_transfer_finish (tr_call_get_transfer (call), wait_result (&r2),
                                               &error);
  g_assert_null (transfer);
  g_assert_error (error, TR_ERROR, TR_STATUS_INVALID_FIELD);
  g_clear_error (&error);
  g_clear_object (&r2);
  g_assert_cmpuint (fixture->requests->len, ==, 1);

  /* Attended and voicemail targets go out as the protocol's Target kinds. */
  tr_call_transfer_transfer_async (tr_call_get_transfer (call), to_call, NULL, NULL, NULL);
  tr_call_transfer_transfer_async (tr_call_get_transfer (call), to_voicemail, NULL, NULL, NULL);
  while (fixture->requests->len < 3)
    g_main_context_iteration (NULL, TRUE);

  request = g_ptr_array_index (fixture->requests, 1);
  g_assert_cmpstr (json_object_get_string_member (request, "type"), ==, "call.transfer");
  g_assert_cmpstr (json_object_get_string_member (request, "call"), ==, "c-1");
  target = json_object_get_object_member (request, "target");
  g_assert_cmpstr (json_object_get_string_member (target, "kind"), ==, "call");
  g_assert_cmpstr (json_object_get_string_member (target, "call"), ==, "c-2");

  request = g_ptr_array_index (fixture->requests, 2);
  target = json_object_get_object_member (request, "target");
  g_assert_cmpstr (json_object_get_string_member (target, "kind"), ==, "voicemail");
  g_assert_cmpstr (json_object_get_string_member (target, "user"), ==, "bob");

  /* The connection drops: the call ends locally with 480/2, the transfers fail. */
  soup_websocket_connection_close (fixture->ws, SOUP_WEBSOCKET_CLOSE_GOING_AWAY, NULL);
  while (tr_call_get_state (call) != TR_CALL_STATE_DISCONNECTED)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpuint (tr_call_get_end_reason (call)->code, ==, 480);
  g_assert_cmpuint (tr_call_get_end_reason (call)->subcode, ==, 2);
  iterate_for (50);

  g_clear_object (&result);
  finish_agent (agent);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add ("/core/agent-fake/" path, Fixture, NULL, fixture_setup, func, fixture_teardown)

  ADD ("handshake", test_handshake);
  ADD ("reply-matching", test_reply_matching);
  ADD ("error-reply", test_error_reply);
  ADD ("request-timeout", test_request_timeout);
  ADD ("request-cancel", test_request_cancel);
  ADD ("no-welcome", test_no_welcome);
  ADD ("unauthorized", test_unauthorized);
  ADD ("close-4001", test_close_4001);
  ADD ("reconnect-policy", test_reconnect_policy);
  ADD ("transfer-locators", test_transfer_locators);

#undef ADD

  return g_test_run ();
}
