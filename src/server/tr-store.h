/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib-object.h>
#include <json-glib/json-glib.h>

#include "tr-status.h"

G_BEGIN_DECLS

/**
 * TrIdentity:
 *
 * One user or service line with its settings, as cached by #TrStore. Owned by the store:
 * valid until the next call into the store that can reload (tr_store_sync(), removals).
 */
typedef struct
{
  char    *id;
  char    *display_name;
  gboolean service;
  char    *forward_always;    /* nullable */
  char    *unanswered_target; /* nullable */
  int      ring_timeout;      /* seconds */
} TrIdentity;

/**
 * TrRecord:
 *
 * A finished call, queued by the signaling and written in batches.
 */
typedef struct
{
  char    *call_id;
  char    *caller;
  char    *callee;
  char    *transferor;  /* nullable */
  gint64   started_at;  /* ms since the epoch */
  gint64   answered_at; /* 0: never */
  gint64   ended_at;
  TrStatus end;
} TrRecord;

TrRecord *tr_record_new (void) G_GNUC_WARN_UNUSED_RESULT;
void      tr_record_free (TrRecord *record);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (TrRecord, tr_record_free)

#define TR_TYPE_STORE (tr_store_get_type ())
G_DECLARE_FINAL_TYPE (TrStore, tr_store, TR, STORE, GObject)

TrStore *tr_store_new (const char *path, GError **error) G_GNUC_WARN_UNUSED_RESULT;
void     tr_store_close (TrStore *self);

/* Identities. tr_store_lookup() falls back to the database on a cache miss (an admin command
 * may have added the user from another process). */
TrIdentity *tr_store_lookup (TrStore *self, const char *id);
/* Sorted by id; syncs first, so earlier TrIdentity pointers are invalid after it.
 * (transfer container) */
GPtrArray *tr_store_list (TrStore *self) G_GNUC_WARN_UNUSED_RESULT;
/* Fails with G_IO_ERROR_EXISTS when it exists. */
gboolean tr_store_add_user (TrStore *self, const char *id, const char *display_name,
                            GError **error);
/* Creates or updates a service line identity. */
gboolean tr_store_ensure_service (TrStore *self, const char *id, const char *display_name,
                                  GError **error);
/* Fails with G_IO_ERROR_NOT_FOUND. Revokes the user's tokens too. */
gboolean    tr_store_remove_user (TrStore *self, const char *id, GError **error);
JsonObject *tr_identity_to_json (const TrIdentity *identity,
                                 gboolean          with_kind) G_GNUC_WARN_UNUSED_RESULT;

/* Tokens. */
gboolean tr_store_add_token (TrStore *self, const char *jti, const char *user, gint64 iat,
                             gint64 exp, GError **error);
gboolean tr_store_revoke_token (TrStore *self, const char *jti, GError **error);
gboolean tr_store_token_is_revoked (TrStore *self, const char *jti);
/* Re-reads the user from the database (not the cache): for connect-time checks. */
gboolean tr_store_user_exists (TrStore *self, const char *id);

/* Settings: @patch fields present are changed, null clears; validated here (TR_ERROR 400/4,
 * 404/1 for unknown targets). */
gboolean    tr_store_update_settings (TrStore *self, const char *user, JsonObject *patch,
                                      GError **error);
JsonObject *tr_identity_settings_to_json (const TrIdentity *identity) G_GNUC_WARN_UNUSED_RESULT;

/* Records. (transfer full) @record */
void tr_store_queue_record (TrStore *self, TrRecord *record);
void tr_store_flush (TrStore *self);
/* {"call", "caller", ...} newest first. */
JsonArray *tr_store_list_records (TrStore *self, const char *user,
                                  guint limit) G_GNUC_WARN_UNUSED_RESULT;

/* Voicemail messages (the audio lives in the data dir; see TrVoicemailLine). A Voicemail object
 * is {"id", "caller": Party, "created_at" (ms), "duration_ms", "heard"}. */
gboolean tr_store_add_voicemail (TrStore *self, const char *id, const char *owner,
                                 const char *caller, gint64 created_at, gint64 duration_ms,
                                 GError **error);
/* @owner's messages, newest first. */
JsonArray *tr_store_list_voicemails (TrStore *self, const char *owner) G_GNUC_WARN_UNUSED_RESULT;
/* (nullable) */
JsonObject *tr_store_get_voicemail (TrStore *self, const char *owner,
                                    const char *id) G_GNUC_WARN_UNUSED_RESULT;
/* How many messages @owner has; @out_unheard (optional) how many are unheard. */
guint tr_store_count_voicemails (TrStore *self, const char *owner, guint *out_unheard);
/* FALSE when @owner has no message @id. */
gboolean tr_store_mark_voicemail_heard (TrStore *self, const char *owner, const char *id);
gboolean tr_store_remove_voicemail (TrStore *self, const char *owner, const char *id);

/* TRUE when another connection changed the database since the last call; the identity cache
 * is reloaded then. */
gboolean tr_store_sync (TrStore *self);
/* Counts the reloads tr_store_sync() made. */
guint tr_store_get_generation (TrStore *self);

G_END_DECLS
