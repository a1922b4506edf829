/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "TrTokenStore"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <libsecret/secret.h>

#include "tr-gui-util.h"
#include "tr-token-store.h"

#define SECRETS_NAME "org.freedesktop.secrets"

static const SecretSchema *
token_schema (void)
{
  static const SecretSchema schema = {
    "com.example.Transfer.Token",
    SECRET_SCHEMA_NONE,
    {
        { "server", SECRET_SCHEMA_ATTRIBUTE_STRING },
        { "account", SECRET_SCHEMA_ATTRIBUTE_STRING },
        { NULL, 0 },
    },
    0,
    NULL,
    NULL,
    NULL,
    NULL,
    NULL,
    NULL,
    NULL,
  };
  return &schema;
}

gboolean
tr_token_store_is_available (void)
{
  return tr_gui_session_bus_has_service (SECRETS_NAME);
}

static void
store_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  GError *error = NULL;

  if (!secret_password_store_finish (result, &error))
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

void
tr_token_store_save_async (const char *server_url, const char *account, const char *token,
                           GCancellable *cancellable, GAsyncReadyCallback callback,
                           gpointer user_data)
{
  GTask           *task = g_task_new (NULL, cancellable, callback, user_data);
  g_autofree char *label = g_strdup_printf (_ ("Transfer token for %s on %s"), account, server_url);

  g_task_set_source_tag (task, tr_token_store_save_async);
  secret_password_store (token_schema (), SECRET_COLLECTION_DEFAULT, label, token, cancellable,
                         store_cb, task, "server", server_url, "account", account, NULL);
}

gboolean
tr_token_store_save_finish (GAsyncResult *result, GError **error)
{
  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
lookup_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  GError *error = NULL;
  char   *token = secret_password_lookup_finish (result, &error);

  if (error != NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, token, g_free);
}

void
tr_token_store_lookup_async (const char *server_url, const char *account, GCancellable *cancellable,
                             GAsyncReadyCallback callback, gpointer user_data)
{
  GTask *task = g_task_new (NULL, cancellable, callback, user_data);

  g_task_set_source_tag (task, tr_token_store_lookup_async);
  secret_password_lookup (token_schema (), cancellable, lookup_cb, task, "server", server_url,
                          "account", account, NULL);
}

char *
tr_token_store_lookup_finish (GAsyncResult *result, GError **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
clear_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GError) error = NULL;

  if (!secret_password_clear_finish (result, &error) && error != NULL)
    g_debug ("Could not remove the token from the keyring: %s", error->message);
}

void
tr_token_store_clear_async (const char *server_url, const char *account, GCancellable *cancellable,
                            GAsyncReadyCallback callback, gpointer user_data)
{
  secret_password_clear (token_schema (), cancellable, callback ? callback : clear_cb, user_data,
                         "server", server_url, "account", account, NULL);
}
