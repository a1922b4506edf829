/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "TrStore"

#include "config.h"

#include "tr-server-types.h"

#include <gio/gio.h>
#include <sqlite3.h>

#include "tr-message.h"
#include "tr-protocol.h"
#include "tr-store.h"

#define FLUSH_INTERVAL_MS 200

enum
{
  STMT_USER_GET,
  STMT_USER_ALL,
  STMT_USER_ADD,
  STMT_USER_UPSERT_SERVICE,
  STMT_USER_REMOVE,
  STMT_USER_REVOKE_TOKENS,
  STMT_SETTINGS_REMOVE,
  STMT_TOKEN_ADD,
  STMT_TOKEN_REVOKE,
  STMT_TOKEN_REVOKED,
  STMT_SETTINGS_PUT,
  STMT_RECORD_ADD,
  STMT_RECORD_LIST,
  STMT_DATA_VERSION,
  STMT_BEGIN,
  STMT_COMMIT,
  N_STMTS
};

static const char *stmt_sql[N_STMTS] = {
  [STMT_USER_GET]
  = "SELECT u.id, u.display_name, u.kind, s.forward_always, s.unanswered_target, s.ring_timeout "
    "FROM users u LEFT JOIN settings s ON s.user_id = u.id WHERE u.id = ?1",
  [STMT_USER_ALL]
  = "SELECT u.id, u.display_name, u.kind, s.forward_always, s.unanswered_target, s.ring_timeout "
    "FROM users u LEFT JOIN settings s ON s.user_id = u.id",
  [STMT_USER_ADD]
  = "INSERT INTO users (id, display_name, kind, created_at) VALUES (?1, ?2, 'user', ?3)",
  [STMT_USER_UPSERT_SERVICE]
  = "INSERT INTO users (id, display_name, kind, created_at) VALUES (?1, ?2, 'service', ?3) "
    "ON CONFLICT (id) DO UPDATE SET display_name = excluded.display_name, kind = 'service'",
  [STMT_USER_REMOVE] = "DELETE FROM users WHERE id = ?1",
  [STMT_USER_REVOKE_TOKENS] = "UPDATE tokens SET revoked = 1 WHERE user_id = ?1",
  [STMT_SETTINGS_REMOVE] = "DELETE FROM settings WHERE user_id = ?1",
  [STMT_TOKEN_ADD]
  = "INSERT INTO tokens (jti, user_id, issued_at, expires_at, revoked) VALUES (?1, ?2, ?3, ?4, 0)",
  [STMT_TOKEN_REVOKE]
  = "INSERT INTO tokens (jti, user_id, issued_at, expires_at, revoked) VALUES (?1, NULL, 0, 0, 1) "
    "ON CONFLICT (jti) DO UPDATE SET revoked = 1",
  [STMT_TOKEN_REVOKED] = "SELECT revoked FROM tokens WHERE jti = ?1",
  [STMT_SETTINGS_PUT]
  = "INSERT INTO settings (user_id, forward_always, unanswered_target, ring_timeout) "
    "VALUES (?1, ?2, ?3, ?4) ON CONFLICT (user_id) DO UPDATE SET "
    "forward_always = excluded.forward_always, unanswered_target = excluded.unanswered_target, "
    "ring_timeout = excluded.ring_timeout",
  [STMT_RECORD_ADD]
  = "INSERT OR REPLACE INTO records (call_id, caller, callee, transferor, started_at, answered_at, "
    "ended_at, end_status) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
  [STMT_RECORD_LIST]
  = "SELECT call_id, caller, callee, transferor, started_at, answered_at, ended_at, end_status "
    "FROM (SELECT * FROM records WHERE caller = ?1 "
    "      UNION ALL SELECT * FROM records WHERE callee = ?1 AND caller <> ?1) "
    "ORDER BY started_at DESC, call_id LIMIT ?2",
  [STMT_DATA_VERSION] = "PRAGMA data_version",
  [STMT_BEGIN] = "BEGIN IMMEDIATE",
  [STMT_COMMIT] = "COMMIT",
};

