/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "TrTransfer"

#include "config.h"

#include "tr-enum-types.h"
#include "tr-status.h"
#include "tr-transfer-locator.h"
#include "tr-transfer-private.h"
#include "tr-util-private.h"

enum {
  PROP_0,
  PROP_ID,
  PROP_STATE,
  PROP_ERROR,
  PROP_LOCATOR,
  PROP_TARGET_CALL_ID,
  N_PROPS
};

enum {
  STATE_CHANGED,
  N_SIGNALS
};

static GParamSpec *props[N_PROPS];
static guint signals[N_SIGNALS];

struct _TrTransfer
{
  GObject            parent_instance;
  char              *id;
  TrTransferState    state;
  GError            *error;
  TrTransferLocator *locator;
  char              *target_call_id;
};

G_DEFINE_FINAL_TYPE (TrTransfer, tr_transfer, G_TYPE_OBJECT)

gboolean
tr_transfer_state_can_transition (TrTransferState from,
                                  TrTransferState to)
{
  switch (from)
    {
    case TR_TRANSFER_STATE_NONE:
      return to == TR_TRANSFER_STATE_TRANSFERRING || to == TR_TRANSFER_STATE_FAILED;
    case TR_TRANSFER_STATE_TRANSFERRING:
      return to == TR_TRANSFER_STATE_TRANSFERRED || to == TR_TRANSFER_STATE_FAILED;
    case TR_TRANSFER_STATE_TRANSFERRED:
    case TR_TRANSFER_STATE_FAILED:
    default:
      return FALSE;
    }
}

