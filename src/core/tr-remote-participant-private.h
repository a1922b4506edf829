/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "tr-remote-participant.h"

G_BEGIN_DECLS

TrRemoteParticipant *_tr_remote_participant_new (TrIdentifier *identifier,
                                                 const char   *display_name) G_GNUC_WARN_UNUSED_RESULT;
void _tr_remote_participant_set_identifier   (TrRemoteParticipant *self, TrIdentifier *identifier);
void _tr_remote_participant_set_display_name (TrRemoteParticipant *self, const char *display_name);
void _tr_remote_participant_set_on_hold      (TrRemoteParticipant *self, gboolean on_hold);

G_END_DECLS
