/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "TestMessage"

#include "config.h"

#include <string.h>

#include "tr-message.h"
#include "tr-protocol.h"

/* Builders: valid instances of every object and message type, made with the public API. */

static JsonObject *
hold_new (gboolean caller,
          gboolean callee)
{
  JsonObject *hold = json_object_new ();

  json_object_set_boolean_member (hold, "caller", caller);
  json_object_set_boolean_member (hold, "callee", callee);
  return hold;
}

static JsonObject *
call_info_new (void)
{
  JsonObject *call = json_object_new ();

  json_object_set_string_member (call, "id", "c-1");
  json_object_set_object_member (call, "caller", tr_party_new_json ("alice", "Alice"));
  json_object_set_object_member (call, "callee", tr_party_new_json ("bob", "Bob “B” Jones"));
  json_object_set_string_member (call, "state", "ringing");
  json_object_set_boolean_member (call, "video", FALSE);
  json_object_set_int_member (call, "created_at", G_GINT64_CONSTANT (1764484800123));
  json_object_set_object_member (call, "hold", hold_new (FALSE, TRUE));
  json_object_set_object_member (call, "transferor", tr_party_new_json ("carol", NULL));
  json_object_set_string_member (call, "transfer", "t-1");
  json_object_set_string_member (call, "replaces", "c-0");
  json_object_set_object_member (call, "forwarded_from", tr_party_new_json ("dave", "Dave"));
  return call;
}

static JsonObject *
target_new (const char *kind)
{
  JsonObject *target = json_object_new ();

  json_object_set_string_member (target, "kind", kind);
  if (g_str_equal (kind, "participant"))
    {
      json_object_set_string_member (target, "user", "carol");
      json_object_set_boolean_member (target, "disable_forwarding_and_unanswered", TRUE);
    }
  else if (g_str_equal (kind, "call"))
    json_object_set_string_member (target, "call", "c-2");
  else
    json_object_set_string_member (target, "user", "carol");
  return target;
}

static JsonObject *
transfer_info_new (void)
{
  JsonObject *info = json_object_new ();

  json_object_set_string_member (info, "id", "t-1");
  json_object_set_string_member (info, "call", "c-1");
  json_object_set_string_member (info, "state", "failed");
  json_object_set_object_member (info, "target", target_new ("participant"));
  json_object_set_string_member (info, "target_call", "c-3");
  json_object_set_object_member (info, "error", tr_status_to_json (TR_STATUS_BUSY, NULL));
  return info;
}

static JsonObject *
settings_new (void)
{
  JsonObject *settings = json_object_new ();

  json_object_set_string_member (settings, "forward_always", "dave");
  json_object_set_null_member (settings, "unanswered_target");
  json_object_set_int_member (settings, "ring_timeout", 30);
  return settings;
}

static JsonObject *
payload_new (gsize padding)
{
  JsonObject      *payload = json_object_new ();
  g_autofree char *sdp = g_strnfill (padding, 'v');

  json_object_set_string_member (payload, "kind", "offer");
  json_object_set_string_member (payload, "sdp", sdp);
  return payload;
}

static TrMessage *
build (TrMessageType type)
{
  TrMessage *message;

  if (tr_message_type_get_direction (type) == TR_DIRECTION_TO_SERVER)
    message = tr_message_new_request (type, "r17");
  else if (type == TR_MSG_REPLY)
    {
      JsonObject *result = json_object_new ();

      json_object_set_object_member (result, "call", call_info_new ());
      return tr_message_new_reply ("r17", result);
    }
  else
    message = tr_message_new (type);

  switch (type)
    {
    case TR_REQ_PING:
    case TR_REQ_DIRECTORY_LIST:
    case TR_REQ_SETTINGS_GET:
      break;

    case TR_REQ_PRESENCE_SUBSCRIBE:
      {
        JsonArray *users = json_array_new ();

        json_array_add_string_element (users, "alice");
        json_array_add_string_element (users, "bob");
        tr_message_take_array (message, "users", users);
        break;
      }

    case TR_REQ_CALL_START:
      tr_message_set_string (message, "to", "bob");
      tr_message_set_boolean (message, "video", TRUE);
      tr_message_set_string (message, "transfer", "t-1");
      tr_message_set_string (message, "replaces", "c-0");
      break;

    case TR_REQ_CALL_ACCEPT:
    case TR_REQ_CALL_HANGUP:
    case TR_REQ_CALL_HOLD:
    case TR_REQ_CALL_RESUME:
    case TR_EV_CALL_RINGING:
      tr_message_set_string (message, "call", "c-1");
      break;

    case TR_REQ_CALL_REJECT:
      tr_message_set_string (message, "call", "c-1");
      tr_message_set_string (message, "reason", "busy");
      break;

    case TR_REQ_CALL_SIGNAL:
    case TR_EV_CALL_SIGNAL:
      tr_message_set_string (message, "call", "c-1");
      tr_message_take_object (message, "payload", payload_new (100));
      if (type == TR_EV_CALL_SIGNAL)
        tr_message_set_string (message, "from", "alice");
      break;

    case TR_REQ_CALL_DTMF:
    case TR_EV_CALL_DTMF:
      tr_message_set_string (message, "call", "c-1");
      tr_message_set_string (message, "digits", "0123456789*#ABCD");
      if (type == TR_EV_CALL_DTMF)
        tr_message_set_string (message, "from", "alice");
      break;

    case TR_REQ_CALL_TRANSFER:
      tr_message_set_string (message, "call", "c-1");
      tr_message_take_object (message, "target", target_new ("participant"));
      break;

    case TR_REQ_SETTINGS_SET:
      tr_message_take_object (message, "settings", settings_new ());
      break;

    case TR_REQ_RECORDS_LIST:
      tr_message_set_int (message, "limit", 500);
      break;

    case TR_REQ_SESSION_REFRESH:
      tr_message_set_string (message, "token", "aaa.bbb.ccc");
      break;

    case TR_REQ_VOICEMAIL_LIST:
      break;

    case TR_REQ_VOICEMAIL_MARK_HEARD:
    case TR_REQ_VOICEMAIL_DELETE:
      tr_message_set_string (message, "message", "v-1");
      break;

    case TR_EV_VOICEMAIL_NEW:
      {
        JsonObject *voicemail = json_object_new ();

        json_object_set_string_member (voicemail, "id", "v-1");
        json_object_set_object_member (voicemail, "caller", tr_party_new_json ("bob", "Bob"));
        json_object_set_int_member (voicemail, "created_at", 1764484800123);
        json_object_set_int_member (voicemail, "duration_ms", 4000);
        json_object_set_boolean_member (voicemail, "heard", FALSE);
        tr_message_take_object (message, "message", voicemail);
        tr_message_set_int (message, "unheard", 1);
        break;
      }

    case TR_EV_WELCOME:
      {
        JsonArray  *servers = json_array_new ();
        JsonObject *server = json_object_new ();
        JsonArray  *urls = json_array_new ();
        JsonObject *limits = json_object_new ();

        json_array_add_string_element (urls, "stun:127.0.0.1:3478");
        json_object_set_array_member (server, "urls", urls);
        json_object_set_string_member (server, "username", "u");
        json_object_set_string_member (server, "credential", "p");
        json_array_add_object_element (servers, server);
        json_object_set_int_member (limits, "max_frame", TR_PROTOCOL_MAX_FRAME);
        json_object_set_int_member (limits, "rate", TR_PROTOCOL_RATE);
        json_object_set_int_member (limits, "burst", TR_PROTOCOL_BURST);

        tr_message_set_int (message, "protocol", TR_PROTOCOL_VERSION);
        tr_message_set_string (message, "session", "s-1");
        tr_message_take_object (message, "user", tr_party_new_json ("alice", "Alice"));
        tr_message_set_int (message, "token_expires_at", 1764488400);
        tr_message_take_array (message, "ice_servers", servers);
        tr_message_take_object (message, "limits", limits);
        break;
      }

    case TR_EV_PRESENCE:
      tr_message_set_string (message, "user", "bob");
      tr_message_set_boolean (message, "online", TRUE);
      break;

    case TR_EV_CALL_INCOMING:
    case TR_EV_CALL_ACCEPTED:
      tr_message_take_object (message, "call", call_info_new ());
      break;

    case TR_EV_CALL_FORWARDED:
      tr_message_set_string (message, "call", "c-1");
      tr_message_take_object (message, "to", tr_party_new_json ("dave", "Dave"));
      tr_message_set_string (message, "reason", "unanswered");
      break;

    case TR_EV_CALL_HOLD_CHANGED:
      tr_message_set_string (message, "call", "c-1");
      tr_message_take_object (message, "hold", hold_new (TRUE, FALSE));
      break;

    case TR_EV_CALL_ENDED:
      tr_message_set_string (message, "call", "c-1");
      tr_message_take_object (message, "reason", tr_status_to_json (TR_STATUS_TRANSFERRED, NULL));
      break;

    case TR_EV_TRANSFER_REQUEST:
      tr_message_set_string (message, "transfer", "t-1");
      tr_message_set_string (message, "call", "c-1");
      tr_message_take_object (message, "to", tr_party_new_json ("carol", "Carol"));
      tr_message_take_object (message, "transferor", tr_party_new_json ("alice", "Alice"));
      tr_message_set_string (message, "replaces", "c-2");
      tr_message_set_boolean (message, "disable_forwarding_and_unanswered", FALSE);
      break;

    case TR_EV_TRANSFER_STATE:
      tr_message_take_object (message, "transfer", transfer_info_new ());
      break;

    case TR_MSG_INVALID:
    case TR_MSG_REPLY:
    case TR_MSG_N_TYPES:
    default:
      g_assert_not_reached ();
    }

  return message;
}

