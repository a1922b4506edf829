/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>
#include <json-glib/json-glib.h>

#include "tr-identifier.h"

G_BEGIN_DECLS

/* g_set_str() arrived in GLib 2.76; we target 2.74. */
static inline gboolean
_tr_set_str (char       **str_pointer,
             const char  *new_str)
{
  char *copy;

  if (*str_pointer == new_str || g_strcmp0 (*str_pointer, new_str) == 0)
    return FALSE;

  copy = g_strdup (new_str);
  g_free (*str_pointer);
  *str_pointer = copy;

  return TRUE;
}

/* Member access on JSON objects that tolerates absent / null / wrongly typed members. */
const char   *_tr_json_get_string  (JsonObject *object, const char *member);
gint64        _tr_json_get_int     (JsonObject *object, const char *member, gint64 default_value);
gboolean      _tr_json_get_boolean (JsonObject *object, const char *member, gboolean default_value);
JsonObject   *_tr_json_get_object  (JsonObject *object, const char *member);
JsonArray    *_tr_json_get_array   (JsonObject *object, const char *member);

/* The Error of an HTTP body {"error": Error} (the server's REST answers); NULL when the body is
 * not one. */
JsonObject   *_tr_json_error_from_body (GBytes *body) G_GNUC_WARN_UNUSED_RESULT;

/* A Party {"id", "display_name"} → identifier; NULL when absent. */
TrIdentifier *_tr_identifier_new_from_party (JsonObject *party) G_GNUC_WARN_UNUSED_RESULT;

G_END_DECLS
