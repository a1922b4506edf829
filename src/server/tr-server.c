/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "TrServer"

#include "config.h"

#include <libsoup/soup.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <string.h>

#include "tr-admin.h"
#include "tr-basic-line.h"
#include "tr-echo-line.h"
#include "tr-voicemail-line.h"
#include "tr-protocol.h"
#include "tr-secrets.h"
#include "tr-server.h"

#define MAX_REST_BODY 65536
/* Pending connections the kernel queues: agents reconnecting together (after a restart)
 * should not see dropped SYNs and second-long retransmit stalls. */
#define LISTEN_BACKLOG 4096

struct _TrServer
{
  GObject parent_instance;

  char        *data_dir;
  TrStore     *store;
  TrSignaling *signaling;
  GBytes      *secret;
  char        *admin_key;
  SoupServer  *soup;
  char        *uri;
  gboolean     tls;
  TrVoicemailLine *voicemail;
};

G_DEFINE_FINAL_TYPE (TrServer, tr_server, G_TYPE_OBJECT)

typedef enum
{
  AUTH_NONE,
  AUTH_ADMIN,
  AUTH_USER,
} AuthKind;

/* HTTP helpers */

static void
respond_json (SoupServerMessage *msg, guint http_status, JsonObject *object)
{
  g_autoptr (JsonNode) node = json_node_new (JSON_NODE_OBJECT);
  char *text;

  json_node_take_object (node, object);
  text = json_to_string (node, FALSE);
  soup_server_message_set_status (msg, http_status, NULL);
  soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_TAKE, text, strlen (text));
}

static void
respond_status (SoupServerMessage *msg, guint http_status, TrStatus status, const char *message)
{
  JsonObject *body = json_object_new ();

  json_object_set_object_member (body, "error", tr_status_to_json (status, message));
  respond_json (msg, http_status, body);
}

static void
respond_error (SoupServerMessage *msg, TrStatus status, const char *message)
{
  respond_status (msg, tr_status_get_http_status (status), status, message);
}

static void
respond_gerror (SoupServerMessage *msg, const GError *error)
{
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_EXISTS))
    respond_status (msg, SOUP_STATUS_CONFLICT, TR_STATUS_INVALID_FIELD, error->message);
  else if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND))
    respond_error (msg, TR_STATUS_UNKNOWN_IDENTITY, error->message);
  else if (error->domain == TR_ERROR && tr_status_get_reason (error->code) != NULL)
    respond_error (msg, error->code, error->message);
  else
    {
      g_warning ("Internal error: %s", error->message);
      respond_error (msg, TR_STATUS_INTERNAL, NULL);
    }
}

static const char *
bearer_token (SoupServerMessage *msg)
{
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (msg);
  const char         *value = soup_message_headers_get_one (headers, "Authorization");

  if (value == NULL)
    return NULL;
  while (*value == ' ')
    value++;
  if (g_ascii_strncasecmp (value, "Bearer ", 7) != 0)
    return "";
  value += 7;
  while (*value == ' ')
    value++;
  return value;
}

/* Who is asking: the admin key, a user's token, or nobody (an error reply is set then). */
static AuthKind
authenticate (TrServer *self, SoupServerMessage *msg, TrTokenClaims **out_claims)
{
  const char *token = bearer_token (msg);
  g_autoptr (GError) error = NULL;
  g_autoptr (TrTokenClaims) claims = NULL;

  if (token != NULL && tr_secrets_equal (token, self->admin_key))
    return AUTH_ADMIN;

  claims = tr_signaling_check_token (self->signaling, token, &error);
  if (claims == NULL)
    {
      respond_gerror (msg, error);
      return AUTH_NONE;
    }
  if (!tr_token_claims_has_scope (claims, "call"))
    {
      respond_error (msg, TR_STATUS_SCOPE_MISSING, NULL);
      return AUTH_NONE;
    }
  if (out_claims != NULL)
    *out_claims = g_steal_pointer (&claims);
  return AUTH_USER;
}

static JsonObject *
parse_body (SoupServerMessage *msg)
{
  g_autoptr (JsonParser) parser = json_parser_new_immutable ();
  g_autoptr (GBytes) bytes = NULL;
  SoupMessageBody *body = soup_server_message_get_request_body (msg);
  JsonNode        *root;
  const char      *data;
  gsize            length;

  bytes = soup_message_body_flatten (body);
  data = g_bytes_get_data (bytes, &length);
  if (length == 0 || length > MAX_REST_BODY || !g_utf8_validate (data, length, NULL)
      || !json_parser_load_from_data (parser, data, length, NULL))
    {
      respond_error (msg, TR_STATUS_MALFORMED_JSON, NULL);
      return NULL;
    }
  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    {
      respond_error (msg, TR_STATUS_MALFORMED_JSON, NULL);
      return NULL;
    }
  return json_object_ref (json_node_get_object (root));
}

