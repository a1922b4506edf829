/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "TrSignaling"

#include "config.h"

#include "tr-server-types.h"

#include <string.h>

#include "tr-message.h"
#include "tr-protocol.h"
#include "tr-secrets.h"
#include "tr-session.h"
#include "tr-signaling.h"
#include "tr-voicemail-line.h"

#define SYNC_INTERVAL_S 2
#define MAX_SUBSCRIPTIONS_PER_SESSION (4 * TR_PROTOCOL_MAX_PRESENCE_USERS)
/* libsoup drops a connection without a close frame when a frame exceeds its limit; up to this
 * size we read the frame and close with 1009 ourselves. Its default total message limit
 * (fragmented messages) is 128 KiB too. */
#define HARD_FRAME_LIMIT (128 * 1024)

typedef enum
{
  CALL_RINGING,
  CALL_CONNECTED,
  CALL_ENDED,
} CallState;

typedef enum
{
  TRANSFER_TO_PARTICIPANT,
  TRANSFER_TO_CALL, /* attended: the target call is replaced */
  TRANSFER_TO_VOICEMAIL,
} TransferKind;

typedef struct _Call     Call;
typedef struct _Transfer Transfer;

struct _Call
{
  TrSignaling   *signaling; /* unowned */
  char          *id;
  char          *caller;
  char          *callee;  /* current callee: changes with forwarding */
  char          *dialled; /* whom the caller asked for */
  TrSession     *caller_session;
  TrSession     *callee_session; /* once accepted by a client */
  TrServiceLine *callee_line;    /* when the callee is a service line */
  CallState      state;
  gboolean       video;
  gboolean       hold_caller;
  gboolean       hold_callee;
  gboolean       no_rules;    /* disable_forwarding_and_unanswered */
  gint64         created_at;  /* ms */
  gint64         answered_at; /* ms */
  char          *transferor;  /* the call fulfils a transfer of this user */
  char          *transfer_id;
  Transfer      *fulfils;  /* that transfer while it runs */
  Transfer      *transfer; /* the running transfer of this call */
  Transfer      *replaced_by; /* the running attended transfer that targets this call */
  gboolean       voicemail;   /* the call goes to the callee's mailbox (the voicemail line) */
  char          *replaces;    /* attended transfer: the id of the call this one replaces */
  guint          hops;
  GPtrArray     *visited; /* (nullable) forwarding chain */
  JsonObject    *info;    /* (nullable) CallInfo cache, dropped on every change */
  guint          ring_source;
};

struct _Transfer
{
  TrSignaling *signaling; /* unowned */
  char        *id;
  TransferKind kind;
  char        *call_id;
  Call        *call; /* NULL once the transferred call ended */
  char        *replaces_id;   /* TRANSFER_TO_CALL: the transferor's call with the target */
  Call        *replaces_call; /* it, while it lasts */
  char        *transferor;
  char        *transferor_session;
  char        *transferee;
  char        *target;
  gboolean     disable_rules;
  Call        *target_call;
  char        *target_call_id;
  guint        follow_source;
};

typedef struct
{
  char      *id;
  GPtrArray *sessions; /* TrSession, unowned */
  GPtrArray *ringing;  /* Call, unowned: calls ringing at this user */
} Online;

struct _TrSignaling
{
  GObject parent_instance;

  TrStore    *store;
  GBytes     *secret;
  GHashTable *sessions;  /* id → TrSession (owned) */
  GHashTable *online;    /* user → Online */
  GHashTable *calls;     /* id → Call (owned) */
  GHashTable *transfers; /* id → Transfer (owned) */
  GHashTable *watchers;  /* user → set of TrSession */
  GHashTable *lines;     /* id → TrServiceLine */
  TrServiceLine *voicemail; /* (nullable) also in lines */
  JsonArray     *ice_servers;
  guint       sync_source;
  guint       expiry_source;
  guint       store_generation;
  gboolean    shutting_down;
};

G_DEFINE_FINAL_TYPE (TrSignaling, tr_signaling, G_TYPE_OBJECT)

static void call_end (TrSignaling *self, Call *call, TrStatus status, const char *by_user);

/* Helpers */

static void
call_free (Call *call)
{
  g_clear_handle_id (&call->ring_source, g_source_remove);
  g_free (call->id);
  g_free (call->caller);
  g_free (call->callee);
  g_free (call->dialled);
  g_free (call->transferor);
  g_free (call->transfer_id);
  g_free (call->replaces);
  g_clear_pointer (&call->visited, g_ptr_array_unref);
  g_clear_pointer (&call->info, json_object_unref);
  g_free (call);
}

static void
transfer_free (Transfer *transfer)
{
  g_clear_handle_id (&transfer->follow_source, g_source_remove);
  g_free (transfer->id);
  g_free (transfer->call_id);
  g_free (transfer->transferor);
  g_free (transfer->transferor_session);
  g_free (transfer->transferee);
  g_free (transfer->target);
  g_free (transfer->target_call_id);
  g_free (transfer->replaces_id);
  g_free (transfer);
}

static void
online_free (Online *online)
{
  g_free (online->id);
  g_ptr_array_unref (online->sessions);
  g_clear_pointer (&online->ringing, g_ptr_array_unref);
  g_free (online);
}

static gint64
now_ms (void)
{
  return g_get_real_time () / 1000;
}

static JsonObject *
party_json (TrSignaling *self, const char *user)
{
  TrIdentity *identity = tr_store_lookup (self->store, user);

  return tr_party_new_json (user, identity ? identity->display_name : user);
}

static gboolean
user_is_online (TrSignaling *self, const char *user)
{
  return g_hash_table_contains (self->online, user) || g_hash_table_contains (self->lines, user);
}

static GPtrArray *
user_sessions (TrSignaling *self, const char *user)
{
  Online *online = g_hash_table_lookup (self->online, user);

  return online ? online->sessions : NULL;
}

static void
send_to_sessions (GPtrArray *sessions, TrSession *except, TrMessage *message)
{
  g_autofree char *text = NULL;

  if (sessions == NULL || sessions->len == 0)
    return;
  text = tr_message_to_string (message, NULL);
  for (guint i = 0; i < sessions->len; i++)
    {
      TrSession *session = g_ptr_array_index (sessions, i);

      if (session != except)
        tr_session_send_text (session, text);
    }
}

static void
send_to_user (TrSignaling *self, const char *user, TrMessage *message)
{
  send_to_sessions (user_sessions (self, user), NULL, message);
}

static const char *
call_state_to_string (CallState state)
{
  switch (state)
    {
    case CALL_RINGING:
      return "ringing";
    case CALL_CONNECTED:
      return "connected";
    case CALL_ENDED:
    default:
      return "ended";
    }
}

static JsonObject *
hold_json (Call *call)
{
  JsonObject *hold = json_object_new ();

  json_object_set_boolean_member (hold, "caller", call->hold_caller);
  json_object_set_boolean_member (hold, "callee", call->hold_callee);
  return hold;
}

static JsonObject *
call_info_json (TrSignaling *self, Call *call)
{
  JsonObject *info;

  /* Built once per state: the reply, the events to each side and later requests share it. */
  if (call->info != NULL)
    return json_object_ref (call->info);

  info = json_object_new ();
  json_object_set_string_member (info, "id", call->id);
  json_object_set_object_member (info, "caller", party_json (self, call->caller));
  json_object_set_object_member (info, "callee", party_json (self, call->callee));
  json_object_set_string_member (info, "state", call_state_to_string (call->state));
  json_object_set_boolean_member (info, "video", call->video);
  json_object_set_int_member (info, "created_at", call->created_at);
  json_object_set_object_member (info, "hold", hold_json (call));
  if (call->transferor != NULL)
    {
      json_object_set_object_member (info, "transferor", party_json (self, call->transferor));
      json_object_set_string_member (info, "transfer", call->transfer_id);
    }
  if (call->dialled != NULL && strcmp (call->dialled, call->callee) != 0)
    json_object_set_object_member (info, "forwarded_from", party_json (self, call->dialled));
  if (call->replaces != NULL)
    json_object_set_string_member (info, "replaces", call->replaces);
  if (call->voicemail)
    json_object_set_boolean_member (info, "voicemail", TRUE);
  call->info = info;
  return json_object_ref (info);
}

static void
call_changed (Call *call)
{
  g_clear_pointer (&call->info, json_object_unref);
}

static TrMessage *
call_event_new (TrSignaling *self, TrMessageType type, Call *call)
{
  TrMessage *message = tr_message_new (type);

  tr_message_take_object (message, "call", call_info_json (self, call));
  return message;
}

static JsonObject *
single_member (const char *name, JsonObject *value)
{
  JsonObject *object = json_object_new ();

  json_object_set_object_member (object, name, value);
  return object;
}

static gsize
json_object_serialized_size (JsonObject *object)
{
  g_autoptr (JsonNode) node = json_node_new (JSON_NODE_OBJECT);
  g_autofree char *text = NULL;
  gsize            length = 0;

  json_node_set_object (node, object);
  text = json_to_string (node, FALSE);
  length = text ? strlen (text) : 0;
  return length;
}

/* Replies with a list must still fit in one frame (clients reject bigger ones): the room for
 * the list's elements, the frame limit less the envelope. */
#define LIST_BUDGET (TR_PROTOCOL_MAX_FRAME - 512)

/* Adds @element to @array if it fits in the budget; takes @element either way. */
static gboolean
list_add_fitting (JsonArray *array, gsize *used, JsonObject *element)
{
  gsize size = json_object_serialized_size (element) + 1;

  if (*used + size > LIST_BUDGET)
    {
      json_object_unref (element);
      return FALSE;
    }
  *used += size;
  json_array_add_object_element (array, element);
  return TRUE;
}

static gboolean
call_has_user (Call *call, const char *user)
{
  /* A call to a mailbox is the caller's and the voicemail line's, not the owner's. */
  return g_strcmp0 (call->caller, user) == 0
         || (!call->voicemail && g_strcmp0 (call->callee, user) == 0);
}

