/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "TrCallAgent"

#include "config.h"

#include <libsoup/soup.h>

#include "tr-call-agent-private.h"
#include "tr-call-private.h"
#include "tr-call-record-private.h"
#include "tr-call-transfer-private.h"
#include "tr-directory-entry-private.h"
#include "tr-enum-types.h"
#include "tr-identifier.h"
#include "tr-incoming-call-private.h"
#include "tr-media-session.h"
#include "tr-protocol.h"
#include "tr-token.h"
#include "tr-token-credential.h"
#include "tr-transfer-private.h"
#include "tr-util-private.h"
#include "tr-voicemail-box-private.h"

/* Events for call ids we do not know yet (a reply still in flight) are kept this many. */
#define MAX_EARLY_EVENTS 64

enum {
  PROP_0,
  PROP_CONNECTION_STATE,
  PROP_DISCONNECT_REASON,
  PROP_RECONNECT_ATTEMPT,
  PROP_IDENTIFIER,
  PROP_DISPLAY_NAME,
  PROP_SERVER_URI,
  PROP_CREDENTIAL,
  PROP_CALLS,
  PROP_INCOMING_CALLS,
  N_PROPS
};

enum {
  CONNECTION_STATE_CHANGED,
  INCOMING_CALL,
  N_SIGNALS
};

static GParamSpec *props[N_PROPS];
static guint signals[N_SIGNALS];

typedef struct
{
  TrCallAgent *agent;   /* not owned */
  char        *id;
  GTask        *task;
  TrMessageType type;
  guint         timeout_source;
  GSource      *cancel_source;
} PendingRequest;

struct _TrCallAgent
{
  GObject                  parent_instance;

  char                    *server_uri;
  TrTokenCredential       *credential;
  TrCallAgentOptions      *options;

  TrConnectionState        state;
  TrDisconnectReason       reason;
  guint                    reconnect_attempt;
  TrIdentifier            *identifier;
  char                    *display_name;

  SoupSession             *session;
  SoupWebsocketConnection *ws;
  GCancellable            *connect_cancellable;   /* the connection attempt in flight */
  guint                    connect_timeout_source;
  gboolean                 connect_timed_out;
  guint                    reconnect_source;
  gboolean                 welcomed;
  gboolean                 stopped;               /* disconnected on purpose */
  gboolean                 probing;               /* gave up: CONNECTION_ISSUE, probing */
  gboolean                 auto_refreshed;        /* refreshed once after INVALID_TOKEN */
  GTask                   *connect_task;          /* the first connection */

  guint                    next_request_id;
  GHashTable              *pending;               /* id → PendingRequest */

  GListStore              *calls;
  GListStore              *incoming_calls;
  GHashTable              *transfers;             /* id → TrTransfer */
  GPtrArray               *early_events;          /* TrMessage for unknown call ids */

  TrDeviceManager         *devices;
  TrMediaConfig           *media_config;          /* NULL: no media (options' no_media) */
  TrVoicemailBox          *voicemail_box;
};

G_DEFINE_FINAL_TYPE (TrCallAgent, tr_call_agent, G_TYPE_OBJECT)

static void start_connection (TrCallAgent *self);
static void connection_lost (TrCallAgent *self, gboolean invalid_token, const GError *error);

/* The connection-state machine. */

static gboolean
connection_state_can_transition (TrConnectionState  from,
                                 TrDisconnectReason from_reason,
                                 TrConnectionState  to,
                                 TrDisconnectReason to_reason)
{
  switch (from)
    {
    case TR_CONNECTION_STATE_DISCONNECTED:
      /* Probing may succeed directly; a reason may change (e.g. probing meets a 401). */
      return to != TR_CONNECTION_STATE_DISCONNECTED || from_reason != to_reason;
    case TR_CONNECTION_STATE_CONNECTING:
      return to != TR_CONNECTION_STATE_CONNECTING;
    case TR_CONNECTION_STATE_CONNECTED:
      return to != TR_CONNECTION_STATE_CONNECTED;
    default:
      return FALSE;
    }
}

static void
set_connection_state (TrCallAgent        *self,
                      TrConnectionState   state,
                      TrDisconnectReason  reason)
{
  TrConnectionState old_state = self->state;
  TrDisconnectReason old_reason = self->reason;

  if (state != TR_CONNECTION_STATE_DISCONNECTED)
    reason = TR_DISCONNECT_REASON_NONE;

  if (!connection_state_can_transition (old_state, old_reason, state, reason))
    return;

  g_object_ref (self);
  g_object_freeze_notify (G_OBJECT (self));

  self->state = state;
  self->reason = reason;
  if (state != old_state)
    g_object_notify_by_pspec (G_OBJECT (self), props[PROP_CONNECTION_STATE]);
  if (reason != old_reason)
    g_object_notify_by_pspec (G_OBJECT (self), props[PROP_DISCONNECT_REASON]);

  g_object_thaw_notify (G_OBJECT (self));

  g_debug ("Connection: %d → %d (reason %d)", old_state, state, reason);
  g_signal_emit (self, signals[CONNECTION_STATE_CHANGED], 0, state, old_state, reason);
  g_object_unref (self);
}

static void
set_reconnect_attempt (TrCallAgent *self,
                       guint        attempt)
{
  if (self->reconnect_attempt == attempt)
    return;

  self->reconnect_attempt = attempt;
  g_object_notify_by_pspec (G_OBJECT (self), props[PROP_RECONNECT_ATTEMPT]);
}

/* Pending requests. */

static void
pending_request_free (PendingRequest *pending)
{
  g_clear_handle_id (&pending->timeout_source, g_source_remove);
  if (pending->cancel_source != NULL)
    {
      g_source_destroy (pending->cancel_source);
      g_clear_pointer (&pending->cancel_source, g_source_unref);
    }
  g_clear_object (&pending->task);
  g_free (pending->id);
  g_free (pending);
}

static void
fail_pending_requests (TrCallAgent *self,
                       GQuark       domain,
                       int          code,
                       const char  *message)
{
  g_autoptr(GHashTable) pending = g_steal_pointer (&self->pending);
  GHashTableIter iter;
  PendingRequest *request;

  self->pending = g_hash_table_new_full (g_str_hash, g_str_equal, NULL,
                                         (GDestroyNotify) pending_request_free);

  g_hash_table_iter_init (&iter, pending);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &request))
    {
      GTask *task = g_steal_pointer (&request->task);

      g_task_return_new_error (task, domain, code, "%s", message);
      g_object_unref (task);
    }
}

static gboolean
request_timeout_cb (gpointer user_data)
{
  PendingRequest *request = user_data;
  TrCallAgent *self = request->agent;
  GTask *task = g_steal_pointer (&request->task);

  request->timeout_source = 0;
  g_hash_table_remove (self->pending, request->id);

  g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_TIMED_OUT, "No reply from the server");
  g_object_unref (task);

  return G_SOURCE_REMOVE;
}

static gboolean
request_cancelled_cb (GCancellable *cancellable,
                      gpointer      user_data)
{
  PendingRequest *request = user_data;
  TrCallAgent *self = request->agent;
  GTask *task = g_steal_pointer (&request->task);

  /* The reply, should it come, is dropped as one to an unknown request. */
  g_hash_table_remove (self->pending, request->id);

  g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_CANCELLED, "The request was cancelled");
  g_object_unref (task);

  return G_SOURCE_REMOVE;
}

TrMessage *
_tr_call_agent_new_request (TrCallAgent   *self,
                            TrMessageType  type)
{
  g_autofree char *id = NULL;

  g_return_val_if_fail (TR_IS_CALL_AGENT (self), NULL);

  id = g_strdup_printf ("r%u", ++self->next_request_id);
  return tr_message_new_request (type, id);
}

