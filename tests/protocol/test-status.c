/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "TestStatus"

#include "config.h"

#include <stdlib.h>
#include <string.h>


#include "tr-status.h"

/* Every status of the table, found through the public API. */
static GArray *
collect_statuses (void)
{
  GArray *statuses = g_array_new (FALSE, FALSE, sizeof (TrStatus));

  for (guint code = 0; code <= 999; code++)
    {
      for (guint subcode = 0; subcode <= 99; subcode++)
        {
          TrStatus status;

          if (tr_status_from_parts (code, subcode, &status))
            g_array_append_val (statuses, status);
        }
    }

  return statuses;
}

static void
test_status_table_round_trip (void)
{
  g_autoptr(GArray) statuses = collect_statuses ();

  g_assert_cmpuint (statuses->len, ==, 37);

  for (guint i = 0; i < statuses->len; i++)
    {
      TrStatus         status = g_array_index (statuses, TrStatus, i);
      g_autoptr(JsonObject) json = NULL;
      g_autofree char *message = NULL;
      const char      *reason;
      TrStatus         back;
      guint            http;

      /* parts */
      g_assert_true (tr_status_from_parts (tr_status_get_code (status),
                                           tr_status_get_subcode (status), &back));
      g_assert_cmpint (back, ==, status);

      /* reason */
      reason = tr_status_get_reason (status);
      g_assert_nonnull (reason);
      g_assert_true (tr_status_from_reason (reason, &back));
      g_assert_cmpint (back, ==, status);

      /* message */
      g_assert_nonnull (tr_status_get_message (status));
      g_assert_cmpstr (tr_status_get_message (status), !=, "Unknown status");

      /* HTTP */
      http = tr_status_get_http_status (status);
      if (tr_status_get_code (status) == 0)
        g_assert_cmpuint (http, ==, 200);
      else
        g_assert_true (http == tr_status_get_code (status) || http == 409);

      /* JSON, with the table's message and with our own */
      json = tr_status_to_json (status, NULL);
      g_assert_cmpint (json_object_get_int_member (json, "code"), ==, tr_status_get_code (status));
      g_assert_cmpint (json_object_get_int_member (json, "subcode"), ==,
                       tr_status_get_subcode (status));
      g_assert_cmpstr (json_object_get_string_member (json, "reason"), ==, reason);
      g_assert_true (tr_status_from_json (json, &back, &message, NULL));
      g_assert_cmpint (back, ==, status);
      g_assert_cmpstr (message, ==, tr_status_get_message (status));
      g_clear_pointer (&message, g_free);
      g_clear_pointer (&json, json_object_unref);

      json = tr_status_to_json (status, "custom");
      g_assert_true (tr_status_from_json (json, &back, &message, NULL));
      g_assert_cmpstr (message, ==, "custom");

      /* GError */
      {
        g_autoptr(GError) error = g_error_new_literal (TR_ERROR, status, "from gerror");
        g_autoptr(JsonObject) ejson = tr_error_to_json (error);
        g_autoptr(GError) back_error = tr_error_new_from_json (ejson);

        g_assert_error (back_error, TR_ERROR, (gint) status);
        g_assert_cmpstr (back_error->message, ==, "from gerror");
      }
    }
}

