/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "TrMakeGreeting"

/*
 * make-greeting OUTPUT.ogg
 *
 * Writes the default voicemail greeting at build time: a short tone sequence with the rhythm of
 * speech ("please leave a message") and a final beep, encoded as Ogg/Opus the way the voicemail
 * line sends it (48 kHz mono, 20 ms frames).
 */

#include <math.h>
#include <stdio.h>

#include <gst/app/gstappsrc.h>
#include <gst/gst.h>

#define RATE 48000

typedef struct
{
  double freq; /* 0: silence */
  double seconds;
} Note;

static const Note notes[] = {
  { 392, 0.16 }, { 440, 0.12 }, { 0, 0.05 },   { 494, 0.18 }, { 440, 0.10 }, { 0, 0.12 },
  { 523, 0.14 }, { 494, 0.14 }, { 440, 0.20 }, { 0, 0.25 },   { 880, 0.30 }, { 0, 0.10 },
};

int
main (int argc, char *argv[])
{
  g_autoptr (GError) error = NULL;
  GstElement *pipeline;
  GstElement *src;
  GstBus     *bus;
  GstMessage *message;
  guint64     offset = 0;
  gboolean    ok;

  if (argc != 2)
    {
      fprintf (stderr, "usage: make-greeting OUTPUT.ogg\n");
      return 2;
    }
  gst_init (&argc, &argv);

  pipeline = gst_parse_launch ("appsrc name=src format=time "
                               "caps=audio/x-raw,format=S16LE,rate=48000,channels=1,"
                               "layout=interleaved ! audioconvert ! opusenc bitrate=32000 "
                               "frame-size=20 ! oggmux ! filesink name=sink",
                               &error);
  if (pipeline == NULL)
    {
      fprintf (stderr, "make-greeting: %s\n", error->message);
      return 1;
    }
  {
    GstElement *sink = gst_bin_get_by_name (GST_BIN (pipeline), "sink");

    g_object_set (sink, "location", argv[1], NULL);
    gst_object_unref (sink);
  }
  src = gst_bin_get_by_name (GST_BIN (pipeline), "src");
  gst_element_set_state (pipeline, GST_STATE_PLAYING);

  for (guint n = 0; n < G_N_ELEMENTS (notes); n++)
    {
      guint      samples = (guint)(notes[n].seconds * RATE);
      GstBuffer *buffer = gst_buffer_new_allocate (NULL, samples * 2, NULL);
      GstMapInfo map;
      gint16    *data;

      gst_buffer_map (buffer, &map, GST_MAP_WRITE);
      data = (gint16 *)map.data;
      for (guint i = 0; i < samples; i++)
        {
          /* Soft attack and release, so the tones do not click. */
          double envelope = MIN (1.0, MIN (i, samples - i) / (0.01 * RATE));

          data[i] = notes[n].freq > 0
                        ? (gint16)(9000 * envelope * sin (2 * G_PI * notes[n].freq * i / RATE))
                        : 0;
        }
      gst_buffer_unmap (buffer, &map);
      GST_BUFFER_PTS (buffer) = gst_util_uint64_scale (offset, GST_SECOND, RATE);
      GST_BUFFER_DURATION (buffer) = gst_util_uint64_scale (samples, GST_SECOND, RATE);
      offset += samples;
      gst_app_src_push_buffer (GST_APP_SRC (src), buffer);
    }
  gst_app_src_end_of_stream (GST_APP_SRC (src));

  bus = gst_element_get_bus (pipeline);
  message = gst_bus_timed_pop_filtered (bus, 30 * GST_SECOND, GST_MESSAGE_EOS | GST_MESSAGE_ERROR);
  ok = message != NULL && GST_MESSAGE_TYPE (message) == GST_MESSAGE_EOS;
  if (!ok)
    fprintf (stderr, "make-greeting: encoding failed\n");
  g_clear_pointer (&message, gst_message_unref);
  gst_object_unref (bus);
  gst_element_set_state (pipeline, GST_STATE_NULL);
  gst_object_unref (src);
  gst_object_unref (pipeline);
  return ok ? 0 : 1;
}