static void
session_bind_call (TrSession *session, Call *call)
{
  if (session->calls == NULL)
    session->calls = g_ptr_array_new ();
  g_ptr_array_add (session->calls, call);
}

static void
session_unbind_call (TrSession *session, Call *call)
{
  if (session != NULL && session->calls != NULL)
    g_ptr_array_remove_fast (session->calls, call);
}

static void
online_unring (TrSignaling *self, Call *call)
{
  Online *online = g_hash_table_lookup (self->online, call->callee);

  if (online != NULL && online->ringing != NULL)
    g_ptr_array_remove_fast (online->ringing, call);
}

/* The sessions to tell about @call on the callee's side. */
static void
send_to_callee (TrSignaling *self, Call *call, TrMessage *message)
{
  if (call->voicemail)
    return; /* the voicemail line's: not the owner's sessions */
  if (call->state == CALL_CONNECTED)
    {
      if (call->callee_session != NULL)
        tr_session_send (call->callee_session, message);
    }
  else
    send_to_user (self, call->callee, message);
}

static void
send_to_caller (Call *call, TrMessage *message)
{
  if (call->caller_session != NULL)
    tr_session_send (call->caller_session, message);
}

static TrMessage *
ended_event_new (Call *call, TrStatus status)
{
  TrMessage *message = tr_message_new (TR_EV_CALL_ENDED);

  tr_message_set_string (message, "call", call->id);
  tr_message_take_object (message, "reason", tr_status_to_json (status, NULL));
  return message;
}

/* Transfers */

static JsonObject *
transfer_info_json (Transfer *transfer, const char *state, TrStatus error_status)
{
  JsonObject *info = json_object_new ();
  JsonObject *target = json_object_new ();

  json_object_set_string_member (info, "id", transfer->id);
  json_object_set_string_member (info, "call", transfer->call_id);
  json_object_set_string_member (info, "state", state);
  switch (transfer->kind)
    {
    case TRANSFER_TO_CALL:
      json_object_set_string_member (target, "kind", "call");
      json_object_set_string_member (target, "call", transfer->replaces_id);
      break;
    case TRANSFER_TO_VOICEMAIL:
      json_object_set_string_member (target, "kind", "voicemail");
      json_object_set_string_member (target, "user", transfer->target);
      break;
    case TRANSFER_TO_PARTICIPANT:
    default:
      json_object_set_string_member (target, "kind", "participant");
      json_object_set_string_member (target, "user", transfer->target);
      json_object_set_boolean_member (target, "disable_forwarding_and_unanswered",
                                      transfer->disable_rules);
      break;
    }
  json_object_set_object_member (info, "target", target);
  if (transfer->target_call_id != NULL)
    json_object_set_string_member (info, "target_call", transfer->target_call_id);
  if (g_strcmp0 (state, "failed") == 0)
    json_object_set_object_member (info, "error", tr_status_to_json (error_status, NULL));
  return info;
}

static void
transfer_notify (TrSignaling *self, Transfer *transfer, const char *state, TrStatus status)
{
  g_autoptr (TrMessage) message = tr_message_new (TR_EV_TRANSFER_STATE);
  TrSession *session;

  tr_message_take_object (message, "transfer", transfer_info_json (transfer, state, status));
  session = g_hash_table_lookup (self->sessions, transfer->transferor_session);
  if (session != NULL)
    tr_session_send (session, message);
  else
    send_to_user (self, transfer->transferor, message);
}

static void
transfer_detach (TrSignaling *self, Transfer *transfer)
{
  g_clear_handle_id (&transfer->follow_source, g_source_remove);
  if (transfer->call != NULL)
    transfer->call->transfer = NULL;
  if (transfer->target_call != NULL)
    transfer->target_call->fulfils = NULL;
  if (transfer->replaces_call != NULL)
    transfer->replaces_call->replaced_by = NULL;
  transfer->replaces_call = NULL;
  g_hash_table_steal (self->transfers, transfer->id);
}

static void
transfer_fail (TrSignaling *self, Transfer *transfer, TrStatus status)
{
  Call *target_call = transfer->target_call;

  TR_DEBUG ("Transfer %s failed: %s", transfer->id, tr_status_get_reason (status));
  transfer_detach (self, transfer);
  transfer->target_call = NULL;
  transfer_notify (self, transfer, "failed", status);
  if (target_call != NULL && target_call->state == CALL_RINGING)
    call_end (self, target_call, TR_STATUS_CANCELLED, NULL);
  transfer_free (transfer);
}

static void
transfer_succeed (TrSignaling *self, Transfer *transfer)
{
  Call *call = transfer->call;
  Call *replaced = transfer->replaces_call;

  TR_DEBUG ("Transfer %s done", transfer->id);
  transfer_detach (self, transfer);
  transfer->call = NULL;
  transfer->target_call = NULL;
  transfer_notify (self, transfer, "transferred", TR_STATUS_TRANSFERRED);
  /* Attended: the transferor's call with the target is replaced by the new call. */
  if (replaced != NULL)
    call_end (self, replaced, TR_STATUS_REPLACED, NULL);
  if (call != NULL)
    call_end (self, call, TR_STATUS_TRANSFERRED, NULL);
  transfer_free (transfer);
}

static gboolean
transfer_follow_timeout_cb (gpointer user_data)
{
  Transfer *transfer = user_data;

  transfer->follow_source = 0;
  transfer_fail (transfer->signaling, transfer, TR_STATUS_TRANSFEREE_UNRESPONSIVE);
  return G_SOURCE_REMOVE;
}

/* Calls */

static void
call_record (TrSignaling *self, Call *call, TrStatus status)
{
  TrRecord *record = tr_record_new ();

  record->call_id = g_strdup (call->id);
  record->caller = g_strdup (call->caller);
  record->callee = g_strdup (call->callee);
  record->transferor = g_strdup (call->transferor);
  record->started_at = call->created_at;
  record->answered_at = call->answered_at;
  record->ended_at = now_ms ();
  record->end = status;
  tr_store_queue_record (self->store, record);
}

/*
 * Ends @call for everyone who knows of it and frees it. @by_user is the user whose request or
 * lost connection ended it (NULL: the server, a timer, a line).
 */
static void
call_end (TrSignaling *self, Call *call, TrStatus status, const char *by_user)
{
  g_autoptr (TrMessage) message = NULL;
  CallState      was = call->state;
  TrServiceLine *line = call->callee_line;
  Transfer      *transfer;

  TR_DEBUG ("Call %s ended: %s", call->id, tr_status_get_reason (status));

  g_clear_handle_id (&call->ring_source, g_source_remove);
  g_hash_table_steal (self->calls, call->id);
  if (was == CALL_RINGING)
    online_unring (self, call);

  message = ended_event_new (call, status);
  send_to_caller (call, message);
  send_to_callee (self, call, message);
  call->state = CALL_ENDED;
  call_changed (call);

  session_unbind_call (call->caller_session, call);
  session_unbind_call (call->callee_session, call);
  call->caller_session = NULL;
  call->callee_session = NULL;

  call_record (self, call, status);

  /* The transferred call: the transferee leaving fails the transfer, the transferor
   * leaving does not. */
  transfer = call->transfer;
  if (transfer != NULL)
    {
      call->transfer = NULL;
      transfer->call = NULL;
      if (by_user != NULL && g_strcmp0 (by_user, transfer->transferee) == 0)
        transfer_fail (self, transfer, TR_STATUS_TRANSFEREE_HUNG_UP);
    }

  /* The call placed to fulfil a transfer: ended before it connected, the transfer failed. */
  transfer = call->fulfils;
  if (transfer != NULL)
    {
      call->fulfils = NULL;
      transfer->target_call = NULL;
      if (was == CALL_RINGING)
        {
          if (g_strcmp0 (by_user, transfer->transferee) == 0)
            transfer_fail (self, transfer, TR_STATUS_TRANSFEREE_HUNG_UP);
          else
            transfer_fail (self, transfer, status);
        }
    }

  /* The target call of an attended transfer ended first: the transfer failed. */
  transfer = call->replaced_by;
  if (transfer != NULL)
    {
      call->replaced_by = NULL;
      transfer->replaces_call = NULL;
      transfer_fail (self, transfer, TR_STATUS_TARGET_CALL_ENDED);
    }

  if (line != NULL)
    tr_service_line_ended (line, self, call->id);

  call_free (call);
}

static gboolean
call_visited (Call *call, const char *user)
{
  if (call->visited == NULL)
    return FALSE;
  for (guint i = 0; i < call->visited->len; i++)
    if (strcmp (g_ptr_array_index (call->visited, i), user) == 0)
      return TRUE;
  return FALSE;
}

static void
call_visit (Call *call, const char *user)
{
  if (call->visited == NULL)
    call->visited = g_ptr_array_new_with_free_func (g_free);
  if (!call_visited (call, user))
    g_ptr_array_add (call->visited, g_strdup (user));
}

/*
 * Follows the forwarding rules from @start (reached with @start_reason, NULL when @start is
 * the dialled user) to a callee that can ring. Each hop is appended to @hops as (id, reason).
 * Returns the callee, or NULL with @out_status set.
 */