void
_tr_call_agent_request_async (TrCallAgent        *self,
                              TrMessage          *request,
                              GCancellable       *cancellable,
                              GAsyncReadyCallback callback,
                              gpointer            user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  PendingRequest *pending;
  gsize length;

  g_return_if_fail (TR_IS_CALL_AGENT (self));
  g_return_if_fail (request != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, _tr_call_agent_request_async);

  if (g_task_return_error_if_cancelled (task))
    return;

  if (self->ws == NULL || !self->welcomed
      || soup_websocket_connection_get_state (self->ws) != SOUP_WEBSOCKET_STATE_OPEN)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_NOT_CONNECTED,
                               "Not connected to the server");
      return;
    }

  if (!tr_message_validate (request, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  text = tr_message_to_string (request, &length);
  pending = g_new0 (PendingRequest, 1);
  pending->agent = self;
  pending->id = g_strdup (tr_message_get_id (request));
  pending->type = tr_message_get_message_type (request);
  pending->task = g_steal_pointer (&task);
  pending->timeout_source = g_timeout_add (self->options->request_timeout_ms,
                                           request_timeout_cb, pending);
  if (cancellable != NULL)
    {
      pending->cancel_source = g_cancellable_source_new (cancellable);
      g_source_set_callback (pending->cancel_source, G_SOURCE_FUNC (request_cancelled_cb),
                             pending, NULL);
      g_source_attach (pending->cancel_source, g_main_context_get_thread_default ());
    }
  g_hash_table_replace (self->pending, pending->id, pending);

  soup_websocket_connection_send_text (self->ws, text);
}

TrMessage *
_tr_call_agent_request_finish (TrCallAgent  *self,
                               GAsyncResult *result,
                               GError      **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
handle_reply (TrCallAgent *self,
              TrMessage   *reply)
{
  const char *id = tr_message_get_id (reply);
  g_autoptr(GError) error = NULL;
  PendingRequest *pending;
  TrMessageType type;
  GTask *task;

  if (id == NULL || (pending = g_hash_table_lookup (self->pending, id)) == NULL)
    {
      error = tr_message_reply_dup_error (reply);
      g_debug ("Reply to unknown request %s%s%s", id ? id : "(null)",
               error ? ": " : "", error ? error->message : "");
      return;
    }

  task = g_steal_pointer (&pending->task);
  type = pending->type;
  g_hash_table_remove (self->pending, id);

  if (!tr_message_reply_is_ok (reply))
    g_task_return_error (task, tr_message_reply_dup_error (reply));
  else if (!tr_message_reply_validate_result (reply, type, &error))
    {
      /* The model only ever sees results of the documented shape. */
      g_debug ("Malformed reply to %s: %s", tr_message_type_to_string (type), error->message);
      g_task_return_error (task, g_steal_pointer (&error));
    }
  else
    g_task_return_pointer (task, tr_message_ref (reply), (GDestroyNotify) tr_message_unref);

  g_object_unref (task);
}

/* Calls. */

static gboolean
find_call_by_id (TrCallAgent *self,
                 const char  *call_id,
                 guint       *position)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->calls));

  if (call_id == NULL)
    return FALSE;

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(TrCall) call = g_list_model_get_item (G_LIST_MODEL (self->calls), i);

      if (g_strcmp0 (tr_call_get_id (call), call_id) == 0)
        {
          if (position)
            *position = i;
          return TRUE;
        }
    }

  return FALSE;
}

TrCall *
tr_call_agent_find_call (TrCallAgent *self,
                         const char  *call_id)
{
  guint position;
  g_autoptr(TrCall) call = NULL;

  g_return_val_if_fail (TR_IS_CALL_AGENT (self), NULL);

  if (!find_call_by_id (self, call_id, &position))
    return NULL;

  call = g_list_model_get_item (G_LIST_MODEL (self->calls), position);
  return call; /* the store keeps it alive */
}

static TrIncomingCall *
find_incoming_call (TrCallAgent *self,
                    const char  *call_id,
                    guint       *position)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->incoming_calls));

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(TrIncomingCall) incoming =
        g_list_model_get_item (G_LIST_MODEL (self->incoming_calls), i);

      if (g_strcmp0 (tr_incoming_call_get_id (incoming), call_id) == 0)
        {
          if (position)
            *position = i;
          return incoming; /* the store keeps it alive */
        }
    }

  return NULL;
}

void
_tr_call_agent_add_call (TrCallAgent *self,
                         TrCall      *call)
{
  guint position;

  g_return_if_fail (TR_IS_CALL_AGENT (self));

  if (g_list_store_find (self->calls, call, &position))
    return;

  g_list_store_append (self->calls, call);
}

void
_tr_call_agent_remove_call (TrCallAgent *self,
                            TrCall      *call)
{
  guint position;

  g_return_if_fail (TR_IS_CALL_AGENT (self));

  if (g_list_store_find (self->calls, call, &position))
    g_list_store_remove (self->calls, position);
}

void
_tr_call_agent_remove_incoming_call (TrCallAgent    *self,
                                     TrIncomingCall *incoming)
{
  guint position;

  g_return_if_fail (TR_IS_CALL_AGENT (self));

  if (g_list_store_find (self->incoming_calls, incoming, &position))
    g_list_store_remove (self->incoming_calls, position);
}

void
_tr_call_agent_track_transfer (TrCallAgent *self,
                               TrTransfer  *transfer)
{
  g_return_if_fail (TR_IS_CALL_AGENT (self));
  g_return_if_fail (tr_transfer_get_id (transfer) != NULL);

  if (tr_transfer_get_state (transfer) == TR_TRANSFER_STATE_TRANSFERRING)
    g_hash_table_replace (self->transfers, g_strdup (tr_transfer_get_id (transfer)),
                          g_object_ref (transfer));
}

static void dispatch_event (TrCallAgent *self, TrMessage *event);

void
_tr_call_agent_bind_call_id (TrCallAgent *self,
                             TrCall      *call)
{
  g_autoptr(GPtrArray) replay = NULL;
  const char *call_id = tr_call_get_id (call);

  g_return_if_fail (TR_IS_CALL_AGENT (self));

  if (call_id == NULL || self->early_events->len == 0)
    return;

  replay = g_ptr_array_new_with_free_func ((GDestroyNotify) tr_message_unref);
  for (guint i = 0; i < self->early_events->len;)
    {
      TrMessage *event = g_ptr_array_index (self->early_events, i);

      /* "call" is an id, or a CallInfo (call.accepted) */
      const char *event_call_id = tr_message_get_string (event, "call");

      if (event_call_id == NULL)
        event_call_id = _tr_json_get_string (tr_message_get_member_object (event, "call"), "id");
      if (g_strcmp0 (event_call_id, call_id) == 0)
        g_ptr_array_add (replay, g_ptr_array_steal_index (self->early_events, i));
      else
        i++;
    }

  for (guint i = 0; i < replay->len; i++)
    {
      g_debug ("Replaying an early %s for call %s",
               tr_message_type_to_string (tr_message_get_message_type (g_ptr_array_index (replay, i))),
               call_id);
      dispatch_event (self, g_ptr_array_index (replay, i));
    }
}

static void
keep_early_event (TrCallAgent *self,
                  TrMessage   *event)
{
  if (self->early_events->len >= MAX_EARLY_EVENTS)
    g_ptr_array_remove_index (self->early_events, 0);
  g_ptr_array_add (self->early_events, tr_message_ref (event));
}

/* Ends calls, incoming calls and running transfers when the connection is gone. */
static void
end_everything (TrCallAgent *self,
                const char  *message)
{
  g_autoptr(TrCallEndReason) reason = tr_call_end_reason_new_from_status (TR_STATUS_CONNECTION_LOST,
                                                                          message);
  g_autoptr(GError) error = g_error_new_literal (TR_ERROR, TR_STATUS_CONNECTION_LOST, message);
  g_autoptr(GPtrArray) calls = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GPtrArray) incoming = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GHashTable) transfers = g_steal_pointer (&self->transfers);
  GHashTableIter iter;
  TrTransfer *transfer;

  self->transfers = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_object_unref);
  g_ptr_array_set_size (self->early_events, 0);

  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (self->calls)); i++)
    g_ptr_array_add (calls, g_list_model_get_item (G_LIST_MODEL (self->calls), i));
  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (self->incoming_calls)); i++)
    g_ptr_array_add (incoming, g_list_model_get_item (G_LIST_MODEL (self->incoming_calls), i));

  for (guint i = 0; i < calls->len; i++)
    _tr_call_end_with_reason (g_ptr_array_index (calls, i), reason);
  for (guint i = 0; i < incoming->len; i++)
    _tr_incoming_call_end (g_ptr_array_index (incoming, i), reason);

  g_hash_table_iter_init (&iter, transfers);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &transfer))
    _tr_transfer_set_state (transfer, TR_TRANSFER_STATE_FAILED, error);

  /* Whatever is still listed (calls that could not move) goes too. */
  g_list_store_remove_all (self->calls);
  g_list_store_remove_all (self->incoming_calls);
}