static const char *
body_string (JsonObject *object, const char *field)
{
  JsonNode *node = json_object_get_member (object, field);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node)
      || json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;
  return json_node_get_string (node);
}

/* REST endpoints */

static void
rest_users (TrServer *self, SoupServerMessage *msg, const char *method, AuthKind auth)
{
  if (g_str_equal (method, "POST"))
    {
      g_autoptr (JsonObject) body = NULL;
      g_autoptr (GError) error = NULL;
      const char *id;

      if (auth != AUTH_ADMIN)
        {
          respond_error (msg, TR_STATUS_ADMIN_REQUIRED, NULL);
          return;
        }
      if ((body = parse_body (msg)) == NULL)
        return;
      id = body_string (body, "id");
      if (id == NULL)
        {
          respond_error (msg, TR_STATUS_MISSING_FIELD, "“id” is required");
          return;
        }
      if (!tr_admin_add_user (self->store, id, body_string (body, "display_name"), &error))
        {
          respond_gerror (msg, error);
          return;
        }
      respond_json (msg, SOUP_STATUS_CREATED,
                    tr_identity_to_json (tr_store_lookup (self->store, id), FALSE));
    }
  else if (g_str_equal (method, "GET"))
    {
      g_autoptr (GPtrArray) list = tr_store_list (self->store);
      JsonArray  *users = json_array_sized_new (list->len);
      JsonObject *result = json_object_new ();

      for (guint i = 0; i < list->len; i++)
        json_array_add_object_element (users,
                                       tr_identity_to_json (g_ptr_array_index (list, i), TRUE));
      json_object_set_array_member (result, "users", users);
      respond_json (msg, SOUP_STATUS_OK, result);
    }
  else
    respond_status (msg, SOUP_STATUS_METHOD_NOT_ALLOWED, TR_STATUS_UNKNOWN_TYPE,
                    "Method not allowed");
}

static void
rest_user (TrServer *self, SoupServerMessage *msg, const char *method, AuthKind auth,
           const char *id)
{
  if (g_str_equal (method, "GET"))
    {
      TrIdentity *identity = tr_store_lookup (self->store, id);

      if (identity == NULL)
        respond_error (msg, TR_STATUS_UNKNOWN_IDENTITY, NULL);
      else
        respond_json (msg, SOUP_STATUS_OK, tr_identity_to_json (identity, TRUE));
    }
  else if (g_str_equal (method, "DELETE"))
    {
      g_autoptr (GError) error = NULL;

      if (auth != AUTH_ADMIN)
        {
          respond_error (msg, TR_STATUS_ADMIN_REQUIRED, NULL);
          return;
        }
      if (!tr_admin_remove_user (self->store, id, &error))
        {
          respond_gerror (msg, error);
          return;
        }
      tr_signaling_close_user (self->signaling, id);
      soup_server_message_set_status (msg, SOUP_STATUS_NO_CONTENT, NULL);
    }
  else
    respond_status (msg, SOUP_STATUS_METHOD_NOT_ALLOWED, TR_STATUS_UNKNOWN_TYPE,
                    "Method not allowed");
}

static void
rest_tokens (TrServer *self, SoupServerMessage *msg, const char *method, AuthKind auth)
{
  g_autoptr (JsonObject) body = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) scopes = NULL;
  g_autofree char *token = NULL;
  g_autofree char *jti = NULL;
  gint64           ttl = TR_ADMIN_DEFAULT_TTL;
  gint64           expires_at = 0;
  JsonObject      *result;

  if (!g_str_equal (method, "POST"))
    {
      respond_status (msg, SOUP_STATUS_METHOD_NOT_ALLOWED, TR_STATUS_UNKNOWN_TYPE,
                      "Method not allowed");
      return;
    }
  if (auth != AUTH_ADMIN)
    {
      respond_error (msg, TR_STATUS_ADMIN_REQUIRED, NULL);
      return;
    }
  if ((body = parse_body (msg)) == NULL)
    return;
  if (body_string (body, "user") == NULL)
    {
      respond_error (msg, TR_STATUS_MISSING_FIELD, "“user” is required");
      return;
    }
  if (json_object_has_member (body, "ttl"))
    {
      JsonNode *node = json_object_get_member (body, "ttl");

      if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_INT64)
        {
          respond_error (msg, TR_STATUS_INVALID_FIELD, "“ttl” must be an integer");
          return;
        }
      ttl = json_node_get_int (node);
    }
  scopes = g_ptr_array_new ();
  if (json_object_has_member (body, "scopes"))
    {
      JsonNode  *node = json_object_get_member (body, "scopes");
      JsonArray *array;

      if (!JSON_NODE_HOLDS_ARRAY (node))
        {
          respond_error (msg, TR_STATUS_INVALID_FIELD, "“scopes” must be an array of strings");
          return;
        }
      array = json_node_get_array (node);
      for (guint i = 0; i < json_array_get_length (array); i++)
        {
          JsonNode *element = json_array_get_element (array, i);

          if (!JSON_NODE_HOLDS_VALUE (element)
              || json_node_get_value_type (element) != G_TYPE_STRING)
            {
              respond_error (msg, TR_STATUS_INVALID_FIELD, "“scopes” must be an array of strings");
              return;
            }
          g_ptr_array_add (scopes, (gpointer)json_node_get_string (element));
        }
    }
  g_ptr_array_add (scopes, NULL);

  token = tr_admin_issue_token (self->store, self->secret, body_string (body, "user"), ttl,
                                (const char *const *)scopes->pdata, &jti, &expires_at, &error);
  if (token == NULL)
    {
      respond_gerror (msg, error);
      return;
    }
  result = json_object_new ();
  json_object_set_string_member (result, "token", token);
  json_object_set_string_member (result, "jti", jti);
  json_object_set_int_member (result, "expires_at", expires_at);
  respond_json (msg, SOUP_STATUS_CREATED, result);
}