static char *
call_resolve (TrSignaling *self, Call *call, const char *start, const char *start_reason,
              GPtrArray *hops, TrStatus *out_status)
{
  g_autofree char *current = g_strdup (start);
  const char      *reason = start_reason;

  for (;;)
    {
      TrIdentity *identity;
      const char *next;

      if (reason != NULL)
        {
          /* A hop to @current. */
          if (call->hops >= TR_PROTOCOL_MAX_FORWARD_HOPS || strcmp (current, call->caller) == 0
              || call_visited (call, current))
            {
              *out_status = TR_STATUS_FORWARDING_LOOP;
              return NULL;
            }
          call->hops++;
          g_ptr_array_add (hops, g_strdup (current));
          g_ptr_array_add (hops, g_strdup (reason));
          g_ptr_array_add (hops, NULL);
        }
      call_visit (call, current);

      identity = tr_store_lookup (self->store, current);
      if (identity == NULL)
        {
          *out_status = TR_STATUS_UNKNOWN_IDENTITY;
          return NULL;
        }

      if (!call->no_rules && !identity->service && identity->forward_always != NULL)
        {
          next = identity->forward_always;
          reason = "forward-always";
        }
      else if (user_is_online (self, current))
        return g_steal_pointer (&current);
      else if (!call->no_rules && !identity->service && identity->unanswered_target != NULL)
        {
          next = identity->unanswered_target;
          reason = "unanswered";
        }
      else
        {
          *out_status = TR_STATUS_OFFLINE;
          return NULL;
        }

      if (self->voicemail != NULL && strcmp (next, TR_VOICEMAIL_LINE_ID) == 0)
        {
          /* "voicemail" as a rule's target: @current's own mailbox. */
          if (call->hops >= TR_PROTOCOL_MAX_FORWARD_HOPS)
            {
              *out_status = TR_STATUS_FORWARDING_LOOP;
              return NULL;
            }
          call->hops++;
          g_ptr_array_add (hops, g_strdup (current));
          g_ptr_array_add (hops, g_strdup (reason));
          g_ptr_array_add (hops, g_strdup ("voicemail"));
          call->voicemail = TRUE;
          return g_steal_pointer (&current);
        }

      g_free (current);
      current = g_strdup (next);
    }
}

/* @hops: triplets (user, reason, "voicemail" or NULL). */
static void
send_forwarded (TrSignaling *self, Call *call, GPtrArray *hops)
{
  for (guint i = 0; i + 2 < hops->len; i += 3)
    {
      g_autoptr (TrMessage) message = tr_message_new (TR_EV_CALL_FORWARDED);

      tr_message_set_string (message, "call", call->id);
      tr_message_take_object (message, "to", party_json (self, g_ptr_array_index (hops, i)));
      tr_message_set_string (message, "reason", g_ptr_array_index (hops, i + 1));
      if (g_ptr_array_index (hops, i + 2) != NULL)
        tr_message_set_boolean (message, "voicemail", TRUE);
      send_to_caller (call, message);
    }
}

/* The session of the other party than the transferor in @replaced (attended transfers). */
static TrSession *
replaced_peer_session (Call *replaced, const char *user)
{
  if (g_strcmp0 (replaced->caller, user) == 0)
    return replaced->caller_session;
  if (g_strcmp0 (replaced->callee, user) == 0)
    return replaced->callee_session;
  return NULL;
}

static gboolean call_ring_timeout_cb (gpointer user_data);

/* Rings the current callee: events to its sessions and the ring timer. The line (if any) is
 * told by the caller of this function, last, as it may end the call. */
static void
call_ring (TrSignaling *self, Call *call)
{
  TrIdentity *identity = tr_store_lookup (self->store, call->callee);
  Online     *online = g_hash_table_lookup (self->online, call->callee);
  guint       timeout = identity ? identity->ring_timeout : TR_PROTOCOL_DEFAULT_RING_TIMEOUT;

  if (call->voicemail)
    {
      call->callee_line = self->voicemail;
      online = NULL;
    }
  else
    call->callee_line = g_hash_table_lookup (self->lines, call->callee);
  if (online != NULL)
    {
      g_autoptr (TrMessage) message = call_event_new (self, TR_EV_CALL_INCOMING, call);
      Call *replaced = call->replaces ? g_hash_table_lookup (self->calls, call->replaces) : NULL;
      TrSession *only = replaced ? replaced_peer_session (replaced, call->callee) : NULL;

      if (online->ringing == NULL)
        online->ringing = g_ptr_array_new ();
      g_ptr_array_add (online->ringing, call);
      /* A replacing call goes to the session that has the call it replaces. */
      if (only != NULL)
        tr_session_send (only, message);
      else
        send_to_sessions (online->sessions, NULL, message);
    }

  g_clear_handle_id (&call->ring_source, g_source_remove);
  call->ring_source = g_timeout_add (timeout * 1000, call_ring_timeout_cb, call);
}

static gboolean
call_ring_timeout_cb (gpointer user_data)
{
  Call        *call = user_data;
  TrSignaling *self = call->signaling;
  TrIdentity  *identity;
  g_autoptr (GPtrArray) hops = NULL;
  g_autofree char *target = NULL;
  g_autofree char *callee = NULL;
  TrStatus         status;
  TrServiceLine   *old_line;

  call->ring_source = 0;

  identity = tr_store_lookup (self->store, call->callee);
  if (call->no_rules || call->voicemail || identity == NULL || identity->service
      || identity->unanswered_target == NULL)
    {
      call_end (self, call, TR_STATUS_NO_ANSWER, NULL);
      return G_SOURCE_REMOVE;
    }

  target = g_strdup (identity->unanswered_target);
  hops = g_ptr_array_new_with_free_func (g_free);
  if (self->voicemail != NULL && strcmp (target, TR_VOICEMAIL_LINE_ID) == 0)
    {
      /* The callee's own mailbox. */
      callee = g_strdup (call->callee);
      g_ptr_array_add (hops, g_strdup (callee));
      g_ptr_array_add (hops, g_strdup ("unanswered"));
      g_ptr_array_add (hops, g_strdup ("voicemail"));
    }
  else
    callee = call_resolve (self, call, target, "unanswered", hops, &status);
  if (callee == NULL)
    {
      call_end (self, call, TR_STATUS_NO_ANSWER, NULL);
      return G_SOURCE_REMOVE;
    }

  /* Move the ringing: the first callee's sessions are done with it. */
  {
    g_autoptr (TrMessage) message = ended_event_new (call, TR_STATUS_ANSWERED_ELSEWHERE);

    online_unring (self, call);
    send_to_user (self, call->callee, message);
  }
  old_line = call->callee_line;
  if (old_line != NULL)
    tr_service_line_ended (old_line, self, call->id);

  TR_DEBUG ("Call %s: unanswered by %s, ringing %s", call->id, call->callee, callee);
  if (g_ptr_array_index (hops, hops->len - 1) != NULL)
    call->voicemail = TRUE;
  g_free (call->callee);
  call->callee = g_steal_pointer (&callee);
  call_changed (call);
  send_forwarded (self, call, hops);
  call_ring (self, call);
  if (call->callee_line != NULL)
    tr_service_line_incoming (call->callee_line, self, call->id);

  return G_SOURCE_REMOVE;
}

static Call *
lookup_call_for (TrSignaling *self, TrSession *session, TrMessage *msg, gboolean participant_only)
{
  const char *id = tr_message_get_string (msg, "call");
  const char *request_id = tr_message_get_id (msg);
  Call       *call;

  if (id == NULL)
    {
      tr_session_reply_error (session, request_id, TR_STATUS_MISSING_FIELD, "“call” is required");
      return NULL;
    }
  call = g_hash_table_lookup (self->calls, id);
  if (call == NULL)
    {
      tr_session_reply_error (session, request_id, TR_STATUS_CALL_NOT_FOUND, NULL);
      return NULL;
    }
  if (participant_only && !call_has_user (call, session->user))
    {
      tr_session_reply_error (session, request_id, TR_STATUS_NOT_PARTICIPANT, NULL);
      return NULL;
    }
  return call;
}

/* Request handlers */

static void
handle_ping (TrSignaling *self, TrSession *session, TrMessage *msg)
{
  tr_session_reply (session, tr_message_get_id (msg), NULL);
}

static void
handle_directory_list (TrSignaling *self, TrSession *session, TrMessage *msg)
{
  g_autoptr (GPtrArray) list = tr_store_list (self->store);
  gint64      offset = tr_message_get_int (msg, "offset", 0);
  JsonArray  *users;
  JsonObject *result;
  gsize       used = 0;

  if (offset < 0)
    {
      tr_session_reply_error (session, tr_message_get_id (msg), TR_STATUS_INVALID_FIELD,
                              "“offset” must not be negative");
      return;
    }

  users = json_array_new ();
  result = json_object_new ();
  for (guint i = (guint)MIN (offset, (gint64)list->len); i < list->len; i++)
    {
      TrIdentity *identity = g_ptr_array_index (list, i);
      JsonObject *entry = tr_identity_to_json (identity, TRUE);

      json_object_set_boolean_member (entry, "online", user_is_online (self, identity->id));
      if (!list_add_fitting (users, &used, entry))
        {
          /* More than one frame holds: the client asks again from here. */
          json_object_set_int_member (result, "next_offset", i);
          break;
        }
    }
  json_object_set_array_member (result, "users", users);
  tr_session_reply (session, tr_message_get_id (msg), result);
}

static void
handle_presence_subscribe (TrSignaling *self, TrSession *session, TrMessage *msg)
{
  JsonArray  *users = tr_message_get_array (msg, "users");
  JsonArray  *presence = json_array_new ();
  JsonObject *result = json_object_new ();
  guint       n = users ? json_array_get_length (users) : 0;
  gboolean    truncated = FALSE;
  gsize       used = 0;

  if (n > TR_PROTOCOL_MAX_PRESENCE_USERS)
    n = 0;
  for (guint i = 0; i < n; i++)
    {
      JsonNode   *node = json_array_get_element (users, i);
      const char *user;
      GHashTable *watchers;
      gpointer    key;
      JsonObject *entry;

      if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
        continue;
      user = json_node_get_string (node);
      if (!tr_protocol_id_is_valid (user))
        continue;

      /* Unknown ids are answered but not watched, and a session watches a bounded number of
       * users: subscriptions cost server memory. */
      if (tr_store_lookup (self->store, user) == NULL
          || (session->subscriptions != NULL
              && session->subscriptions->len >= MAX_SUBSCRIPTIONS_PER_SESSION))
        goto answer;

      if (!g_hash_table_lookup_extended (self->watchers, user, &key, (gpointer *)&watchers))
        {
          key = g_strdup (user);
          watchers = g_hash_table_new (NULL, NULL);
          g_hash_table_insert (self->watchers, key, watchers);
        }
      if (g_hash_table_add (watchers, session))
        {
          /* The key is owned by self->watchers and lives as long as anyone watches. */
          if (session->subscriptions == NULL)
            session->subscriptions = g_ptr_array_new ();
          g_ptr_array_add (session->subscriptions, key);
        }

    answer:
      entry = json_object_new ();
      json_object_set_string_member (entry, "user", user);
      json_object_set_boolean_member (entry, "online", user_is_online (self, user));
      if (!truncated && !list_add_fitting (presence, &used, entry))
        truncated = TRUE;
      else if (truncated)
        json_object_unref (entry);
    }
  json_object_set_array_member (result, "presence", presence);
  if (truncated)
    json_object_set_boolean_member (result, "truncated", TRUE);
  tr_session_reply (session, tr_message_get_id (msg), result);
}

