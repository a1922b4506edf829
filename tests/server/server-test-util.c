/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "TestServer"

#include <glib/gstdio.h>
#include <signal.h>
#include <sys/prctl.h>
#include <string.h>

#include "server-test-util.h"

#define WAIT_MS 5000

static guint wait_ms = WAIT_MS;

void
test_set_wait_ms (guint ms)
{
  wait_ms = ms ? ms : WAIT_MS;
}

void
test_spin (guint ms)
{
  gint64 end = g_get_monotonic_time () + (gint64)ms * 1000;

  while (g_get_monotonic_time () < end)
    {
      if (!g_main_context_iteration (NULL, FALSE))
        g_usleep (1000);
    }
}

static void
child_setup (gpointer user_data)
{
  prctl (PR_SET_PDEATHSIG, SIGTERM);
}

void
test_server_start (TestServer *self)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GDataInputStream) in = NULL;
  g_autofree char *listen = g_strdup_printf ("127.0.0.1:%u", self->port);
  g_autofree char *line = NULL;
  g_autofree char *key = NULL;
  g_autofree char *key_path = NULL;
  g_autoptr (GPtrArray) argv = g_ptr_array_new ();
  const char *prefix
      = self->tls ? "listening on https://127.0.0.1:" : "listening on http://127.0.0.1:";

  g_autoptr (GSubprocessLauncher) launcher
      = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE);

  g_assert_null (self->process);
  /* Don't outlive a test that aborts (it would hold the test's output open). */
  g_subprocess_launcher_set_child_setup (launcher, child_setup, NULL, NULL);
  if (self->tls)
    {
      /* LeakSanitizer's tracer crashes (SIGSEGV) in a process that used GnuTLS' threads, so
       * the TLS server runs without leak checking; every other test server keeps it. */
      g_autofree char *asan = g_strconcat (g_getenv ("ASAN_OPTIONS") ? g_getenv ("ASAN_OPTIONS")
                                                                      : "",
                                           ":detect_leaks=0", NULL);

      g_subprocess_launcher_setenv (launcher, "ASAN_OPTIONS", asan, TRUE);
    }
  g_ptr_array_add (argv, self->binary);
  g_ptr_array_add (argv, (char *)"--data-dir");
  g_ptr_array_add (argv, self->data_dir);
  g_ptr_array_add (argv, (char *)"--listen");
  g_ptr_array_add (argv, listen);
  for (guint i = 0; self->extra_args && self->extra_args[i]; i++)
    g_ptr_array_add (argv, self->extra_args[i]);
  g_ptr_array_add (argv, NULL);
  self->process = g_subprocess_launcher_spawnv (launcher, (const char *const *)argv->pdata, &error);
  g_assert_no_error (error);

  in = g_data_input_stream_new (g_subprocess_get_stdout_pipe (self->process));
  line = g_data_input_stream_read_line_utf8 (in, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (line);
  g_assert_true (g_str_has_prefix (line, prefix));
  self->port = (guint16)g_ascii_strtoull (line + strlen (prefix), NULL, 10);
  g_assert_cmpuint (self->port, >, 0);

  g_free (self->url);
  self->url = g_strdup_printf ("%s://127.0.0.1:%u", self->tls ? "https" : "http", self->port);
  g_free (self->ws_url);
  self->ws_url
      = g_strdup_printf ("%s://127.0.0.1:%u/v1/signaling", self->tls ? "wss" : "ws", self->port);

  key_path = g_build_filename (self->data_dir, "admin.key", NULL);
  g_file_get_contents (key_path, &key, NULL, &error);
  g_assert_no_error (error);
  g_free (self->admin_key);
  self->admin_key = g_strdup (g_strstrip (key));
}

TestServer *
test_server_new (void)
{
  return test_server_new_with_args (NULL);
}

TestServer *
test_server_new_with_args (const char *const *args)
{
  TestServer *self = g_new0 (TestServer, 1);
  g_autoptr (GError) error = NULL;
  const char *build = g_getenv ("TR_BUILD_DIR");

  g_assert_nonnull (build);
  self->binary = g_build_filename (build, "src", "server", "transfer-server", NULL);
  self->data_dir = g_dir_make_tmp ("tr-server-test-XXXXXX", &error);
  g_assert_no_error (error);
  self->extra_args = g_strdupv ((char **)args);
  self->tls = self->extra_args != NULL && g_strv_contains ((const char *const *)args, "--tls-cert");
  test_server_start (self);
  return self;
}

