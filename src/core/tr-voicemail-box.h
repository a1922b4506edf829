/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "tr-types.h"

G_BEGIN_DECLS

#define TR_TYPE_VOICEMAIL_BOX (tr_voicemail_box_get_type ())
G_DECLARE_FINAL_TYPE (TrVoicemailBox, tr_voicemail_box, TR, VOICEMAIL_BOX, GObject)

/**
 * TrVoicemailBox:
 *
 * The signed-in user's mailbox, owned by the agent (tr_call_agent_get_voicemail_box()). A
 * #GListModel of #TrVoicemail, newest first. Filled (`voicemail.list`) every time the agent
 * connects (and by tr_voicemail_box_refresh_async()); a `voicemail.new` event inserts the new
 * message at position 0 at once and emits "message-added" (TrVoicemail *message).
 *
 * Properties (read-only, notified): "unheard-count" (guint, the server's count of unheard
 * messages), "loaded" (TRUE once a list has arrived since the box was made).
 *
 * Errors of the async operations: TR_ERROR for the server's refusals (UNKNOWN_MESSAGE 404/3 for
 * a message that is not (any longer) there, the token's 401/x for REST), G_IO_ERROR
 * NOT_CONNECTED when the agent is gone or offline, other G_IO_ERROR / libsoup transport errors
 * as they come, G_IO_ERROR_CANCELLED.
 */

guint        tr_voicemail_box_get_unheard_count (TrVoicemailBox *self);
gboolean     tr_voicemail_box_get_loaded        (TrVoicemailBox *self);
/* (nullable) (transfer none) */
TrVoicemail *tr_voicemail_box_find              (TrVoicemailBox *self, const char *id);

/* Lists the messages again (`voicemail.list`). */
void         tr_voicemail_box_refresh_async      (TrVoicemailBox *self, GCancellable *cancellable,
                                                  GAsyncReadyCallback callback, gpointer user_data);
gboolean     tr_voicemail_box_refresh_finish     (TrVoicemailBox *self, GAsyncResult *result,
                                                  GError **error);

/* `voicemail.mark_heard`; the message's "heard" and "unheard-count" follow. */
void         tr_voicemail_box_mark_heard_async   (TrVoicemailBox *self, TrVoicemail *message,
                                                  GCancellable *cancellable,
                                                  GAsyncReadyCallback callback, gpointer user_data);
gboolean     tr_voicemail_box_mark_heard_finish  (TrVoicemailBox *self, GAsyncResult *result,
                                                  GError **error);

/* `voicemail.delete` (the audio goes too); the message leaves the list. */
void         tr_voicemail_box_delete_async       (TrVoicemailBox *self, TrVoicemail *message,
                                                  GCancellable *cancellable,
                                                  GAsyncReadyCallback callback, gpointer user_data);
gboolean     tr_voicemail_box_delete_finish      (TrVoicemailBox *self, GAsyncResult *result,
                                                  GError **error);

/* The message's audio (Ogg Opus), streamed: REST `GET /v1/me/voicemail/{id}/audio` with the
 * agent's token in the Authorization header (never in the URL). The finish gives the body as a
 * #GInputStream (transfer full) once the server answered 200. */
void          tr_voicemail_box_fetch_audio_async  (TrVoicemailBox *self, TrVoicemail *message,
                                                   GCancellable *cancellable,
                                                   GAsyncReadyCallback callback,
                                                   gpointer user_data);
GInputStream *tr_voicemail_box_fetch_audio_finish (TrVoicemailBox *self, GAsyncResult *result,
                                                   GError **error) G_GNUC_WARN_UNUSED_RESULT;

/* Fetches the audio and writes it to @destination (replaced), streaming. */
void          tr_voicemail_box_save_audio_async   (TrVoicemailBox *self, TrVoicemail *message,
                                                   GFile *destination, GCancellable *cancellable,
                                                   GAsyncReadyCallback callback,
                                                   gpointer user_data);
gboolean      tr_voicemail_box_save_audio_finish  (TrVoicemailBox *self, GAsyncResult *result,
                                                   GError **error);

G_END_DECLS
