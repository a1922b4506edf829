/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "TrBench"

#include "config.h"

#include <locale.h>
#include <math.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <unistd.h>

#include <gio/gio.h>
#include <glib-unix.h>
#include <libsoup/soup.h>

#include "tr-message.h"
#include "tr-protocol.h"

/*
 * transfer-bench: starts a transfer-server on 127.0.0.1:0 in a temporary data directory,
 * creates N users with tokens over REST, connects N agents over the signaling WebSocket and
 * drives call cycles, then blind transfers, for a bounded time. Reports calls/s, call-setup and
 * transfer-completion latencies and the server's memory per idle agent, then stops the server
 * it started and removes the directory.
 *
 * The agents are spread over worker threads, each with its own GMainContext and SoupSession:
 * GLib's main loop costs O(sources) per dispatch, so one context with 1000 connections would
 * make the load generator, not the server, the bottleneck. A group of agents (the two or three
 * parties of one cycle) always lives in one worker; workers share nothing but atomics and the
 * results they hand over, under a lock, at the end of a phase.
 */

#define MAX_AGENTS           5000
#define MAX_SECONDS          300
#define MAX_THREADS          16
/*
 * WebSocket handshakes in flight, over all workers. Keep it below the server's listen backlog
 * (GLib's default is 10): beyond it the kernel drops handshakes and connects stall for seconds.
 */
#define CONNECT_PARALLEL     8
#define REST_PARALLEL        16
#define CYCLE_TIMEOUT_S      10
#define STARTUP_TIMEOUT_S    20
#define SETTLE_MS            1500
#define MAX_ERRORS_SHOWN     8
/* Frames per second an agent may send: below the server's rate limit (100/s, burst 200). */
#define AGENT_FRAME_RATE     (TR_PROTOCOL_RATE * 9 / 10)

/* Targets from the brief, reported against. */
#define TARGET_CALLS_PER_S   2000.0
#define TARGET_SETUP_P99_MS  10.0
#define TARGET_KIB_PER_AGENT 10.0

typedef enum
{
  PHASE_IDLE,
  PHASE_CALLS,
  PHASE_TRANSFERS,
} Phase;

/* What a running cycle still waits for. */
enum
{
  WAIT_A_ENDED_X = 1 << 0,
  WAIT_B_ENDED_X = 1 << 1,
  WAIT_TRANSFERRED = 1 << 2,
  WAIT_B_ENDED_Y = 1 << 3,
  WAIT_C_ENDED_Y = 1 << 4,
};

/* Roles inside a group: A calls B; in transfers A transfers B to C. */
enum
{
  ROLE_A,
  ROLE_B,
  ROLE_C,
};

typedef struct _Bench  Bench;
typedef struct _Worker Worker;
typedef struct _Group  Group;

typedef struct
{
  Worker                  *worker;
  guint                    index;
  char                    *user;
  char                    *token;
  SoupWebsocketConnection *ws;
  gboolean                 welcomed;
  gboolean                 closed;
  guint                    next_request;
  Group                   *group;
  guint                    role;
} Agent;

struct _Group
{
  Worker  *worker;
  Agent   *agents[3];
  guint    n_agents;
  gboolean running;
  guint    waiting;
  gint64   started_at;  /* call.start sent (µs, monotonic) */
  gint64   transfer_at; /* call.transfer sent */
  char    *call_x;      /* A–B */
  char    *call_y;      /* B–C */
  guint    watchdog_id;
  guint    pace_id;
  gint64   next_start;  /* when the next cycle is due (open-loop rate) */
  gint64   interval;    /* µs between this group's cycles; 0: as fast as allowed */
};

typedef struct
{
  const char *name;
  guint       seconds;
  guint       rate;       /* offered cycles/s; 0: closed loop */
  guint       groups;
  guint64     cycles;     /* started inside the window and completed */
  guint64     errors;
  double      server_cpu; /* CPU seconds during the window */
  double      bench_cpu;
  GArray     *latencies;  /* gint64 µs: setup (calls) or transfer completion (transfers) */
} PhaseStats;

struct _Worker
{
  Bench        *bench;
  guint         index;
  GThread      *thread;
  GMainContext *context;
  GMainLoop    *loop;
  SoupSession  *session;
  Agent        *agents; /* a slice of bench->agents */
  guint         n_agents;
  guint         connect_next;
  guint         connect_inflight;

  /* the current phase, touched by this worker's thread only until handed over */
  GPtrArray    *groups;
  PhaseStats    stats;

  /* read by the main thread */
  gint          running_groups; /* atomic */
  guint64       frames_in;
  guint64       frames_out;
  guint64       bad_frames;
};

struct _Bench
{
  /* options */
  char             *server_path;
  guint             n_agents;
  guint             n_threads;
  guint             seconds;
  guint             transfer_seconds;
  gboolean          verbose;

  SoupSession      *session; /* REST, main thread */
  GSubprocess      *server;
  GPid              server_pid;
  GDataInputStream *server_stdout;
  gboolean          server_exited;
  char             *work_dir;
  char             *data_dir;
  char             *log_path;
  char             *admin_key;
  char             *base_url;
  char             *ws_url;

  Agent            *agents;
  guint             rest_next;
  guint             rest_inflight;
  guint             rest_done;
  guint             rest_failed;

  Worker           *workers;
  gint              workers_started; /* atomic */
  gint              workers_done;    /* atomic: workers that finished the requested step */
  gint              welcomed;        /* atomic */
  gint              connect_failed;  /* atomic */
  gint              closed;          /* atomic */
  gint              errors_shown;    /* atomic */

  /* phase parameters: written by the main thread before workers are told to start */
  Phase             phase;
  gint64            window_end;
  gint              stopping;        /* atomic */
  GMutex            lock;            /* merging of PhaseStats */
  PhaseStats        calls;
  PhaseStats        transfers;

  gboolean          interrupted;
};

static void group_start_cycle (Group *group);

/* Utilities */

static gboolean
wake_cb (gpointer user_data)
{
  return G_SOURCE_CONTINUE;
}

/*
 * Main thread: iterates the default context until @done says so, the deadline passes or we are
 * interrupted (SIGINT, SIGTERM). Steps that must complete even then use run_until_done().
 */
static void
run_loop (Bench   *self,
          gboolean (*done) (Bench *),
          gint64   deadline,
          gboolean interruptible)
{
  guint id = g_timeout_add (10, wake_cb, NULL);

  while (!(interruptible && self->interrupted) && (done == NULL || !done (self)) &&
         g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);

  g_source_remove (id);
}

static void
run_until (Bench   *self,
           gboolean (*done) (Bench *),
           gint64   deadline)
{
  run_loop (self, done, deadline, TRUE);
}

static void
run_until_done (Bench   *self,
                gboolean (*done) (Bench *),
                gint64   deadline)
{
  run_loop (self, done, deadline, FALSE);
}

static gint64
deadline_in_ms (gint64 ms)
{
  return g_get_monotonic_time () + ms * 1000;
}

static void
report_error (Bench      *self,
              const char *format,
              ...) G_GNUC_PRINTF (2, 3);

static void
report_error (Bench      *self,
              const char *format,
              ...)
{
  g_autofree char *text = NULL;
  va_list          args;

  if (g_atomic_int_add (&self->errors_shown, 1) >= MAX_ERRORS_SHOWN && !self->verbose)
    return;

  va_start (args, format);
  text = g_strdup_vprintf (format, args);
  va_end (args);
  g_printerr ("transfer-bench: %s\n", text);
}