void
test_server_stop (TestServer *self)
{
  g_autoptr (GError) error = NULL;

  if (self->process == NULL)
    return;
  g_subprocess_send_signal (self->process, SIGTERM);
  g_subprocess_wait (self->process, NULL, &error);
  g_assert_no_error (error);
  /* A clean shutdown (and, under ASan, no leaks). */
  g_assert_true (g_subprocess_get_if_exited (self->process));
  g_assert_cmpint (g_subprocess_get_exit_status (self->process), ==, 0);
  g_clear_object (&self->process);
}

static void
remove_tree (const char *path)
{
  g_autoptr (GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  if (dir != NULL)
    while ((name = g_dir_read_name (dir)) != NULL)
      {
        g_autofree char *child = g_build_filename (path, name, NULL);

        g_remove (child);
      }
  g_rmdir (path);
}

void
test_server_free (TestServer *self)
{
  test_server_stop (self);
  remove_tree (self->data_dir);
  g_free (self->binary);
  g_free (self->data_dir);
  g_free (self->url);
  g_free (self->ws_url);
  g_free (self->admin_key);
  g_strfreev (self->extra_args);
  g_free (self);
}

char *
test_server_admin (TestServer *self, int *out_status, ...)
{
  g_autoptr (GPtrArray) argv = g_ptr_array_new ();
  g_autoptr (GSubprocess) proc = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *out = NULL;
  va_list          ap;

  g_ptr_array_add (argv, self->binary);
  g_ptr_array_add (argv, (char *)"--data-dir");
  g_ptr_array_add (argv, self->data_dir);
  va_start (ap, out_status);
  for (const char *arg = va_arg (ap, const char *); arg != NULL; arg = va_arg (ap, const char *))
    g_ptr_array_add (argv, (char *)arg);
  va_end (ap);
  g_ptr_array_add (argv, NULL);

  proc = g_subprocess_newv ((const char *const *)argv->pdata,
                            G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_SILENCE,
                            &error);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (proc, NULL, NULL, &out, NULL, &error);
  g_assert_no_error (error);
  if (out_status != NULL)
    *out_status = g_subprocess_get_exit_status (proc);
  return g_strdup (g_strstrip (out));
}

void
test_server_add_user (TestServer *self, const char *id, const char *name)
{
  int              status = -1;
  g_autofree char *out = test_server_admin (self, &status, "user", "add", id, name, NULL);

  g_assert_cmpint (status, ==, 0);
}

char *
test_server_token (TestServer *self, const char *id, int ttl)
{
  int              status = -1;
  g_autofree char *ttl_text = g_strdup_printf ("%d", ttl);
  char *token = test_server_admin (self, &status, "token", "issue", id, "--ttl", ttl_text, NULL);

  g_assert_cmpint (status, ==, 0);
  g_assert_nonnull (strchr (token, '.'));
  return token;
}

/* The tests' self-signed certificate. */
static gboolean
accept_certificate_cb (SoupMessage *msg, GTlsCertificate *certificate, GTlsCertificateFlags errors,
                       gpointer user_data)
{
  return TRUE;
}

static JsonObject *
parse_object (const char *data, gsize length)
{
  g_autoptr (JsonParser) parser = json_parser_new ();
  JsonNode *root;

  if (length == 0 || !json_parser_load_from_data (parser, data, length, NULL))
    return NULL;
  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    return NULL;
  return json_object_ref (json_node_get_object (root));
}

guint
test_http (TestServer *server, const char *method, const char *path, const char *bearer,
           const char *body, JsonObject **out_body)
{
  g_autoptr (SoupSession) session = soup_session_new ();
  g_autofree char *url = g_strconcat (server->url, path, NULL);
  g_autoptr (SoupMessage) msg = soup_message_new (method, url);
  g_autoptr (GBytes) response = NULL;
  g_autoptr (GError) error = NULL;
  gsize       length;
  const char *data;

  g_assert_nonnull (msg);
  g_signal_connect (msg, "accept-certificate", G_CALLBACK (accept_certificate_cb), NULL);
  if (bearer != NULL)
    {
      g_autofree char *value = g_strconcat ("Bearer ", bearer, NULL);

      soup_message_headers_append (soup_message_get_request_headers (msg), "Authorization", value);
    }
  if (body != NULL)
    {
      g_autoptr (GBytes) bytes = g_bytes_new (body, strlen (body));

      soup_message_set_request_body_from_bytes (msg, "application/json", bytes);
    }
  response = soup_session_send_and_read (session, msg, NULL, &error);
  g_assert_no_error (error);
  data = g_bytes_get_data (response, &length);
  if (out_body != NULL)
    *out_body = parse_object (data, length);
  return soup_message_get_status (msg);
}

guint
test_handshake (TestServer *server, const char *token, const char *protocol, JsonObject **out_body)
{
  g_autoptr (SoupSession) session = soup_session_new ();
  g_autoptr (SoupMessage) msg = soup_message_new ("GET", server->url);
  g_autoptr (GBytes) response = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char    *url = g_strconcat (server->url, "/v1/signaling", NULL);
  SoupMessageHeaders *headers;
  gsize               length;
  const char         *data;

  g_clear_object (&msg);
  msg = soup_message_new ("GET", url);
  headers = soup_message_get_request_headers (msg);
  soup_message_headers_append (headers, "Upgrade", "websocket");
  soup_message_headers_append (headers, "Connection", "Upgrade");
  soup_message_headers_append (headers, "Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ==");
  soup_message_headers_append (headers, "Sec-WebSocket-Version", "13");
  if (protocol != NULL)
    soup_message_headers_append (headers, "Sec-WebSocket-Protocol", protocol);
  if (token != NULL)
    {
      g_autofree char *value = g_strconcat ("Bearer ", token, NULL);

      soup_message_headers_append (headers, "Authorization", value);
    }
  response = soup_session_send_and_read (session, msg, NULL, &error);
  g_assert_no_error (error);
  data = g_bytes_get_data (response, &length);
  if (out_body != NULL)
    *out_body = parse_object (data, length);
  return soup_message_get_status (msg);
}

static void
client_message_cb (SoupWebsocketConnection *conn, gint type, GBytes *message, gpointer user_data)
{
  TestClient *self = user_data;
  gsize       length;
  const char *data = g_bytes_get_data (message, &length);
  JsonObject *object = parse_object (data, length);

  /* The server keeps to the frame limit too. */
  g_assert_cmpuint (length, <=, 65536);
  g_assert_nonnull (object);
  g_queue_push_tail (&self->frames, object);
}

static void
client_closed_cb (SoupWebsocketConnection *conn, gpointer user_data)
{
  TestClient *self = user_data;

  self->closed = TRUE;
  self->close_code = soup_websocket_connection_get_close_code (conn);
}

typedef struct
{
  gboolean                 done;
  SoupWebsocketConnection *conn;
  GError                  *error;
} ConnectData;

static void
connect_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  ConnectData *data = user_data;

  data->conn = soup_session_websocket_connect_finish (SOUP_SESSION (source), result, &data->error);
  data->done = TRUE;
}

