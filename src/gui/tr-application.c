/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "TrApplication"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <glib-unix.h>
#include <signal.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif

#include "transfer-core.h"
#include "tr-application.h"
#include "tr-device-pane.h"
#include "tr-display.h"
#include "tr-local-server.h"
#include "tr-preferences-window.h"
#include "tr-sign-in-page.h"
#include "tr-token-store.h"
#include "tr-window.h"

struct _TrApplication
{
  AdwApplication parent_instance;

  GSettings          *settings;
  TrCallClient       *client;
  TrCallAgent        *agent;
  TrLocalServer      *local_server;
  TrCallAgentOptions *options;
  GCancellable       *cancellable;

  char      *cmdline_server;
  char      *cmdline_token_file;
  gboolean   started;
  gboolean   signing_in;
  gboolean   keyring;
  guint      signal_ids[3];
  GtkWidget *preferences; /* reused; destroyed at shutdown */
};

G_DEFINE_FINAL_TYPE (TrApplication, tr_application, ADW_TYPE_APPLICATION)

typedef struct
{
  char    *url;
  char    *token;
  gboolean remember;
  gboolean local;
  gboolean from_keyring; /* the kept token: never shown again on the sign-in page */
} SignIn;

static void
sign_in_free (SignIn *data)
{
  g_free (data->url);
  g_free (data->token);
  g_free (data);
}

static TrWindow *
get_window (TrApplication *self)
{
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (self));

  if (window == NULL)
    {
      GList *windows = gtk_application_get_windows (GTK_APPLICATION (self));

      for (GList *l = windows; l != NULL; l = l->next)
        if (TR_IS_WINDOW (l->data))
          return l->data;
      {
        TrWindow *created = tr_window_new (ADW_APPLICATION (self));

        tr_window_set_device_manager (created, tr_call_client_get_device_manager (self->client));
        return created;
      }
    }
  if (!TR_IS_WINDOW (window))
    window = gtk_window_get_transient_for (window);
  return TR_WINDOW (window);
}

static char *
sign_in_error_text (const GError *error, const char *url)
{
  if (error->domain == TR_ERROR)
    {
      g_autofree char *reason = tr_failure_reason_text (error, NULL);

      return g_strdup_printf (_ ("Sign-in failed: %s"), reason);
    }
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT))
    return g_strdup_printf (
        _ ("“%s” is not a server address: use http://host:port or https://host:port."), url);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT))
    return g_strdup_printf (_ ("The server at %s did not answer in time."), url);
  return g_strdup_printf (_ ("Cannot reach the server at %s (%s)."), url, error->message);
}

static void
show_sign_in (TrApplication *self, const char *url, const char *token, const char *error)
{
  TrWindow     *window = get_window (self);
  TrSignInPage *page = tr_window_show_sign_in (window);

  tr_sign_in_page_set_keyring_available (page, self->keyring);
  if (url != NULL)
    tr_sign_in_page_set_server_url (page, url);
  tr_sign_in_page_set_token (page, token);
  tr_sign_in_page_set_error (page, error);
  tr_sign_in_page_focus (page);
}

/* Start-up (CSS, the icon theme, GStreamer's registry, the first DTLS key) leaves much of the
 * heap free but resident; give it back once, when the app has settled after signing in. */
static gboolean
trim_memory_cb (gpointer user_data)
{
#ifdef __GLIBC__
  malloc_trim (0);
#endif
  return G_SOURCE_REMOVE;
}

static void
set_agent (TrApplication *self, TrCallAgent *agent)
{
  static gboolean trimmed;

  if (agent != NULL && !trimmed)
    {
      trimmed = TRUE;
      g_timeout_add_seconds_full (G_PRIORITY_LOW, 2, trim_memory_cb, NULL, NULL);
    }
  if (self->agent != NULL && self->agent != agent)
    tr_call_agent_disconnect (self->agent);
  g_set_object (&self->agent, agent);
  tr_window_set_agent (get_window (self), agent, self->options->reconnect_max_attempts);
}

static void
saved_token_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (TrApplication) self = user_data;
  g_autoptr (GError) error = NULL;

  if (!tr_token_store_save_finish (result, &error))
    {
      g_autofree char *text
          = g_strdup_printf (_ ("The token could not be saved in the keyring: %s"), error->message);

      tr_window_add_toast (get_window (self), text);
    }
}