/* clang-format off */
/* The top-level fields each type must have ("type" and a request's "id" aside). */
static const char *const required_fields[TR_MSG_N_TYPES] = {
  [TR_REQ_PRESENCE_SUBSCRIBE] = "users",
  [TR_REQ_CALL_START] = "to",
  [TR_REQ_CALL_ACCEPT] = "call",
  [TR_REQ_CALL_REJECT] = "call reason",
  [TR_REQ_CALL_HANGUP] = "call",
  [TR_REQ_CALL_HOLD] = "call",
  [TR_REQ_CALL_RESUME] = "call",
  [TR_REQ_CALL_SIGNAL] = "call payload",
  [TR_REQ_CALL_DTMF] = "call digits",
  [TR_REQ_CALL_TRANSFER] = "call target",
  [TR_REQ_SETTINGS_SET] = "settings",
  [TR_REQ_SESSION_REFRESH] = "token",
  [TR_MSG_REPLY] = "id ok",
  [TR_EV_WELCOME] = "protocol session user token_expires_at ice_servers limits",
  [TR_EV_PRESENCE] = "user online",
  [TR_EV_CALL_INCOMING] = "call",
  [TR_EV_CALL_RINGING] = "call",
  [TR_EV_CALL_FORWARDED] = "call to reason",
  [TR_EV_CALL_ACCEPTED] = "call",
  [TR_EV_CALL_HOLD_CHANGED] = "call hold",
  [TR_EV_CALL_ENDED] = "call reason",
  [TR_EV_CALL_SIGNAL] = "call from payload",
  [TR_EV_CALL_DTMF] = "call from digits",
  [TR_EV_TRANSFER_REQUEST] = "transfer call to transferor disable_forwarding_and_unanswered",
  [TR_EV_TRANSFER_STATE] = "transfer",
  [TR_REQ_VOICEMAIL_MARK_HEARD] = "message",
  [TR_REQ_VOICEMAIL_DELETE] = "message",
  [TR_EV_VOICEMAIL_NEW] = "message unheard",
};

/* clang-format on */

static TrDirection
direction_of (TrMessageType type)
{
  return tr_message_type_get_direction (type);
}

static char *
object_to_string (JsonObject *object)
{
  g_autoptr(JsonNode) node = json_node_init_object (json_node_alloc (), object);

  return json_to_string (node, FALSE);
}

/* Parses @text, expecting failure with @status. */
static void
assert_rejected (const char   *text,
                 gssize        length,
                 TrDirection   direction,
                 TrStatus      status)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TrMessage) message = NULL;
  g_autofree char *id = NULL;

  message = tr_message_parse (text, length < 0 ? strlen (text) : (gsize) length, direction, &id,
                              &error);
  if (message != NULL || !g_error_matches (error, TR_ERROR, (gint) status))
    g_error ("expected status %u for %.200s, got %s", status, text,
             error != NULL ? error->message : "success");
}

static TrMessage *
assert_parses (const char *text,
               TrDirection direction)
{
  g_autoptr(GError) error = NULL;
  TrMessage *message = tr_message_parse (text, strlen (text), direction, NULL, &error);

  if (message == NULL)
    g_error ("%.300s: %s", text, error->message);
  return message;
}

/* A copy of @message's object with @edit applied to the top level. */
static char *
mutate (TrMessage  *message,
        const char *remove,
        const char *set_name,
        JsonNode   *set_value)
{
  g_autofree char *text = tr_message_to_string (message, NULL);
  g_autoptr(JsonNode) root = json_from_string (text, NULL);
  JsonObject *object = json_node_get_object (root);

  if (remove != NULL)
    json_object_remove_member (object, remove);
  if (set_name != NULL)
    json_object_set_member (object, set_name, set_value);

  return json_to_string (root, FALSE);
}

static void
test_message_types (void)
{
  for (guint t = TR_MSG_INVALID + 1; t < TR_MSG_N_TYPES; t++)
    {
      const char *name = tr_message_type_to_string (t);

      g_assert_nonnull (name);
      g_assert_cmpint (tr_message_type_from_string (name, direction_of (t)), ==, t);
      /* Names exist in one direction only, call.signal / call.dtmf excepted. */
      if (t != TR_REQ_CALL_SIGNAL && t != TR_REQ_CALL_DTMF && t != TR_EV_CALL_SIGNAL &&
          t != TR_EV_CALL_DTMF)
        g_assert_cmpint (tr_message_type_from_string (name, !direction_of (t)), ==,
                         TR_MSG_INVALID);
    }

  g_assert_null (tr_message_type_to_string (TR_MSG_INVALID));
  g_assert_cmpstr (tr_message_type_to_string (TR_MSG_REPLY), ==, "reply");
  g_assert_cmpint (tr_message_type_from_string ("call.signal", TR_DIRECTION_TO_SERVER), ==,
                   TR_REQ_CALL_SIGNAL);
  g_assert_cmpint (tr_message_type_from_string ("call.signal", TR_DIRECTION_TO_CLIENT), ==,
                   TR_EV_CALL_SIGNAL);
  g_assert_cmpint (tr_message_type_from_string ("nope", TR_DIRECTION_TO_SERVER), ==,
                   TR_MSG_INVALID);
  g_assert_cmpint (tr_message_type_from_string (NULL, TR_DIRECTION_TO_SERVER), ==,
                   TR_MSG_INVALID);
  g_assert_cmpint (tr_message_type_get_direction (TR_REQ_PING), ==, TR_DIRECTION_TO_SERVER);
  g_assert_cmpint (tr_message_type_get_direction (TR_EV_WELCOME), ==, TR_DIRECTION_TO_CLIENT);
  g_assert_cmpint (tr_message_type_get_direction (TR_MSG_REPLY), ==, TR_DIRECTION_TO_CLIENT);
}

/* Every type: build → validate → to_string → parse → the same object. */
static void
test_message_round_trip (void)
{
  for (guint t = TR_MSG_INVALID + 1; t < TR_MSG_N_TYPES; t++)
    {
      g_autoptr(TrMessage) built = build (t);
      g_autoptr(TrMessage) parsed = NULL;
      g_autoptr(TrMessage) boxed = NULL;
      g_autoptr(GError) error = NULL;
      g_autofree char *text = NULL;
      g_autofree char *id = NULL;
      g_autoptr(JsonNode) a = NULL;
      g_autoptr(JsonNode) b = NULL;
      gsize            length = 0;

      g_test_message ("type %s", tr_message_type_to_string (t));
      g_assert_true (tr_message_validate (built, &error));
      g_assert_no_error (error);

      text = tr_message_to_string (built, &length);
      g_assert_cmpuint (length, ==, strlen (text));
      parsed = tr_message_parse (text, length, direction_of (t), &id, &error);
      g_assert_no_error (error);
      g_assert_nonnull (parsed);
      g_assert_cmpint (tr_message_get_message_type (parsed), ==, t);

      if (direction_of (t) == TR_DIRECTION_TO_SERVER || t == TR_MSG_REPLY)
        {
          g_assert_cmpstr (tr_message_get_id (parsed), ==, "r17");
          g_assert_cmpstr (id, ==, "r17");
        }
      else
        {
          g_assert_null (tr_message_get_id (parsed));
          g_assert_null (id);
        }

      a = json_node_init_object (json_node_alloc (), tr_message_get_object (built));
      b = json_node_init_object (json_node_alloc (), tr_message_get_object (parsed));
      g_assert_true (json_node_equal (a, b));

      /* Boxed copy is a reference. */
      boxed = g_boxed_copy (TR_TYPE_MESSAGE, parsed);
      g_assert_true (boxed == parsed);
      tr_message_unref (g_steal_pointer (&boxed));
    }
}

