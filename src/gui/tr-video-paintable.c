/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "TrVideoPaintable"

#include "config.h"

#include <gst/video/video.h>

#include "tr-video-paintable.h"

struct _TrVideoPaintable
{
  GObject     parent_instance;

  GdkTexture *texture; /* main thread */

  GMutex      lock;    /* guards the two below */
  GstSample  *pending; /* the latest frame not shown yet */
  GSource    *idle;    /* set while a hand-over to the main context is on its way */
};

static void tr_video_paintable_paintable_init (GdkPaintableInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (TrVideoPaintable, tr_video_paintable, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (GDK_TYPE_PAINTABLE,
                                                      tr_video_paintable_paintable_init))

static void
frame_free (gpointer data)
{
  GstVideoFrame *frame = data;

  gst_video_frame_unmap (frame);
  g_free (frame);
}

/* A texture on the mapped buffer (kept mapped while the texture lives), or NULL. */
static GdkTexture *
texture_from_sample (GstSample *sample)
{
  g_autoptr(GBytes) bytes = NULL;
  GstVideoInfo info;
  GstVideoFrame *frame;
  GdkMemoryFormat format;
  GstBuffer *buffer = gst_sample_get_buffer (sample);
  GstCaps *caps = gst_sample_get_caps (sample);
  int stride, width, height;

  if (buffer == NULL || caps == NULL || !gst_video_info_from_caps (&info, caps))
    return NULL;

  switch (GST_VIDEO_INFO_FORMAT (&info))
    {
    case GST_VIDEO_FORMAT_BGRx:
    case GST_VIDEO_FORMAT_BGRA:
      format = GDK_MEMORY_B8G8R8A8;
      break;
    case GST_VIDEO_FORMAT_RGBx:
    case GST_VIDEO_FORMAT_RGBA:
      format = GDK_MEMORY_R8G8B8A8;
      break;
    default:
      g_debug ("Unsupported video format %s", gst_video_format_to_string (GST_VIDEO_INFO_FORMAT (&info)));
      return NULL;
    }

  frame = g_new0 (GstVideoFrame, 1);
  if (!gst_video_frame_map (frame, &info, buffer, GST_MAP_READ))
    {
      g_free (frame);
      return NULL;
    }

  /* The stride is the buffer's (GstVideoMeta), not necessarily width × 4. */
  stride = GST_VIDEO_FRAME_PLANE_STRIDE (frame, 0);
  width = GST_VIDEO_FRAME_WIDTH (frame);
  height = GST_VIDEO_FRAME_HEIGHT (frame);
  if (width <= 0 || height <= 0 || stride < width * 4)
    {
      frame_free (frame);
      return NULL;
    }

  bytes = g_bytes_new_with_free_func (GST_VIDEO_FRAME_PLANE_DATA (frame, 0),
                                      (gsize) stride * (height - 1) + (gsize) width * 4,
                                      frame_free, frame);
  return gdk_memory_texture_new (width, height, format, bytes, stride);
}

static void
show_texture (TrVideoPaintable *self,
              GdkTexture       *texture)
{
  gboolean size_changed;

  if (texture == NULL && self->texture == NULL)
    return;

  size_changed = texture == NULL || self->texture == NULL
                 || gdk_texture_get_width (texture) != gdk_texture_get_width (self->texture)
                 || gdk_texture_get_height (texture) != gdk_texture_get_height (self->texture);
  g_set_object (&self->texture, texture);

  if (size_changed)
    gdk_paintable_invalidate_size (GDK_PAINTABLE (self));
  gdk_paintable_invalidate_contents (GDK_PAINTABLE (self));
}

static gboolean
show_pending_cb (gpointer user_data)
{
  TrVideoPaintable *self = user_data;
  g_autoptr(GstSample) sample = NULL;
  g_autoptr(GdkTexture) texture = NULL;

  g_mutex_lock (&self->lock);
  sample = g_steal_pointer (&self->pending);
  g_clear_pointer (&self->idle, g_source_unref);
  g_mutex_unlock (&self->lock);

  if (sample != NULL && (texture = texture_from_sample (sample)) != NULL)
    show_texture (self, texture);

  return G_SOURCE_REMOVE;
}

static void
tr_video_paintable_snapshot (GdkPaintable *paintable,
                             GdkSnapshot  *snapshot,
                             double        width,
                             double        height)
{
  TrVideoPaintable *self = TR_VIDEO_PAINTABLE (paintable);

  if (self->texture != NULL)
    gdk_paintable_snapshot (GDK_PAINTABLE (self->texture), snapshot, width, height);
}

static GdkPaintable *
tr_video_paintable_get_current_image (GdkPaintable *paintable)
{
  TrVideoPaintable *self = TR_VIDEO_PAINTABLE (paintable);

  if (self->texture != NULL)
    return GDK_PAINTABLE (g_object_ref (self->texture));

  return gdk_paintable_new_empty (0, 0);
}

static int
tr_video_paintable_get_intrinsic_width (GdkPaintable *paintable)
{
  TrVideoPaintable *self = TR_VIDEO_PAINTABLE (paintable);

  return self->texture != NULL ? gdk_texture_get_width (self->texture) : 0;
}

static int
tr_video_paintable_get_intrinsic_height (GdkPaintable *paintable)
{
  TrVideoPaintable *self = TR_VIDEO_PAINTABLE (paintable);

  return self->texture != NULL ? gdk_texture_get_height (self->texture) : 0;
}

static double
tr_video_paintable_get_intrinsic_aspect_ratio (GdkPaintable *paintable)
{
  TrVideoPaintable *self = TR_VIDEO_PAINTABLE (paintable);

  if (self->texture == NULL)
    return 0;

  return (double) gdk_texture_get_width (self->texture) / gdk_texture_get_height (self->texture);
}

static void
tr_video_paintable_paintable_init (GdkPaintableInterface *iface)
{
  iface->snapshot = tr_video_paintable_snapshot;
  iface->get_current_image = tr_video_paintable_get_current_image;
  iface->get_intrinsic_width = tr_video_paintable_get_intrinsic_width;
  iface->get_intrinsic_height = tr_video_paintable_get_intrinsic_height;
  iface->get_intrinsic_aspect_ratio = tr_video_paintable_get_intrinsic_aspect_ratio;
}

static void
tr_video_paintable_dispose (GObject *object)
{
  TrVideoPaintable *self = TR_VIDEO_PAINTABLE (object);

  g_clear_object (&self->texture);

  G_OBJECT_CLASS (tr_video_paintable_parent_class)->dispose (object);
}

static void
tr_video_paintable_finalize (GObject *object)
{
  TrVideoPaintable *self = TR_VIDEO_PAINTABLE (object);

  /* (An idle on its way holds a reference: this only runs once it is done or destroyed.) */
  g_clear_pointer (&self->idle, g_source_unref);
  g_clear_pointer (&self->pending, gst_sample_unref);
  g_mutex_clear (&self->lock);

  G_OBJECT_CLASS (tr_video_paintable_parent_class)->finalize (object);
}

static void
tr_video_paintable_class_init (TrVideoPaintableClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = tr_video_paintable_dispose;
  object_class->finalize = tr_video_paintable_finalize;
}

static void
tr_video_paintable_init (TrVideoPaintable *self)
{
  g_mutex_init (&self->lock);
}

TrVideoPaintable *
tr_video_paintable_new (void)
{
  return g_object_new (TR_TYPE_VIDEO_PAINTABLE, NULL);
}

void
tr_video_paintable_push_sample (TrVideoPaintable *self,
                                GstSample        *sample)
{
  g_return_if_fail (TR_IS_VIDEO_PAINTABLE (self));
  g_return_if_fail (GST_IS_SAMPLE (sample));

  g_mutex_lock (&self->lock);
  g_clear_pointer (&self->pending, gst_sample_unref);
  self->pending = gst_sample_ref (sample);
  if (self->idle == NULL)
    {
      self->idle = g_idle_source_new ();
      g_source_set_priority (self->idle, G_PRIORITY_DEFAULT);
      g_source_set_name (self->idle, "[transfer] video frame");
      g_source_set_callback (self->idle, show_pending_cb, g_object_ref (self), g_object_unref);
      g_source_attach (self->idle, NULL);
    }
  g_mutex_unlock (&self->lock);
}

void
tr_video_paintable_clear (TrVideoPaintable *self)
{
  g_return_if_fail (TR_IS_VIDEO_PAINTABLE (self));

  g_mutex_lock (&self->lock);
  g_clear_pointer (&self->pending, gst_sample_unref);
  g_mutex_unlock (&self->lock);
  show_texture (self, NULL);
}

void
tr_video_paintable_frame_func (GstSample *sample,
                               gpointer   user_data)
{
  tr_video_paintable_push_sample (TR_VIDEO_PAINTABLE (user_data), sample);
}