static void
agent_created_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (TrApplication) self = g_object_ref (g_task_get_source_object (G_TASK (user_data)));
  g_autoptr (GTask) task = user_data;
  SignIn *data = g_task_get_task_data (task);
  g_autoptr (GError) error = NULL;
  g_autoptr (TrCallAgent) agent = NULL;

  self->signing_in = FALSE;
  agent = tr_call_client_create_agent_finish (TR_CALL_CLIENT (source), result, &error);
  if (agent == NULL)
    {
      g_autofree char *text = sign_in_error_text (error, data->url);

      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      g_message ("Sign-in to %s failed: %s", data->url, error->message);
      show_sign_in (self, data->local ? NULL : data->url,
                    data->local || data->from_keyring ? NULL : data->token, text);
      return;
    }

  set_agent (self, agent);
  g_settings_set_boolean (self->settings, "use-local-server", data->local);
  if (!data->local)
    {
      const char *account = tr_identifier_get_raw_id (tr_call_agent_get_identifier (agent));

      g_settings_set_string (self->settings, "server-url", data->url);
      g_settings_set_string (self->settings, "account", account);
      if (data->remember && self->keyring)
        tr_token_store_save_async (data->url, account, data->token, self->cancellable,
                                   saved_token_cb, g_object_ref (self));
      else if (self->keyring)
        /* Not to be remembered: a token kept from before must not be used next time. */
        tr_token_store_clear_async (data->url, account, NULL, NULL, NULL);
    }
}

static void local_refresher (TrTokenCredential *credential, GCancellable *cancellable, GTask *task,
                             gpointer user_data);

static void
sign_in_full (TrApplication *self, const char *url, const char *token, gboolean remember,
              gboolean local, gboolean from_keyring)
{
  g_autoptr (TrTokenCredential) credential = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (GTask) task = NULL;
  SignIn *data;

  credential = tr_token_credential_new (token, &error);
  if (credential == NULL)
    {
      show_sign_in (self, url, NULL, _ ("This is not an access token: copy the whole token."));
      return;
    }
  if (local && self->local_server != NULL)
    tr_token_credential_set_refresher (credential, local_refresher,
                                       g_object_ref (self->local_server), g_object_unref);

  data = g_new0 (SignIn, 1);
  data->url = g_strdup (url);
  data->token = g_strdup (token);
  data->remember = remember;
  data->local = local;
  data->from_keyring = from_keyring;
  task = g_task_new (self, NULL, NULL, NULL);
  g_task_set_task_data (task, data, (GDestroyNotify)sign_in_free);

  self->signing_in = TRUE;
  tr_window_show_loading (get_window (self), _ ("Signing in…"));
  tr_call_client_create_agent_async (self->client, url, credential, self->options,
                                     self->cancellable, agent_created_cb, g_steal_pointer (&task));
}

static void
sign_in (TrApplication *self, const char *url, const char *token, gboolean remember, gboolean local)
{
  sign_in_full (self, url, token, remember, local, FALSE);
}

/* The local server */

static void
local_token_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  GError *error = NULL;
  char   *token = tr_local_server_issue_token_finish (TR_LOCAL_SERVER (source), result, &error);

  if (token == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, token, g_free);
}

static void
local_refresher (TrTokenCredential *credential, GCancellable *cancellable, GTask *task,
                 gpointer user_data)
{
  TrLocalServer *server = user_data;

  tr_local_server_issue_token_async (server, cancellable, local_token_cb, task);
}

static void
local_started_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (TrApplication) self = user_data;
  g_autoptr (GError) error = NULL;
  TrLocalServer *server = TR_LOCAL_SERVER (source);

  if (!tr_local_server_start_finish (server, result, &error))
    {
      g_autofree char *text = NULL;
      g_autofree char *last = g_settings_get_string (self->settings, "server-url");

      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      text = g_strdup_printf (_ ("The local server could not be started: %s"), error->message);
      self->signing_in = FALSE;
      if (self->local_server == server)
        g_clear_object (&self->local_server);
      show_sign_in (self, last, NULL, text);
      return;
    }
  self->signing_in = FALSE;
  sign_in (self, tr_local_server_get_url (server), tr_local_server_get_token (server), FALSE, TRUE);
}

static void
start_local (TrApplication *self)
{
  if (self->local_server == NULL)
    self->local_server = tr_local_server_new (NULL);
  self->signing_in = TRUE;
  tr_window_show_loading (get_window (self), _ ("Starting the local server…"));
  tr_local_server_start_async (self->local_server, self->cancellable, local_started_cb,
                               g_object_ref (self));
}

