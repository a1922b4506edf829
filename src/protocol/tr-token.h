/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

#include "tr-status.h"

G_BEGIN_DECLS

/**
 * TrTokenClaims:
 * @sub: user id
 * @scopes: NULL-terminated scope names ("call")
 * @iat: issued at, seconds since the epoch (UTC)
 * @exp: expiry, seconds since the epoch (UTC)
 * @jti: random token id (revocation)
 *
 * The payload of a user token (docs/protocol.md, "Authentication").
 */
typedef struct
{
  char    *sub;
  char   **scopes;
  gint64   iat;
  gint64   exp;
  char    *jti;
} TrTokenClaims;

void           tr_token_claims_free (TrTokenClaims *claims);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (TrTokenClaims, tr_token_claims_free)

gboolean       tr_token_claims_has_scope (const TrTokenClaims *claims, const char *scope);

/* Signs @claims with HMAC-SHA256 over header.payload using @secret. */
char          *tr_token_encode (const TrTokenClaims *claims,
                                const guint8        *secret,
                                gsize                secret_length) G_GNUC_WARN_UNUSED_RESULT;

/*
 * Checks format, signature (constant-time comparison) and expiry against @now (seconds).
 * Errors: TR_ERROR TOKEN_INVALID (format, signature) or TOKEN_EXPIRED. Does not check
 * revocation or that the user exists: that is the server's store.
 */
TrTokenClaims *tr_token_verify (const char   *token,
                                const guint8 *secret,
                                gsize         secret_length,
                                gint64        now,
                                GError      **error) G_GNUC_WARN_UNUSED_RESULT;

/* Reads the claims without checking the signature: for clients, which only need the expiry. */
TrTokenClaims *tr_token_decode_unverified (const char *token, GError **error) G_GNUC_WARN_UNUSED_RESULT;

G_END_DECLS
