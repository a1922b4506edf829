/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "transfer-core.h"

G_BEGIN_DECLS

#define TR_TYPE_PREFERENCES_WINDOW (tr_preferences_window_get_type ())
G_DECLARE_FINAL_TYPE (TrPreferencesWindow, tr_preferences_window, TR, PREFERENCES_WINDOW,
                      AdwPreferencesWindow)

/*
 * Preferences. Page "Calls": the user's forwarding and unanswered rules on the server
 * (forward every call to…, if unanswered after N seconds go to…) and the account.
 * Notifications (switches on the GSettings keys). Page "Devices": #TrDevicePane.
 */
GtkWidget *tr_preferences_window_new (GtkWindow *parent, TrCallAgent *agent);
/* Shows @agent's account and reloads its settings from the server. */
void tr_preferences_window_set_agent (TrPreferencesWindow *self, TrCallAgent *agent);
/* The devices the "Devices" page shows (the #TrCallClient's). */
void tr_preferences_window_set_device_manager (TrPreferencesWindow *self,
                                               TrDeviceManager     *devices);
void tr_preferences_window_show_devices (TrPreferencesWindow *self);

G_END_DECLS