static void
rest_token (TrServer *self, SoupServerMessage *msg, const char *method, AuthKind auth,
            const char *jti)
{
  g_autoptr (GError) error = NULL;

  if (!g_str_equal (method, "DELETE"))
    {
      respond_status (msg, SOUP_STATUS_METHOD_NOT_ALLOWED, TR_STATUS_UNKNOWN_TYPE,
                      "Method not allowed");
      return;
    }
  if (auth != AUTH_ADMIN)
    {
      respond_error (msg, TR_STATUS_ADMIN_REQUIRED, NULL);
      return;
    }
  if (!tr_admin_revoke_token (self->store, jti, &error))
    {
      respond_gerror (msg, error);
      return;
    }
  tr_signaling_close_token (self->signaling, jti);
  soup_server_message_set_status (msg, SOUP_STATUS_NO_CONTENT, NULL);
}

static void
rest_me (TrServer *self, SoupServerMessage *msg, const char *method, TrTokenClaims *claims,
         const char *what, GHashTable *query)
{
  TrIdentity *identity = tr_store_lookup (self->store, claims->sub);

  if (identity == NULL)
    {
      respond_error (msg, TR_STATUS_TOKEN_INVALID, "Unknown user");
      return;
    }

  if (what == NULL && g_str_equal (method, "GET"))
    respond_json (msg, SOUP_STATUS_OK, tr_identity_to_json (identity, FALSE));
  else if (g_strcmp0 (what, "settings") == 0 && g_str_equal (method, "GET"))
    respond_json (msg, SOUP_STATUS_OK, tr_identity_settings_to_json (identity));
  else if (g_strcmp0 (what, "settings") == 0 && g_str_equal (method, "PUT"))
    {
      g_autoptr (JsonObject) body = NULL;
      g_autoptr (GError) error = NULL;

      if ((body = parse_body (msg)) == NULL)
        return;
      if (!tr_store_update_settings (self->store, claims->sub, body, &error))
        {
          respond_gerror (msg, error);
          return;
        }
      identity = tr_store_lookup (self->store, claims->sub);
      respond_json (msg, SOUP_STATUS_OK, tr_identity_settings_to_json (identity));
    }
  else if (g_strcmp0 (what, "calls") == 0 && g_str_equal (method, "GET"))
    {
      const char *limit_text = query ? g_hash_table_lookup (query, "limit") : NULL;
      gint64      limit = 50;
      JsonObject *result;

      if (limit_text != NULL && (!g_ascii_string_to_signed (limit_text, 10, 1, 500, &limit, NULL)))
        {
          respond_error (msg, TR_STATUS_INVALID_FIELD, "“limit” must be from 1 to 500");
          return;
        }
      result = json_object_new ();
      json_object_set_array_member (result, "records",
                                    tr_store_list_records (self->store, claims->sub, limit));
      respond_json (msg, SOUP_STATUS_OK, result);
    }
  else if (what == NULL || g_strcmp0 (what, "settings") == 0 || g_strcmp0 (what, "calls") == 0)
    respond_status (msg, SOUP_STATUS_METHOD_NOT_ALLOWED, TR_STATUS_UNKNOWN_TYPE,
                    "Method not allowed");
  else
    respond_status (msg, SOUP_STATUS_NOT_FOUND, TR_STATUS_UNKNOWN_TYPE, "No such resource");
}

