/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/* Private to src/core: not in transfer-core.h. */

#include <gst/gst.h>
#include <json-glib/json-glib.h>

#include "tr-device-manager.h"

G_BEGIN_DECLS

/**
 * TrMediaConfig:
 * @stun_server: (nullable): `stun://host:port` for webrtcbin's "stun-server"
 * @turn_servers: (nullable): `turn://user:password@host:port` URIs ("add-turn-server")
 * @ice_loopback: add 127.0.0.1 to the ICE agent (libnice ignores loopback otherwise); for
 *   tests and local use, inside a loopback-only network namespace
 * @microphone: (nullable): NULL (the device manager's selection), "none" (silence),
 *   "tone:FREQ" (a sine of FREQ Hz), or a device id or name
 * @speaker: (nullable): NULL (the device manager's), "none", or a device id or name
 * @camera: (nullable): NULL (the device manager's), "none", "test" (the test camera), or a device
 *   id or name
 */
typedef struct
{
  char     *stun_server;
  GStrv     turn_servers;
  gboolean  ice_loopback;
  char     *microphone;
  char     *speaker;
  char     *camera;
} TrMediaConfig;

TrMediaConfig *tr_media_config_copy (const TrMediaConfig *config) G_GNUC_WARN_UNUSED_RESULT;
/* From `welcome.ice_servers` ([{"urls": [..], "username"?, "credential"?}]): the first `stun:`/
 * `stuns:` URL becomes @stun_server (`stun://host:port`), every `turn:`/`turns:` URL a TURN URI
 * (`turn[s]://user:password@host:port[?transport=tcp]`, user and password escaped). Replaces
 * what @config had; NULL or [] clears both. */
void           tr_media_config_set_ice_servers (TrMediaConfig *config, JsonArray *servers);
void           tr_media_config_free (TrMediaConfig *config);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (TrMediaConfig, tr_media_config_free)

/* What a session has seen, for tests and the benchmark. Times are g_get_monotonic_time(). */
typedef struct
{
  gboolean running;              /* the pipeline exists */
  gint64   started_us;           /* tr_media_session_start() */
  gint64   first_audio_us;       /* first decoded audio buffer, 0 = none yet */
  guint64  audio_buffers;        /* decoded audio buffers */
  guint64  video_frames;         /* decoded video frames */
  gint64   last_video_frame_us;
  int      video_width;
  int      video_height;
} TrMediaStats;

#define TR_TYPE_MEDIA_SESSION (tr_media_session_get_type ())
G_DECLARE_FINAL_TYPE (TrMediaSession, tr_media_session, TR, MEDIA_SESSION, GObject)

/**
 * TrMediaSession:
 *
 * The media of one call: one `webrtcbin` pipeline (Opus, VP8, DTLS-SRTP, max-bundle, latency
 * 50 ms). Offer/answer and trickle ICE travel as `call.signal` payloads (docs/protocol.md,
 * "Media signaling"): the session emits "local-signal" (JsonObject *payload) on the main
 * context for each payload to send, and takes the other side's with
 * tr_media_session_handle_signal() (kept until the session starts).
 *
 * The caller's session is started as offerer once the call has its server id (RINGING); the
 * callee's as answerer when the user accepts. Mute, camera and hold act on the send branches
 * (volume / valve) and playback, without renegotiation. Closing tears the pipeline down.
 *
 * Property "warning" (string, nullable): why media is degraded (no microphone, no speaker, no
 * camera, a failed device), for the call's "media-warning".
 */
TrMediaSession *tr_media_session_new           (const char *call_id) G_GNUC_WARN_UNUSED_RESULT;
void            tr_media_session_set_call_id   (TrMediaSession *self, const char *call_id);
/* Before start: the devices and ICE configuration. @devices may be NULL (no device at all). */
void            tr_media_session_configure     (TrMediaSession      *self,
                                                TrDeviceManager     *devices,
                                                const TrMediaConfig *config);
/* Builds the pipeline. An offerer sends its offer at once; an answerer waits for the offer. */
void            tr_media_session_start         (TrMediaSession *self, gboolean offerer);
gboolean        tr_media_session_is_started    (TrMediaSession *self);
/* A new pipeline and, for an offerer, a new offer (the call moved to another callee). */
void            tr_media_session_restart       (TrMediaSession *self);
/* A `call.signal` payload from the other party. */
void            tr_media_session_handle_signal (TrMediaSession *self, JsonObject *payload);
void            tr_media_session_set_muted     (TrMediaSession *self, gboolean muted);
void            tr_media_session_set_camera    (TrMediaSession *self, gboolean enabled);
/* The remote party's decoded video (BGRx) goes to @func, on a streaming thread; NULL stops it. */
void            tr_media_session_set_video_func (TrMediaSession *self, TrVideoFrameFunc func,
                                                 gpointer user_data, GDestroyNotify destroy);
/* Hold (either side): nothing is sent and playback is silent; no renegotiation. */
void            tr_media_session_set_hold      (TrMediaSession *self, gboolean hold);
const char     *tr_media_session_get_warning   (TrMediaSession *self);
void            tr_media_session_get_stats     (TrMediaSession *self, TrMediaStats *stats);
/* (nullable) (transfer none) for tests: the pipeline while it runs */
GstElement     *tr_media_session_get_pipeline  (TrMediaSession *self);
void            tr_media_session_close         (TrMediaSession *self);
gboolean        tr_media_session_is_closed     (TrMediaSession *self);

/* Generates the process's DTLS certificate in a thread (the first offer/answer would otherwise
 * wait 0.1–0.8 s for an RSA key). Idempotent. */
void            tr_media_prewarm               (void);
/* Waits for the prewarm to finish, if one was started; call before the process exits
 * (TrCallClient does it when it is finalized). Main thread only. */
void            tr_media_prewarm_join          (void);
/* How long the prewarm's key generation took (µs), 0 until it finished. */
gint64          tr_media_prewarm_duration      (void);

G_END_DECLS