static const char schema_sql[]
    = "CREATE TABLE IF NOT EXISTS users ("
      "  id TEXT PRIMARY KEY NOT NULL,"
      "  display_name TEXT NOT NULL,"
      "  kind TEXT NOT NULL DEFAULT 'user',"
      "  created_at INTEGER NOT NULL DEFAULT 0);"
      "CREATE TABLE IF NOT EXISTS tokens ("
      "  jti TEXT PRIMARY KEY NOT NULL,"
      "  user_id TEXT,"
      "  issued_at INTEGER NOT NULL DEFAULT 0,"
      "  expires_at INTEGER NOT NULL DEFAULT 0,"
      "  revoked INTEGER NOT NULL DEFAULT 0);"
      "CREATE INDEX IF NOT EXISTS tokens_user ON tokens (user_id);"
      "CREATE TABLE IF NOT EXISTS settings ("
      "  user_id TEXT PRIMARY KEY NOT NULL,"
      "  forward_always TEXT,"
      "  unanswered_target TEXT,"
      "  ring_timeout INTEGER NOT NULL DEFAULT 30);"
      "CREATE TABLE IF NOT EXISTS records ("
      "  call_id TEXT PRIMARY KEY NOT NULL,"
      "  caller TEXT NOT NULL,"
      "  callee TEXT NOT NULL,"
      "  transferor TEXT,"
      "  started_at INTEGER NOT NULL,"
      "  answered_at INTEGER,"
      "  ended_at INTEGER,"
      "  end_status INTEGER);"
      "CREATE INDEX IF NOT EXISTS records_caller ON records (caller, started_at);"
      "CREATE INDEX IF NOT EXISTS records_callee ON records (callee, started_at);"
      "CREATE TABLE IF NOT EXISTS voicemails ("
      "  id TEXT PRIMARY KEY NOT NULL,"
      "  owner TEXT NOT NULL,"
      "  caller TEXT NOT NULL,"
      "  created_at INTEGER NOT NULL,"
      "  duration_ms INTEGER NOT NULL,"
      "  heard INTEGER NOT NULL DEFAULT 0);"
      "CREATE INDEX IF NOT EXISTS voicemails_owner ON voicemails (owner, created_at);"
      "PRAGMA user_version = 1;";

struct _TrStore
{
  GObject parent_instance;

  sqlite3      *db;
  sqlite3_stmt *stmts[N_STMTS];
  GHashTable   *identities; /* id → TrIdentity */
  GPtrArray    *pending;    /* TrRecord */
  guint         flush_source;
  gint64        data_version;
  guint         generation;
};

G_DEFINE_FINAL_TYPE (TrStore, tr_store, G_TYPE_OBJECT)

TrRecord *
tr_record_new (void)
{
  return g_new0 (TrRecord, 1);
}

void
tr_record_free (TrRecord *record)
{
  if (record == NULL)
    return;
  g_free (record->call_id);
  g_free (record->caller);
  g_free (record->callee);
  g_free (record->transferor);
  g_free (record);
}

static void
identity_free (gpointer data)
{
  TrIdentity *identity = data;

  g_free (identity->id);
  g_free (identity->display_name);
  g_free (identity->forward_always);
  g_free (identity->unanswered_target);
  g_free (identity);
}

static gboolean
set_sqlite_error (TrStore *self, GError **error, const char *what)
{
  g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "%s: %s", what, sqlite3_errmsg (self->db));
  return FALSE;
}

static sqlite3_stmt *
get_stmt (TrStore *self, int which)
{
  sqlite3_stmt *stmt = self->stmts[which];

  sqlite3_reset (stmt);
  sqlite3_clear_bindings (stmt);
  return stmt;
}

static void
bind_text (sqlite3_stmt *stmt, int index, const char *text)
{
  if (text != NULL)
    sqlite3_bind_text (stmt, index, text, -1, SQLITE_STATIC);
  else
    sqlite3_bind_null (stmt, index);
}

static char *
column_dup (sqlite3_stmt *stmt, int column)
{
  const char *text = (const char *)sqlite3_column_text (stmt, column);

  return text != NULL ? g_strdup (text) : NULL;
}

static TrIdentity *
identity_from_row (sqlite3_stmt *stmt)
{
  TrIdentity *identity = g_new0 (TrIdentity, 1);

  identity->id = column_dup (stmt, 0);
  identity->display_name = column_dup (stmt, 1);
  identity->service = g_strcmp0 ((const char *)sqlite3_column_text (stmt, 2), "service") == 0;
  identity->forward_always = column_dup (stmt, 3);
  identity->unanswered_target = column_dup (stmt, 4);
  if (sqlite3_column_type (stmt, 5) == SQLITE_NULL)
    identity->ring_timeout = TR_PROTOCOL_DEFAULT_RING_TIMEOUT;
  else
    identity->ring_timeout = CLAMP (sqlite3_column_int (stmt, 5), TR_PROTOCOL_MIN_RING_TIMEOUT,
                                    TR_PROTOCOL_MAX_RING_TIMEOUT);
  if (identity->display_name == NULL)
    identity->display_name = g_strdup (identity->id);
  return identity;
}

