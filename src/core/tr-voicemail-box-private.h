/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "tr-message.h"
#include "tr-voicemail-box.h"

G_BEGIN_DECLS

/* The agent's box; it refers to @agent without a reference. */
TrVoicemailBox *_tr_voicemail_box_new        (TrCallAgent *agent) G_GNUC_WARN_UNUSED_RESULT;
/* The agent is connected (welcome): lists the messages. */
void            _tr_voicemail_box_connected  (TrVoicemailBox *self);
/* A `voicemail.new` event. */
void            _tr_voicemail_box_handle_new (TrVoicemailBox *self, TrMessage *event);

G_END_DECLS
