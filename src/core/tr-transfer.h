/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib-object.h>

#include "tr-types.h"

G_BEGIN_DECLS

#define TR_TYPE_TRANSFER (tr_transfer_get_type ())
G_DECLARE_FINAL_TYPE (TrTransfer, tr_transfer, TR, TRANSFER, GObject)

/**
 * TrTransfer:
 *
 * One transfer attempt, on the transferor's side. Properties (all notify): "id" (server's
 * transfer id, NULL until the server accepted the request), "state" (#TrTransferState),
 * "error" (a GError boxed: TR_ERROR domain, code a TrStatus; NULL unless FAILED),
 * "locator" (#TrTransferLocator), "target-call-id" (the new call's id once TRANSFERRED).
 * Signal "state-changed" (TrTransferState new, TrTransferState old) after each state change.
 */

const char        *tr_transfer_get_id             (TrTransfer *self);
TrTransferState    tr_transfer_get_state          (TrTransfer *self);
/* (nullable) TR_ERROR; code = TrStatus (code * 100 + subcode). */
const GError      *tr_transfer_get_error          (TrTransfer *self);
/* The protocol code/subcode of the error; 0 when there is none. */
guint              tr_transfer_get_error_code     (TrTransfer *self);
guint              tr_transfer_get_error_subcode  (TrTransfer *self);
TrTransferLocator *tr_transfer_get_locator        (TrTransfer *self);
const char        *tr_transfer_get_target_call_id (TrTransfer *self);

/* The transition table: TRUE if @from → @to is a legal move. */
gboolean           tr_transfer_state_can_transition (TrTransferState from, TrTransferState to);

G_END_DECLS
