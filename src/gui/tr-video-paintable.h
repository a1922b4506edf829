/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gst/gst.h>
#include <gtk/gtk.h>

G_BEGIN_DECLS

#define TR_TYPE_VIDEO_PAINTABLE (tr_video_paintable_get_type ())
G_DECLARE_FINAL_TYPE (TrVideoPaintable, tr_video_paintable, TR, VIDEO_PAINTABLE, GObject)

/*
 * A GdkPaintable showing video frames (GstSample of video/x-raw BGRx, BGRA, RGBx or RGBA, any
 * stride) pushed from any thread: only the latest frame is kept; the main context turns it
 * into a GdkMemoryTexture (no copy: the texture keeps the mapped buffer) and the paintable
 * invalidates its contents (and its size when that changed). Used for the camera preview and
 * the remote party's video.
 */
TrVideoPaintable *tr_video_paintable_new         (void) G_GNUC_WARN_UNUSED_RESULT;
/* Thread-safe: may be called from any (streaming) thread. */
void              tr_video_paintable_push_sample (TrVideoPaintable *self,
                                                  GstSample        *sample);
/* Shows nothing again (and drops a frame not shown yet). Main thread. */
void              tr_video_paintable_clear       (TrVideoPaintable *self);
/* A #TrVideoFrameFunc: @user_data is the #TrVideoPaintable (hold a reference while it is set,
 * e.g. pass g_object_ref (paintable) with g_object_unref as the destroy notify). */
void              tr_video_paintable_frame_func  (GstSample *sample,
                                                  gpointer   user_data);

G_END_DECLS
