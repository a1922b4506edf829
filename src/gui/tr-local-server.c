/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "TrLocalServer"

#include "config.h"

#include <signal.h>
#ifdef __linux__
#include <sys/prctl.h>
#endif
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>

#include "tr-display.h"
#include "tr-local-server.h"

#define TOKEN_TTL "86400"

struct _TrLocalServer
{
  GObject parent_instance;

  char        *binary;
  char        *data_dir;
  char        *user_id;
  char        *user_name;
  char        *url;
  char        *token;
  GSubprocess *process;
};

G_DEFINE_FINAL_TYPE (TrLocalServer, tr_local_server, G_TYPE_OBJECT)

typedef struct
{
  GDataInputStream *stdout_stream;
  GPtrArray        *missing; /* argv vectors of `user add` still to run */
} StartData;

static void
start_data_free (StartData *data)
{
  g_clear_object (&data->stdout_stream);
  g_clear_pointer (&data->missing, g_ptr_array_unref);
  g_free (data);
}

char *
tr_local_server_find_binary (void)
{
  const char      *env = g_getenv ("TRANSFER_SERVER_BINARY");
  g_autofree char *self_exe = g_file_read_link ("/proc/self/exe", NULL);

  if (env != NULL && *env != '\0')
    return g_strdup (env);

  if (self_exe != NULL)
    {
      g_autofree char *dir = g_path_get_dirname (self_exe);
      g_autofree char *build = g_build_filename (dir, "..", "server", "transfer-server", NULL);
      g_autofree char *sibling = g_build_filename (dir, "transfer-server", NULL);

      if (g_file_test (build, G_FILE_TEST_IS_EXECUTABLE))
        return g_canonicalize_filename (build, NULL);
      if (g_file_test (sibling, G_FILE_TEST_IS_EXECUTABLE))
        return g_steal_pointer (&sibling);
    }

  {
    g_autofree char *installed = g_build_filename (BINDIR, "transfer-server", NULL);

    if (g_file_test (installed, G_FILE_TEST_IS_EXECUTABLE))
      return g_steal_pointer (&installed);
  }
  return g_find_program_in_path ("transfer-server");
}

/* In the child: the server goes when the app goes, even if the app crashes. */
static void
child_setup (gpointer user_data)
{
#ifdef __linux__
  prctl (PR_SET_PDEATHSIG, SIGTERM);
#endif
}

static GSubprocess *
spawn (TrLocalServer *self, GSubprocessFlags flags, GError **error, ...)
{
  g_autoptr (GSubprocessLauncher) launcher = g_subprocess_launcher_new (flags);
  g_autoptr (GPtrArray) argv = g_ptr_array_new ();
  const char *arg;
  va_list     args;

  g_ptr_array_add (argv, self->binary);
  g_ptr_array_add (argv, (char *)"--data-dir");
  g_ptr_array_add (argv, self->data_dir);
  va_start (args, error);
  while ((arg = va_arg (args, const char *)) != NULL)
    g_ptr_array_add (argv, (char *)arg);
  va_end (args);
  g_ptr_array_add (argv, NULL);

  g_subprocess_launcher_set_child_setup (launcher, child_setup, NULL, NULL);
  return g_subprocess_launcher_spawnv (launcher, (const char *const *)argv->pdata, error);
}

static void add_next_user (GTask *task);

static void
token_issued_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  TrLocalServer *self = g_task_get_source_object (task);
  g_autoptr (GError) error = NULL;
  char *token = tr_local_server_issue_token_finish (self, result, &error);

  if (token == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  g_free (self->token);
  self->token = token;
  g_task_return_boolean (task, TRUE);
}

static void
listening_line_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  TrLocalServer *self = g_task_get_source_object (task);
  g_autoptr (GError) error = NULL;
  g_autofree char *line = NULL;

  line = g_data_input_stream_read_line_finish_utf8 (G_DATA_INPUT_STREAM (source), result, NULL,
                                                    &error);
  if (line == NULL || !g_str_has_prefix (line, "listening on "))
    {
      if (error == NULL)
        error = g_error_new (G_IO_ERROR, G_IO_ERROR_FAILED,
                             _ ("The local server stopped at start-up (see the log)."));
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  g_free (self->url);
  self->url = g_strdup (line + strlen ("listening on "));
  g_message ("Local server %s listening on %s", g_subprocess_get_identifier (self->process),
             self->url);

  tr_local_server_issue_token_async (self, g_task_get_cancellable (task), token_issued_cb,
                                     g_object_ref (task));
}

