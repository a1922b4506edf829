/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gst/gst.h>

#include "tr-types.h"
#include "tr-device-manager.h"

G_BEGIN_DECLS

#define TR_TYPE_DEVICE_TESTER (tr_device_tester_get_type ())
G_DECLARE_FINAL_TYPE (TrDeviceTester, tr_device_tester, TR, DEVICE_TESTER, GObject)

/**
 * TrDeviceTester:
 *
 * Tries out the devices a #TrDeviceManager has selected, for a device settings pane:
 *
 * - while "active": the level of the selected microphone ("input-level", 0 silence … 1 full
 *   scale, on a -60…0 dBFS scale, notified about 20 times a second on the main context); it
 *   follows "selected-microphone";
 * - tr_device_tester_play_test_sound(): a short (about 1 s) three-note chime on the selected
 *   speaker ("playing-sound" while it plays);
 * - while "active" and "preview-active": frames of the selected camera (BGRx, at most 640
 *   pixels wide) handed to the function given to tr_device_tester_set_preview_func(), on a
 *   streaming thread; it follows "selected-camera".
 *
 * When a device fails (unplugged, busy) its pipeline stops, "warning" says so in words, and the
 * device manager is asked to refresh (so it falls back to the default, which the tester then
 * uses). Turning "active" off stops every pipeline (the test sound too).
 *
 * Properties (all notify): "device-manager" (construct-only), "active", "preview-active",
 * "input-level", "playing-sound", "warning" (nullable string).
 */
TrDeviceTester  *tr_device_tester_new                (TrDeviceManager *devices) G_GNUC_WARN_UNUSED_RESULT;

TrDeviceManager *tr_device_tester_get_device_manager (TrDeviceTester *self);
gboolean         tr_device_tester_get_active         (TrDeviceTester *self);
void             tr_device_tester_set_active         (TrDeviceTester *self,
                                                      gboolean        active);
gboolean         tr_device_tester_get_preview_active (TrDeviceTester *self);
void             tr_device_tester_set_preview_active (TrDeviceTester *self,
                                                      gboolean        preview_active);
double           tr_device_tester_get_input_level    (TrDeviceTester *self);
gboolean         tr_device_tester_get_playing_sound  (TrDeviceTester *self);
/* (nullable) what went wrong last; NULL once another device is selected */
const char      *tr_device_tester_get_warning        (TrDeviceTester *self);
/* (nullable) (transfer none) the device that failed last */
TrDevice        *tr_device_tester_get_failed_device  (TrDeviceTester *self);

/* Plays the test sound on the selected speaker (again from the start if it plays). */
void             tr_device_tester_play_test_sound    (TrDeviceTester *self);

/**
 * tr_device_tester_set_preview_func:
 * @func: (nullable): receives each preview frame, on a streaming thread
 * @destroy: (nullable): frees @user_data once @func is no longer called
 *
 * @func is never called after this returns for an earlier function.
 */
void             tr_device_tester_set_preview_func   (TrDeviceTester  *self,
                                                      TrVideoFrameFunc func,
                                                      gpointer         user_data,
                                                      GDestroyNotify   destroy);

G_END_DECLS
