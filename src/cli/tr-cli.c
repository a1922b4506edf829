/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "TrCli"

#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gio/gunixinputstream.h>
#include <glib-unix.h>
#include <json-glib/json-glib.h>

#include "transfer-core.h"
#include "tr-cli.h"
#include "tr-protocol.h"

#define DEFAULT_WAIT_TIMEOUT 30

static const char summary[] =
  "Commands:\n"
  "  call ID [--video|--voicemail] [--wait-state STATE] [--timeout S]\n"
  "                     Call user ID. Exits once the call reaches STATE (0), or when it\n"
  "                     ends first (1). Without --wait-state, stays until the call ends:\n"
  "                     0 if it ended normally (hang-up, transferred), 1 otherwise.\n"
  "                     --voicemail: to ID's mailbox (the voicemail line answers).\n"
  "  directory          List users and service lines.\n"
  "  settings [--forward-always ID|none] [--unanswered-target ID|voicemail|none]\n"
  "           [--ring-timeout S]\n"
  "                     Show, or change then show, your call settings (\"voicemail\":\n"
  "                     your own mailbox).\n"
  "  voicemail list | play ID [FILE] | heard ID | delete ID\n"
  "                     Your mailbox: list the messages, save one's audio (Ogg Opus) to\n"
  "                     FILE (default ID.ogg), mark it heard, delete it.\n"
  "  records [--limit N]  List your call history.\n"
  "  interactive        Read commands from standard input, one a line:\n"
  "      call ID [--video]          answer [CALL]          decline [--busy] [CALL]\n"
  "      hangup [CALL]              hold [CALL]            resume [CALL]\n"
  "      dtmf DIGITS                transfer [CALL] TO [--no-forwarding|--voicemail]\n"
  "      transfer [CALL] --to-call CALL2  (attended: CALL2 is another call of yours)\n"
  "      voicemail …  (as above; a new message prints a voicemail-new event)\n"
  "      mute [CALL]                unmute [CALL]          camera on|off [CALL]\n"
  "      settings …  directory  records [--limit N]\n"
  "      wait STATE [TIMEOUT]       sleep SECONDS          quit\n"
  "    CALL defaults to the current call (the latest placed, answered or transfer call);\n"
  "    @N is the Nth of your calls, oldest first;\n"
  "    for answer/decline to the latest ringing incoming call.\n"
  "    wait STATE: a call state of the current call (connecting, ringing, connected,\n"
  "    local-hold, remote-hold, disconnected), incoming (a call rings here),\n"
  "    transferring, transferred, transfer-failed (the latest transfer of ours),\n"
  "    transfer-accepted (we were transferred: the current call is now the new one),\n"
  "    voicemail (a new voicemail message arrived since the start),\n"
  "    online, offline.\n"
  "\n"
  "Media: calls send and receive audio (Opus) and video (VP8) over WebRTC. --mic, --speaker\n"
  "and --camera pick devices by name or id (default: the system's); --mic tone:FREQ sends a\n"
  "sine wave (a script becomes a real second party), --camera test the test camera,\n"
  "none for any of them nothing. --ice-loopback (or TRANSFER_ICE_LOOPBACK=1) restricts ICE to\n"
  "127.0.0.1: only inside a loopback-only network namespace. TRANSFER_MEDIA=0: no media.\n"
  "A media problem (no microphone, …) is printed as a media-warning event.\n"
  "\n"
  "Every event is printed as one line: plain text, or one JSON object with --json.\n"
  "The token may come from the environment variable TRANSFER_TOKEN instead of --token.\n"
  "\n"
  "Exit codes:\n"
  "  0  success\n"
  "  1  a command failed (error reply, call ended before the awaited state)\n"
  "  2  usage error\n"
  "  3  could not connect to the server, or lost it for good\n"
  "  4  the server rejected the token\n"
  "  5  a wait timed out";

typedef struct
{
  GMainLoop          *loop;
  int                 exit_code;
  gboolean            quitting;

  gboolean            json;
  const char         *server;
  const char         *token;
  int                 reconnect_base_ms;
  int                 reconnect_max_ms;
  int                 reconnect_attempts;
  char               *mic;
  char               *speaker;
  char               *camera;
  gboolean            ice_loopback;

  char              **command;          /* command and its arguments */
  gboolean            interactive;

  TrCallClient       *client;
  TrCallAgent        *agent;
  TrCall             *current_call;
  TrTransfer         *current_transfer;
  GPtrArray          *watched_calls;

  /* call command */
  TrCall             *single_call;
  char               *single_wait_state;

  /* interactive */
  GDataInputStream   *input;
  GCancellable       *cancellable;
  GQueue              lines;
  gboolean            busy;
  gboolean            eof;
  gboolean            any_failed;
  guint               transfers_accepted;
  guint               voicemails_added;

  /* wait */
  char               *wait_state;
  guint               wait_timeout_source;
  guint               sleep_source;
} TrCli;

static void command_done (TrCli *self, gboolean ok);
static void check_wait (TrCli *self);

/* Output. */

static const char *
enum_nick (GType type,
           int   value)
{
  GEnumClass *klass = g_type_class_ref (type);
  GEnumValue *enum_value = g_enum_get_value (klass, value);
  const char *nick = enum_value ? enum_value->value_nick : "unknown";

  g_type_class_unref (klass);
  return nick;
}

static gboolean
enum_from_nick (GType       type,
                const char *nick,
                int        *value)
{
  GEnumClass *klass = g_type_class_ref (type);
  GEnumValue *enum_value = g_enum_get_value_by_nick (klass, nick);

  if (enum_value != NULL)
    *value = enum_value->value;
  g_type_class_unref (klass);
  return enum_value != NULL;
}

static gboolean
needs_quotes (const char *value)
{
  if (*value == '\0')
    return TRUE;
  for (const char *p = value; *p; p++)
    if (g_ascii_isspace (*p) || *p == '"' || *p == '=')
      return TRUE;
  return FALSE;
}

/* Prints @object: JSON on one line, or "EVENT key=value …" in text mode. */
static void
emit (TrCli      *self,
      JsonObject *object)
{
  if (self->json)
    {
      g_autoptr(JsonNode) node = json_node_init_object (json_node_alloc (), object);
      g_autofree char *text = json_to_string (node, FALSE);

      fprintf (stdout, "%s\n", text);
    }
  else
    {
      g_autoptr(GString) line = g_string_new (json_object_get_string_member (object, "event"));
      g_autoptr(GList) members = json_object_get_members (object);

      for (GList *l = members; l != NULL; l = l->next)
        {
          JsonNode *node = json_object_get_member (object, l->data);
          g_autofree char *value = NULL;

          if (g_str_equal (l->data, "event") || JSON_NODE_HOLDS_NULL (node))
            continue;

          if (JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING)
            value = g_strdup (json_node_get_string (node));
          else
            value = json_to_string (node, FALSE);

          if (needs_quotes (value))
            {
              g_autofree char *escaped = g_strescape (value, NULL);

              g_string_append_printf (line, " %s=\"%s\"", (char *) l->data, escaped);
            }
          else
            g_string_append_printf (line, " %s=%s", (char *) l->data, value);
        }
      fprintf (stdout, "%s\n", line->str);
    }

  fflush (stdout);
}

static JsonObject *
event_new (const char *event)
{
  JsonObject *object = json_object_new ();

  json_object_set_string_member (object, "event", event);
  return object;
}

