/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "TrMessage"

#include "config.h"

#include <string.h>

#include "tr-message.h"
#include "tr-protocol.h"

/* Deeper JSON is refused before json-glib (which recurses) sees it. */
#define MAX_JSON_DEPTH 64
/* Free-form strings (tokens, messages, URLs) stay well inside a frame anyway. */
#define MAX_TOKEN_LENGTH 4096

/*
 * Schemas
 *
 * Every frame type has an ObjectSchema: a list of FieldSpecs. A FieldSpec names a field, its
 * kind (which says the JSON type and the value rules), whether it is required, and for nested
 * objects and arrays the schema of what they hold. Objects with a discriminator ("kind" of a
 * Target) pick a variant's extra fields by the discriminator's value. Fields that are not in a
 * schema are ignored; optional fields may be null, which reads as absent.
 */

typedef enum
{
  KIND_STRING,       /* any string of [min, max] bytes (max 0: no limit) */
  KIND_ID,           /* tr_protocol_id_is_valid() */
  KIND_REQUEST_ID,   /* tr_protocol_request_id_is_valid() */
  KIND_DISPLAY_NAME, /* tr_protocol_display_name_is_valid() */
  KIND_DTMF,         /* tr_protocol_dtmf_is_valid() */
  KIND_BOOLEAN,
  KIND_INT,          /* integer in [min, max] */
  KIND_ENUM,         /* string among values */
  KIND_OBJECT,       /* object checked against schema (NULL: any object) */
  KIND_PAYLOAD,      /* any object of at most max bytes serialized, else TOO_LARGE */
  KIND_ARRAY,        /* array of at most max elements (else TOO_LARGE), each checked by element */
} FieldKind;

typedef enum
{
  FIELD_OPTIONAL = 0,
  FIELD_REQUIRED = 1 << 0,
  FIELD_NULLABLE = 1 << 1, /* a required field that may be null */
} FieldFlags;

typedef struct _FieldSpec    FieldSpec;
typedef struct _ObjectSchema ObjectSchema;

struct _FieldSpec
{
  const char         *name;
  FieldKind           kind;
  FieldFlags          flags;
  gint64              min;
  gint64              max;
  const ObjectSchema *schema;        /* KIND_OBJECT */
  const FieldSpec    *element;       /* KIND_ARRAY */
  const char *const  *values;        /* KIND_ENUM, NULL-terminated */
};

typedef struct
{
  const char      *value;
  const FieldSpec *fields;           /* terminated by a NULL name */
} SchemaVariant;

struct _ObjectSchema
{
  const char          *name;          /* for messages: "Target" */
  const FieldSpec     *fields;        /* terminated by a NULL name */
  const char          *discriminator; /* a KIND_ENUM field of fields, or NULL */
  const SchemaVariant *variants;      /* terminated by a NULL value */
};

/* clang-format off */
#define END_FIELDS { NULL }
#define REQ FIELD_REQUIRED
#define OPT FIELD_OPTIONAL

#define F_ID(n, f)           { n, KIND_ID, f }
#define F_BOOL(n, f)         { n, KIND_BOOLEAN, f }
#define F_INT(n, f, lo, hi)  { n, KIND_INT, f, lo, hi }
#define F_STR(n, f, lo, hi)  { n, KIND_STRING, f, lo, hi }
#define F_ENUM(n, f, v)      { n, KIND_ENUM, f, 0, 0, NULL, NULL, v }
#define F_OBJ(n, f, s)       { n, KIND_OBJECT, f, 0, 0, s }
#define F_ARRAY(n, f, hi, e) { n, KIND_ARRAY, f, 0, hi, NULL, e }

/* Elements of arrays: the name is only used in messages. */
static const FieldSpec id_element = { "", KIND_ID, REQ };
static const FieldSpec url_element = { "", KIND_STRING, REQ, 1, 2048 };

static const char *const call_states[] = { "ringing", "connected", "ended", NULL };
static const char *const transfer_states[] = { "transferring", "transferred", "failed", NULL };
static const char *const target_kinds[] = { "participant", "call", "voicemail", NULL };
static const char *const reject_reasons[] = { "declined", "busy", NULL };
static const char *const forward_reasons[] = { "forward-always", "unanswered", NULL };

/* Party {"id", "display_name"} */
static const FieldSpec party_fields[] = {
  F_ID ("id", REQ),
  { "display_name", KIND_DISPLAY_NAME, OPT },
  END_FIELDS
};
static const ObjectSchema party_schema = { "Party", party_fields };

/* Error / EndReason {"code", "subcode", "reason", "message"} */
static const FieldSpec error_fields[] = {
  F_INT ("code", REQ, 0, 999),
  F_INT ("subcode", REQ, 0, 99),
  F_STR ("reason", OPT, 0, 64),
  F_STR ("message", OPT, 0, 0),
  END_FIELDS
};
static const ObjectSchema error_schema = { "Error", error_fields };

/* {"caller": bool, "callee": bool} */
static const FieldSpec hold_fields[] = {
  F_BOOL ("caller", REQ),
  F_BOOL ("callee", REQ),
  END_FIELDS
};
static const ObjectSchema hold_schema = { "Hold", hold_fields };

static const FieldSpec call_info_fields[] = {
  F_ID ("id", REQ),
  F_OBJ ("caller", REQ, &party_schema),
  F_OBJ ("callee", REQ, &party_schema),
  F_ENUM ("state", REQ, call_states),
  F_BOOL ("video", REQ),
  F_INT ("created_at", REQ, 0, G_MAXINT64),
  F_OBJ ("hold", REQ, &hold_schema),
  F_OBJ ("transferor", OPT, &party_schema),
  F_ID ("transfer", OPT),
  F_ID ("replaces", OPT),
  F_OBJ ("forwarded_from", OPT, &party_schema),
  F_BOOL ("voicemail", OPT),
  END_FIELDS
};
static const ObjectSchema call_info_schema = { "CallInfo", call_info_fields };

