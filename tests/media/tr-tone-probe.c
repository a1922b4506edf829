/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "TestMedia"

#include "tr-tone-probe.h"

guint tone_probe_wait_ms = 15000;

/* Tone probe: pulsesrc device=SINK.monitor ! spectrum. */

static gboolean
probe_bus_cb (GstBus *bus, GstMessage *message, gpointer user_data)
{
  ToneProbe *probe = user_data;
  const GstStructure *s = gst_message_get_structure (message);
  const GValue *magnitudes;
  double best = -1000;
  guint best_band = 0;

  if (GST_MESSAGE_TYPE (message) == GST_MESSAGE_ERROR)
    {
      g_autoptr(GError) error = NULL;

      gst_message_parse_error (message, &error, NULL);
      g_error ("tone probe: %s", error->message);
    }

  if (GST_MESSAGE_TYPE (message) != GST_MESSAGE_ELEMENT || !gst_structure_has_name (s, "spectrum"))
    return G_SOURCE_CONTINUE;

  magnitudes = gst_structure_get_value (s, "magnitude");
  for (guint i = 1; i < gst_value_list_get_size (magnitudes); i++)
    {
      double db = g_value_get_float (gst_value_list_get_value (magnitudes, i));

      if (db > best)
        {
          best = db;
          best_band = i;
        }
    }

  probe->peak_db = best;
  probe->peak_hz = (best_band + 0.5) * BAND_HZ;
  probe->reports++;

  return G_SOURCE_CONTINUE;
}

ToneProbe *
tone_probe_new (const char *sink)
{
  g_autofree char *description = NULL;
  g_autoptr(GstBus) bus = NULL;
  g_autoptr(GError) error = NULL;
  ToneProbe *probe = g_new0 (ToneProbe, 1);

  description = g_strdup_printf ("pulsesrc device=%s.monitor ! audioconvert ! audioresample ! "
                                 "audio/x-raw,rate=48000,channels=1 ! "
                                 "spectrum bands=%d interval=100000000 threshold=-100 ! "
                                 "fakesink sync=false", sink, BANDS);
  probe->pipeline = gst_parse_launch (description, &error);
  g_assert_no_error (error);
  bus = gst_pipeline_get_bus (GST_PIPELINE (probe->pipeline));
  probe->bus_watch = gst_bus_add_watch (bus, probe_bus_cb, probe);
  probe->peak_db = -1000;
  gst_element_set_state (probe->pipeline, GST_STATE_PLAYING);

  return probe;
}

void
tone_probe_free (ToneProbe *probe)
{
  gst_element_set_state (probe->pipeline, GST_STATE_NULL);
  g_source_remove (probe->bus_watch);
  gst_object_unref (probe->pipeline);
  g_free (probe);
}


gboolean
probe_hears (ToneProbe *probe, double hz)
{
  if (hz <= 0)
    return probe->peak_db < -60;
  return probe->peak_db > -45 && ABS (probe->peak_hz - hz) < 2 * BAND_HZ;
}

/* Waits for @hz: three reports (100 ms each) with the peak there, the latest included (a
 * loaded machine may drop a packet now and then). For silence (@hz 0): three in a row. */
void
wait_hears (ToneProbe *probe, double hz, const char *what)
{
  gint64 deadline = g_get_monotonic_time () + (gint64) tone_probe_wait_ms * 1000;
  guint matches = 0;
  gboolean last = FALSE;
  guint seen = probe->reports;

  while (matches < 3 || !last)
    {
      g_main_context_iteration (NULL, FALSE);
      g_usleep (1000);
      if (probe->reports != seen)
        {
          seen = probe->reports;
          last = probe_hears (probe, hz);
          if (last)
            matches++;
          else if (hz <= 0)
            matches = 0;
        }
      if (g_get_monotonic_time () > deadline)
        g_error ("%s: expected %s, last peak %.0f Hz at %.1f dB", what,
                 hz > 0 ? "a tone" : "silence", probe->peak_hz, probe->peak_db);
    }
  g_test_message ("%s: %s (peak %.0f Hz, %.1f dB)", what, hz > 0 ? "tone" : "silence",
                  probe->peak_hz, probe->peak_db);
}