/* Removing each required field fails with MISSING_FIELD; removing anything else is fine. */
static void
test_message_required_fields (void)
{
  for (guint t = TR_MSG_INVALID + 1; t < TR_MSG_N_TYPES; t++)
    {
      g_autoptr(TrMessage) built = build (t);
      g_auto(GStrv) required = g_strsplit (required_fields[t] ? required_fields[t] : "", " ", -1);
      g_autoptr(GList) members = json_object_get_members (tr_message_get_object (built));

      for (GList *l = members; l != NULL; l = l->next)
        {
          const char      *field = l->data;
          g_autofree char *text = NULL;

          if (g_str_equal (field, "type"))
            continue;

          text = mutate (built, field, NULL, NULL);
          if (g_str_equal (field, "id") && direction_of (t) == TR_DIRECTION_TO_SERVER)
            assert_rejected (text, -1, direction_of (t), TR_STATUS_MISSING_FIELD);
          else if (g_strv_contains ((const char *const *) required, field))
            assert_rejected (text, -1, direction_of (t), TR_STATUS_MISSING_FIELD);
          else
            {
              g_autoptr(TrMessage) message = assert_parses (text, direction_of (t));
            }
        }

      /* Every listed required field is in the builder's instance. */
      for (guint i = 0; required[i] != NULL; i++)
        {
          if (*required[i] != '\0')
            g_assert_true (tr_message_has_field (built, required[i]));
        }
    }
}

/* Giving each field a value of the wrong JSON type fails with INVALID_FIELD. */
static void
test_message_wrong_types (void)
{
  for (guint t = TR_MSG_INVALID + 1; t < TR_MSG_N_TYPES; t++)
    {
      g_autoptr(TrMessage) built = build (t);
      g_autoptr(GList) members = json_object_get_members (tr_message_get_object (built));

      for (GList *l = members; l != NULL; l = l->next)
        {
          const char      *field = l->data;
          JsonNode        *original = json_object_get_member (tr_message_get_object (built), field);
          JsonNode        *wrong;
          g_autofree char *text = NULL;

          if (t == TR_MSG_REPLY && g_str_equal (field, "result"))
            continue; /* any object */

          if (JSON_NODE_HOLDS_OBJECT (original))
            wrong = json_node_init_int (json_node_alloc (), 42);
          else
            wrong = json_node_init_object (json_node_alloc (), json_object_new ());

          text = mutate (built, NULL, field, wrong);
          assert_rejected (text, -1, direction_of (t),
                           g_str_equal (field, "type") ? TR_STATUS_INVALID_FIELD
                                                       : TR_STATUS_INVALID_FIELD);
        }
    }
}

/* Unknown fields are ignored, at the top level and in nested objects. */
static void
test_message_unknown_fields (void)
{
  for (guint t = TR_MSG_INVALID + 1; t < TR_MSG_N_TYPES; t++)
    {
      g_autoptr(TrMessage) built = build (t);
      g_autoptr(TrMessage) parsed = NULL;
      g_autoptr(JsonNode) extra = json_from_string ("{\"nested\": [1, 2.5, null, {\"x\": true}]}",
                                                    NULL);
      g_autofree char *text = mutate (built, NULL, "x-future", g_steal_pointer (&extra));

      parsed = assert_parses (text, direction_of (t));
      g_assert_true (tr_message_has_field (parsed, "x-future"));
    }

  /* Nested */
  {
    g_autoptr(TrMessage) parsed = assert_parses (
      "{\"type\":\"call.transfer\",\"id\":\"1\",\"call\":\"c\","
      "\"target\":{\"kind\":\"call\",\"call\":\"c2\",\"extra\":{}}}", TR_DIRECTION_TO_SERVER);
    g_autoptr(TrMessage) parsed2 = assert_parses (
      "{\"type\":\"presence\",\"user\":\"u\",\"online\":false,\"id\":\"ignored\"}",
      TR_DIRECTION_TO_CLIENT);

    g_assert_null (tr_message_get_id (parsed2));
  }
}

typedef struct
{
  TrDirection direction;
  const char *json;
  TrStatus    status; /* TR_STATUS_HANGUP (0) means accepted */
} Case;

/* clang-format off */
#define S TR_DIRECTION_TO_SERVER
#define C TR_DIRECTION_TO_CLIENT
#define OK TR_STATUS_HANGUP
#define CALL_INFO(extra) \
  "{\"id\":\"c-1\",\"caller\":{\"id\":\"a\"},\"callee\":{\"id\":\"b\",\"display_name\":\"B\"}," \
  "\"state\":\"connected\",\"video\":true,\"created_at\":1,\"hold\":{\"caller\":false," \
  "\"callee\":false}" extra "}"

