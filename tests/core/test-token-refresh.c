/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "transfer-core.h"
#include "tr-token.h"

static const guint8 secret[32] = "0123456789abcdef0123456789abcdef";

static char *
make_token (const char *sub,
            gint64      exp)
{
  char *scopes[] = { (char *) "call", NULL };
  TrTokenClaims claims = {
    .sub = (char *) sub,
    .scopes = scopes,
    .iat = g_get_real_time () / G_USEC_PER_SEC,
    .exp = exp,
    .jti = (char *) "jti-test",
  };

  return tr_token_encode (&claims, secret, sizeof secret);
}

static void
test_delay_arithmetic (void)
{
  const gint64 now = 1764484800;

  /* Long-lived tokens: 10 minutes before expiry. */
  g_assert_cmpint (tr_token_credential_compute_refresh_delay (now, now + 3600), ==, 3000);
  g_assert_cmpint (tr_token_credential_compute_refresh_delay (now, now + 86400), ==, 85800);
  /* Up to 20 minutes of life: at half the remaining life. */
  g_assert_cmpint (tr_token_credential_compute_refresh_delay (now, now + 1200), ==, 600);
  g_assert_cmpint (tr_token_credential_compute_refresh_delay (now, now + 900), ==, 450);
  g_assert_cmpint (tr_token_credential_compute_refresh_delay (now, now + 480), ==, 240);
  g_assert_cmpint (tr_token_credential_compute_refresh_delay (now, now + 4), ==, 2);
  g_assert_cmpint (tr_token_credential_compute_refresh_delay (now, now + 1), ==, 0);
  /* Expired: now. */
  g_assert_cmpint (tr_token_credential_compute_refresh_delay (now, now), ==, 0);
  g_assert_cmpint (tr_token_credential_compute_refresh_delay (now, now - 100), ==, 0);
}

static void
test_delay_properties (void)
{
  const gint64 now = 1000000;

  for (gint64 remaining = 1; remaining < 200000; remaining += 37)
    {
      gint64 delay = tr_token_credential_compute_refresh_delay (now, now + remaining);

      /* Never after expiry, never later than 10 min before expiry unless the token is shorter
       * than 20 min, and never before half the remaining life. */
      g_assert_cmpint (delay, <, remaining);
      g_assert_cmpint (delay, >=, remaining / 2);
      if (remaining >= 2 * TR_TOKEN_REFRESH_BEFORE_EXPIRY)
        g_assert_cmpint (remaining - delay, ==, TR_TOKEN_REFRESH_BEFORE_EXPIRY);
    }
}

static void
test_credential_basics (void)
{
  gint64 exp = g_get_real_time () / G_USEC_PER_SEC + 3600;
  g_autofree char *token = make_token ("alice", exp);
  g_autofree char *other = make_token ("bob", exp);
  g_autoptr(GError) error = NULL;
  TrTokenCredential *credential;

  credential = tr_token_credential_new (token, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (tr_token_credential_get_subject (credential), ==, "alice");
  g_assert_cmpint (tr_token_credential_get_expires_at (credential), ==, exp);
  g_assert_cmpstr (tr_token_credential_get_token (credential), ==, token);
  g_assert_false (tr_token_credential_has_refresher (credential));

  g_assert_false (tr_token_credential_update_token (credential, other, &error));
  g_assert_error (error, TR_ERROR, TR_STATUS_TOKEN_INVALID);
  g_clear_error (&error);
  g_assert_cmpstr (tr_token_credential_get_token (credential), ==, token);

  g_assert_null (tr_token_credential_new ("not a token", &error));
  g_assert_error (error, TR_ERROR, TR_STATUS_TOKEN_INVALID);

  g_assert_finalize_object (credential);
}

typedef struct
{
  GMainLoop *loop;
  guint      calls;
  guint      token_notifies;
  gint64     new_exp;
} RefreshData;

static void
refresher (TrTokenCredential *credential,
           GCancellable      *cancellable,
           GTask             *task,
           gpointer           user_data)
{
  RefreshData *data = user_data;

  data->calls++;
  g_task_return_pointer (task, make_token ("alice", data->new_exp), g_free);
  g_object_unref (task);
}

static void
token_notify_cb (TrTokenCredential *credential,
                 GParamSpec        *pspec,
                 RefreshData       *data)
{
  data->token_notifies++;
  g_main_loop_quit (data->loop);
}

static gboolean
timeout_cb (gpointer user_data)
{
  g_assert_not_reached ();
  return G_SOURCE_REMOVE;
}

static void
test_proactive_refresh (void)
{
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  g_autofree char *token = make_token ("alice", now + 2);  /* refresh due in ~1 s */
  RefreshData data = { 0 };
  TrTokenCredential *credential;
  guint timeout;

  data.loop = g_main_loop_new (NULL, FALSE);
  data.new_exp = now + 7200;

  credential = tr_token_credential_new (token, NULL);
  g_assert_nonnull (credential);
  g_signal_connect (credential, "notify::token", G_CALLBACK (token_notify_cb), &data);
  tr_token_credential_set_refresher (credential, refresher, &data, NULL);
  g_assert_true (tr_token_credential_has_refresher (credential));

  timeout = g_timeout_add_seconds (10, timeout_cb, NULL);
  g_main_loop_run (data.loop);
  g_source_remove (timeout);

  g_assert_cmpuint (data.calls, ==, 1);
  g_assert_cmpuint (data.token_notifies, ==, 1);
  g_assert_cmpint (tr_token_credential_get_expires_at (credential), ==, data.new_exp);

  g_assert_finalize_object (credential);
  g_main_loop_unref (data.loop);
}

static void
refresh_without_refresher_cb (GObject      *object,
                              GAsyncResult *result,
                              gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  g_assert_false (tr_token_credential_refresh_finish (TR_TOKEN_CREDENTIAL (object), result, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED);
  g_main_loop_quit (user_data);
}

static void
test_refresh_without_refresher (void)
{
  g_autofree char *token = make_token ("alice", g_get_real_time () / G_USEC_PER_SEC + 60);
  GMainLoop *loop = g_main_loop_new (NULL, FALSE);
  TrTokenCredential *credential = tr_token_credential_new (token, NULL);

  tr_token_credential_refresh_async (credential, NULL, refresh_without_refresher_cb, loop);
  g_main_loop_run (loop);

  g_assert_finalize_object (credential);
  g_main_loop_unref (loop);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/core/token/delay-arithmetic", test_delay_arithmetic);
  g_test_add_func ("/core/token/delay-properties", test_delay_properties);
  g_test_add_func ("/core/token/credential-basics", test_credential_basics);
  g_test_add_func ("/core/token/proactive-refresh", test_proactive_refresh);
  g_test_add_func ("/core/token/refresh-without-refresher", test_refresh_without_refresher);

  return g_test_run ();
}