/* Target: {"kind": …} plus the kind's fields. */
static const FieldSpec target_fields[] = {
  F_ENUM ("kind", REQ, target_kinds),
  END_FIELDS
};
static const FieldSpec target_participant_fields[] = {
  F_ID ("user", REQ),
  F_BOOL ("disable_forwarding_and_unanswered", OPT),
  END_FIELDS
};
static const FieldSpec target_call_fields[] = {
  F_ID ("call", REQ),
  END_FIELDS
};
static const FieldSpec target_voicemail_fields[] = {
  F_ID ("user", REQ),
  END_FIELDS
};
static const SchemaVariant target_variants[] = {
  { "participant", target_participant_fields },
  { "call", target_call_fields },
  { "voicemail", target_voicemail_fields },
  { NULL }
};
static const ObjectSchema target_schema = { "Target", target_fields, "kind", target_variants };

static const FieldSpec transfer_info_fields[] = {
  F_ID ("id", REQ),
  F_ID ("call", REQ),
  F_ENUM ("state", REQ, transfer_states),
  F_OBJ ("target", REQ, &target_schema),
  F_ID ("target_call", OPT),
  F_OBJ ("error", OPT, &error_schema),
  END_FIELDS
};
static const ObjectSchema transfer_info_schema = { "TransferInfo", transfer_info_fields };

/* Settings: every field optional (settings.set is partial); the two targets may be null. */
static const FieldSpec settings_fields[] = {
  F_ID ("forward_always", OPT),
  F_ID ("unanswered_target", OPT),
  F_INT ("ring_timeout", OPT, TR_PROTOCOL_MIN_RING_TIMEOUT, TR_PROTOCOL_MAX_RING_TIMEOUT),
  END_FIELDS
};
static const ObjectSchema settings_schema = { "Settings", settings_fields };

static const FieldSpec ice_server_fields[] = {
  F_ARRAY ("urls", REQ, 16, &url_element),
  F_STR ("username", OPT, 0, 512),
  F_STR ("credential", OPT, 0, 512),
  END_FIELDS
};
static const ObjectSchema ice_server_schema = { "IceServer", ice_server_fields };
static const FieldSpec ice_server_element = { "", KIND_OBJECT, REQ, 0, 0, &ice_server_schema };

static const FieldSpec limits_fields[] = {
  F_INT ("max_frame", REQ, 1, G_MAXINT32),
  F_INT ("rate", REQ, 1, G_MAXINT32),
  F_INT ("burst", REQ, 1, G_MAXINT32),
  END_FIELDS
};
static const ObjectSchema limits_schema = { "Limits", limits_fields };

/* Frame schemas. "type" is checked by the envelope; "id" of requests too. */

static const FieldSpec no_fields[] = { END_FIELDS };

static const FieldSpec call_only_fields[] = {
  F_ID ("call", REQ),
  END_FIELDS
};

static const FieldSpec presence_subscribe_fields[] = {
  F_ARRAY ("users", REQ, TR_PROTOCOL_MAX_PRESENCE_USERS, &id_element),
  END_FIELDS
};

static const FieldSpec call_start_fields[] = {
  F_ID ("to", REQ),
  F_BOOL ("video", OPT),
  F_ID ("transfer", OPT),
  F_ID ("replaces", OPT),
  F_BOOL ("voicemail", OPT),
  END_FIELDS
};

static const FieldSpec call_reject_fields[] = {
  F_ID ("call", REQ),
  F_ENUM ("reason", REQ, reject_reasons),
  END_FIELDS
};

static const FieldSpec call_signal_req_fields[] = {
  F_ID ("call", REQ),
  { "payload", KIND_PAYLOAD, REQ, 0, TR_PROTOCOL_MAX_SIGNAL_PAYLOAD },
  END_FIELDS
};

static const FieldSpec call_dtmf_req_fields[] = {
  F_ID ("call", REQ),
  { "digits", KIND_DTMF, REQ },
  END_FIELDS
};

static const FieldSpec call_transfer_fields[] = {
  F_ID ("call", REQ),
  F_OBJ ("target", REQ, &target_schema),
  END_FIELDS
};

static const FieldSpec settings_set_fields[] = {
  F_OBJ ("settings", REQ, &settings_schema),
  END_FIELDS
};

static const FieldSpec records_list_fields[] = {
  F_INT ("limit", OPT, 1, 500),
  END_FIELDS
};

static const FieldSpec session_refresh_fields[] = {
  F_STR ("token", REQ, 1, MAX_TOKEN_LENGTH),
  END_FIELDS
};

static const FieldSpec reply_fields[] = {
  { "id", KIND_REQUEST_ID, FIELD_REQUIRED | FIELD_NULLABLE },
  F_BOOL ("ok", REQ),
  F_OBJ ("result", OPT, NULL),
  F_OBJ ("error", OPT, &error_schema),
  END_FIELDS
};

static const FieldSpec welcome_fields[] = {
  F_INT ("protocol", REQ, 1, G_MAXINT32),
  F_ID ("session", REQ),
  F_OBJ ("user", REQ, &party_schema),
  F_INT ("token_expires_at", REQ, 0, G_MAXINT64),
  F_ARRAY ("ice_servers", REQ, 16, &ice_server_element),
  F_OBJ ("limits", REQ, &limits_schema),
  END_FIELDS
};

static const FieldSpec presence_fields[] = {
  F_ID ("user", REQ),
  F_BOOL ("online", REQ),
  END_FIELDS
};

static const FieldSpec call_object_fields[] = {
  F_OBJ ("call", REQ, &call_info_schema),
  END_FIELDS
};

static const FieldSpec call_forwarded_fields[] = {
  F_ID ("call", REQ),
  F_OBJ ("to", REQ, &party_schema),
  F_ENUM ("reason", REQ, forward_reasons),
  F_BOOL ("voicemail", OPT),
  END_FIELDS
};

static const FieldSpec call_hold_changed_fields[] = {
  F_ID ("call", REQ),
  F_OBJ ("hold", REQ, &hold_schema),
  END_FIELDS
};

static const FieldSpec call_ended_fields[] = {
  F_ID ("call", REQ),
  F_OBJ ("reason", REQ, &error_schema),
  END_FIELDS
};

