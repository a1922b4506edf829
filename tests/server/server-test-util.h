/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <json-glib/json-glib.h>
#include <libsoup/soup.h>

G_BEGIN_DECLS

/* The real transfer-server binary as a child process on 127.0.0.1:0. */
typedef struct
{
  GSubprocess *process;
  char        *binary;
  char        *data_dir;
  char        *url;    /* http://127.0.0.1:PORT */
  char        *ws_url; /* ws://127.0.0.1:PORT/v1/signaling */
  char        *admin_key;
  guint16      port;
  GStrv        extra_args;
  gboolean     tls;
} TestServer;

TestServer *test_server_new (void);
/* With more command line options (e.g. --tls-cert F --tls-key F). */
TestServer *test_server_new_with_args (const char *const *args);
void        test_server_start (TestServer *self);
/* SIGTERM, waits, asserts a clean exit. */
void test_server_stop (TestServer *self);
void test_server_free (TestServer *self);
/* Runs an admin subcommand; returns its stdout (stripped) and sets @out_status. */
char *test_server_admin (TestServer *self, int *out_status, ...) G_GNUC_NULL_TERMINATED;
void  test_server_add_user (TestServer *self, const char *id, const char *name);
char *test_server_token (TestServer *self, const char *id, int ttl);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (TestServer, test_server_free)

/* REST: returns the HTTP status; *out_body gets the parsed JSON object (or NULL). */
guint test_http (TestServer *server, const char *method, const char *path, const char *bearer,
                 const char *body, JsonObject **out_body);

/* A WebSocket handshake by hand, to see a refusal's status and JSON body. */
guint test_handshake (TestServer *server, const char *token, const char *protocol,
                      JsonObject **out_body);

/* A raw signaling client. */
typedef struct
{
  SoupSession             *session;
  SoupWebsocketConnection *conn;
  GQueue                   frames; /* JsonObject, received, not yet consumed */
  gboolean                 closed;
  gushort                  close_code;
  char                    *user;
  char                    *call_id; /* scratch for tests */
  guint                    next_id;
} TestClient;

/* Connects; on an HTTP refusal returns NULL with *out_status and *out_body set. */
TestClient *test_client_try_connect (TestServer *server, const char *token, const char *protocol,
                                     guint *out_status, JsonObject **out_body);
/* Connects as @user with a fresh token and consumes the welcome. */
TestClient *test_client_new (TestServer *server, const char *user);
void        test_client_free (TestClient *self);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (TestClient, test_client_free)

void test_client_send_raw (TestClient *self, const char *text);
/* Sends {"type": @type, "id": auto, ...@fields_json} and waits for the reply (ok or not). */
JsonObject *test_client_request (TestClient *self, const char *type, const char *fields_json, ...)
    G_GNUC_PRINTF (3, 4);
/* Same, and asserts an ok reply; returns its result. */
JsonObject *test_client_ok (TestClient *self, const char *type, const char *fields_json, ...)
    G_GNUC_PRINTF (3, 4);
/* Asserts an error reply with @code/@subcode. */
void test_client_error (TestClient *self, guint code, guint subcode, const char *type,
                        const char *fields_json, ...) G_GNUC_PRINTF (5, 6);
/* Waits for the first frame of @type (and @call when not NULL); removes and returns it. */
JsonObject *test_client_wait (TestClient *self, const char *type, const char *call);
/* Waits for a reply with the given id. */
JsonObject *test_client_wait_reply (TestClient *self, const char *id);
/* No frame of @type arrives within @ms. */
void test_client_assert_none (TestClient *self, const char *type, guint ms);
void test_client_wait_closed (TestClient *self, guint timeout_ms);

void test_assert_error (JsonObject *error, guint code, guint subcode);
void test_spin (guint ms);
/* How long test_client_wait*() wait; 0 restores the default (5 s). */
void test_set_wait_ms (guint ms);

/* Common flows. */
/* @caller calls @callee and @callee accepts; returns the call id. */
char *test_connect_call (TestClient *caller, TestClient *callee);

/* A server with users alice, bob, carol and dave, and clients signed in as the first three. */
typedef struct
{
  TestServer *server;
  TestClient *alice;
  TestClient *bob;
  TestClient *carol;
} ServerFixture;

void server_fixture_setup    (ServerFixture *f, gconstpointer data);
void server_fixture_teardown (ServerFixture *f, gconstpointer data);

G_END_DECLS
