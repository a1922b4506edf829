/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "TrSignaling"

#include "config.h"

#include "tr-server-types.h"

#include "tr-protocol.h"
#include "tr-secrets.h"
#include "tr-session.h"

TrSession *
tr_session_new (TrSignaling *signaling, SoupWebsocketConnection *conn, const TrTokenClaims *claims)
{
  TrSession *self = g_new0 (TrSession, 1);

  self->signaling = signaling;
  self->conn = g_object_ref (conn);
  self->id = tr_secrets_random_id ("s-", 8);
  self->user = g_strdup (claims->sub);
  self->jti = g_strdup (claims->jti);
  self->token_expires_at = claims->exp;
  self->bucket = TR_PROTOCOL_BURST;
  self->bucket_time = g_get_monotonic_time ();
  return self;
}

void
tr_session_free (TrSession *self)
{
  if (self == NULL)
    return;

  if (self->conn != NULL)
    {
      g_clear_signal_handler (&self->message_handler, self->conn);
      g_clear_signal_handler (&self->closed_handler, self->conn);
      if (soup_websocket_connection_get_state (self->conn) == SOUP_WEBSOCKET_STATE_OPEN)
        soup_websocket_connection_close (self->conn, SOUP_WEBSOCKET_CLOSE_GOING_AWAY, NULL);
      g_clear_object (&self->conn);
    }
  g_clear_pointer (&self->calls, g_ptr_array_unref);
  g_clear_pointer (&self->subscriptions, g_ptr_array_unref);
  g_free (self->id);
  g_free (self->user);
  g_free (self->jti);
  g_free (self);
}

gboolean
tr_session_take_token (TrSession *self)
{
  gint64 now = g_get_monotonic_time ();

  self->bucket += (double)(now - self->bucket_time) * TR_PROTOCOL_RATE / G_USEC_PER_SEC;
  self->bucket_time = now;
  if (self->bucket > TR_PROTOCOL_BURST)
    self->bucket = TR_PROTOCOL_BURST;
  if (self->bucket < 1.0)
    return FALSE;
  self->bucket -= 1.0;
  return TRUE;
}

void
tr_session_send_text (TrSession *self, const char *text)
{
  if (self->closing || self->conn == NULL
      || soup_websocket_connection_get_state (self->conn) != SOUP_WEBSOCKET_STATE_OPEN)
    return;
  soup_websocket_connection_send_text (self->conn, text);
}

void
tr_session_send (TrSession *self, TrMessage *message)
{
  g_autofree char *text = tr_message_to_string (message, NULL);

  tr_session_send_text (self, text);
}

void
tr_session_reply (TrSession *self, const char *request_id, JsonObject *result)
{
  g_autoptr (TrMessage) reply = tr_message_new_reply (request_id, result);

  tr_session_send (self, reply);
}

void
tr_session_reply_error (TrSession *self, const char *request_id, TrStatus status,
                        const char *message)
{
  g_autoptr (GError) error
      = g_error_new_literal (TR_ERROR, status, message ? message : tr_status_get_message (status));

  tr_session_reply_gerror (self, request_id, error);
}

void
tr_session_reply_gerror (TrSession *self, const char *request_id, const GError *error)
{
  g_autoptr (TrMessage) reply = tr_message_new_error_reply (request_id, error);

  tr_session_send (self, reply);
}

void
tr_session_close (TrSession *self, gushort code, const char *reason)
{
  if (self->closing)
    return;
  self->closing = TRUE;
  TR_DEBUG ("Closing session %s of %s: %u %s", self->id, self->user, code, reason ? reason : "");
  if (self->conn != NULL
      && soup_websocket_connection_get_state (self->conn) == SOUP_WEBSOCKET_STATE_OPEN)
    soup_websocket_connection_close (self->conn, code, reason);
}