static void
handle_call_start (TrSignaling *self, TrSession *session, TrMessage *msg)
{
  const char *request_id = tr_message_get_id (msg);
  const char *to = tr_message_get_string (msg, "to");
  const char *transfer_id = tr_message_get_string (msg, "transfer");
  const char *replaces = tr_message_get_string (msg, "replaces");
  gboolean    voicemail = tr_message_get_boolean (msg, "voicemail", FALSE);
  g_autoptr (GPtrArray) hops = NULL;
  Transfer        *transfer = NULL;
  g_autofree char *callee = NULL;
  TrStatus         status;
  Call            *call;

  if (to == NULL)
    {
      tr_session_reply_error (session, request_id, TR_STATUS_MISSING_FIELD, "“to” is required");
      return;
    }
  /* Calling the voicemail line itself reaches your own mailbox. */
  if (!voicemail && self->voicemail != NULL && strcmp (to, TR_VOICEMAIL_LINE_ID) == 0)
    {
      to = session->user;
      voicemail = TRUE;
    }
  if (voicemail && self->voicemail == NULL)
    {
      tr_session_reply_error (session, request_id, TR_STATUS_NOT_IMPLEMENTED,
                              "Voicemail is not available on this server");
      return;
    }
  if (!voicemail && strcmp (to, session->user) == 0)
    {
      tr_session_reply_error (session, request_id, TR_STATUS_INVALID_FIELD,
                              "You cannot call yourself");
      return;
    }
  if (replaces != NULL && (transfer_id == NULL || voicemail))
    {
      tr_session_reply_error (session, request_id, TR_STATUS_TRANSFER_MISMATCH,
                              "“replaces” belongs to an attended transfer");
      return;
    }
  if (transfer_id != NULL)
    {
      transfer = g_hash_table_lookup (self->transfers, transfer_id);
      if (transfer == NULL || strcmp (transfer->transferee, session->user) != 0
          || strcmp (transfer->target, to) != 0 || transfer->target_call != NULL
          || transfer->target_call_id != NULL
          || voicemail != (transfer->kind == TRANSFER_TO_VOICEMAIL)
          || g_strcmp0 (replaces, transfer->replaces_id) != 0)
        {
          tr_session_reply_error (session, request_id, TR_STATUS_TRANSFER_MISMATCH, NULL);
          return;
        }
    }

  call = g_new0 (Call, 1);
  call->signaling = self;
  call->id = tr_secrets_random_id ("c-", 8);
  call->caller = g_strdup (session->user);
  call->dialled = g_strdup (to);
  call->caller_session = session;
  call->state = CALL_RINGING;
  call->video = tr_message_get_boolean (msg, "video", FALSE);
  call->created_at = now_ms ();
  if (transfer != NULL)
    {
      call->no_rules = transfer->disable_rules;
      call->transferor = g_strdup (transfer->transferor);
      call->transfer_id = g_strdup (transfer->id);
      call->replaces = g_strdup (transfer->replaces_id);
    }

  hops = g_ptr_array_new_with_free_func (g_free);
  if (voicemail || call->replaces != NULL)
    {
      /* Straight to the mailbox, or to the party of the replaced call: no rules. */
      TrIdentity *identity = tr_store_lookup (self->store, to);

      call->voicemail = voicemail;
      call->no_rules = TRUE;
      if (identity == NULL)
        status = TR_STATUS_UNKNOWN_IDENTITY;
      else if (voicemail && identity->service)
        status = TR_STATUS_INVALID_FIELD;
      else if (!voicemail && !user_is_online (self, to))
        status = TR_STATUS_OFFLINE;
      else
        callee = g_strdup (to);
    }
  else
    callee = call_resolve (self, call, to, NULL, hops, &status);
  if (callee == NULL)
    {
      TR_DEBUG ("Call from %s to %s refused: %s", session->user, to, tr_status_get_reason (status));
      tr_session_reply_error (session, request_id, status,
                              status == TR_STATUS_INVALID_FIELD ? "A service line has no voicemail"
                                                                : NULL);
      call_free (call);
      if (transfer != NULL)
        transfer_fail (self, transfer, status);
      return;
    }

  call->callee = g_steal_pointer (&callee);
  g_hash_table_insert (self->calls, call->id, call);
  session_bind_call (session, call);
  if (transfer != NULL)
    {
      call->fulfils = transfer;
      transfer->target_call = call;
      transfer->target_call_id = g_strdup (call->id);
      g_clear_handle_id (&transfer->follow_source, g_source_remove);
    }

  TR_DEBUG ("Call %s: %s → %s%s", call->id, call->caller, call->callee,
            call->voicemail ? " (voicemail)" : "");
  tr_session_reply (session, request_id, single_member ("call", call_info_json (self, call)));
  send_forwarded (self, call, hops);
  call_ring (self, call);

  {
    g_autoptr (TrMessage) ringing = tr_message_new (TR_EV_CALL_RINGING);

    tr_message_set_string (ringing, "call", call->id);
    tr_session_send (session, ringing);
  }

  if (call->callee_line != NULL)
    tr_service_line_incoming (call->callee_line, self, call->id);
}

static void
call_connect (TrSignaling *self, Call *call, TrSession *session)
{
  call->state = CALL_CONNECTED;
  call_changed (call);
  call->answered_at = now_ms ();
  g_clear_handle_id (&call->ring_source, g_source_remove);
  online_unring (self, call);
  call->callee_session = session;
  if (session != NULL)
    session_bind_call (session, call);
}

static void
handle_call_accept (TrSignaling *self, TrSession *session, TrMessage *msg)
{
  const char *request_id = tr_message_get_id (msg);
  Call       *call = lookup_call_for (self, session, msg, TRUE);

  if (call == NULL)
    return;
  if (strcmp (call->callee, session->user) != 0)
    {
      tr_session_reply_error (session, request_id, TR_STATUS_NOT_PARTICIPANT,
                              "Only the callee accepts a call");
      return;
    }
  if (call->state != CALL_RINGING)
    {
      tr_session_reply_error (session, request_id, TR_STATUS_OUT_OF_ORDER,
                              "The call is not ringing");
      return;
    }

  call_connect (self, call, session);
  tr_session_reply (session, request_id, single_member ("call", call_info_json (self, call)));

  {
    g_autoptr (TrMessage) accepted = call_event_new (self, TR_EV_CALL_ACCEPTED, call);
    g_autoptr (TrMessage) elsewhere = ended_event_new (call, TR_STATUS_ANSWERED_ELSEWHERE);

    send_to_caller (call, accepted);
    send_to_sessions (user_sessions (self, call->callee), session, elsewhere);
  }

  if (call->fulfils != NULL)
    transfer_succeed (self, call->fulfils);
}

static void
handle_call_reject (TrSignaling *self, TrSession *session, TrMessage *msg)
{
  const char *request_id = tr_message_get_id (msg);
  Call       *call = lookup_call_for (self, session, msg, TRUE);
  TrStatus    status;

  if (call == NULL)
    return;
  if (strcmp (call->callee, session->user) != 0)
    {
      tr_session_reply_error (session, request_id, TR_STATUS_NOT_PARTICIPANT,
                              "Only the callee rejects a call");
      return;
    }
  if (call->state != CALL_RINGING)
    {
      tr_session_reply_error (session, request_id, TR_STATUS_OUT_OF_ORDER,
                              "The call is not ringing");
      return;
    }

  status = g_strcmp0 (tr_message_get_string (msg, "reason"), "busy") == 0 ? TR_STATUS_BUSY
                                                                          : TR_STATUS_DECLINED;
  tr_session_reply (session, request_id, NULL);
  call_end (self, call, status, session->user);
}

static void
handle_call_hangup (TrSignaling *self, TrSession *session, TrMessage *msg)
{
  const char *request_id = tr_message_get_id (msg);
  Call       *call = lookup_call_for (self, session, msg, TRUE);
  TrStatus    status;

  if (call == NULL)
    return;

  if (call->state == CALL_CONNECTED)
    status = TR_STATUS_HANGUP;
  else if (strcmp (call->caller, session->user) == 0)
    status = TR_STATUS_CANCELLED;
  else
    status = TR_STATUS_DECLINED;

  tr_session_reply (session, request_id, NULL);
  call_end (self, call, status, session->user);
}

static void
call_set_hold (TrSignaling *self, Call *call, const char *user, gboolean hold)
{
  g_autoptr (TrMessage) message = NULL;
  gboolean *flag = strcmp (call->caller, user) == 0 ? &call->hold_caller : &call->hold_callee;

  if (*flag == hold)
    return;
  *flag = hold;
  call_changed (call);

  message = tr_message_new (TR_EV_CALL_HOLD_CHANGED);
  tr_message_set_string (message, "call", call->id);
  tr_message_take_object (message, "hold", hold_json (call));
  send_to_caller (call, message);
  send_to_callee (self, call, message);
}

