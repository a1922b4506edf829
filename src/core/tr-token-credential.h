/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "tr-types.h"

G_BEGIN_DECLS

/**
 * TrTokenRefresher:
 * @credential: the credential that wants a new token
 * @cancellable: (nullable): cancelled when the credential is disposed
 * @task: (transfer full): complete it with g_task_return_pointer (task, g_strdup (token),
 *   g_free) or g_task_return_error(), then g_object_unref() it
 * @user_data: the data given to tr_token_credential_set_refresher()
 *
 * Fetches a new token of the same user, asynchronously (e.g. from the app's backend).
 */
typedef void (*TrTokenRefresher) (TrTokenCredential *credential,
                                  GCancellable      *cancellable,
                                  GTask             *task,
                                  gpointer           user_data);

#define TR_TYPE_TOKEN_CREDENTIAL (tr_token_credential_get_type ())
G_DECLARE_FINAL_TYPE (TrTokenCredential, tr_token_credential, TR, TOKEN_CREDENTIAL, GObject)

/*
 * Reads the token's claims without verifying them (tr_token_decode_unverified()).
 * Errors: TR_ERROR TOKEN_INVALID when @token is not a token.
 */
TrTokenCredential *tr_token_credential_new (const char *token, GError **error) G_GNUC_WARN_UNUSED_RESULT;

/* Properties: "token" (string), "subject" (string), "expires-at" (gint64, s since the epoch),
 * "refresh-proactively" (boolean, default TRUE; only acts with a refresher). All notify. */
const char *tr_token_credential_get_token      (TrTokenCredential *self);
const char *tr_token_credential_get_subject    (TrTokenCredential *self);
gint64      tr_token_credential_get_expires_at (TrTokenCredential *self);
gboolean    tr_token_credential_get_refresh_proactively (TrTokenCredential *self);
void        tr_token_credential_set_refresh_proactively (TrTokenCredential *self,
                                                         gboolean           refresh_proactively);

/* Replaces the token (same user). Errors: TR_ERROR TOKEN_INVALID (not a token, or another
 * subject). Notifies "token"; a connected agent sends `session.refresh` with it. */
gboolean    tr_token_credential_update_token   (TrTokenCredential *self,
                                                const char        *token,
                                                GError           **error);

void        tr_token_credential_set_refresher  (TrTokenCredential *self,
                                                TrTokenRefresher   refresher,
                                                gpointer           user_data,
                                                GDestroyNotify     destroy);
gboolean    tr_token_credential_has_refresher  (TrTokenCredential *self);

/* Asks the refresher for a new token now and installs it. Errors: G_IO_ERROR_NOT_SUPPORTED
 * without a refresher, else the refresher's error or TR_ERROR TOKEN_INVALID. */
void        tr_token_credential_refresh_async  (TrTokenCredential  *self,
                                                GCancellable       *cancellable,
                                                GAsyncReadyCallback callback,
                                                gpointer            user_data);
gboolean    tr_token_credential_refresh_finish (TrTokenCredential *self,
                                                GAsyncResult      *result,
                                                GError           **error);

/*
 * The proactive refresh schedule, a pure function (seconds): how long from @now until the
 * refresh of a token that expires at @expires_at should start:
 *   MAX (remaining - 10 min, remaining / 2), and 0 when the token has expired.
 * So a long-lived token is refreshed 10 minutes before it expires, a short one at half its
 * remaining life (never "immediately" just because it is short).
 */
#define TR_TOKEN_REFRESH_BEFORE_EXPIRY (10 * 60)
gint64      tr_token_credential_compute_refresh_delay (gint64 now, gint64 expires_at);

G_END_DECLS
