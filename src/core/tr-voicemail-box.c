/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "TrVoicemailBox"

#include "config.h"

#include <libsoup/soup.h>

#include "tr-call-agent-private.h"
#include "tr-status.h"
#include "tr-util-private.h"
#include "tr-voicemail-box-private.h"
#include "tr-voicemail-private.h"

enum {
  PROP_0,
  PROP_UNHEARD_COUNT,
  PROP_LOADED,
  N_PROPS
};

enum {
  MESSAGE_ADDED,
  N_SIGNALS
};

static GParamSpec *props[N_PROPS];
static guint signals[N_SIGNALS];

struct _TrVoicemailBox
{
  GObject      parent_instance;
  GWeakRef     agent;
  GPtrArray   *messages;      /* TrVoicemail, newest first */
  guint        unheard_count;
  gboolean     loaded;
  SoupSession *session;       /* REST (audio), made on first use */
  guint        connected_idle;
};

static void tr_voicemail_box_list_model_init (GListModelInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (TrVoicemailBox, tr_voicemail_box, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL,
                                                      tr_voicemail_box_list_model_init))

static GType
tr_voicemail_box_get_item_type (GListModel *model)
{
  return TR_TYPE_VOICEMAIL;
}

static guint
tr_voicemail_box_get_n_items (GListModel *model)
{
  return TR_VOICEMAIL_BOX (model)->messages->len;
}

static gpointer
tr_voicemail_box_get_item (GListModel *model,
                           guint       position)
{
  TrVoicemailBox *self = TR_VOICEMAIL_BOX (model);

  if (position >= self->messages->len)
    return NULL;

  return g_object_ref (g_ptr_array_index (self->messages, position));
}

static void
tr_voicemail_box_list_model_init (GListModelInterface *iface)
{
  iface->get_item_type = tr_voicemail_box_get_item_type;
  iface->get_n_items = tr_voicemail_box_get_n_items;
  iface->get_item = tr_voicemail_box_get_item;
}

static void
set_unheard_count (TrVoicemailBox *self,
                   guint           count)
{
  if (self->unheard_count == count)
    return;

  self->unheard_count = count;
  g_object_notify_by_pspec (G_OBJECT (self), props[PROP_UNHEARD_COUNT]);
}

static gboolean
find_message (TrVoicemailBox *self,
              const char     *id,
              guint          *position)
{
  for (guint i = 0; id != NULL && i < self->messages->len; i++)
    {
      if (g_strcmp0 (tr_voicemail_get_id (g_ptr_array_index (self->messages, i)), id) == 0)
        {
          if (position != NULL)
            *position = i;
          return TRUE;
        }
    }

  return FALSE;
}

static void
remove_message (TrVoicemailBox *self,
                const char     *id)
{
  guint position;

  if (!find_message (self, id, &position))
    return;

  if (!tr_voicemail_get_heard (g_ptr_array_index (self->messages, position))
      && self->unheard_count > 0)
    set_unheard_count (self, self->unheard_count - 1);
  g_ptr_array_remove_index (self->messages, position);
  g_list_model_items_changed (G_LIST_MODEL (self), position, 1, 0);
}

