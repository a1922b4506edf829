/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "transfer-core.h"

G_BEGIN_DECLS

#define TR_TYPE_VOICEMAIL_PAGE (tr_voicemail_page_get_type ())
G_DECLARE_FINAL_TYPE (TrVoicemailPage, tr_voicemail_page, TR, VOICEMAIL_PAGE, AdwBin)

/*
 * The Voicemail page of the main window: the agent's #TrVoicemailBox as a list, newest first.
 * A row names the caller, when (tr_voicemail_when_text()) and how long; unheard ones have a
 * dot, a bold name, and say "Unheard" in their accessible name. Per row: Play/Pause (plays on
 * the calls' speaker through #TrVoicemailPlayer, which marks the message heard; the row shows
 * the position), Call Back ("win.call-user"), Save As (a file chooser) and Delete (hidden at
 * once; deleted on the server when the toast with Undo goes away). "No Voicemail" when empty.
 *
 * Signal "toast" (AdwToast *toast): a toast for the window to show.
 */
GtkWidget *tr_voicemail_page_new (void);
/* @agent: (nullable) */
void tr_voicemail_page_set_agent (TrVoicemailPage *self, TrCallAgent *agent);
/* Stops playback and deletes on the server what waits for its toast (the window closes). */
void tr_voicemail_page_shutdown (TrVoicemailPage *self);

/* Display logic, without a display. */

/* "m:ss" (rounded to the second). (transfer full) */
char *tr_voicemail_duration_text (gint64 duration_ms) G_GNUC_WARN_UNUSED_RESULT;
/* When a message came, relative to @now (both local time): "Today 09:14", "Yesterday 17:02",
 * else the date and time; @spoken: the words for a screen reader ("today at 09:14",
 * "yesterday at 17:02", "on DATE at 09:14"). (transfer full) */
char *tr_voicemail_when_text (GDateTime *when, GDateTime *now,
                              gboolean spoken) G_GNUC_WARN_UNUSED_RESULT;
/* The accessible name of a row: "Unheard message from Bob, 0:04, today at 09:14" or
 * "Message from Bob, …". (transfer full) */
char *tr_voicemail_row_text (const char *caller, gboolean heard, gint64 duration_ms,
                             GDateTime *when, GDateTime *now) G_GNUC_WARN_UNUSED_RESULT;
/* The accessible text for the Voicemail tab: "2 unheard", "No unheard messages". */
char *tr_voicemail_unheard_text (guint unheard) G_GNUC_WARN_UNUSED_RESULT;

G_END_DECLS