static void
reload_identities (TrStore *self)
{
  sqlite3_stmt *stmt = get_stmt (self, STMT_USER_ALL);
  int           rc;

  g_hash_table_remove_all (self->identities);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      TrIdentity *identity = identity_from_row (stmt);

      if (identity->id != NULL)
        g_hash_table_replace (self->identities, identity->id, identity);
      else
        identity_free (identity);
    }
  if (rc != SQLITE_DONE)
    g_warning ("Could not read identities: %s", sqlite3_errmsg (self->db));
  sqlite3_reset (stmt);
}

static gint64
read_data_version (TrStore *self)
{
  sqlite3_stmt *stmt = get_stmt (self, STMT_DATA_VERSION);
  gint64        version = -1;

  if (sqlite3_step (stmt) == SQLITE_ROW)
    version = sqlite3_column_int64 (stmt, 0);
  sqlite3_reset (stmt);
  return version;
}

static gboolean
flush_cb (gpointer user_data)
{
  TrStore *self = user_data;

  self->flush_source = 0;
  tr_store_flush (self);
  return G_SOURCE_REMOVE;
}

static void
tr_store_finalize (GObject *object)
{
  TrStore *self = (TrStore *)object;

  tr_store_close (self);
  g_clear_pointer (&self->identities, g_hash_table_unref);
  g_clear_pointer (&self->pending, g_ptr_array_unref);

  G_OBJECT_CLASS (tr_store_parent_class)->finalize (object);
}

static void
tr_store_class_init (TrStoreClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = tr_store_finalize;
}

static void
tr_store_init (TrStore *self)
{
  self->identities = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, identity_free);
  self->pending = g_ptr_array_new_with_free_func ((GDestroyNotify)tr_record_free);
}

TrStore *
tr_store_new (const char *path, GError **error)
{
  g_autoptr (TrStore) self = g_object_new (TR_TYPE_STORE, NULL);
  char *errmsg = NULL;
  int   rc;

  g_return_val_if_fail (path != NULL, NULL);

  rc = sqlite3_open_v2 (path, &self->db,
                        SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, NULL);
  if (rc != SQLITE_OK)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "Cannot open database %s: %s", path,
                   self->db ? sqlite3_errmsg (self->db) : sqlite3_errstr (rc));
      return NULL;
    }

  sqlite3_busy_timeout (self->db, 5000);
  if (sqlite3_exec (self->db, "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL;", NULL, NULL,
                    &errmsg)
          != SQLITE_OK
      || sqlite3_exec (self->db, schema_sql, NULL, NULL, &errmsg) != SQLITE_OK)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "Cannot set up database %s: %s", path,
                   errmsg);
      sqlite3_free (errmsg);
      return NULL;
    }

  for (guint i = 0; i < N_STMTS; i++)
    {
      if (sqlite3_prepare_v3 (self->db, stmt_sql[i], -1, SQLITE_PREPARE_PERSISTENT, &self->stmts[i],
                              NULL)
          != SQLITE_OK)
        {
          set_sqlite_error (self, error, "Cannot prepare statement");
          return NULL;
        }
    }

  reload_identities (self);
  self->data_version = read_data_version (self);
  TR_DEBUG ("Opened %s with %u identities", path, g_hash_table_size (self->identities));

  return g_steal_pointer (&self);
}

void
tr_store_close (TrStore *self)
{
  g_return_if_fail (TR_IS_STORE (self));

  if (self->db == NULL)
    return;

  tr_store_flush (self);
  g_clear_handle_id (&self->flush_source, g_source_remove);
  for (guint i = 0; i < N_STMTS; i++)
    g_clear_pointer (&self->stmts[i], sqlite3_finalize);
  sqlite3_close (self->db);
  self->db = NULL;
}

TrIdentity *
tr_store_lookup (TrStore *self, const char *id)
{
  TrIdentity   *identity;
  sqlite3_stmt *stmt;

  g_return_val_if_fail (TR_IS_STORE (self), NULL);

  if (id == NULL)
    return NULL;

  identity = g_hash_table_lookup (self->identities, id);
  if (identity != NULL || self->db == NULL)
    return identity;

  /* Maybe added by an admin command in another process. */
  if (!tr_protocol_id_is_valid (id))
    return NULL;
  stmt = get_stmt (self, STMT_USER_GET);
  bind_text (stmt, 1, id);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    {
      identity = identity_from_row (stmt);
      g_hash_table_replace (self->identities, identity->id, identity);
    }
  sqlite3_reset (stmt);
  return identity;
}

