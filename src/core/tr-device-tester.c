/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "TrDeviceTester"

#include "config.h"

#include <math.h>

#include <gst/app/gstappsink.h>
#include <gst/app/gstappsrc.h>
#include <gst/gst.h>

#include "tr-device-private.h"
#include "tr-device-tester.h"

#define LEVEL_INTERVAL_NS (50 * GST_MSECOND) /* 20 notifies a second */
#define LEVEL_FLOOR_DB    -60.0
#define CHIME_RATE        48000
#define PREVIEW_CAPS      "video/x-raw,format=BGRx,width=[16,640],height=[16,480],pixel-aspect-ratio=1/1"

enum
{
  PROP_0,
  PROP_DEVICE_MANAGER,
  PROP_ACTIVE,
  PROP_PREVIEW_ACTIVE,
  PROP_INPUT_LEVEL,
  PROP_PLAYING_SOUND,
  PROP_WARNING,
  PROP_FAILED_DEVICE,
  N_PROPS
};

static GParamSpec *props[N_PROPS];

typedef struct
{
  GstElement *pipeline;
  guint       bus_watch;
  TrDevice   *device; /* what it runs on */
} Pipe;

struct _TrDeviceTester
{
  GObject          parent_instance;

  TrDeviceManager *devices;
  gboolean         active;
  gboolean         preview_active;
  double           input_level;
  char            *warning;
  TrDevice        *failed_device;

  Pipe             level;
  Pipe             sound;
  Pipe             preview;

  GMutex           preview_lock; /* guards the three below, taken on the streaming thread */
  TrVideoFrameFunc preview_func;
  gpointer         preview_data;
  GDestroyNotify   preview_destroy;
};

G_DEFINE_FINAL_TYPE (TrDeviceTester, tr_device_tester, G_TYPE_OBJECT)

typedef enum
{
  PIPE_LEVEL,
  PIPE_SOUND,
  PIPE_PREVIEW,
} PipeKind;

static void update_level_pipeline   (TrDeviceTester *self);
static void update_preview_pipeline (TrDeviceTester *self);

static void
set_input_level (TrDeviceTester *self,
                 double          level)
{
  level = CLAMP (level, 0.0, 1.0);
  if (self->input_level == level)
    return;

  self->input_level = level;
  g_object_notify_by_pspec (G_OBJECT (self), props[PROP_INPUT_LEVEL]);
}

static void
set_warning (TrDeviceTester *self,
             const char     *warning,
             TrDevice       *failed_device)
{
  g_object_freeze_notify (G_OBJECT (self));
  if (g_set_object (&self->failed_device, failed_device))
    g_object_notify_by_pspec (G_OBJECT (self), props[PROP_FAILED_DEVICE]);
  if (g_strcmp0 (self->warning, warning) != 0)
    {
      g_free (self->warning);
      self->warning = g_strdup (warning);
      g_object_notify_by_pspec (G_OBJECT (self), props[PROP_WARNING]);
    }
  g_object_thaw_notify (G_OBJECT (self));
}

static void
pipe_stop (Pipe *pipe)
{
  g_clear_handle_id (&pipe->bus_watch, g_source_remove);
  if (pipe->pipeline != NULL)
    {
      gst_element_set_state (pipe->pipeline, GST_STATE_NULL);
      gst_clear_object (&pipe->pipeline);
    }
  g_clear_object (&pipe->device);
}

static gboolean
pipe_start (Pipe       *pipe,
            GstElement *pipeline,
            TrDevice   *device,
            GstBusFunc  bus_func,
            gpointer    user_data)
{
  g_autoptr(GstBus) bus = gst_pipeline_get_bus (GST_PIPELINE (pipeline));

  pipe->pipeline = gst_object_ref_sink (pipeline);
  pipe->device = g_object_ref (device);
  pipe->bus_watch = gst_bus_add_watch (bus, bus_func, user_data);

  return gst_element_set_state (pipeline, GST_STATE_PLAYING) != GST_STATE_CHANGE_FAILURE;
}