static void
set_str (char      **pointer,
         const char *value)
{
  if (g_strcmp0 (*pointer, value) == 0)
    return;
  g_free (*pointer);
  *pointer = g_strdup (value);
}

static gint64
read_rss_kib (GPid pid)
{
  g_autofree char *path = g_strdup_printf ("/proc/%d/status", (int) pid);
  g_autofree char *text = NULL;
  const char      *line;

  if (!g_file_get_contents (path, &text, NULL, NULL))
    return -1;

  line = strstr (text, "\nVmRSS:");
  if (line == NULL)
    return -1;

  return g_ascii_strtoll (line + strlen ("\nVmRSS:"), NULL, 10);
}

/* utime + stime of a process, in seconds (/proc/PID/stat fields 14 and 15). */
static double
read_cpu_seconds (GPid pid)
{
  g_autofree char *path = g_strdup_printf ("/proc/%d/stat", (int) pid);
  g_autofree char *text = NULL;
  g_auto(GStrv) fields = NULL;
  const char      *end;

  if (!g_file_get_contents (path, &text, NULL, NULL))
    return 0;

  /* The command name may hold spaces: count fields after its closing parenthesis. */
  end = strrchr (text, ')');
  if (end == NULL || end[1] == '\0')
    return 0;
  fields = g_strsplit (end + 2, " ", 16);
  if (g_strv_length (fields) < 14)
    return 0;

  /* fields[0] is field 3 (state) */
  return (g_ascii_strtod (fields[11], NULL) + g_ascii_strtod (fields[12], NULL)) /
         sysconf (_SC_CLK_TCK);
}

static void
raise_fd_limit (guint n_agents)
{
  struct rlimit limit;
  rlim_t        wanted = (rlim_t) n_agents * 2 + 256;

  if (getrlimit (RLIMIT_NOFILE, &limit) != 0)
    return;
  if (limit.rlim_cur >= wanted)
    return;

  limit.rlim_cur = MIN (wanted, limit.rlim_max);
  if (setrlimit (RLIMIT_NOFILE, &limit) != 0 || limit.rlim_cur < wanted)
    g_printerr ("transfer-bench: warning: open-file limit %lu is below the %lu wanted\n",
                (unsigned long) limit.rlim_cur, (unsigned long) wanted);
}

static void
remove_tree (GFile *file)
{
  g_autoptr(GFileEnumerator) children = NULL;

  children = g_file_enumerate_children (file, G_FILE_ATTRIBUTE_STANDARD_NAME,
                                        G_FILE_QUERY_INFO_NOFOLLOW_SYMLINKS, NULL, NULL);
  if (children != NULL)
    {
      GFileInfo *info;
      GFile     *child;

      while (g_file_enumerator_iterate (children, &info, &child, NULL, NULL) && info != NULL)
        {
          if (g_file_info_get_file_type (info) == G_FILE_TYPE_DIRECTORY)
            remove_tree (child);
          else
            g_file_delete (child, NULL, NULL);
        }
    }

  g_file_delete (file, NULL, NULL);
}

static int
compare_gint64 (gconstpointer a,
                gconstpointer b)
{
  gint64 x = *(const gint64 *) a;
  gint64 y = *(const gint64 *) b;

  return x < y ? -1 : x > y;
}

static double
percentile_ms (GArray *sorted,
               double  p)
{
  gsize index;

  if (sorted->len == 0)
    return NAN;

  index = (gsize) ceil (p * sorted->len);
  index = CLAMP (index, 1, sorted->len) - 1;
  return g_array_index (sorted, gint64, index) / 1000.0;
}

/* Timers of a worker: on its own context, not the global default one. */
static guint
worker_timeout_add (Worker     *worker,
                    guint       ms,
                    GSourceFunc func,
                    gpointer    data)
{
  GSource *source = g_timeout_source_new (ms);
  guint    id;

  g_source_set_callback (source, func, data, NULL);
  id = g_source_attach (source, worker->context);
  g_source_unref (source);

  return id;
}

static void
worker_source_clear (Worker *worker,
                     guint  *id)
{
  if (*id != 0)
    {
      GSource *source = g_main_context_find_source_by_id (worker->context, *id);

      if (source != NULL)
        g_source_destroy (source);
      *id = 0;
    }
}

/* The server */

static void
child_setup (gpointer user_data)
{
  /* The server must not outlive us, whatever happens to us. */
  prctl (PR_SET_PDEATHSIG, SIGTERM);
}

static void
server_exited_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  Bench *self = user_data;

  g_subprocess_wait_finish (G_SUBPROCESS (object), result, NULL);
  self->server_exited = TRUE;
}

static void
server_line_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  Bench           *self = user_data;
  g_autofree char *line = NULL;
  guint            port = 0;

  line = g_data_input_stream_read_line_finish_utf8 (G_DATA_INPUT_STREAM (object), result, NULL,
                                                    NULL);
  if (line == NULL || self->server_stdout == NULL)
    return; /* EOF or error (the server closed stdout), or we stopped listening */

  if (self->base_url == NULL && sscanf (line, "listening on http://127.0.0.1:%u", &port) == 1 &&
      port > 0 && port < 65536)
    {
      self->base_url = g_strdup_printf ("http://127.0.0.1:%u", port);
      self->ws_url = g_strdup_printf ("ws://127.0.0.1:%u%s", port, TR_PROTOCOL_SIGNALING_PATH);
    }
  else if (self->verbose)
    g_printerr ("server: %s\n", line);

  /* Keep draining so the server never blocks on a full pipe. */
  g_data_input_stream_read_line_async (self->server_stdout, G_PRIORITY_DEFAULT, NULL,
                                       server_line_cb, self);
}

static gboolean
server_ready (Bench *self)
{
  return self->base_url != NULL || self->server_exited;
}

static void
print_server_log (Bench *self)
{
  g_autofree char *log = NULL;
  gsize            length = 0;

  if (self->log_path == NULL || !g_file_get_contents (self->log_path, &log, &length, NULL))
    return;

  if (length > 4000)
    g_printerr ("... server log (last 4000 bytes):\n%s\n", log + length - 4000);
  else if (length > 0)
    g_printerr ("server log:\n%s\n", log);
}