static void
set_identifier (JsonObject   *object,
                const char   *member,
                TrIdentifier *identifier)
{
  if (identifier != NULL)
    json_object_set_string_member (object, member, tr_identifier_to_string (identifier));
  else
    json_object_set_null_member (object, member);
}

static void
set_end_reason (JsonObject            *object,
                const TrCallEndReason *reason)
{
  g_autofree char *code = NULL;

  if (reason == NULL)
    return;

  code = g_strdup_printf ("%u/%u", reason->code, reason->subcode);
  json_object_set_string_member (object, "end", code);
  json_object_set_string_member (object, "end_reason",
                                 tr_call_end_reason_get_reason (reason)
                                   ? tr_call_end_reason_get_reason (reason) : "unknown");
}

static void
set_error (JsonObject   *object,
           const GError *error)
{
  if (error->domain == TR_ERROR)
    {
      g_autofree char *code = g_strdup_printf ("%u/%u", tr_status_get_code (error->code),
                                               tr_status_get_subcode (error->code));
      const char *reason = tr_status_get_reason (error->code);

      json_object_set_string_member (object, "error", code);
      json_object_set_string_member (object, "error_reason", reason ? reason : "unknown");
    }
  else
    {
      json_object_set_string_member (object, "error", "local");
      json_object_set_string_member (object, "error_reason", g_quark_to_string (error->domain));
    }
  json_object_set_string_member (object, "message", error->message);
}

static void
emit_result (TrCli        *self,
             const char   *command,
             const GError *error)
{
  g_autoptr(JsonObject) object = event_new (error ? "error" : "ok");

  json_object_set_string_member (object, "command", command);
  if (error != NULL)
    set_error (object, error);
  emit (self, object);
}

static void
emit_usage_error (TrCli      *self,
                  const char *command,
                  const char *message)
{
  g_autoptr(GError) error = g_error_new_literal (G_OPTION_ERROR, G_OPTION_ERROR_FAILED, message);

  emit_result (self, command, error);
}

static int
exit_code_for_error (const GError *error)
{
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT))
    return TR_CLI_EXIT_TIMEOUT;
  if (error->domain == TR_ERROR && tr_status_get_code (error->code) == 401)
    return TR_CLI_EXIT_AUTH;
  if (error->domain == TR_ERROR)
    return TR_CLI_EXIT_FAILED;
  return TR_CLI_EXIT_CONNECTION;
}

static void
quit (TrCli *self,
      int    exit_code)
{
  /* The first reason to stop wins (e.g. the token was rejected, then the call ended). */
  if (self->quitting)
    return;

  self->quitting = TRUE;
  self->exit_code = exit_code;
  g_main_loop_quit (self->loop);
}

/* Model events. */

static void
emit_call_state (TrCli  *self,
                 TrCall *call)
{
  g_autoptr(JsonObject) object = event_new ("call");

  json_object_set_string_member (object, "call", tr_call_get_id (call));
  json_object_set_string_member (object, "state",
                                 enum_nick (TR_TYPE_CALL_STATE, tr_call_get_state (call)));
  json_object_set_string_member (object, "direction",
                                 enum_nick (TR_TYPE_CALL_DIRECTION, tr_call_get_direction (call)));
  set_identifier (object, "remote", tr_call_get_remote_identifier (call));
  if (tr_call_get_transferor (call) != NULL)
    set_identifier (object, "transferor", tr_call_get_transferor (call));
  set_end_reason (object, tr_call_get_end_reason (call));
  emit (self, object);
}

static void
call_state_changed_cb (TrCall      *call,
                       TrCallState  new_state,
                       TrCallState  old_state,
                       TrCli       *self)
{
  /* The id arrives with the reply; CONNECTING without it is not worth a line. */
  if (tr_call_get_id (call) != NULL || new_state == TR_CALL_STATE_DISCONNECTED)
    emit_call_state (self, call);

  if (call == self->single_call)
    {
      const TrCallEndReason *reason = tr_call_get_end_reason (call);

      if (self->single_wait_state == NULL)
        {
          /* Until the call ends: success if it ended normally (hang-up, transferred). */
          if (new_state == TR_CALL_STATE_DISCONNECTED)
            quit (self, reason->code == 0 ? TR_CLI_EXIT_OK : TR_CLI_EXIT_FAILED);
        }
      else if (g_str_equal (self->single_wait_state, enum_nick (TR_TYPE_CALL_STATE, new_state)))
        quit (self, TR_CLI_EXIT_OK);
      else if (new_state == TR_CALL_STATE_DISCONNECTED)
        quit (self, TR_CLI_EXIT_FAILED);
    }

  check_wait (self);
}

static void
transfer_accepted_cb (TrCallTransfer *feature,
                      TrCall         *target_call,
                      TrCli          *self)
{
  g_autoptr(JsonObject) object = event_new ("transfer-accepted");
  TrCall *call = tr_call_transfer_get_call (feature);

  json_object_set_string_member (object, "call", call ? tr_call_get_id (call) : NULL);
  set_identifier (object, "to", tr_call_get_remote_identifier (target_call));
  set_identifier (object, "transferor", tr_call_get_transferor (target_call));
  emit (self, object);

  g_set_object (&self->current_call, target_call);
  self->transfers_accepted++;
  check_wait (self);
}

static void
dtmf_received_cb (TrCall     *call,
                  const char *digits,
                  TrCli      *self)
{
  g_autoptr(JsonObject) object = event_new ("dtmf");

  json_object_set_string_member (object, "call", tr_call_get_id (call));
  json_object_set_string_member (object, "digits", digits);
  emit (self, object);
}

static void
media_warning_cb (TrCall     *call,
                  GParamSpec *pspec,
                  TrCli      *self)
{
  g_autoptr(JsonObject) object = event_new ("media-warning");

  json_object_set_string_member (object, "call", tr_call_get_id (call));
  json_object_set_string_member (object, "warning", tr_call_get_media_warning (call));
  emit (self, object);
}

static void
watch_call (TrCli  *self,
            TrCall *call)
{
  guint position;

  if (g_ptr_array_find (self->watched_calls, call, &position))
    return;

  g_ptr_array_add (self->watched_calls, g_object_ref (call));
  g_signal_connect (call, "state-changed", G_CALLBACK (call_state_changed_cb), self);
  g_signal_connect (call, "dtmf-received", G_CALLBACK (dtmf_received_cb), self);
  g_signal_connect (call, "notify::media-warning", G_CALLBACK (media_warning_cb), self);
  g_signal_connect (tr_call_get_transfer (call), "transfer-accepted",
                    G_CALLBACK (transfer_accepted_cb), self);
}

static void
calls_changed_cb (GListModel *calls,
                  guint       position,
                  guint       removed,
                  guint       added,
                  TrCli      *self)
{
  for (guint i = position; i < position + added; i++)
    {
      g_autoptr(TrCall) call = g_list_model_get_item (calls, i);

      watch_call (self, call);
      if (self->current_call == NULL
          || tr_call_get_state (self->current_call) == TR_CALL_STATE_DISCONNECTED)
        g_set_object (&self->current_call, call);
    }

  /* The current call ended: the latest remaining call becomes current. */
  if (removed > 0 && g_list_model_get_n_items (calls) > 0
      && tr_call_get_state (self->current_call) == TR_CALL_STATE_DISCONNECTED)
    {
      g_autoptr(TrCall) last = g_list_model_get_item (calls, g_list_model_get_n_items (calls) - 1);

      g_set_object (&self->current_call, last);
    }
}