static void
serve (GTask *task)
{
  TrLocalServer *self = g_task_get_source_object (task);
  StartData     *data = g_task_get_task_data (task);
  g_autoptr (GError) error = NULL;

  self->process
      = spawn (self, G_SUBPROCESS_FLAGS_STDOUT_PIPE, &error, "--listen", "127.0.0.1:0", NULL);
  if (self->process == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  data->stdout_stream = g_data_input_stream_new (g_subprocess_get_stdout_pipe (self->process));
  /* The pipe stays open with the process: a write after the first line must not SIGPIPE it. */
  g_filter_input_stream_set_close_base_stream (G_FILTER_INPUT_STREAM (data->stdout_stream), FALSE);
  g_data_input_stream_read_line_async (data->stdout_stream, G_PRIORITY_DEFAULT,
                                       g_task_get_cancellable (task), listening_line_cb,
                                       g_object_ref (task));
}

static void
user_added_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  g_autoptr (GError) error = NULL;

  if (!g_subprocess_wait_check_finish (G_SUBPROCESS (source), result, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  add_next_user (task);
}

static void
add_next_user (GTask *task)
{
  TrLocalServer *self = g_task_get_source_object (task);
  StartData     *data = g_task_get_task_data (task);
  g_autoptr (GSubprocess) process = NULL;
  g_autoptr (GError) error = NULL;
  g_auto (GStrv) pair = NULL;

  if (data->missing->len == 0)
    {
      serve (task);
      return;
    }
  pair = g_ptr_array_steal_index (data->missing, 0);
  process = spawn (self, G_SUBPROCESS_FLAGS_STDOUT_SILENCE, &error, "user", "add", pair[0], pair[1],
                   NULL);
  if (process == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  g_subprocess_wait_check_async (process, g_task_get_cancellable (task), user_added_cb,
                                 g_object_ref (task));
}

static void
user_list_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  TrLocalServer *self = g_task_get_source_object (task);
  StartData     *data = g_task_get_task_data (task);
  g_autoptr (GError) error = NULL;
  g_autofree char *out = NULL;
  g_auto (GStrv) lines = NULL;
  gboolean have_user = FALSE;

  if (!g_subprocess_communicate_utf8_finish (G_SUBPROCESS (source), result, &out, NULL, &error)
      || !g_subprocess_get_successful (G_SUBPROCESS (source)))
    {
      if (error == NULL)
        error = g_error_new (G_IO_ERROR, G_IO_ERROR_FAILED,
                             _ ("The local server could not read its data folder %s."),
                             self->data_dir);
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  lines = g_strsplit (out ? out : "", "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      g_auto (GStrv) fields = g_strsplit (lines[i], "\t", 3);

      if (fields[0] != NULL && g_strcmp0 (fields[0], self->user_id) == 0)
        have_user = TRUE;
    }

  data->missing = g_ptr_array_new_with_free_func ((GDestroyNotify)g_strfreev);
  if (!have_user)
    {
      char **pair = g_new0 (char *, 3);

      pair[0] = g_strdup (self->user_id);
      pair[1] = g_strdup (self->user_name);
      g_ptr_array_add (data->missing, pair);
    }
  add_next_user (task);
}

void
tr_local_server_start_async (TrLocalServer *self, GCancellable *cancellable,
                             GAsyncReadyCallback callback, gpointer user_data)
{
  g_autoptr (GTask) task = NULL;
  g_autoptr (GSubprocess) process = NULL;
  g_autoptr (GError) error = NULL;

  g_return_if_fail (TR_IS_LOCAL_SERVER (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, tr_local_server_start_async);
  g_task_set_task_data (task, g_new0 (StartData, 1), (GDestroyNotify)start_data_free);

  if (self->process != NULL)
    {
      g_task_return_boolean (task, TRUE);
      return;
    }
  if (self->binary == NULL)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                               _ ("The program transfer-server was not found."));
      return;
    }
  if (g_mkdir_with_parents (self->data_dir, 0700) != 0)
    {
      int errsv = errno;

      g_task_return_new_error (task, G_IO_ERROR, g_io_error_from_errno (errsv),
                               _ ("Cannot create the folder %s: %s"), self->data_dir,
                               g_strerror (errsv));
      return;
    }

  process = spawn (self, G_SUBPROCESS_FLAGS_STDOUT_PIPE, &error, "user", "list", NULL);
  if (process == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  g_subprocess_communicate_utf8_async (process, NULL, cancellable, user_list_cb,
                                       g_steal_pointer (&task));
}

gboolean
tr_local_server_start_finish (TrLocalServer *self, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
issue_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  g_autoptr (GError) error = NULL;
  g_autofree char *out = NULL;

  if (!g_subprocess_communicate_utf8_finish (G_SUBPROCESS (source), result, &out, NULL, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  if (!g_subprocess_get_successful (G_SUBPROCESS (source)) || out == NULL
      || *g_strstrip (out) == '\0')
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_FAILED,
                               _ ("The local server did not issue a token."));
      return;
    }
  g_task_return_pointer (task, g_steal_pointer (&out), g_free);
}

void
tr_local_server_issue_token_async (TrLocalServer *self, GCancellable *cancellable,
                                   GAsyncReadyCallback callback, gpointer user_data)
{
  g_autoptr (GTask) task = g_task_new (self, cancellable, callback, user_data);
  g_autoptr (GSubprocess) process = NULL;
  g_autoptr (GError) error = NULL;

  g_task_set_source_tag (task, tr_local_server_issue_token_async);
  process = spawn (self, G_SUBPROCESS_FLAGS_STDOUT_PIPE, &error, "token", "issue", self->user_id,
                   "--ttl", TOKEN_TTL, NULL);
  if (process == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  g_subprocess_communicate_utf8_async (process, NULL, cancellable, issue_cb,
                                       g_steal_pointer (&task));
}

char *
tr_local_server_issue_token_finish (TrLocalServer *self, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

const char *
tr_local_server_get_url (TrLocalServer *self)
{
  return self->url;
}

const char *
tr_local_server_get_user_id (TrLocalServer *self)
{
  return self->user_id;
}

const char *
tr_local_server_get_token (TrLocalServer *self)
{
  return self->token;
}

void
tr_local_server_stop (TrLocalServer *self)
{
  gint64 deadline;

  g_return_if_fail (TR_IS_LOCAL_SERVER (self));

  if (self->process == NULL)
    return;

  if (g_subprocess_get_identifier (self->process) != NULL)
    {
      g_message ("Stopping the local server (pid %s)", g_subprocess_get_identifier (self->process));
      g_subprocess_send_signal (self->process, SIGTERM);
      /* The GLib worker thread reaps it; give it a moment to write its database. */
      deadline = g_get_monotonic_time () + 3 * G_USEC_PER_SEC;
      while (g_subprocess_get_identifier (self->process) != NULL
             && g_get_monotonic_time () < deadline)
        g_usleep (10000);
    }
  g_clear_object (&self->process);
}

static void
tr_local_server_finalize (GObject *object)
{
  TrLocalServer *self = TR_LOCAL_SERVER (object);

  tr_local_server_stop (self);
  g_free (self->binary);
  g_free (self->data_dir);
  g_free (self->user_id);
  g_free (self->user_name);
  g_free (self->url);
  g_free (self->token);

  G_OBJECT_CLASS (tr_local_server_parent_class)->finalize (object);
}

static void
tr_local_server_class_init (TrLocalServerClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = tr_local_server_finalize;
}

static void
tr_local_server_init (TrLocalServer *self)
{
}

TrLocalServer *
tr_local_server_new (const char *data_dir)
{
  TrLocalServer *self = g_object_new (TR_TYPE_LOCAL_SERVER, NULL);
  const char    *real_name = g_get_real_name ();

  self->binary = tr_local_server_find_binary ();
  self->data_dir = data_dir ? g_strdup (data_dir)
                            : g_build_filename (g_get_user_data_dir (), "transfer", "server", NULL);
  self->user_id = tr_user_id_from_login (g_get_user_name ());
  self->user_name = g_strdup (real_name && *real_name && g_strcmp0 (real_name, "Unknown") != 0
                                  ? real_name
                                  : g_get_user_name ());
  return self;
}