static void
handle_call_hold (TrSignaling *self, TrSession *session, TrMessage *msg, gboolean hold)
{
  const char *request_id = tr_message_get_id (msg);
  Call       *call = lookup_call_for (self, session, msg, TRUE);
  gboolean   *flag;

  if (call == NULL)
    return;
  if (call->state != CALL_CONNECTED)
    {
      tr_session_reply_error (session, request_id, TR_STATUS_OUT_OF_ORDER,
                              "The call is not connected");
      return;
    }

  flag = strcmp (call->caller, session->user) == 0 ? &call->hold_caller : &call->hold_callee;
  if (*flag == hold)
    {
      tr_session_reply (session, request_id, single_member ("call", call_info_json (self, call)));
      return;
    }
  *flag = hold;
  call_changed (call);
  tr_session_reply (session, request_id, single_member ("call", call_info_json (self, call)));
  *flag = !hold;
  call_changed (call);
  call_set_hold (self, call, session->user, hold);
}

static void
handle_call_signal (TrSignaling *self, TrSession *session, TrMessage *msg, gsize frame_length)
{
  const char *request_id = tr_message_get_id (msg);
  JsonObject *payload = tr_message_get_member_object (msg, "payload");
  g_autoptr (TrMessage) event = NULL;
  Call *call;

  if (payload == NULL)
    {
      tr_session_reply_error (session, request_id, TR_STATUS_MISSING_FIELD,
                              "“payload” must be an object");
      return;
    }
  if (frame_length > TR_PROTOCOL_MAX_SIGNAL_PAYLOAD
      && json_object_serialized_size (payload) > TR_PROTOCOL_MAX_SIGNAL_PAYLOAD)
    {
      tr_session_reply_error (session, request_id, TR_STATUS_TOO_LARGE,
                              "“payload” is larger than 32768 bytes");
      return;
    }
  call = lookup_call_for (self, session, msg, TRUE);
  if (call == NULL)
    return;

  event = tr_message_new (TR_EV_CALL_SIGNAL);
  tr_message_set_string (event, "call", call->id);
  tr_message_set_string (event, "from", session->user);
  tr_message_take_object (event, "payload", json_object_ref (payload));

  tr_session_reply (session, request_id, NULL);
  if (strcmp (call->caller, session->user) == 0)
    {
      if (call->callee_line != NULL)
        tr_service_line_signal (call->callee_line, self, call->id, payload);
      else
        send_to_callee (self, call, event);
    }
  else
    send_to_caller (call, event);
}

static void
handle_call_dtmf (TrSignaling *self, TrSession *session, TrMessage *msg)
{
  const char *request_id = tr_message_get_id (msg);
  const char *digits = tr_message_get_string (msg, "digits");
  g_autoptr (TrMessage) event = NULL;
  Call *call;

  if (digits == NULL || !tr_protocol_dtmf_is_valid (digits))
    {
      tr_session_reply_error (session, request_id, TR_STATUS_INVALID_FIELD,
                              "“digits” must be 1–32 of 0-9 * # A-D");
      return;
    }
  call = lookup_call_for (self, session, msg, TRUE);
  if (call == NULL)
    return;
  if (call->state != CALL_CONNECTED)
    {
      tr_session_reply_error (session, request_id, TR_STATUS_OUT_OF_ORDER,
                              "The call is not connected");
      return;
    }

  event = tr_message_new (TR_EV_CALL_DTMF);
  tr_message_set_string (event, "call", call->id);
  tr_message_set_string (event, "from", session->user);
  tr_message_set_string (event, "digits", digits);

  tr_session_reply (session, request_id, NULL);
  if (strcmp (call->caller, session->user) == 0)
    send_to_callee (self, call, event);
  else
    send_to_caller (call, event);
}

static void
handle_call_transfer (TrSignaling *self, TrSession *session, TrMessage *msg)
{
  const char  *request_id = tr_message_get_id (msg);
  JsonObject  *target = tr_message_get_member_object (msg, "target");
  const char  *kind_name;
  const char  *target_user;
  const char  *transferee;
  TrSession   *transferee_session;
  TransferKind kind;
  Transfer    *transfer;
  Call        *call;
  Call        *replaced = NULL;

  if (target == NULL)
    {
      tr_session_reply_error (session, request_id, TR_STATUS_MISSING_FIELD, "“target” is required");
      return;
    }
  call = lookup_call_for (self, session, msg, TRUE);
  if (call == NULL)
    return;
  if (call->transfer != NULL || call->replaced_by != NULL)
    {
      tr_session_reply_error (session, request_id, TR_STATUS_TRANSFER_IN_PROGRESS, NULL);
      return;
    }
  if (call->state != CALL_CONNECTED)
    {
      tr_session_reply_error (session, request_id, TR_STATUS_OUT_OF_ORDER,
                              "Only a connected call can be transferred");
      return;
    }

  kind_name = json_object_get_string_member_with_default (target, "kind", NULL);
  if (g_strcmp0 (kind_name, "participant") == 0)
    kind = TRANSFER_TO_PARTICIPANT;
  else if (g_strcmp0 (kind_name, "call") == 0)
    kind = TRANSFER_TO_CALL;
  else if (g_strcmp0 (kind_name, "voicemail") == 0)
    kind = TRANSFER_TO_VOICEMAIL;
  else
    {
      tr_session_reply_error (session, request_id, TR_STATUS_INVALID_FIELD,
                              "Unknown “target.kind”");
      return;
    }
  if (kind == TRANSFER_TO_VOICEMAIL && self->voicemail == NULL)
    {
      tr_session_reply_error (session, request_id, TR_STATUS_NOT_IMPLEMENTED,
                              "Voicemail is not available on this server");
      return;
    }

  if (strcmp (call->caller, session->user) == 0)
    {
      transferee = call->callee;
      transferee_session = call->callee_session;
    }
  else
    {
      transferee = call->caller;
      transferee_session = call->caller_session;
    }
  if (transferee_session == NULL)
    {
      tr_session_reply_error (session, request_id, TR_STATUS_NOT_IMPLEMENTED,
                              "A service line cannot be transferred");
      return;
    }

  if (kind == TRANSFER_TO_CALL)
    {
      /* Attended: the target is another call of the transferor; its other party is whom the
       * transferee calls, and that call replaces it. */
      const char *target_call = json_object_get_string_member_with_default (target, "call", NULL);

      if (target_call == NULL || !tr_protocol_id_is_valid (target_call))
        {
          tr_session_reply_error (session, request_id, TR_STATUS_INVALID_FIELD,
                                  "“target.call” must be a call id");
          return;
        }
      replaced = g_hash_table_lookup (self->calls, target_call);
      if (replaced == NULL)
        {
          tr_session_reply_error (session, request_id, TR_STATUS_TARGET_CALL_ENDED, NULL);
          return;
        }
      if (!call_has_user (replaced, session->user))
        {
          tr_session_reply_error (session, request_id, TR_STATUS_NOT_YOUR_CALL, NULL);
          return;
        }
      if (replaced == call)
        {
          tr_session_reply_error (session, request_id, TR_STATUS_INVALID_FIELD,
                                  "A call cannot be transferred to itself");
          return;
        }
      if (replaced->transfer != NULL || replaced->replaced_by != NULL || replaced->fulfils != NULL)
        {
          tr_session_reply_error (session, request_id, TR_STATUS_TRANSFER_IN_PROGRESS, NULL);
          return;
        }
      if (replaced->state != CALL_CONNECTED)
        {
          tr_session_reply_error (session, request_id, TR_STATUS_OUT_OF_ORDER,
                                  "The target call is not connected yet");
          return;
        }
      target_user
          = strcmp (replaced->caller, session->user) == 0 ? replaced->callee : replaced->caller;
      if (replaced->callee_line != NULL || replaced_peer_session (replaced, target_user) == NULL)
        {
          tr_session_reply_error (session, request_id, TR_STATUS_NOT_IMPLEMENTED,
                                  "A call with a service line cannot be replaced");
          return;
        }
    }
  else
    {
      target_user = json_object_get_string_member_with_default (target, "user", NULL);
      if (target_user == NULL || !tr_protocol_id_is_valid (target_user))
        {
          tr_session_reply_error (session, request_id, TR_STATUS_INVALID_FIELD,
                                  "“target.user” must be a user id");
          return;
        }
    }
  if (strcmp (target_user, transferee) == 0)
    {
      tr_session_reply_error (session, request_id, TR_STATUS_INVALID_FIELD,
                              "The transferee cannot be the target");
      return;
    }
  if (tr_store_lookup (self->store, target_user) == NULL)
    {
      tr_session_reply_error (session, request_id, TR_STATUS_UNKNOWN_IDENTITY, NULL);
      return;
    }
  if (kind == TRANSFER_TO_VOICEMAIL && tr_store_lookup (self->store, target_user)->service)
    {
      tr_session_reply_error (session, request_id, TR_STATUS_INVALID_FIELD,
                              "A service line has no voicemail");
      return;
    }

  transfer = g_new0 (Transfer, 1);
  transfer->signaling = self;
  transfer->id = tr_secrets_random_id ("t-", 8);
  transfer->kind = kind;
  transfer->call_id = g_strdup (call->id);
  transfer->call = call;
  transfer->transferor = g_strdup (session->user);
  transfer->transferor_session = g_strdup (session->id);
  transfer->transferee = g_strdup (transferee);
  transfer->target = g_strdup (target_user);
  if (kind == TRANSFER_TO_PARTICIPANT
      && json_object_has_member (target, "disable_forwarding_and_unanswered"))
    {
      JsonNode *node = json_object_get_member (target, "disable_forwarding_and_unanswered");

      transfer->disable_rules = JSON_NODE_HOLDS_VALUE (node)
                                && json_node_get_value_type (node) == G_TYPE_BOOLEAN
                                && json_node_get_boolean (node);
    }
  if (kind != TRANSFER_TO_PARTICIPANT)
    transfer->disable_rules = TRUE; /* the replaced call's party, or the mailbox: no rules */
  if (replaced != NULL)
    {
      transfer->replaces_id = g_strdup (replaced->id);
      transfer->replaces_call = replaced;
      replaced->replaced_by = transfer;
    }
  call->transfer = transfer;
  g_hash_table_insert (self->transfers, transfer->id, transfer);

  TR_DEBUG ("Transfer %s: %s transfers %s to %s%s", transfer->id, transfer->transferor, transferee,
            target_user, kind == TRANSFER_TO_VOICEMAIL ? "'s voicemail" : "");

  /* The transferor's side holds the call while the transfer runs. */
  call_set_hold (self, call, session->user, TRUE);
  tr_session_reply (session, request_id,
                    single_member ("transfer", transfer_info_json (transfer, "transferring", 0)));

  {
    g_autoptr (TrMessage) request = tr_message_new (TR_EV_TRANSFER_REQUEST);

    tr_message_set_string (request, "transfer", transfer->id);
    tr_message_set_string (request, "call", call->id);
    tr_message_take_object (request, "to", party_json (self, target_user));
    tr_message_take_object (request, "transferor", party_json (self, session->user));
    if (transfer->replaces_id != NULL)
      tr_message_set_string (request, "replaces", transfer->replaces_id);
    if (kind == TRANSFER_TO_VOICEMAIL)
      tr_message_set_boolean (request, "voicemail", TRUE);
    tr_message_set_boolean (request, "disable_forwarding_and_unanswered", transfer->disable_rules);
    tr_session_send (transferee_session, request);
  }

  transfer->follow_source = g_timeout_add (TR_PROTOCOL_TRANSFER_FOLLOW_TIMEOUT * 1000,
                                           transfer_follow_timeout_cb, transfer);
}

