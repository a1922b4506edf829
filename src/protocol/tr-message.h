/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib-object.h>
#include <json-glib/json-glib.h>

#include "tr-status.h"

G_BEGIN_DECLS

typedef enum
{
  TR_DIRECTION_TO_SERVER,  /* requests */
  TR_DIRECTION_TO_CLIENT,  /* replies and events */
} TrDirection;

/**
 * TrMessageType:
 *
 * Every frame type of docs/protocol.md. Requests (client → server) are TR_REQ_*, the reply is
 * TR_MSG_REPLY and events (server → client) are TR_EV_*. `call.signal` and `call.dtmf` exist in
 * both directions with different fields, hence two values each.
 */
typedef enum
{
  TR_MSG_INVALID = 0,

  TR_REQ_PING,
  TR_REQ_DIRECTORY_LIST,
  TR_REQ_PRESENCE_SUBSCRIBE,
  TR_REQ_CALL_START,
  TR_REQ_CALL_ACCEPT,
  TR_REQ_CALL_REJECT,
  TR_REQ_CALL_HANGUP,
  TR_REQ_CALL_HOLD,
  TR_REQ_CALL_RESUME,
  TR_REQ_CALL_SIGNAL,
  TR_REQ_CALL_DTMF,
  TR_REQ_CALL_TRANSFER,
  TR_REQ_SETTINGS_GET,
  TR_REQ_SETTINGS_SET,
  TR_REQ_RECORDS_LIST,
  TR_REQ_SESSION_REFRESH,
  TR_REQ_VOICEMAIL_LIST,
  TR_REQ_VOICEMAIL_MARK_HEARD,
  TR_REQ_VOICEMAIL_DELETE,

  TR_MSG_REPLY,

  TR_EV_WELCOME,
  TR_EV_PRESENCE,
  TR_EV_CALL_INCOMING,
  TR_EV_CALL_RINGING,
  TR_EV_CALL_FORWARDED,
  TR_EV_CALL_ACCEPTED,
  TR_EV_CALL_HOLD_CHANGED,
  TR_EV_CALL_ENDED,
  TR_EV_CALL_SIGNAL,
  TR_EV_CALL_DTMF,
  TR_EV_TRANSFER_REQUEST,
  TR_EV_TRANSFER_STATE,
  TR_EV_VOICEMAIL_NEW,

  TR_MSG_N_TYPES
} TrMessageType;

/* "call.start" etc.; "reply" for TR_MSG_REPLY; NULL for TR_MSG_INVALID. */
const char    *tr_message_type_to_string   (TrMessageType type);
/* Looks up @name among the types of @direction; TR_MSG_INVALID if unknown. */
TrMessageType  tr_message_type_from_string (const char *name, TrDirection direction);
TrDirection    tr_message_type_get_direction (TrMessageType type);

/**
 * TrMessage:
 *
 * One frame: its type and its JSON object. Reference counted, boxed. A message that came out of
 * tr_message_parse() has been validated against its type's schema (required fields present,
 * every known field of the right type and within its limits, nested Target / Settings / CallInfo /
 * Error objects checked), so the typed getters below cannot meet a wrong type for those fields.
 */
typedef struct _TrMessage TrMessage;

#define TR_TYPE_MESSAGE (tr_message_get_type ())
GType        tr_message_get_type (void) G_GNUC_CONST;

TrMessage   *tr_message_ref   (TrMessage *self);
void         tr_message_unref (TrMessage *self);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (TrMessage, tr_message_unref)

/**
 * tr_message_parse:
 * @data: the frame (need not be NUL-terminated)
 * @length: its length in bytes
 * @direction: which way it travelled; decides which types are known
 * @out_id: (out) (optional): the request id when one could be read, even on error, so an error
 *   reply can name it
 * @error: TR_ERROR: MALFORMED_JSON, UNKNOWN_TYPE, MISSING_FIELD, INVALID_FIELD, TOO_LARGE;
 *   the message names the offending field
 *
 * Frames over TR_PROTOCOL_MAX_FRAME fail with TOO_LARGE before they are parsed.
 */
TrMessage   *tr_message_parse (const char  *data,
                               gsize        length,
                               TrDirection  direction,
                               char       **out_id,
                               GError     **error) G_GNUC_WARN_UNUSED_RESULT;

/* Checks a built message against its schema, as parse does. */
gboolean     tr_message_validate (TrMessage *self, GError **error);

TrMessage   *tr_message_new           (TrMessageType type) G_GNUC_WARN_UNUSED_RESULT;
TrMessage   *tr_message_new_request   (TrMessageType type, const char *id) G_GNUC_WARN_UNUSED_RESULT;
/* @result: (transfer full) (nullable): NULL means {} */
TrMessage   *tr_message_new_reply     (const char *id, JsonObject *result) G_GNUC_WARN_UNUSED_RESULT;
/* @id may be NULL (written as null); @error should be of TR_ERROR, others become INTERNAL */
TrMessage   *tr_message_new_error_reply (const char *id, const GError *error) G_GNUC_WARN_UNUSED_RESULT;

TrMessageType tr_message_get_message_type (TrMessage *self);
const char  *tr_message_get_id       (TrMessage *self);   /* NULL for events */
/* The whole frame object, "type" and "id" included. (transfer none) */
JsonObject  *tr_message_get_object   (TrMessage *self);

/* Typed field access on the frame object. Absent or null fields give the default / NULL. */
const char  *tr_message_get_string   (TrMessage *self, const char *field);
gboolean     tr_message_get_boolean  (TrMessage *self, const char *field, gboolean default_value);
gint64       tr_message_get_int      (TrMessage *self, const char *field, gint64 default_value);
JsonObject  *tr_message_get_member_object (TrMessage *self, const char *field); /* transfer none */
JsonArray   *tr_message_get_array    (TrMessage *self, const char *field);         /* transfer none */
gboolean     tr_message_has_field    (TrMessage *self, const char *field);

void         tr_message_set_string   (TrMessage *self, const char *field, const char *value); /* NULL → null */
void         tr_message_set_boolean  (TrMessage *self, const char *field, gboolean value);
void         tr_message_set_int      (TrMessage *self, const char *field, gint64 value);
/* (transfer full) */
void         tr_message_take_object  (TrMessage *self, const char *field, JsonObject *value);
void         tr_message_take_array   (TrMessage *self, const char *field, JsonArray *value);

/* Replies. */
gboolean     tr_message_reply_is_ok      (TrMessage *self);
JsonObject  *tr_message_reply_get_result (TrMessage *self); /* transfer none; NULL on error replies */
/* A TR_ERROR GError from an error reply; NULL for an ok reply. */
GError      *tr_message_reply_dup_error  (TrMessage *self) G_GNUC_WARN_UNUSED_RESULT;
/*
 * Checks an ok reply's result against the result schema of the request it answers
 * (docs/protocol.md, "Requests"), e.g. {"call": CallInfo} for TR_REQ_CALL_START. Error replies
 * pass. Errors as tr_message_parse(), naming the field ("call.start result: field “call.id” …").
 */
gboolean     tr_message_reply_validate_result (TrMessage     *self,
                                               TrMessageType  request_type,
                                               GError       **error);

/* Compact JSON text. */
char        *tr_message_to_string (TrMessage *self, gsize *length) G_GNUC_WARN_UNUSED_RESULT;

/* Helpers for the nested objects of docs/protocol.md; they return new objects. */
JsonObject  *tr_party_new_json (const char *id, const char *display_name) G_GNUC_WARN_UNUSED_RESULT;

G_END_DECLS