/* /v1/me/voicemail[/greeting | /{id}[/audio | /heard]] */
static void
rest_voicemail (TrServer *self, SoupServerMessage *msg, const char *method, TrTokenClaims *claims,
                const char *id, const char *what)
{
  g_autoptr (GError) error = NULL;
  const char *user = claims->sub;

  if (id == NULL && g_str_equal (method, "GET"))
    {
      respond_json (msg, SOUP_STATUS_OK, tr_voicemail_line_list (self->voicemail, user));
      return;
    }
  if (g_strcmp0 (id, "greeting") == 0 && what == NULL)
    {
      if (g_str_equal (method, "PUT"))
        {
          g_autoptr (GBytes) body
              = soup_message_body_flatten (soup_server_message_get_request_body (msg));

          if (!tr_voicemail_line_set_greeting (self->voicemail, user, body, &error))
            respond_gerror (msg, error);
          else
            soup_server_message_set_status (msg, SOUP_STATUS_NO_CONTENT, NULL);
        }
      else if (g_str_equal (method, "DELETE"))
        {
          tr_voicemail_line_delete_greeting (self->voicemail, user, NULL);
          soup_server_message_set_status (msg, SOUP_STATUS_NO_CONTENT, NULL);
        }
      else
        respond_status (msg, SOUP_STATUS_METHOD_NOT_ALLOWED, TR_STATUS_UNKNOWN_TYPE,
                        "Method not allowed");
      return;
    }
  if (id != NULL && what == NULL && g_str_equal (method, "DELETE"))
    {
      if (!tr_voicemail_line_delete (self->voicemail, user, id, &error))
        respond_gerror (msg, error);
      else
        soup_server_message_set_status (msg, SOUP_STATUS_NO_CONTENT, NULL);
      return;
    }
  if (id != NULL && g_strcmp0 (what, "heard") == 0 && g_str_equal (method, "POST"))
    {
      JsonObject *message = tr_voicemail_line_mark_heard (self->voicemail, user, id, &error);

      if (message == NULL)
        respond_gerror (msg, error);
      else
        respond_json (msg, SOUP_STATUS_OK, message);
      return;
    }
  if (id != NULL && g_strcmp0 (what, "audio") == 0 && g_str_equal (method, "GET"))
    {
      g_autofree char *path = tr_voicemail_line_dup_audio_path (self->voicemail, user, id, &error);
      g_autoptr (GMappedFile) file = NULL;
      g_autoptr (GBytes) bytes = NULL;

      if (path == NULL)
        {
          respond_gerror (msg, error);
          return;
        }
      file = g_mapped_file_new (path, FALSE, &error);
      if (file == NULL)
        {
          g_warning ("Cannot read %s: %s", path, error->message);
          respond_error (msg, TR_STATUS_INTERNAL, NULL);
          return;
        }
      bytes = g_mapped_file_get_bytes (file);
      soup_message_headers_set_content_type (soup_server_message_get_response_headers (msg),
                                             "audio/ogg", NULL);
      soup_message_body_append_bytes (soup_server_message_get_response_body (msg), bytes);
      soup_server_message_set_status (msg, SOUP_STATUS_OK, NULL);
      return;
    }
  if (what == NULL || g_strcmp0 (what, "audio") == 0 || g_strcmp0 (what, "heard") == 0)
    respond_status (msg, SOUP_STATUS_METHOD_NOT_ALLOWED, TR_STATUS_UNKNOWN_TYPE,
                    "Method not allowed");
  else
    respond_status (msg, SOUP_STATUS_NOT_FOUND, TR_STATUS_UNKNOWN_TYPE, "No such resource");
}

static gboolean
is_voicemail_path (char **parts, guint n_parts)
{
  return n_parts >= 2 && g_str_equal (parts[0], "me") && g_str_equal (parts[1], "voicemail");
}

static void
rest_cb (SoupServer *server, SoupServerMessage *msg, const char *path, GHashTable *query,
         gpointer user_data)
{
  TrServer   *self = user_data;
  const char *method = soup_server_message_get_method (msg);
  g_autoptr (TrTokenClaims) claims = NULL;
  g_auto (GStrv) parts = NULL;
  guint    n_parts;
  AuthKind auth;

  if (!g_str_has_prefix (path, "/v1/"))
    {
      respond_status (msg, SOUP_STATUS_NOT_FOUND, TR_STATUS_UNKNOWN_TYPE, "No such resource");
      return;
    }
  parts = g_strsplit (path + strlen ("/v1/"), "/", 4);
  n_parts = g_strv_length (parts);
  if (n_parts > 0 && parts[n_parts - 1][0] == '\0')
    n_parts--; /* trailing slash */

  if (n_parts == 1 && g_str_equal (parts[0], "health"))
    {
      JsonObject *result = json_object_new ();

      json_object_set_string_member (result, "status", "ok");
      json_object_set_int_member (result, "protocol", TR_PROTOCOL_VERSION);
      respond_json (msg, SOUP_STATUS_OK, result);
      return;
    }

  if (n_parts == 0
      || !(g_str_equal (parts[0], "users") || g_str_equal (parts[0], "tokens")
           || g_str_equal (parts[0], "me"))
      || (n_parts > 2 && !is_voicemail_path (parts, n_parts)))
    {
      respond_status (msg, SOUP_STATUS_NOT_FOUND, TR_STATUS_UNKNOWN_TYPE, "No such resource");
      return;
    }

  auth = authenticate (self, msg, &claims);
  if (auth == AUTH_NONE)
    return;

  if (g_str_equal (parts[0], "users") && n_parts == 1)
    rest_users (self, msg, method, auth);
  else if (g_str_equal (parts[0], "users"))
    rest_user (self, msg, method, auth, parts[1]);
  else if (g_str_equal (parts[0], "tokens") && n_parts == 1)
    rest_tokens (self, msg, method, auth);
  else if (g_str_equal (parts[0], "tokens"))
    rest_token (self, msg, method, auth, parts[1]);
  else if (auth != AUTH_USER)
    respond_error (msg, TR_STATUS_SCOPE_MISSING, "This resource needs a user token");
  else if (is_voicemail_path (parts, n_parts))
    rest_voicemail (self, msg, method, claims, n_parts > 2 ? parts[2] : NULL,
                    n_parts > 3 ? parts[3] : NULL);
  else
    rest_me (self, msg, method, claims, n_parts == 2 ? parts[1] : NULL, query);
}

