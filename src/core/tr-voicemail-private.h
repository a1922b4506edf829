/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <json-glib/json-glib.h>

#include "tr-voicemail.h"

G_BEGIN_DECLS

/* From a protocol Voicemail object; NULL when it has no id or caller. */
TrVoicemail *_tr_voicemail_new_from_json (JsonObject *object) G_GNUC_WARN_UNUSED_RESULT;
/* Applies a newer Voicemail object of the same message (heard). */
void         _tr_voicemail_update        (TrVoicemail *self, JsonObject *object);
void         _tr_voicemail_set_heard     (TrVoicemail *self, gboolean heard);

G_END_DECLS