static const Case value_cases[] = {
  /* ids */
  { S, "{\"type\":\"call.start\",\"id\":\"r\",\"to\":\"a.b_c@d-e\"}", OK },
  { S, "{\"type\":\"call.start\",\"id\":\"r\",\"to\":\"a b\"}", TR_STATUS_INVALID_FIELD },
  { S, "{\"type\":\"call.start\",\"id\":\"r\",\"to\":\"\"}", TR_STATUS_INVALID_FIELD },
  { S, "{\"type\":\"call.start\",\"id\":\"r\",\"to\":\"é\"}", TR_STATUS_INVALID_FIELD },
  { S, "{\"type\":\"call.start\",\"id\":\"r\",\"to\":\"a/b\"}", TR_STATUS_INVALID_FIELD },
  { S, "{\"type\":\"call.start\",\"id\":\"r\",\"to\":"
       "\"0123456789012345678901234567890123456789012345678901234567890123\"}", OK },
  { S, "{\"type\":\"call.start\",\"id\":\"r\",\"to\":"
       "\"01234567890123456789012345678901234567890123456789012345678901234\"}",
    TR_STATUS_INVALID_FIELD },
  { S, "{\"type\":\"call.start\",\"id\":\"r\",\"to\":\"bob\",\"video\":null}", OK },
  { S, "{\"type\":\"call.start\",\"id\":\"r\",\"to\":null}", TR_STATUS_INVALID_FIELD },
  { S, "{\"type\":\"call.start\",\"id\":\"r\",\"to\":\"bob\",\"video\":1}",
    TR_STATUS_INVALID_FIELD },
  { S, "{\"type\":\"call.start\",\"id\":\"r\",\"to\":\"bob\",\"transfer\":\"t 1\"}",
    TR_STATUS_INVALID_FIELD },
  /* request ids */
  { S, "{\"type\":\"ping\",\"id\":\"a b ~!\"}", OK },
  { S, "{\"type\":\"ping\",\"id\":\"\"}", TR_STATUS_INVALID_FIELD },
  { S, "{\"type\":\"ping\",\"id\":17}", TR_STATUS_INVALID_FIELD },
  { S, "{\"type\":\"ping\",\"id\":\"tab\\there\"}", TR_STATUS_INVALID_FIELD },
  { S, "{\"type\":\"ping\",\"id\":\"é\"}", TR_STATUS_INVALID_FIELD },
  { S, "{\"type\":\"ping\",\"id\":null}", TR_STATUS_MISSING_FIELD },
  { S, "{\"type\":\"ping\",\"id\":"
       "\"01234567890123456789012345678901234567890123456789012345678901234\"}",
    TR_STATUS_INVALID_FIELD },
  /* enums */
  { S, "{\"type\":\"call.reject\",\"id\":\"r\",\"call\":\"c\",\"reason\":\"declined\"}", OK },
  { S, "{\"type\":\"call.reject\",\"id\":\"r\",\"call\":\"c\",\"reason\":\"nope\"}",
    TR_STATUS_INVALID_FIELD },
  /* DTMF */
  { S, "{\"type\":\"call.dtmf\",\"id\":\"r\",\"call\":\"c\",\"digits\":\"12E\"}",
    TR_STATUS_INVALID_FIELD },
  { S, "{\"type\":\"call.dtmf\",\"id\":\"r\",\"call\":\"c\",\"digits\":\"a\"}",
    TR_STATUS_INVALID_FIELD },
  { S, "{\"type\":\"call.dtmf\",\"id\":\"r\",\"call\":\"c\",\"digits\":\"\"}",
    TR_STATUS_INVALID_FIELD },
  { S, "{\"type\":\"call.dtmf\",\"id\":\"r\",\"call\":\"c\",\"digits\":"
       "\"12345678901234567890123456789012\"}", OK },
  { S, "{\"type\":\"call.dtmf\",\"id\":\"r\",\"call\":\"c\",\"digits\":"
       "\"123456789012345678901234567890123\"}", TR_STATUS_INVALID_FIELD },
  /* settings */
  { S, "{\"type\":\"settings.set\",\"id\":\"r\",\"settings\":{}}", OK },
  { S, "{\"type\":\"settings.set\",\"id\":\"r\",\"settings\":{\"forward_always\":null,"
       "\"unanswered_target\":null,\"ring_timeout\":1}}", OK },
  { S, "{\"type\":\"settings.set\",\"id\":\"r\",\"settings\":{\"ring_timeout\":300}}", OK },
  { S, "{\"type\":\"settings.set\",\"id\":\"r\",\"settings\":{\"ring_timeout\":0}}",
    TR_STATUS_INVALID_FIELD },
  { S, "{\"type\":\"settings.set\",\"id\":\"r\",\"settings\":{\"ring_timeout\":301}}",
    TR_STATUS_INVALID_FIELD },
  { S, "{\"type\":\"settings.set\",\"id\":\"r\",\"settings\":{\"ring_timeout\":30.5}}",
    TR_STATUS_INVALID_FIELD },
  { S, "{\"type\":\"settings.set\",\"id\":\"r\",\"settings\":{\"ring_timeout\":\"30\"}}",
    TR_STATUS_INVALID_FIELD },
  { S, "{\"type\":\"settings.set\",\"id\":\"r\",\"settings\":{\"forward_always\":\"x y\"}}",
    TR_STATUS_INVALID_FIELD },
  { S, "{\"type\":\"settings.set\",\"id\":\"r\",\"settings\":null}", TR_STATUS_INVALID_FIELD },
  /* records */
  { S, "{\"type\":\"records.list\",\"id\":\"r\",\"limit\":1}", OK },
  { S, "{\"type\":\"records.list\",\"id\":\"r\"}", OK },
  { S, "{\"type\":\"records.list\",\"id\":\"r\",\"limit\":0}", TR_STATUS_INVALID_FIELD },
  { S, "{\"type\":\"records.list\",\"id\":\"r\",\"limit\":501}", TR_STATUS_INVALID_FIELD },
  { S, "{\"type\":\"records.list\",\"id\":\"r\",\"limit\":-1}", TR_STATUS_INVALID_FIELD },
  { S, "{\"type\":\"records.list\",\"id\":\"r\",\"limit\":1e3}", TR_STATUS_INVALID_FIELD },
  /* presence */
  { S, "{\"type\":\"presence.subscribe\",\"id\":\"r\",\"users\":[]}", OK },
  { S, "{\"type\":\"presence.subscribe\",\"id\":\"r\",\"users\":[\"a\",1]}",
    TR_STATUS_INVALID_FIELD },
  { S, "{\"type\":\"presence.subscribe\",\"id\":\"r\",\"users\":[\"a\",null]}",
    TR_STATUS_INVALID_FIELD },
  { S, "{\"type\":\"presence.subscribe\",\"id\":\"r\",\"users\":[\"a b\"]}",
    TR_STATUS_INVALID_FIELD },
  /* session.refresh */
  { S, "{\"type\":\"session.refresh\",\"id\":\"r\",\"token\":\"\"}", TR_STATUS_INVALID_FIELD },
  /* targets */
  { S, "{\"type\":\"call.transfer\",\"id\":\"r\",\"call\":\"c\",\"target\":{\"kind\":"
       "\"participant\",\"user\":\"carol\"}}", OK },
  { S, "{\"type\":\"call.transfer\",\"id\":\"r\",\"call\":\"c\",\"target\":{\"kind\":"
       "\"participant\",\"user\":\"carol\",\"disable_forwarding_and_unanswered\":\"yes\"}}",
    TR_STATUS_INVALID_FIELD },
  { S, "{\"type\":\"call.transfer\",\"id\":\"r\",\"call\":\"c\",\"target\":{\"kind\":"
       "\"participant\"}}", TR_STATUS_MISSING_FIELD },
  { S, "{\"type\":\"call.transfer\",\"id\":\"r\",\"call\":\"c\",\"target\":{\"kind\":"
       "\"participant\",\"call\":\"c2\"}}", TR_STATUS_MISSING_FIELD },
  { S, "{\"type\":\"call.transfer\",\"id\":\"r\",\"call\":\"c\",\"target\":{\"kind\":\"call\","
       "\"call\":\"c2\"}}", OK },
  { S, "{\"type\":\"call.transfer\",\"id\":\"r\",\"call\":\"c\",\"target\":{\"kind\":\"call\","
       "\"user\":\"carol\"}}", TR_STATUS_MISSING_FIELD },
  { S, "{\"type\":\"call.transfer\",\"id\":\"r\",\"call\":\"c\",\"target\":{\"kind\":"
       "\"voicemail\",\"user\":\"carol\"}}", OK },
  { S, "{\"type\":\"call.transfer\",\"id\":\"r\",\"call\":\"c\",\"target\":{\"kind\":"
       "\"voicemail\",\"user\":\"c d\"}}", TR_STATUS_INVALID_FIELD },
  { S, "{\"type\":\"call.transfer\",\"id\":\"r\",\"call\":\"c\",\"target\":{\"kind\":"
       "\"carrier-pigeon\",\"user\":\"carol\"}}", TR_STATUS_INVALID_FIELD },
  { S, "{\"type\":\"call.transfer\",\"id\":\"r\",\"call\":\"c\",\"target\":{\"user\":"
       "\"carol\"}}", TR_STATUS_MISSING_FIELD },
  { S, "{\"type\":\"call.transfer\",\"id\":\"r\",\"call\":\"c\",\"target\":[]}",
    TR_STATUS_INVALID_FIELD },
  /* signal payload */
  { S, "{\"type\":\"call.signal\",\"id\":\"r\",\"call\":\"c\",\"payload\":{}}", OK },
  { S, "{\"type\":\"call.signal\",\"id\":\"r\",\"call\":\"c\",\"payload\":\"sdp\"}",
    TR_STATUS_INVALID_FIELD },
  /* nested CallInfo, Party */
  { C, "{\"type\":\"call.incoming\",\"call\":" CALL_INFO ("") "}", OK },
  { C, "{\"type\":\"call.incoming\",\"call\":" CALL_INFO (",\"transferor\":null") "}", OK },
  { C, "{\"type\":\"call.incoming\",\"call\":" CALL_INFO (",\"transferor\":{}") "}",
    TR_STATUS_MISSING_FIELD },
  { C, "{\"type\":\"call.incoming\",\"call\":" CALL_INFO (",\"state\":\"held\"") "}",
    TR_STATUS_INVALID_FIELD },
  { C, "{\"type\":\"call.incoming\",\"call\":" CALL_INFO (",\"created_at\":-1") "}",
    TR_STATUS_INVALID_FIELD },
  { C, "{\"type\":\"call.incoming\",\"call\":" CALL_INFO (",\"hold\":{\"caller\":true}") "}",
    TR_STATUS_MISSING_FIELD },
  { C, "{\"type\":\"call.incoming\",\"call\":" CALL_INFO (",\"caller\":{\"id\":\"a\","
       "\"display_name\":\"\"}") "}", TR_STATUS_INVALID_FIELD },
  { C, "{\"type\":\"call.incoming\",\"call\":" CALL_INFO (",\"caller\":{\"id\":\"a\","
       "\"display_name\":\"a\\u0007b\"}") "}", TR_STATUS_INVALID_FIELD },
  { C, "{\"type\":\"call.incoming\",\"call\":" CALL_INFO (",\"forwarded_from\":{\"id\":\"\"}")
       "}", TR_STATUS_INVALID_FIELD },
  { C, "{\"type\":\"call.incoming\",\"call\":{\"id\":\"c\"}}", TR_STATUS_MISSING_FIELD },
  /* Error / EndReason */
  { C, "{\"type\":\"call.ended\",\"call\":\"c\",\"reason\":{\"code\":0,\"subcode\":0}}", OK },
  { C, "{\"type\":\"call.ended\",\"call\":\"c\",\"reason\":{\"code\":\"0\",\"subcode\":0}}",
    TR_STATUS_INVALID_FIELD },
  { C, "{\"type\":\"call.ended\",\"call\":\"c\",\"reason\":{\"code\":0}}",
    TR_STATUS_MISSING_FIELD },
  { C, "{\"type\":\"call.ended\",\"call\":\"c\",\"reason\":{\"code\":1000,\"subcode\":0}}",
    TR_STATUS_INVALID_FIELD },
  { C, "{\"type\":\"call.ended\",\"call\":\"c\",\"reason\":{\"code\":0,\"subcode\":0,"
       "\"message\":7}}", TR_STATUS_INVALID_FIELD },
  /* TransferInfo */
  { C, "{\"type\":\"transfer.state\",\"transfer\":{\"id\":\"t\",\"call\":\"c\",\"state\":"
       "\"transferring\",\"target\":{\"kind\":\"voicemail\",\"user\":\"v\"}}}", OK },
  { C, "{\"type\":\"transfer.state\",\"transfer\":{\"id\":\"t\",\"call\":\"c\",\"state\":"
       "\"done\",\"target\":{\"kind\":\"voicemail\",\"user\":\"v\"}}}", TR_STATUS_INVALID_FIELD },
  { C, "{\"type\":\"transfer.state\",\"transfer\":{\"id\":\"t\",\"call\":\"c\",\"state\":"
       "\"failed\",\"target\":{\"kind\":\"voicemail\"},\"error\":{\"code\":486,\"subcode\":1}}}",
    TR_STATUS_MISSING_FIELD },
  { C, "{\"type\":\"transfer.state\",\"transfer\":{\"id\":\"t\",\"call\":\"c\",\"state\":"
       "\"failed\",\"target\":{\"kind\":\"call\",\"call\":\"x\"},\"error\":{\"code\":486}}}",
    TR_STATUS_MISSING_FIELD },
  /* welcome */
  { C, "{\"type\":\"welcome\",\"protocol\":1,\"session\":\"s\",\"user\":{\"id\":\"a\"},"
       "\"token_expires_at\":5,\"ice_servers\":[],\"limits\":{\"max_frame\":1,\"rate\":1,"
       "\"burst\":1}}", OK },
  { C, "{\"type\":\"welcome\",\"protocol\":1,\"session\":\"s\",\"user\":{\"id\":\"a\"},"
       "\"token_expires_at\":5,\"ice_servers\":[{\"urls\":[]},{\"urls\":[\"\"]}],\"limits\":"
       "{\"max_frame\":1,\"rate\":1,\"burst\":1}}", TR_STATUS_INVALID_FIELD },
  { C, "{\"type\":\"welcome\",\"protocol\":1,\"session\":\"s\",\"user\":{\"id\":\"a\"},"
       "\"token_expires_at\":5,\"ice_servers\":[{}],\"limits\":"
       "{\"max_frame\":1,\"rate\":1,\"burst\":1}}", TR_STATUS_MISSING_FIELD },
  /* forwarded */
  { C, "{\"type\":\"call.forwarded\",\"call\":\"c\",\"to\":{\"id\":\"d\"},\"reason\":"
       "\"forward-always\"}", OK },
  { C, "{\"type\":\"call.forwarded\",\"call\":\"c\",\"to\":{\"id\":\"d\"},\"reason\":"
       "\"whim\"}", TR_STATUS_INVALID_FIELD },
  /* replies */
  { C, "{\"type\":\"reply\",\"id\":\"r\",\"ok\":true}", OK },
  { C, "{\"type\":\"reply\",\"id\":null,\"ok\":true,\"result\":null}", OK },
  { C, "{\"type\":\"reply\",\"id\":\"r\",\"ok\":true,\"result\":[]}", TR_STATUS_INVALID_FIELD },
  { C, "{\"type\":\"reply\",\"id\":\"r\",\"ok\":false}", TR_STATUS_MISSING_FIELD },
  { C, "{\"type\":\"reply\",\"id\":\"r\",\"ok\":false,\"error\":null}",
    TR_STATUS_MISSING_FIELD },
  { C, "{\"type\":\"reply\",\"id\":\"r\",\"ok\":false,\"error\":\"bad\"}",
    TR_STATUS_INVALID_FIELD },
  { C, "{\"type\":\"reply\",\"id\":\"r\",\"ok\":false,\"error\":{\"code\":404}}",
    TR_STATUS_MISSING_FIELD },
  { C, "{\"type\":\"reply\",\"id\":\"r\",\"ok\":false,\"error\":{\"code\":404,\"subcode\":1}}",
    OK },
  { C, "{\"type\":\"reply\",\"id\":\"r\",\"ok\":\"true\"}", TR_STATUS_INVALID_FIELD },
  { C, "{\"type\":\"reply\",\"id\":\"r\"}", TR_STATUS_MISSING_FIELD },
  { C, "{\"type\":\"reply\",\"ok\":true}", TR_STATUS_MISSING_FIELD },
  { C, "{\"type\":\"reply\",\"id\":5,\"ok\":true}", TR_STATUS_INVALID_FIELD },
  /* envelopes */
  { S, "{\"id\":\"r\"}", TR_STATUS_MISSING_FIELD },
  { S, "{\"type\":7,\"id\":\"r\"}", TR_STATUS_INVALID_FIELD },
  { S, "{\"type\":null,\"id\":\"r\"}", TR_STATUS_INVALID_FIELD },
  { S, "{\"type\":\"call.explode\",\"id\":\"r\"}", TR_STATUS_UNKNOWN_TYPE },
  { S, "{\"type\":\"reply\",\"id\":\"r\",\"ok\":true}", TR_STATUS_UNKNOWN_TYPE },
  { S, "{\"type\":\"welcome\",\"id\":\"r\"}", TR_STATUS_UNKNOWN_TYPE },
  { C, "{\"type\":\"ping\",\"id\":\"r\"}", TR_STATUS_UNKNOWN_TYPE },
  { S, "{\"type\":\"ping\"}", TR_STATUS_MISSING_FIELD },
  { S, "[]", TR_STATUS_MALFORMED_JSON },
  { S, "[{\"type\":\"ping\",\"id\":\"r\"}]", TR_STATUS_MALFORMED_JSON },
  { S, "42", TR_STATUS_MALFORMED_JSON },
  { S, "\"ping\"", TR_STATUS_MALFORMED_JSON },
  { S, "null", TR_STATUS_MALFORMED_JSON },
  { S, "true", TR_STATUS_MALFORMED_JSON },
  { S, "{", TR_STATUS_MALFORMED_JSON },
  { S, "{\"type\":\"ping\",\"id\":\"r\",}", TR_STATUS_MALFORMED_JSON },
  { S, "{\"type\":\"ping\" \"id\":\"r\"}", TR_STATUS_MALFORMED_JSON },
  { S, "   ", TR_STATUS_MALFORMED_JSON },
  { S, "", TR_STATUS_MALFORMED_JSON },
  { S, "{\"type\":\"ping\",\"id\":\"r\"} {}", TR_STATUS_MALFORMED_JSON },
  { S, "{\"type\":\"ping\",\"id\":\"r\"}}", TR_STATUS_MALFORMED_JSON },
  { S, " \n{\"type\":\"ping\",\"id\":\"r\"}\r\n\t ", OK },
  /* strict JSON: what json-glib alone would let through */
  { S, "{'type':'ping','id':'r'}", TR_STATUS_MALFORMED_JSON },
  { S, "{\"type\":\"ping\",\"id\":\"r\",\"x\":\"a\x01" "b\"}", TR_STATUS_MALFORMED_JSON },
  { S, "{\"type\":\"ping\",\"id\":\"r\",\"x\":\"\\ud800\"}", TR_STATUS_MALFORMED_JSON },
  { S, "{\"type\":\"ping\",\"id\":\"r\",\"x\":\"\\ud800x\"}", TR_STATUS_MALFORMED_JSON },
  { S, "{\"type\":\"ping\",\"id\":\"r\",\"x\":\"\\udc00\"}", TR_STATUS_MALFORMED_JSON },
  { S, "{\"type\":\"ping\",\"id\":\"r\",\"x\":\"\\ud800\\u0041\"}", TR_STATUS_MALFORMED_JSON },
  { S, "{\"type\":\"ping\",\"id\":\"r\",\"x\":\"\\u0000\"}", TR_STATUS_MALFORMED_JSON },
  { S, "{\"type\":\"ping\",\"id\":\"r\",\"x\":\"\\ud83d\\ude00 \\u00e9 \\\\u0000\"}", OK },
  { S, "{\"type\":\"ping\",\"id\":\"r\",\"x\":99999999999999999999}", TR_STATUS_MALFORMED_JSON },
  { S, "{\"type\":\"ping\",\"id\":\"r\",\"x\":999999999999999999}", OK },
  { S, "{\"type\":\"ping\",\"id\":\"r\",\"x\":1e999}", TR_STATUS_MALFORMED_JSON },
  { S, "{\"type\":\"ping\",\"id\":\"r\",\"x\":[1.5e+99,-2E-10,0.25,true,false]}", OK },
  { S, "{\"type\":\"ping\",\"id\":\"r\",\"x\":\"12345678901234567890 e999\"}", OK },
};

