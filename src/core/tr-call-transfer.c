/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "TrCallTransfer"

#include "config.h"

#include "tr-call-agent-private.h"
#include "tr-call-private.h"
#include "tr-call-transfer-private.h"
#include "tr-identifier.h"
#include "tr-transfer-locator.h"
#include "tr-transfer-private.h"
#include "tr-util-private.h"

enum {
  PROP_0,
  PROP_CURRENT_TRANSFER,
  N_PROPS
};

enum {
  TRANSFER_ACCEPTED,
  N_SIGNALS
};

static GParamSpec *props[N_PROPS];
static guint signals[N_SIGNALS];

struct _TrCallTransfer
{
  GObject     parent_instance;
  TrCall     *call;              /* not owned: the call owns us and detaches us */
  TrTransfer *current_transfer;
};

G_DEFINE_FINAL_TYPE (TrCallTransfer, tr_call_transfer, G_TYPE_OBJECT)

static void
tr_call_transfer_get_property (GObject    *object,
                               guint       prop_id,
                               GValue     *value,
                               GParamSpec *pspec)
{
  TrCallTransfer *self = TR_CALL_TRANSFER (object);

  switch (prop_id)
    {
    case PROP_CURRENT_TRANSFER:
      g_value_set_object (value, self->current_transfer);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tr_call_transfer_dispose (GObject *object)
{
  TrCallTransfer *self = TR_CALL_TRANSFER (object);

  g_clear_object (&self->current_transfer);

  G_OBJECT_CLASS (tr_call_transfer_parent_class)->dispose (object);
}

static void
tr_call_transfer_class_init (TrCallTransferClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->get_property = tr_call_transfer_get_property;
  object_class->dispose = tr_call_transfer_dispose;

  props[PROP_CURRENT_TRANSFER] =
    g_param_spec_object ("current-transfer", NULL, NULL, TR_TYPE_TRANSFER,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);

  g_object_class_install_properties (object_class, N_PROPS, props);

  /**
   * TrCallTransfer::transfer-accepted:
   * @self: the feature of the call being transferred (transferee side)
   * @target_call: the new outgoing #TrCall the model placed to the transfer target
   */
  signals[TRANSFER_ACCEPTED] =
    g_signal_new ("transfer-accepted", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 1, TR_TYPE_CALL);
}

static void
tr_call_transfer_init (TrCallTransfer *self)
{
}

TrCallTransfer *
_tr_call_transfer_new (TrCall *call)
{
  TrCallTransfer *self = g_object_new (TR_TYPE_CALL_TRANSFER, NULL);

  self->call = call;

  return self;
}

void
_tr_call_transfer_detach (TrCallTransfer *self)
{
  g_return_if_fail (TR_IS_CALL_TRANSFER (self));

  self->call = NULL;
}

static void
set_current_transfer (TrCallTransfer *self,
                      TrTransfer     *transfer)
{
  if (g_set_object (&self->current_transfer, transfer))
    g_object_notify_by_pspec (G_OBJECT (self), props[PROP_CURRENT_TRANSFER]);
}

TrTransfer *
tr_call_transfer_get_current_transfer (TrCallTransfer *self)
{
  g_return_val_if_fail (TR_IS_CALL_TRANSFER (self), NULL);

  return self->current_transfer;
}

TrCall *
tr_call_transfer_get_call (TrCallTransfer *self)
{
  g_return_val_if_fail (TR_IS_CALL_TRANSFER (self), NULL);

  return self->call;
}

typedef struct
{
  TrTransfer  *transfer;
  TrCallAgent *agent;
} TransferData;

static void
transfer_data_free (TransferData *data)
{
  g_clear_object (&data->transfer);
  g_clear_object (&data->agent);
  g_free (data);
}

static void
transfer_request_cb (GObject      *object,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  TransferData *data = g_task_get_task_data (task);
  g_autoptr(TrMessage) reply = NULL;
  g_autoptr(GError) error = NULL;
  JsonObject *info;

  reply = _tr_call_agent_request_finish (TR_CALL_AGENT (object), result, &error);
  if (reply == NULL)
    {
      _tr_transfer_set_state (data->transfer, TR_TRANSFER_STATE_FAILED, error);
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  info = _tr_json_get_object (tr_message_reply_get_result (reply), "transfer");
  _tr_transfer_update_from_info (data->transfer, info);
  if (tr_transfer_get_state (data->transfer) == TR_TRANSFER_STATE_NONE)
    _tr_transfer_set_state (data->transfer, TR_TRANSFER_STATE_TRANSFERRING, NULL);
  if (tr_transfer_get_id (data->transfer) != NULL)
    _tr_call_agent_track_transfer (data->agent, data->transfer);

  g_task_return_pointer (task, g_object_ref (data->transfer), g_object_unref);
}

void
tr_call_transfer_transfer_async (TrCallTransfer     *self,
                                 TrTransferLocator  *locator,
                                 GCancellable       *cancellable,
                                 GAsyncReadyCallback callback,
                                 gpointer            user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(TrCallAgent) agent = NULL;
  g_autoptr(TrMessage) request = NULL;
  g_autoptr(TrTransfer) transfer = NULL;
  TransferData *data;
  JsonObject *target;
  TrTransferLocatorKind kind;
  const char *target_user = NULL;

  g_return_if_fail (TR_IS_CALL_TRANSFER (self));
  g_return_if_fail (locator != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, tr_call_transfer_transfer_async);

  kind = tr_transfer_locator_get_kind (locator);
  if (kind == TR_TRANSFER_LOCATOR_KIND_CALL)
    {
      const char *target_call_id = tr_transfer_locator_get_call_id (locator);

      /* Mirrors the server's 400/4 (Y = X) without a round trip. */
      if (self->call != NULL && g_strcmp0 (target_call_id, tr_call_get_id (self->call)) == 0)
        {
          g_task_return_new_error (task, TR_ERROR, TR_STATUS_INVALID_FIELD,
                                   "A call cannot be transferred to itself");
          return;
        }
    }
  else if (tr_identifier_get_kind (tr_transfer_locator_get_target (locator))
           != TR_IDENTIFIER_KIND_USER)
    {
      g_task_return_new_error (task, TR_ERROR, TR_STATUS_INVALID_FIELD,
                               "The transfer target is not a user: “%s”",
                               tr_identifier_to_string (tr_transfer_locator_get_target (locator)));
      return;
    }

  if (self->call == NULL
      || tr_call_get_state (self->call) == TR_CALL_STATE_DISCONNECTED
      || tr_call_get_id (self->call) == NULL
      || (agent = _tr_call_dup_agent (self->call)) == NULL)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_FAILED,
                               "The call to transfer has ended");
      return;
    }

  transfer = _tr_transfer_new (locator);
  set_current_transfer (self, transfer);

  data = g_new0 (TransferData, 1);
  data->transfer = g_object_ref (transfer);
  data->agent = g_object_ref (agent);
  g_task_set_task_data (task, data, (GDestroyNotify) transfer_data_free);

  if (kind != TR_TRANSFER_LOCATOR_KIND_CALL)
    target_user = tr_identifier_get_raw_id (tr_transfer_locator_get_target (locator));
  target = json_object_new ();
  switch (kind)
    {
    case TR_TRANSFER_LOCATOR_KIND_CALL:
      json_object_set_string_member (target, "kind", "call");
      json_object_set_string_member (target, "call", tr_transfer_locator_get_call_id (locator));
      break;
    case TR_TRANSFER_LOCATOR_KIND_VOICEMAIL:
      json_object_set_string_member (target, "kind", "voicemail");
      json_object_set_string_member (target, "user", target_user);
      break;
    case TR_TRANSFER_LOCATOR_KIND_PARTICIPANT:
    default:
      json_object_set_string_member (target, "kind", "participant");
      json_object_set_string_member (target, "user", target_user);
      json_object_set_boolean_member (
        target, "disable_forwarding_and_unanswered",
        tr_transfer_locator_get_disable_forwarding_and_unanswered (locator));
      break;
    }

  request = _tr_call_agent_new_request (agent, TR_REQ_CALL_TRANSFER);
  tr_message_set_string (request, "call", tr_call_get_id (self->call));
  tr_message_take_object (request, "target", target);
  _tr_call_agent_request_async (agent, request, cancellable, transfer_request_cb,
                                g_steal_pointer (&task));
}

TrTransfer *
tr_call_transfer_transfer_finish (TrCallTransfer *self,
                                  GAsyncResult   *result,
                                  GError        **error)
{
  g_return_val_if_fail (TR_IS_CALL_TRANSFER (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
transfer_call_placed_cb (GObject      *object,
                         GAsyncResult *result,
                         gpointer      user_data)
{
  g_autoptr(TrCall) call = NULL;
  g_autoptr(GError) error = NULL;

  call = _tr_call_agent_place_call_finish (TR_CALL_AGENT (object), result, &error);
  if (call == NULL)
    g_debug ("The transfer call could not be placed: %s", error->message);
}

void
_tr_call_transfer_handle_request (TrCallTransfer *self,
                                  TrMessage      *event)
{
  g_autoptr(TrCallAgent) agent = NULL;
  g_autoptr(TrIdentifier) to = NULL;
  g_autoptr(TrIdentifier) transferor = NULL;
  g_autoptr(TrCall) target_call = NULL;
  JsonObject *to_party;

  g_return_if_fail (TR_IS_CALL_TRANSFER (self));

  if (self->call == NULL || (agent = _tr_call_dup_agent (self->call)) == NULL)
    return;

  to_party = tr_message_get_member_object (event, "to");
  to = _tr_identifier_new_from_party (to_party);
  transferor = _tr_identifier_new_from_party (tr_message_get_member_object (event, "transferor"));
  if (to == NULL)
    return;

  g_object_ref (self);

  target_call = _tr_call_new (agent, TR_CALL_DIRECTION_OUTGOING, to,
                              _tr_json_get_string (to_party, "display_name"),
                              tr_call_get_video_enabled (self->call));
  if (transferor != NULL)
    _tr_call_set_transferor (target_call, transferor);

  /* Adds the call to "calls" in CONNECTING before the signal, so handlers see it listed. */
  _tr_call_agent_place_call_async (agent, target_call,
                                   tr_message_get_string (event, "transfer"),
                                   tr_message_get_string (event, "replaces"),
                                   tr_message_get_boolean (event, "voicemail", FALSE),
                                   NULL, transfer_call_placed_cb, NULL);

  g_signal_emit (self, signals[TRANSFER_ACCEPTED], 0, target_call);

  g_object_unref (self);
}
