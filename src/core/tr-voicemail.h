/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib-object.h>

#include "tr-types.h"

G_BEGIN_DECLS

#define TR_TYPE_VOICEMAIL (tr_voicemail_get_type ())
G_DECLARE_FINAL_TYPE (TrVoicemail, tr_voicemail, TR, VOICEMAIL, GObject)

/**
 * TrVoicemail:
 *
 * One message of the user's mailbox (an item of #TrVoicemailBox). Properties (read-only):
 * "id", "caller" (#TrIdentifier), "caller-display-name", "created-at" (#GDateTime, UTC),
 * "duration-ms" (gint64), "heard" (notified when it changes: tr_voicemail_box_mark_heard_async()
 * or another session of the user).
 */
const char   *tr_voicemail_get_id                  (TrVoicemail *self);
TrIdentifier *tr_voicemail_get_caller              (TrVoicemail *self);
/* (nullable) */
const char   *tr_voicemail_get_caller_display_name (TrVoicemail *self);
/* (transfer none) */
GDateTime    *tr_voicemail_get_created_at          (TrVoicemail *self);
gint64        tr_voicemail_get_duration_ms         (TrVoicemail *self);
gboolean      tr_voicemail_get_heard               (TrVoicemail *self);

G_END_DECLS