static const FieldSpec call_signal_ev_fields[] = {
  F_ID ("call", REQ),
  F_ID ("from", REQ),
  { "payload", KIND_PAYLOAD, REQ, 0, TR_PROTOCOL_MAX_SIGNAL_PAYLOAD },
  END_FIELDS
};

static const FieldSpec call_dtmf_ev_fields[] = {
  F_ID ("call", REQ),
  F_ID ("from", REQ),
  { "digits", KIND_DTMF, REQ },
  END_FIELDS
};

static const FieldSpec transfer_request_fields[] = {
  F_ID ("transfer", REQ),
  F_ID ("call", REQ),
  F_OBJ ("to", REQ, &party_schema),
  F_OBJ ("transferor", REQ, &party_schema),
  F_ID ("replaces", OPT),
  F_BOOL ("disable_forwarding_and_unanswered", REQ),
  F_BOOL ("voicemail", OPT),
  END_FIELDS
};

static const FieldSpec transfer_state_fields[] = {
  F_OBJ ("transfer", REQ, &transfer_info_schema),
  END_FIELDS
};

/* Voicemail {"id", "caller": Party, "created_at" (ms), "duration_ms", "heard"} */
static const FieldSpec voicemail_fields[] = {
  F_ID ("id", REQ),
  F_OBJ ("caller", REQ, &party_schema),
  F_INT ("created_at", REQ, 0, G_MAXINT64),
  F_INT ("duration_ms", REQ, 0, G_MAXINT64),
  F_BOOL ("heard", REQ),
  END_FIELDS
};
static const ObjectSchema voicemail_schema = { "Voicemail", voicemail_fields };
static const FieldSpec voicemail_element = { "", KIND_OBJECT, REQ, 0, 0, &voicemail_schema };

static const FieldSpec voicemail_message_fields[] = {
  F_ID ("message", REQ),
  END_FIELDS
};

static const FieldSpec voicemail_new_fields[] = {
  F_OBJ ("message", REQ, &voicemail_schema),
  F_INT ("unheard", REQ, 0, G_MAXINT32),
  END_FIELDS
};

/* Results of replies, by request type. */

static const char *const user_kinds[] = { "user", "service", NULL };

static const FieldSpec directory_entry_fields[] = {
  F_ID ("id", REQ),
  { "display_name", KIND_DISPLAY_NAME, OPT },
  F_ENUM ("kind", REQ, user_kinds),
  F_BOOL ("online", REQ),
  END_FIELDS
};
static const ObjectSchema directory_entry_schema = { "DirectoryEntry", directory_entry_fields };
static const FieldSpec directory_entry_element = {
  "", KIND_OBJECT, REQ, 0, 0, &directory_entry_schema
};

static const FieldSpec presence_entry_fields[] = {
  F_ID ("user", REQ),
  F_BOOL ("online", REQ),
  END_FIELDS
};
static const ObjectSchema presence_entry_schema = { "Presence", presence_entry_fields };
static const FieldSpec presence_entry_element = {
  "", KIND_OBJECT, REQ, 0, 0, &presence_entry_schema
};

static const FieldSpec record_fields[] = {
  F_ID ("call", REQ),
  F_ID ("caller", REQ),
  F_ID ("callee", REQ),
  F_INT ("started_at", REQ, 0, G_MAXINT64),
  F_INT ("answered_at", OPT, 0, G_MAXINT64),
  F_INT ("ended_at", OPT, 0, G_MAXINT64),
  F_OBJ ("end", OPT, &error_schema),
  F_ID ("transferor", OPT),
  END_FIELDS
};
static const ObjectSchema record_schema = { "Record", record_fields };
static const FieldSpec record_element = { "", KIND_OBJECT, REQ, 0, 0, &record_schema };

static const FieldSpec directory_result_fields[] = {
  F_ARRAY ("users", REQ, 0, &directory_entry_element),
  END_FIELDS
};

static const FieldSpec presence_result_fields[] = {
  F_ARRAY ("presence", REQ, TR_PROTOCOL_MAX_PRESENCE_USERS, &presence_entry_element),
  END_FIELDS
};

static const FieldSpec transfer_result_fields[] = {
  F_OBJ ("transfer", REQ, &transfer_info_schema),
  END_FIELDS
};

static const FieldSpec settings_result_fields[] = {
  F_OBJ ("settings", REQ, &settings_schema),
  END_FIELDS
};

static const FieldSpec records_result_fields[] = {
  F_ARRAY ("records", REQ, 500, &record_element),
  END_FIELDS
};

static const FieldSpec refresh_result_fields[] = {
  F_INT ("token_expires_at", REQ, 0, G_MAXINT64),
  END_FIELDS
};

static const FieldSpec voicemail_list_result_fields[] = {
  F_ARRAY ("messages", REQ, 0, &voicemail_element),
  F_INT ("unheard", REQ, 0, G_MAXINT32),
  END_FIELDS
};

static const FieldSpec voicemail_message_result_fields[] = {
  F_OBJ ("message", REQ, &voicemail_schema),
  END_FIELDS
};

typedef struct
{
  const char      *name;
  TrDirection      direction;
  const FieldSpec *fields;
  const FieldSpec *result;  /* requests: the fields of their reply's result */
} TypeInfo;

#define TO_SERVER TR_DIRECTION_TO_SERVER
#define TO_CLIENT TR_DIRECTION_TO_CLIENT