/* A device failed: say so, stop its pipeline and let the device manager look again (if the
 * device is gone it falls back, and "selected-*" brings the tester to the fallback). */
static void
device_failed (TrDeviceTester *self,
               Pipe           *pipe,
               const char     *message)
{
  g_autoptr(TrDevice) device = pipe->device ? g_object_ref (pipe->device) : NULL;

  g_debug ("%s failed: %s", device ? tr_device_get_name (device) : "(none)", message);
  pipe_stop (pipe);
  set_warning (self, message, device);
  g_object_ref (self);
  if (pipe == &self->sound)
    g_object_notify_by_pspec (G_OBJECT (self), props[PROP_PLAYING_SOUND]);
  if (pipe == &self->level)
    set_input_level (self, 0);
  tr_device_manager_refresh (self->devices);
  g_object_unref (self);
}

static gboolean
bus_error (TrDeviceTester *self,
           Pipe           *pipe,
           GstMessage     *message)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *debug = NULL;

  if (GST_MESSAGE_TYPE (message) != GST_MESSAGE_ERROR)
    return FALSE;

  gst_message_parse_error (message, &error, &debug);
  g_debug ("%s", debug ? debug : "");
  device_failed (self, pipe, error->message);
  return TRUE;
}

static gboolean
level_bus_cb (GstBus     *bus,
              GstMessage *message,
              gpointer    user_data)
{
  TrDeviceTester *self = user_data;
  const GstStructure *s;
  const GValue *peaks;
  double loudest = -G_MAXDOUBLE;

  if (bus_error (self, &self->level, message))
    return G_SOURCE_REMOVE;

  if (GST_MESSAGE_TYPE (message) != GST_MESSAGE_ELEMENT)
    return G_SOURCE_CONTINUE;
  s = gst_message_get_structure (message);
  if (!gst_structure_has_name (s, "level"))
    return G_SOURCE_CONTINUE;

  peaks = gst_structure_get_value (s, "peak");
  if (peaks == NULL)
    return G_SOURCE_CONTINUE;

  /* level 1.22 still posts a GValueArray */
  G_GNUC_BEGIN_IGNORE_DEPRECATIONS
  {
    GValueArray *array = g_value_get_boxed (peaks);

    for (guint i = 0; array != NULL && i < array->n_values; i++)
      loudest = MAX (loudest, g_value_get_double (g_value_array_get_nth (array, i)));
  }
  G_GNUC_END_IGNORE_DEPRECATIONS

  if (isnan (loudest) || loudest <= LEVEL_FLOOR_DB)
    set_input_level (self, 0);
  else
    set_input_level (self, (loudest - LEVEL_FLOOR_DB) / -LEVEL_FLOOR_DB);

  return G_SOURCE_CONTINUE;
}

static void
update_level_pipeline (TrDeviceTester *self)
{
  TrDevice *mic = self->active ? tr_device_manager_get_selected_microphone (self->devices) : NULL;
  GstElement *pipeline, *src, *convert, *level, *sink;

  if (mic != NULL && self->level.device == mic)
    return;

  pipe_stop (&self->level);
  set_input_level (self, 0);
  if (mic == NULL)
    return;

  src = _tr_device_create_element (mic, "mic");
  if (src == NULL)
    {
      set_warning (self, "The microphone offers no element", mic);
      return;
    }

  pipeline = gst_pipeline_new ("tr-device-tester-level");
  convert = gst_element_factory_make ("audioconvert", NULL);
  level = gst_element_factory_make ("level", NULL);
  sink = gst_element_factory_make ("fakesink", NULL);
  g_object_set (level, "interval", (guint64) LEVEL_INTERVAL_NS, "post-messages", TRUE, NULL);
  g_object_set (sink, "sync", FALSE, "async", FALSE, NULL);
  gst_bin_add_many (GST_BIN (pipeline), src, convert, level, sink, NULL);
  if (!gst_element_link_many (src, convert, level, sink, NULL))
    {
      gst_object_unref (gst_object_ref_sink (pipeline));
      set_warning (self, "The microphone cannot be read", mic);
      return;
    }

  if (!pipe_start (&self->level, pipeline, mic, level_bus_cb, self))
    device_failed (self, &self->level, "The microphone could not be opened");
}

