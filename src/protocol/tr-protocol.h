/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define TR_PROTOCOL_VERSION           1
#define TR_PROTOCOL_SUBPROTOCOL       "transfer.v1"
#define TR_PROTOCOL_SIGNALING_PATH    "/v1/signaling"
#define TR_PROTOCOL_MAX_FRAME         65536
#define TR_PROTOCOL_MAX_SIGNAL_PAYLOAD 32768
#define TR_PROTOCOL_RATE              100  /* frames per second, sustained */
#define TR_PROTOCOL_BURST             200
#define TR_PROTOCOL_MAX_ID            64
#define TR_PROTOCOL_MAX_DISPLAY_NAME  128
#define TR_PROTOCOL_MAX_DTMF          32
#define TR_PROTOCOL_MAX_PRESENCE_USERS 1000
#define TR_PROTOCOL_MIN_RING_TIMEOUT  1
#define TR_PROTOCOL_MAX_RING_TIMEOUT  300
#define TR_PROTOCOL_DEFAULT_RING_TIMEOUT 30
#define TR_PROTOCOL_TRANSFER_FOLLOW_TIMEOUT 10 /* s the transferee has to place the call */
#define TR_PROTOCOL_MAX_FORWARD_HOPS  5

/* Close codes of the signaling WebSocket. */
#define TR_CLOSE_TOKEN_EXPIRED        4001
#define TR_CLOSE_PROTOCOL_VIOLATION   4002
#define TR_CLOSE_FLOODING             4008

/* 1–64 characters of [A-Za-z0-9._@-]: user ids, call ids, transfer ids. */
gboolean tr_protocol_id_is_valid           (const char *id);
/* 1–64 printable ASCII characters: request ids. */
gboolean tr_protocol_request_id_is_valid   (const char *id);
/* Valid UTF-8, 1–128 characters, no control characters. */
gboolean tr_protocol_display_name_is_valid (const char *name);
/* 1–32 of 0-9 * # A-D. */
gboolean tr_protocol_dtmf_is_valid         (const char *digits);

G_END_DECLS