TestClient *
test_client_try_connect (TestServer *server, const char *token, const char *protocol,
                         guint *out_status, JsonObject **out_body)
{
  g_autoptr (SoupMessage) msg = soup_message_new ("GET", server->ws_url);
  char       *protocols[] = { (char *)protocol, NULL };
  ConnectData data = { 0 };
  TestClient *self;
  gint64      deadline = g_get_monotonic_time () + WAIT_MS * 1000;
  g_autoptr (SoupSession) session = soup_session_new ();

  g_signal_connect (msg, "accept-certificate", G_CALLBACK (accept_certificate_cb), NULL);
  if (token != NULL)
    {
      g_autofree char *value = g_strconcat ("Bearer ", token, NULL);

      soup_message_headers_append (soup_message_get_request_headers (msg), "Authorization", value);
    }
  soup_session_websocket_connect_async (session, msg, NULL, protocol ? protocols : NULL,
                                        G_PRIORITY_DEFAULT, NULL, connect_cb, &data);
  while (!data.done && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  g_assert_true (data.done);

  if (out_status != NULL)
    *out_status = soup_message_get_status (msg);
  if (data.conn == NULL)
    {
      g_clear_error (&data.error);
      if (out_body != NULL)
        {
          /* libsoup does not keep the refused handshake's body: ask again over plain HTTP. */
          *out_body = NULL;
        }
      return NULL;
    }

  self = g_new0 (TestClient, 1);
  self->session = g_steal_pointer (&session);
  self->conn = data.conn;
  g_queue_init (&self->frames);
  g_signal_connect (self->conn, "message", G_CALLBACK (client_message_cb), self);
  g_signal_connect (self->conn, "closed", G_CALLBACK (client_closed_cb), self);
  return self;
}

TestClient *
test_client_new (TestServer *server, const char *user)
{
  g_autofree char *token = test_server_token (server, user, 3600);
  TestClient      *self = test_client_try_connect (server, token, "transfer.v1", NULL, NULL);
  g_autoptr (JsonObject) welcome = NULL;

  g_assert_nonnull (self);
  self->user = g_strdup (user);
  welcome = test_client_wait (self, "welcome", NULL);
  g_assert_cmpint (json_object_get_int_member (welcome, "protocol"), ==, 1);
  g_assert_cmpstr (
      json_object_get_string_member (json_object_get_object_member (welcome, "user"), "id"), ==,
      user);
  return self;
}

void
test_client_free (TestClient *self)
{
  if (self == NULL)
    return;
  g_signal_handlers_disconnect_by_data (self->conn, self);
  if (soup_websocket_connection_get_state (self->conn) == SOUP_WEBSOCKET_STATE_OPEN)
    soup_websocket_connection_close (self->conn, SOUP_WEBSOCKET_CLOSE_NORMAL, NULL);
  g_clear_object (&self->conn);
  g_clear_object (&self->session);
  g_queue_clear_full (&self->frames, (GDestroyNotify)json_object_unref);
  g_free (self->user);
  g_free (self->call_id);
  g_free (self);
}

void
test_client_send_raw (TestClient *self, const char *text)
{
  soup_websocket_connection_send_text (self->conn, text);
}

static JsonObject *
take_matching (TestClient *self, const char *type, const char *call, const char *id)
{
  for (GList *l = self->frames.head; l != NULL; l = l->next)
    {
      JsonObject *frame = l->data;
      const char *frame_type = json_object_get_string_member_with_default (frame, "type", "");

      if (g_strcmp0 (frame_type, type) != 0)
        continue;
      if (id != NULL
          && g_strcmp0 (json_object_get_string_member_with_default (frame, "id", NULL), id) != 0)
        continue;
      if (call != NULL)
        {
          JsonNode   *node = json_object_get_member (frame, "call");
          const char *frame_call = NULL;

          if (node != NULL && JSON_NODE_HOLDS_VALUE (node))
            frame_call = json_node_get_string (node);
          else if (node != NULL && JSON_NODE_HOLDS_OBJECT (node))
            frame_call = json_object_get_string_member (json_node_get_object (node), "id");
          if (g_strcmp0 (frame_call, call) != 0)
            continue;
        }
      g_queue_delete_link (&self->frames, l);
      return frame;
    }
  return NULL;
}

static JsonObject *
wait_matching (TestClient *self, const char *type, const char *call, const char *id)
{
  gint64      deadline = g_get_monotonic_time () + (gint64)wait_ms * 1000;
  JsonObject *frame;

  while ((frame = take_matching (self, type, call, id)) == NULL)
    {
      if (g_get_monotonic_time () > deadline)
        g_error ("%s: no “%s” frame (call %s, id %s) arrived", self->user, type, call ? call : "-",
                 id ? id : "-");
      if (self->closed)
        g_error ("%s: closed (%u) while waiting for “%s”", self->user, self->close_code, type);
      g_main_context_iteration (NULL, FALSE) || (g_usleep (500), TRUE);
    }
  return frame;
}

JsonObject *
test_client_wait (TestClient *self, const char *type, const char *call)
{
  return wait_matching (self, type, call, NULL);
}

JsonObject *
test_client_wait_reply (TestClient *self, const char *id)
{
  return wait_matching (self, "reply", NULL, id);
}

void
test_client_assert_none (TestClient *self, const char *type, guint ms)
{
  JsonObject *frame;

  test_spin (ms);
  frame = take_matching (self, type, NULL, NULL);
  if (frame != NULL)
    g_error ("%s: unexpected “%s” frame", self->user, type);
}

void
test_client_wait_closed (TestClient *self, guint timeout_ms)
{
  gint64 deadline = g_get_monotonic_time () + (gint64)timeout_ms * 1000;

  while (!self->closed && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, FALSE) || (g_usleep (500), TRUE);
  g_assert_true (self->closed);
}

static JsonObject *
request_va (TestClient *self, const char *type, const char *fields_format, va_list ap)
{
  g_autofree char *fields = fields_format ? g_strdup_vprintf (fields_format, ap) : NULL;
  g_autofree char *id = g_strdup_printf ("r%u", ++self->next_id);
  g_autofree char *text = NULL;

  if (fields != NULL && *fields != '\0')
    text = g_strdup_printf ("{\"type\": \"%s\", \"id\": \"%s\", %s}", type, id, fields);
  else
    text = g_strdup_printf ("{\"type\": \"%s\", \"id\": \"%s\"}", type, id);
  test_client_send_raw (self, text);
  return test_client_wait_reply (self, id);
}

JsonObject *
test_client_request (TestClient *self, const char *type, const char *fields_json, ...)
{
  va_list     ap;
  JsonObject *reply;

  va_start (ap, fields_json);
  reply = request_va (self, type, fields_json, ap);
  va_end (ap);
  return reply;
}

JsonObject *
test_client_ok (TestClient *self, const char *type, const char *fields_json, ...)
{
  va_list ap;
  g_autoptr (JsonObject) reply = NULL;

  va_start (ap, fields_json);
  reply = request_va (self, type, fields_json, ap);
  va_end (ap);
  if (!json_object_get_boolean_member (reply, "ok"))
    {
      JsonObject *error = json_object_get_object_member (reply, "error");

      g_error ("%s: %s failed: %" G_GINT64_FORMAT "/%" G_GINT64_FORMAT " %s", self->user, type,
               json_object_get_int_member (error, "code"),
               json_object_get_int_member (error, "subcode"),
               json_object_get_string_member (error, "message"));
    }
  return json_object_ref (json_object_get_object_member (reply, "result"));
}

void
test_assert_error (JsonObject *error, guint code, guint subcode)
{
  g_assert_nonnull (error);
  g_assert_cmpint (json_object_get_int_member (error, "code"), ==, code);
  g_assert_cmpint (json_object_get_int_member (error, "subcode"), ==, subcode);
  g_assert_nonnull (json_object_get_string_member (error, "reason"));
}

void
test_client_error (TestClient *self, guint code, guint subcode, const char *type,
                   const char *fields_json, ...)
{
  va_list ap;
  g_autoptr (JsonObject) reply = NULL;

  va_start (ap, fields_json);
  reply = request_va (self, type, fields_json, ap);
  va_end (ap);
  g_assert_false (json_object_get_boolean_member (reply, "ok"));
  test_assert_error (json_object_get_object_member (reply, "error"), code, subcode);
}

char *
test_connect_call (TestClient *caller, TestClient *callee)
{
  g_autoptr (JsonObject) result = NULL;
  g_autoptr (JsonObject) incoming = NULL;
  g_autoptr (JsonObject) accepted = NULL;
  g_autoptr (JsonObject) accept = NULL;
  g_autoptr (JsonObject) ringing = NULL;
  char *call_id;

  result = test_client_ok (caller, "call.start", "\"to\": \"%s\"", callee->user);
  call_id = g_strdup (
      json_object_get_string_member (json_object_get_object_member (result, "call"), "id"));
  incoming = test_client_wait (callee, "call.incoming", call_id);
  ringing = test_client_wait (caller, "call.ringing", call_id);
  accept = test_client_ok (callee, "call.accept", "\"call\": \"%s\"", call_id);
  accepted = test_client_wait (caller, "call.accepted", call_id);
  return call_id;
}

void
server_fixture_setup (ServerFixture *f, gconstpointer data)
{
  f->server = test_server_new ();
  test_server_add_user (f->server, "alice", "Alice");
  test_server_add_user (f->server, "bob", "Bob");
  test_server_add_user (f->server, "carol", "Carol");
  test_server_add_user (f->server, "dave", "Dave");
  f->alice = test_client_new (f->server, "alice");
  f->bob = test_client_new (f->server, "bob");
  f->carol = test_client_new (f->server, "carol");
}

void
server_fixture_teardown (ServerFixture *f, gconstpointer data)
{
  g_clear_pointer (&f->alice, test_client_free);
  g_clear_pointer (&f->bob, test_client_free);
  g_clear_pointer (&f->carol, test_client_free);
  g_clear_pointer (&f->server, test_server_free);
}