static gboolean
start_server (Bench   *self,
              GError **error)
{
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autofree char *key_path = NULL;
  g_autofree char *key = NULL;
  const char      *identifier;

  self->work_dir = g_dir_make_tmp ("transfer-bench-XXXXXX", error);
  if (self->work_dir == NULL)
    return FALSE;
  self->data_dir = g_build_filename (self->work_dir, "data", NULL);
  self->log_path = g_build_filename (self->work_dir, "server.log", NULL);
  if (g_mkdir_with_parents (self->data_dir, 0700) != 0)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "Cannot create %s", self->data_dir);
      return FALSE;
    }

  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE);
  g_subprocess_launcher_set_stderr_file_path (launcher, self->log_path);
  g_subprocess_launcher_set_child_setup (launcher, child_setup, NULL, NULL);
  self->server = g_subprocess_launcher_spawn (launcher, error, self->server_path, "--data-dir",
                                              self->data_dir, "--listen", "127.0.0.1:0", NULL);
  if (self->server == NULL)
    return FALSE;

  identifier = g_subprocess_get_identifier (self->server);
  self->server_pid = identifier != NULL ? (GPid) g_ascii_strtoll (identifier, NULL, 10) : 0;
  g_subprocess_wait_async (self->server, NULL, server_exited_cb, self);

  self->server_stdout = g_data_input_stream_new (g_subprocess_get_stdout_pipe (self->server));
  g_data_input_stream_read_line_async (self->server_stdout, G_PRIORITY_DEFAULT, NULL,
                                       server_line_cb, self);

  run_until (self, server_ready, deadline_in_ms (STARTUP_TIMEOUT_S * 1000));
  if (self->base_url == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED,
                   "The server did not print \"listening on http://127.0.0.1:PORT\" (%s)",
                   self->server_exited ? "it exited" : "timeout");
      print_server_log (self);
      return FALSE;
    }

  key_path = g_build_filename (self->data_dir, "admin.key", NULL);
  if (!g_file_get_contents (key_path, &key, NULL, error))
    return FALSE;
  self->admin_key = g_strstrip (g_steal_pointer (&key));

  return TRUE;
}

static gboolean
server_gone (Bench *self)
{
  return self->server_exited;
}

static void
stop_server (Bench *self)
{
  if (self->server == NULL)
    return;

  if (!self->server_exited)
    {
      /* GSubprocess signals its own child, by PID. */
      g_subprocess_send_signal (self->server, SIGTERM);
      run_until_done (self, server_gone, deadline_in_ms (5000));
      if (!self->server_exited)
        {
          g_printerr ("transfer-bench: server did not stop on SIGTERM, killing it\n");
          g_subprocess_force_exit (self->server);
          run_until_done (self, server_gone, deadline_in_ms (3000));
        }
    }

  g_clear_object (&self->server_stdout);
  g_clear_object (&self->server);
}

/* Users and tokens over REST */

static void rest_pump (Bench *self);

static SoupMessage *
rest_post (Bench      *self,
           const char *path,
           JsonObject *body)
{
  g_autofree char *url = g_strconcat (self->base_url, path, NULL);
  g_autofree char *auth = g_strconcat ("Bearer ", self->admin_key, NULL);
  g_autoptr(JsonNode) node = json_node_init_object (json_node_alloc (), body);
  g_autofree char *text = json_to_string (node, FALSE);
  g_autoptr(GBytes) bytes = NULL;
  SoupMessage     *msg = soup_message_new ("POST", url);
  gsize            length = strlen (text);

  bytes = g_bytes_new_take (g_steal_pointer (&text), length);
  soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization", auth);
  soup_message_set_request_body_from_bytes (msg, "application/json", bytes);

  return msg;
}

static void
rest_finish_agent (Agent   *agent,
                   gboolean ok)
{
  Bench *self = agent->worker->bench;

  self->rest_inflight--;
  if (ok)
    self->rest_done++;
  else
    self->rest_failed++;
  rest_pump (self);
}

static void
token_created_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  Agent           *agent = user_data;
  Bench           *self = agent->worker->bench;
  SoupMessage     *msg = soup_session_get_async_result_message (SOUP_SESSION (object), result);
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonNode        *root;
  JsonNode        *token;

  bytes = soup_session_send_and_read_finish (SOUP_SESSION (object), result, &error);
  if (bytes == NULL || soup_message_get_status (msg) != SOUP_STATUS_CREATED)
    {
      report_error (self, "POST /v1/tokens for %s: %s", agent->user,
                    error != NULL ? error->message : soup_message_get_reason_phrase (msg));
      rest_finish_agent (agent, FALSE);
      return;
    }

  if (json_parser_load_from_data (parser, g_bytes_get_data (bytes, NULL),
                                  (gssize) g_bytes_get_size (bytes), NULL) &&
      (root = json_parser_get_root (parser)) != NULL && JSON_NODE_HOLDS_OBJECT (root) &&
      (token = json_object_get_member (json_node_get_object (root), "token")) != NULL &&
      JSON_NODE_HOLDS_VALUE (token) && json_node_get_value_type (token) == G_TYPE_STRING)
    {
      agent->token = g_strdup (json_node_get_string (token));
      rest_finish_agent (agent, TRUE);
      return;
    }

  report_error (self, "POST /v1/tokens for %s: no token in the reply", agent->user);
  rest_finish_agent (agent, FALSE);
}

static void
user_created_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  Agent           *agent = user_data;
  Bench           *self = agent->worker->bench;
  SoupMessage     *msg = soup_session_get_async_result_message (SOUP_SESSION (object), result);
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(SoupMessage) token_msg = NULL;
  JsonObject      *body;
  JsonArray       *scopes;
  guint            status;

  bytes = soup_session_send_and_read_finish (SOUP_SESSION (object), result, &error);
  status = soup_message_get_status (msg);
  if (bytes == NULL || (status != SOUP_STATUS_CREATED && status != SOUP_STATUS_CONFLICT))
    {
      report_error (self, "POST /v1/users %s: %s", agent->user,
                    error != NULL ? error->message : soup_message_get_reason_phrase (msg));
      rest_finish_agent (agent, FALSE);
      return;
    }

  body = json_object_new ();
  scopes = json_array_new ();
  json_array_add_string_element (scopes, "call");
  json_object_set_string_member (body, "user", agent->user);
  json_object_set_int_member (body, "ttl", 7200);
  json_object_set_array_member (body, "scopes", scopes);
  token_msg = rest_post (self, "/v1/tokens", body);
  json_object_unref (body);
  soup_session_send_and_read_async (self->session, token_msg, G_PRIORITY_DEFAULT, NULL,
                                    token_created_cb, agent);
}

static void
rest_pump (Bench *self)
{
  while (self->rest_inflight < REST_PARALLEL && self->rest_next < self->n_agents &&
         !self->interrupted)
    {
      Agent           *agent = &self->agents[self->rest_next++];
      JsonObject      *body = json_object_new ();
      g_autofree char *name = g_strdup_printf ("Bench agent %u", agent->index);
      g_autoptr(SoupMessage) msg = NULL;

      json_object_set_string_member (body, "id", agent->user);
      json_object_set_string_member (body, "display_name", name);
      msg = rest_post (self, "/v1/users", body);
      json_object_unref (body);

      self->rest_inflight++;
      soup_session_send_and_read_async (self->session, msg, G_PRIORITY_DEFAULT, NULL,
                                        user_created_cb, agent);
    }
}

static gboolean
rest_complete (Bench *self)
{
  return self->rest_done + self->rest_failed == self->n_agents ||
         (self->rest_inflight == 0 && self->rest_next == self->n_agents);
}

/* Agents */


static void
agent_send (Agent     *agent,
            TrMessage *message)
{
  g_autofree char *text = NULL;

  if (agent->ws == NULL ||
      soup_websocket_connection_get_state (agent->ws) != SOUP_WEBSOCKET_STATE_OPEN)
    return;

  text = tr_message_to_string (message, NULL);
  soup_websocket_connection_send_text (agent->ws, text);
  agent->worker->frames_out++;
}

/* Request ids carry the request kind in their first character: the reply tells what it answers. */
static TrMessage *
agent_request (Agent        *agent,
               TrMessageType type,
               char          tag)
{
  g_autofree char *id = g_strdup_printf ("%c%u", tag, ++agent->next_request);

  return tr_message_new_request (type, id);
}

