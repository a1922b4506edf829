/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <json-glib/json-glib.h>

#include "tr-incoming-call.h"

G_BEGIN_DECLS

/* From the CallInfo of `call.incoming`; NULL when it lacks id or caller. */
TrIncomingCall *_tr_incoming_call_new (TrCallAgent *agent, JsonObject *call_info) G_GNUC_WARN_UNUSED_RESULT;
/* The call ended before we answered: emits "ended" once. */
void            _tr_incoming_call_end (TrIncomingCall *self, const TrCallEndReason *reason);

/* Keeps a `call.signal` payload that came while ringing, for the call made on accept. */
void            _tr_incoming_call_keep_signal (TrIncomingCall *self, JsonObject *payload);

G_END_DECLS