/* Events. */

static TrCall *
event_call (TrCallAgent *self,
            TrMessage   *event,
            const char  *member)
{
  const char *call_id = tr_message_get_string (event, member);

  return call_id ? tr_call_agent_find_call (self, call_id) : NULL;
}

static void
replacing_call_accepted_cb (GObject      *object,
                            GAsyncResult *result,
                            gpointer      user_data)
{
  g_autoptr(TrCall) call = NULL;
  g_autoptr(GError) error = NULL;

  call = tr_incoming_call_accept_finish (TR_INCOMING_CALL (object), result, &error);
  if (call == NULL)
    g_debug ("The replacing call could not be accepted: %s", error->message);
}

static void
handle_call_incoming (TrCallAgent *self,
                      TrMessage   *event)
{
  g_autoptr(TrIncomingCall) incoming = NULL;
  JsonObject *info = tr_message_get_member_object (event, "call");
  const char *id = _tr_json_get_string (info, "id");

  if (id == NULL || find_incoming_call (self, id, NULL) != NULL || find_call_by_id (self, id, NULL))
    return;

  incoming = _tr_incoming_call_new (self, info);
  if (incoming == NULL)
    return;
  /* On demand: the key is made while it rings. */
  if (self->media_config != NULL)
    tr_media_prewarm ();

  if (_tr_json_get_string (info, "replaces") != NULL)
    {
      /* Attended transfer: the call replaces one the user already has (the server ends that
       * one 0/2 once this one is connected). Taken at once, without ringing: it is neither
       * listed in "incoming-calls" nor announced. One that names no call of ours is refused. */
      if (find_call_by_id (self, _tr_json_get_string (info, "replaces"), NULL))
        tr_incoming_call_accept_async (incoming, NULL, replacing_call_accepted_cb, NULL);
      else
        tr_incoming_call_reject_async (incoming, TR_REJECT_REASON_DECLINED, NULL, NULL, NULL);
      return;
    }

  g_list_store_append (self->incoming_calls, incoming);
  g_signal_emit (self, signals[INCOMING_CALL], 0, incoming);
}

static void
handle_call_ended (TrCallAgent *self,
                   TrMessage   *event)
{
  JsonObject *reason_object = tr_message_get_member_object (event, "reason");
  const char *call_id = tr_message_get_string (event, "call");
  g_autoptr(TrCallEndReason) reason = NULL;
  TrIncomingCall *incoming;
  TrCall *call;

  reason = tr_call_end_reason_new (_tr_json_get_int (reason_object, "code", 0),
                                   _tr_json_get_int (reason_object, "subcode", 0),
                                   _tr_json_get_string (reason_object, "message"));

  if ((call = event_call (self, event, "call")) != NULL)
    {
      _tr_call_end_with_reason (call, reason);
      return;
    }

  if (call_id != NULL && (incoming = find_incoming_call (self, call_id, NULL)) != NULL)
    {
      _tr_incoming_call_end (incoming, reason);
      return;
    }

  keep_early_event (self, event);
}

static void
handle_transfer_state (TrCallAgent *self,
                       TrMessage   *event)
{
  JsonObject *info = tr_message_get_member_object (event, "transfer");
  const char *id = _tr_json_get_string (info, "id");
  TrTransfer *transfer;

  if (id == NULL || (transfer = g_hash_table_lookup (self->transfers, id)) == NULL)
    {
      g_debug ("transfer.state for unknown transfer %s", id ? id : "(null)");
      return;
    }

  g_object_ref (transfer);
  _tr_transfer_update_from_info (transfer, info);
  if (tr_transfer_get_state (transfer) != TR_TRANSFER_STATE_TRANSFERRING)
    g_hash_table_remove (self->transfers, id);
  g_object_unref (transfer);
}

static void
dispatch_event (TrCallAgent *self,
                TrMessage   *event)
{
  TrCall *call;

  switch ((int) tr_message_get_message_type (event))
    {
    case TR_EV_CALL_INCOMING:
      handle_call_incoming (self, event);
      break;

    case TR_EV_CALL_RINGING:
      if ((call = event_call (self, event, "call")) != NULL)
        {
          if (tr_call_get_state (call) == TR_CALL_STATE_CONNECTING)
            _tr_call_set_state (call, TR_CALL_STATE_RINGING, NULL);
        }
      else
        keep_early_event (self, event);
      break;

    case TR_EV_CALL_FORWARDED:
      if ((call = event_call (self, event, "call")) != NULL)
        {
          JsonObject *to = tr_message_get_member_object (event, "to");
          g_autoptr(TrIdentifier) id = _tr_identifier_new_from_party (to);

          _tr_call_set_remote (call, id, _tr_json_get_string (to, "display_name"));
          /* A new callee rings (unanswered rule): it has not seen our offer. */
          if (tr_call_get_direction (call) == TR_CALL_DIRECTION_OUTGOING)
            tr_media_session_restart (_tr_call_get_media_session (call));
        }
      else
        keep_early_event (self, event);
      break;

    case TR_EV_CALL_ACCEPTED:
      {
        JsonObject *info = tr_message_get_member_object (event, "call");
        const char *call_id = _tr_json_get_string (info, "id");

        if ((call = tr_call_agent_find_call (self, call_id)) != NULL)
          _tr_call_apply_info (call, info);
        else if (call_id != NULL && find_incoming_call (self, call_id, NULL) == NULL)
          keep_early_event (self, event);
        /* For an incoming call ringing here, another session took it: call.ended follows. */
      }
      break;

    case TR_EV_CALL_HOLD_CHANGED:
      if ((call = event_call (self, event, "call")) != NULL)
        _tr_call_apply_hold (call, tr_message_get_member_object (event, "hold"));
      else
        keep_early_event (self, event);
      break;

    case TR_EV_CALL_ENDED:
      handle_call_ended (self, event);
      break;

    case TR_EV_CALL_SIGNAL:
      {
        const char *call_id = tr_message_get_string (event, "call");
        JsonObject *payload = tr_message_get_member_object (event, "payload");
        TrIncomingCall *incoming;

        if ((call = event_call (self, event, "call")) != NULL)
          tr_media_session_handle_signal (_tr_call_get_media_session (call), payload);
        else if (call_id != NULL && (incoming = find_incoming_call (self, call_id, NULL)) != NULL)
          _tr_incoming_call_keep_signal (incoming, payload);   /* the offer, while ringing */
        else
          keep_early_event (self, event);
      }
      break;

    case TR_EV_CALL_DTMF:
      if ((call = event_call (self, event, "call")) != NULL)
        _tr_call_emit_dtmf (call, tr_message_get_string (event, "digits"));
      break;

    case TR_EV_TRANSFER_REQUEST:
      if ((call = event_call (self, event, "call")) != NULL)
        _tr_call_transfer_handle_request (tr_call_get_transfer (call), event);
      else
        g_debug ("transfer.request for unknown call %s", tr_message_get_string (event, "call"));
      break;

    case TR_EV_TRANSFER_STATE:
      handle_transfer_state (self, event);
      break;

    case TR_EV_VOICEMAIL_NEW:
      _tr_voicemail_box_handle_new (self->voicemail_box, event);
      break;

    case TR_EV_PRESENCE:
    default:
      break;
    }
}

/* `welcome.ice_servers` → the media configuration of calls (tr_media_config_set_ice_servers). */
static void
apply_ice_servers (TrCallAgent *self,
                   JsonArray   *servers)
{
  if (self->media_config != NULL)
    tr_media_config_set_ice_servers (self->media_config, servers);
}

static void
handle_welcome (TrCallAgent *self,
                TrMessage   *welcome)
{
  JsonObject *user = tr_message_get_member_object (welcome, "user");
  g_autoptr(TrIdentifier) identifier = _tr_identifier_new_from_party (user);

  g_clear_handle_id (&self->connect_timeout_source, g_source_remove);
  g_clear_object (&self->connect_cancellable);
  self->welcomed = TRUE;
  self->probing = FALSE;
  self->auto_refreshed = FALSE;

  g_object_freeze_notify (G_OBJECT (self));
  if (identifier != NULL && !tr_identifier_equal (identifier, self->identifier))
    {
      g_clear_pointer (&self->identifier, tr_identifier_unref);
      self->identifier = g_steal_pointer (&identifier);
      g_object_notify_by_pspec (G_OBJECT (self), props[PROP_IDENTIFIER]);
    }
  if (_tr_set_str (&self->display_name, _tr_json_get_string (user, "display_name")))
    g_object_notify_by_pspec (G_OBJECT (self), props[PROP_DISPLAY_NAME]);
  set_reconnect_attempt (self, 0);
  g_object_thaw_notify (G_OBJECT (self));

  apply_ice_servers (self, tr_message_get_array (welcome, "ice_servers"));

  set_connection_state (self, TR_CONNECTION_STATE_CONNECTED, TR_DISCONNECT_REASON_NONE);
  _tr_voicemail_box_connected (self->voicemail_box);

  if (self->connect_task != NULL)
    {
      g_autoptr(GTask) task = g_steal_pointer (&self->connect_task);

      g_task_return_boolean (task, TRUE);
    }
}

