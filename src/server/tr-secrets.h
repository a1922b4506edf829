/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define TR_SECRET_LENGTH 32

/* Fills @buffer from the kernel's random source (/dev/urandom). */
gboolean tr_secrets_random (guint8 *buffer, gsize length, GError **error);
/* @n_bytes random bytes as lower-case hex, "@prefix" first; aborts if no randomness. */
char *tr_secrets_random_id (const char *prefix, gsize n_bytes) G_GNUC_WARN_UNUSED_RESULT;

/* <data-dir>/secret: TR_SECRET_LENGTH raw bytes, created 0600 when missing. */
GBytes *tr_secrets_load_secret (const char *data_dir, GError **error) G_GNUC_WARN_UNUSED_RESULT;
/* <data-dir>/admin.key: 64 hex characters, created 0600 when missing. */
char *tr_secrets_load_admin_key (const char *data_dir, GError **error) G_GNUC_WARN_UNUSED_RESULT;

/* Creates @data_dir (0700) when missing. */
gboolean tr_secrets_ensure_data_dir (const char *data_dir, GError **error);

/* Constant-time comparison of two strings; NULL never matches. */
gboolean tr_secrets_equal (const char *a, const char *b);

G_END_DECLS
