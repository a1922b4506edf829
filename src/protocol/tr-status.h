/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/**
 * TrStatus:
 *
 * Every end reason and error of the protocol, as `code * 100 + subcode`
 * (docs/protocol.md, "Error codes"). Code 0 values are normal call ends.
 * The table of names and messages lives in tr-status.c and nowhere else.
 * Errors in the %TR_ERROR domain carry a #TrStatus as their GError code.
 */
typedef enum
{
  TR_STATUS_HANGUP = 0,
  TR_STATUS_TRANSFERRED = 1,
  TR_STATUS_REPLACED = 2,

  TR_STATUS_MALFORMED_JSON = 40001,
  TR_STATUS_UNKNOWN_TYPE = 40002,
  TR_STATUS_MISSING_FIELD = 40003,
  TR_STATUS_INVALID_FIELD = 40004,
  TR_STATUS_TOO_LARGE = 40005,
  TR_STATUS_OUT_OF_ORDER = 40006,

  TR_STATUS_TOKEN_EXPIRED = 40101,
  TR_STATUS_TOKEN_INVALID = 40102,
  TR_STATUS_TOKEN_REVOKED = 40103,
  TR_STATUS_TOKEN_MISSING = 40104,

  TR_STATUS_NOT_PARTICIPANT = 40301,
  TR_STATUS_NOT_YOUR_CALL = 40302,
  TR_STATUS_SCOPE_MISSING = 40303,
  TR_STATUS_ADMIN_REQUIRED = 40304,
  TR_STATUS_TRANSFER_MISMATCH = 40305,

  TR_STATUS_UNKNOWN_IDENTITY = 40401,
  TR_STATUS_FORWARDING_LOOP = 40402,
  TR_STATUS_UNKNOWN_MESSAGE = 40403,

  TR_STATUS_NO_ANSWER = 40801,

  TR_STATUS_RATE_LIMITED = 42901,

  TR_STATUS_OFFLINE = 48001,
  TR_STATUS_CONNECTION_LOST = 48002,
  TR_STATUS_TRANSFEREE_UNRESPONSIVE = 48003,

  TR_STATUS_CALL_NOT_FOUND = 48101,
  TR_STATUS_TARGET_CALL_ENDED = 48102,

  TR_STATUS_BUSY = 48601,
  TR_STATUS_MAILBOX_FULL = 48602,

  TR_STATUS_CANCELLED = 48701,
  TR_STATUS_TRANSFEREE_HUNG_UP = 48702,
  TR_STATUS_ANSWERED_ELSEWHERE = 48703,

  TR_STATUS_TRANSFER_IN_PROGRESS = 49101,

  TR_STATUS_INTERNAL = 50001,
  TR_STATUS_NOT_IMPLEMENTED = 50101,

  TR_STATUS_DECLINED = 60301,
} TrStatus;

#define TR_ERROR (tr_error_quark ())
GQuark tr_error_quark (void);

static inline guint
tr_status_get_code (TrStatus status)
{
  return (guint) status / 100;
}

static inline guint
tr_status_get_subcode (TrStatus status)
{
  return (guint) status % 100;
}

/* TRUE if (code, subcode) is in the table; *out_status is set then. */
gboolean     tr_status_from_parts   (guint code, guint subcode, TrStatus *out_status);
/* "unknown-identity" etc.; NULL for values not in the table. */
const char  *tr_status_get_reason   (TrStatus status);
gboolean     tr_status_from_reason  (const char *reason, TrStatus *out_status);
/* An English developer message ("No answer within the ring timeout"); never NULL. */
const char  *tr_status_get_message  (TrStatus status);
/* The HTTP status a REST reply uses for @status (docs/protocol.md, REST). */
guint        tr_status_get_http_status (TrStatus status);

/* {"code", "subcode", "reason", "message"}; @message may be NULL (the table's is used). */
JsonObject  *tr_status_to_json      (TrStatus status, const char *message) G_GNUC_WARN_UNUSED_RESULT;
/* The same for a GError of the TR_ERROR domain (other domains become TR_STATUS_INTERNAL). */
JsonObject  *tr_error_to_json       (const GError *error) G_GNUC_WARN_UNUSED_RESULT;
/* Parses an Error/EndReason object; FALSE (and @error set, 400/4) if it is not one. */
gboolean     tr_status_from_json    (JsonObject *object, TrStatus *out_status, char **out_message,
                                     GError **error);
/* A TR_ERROR GError from an Error object; an unknown code gives TR_STATUS_INTERNAL. */
GError      *tr_error_new_from_json (JsonObject *object) G_GNUC_WARN_UNUSED_RESULT;

G_END_DECLS