static void
stored_token_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (TrApplication) self = user_data;
  g_autoptr (GError) error = NULL;
  g_autofree char *token = tr_token_store_lookup_finish (result, &error);
  g_autofree char *url = g_settings_get_string (self->settings, "server-url");

  self->signing_in = FALSE;
  if (token != NULL)
    sign_in_full (self, url, token, TRUE, FALSE, TRUE);
  else
    show_sign_in (self, url, NULL, NULL);
}

static char *
read_token_file (const char *path, GError **error)
{
  g_autofree char *contents = NULL;

  if (!g_file_get_contents (path, &contents, NULL, error))
    return NULL;
  return g_strdup (g_strstrip (contents));
}

static void
start (TrApplication *self)
{
  const char      *env_url = g_getenv ("TRANSFER_SERVER_URL");
  const char      *url = self->cmdline_server ? self->cmdline_server : env_url;
  g_autofree char *token = NULL;

  self->started = TRUE;
  self->keyring = tr_token_store_is_available ();

  if (url != NULL && *url != '\0')
    {
      g_autoptr (GError) error = NULL;

      if (self->cmdline_token_file != NULL)
        {
          token = read_token_file (self->cmdline_token_file, &error);
          if (token == NULL)
            {
              show_sign_in (self, url, NULL, error->message);
              return;
            }
        }
      else if (g_getenv ("TRANSFER_TOKEN") != NULL && *g_getenv ("TRANSFER_TOKEN") != '\0')
        token = g_strdup (g_getenv ("TRANSFER_TOKEN"));

      if (token != NULL)
        sign_in (self, url, token, FALSE, FALSE);
      else
        show_sign_in (self, url, NULL, NULL);
      return;
    }

  if (g_settings_get_boolean (self->settings, "use-local-server"))
    {
      start_local (self);
      return;
    }

  {
    g_autofree char *last = g_settings_get_string (self->settings, "server-url");
    g_autofree char *account = g_settings_get_string (self->settings, "account");

    if (*last != '\0' && *account != '\0' && self->keyring)
      {
        self->signing_in = TRUE;
        tr_window_show_loading (get_window (self), _ ("Signing in…"));
        tr_token_store_lookup_async (last, account, self->cancellable, stored_token_cb,
                                     g_object_ref (self));
        return;
      }
    show_sign_in (self, last, NULL, NULL);
  }
}

/* Sign-in page */

static void
page_sign_in_cb (TrSignInPage *page, const char *url, const char *token, gboolean remember,
                 gpointer user_data)
{
  TrApplication *self = user_data;

  sign_in (self, url, token, remember, FALSE);
}

static void
page_use_local_cb (TrSignInPage *page, gpointer user_data)
{
  start_local (user_data);
}

/* Actions */

static void
new_local_token_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (TrApplication) self = user_data;
  g_autoptr (GError) error = NULL;
  g_autofree char *token
      = tr_local_server_issue_token_finish (TR_LOCAL_SERVER (source), result, &error);

  if (token == NULL || self->agent == NULL
      || !tr_token_credential_update_token (tr_call_agent_get_credential (self->agent), token,
                                            &error))
    {
      g_autofree char *text = g_strdup_printf (_ ("Could not sign in again: %s"),
                                               error ? error->message : _ ("not signed in"));

      tr_window_add_toast (get_window (self), text);
      return;
    }
  tr_call_agent_reconnect_now (self->agent);
}

static void
sign_in_again_action (GSimpleAction *action, GVariant *param, gpointer user_data)
{
  TrApplication *self = user_data;

  if (self->agent != NULL && self->local_server != NULL
      && g_strcmp0 (tr_call_agent_get_server_uri (self->agent),
                    tr_local_server_get_url (self->local_server))
             == 0)
    {
      tr_local_server_issue_token_async (self->local_server, self->cancellable, new_local_token_cb,
                                         g_object_ref (self));
      return;
    }
  show_sign_in (self, self->agent ? tr_call_agent_get_server_uri (self->agent) : NULL, NULL, NULL);
}

static void
sign_out_action (GSimpleAction *action, GVariant *param, gpointer user_data)
{
  TrApplication   *self = user_data;
  g_autofree char *url = NULL;

  if (self->agent != NULL)
    {
      url = g_strdup (tr_call_agent_get_server_uri (self->agent));
      if (self->keyring
          && (self->local_server == NULL
              || g_strcmp0 (url, tr_local_server_get_url (self->local_server)) != 0))
        tr_token_store_clear_async (
            url, tr_identifier_get_raw_id (tr_call_agent_get_identifier (self->agent)), NULL, NULL,
            NULL);
    }
  set_agent (self, NULL);
  g_settings_set_boolean (self->settings, "use-local-server", FALSE);
  g_free (url);
  url = g_settings_get_string (self->settings, "server-url");
  show_sign_in (self, url, NULL, NULL);
}

