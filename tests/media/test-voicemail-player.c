/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "TestVoicemailPlayer"

/*
 * TrVoicemailPlayer with real media, run by run-media-test.sh (loopback-only namespace, private
 * PulseAudio). B (a 440 Hz tone) leaves a message in C's mailbox; C's player plays it on C's
 * speaker (spk_c), measured on its monitor: the tone is heard, the position advances and stands
 * still while paused, "playing" ends at the end of the message and the play completes, and the
 * message is heard (on the server too: the box's unheard count).
 */

#include <gst/gst.h>

#include "tr-agent-fixture.h"
#include "tr-call-private.h"
#include "tr-media-session.h"
#include "tr-media-test-util.h"
#include "tr-tone-probe.h"

#define TONE_B 440.0
#define SPOKEN_MS 4000


typedef struct
{
  guint  position_notifies;
  guint  playing_notifies;
  gint64 max_position_ms;
} Progress;

static void
position_cb (TrVoicemailPlayer *player, GParamSpec *pspec, Progress *progress)
{
  progress->position_notifies++;
  progress->max_position_ms = MAX (progress->max_position_ms,
                                   tr_voicemail_player_get_position_ms (player));
}

static void
playing_cb (TrVoicemailPlayer *player, GParamSpec *pspec, Progress *progress)
{
  progress->playing_notifies++;
}

static gint64
first_audio_us (TrCall *call)
{
  TrMediaStats stats;

  tr_media_session_get_stats (_tr_call_get_media_session (call), &stats);
  return stats.first_audio_us;
}

/* B calls C's mailbox and speaks SPOKEN_MS after the greeting; C's box gets the message. */
static TrVoicemail *
leave_message (AgentFixture *f)
{
  g_autoptr(TrIdentifier) carol = tr_identifier_new_user ("carol");
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(TrCall) call = NULL;
  TrVoicemailBox *box = tr_call_agent_get_voicemail_box (f->agents[C]);
  g_autofree char *greeting = greeting_path ();
  guint greeting_ms = file_duration (greeting) * 1000;
  TrVoicemail *message;

  wait_box_loaded (box);

  tr_call_agent_start_call_to_voicemail_async (f->agents[B], carol, NULL, result_cb, &result);
  call = tr_call_agent_start_call_finish (f->agents[B], wait_result (&result, 10000), &error);
  g_assert_no_error (error);
  wait_call_state (call, TR_CALL_STATE_CONNECTED, 10000);
  /* The greeting plays from when B first hears the line (media may take a while to come up,
   * more so in an instrumented build), then B's tone is recorded. */
  WAIT_UNTIL (first_audio_us (call) != 0, tone_probe_wait_ms, "B to hear the greeting");
  spin_ms (greeting_ms + SPOKEN_MS);
  hang_up (call);

  message = wait_box_message (box, 10000);
  g_assert_cmpuint (tr_voicemail_box_get_unheard_count (box), ==, 1);
  return message;
}

