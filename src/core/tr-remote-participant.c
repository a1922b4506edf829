/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "TrRemoteParticipant"

#include "config.h"

#include "tr-identifier.h"
#include "tr-remote-participant-private.h"
#include "tr-util-private.h"

enum {
  PROP_0,
  PROP_IDENTIFIER,
  PROP_DISPLAY_NAME,
  PROP_ON_HOLD,
  N_PROPS
};

static GParamSpec *props[N_PROPS];

struct _TrRemoteParticipant
{
  GObject       parent_instance;
  TrIdentifier *identifier;
  char         *display_name;
  gboolean      on_hold;
};

G_DEFINE_FINAL_TYPE (TrRemoteParticipant, tr_remote_participant, G_TYPE_OBJECT)

static void
tr_remote_participant_get_property (GObject    *object,
                                    guint       prop_id,
                                    GValue     *value,
                                    GParamSpec *pspec)
{
  TrRemoteParticipant *self = TR_REMOTE_PARTICIPANT (object);

  switch (prop_id)
    {
    case PROP_IDENTIFIER:
      g_value_set_boxed (value, self->identifier);
      break;
    case PROP_DISPLAY_NAME:
      g_value_set_string (value, self->display_name);
      break;
    case PROP_ON_HOLD:
      g_value_set_boolean (value, self->on_hold);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tr_remote_participant_finalize (GObject *object)
{
  TrRemoteParticipant *self = TR_REMOTE_PARTICIPANT (object);

  g_clear_pointer (&self->identifier, tr_identifier_unref);
  g_free (self->display_name);

  G_OBJECT_CLASS (tr_remote_participant_parent_class)->finalize (object);
}

static void
tr_remote_participant_class_init (TrRemoteParticipantClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->get_property = tr_remote_participant_get_property;
  object_class->finalize = tr_remote_participant_finalize;

  props[PROP_IDENTIFIER] =
    g_param_spec_boxed ("identifier", NULL, NULL, TR_TYPE_IDENTIFIER,
                        G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  props[PROP_DISPLAY_NAME] =
    g_param_spec_string ("display-name", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  props[PROP_ON_HOLD] =
    g_param_spec_boolean ("on-hold", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);

  g_object_class_install_properties (object_class, N_PROPS, props);
}

static void
tr_remote_participant_init (TrRemoteParticipant *self)
{
}

TrRemoteParticipant *
_tr_remote_participant_new (TrIdentifier *identifier,
                            const char   *display_name)
{
  TrRemoteParticipant *self = g_object_new (TR_TYPE_REMOTE_PARTICIPANT, NULL);

  self->identifier = tr_identifier_ref (identifier);
  self->display_name = g_strdup (display_name);

  return self;
}

void
_tr_remote_participant_set_identifier (TrRemoteParticipant *self,
                                       TrIdentifier        *identifier)
{
  g_return_if_fail (TR_IS_REMOTE_PARTICIPANT (self));
  g_return_if_fail (identifier != NULL);

  if (tr_identifier_equal (self->identifier, identifier))
    return;

  g_clear_pointer (&self->identifier, tr_identifier_unref);
  self->identifier = tr_identifier_ref (identifier);
  g_object_notify_by_pspec (G_OBJECT (self), props[PROP_IDENTIFIER]);
}

void
_tr_remote_participant_set_display_name (TrRemoteParticipant *self,
                                         const char          *display_name)
{
  g_return_if_fail (TR_IS_REMOTE_PARTICIPANT (self));

  if (_tr_set_str (&self->display_name, display_name))
    g_object_notify_by_pspec (G_OBJECT (self), props[PROP_DISPLAY_NAME]);
}

void
_tr_remote_participant_set_on_hold (TrRemoteParticipant *self,
                                    gboolean             on_hold)
{
  g_return_if_fail (TR_IS_REMOTE_PARTICIPANT (self));

  on_hold = !!on_hold;
  if (self->on_hold == on_hold)
    return;

  self->on_hold = on_hold;
  g_object_notify_by_pspec (G_OBJECT (self), props[PROP_ON_HOLD]);
}

TrIdentifier *
tr_remote_participant_get_identifier (TrRemoteParticipant *self)
{
  g_return_val_if_fail (TR_IS_REMOTE_PARTICIPANT (self), NULL);

  return self->identifier;
}

const char *
tr_remote_participant_get_display_name (TrRemoteParticipant *self)
{
  g_return_val_if_fail (TR_IS_REMOTE_PARTICIPANT (self), NULL);

  return self->display_name;
}

gboolean
tr_remote_participant_get_on_hold (TrRemoteParticipant *self)
{
  g_return_val_if_fail (TR_IS_REMOTE_PARTICIPANT (self), FALSE);

  return self->on_hold;
}