static void
incoming_ended_cb (TrIncomingCall  *incoming,
                   TrCallEndReason *reason,
                   TrCli           *self)
{
  g_autoptr(JsonObject) object = event_new ("incoming-ended");

  json_object_set_string_member (object, "call", tr_incoming_call_get_id (incoming));
  set_end_reason (object, reason);
  emit (self, object);
  check_wait (self);
}

static void
incoming_call_cb (TrCallAgent    *agent,
                  TrIncomingCall *incoming,
                  TrCli          *self)
{
  g_autoptr(JsonObject) object = event_new ("incoming");

  json_object_set_string_member (object, "call", tr_incoming_call_get_id (incoming));
  set_identifier (object, "from", tr_incoming_call_get_caller (incoming));
  if (tr_incoming_call_get_caller_display_name (incoming) != NULL)
    json_object_set_string_member (object, "name",
                                   tr_incoming_call_get_caller_display_name (incoming));
  set_identifier (object, "transferor", tr_incoming_call_get_transferor (incoming));
  if (tr_incoming_call_get_forwarded_from (incoming) != NULL)
    set_identifier (object, "forwarded_from", tr_incoming_call_get_forwarded_from (incoming));
  emit (self, object);

  g_signal_connect (incoming, "ended", G_CALLBACK (incoming_ended_cb), self);
  check_wait (self);
}

static void
connection_state_changed_cb (TrCallAgent        *agent,
                             TrConnectionState   new_state,
                             TrConnectionState   old_state,
                             TrDisconnectReason  reason,
                             TrCli              *self)
{
  g_autoptr(JsonObject) object = event_new ("connection");

  json_object_set_string_member (object, "state", enum_nick (TR_TYPE_CONNECTION_STATE, new_state));
  json_object_set_string_member (object, "old", enum_nick (TR_TYPE_CONNECTION_STATE, old_state));
  json_object_set_string_member (object, "reason", enum_nick (TR_TYPE_DISCONNECT_REASON, reason));
  json_object_set_int_member (object, "attempt", tr_call_agent_get_reconnect_attempt (agent));
  emit (self, object);

  if (new_state == TR_CONNECTION_STATE_DISCONNECTED
      && reason == TR_DISCONNECT_REASON_INVALID_TOKEN)
    quit (self, TR_CLI_EXIT_AUTH);
  else if (!self->interactive && new_state == TR_CONNECTION_STATE_DISCONNECTED)
    quit (self, TR_CLI_EXIT_CONNECTION);

  check_wait (self);
}

static void
transfer_state_changed_cb (TrTransfer      *transfer,
                           TrTransferState  new_state,
                           TrTransferState  old_state,
                           TrCli           *self);

static void
emit_transfer (TrCli      *self,
               TrTransfer *transfer)
{
  g_autoptr(JsonObject) object = event_new ("transfer");

  json_object_set_string_member (object, "transfer", tr_transfer_get_id (transfer));
  json_object_set_string_member (object, "state",
                                 enum_nick (TR_TYPE_TRANSFER_STATE, tr_transfer_get_state (transfer)));
  if (tr_transfer_get_target_call_id (transfer) != NULL)
    json_object_set_string_member (object, "target_call", tr_transfer_get_target_call_id (transfer));
  if (tr_transfer_get_error (transfer) != NULL)
    set_error (object, tr_transfer_get_error (transfer));
  emit (self, object);
}

static void
transfer_state_changed_cb (TrTransfer      *transfer,
                           TrTransferState  new_state,
                           TrTransferState  old_state,
                           TrCli           *self)
{
  emit_transfer (self, transfer);
  check_wait (self);
}

/* Waiting. */

static gboolean
wait_satisfied (TrCli      *self,
                const char *state)
{
  int value;

  if (g_str_equal (state, "incoming"))
    return g_list_model_get_n_items (tr_call_agent_get_incoming_calls (self->agent)) > 0;
  if (g_str_equal (state, "transfer-accepted"))
    return self->transfers_accepted > 0;
  if (g_str_equal (state, "voicemail"))
    return self->voicemails_added > 0;
  if (g_str_equal (state, "online"))
    return tr_call_agent_get_connection_state (self->agent) == TR_CONNECTION_STATE_CONNECTED;
  if (g_str_equal (state, "offline"))
    return tr_call_agent_get_connection_state (self->agent) != TR_CONNECTION_STATE_CONNECTED;
  if (g_str_equal (state, "transferring"))
    return self->current_transfer != NULL
           && tr_transfer_get_state (self->current_transfer) == TR_TRANSFER_STATE_TRANSFERRING;
  if (g_str_equal (state, "transferred"))
    return self->current_transfer != NULL
           && tr_transfer_get_state (self->current_transfer) == TR_TRANSFER_STATE_TRANSFERRED;
  if (g_str_equal (state, "transfer-failed"))
    return self->current_transfer != NULL
           && tr_transfer_get_state (self->current_transfer) == TR_TRANSFER_STATE_FAILED;
  if (enum_from_nick (TR_TYPE_CALL_STATE, state, &value))
    return self->current_call != NULL && (int) tr_call_get_state (self->current_call) == value;

  return FALSE;
}

static gboolean
wait_state_is_known (const char *state)
{
  int value;
  const char *others[] = { "incoming", "online", "offline", "transferring", "transferred",
                           "transfer-failed", "transfer-accepted", "voicemail" };

  for (guint i = 0; i < G_N_ELEMENTS (others); i++)
    if (g_str_equal (state, others[i]))
      return TRUE;

  return enum_from_nick (TR_TYPE_CALL_STATE, state, &value);
}

static void
check_wait (TrCli *self)
{
  if (self->wait_state == NULL || !wait_satisfied (self, self->wait_state))
    return;

  g_clear_pointer (&self->wait_state, g_free);
  g_clear_handle_id (&self->wait_timeout_source, g_source_remove);
  emit_result (self, "wait", NULL);
  command_done (self, TRUE);
}

static gboolean
wait_timeout_cb (gpointer user_data)
{
  TrCli *self = user_data;
  g_autoptr(GError) error = NULL;

  self->wait_timeout_source = 0;
  error = g_error_new (G_IO_ERROR, G_IO_ERROR_TIMED_OUT, "Timed out waiting for “%s”",
                       self->wait_state);
  g_clear_pointer (&self->wait_state, g_free);
  emit_result (self, "wait", error);
  command_done (self, FALSE);

  return G_SOURCE_REMOVE;
}

static gboolean
sleep_done_cb (gpointer user_data)
{
  TrCli *self = user_data;

  self->sleep_source = 0;
  emit_result (self, "sleep", NULL);
  command_done (self, TRUE);

  return G_SOURCE_REMOVE;
}

/* Command helpers. */

static TrCall *
find_call (TrCli       *self,
           const char  *call_id,
           const char  *command)
{
  TrCall *call;
  guint64 nth = 0;

  /* "@N": the Nth of the agent's calls, oldest first (for scripts, which do not know ids). */
  if (call_id != NULL && call_id[0] == '@'
      && g_ascii_string_to_unsigned (call_id + 1, 10, 1, G_MAXUINT, &nth, NULL))
    {
      g_autoptr(TrCall) item = g_list_model_get_item (tr_call_agent_get_calls (self->agent),
                                                     (guint) nth - 1);

      call = item; /* the list keeps it alive */
    }
  else if (call_id != NULL)
    call = tr_call_agent_find_call (self->agent, call_id);
  else
    call = self->current_call;

  if (call == NULL || tr_call_get_state (call) == TR_CALL_STATE_DISCONNECTED)
    {
      emit_usage_error (self, command, call_id ? "No such call" : "No current call");
      return NULL;
    }

  return call;
}