static void
ws_message_cb (SoupWebsocketConnection *ws,
               SoupWebsocketDataType    type,
               GBytes                  *message,
               gpointer                 user_data)
{
  TrCallAgent *self = user_data;
  g_autoptr(TrMessage) msg = NULL;
  g_autoptr(GError) error = NULL;
  gconstpointer data;
  gsize length;

  if (type != SOUP_WEBSOCKET_DATA_TEXT)
    return;

  data = g_bytes_get_data (message, &length);
  msg = tr_message_parse (data, length, TR_DIRECTION_TO_CLIENT, NULL, &error);
  if (msg == NULL)
    {
      g_debug ("Ignoring a frame from the server: %s", error->message);
      return;
    }

  g_object_ref (self);

  if (!self->welcomed)
    {
      if (tr_message_get_message_type (msg) == TR_EV_WELCOME)
        handle_welcome (self, msg);
      else
        g_debug ("Ignoring %s before welcome",
                 tr_message_type_to_string (tr_message_get_message_type (msg)));
    }
  else if (tr_message_get_message_type (msg) == TR_MSG_REPLY)
    handle_reply (self, msg);
  else
    dispatch_event (self, msg);

  g_object_unref (self);
}

static void
ws_closed_cb (SoupWebsocketConnection *ws,
              gpointer                 user_data)
{
  TrCallAgent *self = user_data;
  gushort code = soup_websocket_connection_get_close_code (ws);
  const char *data = soup_websocket_connection_get_close_data (ws);
  g_autoptr(GError) error = NULL;

  g_debug ("Connection closed: %u %s", code, data ? data : "");
  error = g_error_new (G_IO_ERROR, G_IO_ERROR_CONNECTION_CLOSED,
                       "The server closed the connection (%u%s%s)", code,
                       data && *data ? ": " : "", data ? data : "");
  connection_lost (self, code == TR_CLOSE_TOKEN_EXPIRED, error);
}

static void
ws_error_cb (SoupWebsocketConnection *ws,
             GError                  *error,
             gpointer                 user_data)
{
  g_debug ("Connection error: %s", error->message);
}

static void
drop_websocket (TrCallAgent *self)
{
  g_autoptr(SoupWebsocketConnection) ws = g_steal_pointer (&self->ws);

  if (ws == NULL)
    return;

  g_signal_handlers_disconnect_by_data (ws, self);
  if (soup_websocket_connection_get_state (ws) == SOUP_WEBSOCKET_STATE_OPEN)
    soup_websocket_connection_close (ws, SOUP_WEBSOCKET_CLOSE_NORMAL, NULL);
}

/* Connecting and reconnecting. */

static gboolean
reconnect_timeout_cb (gpointer user_data)
{
  TrCallAgent *self = user_data;

  self->reconnect_source = 0;
  start_connection (self);

  return G_SOURCE_REMOVE;
}

static void
schedule_reconnect (TrCallAgent *self)
{
  guint delay;
  guint attempt = self->reconnect_attempt + 1;

  g_clear_handle_id (&self->reconnect_source, g_source_remove);

  if (self->probing || attempt > self->options->reconnect_max_attempts)
    {
      self->probing = TRUE;
      delay = self->options->reconnect_max_delay_ms;
      set_connection_state (self, TR_CONNECTION_STATE_DISCONNECTED,
                            TR_DISCONNECT_REASON_CONNECTION_ISSUE);
    }
  else
    {
      delay = tr_backoff_compute_delay (attempt, self->options->reconnect_base_delay_ms,
                                        self->options->reconnect_max_delay_ms,
                                        g_random_double ());
      set_reconnect_attempt (self, attempt);
      set_connection_state (self, TR_CONNECTION_STATE_CONNECTING, TR_DISCONNECT_REASON_NONE);
    }

  g_debug ("Reconnecting in %u ms (attempt %u%s)", delay, attempt,
           self->probing ? ", probing" : "");
  /* No reference: dispose removes the source. */
  self->reconnect_source = g_timeout_add (delay, reconnect_timeout_cb, self);
}

static void
connection_lost (TrCallAgent  *self,
                 gboolean      invalid_token,
                 const GError *error)
{
  gboolean was_welcomed = self->welcomed;

  g_object_ref (self);

  drop_websocket (self);
  g_clear_handle_id (&self->connect_timeout_source, g_source_remove);
  if (self->connect_cancellable != NULL)
    g_cancellable_cancel (self->connect_cancellable);
  g_clear_object (&self->connect_cancellable);
  self->welcomed = FALSE;

  fail_pending_requests (self, G_IO_ERROR, G_IO_ERROR_CONNECTION_CLOSED,
                         "The connection to the server was lost");

  if (self->connect_task != NULL)
    {
      /* The first connection is not retried: the caller learns why at once. */
      g_autoptr(GTask) task = g_steal_pointer (&self->connect_task);

      self->stopped = TRUE;
      set_connection_state (self, TR_CONNECTION_STATE_DISCONNECTED,
                            invalid_token ? TR_DISCONNECT_REASON_INVALID_TOKEN
                                          : TR_DISCONNECT_REASON_CONNECTION_ISSUE);
      g_task_return_error (task, g_error_copy (error));
    }
  else if (self->stopped)
    {
      set_connection_state (self, TR_CONNECTION_STATE_DISCONNECTED, TR_DISCONNECT_REASON_NONE);
    }
  else if (invalid_token)
    {
      g_clear_handle_id (&self->reconnect_source, g_source_remove);
      self->probing = FALSE;
      set_reconnect_attempt (self, 0);
      set_connection_state (self, TR_CONNECTION_STATE_DISCONNECTED,
                            TR_DISCONNECT_REASON_INVALID_TOKEN);
      /* One refresh, no loop: a new token (notify::token) reconnects; if the server rejects
       * that one too, we stay here until the app acts. */
      if (!self->auto_refreshed && tr_token_credential_has_refresher (self->credential))
        {
          self->auto_refreshed = TRUE;
          tr_token_credential_refresh_async (self->credential, NULL, NULL, NULL);
        }
    }
  else
    {
      schedule_reconnect (self);
    }

  /* After the connection state, so a UI sees why before the calls go. */
  if (was_welcomed)
    end_everything (self, "The connection to the server was lost");

  g_object_unref (self);
}

static gboolean
connect_timeout_cb (gpointer user_data)
{
  TrCallAgent *self = user_data;
  g_autoptr(GError) error = NULL;

  self->connect_timeout_source = 0;
  self->connect_timed_out = TRUE;

  if (self->connect_cancellable != NULL)
    g_cancellable_cancel (self->connect_cancellable);

  if (self->ws != NULL)
    {
      /* Upgraded but no welcome. */
      error = g_error_new_literal (G_IO_ERROR, G_IO_ERROR_TIMED_OUT,
                                   "The server did not welcome us in time");
      connection_lost (self, FALSE, error);
    }

  return G_SOURCE_REMOVE;
}

/* One connection attempt; the agent is not kept alive by it. */
typedef struct
{
  GWeakRef      agent;
  GCancellable *cancellable;
} ConnectAttempt;

static void
connect_attempt_free (ConnectAttempt *attempt)
{
  g_weak_ref_clear (&attempt->agent);
  g_clear_object (&attempt->cancellable);
  g_free (attempt);
}

static char *
server_base_uri (const char *server_uri)
{
  char *base;

  if (g_str_has_prefix (server_uri, "ws://"))
    base = g_strconcat ("http://", server_uri + strlen ("ws://"), NULL);
  else if (g_str_has_prefix (server_uri, "wss://"))
    base = g_strconcat ("https://", server_uri + strlen ("wss://"), NULL);
  else
    base = g_strdup (server_uri);

  while (g_str_has_suffix (base, "/"))
    base[strlen (base) - 1] = '\0';

  return base;
}