static void
test_status_http (void)
{
  static const struct
  {
    TrStatus status;
    guint    http;
  } cases[] = {
    { TR_STATUS_MALFORMED_JSON, 400 },  { TR_STATUS_TOKEN_EXPIRED, 401 },
    { TR_STATUS_ADMIN_REQUIRED, 403 },  { TR_STATUS_UNKNOWN_IDENTITY, 404 },
    { TR_STATUS_NO_ANSWER, 408 },       { TR_STATUS_RATE_LIMITED, 429 },
    { TR_STATUS_OFFLINE, 409 },         { TR_STATUS_CALL_NOT_FOUND, 409 },
    { TR_STATUS_BUSY, 409 },            { TR_STATUS_CANCELLED, 409 },
    { TR_STATUS_TRANSFER_IN_PROGRESS, 409 }, { TR_STATUS_INTERNAL, 500 },
    { TR_STATUS_NOT_IMPLEMENTED, 501 }, { TR_STATUS_DECLINED, 409 },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    g_assert_cmpuint (tr_status_get_http_status (cases[i].status), ==, cases[i].http);
}

static void
test_status_unknown (void)
{
  static const guint parts[][2] = {
    { 0, 3 }, { 400, 0 }, { 400, 7 }, { 401, 5 }, { 402, 1 }, { 999, 99 }, { 1000, 1 },
    { 40, 1 }, { 4, 1 }, { 603, 2 },
  };
  g_autoptr(JsonObject) json = json_object_new ();
  g_autoptr(GError) error = NULL;
  TrStatus status = TR_STATUS_HANGUP;

  for (guint i = 0; i < G_N_ELEMENTS (parts); i++)
    g_assert_false (tr_status_from_parts (parts[i][0], parts[i][1], &status));

  g_assert_false (tr_status_from_reason ("no-such-reason", &status));
  g_assert_false (tr_status_from_reason ("", &status));
  g_assert_false (tr_status_from_reason (NULL, &status));
  g_assert_null (tr_status_get_reason ((TrStatus) 40099));
  g_assert_cmpstr (tr_status_get_message ((TrStatus) 40099), ==, "Unknown status");
  g_assert_cmpuint (tr_status_get_http_status ((TrStatus) 40099), ==, 500);

  /* Not an Error object */
  g_assert_false (tr_status_from_json (json, &status, NULL, &error));
  g_assert_error (error, TR_ERROR, TR_STATUS_INVALID_FIELD);
  g_clear_error (&error);

  json_object_set_string_member (json, "code", "404");
  json_object_set_int_member (json, "subcode", 1);
  g_assert_false (tr_status_from_json (json, &status, NULL, &error));
  g_assert_error (error, TR_ERROR, TR_STATUS_INVALID_FIELD);
  g_clear_error (&error);

  json_object_set_int_member (json, "code", 404);
  json_object_set_int_member (json, "subcode", 9);
  g_assert_false (tr_status_from_json (json, &status, NULL, &error));
  g_assert_error (error, TR_ERROR, TR_STATUS_INVALID_FIELD);
  g_clear_error (&error);

  json_object_set_int_member (json, "code", -404);
  json_object_set_int_member (json, "subcode", 1);
  g_assert_false (tr_status_from_json (json, &status, NULL, &error));
  g_assert_error (error, TR_ERROR, TR_STATUS_INVALID_FIELD);
  g_clear_error (&error);

  /* An unknown code from the wire becomes INTERNAL, keeping its message */
  json_object_set_int_member (json, "code", 418);
  json_object_set_string_member (json, "message", "teapot");
  error = tr_error_new_from_json (json);
  g_assert_error (error, TR_ERROR, TR_STATUS_INTERNAL);
  g_assert_cmpstr (error->message, ==, "teapot");
}

static void
test_status_foreign_error (void)
{
  g_autoptr(GError) error = g_error_new_literal (G_FILE_ERROR, G_FILE_ERROR_NOENT,
                                                 "/secret/path: disk on fire");
  g_autoptr(JsonObject) json = tr_error_to_json (error);
  g_autoptr(GError) back = NULL;

  g_assert_cmpint (json_object_get_int_member (json, "code"), ==, 500);
  g_assert_cmpint (json_object_get_int_member (json, "subcode"), ==, 1);
  g_assert_cmpstr (json_object_get_string_member (json, "reason"), ==, "internal");
  /* Details of foreign errors stay on the server. */
  g_assert_null (strstr (json_object_get_string_member (json, "message"), "secret"));

  back = tr_error_new_from_json (json);
  g_assert_error (back, TR_ERROR, TR_STATUS_INTERNAL);
  g_assert_cmpuint (TR_ERROR, ==, g_quark_from_static_string ("tr-error-quark"));
}

/* docs/protocol.md mirrors the table: every row there is in the code, and vice versa. */
static void
test_status_matches_docs (void)
{
  const char      *source_dir = g_getenv ("TR_SOURCE_DIR");
  g_autofree char *path = NULL;
  g_autofree char *text = NULL;
  g_auto(GStrv) lines = NULL;
  g_autoptr(GRegex) row = NULL;
  g_autoptr(GArray) statuses = collect_statuses ();
  guint            n_rows = 0;

  if (source_dir == NULL)
    {
      g_test_skip ("TR_SOURCE_DIR is not set");
      return;
    }

  path = g_build_filename (source_dir, "docs", "protocol.md", NULL);
  g_assert_true (g_file_get_contents (path, &text, NULL, NULL));
  lines = g_strsplit (strstr (text, "## Error codes"), "\n", -1);
  row = g_regex_new ("^\\| (\\d+) \\| (\\d+) \\| `([a-z-]+)` \\|", 0, 0, NULL);

  for (guint i = 0; lines[i] != NULL && !g_str_has_prefix (lines[i], "## REST"); i++)
    {
      g_autoptr(GMatchInfo) match = NULL;
      g_autofree char *code = NULL;
      g_autofree char *subcode = NULL;
      g_autofree char *reason = NULL;
      TrStatus         status;

      if (!g_regex_match (row, lines[i], 0, &match))
        continue;

      code = g_match_info_fetch (match, 1);
      subcode = g_match_info_fetch (match, 2);
      reason = g_match_info_fetch (match, 3);
      g_assert_true (tr_status_from_parts (atoi (code), atoi (subcode), &status));
      g_assert_cmpstr (tr_status_get_reason (status), ==, reason);
      n_rows++;
    }

  g_assert_cmpuint (n_rows, ==, statuses->len);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/status/table-round-trip", test_status_table_round_trip);
  g_test_add_func ("/status/http", test_status_http);
  g_test_add_func ("/status/unknown", test_status_unknown);
  g_test_add_func ("/status/foreign-error", test_status_foreign_error);
  g_test_add_func ("/status/matches-docs", test_status_matches_docs);

  return g_test_run ();
}
