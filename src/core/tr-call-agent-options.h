/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

/**
 * TrCallAgentOptions:
 * @reconnect_base_delay_ms: delay before the first reconnect attempt (before jitter); 1000
 * @reconnect_max_delay_ms: cap of the exponential backoff, also the probing interval once the
 *   agent gave up (DISCONNECTED, CONNECTION_ISSUE); 30000
 * @reconnect_max_attempts: failed attempts in a row before DISCONNECTED(CONNECTION_ISSUE); 6
 * @request_timeout_ms: how long a request waits for its reply; 15000
 * @connect_timeout_ms: how long one connection attempt (handshake + welcome) may take; 10000
 * @keepalive_interval_s: WebSocket ping interval, 0 = none; 20
 * @display_name: (nullable): unused by protocol v1; kept for the UI
 * @ice_loopback: restrict ICE to loopback: adds 127.0.0.1 to the ICE agent (libnice ignores
 *   loopback otherwise). For tests and local use inside a loopback-only network namespace.
 *   Also set by the environment variable `TRANSFER_ICE_LOOPBACK=1`. FALSE
 * @no_media: signaling only, no media pipelines (tests outside a network namespace, load
 *   generation). Also set by `TRANSFER_MEDIA=0`. FALSE
 * @microphone: (nullable): this agent's microphone instead of the device manager's selection:
 *   a device id or name, "tone:FREQ" (a sine wave of FREQ Hz) or "none" (silence)
 * @speaker: (nullable): this agent's speaker (device id or name, or "none")
 * @camera: (nullable): this agent's camera (device id or name, "test" for the test camera, or
 *   "none")
 * @media_on_demand: start the media stack (GStreamer, the DTLS certificate) when the first call
 *   is placed or rings instead of when the agent is made: about 7 MiB less while idle, but the
 *   first call's offer or answer waits for the key (100–650 ms; during ringing for incoming
 *   calls). The app sets it. FALSE
 *
 * Options of tr_call_client_create_agent_async(). Boxed, copyable; tr_call_agent_options_new()
 * fills the defaults above. Tests use short delays.
 */
typedef struct
{
  guint  reconnect_base_delay_ms;
  guint  reconnect_max_delay_ms;
  guint  reconnect_max_attempts;
  guint  request_timeout_ms;
  guint  connect_timeout_ms;
  guint  keepalive_interval_s;
  char  *display_name;
  gboolean ice_loopback;
  gboolean no_media;
  char  *microphone;
  char  *speaker;
  char  *camera;
  gboolean media_on_demand;
} TrCallAgentOptions;

#define TR_TYPE_CALL_AGENT_OPTIONS (tr_call_agent_options_get_type ())
GType               tr_call_agent_options_get_type (void) G_GNUC_CONST;
TrCallAgentOptions *tr_call_agent_options_new  (void) G_GNUC_WARN_UNUSED_RESULT;
TrCallAgentOptions *tr_call_agent_options_copy (const TrCallAgentOptions *self) G_GNUC_WARN_UNUSED_RESULT;
void                tr_call_agent_options_free (TrCallAgentOptions *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TrCallAgentOptions, tr_call_agent_options_free)

/*
 * Backoff with jitter, a pure function (ms): the delay before reconnect attempt @attempt
 * (1-based): exp = MIN (max, base * 2^(attempt-1)); delay = exp / 2 + random01 * exp / 2
 * ("equal jitter"). Always within [MIN (base, max) / 2, max]. @random01 is in [0, 1].
 */
guint tr_backoff_compute_delay (guint attempt, guint base_ms, guint max_ms, double random01);

G_END_DECLS
