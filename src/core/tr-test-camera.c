/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "TrTestCamera"

#include "config.h"

#include "tr-test-camera.h"

/* The device: creates a live test pattern. */

#define TR_TYPE_TEST_CAMERA_DEVICE (tr_test_camera_device_get_type ())
G_DECLARE_FINAL_TYPE (TrTestCameraDevice, tr_test_camera_device, TR, TEST_CAMERA_DEVICE, GstDevice)

struct _TrTestCameraDevice
{
  GstDevice parent_instance;
};

G_DEFINE_FINAL_TYPE (TrTestCameraDevice, tr_test_camera_device, GST_TYPE_DEVICE)

static GstElement *
tr_test_camera_device_create_element (GstDevice  *device,
                                      const char *name)
{
  GstElement *src = gst_element_factory_make ("videotestsrc", name);

  if (src != NULL)
    g_object_set (src, "is-live", TRUE, NULL);

  return src;
}

static void
tr_test_camera_device_class_init (TrTestCameraDeviceClass *klass)
{
  GST_DEVICE_CLASS (klass)->create_element = tr_test_camera_device_create_element;
}

static void
tr_test_camera_device_init (TrTestCameraDevice *self)
{
}

/* The provider: one device, listed while the provider runs. */

#define TR_TYPE_TEST_CAMERA_PROVIDER (tr_test_camera_provider_get_type ())
G_DECLARE_FINAL_TYPE (TrTestCameraProvider, tr_test_camera_provider, TR, TEST_CAMERA_PROVIDER,
                      GstDeviceProvider)

struct _TrTestCameraProvider
{
  GstDeviceProvider parent_instance;
};

G_DEFINE_FINAL_TYPE (TrTestCameraProvider, tr_test_camera_provider, GST_TYPE_DEVICE_PROVIDER)

static GstDevice *
test_camera_device_new (void)
{
  g_autoptr(GstCaps) caps = gst_caps_from_string ("video/x-raw");
  g_autoptr(GstStructure) props = gst_structure_new ("properties",
                                                     "device.id", G_TYPE_STRING, TR_TEST_CAMERA_ID,
                                                     "is-default", G_TYPE_BOOLEAN, FALSE,
                                                     "transfer.test-camera", G_TYPE_BOOLEAN, TRUE,
                                                     NULL);

  return g_object_new (TR_TYPE_TEST_CAMERA_DEVICE,
                       "display-name", TR_TEST_CAMERA_NAME,
                       "device-class", "Video/Source",
                       "caps", caps,
                       "properties", props,
                       NULL);
}

static GList *
tr_test_camera_provider_probe (GstDeviceProvider *provider)
{
  return g_list_append (NULL, gst_object_ref_sink (test_camera_device_new ()));
}

static void
tr_test_camera_provider_class_init (TrTestCameraProviderClass *klass)
{
  GstDeviceProviderClass *provider_class = GST_DEVICE_PROVIDER_CLASS (klass);

  provider_class->probe = tr_test_camera_provider_probe;
  gst_device_provider_class_set_static_metadata (provider_class, "Transfer test camera",
                                                 "Source/Video",
                                                 "A test pattern for development and tests",
                                                 "Transfer");
}

static void
tr_test_camera_provider_init (TrTestCameraProvider *self)
{
}

static gboolean
plugin_init (GstPlugin *plugin)
{
  return gst_device_provider_register (plugin, "trtestcameraprovider", GST_RANK_PRIMARY,
                                       TR_TYPE_TEST_CAMERA_PROVIDER);
}

static gsize registered;
static gboolean registered_ok;

void
_tr_test_camera_register (void)
{
  if (g_once_init_enter (&registered))
    {
      gst_init (NULL, NULL);
      gboolean ok = gst_plugin_register_static (GST_VERSION_MAJOR, GST_VERSION_MINOR,
                                                "trtestcamera",
                                                "Transfer's test camera (development only)",
                                                plugin_init, PACKAGE_VERSION, "GPL",
                                                "transfer", "transfer",
                                                "https://example.com/transfer");
      if (!ok)
        g_debug ("Could not register the test camera");
      g_atomic_int_set (&registered_ok, TRUE);
      g_once_init_leave (&registered, 1);
    }
}

gboolean
_tr_test_camera_is_registered (void)
{
  return g_atomic_int_get (&registered_ok);
}
