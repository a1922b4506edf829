/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "TrServer"

#include "config.h"

#include <gio/gio.h>
#include <stdio.h>

#include "tr-admin.h"
#include "tr-protocol.h"
#include "tr-secrets.h"
#include "tr-token.h"

gboolean
tr_admin_add_user (TrStore *store, const char *id, const char *display_name, GError **error)
{
  if (id == NULL || !tr_protocol_id_is_valid (id))
    {
      g_set_error (error, TR_ERROR, TR_STATUS_INVALID_FIELD,
                   "A user id is 1–64 characters of A-Z a-z 0-9 . _ @ -");
      return FALSE;
    }
  if (display_name == NULL || !tr_protocol_display_name_is_valid (display_name))
    {
      g_set_error (error, TR_ERROR, TR_STATUS_INVALID_FIELD,
                   "A display name is 1–128 characters without control characters");
      return FALSE;
    }
  return tr_store_add_user (store, id, display_name, error);
}

gboolean
tr_admin_remove_user (TrStore *store, const char *id, GError **error)
{
  TrIdentity *identity = tr_store_lookup (store, id);

  if (identity == NULL)
    {
      g_set_error (error, TR_ERROR, TR_STATUS_UNKNOWN_IDENTITY, "No user “%s”", id);
      return FALSE;
    }
  if (identity->service)
    {
      g_set_error (error, TR_ERROR, TR_STATUS_INVALID_FIELD, "“%s” is a service line", id);
      return FALSE;
    }
  return tr_store_remove_user (store, id, error);
}

char *
tr_admin_issue_token (TrStore *store, GBytes *secret, const char *user, gint64 ttl,
                      const char *const *scopes, char **out_jti, gint64 *out_expires_at,
                      GError **error)
{
  static const char *const default_scopes[] = { "call", NULL };
  g_autofree char         *jti = NULL;
  g_autofree char         *token = NULL;
  TrIdentity              *identity;
  TrTokenClaims            claims = { 0 };
  gint64                   now;
  gsize                    secret_length;
  const guint8            *secret_data;

  if (ttl < 1 || ttl > TR_ADMIN_MAX_TTL)
    {
      g_set_error (error, TR_ERROR, TR_STATUS_INVALID_FIELD, "“ttl” must be from 1 to %d seconds",
                   TR_ADMIN_MAX_TTL);
      return NULL;
    }
  if (scopes == NULL || scopes[0] == NULL)
    scopes = default_scopes;
  for (guint i = 0; scopes[i] != NULL; i++)
    if (g_strcmp0 (scopes[i], "call") != 0)
      {
        g_set_error (error, TR_ERROR, TR_STATUS_INVALID_FIELD, "Unknown scope “%s”", scopes[i]);
        return NULL;
      }

  identity = user ? tr_store_lookup (store, user) : NULL;
  if (identity == NULL)
    {
      g_set_error (error, TR_ERROR, TR_STATUS_UNKNOWN_IDENTITY, "No user “%s”", user ? user : "");
      return NULL;
    }
  if (identity->service)
    {
      g_set_error (error, TR_ERROR, TR_STATUS_INVALID_FIELD, "“%s” is a service line", user);
      return NULL;
    }

  now = g_get_real_time () / G_USEC_PER_SEC;
  jti = tr_secrets_random_id (NULL, 16);
  claims.sub = (char *)user;
  claims.scopes = (char **)scopes;
  claims.iat = now;
  claims.exp = now + ttl;
  claims.jti = jti;

  secret_data = g_bytes_get_data (secret, &secret_length);
  token = tr_token_encode (&claims, secret_data, secret_length);
  if (token == NULL)
    {
      g_set_error (error, TR_ERROR, TR_STATUS_INTERNAL, "Cannot encode the token");
      return NULL;
    }
  if (!tr_store_add_token (store, jti, user, claims.iat, claims.exp, error))
    return NULL;

  g_debug ("Issued token %s for %s, expires in %" G_GINT64_FORMAT " s", jti, user, ttl);
  if (out_jti != NULL)
    *out_jti = g_steal_pointer (&jti);
  if (out_expires_at != NULL)
    *out_expires_at = claims.exp;
  return g_steal_pointer (&token);
}

gboolean
tr_admin_revoke_token (TrStore *store, const char *jti, GError **error)
{
  if (jti == NULL || !tr_protocol_id_is_valid (jti))
    {
      g_set_error (error, TR_ERROR, TR_STATUS_INVALID_FIELD, "Not a token id");
      return FALSE;
    }
  if (!tr_store_revoke_token (store, jti, error))
    return FALSE;
  g_debug ("Revoked token %s", jti);
  return TRUE;
}

static int
usage (void)
{
  fprintf (stderr,
           "Usage:\n"
           "  transfer-server [--data-dir DIR] user add ID NAME\n"
           "  transfer-server [--data-dir DIR] user list\n"
           "  transfer-server [--data-dir DIR] user remove ID\n"
           "  transfer-server [--data-dir DIR] token issue ID [--ttl SECONDS] [--scope call]\n"
           "  transfer-server [--data-dir DIR] token revoke JTI\n");
  return 2;
}

static int
fail (GError *error)
{
  fprintf (stderr, "transfer-server: %s\n", error->message);
  return 1;
}

int
tr_admin_run (const char *data_dir, char **args, gint64 ttl, const char *const *scopes)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (TrStore) store = NULL;
  g_autofree char *db_path = NULL;
  guint            n_args = args ? g_strv_length (args) : 0;
  const char      *noun;
  const char      *verb;

  if (n_args < 2)
    return usage ();
  noun = args[0];
  verb = args[1];

  if (!tr_secrets_ensure_data_dir (data_dir, &error))
    return fail (error);
  db_path = g_build_filename (data_dir, "transfer.db", NULL);
  store = tr_store_new (db_path, &error);
  if (store == NULL)
    return fail (error);

  if (g_str_equal (noun, "user") && g_str_equal (verb, "add") && n_args == 4)
    {
      if (!tr_admin_add_user (store, args[2], args[3], &error))
        return fail (error);
      printf ("%s\n", args[2]);
    }
  else if (g_str_equal (noun, "user") && g_str_equal (verb, "list") && n_args == 2)
    {
      g_autoptr (GPtrArray) list = tr_store_list (store);

      for (guint i = 0; i < list->len; i++)
        {
          TrIdentity *identity = g_ptr_array_index (list, i);

          printf ("%s\t%s\t%s\n", identity->id, identity->service ? "service" : "user",
                  identity->display_name);
        }
    }
  else if (g_str_equal (noun, "user") && g_str_equal (verb, "remove") && n_args == 3)
    {
      if (!tr_admin_remove_user (store, args[2], &error))
        return fail (error);
    }
  else if (g_str_equal (noun, "token") && g_str_equal (verb, "issue") && n_args == 3)
    {
      g_autoptr (GBytes) secret = tr_secrets_load_secret (data_dir, &error);
      g_autofree char *token = NULL;

      if (secret == NULL)
        return fail (error);
      token = tr_admin_issue_token (store, secret, args[2], ttl, scopes, NULL, NULL, &error);
      if (token == NULL)
        return fail (error);
      printf ("%s\n", token);
    }
  else if (g_str_equal (noun, "token") && g_str_equal (verb, "revoke") && n_args == 3)
    {
      if (!tr_admin_revoke_token (store, args[2], &error))
        return fail (error);
    }
  else
    return usage ();

  fflush (stdout);
  tr_store_close (store);
  return 0;
}
