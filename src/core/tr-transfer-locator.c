/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "TrTransferLocator"

#include "config.h"

#include "tr-identifier.h"
#include "tr-transfer-locator.h"

struct _TrTransferLocator
{
  gatomicrefcount        ref_count;
  TrTransferLocatorKind  kind;
  TrIdentifier          *target;
  char                  *call_id;
  gboolean               disable_forwarding_and_unanswered;
};

G_DEFINE_BOXED_TYPE (TrTransferLocator, tr_transfer_locator, tr_transfer_locator_ref,
                     tr_transfer_locator_unref)

static TrTransferLocator *
locator_new (TrTransferLocatorKind kind)
{
  TrTransferLocator *self = g_new0 (TrTransferLocator, 1);

  g_atomic_ref_count_init (&self->ref_count);
  self->kind = kind;

  return self;
}

TrTransferLocator *
tr_transfer_locator_new_participant (TrIdentifier *target,
                                     gboolean      disable_forwarding_and_unanswered)
{
  TrTransferLocator *self;

  g_return_val_if_fail (target != NULL, NULL);

  self = locator_new (TR_TRANSFER_LOCATOR_KIND_PARTICIPANT);
  self->target = tr_identifier_ref (target);
  self->disable_forwarding_and_unanswered = !!disable_forwarding_and_unanswered;

  return self;
}

TrTransferLocator *
tr_transfer_locator_new_call (const char *call_id)
{
  TrTransferLocator *self;

  g_return_val_if_fail (call_id != NULL, NULL);

  self = locator_new (TR_TRANSFER_LOCATOR_KIND_CALL);
  self->call_id = g_strdup (call_id);

  return self;
}

TrTransferLocator *
tr_transfer_locator_new_voicemail (TrIdentifier *target)
{
  TrTransferLocator *self;

  g_return_val_if_fail (target != NULL, NULL);

  self = locator_new (TR_TRANSFER_LOCATOR_KIND_VOICEMAIL);
  self->target = tr_identifier_ref (target);

  return self;
}

TrTransferLocator *
tr_transfer_locator_ref (TrTransferLocator *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  g_atomic_ref_count_inc (&self->ref_count);
  return self;
}

void
tr_transfer_locator_unref (TrTransferLocator *self)
{
  g_return_if_fail (self != NULL);

  if (g_atomic_ref_count_dec (&self->ref_count))
    {
      g_clear_pointer (&self->target, tr_identifier_unref);
      g_free (self->call_id);
      g_free (self);
    }
}

TrTransferLocatorKind
tr_transfer_locator_get_kind (const TrTransferLocator *self)
{
  g_return_val_if_fail (self != NULL, TR_TRANSFER_LOCATOR_KIND_PARTICIPANT);

  return self->kind;
}

TrIdentifier *
tr_transfer_locator_get_target (const TrTransferLocator *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->target;
}

const char *
tr_transfer_locator_get_call_id (const TrTransferLocator *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->call_id;
}

gboolean
tr_transfer_locator_get_disable_forwarding_and_unanswered (const TrTransferLocator *self)
{
  g_return_val_if_fail (self != NULL, FALSE);

  return self->disable_forwarding_and_unanswered;
}
