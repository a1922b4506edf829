/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "tr-types.h"
#include "tr-call-agent-options.h"

G_BEGIN_DECLS

#define TR_TYPE_CALL_CLIENT (tr_call_client_get_type ())
G_DECLARE_FINAL_TYPE (TrCallClient, tr_call_client, TR, CALL_CLIENT, GObject)

/**
 * TrCallClient:
 *
 * The entry point of the model. Owns the #TrDeviceManager (property "device-manager") that
 * the calls of its agents use.
 */
TrCallClient *tr_call_client_new (void) G_GNUC_WARN_UNUSED_RESULT;
/* (transfer none) */
TrDeviceManager *tr_call_client_get_device_manager (TrCallClient *self);

/**
 * tr_call_client_create_agent_async:
 * @server_uri: `http://host:port` or `https://…` (`ws://`/`wss://` accepted too)
 * @credential: the user's token
 * @options: (nullable): reconnect/timeout options; NULL for the defaults
 *
 * Connects a new #TrCallAgent and completes once it is CONNECTED (the server's `welcome`
 * arrived). The first connection is not retried: errors are TR_ERROR TOKEN_EXPIRED /
 * TOKEN_REVOKED / TOKEN_INVALID / TOKEN_MISSING (HTTP 401 on the handshake; the subcode is the
 * server's, asked from `GET /v1/me` with the same token since the handshake's body is out of
 * reach; TOKEN_EXPIRED or TOKEN_INVALID from the token itself if that fails),
 * G_IO_ERROR_INVALID_ARGUMENT
 * (bad URI), G_IO_ERROR_TIMED_OUT, or the transport's error (G_IO_ERROR, SOUP_*) when the
 * server cannot be reached. Later losses reconnect by themselves.
 */
void          tr_call_client_create_agent_async  (TrCallClient             *self,
                                                  const char               *server_uri,
                                                  TrTokenCredential        *credential,
                                                  const TrCallAgentOptions *options,
                                                  GCancellable             *cancellable,
                                                  GAsyncReadyCallback       callback,
                                                  gpointer                  user_data);
TrCallAgent  *tr_call_client_create_agent_finish (TrCallClient  *self,
                                                  GAsyncResult  *result,
                                                  GError       **error) G_GNUC_WARN_UNUSED_RESULT;

G_END_DECLS
