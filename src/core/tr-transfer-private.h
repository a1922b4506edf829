/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <json-glib/json-glib.h>

#include "tr-transfer.h"

G_BEGIN_DECLS

TrTransfer *_tr_transfer_new (TrTransferLocator *locator) G_GNUC_WARN_UNUSED_RESULT;
void        _tr_transfer_set_id (TrTransfer *self, const char *id);
/* The one transition function: FALSE (and nothing changes) for an illegal move. @error is
 * kept for FAILED. Emits notify::state (and ::error) and "state-changed". */
gboolean    _tr_transfer_set_state (TrTransfer *self, TrTransferState state, const GError *error);
/* Applies a TransferInfo object (`transfer.state`, the reply of `call.transfer`). */
void        _tr_transfer_update_from_info (TrTransfer *self, JsonObject *info);

G_END_DECLS