static void
agent_send_call (Agent        *agent,
                 TrMessageType type,
                 char          tag,
                 const char   *call)
{
  g_autoptr(TrMessage) request = agent_request (agent, type, tag);

  tr_message_set_string (request, "call", call);
  agent_send (agent, request);
}

static const char *
call_info_id (TrMessage *message)
{
  JsonObject *call = tr_message_get_member_object (message, "call");

  return call != NULL ? json_object_get_string_member (call, "id") : NULL;
}

static const char *
call_info_caller (TrMessage *message)
{
  JsonObject *call = tr_message_get_member_object (message, "call");
  JsonObject *caller = call != NULL ? json_object_get_object_member (call, "caller") : NULL;

  return caller != NULL ? json_object_get_string_member (caller, "id") : NULL;
}

/* Groups and cycles (worker thread) */

static void
group_free (Group *group)
{
  worker_source_clear (group->worker, &group->watchdog_id);
  worker_source_clear (group->worker, &group->pace_id);
  for (guint i = 0; i < group->n_agents; i++)
    {
      if (group->agents[i]->group == group)
        group->agents[i]->group = NULL;
    }
  g_free (group->call_x);
  g_free (group->call_y);
  g_free (group);
}

static void
group_stop (Group *group)
{
  if (!group->running)
    return;

  group->running = FALSE;
  worker_source_clear (group->worker, &group->watchdog_id);
  worker_source_clear (group->worker, &group->pace_id);
  g_atomic_int_add (&group->worker->running_groups, -1);
}

static void
group_fail (Group      *group,
            const char *what)
{
  Worker *worker = group->worker;

  if (!group->running)
    return;

  worker->stats.errors++;
  report_error (worker->bench, "%s group %s/%s: %s", worker->stats.name, group->agents[0]->user,
                group->agents[1]->user, what);

  /* The group retires; it leaves no call behind for the next phase (errors are ignored). */
  group_stop (group);
  if (group->call_x != NULL)
    agent_send_call (group->agents[ROLE_A], TR_REQ_CALL_HANGUP, 'x', group->call_x);
  if (group->call_y != NULL)
    agent_send_call (group->agents[ROLE_B], TR_REQ_CALL_HANGUP, 'x', group->call_y);
}

static gboolean
group_watchdog_cb (gpointer user_data)
{
  Group *group = user_data;

  group->watchdog_id = 0;
  group_fail (group, "cycle timed out");
  return G_SOURCE_REMOVE;
}

static gboolean
window_open (Bench *bench)
{
  return !g_atomic_int_get (&bench->stopping) && g_get_monotonic_time () < bench->window_end;
}

static void
group_record_latency (Group *group,
                      gint64 since)
{
  Worker *worker = group->worker;
  gint64  latency = g_get_monotonic_time () - since;

  /* Samples of the cycles that count: those started inside the window. */
  if (group->started_at <= worker->bench->window_end)
    g_array_append_val (worker->stats.latencies, latency);
}

static gboolean
group_pace_cb (gpointer user_data)
{
  Group *group = user_data;

  group->pace_id = 0;
  if (group->running && window_open (group->worker->bench))
    group_start_cycle (group);
  else
    group_stop (group);

  return G_SOURCE_REMOVE;
}

/*
 * Starts the group's next cycle when it is due: at its slot of the offered rate (open loop), but
 * never so soon that an agent would exceed the server's per-connection rate limit. The busiest
 * agent sends 2 frames per call cycle (A: start, hang-up) and 3 per transfer cycle (B: accept,
 * start, hang-up).
 */
static void
group_schedule (Group *group)
{
  Bench *bench = group->worker->bench;
  gint64 frames = bench->phase == PHASE_TRANSFERS ? 3 : 2;
  gint64 due = group->next_start;
  gint64 wait;

  if (group->started_at > 0)
    due = MAX (due, group->started_at + frames * G_USEC_PER_SEC / AGENT_FRAME_RATE);

  wait = due - g_get_monotonic_time ();
  if (wait <= 0)
    group_start_cycle (group);
  else
    group->pace_id = worker_timeout_add (group->worker, (guint) ((wait + 999) / 1000),
                                         group_pace_cb, group);
}

static void
group_check_done (Group *group)
{
  Bench *bench = group->worker->bench;

  if (!group->running || group->waiting != 0)
    return;

  /* Cycles started inside the window count, also when they end just after it. */
  worker_source_clear (group->worker, &group->watchdog_id);
  if (group->started_at <= bench->window_end)
    group->worker->stats.cycles++;

  if (window_open (bench))
    group_schedule (group);
  else
    group_stop (group);
}

static void
group_start_cycle (Group *group)
{
  Bench *bench = group->worker->bench;
  g_autoptr(TrMessage) start = NULL;

  g_clear_pointer (&group->call_x, g_free);
  g_clear_pointer (&group->call_y, g_free);
  group->waiting = WAIT_A_ENDED_X | WAIT_B_ENDED_X;
  if (bench->phase == PHASE_TRANSFERS)
    group->waiting |= WAIT_TRANSFERRED | WAIT_B_ENDED_Y | WAIT_C_ENDED_Y;

  worker_source_clear (group->worker, &group->watchdog_id);
  group->watchdog_id = worker_timeout_add (group->worker, CYCLE_TIMEOUT_S * 1000,
                                           group_watchdog_cb, group);

  start = agent_request (group->agents[ROLE_A], TR_REQ_CALL_START, 's');
  tr_message_set_string (start, "to", group->agents[ROLE_B]->user);
  group->started_at = g_get_monotonic_time ();
  group->next_start += group->interval;
  agent_send (group->agents[ROLE_A], start);
}

static void
group_call_ended (Group     *group,
                  Agent     *agent,
                  TrMessage *message)
{
  const char *call = tr_message_get_string (message, "call");
  JsonObject *reason = tr_message_get_member_object (message, "reason");
  gint64      code = json_object_get_int_member (reason, "code");

  if (code != 0)
    {
      g_autofree char *what = NULL;

      what = g_strdup_printf ("call.ended %s for %s with %" G_GINT64_FORMAT "/%" G_GINT64_FORMAT
                              " %s", call, agent->user, code,
                              json_object_get_int_member (reason, "subcode"),
                              json_object_get_string_member_with_default (reason, "reason", ""));
      group_fail (group, what);
      return;
    }

  switch (agent->role)
    {
    case ROLE_A:
      group->waiting &= ~WAIT_A_ENDED_X;
      break;
    case ROLE_B:
      if (group->call_y != NULL && g_str_equal (call, group->call_y))
        group->waiting &= ~WAIT_B_ENDED_Y;
      else
        group->waiting &= ~WAIT_B_ENDED_X;
      break;
    case ROLE_C:
      group->waiting &= ~WAIT_C_ENDED_Y;
      break;
    default:
      g_assert_not_reached ();
    }

  group_check_done (group);
}

