/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "transfer-core.h"
#include "tr-sign-in-page.h"

G_BEGIN_DECLS

#define TR_TYPE_WINDOW (tr_window_get_type ())
G_DECLARE_FINAL_TYPE (TrWindow, tr_window, TR, WINDOW, AdwApplicationWindow)

/*
 * The main window. Pages: "loading" (starting the local server, signing in), "sign-in"
 * (#TrSignInPage) and "main": the status banner, the incoming call (accept / decline), the
 * contacts (a way to call any user id, people, demo lines), recent calls, voicemail
 * (#TrVoicemailPage; its tab has the unheard count as badge and in its accessible description),
 * and the call view. Desktop notifications (incoming calls, new voicemail) while the window is
 * not active, as the GSettings keys notify-incoming-calls and notify-voicemail say.
 * Every command is a "win." action with its shortcut; tr_window_update_actions() decides
 * which are enabled.
 */
TrWindow *tr_window_new (AdwApplication *application);
/* Shows the main page for @agent (NULL: none). */
void          tr_window_set_agent (TrWindow *self, TrCallAgent *agent, guint max_attempts);
TrCallAgent  *tr_window_get_agent (TrWindow *self);
void          tr_window_show_loading (TrWindow *self, const char *text);
TrSignInPage *tr_window_show_sign_in (TrWindow *self);
void          tr_window_add_toast (TrWindow *self, const char *text);
void          tr_window_set_device_manager (TrWindow *self, TrDeviceManager *devices);
/* For the actions of the incoming-call notification. */
void tr_window_accept_call (TrWindow *self, const char *incoming_id);
void tr_window_decline_call (TrWindow *self, const char *incoming_id);

G_END_DECLS