gboolean
tr_store_user_exists (TrStore *self, const char *id)
{
  sqlite3_stmt *stmt;
  gboolean      found;

  g_return_val_if_fail (TR_IS_STORE (self), FALSE);

  if (id == NULL || self->db == NULL)
    return FALSE;

  stmt = get_stmt (self, STMT_USER_GET);
  bind_text (stmt, 1, id);
  found = sqlite3_step (stmt) == SQLITE_ROW;
  sqlite3_reset (stmt);
  if (!found)
    g_hash_table_remove (self->identities, id);
  return found;
}

static int
compare_identities (gconstpointer a, gconstpointer b)
{
  const TrIdentity *ia = *(const TrIdentity **)a;
  const TrIdentity *ib = *(const TrIdentity **)b;

  return strcmp (ia->id, ib->id);
}

GPtrArray *
tr_store_list (TrStore *self)
{
  GPtrArray     *list;
  GHashTableIter iter;
  gpointer       value;

  g_return_val_if_fail (TR_IS_STORE (self), NULL);

  /* Users added by an admin command in another process show up at once. */
  tr_store_sync (self);
  list = g_ptr_array_sized_new (g_hash_table_size (self->identities));
  g_hash_table_iter_init (&iter, self->identities);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    g_ptr_array_add (list, value);
  g_ptr_array_sort (list, compare_identities);
  return list;
}

gboolean
tr_store_add_user (TrStore *self, const char *id, const char *display_name, GError **error)
{
  sqlite3_stmt *stmt;
  int           rc;

  g_return_val_if_fail (TR_IS_STORE (self), FALSE);

  stmt = get_stmt (self, STMT_USER_ADD);
  bind_text (stmt, 1, id);
  bind_text (stmt, 2, display_name);
  sqlite3_bind_int64 (stmt, 3, g_get_real_time () / 1000);
  rc = sqlite3_step (stmt);
  sqlite3_reset (stmt);
  if (rc == SQLITE_CONSTRAINT)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_EXISTS, "User “%s” exists", id);
      return FALSE;
    }
  if (rc != SQLITE_DONE)
    return set_sqlite_error (self, error, "Cannot add user");

  /* Fresh settings for a reused id. */
  stmt = get_stmt (self, STMT_SETTINGS_REMOVE);
  bind_text (stmt, 1, id);
  sqlite3_step (stmt);
  sqlite3_reset (stmt);

  g_hash_table_remove (self->identities, id);
  tr_store_lookup (self, id);
  TR_DEBUG ("Added user %s", id);
  return TRUE;
}

gboolean
tr_store_ensure_service (TrStore *self, const char *id, const char *display_name, GError **error)
{
  sqlite3_stmt *stmt;
  int           rc;

  g_return_val_if_fail (TR_IS_STORE (self), FALSE);

  stmt = get_stmt (self, STMT_USER_UPSERT_SERVICE);
  bind_text (stmt, 1, id);
  bind_text (stmt, 2, display_name);
  sqlite3_bind_int64 (stmt, 3, g_get_real_time () / 1000);
  rc = sqlite3_step (stmt);
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    return set_sqlite_error (self, error, "Cannot create service line");

  g_hash_table_remove (self->identities, id);
  tr_store_lookup (self, id);
  return TRUE;
}

gboolean
tr_store_remove_user (TrStore *self, const char *id, GError **error)
{
  sqlite3_stmt *stmt;
  int           rc;

  g_return_val_if_fail (TR_IS_STORE (self), FALSE);

  stmt = get_stmt (self, STMT_USER_REMOVE);
  bind_text (stmt, 1, id);
  rc = sqlite3_step (stmt);
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    return set_sqlite_error (self, error, "Cannot remove user");
  if (sqlite3_changes (self->db) == 0)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND, "No user “%s”", id);
      return FALSE;
    }

  stmt = get_stmt (self, STMT_USER_REVOKE_TOKENS);
  bind_text (stmt, 1, id);
  sqlite3_step (stmt);
  sqlite3_reset (stmt);

  stmt = get_stmt (self, STMT_SETTINGS_REMOVE);
  bind_text (stmt, 1, id);
  sqlite3_step (stmt);
  sqlite3_reset (stmt);

  g_hash_table_remove (self->identities, id);
  TR_DEBUG ("Removed user %s", id);
  return TRUE;
}

