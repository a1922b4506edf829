/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "TrVoicemail"

#include "config.h"

#include "tr-identifier.h"
#include "tr-util-private.h"
#include "tr-voicemail-private.h"

enum {
  PROP_0,
  PROP_ID,
  PROP_CALLER,
  PROP_CALLER_DISPLAY_NAME,
  PROP_CREATED_AT,
  PROP_DURATION_MS,
  PROP_HEARD,
  N_PROPS
};

static GParamSpec *props[N_PROPS];

struct _TrVoicemail
{
  GObject       parent_instance;
  char         *id;
  TrIdentifier *caller;
  char         *caller_display_name;
  GDateTime    *created_at;
  gint64        duration_ms;
  gboolean      heard;
};

G_DEFINE_FINAL_TYPE (TrVoicemail, tr_voicemail, G_TYPE_OBJECT)

static void
tr_voicemail_get_property (GObject    *object,
                           guint       prop_id,
                           GValue     *value,
                           GParamSpec *pspec)
{
  TrVoicemail *self = TR_VOICEMAIL (object);

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
    case PROP_CREATED_AT:
      g_value_set_boxed (value, self->created_at);
      break;
    case PROP_DURATION_MS:
      g_value_set_int64 (value, self->duration_ms);
      break;
    case PROP_HEARD:
      g_value_set_boolean (value, self->heard);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tr_voicemail_finalize (GObject *object)
{
  TrVoicemail *self = TR_VOICEMAIL (object);

  g_free (self->id);
  g_clear_pointer (&self->caller, tr_identifier_unref);
  g_free (self->caller_display_name);
  g_clear_pointer (&self->created_at, g_date_time_unref);

  G_OBJECT_CLASS (tr_voicemail_parent_class)->finalize (object);
}

static void
tr_voicemail_class_init (TrVoicemailClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags flags = G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY;

  object_class->get_property = tr_voicemail_get_property;
  object_class->finalize = tr_voicemail_finalize;

  props[PROP_ID] = g_param_spec_string ("id", NULL, NULL, NULL, flags);
  props[PROP_CALLER] = g_param_spec_boxed ("caller", NULL, NULL, TR_TYPE_IDENTIFIER, flags);
  props[PROP_CALLER_DISPLAY_NAME] =
    g_param_spec_string ("caller-display-name", NULL, NULL, NULL, flags);
  props[PROP_CREATED_AT] =
    g_param_spec_boxed ("created-at", NULL, NULL, G_TYPE_DATE_TIME, flags);
  props[PROP_DURATION_MS] =
    g_param_spec_int64 ("duration-ms", NULL, NULL, 0, G_MAXINT64, 0, flags);
  props[PROP_HEARD] = g_param_spec_boolean ("heard", NULL, NULL, FALSE, flags);

  g_object_class_install_properties (object_class, N_PROPS, props);
}

static void
tr_voicemail_init (TrVoicemail *self)
{
}

TrVoicemail *
_tr_voicemail_new_from_json (JsonObject *object)
{
  TrVoicemail *self;
  JsonObject *caller = _tr_json_get_object (object, "caller");
  const char *id = _tr_json_get_string (object, "id");
  gint64 created_ms;

  if (id == NULL || _tr_json_get_string (caller, "id") == NULL)
    return NULL;

  self = g_object_new (TR_TYPE_VOICEMAIL, NULL);
  self->id = g_strdup (id);
  self->caller = _tr_identifier_new_from_party (caller);
  self->caller_display_name = g_strdup (_tr_json_get_string (caller, "display_name"));
  created_ms = _tr_json_get_int (object, "created_at", 0);
  self->created_at = g_date_time_new_from_unix_utc (created_ms / 1000);
  if (self->created_at != NULL && created_ms % 1000 != 0)
    {
      GDateTime *precise = g_date_time_add (self->created_at, (created_ms % 1000) * 1000);

      g_date_time_unref (self->created_at);
      self->created_at = precise;
    }
  if (self->created_at == NULL)
    self->created_at = g_date_time_new_from_unix_utc (0);
  self->duration_ms = MAX (0, _tr_json_get_int (object, "duration_ms", 0));
  self->heard = _tr_json_get_boolean (object, "heard", FALSE);

  return self;
}

void
_tr_voicemail_set_heard (TrVoicemail *self,
                         gboolean     heard)
{
  g_return_if_fail (TR_IS_VOICEMAIL (self));

  heard = !!heard;
  if (self->heard == heard)
    return;

  self->heard = heard;
  g_object_notify_by_pspec (G_OBJECT (self), props[PROP_HEARD]);
}

void
_tr_voicemail_update (TrVoicemail *self,
                      JsonObject  *object)
{
  g_return_if_fail (TR_IS_VOICEMAIL (self));

  if (g_strcmp0 (_tr_json_get_string (object, "id"), self->id) != 0)
    return;

  _tr_voicemail_set_heard (self, _tr_json_get_boolean (object, "heard", self->heard));
}

const char *
tr_voicemail_get_id (TrVoicemail *self)
{
  g_return_val_if_fail (TR_IS_VOICEMAIL (self), NULL);

  return self->id;
}

TrIdentifier *
tr_voicemail_get_caller (TrVoicemail *self)
{
  g_return_val_if_fail (TR_IS_VOICEMAIL (self), NULL);

  return self->caller;
}

const char *
tr_voicemail_get_caller_display_name (TrVoicemail *self)
{
  g_return_val_if_fail (TR_IS_VOICEMAIL (self), NULL);

  return self->caller_display_name;
}

GDateTime *
tr_voicemail_get_created_at (TrVoicemail *self)
{
  g_return_val_if_fail (TR_IS_VOICEMAIL (self), NULL);

  return self->created_at;
}

gint64
tr_voicemail_get_duration_ms (TrVoicemail *self)
{
  g_return_val_if_fail (TR_IS_VOICEMAIL (self), 0);

  return self->duration_ms;
}

gboolean
tr_voicemail_get_heard (TrVoicemail *self)
{
  g_return_val_if_fail (TR_IS_VOICEMAIL (self), FALSE);

  return self->heard;
}