/* type: name, direction, fields, and for requests the fields of their result */
static const TypeInfo type_table[TR_MSG_N_TYPES] = {
  [TR_MSG_INVALID] = { NULL, TO_CLIENT, no_fields },

  [TR_REQ_PING] = { "ping", TO_SERVER, no_fields, no_fields },
  [TR_REQ_DIRECTORY_LIST] = { "directory.list", TO_SERVER, no_fields, directory_result_fields },
  [TR_REQ_PRESENCE_SUBSCRIBE] =
    { "presence.subscribe", TO_SERVER, presence_subscribe_fields, presence_result_fields },
  [TR_REQ_CALL_START] = { "call.start", TO_SERVER, call_start_fields, call_object_fields },
  [TR_REQ_CALL_ACCEPT] = { "call.accept", TO_SERVER, call_only_fields, call_object_fields },
  [TR_REQ_CALL_REJECT] = { "call.reject", TO_SERVER, call_reject_fields, no_fields },
  [TR_REQ_CALL_HANGUP] = { "call.hangup", TO_SERVER, call_only_fields, no_fields },
  [TR_REQ_CALL_HOLD] = { "call.hold", TO_SERVER, call_only_fields, call_object_fields },
  [TR_REQ_CALL_RESUME] = { "call.resume", TO_SERVER, call_only_fields, call_object_fields },
  [TR_REQ_CALL_SIGNAL] = { "call.signal", TO_SERVER, call_signal_req_fields, no_fields },
  [TR_REQ_CALL_DTMF] = { "call.dtmf", TO_SERVER, call_dtmf_req_fields, no_fields },
  [TR_REQ_CALL_TRANSFER] =
    { "call.transfer", TO_SERVER, call_transfer_fields, transfer_result_fields },
  [TR_REQ_SETTINGS_GET] = { "settings.get", TO_SERVER, no_fields, settings_result_fields },
  [TR_REQ_SETTINGS_SET] =
    { "settings.set", TO_SERVER, settings_set_fields, settings_result_fields },
  [TR_REQ_RECORDS_LIST] = { "records.list", TO_SERVER, records_list_fields, records_result_fields },
  [TR_REQ_SESSION_REFRESH] =
    { "session.refresh", TO_SERVER, session_refresh_fields, refresh_result_fields },
  [TR_REQ_VOICEMAIL_LIST] =
    { "voicemail.list", TO_SERVER, no_fields, voicemail_list_result_fields },
  [TR_REQ_VOICEMAIL_MARK_HEARD] =
    { "voicemail.mark_heard", TO_SERVER, voicemail_message_fields,
      voicemail_message_result_fields },
  [TR_REQ_VOICEMAIL_DELETE] =
    { "voicemail.delete", TO_SERVER, voicemail_message_fields, no_fields },

  [TR_MSG_REPLY] = { "reply", TO_CLIENT, reply_fields },

  [TR_EV_WELCOME] = { "welcome", TO_CLIENT, welcome_fields },
  [TR_EV_PRESENCE] = { "presence", TO_CLIENT, presence_fields },
  [TR_EV_CALL_INCOMING] = { "call.incoming", TO_CLIENT, call_object_fields },
  [TR_EV_CALL_RINGING] = { "call.ringing", TO_CLIENT, call_only_fields },
  [TR_EV_CALL_FORWARDED] = { "call.forwarded", TO_CLIENT, call_forwarded_fields },
  [TR_EV_CALL_ACCEPTED] = { "call.accepted", TO_CLIENT, call_object_fields },
  [TR_EV_CALL_HOLD_CHANGED] = { "call.hold_changed", TO_CLIENT, call_hold_changed_fields },
  [TR_EV_CALL_ENDED] = { "call.ended", TO_CLIENT, call_ended_fields },
  [TR_EV_CALL_SIGNAL] = { "call.signal", TO_CLIENT, call_signal_ev_fields },
  [TR_EV_CALL_DTMF] = { "call.dtmf", TO_CLIENT, call_dtmf_ev_fields },
  [TR_EV_TRANSFER_REQUEST] = { "transfer.request", TO_CLIENT, transfer_request_fields },
  [TR_EV_TRANSFER_STATE] = { "transfer.state", TO_CLIENT, transfer_state_fields },
  [TR_EV_VOICEMAIL_NEW] = { "voicemail.new", TO_CLIENT, voicemail_new_fields },
};

#undef TO_SERVER
#undef TO_CLIENT

/* clang-format on */

struct _TrMessage
{
  gatomicrefcount ref_count;
  TrMessageType   type;
  JsonObject     *object;
};

G_DEFINE_BOXED_TYPE (TrMessage, tr_message, tr_message_ref, tr_message_unref)

/* Validation */

typedef struct
{
  const char *type_name;
  GString    *path; /* dotted path of the field being checked, for messages */
} Checker;

static gboolean
fail (Checker    *checker,
      GError    **error,
      TrStatus    status,
      const char *what)
{
  g_set_error (error, TR_ERROR, status, "%s: field “%s” %s", checker->type_name,
               checker->path->str, what);
  return FALSE;
}

static gboolean check_object (Checker            *checker,
                              JsonObject         *object,
                              const ObjectSchema *schema,
                              GError            **error);

static gboolean
node_holds (JsonNode *node,
            GType     type)
{
  return JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == type;
}

static gboolean
check_payload_size (Checker         *checker,
                    JsonNode        *node,
                    const FieldSpec *spec,
                    GError         **error)
{
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autofree char *text = NULL;
  gsize            length = 0;

  json_generator_set_root (generator, node);
  text = json_generator_to_data (generator, &length);
  if (spec->max > 0 && length > (gsize) spec->max)
    return fail (checker, error, TR_STATUS_TOO_LARGE, "is too large");

  return TRUE;
}