static TrIncomingCall *
find_incoming (TrCli      *self,
               const char *call_id,
               const char *command)
{
  GListModel *incoming = tr_call_agent_get_incoming_calls (self->agent);
  guint n = g_list_model_get_n_items (incoming);

  for (guint i = n; i > 0; i--)
    {
      g_autoptr(TrIncomingCall) item = g_list_model_get_item (incoming, i - 1);

      if (call_id == NULL || g_strcmp0 (tr_incoming_call_get_id (item), call_id) == 0)
        return item; /* the list keeps it alive */
    }

  emit_usage_error (self, command, call_id ? "No such incoming call" : "No incoming call");
  return NULL;
}

static void
simple_call_op_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  TrCli *self = user_data;
  g_autoptr(GError) error = NULL;
  gpointer tag = g_task_get_source_tag (G_TASK (result));
  const char *command;
  gboolean ok;

  if (tag == tr_call_hold_async)
    {
      command = "hold";
      ok = tr_call_hold_finish (TR_CALL (object), result, &error);
    }
  else if (tag == tr_call_resume_async)
    {
      command = "resume";
      ok = tr_call_resume_finish (TR_CALL (object), result, &error);
    }
  else
    {
      command = "hangup";
      ok = tr_call_hang_up_finish (TR_CALL (object), result, &error);
    }

  emit_result (self, command, error);
  command_done (self, ok);
}

/* A command that asked the server is over: its result line; then the exit (one command) or the
 * next command (interactive). */
static void
request_done (TrCli        *self,
              const char   *command,
              const GError *error)
{
  emit_result (self, command, error);
  if (!self->interactive)
    quit (self, error ? exit_code_for_error (error) : TR_CLI_EXIT_OK);
  else
    command_done (self, error == NULL);
}

static void
start_call_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  TrCli *self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(TrCall) call = NULL;

  call = tr_call_agent_start_call_finish (TR_CALL_AGENT (object), result, &error);
  if (call == NULL)
    {
      request_done (self, "call", error);
      return;
    }

  {
    g_autoptr(JsonObject) object_json = event_new ("ok");

    json_object_set_string_member (object_json, "command", "call");
    json_object_set_string_member (object_json, "call", tr_call_get_id (call));
    emit (self, object_json);
  }

  if (self->interactive)
    command_done (self, TRUE);
  else if (g_strcmp0 (self->single_wait_state,
                      enum_nick (TR_TYPE_CALL_STATE, tr_call_get_state (call))) == 0)
    quit (self, TR_CLI_EXIT_OK);
}

static void
accept_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  TrCli *self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(TrCall) call = NULL;

  call = tr_incoming_call_accept_finish (TR_INCOMING_CALL (object), result, &error);
  if (call != NULL)
    g_set_object (&self->current_call, call);
  emit_result (self, "answer", error);
  command_done (self, call != NULL);
}

static void
reject_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  TrCli *self = user_data;
  g_autoptr(GError) error = NULL;
  gboolean ok;

  ok = tr_incoming_call_reject_finish (TR_INCOMING_CALL (object), result, &error);
  emit_result (self, "decline", error);
  command_done (self, ok);
}

static void
transfer_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  TrCli *self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(TrTransfer) transfer = NULL;
  TrTransfer *attempt;

  transfer = tr_call_transfer_transfer_finish (TR_CALL_TRANSFER (object), result, &error);
  attempt = transfer ? transfer : tr_call_transfer_get_current_transfer (TR_CALL_TRANSFER (object));

  if (attempt != NULL && attempt != self->current_transfer)
    {
      if (self->current_transfer != NULL)
        g_signal_handlers_disconnect_by_data (self->current_transfer, self);
      g_set_object (&self->current_transfer, attempt);
      g_signal_connect (attempt, "state-changed", G_CALLBACK (transfer_state_changed_cb), self);
      emit_transfer (self, attempt);
    }

  emit_result (self, "transfer", error);
  command_done (self, transfer != NULL);
}

static void
print_settings (TrCli          *self,
                TrCallSettings *settings)
{
  g_autoptr(JsonObject) object = event_new ("settings");

  if (settings->forward_always != NULL)
    json_object_set_string_member (object, "forward_always", settings->forward_always);
  else
    json_object_set_string_member (object, "forward_always", "none");
  if (settings->unanswered_target != NULL)
    json_object_set_string_member (object, "unanswered_target", settings->unanswered_target);
  else
    json_object_set_string_member (object, "unanswered_target", "none");
  json_object_set_int_member (object, "ring_timeout", settings->ring_timeout);
  emit (self, object);
}

static void
settings_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  TrCli *self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(TrCallSettings) settings = NULL;
  gpointer tag = g_task_get_source_tag (G_TASK (result));

  if (tag == tr_call_agent_get_settings_async)
    settings = tr_call_agent_get_settings_finish (TR_CALL_AGENT (object), result, &error);
  else
    settings = tr_call_agent_set_settings_finish (TR_CALL_AGENT (object), result, &error);

  if (settings != NULL)
    print_settings (self, settings);
  request_done (self, "settings", error);
}

static void
directory_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  TrCli *self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GListModel) entries = NULL;

  entries = tr_call_agent_list_directory_finish (TR_CALL_AGENT (object), result, &error);
  for (guint i = 0; entries && i < g_list_model_get_n_items (entries); i++)
    {
      g_autoptr(TrDirectoryEntry) entry = g_list_model_get_item (entries, i);
      g_autoptr(JsonObject) line = event_new ("user");

      set_identifier (line, "id", tr_directory_entry_get_identifier (entry));
      json_object_set_string_member (line, "name", tr_directory_entry_get_display_name (entry));
      json_object_set_string_member (line, "kind",
                                     enum_nick (TR_TYPE_DIRECTORY_ENTRY_KIND,
                                                tr_directory_entry_get_kind (entry)));
      json_object_set_boolean_member (line, "online", tr_directory_entry_get_online (entry));
      emit (self, line);
    }

  request_done (self, "directory", error);
}

static void
records_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  TrCli *self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GListModel) records = NULL;

  records = tr_call_agent_list_records_finish (TR_CALL_AGENT (object), result, &error);
  for (guint i = 0; records && i < g_list_model_get_n_items (records); i++)
    {
      g_autoptr(TrCallRecord) record = g_list_model_get_item (records, i);
      g_autoptr(JsonObject) line = event_new ("record");

      json_object_set_string_member (line, "call", tr_call_record_get_call_id (record));
      set_identifier (line, "caller", tr_call_record_get_caller (record));
      set_identifier (line, "callee", tr_call_record_get_callee (record));
      if (tr_call_record_get_transferor (record) != NULL)
        set_identifier (line, "transferor", tr_call_record_get_transferor (record));
      json_object_set_int_member (line, "started_at", tr_call_record_get_started_at (record));
      json_object_set_int_member (line, "answered_at", tr_call_record_get_answered_at (record));
      json_object_set_int_member (line, "ended_at", tr_call_record_get_ended_at (record));
      set_end_reason (line, tr_call_record_get_end_reason (record));
      emit (self, line);
    }

  request_done (self, "records", error);
}

/* Voicemail. */

