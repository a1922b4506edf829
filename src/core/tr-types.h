/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

typedef struct _TrCallAgent        TrCallAgent;
typedef struct _TrCallClient       TrCallClient;
typedef struct _TrCall             TrCall;
typedef struct _TrCallRecord       TrCallRecord;
typedef struct _TrCallTransfer     TrCallTransfer;
typedef struct _TrDevice           TrDevice;
typedef struct _TrDeviceManager    TrDeviceManager;
typedef struct _TrDirectoryEntry   TrDirectoryEntry;
typedef struct _TrIdentifier       TrIdentifier;
typedef struct _TrIncomingCall     TrIncomingCall;
typedef struct _TrRemoteParticipant TrRemoteParticipant;
typedef struct _TrTokenCredential  TrTokenCredential;
typedef struct _TrTransfer         TrTransfer;
typedef struct _TrTransferLocator  TrTransferLocator;
typedef struct _TrVoicemail        TrVoicemail;
typedef struct _TrVoicemailBox     TrVoicemailBox;

struct _GstSample;

/**
 * TrVideoFrameFunc:
 * @sample: a decoded video frame (video/x-raw, BGRx), owned by the caller
 * @user_data: the data given with the function
 *
 * Receives video frames (the remote party's video, a camera preview). Called on a GStreamer
 * streaming thread: take a reference to @sample and hand it to the main context.
 */
typedef void (*TrVideoFrameFunc) (struct _GstSample *sample,
                                  gpointer           user_data);

/**
 * TrConnectionState:
 * @TR_CONNECTION_STATE_DISCONNECTED: no usable signaling connection; see #TrDisconnectReason
 * @TR_CONNECTION_STATE_CONNECTING: connecting for the first time, or reconnecting after a loss
 *   (never shown as "connected" while a reconnect runs)
 * @TR_CONNECTION_STATE_CONNECTED: signed in; the server's `welcome` has arrived
 */
typedef enum
{
  TR_CONNECTION_STATE_DISCONNECTED,
  TR_CONNECTION_STATE_CONNECTING,
  TR_CONNECTION_STATE_CONNECTED,
} TrConnectionState;

/**
 * TrDisconnectReason:
 * @TR_DISCONNECT_REASON_NONE: not disconnected, or disconnected on purpose
 * @TR_DISCONNECT_REASON_INVALID_TOKEN: the server rejected the token (HTTP 401 on the handshake,
 *   or close code 4001); a new token (tr_token_credential_update_token()) or
 *   tr_call_agent_reconnect_now() restarts the connection
 * @TR_DISCONNECT_REASON_CONNECTION_ISSUE: the bounded reconnect attempts failed; the agent keeps
 *   probing at the maximum delay, tr_call_agent_reconnect_now() tries at once
 */
typedef enum
{
  TR_DISCONNECT_REASON_NONE,
  TR_DISCONNECT_REASON_INVALID_TOKEN,
  TR_DISCONNECT_REASON_CONNECTION_ISSUE,
} TrDisconnectReason;

typedef enum
{
  TR_CALL_DIRECTION_OUTGOING,
  TR_CALL_DIRECTION_INCOMING,
} TrCallDirection;

/**
 * TrCallState:
 *
 * NONE → CONNECTING → RINGING → CONNECTED ⇄ LOCAL_HOLD / REMOTE_HOLD → DISCONNECTING →
 * DISCONNECTED. tr_call_state_can_transition() is the table of legal moves.
 * LOCAL_HOLD wins when both sides hold.
 */
typedef enum
{
  TR_CALL_STATE_NONE,
  TR_CALL_STATE_CONNECTING,
  TR_CALL_STATE_RINGING,
  TR_CALL_STATE_CONNECTED,
  TR_CALL_STATE_LOCAL_HOLD,
  TR_CALL_STATE_REMOTE_HOLD,
  TR_CALL_STATE_DISCONNECTING,
  TR_CALL_STATE_DISCONNECTED,
} TrCallState;

/**
 * TrTransferState:
 *
 * NONE → TRANSFERRING → TRANSFERRED | FAILED (NONE → FAILED when the request is refused).
 * TRANSFERRED and FAILED are final.
 */
typedef enum
{
  TR_TRANSFER_STATE_NONE,
  TR_TRANSFER_STATE_TRANSFERRING,
  TR_TRANSFER_STATE_TRANSFERRED,
  TR_TRANSFER_STATE_FAILED,
} TrTransferState;

typedef enum
{
  TR_IDENTIFIER_KIND_USER,
  TR_IDENTIFIER_KIND_UNKNOWN,
} TrIdentifierKind;

typedef enum
{
  TR_TRANSFER_LOCATOR_KIND_PARTICIPANT,
  TR_TRANSFER_LOCATOR_KIND_CALL,
  TR_TRANSFER_LOCATOR_KIND_VOICEMAIL,
} TrTransferLocatorKind;

typedef enum
{
  TR_REJECT_REASON_DECLINED,
  TR_REJECT_REASON_BUSY,
} TrRejectReason;

typedef enum
{
  TR_DIRECTORY_ENTRY_KIND_USER,
  TR_DIRECTORY_ENTRY_KIND_SERVICE,
} TrDirectoryEntryKind;

/**
 * TrDeviceKind:
 * @TR_DEVICE_KIND_MICROPHONE: an audio input
 * @TR_DEVICE_KIND_SPEAKER: an audio output
 * @TR_DEVICE_KIND_CAMERA: a video input
 */
typedef enum
{
  TR_DEVICE_KIND_MICROPHONE,
  TR_DEVICE_KIND_SPEAKER,
  TR_DEVICE_KIND_CAMERA,
} TrDeviceKind;

G_END_DECLS
