/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "tr-types.h"

G_BEGIN_DECLS

#define TR_TYPE_CALL_TRANSFER (tr_call_transfer_get_type ())
G_DECLARE_FINAL_TYPE (TrCallTransfer, tr_call_transfer, TR, CALL_TRANSFER, GObject)

/**
 * TrCallTransfer:
 *
 * The transfer feature of one #TrCall (tr_call_get_transfer()).
 *
 * Transferor side: tr_call_transfer_transfer_async() asks the server to transfer the call and
 * gives a #TrTransfer in TRANSFERRING; its "state" then becomes TRANSFERRED or FAILED.
 *
 * Transferee side: the model handles `transfer.request` by itself: it places the new call
 * (`call.start {to, transfer[, replaces][, voicemail]}`) and emits "transfer-accepted" (TrCall *target_call) with that
 * new outgoing call (in CONNECTING). The call being transferred ends with 0/1 (transferred) once
 * the target answers.
 *
 * Property "current-transfer" (#TrTransfer, nullable): the latest attempt made from this call.
 */

/*
 * Errors: TR_ERROR (server refusal: TRANSFER_IN_PROGRESS 491, NOT_PARTICIPANT 403,
 * UNKNOWN_IDENTITY 404, CALL_NOT_FOUND 481; for a call locator also TARGET_CALL_ENDED 481/2,
 * NOT_YOUR_CALL 403/2, OUT_OF_ORDER 400/6 while the target call still rings, INVALID_FIELD
 * 400/4 for the call itself; …), G_IO_ERROR_* as for tr_call_hold_async().
 * Attended (tr_transfer_locator_new_call()): the transferee's new call replaces the target call
 * at its other party, who takes it without ringing; on TRANSFERRED both calls of the transferor
 * end (0/1 transferred, 0/2 replaced). Voicemail (tr_transfer_locator_new_voicemail()): the
 * transferee's new call is answered by the target's voicemail line.
 * (transfer full) on success: the attempt, in TRANSFERRING.
 */
void        tr_call_transfer_transfer_async  (TrCallTransfer     *self,
                                              TrTransferLocator  *locator,
                                              GCancellable       *cancellable,
                                              GAsyncReadyCallback callback,
                                              gpointer            user_data);
TrTransfer *tr_call_transfer_transfer_finish (TrCallTransfer *self,
                                              GAsyncResult   *result,
                                              GError        **error) G_GNUC_WARN_UNUSED_RESULT;

/* (nullable) (transfer none) */
TrTransfer *tr_call_transfer_get_current_transfer (TrCallTransfer *self);
/* (transfer none) the call this feature belongs to; NULL once the call is gone. */
TrCall     *tr_call_transfer_get_call             (TrCallTransfer *self);

G_END_DECLS
