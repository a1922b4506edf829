/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib-object.h>

#include "tr-types.h"
#include "tr-call-end-reason.h"

G_BEGIN_DECLS

#define TR_TYPE_CALL_RECORD (tr_call_record_get_type ())
G_DECLARE_FINAL_TYPE (TrCallRecord, tr_call_record, TR, CALL_RECORD, GObject)

/* One entry of the call history (`records.list`). Times are ms since the epoch, 0 when absent.
 * Properties (read-only): "call-id", "caller", "callee", "transferor" (nullable),
 * "started-at", "answered-at", "ended-at", "end-reason" (nullable). */
const char            *tr_call_record_get_call_id     (TrCallRecord *self);
TrIdentifier          *tr_call_record_get_caller      (TrCallRecord *self);
TrIdentifier          *tr_call_record_get_callee      (TrCallRecord *self);
TrIdentifier          *tr_call_record_get_transferor  (TrCallRecord *self);
gint64                 tr_call_record_get_started_at  (TrCallRecord *self);
gint64                 tr_call_record_get_answered_at (TrCallRecord *self);
gint64                 tr_call_record_get_ended_at    (TrCallRecord *self);
const TrCallEndReason *tr_call_record_get_end_reason  (TrCallRecord *self);

G_END_DECLS
