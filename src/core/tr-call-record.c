/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "TrCallRecord"

#include "config.h"

#include "tr-call-record-private.h"
#include "tr-identifier.h"
#include "tr-util-private.h"

enum {
  PROP_0,
  PROP_CALL_ID,
  PROP_CALLER,
  PROP_CALLEE,
  PROP_TRANSFEROR,
  PROP_STARTED_AT,
  PROP_ANSWERED_AT,
  PROP_ENDED_AT,
  PROP_END_REASON,
  N_PROPS
};

static GParamSpec *props[N_PROPS];

struct _TrCallRecord
{
  GObject          parent_instance;
  char            *call_id;
  TrIdentifier    *caller;
  TrIdentifier    *callee;
  TrIdentifier    *transferor;
  gint64           started_at;
  gint64           answered_at;
  gint64           ended_at;
  TrCallEndReason *end_reason;
};

G_DEFINE_FINAL_TYPE (TrCallRecord, tr_call_record, G_TYPE_OBJECT)

static void
tr_call_record_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  TrCallRecord *self = TR_CALL_RECORD (object);

  switch (prop_id)
    {
    case PROP_CALL_ID:
      g_value_set_string (value, self->call_id);
      break;
    case PROP_CALLER:
      g_value_set_boxed (value, self->caller);
      break;
    case PROP_CALLEE:
      g_value_set_boxed (value, self->callee);
      break;
    case PROP_TRANSFEROR:
      g_value_set_boxed (value, self->transferor);
      break;
    case PROP_STARTED_AT:
      g_value_set_int64 (value, self->started_at);
      break;
    case PROP_ANSWERED_AT:
      g_value_set_int64 (value, self->answered_at);
      break;
    case PROP_ENDED_AT:
      g_value_set_int64 (value, self->ended_at);
      break;
    case PROP_END_REASON:
      g_value_set_boxed (value, self->end_reason);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tr_call_record_finalize (GObject *object)
{
  TrCallRecord *self = TR_CALL_RECORD (object);

  g_free (self->call_id);
  g_clear_pointer (&self->caller, tr_identifier_unref);
  g_clear_pointer (&self->callee, tr_identifier_unref);
  g_clear_pointer (&self->transferor, tr_identifier_unref);
  g_clear_pointer (&self->end_reason, tr_call_end_reason_free);

  G_OBJECT_CLASS (tr_call_record_parent_class)->finalize (object);
}

static void
tr_call_record_class_init (TrCallRecordClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags flags = G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY;

  object_class->get_property = tr_call_record_get_property;
  object_class->finalize = tr_call_record_finalize;

  props[PROP_CALL_ID] = g_param_spec_string ("call-id", NULL, NULL, NULL, flags);
  props[PROP_CALLER] = g_param_spec_boxed ("caller", NULL, NULL, TR_TYPE_IDENTIFIER, flags);
  props[PROP_CALLEE] = g_param_spec_boxed ("callee", NULL, NULL, TR_TYPE_IDENTIFIER, flags);
  props[PROP_TRANSFEROR] = g_param_spec_boxed ("transferor", NULL, NULL, TR_TYPE_IDENTIFIER, flags);
  props[PROP_STARTED_AT] = g_param_spec_int64 ("started-at", NULL, NULL, 0, G_MAXINT64, 0, flags);
  props[PROP_ANSWERED_AT] = g_param_spec_int64 ("answered-at", NULL, NULL, 0, G_MAXINT64, 0, flags);
  props[PROP_ENDED_AT] = g_param_spec_int64 ("ended-at", NULL, NULL, 0, G_MAXINT64, 0, flags);
  props[PROP_END_REASON] =
    g_param_spec_boxed ("end-reason", NULL, NULL, TR_TYPE_CALL_END_REASON, flags);

  g_object_class_install_properties (object_class, N_PROPS, props);
}

static void
tr_call_record_init (TrCallRecord *self)
{
}

static TrIdentifier *
identifier_member (JsonObject *object,
                   const char *member)
{
  const char *id = _tr_json_get_string (object, member);
  JsonObject *party;

  if (id != NULL)
    return tr_identifier_new_user (id);

  /* Tolerate a Party object too. */
  party = _tr_json_get_object (object, member);
  return _tr_identifier_new_from_party (party);
}

TrCallRecord *
_tr_call_record_new_from_json (JsonObject *object)
{
  TrCallRecord *self;
  const char *call_id = _tr_json_get_string (object, "call");
  JsonObject *end;

  if (call_id == NULL)
    return NULL;

  self = g_object_new (TR_TYPE_CALL_RECORD, NULL);
  self->call_id = g_strdup (call_id);
  self->caller = identifier_member (object, "caller");
  self->callee = identifier_member (object, "callee");
  self->transferor = identifier_member (object, "transferor");
  self->started_at = MAX (0, _tr_json_get_int (object, "started_at", 0));
  self->answered_at = MAX (0, _tr_json_get_int (object, "answered_at", 0));
  self->ended_at = MAX (0, _tr_json_get_int (object, "ended_at", 0));

  end = _tr_json_get_object (object, "end");
  if (end != NULL)
    self->end_reason = tr_call_end_reason_new (_tr_json_get_int (end, "code", 0),
                                               _tr_json_get_int (end, "subcode", 0),
                                               _tr_json_get_string (end, "message"));

  return self;
}

const char *
tr_call_record_get_call_id (TrCallRecord *self)
{
  g_return_val_if_fail (TR_IS_CALL_RECORD (self), NULL);
  return self->call_id;
}

TrIdentifier *
tr_call_record_get_caller (TrCallRecord *self)
{
  g_return_val_if_fail (TR_IS_CALL_RECORD (self), NULL);
  return self->caller;
}

TrIdentifier *
tr_call_record_get_callee (TrCallRecord *self)
{
  g_return_val_if_fail (TR_IS_CALL_RECORD (self), NULL);
  return self->callee;
}

TrIdentifier *
tr_call_record_get_transferor (TrCallRecord *self)
{
  g_return_val_if_fail (TR_IS_CALL_RECORD (self), NULL);
  return self->transferor;
}

gint64
tr_call_record_get_started_at (TrCallRecord *self)
{
  g_return_val_if_fail (TR_IS_CALL_RECORD (self), 0);
  return self->started_at;
}

gint64
tr_call_record_get_answered_at (TrCallRecord *self)
{
  g_return_val_if_fail (TR_IS_CALL_RECORD (self), 0);
  return self->answered_at;
}

gint64
tr_call_record_get_ended_at (TrCallRecord *self)
{
  g_return_val_if_fail (TR_IS_CALL_RECORD (self), 0);
  return self->ended_at;
}

const TrCallEndReason *
tr_call_record_get_end_reason (TrCallRecord *self)
{
  g_return_val_if_fail (TR_IS_CALL_RECORD (self), NULL);
  return self->end_reason;
}
