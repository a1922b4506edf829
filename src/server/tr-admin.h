/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

#include "tr-store.h"

G_BEGIN_DECLS

#define TR_ADMIN_DEFAULT_TTL 86400
#define TR_ADMIN_MAX_TTL 31536000

/*
 * Identity and token administration shared by the REST endpoints and the admin subcommands.
 * Errors are TR_ERROR values (400/4 invalid, 404/1 unknown user) or G_IO_ERROR_EXISTS.
 */
gboolean tr_admin_add_user (TrStore *store, const char *id, const char *display_name,
                            GError **error);
gboolean tr_admin_remove_user (TrStore *store, const char *id, GError **error);
/* @scopes: (nullable): NULL means {"call"}. Returns the token; never logs it. */
char    *tr_admin_issue_token (TrStore *store, GBytes *secret, const char *user, gint64 ttl,
                               const char *const *scopes, char **out_jti, gint64 *out_expires_at,
                               GError **error) G_GNUC_WARN_UNUSED_RESULT;
gboolean tr_admin_revoke_token (TrStore *store, const char *jti, GError **error);

/*
 * The admin subcommands: `user add ID NAME`, `user list`, `user remove ID`,
 * `token issue ID [--ttl S] [--scope call]`, `token revoke JTI`. @args are the words after the
 * options. Returns the exit status.
 */
int tr_admin_run (const char *data_dir, char **args, gint64 ttl, const char *const *scopes);

G_END_DECLS
