/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib-object.h>
#include <libsoup/soup.h>

#include "tr-server-types.h"
#include "tr-service-line.h"
#include "tr-message.h"
#include "tr-status.h"
#include "tr-store.h"
#include "tr-token.h"

G_BEGIN_DECLS

#define TR_TYPE_SIGNALING (tr_signaling_get_type ())
G_DECLARE_FINAL_TYPE (TrSignaling, tr_signaling, TR, SIGNALING, GObject)

TrSignaling *tr_signaling_new (TrStore *store, GBytes *secret) G_GNUC_WARN_UNUSED_RESULT;
/* A #TrVoicemailLine added here becomes the voicemail of every user. */
void         tr_signaling_add_line (TrSignaling *self, TrServiceLine *line);
/* `welcome.ice_servers`: [{"urls": [..], "username"?, "credential"?}] */
void tr_signaling_set_ice_servers (TrSignaling *self, JsonArray *ice_servers);
/* An event to every session of @user. */
void tr_signaling_send_to_user (TrSignaling *self, const char *user, TrMessage *message);

/*
 * Full token check: signature, expiry, the user exists, the jti is not revoked.
 * Errors: TR_ERROR 401/x.
 */
TrTokenClaims *tr_signaling_check_token (TrSignaling *self, const char *token,
                                         GError **error) G_GNUC_WARN_UNUSED_RESULT;

/* Takes over an upgraded, already authenticated connection. */
void tr_signaling_accept (TrSignaling *self, SoupWebsocketConnection *conn,
                          const TrTokenClaims *claims);

/* Closes the sessions of @user (removed) or of token @jti (revoked) with 4001. */
void tr_signaling_close_user (TrSignaling *self, const char *user);
void tr_signaling_close_token (TrSignaling *self, const char *jti);

gboolean tr_signaling_is_online (TrSignaling *self, const char *user);
guint    tr_signaling_get_n_sessions (TrSignaling *self);

/* Closes every session (1001 going away) and ends every call. */
void tr_signaling_shutdown (TrSignaling *self);

/* For service lines: act on a call that rings at @line. */
void tr_signaling_line_reject (TrSignaling *self, TrServiceLine *line, const char *call_id,
                               TrStatus status);
void tr_signaling_line_accept (TrSignaling *self, TrServiceLine *line, const char *call_id);
void tr_signaling_line_hang_up (TrSignaling *self, TrServiceLine *line, const char *call_id);
/* A `call.signal` payload from the line to the caller (media lines). */
void tr_signaling_line_signal (TrSignaling *self, TrServiceLine *line, const char *call_id,
                               JsonObject *payload);
/* The caller / callee (for a mailbox: its owner) of a call of @line; NULL when it is not. */
const char *tr_signaling_line_get_caller (TrSignaling *self, TrServiceLine *line,
                                          const char *call_id);
const char *tr_signaling_line_get_callee (TrSignaling *self, TrServiceLine *line,
                                          const char *call_id);

G_END_DECLS
