/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib-object.h>

#include "tr-types.h"

G_BEGIN_DECLS

#define TR_TYPE_REMOTE_PARTICIPANT (tr_remote_participant_get_type ())
G_DECLARE_FINAL_TYPE (TrRemoteParticipant, tr_remote_participant, TR, REMOTE_PARTICIPANT, GObject)

/* Properties: "identifier" (TrIdentifier), "display-name" (string, may be NULL), "on-hold"
 * (boolean: the remote side holds the call). */
TrIdentifier *tr_remote_participant_get_identifier   (TrRemoteParticipant *self);
const char   *tr_remote_participant_get_display_name (TrRemoteParticipant *self);
gboolean      tr_remote_participant_get_on_hold      (TrRemoteParticipant *self);

G_END_DECLS