static void
handle_settings_get (TrSignaling *self, TrSession *session, TrMessage *msg)
{
  TrIdentity *identity = tr_store_lookup (self->store, session->user);

  if (identity == NULL)
    {
      tr_session_reply_error (session, tr_message_get_id (msg), TR_STATUS_UNKNOWN_IDENTITY, NULL);
      return;
    }
  tr_session_reply (session, tr_message_get_id (msg),
                    single_member ("settings", tr_identity_settings_to_json (identity)));
}

static void
handle_settings_set (TrSignaling *self, TrSession *session, TrMessage *msg)
{
  JsonObject *settings = tr_message_get_member_object (msg, "settings");
  g_autoptr (GError) error = NULL;

  if (settings == NULL)
    {
      tr_session_reply_error (session, tr_message_get_id (msg), TR_STATUS_MISSING_FIELD,
                              "“settings” is required");
      return;
    }
  if (!tr_store_update_settings (self->store, session->user, settings, &error))
    {
      tr_session_reply_gerror (session, tr_message_get_id (msg), error);
      return;
    }
  handle_settings_get (self, session, msg);
}

static void
handle_records_list (TrSignaling *self, TrSession *session, TrMessage *msg)
{
  gint64 limit = tr_message_get_int (msg, "limit", 50);
  g_autoptr (JsonArray) records = NULL;
  JsonArray  *fitting;
  JsonObject *result;
  gsize       used = 0;
  guint       n;

  if (limit < 1 || limit > 500)
    {
      tr_session_reply_error (session, tr_message_get_id (msg), TR_STATUS_INVALID_FIELD,
                              "“limit” must be from 1 to 500");
      return;
    }
  records = tr_store_list_records (self->store, session->user, limit);
  n = json_array_get_length (records);
  fitting = json_array_sized_new (n);
  result = json_object_new ();
  for (guint i = 0; i < n; i++)
    {
      JsonObject *record = json_array_get_object_element (records, i);

      if (!list_add_fitting (fitting, &used, json_object_ref (record)))
        {
          /* The newest ones that fit in a frame. */
          json_object_set_boolean_member (result, "truncated", TRUE);
          break;
        }
    }
  json_object_set_array_member (result, "records", fitting);
  tr_session_reply (session, tr_message_get_id (msg), result);
}

static void
handle_session_refresh (TrSignaling *self, TrSession *session, TrMessage *msg)
{
  const char *request_id = tr_message_get_id (msg);
  g_autoptr (TrTokenClaims) claims = NULL;
  g_autoptr (GError) error = NULL;
  JsonObject *result;

  claims = tr_signaling_check_token (self, tr_message_get_string (msg, "token"), &error);
  if (claims == NULL)
    {
      tr_session_reply_gerror (session, request_id, error);
      return;
    }
  if (g_strcmp0 (claims->sub, session->user) != 0)
    {
      tr_session_reply_error (session, request_id, TR_STATUS_SCOPE_MISSING,
                              "The token is for another user");
      return;
    }
  if (!tr_token_claims_has_scope (claims, "call"))
    {
      tr_session_reply_error (session, request_id, TR_STATUS_SCOPE_MISSING, NULL);
      return;
    }

  g_free (session->jti);
  session->jti = g_strdup (claims->jti);
  session->token_expires_at = claims->exp;

  result = json_object_new ();
  json_object_set_int_member (result, "token_expires_at", claims->exp);
  tr_session_reply (session, request_id, result);
}

static gboolean
voicemail_available (TrSignaling *self, TrSession *session, TrMessage *msg)
{
  if (self->voicemail != NULL)
    return TRUE;
  tr_session_reply_error (session, tr_message_get_id (msg), TR_STATUS_NOT_IMPLEMENTED,
                          "Voicemail is not available on this server");
  return FALSE;
}

static void
handle_voicemail_list (TrSignaling *self, TrSession *session, TrMessage *msg)
{
  g_autoptr (JsonObject) list = NULL;
  JsonArray  *messages;
  JsonArray  *fitting;
  JsonObject *result;
  gsize       used = 0;

  if (!voicemail_available (self, session, msg))
    return;
  list = tr_voicemail_line_list (TR_VOICEMAIL_LINE (self->voicemail), session->user);
  messages = json_object_get_array_member (list, "messages");
  fitting = json_array_new ();
  result = json_object_new ();
  for (guint i = 0; i < json_array_get_length (messages); i++)
    {
      JsonObject *message = json_array_get_object_element (messages, i);

      if (!list_add_fitting (fitting, &used, json_object_ref (message)))
        {
          /* The newest ones that fit in a frame. */
          json_object_set_boolean_member (result, "truncated", TRUE);
          break;
        }
    }
  json_object_set_array_member (result, "messages", fitting);
  json_object_set_int_member (result, "unheard", json_object_get_int_member (list, "unheard"));
  tr_session_reply (session, tr_message_get_id (msg), result);
}

static void
handle_voicemail_mark_heard (TrSignaling *self, TrSession *session, TrMessage *msg)
{
  g_autoptr (GError) error = NULL;
  JsonObject *message;

  if (!voicemail_available (self, session, msg))
    return;
  message = tr_voicemail_line_mark_heard (TR_VOICEMAIL_LINE (self->voicemail), session->user,
                                          tr_message_get_string (msg, "message"), &error);
  if (message == NULL)
    tr_session_reply_gerror (session, tr_message_get_id (msg), error);
  else
    tr_session_reply (session, tr_message_get_id (msg), single_member ("message", message));
}

static void
handle_voicemail_delete (TrSignaling *self, TrSession *session, TrMessage *msg)
{
  g_autoptr (GError) error = NULL;

  if (!voicemail_available (self, session, msg))
    return;
  if (!tr_voicemail_line_delete (TR_VOICEMAIL_LINE (self->voicemail), session->user,
                                 tr_message_get_string (msg, "message"), &error))
    tr_session_reply_gerror (session, tr_message_get_id (msg), error);
  else
    tr_session_reply (session, tr_message_get_id (msg), NULL);
}

/* Sessions */

static void
broadcast_presence (TrSignaling *self, const char *user, gboolean online)
{
  GHashTable *watchers = g_hash_table_lookup (self->watchers, user);
  g_autoptr (TrMessage) message = NULL;
  g_autofree char *text = NULL;
  GHashTableIter   iter;
  gpointer         session;

  if (watchers == NULL || g_hash_table_size (watchers) == 0)
    return;
  message = tr_message_new (TR_EV_PRESENCE);
  tr_message_set_string (message, "user", user);
  tr_message_set_boolean (message, "online", online);
  text = tr_message_to_string (message, NULL);
  g_hash_table_iter_init (&iter, watchers);
  while (g_hash_table_iter_next (&iter, &session, NULL))
    tr_session_send_text (session, text);
}

static void
session_remove (TrSignaling *self, TrSession *session)
{
  Online *online;

  if (!g_hash_table_steal (self->sessions, session->id))
    return;

  TR_DEBUG ("Session %s of %s gone", session->id, session->user);

  /* Calls on this session end for the other party. */
  while (session->calls != NULL && session->calls->len > 0)
    {
      Call *call = g_ptr_array_index (session->calls, session->calls->len - 1);

      call_end (self, call, TR_STATUS_CONNECTION_LOST, session->user);
    }

  online = g_hash_table_lookup (self->online, session->user);
  if (online != NULL)
    {
      g_ptr_array_remove (online->sessions, session);
      if (online->sessions->len == 0)
        {
          g_autofree char *user = g_strdup (online->id);

          /* Calls ringing at this user have nobody left to ring. */
          while (online->ringing != NULL && online->ringing->len > 0)
            {
              Call *call = g_ptr_array_index (online->ringing, online->ringing->len - 1);

              call_end (self, call, TR_STATUS_CONNECTION_LOST, user);
            }
          g_hash_table_remove (self->online, user);
          if (!self->shutting_down)
            broadcast_presence (self, user, FALSE);
        }
    }

  if (session->subscriptions != NULL)
    {
      for (guint i = 0; i < session->subscriptions->len; i++)
        {
          const char *user = g_ptr_array_index (session->subscriptions, i);
          GHashTable *watchers = g_hash_table_lookup (self->watchers, user);

          if (watchers == NULL)
            continue;
          g_hash_table_remove (watchers, session);
          if (g_hash_table_size (watchers) == 0)
            g_hash_table_remove (self->watchers, user); /* frees @user */
        }
    }

  tr_session_free (session);
}

static void
session_closed_cb (SoupWebsocketConnection *conn, gpointer user_data)
{
  TrSession *session = user_data;

  session_remove (session->signaling, session);
}

