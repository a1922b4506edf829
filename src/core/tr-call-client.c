/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "TrCallClient"

#include "config.h"

#include "tr-call-agent-private.h"
#include "tr-call-client.h"
#include "tr-device-manager.h"
#include "tr-media-session.h"
#include "tr-token-credential.h"

enum {
  PROP_0,
  PROP_DEVICE_MANAGER,
  N_PROPS
};

static GParamSpec *props[N_PROPS];

struct _TrCallClient
{
  GObject          parent_instance;
  TrDeviceManager *devices;
};

G_DEFINE_FINAL_TYPE (TrCallClient, tr_call_client, G_TYPE_OBJECT)

static void
tr_call_client_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  TrCallClient *self = TR_CALL_CLIENT (object);

  switch (prop_id)
    {
    case PROP_DEVICE_MANAGER:
      g_value_set_object (value, self->devices);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tr_call_client_dispose (GObject *object)
{
  TrCallClient *self = TR_CALL_CLIENT (object);

  g_clear_object (&self->devices);
  tr_media_prewarm_join ();

  G_OBJECT_CLASS (tr_call_client_parent_class)->dispose (object);
}

static void
tr_call_client_class_init (TrCallClientClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->get_property = tr_call_client_get_property;
  object_class->dispose = tr_call_client_dispose;

  props[PROP_DEVICE_MANAGER] = g_param_spec_object ("device-manager", NULL, NULL,
                                                    TR_TYPE_DEVICE_MANAGER,
                                                    G_PARAM_READABLE | G_PARAM_STATIC_STRINGS
                                                    | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, props);
}

static void
tr_call_client_init (TrCallClient *self)
{
  /* Cheap: the device monitor only starts when devices are first asked for. */
  self->devices = tr_device_manager_new ();
}

TrDeviceManager *
tr_call_client_get_device_manager (TrCallClient *self)
{
  g_return_val_if_fail (TR_IS_CALL_CLIENT (self), NULL);

  return self->devices;
}

TrCallClient *
tr_call_client_new (void)
{
  return g_object_new (TR_TYPE_CALL_CLIENT, NULL);
}

static void
agent_connect_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;
  TrCallAgent *agent = TR_CALL_AGENT (object);

  if (!_tr_call_agent_connect_finish (agent, result, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  g_task_return_pointer (task, g_object_ref (agent), g_object_unref);
}

void
tr_call_client_create_agent_async (TrCallClient             *self,
                                   const char               *server_uri,
                                   TrTokenCredential        *credential,
                                   const TrCallAgentOptions *options,
                                   GCancellable             *cancellable,
                                   GAsyncReadyCallback       callback,
                                   gpointer                  user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(TrCallAgent) agent = NULL;

  g_return_if_fail (TR_IS_CALL_CLIENT (self));
  g_return_if_fail (server_uri != NULL);
  g_return_if_fail (TR_IS_TOKEN_CREDENTIAL (credential));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, tr_call_client_create_agent_async);

  if (!g_str_has_prefix (server_uri, "http://") && !g_str_has_prefix (server_uri, "https://")
      && !g_str_has_prefix (server_uri, "ws://") && !g_str_has_prefix (server_uri, "wss://"))
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                               "Not a server address: “%s”", server_uri);
      return;
    }

  agent = _tr_call_agent_new (server_uri, credential, options);
  _tr_call_agent_set_device_manager (agent, self->devices);
  _tr_call_agent_connect_async (agent, cancellable, agent_connect_cb, g_steal_pointer (&task));
}

TrCallAgent *
tr_call_client_create_agent_finish (TrCallClient  *self,
                                    GAsyncResult  *result,
                                    GError       **error)
{
  g_return_val_if_fail (TR_IS_CALL_CLIENT (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}