static void
emit_voicemail (TrCli       *self,
                const char  *event,
                TrVoicemail *message)
{
  g_autoptr(JsonObject) line = event_new (event);
  g_autofree char *created = g_date_time_format_iso8601 (tr_voicemail_get_created_at (message));

  json_object_set_string_member (line, "message", tr_voicemail_get_id (message));
  set_identifier (line, "caller", tr_voicemail_get_caller (message));
  if (tr_voicemail_get_caller_display_name (message) != NULL)
    json_object_set_string_member (line, "caller_name",
                                   tr_voicemail_get_caller_display_name (message));
  json_object_set_string_member (line, "created_at", created);
  json_object_set_int_member (line, "duration_ms", tr_voicemail_get_duration_ms (message));
  json_object_set_boolean_member (line, "heard", tr_voicemail_get_heard (message));
  emit (self, line);
}

static void
emit_unheard (TrCli          *self,
              TrVoicemailBox *box)
{
  g_autoptr(JsonObject) line = event_new ("voicemail-unheard");

  json_object_set_int_member (line, "unheard", tr_voicemail_box_get_unheard_count (box));
  emit (self, line);
}

static void
voicemail_added_cb (TrVoicemailBox *box,
                    TrVoicemail    *message,
                    gpointer        user_data)
{
  TrCli *self = user_data;

  self->voicemails_added++;
  emit_voicemail (self, "voicemail-new", message);
  emit_unheard (self, box);
  check_wait (self);
}

typedef struct
{
  TrCli *self;
  char  *action;   /* list, play, heard, delete */
  char  *id;
  char  *file;     /* play */
} VoicemailOp;

static void
voicemail_op_free (VoicemailOp *op)
{
  g_free (op->action);
  g_free (op->id);
  g_free (op->file);
  g_free (op);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (VoicemailOp, voicemail_op_free)

static void
voicemail_op_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(VoicemailOp) op = user_data;
  TrVoicemailBox *box = TR_VOICEMAIL_BOX (object);
  g_autoptr(GError) error = NULL;
  gpointer tag = g_task_get_source_tag (G_TASK (result));

  if (tag == tr_voicemail_box_save_audio_async)
    {
      if (tr_voicemail_box_save_audio_finish (box, result, &error))
        {
          g_autoptr(JsonObject) line = event_new ("voicemail-audio");
          g_autoptr(GFile) file = g_file_new_for_commandline_arg (op->file);
          g_autoptr(GFileInfo) info = g_file_query_info (file, G_FILE_ATTRIBUTE_STANDARD_SIZE,
                                                         G_FILE_QUERY_INFO_NONE, NULL, NULL);

          json_object_set_string_member (line, "message", op->id);
          json_object_set_string_member (line, "file", op->file);
          json_object_set_int_member (line, "bytes", info ? g_file_info_get_size (info) : 0);
          emit (op->self, line);
        }
    }
  else if (tag == tr_voicemail_box_mark_heard_async)
    {
      if (tr_voicemail_box_mark_heard_finish (box, result, &error))
        emit_unheard (op->self, box);
    }
  else
    {
      if (tr_voicemail_box_delete_finish (box, result, &error))
        emit_unheard (op->self, box);
    }

  request_done (op->self, "voicemail", error);
}

static void
voicemail_listed_cb (GObject      *object,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  g_autoptr(VoicemailOp) op = user_data;
  TrVoicemailBox *box = TR_VOICEMAIL_BOX (object);
  TrCli *self = op->self;
  g_autoptr(GError) error = NULL;
  TrVoicemail *message;

  if (!tr_voicemail_box_refresh_finish (box, result, &error))
    {
      request_done (self, "voicemail", error);
      return;
    }

  if (g_str_equal (op->action, "list"))
    {
      for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (box)); i++)
        {
          g_autoptr(TrVoicemail) item = g_list_model_get_item (G_LIST_MODEL (box), i);

          emit_voicemail (self, "voicemail", item);
        }
      emit_unheard (self, box);
      request_done (self, "voicemail", NULL);
      return;
    }

  if ((message = tr_voicemail_box_find (box, op->id)) == NULL)
    {
      error = g_error_new (TR_ERROR, TR_STATUS_UNKNOWN_MESSAGE, "No message “%s”", op->id);
      request_done (self, "voicemail", error);
      return;
    }

  if (g_str_equal (op->action, "play"))
    {
      g_autoptr(GFile) file = g_file_new_for_commandline_arg (op->file);

      tr_voicemail_box_save_audio_async (box, message, file, NULL, voicemail_op_cb,
                                         g_steal_pointer (&op));
    }
  else if (g_str_equal (op->action, "heard"))
    tr_voicemail_box_mark_heard_async (box, message, NULL, voicemail_op_cb, g_steal_pointer (&op));
  else
    tr_voicemail_box_delete_async (box, message, NULL, voicemail_op_cb, g_steal_pointer (&op));
}

/* voicemail list | play ID [FILE] | heard ID | delete ID. Lists first (the box is filled on
 * connect, but a single command may come before that list has arrived). */
static gboolean
run_voicemail_command (TrCli  *self,
                       char  **argv)
{
  guint argc = g_strv_length (argv);
  VoicemailOp *op;

  if (!((argc == 2 && g_str_equal (argv[1], "list"))
        || (argc == 3 && (g_str_equal (argv[1], "heard") || g_str_equal (argv[1], "delete")))
        || ((argc == 3 || argc == 4) && g_str_equal (argv[1], "play"))))
    {
      emit_usage_error (self, "voicemail",
                        "Usage: voicemail list | play ID [FILE] | heard ID | delete ID");
      return FALSE;
    }

  op = g_new0 (VoicemailOp, 1);
  op->self = self;
  op->action = g_strdup (argv[1]);
  op->id = g_strdup (argv[2]);
  if (g_str_equal (op->action, "play"))
    op->file = argc == 4 ? g_strdup (argv[3]) : g_strconcat (argv[2], ".ogg", NULL);

  tr_voicemail_box_refresh_async (tr_call_agent_get_voicemail_box (self->agent), NULL,
                                  voicemail_listed_cb, op);
  return TRUE;
}

/* Parses settings options from @argv (after the command name) into @settings. */
static gboolean
parse_settings_args (char           **argv,
                     TrCallSettings  *settings,
                     char           **message)
{
  for (guint i = 0; argv[i] != NULL; i++)
    {
      const char *value = argv[i + 1];

      if (value == NULL)
        {
          *message = g_strdup_printf ("%s needs a value", argv[i]);
          return FALSE;
        }

      if (g_str_equal (argv[i], "--forward-always"))
        tr_call_settings_set_forward_always (settings, g_str_equal (value, "none") ? NULL : value);
      else if (g_str_equal (argv[i], "--unanswered-target"))
        tr_call_settings_set_unanswered_target (settings,
                                                g_str_equal (value, "none") ? NULL : value);
      else if (g_str_equal (argv[i], "--ring-timeout"))
        {
          guint64 seconds;

          if (!g_ascii_string_to_unsigned (value, 10, TR_PROTOCOL_MIN_RING_TIMEOUT,
                                           TR_PROTOCOL_MAX_RING_TIMEOUT, &seconds, NULL))
            {
              *message = g_strdup_printf ("--ring-timeout must be %d–%d seconds",
                                          TR_PROTOCOL_MIN_RING_TIMEOUT,
                                          TR_PROTOCOL_MAX_RING_TIMEOUT);
              return FALSE;
            }
          tr_call_settings_set_ring_timeout (settings, (guint) seconds);
        }
      else
        {
          *message = g_strdup_printf ("Unknown option %s", argv[i]);
          return FALSE;
        }
      i++;
    }

  return TRUE;
}

