/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "TrIdentifier"

#include "config.h"

#include "tr-identifier.h"
#include "tr-protocol.h"

#define USER_PREFIX "user:"

struct _TrIdentifier
{
  gatomicrefcount   ref_count;
  TrIdentifierKind  kind;
  char             *raw_id;
  char             *string;
};

G_DEFINE_BOXED_TYPE (TrIdentifier, tr_identifier, tr_identifier_ref, tr_identifier_unref)

static TrIdentifier *
identifier_new (TrIdentifierKind kind,
                const char      *raw_id)
{
  TrIdentifier *self = g_new0 (TrIdentifier, 1);

  g_atomic_ref_count_init (&self->ref_count);
  self->kind = kind;
  self->raw_id = g_strdup (raw_id);
  if (kind == TR_IDENTIFIER_KIND_USER)
    self->string = g_strconcat (USER_PREFIX, raw_id, NULL);
  else
    self->string = g_strdup (raw_id);

  return self;
}

TrIdentifier *
tr_identifier_new_user (const char *user_id)
{
  g_return_val_if_fail (user_id != NULL, NULL);

  if (!tr_protocol_id_is_valid (user_id))
    return identifier_new (TR_IDENTIFIER_KIND_UNKNOWN, user_id);

  return identifier_new (TR_IDENTIFIER_KIND_USER, user_id);
}

TrIdentifier *
tr_identifier_new_unknown (const char *raw_id)
{
  g_return_val_if_fail (raw_id != NULL, NULL);

  return identifier_new (TR_IDENTIFIER_KIND_UNKNOWN, raw_id);
}

TrIdentifier *
tr_identifier_new_from_string (const char *string)
{
  g_return_val_if_fail (string != NULL, NULL);

  if (g_str_has_prefix (string, USER_PREFIX)
      && tr_protocol_id_is_valid (string + strlen (USER_PREFIX)))
    return identifier_new (TR_IDENTIFIER_KIND_USER, string + strlen (USER_PREFIX));

  if (strchr (string, ':') == NULL && tr_protocol_id_is_valid (string))
    return identifier_new (TR_IDENTIFIER_KIND_USER, string);

  return identifier_new (TR_IDENTIFIER_KIND_UNKNOWN, string);
}

TrIdentifier *
tr_identifier_ref (TrIdentifier *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  g_atomic_ref_count_inc (&self->ref_count);
  return self;
}

void
tr_identifier_unref (TrIdentifier *self)
{
  g_return_if_fail (self != NULL);

  if (g_atomic_ref_count_dec (&self->ref_count))
    {
      g_free (self->raw_id);
      g_free (self->string);
      g_free (self);
    }
}

TrIdentifierKind
tr_identifier_get_kind (const TrIdentifier *self)
{
  g_return_val_if_fail (self != NULL, TR_IDENTIFIER_KIND_UNKNOWN);

  return self->kind;
}

const char *
tr_identifier_get_raw_id (const TrIdentifier *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->raw_id;
}

const char *
tr_identifier_to_string (const TrIdentifier *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->string;
}

gboolean
tr_identifier_equal (gconstpointer a,
                     gconstpointer b)
{
  const TrIdentifier *ia = a;
  const TrIdentifier *ib = b;

  if (ia == ib)
    return TRUE;
  if (ia == NULL || ib == NULL)
    return FALSE;

  return ia->kind == ib->kind && g_str_equal (ia->raw_id, ib->raw_id);
}

guint
tr_identifier_hash (gconstpointer self)
{
  const TrIdentifier *id = self;

  return g_str_hash (id->raw_id) ^ (guint) id->kind;
}
