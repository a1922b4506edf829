/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "TrTokenCredential"

#include "config.h"

#include "tr-status.h"
#include "tr-token.h"
#include "tr-token-credential.h"
#include "tr-util-private.h"

/* After a failed refresh, try again after this long at the least (s). */
#define MIN_RETRY_DELAY 5

enum {
  PROP_0,
  PROP_TOKEN,
  PROP_SUBJECT,
  PROP_EXPIRES_AT,
  PROP_REFRESH_PROACTIVELY,
  N_PROPS
};

static GParamSpec *props[N_PROPS];

struct _TrTokenCredential
{
  GObject           parent_instance;

  char             *token;
  char             *subject;
  gint64            expires_at;
  gboolean          refresh_proactively;

  TrTokenRefresher  refresher;
  gpointer          refresher_data;
  GDestroyNotify    refresher_destroy;

  guint             refresh_source;
  GCancellable     *cancellable;
  gboolean          refreshing;
};

G_DEFINE_FINAL_TYPE (TrTokenCredential, tr_token_credential, G_TYPE_OBJECT)

static void schedule_refresh (TrTokenCredential *self, gint64 delay);

gint64
tr_token_credential_compute_refresh_delay (gint64 now,
                                           gint64 expires_at)
{
  gint64 remaining = expires_at - now;

  if (remaining <= 0)
    return 0;

  return MAX (remaining - TR_TOKEN_REFRESH_BEFORE_EXPIRY, remaining / 2);
}

static gint64
now_seconds (void)
{
  return g_get_real_time () / G_USEC_PER_SEC;
}

static void
proactive_refresh_cb (GObject      *object,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  TrTokenCredential *self = TR_TOKEN_CREDENTIAL (object);
  g_autoptr(GError) error = NULL;

  if (!tr_token_credential_refresh_finish (self, result, &error))
    {
      gint64 remaining = self->expires_at - now_seconds ();

      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;

      g_message ("Token refresh failed: %s", error->message);
      /* Try again, but not in a tight loop; give up once it expired. */
      if (remaining > 0)
        schedule_refresh (self, MAX (MIN_RETRY_DELAY, remaining / 2));
    }
}

static gboolean
refresh_timeout_cb (gpointer user_data)
{
  TrTokenCredential *self = user_data;

  self->refresh_source = 0;
  tr_token_credential_refresh_async (self, NULL, proactive_refresh_cb, NULL);

  return G_SOURCE_REMOVE;
}

static void
schedule_refresh (TrTokenCredential *self,
                  gint64             delay)
{
  g_clear_handle_id (&self->refresh_source, g_source_remove);

  if (!self->refresh_proactively || self->refresher == NULL)
    return;

  g_debug ("Refreshing the token in %" G_GINT64_FORMAT " s", delay);
  /* The source holds no reference: dispose removes it. */
  self->refresh_source = g_timeout_add_seconds_full (G_PRIORITY_DEFAULT,
                                                     (guint) CLAMP (delay, 0, G_MAXUINT / 2),
                                                     refresh_timeout_cb, self, NULL);
}

static void
reschedule (TrTokenCredential *self)
{
  schedule_refresh (self, tr_token_credential_compute_refresh_delay (now_seconds (),
                                                                     self->expires_at));
}

static gboolean
set_token (TrTokenCredential *self,
           const char        *token,
           gboolean           check_subject,
           GError           **error)
{
  g_autoptr(TrTokenClaims) claims = NULL;
  gboolean subject_changed;

  claims = tr_token_decode_unverified (token, error);
  if (claims == NULL)
    return FALSE;

  if (check_subject && g_strcmp0 (claims->sub, self->subject) != 0)
    {
      g_set_error (error, TR_ERROR, TR_STATUS_TOKEN_INVALID,
                   "The new token is for another user");
      return FALSE;
    }

  g_object_freeze_notify (G_OBJECT (self));

  subject_changed = _tr_set_str (&self->subject, claims->sub);
  if (subject_changed)
    g_object_notify_by_pspec (G_OBJECT (self), props[PROP_SUBJECT]);

  if (self->expires_at != claims->exp)
    {
      self->expires_at = claims->exp;
      g_object_notify_by_pspec (G_OBJECT (self), props[PROP_EXPIRES_AT]);
    }

  if (_tr_set_str (&self->token, token))
    g_object_notify_by_pspec (G_OBJECT (self), props[PROP_TOKEN]);

  g_object_thaw_notify (G_OBJECT (self));

  reschedule (self);

  return TRUE;
}

