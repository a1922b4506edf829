/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "tr-types.h"
#include "tr-call-end-reason.h"

G_BEGIN_DECLS

#define TR_TYPE_CALL (tr_call_get_type ())
G_DECLARE_FINAL_TYPE (TrCall, tr_call, TR, CALL, GObject)

/**
 * TrCall:
 *
 * One call of a #TrCallAgent (listed in tr_call_agent_get_calls() until it is DISCONNECTED).
 *
 * Properties (all notify): "id" (server call id; NULL while an outgoing call is CONNECTING),
 * "direction" (#TrCallDirection), "state" (#TrCallState), "end-reason" (#TrCallEndReason,
 * NULL until DISCONNECTED), "remote-identifier" (#TrIdentifier), "transferor" (#TrIdentifier,
 * NULL unless the call was placed to fulfil a transfer), "muted" (the far end hears silence at
 * once), "video-enabled" (the camera: sending video or not, at once, without renegotiation),
 * "media-warning" (nullable string: why media is degraded, e.g. no microphone, speaker or
 * camera; the call connects anyway).
 *
 * Media: each call has its own webrtcbin pipeline, started when the call has its server id
 * (the caller offers) or is accepted (the callee answers) and torn down when it ends. Hold
 * (LOCAL_HOLD or REMOTE_HOLD) stops sending both ways and silences playback; resuming brings
 * media back (no renegotiation). Devices come from the client's #TrDeviceManager unless the
 * agent's options name others.
 *
 * Signals:
 * - "state-changed" (TrCallState new, TrCallState old), after "notify::state".
 * - "dtmf-received" (const char *digits).
 */

const char        *tr_call_get_id                  (TrCall *self);
TrCallDirection    tr_call_get_direction           (TrCall *self);
TrCallState        tr_call_get_state               (TrCall *self);
/* (nullable) set when the call is DISCONNECTED. */
const TrCallEndReason *tr_call_get_end_reason      (TrCall *self);
TrIdentifier      *tr_call_get_remote_identifier   (TrCall *self);
/* (nullable) */
TrIdentifier      *tr_call_get_transferor          (TrCall *self);
/* GListModel of #TrRemoteParticipant (one item for a two-party call). */
GListModel        *tr_call_get_remote_participants (TrCall *self);
gboolean           tr_call_get_muted               (TrCall *self);
void               tr_call_set_muted               (TrCall *self, gboolean muted);
gboolean           tr_call_get_video_enabled       (TrCall *self);
void               tr_call_set_video_enabled       (TrCall *self, gboolean enabled);
/* The other party's video, decoded (BGRx), to @func on a streaming thread; NULL stops it. */
void               tr_call_set_remote_video_func   (TrCall *self, TrVideoFrameFunc func,
                                                    gpointer user_data, GDestroyNotify destroy);
/* (nullable) */
const char        *tr_call_get_media_warning       (TrCall *self);
/* The transfer feature of this call. (transfer none) */
TrCallTransfer    *tr_call_get_transfer            (TrCall *self);

/*
 * Async operations complete when the server replied. Errors: TR_ERROR (the server's error,
 * code = TrStatus, e.g. OUT_OF_ORDER, CALL_NOT_FOUND), G_IO_ERROR_NOT_CONNECTED (no
 * connection), G_IO_ERROR_TIMED_OUT (no reply in time), G_IO_ERROR_CONNECTION_CLOSED
 * (connection lost while waiting), G_IO_ERROR_CANCELLED, G_IO_ERROR_FAILED (call has ended).
 */
void               tr_call_hold_async              (TrCall *self, GCancellable *cancellable,
                                                    GAsyncReadyCallback callback, gpointer user_data);
gboolean           tr_call_hold_finish             (TrCall *self, GAsyncResult *result, GError **error);
void               tr_call_resume_async            (TrCall *self, GCancellable *cancellable,
                                                    GAsyncReadyCallback callback, gpointer user_data);
gboolean           tr_call_resume_finish           (TrCall *self, GAsyncResult *result, GError **error);
/* Moves to DISCONNECTING at once; DISCONNECTED (0/0 hang-up) when the server confirms. */
void               tr_call_hang_up_async           (TrCall *self, GCancellable *cancellable,
                                                    GAsyncReadyCallback callback, gpointer user_data);
gboolean           tr_call_hang_up_finish          (TrCall *self, GAsyncResult *result, GError **error);
/* Checks @digits (1–32 of 0-9*#A-D; TR_ERROR INVALID_FIELD) and sends them; the server's
 * reply is only logged. G_IO_ERROR_NOT_CONNECTED when the call is not connected. */
gboolean           tr_call_send_dtmf               (TrCall *self, const char *digits, GError **error);

/* The transition table of TrCall: TRUE if @from → @to is a legal move. */
gboolean           tr_call_state_can_transition    (TrCallState from, TrCallState to);

G_END_DECLS
