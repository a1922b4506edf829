/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gst/gst.h>

#include "tr-device.h"

G_BEGIN_DECLS

TrDevice  *_tr_device_new            (GstDevice *device, TrDeviceKind kind, const char *id,
                                      const char *name, gboolean is_default) G_GNUC_WARN_UNUSED_RESULT;
GstDevice *_tr_device_get_gst_device (TrDevice *self);
void       _tr_device_set_is_default (TrDevice *self, gboolean is_default);
/* A new source or sink element for the device (floating ref), or NULL. */
GstElement *_tr_device_create_element (TrDevice *self, const char *name);

G_END_DECLS