static void
accept_call_action (GSimpleAction *action, GVariant *param, gpointer user_data)
{
  TrWindow *window = get_window (user_data);

  gtk_window_present (GTK_WINDOW (window));
  tr_window_accept_call (window, g_variant_get_string (param, NULL));
}

static void
decline_call_action (GSimpleAction *action, GVariant *param, gpointer user_data)
{
  tr_window_decline_call (get_window (user_data), g_variant_get_string (param, NULL));
}

static void
preferences_action (GSimpleAction *action, GVariant *param, gpointer user_data)
{
  TrApplication *self = user_data;

  if (self->agent == NULL)
    return;
  /* One window, reused (it hides on close). */
  if (self->preferences == NULL)
    self->preferences = tr_preferences_window_new (GTK_WINDOW (get_window (self)), self->agent);
  else
    tr_preferences_window_set_agent (TR_PREFERENCES_WINDOW (self->preferences), self->agent);
  tr_preferences_window_set_device_manager (TR_PREFERENCES_WINDOW (self->preferences),
                                            tr_call_client_get_device_manager (self->client));
  gtk_window_present (GTK_WINDOW (self->preferences));
}

static void
about_action (GSimpleAction *action, GVariant *param, gpointer user_data)
{
  TrApplication     *self = user_data;
  static const char *developers[] = { "The Transfer developers", NULL };

  adw_show_about_window (GTK_WINDOW (get_window (self)), "application-name", _ ("Transfer"),
                         "application-icon", APP_ID, "version", PACKAGE_VERSION, "comments",
                         _ ("Place, answer, hold and transfer calls."), "developers", developers,
                         "license-type", GTK_LICENSE_GPL_3_0, NULL);
}

static void
quit_action (GSimpleAction *action, GVariant *param, gpointer user_data)
{
  g_application_quit (G_APPLICATION (user_data));
}

/* SIGTERM/SIGINT/SIGHUP quit cleanly, so that the local server is stopped too. */
static gboolean
quit_signal_cb (gpointer user_data)
{
  g_message ("Quitting on a signal");
  g_application_quit (G_APPLICATION (user_data));
  return G_SOURCE_CONTINUE;
}

static const GActionEntry app_actions[] = {
  { "sign-in-again", sign_in_again_action },
  { "sign-out", sign_out_action },
  { "accept-call", accept_call_action, "s" },
  { "decline-call", decline_call_action, "s" },
  { "preferences", preferences_action },
  { "about", about_action },
  { "quit", quit_action },
};

/* GApplication */

static int
tr_application_handle_local_options (GApplication *app, GVariantDict *options)
{
  TrApplication *self = TR_APPLICATION (app);

  if (g_variant_dict_contains (options, "version"))
    {
      g_print ("transfer %s\n", PACKAGE_VERSION);
      return 0;
    }
  g_variant_dict_lookup (options, "server", "s", &self->cmdline_server);
  g_variant_dict_lookup (options, "token-file", "^ay", &self->cmdline_token_file);
  return -1;
}

static void
tr_application_activate (GApplication *app)
{
  TrApplication *self = TR_APPLICATION (app);
  TrWindow      *window = get_window (self);

  gtk_window_present (GTK_WINDOW (window));
  if (!self->started)
    {
      TrSignInPage *page = tr_window_show_sign_in (window);

      g_signal_connect_object (page, "sign-in", G_CALLBACK (page_sign_in_cb), self, 0);
      g_signal_connect_object (page, "use-local-server", G_CALLBACK (page_use_local_cb), self, 0);
      tr_window_show_loading (window, _ ("Starting…"));
      start (self);
    }
}