/* Refuse large or unbounded request bodies before they are read. */
static void
early_cb (SoupServer *server, SoupServerMessage *msg, const char *path, GHashTable *query,
          gpointer user_data)
{
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (msg);
  SoupEncoding        encoding = soup_message_headers_get_encoding (headers);
  /* A greeting is audio: bigger. */
  goffset limit
      = g_str_equal (path, "/v1/me/voicemail/greeting") ? TR_VOICEMAIL_MAX_GREETING : MAX_REST_BODY;

  if (encoding == SOUP_ENCODING_CHUNKED || encoding == SOUP_ENCODING_EOF
      || (encoding == SOUP_ENCODING_CONTENT_LENGTH
          && soup_message_headers_get_content_length (headers) > limit))
    respond_status (msg, SOUP_STATUS_REQUEST_ENTITY_TOO_LARGE, TR_STATUS_TOO_LARGE,
                    g_str_equal (path, "/v1/me/voicemail/greeting")
                        ? "A greeting is limited to 1 MiB with a Content-Length"
                        : "Request bodies are limited to 65536 bytes with a Content-Length");
}

static gboolean
offers_subprotocol (SoupServerMessage *msg)
{
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (msg);
  const char         *value = soup_message_headers_get_list (headers, "Sec-WebSocket-Protocol");
  g_auto (GStrv) offered = NULL;

  if (value == NULL)
    return FALSE;
  offered = g_strsplit (value, ",", -1);
  for (guint i = 0; offered[i] != NULL; i++)
    if (g_str_equal (g_strstrip (offered[i]), TR_PROTOCOL_SUBPROTOCOL))
      return TRUE;
  return FALSE;
}

/* Runs before libsoup's WebSocket handshake: anything set here stops the upgrade. */
static void
signaling_http_cb (SoupServer *server, SoupServerMessage *msg, const char *path, GHashTable *query,
                   gpointer user_data)
{
  TrServer *self = user_data;
  g_autoptr (TrTokenClaims) claims = NULL;
  g_autoptr (GError) error = NULL;

  if (!g_str_equal (path, TR_PROTOCOL_SIGNALING_PATH))
    {
      respond_status (msg, SOUP_STATUS_NOT_FOUND, TR_STATUS_UNKNOWN_TYPE, "No such resource");
      return;
    }
  if (!offers_subprotocol (msg))
    {
      respond_status (msg, SOUP_STATUS_BAD_REQUEST, TR_STATUS_INVALID_FIELD,
                      "Offer the WebSocket subprotocol " TR_PROTOCOL_SUBPROTOCOL);
      return;
    }

  claims = tr_signaling_check_token (self->signaling, bearer_token (msg), &error);
  if (claims == NULL)
    {
      g_debug ("Refused a signaling connection: %s", error->message);
      respond_gerror (msg, error);
      return;
    }
  if (!tr_token_claims_has_scope (claims, "call"))
    {
      respond_error (msg, TR_STATUS_SCOPE_MISSING, NULL);
      return;
    }
  /* Signaling frames are small and latency-bound: no Nagle delay between a reply and the
   * events that follow it. */
  if (soup_server_message_get_socket (msg) != NULL)
    g_socket_set_option (soup_server_message_get_socket (msg), IPPROTO_TCP, TCP_NODELAY, TRUE,
                         NULL);

  /* Leave the status unset: libsoup completes the handshake and calls signaling_ws_cb. */
}

