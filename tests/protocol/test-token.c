/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "TestToken"

#include "config.h"

#include <string.h>

#include "tr-token.h"

static const guint8 secret[32] = "0123456789abcdef0123456789abcdef";
static const guint8 other_secret[32] = "fedcba9876543210fedcba9876543210";

#define NOW G_GINT64_CONSTANT (1764484800)

static TrTokenClaims *
claims_new (void)
{
  TrTokenClaims *claims = g_new0 (TrTokenClaims, 1);
  const char    *scopes[] = { "call", "extra", NULL };

  claims->sub = g_strdup ("alice");
  claims->scopes = g_strdupv ((char **) scopes);
  claims->iat = NOW;
  claims->exp = NOW + 3600;
  claims->jti = g_strdup ("9f1c0a");
  return claims;
}

static char *
b64url (const char *data,
        gsize       length)
{
  char *text = g_base64_encode ((const guchar *) data, length);

  g_strdelimit (text, "+", '-');
  g_strdelimit (text, "/", '_');
  if (strchr (text, '=') != NULL)
    *strchr (text, '=') = '\0';
  return text;
}

/* A token with any header and payload text, signed with @key (or with @signature if set). */
static char *
forge (const char   *header,
       const char   *payload,
       const guint8 *key,
       const char   *signature)
{
  g_autofree char *h = b64url (header, strlen (header));
  g_autofree char *p = b64url (payload, strlen (payload));
  g_autofree char *input = g_strconcat (h, ".", p, NULL);
  g_autofree char *sig = NULL;

  if (signature != NULL)
    sig = g_strdup (signature);
  else
    {
      g_autoptr(GHmac) hmac = g_hmac_new (G_CHECKSUM_SHA256, key, 32);
      guint8           digest[32];
      gsize            len = sizeof digest;

      g_hmac_update (hmac, (const guchar *) input, -1);
      g_hmac_get_digest (hmac, digest, &len);
      sig = b64url ((const char *) digest, len);
    }

  return g_strconcat (input, ".", sig, NULL);
}

static void
assert_invalid (const char *token,
                TrStatus    status)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TrTokenClaims) claims = tr_token_verify (token, secret, sizeof secret, NOW, &error);

  if (claims != NULL || !g_error_matches (error, TR_ERROR, (gint) status))
    g_error ("token %s: expected %u, got %s", token, status,
             error != NULL ? error->message : "valid");
}