static void
group_event (Group     *group,
             Agent     *agent,
             TrMessage *message)
{
  gboolean transfers = group->worker->bench->phase == PHASE_TRANSFERS;

  if (!group->running)
    return;

  switch (tr_message_get_message_type (message))
    {
    case TR_EV_CALL_INCOMING:
      /* B answers A (X); in transfers C answers B (Y). */
      if (agent->role == ROLE_B)
        set_str (&group->call_x, call_info_id (message));
      else if (agent->role == ROLE_C)
        set_str (&group->call_y, call_info_id (message));
      else
        break;
      agent_send_call (agent, TR_REQ_CALL_ACCEPT, 'a', call_info_id (message));
      break;

    case TR_EV_CALL_ACCEPTED:
      if (agent->role == ROLE_A)
        {
          set_str (&group->call_x, call_info_id (message));
          if (!transfers)
            {
              group_record_latency (group, group->started_at);
              agent_send_call (agent, TR_REQ_CALL_HANGUP, 'h', group->call_x);
            }
          else
            {
              g_autoptr(TrMessage) transfer = agent_request (agent, TR_REQ_CALL_TRANSFER, 't');
              JsonObject          *target = json_object_new ();

              json_object_set_string_member (target, "kind", "participant");
              json_object_set_string_member (target, "user", group->agents[ROLE_C]->user);
              tr_message_set_string (transfer, "call", group->call_x);
              tr_message_take_object (transfer, "target", target);
              group->transfer_at = g_get_monotonic_time ();
              agent_send (agent, transfer);
            }
        }
      else if (agent->role == ROLE_B && transfers &&
               g_strcmp0 (call_info_caller (message), agent->user) == 0)
        {
          /* B–C connected: the transfer is done on B's side; B hangs up Y. */
          set_str (&group->call_y, call_info_id (message));
          agent_send_call (agent, TR_REQ_CALL_HANGUP, 'h', group->call_y);
        }
      break;

    case TR_EV_TRANSFER_REQUEST:
      if (agent->role == ROLE_B && transfers)
        {
          g_autoptr(TrMessage) start = agent_request (agent, TR_REQ_CALL_START, 'y');
          JsonObject          *to = tr_message_get_member_object (message, "to");

          tr_message_set_string (start, "to", json_object_get_string_member (to, "id"));
          tr_message_set_string (start, "transfer", tr_message_get_string (message, "transfer"));
          agent_send (agent, start);
        }
      break;

    case TR_EV_TRANSFER_STATE:
      if (agent->role == ROLE_A && transfers)
        {
          JsonObject *info = tr_message_get_member_object (message, "transfer");
          const char *state = json_object_get_string_member (info, "state");

          if (g_str_equal (state, "transferred") && (group->waiting & WAIT_TRANSFERRED))
            {
              group_record_latency (group, group->transfer_at);
              group->waiting &= ~WAIT_TRANSFERRED;
              group_check_done (group);
            }
          else if (g_str_equal (state, "failed"))
            group_fail (group, "transfer.state failed");
        }
      break;

    case TR_EV_CALL_ENDED:
      group_call_ended (group, agent, message);
      break;

    default:
      /* call.ringing, call.hold_changed, presence, …: nothing to do */
      break;
    }
}

/* Agents (worker thread) */

static void
agent_reply (Agent     *agent,
             TrMessage *message)
{
  const char *id = tr_message_get_id (message);
  g_autoptr(GError) error = NULL;
  g_autofree char *what = NULL;

  if (tr_message_reply_is_ok (message) || id == NULL || id[0] == 'x')
    return;
  if (agent->group == NULL || !agent->group->running)
    return;

  error = tr_message_reply_dup_error (message);
  what = g_strdup_printf ("%s: request %s failed: %u/%u %s", agent->user, id,
                          tr_status_get_code (error->code), tr_status_get_subcode (error->code),
                          error->message);
  group_fail (agent->group, what);
}

static void
agent_message_cb (SoupWebsocketConnection *ws,
                  int                      data_type,
                  GBytes                  *bytes,
                  gpointer                 user_data)
{
  Agent           *agent = user_data;
  Worker          *worker = agent->worker;
  g_autoptr(TrMessage) message = NULL;
  g_autoptr(GError) error = NULL;
  gsize            length = 0;
  const char      *data = g_bytes_get_data (bytes, &length);

  message = tr_message_parse (data, length, TR_DIRECTION_TO_CLIENT, NULL, &error);
  if (message == NULL)
    {
      worker->bad_frames++;
      report_error (worker->bench, "%s: bad frame from the server: %s", agent->user,
                    error->message);
      return;
    }
  worker->frames_in++;

  switch (tr_message_get_message_type (message))
    {
    case TR_EV_WELCOME:
      if (!agent->welcomed)
        {
          agent->welcomed = TRUE;
          g_atomic_int_inc (&worker->bench->welcomed);
        }
      break;

    case TR_MSG_REPLY:
      agent_reply (agent, message);
      break;

    default:
      if (agent->group != NULL)
        group_event (agent->group, agent, message);
      break;
    }
}

static void
agent_closed_cb (SoupWebsocketConnection *ws,
                 gpointer                 user_data)
{
  Agent *agent = user_data;
  Bench *bench = agent->worker->bench;

  if (agent->closed)
    return;
  agent->closed = TRUE;
  g_atomic_int_inc (&bench->closed);

  if (agent->group != NULL || !agent->welcomed)
    report_error (bench, "%s: connection closed (%u %s)", agent->user,
                  soup_websocket_connection_get_close_code (ws),
                  soup_websocket_connection_get_close_data (ws) ?: "");
  if (!agent->welcomed)
    g_atomic_int_inc (&bench->connect_failed);
  if (agent->group != NULL)
    group_fail (agent->group, "connection closed");
}

static void worker_connect_pump (Worker *worker);

/* Small frames must not wait for Nagle's algorithm (and the peer's delayed ACK). */
static void
message_network_event_cb (SoupMessage       *msg,
                          GSocketClientEvent event,
                          GIOStream         *connection,
                          gpointer           user_data)
{
  GSocket *socket;

  if (event != G_SOCKET_CLIENT_CONNECTED || !G_IS_SOCKET_CONNECTION (connection))
    return;

  socket = g_socket_connection_get_socket (G_SOCKET_CONNECTION (connection));
  g_socket_set_option (socket, IPPROTO_TCP, TCP_NODELAY, TRUE, NULL);
}

static void
agent_connected_cb (GObject      *object,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  Agent  *agent = user_data;
  Worker *worker = agent->worker;
  g_autoptr(GError) error = NULL;

  worker->connect_inflight--;
  agent->ws = soup_session_websocket_connect_finish (SOUP_SESSION (object), result, &error);
  if (agent->ws == NULL)
    {
      g_atomic_int_inc (&worker->bench->connect_failed);
      report_error (worker->bench, "%s: cannot connect: %s", agent->user, error->message);
    }
  else
    {
      GSource *input = g_main_context_find_source_by_user_data (worker->context, agent->ws);

      /*
       * GLib 2.74 takes a dispatched source's fds out of its context's poll list and puts them
       * back afterwards, walking that list (one entry per connection) both times. The
       * connection's input source (its only source now, with the connection as user data)
       * never recurses, so let it skip that. (Its child socket source still pays.)
       */
      if (input != NULL)
        g_source_set_can_recurse (input, TRUE);

      g_signal_connect (agent->ws, "message", G_CALLBACK (agent_message_cb), agent);
      g_signal_connect (agent->ws, "closed", G_CALLBACK (agent_closed_cb), agent);
    }

  worker_connect_pump (worker);
}

