/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib-object.h>

#include "tr-types.h"

G_BEGIN_DECLS

#define TR_TYPE_DEVICE (tr_device_get_type ())
G_DECLARE_FINAL_TYPE (TrDevice, tr_device, TR, DEVICE, GObject)

/**
 * TrDevice:
 *
 * A microphone, speaker or camera listed by the #TrDeviceManager.
 *
 * Properties (all notify): "id" (stable for the device's life, e.g. the sound server's name of
 * the device), "name" (for people), "kind" (#TrDeviceKind), "is-default" (the system default
 * of its kind).
 */
const char   *tr_device_get_id         (TrDevice *self);
const char   *tr_device_get_name       (TrDevice *self);
TrDeviceKind  tr_device_get_kind       (TrDevice *self);
gboolean      tr_device_get_is_default (TrDevice *self);

G_END_DECLS
