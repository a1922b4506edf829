/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib-object.h>

#include "tr-types.h"

G_BEGIN_DECLS

/**
 * TrTransferLocator:
 *
 * Where a transfer goes. Immutable, reference counted, boxed.
 * - participant: a user; with @disable_forwarding_and_unanswered the target's forwarding and
 *   unanswered rules do not apply (no answer in time → FAILED 408).
 * - call: another call of the transferor (attended transfer), by its id; it must be connected
 *   (a still ringing one gives 400/6: wait until it is answered).
 * - voicemail: a user's voicemail (the transferee's new call is answered by the mailbox).
 */
#define TR_TYPE_TRANSFER_LOCATOR (tr_transfer_locator_get_type ())
GType                 tr_transfer_locator_get_type (void) G_GNUC_CONST;

TrTransferLocator    *tr_transfer_locator_new_participant (TrIdentifier *target,
                                                           gboolean      disable_forwarding_and_unanswered)
                                                           G_GNUC_WARN_UNUSED_RESULT;
TrTransferLocator    *tr_transfer_locator_new_call        (const char *call_id) G_GNUC_WARN_UNUSED_RESULT;
TrTransferLocator    *tr_transfer_locator_new_voicemail   (TrIdentifier *target) G_GNUC_WARN_UNUSED_RESULT;

TrTransferLocator    *tr_transfer_locator_ref   (TrTransferLocator *self);
void                  tr_transfer_locator_unref (TrTransferLocator *self);

TrTransferLocatorKind tr_transfer_locator_get_kind (const TrTransferLocator *self);
/* participant and voicemail; NULL for call. (transfer none) */
TrIdentifier         *tr_transfer_locator_get_target (const TrTransferLocator *self);
/* call; NULL otherwise. */
const char           *tr_transfer_locator_get_call_id (const TrTransferLocator *self);
gboolean              tr_transfer_locator_get_disable_forwarding_and_unanswered (const TrTransferLocator *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TrTransferLocator, tr_transfer_locator_unref)

G_END_DECLS
