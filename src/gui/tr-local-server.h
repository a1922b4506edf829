/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define TR_TYPE_LOCAL_SERVER (tr_local_server_get_type ())
G_DECLARE_FINAL_TYPE (TrLocalServer, tr_local_server, TR, LOCAL_SERVER, GObject)

/*
 * The embedded server: a `transfer-server` child process on 127.0.0.1 (any free port) with its
 * data in $XDG_DATA_HOME/transfer/server. On first start it creates the local user (from the
 * login and real name); every start issues a fresh token for it. Stopped (SIGTERM to its PID)
 * by tr_local_server_stop() or when the object is finalized.
 *
 * The binary: $TRANSFER_SERVER_BINARY, else `transfer-server` of the build tree next to this
 * program (<build>/src/server/), else BINDIR, else $PATH.
 */
TrLocalServer *tr_local_server_new (const char *data_dir) G_GNUC_WARN_UNUSED_RESULT;
char          *tr_local_server_find_binary (void) G_GNUC_WARN_UNUSED_RESULT;

void     tr_local_server_start_async (TrLocalServer *self, GCancellable *cancellable,
                                      GAsyncReadyCallback callback, gpointer user_data);
gboolean tr_local_server_start_finish (TrLocalServer *self, GAsyncResult *result, GError **error);

/* Valid after a successful start. */
const char *tr_local_server_get_url (TrLocalServer *self);
const char *tr_local_server_get_user_id (TrLocalServer *self);
const char *tr_local_server_get_token (TrLocalServer *self);

/* `transfer-server token issue` for the local user: (transfer full) the token. */
void  tr_local_server_issue_token_async (TrLocalServer *self, GCancellable *cancellable,
                                         GAsyncReadyCallback callback, gpointer user_data);
char *tr_local_server_issue_token_finish (TrLocalServer *self, GAsyncResult *result,
                                          GError **error) G_GNUC_WARN_UNUSED_RESULT;

void tr_local_server_stop (TrLocalServer *self);

G_END_DECLS