static void
tr_voicemail_box_get_property (GObject    *object,
                               guint       prop_id,
                               GValue     *value,
                               GParamSpec *pspec)
{
  TrVoicemailBox *self = TR_VOICEMAIL_BOX (object);

  switch (prop_id)
    {
    case PROP_UNHEARD_COUNT:
      g_value_set_uint (value, self->unheard_count);
      break;
    case PROP_LOADED:
      g_value_set_boolean (value, self->loaded);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tr_voicemail_box_dispose (GObject *object)
{
  TrVoicemailBox *self = TR_VOICEMAIL_BOX (object);

  g_clear_object (&self->session);
  g_clear_handle_id (&self->connected_idle, g_source_remove);

  G_OBJECT_CLASS (tr_voicemail_box_parent_class)->dispose (object);
}

static void
tr_voicemail_box_finalize (GObject *object)
{
  TrVoicemailBox *self = TR_VOICEMAIL_BOX (object);

  g_weak_ref_clear (&self->agent);
  g_clear_pointer (&self->messages, g_ptr_array_unref);

  G_OBJECT_CLASS (tr_voicemail_box_parent_class)->finalize (object);
}

static void
tr_voicemail_box_class_init (TrVoicemailBoxClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags flags = G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY;

  object_class->get_property = tr_voicemail_box_get_property;
  object_class->dispose = tr_voicemail_box_dispose;
  object_class->finalize = tr_voicemail_box_finalize;

  props[PROP_UNHEARD_COUNT] =
    g_param_spec_uint ("unheard-count", NULL, NULL, 0, G_MAXUINT, 0, flags);
  props[PROP_LOADED] = g_param_spec_boolean ("loaded", NULL, NULL, FALSE, flags);

  g_object_class_install_properties (object_class, N_PROPS, props);

  /**
   * TrVoicemailBox::message-added:
   * @self: the box
   * @message: the #TrVoicemail just stored (`voicemail.new`), already at position 0
   */
  signals[MESSAGE_ADDED] =
    g_signal_new ("message-added", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 1, TR_TYPE_VOICEMAIL);
}

static void
tr_voicemail_box_init (TrVoicemailBox *self)
{
  g_weak_ref_init (&self->agent, NULL);
  self->messages = g_ptr_array_new_with_free_func (g_object_unref);
}

TrVoicemailBox *
_tr_voicemail_box_new (TrCallAgent *agent)
{
  TrVoicemailBox *self = g_object_new (TR_TYPE_VOICEMAIL_BOX, NULL);

  g_weak_ref_set (&self->agent, agent);

  return self;
}

guint
tr_voicemail_box_get_unheard_count (TrVoicemailBox *self)
{
  g_return_val_if_fail (TR_IS_VOICEMAIL_BOX (self), 0);

  return self->unheard_count;
}

gboolean
tr_voicemail_box_get_loaded (TrVoicemailBox *self)
{
  g_return_val_if_fail (TR_IS_VOICEMAIL_BOX (self), FALSE);

  return self->loaded;
}

TrVoicemail *
tr_voicemail_box_find (TrVoicemailBox *self,
                       const char     *id)
{
  guint position;

  g_return_val_if_fail (TR_IS_VOICEMAIL_BOX (self), NULL);

  if (!find_message (self, id, &position))
    return NULL;

  return g_ptr_array_index (self->messages, position);
}

/* Requests. */

static TrCallAgent *
dup_agent_or_error (TrVoicemailBox *self,
                    GTask          *task)
{
  TrCallAgent *agent = g_weak_ref_get (&self->agent);

  if (agent == NULL)
    g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_NOT_CONNECTED, "The agent is gone");

  return agent;
}

static void
apply_list (TrVoicemailBox *self,
            JsonObject     *result)
{
  JsonArray *messages = _tr_json_get_array (result, "messages");
  g_autoptr(GPtrArray) fresh = g_ptr_array_new_with_free_func (g_object_unref);
  guint old_n = self->messages->len;

  for (guint i = 0; messages != NULL && i < json_array_get_length (messages); i++)
    {
      JsonNode *node = json_array_get_element (messages, i);
      JsonObject *object = JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
      TrVoicemail *known = tr_voicemail_box_find (self, _tr_json_get_string (object, "id"));

      if (known != NULL)
        {
          _tr_voicemail_update (known, object);   /* keeps the object the UI may hold */
          g_ptr_array_add (fresh, g_object_ref (known));
        }
      else
        {
          TrVoicemail *message = _tr_voicemail_new_from_json (object);

          if (message != NULL)
            g_ptr_array_add (fresh, message);
        }
    }

  g_object_freeze_notify (G_OBJECT (self));
  g_clear_pointer (&self->messages, g_ptr_array_unref);
  self->messages = g_steal_pointer (&fresh);
  g_list_model_items_changed (G_LIST_MODEL (self), 0, old_n, self->messages->len);
  set_unheard_count (self, (guint) MAX (0, _tr_json_get_int (result, "unheard", 0)));
  if (!self->loaded)
    {
      self->loaded = TRUE;
      g_object_notify_by_pspec (G_OBJECT (self), props[PROP_LOADED]);
    }
  g_object_thaw_notify (G_OBJECT (self));
}

static void
list_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  TrVoicemailBox *self = g_task_get_source_object (task);
  g_autoptr(TrMessage) reply = NULL;
  g_autoptr(GError) error = NULL;

  reply = _tr_call_agent_request_finish (TR_CALL_AGENT (object), result, &error);
  if (reply == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  apply_list (self, tr_message_reply_get_result (reply));
  g_task_return_boolean (task, TRUE);
}

void
tr_voicemail_box_refresh_async (TrVoicemailBox     *self,
                                GCancellable       *cancellable,
                                GAsyncReadyCallback callback,
                                gpointer            user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(TrCallAgent) agent = NULL;
  g_autoptr(TrMessage) request = NULL;

  g_return_if_fail (TR_IS_VOICEMAIL_BOX (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, tr_voicemail_box_refresh_async);

  if ((agent = dup_agent_or_error (self, task)) == NULL)
    return;

  request = _tr_call_agent_new_request (agent, TR_REQ_VOICEMAIL_LIST);
  _tr_call_agent_request_async (agent, request, cancellable, list_cb, g_steal_pointer (&task));
}

gboolean
tr_voicemail_box_refresh_finish (TrVoicemailBox *self,
                                 GAsyncResult   *result,
                                 GError        **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
connected_list_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  if (!tr_voicemail_box_refresh_finish (TR_VOICEMAIL_BOX (object), result, &error))
    g_debug ("Could not list the voicemail messages: %s", error->message);
}

static gboolean
connected_idle_cb (gpointer user_data)
{
  g_autoptr(TrVoicemailBox) self = g_weak_ref_get (user_data);
  g_autoptr(TrCallAgent) agent = self ? g_weak_ref_get (&self->agent) : NULL;

  if (self == NULL)
    return G_SOURCE_REMOVE;

  self->connected_idle = 0;
  if (agent != NULL && tr_call_agent_get_connection_state (agent) == TR_CONNECTION_STATE_CONNECTED)
    tr_voicemail_box_refresh_async (self, NULL, connected_list_cb, NULL);

  return G_SOURCE_REMOVE;
}

static void
weak_ref_free (GWeakRef *ref)
{
  g_weak_ref_clear (ref);
  g_free (ref);
}

void
_tr_voicemail_box_connected (TrVoicemailBox *self)
{
  GWeakRef *ref;

  g_return_if_fail (TR_IS_VOICEMAIL_BOX (self));

  /* From the main loop, not from within the welcome: whoever connects and drops the agent at
   * once (a probe, a test) has no list request in flight that keeps the agent alive. */
  if (self->connected_idle != 0)
    return;
  ref = g_new0 (GWeakRef, 1);
  g_weak_ref_init (ref, self);
  self->connected_idle = g_idle_add_full (G_PRIORITY_DEFAULT_IDLE, connected_idle_cb, ref,
                                          (GDestroyNotify) weak_ref_free);
}

void
_tr_voicemail_box_handle_new (TrVoicemailBox *self,
                              TrMessage      *event)
{
  g_autoptr(TrVoicemail) message = NULL;
  JsonObject *object = tr_message_get_member_object (event, "message");

  g_return_if_fail (TR_IS_VOICEMAIL_BOX (self));

  message = _tr_voicemail_new_from_json (object);
  if (message == NULL || find_message (self, tr_voicemail_get_id (message), NULL))
    return;

  g_object_ref (self);
  g_ptr_array_insert (self->messages, 0, g_object_ref (message));
  g_list_model_items_changed (G_LIST_MODEL (self), 0, 0, 1);
  set_unheard_count (self, (guint) MAX (0, tr_message_get_int (event, "unheard",
                                                              self->unheard_count + 1)));
  g_signal_emit (self, signals[MESSAGE_ADDED], 0, message);
  g_object_unref (self);
}

typedef struct
{
  TrVoicemail  *message;
  GFile        *destination;   /* save_audio */
  GInputStream *audio;         /* save_audio: the fetched body */
  guint         http_status;   /* fetch_audio: of a refusal */
} MessageData;

static void
message_data_free (MessageData *data)
{
  g_clear_object (&data->message);
  g_clear_object (&data->destination);
  g_clear_object (&data->audio);
  g_free (data);
}

static GTask *
message_task_new (TrVoicemailBox     *self,
                  TrVoicemail        *message,
                  GCancellable       *cancellable,
                  GAsyncReadyCallback callback,
                  gpointer            user_data,
                  gpointer            source_tag)
{
  GTask *task = g_task_new (self, cancellable, callback, user_data);
  MessageData *data = g_new0 (MessageData, 1);

  g_task_set_source_tag (task, source_tag);
  data->message = g_object_ref (message);
  g_task_set_task_data (task, data, (GDestroyNotify) message_data_free);

  return task;
}

/* Sends the request @type about @message; @callback completes @task (transfer full). */
static void
message_request (TrVoicemailBox     *self,
                 TrVoicemail        *message,
                 TrMessageType       type,
                 GCancellable       *cancellable,
                 GAsyncReadyCallback callback,
                 GTask              *task)
{
  g_autoptr(GTask) owned_task = task;
  g_autoptr(TrCallAgent) agent = NULL;
  g_autoptr(TrMessage) request = NULL;

  if ((agent = dup_agent_or_error (self, owned_task)) == NULL)
    return;

  request = _tr_call_agent_new_request (agent, type);
  tr_message_set_string (request, "message", tr_voicemail_get_id (message));
  _tr_call_agent_request_async (agent, request, cancellable, callback,
                                g_steal_pointer (&owned_task));
}

static void
mark_heard_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  TrVoicemailBox *self = g_task_get_source_object (task);
  MessageData *data = g_task_get_task_data (task);
  g_autoptr(TrMessage) reply = NULL;
  g_autoptr(GError) error = NULL;
  gboolean was_heard = tr_voicemail_get_heard (data->message);

  reply = _tr_call_agent_request_finish (TR_CALL_AGENT (object), result, &error);
  if (reply == NULL)
    {
      if (g_error_matches (error, TR_ERROR, TR_STATUS_UNKNOWN_MESSAGE))
        remove_message (self, tr_voicemail_get_id (data->message));   /* gone elsewhere */
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  _tr_voicemail_update (data->message,
                        _tr_json_get_object (tr_message_reply_get_result (reply), "message"));
  if (!was_heard && tr_voicemail_get_heard (data->message) && self->unheard_count > 0
      && find_message (self, tr_voicemail_get_id (data->message), NULL))
    set_unheard_count (self, self->unheard_count - 1);

  g_task_return_boolean (task, TRUE);
}

void
tr_voicemail_box_mark_heard_async (TrVoicemailBox     *self,
                                   TrVoicemail        *message,
                                   GCancellable       *cancellable,
                                   GAsyncReadyCallback callback,
                                   gpointer            user_data)
{
  g_return_if_fail (TR_IS_VOICEMAIL_BOX (self));
  g_return_if_fail (TR_IS_VOICEMAIL (message));

  message_request (self, message, TR_REQ_VOICEMAIL_MARK_HEARD, cancellable, mark_heard_cb,
                   message_task_new (self, message, cancellable, callback, user_data,
                                     tr_voicemail_box_mark_heard_async));
}

gboolean
tr_voicemail_box_mark_heard_finish (TrVoicemailBox *self,
                                    GAsyncResult   *result,
                                    GError        **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
delete_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  TrVoicemailBox *self = g_task_get_source_object (task);
  MessageData *data = g_task_get_task_data (task);
  g_autoptr(TrMessage) reply = NULL;
  g_autoptr(GError) error = NULL;

  reply = _tr_call_agent_request_finish (TR_CALL_AGENT (object), result, &error);
  if (reply == NULL && !g_error_matches (error, TR_ERROR, TR_STATUS_UNKNOWN_MESSAGE))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  /* 404/3: it is not there any more either way; still reported. */
  remove_message (self, tr_voicemail_get_id (data->message));
  if (error != NULL)
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_boolean (task, TRUE);
}

void
tr_voicemail_box_delete_async (TrVoicemailBox     *self,
                               TrVoicemail        *message,
                               GCancellable       *cancellable,
                               GAsyncReadyCallback callback,
                               gpointer            user_data)
{
  g_return_if_fail (TR_IS_VOICEMAIL_BOX (self));
  g_return_if_fail (TR_IS_VOICEMAIL (message));

  message_request (self, message, TR_REQ_VOICEMAIL_DELETE, cancellable, delete_cb,
                   message_task_new (self, message, cancellable, callback, user_data,
                                     tr_voicemail_box_delete_async));
}

gboolean
tr_voicemail_box_delete_finish (TrVoicemailBox *self,
                                GAsyncResult   *result,
                                GError        **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/* Audio (REST). */

static void
error_body_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GBytes) body = NULL;
  g_autoptr(JsonObject) error_object = NULL;

  body = g_input_stream_read_bytes_finish (G_INPUT_STREAM (object), result, NULL);
  error_object = _tr_json_error_from_body (body);

  if (error_object != NULL)
    g_task_return_error (task, tr_error_new_from_json (error_object));
  else
    g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_FAILED,
                             "The server answered HTTP %u",
                             ((MessageData *) g_task_get_task_data (task))->http_status);
}

