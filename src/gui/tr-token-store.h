/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/*
 * Tokens for other servers, in the user's keyring (libsecret, schema
 * "com.example.Transfer.Token", attributes "server" and "account").
 *
 * tr_token_store_is_available() asks the session bus whether a Secret Service runs or can be
 * activated, without activating it: where there is none (tests, minimal sessions) the app does
 * not remember tokens and says so, and libsecret never tries to start a keyring daemon.
 */
gboolean tr_token_store_is_available (void);

void     tr_token_store_save_async (const char *server_url, const char *account, const char *token,
                                    GCancellable *cancellable, GAsyncReadyCallback callback,
                                    gpointer user_data);
gboolean tr_token_store_save_finish (GAsyncResult *result, GError **error);

/* (transfer full) (nullable): NULL when there is none. */
void  tr_token_store_lookup_async (const char *server_url, const char *account,
                                   GCancellable *cancellable, GAsyncReadyCallback callback,
                                   gpointer user_data);
char *tr_token_store_lookup_finish (GAsyncResult *result, GError **error) G_GNUC_WARN_UNUSED_RESULT;

void tr_token_store_clear_async (const char *server_url, const char *account,
                                 GCancellable *cancellable, GAsyncReadyCallback callback,
                                 gpointer user_data);

G_END_DECLS
