/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <libsoup/soup.h>

#include "tr-message.h"
#include "tr-server-types.h"
#include "tr-status.h"
#include "tr-token.h"

G_BEGIN_DECLS

/**
 * TrSession:
 *
 * One signaling WebSocket of a signed-in user. A plain struct owned by #TrSignaling (there may
 * be thousands; it stays small): the connection, the token's expiry, the rate limiter and the
 * counters of bad input.
 */
struct _TrSession
{
  TrSignaling             *signaling; /* unowned: owns the session */
  SoupWebsocketConnection *conn;
  char                    *id;
  char                    *user;
  char                    *jti;
  gint64                   token_expires_at; /* s */
  double                   bucket;
  gint64                   bucket_time; /* µs, monotonic */
  guint                    n_rejected;
  guint                    n_malformed;
  GPtrArray               *calls; /* (nullable) calls bound to this session */
  GPtrArray *subscriptions; /* (nullable) user ids watched, keys borrowed from the watchers table */
  gulong     message_handler;
  gulong     closed_handler;
  gboolean   closing;
};

TrSession *tr_session_new (TrSignaling *signaling, SoupWebsocketConnection *conn,
                           const TrTokenClaims *claims) G_GNUC_WARN_UNUSED_RESULT;
void       tr_session_free (TrSession *self);

/* Takes one frame's worth from the token bucket; FALSE when empty. */
gboolean tr_session_take_token (TrSession *self);

void tr_session_send_text (TrSession *self, const char *text);
void tr_session_send (TrSession *self, TrMessage *message);
/* @result: (transfer full) (nullable) */
void tr_session_reply (TrSession *self, const char *request_id, JsonObject *result);
void tr_session_reply_error (TrSession *self, const char *request_id, TrStatus status,
                             const char *message);
void tr_session_reply_gerror (TrSession *self, const char *request_id, const GError *error);
void tr_session_close (TrSession *self, gushort code, const char *reason);

G_END_DECLS
