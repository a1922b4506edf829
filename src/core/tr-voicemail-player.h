/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "tr-types.h"

G_BEGIN_DECLS

#define TR_TYPE_VOICEMAIL_PLAYER (tr_voicemail_player_get_type ())
G_DECLARE_FINAL_TYPE (TrVoicemailPlayer, tr_voicemail_player, TR, VOICEMAIL_PLAYER, GObject)

/**
 * TrVoicemailPlayer:
 *
 * Plays messages of an agent's #TrVoicemailBox on the speaker its calls use (the agent's
 * speaker option, else the device manager's selected speaker; with none, the audio is decoded
 * in real time and not heard). One message at a time: playing another stops the first.
 * Starting to play a message marks it heard.
 *
 * Properties (read-only, notified): "message" (#TrVoicemail being played or paused, or NULL),
 * "playing" (TRUE while the audio runs; FALSE while paused, fetching, and after the end),
 * "paused", "position-ms" (gint64, about every 100 ms while playing), "duration-ms" (gint64,
 * the message's, then the decoder's once known).
 */
TrVoicemailPlayer *tr_voicemail_player_new (TrCallAgent *agent) G_GNUC_WARN_UNUSED_RESULT;

/* (nullable) (transfer none) */
TrVoicemail *tr_voicemail_player_get_message     (TrVoicemailPlayer *self);
gboolean     tr_voicemail_player_get_playing     (TrVoicemailPlayer *self);
gboolean     tr_voicemail_player_get_paused      (TrVoicemailPlayer *self);
gint64       tr_voicemail_player_get_position_ms (TrVoicemailPlayer *self);
gint64       tr_voicemail_player_get_duration_ms (TrVoicemailPlayer *self);

/**
 * tr_voicemail_player_play_async:
 *
 * Fetches the audio of @message (tr_voicemail_box_fetch_audio_async()) and plays it. Completes
 * when it has played to its end (TRUE), or with G_IO_ERROR_CANCELLED when it was stopped (by
 * tr_voicemail_player_stop(), another play, or @cancellable), or with the error of fetching or
 * decoding (G_IO_ERROR, TR_ERROR, GST_*_ERROR).
 */
void     tr_voicemail_player_play_async  (TrVoicemailPlayer *self, TrVoicemail *message,
                                          GCancellable *cancellable, GAsyncReadyCallback callback,
                                          gpointer user_data);
gboolean tr_voicemail_player_play_finish (TrVoicemailPlayer *self, GAsyncResult *result,
                                          GError **error);

/* Pauses or resumes the message being played; nothing without one. */
void tr_voicemail_player_set_paused (TrVoicemailPlayer *self, gboolean paused);
/* Stops playing (the running play task completes with G_IO_ERROR_CANCELLED). */
void tr_voicemail_player_stop       (TrVoicemailPlayer *self);

G_END_DECLS
