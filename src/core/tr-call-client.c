/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "TrCallClient"

#include "config.h"

#include "tr-call-agent-private.h"
#include "tr-call-client.h"
#include "tr-token-credential.h"

struct _TrCallClient
{
  GObject parent_instance;
};

G_DEFINE_FINAL_TYPE (TrCallClient, tr_call_client, G_TYPE_OBJECT)

static void
tr_call_client_class_init (TrCallClientClass *klass)
{
}

static void
tr_call_client_init (TrCallClient *self)
{
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
