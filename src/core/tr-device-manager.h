/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "tr-types.h"
#include "tr-device.h"

G_BEGIN_DECLS

#define TR_TYPE_DEVICE_MANAGER (tr_device_manager_get_type ())
G_DECLARE_FINAL_TYPE (TrDeviceManager, tr_device_manager, TR, DEVICE_MANAGER, GObject)

/**
 * TrDeviceManager:
 *
 * The microphones, speakers and cameras of this machine (a #GstDeviceMonitor underneath),
 * and which of them calls use. Owned by the #TrCallClient
 * (tr_call_client_get_device_manager()). The monitor starts on first use.
 *
 * Properties (all notify): "microphones", "speakers", "cameras" (GListModel of #TrDevice;
 * sound-server monitor sources are left out, each device is listed once), "selected-microphone",
 * "selected-speaker", "selected-camera" (#TrDevice or NULL when there is none of that kind;
 * the system default until tr_device_manager_select() picks another), "lost-device" (the
 * last selected device that disappeared, NULL once a device of its kind is selected again).
 *
 * Selecting a device switches the running calls to it at once, without dropping them. When the
 * selected device disappears the manager falls back to the system default of that kind (or
 * the first device, or none) and says so: "lost-device" and the "fell-back" signal.
 *
 * Signals:
 * - "devices-updated" (TrDeviceKind kind, TrDevice *added, TrDevice *removed): one of @added /
 *   @removed is set; after the list model changed.
 * - "fell-back" (TrDeviceKind kind, TrDevice *lost_device): after "selected-*" changed to
 *   the fallback.
 *
 * The test camera ("Test Camera (development)", a live test pattern) is only offered when
 * `TRANSFER_TEST_CAMERA=1` is set or after tr_device_manager_enable_test_camera().
 */
TrDeviceManager *tr_device_manager_new                 (void) G_GNUC_WARN_UNUSED_RESULT;

/* (transfer none) GListModel of #TrDevice */
GListModel      *tr_device_manager_get_devices         (TrDeviceManager *self, TrDeviceKind kind);
GListModel      *tr_device_manager_get_microphones     (TrDeviceManager *self);
GListModel      *tr_device_manager_get_speakers        (TrDeviceManager *self);
GListModel      *tr_device_manager_get_cameras         (TrDeviceManager *self);

/* (nullable) (transfer none) */
TrDevice        *tr_device_manager_get_selected        (TrDeviceManager *self, TrDeviceKind kind);
TrDevice        *tr_device_manager_get_selected_microphone (TrDeviceManager *self);
TrDevice        *tr_device_manager_get_selected_speaker    (TrDeviceManager *self);
TrDevice        *tr_device_manager_get_selected_camera     (TrDeviceManager *self);
/* (nullable) (transfer none) the system default of @kind, if the sound server names one */
TrDevice        *tr_device_manager_get_default         (TrDeviceManager *self, TrDeviceKind kind);
/* (nullable) (transfer none) */
TrDevice        *tr_device_manager_get_lost_device     (TrDeviceManager *self);

/* @device: (nullable): a device listed by @self, or NULL for the system default */
void             tr_device_manager_select              (TrDeviceManager *self, TrDeviceKind kind,
                                                        TrDevice *device);
void             tr_device_manager_select_microphone   (TrDeviceManager *self, TrDevice *device);
void             tr_device_manager_select_speaker      (TrDeviceManager *self, TrDevice *device);
void             tr_device_manager_select_camera       (TrDeviceManager *self, TrDevice *device);

/*
 * The device the user prefers (an id, e.g. kept in settings; NULL or "" for the system
 * default): selected whenever it is listed — now, when the monitor starts, and each time it
 * is plugged in again after a fallback. Does not start the device monitor (nor GStreamer).
 */
void             tr_device_manager_set_preferred       (TrDeviceManager *self, TrDeviceKind kind,
                                                        const char *id);
/* (nullable) */
const char      *tr_device_manager_get_preferred       (TrDeviceManager *self, TrDeviceKind kind);

/* (nullable) (transfer none) a listed device of @kind whose id or name is @id_or_name */
TrDevice        *tr_device_manager_find                (TrDeviceManager *self, TrDeviceKind kind,
                                                        const char *id_or_name);

/* Offers the test camera from now on (development and tests only). */
void             tr_device_manager_enable_test_camera  (TrDeviceManager *self);
/* Restarts the device monitor and brings the lists up to date. Done by itself when the sound
 * server restarts (its socket is re-created; the monitor would go stale) and when a call's
 * device fails. */
void             tr_device_manager_refresh             (TrDeviceManager *self);

G_END_DECLS
