/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The embedded server of the app (src/gui/tr-local-server.c) with the real transfer-server of
 * the build: start, local user created once, tokens, stop. No display needed. */
#include "config.h"

#include <glib/gstdio.h>

#include "transfer-core.h"
#include "tr-local-server.h"

static void
result_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  *(GAsyncResult **)user_data = g_object_ref (result);
}

static GAsyncResult *
wait_result (GAsyncResult **slot)
{
  gint64 deadline = g_get_monotonic_time () + 20 * G_USEC_PER_SEC;

  while (*slot == NULL && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  g_assert_nonnull (*slot);
  return *slot;
}

static char *
run_admin (const char *data_dir, const char *arg1, const char *arg2)
{
  g_autofree char *binary = tr_local_server_find_binary ();
  const char      *argv[] = { binary, "--data-dir", data_dir, arg1, arg2, NULL };
  g_autofree char *out = NULL;
  g_autoptr (GError) error = NULL;
  int status = 0;

  g_spawn_sync (NULL, (char **)argv, NULL, G_SPAWN_STDERR_TO_DEV_NULL, NULL, NULL, &out, NULL,
                &status, &error);
  g_assert_no_error (error);
  return g_steal_pointer (&out);
}

static void
test_start_twice (void)
{
  g_autofree char *dir = g_dir_make_tmp ("tr-local-server-XXXXXX", NULL);
  g_autofree char *data_dir = g_build_filename (dir, "server", NULL);

  for (int run = 0; run < 2; run++)
    {
      g_autoptr (TrLocalServer) server = tr_local_server_new (data_dir);
      g_autoptr (GAsyncResult) result = NULL;
      g_autoptr (GAsyncResult) issued = NULL;
      g_autoptr (GError) error = NULL;
      g_autoptr (TrTokenCredential) credential = NULL;
      g_autofree char *token = NULL;
      g_autofree char *users = NULL;

      tr_local_server_start_async (server, NULL, result_cb, &result);
      g_assert_true (tr_local_server_start_finish (server, wait_result (&result), &error));
      g_assert_no_error (error);
      g_assert_true (g_str_has_prefix (tr_local_server_get_url (server), "http://127.0.0.1:"));

      credential = tr_token_credential_new (tr_local_server_get_token (server), &error);
      g_assert_no_error (error);
      g_assert_cmpstr (tr_token_credential_get_subject (credential), ==,
                       tr_local_server_get_user_id (server));

      tr_local_server_issue_token_async (server, NULL, result_cb, &issued);
      token = tr_local_server_issue_token_finish (server, wait_result (&issued), &error);
      g_assert_no_error (error);
      g_assert_nonnull (token);

      tr_local_server_stop (server);

      /* The local user exists once, whatever the number of starts. */
      users = run_admin (data_dir, "user", "list");
      {
        g_auto (GStrv) lines = g_strsplit (users, "\n", -1);
        g_autofree char *prefix = g_strconcat (tr_local_server_get_user_id (server), "\t", NULL);
        guint            found = 0;

        for (guint i = 0; lines[i] != NULL; i++)
          found += g_str_has_prefix (lines[i], prefix);
        g_assert_cmpuint (found, ==, 1);
      }
    }
}

static void
test_missing_binary (void)
{
  g_autoptr (TrLocalServer) server = NULL;
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("tr-local-server-XXXXXX", NULL);
  g_autofree char *saved = g_strdup (g_getenv ("TRANSFER_SERVER_BINARY"));

  g_setenv ("TRANSFER_SERVER_BINARY", "/nonexistent/transfer-server", TRUE);
  server = tr_local_server_new (dir);
  tr_local_server_start_async (server, NULL, result_cb, &result);
  g_assert_false (tr_local_server_start_finish (server, wait_result (&result), &error));
  g_assert_nonnull (error);
  if (saved != NULL)
    g_setenv ("TRANSFER_SERVER_BINARY", saved, TRUE);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/local-server/start-twice", test_start_twice);
  g_test_add_func ("/local-server/missing-binary", test_missing_binary);

  return g_test_run ();
}
