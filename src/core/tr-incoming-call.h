/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "tr-types.h"
#include "tr-call-end-reason.h"

G_BEGIN_DECLS

#define TR_TYPE_INCOMING_CALL (tr_incoming_call_get_type ())
G_DECLARE_FINAL_TYPE (TrIncomingCall, tr_incoming_call, TR, INCOMING_CALL, GObject)

/**
 * TrIncomingCall:
 *
 * A call ringing here (signal "incoming-call" of #TrCallAgent). Properties: "id", "caller"
 * (#TrIdentifier), "caller-display-name", "transferor" (#TrIdentifier, NULL unless the call
 * comes from a transfer), "transfer-id", "forwarded-from" (#TrIdentifier, nullable),
 * "video" (boolean), "end-reason" (#TrCallEndReason, set when it ended unanswered).
 *
 * Signal "ended" (TrCallEndReason *reason): the caller gave up, it was answered elsewhere,
 * it was moved on (unanswered rule), or the connection dropped (480/2). Not emitted after it
 * was accepted or rejected from here.
 */

const char   *tr_incoming_call_get_id                  (TrIncomingCall *self);
TrIdentifier *tr_incoming_call_get_caller              (TrIncomingCall *self);
const char   *tr_incoming_call_get_caller_display_name (TrIncomingCall *self);
/* (nullable) */
TrIdentifier *tr_incoming_call_get_transferor          (TrIncomingCall *self);
/* (nullable) */
const char   *tr_incoming_call_get_transfer_id         (TrIncomingCall *self);
/* (nullable) */
TrIdentifier *tr_incoming_call_get_forwarded_from      (TrIncomingCall *self);
gboolean      tr_incoming_call_get_video               (TrIncomingCall *self);
/* (nullable) */
const TrCallEndReason *tr_incoming_call_get_end_reason (TrIncomingCall *self);

/*
 * Answers. (transfer full) on success: the #TrCall, CONNECTED, also added to the agent's
 * "calls". Errors: as tr_call_hold_async() (e.g. TR_ERROR CALL_NOT_FOUND / ANSWERED_ELSEWHERE).
 */
void          tr_incoming_call_accept_async  (TrIncomingCall     *self,
                                              GCancellable       *cancellable,
                                              GAsyncReadyCallback callback,
                                              gpointer            user_data);
TrCall       *tr_incoming_call_accept_finish (TrIncomingCall *self,
                                              GAsyncResult   *result,
                                              GError        **error) G_GNUC_WARN_UNUSED_RESULT;

void          tr_incoming_call_reject_async  (TrIncomingCall     *self,
                                              TrRejectReason      reason,
                                              GCancellable       *cancellable,
                                              GAsyncReadyCallback callback,
                                              gpointer            user_data);
gboolean      tr_incoming_call_reject_finish (TrIncomingCall *self,
                                              GAsyncResult   *result,
                                              GError        **error);

G_END_DECLS