static void
tr_transfer_get_property (GObject    *object,
                          guint       prop_id,
                          GValue     *value,
                          GParamSpec *pspec)
{
  TrTransfer *self = TR_TRANSFER (object);

  switch (prop_id)
    {
    case PROP_ID:
      g_value_set_string (value, self->id);
      break;
    case PROP_STATE:
      g_value_set_enum (value, self->state);
      break;
    case PROP_ERROR:
      g_value_set_boxed (value, self->error);
      break;
    case PROP_LOCATOR:
      g_value_set_boxed (value, self->locator);
      break;
    case PROP_TARGET_CALL_ID:
      g_value_set_string (value, self->target_call_id);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tr_transfer_finalize (GObject *object)
{
  TrTransfer *self = TR_TRANSFER (object);

  g_free (self->id);
  g_clear_error (&self->error);
  g_clear_pointer (&self->locator, tr_transfer_locator_unref);
  g_free (self->target_call_id);

  G_OBJECT_CLASS (tr_transfer_parent_class)->finalize (object);
}

static void
tr_transfer_class_init (TrTransferClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags flags = G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY;

  object_class->get_property = tr_transfer_get_property;
  object_class->finalize = tr_transfer_finalize;

  props[PROP_ID] = g_param_spec_string ("id", NULL, NULL, NULL, flags);
  props[PROP_STATE] = g_param_spec_enum ("state", NULL, NULL, TR_TYPE_TRANSFER_STATE,
                                         TR_TRANSFER_STATE_NONE, flags);
  props[PROP_ERROR] = g_param_spec_boxed ("error", NULL, NULL, G_TYPE_ERROR, flags);
  props[PROP_LOCATOR] = g_param_spec_boxed ("locator", NULL, NULL, TR_TYPE_TRANSFER_LOCATOR, flags);
  props[PROP_TARGET_CALL_ID] = g_param_spec_string ("target-call-id", NULL, NULL, NULL, flags);

  g_object_class_install_properties (object_class, N_PROPS, props);

  /**
   * TrTransfer::state-changed:
   * @self: the transfer
   * @new_state: the #TrTransferState now
   * @old_state: the one before
   */
  signals[STATE_CHANGED] =
    g_signal_new ("state-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 2,
                  TR_TYPE_TRANSFER_STATE, TR_TYPE_TRANSFER_STATE);
}

static void
tr_transfer_init (TrTransfer *self)
{
}

TrTransfer *
_tr_transfer_new (TrTransferLocator *locator)
{
  TrTransfer *self = g_object_new (TR_TYPE_TRANSFER, NULL);

  self->locator = tr_transfer_locator_ref (locator);

  return self;
}

void
_tr_transfer_set_id (TrTransfer *self,
                     const char *id)
{
  g_return_if_fail (TR_IS_TRANSFER (self));

  if (_tr_set_str (&self->id, id))
    g_object_notify_by_pspec (G_OBJECT (self), props[PROP_ID]);
}

gboolean
_tr_transfer_set_state (TrTransfer      *self,
                        TrTransferState  state,
                        const GError    *error)
{
  TrTransferState old_state;

  g_return_val_if_fail (TR_IS_TRANSFER (self), FALSE);

  if (self->state == state)
    return TRUE;

  if (!tr_transfer_state_can_transition (self->state, state))
    {
      g_debug ("Transfer %s: refusing illegal move %d → %d", self->id, self->state, state);
      return FALSE;
    }

  old_state = self->state;
  g_object_ref (self);
  g_object_freeze_notify (G_OBJECT (self));

  self->state = state;
  if (state == TR_TRANSFER_STATE_FAILED)
    {
      g_clear_error (&self->error);
      self->error = error != NULL
                      ? g_error_copy (error)
                      : g_error_new_literal (TR_ERROR, TR_STATUS_INTERNAL, "Transfer failed");
      g_object_notify_by_pspec (G_OBJECT (self), props[PROP_ERROR]);
    }
  g_object_notify_by_pspec (G_OBJECT (self), props[PROP_STATE]);

  g_object_thaw_notify (G_OBJECT (self));
  g_signal_emit (self, signals[STATE_CHANGED], 0, state, old_state);
  g_object_unref (self);

  return TRUE;
}

void
_tr_transfer_update_from_info (TrTransfer *self,
                               JsonObject *info)
{
  const char *state;
  const char *target_call;

  g_return_if_fail (TR_IS_TRANSFER (self));

  if (info == NULL)
    return;

  if (self->id == NULL)
    _tr_transfer_set_id (self, _tr_json_get_string (info, "id"));

  target_call = _tr_json_get_string (info, "target_call");
  if (target_call != NULL && _tr_set_str (&self->target_call_id, target_call))
    g_object_notify_by_pspec (G_OBJECT (self), props[PROP_TARGET_CALL_ID]);

  state = _tr_json_get_string (info, "state");
  if (g_strcmp0 (state, "transferring") == 0)
    {
      _tr_transfer_set_state (self, TR_TRANSFER_STATE_TRANSFERRING, NULL);
    }
  else if (g_strcmp0 (state, "transferred") == 0)
    {
      if (self->state == TR_TRANSFER_STATE_NONE)
        _tr_transfer_set_state (self, TR_TRANSFER_STATE_TRANSFERRING, NULL);
      _tr_transfer_set_state (self, TR_TRANSFER_STATE_TRANSFERRED, NULL);
    }
  else if (g_strcmp0 (state, "failed") == 0)
    {
      JsonObject *error_object = _tr_json_get_object (info, "error");
      g_autoptr(GError) error = NULL;

      if (error_object != NULL)
        error = tr_error_new_from_json (error_object);
      _tr_transfer_set_state (self, TR_TRANSFER_STATE_FAILED, error);
    }
}

const char *
tr_transfer_get_id (TrTransfer *self)
{
  g_return_val_if_fail (TR_IS_TRANSFER (self), NULL);
  return self->id;
}

TrTransferState
tr_transfer_get_state (TrTransfer *self)
{
  g_return_val_if_fail (TR_IS_TRANSFER (self), TR_TRANSFER_STATE_NONE);
  return self->state;
}

const GError *
tr_transfer_get_error (TrTransfer *self)
{
  g_return_val_if_fail (TR_IS_TRANSFER (self), NULL);
  return self->error;
}

guint
tr_transfer_get_error_code (TrTransfer *self)
{
  g_return_val_if_fail (TR_IS_TRANSFER (self), 0);

  if (self->error == NULL)
    return 0;
  if (self->error->domain != TR_ERROR)
    return tr_status_get_code (TR_STATUS_INTERNAL);
  return tr_status_get_code ((TrStatus) self->error->code);
}

guint
tr_transfer_get_error_subcode (TrTransfer *self)
{
  g_return_val_if_fail (TR_IS_TRANSFER (self), 0);

  if (self->error == NULL)
    return 0;
  if (self->error->domain != TR_ERROR)
    return tr_status_get_subcode (TR_STATUS_INTERNAL);
  return tr_status_get_subcode ((TrStatus) self->error->code);
}

TrTransferLocator *
tr_transfer_get_locator (TrTransfer *self)
{
  g_return_val_if_fail (TR_IS_TRANSFER (self), NULL);
  return self->locator;
}

const char *
tr_transfer_get_target_call_id (TrTransfer *self)
{
  g_return_val_if_fail (TR_IS_TRANSFER (self), NULL);
  return self->target_call_id;
}
