/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gst/gst.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/**
 * TrLineMediaConfig:
 * @enabled: FALSE: lines answer calls but run no media (the server's signaling-only tests:
 *   ICE must never run outside a loopback-only network namespace)
 * @ice_loopback: restrict ICE to 127.0.0.1 (libnice ignores loopback otherwise)
 * @stun_server: (nullable): webrtcbin's form, "stun://HOST:PORT"
 * @turn_servers: (nullable): webrtcbin's form, "turn://USER:PASS@HOST:PORT"
 *
 * How the server's own media peers (service lines) do WebRTC.
 */
typedef struct
{
  gboolean enabled;
  gboolean ice_loopback;
  char    *stun_server;
  GStrv    turn_servers;
} TrLineMediaConfig;

TrLineMediaConfig      *
tr_line_media_config_copy (const TrLineMediaConfig *config) G_GNUC_WARN_UNUSED_RESULT;
void tr_line_media_config_free (TrLineMediaConfig *config);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (TrLineMediaConfig, tr_line_media_config_free)

/* Media calls one line serves at once (each is a webrtcbin pipeline); more are rejected busy. */
#define TR_LINE_MAX_MEDIA_CALLS 32

/* Generates the process's DTLS certificate in a thread, off the first call's path. */
void tr_line_peer_prewarm (void);
/* Waits for it (before the process exits). */
void tr_line_peer_prewarm_join (void);

#define TR_TYPE_LINE_PEER (tr_line_peer_get_type ())
G_DECLARE_FINAL_TYPE (TrLinePeer, tr_line_peer, TR, LINE_PEER, GObject)

/**
 * TrLinePeerHandlers:
 * @build_send: main thread, once the offer is known and before the answer: add the send branch
 *   of @audio (Opus) or video (VP8) to @pipeline and return the element whose "src" pad feeds
 *   webrtcbin, its payloader set to @pt (the offer's payload type); NULL sends nothing of it
 * @incoming: a streaming thread: webrtcbin has a new incoming RTP stream @pad: link it inside
 *   @pipeline and return TRUE; FALSE lets the peer discard it
 *
 * What a line does with the media. The peer does the rest: the answerer side of
 * docs/protocol.md "Media signaling" (the offer's payload types, trickle ICE both ways).
 */
typedef struct
{
  GstElement *(*build_send) (TrLinePeer *peer, GstBin *pipeline, gboolean audio, int pt,
                             gpointer user_data);
  gboolean (*incoming) (TrLinePeer *peer, GstBin *pipeline, GstPad *pad, gboolean audio,
                        gpointer user_data);
} TrLinePeerHandlers;

/* Signal "local-signal" (JsonObject *payload): a `call.signal` payload to send to the caller;
 * emitted on the main context. */
TrLinePeer *tr_line_peer_new (const char *call_id, const TrLineMediaConfig *config,
                              const TrLinePeerHandlers *handlers,
                              gpointer                  user_data) G_GNUC_WARN_UNUSED_RESULT;
/* A `call.signal` payload from the caller: an offer, or an ICE candidate. */
void        tr_line_peer_handle_signal (TrLinePeer *self, JsonObject *payload);
const char *tr_line_peer_get_call_id (TrLinePeer *self);
/* (nullable) (transfer none) the pipeline once the offer arrived. */
GstElement *tr_line_peer_get_pipeline (TrLinePeer *self);
/* Running time of the pipeline now (0 before it runs). */
GstClockTime tr_line_peer_get_running_time (TrLinePeer *self);
/* Stops the media; no more signals. */
void tr_line_peer_close (TrLinePeer *self);

G_END_DECLS
