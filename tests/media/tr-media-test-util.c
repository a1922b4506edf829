/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "TestMedia"

#include <stdlib.h>

#include <gst/gst.h>
#include <gst/pbutils/pbutils.h>

#include "tr-media-test-util.h"
#include "tr-tone-probe.h"

gboolean
media_test_init (int *argc, char ***argv)
{
  g_test_init (argc, argv, NULL);
  gst_init (argc, argv);
  if (g_getenv ("TR_MEDIA_WAIT_MS") != NULL)
    tone_probe_wait_ms = MAX (1000, atoi (g_getenv ("TR_MEDIA_WAIT_MS")));

  if (g_getenv ("TR_MEDIA_NETNS") == NULL)
    {
      g_test_skip ("run through tests/media/run-media-test.sh (network namespace)");
      return FALSE;
    }
  return TRUE;
}

void
spin_ms (guint ms)
{
  gint64 deadline = g_get_monotonic_time () + ms * 1000;

  while (g_get_monotonic_time () < deadline)
    {
      g_main_context_iteration (NULL, FALSE);
      g_usleep (1000);
    }
}

char *
pactl (const char *args)
{
  g_autofree char *command = g_strconcat ("pactl ", args, NULL);
  g_autofree char *out = NULL;
  g_autoptr(GError) error = NULL;
  int status = 0;

  g_spawn_command_line_sync (command, &out, NULL, &status, &error);
  g_assert_no_error (error);
  g_assert_true (g_spawn_check_wait_status (status, NULL));
  return g_strstrip (g_steal_pointer (&out));
}

void
pactl_unload_module (const char *id)
{
  g_autofree char *args = g_strconcat ("unload-module ", id, NULL);
  g_autofree char *out = pactl (args);
}

void
result_cb (GObject *object, GAsyncResult *result, gpointer user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

GAsyncResult *
wait_result (GAsyncResult **result, guint timeout_ms)
{
  gint64 deadline = g_get_monotonic_time () + (gint64) timeout_ms * 1000;

  while (*result == NULL && g_get_monotonic_time () < deadline)
    {
      g_main_context_iteration (NULL, FALSE);
      g_usleep (500);
    }
  g_assert_nonnull (*result);
  return *result;
}

void
media_options_init (TrCallAgentOptions **options,
                    guint                n,
                    const char *const   *microphones,
                    const char *const   *speakers)
{
  for (guint i = 0; i < n; i++)
    {
      options[i] = tr_call_agent_options_new ();
      options[i]->reconnect_base_delay_ms = 50;
      options[i]->reconnect_max_delay_ms = 200;
      options[i]->reconnect_max_attempts = 3;
      options[i]->ice_loopback = TRUE;
      options[i]->microphone = g_strdup (microphones[i]);
      options[i]->speaker = g_strdup (speakers[i]);
    }
}

void
media_options_clear (TrCallAgentOptions **options, guint n)
{
  for (guint i = 0; i < n; i++)
    g_clear_pointer (&options[i], tr_call_agent_options_free);
}

void
tones_fixture_setup (AgentFixture *f, gconstpointer data)
{
  static const char *const tones[] = { "tone:660", "tone:440", "tone:880", "none" };
  static const char *const speakers[] = { "spk_a", "spk_b", "spk_c", "none" };
  TrCallAgentOptions *options[N_AGENTS];

  media_options_init (options, N_AGENTS, tones, speakers);
  agent_fixture_setup_full (f, options);
  media_options_clear (options, N_AGENTS);
}

char *
greeting_path (void)
{
  return g_build_filename (g_getenv ("TR_BUILD_DIR"), "src", "server", "voicemail-greeting.ogg",
                           NULL);
}

double
file_duration (const char *path)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GstDiscoverer) discoverer = gst_discoverer_new (5 * GST_SECOND, &error);
  g_autoptr(GstDiscovererInfo) info = NULL;
  g_autofree char *uri = gst_filename_to_uri (path, NULL);

  g_assert_no_error (error);
  info = gst_discoverer_discover_uri (discoverer, uri, &error);
  g_assert_no_error (error);
  return gst_discoverer_info_get_duration (info) / (double) GST_SECOND;
}

void
wait_box_loaded (TrVoicemailBox *box)
{
  gint64 deadline = g_get_monotonic_time () + 5 * G_USEC_PER_SEC;

  while (!tr_voicemail_box_get_loaded (box) && g_get_monotonic_time () < deadline)
    spin_ms (10);
  g_assert_true (tr_voicemail_box_get_loaded (box));
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (box)), ==, 0);
}

TrVoicemail *
wait_box_message (TrVoicemailBox *box, guint timeout_ms)
{
  gint64 deadline = g_get_monotonic_time () + (gint64) timeout_ms * 1000;

  while (g_list_model_get_n_items (G_LIST_MODEL (box)) == 0 && g_get_monotonic_time () < deadline)
    spin_ms (5);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (box)), ==, 1);
  return g_list_model_get_item (G_LIST_MODEL (box), 0);
}