/* clang-format on */

static void
test_message_values (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (value_cases); i++)
    {
      const Case *c = &value_cases[i];

      g_test_message ("case %u: %s", i, c->json);
      if (c->status == OK)
        {
          g_autoptr(TrMessage) message = assert_parses (c->json, c->direction);

          g_assert_true (tr_message_validate (message, NULL));
        }
      else
        assert_rejected (c->json, -1, c->direction, c->status);
    }
}

static void
test_message_error_names_field (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TrMessage) message = NULL;
  const char *text = "{\"type\":\"call.incoming\",\"call\":" CALL_INFO (",\"caller\":{}") "}";

  message = tr_message_parse (text, strlen (text), C, NULL, &error);
  g_assert_error (error, TR_ERROR, TR_STATUS_MISSING_FIELD);
  g_assert_nonnull (strstr (error->message, "call.caller.id"));
  g_clear_error (&error);

  text = "{\"type\":\"presence.subscribe\",\"id\":\"r\",\"users\":[\"a\",\"b\",\"c d\"]}";
  message = tr_message_parse (text, strlen (text), S, NULL, &error);
  g_assert_error (error, TR_ERROR, TR_STATUS_INVALID_FIELD);
  g_assert_nonnull (strstr (error->message, "users[2]"));
}

static void
test_message_limits (void)
{
  g_autoptr(TrMessage) message = NULL;
  g_autoptr(GString) text = NULL;
  g_autofree char *id = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *serialized = NULL;
  JsonArray       *users;

  /* call.signal payload: up to 32768 bytes serialized */
  for (gsize pad = 32700; pad < 32800; pad++)
    {
      g_autoptr(TrMessage) signal = tr_message_new_request (TR_REQ_CALL_SIGNAL, "r");
      g_autoptr(JsonObject) payload = payload_new (pad);
      g_autofree char *payload_text = object_to_string (payload);
      g_autofree char *frame = NULL;
      g_autoptr(TrMessage) parsed = NULL;
      g_autoptr(GError) local_error = NULL;

      tr_message_set_string (signal, "call", "c");
      tr_message_take_object (signal, "payload", g_steal_pointer (&payload));
      frame = tr_message_to_string (signal, NULL);
      parsed = tr_message_parse (frame, strlen (frame), S, NULL, &local_error);
      if (strlen (payload_text) <= TR_PROTOCOL_MAX_SIGNAL_PAYLOAD)
        g_assert_no_error (local_error);
      else
        g_assert_error (local_error, TR_ERROR, TR_STATUS_TOO_LARGE);
      g_assert_false (tr_message_validate (signal, NULL) !=
                      (strlen (payload_text) <= TR_PROTOCOL_MAX_SIGNAL_PAYLOAD));
    }

  /* presence.subscribe: up to 1000 users */
  message = tr_message_new_request (TR_REQ_PRESENCE_SUBSCRIBE, "r");
  users = json_array_new ();
  for (guint i = 0; i < TR_PROTOCOL_MAX_PRESENCE_USERS; i++)
    {
      g_autofree char *user = g_strdup_printf ("u%u", i);

      json_array_add_string_element (users, user);
    }
  tr_message_take_array (message, "users", users);
  g_assert_true (tr_message_validate (message, NULL));
  serialized = tr_message_to_string (message, NULL);
  {
    g_autoptr(TrMessage) parsed = assert_parses (serialized, S);
  }
  json_array_add_string_element (users, "one-too-many");
  g_assert_false (tr_message_validate (message, &error));
  g_assert_error (error, TR_ERROR, TR_STATUS_TOO_LARGE);
  g_clear_error (&error);
  g_clear_pointer (&serialized, g_free);
  serialized = tr_message_to_string (message, NULL);
  assert_rejected (serialized, -1, S, TR_STATUS_TOO_LARGE);

  /* Display names: 128 characters, not bytes */
  {
    g_autoptr(GString) name = g_string_new (NULL);
    g_autoptr(TrMessage) presence = tr_message_new (TR_EV_CALL_FORWARDED);

    for (guint i = 0; i < TR_PROTOCOL_MAX_DISPLAY_NAME; i++)
      g_string_append (name, "é");
    tr_message_set_string (presence, "call", "c");
    tr_message_set_string (presence, "reason", "unanswered");
    tr_message_take_object (presence, "to", tr_party_new_json ("d", name->str));
    g_assert_true (tr_message_validate (presence, NULL));
    g_string_append (name, "e");
    tr_message_take_object (presence, "to", tr_party_new_json ("d", name->str));
    g_assert_false (tr_message_validate (presence, &error));
    g_assert_error (error, TR_ERROR, TR_STATUS_INVALID_FIELD);
    g_clear_error (&error);
  }

  /* Frames over 64 KiB fail before parsing, even when they are valid JSON. */
  text = g_string_new ("{\"type\":\"ping\",\"id\":\"big\",\"pad\":\"");
  while (text->len < TR_PROTOCOL_MAX_FRAME - 2)
    g_string_append_c (text, 'x');
  g_string_append (text, "\"}");
  g_assert_cmpuint (text->len, ==, TR_PROTOCOL_MAX_FRAME);
  {
    g_autoptr(TrMessage) parsed = assert_parses (text->str, S);
  }
  g_string_insert_c (text, text->len - 2, 'x');
  g_clear_pointer (&message, tr_message_unref);
  message = tr_message_parse (text->str, text->len, S, &id, &error);
  g_assert_null (message);
  g_assert_error (error, TR_ERROR, TR_STATUS_TOO_LARGE);
  g_assert_null (id);
  g_clear_error (&error);

  /* Deep nesting is refused, not recursed into. */
  g_string_truncate (text, 0);
  g_string_append (text, "{\"type\":\"ping\",\"id\":\"r\",\"x\":");
  for (guint i = 0; i < 30000; i++)
    g_string_append_c (text, '[');
  for (guint i = 0; i < 30000; i++)
    g_string_append_c (text, ']');
  g_string_append_c (text, '}');
  assert_rejected (text->str, text->len, S, TR_STATUS_MALFORMED_JSON);

  /* ... while brackets inside strings do not count */
  g_string_truncate (text, 0);
  g_string_append (text, "{\"type\":\"ping\",\"id\":\"r\",\"x\":\"");
  for (guint i = 0; i < 1000; i++)
    g_string_append (text, "[{\\\"");
  g_string_append (text, "\"}");
  {
    g_autoptr(TrMessage) parsed = assert_parses (text->str, S);
  }
}

