/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "tr-server-types.h"
#include "tr-signaling.h"
#include "tr-store.h"

G_BEGIN_DECLS

#define TR_SERVER_DEFAULT_LISTEN "127.0.0.1:7443"

#define TR_TYPE_SERVER (tr_server_get_type ())
G_DECLARE_FINAL_TYPE (TrServer, tr_server, TR, SERVER, GObject)

/* Opens (creating when needed) the data directory: database, secret, admin key; creates the
 * service lines. */
TrServer *tr_server_new (const char *data_dir, GError **error) G_GNUC_WARN_UNUSED_RESULT;
gboolean  tr_server_set_tls_files (TrServer *self, const char *cert_file, const char *key_file,
                                   GError **error);
/*
 * @address: "HOST:PORT" ("[::1]:PORT" for IPv6; port 0 picks a free one). Plain HTTP on a
 * non-loopback address needs @allow_insecure.
 */
gboolean tr_server_listen (TrServer *self, const char *address, gboolean allow_insecure,
                           GError **error);
/* "http://127.0.0.1:PORT" once listening. */
char        *tr_server_dup_uri (TrServer *self) G_GNUC_WARN_UNUSED_RESULT;
TrSignaling *tr_server_get_signaling (TrServer *self);
TrStore     *tr_server_get_store (TrServer *self);
/* Stops listening, closes the sessions (waits up to @timeout_ms for their close handshakes),
 * flushes the records and closes the database. */
void tr_server_shutdown (TrServer *self, guint timeout_ms);

G_END_DECLS
