/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "TrServer"

#include "config.h"

#include <glib-unix.h>
#include <locale.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tr-admin.h"
#include "tr-server.h"
#include "tr-voicemail-line.h"

static gboolean verbose;
static gboolean use_journal;

static gboolean
is_our_domain (const char *domain)
{
  return domain != NULL && domain[0] == 'T' && domain[1] == 'r';
}

/* Whether debug/info messages of @domain are wanted: --verbose (our domains) or
 * G_MESSAGES_DEBUG (a list of domains, or "all"). */
static gboolean
debug_wanted (const char *domain)
{
  const char *env = g_getenv ("G_MESSAGES_DEBUG");

  if (verbose && is_our_domain (domain))
    return TRUE;
  if (env == NULL || *env == '\0')
    return FALSE;
  if (strcmp (env, "all") == 0)
    return TRUE;
  if (domain == NULL)
    return FALSE;
  {
    g_auto (GStrv) domains = g_strsplit_set (env, " ,", -1);

    return g_strv_contains ((const char *const *)domains, domain);
  }
}

static GLogWriterOutput
log_writer (GLogLevelFlags log_level, const GLogField *fields, gsize n_fields, gpointer user_data)
{
  const char *domain = NULL;

  for (gsize i = 0; i < n_fields; i++)
    if (g_str_equal (fields[i].key, "GLIB_DOMAIN"))
      {
        domain = fields[i].value;
        break;
      }

  if ((log_level & (G_LOG_LEVEL_DEBUG | G_LOG_LEVEL_INFO)) != 0 && !debug_wanted (domain))
    return G_LOG_WRITER_HANDLED;

  if (use_journal
      && g_log_writer_journald (log_level, fields, n_fields, user_data) == G_LOG_WRITER_HANDLED)
    return G_LOG_WRITER_HANDLED;

  {
    /* Everything to stderr: stdout carries only the "listening on" line. */
    g_autofree char *line = g_log_writer_format_fields (
        log_level, fields, n_fields, g_log_writer_supports_color (fileno (stderr)));
    fprintf (stderr, "%s\n", line);
    fflush (stderr);
  }
  return G_LOG_WRITER_HANDLED;
}

