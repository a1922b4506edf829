/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "transfer-core.h"

G_BEGIN_DECLS

#define TR_TYPE_DEVICE_PANE (tr_device_pane_get_type ())
G_DECLARE_FINAL_TYPE (TrDevicePane, tr_device_pane, TR, DEVICE_PANE, AdwPreferencesPage)

/*
 * The "Devices" page: microphone, speaker and camera selectors on the #TrDeviceManager's lists
 * (first row "System Default"; hot-plugged devices appear and go live), the microphone's input
 * level, a "Play Test Sound" button and the camera preview (a #TrDeviceTester that runs only
 * while the page is mapped). Choosing a row selects the device at once and keeps its id in
 * GSettings (`microphone`, `speaker`, `camera`; '' for the system default). When a selected
 * device goes away it shows a toast in the window it is in (an #AdwPreferencesWindow or an
 * #AdwToastOverlay around it) and puts the same words in the row's accessible description.
 *
 * Lives in the preferences window and in the call view's "Devices" window
 * (tr_device_pane_window_new()).
 */
GtkWidget       *tr_device_pane_new                (TrDeviceManager *devices);
void             tr_device_pane_set_device_manager (TrDevicePane    *self,
                                                    TrDeviceManager *devices);
/* (nullable) (transfer none) */
TrDeviceManager *tr_device_pane_get_device_manager (TrDevicePane    *self);

/* A window with only this page ("Devices"), transient for @parent; it hides on close, to be
 * kept and presented again. */
GtkWidget       *tr_device_pane_window_new         (GtkWindow       *parent,
                                                    TrDeviceManager *devices);

/*
 * Selects the devices saved in @settings (keys `microphone`, `speaker`, `camera`) that are
 * there now, and from then on each one as soon as it is plugged in. Call once at start-up,
 * before calls begin. @settings: the app's (schema com.example.Transfer).
 */
void             tr_device_pane_apply_saved_choices (TrDeviceManager *devices,
                                                     GSettings       *settings);

/* Display logic. "USBHeadset was unplugged; using TestSpeaker" (@now nullable: "…; no other
 * speaker"). */
char            *tr_device_fell_back_text          (TrDeviceKind     kind,
                                                    TrDevice        *lost,
                                                    TrDevice        *now) G_GNUC_WARN_UNUSED_RESULT;

G_END_DECLS
