/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "transfer-core.h"
#include "tr-agent-fixture.h"

G_BEGIN_DECLS

/* Pieces the media tests share (besides the tone probe, tr-tone-probe.h). */

/* Sets up GTest and GStreamer, and tone_probe_wait_ms from $TR_MEDIA_WAIT_MS. FALSE (the test
 * skipped: main() returns g_test_run()) outside run-media-test.sh's network namespace. */
gboolean      media_test_init      (int *argc, char ***argv);

/* Iterates the default main context for @ms. */
void          spin_ms              (guint ms);

/* Iterates the default main context until @cond holds; fails the test with @what after
 * @timeout_ms. */
#define WAIT_UNTIL(cond, timeout_ms, what)                                                        \
  G_STMT_START                                                                                    \
  {                                                                                               \
    gint64 _deadline = g_get_monotonic_time () + (gint64) (timeout_ms) * 1000;                    \
    while (!(cond))                                                                               \
      {                                                                                           \
        g_main_context_iteration (NULL, FALSE);                                                   \
        g_usleep (1000);                                                                          \
        if (g_get_monotonic_time () > _deadline)                                                  \
          g_error ("timed out waiting for %s", what);                                             \
      }                                                                                           \
  }                                                                                               \
  G_STMT_END

/* `pactl ARGS` on the private sound server; fails the test if it fails. Its output, stripped. */
char         *pactl                (const char *args) G_GNUC_WARN_UNUSED_RESULT;
void          pactl_unload_module  (const char *id);

/* A GAsyncReadyCallback: stores a reference on @result in *(GAsyncResult **) @user_data. */
void          result_cb            (GObject *object, GAsyncResult *result, gpointer user_data);
/* Waits (≤ @timeout_ms) for result_cb() to fill *@result, and returns it. */
GAsyncResult *wait_result          (GAsyncResult **result, guint timeout_ms);

/* @n agents' options for a media test: loopback ICE, quick reconnects, @microphones[i] and
 * @speakers[i]. media_options_clear() frees them. */
void          media_options_init   (TrCallAgentOptions **options, guint n,
                                    const char *const *microphones, const char *const *speakers);
void          media_options_clear  (TrCallAgentOptions **options, guint n);
/* A GTest fixture set-up: agents A, B, C with 660, 440 and 880 Hz tones as microphones on
 * speakers spk_a, spk_b, spk_c; D silent, with no speaker. */
void          tones_fixture_setup  (AgentFixture *f, gconstpointer data);

/* The voicemail line's greeting beside the built server (the server's default). */
char         *greeting_path        (void) G_GNUC_WARN_UNUSED_RESULT;
/* The duration of the media file at @path (GstDiscoverer), in seconds. */
double        file_duration        (const char *path);

/* Waits (≤ 5 s) for @box to have loaded, and asserts it is empty. */
void          wait_box_loaded      (TrVoicemailBox *box);
/* Waits (≤ @timeout_ms) for a message in @box and asserts it is the only one; (transfer full). */
TrVoicemail  *wait_box_message     (TrVoicemailBox *box, guint timeout_ms) G_GNUC_WARN_UNUSED_RESULT;

G_END_DECLS
