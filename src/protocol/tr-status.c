/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "TrStatus"

#include "config.h"

#include "tr-status.h"

typedef struct
{
  TrStatus    status;
  const char *reason;
  const char *message;
  guint       http_status;
} StatusEntry;

/*
 * The one table of end reasons and errors (docs/protocol.md, "Error codes" and "REST").
 * Code and subcode are status / 100 and status % 100. SIP-only codes map to HTTP 409.
 */
/* clang-format off */
static const StatusEntry status_table[] = {
  { TR_STATUS_HANGUP, "hangup", "The call ended normally", 200 },
  { TR_STATUS_TRANSFERRED, "transferred", "The call was transferred", 200 },
  { TR_STATUS_REPLACED, "replaced", "The call was replaced by an attended transfer", 200 },

  { TR_STATUS_MALFORMED_JSON, "malformed-json", "The frame is not a JSON object", 400 },
  { TR_STATUS_UNKNOWN_TYPE, "unknown-type", "Unknown message type", 400 },
  { TR_STATUS_MISSING_FIELD, "missing-field", "A required field is missing", 400 },
  { TR_STATUS_INVALID_FIELD, "invalid-field", "A field has the wrong type or an invalid value",
    400 },
  { TR_STATUS_TOO_LARGE, "too-large", "A field or payload exceeds its limit", 400 },
  { TR_STATUS_OUT_OF_ORDER, "out-of-order", "The request does not fit the call's state", 400 },

  { TR_STATUS_TOKEN_EXPIRED, "token-expired", "The token has expired", 401 },
  { TR_STATUS_TOKEN_INVALID, "token-invalid", "The token is invalid", 401 },
  { TR_STATUS_TOKEN_REVOKED, "token-revoked", "The token was revoked", 401 },
  { TR_STATUS_TOKEN_MISSING, "token-missing", "No token was sent", 401 },

  { TR_STATUS_NOT_PARTICIPANT, "not-participant", "The sender is not in that call", 403 },
  { TR_STATUS_NOT_YOUR_CALL, "not-your-call", "The target call is not a call of the transferor",
    403 },
  { TR_STATUS_SCOPE_MISSING, "scope-missing", "The token lacks the needed scope", 403 },
  { TR_STATUS_ADMIN_REQUIRED, "admin-required", "The admin key is required", 403 },
  { TR_STATUS_TRANSFER_MISMATCH, "transfer-mismatch",
    "The call does not belong to that transfer", 403 },

  { TR_STATUS_UNKNOWN_IDENTITY, "unknown-identity", "No such user", 404 },
  { TR_STATUS_FORWARDING_LOOP, "forwarding-loop", "Forwarding rules loop or are too deep", 404 },
  { TR_STATUS_UNKNOWN_MESSAGE, "unknown-message", "No such voicemail message", 404 },

  { TR_STATUS_NO_ANSWER, "no-answer", "No answer within the ring timeout", 408 },

  { TR_STATUS_RATE_LIMITED, "rate-limited", "Too many frames", 429 },

  { TR_STATUS_OFFLINE, "offline", "The target is offline", 409 },
  { TR_STATUS_CONNECTION_LOST, "connection-lost", "A party's connection was lost", 409 },
  { TR_STATUS_TRANSFEREE_UNRESPONSIVE, "transferee-unresponsive",
    "The transferee did not place the transfer call in time", 409 },

  { TR_STATUS_CALL_NOT_FOUND, "call-not-found", "No such call", 409 },
  { TR_STATUS_TARGET_CALL_ENDED, "target-call-ended", "The target call has ended", 409 },

  { TR_STATUS_BUSY, "busy", "The target is busy", 409 },
  { TR_STATUS_MAILBOX_FULL, "mailbox-full", "The voicemail box is full", 409 },

  { TR_STATUS_CANCELLED, "cancelled", "The caller cancelled the call", 409 },
  { TR_STATUS_TRANSFEREE_HUNG_UP, "transferee-hung-up",
    "The transferee left during the transfer", 409 },
  { TR_STATUS_ANSWERED_ELSEWHERE, "answered-elsewhere", "The call was answered elsewhere", 409 },

  { TR_STATUS_TRANSFER_IN_PROGRESS, "transfer-in-progress",
    "A transfer of this call is already in progress", 409 },

  { TR_STATUS_INTERNAL, "internal", "Internal server error", 500 },
  { TR_STATUS_NOT_IMPLEMENTED, "not-implemented", "Not implemented on this server", 501 },

  { TR_STATUS_DECLINED, "declined", "The target declined the call", 409 },
};

/* clang-format on */

G_DEFINE_QUARK (tr-error-quark, tr_error)

static const StatusEntry *
lookup (TrStatus status)
{
  for (guint i = 0; i < G_N_ELEMENTS (status_table); i++)
    {
      if (status_table[i].status == status)
        return &status_table[i];
    }

  return NULL;
}