/* Workers */

static void
worker_connect_pump (Worker *worker)
{
  static char *protocols[] = { (char *) TR_PROTOCOL_SUBPROTOCOL, NULL };
  Bench       *bench = worker->bench;

  guint        parallel = MAX (1, CONNECT_PARALLEL / bench->n_threads);

  while (worker->connect_inflight < parallel && worker->connect_next < worker->n_agents)
    {
      Agent           *agent = &worker->agents[worker->connect_next++];
      g_autoptr(SoupMessage) msg = NULL;
      g_autofree char *auth = NULL;

      if (agent->token == NULL)
        {
          g_atomic_int_inc (&bench->connect_failed);
          continue;
        }

      msg = soup_message_new ("GET", bench->ws_url);
      auth = g_strconcat ("Bearer ", agent->token, NULL);
      soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization", auth);
      g_signal_connect (msg, "network-event", G_CALLBACK (message_network_event_cb), NULL);

      worker->connect_inflight++;
      soup_session_websocket_connect_async (worker->session, msg, NULL, protocols,
                                            G_PRIORITY_DEFAULT, NULL, agent_connected_cb, agent);
    }
}

static gboolean
worker_connect_cb (gpointer user_data)
{
  worker_connect_pump (user_data);
  return G_SOURCE_REMOVE;
}

/* Groups of @size from this worker's welcomed agents; cycles spread evenly over the rate. */
static gboolean
worker_start_phase_cb (gpointer user_data)
{
  Worker *worker = user_data;
  Bench  *bench = worker->bench;
  guint   size = bench->phase == PHASE_TRANSFERS ? 3 : 2;
  Group  *group = NULL;
  gint64  now = g_get_monotonic_time ();
  double  rate;

  worker->groups = g_ptr_array_new_with_free_func ((GDestroyNotify) group_free);
  for (guint i = 0; i < worker->n_agents; i++)
    {
      Agent *agent = &worker->agents[i];

      if (!agent->welcomed || agent->closed)
        continue;
      if (group == NULL)
        {
          group = g_new0 (Group, 1);
          group->worker = worker;
        }
      agent->role = group->n_agents;
      group->agents[group->n_agents++] = agent;
      if (group->n_agents == size)
        {
          for (guint j = 0; j < size; j++)
            group->agents[j]->group = group;
          g_ptr_array_add (worker->groups, g_steal_pointer (&group));
        }
    }
  g_clear_pointer (&group, group_free);

  worker->stats.groups = worker->groups->len;
  g_atomic_int_set (&worker->running_groups, (gint) worker->groups->len);

  /* This worker's share of the offered rate, by its share of the groups. */
  rate = worker->stats.rate * (double) worker->groups->len /
         MAX (1, g_atomic_int_get (&bench->welcomed) / size);
  for (guint i = 0; i < worker->groups->len; i++)
    {
      Group *g = g_ptr_array_index (worker->groups, i);

      g->running = TRUE;
      if (rate > 0)
        {
          /* Group i's k-th cycle is due at (i + k * groups) / rate, shifted per worker. */
          g->interval = (gint64) (worker->groups->len * G_USEC_PER_SEC / rate);
          g->next_start = now + (gint64) ((i + worker->index / (double) bench->n_threads) *
                                          G_USEC_PER_SEC / rate);
        }
      group_schedule (g);
    }

  g_atomic_int_inc (&bench->workers_done);
  return G_SOURCE_REMOVE;
}

/* Hands the phase's results to the main thread and drops the groups. */
static gboolean
worker_end_phase_cb (gpointer user_data)
{
  Worker     *worker = user_data;
  Bench      *bench = worker->bench;
  PhaseStats *total = bench->phase == PHASE_TRANSFERS ? &bench->transfers : &bench->calls;

  for (guint i = 0; i < worker->groups->len; i++)
    group_stop (g_ptr_array_index (worker->groups, i));
  g_clear_pointer (&worker->groups, g_ptr_array_unref);

  g_mutex_lock (&bench->lock);
  total->groups += worker->stats.groups;
  total->cycles += worker->stats.cycles;
  total->errors += worker->stats.errors;
  g_array_append_vals (total->latencies, worker->stats.latencies->data,
                       worker->stats.latencies->len);
  g_mutex_unlock (&bench->lock);

  g_array_set_size (worker->stats.latencies, 0);
  worker->stats.groups = 0;
  worker->stats.cycles = 0;
  worker->stats.errors = 0;

  g_atomic_int_inc (&bench->workers_done);
  return G_SOURCE_REMOVE;
}

static gboolean
worker_close_cb (gpointer user_data)
{
  Worker *worker = user_data;

  for (guint i = 0; i < worker->n_agents; i++)
    {
      Agent *agent = &worker->agents[i];

      if (agent->ws != NULL &&
          soup_websocket_connection_get_state (agent->ws) == SOUP_WEBSOCKET_STATE_OPEN)
        soup_websocket_connection_close (agent->ws, SOUP_WEBSOCKET_CLOSE_NORMAL, NULL);
    }

  g_atomic_int_inc (&worker->bench->workers_done);
  return G_SOURCE_REMOVE;
}

static gboolean
worker_quit_cb (gpointer user_data)
{
  Worker *worker = user_data;

  for (guint i = 0; i < worker->n_agents; i++)
    {
      Agent *agent = &worker->agents[i];

      if (agent->ws != NULL)
        g_signal_handlers_disconnect_by_data (agent->ws, agent);
      g_clear_object (&agent->ws);
    }
  g_main_loop_quit (worker->loop);
  return G_SOURCE_REMOVE;
}

static gpointer
worker_thread (gpointer user_data)
{
  Worker *worker = user_data;

  g_main_context_push_thread_default (worker->context);

  /* Loopback only, never a proxy; enough parallel connections for the agents. */
  worker->session = soup_session_new_with_options ("max-conns", MAX_AGENTS * 2,
                                                   "max-conns-per-host", MAX_AGENTS * 2,
                                                   "proxy-resolver", NULL,
                                                   "timeout", 30,
                                                   NULL);
  g_atomic_int_inc (&worker->bench->workers_started);

  g_main_loop_run (worker->loop);

  /* Let the session finish what it still holds before it goes. */
  while (g_main_context_iteration (worker->context, FALSE))
    ;
  g_clear_object (&worker->session);
  while (g_main_context_iteration (worker->context, FALSE))
    ;

  g_main_context_pop_thread_default (worker->context);
  return NULL;
}

/* Main thread: runs @func in every worker and waits until all have done it. */
static gboolean
all_workers_done (Bench *self)
{
  return (guint) g_atomic_int_get (&self->workers_done) >= self->n_threads;
}

static void
workers_invoke (Bench      *self,
                GSourceFunc func,
                gint64      timeout_ms)
{
  g_atomic_int_set (&self->workers_done, 0);
  for (guint i = 0; i < self->n_threads; i++)
    g_main_context_invoke (self->workers[i].context, func, &self->workers[i]);
  run_until_done (self, all_workers_done, deadline_in_ms (timeout_ms));
}

static gboolean
agents_ready (Bench *self)
{
  return (guint) (g_atomic_int_get (&self->welcomed) + g_atomic_int_get (&self->connect_failed)) >=
         self->n_agents;
}