static gboolean
parse_seconds (const char *text,
               guint      *seconds)
{
  guint64 value;

  if (!g_ascii_string_to_unsigned (text, 10, 0, 86400, &value, NULL))
    return FALSE;
  *seconds = (guint) value;
  return TRUE;
}

/*
 * Runs one command (@argv[0] is its name). Returns FALSE when it failed at once (usage); else
 * the command finishes later with command_done() (interactive) or quit() (single command).
 */
static gboolean
run_command (TrCli  *self,
             char  **argv)
{
  const char *name = argv[0];
  guint argc = g_strv_length (argv);

  if (g_str_equal (name, "call"))
    {
      g_autoptr(TrIdentifier) to = NULL;
      gboolean video = FALSE;
      gboolean voicemail = FALSE;
      const char *id = NULL;
      guint timeout = 0;

      for (guint i = 1; i < argc; i++)
        {
          if (g_str_equal (argv[i], "--video"))
            video = TRUE;
          else if (g_str_equal (argv[i], "--voicemail"))
            voicemail = TRUE;
          else if (g_str_equal (argv[i], "--wait-state") && i + 1 < argc && !self->interactive)
            {
              g_free (self->single_wait_state);
              self->single_wait_state = g_strdup (argv[++i]);
            }
          else if (g_str_equal (argv[i], "--timeout") && i + 1 < argc && !self->interactive)
            {
              if (!parse_seconds (argv[++i], &timeout))
                {
                  emit_usage_error (self, name, "--timeout needs seconds");
                  return FALSE;
                }
            }
          else if (id == NULL && argv[i][0] != '-')
            id = argv[i];
          else
            {
              emit_usage_error (self, name, "Usage: call ID [--video] [--wait-state S] [--timeout S]");
              return FALSE;
            }
        }

      if (id == NULL)
        {
          emit_usage_error (self, name, "Usage: call ID");
          return FALSE;
        }

      if (!self->interactive)
        {
          int value;

          if (self->single_wait_state != NULL
              && !enum_from_nick (TR_TYPE_CALL_STATE, self->single_wait_state, &value))
            {
              emit_usage_error (self, name, "Unknown call state for --wait-state");
              return FALSE;
            }
          if (timeout > 0)
            {
              self->wait_state = g_strdup (self->single_wait_state ? self->single_wait_state
                                                                   : "disconnected");
              self->wait_timeout_source = g_timeout_add_seconds (timeout, wait_timeout_cb, self);
            }
        }

      to = tr_identifier_new_from_string (id);
      if (voicemail)
        tr_call_agent_start_call_to_voicemail_async (self->agent, to, NULL, start_call_cb, self);
      else
        tr_call_agent_start_call_async (self->agent, to, video, NULL, start_call_cb, self);

      /* Follow the new call (it is listed at once, in CONNECTING); in interactive mode it
       * becomes the current call, as --help says, also while another call is up. */
      {
        GListModel *calls = tr_call_agent_get_calls (self->agent);
        guint n = g_list_model_get_n_items (calls);

        if (n > 0 && !self->interactive)
          self->single_call = g_list_model_get_item (calls, n - 1);
        else if (n > 0)
          {
            g_autoptr(TrCall) placed = g_list_model_get_item (calls, n - 1);

            g_set_object (&self->current_call, placed);
          }
      }
      return TRUE;
    }

  if (g_str_equal (name, "directory") && argc == 1)
    {
      tr_call_agent_list_directory_async (self->agent, NULL, directory_cb, self);
      return TRUE;
    }

  if (g_str_equal (name, "records"))
    {
      guint limit = 0;

      if (argc == 3 && g_str_equal (argv[1], "--limit") && parse_seconds (argv[2], &limit))
        ;
      else if (argc != 1)
        {
          emit_usage_error (self, name, "Usage: records [--limit N]");
          return FALSE;
        }
      tr_call_agent_list_records_async (self->agent, MIN (limit, 500), NULL, records_cb, self);
      return TRUE;
    }

  if (g_str_equal (name, "settings"))
    {
      g_autoptr(TrCallSettings) settings = tr_call_settings_new ();
      g_autofree char *message = NULL;

      if (!parse_settings_args (argv + 1, settings, &message))
        {
          emit_usage_error (self, name, message);
          return FALSE;
        }

      if (settings->fields == TR_CALL_SETTINGS_FIELD_NONE)
        tr_call_agent_get_settings_async (self->agent, NULL, settings_cb, self);
      else
        tr_call_agent_set_settings_async (self->agent, settings, NULL, settings_cb, self);
      return TRUE;
    }

  if (g_str_equal (name, "voicemail"))
    return run_voicemail_command (self, argv);

  if (!self->interactive)
    {
      emit_usage_error (self, name, "Unknown command (see --help)");
      return FALSE;
    }

  /* Interactive-only commands. */

  if (g_str_equal (name, "answer") && argc <= 2)
    {
      TrIncomingCall *incoming = find_incoming (self, argv[1], name);

      if (incoming == NULL)
        return FALSE;
      tr_incoming_call_accept_async (incoming, NULL, accept_cb, self);
      return TRUE;
    }

  if (g_str_equal (name, "decline"))
    {
      TrRejectReason reason = TR_REJECT_REASON_DECLINED;
      const char *id = NULL;
      TrIncomingCall *incoming;

      for (guint i = 1; i < argc; i++)
        {
          if (g_str_equal (argv[i], "--busy"))
            reason = TR_REJECT_REASON_BUSY;
          else if (id == NULL)
            id = argv[i];
          else
            {
              emit_usage_error (self, name, "Usage: decline [--busy] [CALL]");
              return FALSE;
            }
        }

      if ((incoming = find_incoming (self, id, name)) == NULL)
        return FALSE;
      tr_incoming_call_reject_async (incoming, reason, NULL, reject_cb, self);
      return TRUE;
    }

  if ((g_str_equal (name, "hangup") || g_str_equal (name, "hold") || g_str_equal (name, "resume"))
      && argc <= 2)
    {
      TrCall *call = find_call (self, argv[1], name);

      if (call == NULL)
        return FALSE;

      if (g_str_equal (name, "hangup"))
        tr_call_hang_up_async (call, NULL, simple_call_op_cb, self);
      else if (g_str_equal (name, "hold"))
        tr_call_hold_async (call, NULL, simple_call_op_cb, self);
      else
        tr_call_resume_async (call, NULL, simple_call_op_cb, self);
      return TRUE;
    }

  if ((g_str_equal (name, "mute") || g_str_equal (name, "unmute")) && argc <= 2)
    {
      TrCall *call = find_call (self, argv[1], name);

      if (call == NULL)
        return FALSE;
      tr_call_set_muted (call, g_str_equal (name, "mute"));
      emit_result (self, name, NULL);
      command_done (self, TRUE);
      return TRUE;
    }

  if (g_str_equal (name, "camera") && (argc == 2 || argc == 3)
      && (g_str_equal (argv[1], "on") || g_str_equal (argv[1], "off")))
    {
      TrCall *call = find_call (self, argv[2], name);

      if (call == NULL)
        return FALSE;
      tr_call_set_video_enabled (call, g_str_equal (argv[1], "on"));
      emit_result (self, name, NULL);
      command_done (self, TRUE);
      return TRUE;
    }

  if (g_str_equal (name, "dtmf") && argc == 2)
    {
      g_autoptr(GError) error = NULL;
      TrCall *call = find_call (self, NULL, name);
      gboolean ok;

      if (call == NULL)
        return FALSE;
      ok = tr_call_send_dtmf (call, argv[1], &error);
      emit_result (self, name, error);
      command_done (self, ok);
      return TRUE;
    }

  if (g_str_equal (name, "transfer"))
    {
      g_autoptr(TrIdentifier) target = NULL;
      g_autoptr(TrTransferLocator) locator = NULL;
      gboolean no_forwarding = FALSE;
      gboolean voicemail = FALSE;
      const char *to_call = NULL;
      const char *positional[2] = { NULL, NULL };
      guint n_positional = 0;
      const char *call_id = NULL;
      const char *to;
      TrCall *call;

      for (guint i = 1; i < argc; i++)
        {
          if (g_str_equal (argv[i], "--no-forwarding"))
            no_forwarding = TRUE;
          else if (g_str_equal (argv[i], "--voicemail"))
            voicemail = TRUE;
          else if (g_str_equal (argv[i], "--to-call") && i + 1 < argc)
            to_call = argv[++i];
          else if (n_positional < 2)
            positional[n_positional++] = argv[i];
          else
            n_positional = 3;
        }

      if (to_call != NULL ? (n_positional > 1 || voicemail || no_forwarding)
                          : (n_positional == 0 || n_positional > 2))
        {
          emit_usage_error (self, name, "Usage: transfer [CALL] TO [--no-forwarding|--voicemail]"
                                        " | transfer [CALL] --to-call CALL2");
          return FALSE;
        }
      if (to_call != NULL || n_positional == 2)
        call_id = positional[0];

      if ((call = find_call (self, call_id, name)) == NULL)
        return FALSE;

      if (to_call != NULL)
        {
          TrCall *target_call = find_call (self, to_call, name);

          if (target_call == NULL)
            return FALSE;
          locator = tr_transfer_locator_new_call (tr_call_get_id (target_call));
        }
      else
        {
          to = positional[n_positional - 1];
          target = tr_identifier_new_from_string (to);
          locator = voicemail ? tr_transfer_locator_new_voicemail (target)
                              : tr_transfer_locator_new_participant (target, no_forwarding);
        }
      tr_call_transfer_transfer_async (tr_call_get_transfer (call), locator, NULL, transfer_cb,
                                       self);
      return TRUE;
    }

  if (g_str_equal (name, "wait") && (argc == 2 || argc == 3))
    {
      guint timeout = DEFAULT_WAIT_TIMEOUT;

      if (!wait_state_is_known (argv[1]) || (argc == 3 && !parse_seconds (argv[2], &timeout)))
        {
          emit_usage_error (self, name, "Usage: wait STATE [TIMEOUT] (see --help for states)");
          return FALSE;
        }

      self->wait_state = g_strdup (argv[1]);
      self->wait_timeout_source = g_timeout_add_seconds (MAX (timeout, 1), wait_timeout_cb, self);
      check_wait (self);
      return TRUE;
    }

  if (g_str_equal (name, "sleep") && argc == 2)
    {
      guint seconds;

      if (!parse_seconds (argv[1], &seconds))
        {
          emit_usage_error (self, name, "Usage: sleep SECONDS");
          return FALSE;
        }
      self->sleep_source = g_timeout_add_seconds (seconds, sleep_done_cb, self);
      return TRUE;
    }

  if (g_str_equal (name, "quit") && argc == 1)
    {
      quit (self, self->any_failed ? TR_CLI_EXIT_FAILED : TR_CLI_EXIT_OK);
      return TRUE;
    }

  emit_usage_error (self, name, "Unknown command or wrong arguments");
  return FALSE;
}