static void
test_token_round_trip (void)
{
  g_autoptr(TrTokenClaims) claims = claims_new ();
  g_autoptr(TrTokenClaims) verified = NULL;
  g_autoptr(TrTokenClaims) decoded = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *token = tr_token_encode (claims, secret, sizeof secret);
  g_auto(GStrv) parts = g_strsplit (token, ".", -1);
  g_autofree char *header = NULL;
  gsize            header_length = 0;

  g_assert_cmpuint (g_strv_length (parts), ==, 3);
  g_assert_null (strchr (token, '='));
  g_assert_null (strchr (token, '+'));
  g_assert_null (strchr (token, '/'));

  /* The header is exactly the documented one. */
  {
    g_autoptr(GString) padded = g_string_new (parts[0]);

    while (padded->len % 4)
      g_string_append_c (padded, '=');
    header = (char *) g_base64_decode (padded->str, &header_length);
    g_assert_cmpmem (header, header_length, "{\"alg\":\"HS256\",\"typ\":\"TRT\"}", 27);
  }

  verified = tr_token_verify (token, secret, sizeof secret, NOW, &error);
  g_assert_no_error (error);
  g_assert_nonnull (verified);
  g_assert_cmpstr (verified->sub, ==, "alice");
  g_assert_cmpstr (verified->jti, ==, "9f1c0a");
  g_assert_cmpint (verified->iat, ==, NOW);
  g_assert_cmpint (verified->exp, ==, NOW + 3600);
  g_assert_cmpuint (g_strv_length (verified->scopes), ==, 2);
  g_assert_true (tr_token_claims_has_scope (verified, "call"));
  g_assert_true (tr_token_claims_has_scope (verified, "extra"));
  g_assert_false (tr_token_claims_has_scope (verified, "admin"));

  decoded = tr_token_decode_unverified (token, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (decoded->sub, ==, "alice");
  g_assert_cmpint (decoded->exp, ==, NOW + 3600);

  /* Stable: the same claims and secret give the same token. */
  {
    g_autofree char *again = tr_token_encode (claims, secret, sizeof secret);

    g_assert_cmpstr (again, ==, token);
  }

  /* No scopes is a valid (if useless) token. */
  {
    g_autoptr(TrTokenClaims) bare = claims_new ();
    g_autoptr(TrTokenClaims) back = NULL;
    g_autofree char *bare_token = NULL;

    g_clear_pointer (&bare->scopes, g_strfreev);
    bare_token = tr_token_encode (bare, secret, sizeof secret);
    back = tr_token_verify (bare_token, secret, sizeof secret, NOW, NULL);
    g_assert_nonnull (back);
    g_assert_false (tr_token_claims_has_scope (back, "call"));
  }
}

static void
test_token_expiry (void)
{
  g_autoptr(TrTokenClaims) claims = claims_new ();
  g_autofree char *token = tr_token_encode (claims, secret, sizeof secret);
  g_autoptr(TrTokenClaims) ok = NULL;
  g_autoptr(TrTokenClaims) expired = NULL;
  g_autoptr(TrTokenClaims) decoded = NULL;
  g_autoptr(GError) error = NULL;

  ok = tr_token_verify (token, secret, sizeof secret, claims->exp - 1, &error);
  g_assert_no_error (error);
  g_assert_nonnull (ok);

  expired = tr_token_verify (token, secret, sizeof secret, claims->exp, &error);
  g_assert_error (error, TR_ERROR, TR_STATUS_TOKEN_EXPIRED);
  g_assert_null (expired);
  g_clear_error (&error);

  expired = tr_token_verify (token, secret, sizeof secret, claims->exp + 86400, &error);
  g_assert_error (error, TR_ERROR, TR_STATUS_TOKEN_EXPIRED);
  g_clear_error (&error);

  /* Clients read the expiry of expired tokens too. */
  decoded = tr_token_decode_unverified (token, &error);
  g_assert_no_error (error);
  g_assert_cmpint (decoded->exp, ==, claims->exp);
}

static void
test_token_tampered (void)
{
  g_autoptr(TrTokenClaims) claims = claims_new ();
  g_autofree char *token = tr_token_encode (claims, secret, sizeof secret);
  g_auto(GStrv) parts = g_strsplit (token, ".", -1);
  g_autoptr(GError) error = NULL;
  g_autoptr(TrTokenClaims) verified = NULL;

  /* Another payload with the original signature */
  {
    g_autoptr(TrTokenClaims) mallory = claims_new ();
    g_autofree char *other = NULL;
    g_auto(GStrv) other_parts = NULL;
    g_autofree char *swapped = NULL;

    g_free (mallory->sub);
    mallory->sub = g_strdup ("mallory");
    other = tr_token_encode (mallory, secret, sizeof secret);
    other_parts = g_strsplit (other, ".", -1);
    swapped = g_strjoin (".", parts[0], other_parts[1], parts[2], NULL);
    assert_invalid (swapped, TR_STATUS_TOKEN_INVALID);

    /* Raise the expiry */
    g_clear_pointer (&swapped, g_free);
    swapped = forge ("{\"alg\":\"HS256\",\"typ\":\"TRT\"}",
                     "{\"sub\":\"alice\",\"scp\":[\"call\"],\"iat\":1,\"exp\":99999999999,"
                     "\"jti\":\"x\"}", other_secret, NULL);
    assert_invalid (swapped, TR_STATUS_TOKEN_INVALID);
  }

  /* Every single-character change of the signature */
  for (gsize i = 0; parts[2][i] != '\0'; i++)
    {
      g_autofree char *sig = g_strdup (parts[2]);
      g_autofree char *changed = NULL;

      sig[i] = sig[i] == 'A' ? 'B' : 'A';
      changed = g_strjoin (".", parts[0], parts[1], sig, NULL);
      assert_invalid (changed, TR_STATUS_TOKEN_INVALID);
    }

  /* Truncated and extended signatures */
  {
    g_autofree char *shorter = g_strndup (token, strlen (token) - 1);
    g_autofree char *longer = g_strconcat (token, "A", NULL);

    assert_invalid (shorter, TR_STATUS_TOKEN_INVALID);
    assert_invalid (longer, TR_STATUS_TOKEN_INVALID);
  }

  /* Wrong secret */
  verified = tr_token_verify (token, other_secret, sizeof other_secret, NOW, &error);
  g_assert_error (error, TR_ERROR, TR_STATUS_TOKEN_INVALID);
  g_assert_null (verified);
}

static void
test_token_bad_format (void)
{
  static const char *const bad[] = {
    "",
    ".",
    "..",
    "abc",
    "a.b",
    "a.b.c",
    "a.b.c.d",
    "eyJhbGciOiJIUzI1NiJ9..sig",
    "!!!.???.***",
    "eyJhbGciOiJIUzI1NiIsInR5cCI6IlRSVCJ9.e30.",
    "eyJhbGciOiJIUzI1NiIsInR5cCI6IlRSVCJ9 .e30.abc",
    "eyJhbGciOiJIUzI1NiIsInR5cCI6IlRSVCJ9==.e30.abc",
  };
  g_autoptr(GError) error = NULL;
  g_autoptr(TrTokenClaims) claims = NULL;
  g_autofree char *huge = g_strnfill (10000, 'A');

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    assert_invalid (bad[i], TR_STATUS_TOKEN_INVALID);
  assert_invalid (huge, TR_STATUS_TOKEN_INVALID);

  claims = tr_token_verify (NULL, secret, sizeof secret, NOW, &error);
  g_assert_error (error, TR_ERROR, TR_STATUS_TOKEN_INVALID);
  g_clear_error (&error);
  claims = tr_token_decode_unverified ("a.b.c", &error);
  g_assert_error (error, TR_ERROR, TR_STATUS_TOKEN_INVALID);
  g_assert_null (claims);
}

/* Correctly signed, but with headers or payloads we refuse. */
static void
test_token_strict (void)
{
  static const char header[] = "{\"alg\":\"HS256\",\"typ\":\"TRT\"}";
  static const char payload[] =
    "{\"sub\":\"alice\",\"scp\":[\"call\"],\"iat\":1764484800,\"exp\":1764488400,\"jti\":\"j\"}";
  static const struct
  {
    const char *header;
    const char *payload;
  } cases[] = {
    /* headers */
    { "{\"alg\":\"none\",\"typ\":\"TRT\"}", payload },
    { "{\"alg\":\"HS512\",\"typ\":\"TRT\"}", payload },
    { "{\"alg\":\"hs256\",\"typ\":\"TRT\"}", payload },
    { "{\"typ\":\"TRT\"}", payload },
    { "{\"alg\":\"HS256\"}", payload },
    { "{\"alg\":\"HS256\",\"typ\":\"JWT\"}", payload },
    { "{\"alg\":[\"HS256\"],\"typ\":\"TRT\"}", payload },
    { "[\"HS256\"]", payload },
    { "\"HS256\"", payload },
    { "not json", payload },
    /* payloads */
    { header, "[]" },
    { header, "42" },
    { header, "{" },
    { header, "" },
    { header, "{\"scp\":[\"call\"],\"iat\":1764484800,\"exp\":1764488400,\"jti\":\"j\"}" },
    { header, "{\"sub\":\"alice\",\"iat\":1764484800,\"exp\":1764488400,\"jti\":\"j\"}" },
    { header, "{\"sub\":\"alice\",\"scp\":[\"call\"],\"exp\":1764488400,\"jti\":\"j\"}" },
    { header, "{\"sub\":\"alice\",\"scp\":[\"call\"],\"iat\":1764484800,\"jti\":\"j\"}" },
    { header, "{\"sub\":\"alice\",\"scp\":[\"call\"],\"iat\":1764484800,\"exp\":1764488400}" },
    { header, "{\"sub\":\"alice\",\"scp\":[\"call\"],\"iat\":1764484800,\"exp\":\"1764488400\","
              "\"jti\":\"j\"}" },
    { header, "{\"sub\":\"alice\",\"scp\":[\"call\"],\"iat\":1764484800,\"exp\":1.7e9,"
              "\"jti\":\"j\"}" },
    { header, "{\"sub\":\"alice\",\"scp\":\"call\",\"iat\":1764484800,\"exp\":1764488400,"
              "\"jti\":\"j\"}" },
    { header, "{\"sub\":\"alice\",\"scp\":[1],\"iat\":1764484800,\"exp\":1764488400,"
              "\"jti\":\"j\"}" },
    { header, "{\"sub\":\"al ice\",\"scp\":[],\"iat\":1764484800,\"exp\":1764488400,"
              "\"jti\":\"j\"}" },
    { header, "{\"sub\":\"alice\",\"scp\":[],\"iat\":1764484800,\"exp\":1764488400,"
              "\"jti\":\"\"}" },
  };

  /* The forger itself produces valid tokens. */
  {
    g_autofree char *good = forge (header, payload, secret, NULL);
    g_autoptr(TrTokenClaims) claims = tr_token_verify (good, secret, sizeof secret, NOW, NULL);

    g_assert_nonnull (claims);
  }

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *token = forge (cases[i].header, cases[i].payload, secret, NULL);
      g_autoptr(TrTokenClaims) decoded = NULL;

      g_test_message ("case %u", i);
      assert_invalid (token, TR_STATUS_TOKEN_INVALID);
      decoded = tr_token_decode_unverified (token, NULL);
      g_assert_null (decoded);
    }

  /* alg none with an empty signature, the classic */
  {
    g_autofree char *none = forge ("{\"alg\":\"none\",\"typ\":\"TRT\"}", payload, secret, "");

    assert_invalid (none, TR_STATUS_TOKEN_INVALID);
  }

  /* HS256 header but empty signature */
  {
    g_autofree char *unsigned_token = forge (header, payload, secret, "");

    assert_invalid (unsigned_token, TR_STATUS_TOKEN_INVALID);
  }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/token/round-trip", test_token_round_trip);
  g_test_add_func ("/token/expiry", test_token_expiry);
  g_test_add_func ("/token/tampered", test_token_tampered);
  g_test_add_func ("/token/bad-format", test_token_bad_format);
  g_test_add_func ("/token/strict", test_token_strict);

  return g_test_run ();
}