static gboolean
check_value (Checker         *checker,
             JsonNode        *node,
             const FieldSpec *spec,
             GError         **error)
{
  switch (spec->kind)
    {
    case KIND_STRING:
    case KIND_ID:
    case KIND_REQUEST_ID:
    case KIND_DISPLAY_NAME:
    case KIND_DTMF:
    case KIND_ENUM:
      {
        const char *value;

        if (!node_holds (node, G_TYPE_STRING))
          return fail (checker, error, TR_STATUS_INVALID_FIELD, "must be a string");
        value = json_node_get_string (node);

        switch (spec->kind)
          {
          case KIND_STRING:
            if (spec->min > 0 && strlen (value) < (gsize) spec->min)
              return fail (checker, error, TR_STATUS_INVALID_FIELD, "must not be empty");
            if (spec->max > 0 && strlen (value) > (gsize) spec->max)
              return fail (checker, error, TR_STATUS_INVALID_FIELD, "is too long");
            break;
          case KIND_ID:
            if (!tr_protocol_id_is_valid (value))
              return fail (checker, error, TR_STATUS_INVALID_FIELD, "is not a valid id");
            break;
          case KIND_REQUEST_ID:
            if (!tr_protocol_request_id_is_valid (value))
              return fail (checker, error, TR_STATUS_INVALID_FIELD, "is not a valid request id");
            break;
          case KIND_DISPLAY_NAME:
            if (!tr_protocol_display_name_is_valid (value))
              return fail (checker, error, TR_STATUS_INVALID_FIELD,
                           "is not a valid display name");
            break;
          case KIND_DTMF:
            if (!tr_protocol_dtmf_is_valid (value))
              return fail (checker, error, TR_STATUS_INVALID_FIELD, "is not a valid DTMF string");
            break;
          case KIND_ENUM:
            if (!g_strv_contains ((const char *const *) spec->values, value))
              return fail (checker, error, TR_STATUS_INVALID_FIELD, "has an unknown value");
            break;
          default:
            g_assert_not_reached ();
          }
        return TRUE;
      }

    case KIND_BOOLEAN:
      if (!node_holds (node, G_TYPE_BOOLEAN))
        return fail (checker, error, TR_STATUS_INVALID_FIELD, "must be a boolean");
      return TRUE;

    case KIND_INT:
      {
        gint64 value;

        if (!node_holds (node, G_TYPE_INT64))
          return fail (checker, error, TR_STATUS_INVALID_FIELD, "must be an integer");
        value = json_node_get_int (node);
        if (value < spec->min || value > spec->max)
          return fail (checker, error, TR_STATUS_INVALID_FIELD, "is out of range");
        return TRUE;
      }

    case KIND_OBJECT:
      if (!JSON_NODE_HOLDS_OBJECT (node))
        return fail (checker, error, TR_STATUS_INVALID_FIELD, "must be an object");
      if (spec->schema == NULL)
        return TRUE;
      return check_object (checker, json_node_get_object (node), spec->schema, error);

    case KIND_PAYLOAD:
      if (!JSON_NODE_HOLDS_OBJECT (node))
        return fail (checker, error, TR_STATUS_INVALID_FIELD, "must be an object");
      return check_payload_size (checker, node, spec, error);

    case KIND_ARRAY:
      {
        JsonArray *array;
        guint      n;
        gsize      saved = checker->path->len;

        if (!JSON_NODE_HOLDS_ARRAY (node))
          return fail (checker, error, TR_STATUS_INVALID_FIELD, "must be an array");
        array = json_node_get_array (node);
        n = json_array_get_length (array);
        if (spec->max > 0 && n > (guint64) spec->max)
          return fail (checker, error, TR_STATUS_TOO_LARGE, "has too many elements");

        for (guint i = 0; i < n; i++)
          {
            JsonNode *element = json_array_get_element (array, i);
            gboolean  ok;

            g_string_append_printf (checker->path, "[%u]", i);
            if (JSON_NODE_HOLDS_NULL (element))
              ok = fail (checker, error, TR_STATUS_INVALID_FIELD, "must not be null");
            else
              ok = check_value (checker, element, spec->element, error);
            g_string_truncate (checker->path, saved);
            if (!ok)
              return FALSE;
          }
        return TRUE;
      }

    default:
      g_assert_not_reached ();
    }

  return FALSE;
}

static gboolean
check_fields (Checker         *checker,
              JsonObject      *object,
              const FieldSpec *fields,
              GError         **error)
{
  for (const FieldSpec *spec = fields; spec->name != NULL; spec++)
    {
      JsonNode *node = json_object_get_member (object, spec->name);
      gsize     saved = checker->path->len;
      gboolean  ok = TRUE;

      if (saved > 0)
        g_string_append_c (checker->path, '.');
      g_string_append (checker->path, spec->name);

      if (node == NULL)
        {
          if (spec->flags & FIELD_REQUIRED)
            ok = fail (checker, error, TR_STATUS_MISSING_FIELD, "is missing");
        }
      else if (JSON_NODE_HOLDS_NULL (node))
        {
          if ((spec->flags & FIELD_REQUIRED) && !(spec->flags & FIELD_NULLABLE))
            ok = fail (checker, error, TR_STATUS_INVALID_FIELD, "must not be null");
        }
      else
        {
          ok = check_value (checker, node, spec, error);
        }

      g_string_truncate (checker->path, saved);
      if (!ok)
        return FALSE;
    }

  return TRUE;
}

static gboolean
check_object (Checker            *checker,
              JsonObject         *object,
              const ObjectSchema *schema,
              GError            **error)
{
  const char *value;

  if (!check_fields (checker, object, schema->fields, error))
    return FALSE;

  if (schema->discriminator == NULL)
    return TRUE;

  /* The discriminator is a required enum of schema->fields, so it is a known string here. */
  value = json_object_get_string_member (object, schema->discriminator);
  for (const SchemaVariant *variant = schema->variants; variant->value != NULL; variant++)
    {
      if (g_strcmp0 (variant->value, value) == 0)
        return check_fields (checker, object, variant->fields, error);
    }

  return TRUE;
}

/* Rules beyond the field table: those of replies. */
static gboolean
check_reply (JsonObject *object,
             GError    **error)
{
  JsonNode *error_node;

  if (json_object_get_boolean_member (object, "ok"))
    return TRUE;

  error_node = json_object_get_member (object, "error");
  if (error_node == NULL || JSON_NODE_HOLDS_NULL (error_node))
    {
      g_set_error_literal (error, TR_ERROR, TR_STATUS_MISSING_FIELD,
                           "reply: field “error” is missing (ok is false)");
      return FALSE;
    }

  return TRUE;
}

static gboolean
validate_object (TrMessageType type,
                 JsonObject   *object,
                 GError      **error)
{
  g_autoptr(GString) path = g_string_sized_new (32);
  Checker            checker = { type_table[type].name, path };
  const ObjectSchema schema = { type_table[type].name, type_table[type].fields };

  if (!check_object (&checker, object, &schema, error))
    return FALSE;

  if (type == TR_MSG_REPLY && !check_reply (object, error))
    return FALSE;

  return TRUE;
}

