/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib-object.h>
#include <json-glib/json-glib.h>

#include "tr-line-peer.h"
#include "tr-service-line.h"
#include "tr-store.h"

G_BEGIN_DECLS

/* The line's id: calls to it reach the caller's own mailbox; as a settings target it means
 * "my voicemail". */
#define TR_VOICEMAIL_LINE_ID "voicemail"
#define TR_VOICEMAIL_DEFAULT_MAX_SECONDS 120
#define TR_VOICEMAIL_DEFAULT_QUOTA 100
/* Largest greeting a user can upload (bytes of Ogg/Opus). */
#define TR_VOICEMAIL_MAX_GREETING (1024 * 1024)

#define TR_TYPE_VOICEMAIL_LINE (tr_voicemail_line_get_type ())
G_DECLARE_FINAL_TYPE (TrVoicemailLine, tr_voicemail_line, TR, VOICEMAIL_LINE, GObject)

/**
 * tr_voicemail_line_new:
 * @data_dir: messages go to `<data_dir>/voicemail/<user>/<id>.ogg`, a user's own greeting is
 *   `<data_dir>/voicemail/<user>/greeting.ogg`
 * @default_greeting: (nullable): the Ogg/Opus greeting of users without their own
 * @max_seconds: longest message
 * @quota: most messages a user keeps
 *
 * The voicemail of every user: answers, plays the greeting, then records the caller's Opus
 * into Ogg as it came (no re-encoding) until the caller hangs up or @max_seconds.
 */
TrVoicemailLine *tr_voicemail_line_new (TrStore *store, const char *data_dir,
                                        const TrLineMediaConfig *media,
                                        const char *default_greeting, guint max_seconds,
                                        guint quota) G_GNUC_WARN_UNUSED_RESULT;

/* {"messages": [Voicemail], "unheard": n} */
JsonObject *tr_voicemail_line_list (TrVoicemailLine *self,
                                    const char      *user) G_GNUC_WARN_UNUSED_RESULT;
/* The Voicemail, heard; NULL with TR_ERROR 404/3 when @user has no such message. */
JsonObject *tr_voicemail_line_mark_heard (TrVoicemailLine *self, const char *user, const char *id,
                                          GError **error) G_GNUC_WARN_UNUSED_RESULT;
gboolean    tr_voicemail_line_delete (TrVoicemailLine *self, const char *user, const char *id,
                                      GError **error);
/* The Ogg file of message @id. */
char *tr_voicemail_line_dup_audio_path (TrVoicemailLine *self, const char *user, const char *id,
                                        GError **error) G_GNUC_WARN_UNUSED_RESULT;
/* @ogg must be Ogg with Opus (TR_ERROR 400/4 otherwise). */
gboolean tr_voicemail_line_set_greeting (TrVoicemailLine *self, const char *user, GBytes *ogg,
                                         GError **error);
/* Back to the default greeting (no error when there was none). */
gboolean tr_voicemail_line_delete_greeting (TrVoicemailLine *self, const char *user,
                                            GError **error);

/* Where the default greeting is: @path if given, else beside the executable (the build dir),
 * else in the installed data dir. (nullable) */
char *tr_voicemail_find_default_greeting (const char *path) G_GNUC_WARN_UNUSED_RESULT;

G_END_DECLS
