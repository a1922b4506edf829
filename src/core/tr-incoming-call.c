/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "TrIncomingCall"

#include "config.h"

#include "tr-call-agent-private.h"
#include "tr-call-private.h"
#include "tr-identifier.h"
#include "tr-incoming-call-private.h"
#include "tr-util-private.h"

enum {
  PROP_0,
  PROP_ID,
  PROP_CALLER,
  PROP_CALLER_DISPLAY_NAME,
  PROP_TRANSFEROR,
  PROP_TRANSFER_ID,
  PROP_FORWARDED_FROM,
  PROP_VIDEO,
  PROP_END_REASON,
  N_PROPS
};

enum {
  ENDED,
  N_SIGNALS
};

static GParamSpec *props[N_PROPS];
static guint signals[N_SIGNALS];

struct _TrIncomingCall
{
  GObject          parent_instance;
  GWeakRef         agent;
  char            *id;
  TrIdentifier    *caller;
  char            *caller_display_name;
  TrIdentifier    *transferor;
  char            *transfer_id;
  TrIdentifier    *forwarded_from;
  gboolean         video;
  TrCallEndReason *end_reason;
  gboolean         handled;   /* accepted or rejected from here */
  GPtrArray       *kept_signals; /* call.signal payloads (the offer) that came while ringing */
};

G_DEFINE_FINAL_TYPE (TrIncomingCall, tr_incoming_call, G_TYPE_OBJECT)

