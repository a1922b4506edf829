/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib-object.h>

#include "tr-types.h"

G_BEGIN_DECLS

/**
 * TrCallSettingsFields:
 *
 * Which fields of a #TrCallSettings are meant (for a set: which are changed).
 */
typedef enum /*< flags >*/
{
  TR_CALL_SETTINGS_FIELD_NONE = 0,
  TR_CALL_SETTINGS_FIELD_FORWARD_ALWAYS = 1 << 0,
  TR_CALL_SETTINGS_FIELD_UNANSWERED_TARGET = 1 << 1,
  TR_CALL_SETTINGS_FIELD_RING_TIMEOUT = 1 << 2,
  TR_CALL_SETTINGS_FIELD_ALL = 0x7,
} TrCallSettingsFields;

/**
 * TrCallSettings:
 * @fields: which of the following are set
 * @forward_always: (nullable): user id every call is forwarded to; NULL = no rule (clears)
 * @unanswered_target: (nullable): user id that takes calls not answered in time, or
 *   "voicemail" (the user's own mailbox); NULL = none
 * @ring_timeout: seconds, 1–300
 *
 * The user's call settings (`settings.get` / `settings.set`). Boxed, copyable.
 */
typedef struct
{
  TrCallSettingsFields fields;
  char                *forward_always;
  char                *unanswered_target;
  guint                ring_timeout;
} TrCallSettings;

#define TR_TYPE_CALL_SETTINGS (tr_call_settings_get_type ())
GType           tr_call_settings_get_type (void) G_GNUC_CONST;

/* Empty: fields NONE. */
TrCallSettings *tr_call_settings_new  (void) G_GNUC_WARN_UNUSED_RESULT;
TrCallSettings *tr_call_settings_copy (const TrCallSettings *self) G_GNUC_WARN_UNUSED_RESULT;
void            tr_call_settings_free (TrCallSettings *self);
/* Setters that also set the field's flag; NULL clears the rule. */
void            tr_call_settings_set_forward_always    (TrCallSettings *self, const char *user_id);
void            tr_call_settings_set_unanswered_target (TrCallSettings *self, const char *user_id);
void            tr_call_settings_set_ring_timeout      (TrCallSettings *self, guint seconds);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TrCallSettings, tr_call_settings_free)

G_END_DECLS