JsonObject *
tr_identity_to_json (const TrIdentity *identity, gboolean with_kind)
{
  JsonObject *object = json_object_new ();

  json_object_set_string_member (object, "id", identity->id);
  json_object_set_string_member (object, "display_name", identity->display_name);
  if (with_kind)
    json_object_set_string_member (object, "kind", identity->service ? "service" : "user");
  return object;
}

gboolean
tr_store_add_token (TrStore *self, const char *jti, const char *user, gint64 iat, gint64 exp,
                    GError **error)
{
  sqlite3_stmt *stmt;
  int           rc;

  g_return_val_if_fail (TR_IS_STORE (self), FALSE);

  stmt = get_stmt (self, STMT_TOKEN_ADD);
  bind_text (stmt, 1, jti);
  bind_text (stmt, 2, user);
  sqlite3_bind_int64 (stmt, 3, iat);
  sqlite3_bind_int64 (stmt, 4, exp);
  rc = sqlite3_step (stmt);
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    return set_sqlite_error (self, error, "Cannot store token");
  return TRUE;
}

gboolean
tr_store_revoke_token (TrStore *self, const char *jti, GError **error)
{
  sqlite3_stmt *stmt;
  int           rc;

  g_return_val_if_fail (TR_IS_STORE (self), FALSE);

  stmt = get_stmt (self, STMT_TOKEN_REVOKE);
  bind_text (stmt, 1, jti);
  rc = sqlite3_step (stmt);
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    return set_sqlite_error (self, error, "Cannot revoke token");
  return TRUE;
}

gboolean
tr_store_token_is_revoked (TrStore *self, const char *jti)
{
  sqlite3_stmt *stmt;
  gboolean      revoked = FALSE;

  g_return_val_if_fail (TR_IS_STORE (self), TRUE);

  if (jti == NULL || self->db == NULL)
    return TRUE;

  stmt = get_stmt (self, STMT_TOKEN_REVOKED);
  bind_text (stmt, 1, jti);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    revoked = sqlite3_column_int (stmt, 0) != 0;
  sqlite3_reset (stmt);
  return revoked;
}

static gboolean
settings_target (TrStore *self, const char *user, JsonObject *patch, const char *field,
                 char **inout, GError **error)
{
  JsonNode   *node;
  const char *target;

  if (!json_object_has_member (patch, field))
    return TRUE;

  node = json_object_get_member (patch, field);
  if (JSON_NODE_HOLDS_NULL (node))
    {
      g_clear_pointer (inout, g_free);
      return TRUE;
    }
  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    {
      g_set_error (error, TR_ERROR, TR_STATUS_INVALID_FIELD, "“%s” must be a user id or null",
                   field);
      return FALSE;
    }
  target = json_node_get_string (node);
  if (!tr_protocol_id_is_valid (target))
    {
      g_set_error (error, TR_ERROR, TR_STATUS_INVALID_FIELD, "“%s” is not a valid user id", field);
      return FALSE;
    }
  if (g_strcmp0 (target, user) == 0)
    {
      g_set_error (error, TR_ERROR, TR_STATUS_INVALID_FIELD, "“%s” cannot name yourself", field);
      return FALSE;
    }
  if (tr_store_lookup (self, target) == NULL)
    {
      g_set_error (error, TR_ERROR, TR_STATUS_UNKNOWN_IDENTITY, "No user “%s”", target);
      return FALSE;
    }
  g_free (*inout);
  *inout = g_strdup (target);
  return TRUE;
}