SoupMessage *
_tr_call_agent_new_http_message (TrCallAgent *self,
                                 const char  *method,
                                 const char  *path)
{
  g_autofree char *base = server_base_uri (self->server_uri);
  g_autofree char *uri = g_strconcat (base, path, NULL);
  g_autofree char *authorization = NULL;
  SoupMessage *msg = soup_message_new (method, uri);

  if (msg == NULL)
    return NULL;

  /* The token goes in a header, never in the URL. */
  authorization = g_strconcat ("Bearer ", tr_token_credential_get_token (self->credential), NULL);
  soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization",
                                authorization);
  return msg;
}

/* The TR_ERROR of a 401: the server's Error body when there is one, else the token's expiry. */
static GError *
token_error_from_body (TrCallAgent *self,
                       GBytes      *body)
{
  g_autoptr(JsonObject) error_object = _tr_json_error_from_body (body);
  g_autoptr(TrTokenClaims) claims = NULL;

  if (error_object != NULL && _tr_json_get_int (error_object, "code", 0) == 401)
    return tr_error_new_from_json (error_object);

  claims = tr_token_decode_unverified (tr_token_credential_get_token (self->credential), NULL);
  if (claims != NULL && claims->exp <= g_get_real_time () / G_USEC_PER_SEC)
    return g_error_new_literal (TR_ERROR, TR_STATUS_TOKEN_EXPIRED, "The token has expired");

  return g_error_new_literal (TR_ERROR, TR_STATUS_TOKEN_INVALID, "The server rejected the token");
}

static void
token_error_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  ConnectAttempt *attempt = user_data;
  g_autoptr(TrCallAgent) self = g_weak_ref_get (&attempt->agent);
  g_autoptr(GBytes) body = NULL;
  g_autoptr(GError) error = NULL;
  gboolean current;

  body = soup_session_send_and_read_finish (SOUP_SESSION (object), result, NULL);

  current = self != NULL && attempt->cancellable == self->connect_cancellable
            && (!g_cancellable_is_cancelled (attempt->cancellable) || self->connect_timed_out);
  connect_attempt_free (attempt);
  if (!current)
    return;

  error = token_error_from_body (self, body);
  g_debug ("Connection attempt refused: %s", error->message);
  g_clear_object (&self->connect_cancellable);
  connection_lost (self, TRUE, error);
}

static void
lookup_token_error (TrCallAgent *self)
{
  g_autoptr(SoupMessage) msg = _tr_call_agent_new_http_message (self, "GET", "/v1/me");
  ConnectAttempt *attempt;

  if (msg == NULL)
    return; /* start_connection() has said so */
  attempt = g_new0 (ConnectAttempt, 1);
  g_weak_ref_init (&attempt->agent, self);
  attempt->cancellable = g_object_ref (self->connect_cancellable);

  soup_session_send_and_read_async (self->session, msg, G_PRIORITY_DEFAULT,
                                    self->connect_cancellable, token_error_cb, attempt);
}

static void
websocket_connect_cb (GObject      *object,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  ConnectAttempt *attempt = user_data;
  g_autoptr(TrCallAgent) self = g_weak_ref_get (&attempt->agent);
  g_autoptr(SoupWebsocketConnection) ws = NULL;
  g_autoptr(GError) error = NULL;
  SoupMessage *msg;
  gboolean current;

  msg = soup_session_get_async_result_message (SOUP_SESSION (object), result);
  ws = soup_session_websocket_connect_finish (SOUP_SESSION (object), result, &error);

  /* Superseded (disconnect, dispose) unless this is still the attempt in flight. */
  current = self != NULL && attempt->cancellable == self->connect_cancellable
            && (!g_cancellable_is_cancelled (attempt->cancellable) || self->connect_timed_out);
  connect_attempt_free (attempt);

  if (!current)
    {
      if (ws != NULL && soup_websocket_connection_get_state (ws) == SOUP_WEBSOCKET_STATE_OPEN)
        soup_websocket_connection_close (ws, SOUP_WEBSOCKET_CLOSE_NORMAL, NULL);
      return;
    }

  if (ws == NULL)
    {

      if (self->connect_timed_out)
        {
          g_clear_error (&error);
          error = g_error_new_literal (G_IO_ERROR, G_IO_ERROR_TIMED_OUT,
                                       "Connecting to the server timed out");
        }
      else if (msg != NULL && soup_message_get_status (msg) == SOUP_STATUS_UNAUTHORIZED)
        {
          /* The handshake's error body is out of reach: ask the REST API why. */
          lookup_token_error (self);
          return;
        }

      g_debug ("Connection attempt failed: %s", error->message);
      g_clear_object (&self->connect_cancellable);
      connection_lost (self, FALSE, error);
      return;
    }

  self->ws = g_steal_pointer (&ws);
  soup_websocket_connection_set_max_incoming_payload_size (self->ws, 4 * TR_PROTOCOL_MAX_FRAME);
  soup_websocket_connection_set_keepalive_interval (self->ws, self->options->keepalive_interval_s);
  g_signal_connect (self->ws, "message", G_CALLBACK (ws_message_cb), self);
  g_signal_connect (self->ws, "closed", G_CALLBACK (ws_closed_cb), self);
  g_signal_connect (self->ws, "error", G_CALLBACK (ws_error_cb), self);
  /* Now wait for welcome; the connect timeout still runs. */
}

static void
start_connection (TrCallAgent *self)
{
  static const char *protocols[] = { TR_PROTOCOL_SUBPROTOCOL, NULL };
  g_autoptr(SoupMessage) msg = NULL;
  ConnectAttempt *attempt;

  g_clear_handle_id (&self->reconnect_source, g_source_remove);

  if (self->connect_cancellable != NULL || self->ws != NULL)
    return; /* already connecting or connected */

  msg = _tr_call_agent_new_http_message (self, "GET", TR_PROTOCOL_SIGNALING_PATH);
  if (msg == NULL)
    {
      g_autoptr(GError) error = g_error_new (G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                                             "Not a server address: “%s”", self->server_uri);

      self->stopped = TRUE;
      connection_lost (self, FALSE, error);
      return;
    }

  if (self->state == TR_CONNECTION_STATE_DISCONNECTED && !self->probing)
    set_connection_state (self, TR_CONNECTION_STATE_CONNECTING, TR_DISCONNECT_REASON_NONE);

  self->connect_cancellable = g_cancellable_new ();
  self->connect_timed_out = FALSE;
  g_clear_handle_id (&self->connect_timeout_source, g_source_remove);
  self->connect_timeout_source = g_timeout_add (self->options->connect_timeout_ms,
                                                connect_timeout_cb, self);

  attempt = g_new0 (ConnectAttempt, 1);
  g_weak_ref_init (&attempt->agent, self);
  attempt->cancellable = g_object_ref (self->connect_cancellable);
  soup_session_websocket_connect_async (self->session, msg, NULL, (char **) protocols,
                                        G_PRIORITY_DEFAULT, self->connect_cancellable,
                                        websocket_connect_cb, attempt);
}

static void
session_refresh_cb (GObject      *object,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(TrMessage) reply = NULL;
  g_autoptr(GError) error = NULL;

  reply = _tr_call_agent_request_finish (TR_CALL_AGENT (object), result, &error);
  if (reply == NULL)
    g_message ("The server refused the refreshed token: %s", error->message);
  else
    g_debug ("Session refreshed");
}

static void
credential_token_changed_cb (TrCallAgent       *self,
                             GParamSpec        *pspec,
                             TrTokenCredential *credential)
{
  if (self->state == TR_CONNECTION_STATE_CONNECTED && self->welcomed)
    {
      g_autoptr(TrMessage) request = _tr_call_agent_new_request (self, TR_REQ_SESSION_REFRESH);

      tr_message_set_string (request, "token", tr_token_credential_get_token (credential));
      _tr_call_agent_request_async (self, request, NULL, session_refresh_cb, NULL);
    }
  else if (self->state == TR_CONNECTION_STATE_DISCONNECTED
           && self->reason == TR_DISCONNECT_REASON_INVALID_TOKEN)
    {
      tr_call_agent_reconnect_now (self);
    }
}

/* GObject. */