static void
test_message_bad_bytes (void)
{
  static const char bad_utf8[] = "{\"type\":\"ping\",\"id\":\"r\",\"x\":\"\xc3\x28\"}";
  static const char overlong[] = "{\"type\":\"ping\",\"id\":\"r\",\"x\":\"\xc0\xaf\"}";
  static const char with_nul[] = "{\"type\":\"ping\",\"id\":\"r\"}\0garbage";
  static const char not_terminated[] = "{\"type\":\"ping\",\"id\":\"r\"}XXXX";
  g_autoptr(TrMessage) message = NULL;

  assert_rejected (bad_utf8, sizeof bad_utf8 - 1, S, TR_STATUS_MALFORMED_JSON);
  assert_rejected (overlong, sizeof overlong - 1, S, TR_STATUS_MALFORMED_JSON);
  assert_rejected (with_nul, sizeof with_nul - 1, S, TR_STATUS_MALFORMED_JSON);
  assert_rejected ("\xff\xfe", 2, S, TR_STATUS_MALFORMED_JSON);

  /* @data need not be NUL-terminated */
  message = tr_message_parse (not_terminated, sizeof not_terminated - 5, S, NULL, NULL);
  g_assert_nonnull (message);
  g_assert_cmpint (tr_message_get_message_type (message), ==, TR_REQ_PING);

  /* Valid UTF-8 beyond ASCII is fine */
  {
    g_autoptr(TrMessage) utf8 = assert_parses (
      "{\"type\":\"call.forwarded\",\"call\":\"c\",\"to\":{\"id\":\"d\",\"display_name\":"
      "\"Zoë 🎉 日本\"},\"reason\":\"unanswered\"}", C);
  }
}

