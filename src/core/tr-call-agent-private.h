/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <libsoup/soup.h>

#include "tr-call-agent.h"
#include "tr-device-manager.h"
#include "tr-media-session.h"
#include "tr-message.h"

G_BEGIN_DECLS

TrCallAgent *_tr_call_agent_new (const char               *server_uri,
                                 TrTokenCredential        *credential,
                                 const TrCallAgentOptions *options) G_GNUC_WARN_UNUSED_RESULT;
/* Starts the first connection; completes when CONNECTED (welcome) or on the first failure. */
void         _tr_call_agent_connect_async  (TrCallAgent *self, GCancellable *cancellable,
                                            GAsyncReadyCallback callback, gpointer user_data);
gboolean     _tr_call_agent_connect_finish (TrCallAgent *self, GAsyncResult *result, GError **error);

/* A request of @type with a fresh id. */
TrMessage   *_tr_call_agent_new_request (TrCallAgent *self, TrMessageType type) G_GNUC_WARN_UNUSED_RESULT;
/* Sends @request and waits for its reply (timeout: options' request_timeout_ms). The finish
 * gives the ok reply (transfer full); error replies become TR_ERROR errors. */
void         _tr_call_agent_request_async  (TrCallAgent *self, TrMessage *request,
                                            GCancellable *cancellable,
                                            GAsyncReadyCallback callback, gpointer user_data);
TrMessage   *_tr_call_agent_request_finish (TrCallAgent *self, GAsyncResult *result,
                                            GError **error) G_GNUC_WARN_UNUSED_RESULT;

/* An HTTP request of @method for @path on the server (its http(s):// address), with the agent's
 * token in the Authorization header; NULL when the server address is not one. */
SoupMessage *_tr_call_agent_new_http_message (TrCallAgent *self, const char *method,
                                              const char *path) G_GNUC_WARN_UNUSED_RESULT;

/* Places @call (outgoing, state NONE): adds it to "calls", sends call.start (with @transfer_id
 * and @replaces when set, `voicemail: true` with @voicemail: to the callee's mailbox); completes
 * with the call (transfer full) once RINGING. */
void         _tr_call_agent_place_call_async  (TrCallAgent *self, TrCall *call,
                                               const char *transfer_id, const char *replaces,
                                               gboolean voicemail,
                                               GCancellable *cancellable,
                                               GAsyncReadyCallback callback, gpointer user_data);
TrCall      *_tr_call_agent_place_call_finish (TrCallAgent *self, GAsyncResult *result,
                                               GError **error) G_GNUC_WARN_UNUSED_RESULT;

void         _tr_call_agent_add_call      (TrCallAgent *self, TrCall *call);
/* Called by TrCall when it reaches DISCONNECTED. */
void         _tr_call_agent_remove_call   (TrCallAgent *self, TrCall *call);
/* Called by TrCall when it learns its id: replays events that arrived before. */
void         _tr_call_agent_bind_call_id  (TrCallAgent *self, TrCall *call);
void         _tr_call_agent_remove_incoming_call (TrCallAgent *self, TrIncomingCall *incoming);
/* Follows `transfer.state` events for @transfer (which has its id). */
void         _tr_call_agent_track_transfer (TrCallAgent *self, TrTransfer *transfer);

/* The client's device manager, which calls of this agent use. */
void             _tr_call_agent_set_device_manager (TrCallAgent *self, TrDeviceManager *devices);
TrDeviceManager *_tr_call_agent_get_device_manager (TrCallAgent *self);
/* (nullable) the media configuration of calls (ICE servers from `welcome`, loopback ICE, device
 * overrides); NULL when media is off (options' no_media, TRANSFER_MEDIA=0). */
const TrMediaConfig *_tr_call_agent_get_media_config (TrCallAgent *self);

G_END_DECLS
