/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "transfer-core.h"

G_BEGIN_DECLS

#define TR_TYPE_CALL_VIEW (tr_call_view_get_type ())
G_DECLARE_FINAL_TYPE (TrCallView, tr_call_view, TR, CALL_VIEW, GtkWidget)

/*
 * The calls of the agent: the active call (name, state and duration, mute, camera, hold,
 * dialpad, transfer, hang up) and the other calls, held, each with a "Switch to" button.
 * Its buttons activate the window's actions (win.mute, win.hold, win.dtmf, win.transfer,
 * win.hang-up, win.switch-call) and "Devices" (call-view.devices: the device pane in a window
 * of its own). Properties "calls" (GListModel of #TrCall) and
 * "active-call" (read-only, notifies).
 */
GtkWidget *tr_call_view_new (void);
void       tr_call_view_set_calls (TrCallView *self, GListModel *calls);
TrCall    *tr_call_view_get_active_call (TrCallView *self);
/* Seconds the call has been connected (0 before it was). */
gint64 tr_call_view_get_duration (TrCallView *self, TrCall *call);
/* Sets the directory used for names (GListModel of #TrDirectoryEntry). */
void tr_call_view_set_directory (TrCallView *self, GListModel *directory);
/* The devices its "Devices" button (action call-view.devices) shows in a #TrDevicePane window. */
void tr_call_view_set_device_manager (TrCallView *self, TrDeviceManager *devices);

G_END_DECLS
G_BEGIN_DECLS
void tr_call_view_popup_dialpad (TrCallView *self);
G_END_DECLS