gboolean
tr_status_from_parts (guint     code,
                      guint     subcode,
                      TrStatus *out_status)
{
  const StatusEntry *entry;

  if (code > 999 || subcode > 99)
    return FALSE;

  entry = lookup ((TrStatus) (code * 100 + subcode));
  if (entry == NULL)
    return FALSE;

  if (out_status != NULL)
    *out_status = entry->status;

  return TRUE;
}

const char *
tr_status_get_reason (TrStatus status)
{
  const StatusEntry *entry = lookup (status);

  return entry != NULL ? entry->reason : NULL;
}

gboolean
tr_status_from_reason (const char *reason,
                       TrStatus   *out_status)
{
  if (reason == NULL)
    return FALSE;

  for (guint i = 0; i < G_N_ELEMENTS (status_table); i++)
    {
      if (g_str_equal (status_table[i].reason, reason))
        {
          if (out_status != NULL)
            *out_status = status_table[i].status;
          return TRUE;
        }
    }

  return FALSE;
}

const char *
tr_status_get_message (TrStatus status)
{
  const StatusEntry *entry = lookup (status);

  return entry != NULL ? entry->message : "Unknown status";
}

guint
tr_status_get_http_status (TrStatus status)
{
  const StatusEntry *entry = lookup (status);

  return entry != NULL ? entry->http_status : 500;
}

JsonObject *
tr_status_to_json (TrStatus    status,
                   const char *message)
{
  const StatusEntry *entry = lookup (status);
  JsonObject        *object = json_object_new ();

  if (entry == NULL)
    {
      g_critical ("%s: status %u is not in the table", G_STRFUNC, (guint) status);
      entry = lookup (TR_STATUS_INTERNAL);
    }

  json_object_set_int_member (object, "code", tr_status_get_code (entry->status));
  json_object_set_int_member (object, "subcode", tr_status_get_subcode (entry->status));
  json_object_set_string_member (object, "reason", entry->reason);
  json_object_set_string_member (object, "message", message != NULL ? message : entry->message);

  return object;
}

JsonObject *
tr_error_to_json (const GError *error)
{
  g_return_val_if_fail (error != NULL, tr_status_to_json (TR_STATUS_INTERNAL, NULL));

  /* Errors of other domains may carry details (paths, SQL) that are not for clients. */
  if (error->domain != TR_ERROR || lookup ((TrStatus) error->code) == NULL)
    return tr_status_to_json (TR_STATUS_INTERNAL, NULL);

  return tr_status_to_json ((TrStatus) error->code, error->message);
}

static gboolean
get_int_member (JsonObject *object,
                const char *name,
                gint64     *out_value)
{
  JsonNode *node = json_object_get_member (object, name);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) ||
      json_node_get_value_type (node) != G_TYPE_INT64)
    return FALSE;

  *out_value = json_node_get_int (node);
  return TRUE;
}

static const char *
get_string_member (JsonObject *object,
                   const char *name)
{
  JsonNode *node = json_object_get_member (object, name);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) ||
      json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;

  return json_node_get_string (node);
}

gboolean
tr_status_from_json (JsonObject *object,
                     TrStatus   *out_status,
                     char      **out_message,
                     GError    **error)
{
  gint64   code;
  gint64   subcode;
  TrStatus status;

  g_return_val_if_fail (object != NULL, FALSE);

  if (!get_int_member (object, "code", &code) || !get_int_member (object, "subcode", &subcode))
    {
      g_set_error_literal (error, TR_ERROR, TR_STATUS_INVALID_FIELD,
                           "Error object needs integer “code” and “subcode”");
      return FALSE;
    }

  if (code < 0 || subcode < 0 || !tr_status_from_parts ((guint) code, (guint) subcode, &status))
    {
      g_set_error (error, TR_ERROR, TR_STATUS_INVALID_FIELD,
                   "Unknown status %" G_GINT64_FORMAT "/%" G_GINT64_FORMAT, code, subcode);
      return FALSE;
    }

  if (out_status != NULL)
    *out_status = status;
  if (out_message != NULL)
    *out_message = g_strdup (get_string_member (object, "message"));

  return TRUE;
}

GError *
tr_error_new_from_json (JsonObject *object)
{
  g_autofree char *message = NULL;
  TrStatus         status;

  if (object == NULL || !tr_status_from_json (object, &status, &message, NULL))
    {
      const char *text = object != NULL ? get_string_member (object, "message") : NULL;

      return g_error_new_literal (TR_ERROR, TR_STATUS_INTERNAL,
                                  text != NULL ? text : tr_status_get_message (TR_STATUS_INTERNAL));
    }

  return g_error_new_literal (TR_ERROR, status,
                              message != NULL ? message : tr_status_get_message (status));
}