static void
session_message_cb (SoupWebsocketConnection *conn, gint type, GBytes *message, gpointer user_data)
{
  TrSession   *session = user_data;
  TrSignaling *self = session->signaling;
  g_autoptr (TrMessage) msg = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *request_id = NULL;
  const char      *data;
  gsize            length;

  if (session->closing)
    return;

  data = g_bytes_get_data (message, &length);

  if (length > TR_PROTOCOL_MAX_FRAME)
    {
      TR_DEBUG ("Session %s sent a frame of %" G_GSIZE_FORMAT " bytes; closing it", session->id,
                length);
      tr_session_close (session, SOUP_WEBSOCKET_CLOSE_TOO_BIG, "frame too big");
      return;
    }

  if (!tr_session_take_token (session))
    {
      session->n_rejected++;
      if (session->n_rejected > 1000)
        {
          g_message ("Session %s of %s is flooding; closing it", session->id, session->user);
          tr_session_close (session, TR_CLOSE_FLOODING, "flooding");
          return;
        }
      msg = tr_message_parse (data, length, TR_DIRECTION_TO_SERVER, &request_id, NULL);
      tr_session_reply_error (session, request_id, TR_STATUS_RATE_LIMITED, NULL);
      return;
    }

  if (type != SOUP_WEBSOCKET_DATA_TEXT)
    {
      g_set_error_literal (&error, TR_ERROR, TR_STATUS_MALFORMED_JSON,
                           "Frames are JSON text, not binary");
    }
  else
    msg = tr_message_parse (data, length, TR_DIRECTION_TO_SERVER, &request_id, &error);

  if (msg == NULL || tr_message_get_id (msg) == NULL)
    {
      session->n_malformed++;
      if (error == NULL)
        g_set_error_literal (&error, TR_ERROR, TR_STATUS_MISSING_FIELD, "“id” is required");
      TR_DEBUG ("Session %s: bad frame: %s", session->id, error->message);
      if (session->n_malformed > 100)
        {
          g_message ("Session %s of %s sent too many malformed frames; closing it", session->id,
                     session->user);
          tr_session_close (session, TR_CLOSE_PROTOCOL_VIOLATION, "protocol violation");
          return;
        }
      if (request_id != NULL && !tr_protocol_request_id_is_valid (request_id))
        g_clear_pointer (&request_id, g_free);
      tr_session_reply_gerror (session, request_id, error);
      return;
    }

  switch (tr_message_get_message_type (msg))
    {
    case TR_REQ_PING:
      handle_ping (self, session, msg);
      break;
    case TR_REQ_DIRECTORY_LIST:
      handle_directory_list (self, session, msg);
      break;
    case TR_REQ_PRESENCE_SUBSCRIBE:
      handle_presence_subscribe (self, session, msg);
      break;
    case TR_REQ_CALL_START:
      handle_call_start (self, session, msg);
      break;
    case TR_REQ_CALL_ACCEPT:
      handle_call_accept (self, session, msg);
      break;
    case TR_REQ_CALL_REJECT:
      handle_call_reject (self, session, msg);
      break;
    case TR_REQ_CALL_HANGUP:
      handle_call_hangup (self, session, msg);
      break;
    case TR_REQ_CALL_HOLD:
      handle_call_hold (self, session, msg, TRUE);
      break;
    case TR_REQ_CALL_RESUME:
      handle_call_hold (self, session, msg, FALSE);
      break;
    case TR_REQ_CALL_SIGNAL:
      handle_call_signal (self, session, msg, length);
      break;
    case TR_REQ_CALL_DTMF:
      handle_call_dtmf (self, session, msg);
      break;
    case TR_REQ_CALL_TRANSFER:
      handle_call_transfer (self, session, msg);
      break;
    case TR_REQ_SETTINGS_GET:
      handle_settings_get (self, session, msg);
      break;
    case TR_REQ_SETTINGS_SET:
      handle_settings_set (self, session, msg);
      break;
    case TR_REQ_RECORDS_LIST:
      handle_records_list (self, session, msg);
      break;
    case TR_REQ_SESSION_REFRESH:
      handle_session_refresh (self, session, msg);
      break;
    case TR_REQ_VOICEMAIL_LIST:
      handle_voicemail_list (self, session, msg);
      break;
    case TR_REQ_VOICEMAIL_MARK_HEARD:
      handle_voicemail_mark_heard (self, session, msg);
      break;
    case TR_REQ_VOICEMAIL_DELETE:
      handle_voicemail_delete (self, session, msg);
      break;
    default:
      session->n_malformed++;
      tr_session_reply_error (session, tr_message_get_id (msg), TR_STATUS_UNKNOWN_TYPE, NULL);
      break;
    }
}

static void
session_send_welcome (TrSignaling *self, TrSession *session)
{
  g_autoptr (TrMessage) welcome = tr_message_new (TR_EV_WELCOME);
  JsonObject *limits = json_object_new ();

  tr_message_set_int (welcome, "protocol", TR_PROTOCOL_VERSION);
  tr_message_set_string (welcome, "session", session->id);
  tr_message_take_object (welcome, "user", party_json (self, session->user));
  tr_message_set_int (welcome, "token_expires_at", session->token_expires_at);
  tr_message_take_array (welcome, "ice_servers",
                         self->ice_servers ? json_array_ref (self->ice_servers)
                                           : json_array_new ());
  json_object_set_int_member (limits, "max_frame", TR_PROTOCOL_MAX_FRAME);
  json_object_set_int_member (limits, "rate", TR_PROTOCOL_RATE);
  json_object_set_int_member (limits, "burst", TR_PROTOCOL_BURST);
  tr_message_take_object (welcome, "limits", limits);
  tr_session_send (session, welcome);
}

/* One timer for all sessions' token expiry, rather than one GSource per session: with
 * thousands of sessions every source costs main loop time in each iteration. */
static gboolean
expiry_cb (gpointer user_data)
{
  TrSignaling *self = user_data;
  gint64       now = g_get_real_time () / G_USEC_PER_SEC;
  g_autoptr (GPtrArray) expired = NULL;
  GHashTableIter iter;
  gpointer       value;

  g_hash_table_iter_init (&iter, self->sessions);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      TrSession *session = value;

      if (session->token_expires_at <= now && !session->closing)
        {
          if (expired == NULL)
            expired = g_ptr_array_new ();
          g_ptr_array_add (expired, session);
        }
    }
  for (guint i = 0; expired != NULL && i < expired->len; i++)
    {
      TrSession *session = g_ptr_array_index (expired, i);

      TR_DEBUG ("Session %s: token expired", session->id);
      tr_session_close (session, TR_CLOSE_TOKEN_EXPIRED, "token expired");
    }
  return G_SOURCE_CONTINUE;
}

static gboolean
sync_cb (gpointer user_data)
{
  TrSignaling *self = user_data;
  g_autoptr (GPtrArray) stale = NULL;
  GHashTableIter iter;
  gpointer       value;

  tr_store_sync (self->store);
  if (tr_store_get_generation (self->store) == self->store_generation)
    return G_SOURCE_CONTINUE;
  self->store_generation = tr_store_get_generation (self->store);

  /* An admin command changed the database: drop sessions whose user or token went away. */
  stale = g_ptr_array_new ();
  g_hash_table_iter_init (&iter, self->sessions);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      TrSession *session = value;

      if (tr_store_lookup (self->store, session->user) == NULL
          || tr_store_token_is_revoked (self->store, session->jti))
        g_ptr_array_add (stale, session);
    }
  for (guint i = 0; i < stale->len; i++)
    tr_session_close (g_ptr_array_index (stale, i), TR_CLOSE_TOKEN_EXPIRED, "token revoked");

  return G_SOURCE_CONTINUE;
}

/* GObject */

static void
tr_signaling_dispose (GObject *object)
{
  TrSignaling *self = (TrSignaling *)object;

  tr_signaling_shutdown (self);
  while (self->sessions != NULL && g_hash_table_size (self->sessions) > 0)
    {
      GHashTableIter iter;
      gpointer       value;

      g_hash_table_iter_init (&iter, self->sessions);
      if (!g_hash_table_iter_next (&iter, NULL, &value))
        break;
      session_remove (self, value);
    }
  g_clear_handle_id (&self->sync_source, g_source_remove);
  g_clear_handle_id (&self->expiry_source, g_source_remove);
  g_clear_object (&self->store);

  G_OBJECT_CLASS (tr_signaling_parent_class)->dispose (object);
}

static void
tr_signaling_finalize (GObject *object)
{
  TrSignaling *self = (TrSignaling *)object;

  g_clear_pointer (&self->secret, g_bytes_unref);
  g_clear_pointer (&self->sessions, g_hash_table_unref);
  g_clear_pointer (&self->online, g_hash_table_unref);
  g_clear_pointer (&self->calls, g_hash_table_unref);
  g_clear_pointer (&self->transfers, g_hash_table_unref);
  g_clear_pointer (&self->watchers, g_hash_table_unref);
  g_clear_pointer (&self->lines, g_hash_table_unref);
  g_clear_pointer (&self->ice_servers, json_array_unref);

  G_OBJECT_CLASS (tr_signaling_parent_class)->finalize (object);
}

static void
tr_signaling_class_init (TrSignalingClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = tr_signaling_dispose;
  object_class->finalize = tr_signaling_finalize;
}

static void
tr_signaling_init (TrSignaling *self)
{
  self->sessions
      = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, (GDestroyNotify)tr_session_free);
  self->online = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, (GDestroyNotify)online_free);
  self->calls = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, (GDestroyNotify)call_free);
  self->transfers
      = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, (GDestroyNotify)transfer_free);
  self->watchers
      = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify)g_hash_table_unref);
  self->lines = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, g_object_unref);
}