static void
test_play (AgentFixture *f, gconstpointer data)
{
  g_autoptr(ToneProbe) at_c = tone_probe_new ("spk_c");
  g_autoptr(TrVoicemail) message = leave_message (f);
  g_autoptr(TrVoicemailPlayer) player = tr_voicemail_player_new (f->agents[C]);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  TrVoicemailBox *box = tr_call_agent_get_voicemail_box (f->agents[C]);
  Progress progress = { 0 };
  gint64 duration_ms = tr_voicemail_get_duration_ms (message);
  gint64 paused_at, started, deadline;

  g_test_message ("message of %" G_GINT64_FORMAT " ms", duration_ms);
  g_assert_cmpint (duration_ms, >, SPOKEN_MS - 1000);
  g_assert_false (tr_voicemail_get_heard (message));
  wait_hears (at_c, 0, "C's speaker is silent before playing");

  g_signal_connect (player, "notify::position-ms", G_CALLBACK (position_cb), &progress);
  g_signal_connect (player, "notify::playing", G_CALLBACK (playing_cb), &progress);
  started = g_get_monotonic_time ();
  tr_voicemail_player_play_async (player, message, NULL, result_cb, &result);
  g_assert_true (tr_voicemail_player_get_message (player) == message);
  g_assert_cmpint (tr_voicemail_player_get_duration_ms (player), ==, duration_ms);

  /* Heard on the speaker; marked heard (the box's count is the server's). */
  wait_hears (at_c, TONE_B, "C's speaker plays the message");
  g_assert_true (tr_voicemail_player_get_playing (player));
  deadline = g_get_monotonic_time () + 5 * G_USEC_PER_SEC;
  while ((!tr_voicemail_get_heard (message) || tr_voicemail_box_get_unheard_count (box) != 0)
         && g_get_monotonic_time () < deadline)
    spin_ms (5);
  g_assert_true (tr_voicemail_get_heard (message));
  g_assert_cmpuint (tr_voicemail_box_get_unheard_count (box), ==, 0);
  g_assert_cmpint (progress.max_position_ms, >, 0);

  /* Paused: silence, and the position stands still; then on again. */
  tr_voicemail_player_set_paused (player, TRUE);
  g_assert_false (tr_voicemail_player_get_playing (player));
  g_assert_true (tr_voicemail_player_get_paused (player));
  wait_hears (at_c, 0, "silence while paused");
  paused_at = tr_voicemail_player_get_position_ms (player);
  spin_ms (500);
  g_assert_cmpint (tr_voicemail_player_get_position_ms (player), ==, paused_at);
  g_assert_null (result);
  tr_voicemail_player_set_paused (player, FALSE);
  wait_hears (at_c, TONE_B, "the message again after resuming");
  g_assert_true (tr_voicemail_player_get_playing (player));

  /* To the end: playing goes FALSE, the play completes, the player is idle. */
  g_assert_true (tr_voicemail_player_play_finish (player, wait_result (&result, duration_ms + 5000),
                                                  &error));
  g_assert_no_error (error);
  g_test_message ("played in %" G_GINT64_FORMAT " ms, %u position notifies, up to %"
                  G_GINT64_FORMAT " ms", (g_get_monotonic_time () - started) / 1000,
                  progress.position_notifies, progress.max_position_ms);
  g_assert_false (tr_voicemail_player_get_playing (player));
  g_assert_null (tr_voicemail_player_get_message (player));
  g_assert_cmpint (progress.max_position_ms, >=, duration_ms - 500);
  g_assert_cmpuint (progress.position_notifies, >=, duration_ms / 1000 * 5);
  g_assert_cmpuint (progress.playing_notifies, >=, 4); /* on, off (pause), on, off (end) */
  g_assert_cmpint (g_get_monotonic_time () - started, >=, (duration_ms + 500 - 300) * 1000);
  wait_hears (at_c, 0, "silence after the end");
  g_clear_object (&result);

  /* Stopped: the play completes as cancelled. */
  tr_voicemail_player_play_async (player, message, NULL, result_cb, &result);
  wait_hears (at_c, TONE_B, "playing again");
  tr_voicemail_player_stop (player);
  g_assert_false (tr_voicemail_player_play_finish (player, wait_result (&result, 1000), &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_false (tr_voicemail_player_get_playing (player));
  wait_hears (at_c, 0, "silence after stopping");

  g_signal_handlers_disconnect_by_data (player, &progress);
  /* The play task (our result) holds the player. */
  g_clear_object (&result);
  spin_ms (50);
  g_assert_finalize_object (g_steal_pointer (&player));
}

int
main (int argc, char *argv[])
{
  if (!media_test_init (&argc, &argv))
    return g_test_run ();

  g_test_add ("/media/voicemail-player", AgentFixture, NULL, tones_fixture_setup, test_play,
              agent_fixture_teardown);

  return g_test_run ();
}