static gboolean
agents_closed (Bench *self)
{
  return (guint) g_atomic_int_get (&self->closed) >= (guint) g_atomic_int_get (&self->welcomed);
}

static gboolean
groups_idle (Bench *self)
{
  for (guint i = 0; i < self->n_threads; i++)
    {
      if (g_atomic_int_get (&self->workers[i].running_groups) > 0)
        return FALSE;
    }
  return TRUE;
}

/* Phases (main thread) */

static void
run_phase (Bench      *self,
           Phase       phase,
           PhaseStats *stats)
{
  double cpu_server;
  double cpu_bench;

  for (guint i = 0; i < self->n_threads; i++)
    {
      self->workers[i].stats.name = stats->name;
      self->workers[i].stats.rate = stats->rate;
    }

  self->phase = phase;
  g_atomic_int_set (&self->stopping, FALSE);
  self->window_end = g_get_monotonic_time () + (gint64) stats->seconds * G_USEC_PER_SEC;
  cpu_server = read_cpu_seconds (self->server_pid);
  cpu_bench = read_cpu_seconds (getpid ());

  workers_invoke (self, worker_start_phase_cb, 10000);
  run_until (self, NULL, self->window_end);

  stats->server_cpu = self->server_exited ? NAN
                                          : read_cpu_seconds (self->server_pid) - cpu_server;
  stats->bench_cpu = read_cpu_seconds (getpid ()) - cpu_bench;
  g_atomic_int_set (&self->stopping, TRUE);
  run_until_done (self, groups_idle,
                  deadline_in_ms (self->interrupted ? 1000 : (CYCLE_TIMEOUT_S + 1) * 1000));

  workers_invoke (self, worker_end_phase_cb, 10000);
  self->phase = PHASE_IDLE;

  /* Let stray events of failed cycles drain before the next phase. */
  run_until (self, NULL, deadline_in_ms (200));
}

static void
print_phase (PhaseStats *stats,
             const char *rate_name,
             const char *latency_name,
             gboolean    with_targets)
{
  double           rate = stats->seconds > 0 ? stats->cycles / (double) stats->seconds : 0;
  g_autofree char *offered = stats->rate > 0 ? g_strdup_printf ("%u/s", stats->rate)
                                             : g_strdup ("as fast as possible");
  double           p50;
  double           p99;

  g_array_sort (stats->latencies, compare_gint64);
  p50 = percentile_ms (stats->latencies, 0.50);
  p99 = percentile_ms (stats->latencies, 0.99);

  g_print ("%s: %u groups, offered %s; %" G_GUINT64_FORMAT " started in %u s and completed "
           "= %.1f %s; %s p50 %.2f ms, p99 %.2f ms (%u samples); errors %" G_GUINT64_FORMAT "\n",
           stats->name, stats->groups, offered, stats->cycles, stats->seconds, rate, rate_name,
           latency_name, p50, p99, stats->latencies->len, stats->errors);
  g_print ("  CPU: server %.2f s (%.0f%% of one core, %.0f us per cycle), bench %.2f s (%.0f%%)\n",
           stats->server_cpu, 100 * stats->server_cpu / MAX (stats->seconds, 1),
           1e6 * stats->server_cpu / MAX (stats->cycles, 1), stats->bench_cpu,
           100 * stats->bench_cpu / MAX (stats->seconds, 1));
  /* The last slots of an open-loop schedule fall on the window's edge: allow 0.5% for them. */
  if (with_targets)
    g_print ("  target >= %.0f calls/s: %s; target p99 setup < %.0f ms: %s\n",
             TARGET_CALLS_PER_S, rate >= TARGET_CALLS_PER_S * 0.995 ? "met" : "NOT met",
             TARGET_SETUP_P99_MS, p99 < TARGET_SETUP_P99_MS ? "met" : "NOT met");
}