/* Parsing */

/* The value of the four hex digits at @p, or -1. */
static int
hex4 (const char *p,
      gsize       available)
{
  int value = 0;

  if (available < 4)
    return -1;

  for (guint i = 0; i < 4; i++)
    {
      int digit = g_ascii_xdigit_value (p[i]);

      if (digit < 0)
        return -1;
      value = value * 16 + digit;
    }

  return value;
}

/*
 * What json-glib 1.6 lets through and we do not: nesting deeper than MAX_JSON_DEPTH (its parser
 * recurses), anything but whitespace after the top-level value, raw control characters in
 * strings, "\u0000" (C strings would end there), lone UTF-16 surrogates (they would come out as
 * invalid UTF-8 and break the peer a payload is relayed to), single-quoted strings, integers too
 * long for 64 bits (silently clamped) and exponents that overflow a double (re-serialized as
 * "inf", which is not JSON). One pass over the bytes, nothing built.
 */
static gboolean
json_prescan (const char *data,
              gsize       length)
{
  gboolean in_string = FALSE;
  gboolean closed = FALSE;
  gboolean in_exponent = FALSE;
  guint    depth = 0;
  guint    digits = 0;
  guint    exponent_digits = 0;

  for (gsize i = 0; i < length; i++)
    {
      guchar c = (guchar) data[i];

      if (in_string)
        {
          if (c == '"')
            in_string = FALSE;
          else if (c < 0x20)
            return FALSE;
          else if (c == '\\' && i + 1 < length && data[i + 1] == 'u')
            {
              int unit = hex4 (data + i + 2, length - i - 2);

              if (unit <= 0 || (unit >= 0xDC00 && unit <= 0xDFFF))
                return FALSE;
              i += 5;
              if (unit >= 0xD800 && unit <= 0xDBFF)
                {
                  int low;

                  if (i + 2 >= length || data[i + 1] != '\\' || data[i + 2] != 'u')
                    return FALSE;
                  low = hex4 (data + i + 3, length - i - 3);
                  if (low < 0xDC00 || low > 0xDFFF)
                    return FALSE;
                  i += 6;
                }
            }
          else if (c == '\\')
            i++;
          continue;
        }

      /* Numbers: at most 18 digits before or after the point, exponents of 2 digits. */
      if (g_ascii_isdigit (c))
        {
          if (in_exponent ? ++exponent_digits > 2 : ++digits > 18)
            return FALSE;
          continue;
        }
      if ((c == 'e' || c == 'E') && digits > 0 && !in_exponent)
        {
          in_exponent = TRUE;
          exponent_digits = 0;
          continue;
        }
      if ((c == '+' || c == '-') && in_exponent && exponent_digits == 0)
        continue;
      if (c == '.' && digits > 0 && !in_exponent)
        {
          digits = 0;
          continue;
        }
      digits = 0;
      in_exponent = FALSE;

      if (closed)
        {
          if (c != ' ' && c != '\t' && c != '\n' && c != '\r')
            return FALSE;
        }
      else if (c == '"')
        in_string = TRUE;
      else if (c == '\'')
        return FALSE;
      else if (c == '{' || c == '[')
        {
          if (++depth > MAX_JSON_DEPTH)
            return FALSE;
        }
      else if ((c == '}' || c == ']') && depth > 0)
        {
          if (--depth == 0)
            closed = TRUE;
        }
    }

  return TRUE;
}

static TrMessage *
message_new_take (TrMessageType type,
                  JsonObject   *object)
{
  TrMessage *self = g_new0 (TrMessage, 1);

  g_atomic_ref_count_init (&self->ref_count);
  self->type = type;
  self->object = object;

  return self;
}

/* Public API */

const char *
tr_message_type_to_string (TrMessageType type)
{
  if ((guint) type >= TR_MSG_N_TYPES)
    return NULL;

  return type_table[type].name;
}

TrMessageType
tr_message_type_from_string (const char *name,
                             TrDirection direction)
{
  if (name == NULL)
    return TR_MSG_INVALID;

  for (guint i = TR_MSG_INVALID + 1; i < TR_MSG_N_TYPES; i++)
    {
      if (type_table[i].direction == direction && g_str_equal (type_table[i].name, name))
        return (TrMessageType) i;
    }

  return TR_MSG_INVALID;
}

TrDirection
tr_message_type_get_direction (TrMessageType type)
{
  if ((guint) type >= TR_MSG_N_TYPES)
    return TR_DIRECTION_TO_CLIENT;

  return type_table[type].direction;
}

TrMessage *
tr_message_ref (TrMessage *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  g_atomic_ref_count_inc (&self->ref_count);

  return self;
}

void
tr_message_unref (TrMessage *self)
{
  g_return_if_fail (self != NULL);

  if (g_atomic_ref_count_dec (&self->ref_count))
    {
      g_clear_pointer (&self->object, json_object_unref);
      g_free (self);
    }
}