static void
tr_call_agent_get_property (GObject    *object,
                            guint       prop_id,
                            GValue     *value,
                            GParamSpec *pspec)
{
  TrCallAgent *self = TR_CALL_AGENT (object);

  switch (prop_id)
    {
    case PROP_CONNECTION_STATE:
      g_value_set_enum (value, self->state);
      break;
    case PROP_DISCONNECT_REASON:
      g_value_set_enum (value, self->reason);
      break;
    case PROP_RECONNECT_ATTEMPT:
      g_value_set_uint (value, self->reconnect_attempt);
      break;
    case PROP_IDENTIFIER:
      g_value_set_boxed (value, self->identifier);
      break;
    case PROP_DISPLAY_NAME:
      g_value_set_string (value, self->display_name);
      break;
    case PROP_SERVER_URI:
      g_value_set_string (value, self->server_uri);
      break;
    case PROP_CREDENTIAL:
      g_value_set_object (value, self->credential);
      break;
    case PROP_CALLS:
      g_value_set_object (value, self->calls);
      break;
    case PROP_INCOMING_CALLS:
      g_value_set_object (value, self->incoming_calls);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tr_call_agent_dispose (GObject *object)
{
  TrCallAgent *self = TR_CALL_AGENT (object);

  self->stopped = TRUE;
  g_clear_handle_id (&self->reconnect_source, g_source_remove);
  g_clear_handle_id (&self->connect_timeout_source, g_source_remove);
  if (self->connect_cancellable != NULL)
    g_cancellable_cancel (self->connect_cancellable);
  g_clear_object (&self->connect_cancellable);
  drop_websocket (self);

  if (self->connect_task != NULL)
    {
      g_autoptr(GTask) task = g_steal_pointer (&self->connect_task);

      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_CANCELLED, "The agent was disposed");
    }

  if (self->pending != NULL)
    fail_pending_requests (self, G_IO_ERROR, G_IO_ERROR_CANCELLED, "The agent was disposed");

  if (self->calls != NULL)
    g_list_store_remove_all (self->calls);
  if (self->incoming_calls != NULL)
    g_list_store_remove_all (self->incoming_calls);
  if (self->transfers != NULL)
    g_hash_table_remove_all (self->transfers);
  if (self->early_events != NULL)
    g_ptr_array_set_size (self->early_events, 0);

  if (self->credential != NULL)
    g_signal_handlers_disconnect_by_data (self->credential, self);
  g_clear_object (&self->credential);
  if (self->session != NULL)
    soup_session_abort (self->session);
  g_clear_object (&self->session);

  G_OBJECT_CLASS (tr_call_agent_parent_class)->dispose (object);
}

static void
tr_call_agent_finalize (GObject *object)
{
  TrCallAgent *self = TR_CALL_AGENT (object);

  g_free (self->server_uri);
  g_clear_pointer (&self->options, tr_call_agent_options_free);
  g_clear_pointer (&self->identifier, tr_identifier_unref);
  g_free (self->display_name);
  g_clear_pointer (&self->pending, g_hash_table_unref);
  g_clear_object (&self->calls);
  g_clear_object (&self->incoming_calls);
  g_clear_object (&self->voicemail_box);
  g_clear_pointer (&self->transfers, g_hash_table_unref);
  g_clear_pointer (&self->early_events, g_ptr_array_unref);
  g_clear_object (&self->devices);
  g_clear_pointer (&self->media_config, tr_media_config_free);

  G_OBJECT_CLASS (tr_call_agent_parent_class)->finalize (object);
}

static void
tr_call_agent_class_init (TrCallAgentClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags flags = G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY;

  object_class->get_property = tr_call_agent_get_property;
  object_class->dispose = tr_call_agent_dispose;
  object_class->finalize = tr_call_agent_finalize;

  props[PROP_CONNECTION_STATE] =
    g_param_spec_enum ("connection-state", NULL, NULL, TR_TYPE_CONNECTION_STATE,
                       TR_CONNECTION_STATE_DISCONNECTED, flags);
  props[PROP_DISCONNECT_REASON] =
    g_param_spec_enum ("disconnect-reason", NULL, NULL, TR_TYPE_DISCONNECT_REASON,
                       TR_DISCONNECT_REASON_NONE, flags);
  props[PROP_RECONNECT_ATTEMPT] =
    g_param_spec_uint ("reconnect-attempt", NULL, NULL, 0, G_MAXUINT, 0, flags);
  props[PROP_IDENTIFIER] =
    g_param_spec_boxed ("identifier", NULL, NULL, TR_TYPE_IDENTIFIER, flags);
  props[PROP_DISPLAY_NAME] =
    g_param_spec_string ("display-name", NULL, NULL, NULL, flags);
  props[PROP_SERVER_URI] =
    g_param_spec_string ("server-uri", NULL, NULL, NULL, flags);
  props[PROP_CREDENTIAL] =
    g_param_spec_object ("credential", NULL, NULL, TR_TYPE_TOKEN_CREDENTIAL, flags);
  props[PROP_CALLS] =
    g_param_spec_object ("calls", NULL, NULL, G_TYPE_LIST_MODEL, flags);
  props[PROP_INCOMING_CALLS] =
    g_param_spec_object ("incoming-calls", NULL, NULL, G_TYPE_LIST_MODEL, flags);

  g_object_class_install_properties (object_class, N_PROPS, props);

  /**
   * TrCallAgent::connection-state-changed:
   * @self: the agent
   * @new_state: the #TrConnectionState now
   * @old_state: the one before
   * @reason: the #TrDisconnectReason now (NONE unless DISCONNECTED)
   */
  signals[CONNECTION_STATE_CHANGED] =
    g_signal_new ("connection-state-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 3,
                  TR_TYPE_CONNECTION_STATE, TR_TYPE_CONNECTION_STATE, TR_TYPE_DISCONNECT_REASON);

  /**
   * TrCallAgent::incoming-call:
   * @self: the agent
   * @incoming_call: the #TrIncomingCall ringing here
   */
  signals[INCOMING_CALL] =
    g_signal_new ("incoming-call", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 1, TR_TYPE_INCOMING_CALL);
}

static void
tr_call_agent_init (TrCallAgent *self)
{
  self->pending = g_hash_table_new_full (g_str_hash, g_str_equal, NULL,
                                         (GDestroyNotify) pending_request_free);
  self->calls = g_list_store_new (TR_TYPE_CALL);
  self->voicemail_box = _tr_voicemail_box_new (self);
  self->incoming_calls = g_list_store_new (TR_TYPE_INCOMING_CALL);
  self->transfers = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_object_unref);
  self->early_events = g_ptr_array_new_with_free_func ((GDestroyNotify) tr_message_unref);
}

TrCallAgent *
_tr_call_agent_new (const char               *server_uri,
                    TrTokenCredential        *credential,
                    const TrCallAgentOptions *options)
{
  TrCallAgent *self = g_object_new (TR_TYPE_CALL_AGENT, NULL);

  self->server_uri = g_strdup (server_uri);
  self->credential = g_object_ref (credential);
  self->options = options ? tr_call_agent_options_copy (options) : tr_call_agent_options_new ();
  if (self->options->reconnect_base_delay_ms == 0)
    self->options->reconnect_base_delay_ms = 1;
  if (self->options->reconnect_max_delay_ms < self->options->reconnect_base_delay_ms)
    self->options->reconnect_max_delay_ms = self->options->reconnect_base_delay_ms;
  if (self->options->request_timeout_ms == 0)
    self->options->request_timeout_ms = 15000;
  if (self->options->connect_timeout_ms == 0)
    self->options->connect_timeout_ms = 10000;

  if (g_strcmp0 (g_getenv ("TRANSFER_ICE_LOOPBACK"), "1") == 0)
    self->options->ice_loopback = TRUE;
  if (g_strcmp0 (g_getenv ("TRANSFER_MEDIA"), "0") == 0)
    self->options->no_media = TRUE;
  if (!self->options->no_media)
    {
      self->media_config = g_new0 (TrMediaConfig, 1);
      self->media_config->ice_loopback = self->options->ice_loopback;
      self->media_config->microphone = g_strdup (self->options->microphone);
      self->media_config->speaker = g_strdup (self->options->speaker);
      self->media_config->camera = g_strdup (self->options->camera);
      if (!self->options->media_on_demand)
        tr_media_prewarm ();
    }

  self->session = soup_session_new_with_options ("user-agent", "transfer/" PACKAGE_VERSION, NULL);
  self->identifier = tr_identifier_new_user (tr_token_credential_get_subject (credential)
                                             ? tr_token_credential_get_subject (credential) : "");

  g_signal_connect_object (credential, "notify::token",
                           G_CALLBACK (credential_token_changed_cb), self, G_CONNECT_SWAPPED);

  return self;
}