static void
signaling_ws_cb (SoupServer *server, SoupServerMessage *msg, const char *path,
                 SoupWebsocketConnection *conn, gpointer user_data)
{
  TrServer *self = user_data;
  g_autoptr (TrTokenClaims) claims = NULL;
  g_autoptr (GError) error = NULL;

  /* Checked in signaling_http_cb a moment ago; check again rather than carry state along. */
  claims = tr_signaling_check_token (self->signaling, bearer_token (msg), &error);
  if (claims == NULL)
    {
      soup_websocket_connection_close (conn, TR_CLOSE_TOKEN_EXPIRED, "token");
      return;
    }
  tr_signaling_accept (self->signaling, conn, claims);
}

/* GObject */

static void
tr_server_dispose (GObject *object)
{
  TrServer *self = (TrServer *)object;

  if (self->soup != NULL)
    soup_server_disconnect (self->soup);
  g_clear_object (&self->soup);
  g_clear_object (&self->signaling);
  g_clear_object (&self->voicemail);
  tr_line_peer_prewarm_join ();
  if (self->store != NULL)
    tr_store_close (self->store);
  g_clear_object (&self->store);

  G_OBJECT_CLASS (tr_server_parent_class)->dispose (object);
}

static void
tr_server_finalize (GObject *object)
{
  TrServer *self = (TrServer *)object;

  g_clear_pointer (&self->secret, g_bytes_unref);
  if (self->admin_key != NULL)
    memset (self->admin_key, 0, strlen (self->admin_key));
  g_clear_pointer (&self->admin_key, g_free);
  g_clear_pointer (&self->data_dir, g_free);
  g_clear_pointer (&self->uri, g_free);

  G_OBJECT_CLASS (tr_server_parent_class)->finalize (object);
}

static void
tr_server_class_init (TrServerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = tr_server_dispose;
  object_class->finalize = tr_server_finalize;
}

static void
tr_server_init (TrServer *self)
{
}

void
tr_server_config_clear (TrServerConfig *config)
{
  g_clear_pointer (&config->stun_server, g_free);
  g_clear_pointer (&config->turn_servers, g_strfreev);
  g_clear_pointer (&config->voicemail_greeting, g_free);
}

void
tr_server_config_init (TrServerConfig *config)
{
  memset (config, 0, sizeof *config);
  config->media = TRUE;
  config->voicemail_max_seconds = TR_VOICEMAIL_DEFAULT_MAX_SECONDS;
  config->voicemail_quota = TR_VOICEMAIL_DEFAULT_QUOTA;
}

/* "stun://HOST:PORT", "turn://USER:PASS@HOST:PORT", "turns://…" → an IceServer of welcome. */
static JsonObject *
ice_server_json (const char *url, gboolean turn, GError **error)
{
  g_autoptr (GUri) uri = g_uri_parse (url, G_URI_FLAGS_HAS_PASSWORD, NULL);
  const char      *scheme = uri ? g_uri_get_scheme (uri) : NULL;
  JsonObject      *server;
  JsonArray       *urls;
  g_autofree char *web_url = NULL;

  if (uri == NULL || g_uri_get_host (uri) == NULL || g_uri_get_port (uri) <= 0
      || (!turn && g_strcmp0 (scheme, "stun") != 0)
      || (turn && g_strcmp0 (scheme, "turn") != 0 && g_strcmp0 (scheme, "turns") != 0)
      || (turn && (g_uri_get_user (uri) == NULL || g_uri_get_password (uri) == NULL)))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   turn ? "“%s” is not turn://USER:PASS@HOST:PORT" : "“%s” is not stun://HOST:PORT",
                   url);
      return NULL;
    }
  web_url = strchr (g_uri_get_host (uri), ':') != NULL
                ? g_strdup_printf ("%s:[%s]:%d", scheme, g_uri_get_host (uri), g_uri_get_port (uri))
                : g_strdup_printf ("%s:%s:%d", scheme, g_uri_get_host (uri), g_uri_get_port (uri));
  server = json_object_new ();
  urls = json_array_new ();
  json_array_add_string_element (urls, web_url);
  json_object_set_array_member (server, "urls", urls);
  if (turn)
    {
      json_object_set_string_member (server, "username", g_uri_get_user (uri));
      json_object_set_string_member (server, "credential", g_uri_get_password (uri));
    }
  return server;
}

TrServer *
tr_server_new (const char *data_dir, GError **error)
{
  TrServerConfig config;
  TrServer      *self;

  tr_server_config_init (&config);
  self = tr_server_new_full (data_dir, &config, error);
  tr_server_config_clear (&config);
  return self;
}

