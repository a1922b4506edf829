/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/* Private to src/core. */

#include <gst/gst.h>

G_BEGIN_DECLS

#define TR_TEST_CAMERA_NAME "Test Camera (development)"
#define TR_TEST_CAMERA_ID   "transfer-test-camera"

/*
 * Registers, once per process, an in-process GstDeviceProvider ("trtestcameraprovider") that
 * offers one clearly labelled camera, TR_TEST_CAMERA_NAME, backed by `videotestsrc is-live=true`.
 * Only called when the test camera is enabled (TRANSFER_TEST_CAMERA=1 or
 * tr_device_manager_enable_test_camera()); never registered otherwise. A device monitor started
 * afterwards lists it.
 */
void     _tr_test_camera_register      (void);
gboolean _tr_test_camera_is_registered (void);

G_END_DECLS