static void
tr_incoming_call_get_property (GObject    *object,
                               guint       prop_id,
                               GValue     *value,
                               GParamSpec *pspec)
{
  TrIncomingCall *self = TR_INCOMING_CALL (object);

  switch (prop_id)
    {
    case PROP_ID:
      g_value_set_string (value, self->id);
      break;
    case PROP_CALLER:
      g_value_set_boxed (value, self->caller);
      break;
    case PROP_CALLER_DISPLAY_NAME:
      g_value_set_string (value, self->caller_display_name);
      break;
    case PROP_TRANSFEROR:
      g_value_set_boxed (value, self->transferor);
      break;
    case PROP_TRANSFER_ID:
      g_value_set_string (value, self->transfer_id);
      break;
    case PROP_FORWARDED_FROM:
      g_value_set_boxed (value, self->forwarded_from);
      break;
    case PROP_VIDEO:
      g_value_set_boolean (value, self->video);
      break;
    case PROP_END_REASON:
      g_value_set_boxed (value, self->end_reason);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tr_incoming_call_finalize (GObject *object)
{
  TrIncomingCall *self = TR_INCOMING_CALL (object);

  g_weak_ref_clear (&self->agent);
  g_free (self->id);
  g_clear_pointer (&self->caller, tr_identifier_unref);
  g_free (self->caller_display_name);
  g_clear_pointer (&self->transferor, tr_identifier_unref);
  g_free (self->transfer_id);
  g_clear_pointer (&self->forwarded_from, tr_identifier_unref);
  g_clear_pointer (&self->end_reason, tr_call_end_reason_free);
  g_clear_pointer (&self->kept_signals, g_ptr_array_unref);

  G_OBJECT_CLASS (tr_incoming_call_parent_class)->finalize (object);
}

static void
tr_incoming_call_class_init (TrIncomingCallClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags flags = G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY;

  object_class->get_property = tr_incoming_call_get_property;
  object_class->finalize = tr_incoming_call_finalize;

  props[PROP_ID] = g_param_spec_string ("id", NULL, NULL, NULL, flags);
  props[PROP_CALLER] = g_param_spec_boxed ("caller", NULL, NULL, TR_TYPE_IDENTIFIER, flags);
  props[PROP_CALLER_DISPLAY_NAME] = g_param_spec_string ("caller-display-name", NULL, NULL, NULL,
                                                         flags);
  props[PROP_TRANSFEROR] = g_param_spec_boxed ("transferor", NULL, NULL, TR_TYPE_IDENTIFIER, flags);
  props[PROP_TRANSFER_ID] = g_param_spec_string ("transfer-id", NULL, NULL, NULL, flags);
  props[PROP_FORWARDED_FROM] = g_param_spec_boxed ("forwarded-from", NULL, NULL,
                                                   TR_TYPE_IDENTIFIER, flags);
  props[PROP_VIDEO] = g_param_spec_boolean ("video", NULL, NULL, FALSE, flags);
  props[PROP_END_REASON] = g_param_spec_boxed ("end-reason", NULL, NULL, TR_TYPE_CALL_END_REASON,
                                               flags);

  g_object_class_install_properties (object_class, N_PROPS, props);

  /**
   * TrIncomingCall::ended:
   * @self: the incoming call
   * @reason: (type TrCallEndReason): why it ended before it was answered here
   */
  signals[ENDED] =
    g_signal_new ("ended", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 1, TR_TYPE_CALL_END_REASON);
}

static void
tr_incoming_call_init (TrIncomingCall *self)
{
  g_weak_ref_init (&self->agent, NULL);
  self->kept_signals = g_ptr_array_new_with_free_func ((GDestroyNotify) json_object_unref);
}

TrIncomingCall *
_tr_incoming_call_new (TrCallAgent *agent,
                       JsonObject  *call_info)
{
  TrIncomingCall *self;
  const char *id = _tr_json_get_string (call_info, "id");
  JsonObject *caller = _tr_json_get_object (call_info, "caller");

  if (id == NULL || _tr_json_get_string (caller, "id") == NULL)
    return NULL;

  self = g_object_new (TR_TYPE_INCOMING_CALL, NULL);
  g_weak_ref_set (&self->agent, agent);
  self->id = g_strdup (id);
  self->caller = _tr_identifier_new_from_party (caller);
  self->caller_display_name = g_strdup (_tr_json_get_string (caller, "display_name"));
  self->transferor = _tr_identifier_new_from_party (_tr_json_get_object (call_info, "transferor"));
  self->transfer_id = g_strdup (_tr_json_get_string (call_info, "transfer"));
  self->forwarded_from = _tr_identifier_new_from_party (_tr_json_get_object (call_info,
                                                                             "forwarded_from"));
  self->video = _tr_json_get_boolean (call_info, "video", FALSE);

  return self;
}

void
_tr_incoming_call_end (TrIncomingCall        *self,
                       const TrCallEndReason *reason)
{
  g_autoptr(TrCallAgent) agent = NULL;

  g_return_if_fail (TR_IS_INCOMING_CALL (self));
  g_return_if_fail (reason != NULL);

  if (self->end_reason != NULL)
    return;

  g_object_ref (self);

  self->end_reason = tr_call_end_reason_copy (reason);
  agent = g_weak_ref_get (&self->agent);
  if (agent != NULL)
    _tr_call_agent_remove_incoming_call (agent, self);

  if (!self->handled)
    {
      g_object_notify_by_pspec (G_OBJECT (self), props[PROP_END_REASON]);
      g_signal_emit (self, signals[ENDED], 0, self->end_reason);
    }

  g_object_unref (self);
}

void
_tr_incoming_call_keep_signal (TrIncomingCall *self,
                               JsonObject     *payload)
{
  g_return_if_fail (TR_IS_INCOMING_CALL (self));

  if (payload == NULL || self->handled || self->end_reason != NULL || self->kept_signals->len >= 256)
    return;

  g_ptr_array_add (self->kept_signals, json_object_ref (payload));
}

const char *
tr_incoming_call_get_id (TrIncomingCall *self)
{
  g_return_val_if_fail (TR_IS_INCOMING_CALL (self), NULL);
  return self->id;
}

TrIdentifier *
tr_incoming_call_get_caller (TrIncomingCall *self)
{
  g_return_val_if_fail (TR_IS_INCOMING_CALL (self), NULL);
  return self->caller;
}

const char *
tr_incoming_call_get_caller_display_name (TrIncomingCall *self)
{
  g_return_val_if_fail (TR_IS_INCOMING_CALL (self), NULL);
  return self->caller_display_name;
}

TrIdentifier *
tr_incoming_call_get_transferor (TrIncomingCall *self)
{
  g_return_val_if_fail (TR_IS_INCOMING_CALL (self), NULL);
  return self->transferor;
}

const char *
tr_incoming_call_get_transfer_id (TrIncomingCall *self)
{
  g_return_val_if_fail (TR_IS_INCOMING_CALL (self), NULL);
  return self->transfer_id;
}

TrIdentifier *
tr_incoming_call_get_forwarded_from (TrIncomingCall *self)
{
  g_return_val_if_fail (TR_IS_INCOMING_CALL (self), NULL);
  return self->forwarded_from;
}

gboolean
tr_incoming_call_get_video (TrIncomingCall *self)
{
  g_return_val_if_fail (TR_IS_INCOMING_CALL (self), FALSE);
  return self->video;
}

const TrCallEndReason *
tr_incoming_call_get_end_reason (TrIncomingCall *self)
{
  g_return_val_if_fail (TR_IS_INCOMING_CALL (self), NULL);
  return self->end_reason;
}

static gboolean
check_pending (TrIncomingCall *self,
               TrCallAgent    *agent,
               GError        **error)
{
  if (self->end_reason != NULL)
    {
      g_set_error (error, TR_ERROR, tr_call_end_reason_get_status (self->end_reason),
                   "The call has ended");
      return FALSE;
    }
  if (self->handled)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "The call was already answered or rejected");
      return FALSE;
    }
  if (agent == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_CONNECTED, "The agent is gone");
      return FALSE;
    }
  return TRUE;
}