/* Interactive mode. */

static void read_next_line (TrCli *self);

static void
run_next_line (TrCli *self)
{
  while (!self->busy)
    {
      g_autofree char *line = g_queue_pop_head (&self->lines);
      g_auto(GStrv) argv = NULL;
      g_autoptr(GError) error = NULL;
      char *stripped;

      if (line == NULL)
        {
          if (self->eof)
            quit (self, self->any_failed ? TR_CLI_EXIT_FAILED : TR_CLI_EXIT_OK);
          return;
        }

      stripped = g_strstrip (line);
      if (*stripped == '\0' || *stripped == '#')
        continue;

      if (!g_shell_parse_argv (stripped, NULL, &argv, &error))
        {
          emit_usage_error (self, "parse", error->message);
          self->any_failed = TRUE;
          continue;
        }

      self->busy = TRUE;
      if (!run_command (self, argv))
        {
          self->busy = FALSE;
          self->any_failed = TRUE;
        }
    }
}

static void
command_done (TrCli    *self,
              gboolean  ok)
{
  if (!ok)
    self->any_failed = TRUE;

  if (!self->interactive)
    {
      if (!ok)
        quit (self, TR_CLI_EXIT_TIMEOUT);
      return;
    }

  self->busy = FALSE;
  /* Not re-entrantly: let the current callback finish first. */
  g_idle_add_once ((GSourceOnceFunc) run_next_line, self);
}

static void
read_line_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  TrCli *self = user_data;
  g_autoptr(GError) error = NULL;
  char *line;

  line = g_data_input_stream_read_line_finish_utf8 (G_DATA_INPUT_STREAM (object), result, NULL,
                                                    &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  if (line == NULL)
    {
      if (error != NULL)
        emit_usage_error (self, "input", error->message);
      self->eof = TRUE;
      run_next_line (self);
      return;
    }

  g_queue_push_tail (&self->lines, line);
  run_next_line (self);
  read_next_line (self);
}

static void
read_next_line (TrCli *self)
{
  g_data_input_stream_read_line_async (self->input, G_PRIORITY_DEFAULT, self->cancellable,
                                       read_line_cb, self);
}

/* Start-up. */

static void
create_agent_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  TrCli *self = user_data;
  g_autoptr(GError) error = NULL;

  self->agent = tr_call_client_create_agent_finish (TR_CALL_CLIENT (object), result, &error);
  if (self->agent == NULL)
    {
      g_autoptr(JsonObject) object_json = event_new ("connection");

      json_object_set_string_member (object_json, "state", "disconnected");
      json_object_set_string_member (object_json, "reason",
                                     exit_code_for_error (error) == TR_CLI_EXIT_AUTH
                                       ? "invalid-token" : "connection-issue");
      set_error (object_json, error);
      emit (self, object_json);
      quit (self, exit_code_for_error (error) == TR_CLI_EXIT_AUTH ? TR_CLI_EXIT_AUTH
                                                                  : TR_CLI_EXIT_CONNECTION);
      return;
    }

  {
    g_autoptr(JsonObject) object_json = event_new ("connection");

    json_object_set_string_member (object_json, "state", "connected");
    set_identifier (object_json, "user", tr_call_agent_get_identifier (self->agent));
    emit (self, object_json);
  }

  g_signal_connect (self->agent, "connection-state-changed",
                    G_CALLBACK (connection_state_changed_cb), self);
  g_signal_connect (self->agent, "incoming-call", G_CALLBACK (incoming_call_cb), self);
  g_signal_connect (tr_call_agent_get_voicemail_box (self->agent), "message-added",
                    G_CALLBACK (voicemail_added_cb), self);
  g_signal_connect (tr_call_agent_get_calls (self->agent), "items-changed",
                    G_CALLBACK (calls_changed_cb), self);

  if (self->interactive)
    {
      g_autoptr(GInputStream) stdin_stream = g_unix_input_stream_new (0, FALSE);

      self->input = g_data_input_stream_new (stdin_stream);
      read_next_line (self);
    }
  else if (!run_command (self, self->command))
    {
      quit (self, TR_CLI_EXIT_USAGE);
    }
}