static void
audio_sent_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GInputStream) stream = NULL;
  g_autoptr(GError) error = NULL;
  SoupMessage *msg = soup_session_get_async_result_message (SOUP_SESSION (object), result);
  guint status;

  stream = soup_session_send_finish (SOUP_SESSION (object), result, &error);
  if (stream == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  status = soup_message_get_status (msg);
  if (status != SOUP_STATUS_OK)
    {
      /* The body is the protocol's {"error": Error}. */
      GCancellable *cancellable = g_task_get_cancellable (task);

      ((MessageData *) g_task_get_task_data (task))->http_status = status;
      g_input_stream_read_bytes_async (stream, 65536, G_PRIORITY_DEFAULT, cancellable,
                                       error_body_cb, g_steal_pointer (&task));
      return;
    }

  g_task_return_pointer (task, g_steal_pointer (&stream), g_object_unref);
}

void
tr_voicemail_box_fetch_audio_async (TrVoicemailBox     *self,
                                    TrVoicemail        *message,
                                    GCancellable       *cancellable,
                                    GAsyncReadyCallback callback,
                                    gpointer            user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(TrCallAgent) agent = NULL;
  g_autoptr(SoupMessage) msg = NULL;
  g_autofree char *escaped = NULL;
  g_autofree char *path = NULL;

  g_return_if_fail (TR_IS_VOICEMAIL_BOX (self));
  g_return_if_fail (TR_IS_VOICEMAIL (message));

  task = message_task_new (self, message, cancellable, callback, user_data,
                           tr_voicemail_box_fetch_audio_async);
  if ((agent = dup_agent_or_error (self, task)) == NULL)
    return;

  escaped = g_uri_escape_string (tr_voicemail_get_id (message), NULL, FALSE);
  path = g_strconcat ("/v1/me/voicemail/", escaped, "/audio", NULL);
  msg = _tr_call_agent_new_http_message (agent, "GET", path);
  if (msg == NULL)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                               "Bad server address “%s”", tr_call_agent_get_server_uri (agent));
      return;
    }

  if (self->session == NULL)
    self->session = soup_session_new ();
  soup_session_send_async (self->session, msg, G_PRIORITY_DEFAULT, cancellable, audio_sent_cb,
                           g_steal_pointer (&task));
}

