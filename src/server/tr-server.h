/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "tr-server-types.h"
#include "tr-signaling.h"
#include "tr-store.h"

G_BEGIN_DECLS

#define TR_SERVER_DEFAULT_LISTEN "127.0.0.1:7443"

/**
 * TrServerConfig:
 * @stun_server: (nullable): "stun://HOST:PORT", for clients (welcome.ice_servers) and the lines
 * @turn_servers: (nullable): "turn://USER:PASS@HOST:PORT" (or turns://)
 * @ice_loopback: the lines' ICE uses 127.0.0.1 only (local mode, tests)
 * @media: FALSE: the lines answer without media (signaling-only tests)
 * @voicemail_max_seconds: longest voicemail message
 * @voicemail_quota: most messages a user keeps
 * @voicemail_greeting: (nullable): the default greeting (Ogg/Opus)
 */
typedef struct
{
  char    *stun_server;
  GStrv    turn_servers;
  gboolean ice_loopback;
  gboolean media;
  guint    voicemail_max_seconds;
  guint    voicemail_quota;
  char    *voicemail_greeting;
} TrServerConfig;

/* Defaults: media on, 120 s, 100 messages. */
void tr_server_config_init (TrServerConfig *config);
void tr_server_config_clear (TrServerConfig *config);

#define TR_TYPE_SERVER (tr_server_get_type ())
G_DECLARE_FINAL_TYPE (TrServer, tr_server, TR, SERVER, GObject)

/* Opens (creating when needed) the data directory: database, secret, admin key; creates the
 * service lines. */
TrServer *tr_server_new (const char *data_dir, GError **error) G_GNUC_WARN_UNUSED_RESULT;
/* Fails on a bad STUN/TURN URL (G_IO_ERROR_INVALID_ARGUMENT) too. */
TrServer *tr_server_new_full (const char *data_dir, const TrServerConfig *config,
                              GError **error) G_GNUC_WARN_UNUSED_RESULT;
gboolean  tr_server_set_tls_files (TrServer *self, const char *cert_file, const char *key_file,
                                   GError **error);
/*
 * @address: "HOST:PORT" ("[::1]:PORT" for IPv6; port 0 picks a free one). Plain HTTP on a
 * non-loopback address needs @allow_insecure.
 */
gboolean tr_server_listen (TrServer *self, const char *address, gboolean allow_insecure,
                           GError **error);
/* "http://127.0.0.1:PORT" once listening. */
char        *tr_server_dup_uri (TrServer *self) G_GNUC_WARN_UNUSED_RESULT;
TrSignaling *tr_server_get_signaling (TrServer *self);
TrStore     *tr_server_get_store (TrServer *self);
/* Stops listening, closes the sessions (waits up to @timeout_ms for their close handshakes),
 * flushes the records and closes the database. */
void tr_server_shutdown (TrServer *self, guint timeout_ms);

G_END_DECLS
