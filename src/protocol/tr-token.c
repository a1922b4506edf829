/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "TrToken"

#include "config.h"

#include <string.h>

#include <json-glib/json-glib.h>

#include "tr-protocol.h"
#include "tr-token.h"

/* A token is three short parts; anything longer is not one of ours. */
#define MAX_TOKEN_LENGTH 4096
#define MAX_SCOPES 32

static const char token_header[] = "{\"alg\":\"HS256\",\"typ\":\"TRT\"}";

/* base64url without padding */

static char *
base64url_encode (const guint8 *data,
                  gsize         length)
{
  char *text = g_base64_encode (data, length);
  char *p;

  for (p = text; *p != '\0'; p++)
    {
      if (*p == '+')
        *p = '-';
      else if (*p == '/')
        *p = '_';
      else if (*p == '=')
        {
          *p = '\0';
          break;
        }
    }

  return text;
}

static GBytes *
base64url_decode (const char *text,
                  gsize       length)
{
  g_autoptr(GString) padded = NULL;
  guchar            *data;
  gsize              out_length = 0;

  /* g_base64_decode() skips invalid characters: check them first. */
  if (length == 0 || length % 4 == 1)
    return NULL;
  for (gsize i = 0; i < length; i++)
    {
      char c = text[i];

      if (!g_ascii_isalnum (c) && c != '-' && c != '_')
        return NULL;
    }

  padded = g_string_new_len (text, length);
  for (gsize i = 0; i < padded->len; i++)
    {
      if (padded->str[i] == '-')
        padded->str[i] = '+';
      else if (padded->str[i] == '_')
        padded->str[i] = '/';
    }
  while (padded->len % 4 != 0)
    g_string_append_c (padded, '=');

  data = g_base64_decode (padded->str, &out_length);
  return g_bytes_new_take (data, out_length);
}

static char *
sign (const char   *signing_input,
      gsize         length,
      const guint8 *secret,
      gsize         secret_length)
{
  g_autoptr(GHmac) hmac = g_hmac_new (G_CHECKSUM_SHA256, secret, secret_length);
  guint8           digest[32];
  gsize            digest_length = sizeof digest;

  g_hmac_update (hmac, (const guchar *) signing_input, (gssize) length);
  g_hmac_get_digest (hmac, digest, &digest_length);

  return base64url_encode (digest, digest_length);
}

static gboolean
equal_constant_time (const char *a,
                     gsize       a_length,
                     const char *b,
                     gsize       b_length)
{
  guint8 diff = 0;

  /* The length of a signature is no secret. */
  if (a_length != b_length)
    return FALSE;

  for (gsize i = 0; i < a_length; i++)
    diff |= (guint8) a[i] ^ (guint8) b[i];

  return diff == 0;
}

static JsonObject *
parse_json_part (const char *text,
                 gsize       length)
{
  g_autoptr(GBytes) bytes = base64url_decode (text, length);
  g_autoptr(JsonParser) parser = NULL;
  gconstpointer     data;
  gsize             size;
  JsonNode         *root;

  if (bytes == NULL)
    return NULL;

  data = g_bytes_get_data (bytes, &size);
  if (size == 0 || !g_utf8_validate_len (data, size, NULL))
    return NULL;

  parser = json_parser_new ();
  if (!json_parser_load_from_data (parser, data, (gssize) size, NULL))
    return NULL;

  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    return NULL;

  return json_object_ref (json_node_get_object (root));
}

static const char *
member_string (JsonObject *object,
               const char *name)
{
  JsonNode *node = json_object_get_member (object, name);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) ||
      json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;

  return json_node_get_string (node);
}

static gboolean
member_int (JsonObject *object,
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

static TrTokenClaims *
claims_from_json (JsonObject *payload)
{
  g_autoptr(TrTokenClaims) claims = g_new0 (TrTokenClaims, 1);
  g_autoptr(GStrvBuilder) scopes = g_strv_builder_new ();
  const char      *sub = member_string (payload, "sub");
  const char      *jti = member_string (payload, "jti");
  JsonNode        *scp = json_object_get_member (payload, "scp");
  JsonArray       *array;

  if (!tr_protocol_id_is_valid (sub) || jti == NULL || *jti == '\0' ||
      scp == NULL || !JSON_NODE_HOLDS_ARRAY (scp) ||
      !member_int (payload, "iat", &claims->iat) || !member_int (payload, "exp", &claims->exp))
    return NULL;

  array = json_node_get_array (scp);
  if (json_array_get_length (array) > MAX_SCOPES)
    return NULL;
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonNode *element = json_array_get_element (array, i);

      if (!JSON_NODE_HOLDS_VALUE (element) || json_node_get_value_type (element) != G_TYPE_STRING)
        return NULL;
      g_strv_builder_add (scopes, json_node_get_string (element));
    }

  claims->sub = g_strdup (sub);
  claims->jti = g_strdup (jti);
  claims->scopes = g_strv_builder_end (scopes);

  return g_steal_pointer (&claims);
}

/*
 * Splits @token into its parts, checks the header and returns the claims. @out_signed_length
 * is the length of "header.payload"; @out_signature points at the signature part.
 */