/* The chime: C5, E5, G5, a third of a second each, with a soft attack and decay. */
static GstBuffer *
make_chime (void)
{
  static const double notes[] = { 523.25, 659.25, 783.99 };
  const guint note_samples = CHIME_RATE / 3;
  const guint n = note_samples * G_N_ELEMENTS (notes);
  GstBuffer *buffer = gst_buffer_new_allocate (NULL, n * sizeof (gint16), NULL);
  GstMapInfo map;
  gint16 *pcm;

  gst_buffer_map (buffer, &map, GST_MAP_WRITE);
  pcm = (gint16 *) map.data;
  for (guint i = 0; i < n; i++)
    {
      guint note = i / note_samples;
      double t = (double) (i % note_samples) / CHIME_RATE;
      double left = (double) (note_samples - i % note_samples) / CHIME_RATE;
      double envelope = MIN (1.0, t / 0.01) * MIN (1.0, left / 0.02) * exp (-2.0 * t);
      double wave = sin (2 * G_PI * notes[note] * t) + 0.2 * sin (4 * G_PI * notes[note] * t);

      pcm[i] = (gint16) (0.35 * 32767 * envelope * wave / 1.2);
    }
  gst_buffer_unmap (buffer, &map);

  GST_BUFFER_PTS (buffer) = 0;
  GST_BUFFER_DURATION (buffer) = gst_util_uint64_scale (n, GST_SECOND, CHIME_RATE);
  return buffer;
}

static gboolean
sound_bus_cb (GstBus     *bus,
              GstMessage *message,
              gpointer    user_data)
{
  TrDeviceTester *self = user_data;

  if (bus_error (self, &self->sound, message))
    return G_SOURCE_REMOVE;

  if (GST_MESSAGE_TYPE (message) == GST_MESSAGE_EOS)
    {
      pipe_stop (&self->sound);
      g_object_notify_by_pspec (G_OBJECT (self), props[PROP_PLAYING_SOUND]);
      return G_SOURCE_REMOVE;
    }

  return G_SOURCE_CONTINUE;
}

static GstFlowReturn
preview_sample_cb (GstAppSink *appsink,
                   gpointer    user_data)
{
  TrDeviceTester *self = user_data;
  g_autoptr(GstSample) sample = gst_app_sink_pull_sample (appsink);

  if (sample == NULL)
    return GST_FLOW_EOS;

  g_mutex_lock (&self->preview_lock);
  if (self->preview_func != NULL)
    self->preview_func (sample, self->preview_data);
  g_mutex_unlock (&self->preview_lock);

  return GST_FLOW_OK;
}

static gboolean
preview_bus_cb (GstBus     *bus,
                GstMessage *message,
                gpointer    user_data)
{
  TrDeviceTester *self = user_data;

  if (bus_error (self, &self->preview, message))
    return G_SOURCE_REMOVE;

  return G_SOURCE_CONTINUE;
}

static void
update_preview_pipeline (TrDeviceTester *self)
{
  TrDevice *camera = NULL;
  GstElement *pipeline, *src, *convert, *scale, *sink;
  g_autoptr(GstCaps) caps = NULL;
  GstAppSinkCallbacks callbacks = { .new_sample = preview_sample_cb };

  if (self->active && self->preview_active)
    camera = tr_device_manager_get_selected_camera (self->devices);
  if (camera != NULL && self->preview.device == camera)
    return;

  pipe_stop (&self->preview);
  if (camera == NULL)
    return;

  src = _tr_device_create_element (camera, "camera");
  if (src == NULL)
    {
      set_warning (self, "The camera offers no element", camera);
      return;
    }

  pipeline = gst_pipeline_new ("tr-device-tester-preview");
  convert = gst_element_factory_make ("videoconvert", NULL);
  scale = gst_element_factory_make ("videoscale", NULL);
  sink = gst_element_factory_make ("appsink", NULL);
  caps = gst_caps_from_string (PREVIEW_CAPS);
  g_object_set (sink, "caps", caps, "max-buffers", 2, "drop", TRUE, "sync", FALSE, NULL);
  gst_app_sink_set_callbacks (GST_APP_SINK (sink), &callbacks, self, NULL);
  gst_bin_add_many (GST_BIN (pipeline), src, convert, scale, sink, NULL);
  if (!gst_element_link_many (src, convert, scale, sink, NULL))
    {
      gst_object_unref (gst_object_ref_sink (pipeline));
      set_warning (self, "The camera cannot be read", camera);
      return;
    }

  if (!pipe_start (&self->preview, pipeline, camera, preview_bus_cb, self))
    device_failed (self, &self->preview, "The camera could not be opened");
}