TrServer *
tr_server_new_full (const char *data_dir, const TrServerConfig *config, GError **error)
{
  g_autoptr (TrServer) self = NULL;
  g_autoptr (JsonArray) ice_servers = json_array_new ();
  g_autofree char             *greeting = NULL;
  TrLineMediaConfig            media = { 0 };
  g_autofree char             *db_path = NULL;
  char                        *protocols[] = { (char *)TR_PROTOCOL_SUBPROTOCOL, NULL };
  static const TrBasicLineMode modes[] = {
    TR_BASIC_LINE_BUSY,
    TR_BASIC_LINE_NO_ANSWER,
    TR_BASIC_LINE_DECLINE,
  };

  g_return_val_if_fail (data_dir != NULL, NULL);

  self = g_object_new (TR_TYPE_SERVER, NULL);
  self->data_dir = g_strdup (data_dir);

  if (!tr_secrets_ensure_data_dir (data_dir, error))
    return NULL;
  if ((self->secret = tr_secrets_load_secret (data_dir, error)) == NULL)
    return NULL;
  if ((self->admin_key = tr_secrets_load_admin_key (data_dir, error)) == NULL)
    return NULL;
  db_path = g_build_filename (data_dir, "transfer.db", NULL);
  if ((self->store = tr_store_new (db_path, error)) == NULL)
    return NULL;

  if (config->stun_server != NULL)
    {
      JsonObject *server = ice_server_json (config->stun_server, FALSE, error);

      if (server == NULL)
        return NULL;
      json_array_add_object_element (ice_servers, server);
    }
  for (guint i = 0; config->turn_servers != NULL && config->turn_servers[i] != NULL; i++)
    {
      JsonObject *server = ice_server_json (config->turn_servers[i], TRUE, error);

      if (server == NULL)
        return NULL;
      json_array_add_object_element (ice_servers, server);
    }

  self->signaling = tr_signaling_new (self->store, self->secret);
  tr_signaling_set_ice_servers (self->signaling, ice_servers);

  /* The media lines: the same signaling and WebRTC media as clients. */
  media.enabled = config->media;
  media.ice_loopback = config->ice_loopback;
  media.stun_server = config->stun_server;
  media.turn_servers = config->turn_servers;
  if (media.enabled)
    {
      if (!gst_is_initialized ())
        gst_init (NULL, NULL);
      tr_line_peer_prewarm ();
    }
  greeting = tr_voicemail_find_default_greeting (config->voicemail_greeting);
  if (greeting == NULL)
    g_warning ("No default voicemail greeting found; callers hear none");
  self->voicemail = tr_voicemail_line_new (self->store, data_dir, &media, greeting,
                                           config->voicemail_max_seconds, config->voicemail_quota);
  {
    g_autoptr (TrEchoLine) echo = tr_echo_line_new (&media);
    TrServiceLine *lines[] = { TR_SERVICE_LINE (echo), TR_SERVICE_LINE (self->voicemail) };

    for (guint i = 0; i < G_N_ELEMENTS (lines); i++)
      {
        if (!tr_store_ensure_service (self->store, tr_service_line_get_id (lines[i]),
                                      tr_service_line_get_display_name (lines[i]), error))
          return NULL;
        tr_signaling_add_line (self->signaling, lines[i]);
      }
  }
  for (guint i = 0; i < G_N_ELEMENTS (modes); i++)
    {
      g_autoptr (TrBasicLine) line = tr_basic_line_new (modes[i]);
      TrServiceLine *service = TR_SERVICE_LINE (line);

      if (!tr_store_ensure_service (self->store, tr_service_line_get_id (service),
                                    tr_service_line_get_display_name (service), error))
        return NULL;
      tr_signaling_add_line (self->signaling, service);
    }

  self->soup = soup_server_new ("server-header", "transfer-server/" PACKAGE_VERSION " ", NULL);
  /* permessage-deflate costs ~300 KiB of zlib state per connection and invites zip bombs. */
  soup_server_remove_websocket_extension (self->soup, SOUP_TYPE_WEBSOCKET_EXTENSION_DEFLATE);
  soup_server_add_early_handler (self->soup, NULL, early_cb, self, NULL);
  soup_server_add_handler (self->soup, NULL, rest_cb, self, NULL);
  soup_server_add_handler (self->soup, TR_PROTOCOL_SIGNALING_PATH, signaling_http_cb, self, NULL);
  soup_server_add_websocket_handler (self->soup, TR_PROTOCOL_SIGNALING_PATH, NULL, protocols,
                                     signaling_ws_cb, self, NULL);

  return g_steal_pointer (&self);
}

gboolean
tr_server_set_tls_files (TrServer *self, const char *cert_file, const char *key_file,
                         GError **error)
{
  g_autoptr (GTlsCertificate) certificate = NULL;

  g_return_val_if_fail (TR_IS_SERVER (self), FALSE);

  certificate = g_tls_certificate_new_from_files (cert_file, key_file, error);
  if (certificate == NULL)
    return FALSE;
  soup_server_set_tls_certificate (self->soup, certificate);
  self->tls = TRUE;
  return TRUE;
}