void
_tr_call_agent_connect_async (TrCallAgent        *self,
                              GCancellable       *cancellable,
                              GAsyncReadyCallback callback,
                              gpointer            user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (TR_IS_CALL_AGENT (self));
  g_return_if_fail (self->connect_task == NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, _tr_call_agent_connect_async);
  self->connect_task = g_steal_pointer (&task);
  self->stopped = FALSE;

  start_connection (self);
}

gboolean
_tr_call_agent_connect_finish (TrCallAgent  *self,
                               GAsyncResult *result,
                               GError      **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/* Public API. */

TrConnectionState
tr_call_agent_get_connection_state (TrCallAgent *self)
{
  g_return_val_if_fail (TR_IS_CALL_AGENT (self), TR_CONNECTION_STATE_DISCONNECTED);
  return self->state;
}

TrDisconnectReason
tr_call_agent_get_disconnect_reason (TrCallAgent *self)
{
  g_return_val_if_fail (TR_IS_CALL_AGENT (self), TR_DISCONNECT_REASON_NONE);
  return self->reason;
}

guint
tr_call_agent_get_reconnect_attempt (TrCallAgent *self)
{
  g_return_val_if_fail (TR_IS_CALL_AGENT (self), 0);
  return self->reconnect_attempt;
}

TrIdentifier *
tr_call_agent_get_identifier (TrCallAgent *self)
{
  g_return_val_if_fail (TR_IS_CALL_AGENT (self), NULL);
  return self->identifier;
}

const char *
tr_call_agent_get_display_name (TrCallAgent *self)
{
  g_return_val_if_fail (TR_IS_CALL_AGENT (self), NULL);
  return self->display_name;
}

const char *
tr_call_agent_get_server_uri (TrCallAgent *self)
{
  g_return_val_if_fail (TR_IS_CALL_AGENT (self), NULL);
  return self->server_uri;
}

TrTokenCredential *
tr_call_agent_get_credential (TrCallAgent *self)
{
  g_return_val_if_fail (TR_IS_CALL_AGENT (self), NULL);
  return self->credential;
}

GListModel *
tr_call_agent_get_calls (TrCallAgent *self)
{
  g_return_val_if_fail (TR_IS_CALL_AGENT (self), NULL);
  return G_LIST_MODEL (self->calls);
}

GListModel *
tr_call_agent_get_incoming_calls (TrCallAgent *self)
{
  g_return_val_if_fail (TR_IS_CALL_AGENT (self), NULL);
  return G_LIST_MODEL (self->incoming_calls);
}

TrVoicemailBox *
tr_call_agent_get_voicemail_box (TrCallAgent *self)
{
  g_return_val_if_fail (TR_IS_CALL_AGENT (self), NULL);

  return self->voicemail_box;
}

void
tr_call_agent_reconnect_now (TrCallAgent *self)
{
  g_return_if_fail (TR_IS_CALL_AGENT (self));

  if (self->state == TR_CONNECTION_STATE_CONNECTED || self->connect_task != NULL)
    return;

  self->stopped = FALSE;
  self->probing = FALSE;
  g_clear_handle_id (&self->reconnect_source, g_source_remove);
  set_reconnect_attempt (self, 1);
  set_connection_state (self, TR_CONNECTION_STATE_CONNECTING, TR_DISCONNECT_REASON_NONE);
  start_connection (self);
}

void
tr_call_agent_disconnect (TrCallAgent *self)
{
  g_return_if_fail (TR_IS_CALL_AGENT (self));

  if (self->stopped && self->state == TR_CONNECTION_STATE_DISCONNECTED)
    return;

  self->stopped = TRUE;
  self->probing = FALSE;
  g_clear_handle_id (&self->reconnect_source, g_source_remove);
  set_reconnect_attempt (self, 0);

  {
    g_autoptr(GError) error = g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CANCELLED,
                                                   "Disconnected");
    connection_lost (self, FALSE, error);
  }
}

/* Placing calls. */

static void
place_call_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  TrCall *call = g_task_get_task_data (task);
  g_autoptr(TrMessage) reply = NULL;
  g_autoptr(GError) error = NULL;

  reply = _tr_call_agent_request_finish (TR_CALL_AGENT (object), result, &error);
  if (reply == NULL)
    {
      _tr_call_end_with_error (call, error);
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  _tr_call_apply_info (call, _tr_json_get_object (tr_message_reply_get_result (reply), "call"));
  g_task_return_pointer (task, g_object_ref (call), g_object_unref);
}

void
_tr_call_agent_place_call_async (TrCallAgent        *self,
                                 TrCall             *call,
                                 const char         *transfer_id,
                                 const char         *replaces,
                                 gboolean            voicemail,
                                 GCancellable       *cancellable,
                                 GAsyncReadyCallback callback,
                                 gpointer            user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(TrMessage) request = NULL;
  TrIdentifier *to = tr_call_get_remote_identifier (call);

  if (self->media_config != NULL)
    tr_media_prewarm ();   /* on demand: now, while the other side rings */

  g_return_if_fail (TR_IS_CALL_AGENT (self));
  g_return_if_fail (TR_IS_CALL (call));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, _tr_call_agent_place_call_async);
  g_task_set_task_data (task, g_object_ref (call), g_object_unref);

  _tr_call_set_state (call, TR_CALL_STATE_CONNECTING, NULL);
  _tr_call_agent_add_call (self, call);

  if (tr_identifier_get_kind (to) != TR_IDENTIFIER_KIND_USER)
    {
      g_autoptr(GError) error = g_error_new (TR_ERROR, TR_STATUS_INVALID_FIELD,
                                             "Not a user: “%s”", tr_identifier_to_string (to));

      _tr_call_end (call, TR_STATUS_INVALID_FIELD, error->message);
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  request = _tr_call_agent_new_request (self, TR_REQ_CALL_START);
  tr_message_set_string (request, "to", tr_identifier_get_raw_id (to));
  if (tr_call_get_video_enabled (call))
    tr_message_set_boolean (request, "video", TRUE);
  if (transfer_id != NULL)
    tr_message_set_string (request, "transfer", transfer_id);
  if (replaces != NULL)
    tr_message_set_string (request, "replaces", replaces);
  if (voicemail)
    tr_message_set_boolean (request, "voicemail", TRUE);

  _tr_call_agent_request_async (self, request, cancellable, place_call_cb, g_steal_pointer (&task));
}

TrCall *
_tr_call_agent_place_call_finish (TrCallAgent  *self,
                                  GAsyncResult *result,
                                  GError      **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
start_call_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;
  TrCall *call;

  call = _tr_call_agent_place_call_finish (TR_CALL_AGENT (object), result, &error);
  if (call == NULL)
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_pointer (task, call, g_object_unref);
}

void
tr_call_agent_start_call_async (TrCallAgent        *self,
                                TrIdentifier       *to,
                                gboolean            video,
                                GCancellable       *cancellable,
                                GAsyncReadyCallback callback,
                                gpointer            user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(TrCall) call = NULL;

  g_return_if_fail (TR_IS_CALL_AGENT (self));
  g_return_if_fail (to != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, tr_call_agent_start_call_async);

  call = _tr_call_new (self, TR_CALL_DIRECTION_OUTGOING, to, NULL, video);
  _tr_call_agent_place_call_async (self, call, NULL, NULL, FALSE, cancellable, start_call_cb,
                                   g_steal_pointer (&task));
}