static void
tr_application_startup (GApplication *app)
{
  TrApplication     *self = TR_APPLICATION (app);
  static const char *accels_quit[] = { "<Control>q", NULL };
  static const char *accels_prefs[] = { "<Control>comma", NULL };
  static const char *accels_help[] = { "<Control>question", "<Control>slash", NULL };

  G_APPLICATION_CLASS (tr_application_parent_class)->startup (app);

  g_action_map_add_action_entries (G_ACTION_MAP (self), app_actions, G_N_ELEMENTS (app_actions),
                                   self);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "app.quit", accels_quit);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "app.preferences", accels_prefs);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "win.show-help-overlay",
                                         accels_help);

  self->settings = g_settings_new (APP_ID);
  self->client = tr_call_client_new ();
  /* The devices chosen last time, now and whenever they are plugged in again. */
  tr_device_pane_apply_saved_choices (tr_call_client_get_device_manager (self->client),
                                      self->settings);

  self->signal_ids[0] = g_unix_signal_add (SIGTERM, quit_signal_cb, self);
  self->signal_ids[1] = g_unix_signal_add (SIGINT, quit_signal_cb, self);
  self->signal_ids[2] = g_unix_signal_add (SIGHUP, quit_signal_cb, self);
}

static void
tr_application_shutdown (GApplication *app)
{
  TrApplication *self = TR_APPLICATION (app);

  g_cancellable_cancel (self->cancellable);
  for (guint i = 0; i < G_N_ELEMENTS (self->signal_ids); i++)
    g_clear_handle_id (&self->signal_ids[i], g_source_remove);
  if (self->preferences != NULL)
    gtk_window_destroy (GTK_WINDOW (g_steal_pointer (&self->preferences)));
  if (self->agent != NULL)
    tr_call_agent_disconnect (self->agent);
  if (self->local_server != NULL)
    tr_local_server_stop (self->local_server);

  G_APPLICATION_CLASS (tr_application_parent_class)->shutdown (app);
}

static void
tr_application_finalize (GObject *object)
{
  TrApplication *self = TR_APPLICATION (object);

  g_clear_object (&self->agent);
  g_clear_object (&self->client);
  g_clear_object (&self->local_server);
  g_clear_object (&self->settings);
  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->options, tr_call_agent_options_free);
  g_free (self->cmdline_server);
  g_free (self->cmdline_token_file);

  G_OBJECT_CLASS (tr_application_parent_class)->finalize (object);
}

static void
tr_application_class_init (TrApplicationClass *klass)
{
  GObjectClass      *object_class = G_OBJECT_CLASS (klass);
  GApplicationClass *app_class = G_APPLICATION_CLASS (klass);

  object_class->finalize = tr_application_finalize;
  app_class->handle_local_options = tr_application_handle_local_options;
  app_class->activate = tr_application_activate;
  app_class->startup = tr_application_startup;
  app_class->shutdown = tr_application_shutdown;
}

static void
tr_application_init (TrApplication *self)
{
  static const GOptionEntry entries[] = {
    { "server", 's', 0, G_OPTION_ARG_STRING, NULL,
      N_ ("Sign in to the server at URL instead of the local one"), N_ ("URL") },
    { "token-file", 't', 0, G_OPTION_ARG_FILENAME, NULL,
      N_ ("Read the access token from FILE (default: $TRANSFER_TOKEN)"), N_ ("FILE") },
    { "version", 0, 0, G_OPTION_ARG_NONE, NULL, N_ ("Show the version"), NULL },
    { NULL },
  };

  self->cancellable = g_cancellable_new ();
  self->options = tr_call_agent_options_new ();
  /* Media (GStreamer, the DTLS key) when a call starts or rings, not while the app sits idle. */
  self->options->media_on_demand = TRUE;
  /* For tests and debugging: the reconnect policy (see docs/architecture.md). */
  if (g_getenv ("TRANSFER_RECONNECT_BASE_MS") != NULL)
    self->options->reconnect_base_delay_ms
        = (guint)g_ascii_strtoull (g_getenv ("TRANSFER_RECONNECT_BASE_MS"), NULL, 10);
  if (g_getenv ("TRANSFER_RECONNECT_MAX_MS") != NULL)
    self->options->reconnect_max_delay_ms
        = (guint)g_ascii_strtoull (g_getenv ("TRANSFER_RECONNECT_MAX_MS"), NULL, 10);
  if (g_getenv ("TRANSFER_RECONNECT_ATTEMPTS") != NULL)
    self->options->reconnect_max_attempts
        = (guint)g_ascii_strtoull (g_getenv ("TRANSFER_RECONNECT_ATTEMPTS"), NULL, 10);
  g_application_add_main_option_entries (G_APPLICATION (self), entries);
}

TrApplication *
tr_application_new (void)
{
  return g_object_new (TR_TYPE_APPLICATION, "application-id", APP_ID, "resource-base-path",
                       "/com/example/Transfer", "flags", G_APPLICATION_DEFAULT_FLAGS, NULL);
}