static gboolean
parse_address (const char *address, char **out_host, guint16 *out_port, GError **error)
{
  const char      *colon;
  g_autofree char *host = NULL;
  guint64          port;

  if (address[0] == '[')
    {
      const char *end = strchr (address, ']');

      if (end == NULL || end[1] != ':')
        goto bad;
      host = g_strndup (address + 1, end - address - 1);
      colon = end + 1;
    }
  else
    {
      colon = strrchr (address, ':');
      if (colon == NULL)
        goto bad;
      host = g_strndup (address, colon - address);
    }
  if (!g_ascii_string_to_unsigned (colon + 1, 10, 0, 65535, &port, NULL))
    goto bad;

  *out_host = g_steal_pointer (&host);
  *out_port = (guint16)port;
  return TRUE;

bad:
  g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
               "“%s” is not HOST:PORT (e.g. 127.0.0.1:7443)", address);
  return FALSE;
}

gboolean
tr_server_listen (TrServer *self, const char *address, gboolean allow_insecure, GError **error)
{
  g_autofree char *host = NULL;
  g_autoptr (GInetAddress) inet = NULL;
  g_autoptr (GSocketAddress) socket_address = NULL;
  g_autoptr (GSocket) listener = NULL;
  GSList *uris;
  guint16 port;

  g_return_val_if_fail (TR_IS_SERVER (self), FALSE);

  if (!parse_address (address, &host, &port, error))
    return FALSE;
  if (g_str_equal (host, "localhost"))
    inet = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  else
    inet = g_inet_address_new_from_string (host);
  if (inet == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT, "“%s” is not an IP address",
                   host);
      return FALSE;
    }
  if (!self->tls && !g_inet_address_get_is_loopback (inet) && !allow_insecure)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_PERMISSION_DENIED,
                   "Refusing plain HTTP on %s, which is not a loopback address: give "
                   "--tls-cert and --tls-key, or --allow-insecure",
                   host);
      return FALSE;
    }
  if (!self->tls && !g_inet_address_get_is_loopback (inet))
    g_warning ("Serving plain HTTP on %s: tokens travel unencrypted", host);

  socket_address = g_inet_socket_address_new (inet, port);
  listener = g_socket_new (g_inet_address_get_family (inet), G_SOCKET_TYPE_STREAM,
                           G_SOCKET_PROTOCOL_TCP, error);
  if (listener == NULL)
    return FALSE;
  g_socket_set_listen_backlog (listener, LISTEN_BACKLOG);
  if (!g_socket_bind (listener, socket_address, TRUE, error) || !g_socket_listen (listener, error)
      || !soup_server_listen_socket (self->soup, listener, self->tls ? SOUP_SERVER_LISTEN_HTTPS : 0,
                                     error))
    return FALSE;

  uris = soup_server_get_uris (self->soup);
  if (uris != NULL)
    {
      GUri       *uri = uris->data;
      const char *uri_host = g_uri_get_host (uri);

      g_free (self->uri);
      if (strchr (uri_host, ':') != NULL)
        self->uri = g_strdup_printf ("%s://[%s]:%d", g_uri_get_scheme (uri), uri_host,
                                     g_uri_get_port (uri));
      else
        self->uri = g_strdup_printf ("%s://%s:%d", g_uri_get_scheme (uri), uri_host,
                                     g_uri_get_port (uri));
    }
  g_slist_free_full (uris, (GDestroyNotify)g_uri_unref);
  g_info ("Listening on %s", self->uri);
  return TRUE;
}

char *
tr_server_dup_uri (TrServer *self)
{
  g_return_val_if_fail (TR_IS_SERVER (self), NULL);

  return g_strdup (self->uri);
}

TrSignaling *
tr_server_get_signaling (TrServer *self)
{
  g_return_val_if_fail (TR_IS_SERVER (self), NULL);

  return self->signaling;
}

TrStore *
tr_server_get_store (TrServer *self)
{
  g_return_val_if_fail (TR_IS_SERVER (self), NULL);

  return self->store;
}

static gboolean
shutdown_deadline_cb (gpointer user_data)
{
  gboolean *expired = user_data;

  *expired = TRUE;
  return G_SOURCE_REMOVE;
}

void
tr_server_shutdown (TrServer *self, guint timeout_ms)
{
  gboolean expired = FALSE;
  guint    deadline;

  g_return_if_fail (TR_IS_SERVER (self));

  if (self->signaling == NULL)
    return;

  g_info ("Shutting down");
  tr_signaling_shutdown (self->signaling);

  /* Let the close handshakes go out before the sockets do. */
  deadline = g_timeout_add (timeout_ms, shutdown_deadline_cb, &expired);
  while (tr_signaling_get_n_sessions (self->signaling) > 0 && !expired)
    g_main_context_iteration (NULL, TRUE);
  if (!expired)
    g_source_remove (deadline);

  if (self->soup != NULL)
    soup_server_disconnect (self->soup);
  g_clear_object (&self->signaling);
  tr_store_close (self->store);
}
