/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gst/gst.h>

G_BEGIN_DECLS

/* What a speaker plays, measured on its PulseAudio monitor: pulsesrc ! spectrum. */

#define BANDS 512
#define BAND_HZ (24000.0 / BANDS)

typedef struct
{
  GstElement *pipeline;
  guint       bus_watch;
  double      peak_hz;
  double      peak_db;
  guint       reports;
} ToneProbe;

/* How long wait_hears() waits (TR_MEDIA_WAIT_MS sets it in the tests: ASan builds are slow). */
extern guint tone_probe_wait_ms;

ToneProbe *tone_probe_new  (const char *sink);
void       tone_probe_free (ToneProbe *probe);
/* Whether the latest report has its peak at @hz (or is silence, for @hz 0). */
gboolean   probe_hears     (ToneProbe *probe, double hz);
/* Waits for @hz: three reports (100 ms each) with the peak there, the latest included; for
 * silence (@hz 0) three in a row. Fails the test with @what after tone_probe_wait_ms. */
void       wait_hears      (ToneProbe *probe, double hz, const char *what);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ToneProbe, tone_probe_free)

G_END_DECLS