static void
tr_token_credential_get_property (GObject    *object,
                                  guint       prop_id,
                                  GValue     *value,
                                  GParamSpec *pspec)
{
  TrTokenCredential *self = TR_TOKEN_CREDENTIAL (object);

  switch (prop_id)
    {
    case PROP_TOKEN:
      g_value_set_string (value, self->token);
      break;
    case PROP_SUBJECT:
      g_value_set_string (value, self->subject);
      break;
    case PROP_EXPIRES_AT:
      g_value_set_int64 (value, self->expires_at);
      break;
    case PROP_REFRESH_PROACTIVELY:
      g_value_set_boolean (value, self->refresh_proactively);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tr_token_credential_set_property (GObject      *object,
                                  guint         prop_id,
                                  const GValue *value,
                                  GParamSpec   *pspec)
{
  TrTokenCredential *self = TR_TOKEN_CREDENTIAL (object);

  switch (prop_id)
    {
    case PROP_REFRESH_PROACTIVELY:
      tr_token_credential_set_refresh_proactively (self, g_value_get_boolean (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tr_token_credential_dispose (GObject *object)
{
  TrTokenCredential *self = TR_TOKEN_CREDENTIAL (object);

  g_clear_handle_id (&self->refresh_source, g_source_remove);
  g_cancellable_cancel (self->cancellable);

  if (self->refresher_destroy != NULL)
    self->refresher_destroy (self->refresher_data);
  self->refresher = NULL;
  self->refresher_data = NULL;
  self->refresher_destroy = NULL;

  G_OBJECT_CLASS (tr_token_credential_parent_class)->dispose (object);
}

static void
tr_token_credential_finalize (GObject *object)
{
  TrTokenCredential *self = TR_TOKEN_CREDENTIAL (object);

  g_clear_object (&self->cancellable);
  g_free (self->token);
  g_free (self->subject);

  G_OBJECT_CLASS (tr_token_credential_parent_class)->finalize (object);
}

static void
tr_token_credential_class_init (TrTokenCredentialClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->get_property = tr_token_credential_get_property;
  object_class->set_property = tr_token_credential_set_property;
  object_class->dispose = tr_token_credential_dispose;
  object_class->finalize = tr_token_credential_finalize;

  props[PROP_TOKEN] =
    g_param_spec_string ("token", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  props[PROP_SUBJECT] =
    g_param_spec_string ("subject", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  props[PROP_EXPIRES_AT] =
    g_param_spec_int64 ("expires-at", NULL, NULL, G_MININT64, G_MAXINT64, 0,
                        G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  props[PROP_REFRESH_PROACTIVELY] =
    g_param_spec_boolean ("refresh-proactively", NULL, NULL, TRUE,
                          G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);

  g_object_class_install_properties (object_class, N_PROPS, props);
}

static void
tr_token_credential_init (TrTokenCredential *self)
{
  self->refresh_proactively = TRUE;
  self->cancellable = g_cancellable_new ();
}

TrTokenCredential *
tr_token_credential_new (const char  *token,
                         GError     **error)
{
  g_autoptr(TrTokenCredential) self = NULL;

  g_return_val_if_fail (token != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  self = g_object_new (TR_TYPE_TOKEN_CREDENTIAL, NULL);
  if (!set_token (self, token, FALSE, error))
    return NULL;

  return g_steal_pointer (&self);
}

const char *
tr_token_credential_get_token (TrTokenCredential *self)
{
  g_return_val_if_fail (TR_IS_TOKEN_CREDENTIAL (self), NULL);

  return self->token;
}

const char *
tr_token_credential_get_subject (TrTokenCredential *self)
{
  g_return_val_if_fail (TR_IS_TOKEN_CREDENTIAL (self), NULL);

  return self->subject;
}

gint64
tr_token_credential_get_expires_at (TrTokenCredential *self)
{
  g_return_val_if_fail (TR_IS_TOKEN_CREDENTIAL (self), 0);

  return self->expires_at;
}

gboolean
tr_token_credential_get_refresh_proactively (TrTokenCredential *self)
{
  g_return_val_if_fail (TR_IS_TOKEN_CREDENTIAL (self), FALSE);

  return self->refresh_proactively;
}

void
tr_token_credential_set_refresh_proactively (TrTokenCredential *self,
                                             gboolean           refresh_proactively)
{
  g_return_if_fail (TR_IS_TOKEN_CREDENTIAL (self));

  refresh_proactively = !!refresh_proactively;
  if (self->refresh_proactively == refresh_proactively)
    return;

  self->refresh_proactively = refresh_proactively;
  reschedule (self);
  g_object_notify_by_pspec (G_OBJECT (self), props[PROP_REFRESH_PROACTIVELY]);
}

gboolean
tr_token_credential_update_token (TrTokenCredential  *self,
                                  const char         *token,
                                  GError            **error)
{
  g_return_val_if_fail (TR_IS_TOKEN_CREDENTIAL (self), FALSE);
  g_return_val_if_fail (token != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  return set_token (self, token, TRUE, error);
}

void
tr_token_credential_set_refresher (TrTokenCredential *self,
                                   TrTokenRefresher   refresher,
                                   gpointer           user_data,
                                   GDestroyNotify     destroy)
{
  g_return_if_fail (TR_IS_TOKEN_CREDENTIAL (self));

  if (self->refresher_destroy != NULL)
    self->refresher_destroy (self->refresher_data);

  self->refresher = refresher;
  self->refresher_data = user_data;
  self->refresher_destroy = destroy;

  reschedule (self);
}

gboolean
tr_token_credential_has_refresher (TrTokenCredential *self)
{
  g_return_val_if_fail (TR_IS_TOKEN_CREDENTIAL (self), FALSE);

  return self->refresher != NULL;
}

static void
refresher_done_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  TrTokenCredential *self = g_task_get_source_object (task);
  g_autoptr(GError) error = NULL;
  g_autofree char *token = NULL;

  self->refreshing = FALSE;

  token = g_task_propagate_pointer (G_TASK (result), &error);
  if (token == NULL)
    {
      if (error == NULL)
        error = g_error_new (TR_ERROR, TR_STATUS_TOKEN_INVALID, "The refresher gave no token");
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  if (!tr_token_credential_update_token (self, token, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  g_task_return_boolean (task, TRUE);
}

void
tr_token_credential_refresh_async (TrTokenCredential  *self,
                                   GCancellable       *cancellable,
                                   GAsyncReadyCallback callback,
                                   gpointer            user_data)
{
  g_autoptr(GTask) task = NULL;
  GTask *inner;

  g_return_if_fail (TR_IS_TOKEN_CREDENTIAL (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, tr_token_credential_refresh_async);

  if (self->refresher == NULL)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                               "The credential has no refresher");
      return;
    }

  self->refreshing = TRUE;
  /* The refresher completes @inner; its callback completes @task. */
  inner = g_task_new (self, self->cancellable, refresher_done_cb, g_steal_pointer (&task));
  self->refresher (self, self->cancellable, inner, self->refresher_data);
}

gboolean
tr_token_credential_refresh_finish (TrTokenCredential *self,
                                    GAsyncResult      *result,
                                    GError           **error)
{
  g_return_val_if_fail (TR_IS_TOKEN_CREDENTIAL (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}