/* The id is returned for error replies when it could be read. */
static void
test_message_out_id (void)
{
  static const struct
  {
    const char *json;
    const char *id;
  } cases[] = {
    { "{\"type\":\"call.explode\",\"id\":\"r1\"}", "r1" },
    { "{\"id\":\"r2\"}", "r2" },
    { "{\"type\":\"call.accept\",\"id\":\"r3\"}", "r3" },
    { "{\"type\":\"call.accept\",\"id\":\"r4\",\"call\":\"bad id\"}", "r4" },
    { "{\"type\":\"call.accept\",\"id\":\"bad\\nid\",\"call\":\"c\"}", NULL },
    { "{\"type\":\"call.accept\",\"id\":7,\"call\":\"c\"}", NULL },
    { "[\"r5\"]", NULL },
    { "{\"id\":\"r6\"", NULL },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *id = NULL;
      g_autoptr(TrMessage) message = tr_message_parse (cases[i].json, strlen (cases[i].json), S,
                                                       &id, &error);

      g_assert_null (message);
      g_assert_nonnull (error);
      g_assert_cmpstr (id, ==, cases[i].id);
    }
}

static void
test_message_replies (void)
{
  g_autoptr(TrMessage) ok = tr_message_new_reply ("r1", NULL);
  g_autoptr(TrMessage) parsed = NULL;
  g_autoptr(TrMessage) failed = NULL;
  g_autoptr(TrMessage) anonymous = NULL;
  g_autoptr(TrMessage) foreign = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GError) back = NULL;
  g_autofree char *text = NULL;

  /* ok, result {} */
  g_assert_true (tr_message_validate (ok, NULL));
  g_assert_true (tr_message_reply_is_ok (ok));
  g_assert_nonnull (tr_message_reply_get_result (ok));
  g_assert_cmpuint (json_object_get_size (tr_message_reply_get_result (ok)), ==, 0);
  g_assert_null (tr_message_reply_dup_error (ok));

  /* ok without result reads as {} */
  parsed = assert_parses ("{\"type\":\"reply\",\"id\":\"r\",\"ok\":true}", C);
  g_assert_true (tr_message_reply_is_ok (parsed));
  g_assert_nonnull (tr_message_reply_get_result (parsed));
  g_clear_pointer (&parsed, tr_message_unref);

  /* error reply */
  error = g_error_new_literal (TR_ERROR, TR_STATUS_UNKNOWN_IDENTITY, "No user “zed”");
  failed = tr_message_new_error_reply ("r2", error);
  g_assert_true (tr_message_validate (failed, NULL));
  text = tr_message_to_string (failed, NULL);
  parsed = assert_parses (text, C);
  g_assert_false (tr_message_reply_is_ok (parsed));
  g_assert_null (tr_message_reply_get_result (parsed));
  g_assert_cmpstr (tr_message_get_id (parsed), ==, "r2");
  back = tr_message_reply_dup_error (parsed);
  g_assert_error (back, TR_ERROR, TR_STATUS_UNKNOWN_IDENTITY);
  g_assert_cmpstr (back->message, ==, "No user “zed”");
  g_clear_error (&back);
  g_clear_pointer (&parsed, tr_message_unref);
  g_clear_pointer (&text, g_free);

  /* id null */
  anonymous = tr_message_new_error_reply (NULL, error);
  g_assert_true (tr_message_validate (anonymous, NULL));
  text = tr_message_to_string (anonymous, NULL);
  g_assert_nonnull (strstr (text, "\"id\":null"));
  parsed = assert_parses (text, C);
  g_assert_null (tr_message_get_id (parsed));
  g_clear_pointer (&parsed, tr_message_unref);
  g_clear_pointer (&text, g_free);
  g_clear_error (&error);

  /* foreign errors become internal */
  error = g_error_new_literal (G_FILE_ERROR, G_FILE_ERROR_NOENT, "/etc/secret");
  foreign = tr_message_new_error_reply ("r3", error);
  back = tr_message_reply_dup_error (foreign);
  g_assert_error (back, TR_ERROR, TR_STATUS_INTERNAL);
  g_assert_null (strstr (back->message, "secret"));
  g_clear_error (&back);

  /* unknown codes from a newer server parse, and read as internal */
  parsed = assert_parses ("{\"type\":\"reply\",\"id\":\"r\",\"ok\":false,\"error\":{\"code\":499,"
                          "\"subcode\":9,\"message\":\"new\"}}", C);
  back = tr_message_reply_dup_error (parsed);
  g_assert_error (back, TR_ERROR, TR_STATUS_INTERNAL);
  g_assert_cmpstr (back->message, ==, "new");
}

static void
test_message_accessors (void)
{
  g_autoptr(TrMessage) message = assert_parses (
    "{\"type\":\"call.start\",\"id\":\"r\",\"to\":\"bob\",\"video\":true,\"n\":5,"
    "\"o\":{},\"a\":[],\"z\":null}", S);

  g_assert_cmpstr (tr_message_get_string (message, "to"), ==, "bob");
  g_assert_null (tr_message_get_string (message, "video"));
  g_assert_null (tr_message_get_string (message, "absent"));
  g_assert_null (tr_message_get_string (message, "z"));
  g_assert_true (tr_message_get_boolean (message, "video", FALSE));
  g_assert_true (tr_message_get_boolean (message, "absent", TRUE));
  g_assert_false (tr_message_get_boolean (message, "to", FALSE));
  g_assert_cmpint (tr_message_get_int (message, "n", 0), ==, 5);
  g_assert_cmpint (tr_message_get_int (message, "z", -1), ==, -1);
  g_assert_nonnull (tr_message_get_member_object (message, "o"));
  g_assert_null (tr_message_get_member_object (message, "a"));
  g_assert_nonnull (tr_message_get_array (message, "a"));
  g_assert_null (tr_message_get_array (message, "o"));
  g_assert_true (tr_message_has_field (message, "z"));
  g_assert_false (tr_message_has_field (message, "absent"));

  tr_message_set_string (message, "to", NULL);
  g_assert_null (tr_message_get_string (message, "to"));
  g_assert_false (tr_message_validate (message, NULL));
  tr_message_set_string (message, "to", "carol");
  g_assert_true (tr_message_validate (message, NULL));
  tr_message_set_int (message, "n", 7);
  g_assert_cmpint (tr_message_get_int (message, "n", 0), ==, 7);

  /* validate checks the type name and request id too */
  tr_message_set_string (message, "type", "call.accept");
  g_assert_false (tr_message_validate (message, NULL));
  tr_message_set_string (message, "type", "call.start");
  tr_message_set_string (message, "id", "");
  g_assert_false (tr_message_validate (message, NULL));
}