TrSignaling *
tr_signaling_new (TrStore *store, GBytes *secret)
{
  TrSignaling *self;

  g_return_val_if_fail (TR_IS_STORE (store), NULL);
  g_return_val_if_fail (secret != NULL, NULL);

  self = g_object_new (TR_TYPE_SIGNALING, NULL);
  self->store = g_object_ref (store);
  self->secret = g_bytes_ref (secret);
  self->sync_source = g_timeout_add_seconds (SYNC_INTERVAL_S, sync_cb, self);
  self->expiry_source = g_timeout_add (1000, expiry_cb, self);
  return self;
}

void
tr_signaling_add_line (TrSignaling *self, TrServiceLine *line)
{
  g_return_if_fail (TR_IS_SIGNALING (self));
  g_return_if_fail (TR_IS_SERVICE_LINE (line));

  /* The key is owned by the line, which the table owns. */
  g_hash_table_replace (self->lines, (gpointer)tr_service_line_get_id (line), g_object_ref (line));
  if (TR_IS_VOICEMAIL_LINE (line))
    self->voicemail = line;
}

void
tr_signaling_set_ice_servers (TrSignaling *self, JsonArray *ice_servers)
{
  g_return_if_fail (TR_IS_SIGNALING (self));

  g_clear_pointer (&self->ice_servers, json_array_unref);
  if (ice_servers != NULL)
    self->ice_servers = json_array_ref (ice_servers);
}

void
tr_signaling_send_to_user (TrSignaling *self, const char *user, TrMessage *message)
{
  g_return_if_fail (TR_IS_SIGNALING (self));

  send_to_user (self, user, message);
}

TrTokenClaims *
tr_signaling_check_token (TrSignaling *self, const char *token, GError **error)
{
  g_autoptr (TrTokenClaims) claims = NULL;
  gsize         secret_length;
  const guint8 *secret;

  g_return_val_if_fail (TR_IS_SIGNALING (self), NULL);

  if (token == NULL || *token == '\0')
    {
      g_set_error_literal (error, TR_ERROR, TR_STATUS_TOKEN_MISSING,
                           tr_status_get_message (TR_STATUS_TOKEN_MISSING));
      return NULL;
    }

  secret = g_bytes_get_data (self->secret, &secret_length);
  claims
      = tr_token_verify (token, secret, secret_length, g_get_real_time () / G_USEC_PER_SEC, error);
  if (claims == NULL)
    return NULL;
  if (claims->sub == NULL || !tr_store_user_exists (self->store, claims->sub))
    {
      g_set_error_literal (error, TR_ERROR, TR_STATUS_TOKEN_INVALID, "Unknown user");
      return NULL;
    }
  if (claims->jti == NULL || tr_store_token_is_revoked (self->store, claims->jti))
    {
      g_set_error_literal (error, TR_ERROR, TR_STATUS_TOKEN_REVOKED,
                           tr_status_get_message (TR_STATUS_TOKEN_REVOKED));
      return NULL;
    }
  /* tr_store_user_exists() reads the database; make sure the cache has the user too. */
  tr_store_lookup (self->store, claims->sub);
  return g_steal_pointer (&claims);
}

void
tr_signaling_accept (TrSignaling *self, SoupWebsocketConnection *conn, const TrTokenClaims *claims)
{
  TrSession *session;
  Online    *online;

  g_return_if_fail (TR_IS_SIGNALING (self));
  g_return_if_fail (SOUP_IS_WEBSOCKET_CONNECTION (conn));

  if (self->shutting_down)
    {
      soup_websocket_connection_close (conn, SOUP_WEBSOCKET_CLOSE_GOING_AWAY, "shutting down");
      return;
    }

  soup_websocket_connection_set_max_incoming_payload_size (conn, HARD_FRAME_LIMIT);
  soup_websocket_connection_set_keepalive_interval (conn, 0);

  session = tr_session_new (self, conn, claims);
  session->message_handler
      = g_signal_connect (conn, "message", G_CALLBACK (session_message_cb), session);
  session->closed_handler
      = g_signal_connect (conn, "closed", G_CALLBACK (session_closed_cb), session);
  g_hash_table_insert (self->sessions, session->id, session);

  online = g_hash_table_lookup (self->online, session->user);
  if (online == NULL)
    {
      online = g_new0 (Online, 1);
      online->id = g_strdup (session->user);
      online->sessions = g_ptr_array_new ();
      g_hash_table_insert (self->online, online->id, online);
    }
  g_ptr_array_add (online->sessions, session);

  TR_DEBUG ("Session %s of %s connected", session->id, session->user);
  session_send_welcome (self, session);

  if (online->sessions->len == 1)
    broadcast_presence (self, session->user, TRUE);
}

static void
close_matching (TrSignaling *self, const char *user, const char *jti, const char *reason)
{
  g_autoptr (GPtrArray) matching = g_ptr_array_new ();
  GHashTableIter iter;
  gpointer       value;

  g_hash_table_iter_init (&iter, self->sessions);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      TrSession *session = value;

      if ((user != NULL && g_strcmp0 (session->user, user) == 0)
          || (jti != NULL && g_strcmp0 (session->jti, jti) == 0))
        g_ptr_array_add (matching, session);
    }
  for (guint i = 0; i < matching->len; i++)
    tr_session_close (g_ptr_array_index (matching, i), TR_CLOSE_TOKEN_EXPIRED, reason);
}

void
tr_signaling_close_user (TrSignaling *self, const char *user)
{
  g_return_if_fail (TR_IS_SIGNALING (self));

  close_matching (self, user, NULL, "user removed");
}

void
tr_signaling_close_token (TrSignaling *self, const char *jti)
{
  g_return_if_fail (TR_IS_SIGNALING (self));

  close_matching (self, NULL, jti, "token revoked");
}

gboolean
tr_signaling_is_online (TrSignaling *self, const char *user)
{
  g_return_val_if_fail (TR_IS_SIGNALING (self), FALSE);

  return user != NULL && user_is_online (self, user);
}

guint
tr_signaling_get_n_sessions (TrSignaling *self)
{
  g_return_val_if_fail (TR_IS_SIGNALING (self), 0);

  return g_hash_table_size (self->sessions);
}

void
tr_signaling_shutdown (TrSignaling *self)
{
  GHashTableIter iter;
  gpointer       value;

  g_return_if_fail (TR_IS_SIGNALING (self));

  if (self->sessions == NULL)
    return;

  self->shutting_down = TRUE;

  /* End calls first so every party hears why, then drop the sessions. */
  while (g_hash_table_size (self->calls) > 0)
    {
      g_hash_table_iter_init (&iter, self->calls);
      if (!g_hash_table_iter_next (&iter, NULL, &value))
        break;
      call_end (self, value, TR_STATUS_CONNECTION_LOST, NULL);
    }
  while (g_hash_table_size (self->transfers) > 0)
    {
      g_hash_table_iter_init (&iter, self->transfers);
      if (!g_hash_table_iter_next (&iter, NULL, &value))
        break;
      transfer_fail (self, value, TR_STATUS_INTERNAL);
    }
  /* The sessions go once their close handshakes finish (or at dispose). */
  g_hash_table_iter_init (&iter, self->sessions);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    tr_session_close (value, SOUP_WEBSOCKET_CLOSE_GOING_AWAY, "server shutting down");
  if (self->store != NULL)
    tr_store_flush (self->store);
}

static Call *
line_call (TrSignaling *self, TrServiceLine *line, const char *call_id)
{
  Call *call = call_id ? g_hash_table_lookup (self->calls, call_id) : NULL;

  if (call == NULL || call->callee_line != line)
    return NULL;
  return call;
}

void
tr_signaling_line_reject (TrSignaling *self, TrServiceLine *line, const char *call_id,
                          TrStatus status)
{
  Call *call;

  g_return_if_fail (TR_IS_SIGNALING (self));

  call = line_call (self, line, call_id);
  if (call == NULL || call->state != CALL_RINGING)
    return;
  call_end (self, call, status, tr_service_line_get_id (line));
}

void
tr_signaling_line_accept (TrSignaling *self, TrServiceLine *line, const char *call_id)
{
  Call *call;

  g_return_if_fail (TR_IS_SIGNALING (self));

  call = line_call (self, line, call_id);
  if (call == NULL || call->state != CALL_RINGING)
    return;

  call_connect (self, call, NULL);
  {
    g_autoptr (TrMessage) accepted = call_event_new (self, TR_EV_CALL_ACCEPTED, call);

    send_to_caller (call, accepted);
  }
  if (call->fulfils != NULL)
    transfer_succeed (self, call->fulfils);
}

void
tr_signaling_line_signal (TrSignaling *self, TrServiceLine *line, const char *call_id,
                          JsonObject *payload)
{
  g_autoptr (TrMessage) event = NULL;
  Call *call;

  g_return_if_fail (TR_IS_SIGNALING (self));

  call = line_call (self, line, call_id);
  if (call == NULL || payload == NULL)
    return;
  event = tr_message_new (TR_EV_CALL_SIGNAL);
  tr_message_set_string (event, "call", call->id);
  tr_message_set_string (event, "from", call->callee);
  tr_message_take_object (event, "payload", json_object_ref (payload));
  send_to_caller (call, event);
}

const char *
tr_signaling_line_get_caller (TrSignaling *self, TrServiceLine *line, const char *call_id)
{
  Call *call;

  g_return_val_if_fail (TR_IS_SIGNALING (self), NULL);

  call = line_call (self, line, call_id);
  return call ? call->caller : NULL;
}

const char *
tr_signaling_line_get_callee (TrSignaling *self, TrServiceLine *line, const char *call_id)
{
  Call *call;

  g_return_val_if_fail (TR_IS_SIGNALING (self), NULL);

  call = line_call (self, line, call_id);
  return call ? call->callee : NULL;
}

void
tr_signaling_line_hang_up (TrSignaling *self, TrServiceLine *line, const char *call_id)
{
  Call *call;

  g_return_if_fail (TR_IS_SIGNALING (self));

  call = line_call (self, line, call_id);
  if (call == NULL)
    return;
  call_end (self, call, call->state == CALL_CONNECTED ? TR_STATUS_HANGUP : TR_STATUS_DECLINED,
            tr_service_line_get_id (line));
}