GInputStream *
tr_voicemail_box_fetch_audio_finish (TrVoicemailBox *self,
                                     GAsyncResult   *result,
                                     GError        **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
splice_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;

  if (g_output_stream_splice_finish (G_OUTPUT_STREAM (object), result, &error) < 0)
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_boolean (task, TRUE);
}

static void
file_replaced_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GFileOutputStream) output = NULL;
  g_autoptr(GError) error = NULL;
  MessageData *data = g_task_get_task_data (task);
  GCancellable *cancellable = g_task_get_cancellable (task);

  output = g_file_replace_finish (G_FILE (object), result, &error);
  if (output == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  g_output_stream_splice_async (G_OUTPUT_STREAM (output), data->audio,
                                G_OUTPUT_STREAM_SPLICE_CLOSE_SOURCE
                                | G_OUTPUT_STREAM_SPLICE_CLOSE_TARGET,
                                G_PRIORITY_DEFAULT, cancellable, splice_cb,
                                g_steal_pointer (&task));
}

static void
save_fetched_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  MessageData *data = g_task_get_task_data (task);
  GCancellable *cancellable = g_task_get_cancellable (task);
  g_autoptr(GInputStream) input = NULL;
  g_autoptr(GError) error = NULL;

  input = tr_voicemail_box_fetch_audio_finish (TR_VOICEMAIL_BOX (object), result, &error);
  if (input == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  data->audio = g_steal_pointer (&input);
  g_file_replace_async (data->destination, NULL, FALSE, G_FILE_CREATE_REPLACE_DESTINATION,
                        G_PRIORITY_DEFAULT, cancellable, file_replaced_cb,
                        g_steal_pointer (&task));
}

void
tr_voicemail_box_save_audio_async (TrVoicemailBox     *self,
                                   TrVoicemail        *message,
                                   GFile              *destination,
                                   GCancellable       *cancellable,
                                   GAsyncReadyCallback callback,
                                   gpointer            user_data)
{
  g_autoptr(GTask) task = NULL;
  MessageData *data;

  g_return_if_fail (TR_IS_VOICEMAIL_BOX (self));
  g_return_if_fail (TR_IS_VOICEMAIL (message));
  g_return_if_fail (G_IS_FILE (destination));

  task = message_task_new (self, message, cancellable, callback, user_data,
                           tr_voicemail_box_save_audio_async);
  data = g_task_get_task_data (task);
  data->destination = g_object_ref (destination);

  tr_voicemail_box_fetch_audio_async (self, message, cancellable, save_fetched_cb,
                                      g_steal_pointer (&task));
}

gboolean
tr_voicemail_box_save_audio_finish (TrVoicemailBox *self,
                                    GAsyncResult   *result,
                                    GError        **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}