/* clang-format off */
static const struct
{
  TrMessageType request;
  const char   *result;
  TrStatus      status; /* OK: valid */
} result_cases[] = {
  { TR_REQ_PING, "{}", OK },
  { TR_REQ_DIRECTORY_LIST, "{\"users\":[{\"id\":\"alice\",\"display_name\":\"Alice\","
                           "\"kind\":\"user\",\"online\":true},{\"id\":\"echo\",\"kind\":"
                           "\"service\",\"online\":true}]}", OK },
  { TR_REQ_DIRECTORY_LIST, "{\"users\":[{\"id\":\"alice\",\"kind\":\"robot\",\"online\":true}]}",
    TR_STATUS_INVALID_FIELD },
  { TR_REQ_DIRECTORY_LIST, "{}", TR_STATUS_MISSING_FIELD },
  { TR_REQ_PRESENCE_SUBSCRIBE, "{\"presence\":[{\"user\":\"a\",\"online\":false}]}", OK },
  { TR_REQ_PRESENCE_SUBSCRIBE, "{\"presence\":[{\"user\":\"a\"}]}", TR_STATUS_MISSING_FIELD },
  { TR_REQ_CALL_START, "{\"call\":" CALL_INFO ("") "}", OK },
  { TR_REQ_CALL_START, "{\"call\":\"c-1\"}", TR_STATUS_INVALID_FIELD },
  { TR_REQ_CALL_ACCEPT, "{\"call\":" CALL_INFO (",\"state\":\"ringing\"") "}", OK },
  { TR_REQ_CALL_HOLD, "{\"call\":" CALL_INFO (",\"hold\":{}") "}", TR_STATUS_MISSING_FIELD },
  { TR_REQ_CALL_RESUME, "{}", TR_STATUS_MISSING_FIELD },
  { TR_REQ_CALL_REJECT, "{}", OK },
  { TR_REQ_CALL_HANGUP, "{\"anything\":1}", OK },
  { TR_REQ_CALL_SIGNAL, "{}", OK },
  { TR_REQ_CALL_DTMF, "{}", OK },
  { TR_REQ_CALL_TRANSFER, "{\"transfer\":{\"id\":\"t\",\"call\":\"c\",\"state\":\"transferring\","
                          "\"target\":{\"kind\":\"participant\",\"user\":\"carol\"}}}", OK },
  { TR_REQ_CALL_TRANSFER, "{\"transfer\":{\"id\":\"t\",\"call\":\"c\",\"state\":\"transferring\","
                          "\"target\":{\"kind\":\"participant\"}}}", TR_STATUS_MISSING_FIELD },
  { TR_REQ_SETTINGS_GET, "{\"settings\":{\"forward_always\":null,\"unanswered_target\":\"v\","
                         "\"ring_timeout\":30}}", OK },
  { TR_REQ_SETTINGS_SET, "{\"settings\":{\"ring_timeout\":3000}}", TR_STATUS_INVALID_FIELD },
  { TR_REQ_RECORDS_LIST, "{\"records\":[{\"call\":\"c\",\"caller\":\"a\",\"callee\":\"b\","
                         "\"started_at\":1,\"answered_at\":2,\"ended_at\":3,\"end\":{\"code\":0,"
                         "\"subcode\":1,\"reason\":\"transferred\"},\"transferor\":\"d\"},"
                         "{\"call\":\"c2\",\"caller\":\"a\",\"callee\":\"b\",\"started_at\":1}]}",
    OK },
  { TR_REQ_RECORDS_LIST, "{\"records\":[{\"call\":\"c\",\"caller\":{\"id\":\"a\"},\"callee\":"
                         "\"b\",\"started_at\":1}]}", TR_STATUS_INVALID_FIELD },
  { TR_REQ_SESSION_REFRESH, "{\"token_expires_at\":1764488400}", OK },
  { TR_REQ_SESSION_REFRESH, "{\"token_expires_at\":\"soon\"}", TR_STATUS_INVALID_FIELD },
  { TR_REQ_VOICEMAIL_LIST, "{\"messages\":[{\"id\":\"v-1\",\"caller\":{\"id\":\"bob\"},"
                           "\"created_at\":1,\"duration_ms\":4000,\"heard\":false}],"
                           "\"unheard\":1}", OK },
  { TR_REQ_VOICEMAIL_LIST, "{\"messages\":[{\"id\":\"v-1\",\"caller\":\"bob\","
                           "\"created_at\":1,\"duration_ms\":4000,\"heard\":false}],"
                           "\"unheard\":1}", TR_STATUS_INVALID_FIELD },
  { TR_REQ_VOICEMAIL_MARK_HEARD, "{\"message\":{\"id\":\"v-1\",\"caller\":{\"id\":\"b\"},"
                                 "\"created_at\":1,\"duration_ms\":1,\"heard\":true}}", OK },
  { TR_REQ_VOICEMAIL_DELETE, "{}", OK },
};
/* clang-format on */

static void
test_message_results (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (result_cases); i++)
    {
      g_autoptr(JsonNode) result = json_from_string (result_cases[i].result, NULL);
      g_autoptr(TrMessage) reply = tr_message_new_reply ("r", json_node_dup_object (result));
      g_autofree char *text = tr_message_to_string (reply, NULL);
      g_autoptr(TrMessage) parsed = assert_parses (text, C);
      g_autoptr(GError) error = NULL;
      gboolean ok;

      g_test_message ("result case %u", i);
      ok = tr_message_reply_validate_result (parsed, result_cases[i].request, &error);
      if (result_cases[i].status == OK)
        {
          g_assert_no_error (error);
          g_assert_true (ok);
        }
      else
        {
          g_assert_error (error, TR_ERROR, (gint) result_cases[i].status);
          g_assert_false (ok);
        }
    }

  /* Error replies have no result to check; ok without result is {} */
  {
    g_autoptr(GError) failure = g_error_new_literal (TR_ERROR, TR_STATUS_BUSY, "busy");
    g_autoptr(TrMessage) failed = tr_message_new_error_reply ("r", failure);
    g_autoptr(TrMessage) empty = assert_parses ("{\"type\":\"reply\",\"id\":\"r\",\"ok\":true}", C);

    g_assert_true (tr_message_reply_validate_result (failed, TR_REQ_CALL_START, NULL));
    g_assert_true (tr_message_reply_validate_result (empty, TR_REQ_PING, NULL));
    g_assert_false (tr_message_reply_validate_result (empty, TR_REQ_CALL_START, NULL));
  }
}

static void
test_protocol_validators (void)
{
  g_autofree char *id64 = g_strnfill (TR_PROTOCOL_MAX_ID, 'a');
  g_autofree char *id65 = g_strnfill (TR_PROTOCOL_MAX_ID + 1, 'a');
  g_autoptr(GString) name = g_string_new (NULL);

  g_assert_true (tr_protocol_id_is_valid ("Alice.B_c@d-9"));
  g_assert_true (tr_protocol_id_is_valid (id64));
  g_assert_false (tr_protocol_id_is_valid (id65));
  g_assert_false (tr_protocol_id_is_valid (""));
  g_assert_false (tr_protocol_id_is_valid (NULL));
  g_assert_false (tr_protocol_id_is_valid ("a b"));
  g_assert_false (tr_protocol_id_is_valid ("a+b"));
  g_assert_false (tr_protocol_id_is_valid ("ä"));

  g_assert_true (tr_protocol_request_id_is_valid ("r 17 ~!{}"));
  g_assert_true (tr_protocol_request_id_is_valid (id64));
  g_assert_false (tr_protocol_request_id_is_valid (id65));
  g_assert_false (tr_protocol_request_id_is_valid (""));
  g_assert_false (tr_protocol_request_id_is_valid (NULL));
  g_assert_false (tr_protocol_request_id_is_valid ("a\tb"));
  g_assert_false (tr_protocol_request_id_is_valid ("a\x7f"));
  g_assert_false (tr_protocol_request_id_is_valid ("é"));

  for (guint i = 0; i < TR_PROTOCOL_MAX_DISPLAY_NAME; i++)
    g_string_append (name, "ß");
  g_assert_true (tr_protocol_display_name_is_valid (name->str));
  g_string_append_c (name, 'x');
  g_assert_false (tr_protocol_display_name_is_valid (name->str));
  g_assert_true (tr_protocol_display_name_is_valid ("Zoë “Z” 🎉"));
  g_assert_false (tr_protocol_display_name_is_valid (""));
  g_assert_false (tr_protocol_display_name_is_valid (NULL));
  g_assert_false (tr_protocol_display_name_is_valid ("a\nb"));
  g_assert_false (tr_protocol_display_name_is_valid ("a\x7f"));
  g_assert_false (tr_protocol_display_name_is_valid ("a\xc2\x85"));  /* U+0085 NEL */
  g_assert_false (tr_protocol_display_name_is_valid ("\xc3\x28"));   /* not UTF-8 */

  g_assert_true (tr_protocol_dtmf_is_valid ("0123456789*#ABCD"));
  g_assert_true (tr_protocol_dtmf_is_valid ("12345678901234567890123456789012"));
  g_assert_false (tr_protocol_dtmf_is_valid ("123456789012345678901234567890123"));
  g_assert_false (tr_protocol_dtmf_is_valid (""));
  g_assert_false (tr_protocol_dtmf_is_valid (NULL));
  g_assert_false (tr_protocol_dtmf_is_valid ("a"));
  g_assert_false (tr_protocol_dtmf_is_valid ("E"));
  g_assert_false (tr_protocol_dtmf_is_valid ("1 2"));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/protocol/validators", test_protocol_validators);
  g_test_add_func ("/message/types", test_message_types);
  g_test_add_func ("/message/round-trip", test_message_round_trip);
  g_test_add_func ("/message/required-fields", test_message_required_fields);
  g_test_add_func ("/message/wrong-types", test_message_wrong_types);
  g_test_add_func ("/message/unknown-fields", test_message_unknown_fields);
  g_test_add_func ("/message/values", test_message_values);
  g_test_add_func ("/message/error-names-field", test_message_error_names_field);
  g_test_add_func ("/message/limits", test_message_limits);
  g_test_add_func ("/message/bad-bytes", test_message_bad_bytes);
  g_test_add_func ("/message/out-id", test_message_out_id);
  g_test_add_func ("/message/replies", test_message_replies);
  g_test_add_func ("/message/accessors", test_message_accessors);
  g_test_add_func ("/message/results", test_message_results);

  return g_test_run ();
}
