/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "tr-call-transfer.h"
#include "tr-message.h"

G_BEGIN_DECLS

TrCallTransfer *_tr_call_transfer_new (TrCall *call) G_GNUC_WARN_UNUSED_RESULT;
/* Transferee side: a `transfer.request` event for this call. */
void            _tr_call_transfer_handle_request (TrCallTransfer *self, TrMessage *event);
void            _tr_call_transfer_detach (TrCallTransfer *self);

G_END_DECLS
