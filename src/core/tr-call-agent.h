/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "tr-types.h"
#include "tr-call-agent-options.h"
#include "tr-call-settings.h"

G_BEGIN_DECLS

#define TR_TYPE_CALL_AGENT (tr_call_agent_get_type ())
G_DECLARE_FINAL_TYPE (TrCallAgent, tr_call_agent, TR, CALL_AGENT, GObject)

/**
 * TrCallAgent:
 *
 * One signed-in identity on one server: a WebSocket to `/v1/signaling` (subprotocol
 * `transfer.v1`, token in the `Authorization: Bearer` header of the handshake).
 * Made by tr_call_client_create_agent_async().
 *
 * Properties (all notify): "connection-state" (#TrConnectionState), "disconnect-reason"
 * (#TrDisconnectReason), "reconnect-attempt" (guint, 0 while connected; the number of the
 * attempt running or scheduled), "identifier" (#TrIdentifier, the signed-in user),
 * "display-name", "server-uri", "credential" (#TrTokenCredential), "calls" (GListModel of
 * #TrCall), "incoming-calls" (GListModel of #TrIncomingCall still ringing).
 *
 * Signals:
 * - "connection-state-changed" (TrConnectionState new, TrConnectionState old,
 *   TrDisconnectReason reason), after the properties were updated.
 * - "incoming-call" (TrIncomingCall *incoming_call).
 *
 * Connection-state semantics: see docs/architecture.md. Losing the connection ends every call
 * locally (480/2) and fails pending requests (G_IO_ERROR_CONNECTION_CLOSED).
 */

TrConnectionState  tr_call_agent_get_connection_state  (TrCallAgent *self);
TrDisconnectReason tr_call_agent_get_disconnect_reason (TrCallAgent *self);
guint              tr_call_agent_get_reconnect_attempt (TrCallAgent *self);
/* The token's subject at first, then the user the server's welcome names. */
TrIdentifier      *tr_call_agent_get_identifier        (TrCallAgent *self);
const char        *tr_call_agent_get_display_name      (TrCallAgent *self);
const char        *tr_call_agent_get_server_uri        (TrCallAgent *self);
TrTokenCredential *tr_call_agent_get_credential        (TrCallAgent *self);
/* (transfer none) GListModel of #TrCall */
GListModel        *tr_call_agent_get_calls             (TrCallAgent *self);
/* (transfer none) GListModel of #TrIncomingCall */
GListModel        *tr_call_agent_get_incoming_calls    (TrCallAgent *self);
/* (transfer none) the user's mailbox: a GListModel of #TrVoicemail (tr-voicemail-box.h) */
TrVoicemailBox    *tr_call_agent_get_voicemail_box     (TrCallAgent *self);
/* (nullable) (transfer none) a call of "calls" by server id */
TrCall            *tr_call_agent_find_call             (TrCallAgent *self, const char *call_id);

/* "Retry now": cancels a scheduled reconnect and tries at once (state CONNECTING, attempt
 * count restarted). Works from DISCONNECTED with any reason; does nothing while CONNECTED. */
void               tr_call_agent_reconnect_now         (TrCallAgent *self);
/* Closes the connection on purpose: DISCONNECTED (NONE), calls end, no reconnect until
 * tr_call_agent_reconnect_now(). */
void               tr_call_agent_disconnect            (TrCallAgent *self);

/**
 * tr_call_agent_start_call_async:
 * @to: whom to call (a USER identifier; UNKNOWN fails with TR_ERROR INVALID_FIELD)
 * @video: ask for video
 *
 * Places a call. The #TrCall appears in "calls" at once (CONNECTING); the task completes when
 * the server accepted the request (call RINGING), giving the call (transfer full). On an error
 * reply the call goes DISCONNECTED with that end reason and leaves "calls". Errors: TR_ERROR
 * (OFFLINE, UNKNOWN_IDENTITY, BUSY, …), G_IO_ERROR_* as for tr_call_hold_async().
 */
void               tr_call_agent_start_call_async      (TrCallAgent        *self,
                                                        TrIdentifier       *to,
                                                        gboolean            video,
                                                        GCancellable       *cancellable,
                                                        GAsyncReadyCallback callback,
                                                        gpointer            user_data);
TrCall            *tr_call_agent_start_call_finish     (TrCallAgent  *self,
                                                        GAsyncResult *result,
                                                        GError      **error) G_GNUC_WARN_UNUSED_RESULT;

/**
 * tr_call_agent_start_call_to_voicemail_async:
 * @owner: (nullable): whose mailbox (a USER identifier); %NULL for the user's own
 *
 * Places a call to a mailbox (`call.start {to, voicemail: true}`, or `{to: "voicemail"}` for
 * one's own): the voicemail line answers at once, plays the greeting and records until the
 * caller hangs up; the owner is not rung. Complete it with tr_call_agent_start_call_finish().
 * Errors as for tr_call_agent_start_call_async(); a service line's mailbox is 400/4.
 */
void               tr_call_agent_start_call_to_voicemail_async (TrCallAgent        *self,
                                                                TrIdentifier       *owner,
                                                                GCancellable       *cancellable,
                                                                GAsyncReadyCallback callback,
                                                                gpointer            user_data);

/* (transfer full) GListModel of #TrDirectoryEntry */
void               tr_call_agent_list_directory_async  (TrCallAgent        *self,
                                                        GCancellable       *cancellable,
                                                        GAsyncReadyCallback callback,
                                                        gpointer            user_data);
GListModel        *tr_call_agent_list_directory_finish (TrCallAgent  *self,
                                                        GAsyncResult *result,
                                                        GError      **error) G_GNUC_WARN_UNUSED_RESULT;

/* (transfer full) all fields set */
void               tr_call_agent_get_settings_async    (TrCallAgent        *self,
                                                        GCancellable       *cancellable,
                                                        GAsyncReadyCallback callback,
                                                        gpointer            user_data);
TrCallSettings    *tr_call_agent_get_settings_finish   (TrCallAgent  *self,
                                                        GAsyncResult *result,
                                                        GError      **error) G_GNUC_WARN_UNUSED_RESULT;

/* Changes the fields flagged in @settings->fields; gives the resulting settings (all fields). */
void               tr_call_agent_set_settings_async    (TrCallAgent          *self,
                                                        const TrCallSettings *settings,
                                                        GCancellable         *cancellable,
                                                        GAsyncReadyCallback   callback,
                                                        gpointer              user_data);
TrCallSettings    *tr_call_agent_set_settings_finish   (TrCallAgent  *self,
                                                        GAsyncResult *result,
                                                        GError      **error) G_GNUC_WARN_UNUSED_RESULT;

/* @limit 0 = server default (50). (transfer full) GListModel of #TrCallRecord, newest first
 * as the server sends them. */
void               tr_call_agent_list_records_async    (TrCallAgent        *self,
                                                        guint               limit,
                                                        GCancellable       *cancellable,
                                                        GAsyncReadyCallback callback,
                                                        gpointer            user_data);
GListModel        *tr_call_agent_list_records_finish   (TrCallAgent  *self,
                                                        GAsyncResult *result,
                                                        GError      **error) G_GNUC_WARN_UNUSED_RESULT;

G_END_DECLS