TrMessage *
tr_message_parse (const char  *data,
                  gsize        length,
                  TrDirection  direction,
                  char       **out_id,
                  GError     **error)
{
  g_autoptr(JsonParser) parser = NULL;
  g_autoptr(GError) local_error = NULL;
  JsonNode     *root;
  JsonObject   *object;
  JsonNode     *node;
  const char   *type_name;
  TrMessageType type;

  g_return_val_if_fail (data != NULL || length == 0, NULL);

  if (out_id != NULL)
    *out_id = NULL;

  if (length > TR_PROTOCOL_MAX_FRAME)
    {
      g_set_error (error, TR_ERROR, TR_STATUS_TOO_LARGE,
                   "Frame of %" G_GSIZE_FORMAT " bytes exceeds %d bytes", length,
                   TR_PROTOCOL_MAX_FRAME);
      return NULL;
    }

  if (length == 0 || !g_utf8_validate_len (data, length, NULL))
    {
      g_set_error_literal (error, TR_ERROR, TR_STATUS_MALFORMED_JSON,
                           "Frame is empty or not valid UTF-8");
      return NULL;
    }

  if (!json_prescan (data, length))
    {
      g_set_error (error, TR_ERROR, TR_STATUS_MALFORMED_JSON,
                   "Frame is not strict JSON (or is nested deeper than %d levels)",
                   MAX_JSON_DEPTH);
      return NULL;
    }

  parser = json_parser_new ();
  if (!json_parser_load_from_data (parser, data, (gssize) length, &local_error))
    {
      g_set_error (error, TR_ERROR, TR_STATUS_MALFORMED_JSON, "Frame is not JSON: %s",
                   local_error->message);
      return NULL;
    }

  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    {
      g_set_error_literal (error, TR_ERROR, TR_STATUS_MALFORMED_JSON,
                           "Frame is not a JSON object");
      return NULL;
    }
  object = json_node_get_object (root);

  /* The id first, so that every later error can be answered to it. */
  node = json_object_get_member (object, "id");
  if (out_id != NULL && node != NULL && node_holds (node, G_TYPE_STRING) &&
      tr_protocol_request_id_is_valid (json_node_get_string (node)))
    *out_id = g_strdup (json_node_get_string (node));

  node = json_object_get_member (object, "type");
  if (node == NULL)
    {
      g_set_error_literal (error, TR_ERROR, TR_STATUS_MISSING_FIELD, "Field “type” is missing");
      return NULL;
    }
  if (!node_holds (node, G_TYPE_STRING))
    {
      g_set_error_literal (error, TR_ERROR, TR_STATUS_INVALID_FIELD,
                           "Field “type” must be a string");
      return NULL;
    }
  type_name = json_node_get_string (node);
  type = tr_message_type_from_string (type_name, direction);
  if (type == TR_MSG_INVALID)
    {
      g_autofree char *shown = g_strndup (type_name, 64);

      g_set_error (error, TR_ERROR, TR_STATUS_UNKNOWN_TYPE, "Unknown message type “%s”", shown);
      return NULL;
    }

  if (direction == TR_DIRECTION_TO_SERVER)
    {
      node = json_object_get_member (object, "id");
      if (node == NULL || JSON_NODE_HOLDS_NULL (node))
        {
          g_set_error (error, TR_ERROR, TR_STATUS_MISSING_FIELD,
                       "%s: field “id” is missing", type_name);
          return NULL;
        }
      if (!node_holds (node, G_TYPE_STRING) ||
          !tr_protocol_request_id_is_valid (json_node_get_string (node)))
        {
          g_set_error (error, TR_ERROR, TR_STATUS_INVALID_FIELD,
                       "%s: field “id” is not a valid request id", type_name);
          return NULL;
        }
    }

  if (!validate_object (type, object, error))
    return NULL;

  if (type == TR_MSG_REPLY && json_object_get_boolean_member (object, "ok"))
    {
      node = json_object_get_member (object, "result");
      if (node == NULL || JSON_NODE_HOLDS_NULL (node))
        json_object_set_object_member (object, "result", json_object_new ());
    }

  return message_new_take (type, json_object_ref (object));
}

gboolean
tr_message_validate (TrMessage *self,
                     GError   **error)
{
  const char *type_name;

  g_return_val_if_fail (self != NULL, FALSE);

  if (self->type <= TR_MSG_INVALID || self->type >= TR_MSG_N_TYPES)
    {
      g_set_error_literal (error, TR_ERROR, TR_STATUS_UNKNOWN_TYPE, "Invalid message type");
      return FALSE;
    }

  type_name = tr_message_get_string (self, "type");
  if (g_strcmp0 (type_name, type_table[self->type].name) != 0)
    {
      g_set_error (error, TR_ERROR, TR_STATUS_INVALID_FIELD,
                   "%s: field “type” does not match the message type",
                   type_table[self->type].name);
      return FALSE;
    }

  if (type_table[self->type].direction == TR_DIRECTION_TO_SERVER &&
      !tr_protocol_request_id_is_valid (tr_message_get_string (self, "id")))
    {
      g_set_error (error, TR_ERROR, TR_STATUS_INVALID_FIELD,
                   "%s: field “id” is not a valid request id", type_table[self->type].name);
      return FALSE;
    }

  return validate_object (self->type, self->object, error);
}

TrMessage *
tr_message_new (TrMessageType type)
{
  JsonObject *object;

  g_return_val_if_fail (type > TR_MSG_INVALID && type < TR_MSG_N_TYPES, NULL);

  object = json_object_new ();
  json_object_set_string_member (object, "type", type_table[type].name);

  return message_new_take (type, object);
}

TrMessage *
tr_message_new_request (TrMessageType type,
                        const char   *id)
{
  TrMessage *self;

  g_return_val_if_fail (tr_message_type_get_direction (type) == TR_DIRECTION_TO_SERVER, NULL);
  g_return_val_if_fail (id != NULL, NULL);

  self = tr_message_new (type);
  json_object_set_string_member (self->object, "id", id);

  return self;
}

TrMessage *
tr_message_new_reply (const char *id,
                      JsonObject *result)
{
  TrMessage *self = tr_message_new (TR_MSG_REPLY);

  tr_message_set_string (self, "id", id);
  json_object_set_boolean_member (self->object, "ok", TRUE);
  json_object_set_object_member (self->object, "result",
                                 result != NULL ? result : json_object_new ());

  return self;
}

TrMessage *
tr_message_new_error_reply (const char   *id,
                            const GError *error)
{
  TrMessage *self = tr_message_new (TR_MSG_REPLY);

  g_return_val_if_fail (error != NULL, self);

  tr_message_set_string (self, "id", id);
  json_object_set_boolean_member (self->object, "ok", FALSE);
  json_object_set_object_member (self->object, "error", tr_error_to_json (error));

  return self;
}

TrMessageType
tr_message_get_message_type (TrMessage *self)
{
  g_return_val_if_fail (self != NULL, TR_MSG_INVALID);

  return self->type;
}

const char *
tr_message_get_id (TrMessage *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  if (self->type != TR_MSG_REPLY &&
      tr_message_type_get_direction (self->type) != TR_DIRECTION_TO_SERVER)
    return NULL;

  return tr_message_get_string (self, "id");
}

