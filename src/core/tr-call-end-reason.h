/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib-object.h>

#include "tr-status.h"

G_BEGIN_DECLS

/**
 * TrCallEndReason:
 * @code: protocol code (0 normal end, else an error code of docs/protocol.md: 408, 480, …)
 * @subcode: its subcode (0/0 hang-up, 0/1 transferred, 480/2 connection lost, …)
 * @message: (nullable): the server's developer message, for logs
 *
 * Why a call ended. A boxed copyable struct; `code * 100 + subcode` is a #TrStatus.
 */
typedef struct
{
  guint  code;
  guint  subcode;
  char  *message;
} TrCallEndReason;

#define TR_TYPE_CALL_END_REASON (tr_call_end_reason_get_type ())
GType            tr_call_end_reason_get_type (void) G_GNUC_CONST;

TrCallEndReason *tr_call_end_reason_new    (guint code, guint subcode, const char *message)
                                            G_GNUC_WARN_UNUSED_RESULT;
TrCallEndReason *tr_call_end_reason_new_from_status (TrStatus status, const char *message)
                                            G_GNUC_WARN_UNUSED_RESULT;
TrCallEndReason *tr_call_end_reason_copy   (const TrCallEndReason *self) G_GNUC_WARN_UNUSED_RESULT;
void             tr_call_end_reason_free   (TrCallEndReason *self);
TrStatus         tr_call_end_reason_get_status (const TrCallEndReason *self);
/* "hangup", "transferred", "busy", …; NULL for codes not in the table. */
const char      *tr_call_end_reason_get_reason (const TrCallEndReason *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TrCallEndReason, tr_call_end_reason_free)

G_END_DECLS