static TrTokenClaims *
decode (const char  *token,
        gsize       *out_signed_length,
        const char **out_signature,
        GError     **error)
{
  g_autoptr(JsonObject) header = NULL;
  g_autoptr(JsonObject) payload = NULL;
  const char           *dot1;
  const char           *dot2;
  gsize                 length;
  TrTokenClaims        *claims;

  if (token == NULL)
    goto invalid;

  length = strnlen (token, MAX_TOKEN_LENGTH + 1);
  if (length == 0 || length > MAX_TOKEN_LENGTH)
    goto invalid;

  dot1 = strchr (token, '.');
  if (dot1 == NULL)
    goto invalid;
  dot2 = strchr (dot1 + 1, '.');
  if (dot2 == NULL || strchr (dot2 + 1, '.') != NULL || dot2[1] == '\0')
    goto invalid;

  header = parse_json_part (token, dot1 - token);
  if (header == NULL || g_strcmp0 (member_string (header, "alg"), "HS256") != 0 ||
      g_strcmp0 (member_string (header, "typ"), "TRT") != 0)
    goto invalid;

  payload = parse_json_part (dot1 + 1, dot2 - dot1 - 1);
  if (payload == NULL)
    goto invalid;

  claims = claims_from_json (payload);
  if (claims == NULL)
    goto invalid;

  if (out_signed_length != NULL)
    *out_signed_length = dot2 - token;
  if (out_signature != NULL)
    *out_signature = dot2 + 1;

  return claims;

invalid:
  g_set_error_literal (error, TR_ERROR, TR_STATUS_TOKEN_INVALID, "Token is malformed");
  return NULL;
}

void
tr_token_claims_free (TrTokenClaims *claims)
{
  if (claims == NULL)
    return;

  g_free (claims->sub);
  g_strfreev (claims->scopes);
  g_free (claims->jti);
  g_free (claims);
}

gboolean
tr_token_claims_has_scope (const TrTokenClaims *claims,
                           const char          *scope)
{
  g_return_val_if_fail (claims != NULL, FALSE);
  g_return_val_if_fail (scope != NULL, FALSE);

  return claims->scopes != NULL && g_strv_contains ((const char *const *) claims->scopes, scope);
}

char *
tr_token_encode (const TrTokenClaims *claims,
                 const guint8        *secret,
                 gsize                secret_length)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *payload_json = NULL;
  g_autofree char *header_part = NULL;
  g_autofree char *payload_part = NULL;
  g_autofree char *signing_input = NULL;
  g_autofree char *signature = NULL;
  gsize            payload_length;

  g_return_val_if_fail (claims != NULL, NULL);
  g_return_val_if_fail (claims->sub != NULL, NULL);
  g_return_val_if_fail (claims->jti != NULL, NULL);
  g_return_val_if_fail (secret != NULL || secret_length == 0, NULL);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "sub");
  json_builder_add_string_value (builder, claims->sub);
  json_builder_set_member_name (builder, "scp");
  json_builder_begin_array (builder);
  for (guint i = 0; claims->scopes != NULL && claims->scopes[i] != NULL; i++)
    json_builder_add_string_value (builder, claims->scopes[i]);
  json_builder_end_array (builder);
  json_builder_set_member_name (builder, "iat");
  json_builder_add_int_value (builder, claims->iat);
  json_builder_set_member_name (builder, "exp");
  json_builder_add_int_value (builder, claims->exp);
  json_builder_set_member_name (builder, "jti");
  json_builder_add_string_value (builder, claims->jti);
  json_builder_end_object (builder);

  root = json_builder_get_root (builder);
  json_generator_set_root (generator, root);
  payload_json = json_generator_to_data (generator, &payload_length);

  header_part = base64url_encode ((const guint8 *) token_header, strlen (token_header));
  payload_part = base64url_encode ((const guint8 *) payload_json, payload_length);
  signing_input = g_strconcat (header_part, ".", payload_part, NULL);
  signature = sign (signing_input, strlen (signing_input), secret, secret_length);

  return g_strconcat (signing_input, ".", signature, NULL);
}

TrTokenClaims *
tr_token_verify (const char   *token,
                 const guint8 *secret,
                 gsize         secret_length,
                 gint64        now,
                 GError      **error)
{
  g_autoptr(TrTokenClaims) claims = NULL;
  g_autofree char *expected = NULL;
  const char      *signature = NULL;
  gsize            signed_length = 0;

  g_return_val_if_fail (secret != NULL || secret_length == 0, NULL);

  claims = decode (token, &signed_length, &signature, error);
  if (claims == NULL)
    return NULL;

  expected = sign (token, signed_length, secret, secret_length);
  if (!equal_constant_time (expected, strlen (expected), signature, strlen (signature)))
    {
      g_set_error_literal (error, TR_ERROR, TR_STATUS_TOKEN_INVALID, "Token signature mismatch");
      return NULL;
    }

  if (claims->exp <= now)
    {
      g_set_error_literal (error, TR_ERROR, TR_STATUS_TOKEN_EXPIRED, "Token has expired");
      return NULL;
    }

  return g_steal_pointer (&claims);
}

TrTokenClaims *
tr_token_decode_unverified (const char *token,
                            GError    **error)
{
  return decode (token, NULL, NULL, error);
}