JsonObject *
tr_message_get_object (TrMessage *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->object;
}

static JsonNode *
get_value_node (TrMessage  *self,
                const char *field,
                GType       type)
{
  JsonNode *node;

  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (field != NULL, NULL);

  node = json_object_get_member (self->object, field);
  if (node == NULL || !node_holds (node, type))
    return NULL;

  return node;
}

const char *
tr_message_get_string (TrMessage  *self,
                       const char *field)
{
  JsonNode *node = get_value_node (self, field, G_TYPE_STRING);

  return node != NULL ? json_node_get_string (node) : NULL;
}

gboolean
tr_message_get_boolean (TrMessage  *self,
                        const char *field,
                        gboolean    default_value)
{
  JsonNode *node = get_value_node (self, field, G_TYPE_BOOLEAN);

  return node != NULL ? json_node_get_boolean (node) : default_value;
}

gint64
tr_message_get_int (TrMessage  *self,
                    const char *field,
                    gint64      default_value)
{
  JsonNode *node = get_value_node (self, field, G_TYPE_INT64);

  return node != NULL ? json_node_get_int (node) : default_value;
}

JsonObject *
tr_message_get_member_object (TrMessage  *self,
                              const char *field)
{
  JsonNode *node;

  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (field != NULL, NULL);

  node = json_object_get_member (self->object, field);
  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    return NULL;

  return json_node_get_object (node);
}

JsonArray *
tr_message_get_array (TrMessage  *self,
                      const char *field)
{
  JsonNode *node;

  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (field != NULL, NULL);

  node = json_object_get_member (self->object, field);
  if (node == NULL || !JSON_NODE_HOLDS_ARRAY (node))
    return NULL;

  return json_node_get_array (node);
}

gboolean
tr_message_has_field (TrMessage  *self,
                      const char *field)
{
  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (field != NULL, FALSE);

  return json_object_has_member (self->object, field);
}

void
tr_message_set_string (TrMessage  *self,
                       const char *field,
                       const char *value)
{
  g_return_if_fail (self != NULL);
  g_return_if_fail (field != NULL);

  if (value == NULL)
    json_object_set_null_member (self->object, field);
  else
    json_object_set_string_member (self->object, field, value);
}

void
tr_message_set_boolean (TrMessage  *self,
                        const char *field,
                        gboolean    value)
{
  g_return_if_fail (self != NULL);
  g_return_if_fail (field != NULL);

  json_object_set_boolean_member (self->object, field, value);
}

void
tr_message_set_int (TrMessage  *self,
                    const char *field,
                    gint64      value)
{
  g_return_if_fail (self != NULL);
  g_return_if_fail (field != NULL);

  json_object_set_int_member (self->object, field, value);
}

void
tr_message_take_object (TrMessage  *self,
                        const char *field,
                        JsonObject *value)
{
  g_return_if_fail (self != NULL);
  g_return_if_fail (field != NULL);

  if (value == NULL)
    json_object_set_null_member (self->object, field);
  else
    json_object_set_object_member (self->object, field, value);
}

void
tr_message_take_array (TrMessage  *self,
                       const char *field,
                       JsonArray  *value)
{
  g_return_if_fail (self != NULL);
  g_return_if_fail (field != NULL);

  if (value == NULL)
    json_object_set_null_member (self->object, field);
  else
    json_object_set_array_member (self->object, field, value);
}

gboolean
tr_message_reply_is_ok (TrMessage *self)
{
  g_return_val_if_fail (self != NULL, FALSE);

  return self->type == TR_MSG_REPLY && tr_message_get_boolean (self, "ok", FALSE);
}

JsonObject *
tr_message_reply_get_result (TrMessage *self)
{
  JsonObject *result;

  g_return_val_if_fail (self != NULL, NULL);

  if (!tr_message_reply_is_ok (self))
    return NULL;

  result = tr_message_get_member_object (self, "result");
  if (result == NULL)
    {
      /* ok without a result means {} */
      result = json_object_new ();
      json_object_set_object_member (self->object, "result", result);
    }

  return result;
}

GError *
tr_message_reply_dup_error (TrMessage *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  if (self->type != TR_MSG_REPLY || tr_message_reply_is_ok (self))
    return NULL;

  return tr_error_new_from_json (tr_message_get_member_object (self, "error"));
}

gboolean
tr_message_reply_validate_result (TrMessage    *self,
                                  TrMessageType request_type,
                                  GError      **error)
{
  g_autoptr(GString) path = NULL;
  g_autofree char   *name = NULL;
  JsonObject        *result;
  Checker            checker;
  ObjectSchema       schema = { NULL };

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (self->type == TR_MSG_REPLY, FALSE);
  g_return_val_if_fail (tr_message_type_get_direction (request_type) == TR_DIRECTION_TO_SERVER &&
                        request_type != TR_MSG_INVALID, FALSE);

  if (!tr_message_reply_is_ok (self))
    return TRUE;

  result = tr_message_reply_get_result (self);
  name = g_strdup_printf ("%s result", type_table[request_type].name);
  path = g_string_sized_new (32);
  checker.type_name = name;
  checker.path = path;
  schema.name = name;
  schema.fields = type_table[request_type].result;

  return check_object (&checker, result, &schema, error);
}

char *
tr_message_to_string (TrMessage *self,
                      gsize     *length)
{
  g_autoptr(JsonGenerator) generator = NULL;
  g_autoptr(JsonNode) root = NULL;

  g_return_val_if_fail (self != NULL, NULL);

  root = json_node_init_object (json_node_alloc (), self->object);
  generator = json_generator_new ();
  json_generator_set_root (generator, root);

  return json_generator_to_data (generator, length);
}

JsonObject *
tr_party_new_json (const char *id,
                   const char *display_name)
{
  JsonObject *object = json_object_new ();

  g_return_val_if_fail (id != NULL, object);

  json_object_set_string_member (object, "id", id);
  if (display_name != NULL)
    json_object_set_string_member (object, "display_name", display_name);

  return object;
}
