/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "TrMediaSession"

#include "config.h"

#include "tr-media-session.h"
#include "tr-util-private.h"

struct _TrMediaSession
{
  GObject   parent_instance;
  char     *call_id;
  gboolean  closed;
};

G_DEFINE_FINAL_TYPE (TrMediaSession, tr_media_session, G_TYPE_OBJECT)

static void
tr_media_session_finalize (GObject *object)
{
  TrMediaSession *self = TR_MEDIA_SESSION (object);

  g_free (self->call_id);

  G_OBJECT_CLASS (tr_media_session_parent_class)->finalize (object);
}

static void
tr_media_session_class_init (TrMediaSessionClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = tr_media_session_finalize;
}

static void
tr_media_session_init (TrMediaSession *self)
{
}

TrMediaSession *
tr_media_session_new (const char *call_id)
{
  TrMediaSession *self = g_object_new (TR_TYPE_MEDIA_SESSION, NULL);

  self->call_id = g_strdup (call_id);
  g_debug ("Media session for call %s created", call_id ? call_id : "(pending)");

  return self;
}

void
tr_media_session_set_call_id (TrMediaSession *self,
                              const char     *call_id)
{
  g_return_if_fail (TR_IS_MEDIA_SESSION (self));

  _tr_set_str (&self->call_id, call_id);
}

void
tr_media_session_handle_signal (TrMediaSession *self,
                                JsonObject     *payload)
{
  g_return_if_fail (TR_IS_MEDIA_SESSION (self));

  if (self->closed)
    return;

  g_debug ("Call %s: signal payload of %u members (media not implemented yet)",
           self->call_id, payload ? json_object_get_size (payload) : 0);
}

void
tr_media_session_close (TrMediaSession *self)
{
  g_return_if_fail (TR_IS_MEDIA_SESSION (self));

  if (self->closed)
    return;

  self->closed = TRUE;
  g_debug ("Media session for call %s closed", self->call_id);
}

gboolean
tr_media_session_is_closed (TrMediaSession *self)
{
  g_return_val_if_fail (TR_IS_MEDIA_SESSION (self), TRUE);

  return self->closed;
}
