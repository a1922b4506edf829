/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "TrDirectoryEntry"

#include "config.h"

#include "tr-directory-entry-private.h"
#include "tr-enum-types.h"
#include "tr-identifier.h"
#include "tr-util-private.h"

enum {
  PROP_0,
  PROP_IDENTIFIER,
  PROP_DISPLAY_NAME,
  PROP_KIND,
  PROP_ONLINE,
  N_PROPS
};

static GParamSpec *props[N_PROPS];

struct _TrDirectoryEntry
{
  GObject               parent_instance;
  TrIdentifier         *identifier;
  char                 *display_name;
  TrDirectoryEntryKind  kind;
  gboolean              online;
};

G_DEFINE_FINAL_TYPE (TrDirectoryEntry, tr_directory_entry, G_TYPE_OBJECT)

static void
tr_directory_entry_get_property (GObject    *object,
                                 guint       prop_id,
                                 GValue     *value,
                                 GParamSpec *pspec)
{
  TrDirectoryEntry *self = TR_DIRECTORY_ENTRY (object);

  switch (prop_id)
    {
    case PROP_IDENTIFIER:
      g_value_set_boxed (value, self->identifier);
      break;
    case PROP_DISPLAY_NAME:
      g_value_set_string (value, self->display_name);
      break;
    case PROP_KIND:
      g_value_set_enum (value, self->kind);
      break;
    case PROP_ONLINE:
      g_value_set_boolean (value, self->online);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tr_directory_entry_finalize (GObject *object)
{
  TrDirectoryEntry *self = TR_DIRECTORY_ENTRY (object);

  g_clear_pointer (&self->identifier, tr_identifier_unref);
  g_free (self->display_name);

  G_OBJECT_CLASS (tr_directory_entry_parent_class)->finalize (object);
}

static void
tr_directory_entry_class_init (TrDirectoryEntryClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->get_property = tr_directory_entry_get_property;
  object_class->finalize = tr_directory_entry_finalize;

  props[PROP_IDENTIFIER] =
    g_param_spec_boxed ("identifier", NULL, NULL, TR_TYPE_IDENTIFIER,
                        G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  props[PROP_DISPLAY_NAME] =
    g_param_spec_string ("display-name", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  props[PROP_KIND] =
    g_param_spec_enum ("kind", NULL, NULL, TR_TYPE_DIRECTORY_ENTRY_KIND,
                       TR_DIRECTORY_ENTRY_KIND_USER,
                       G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  props[PROP_ONLINE] =
    g_param_spec_boolean ("online", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);

  g_object_class_install_properties (object_class, N_PROPS, props);
}

static void
tr_directory_entry_init (TrDirectoryEntry *self)
{
}

TrDirectoryEntry *
_tr_directory_entry_new_from_json (JsonObject *object)
{
  TrDirectoryEntry *self;
  const char *id = _tr_json_get_string (object, "id");

  if (id == NULL)
    return NULL;

  self = g_object_new (TR_TYPE_DIRECTORY_ENTRY, NULL);
  self->identifier = tr_identifier_new_user (id);
  self->display_name = g_strdup (_tr_json_get_string (object, "display_name"));
  self->kind = g_strcmp0 (_tr_json_get_string (object, "kind"), "service") == 0
                 ? TR_DIRECTORY_ENTRY_KIND_SERVICE
                 : TR_DIRECTORY_ENTRY_KIND_USER;
  self->online = _tr_json_get_boolean (object, "online", FALSE);

  return self;
}

TrIdentifier *
tr_directory_entry_get_identifier (TrDirectoryEntry *self)
{
  g_return_val_if_fail (TR_IS_DIRECTORY_ENTRY (self), NULL);

  return self->identifier;
}

const char *
tr_directory_entry_get_display_name (TrDirectoryEntry *self)
{
  g_return_val_if_fail (TR_IS_DIRECTORY_ENTRY (self), NULL);

  return self->display_name;
}

TrDirectoryEntryKind
tr_directory_entry_get_kind (TrDirectoryEntry *self)
{
  g_return_val_if_fail (TR_IS_DIRECTORY_ENTRY (self), TR_DIRECTORY_ENTRY_KIND_USER);

  return self->kind;
}

gboolean
tr_directory_entry_get_online (TrDirectoryEntry *self)
{
  g_return_val_if_fail (TR_IS_DIRECTORY_ENTRY (self), FALSE);

  return self->online;
}
