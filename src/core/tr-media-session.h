/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/* Private to src/core: not in transfer-core.h. */

#include <glib-object.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

#define TR_TYPE_MEDIA_SESSION (tr_media_session_get_type ())
G_DECLARE_FINAL_TYPE (TrMediaSession, tr_media_session, TR, MEDIA_SESSION, GObject)

/**
 * TrMediaSession:
 *
 * The media of one call: the seam where the webrtcbin pipeline will live. SDP and ICE
 * (`call.signal` payloads) flow through it. For now it only logs what it receives and sends
 * nothing. Created when a call starts, closed when it ends.
 */
TrMediaSession *tr_media_session_new (const char *call_id) G_GNUC_WARN_UNUSED_RESULT;
void            tr_media_session_set_call_id (TrMediaSession *self, const char *call_id);
/* A `call.signal` payload from the other party. */
void            tr_media_session_handle_signal (TrMediaSession *self, JsonObject *payload);
void            tr_media_session_close (TrMediaSession *self);
gboolean        tr_media_session_is_closed (TrMediaSession *self);

G_END_DECLS