static gboolean
interrupt_cb (gpointer user_data)
{
  Bench *self = user_data;

  self->interrupted = TRUE;
  return G_SOURCE_CONTINUE;
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *server_path = NULL;
  Bench            bench = { 0 };
  Bench           *self = &bench;
  int              agents = 100;
  int              threads = 2;
  int              seconds = 10;
  int              transfer_seconds = -1;
  int              rate = 2000;
  int              transfer_rate = 500;
  gboolean         verbose = FALSE;
  gint64           rss_before;
  gint64           rss_after;
  guint64          frames_in = 0;
  guint64          frames_out = 0;
  guint64          bad_frames = 0;
  int              status = 0;
  GOptionEntry     entries[] = {
    { "server", 0, 0, G_OPTION_ARG_FILENAME, &server_path, "transfer-server to run", "PATH" },
    { "agents", 'n', 0, G_OPTION_ARG_INT, &agents, "Connected agents (2-5000, default 100)",
      "N" },
    { "seconds", 's', 0, G_OPTION_ARG_INT, &seconds,
      "Length of the call phase (1-300, default 10)", "S" },
    { "rate", 'r', 0, G_OPTION_ARG_INT, &rate,
      "Offered call cycles per second (0: as fast as possible; default 2000)", "R" },
    { "transfer-seconds", 't', 0, G_OPTION_ARG_INT, &transfer_seconds,
      "Length of the transfer phase (0-300, default: as --seconds)", "S" },
    { "transfer-rate", 0, 0, G_OPTION_ARG_INT, &transfer_rate,
      "Offered transfers per second (0: as fast as possible; default 500)", "R" },
    { "threads", 'j', 0, G_OPTION_ARG_INT, &threads,
      "Worker threads holding the agents (1-16, default 2)", "T" },
    { "verbose", 'v', 0, G_OPTION_ARG_NONE, &verbose, "Show every error and server output", NULL },
    { NULL }
  };

  setlocale (LC_ALL, "");

  context = g_option_context_new ("- load benchmark for transfer-server");
  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("transfer-bench: %s\n", error->message);
      return 2;
    }
  if (transfer_seconds < 0)
    transfer_seconds = seconds;
  if (agents < 2 || agents > MAX_AGENTS || seconds < 1 || seconds > MAX_SECONDS ||
      transfer_seconds > MAX_SECONDS || rate < 0 || rate > 1000000 || transfer_rate < 0 ||
      transfer_rate > 1000000 || threads < 1 || threads > MAX_THREADS)
    {
      g_printerr ("transfer-bench: --agents must be 2-%d, --seconds 1-%d, --transfer-seconds "
                  "0-%d, --threads 1-%d\n", MAX_AGENTS, MAX_SECONDS, MAX_SECONDS, MAX_THREADS);
      return 2;
    }

  self->server_path = server_path != NULL ? g_strdup (server_path)
                                          : g_strdup (TR_BENCH_DEFAULT_SERVER);
  self->n_agents = (guint) agents;
  self->n_threads = (guint) MIN (threads, agents);
  self->seconds = (guint) seconds;
  self->transfer_seconds = (guint) transfer_seconds;
  self->verbose = verbose;
  g_mutex_init (&self->lock);
  self->calls.name = "calls";
  self->calls.seconds = self->seconds;
  self->calls.rate = (guint) rate;
  self->calls.latencies = g_array_new (FALSE, FALSE, sizeof (gint64));
  self->transfers.name = "transfers";
  self->transfers.seconds = self->transfer_seconds;
  self->transfers.rate = (guint) transfer_rate;
  self->transfers.latencies = g_array_new (FALSE, FALSE, sizeof (gint64));

  raise_fd_limit (self->n_agents);
  g_unix_signal_add (SIGINT, interrupt_cb, self);
  g_unix_signal_add (SIGTERM, interrupt_cb, self);

  /* REST from the main thread: loopback only, never a proxy. */
  self->session = soup_session_new_with_options ("max-conns", REST_PARALLEL * 2,
                                                 "max-conns-per-host", REST_PARALLEL * 2,
                                                 "proxy-resolver", NULL,
                                                 "timeout", 30,
                                                 NULL);

  if (!g_file_test (self->server_path, G_FILE_TEST_IS_EXECUTABLE))
    {
      g_printerr ("transfer-bench: %s is not an executable (build it, or pass --server)\n",
                  self->server_path);
      status = 1;
      goto out;
    }

  if (!start_server (self, &error))
    {
      g_printerr ("transfer-bench: cannot start the server: %s\n", error->message);
      status = 1;
      goto out;
    }
  g_print ("transfer-bench: server %s, PID %d, %s; %u agents on %u threads\n",
           self->server_path, (int) self->server_pid, self->base_url, self->n_agents,
           self->n_threads);

  /* Agents, sliced over the workers */
  self->agents = g_new0 (Agent, self->n_agents);
  self->workers = g_new0 (Worker, self->n_threads);
  for (guint w = 0, first = 0; w < self->n_threads; w++)
    {
      Worker *worker = &self->workers[w];
      guint   n = self->n_agents / self->n_threads + (w < self->n_agents % self->n_threads);

      worker->bench = self;
      worker->index = w;
      worker->agents = &self->agents[first];
      worker->n_agents = n;
      worker->context = g_main_context_new ();
      worker->loop = g_main_loop_new (worker->context, FALSE);
      worker->stats.latencies = g_array_new (FALSE, FALSE, sizeof (gint64));
      for (guint i = 0; i < n; i++)
        worker->agents[i].worker = worker;
      first += n;
    }
  for (guint i = 0; i < self->n_agents; i++)
    {
      self->agents[i].index = i;
      self->agents[i].user = g_strdup_printf ("bench%04u", i);
    }

  /* Users and tokens */
  {
    gint64 t0 = g_get_monotonic_time ();

    rest_pump (self);
    run_until (self, rest_complete, deadline_in_ms (120 * 1000));
    g_print ("setup: %u users and tokens in %.1f s (%u failed)\n", self->rest_done,
             (g_get_monotonic_time () - t0) / 1e6, self->rest_failed);
  }
  if (self->rest_done < 2 || self->interrupted)
    {
      status = 1;
      goto out;
    }

  for (guint w = 0; w < self->n_threads; w++)
    {
      g_autofree char *name = g_strdup_printf ("bench-worker-%u", w);

      self->workers[w].thread = g_thread_new (name, worker_thread, &self->workers[w]);
    }
  while ((guint) g_atomic_int_get (&self->workers_started) < self->n_threads)
    g_usleep (1000);

  /* Idle memory per agent */
  run_until (self, NULL, deadline_in_ms (500));
  rss_before = read_rss_kib (self->server_pid);
  {
    gint64 t0 = g_get_monotonic_time ();

    workers_invoke (self, worker_connect_cb, 1000);
    run_until (self, agents_ready, deadline_in_ms (120 * 1000));
    g_print ("connect: %d agents welcomed in %.1f s (%d failed)\n",
             g_atomic_int_get (&self->welcomed), (g_get_monotonic_time () - t0) / 1e6,
             g_atomic_int_get (&self->connect_failed));
  }
  run_until (self, NULL, deadline_in_ms (SETTLE_MS));
  rss_after = read_rss_kib (self->server_pid);
  if (rss_before > 0 && rss_after > 0 && g_atomic_int_get (&self->welcomed) > 0)
    {
      double per_agent = (rss_after - rss_before) / (double) g_atomic_int_get (&self->welcomed);

      g_print ("memory: server VmRSS %" G_GINT64_FORMAT " KiB before, %" G_GINT64_FORMAT
               " KiB with %d idle agents = %.1f KiB per agent (target <= %.0f: %s)\n",
               rss_before, rss_after, g_atomic_int_get (&self->welcomed), per_agent,
               TARGET_KIB_PER_AGENT, per_agent <= TARGET_KIB_PER_AGENT ? "met" : "NOT met");
    }
  if (g_atomic_int_get (&self->welcomed) < 2 || self->interrupted)
    {
      status = 1;
      goto out;
    }

  /* Load */
  run_phase (self, PHASE_CALLS, &self->calls);
  if (!self->interrupted)
    print_phase (&self->calls, "calls/s", "setup", self->n_agents >= 1000);

  if (self->server_exited)
    {
      g_printerr ("transfer-bench: the server exited during the run\n");
      print_server_log (self);
      status = 1;
    }
  else if (self->transfer_seconds > 0 && g_atomic_int_get (&self->welcomed) >= 3 &&
           !self->interrupted)
    {
      run_phase (self, PHASE_TRANSFERS, &self->transfers);
      if (!self->interrupted)
        print_phase (&self->transfers, "transfers/s", "completion", FALSE);
    }

  if (self->calls.errors + self->transfers.errors > 0 || self->interrupted)
    status = 1;

out:
  if (self->interrupted)
    g_printerr ("transfer-bench: interrupted\n");
  if (self->workers != NULL && g_atomic_int_get (&self->workers_started) > 0)
    {
      workers_invoke (self, worker_close_cb, 1000);
      run_until_done (self, agents_closed, deadline_in_ms (3000));
    }

  stop_server (self);

  if (self->workers != NULL)
    {
      for (guint w = 0; w < self->n_threads; w++)
        {
          Worker *worker = &self->workers[w];

          if (worker->thread != NULL)
            {
              g_main_context_invoke (worker->context, worker_quit_cb, worker);
              g_thread_join (worker->thread);
            }
          frames_in += worker->frames_in;
          frames_out += worker->frames_out;
          bad_frames += worker->bad_frames;
          g_array_unref (worker->stats.latencies);
          g_main_loop_unref (worker->loop);
          g_main_context_unref (worker->context);
        }
      g_free (self->workers);

      if (frames_in > 0)
        g_print ("frames: %" G_GUINT64_FORMAT " received, %" G_GUINT64_FORMAT " sent, %"
                 G_GUINT64_FORMAT " invalid\n", frames_in, frames_out, bad_frames);
      if (bad_frames > 0)
        status = 1;
    }

  if (self->agents != NULL)
    {
      for (guint i = 0; i < self->n_agents; i++)
        {
          g_free (self->agents[i].user);
          g_free (self->agents[i].token);
        }
      g_free (self->agents);
    }

  if (self->work_dir != NULL)
    {
      g_autoptr(GFile) dir = g_file_new_for_path (self->work_dir);

      remove_tree (dir);
    }

  g_clear_object (&self->session);
  g_array_unref (self->calls.latencies);
  g_array_unref (self->transfers.latencies);
  g_mutex_clear (&self->lock);
  g_free (self->server_path);
  g_free (self->work_dir);
  g_free (self->data_dir);
  g_free (self->log_path);
  g_free (self->admin_key);
  g_free (self->base_url);
  g_free (self->ws_url);

  return status;
}