static gboolean
signal_cb (gpointer user_data)
{
  TrCli *self = user_data;

  quit (self, TR_CLI_EXIT_OK);
  return G_SOURCE_CONTINUE;
}

int
tr_cli_run (int    argc,
            char **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(TrTokenCredential) credential = NULL;
  g_autoptr(TrCallAgentOptions) options = NULL;
  g_auto(GStrv) rest = NULL;
  g_autofree char *server = NULL;
  g_autofree char *token = NULL;
  TrCli cli = { 0 };
  TrCli *self = &cli;
  guint sigint, sigterm;
  int exit_code;
  GOptionEntry entries[] = {
    { "server", 's', 0, G_OPTION_ARG_STRING, &server, "Server address (http://HOST:PORT)",
      "URL" },
    { "token", 't', 0, G_OPTION_ARG_STRING, &token,
      "User token (default: $TRANSFER_TOKEN)", "TOKEN" },
    { "json", 'j', 0, G_OPTION_ARG_NONE, &self->json, "Print one JSON object per line", NULL },
    { "reconnect-base-ms", 0, 0, G_OPTION_ARG_INT, &self->reconnect_base_ms,
      "First reconnect delay (default 1000)", "MS" },
    { "reconnect-max-ms", 0, 0, G_OPTION_ARG_INT, &self->reconnect_max_ms,
      "Largest reconnect delay (default 30000)", "MS" },
    { "reconnect-attempts", 0, 0, G_OPTION_ARG_INT, &self->reconnect_attempts,
      "Reconnect attempts before giving up (default 6)", "N" },
    { "mic", 0, 0, G_OPTION_ARG_STRING, &self->mic,
      "Microphone: a device name or id, tone:FREQ (a sine wave) or none", "NAME" },
    { "speaker", 0, 0, G_OPTION_ARG_STRING, &self->speaker,
      "Speaker: a device name or id, or none", "NAME" },
    { "camera", 0, 0, G_OPTION_ARG_STRING, &self->camera,
      "Camera: a device name or id, test (the test camera) or none", "NAME" },
    { "ice-loopback", 0, 0, G_OPTION_ARG_NONE, &self->ice_loopback,
      "Restrict ICE to 127.0.0.1 (inside a loopback-only network namespace)", NULL },
    { G_OPTION_REMAINING, 0, 0, G_OPTION_ARG_STRING_ARRAY, &rest, NULL, NULL },
    { NULL }
  };

  context = g_option_context_new ("COMMAND [ARGUMENTS…] — a headless Transfer client");
  g_option_context_set_strict_posix (context, TRUE);
  g_option_context_set_description (context, summary);
  g_option_context_add_main_entries (context, entries, NULL);

  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("transfer-cli: %s\n", error->message);
      return TR_CLI_EXIT_USAGE;
    }

  if (rest == NULL || rest[0] == NULL)
    {
      g_printerr ("transfer-cli: no command (see --help)\n");
      return TR_CLI_EXIT_USAGE;
    }

  if (server == NULL)
    {
      g_printerr ("transfer-cli: --server is required\n");
      return TR_CLI_EXIT_USAGE;
    }
  self->server = server;

  if (token == NULL)
    token = g_strdup (g_getenv ("TRANSFER_TOKEN"));
  self->token = token;
  if (self->token == NULL || *self->token == '\0')
    {
      g_printerr ("transfer-cli: no token: use --token or TRANSFER_TOKEN\n");
      return TR_CLI_EXIT_USAGE;
    }

  credential = tr_token_credential_new (self->token, &error);
  if (credential == NULL)
    {
      g_printerr ("transfer-cli: %s\n", error->message);
      return TR_CLI_EXIT_AUTH;
    }

  self->command = rest;
  self->interactive = g_str_equal (rest[0], "interactive");
  if (self->interactive && rest[1] != NULL)
    {
      g_printerr ("transfer-cli: interactive takes no arguments\n");
      return TR_CLI_EXIT_USAGE;
    }
  if (!self->interactive && !g_strv_contains ((const char *const[]) { "call", "directory",
                                                                       "settings", "records",
                                                                       "voicemail", NULL },
                                                   rest[0]))
    {
      g_printerr ("transfer-cli: unknown command “%s” (see --help)\n", rest[0]);
      return TR_CLI_EXIT_USAGE;
    }

  options = tr_call_agent_options_new ();
  if (self->reconnect_base_ms > 0)
    options->reconnect_base_delay_ms = self->reconnect_base_ms;
  if (self->reconnect_max_ms > 0)
    options->reconnect_max_delay_ms = self->reconnect_max_ms;
  if (self->reconnect_attempts > 0)
    options->reconnect_max_attempts = self->reconnect_attempts;
  options->ice_loopback = self->ice_loopback;
  options->microphone = g_strdup (self->mic);
  options->speaker = g_strdup (self->speaker);
  options->camera = g_strdup (self->camera);

  self->loop = g_main_loop_new (NULL, FALSE);
  self->watched_calls = g_ptr_array_new_with_free_func (g_object_unref);
  self->cancellable = g_cancellable_new ();
  g_queue_init (&self->lines);
  self->client = tr_call_client_new ();

  sigint = g_unix_signal_add (SIGINT, signal_cb, self);
  sigterm = g_unix_signal_add (SIGTERM, signal_cb, self);

  tr_call_client_create_agent_async (self->client, self->server, credential, options, NULL,
                                     create_agent_cb, self);
  g_main_loop_run (self->loop);

  exit_code = self->exit_code;

  g_source_remove (sigint);
  g_source_remove (sigterm);
  g_cancellable_cancel (self->cancellable);
  g_clear_handle_id (&self->wait_timeout_source, g_source_remove);
  g_clear_handle_id (&self->sleep_source, g_source_remove);

  for (guint i = 0; i < self->watched_calls->len; i++)
    {
      TrCall *call = g_ptr_array_index (self->watched_calls, i);

      g_signal_handlers_disconnect_by_data (call, self);
      g_signal_handlers_disconnect_by_data (tr_call_get_transfer (call), self);
    }
  if (self->current_transfer != NULL)
    g_signal_handlers_disconnect_by_data (self->current_transfer, self);
  if (self->agent != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->agent, self);
      g_signal_handlers_disconnect_by_data (tr_call_agent_get_calls (self->agent), self);
    }

  g_clear_object (&self->single_call);
  g_clear_object (&self->current_call);
  g_clear_object (&self->current_transfer);
  g_clear_pointer (&self->watched_calls, g_ptr_array_unref);
  if (self->agent != NULL)
    tr_call_agent_disconnect (self->agent);
  g_clear_object (&self->agent);
  g_clear_object (&self->client);
  g_clear_object (&self->input);
  g_clear_object (&self->cancellable);
  g_queue_clear_full (&self->lines, g_free);
  g_clear_pointer (&self->loop, g_main_loop_unref);
  g_free (self->single_wait_state);
  g_free (self->wait_state);
  g_free (self->mic);
  g_free (self->speaker);
  g_free (self->camera);

  return exit_code;
}