void
tr_call_agent_start_call_to_voicemail_async (TrCallAgent        *self,
                                             TrIdentifier       *owner,
                                             GCancellable       *cancellable,
                                             GAsyncReadyCallback callback,
                                             gpointer            user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(TrCall) call = NULL;
  g_autoptr(TrIdentifier) own = NULL;

  g_return_if_fail (TR_IS_CALL_AGENT (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, tr_call_agent_start_call_to_voicemail_async);

  /* `call.start {to: "voicemail"}` is the caller's own mailbox. */
  if (owner == NULL)
    own = tr_identifier_new_user ("voicemail");
  call = _tr_call_new (self, TR_CALL_DIRECTION_OUTGOING, owner ? owner : own, NULL, FALSE);
  _tr_call_agent_place_call_async (self, call, NULL, NULL, owner != NULL, cancellable,
                                   start_call_cb, g_steal_pointer (&task));
}

TrCall *
tr_call_agent_start_call_finish (TrCallAgent  *self,
                                 GAsyncResult *result,
                                 GError      **error)
{
  g_return_val_if_fail (TR_IS_CALL_AGENT (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/* Directory, settings, records. */

typedef struct
{
  gpointer       (*parse) (JsonObject *result);
  GDestroyNotify free_value;
} ResultParser;

static void
simple_request_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  const ResultParser *parser = g_task_get_task_data (task);
  g_autoptr(TrMessage) reply = NULL;
  g_autoptr(GError) error = NULL;
  gpointer value;

  reply = _tr_call_agent_request_finish (TR_CALL_AGENT (object), result, &error);
  if (reply == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  value = parser->parse (tr_message_reply_get_result (reply));
  if (value == NULL)
    g_task_return_new_error (task, TR_ERROR, TR_STATUS_INTERNAL,
                             "The server's reply could not be read");
  else
    g_task_return_pointer (task, value, parser->free_value);
}

static void
simple_request (TrCallAgent        *self,
                TrMessage          *request,
                gpointer            source_tag,
                const ResultParser *parser,
                GCancellable       *cancellable,
                GAsyncReadyCallback callback,
                gpointer            user_data)
{
  GTask *task = g_task_new (self, cancellable, callback, user_data);

  g_task_set_source_tag (task, source_tag);
  g_task_set_task_data (task, (gpointer) parser, NULL);
  _tr_call_agent_request_async (self, request, cancellable, simple_request_cb, task);
}

static gpointer
parse_directory (JsonObject *result)
{
  JsonArray *users = _tr_json_get_array (result, "users");
  GListStore *store;

  if (users == NULL)
    return NULL;

  store = g_list_store_new (TR_TYPE_DIRECTORY_ENTRY);
  for (guint i = 0; i < json_array_get_length (users); i++)
    {
      JsonNode *node = json_array_get_element (users, i);
      g_autoptr(TrDirectoryEntry) entry = NULL;

      if (JSON_NODE_HOLDS_OBJECT (node)
          && (entry = _tr_directory_entry_new_from_json (json_node_get_object (node))) != NULL)
        g_list_store_append (store, entry);
    }

  return store;
}

static gpointer
parse_records (JsonObject *result)
{
  JsonArray *records = _tr_json_get_array (result, "records");
  GListStore *store;

  if (records == NULL)
    return NULL;

  store = g_list_store_new (TR_TYPE_CALL_RECORD);
  for (guint i = 0; i < json_array_get_length (records); i++)
    {
      JsonNode *node = json_array_get_element (records, i);
      g_autoptr(TrCallRecord) record = NULL;

      if (JSON_NODE_HOLDS_OBJECT (node)
          && (record = _tr_call_record_new_from_json (json_node_get_object (node))) != NULL)
        g_list_store_append (store, record);
    }

  return store;
}

static gpointer
parse_settings (JsonObject *result)
{
  JsonObject *object = _tr_json_get_object (result, "settings");
  TrCallSettings *settings;

  if (object == NULL)
    return NULL;

  settings = tr_call_settings_new ();
  tr_call_settings_set_forward_always (settings, _tr_json_get_string (object, "forward_always"));
  tr_call_settings_set_unanswered_target (settings,
                                          _tr_json_get_string (object, "unanswered_target"));
  tr_call_settings_set_ring_timeout (settings,
                                     _tr_json_get_int (object, "ring_timeout",
                                                       TR_PROTOCOL_DEFAULT_RING_TIMEOUT));
  return settings;
}

static const ResultParser directory_parser = { parse_directory, g_object_unref };
static const ResultParser records_parser = { parse_records, g_object_unref };
static const ResultParser settings_parser = { parse_settings,
                                              (GDestroyNotify) tr_call_settings_free };

void
tr_call_agent_list_directory_async (TrCallAgent        *self,
                                    GCancellable       *cancellable,
                                    GAsyncReadyCallback callback,
                                    gpointer            user_data)
{
  g_autoptr(TrMessage) request = NULL;

  g_return_if_fail (TR_IS_CALL_AGENT (self));

  request = _tr_call_agent_new_request (self, TR_REQ_DIRECTORY_LIST);
  simple_request (self, request, tr_call_agent_list_directory_async, &directory_parser,
                  cancellable, callback, user_data);
}

GListModel *
tr_call_agent_list_directory_finish (TrCallAgent  *self,
                                     GAsyncResult *result,
                                     GError      **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

void
tr_call_agent_get_settings_async (TrCallAgent        *self,
                                  GCancellable       *cancellable,
                                  GAsyncReadyCallback callback,
                                  gpointer            user_data)
{
  g_autoptr(TrMessage) request = NULL;

  g_return_if_fail (TR_IS_CALL_AGENT (self));

  request = _tr_call_agent_new_request (self, TR_REQ_SETTINGS_GET);
  simple_request (self, request, tr_call_agent_get_settings_async, &settings_parser,
                  cancellable, callback, user_data);
}

TrCallSettings *
tr_call_agent_get_settings_finish (TrCallAgent  *self,
                                   GAsyncResult *result,
                                   GError      **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

void
tr_call_agent_set_settings_async (TrCallAgent          *self,
                                  const TrCallSettings *settings,
                                  GCancellable         *cancellable,
                                  GAsyncReadyCallback   callback,
                                  gpointer              user_data)
{
  g_autoptr(TrMessage) request = NULL;
  JsonObject *object;

  g_return_if_fail (TR_IS_CALL_AGENT (self));
  g_return_if_fail (settings != NULL);

  object = json_object_new ();
  if (settings->fields & TR_CALL_SETTINGS_FIELD_FORWARD_ALWAYS)
    {
      if (settings->forward_always != NULL)
        json_object_set_string_member (object, "forward_always", settings->forward_always);
      else
        json_object_set_null_member (object, "forward_always");
    }
  if (settings->fields & TR_CALL_SETTINGS_FIELD_UNANSWERED_TARGET)
    {
      if (settings->unanswered_target != NULL)
        json_object_set_string_member (object, "unanswered_target", settings->unanswered_target);
      else
        json_object_set_null_member (object, "unanswered_target");
    }
  if (settings->fields & TR_CALL_SETTINGS_FIELD_RING_TIMEOUT)
    json_object_set_int_member (object, "ring_timeout", settings->ring_timeout);

  request = _tr_call_agent_new_request (self, TR_REQ_SETTINGS_SET);
  tr_message_take_object (request, "settings", object);
  simple_request (self, request, tr_call_agent_set_settings_async, &settings_parser,
                  cancellable, callback, user_data);
}

TrCallSettings *
tr_call_agent_set_settings_finish (TrCallAgent  *self,
                                   GAsyncResult *result,
                                   GError      **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

void
tr_call_agent_list_records_async (TrCallAgent        *self,
                                  guint               limit,
                                  GCancellable       *cancellable,
                                  GAsyncReadyCallback callback,
                                  gpointer            user_data)
{
  g_autoptr(TrMessage) request = NULL;

  g_return_if_fail (TR_IS_CALL_AGENT (self));

  request = _tr_call_agent_new_request (self, TR_REQ_RECORDS_LIST);
  if (limit > 0)
    tr_message_set_int (request, "limit", limit);
  simple_request (self, request, tr_call_agent_list_records_async, &records_parser,
                  cancellable, callback, user_data);
}

GListModel *
tr_call_agent_list_records_finish (TrCallAgent  *self,
                                   GAsyncResult *result,
                                   GError      **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

void
_tr_call_agent_set_device_manager (TrCallAgent     *self,
                                   TrDeviceManager *devices)
{
  g_return_if_fail (TR_IS_CALL_AGENT (self));

  g_set_object (&self->devices, devices);
}

TrDeviceManager *
_tr_call_agent_get_device_manager (TrCallAgent *self)
{
  g_return_val_if_fail (TR_IS_CALL_AGENT (self), NULL);

  return self->devices;
}

const TrMediaConfig *
_tr_call_agent_get_media_config (TrCallAgent *self)
{
  g_return_val_if_fail (TR_IS_CALL_AGENT (self), NULL);

  return self->media_config;
}
