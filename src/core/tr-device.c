/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "TrDevice"

#include "config.h"

#include "tr-device-private.h"
#include "tr-enum-types.h"

enum {
  PROP_0,
  PROP_ID,
  PROP_NAME,
  PROP_KIND,
  PROP_IS_DEFAULT,
  N_PROPS
};

static GParamSpec *props[N_PROPS];

struct _TrDevice
{
  GObject       parent_instance;
  GstDevice    *device;
  TrDeviceKind  kind;
  char         *id;
  char         *name;
  gboolean      is_default;
};

G_DEFINE_FINAL_TYPE (TrDevice, tr_device, G_TYPE_OBJECT)

static void
tr_device_get_property (GObject    *object,
                        guint       prop_id,
                        GValue     *value,
                        GParamSpec *pspec)
{
  TrDevice *self = TR_DEVICE (object);

  switch (prop_id)
    {
    case PROP_ID:
      g_value_set_string (value, self->id);
      break;
    case PROP_NAME:
      g_value_set_string (value, self->name);
      break;
    case PROP_KIND:
      g_value_set_enum (value, self->kind);
      break;
    case PROP_IS_DEFAULT:
      g_value_set_boolean (value, self->is_default);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tr_device_finalize (GObject *object)
{
  TrDevice *self = TR_DEVICE (object);

  g_clear_object (&self->device);
  g_free (self->id);
  g_free (self->name);

  G_OBJECT_CLASS (tr_device_parent_class)->finalize (object);
}

static void
tr_device_class_init (TrDeviceClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags flags = G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY;

  object_class->get_property = tr_device_get_property;
  object_class->finalize = tr_device_finalize;

  props[PROP_ID] = g_param_spec_string ("id", NULL, NULL, NULL, flags);
  props[PROP_NAME] = g_param_spec_string ("name", NULL, NULL, NULL, flags);
  props[PROP_KIND] = g_param_spec_enum ("kind", NULL, NULL, TR_TYPE_DEVICE_KIND,
                                        TR_DEVICE_KIND_MICROPHONE, flags);
  props[PROP_IS_DEFAULT] = g_param_spec_boolean ("is-default", NULL, NULL, FALSE, flags);

  g_object_class_install_properties (object_class, N_PROPS, props);
}

static void
tr_device_init (TrDevice *self)
{
}

TrDevice *
_tr_device_new (GstDevice    *device,
                TrDeviceKind  kind,
                const char   *id,
                const char   *name,
                gboolean      is_default)
{
  TrDevice *self = g_object_new (TR_TYPE_DEVICE, NULL);

  self->device = device ? g_object_ref (device) : NULL;
  self->kind = kind;
  self->id = g_strdup (id);
  self->name = g_strdup (name);
  self->is_default = !!is_default;

  return self;
}

GstDevice *
_tr_device_get_gst_device (TrDevice *self)
{
  g_return_val_if_fail (TR_IS_DEVICE (self), NULL);
  return self->device;
}

void
_tr_device_set_is_default (TrDevice *self,
                           gboolean  is_default)
{
  g_return_if_fail (TR_IS_DEVICE (self));

  is_default = !!is_default;
  if (self->is_default == is_default)
    return;

  self->is_default = is_default;
  g_object_notify_by_pspec (G_OBJECT (self), props[PROP_IS_DEFAULT]);
}

GstElement *
_tr_device_create_element (TrDevice   *self,
                           const char *name)
{
  g_return_val_if_fail (TR_IS_DEVICE (self), NULL);

  if (self->device == NULL)
    return NULL;

  return gst_device_create_element (self->device, name);
}

const char *
tr_device_get_id (TrDevice *self)
{
  g_return_val_if_fail (TR_IS_DEVICE (self), NULL);
  return self->id;
}

const char *
tr_device_get_name (TrDevice *self)
{
  g_return_val_if_fail (TR_IS_DEVICE (self), NULL);
  return self->name;
}

TrDeviceKind
tr_device_get_kind (TrDevice *self)
{
  g_return_val_if_fail (TR_IS_DEVICE (self), TR_DEVICE_KIND_MICROPHONE);
  return self->kind;
}

gboolean
tr_device_get_is_default (TrDevice *self)
{
  g_return_val_if_fail (TR_IS_DEVICE (self), FALSE);
  return self->is_default;
}
