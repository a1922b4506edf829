/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <json-glib/json-glib.h>

#include "tr-call.h"
#include "tr-media-session.h"

G_BEGIN_DECLS

TrCall         *_tr_call_new (TrCallAgent     *agent,
                              TrCallDirection  direction,
                              TrIdentifier    *remote,
                              const char      *remote_display_name,
                              gboolean         video) G_GNUC_WARN_UNUSED_RESULT;
void            _tr_call_set_id          (TrCall *self, const char *id);
void            _tr_call_set_transferor  (TrCall *self, TrIdentifier *transferor);
/* The one transition function of TrCall. FALSE (nothing changes) for an illegal move.
 * @reason is required for DISCONNECTED and ignored otherwise. */
gboolean        _tr_call_set_state       (TrCall *self, TrCallState state, const TrCallEndReason *reason);
/* Ends the call locally (→ DISCONNECTED) unless it already is. */
void            _tr_call_end             (TrCall *self, TrStatus status, const char *message);
/* Ends the call after a failed request: the server's status, or 480/2 when the connection
 * failed (any error outside TR_ERROR). */
void            _tr_call_end_with_error  (TrCall *self, const GError *error);
void            _tr_call_end_with_reason (TrCall *self, const TrCallEndReason *reason);
/* Applies a CallInfo (replies of call.start/accept/hold/resume, call.accepted). */
void            _tr_call_apply_info      (TrCall *self, JsonObject *call_info);
/* Applies {"caller": bool, "callee": bool}. */
void            _tr_call_apply_hold      (TrCall *self, JsonObject *hold);
void            _tr_call_set_remote      (TrCall *self, TrIdentifier *remote, const char *display_name);
void            _tr_call_emit_dtmf       (TrCall *self, const char *digits);
TrMediaSession *_tr_call_get_media_session (TrCall *self);
/* Starts the call's media if the agent has media on: offerer for outgoing calls (once the id is
 * known), answerer for incoming ones. Idempotent. */
void            _tr_call_start_media     (TrCall *self);
/* (transfer full) (nullable) */
TrCallAgent    *_tr_call_dup_agent       (TrCall *self);

G_END_DECLS