gboolean
tr_store_update_settings (TrStore *self, const char *user, JsonObject *patch, GError **error)
{
  TrIdentity      *identity;
  g_autofree char *forward_always = NULL;
  g_autofree char *unanswered_target = NULL;
  int              ring_timeout;
  sqlite3_stmt    *stmt;
  int              rc;

  g_return_val_if_fail (TR_IS_STORE (self), FALSE);

  identity = tr_store_lookup (self, user);
  if (identity == NULL)
    {
      g_set_error (error, TR_ERROR, TR_STATUS_UNKNOWN_IDENTITY, "No user “%s”", user);
      return FALSE;
    }
  forward_always = g_strdup (identity->forward_always);
  unanswered_target = g_strdup (identity->unanswered_target);
  ring_timeout = identity->ring_timeout;

  if (!settings_target (self, user, patch, "forward_always", &forward_always, error)
      || !settings_target (self, user, patch, "unanswered_target", &unanswered_target, error))
    return FALSE;

  if (json_object_has_member (patch, "ring_timeout"))
    {
      JsonNode *node = json_object_get_member (patch, "ring_timeout");

      if (JSON_NODE_HOLDS_NULL (node))
        ring_timeout = TR_PROTOCOL_DEFAULT_RING_TIMEOUT;
      else if (JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_INT64
               && json_node_get_int (node) >= TR_PROTOCOL_MIN_RING_TIMEOUT
               && json_node_get_int (node) <= TR_PROTOCOL_MAX_RING_TIMEOUT)
        ring_timeout = (int)json_node_get_int (node);
      else
        {
          g_set_error (error, TR_ERROR, TR_STATUS_INVALID_FIELD,
                       "“ring_timeout” must be an integer from %d to %d",
                       TR_PROTOCOL_MIN_RING_TIMEOUT, TR_PROTOCOL_MAX_RING_TIMEOUT);
          return FALSE;
        }
    }

  stmt = get_stmt (self, STMT_SETTINGS_PUT);
  bind_text (stmt, 1, user);
  bind_text (stmt, 2, forward_always);
  bind_text (stmt, 3, unanswered_target);
  sqlite3_bind_int (stmt, 4, ring_timeout);
  rc = sqlite3_step (stmt);
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      g_set_error (error, TR_ERROR, TR_STATUS_INTERNAL, "Cannot store settings: %s",
                   sqlite3_errmsg (self->db));
      return FALSE;
    }

  /* lookup may have reloaded; fetch again */
  identity = tr_store_lookup (self, user);
  if (identity != NULL)
    {
      g_free (identity->forward_always);
      identity->forward_always = g_steal_pointer (&forward_always);
      g_free (identity->unanswered_target);
      identity->unanswered_target = g_steal_pointer (&unanswered_target);
      identity->ring_timeout = ring_timeout;
    }
  return TRUE;
}

JsonObject *
tr_identity_settings_to_json (const TrIdentity *identity)
{
  JsonObject *object = json_object_new ();

  if (identity->forward_always != NULL)
    json_object_set_string_member (object, "forward_always", identity->forward_always);
  else
    json_object_set_null_member (object, "forward_always");
  if (identity->unanswered_target != NULL)
    json_object_set_string_member (object, "unanswered_target", identity->unanswered_target);
  else
    json_object_set_null_member (object, "unanswered_target");
  json_object_set_int_member (object, "ring_timeout", identity->ring_timeout);
  return object;
}

void
tr_store_queue_record (TrStore *self, TrRecord *record)
{
  g_return_if_fail (TR_IS_STORE (self));
  g_return_if_fail (record != NULL);

  g_ptr_array_add (self->pending, record);
  if (self->flush_source == 0 && self->db != NULL)
    self->flush_source = g_timeout_add (FLUSH_INTERVAL_MS, flush_cb, self);
}

void
tr_store_flush (TrStore *self)
{
  sqlite3_stmt *stmt;

  g_return_if_fail (TR_IS_STORE (self));

  g_clear_handle_id (&self->flush_source, g_source_remove);
  if (self->pending->len == 0 || self->db == NULL)
    return;

  stmt = get_stmt (self, STMT_BEGIN);
  if (sqlite3_step (stmt) != SQLITE_DONE)
    {
      g_warning ("Cannot write call records: %s", sqlite3_errmsg (self->db));
      sqlite3_reset (stmt);
      /* Try again later rather than lose them. */
      self->flush_source = g_timeout_add (FLUSH_INTERVAL_MS, flush_cb, self);
      return;
    }
  sqlite3_reset (stmt);

  for (guint i = 0; i < self->pending->len; i++)
    {
      TrRecord *record = g_ptr_array_index (self->pending, i);

      stmt = get_stmt (self, STMT_RECORD_ADD);
      bind_text (stmt, 1, record->call_id);
      bind_text (stmt, 2, record->caller);
      bind_text (stmt, 3, record->callee);
      bind_text (stmt, 4, record->transferor);
      sqlite3_bind_int64 (stmt, 5, record->started_at);
      if (record->answered_at > 0)
        sqlite3_bind_int64 (stmt, 6, record->answered_at);
      if (record->ended_at > 0)
        sqlite3_bind_int64 (stmt, 7, record->ended_at);
      sqlite3_bind_int (stmt, 8, record->end);
      if (sqlite3_step (stmt) != SQLITE_DONE)
        g_warning ("Cannot write call record: %s", sqlite3_errmsg (self->db));
      sqlite3_reset (stmt);
    }

  stmt = get_stmt (self, STMT_COMMIT);
  if (sqlite3_step (stmt) != SQLITE_DONE)
    g_warning ("Cannot commit call records: %s", sqlite3_errmsg (self->db));
  sqlite3_reset (stmt);

  TR_DEBUG ("Wrote %u call records", self->pending->len);
  g_ptr_array_set_size (self->pending, 0);
}

