/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "TrCallSettings"

#include "config.h"

#include "tr-call-settings.h"
#include "tr-util-private.h"

G_DEFINE_BOXED_TYPE (TrCallSettings, tr_call_settings, tr_call_settings_copy, tr_call_settings_free)

TrCallSettings *
tr_call_settings_new (void)
{
  return g_new0 (TrCallSettings, 1);
}

TrCallSettings *
tr_call_settings_copy (const TrCallSettings *self)
{
  TrCallSettings *copy;

  g_return_val_if_fail (self != NULL, NULL);

  copy = g_new0 (TrCallSettings, 1);
  copy->fields = self->fields;
  copy->forward_always = g_strdup (self->forward_always);
  copy->unanswered_target = g_strdup (self->unanswered_target);
  copy->ring_timeout = self->ring_timeout;

  return copy;
}

void
tr_call_settings_free (TrCallSettings *self)
{
  if (self == NULL)
    return;

  g_free (self->forward_always);
  g_free (self->unanswered_target);
  g_free (self);
}

void
tr_call_settings_set_forward_always (TrCallSettings *self,
                                     const char     *user_id)
{
  g_return_if_fail (self != NULL);

  _tr_set_str (&self->forward_always, user_id);
  self->fields |= TR_CALL_SETTINGS_FIELD_FORWARD_ALWAYS;
}

void
tr_call_settings_set_unanswered_target (TrCallSettings *self,
                                        const char     *user_id)
{
  g_return_if_fail (self != NULL);

  _tr_set_str (&self->unanswered_target, user_id);
  self->fields |= TR_CALL_SETTINGS_FIELD_UNANSWERED_TARGET;
}

void
tr_call_settings_set_ring_timeout (TrCallSettings *self,
                                   guint           seconds)
{
  g_return_if_fail (self != NULL);

  self->ring_timeout = seconds;
  self->fields |= TR_CALL_SETTINGS_FIELD_RING_TIMEOUT;
}