static void
accept_cb (GObject      *object,
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
  if (tr_call_get_state (call) == TR_CALL_STATE_CONNECTING)
    _tr_call_set_state (call, TR_CALL_STATE_CONNECTED, NULL);

  g_task_return_pointer (task, g_object_ref (call), g_object_unref);
}

void
tr_incoming_call_accept_async (TrIncomingCall     *self,
                               GCancellable       *cancellable,
                               GAsyncReadyCallback callback,
                               gpointer            user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(TrCallAgent) agent = NULL;
  g_autoptr(TrMessage) request = NULL;
  g_autoptr(GError) error = NULL;
  TrCall *call;

  g_return_if_fail (TR_IS_INCOMING_CALL (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, tr_incoming_call_accept_async);

  agent = g_weak_ref_get (&self->agent);
  if (!check_pending (self, agent, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  self->handled = TRUE;
  g_object_ref (self);

  call = _tr_call_new (agent, TR_CALL_DIRECTION_INCOMING, self->caller,
                       self->caller_display_name, self->video);
  g_task_set_task_data (task, call, g_object_unref);
  if (self->transferor != NULL)
    _tr_call_set_transferor (call, self->transferor);
  _tr_call_set_state (call, TR_CALL_STATE_CONNECTING, NULL);
  _tr_call_agent_remove_incoming_call (agent, self);
  _tr_call_set_id (call, self->id);
  _tr_call_agent_add_call (agent, call);

  /* The caller's offer (and candidates) came while ringing. */
  for (guint i = 0; i < self->kept_signals->len; i++)
    tr_media_session_handle_signal (_tr_call_get_media_session (call),
                                    g_ptr_array_index (self->kept_signals, i));
  g_ptr_array_set_size (self->kept_signals, 0);

  request = _tr_call_agent_new_request (agent, TR_REQ_CALL_ACCEPT);
  tr_message_set_string (request, "call", self->id);
  _tr_call_agent_request_async (agent, request, cancellable, accept_cb, g_steal_pointer (&task));

  /* The answer follows the accept on the same connection, so the server relays it after it
   * connected the call. */
  _tr_call_start_media (call);

  g_object_unref (self);
}

TrCall *
tr_incoming_call_accept_finish (TrIncomingCall *self,
                                GAsyncResult   *result,
                                GError        **error)
{
  g_return_val_if_fail (TR_IS_INCOMING_CALL (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
reject_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(TrMessage) reply = NULL;
  g_autoptr(GError) error = NULL;

  reply = _tr_call_agent_request_finish (TR_CALL_AGENT (object), result, &error);
  if (reply == NULL)
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_boolean (task, TRUE);
}

void
tr_incoming_call_reject_async (TrIncomingCall     *self,
                               TrRejectReason      reason,
                               GCancellable       *cancellable,
                               GAsyncReadyCallback callback,
                               gpointer            user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(TrCallAgent) agent = NULL;
  g_autoptr(TrMessage) request = NULL;
  g_autoptr(GError) error = NULL;

  g_return_if_fail (TR_IS_INCOMING_CALL (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, tr_incoming_call_reject_async);

  agent = g_weak_ref_get (&self->agent);
  if (!check_pending (self, agent, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  self->handled = TRUE;
  _tr_call_agent_remove_incoming_call (agent, self);

  request = _tr_call_agent_new_request (agent, TR_REQ_CALL_REJECT);
  tr_message_set_string (request, "call", self->id);
  tr_message_set_string (request, "reason", reason == TR_REJECT_REASON_BUSY ? "busy" : "declined");
  _tr_call_agent_request_async (agent, request, cancellable, reject_cb, g_steal_pointer (&task));
}

gboolean
tr_incoming_call_reject_finish (TrIncomingCall *self,
                                GAsyncResult   *result,
                                GError        **error)
{
  g_return_val_if_fail (TR_IS_INCOMING_CALL (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}