JsonArray *
tr_store_list_records (TrStore *self, const char *user, guint limit)
{
  JsonArray    *array = json_array_new ();
  sqlite3_stmt *stmt;

  g_return_val_if_fail (TR_IS_STORE (self), array);

  if (self->db == NULL)
    return array;

  tr_store_flush (self);

  stmt = get_stmt (self, STMT_RECORD_LIST);
  bind_text (stmt, 1, user);
  sqlite3_bind_int (stmt, 2, (int)limit);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      JsonObject *object = json_object_new ();

      json_object_set_string_member (object, "call", (const char *)sqlite3_column_text (stmt, 0));
      json_object_set_string_member (object, "caller", (const char *)sqlite3_column_text (stmt, 1));
      json_object_set_string_member (object, "callee", (const char *)sqlite3_column_text (stmt, 2));
      if (sqlite3_column_type (stmt, 3) != SQLITE_NULL)
        json_object_set_string_member (object, "transferor",
                                       (const char *)sqlite3_column_text (stmt, 3));
      json_object_set_int_member (object, "started_at", sqlite3_column_int64 (stmt, 4));
      if (sqlite3_column_type (stmt, 5) != SQLITE_NULL)
        json_object_set_int_member (object, "answered_at", sqlite3_column_int64 (stmt, 5));
      if (sqlite3_column_type (stmt, 6) != SQLITE_NULL)
        json_object_set_int_member (object, "ended_at", sqlite3_column_int64 (stmt, 6));
      if (sqlite3_column_type (stmt, 7) != SQLITE_NULL)
        {
          TrStatus status = (TrStatus)sqlite3_column_int (stmt, 7);

          if (tr_status_get_reason (status) == NULL)
            status = TR_STATUS_INTERNAL;
          json_object_set_object_member (object, "end", tr_status_to_json (status, NULL));
        }
      json_array_add_object_element (array, object);
    }
  sqlite3_reset (stmt);
  return array;
}

/* Voicemail: rare statements, prepared when used. */

static sqlite3_stmt *
prepare (TrStore *self, const char *sql)
{
  sqlite3_stmt *stmt = NULL;

  if (self->db == NULL || sqlite3_prepare_v2 (self->db, sql, -1, &stmt, NULL) != SQLITE_OK)
    {
      if (self->db != NULL)
        g_warning ("Cannot prepare statement: %s", sqlite3_errmsg (self->db));
      return NULL;
    }
  return stmt;
}

gboolean
tr_store_add_voicemail (TrStore *self, const char *id, const char *owner, const char *caller,
                        gint64 created_at, gint64 duration_ms, GError **error)
{
  sqlite3_stmt *stmt;
  int           rc;

  g_return_val_if_fail (TR_IS_STORE (self), FALSE);

  stmt = prepare (self, "INSERT INTO voicemails (id, owner, caller, created_at, duration_ms, "
                        "heard) VALUES (?1, ?2, ?3, ?4, ?5, 0)");
  if (stmt == NULL)
    return set_sqlite_error (self, error, "Cannot store voicemail");
  bind_text (stmt, 1, id);
  bind_text (stmt, 2, owner);
  bind_text (stmt, 3, caller);
  sqlite3_bind_int64 (stmt, 4, created_at);
  sqlite3_bind_int64 (stmt, 5, duration_ms);
  rc = sqlite3_step (stmt);
  sqlite3_finalize (stmt);
  if (rc != SQLITE_DONE)
    return set_sqlite_error (self, error, "Cannot store voicemail");
  return TRUE;
}