/* One descriptor per agent: lift the soft limit (often 1024) to the hard one. */
static void
raise_fd_limit (void)
{
  struct rlimit limit;

  if (getrlimit (RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur < limit.rlim_max)
    {
      limit.rlim_cur = limit.rlim_max;
      if (setrlimit (RLIMIT_NOFILE, &limit) != 0)
        g_debug ("Cannot raise the file descriptor limit");
    }
}

/* The [server] group of a key file: the same names as the long options. Options given on the
 * command line win. */
static gboolean
load_config_file (const char *path, TrServerConfig *config, gboolean *ice_loopback_set,
                  GError **error)
{
  g_autoptr (GKeyFile) file = g_key_file_new ();
  const char *group = "server";

  if (!g_key_file_load_from_file (file, path, G_KEY_FILE_NONE, error))
    return FALSE;
  if (config->stun_server == NULL && g_key_file_has_key (file, group, "stun-server", NULL))
    config->stun_server = g_key_file_get_string (file, group, "stun-server", NULL);
  if (config->turn_servers == NULL && g_key_file_has_key (file, group, "turn-server", NULL))
    config->turn_servers = g_key_file_get_string_list (file, group, "turn-server", NULL, NULL);
  if (!*ice_loopback_set && g_key_file_has_key (file, group, "ice-loopback", NULL))
    config->ice_loopback = g_key_file_get_boolean (file, group, "ice-loopback", NULL);
  if (config->voicemail_max_seconds == 0
      && g_key_file_has_key (file, group, "voicemail-max-seconds", NULL))
    config->voicemail_max_seconds
        = (guint)g_key_file_get_integer (file, group, "voicemail-max-seconds", NULL);
  if (config->voicemail_quota == 0 && g_key_file_has_key (file, group, "voicemail-quota", NULL))
    config->voicemail_quota = (guint)g_key_file_get_integer (file, group, "voicemail-quota", NULL);
  if (config->voicemail_greeting == NULL
      && g_key_file_has_key (file, group, "voicemail-greeting", NULL))
    config->voicemail_greeting = g_key_file_get_string (file, group, "voicemail-greeting", NULL);
  return TRUE;
}

static gboolean
quit_cb (gpointer user_data)
{
  GMainLoop *loop = user_data;

  g_main_loop_quit (loop);
  return G_SOURCE_CONTINUE;
}

int
main (int argc, char *argv[])
{
  g_autofree char *listen = NULL;
  g_autofree char *data_dir = NULL;
  g_autofree char *tls_cert = NULL;
  g_autofree char *tls_key = NULL;
  g_auto (GStrv) scopes = NULL;
  g_autofree char *config_file = NULL;
  g_autofree char *stun_server = NULL;
  g_auto (GStrv) turn_servers = NULL;
  g_autofree char *voicemail_greeting = NULL;
  gboolean         ice_loopback = FALSE;
  gint             voicemail_max_seconds = 0;
  gint             voicemail_quota = 0;
  TrServerConfig   config;
  gboolean     allow_insecure = FALSE;
  gint64       ttl = TR_ADMIN_DEFAULT_TTL;
  GOptionEntry entries[] = {
    { "listen", 'l', 0, G_OPTION_ARG_STRING, &listen,
      "Address to listen on (default " TR_SERVER_DEFAULT_LISTEN "; port 0: any free port)",
      "HOST:PORT" },
    { "data-dir", 'd', 0, G_OPTION_ARG_FILENAME, &data_dir,
      "Database, secret and admin key (default $XDG_DATA_HOME/transfer-server)", "DIR" },
    { "tls-cert", 0, 0, G_OPTION_ARG_FILENAME, &tls_cert, "PEM certificate (https/wss)", "FILE" },
    { "tls-key", 0, 0, G_OPTION_ARG_FILENAME, &tls_key, "PEM private key", "FILE" },
    { "allow-insecure", 0, 0, G_OPTION_ARG_NONE, &allow_insecure,
      "Allow plain HTTP on a non-loopback address", NULL },
    { "verbose", 'v', 0, G_OPTION_ARG_NONE, &verbose, "Debug messages of the server", NULL },
    { "ttl", 0, 0, G_OPTION_ARG_INT64, &ttl, "token issue: lifetime in seconds (default 86400)",
      "SECONDS" },
    { "scope", 0, 0, G_OPTION_ARG_STRING_ARRAY, &scopes, "token issue: scope (call)", "SCOPE" },
    { "config", 'c', 0, G_OPTION_ARG_FILENAME, &config_file,
      "Key file with a [server] group: the long options below as keys", "FILE" },
    { "stun-server", 0, 0, G_OPTION_ARG_STRING, &stun_server,
      "STUN server for clients and service lines", "stun://HOST:PORT" },
    { "turn-server", 0, 0, G_OPTION_ARG_STRING_ARRAY, &turn_servers, "TURN server (repeatable)",
      "turn://USER:PASS@HOST:PORT" },
    { "ice-loopback", 0, 0, G_OPTION_ARG_NONE, &ice_loopback,
      "Service lines use ICE on 127.0.0.1 only (local mode; also TRANSFER_ICE_LOOPBACK=1)", NULL },
    { "voicemail-max-seconds", 0, 0, G_OPTION_ARG_INT, &voicemail_max_seconds,
      "Longest voicemail message (default 120)", "SECONDS" },
    { "voicemail-quota", 0, 0, G_OPTION_ARG_INT, &voicemail_quota,
      "Most voicemail messages a user keeps (default 100)", "MESSAGES" },
    { "voicemail-greeting", 0, 0, G_OPTION_ARG_FILENAME, &voicemail_greeting,
      "Default voicemail greeting, Ogg/Opus (default: the installed one)", "FILE" },
    { NULL }
  };
  g_autoptr (GOptionContext) context = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (TrServer) server = NULL;
  g_autoptr (GMainLoop) loop = NULL;
  g_autofree char *uri = NULL;

  setlocale (LC_ALL, "");
  signal (SIGPIPE, SIG_IGN);
  /* The data dir holds the secret, the admin key and the database: owner only. */
  umask (077);

  use_journal = g_log_writer_is_journald (fileno (stderr));
  g_log_set_writer_func (log_writer, NULL, NULL);

  context = g_option_context_new ("[user add ID NAME | user list | user remove ID | "
                                  "token issue ID | token revoke JTI]");
  g_option_context_set_summary (context, "The Transfer calling server: identities, signaling and "
                                         "service lines. Without a command it serves.");
  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      fprintf (stderr, "transfer-server: %s\n", error->message);
      return 2;
    }

  /* Lets TR_DEBUG() skip formatting when nobody listens. */
  g_log_set_debug_enabled (
      verbose || (g_getenv ("G_MESSAGES_DEBUG") != NULL && *g_getenv ("G_MESSAGES_DEBUG") != '\0'));

  if (data_dir == NULL)
    data_dir = g_build_filename (g_get_user_data_dir (), "transfer-server", NULL);

  if (argc > 1)
    return tr_admin_run (data_dir, argv + 1, ttl, (const char *const *)scopes);

  if ((tls_cert == NULL) != (tls_key == NULL))
    {
      fprintf (stderr, "transfer-server: --tls-cert and --tls-key go together\n");
      return 2;
    }

  if (voicemail_max_seconds < 0 || voicemail_quota < 0)
    {
      fprintf (stderr, "transfer-server: voicemail limits must not be negative\n");
      return 2;
    }
  memset (&config, 0, sizeof config);
  config.stun_server = g_steal_pointer (&stun_server);
  config.turn_servers = g_steal_pointer (&turn_servers);
  config.ice_loopback = ice_loopback || g_strcmp0 (g_getenv ("TRANSFER_ICE_LOOPBACK"), "1") == 0;
  config.voicemail_max_seconds = (guint)voicemail_max_seconds;
  config.voicemail_quota = (guint)voicemail_quota;
  config.voicemail_greeting = g_steal_pointer (&voicemail_greeting);
  if (config_file != NULL && !load_config_file (config_file, &config, &ice_loopback, &error))
    {
      fprintf (stderr, "transfer-server: cannot read %s: %s\n", config_file, error->message);
      tr_server_config_clear (&config);
      return 2;
    }
  if (config.voicemail_max_seconds == 0)
    config.voicemail_max_seconds = TR_VOICEMAIL_DEFAULT_MAX_SECONDS;
  if (config.voicemail_quota == 0 && voicemail_quota == 0)
    config.voicemail_quota = TR_VOICEMAIL_DEFAULT_QUOTA;
  /* TRANSFER_MEDIA=0: signaling-only test runs, outside a loopback-only network namespace. */
  config.media = g_strcmp0 (g_getenv ("TRANSFER_MEDIA"), "0") != 0;

  raise_fd_limit ();
  server = tr_server_new_full (data_dir, &config, &error);
  tr_server_config_clear (&config);
  if (server == NULL)
    {
      fprintf (stderr, "transfer-server: %s\n", error->message);
      return 1;
    }
  if (tls_cert != NULL && !tr_server_set_tls_files (server, tls_cert, tls_key, &error))
    {
      fprintf (stderr, "transfer-server: cannot load the TLS certificate: %s\n", error->message);
      return 1;
    }
  if (!tr_server_listen (server, listen ? listen : TR_SERVER_DEFAULT_LISTEN, allow_insecure,
                         &error))
    {
      fprintf (stderr, "transfer-server: cannot listen: %s\n", error->message);
      return 1;
    }

  loop = g_main_loop_new (NULL, FALSE);
  g_unix_signal_add (SIGINT, quit_cb, loop);
  g_unix_signal_add (SIGTERM, quit_cb, loop);

  uri = tr_server_dup_uri (server);
  printf ("listening on %s\n", uri);
  fflush (stdout);

  g_main_loop_run (loop);

  tr_server_shutdown (server, 1000);
  g_clear_object (&server);
  return 0;
}