static void
selected_changed_cb (TrDeviceTester *self)
{
  /* Another device: an old warning no longer applies. */
  if (self->failed_device != NULL
      && self->failed_device != tr_device_manager_get_selected (self->devices,
                                                                tr_device_get_kind (self->failed_device)))
    set_warning (self, NULL, NULL);

  update_level_pipeline (self);
  update_preview_pipeline (self);
}

static void
tr_device_tester_get_property (GObject    *object,
                               guint       prop_id,
                               GValue     *value,
                               GParamSpec *pspec)
{
  TrDeviceTester *self = TR_DEVICE_TESTER (object);

  switch (prop_id)
    {
    case PROP_DEVICE_MANAGER:
      g_value_set_object (value, self->devices);
      break;
    case PROP_ACTIVE:
      g_value_set_boolean (value, self->active);
      break;
    case PROP_PREVIEW_ACTIVE:
      g_value_set_boolean (value, self->preview_active);
      break;
    case PROP_INPUT_LEVEL:
      g_value_set_double (value, self->input_level);
      break;
    case PROP_PLAYING_SOUND:
      g_value_set_boolean (value, tr_device_tester_get_playing_sound (self));
      break;
    case PROP_WARNING:
      g_value_set_string (value, self->warning);
      break;
    case PROP_FAILED_DEVICE:
      g_value_set_object (value, self->failed_device);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tr_device_tester_set_property (GObject      *object,
                               guint         prop_id,
                               const GValue *value,
                               GParamSpec   *pspec)
{
  TrDeviceTester *self = TR_DEVICE_TESTER (object);

  switch (prop_id)
    {
    case PROP_DEVICE_MANAGER:
      self->devices = g_value_dup_object (value);
      break;
    case PROP_ACTIVE:
      tr_device_tester_set_active (self, g_value_get_boolean (value));
      break;
    case PROP_PREVIEW_ACTIVE:
      tr_device_tester_set_preview_active (self, g_value_get_boolean (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tr_device_tester_constructed (GObject *object)
{
  TrDeviceTester *self = TR_DEVICE_TESTER (object);

  G_OBJECT_CLASS (tr_device_tester_parent_class)->constructed (object);

  g_assert (TR_IS_DEVICE_MANAGER (self->devices));
  g_signal_connect_object (self->devices, "notify::selected-microphone",
                           G_CALLBACK (selected_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->devices, "notify::selected-camera",
                           G_CALLBACK (selected_changed_cb), self, G_CONNECT_SWAPPED);
}

static void
tr_device_tester_dispose (GObject *object)
{
  TrDeviceTester *self = TR_DEVICE_TESTER (object);

  pipe_stop (&self->level);
  pipe_stop (&self->sound);
  pipe_stop (&self->preview);
  tr_device_tester_set_preview_func (self, NULL, NULL, NULL);
  if (self->devices != NULL)
    g_signal_handlers_disconnect_by_data (self->devices, self);
  g_clear_object (&self->devices);
  g_clear_object (&self->failed_device);

  G_OBJECT_CLASS (tr_device_tester_parent_class)->dispose (object);
}

static void
tr_device_tester_finalize (GObject *object)
{
  TrDeviceTester *self = TR_DEVICE_TESTER (object);

  g_free (self->warning);
  g_mutex_clear (&self->preview_lock);

  G_OBJECT_CLASS (tr_device_tester_parent_class)->finalize (object);
}

static void
tr_device_tester_class_init (TrDeviceTesterClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags ro = G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY;
  GParamFlags rw = G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY;

  object_class->get_property = tr_device_tester_get_property;
  object_class->set_property = tr_device_tester_set_property;
  object_class->constructed = tr_device_tester_constructed;
  object_class->dispose = tr_device_tester_dispose;
  object_class->finalize = tr_device_tester_finalize;

  props[PROP_DEVICE_MANAGER] =
    g_param_spec_object ("device-manager", NULL, NULL, TR_TYPE_DEVICE_MANAGER,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  props[PROP_ACTIVE] = g_param_spec_boolean ("active", NULL, NULL, FALSE, rw);
  props[PROP_PREVIEW_ACTIVE] = g_param_spec_boolean ("preview-active", NULL, NULL, FALSE, rw);
  props[PROP_INPUT_LEVEL] = g_param_spec_double ("input-level", NULL, NULL, 0, 1, 0, ro);
  props[PROP_PLAYING_SOUND] = g_param_spec_boolean ("playing-sound", NULL, NULL, FALSE, ro);
  props[PROP_WARNING] = g_param_spec_string ("warning", NULL, NULL, NULL, ro);
  props[PROP_FAILED_DEVICE] = g_param_spec_object ("failed-device", NULL, NULL, TR_TYPE_DEVICE,
                                                   ro);

  g_object_class_install_properties (object_class, N_PROPS, props);
}

static void
tr_device_tester_init (TrDeviceTester *self)
{
  g_mutex_init (&self->preview_lock);
}

TrDeviceTester *
tr_device_tester_new (TrDeviceManager *devices)
{
  g_return_val_if_fail (TR_IS_DEVICE_MANAGER (devices), NULL);

  return g_object_new (TR_TYPE_DEVICE_TESTER, "device-manager", devices, NULL);
}

TrDeviceManager *
tr_device_tester_get_device_manager (TrDeviceTester *self)
{
  g_return_val_if_fail (TR_IS_DEVICE_TESTER (self), NULL);
  return self->devices;
}

gboolean
tr_device_tester_get_active (TrDeviceTester *self)
{
  g_return_val_if_fail (TR_IS_DEVICE_TESTER (self), FALSE);
  return self->active;
}

void
tr_device_tester_set_active (TrDeviceTester *self,
                             gboolean        active)
{
  g_return_if_fail (TR_IS_DEVICE_TESTER (self));

  active = !!active;
  if (self->active == active)
    return;

  self->active = active;
  g_object_freeze_notify (G_OBJECT (self));
  if (!active && self->sound.pipeline != NULL)
    {
      pipe_stop (&self->sound);
      g_object_notify_by_pspec (G_OBJECT (self), props[PROP_PLAYING_SOUND]);
    }
  update_level_pipeline (self);
  update_preview_pipeline (self);
  g_object_notify_by_pspec (G_OBJECT (self), props[PROP_ACTIVE]);
  g_object_thaw_notify (G_OBJECT (self));
}

gboolean
tr_device_tester_get_preview_active (TrDeviceTester *self)
{
  g_return_val_if_fail (TR_IS_DEVICE_TESTER (self), FALSE);
  return self->preview_active;
}

void
tr_device_tester_set_preview_active (TrDeviceTester *self,
                                     gboolean        preview_active)
{
  g_return_if_fail (TR_IS_DEVICE_TESTER (self));

  preview_active = !!preview_active;
  if (self->preview_active == preview_active)
    return;

  self->preview_active = preview_active;
  update_preview_pipeline (self);
  g_object_notify_by_pspec (G_OBJECT (self), props[PROP_PREVIEW_ACTIVE]);
}

double
tr_device_tester_get_input_level (TrDeviceTester *self)
{
  g_return_val_if_fail (TR_IS_DEVICE_TESTER (self), 0);
  return self->input_level;
}

gboolean
tr_device_tester_get_playing_sound (TrDeviceTester *self)
{
  g_return_val_if_fail (TR_IS_DEVICE_TESTER (self), FALSE);
  return self->sound.pipeline != NULL;
}

const char *
tr_device_tester_get_warning (TrDeviceTester *self)
{
  g_return_val_if_fail (TR_IS_DEVICE_TESTER (self), NULL);
  return self->warning;
}

TrDevice *
tr_device_tester_get_failed_device (TrDeviceTester *self)
{
  g_return_val_if_fail (TR_IS_DEVICE_TESTER (self), NULL);
  return self->failed_device;
}

void
tr_device_tester_play_test_sound (TrDeviceTester *self)
{
  TrDevice *speaker;
  GstElement *pipeline, *src, *convert, *resample, *sink;
  g_autoptr(GstCaps) caps = NULL;
  gboolean was_playing;

  g_return_if_fail (TR_IS_DEVICE_TESTER (self));

  was_playing = self->sound.pipeline != NULL;
  pipe_stop (&self->sound);

  speaker = tr_device_manager_get_selected_speaker (self->devices);
  sink = speaker ? _tr_device_create_element (speaker, "speaker") : NULL;
  if (sink == NULL)
    {
      if (speaker != NULL)
        set_warning (self, "The speaker offers no element", speaker);
      if (was_playing)
        g_object_notify_by_pspec (G_OBJECT (self), props[PROP_PLAYING_SOUND]);
      return;
    }

  pipeline = gst_pipeline_new ("tr-device-tester-sound");
  src = gst_element_factory_make ("appsrc", NULL);
  convert = gst_element_factory_make ("audioconvert", NULL);
  resample = gst_element_factory_make ("audioresample", NULL);
  caps = gst_caps_new_simple ("audio/x-raw", "format", G_TYPE_STRING, "S16LE",
                              "layout", G_TYPE_STRING, "interleaved",
                              "rate", G_TYPE_INT, CHIME_RATE, "channels", G_TYPE_INT, 1, NULL);
  g_object_set (src, "caps", caps, "format", GST_FORMAT_TIME, NULL);
  gst_bin_add_many (GST_BIN (pipeline), src, convert, resample, sink, NULL);
  if (!gst_element_link_many (src, convert, resample, sink, NULL))
    {
      gst_object_unref (gst_object_ref_sink (pipeline));
      set_warning (self, "The speaker cannot play sound", speaker);
      if (was_playing)
        g_object_notify_by_pspec (G_OBJECT (self), props[PROP_PLAYING_SOUND]);
      return;
    }

  gst_app_src_push_buffer (GST_APP_SRC (src), make_chime ());
  gst_app_src_end_of_stream (GST_APP_SRC (src));

  if (!pipe_start (&self->sound, pipeline, speaker, sound_bus_cb, self))
    {
      device_failed (self, &self->sound, "The speaker could not be opened");
      return;
    }
  if (self->failed_device == speaker)
    set_warning (self, NULL, NULL);
  if (!was_playing)
    g_object_notify_by_pspec (G_OBJECT (self), props[PROP_PLAYING_SOUND]);
}

void
tr_device_tester_set_preview_func (TrDeviceTester  *self,
                                   TrVideoFrameFunc func,
                                   gpointer         user_data,
                                   GDestroyNotify   destroy)
{
  gpointer old_data;
  GDestroyNotify old_destroy;

  g_return_if_fail (TR_IS_DEVICE_TESTER (self));

  /* The streaming thread calls the function with the lock held: once we have it, the old one
   * is not running and will not run again. */
  g_mutex_lock (&self->preview_lock);
  old_data = self->preview_data;
  old_destroy = self->preview_destroy;
  self->preview_func = func;
  self->preview_data = user_data;
  self->preview_destroy = destroy;
  g_mutex_unlock (&self->preview_lock);

  if (old_destroy != NULL)
    old_destroy (old_data);
}