static JsonObject *
voicemail_from_row (TrStore *self, sqlite3_stmt *stmt)
{
  JsonObject *object = json_object_new ();
  const char *caller = (const char *)sqlite3_column_text (stmt, 1);
  TrIdentity *identity = tr_store_lookup (self, caller);

  json_object_set_string_member (object, "id", (const char *)sqlite3_column_text (stmt, 0));
  json_object_set_object_member (
      object, "caller", tr_party_new_json (caller, identity ? identity->display_name : caller));
  json_object_set_int_member (object, "created_at", sqlite3_column_int64 (stmt, 2));
  json_object_set_int_member (object, "duration_ms", sqlite3_column_int64 (stmt, 3));
  json_object_set_boolean_member (object, "heard", sqlite3_column_int (stmt, 4) != 0);
  return object;
}

JsonArray *
tr_store_list_voicemails (TrStore *self, const char *owner)
{
  JsonArray    *array = json_array_new ();
  sqlite3_stmt *stmt;

  g_return_val_if_fail (TR_IS_STORE (self), array);

  stmt = prepare (self, "SELECT id, caller, created_at, duration_ms, heard FROM voicemails "
                        "WHERE owner = ?1 ORDER BY created_at DESC, id");
  if (stmt == NULL)
    return array;
  bind_text (stmt, 1, owner);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    json_array_add_object_element (array, voicemail_from_row (self, stmt));
  sqlite3_finalize (stmt);
  return array;
}

JsonObject *
tr_store_get_voicemail (TrStore *self, const char *owner, const char *id)
{
  JsonObject   *object = NULL;
  sqlite3_stmt *stmt;

  g_return_val_if_fail (TR_IS_STORE (self), NULL);

  stmt = prepare (self, "SELECT id, caller, created_at, duration_ms, heard FROM voicemails "
                        "WHERE owner = ?1 AND id = ?2");
  if (stmt == NULL)
    return NULL;
  bind_text (stmt, 1, owner);
  bind_text (stmt, 2, id);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    object = voicemail_from_row (self, stmt);
  sqlite3_finalize (stmt);
  return object;
}

guint
tr_store_count_voicemails (TrStore *self, const char *owner, guint *out_unheard)
{
  sqlite3_stmt *stmt;
  guint         count = 0;
  guint         unheard = 0;

  g_return_val_if_fail (TR_IS_STORE (self), 0);

  stmt = prepare (self, "SELECT count(*), coalesce(sum(heard = 0), 0) FROM voicemails "
                        "WHERE owner = ?1");
  if (stmt != NULL)
    {
      bind_text (stmt, 1, owner);
      if (sqlite3_step (stmt) == SQLITE_ROW)
        {
          count = (guint)sqlite3_column_int (stmt, 0);
          unheard = (guint)sqlite3_column_int (stmt, 1);
        }
      sqlite3_finalize (stmt);
    }
  if (out_unheard != NULL)
    *out_unheard = unheard;
  return count;
}

static gboolean
voicemail_change (TrStore *self, const char *sql, const char *owner, const char *id)
{
  sqlite3_stmt *stmt = prepare (self, sql);
  gboolean      changed;

  if (stmt == NULL)
    return FALSE;
  bind_text (stmt, 1, owner);
  bind_text (stmt, 2, id);
  changed = sqlite3_step (stmt) == SQLITE_DONE && sqlite3_changes (self->db) > 0;
  sqlite3_finalize (stmt);
  return changed;
}

gboolean
tr_store_mark_voicemail_heard (TrStore *self, const char *owner, const char *id)
{
  g_return_val_if_fail (TR_IS_STORE (self), FALSE);

  /* heard = 1 even when it was: changes() counts matched rows here. */
  return voicemail_change (self, "UPDATE voicemails SET heard = 1 WHERE owner = ?1 AND id = ?2",
                           owner, id);
}

gboolean
tr_store_remove_voicemail (TrStore *self, const char *owner, const char *id)
{
  g_return_val_if_fail (TR_IS_STORE (self), FALSE);

  return voicemail_change (self, "DELETE FROM voicemails WHERE owner = ?1 AND id = ?2", owner, id);
}

gboolean
tr_store_sync (TrStore *self)
{
  gint64 version;

  g_return_val_if_fail (TR_IS_STORE (self), FALSE);

  if (self->db == NULL)
    return FALSE;

  version = read_data_version (self);
  if (version == self->data_version)
    return FALSE;

  self->data_version = version;
  self->generation++;
  reload_identities (self);
  TR_DEBUG ("Database changed by another process; reloaded %u identities",
            g_hash_table_size (self->identities));
  return TRUE;
}

guint
tr_store_get_generation (TrStore *self)
{
  g_return_val_if_fail (TR_IS_STORE (self), 0);

  return self->generation;
}
