/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "TrCallEndReason"

#include "config.h"

#include "tr-call-end-reason.h"

G_DEFINE_BOXED_TYPE (TrCallEndReason, tr_call_end_reason, tr_call_end_reason_copy,
                     tr_call_end_reason_free)

TrCallEndReason *
tr_call_end_reason_new (guint       code,
                        guint       subcode,
                        const char *message)
{
  TrCallEndReason *self = g_new0 (TrCallEndReason, 1);

  self->code = code;
  self->subcode = subcode;
  self->message = g_strdup (message);

  return self;
}

TrCallEndReason *
tr_call_end_reason_new_from_status (TrStatus    status,
                                    const char *message)
{
  return tr_call_end_reason_new (tr_status_get_code (status), tr_status_get_subcode (status),
                                 message);
}

TrCallEndReason *
tr_call_end_reason_copy (const TrCallEndReason *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return tr_call_end_reason_new (self->code, self->subcode, self->message);
}

void
tr_call_end_reason_free (TrCallEndReason *self)
{
  if (self == NULL)
    return;

  g_free (self->message);
  g_free (self);
}

TrStatus
tr_call_end_reason_get_status (const TrCallEndReason *self)
{
  g_return_val_if_fail (self != NULL, TR_STATUS_HANGUP);

  return (TrStatus) (self->code * 100 + self->subcode);
}

const char *
tr_call_end_reason_get_reason (const TrCallEndReason *self)
{
  TrStatus status;

  g_return_val_if_fail (self != NULL, NULL);

  if (!tr_status_from_parts (self->code, self->subcode, &status))
    return NULL;

  return tr_status_get_reason (status);
}
