/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "transfer-core.h"

static void
test_user (void)
{
  g_autoptr(TrIdentifier) alice = tr_identifier_new_user ("alice");
  g_autoptr(TrIdentifier) parsed = NULL;
  g_autoptr(TrIdentifier) bare = tr_identifier_new_from_string ("alice");

  g_assert_cmpint (tr_identifier_get_kind (alice), ==, TR_IDENTIFIER_KIND_USER);
  g_assert_cmpstr (tr_identifier_get_raw_id (alice), ==, "alice");
  g_assert_cmpstr (tr_identifier_to_string (alice), ==, "user:alice");

  parsed = tr_identifier_new_from_string (tr_identifier_to_string (alice));
  g_assert_true (tr_identifier_equal (parsed, alice));
  g_assert_cmpuint (tr_identifier_hash (parsed), ==, tr_identifier_hash (alice));

  g_assert_true (tr_identifier_equal (bare, alice));
  g_assert_cmpstr (tr_identifier_to_string (bare), ==, "user:alice");
}

static void
test_unknown (void)
{
  const char *raws[] = { "tel:+1555", "user:not valid", "bad id", "8:acs:xyz", "" , "user:" };

  for (guint i = 0; i < G_N_ELEMENTS (raws); i++)
    {
      g_autoptr(TrIdentifier) id = tr_identifier_new_from_string (raws[i]);
      g_autoptr(TrIdentifier) again = NULL;

      g_assert_cmpint (tr_identifier_get_kind (id), ==, TR_IDENTIFIER_KIND_UNKNOWN);
      g_assert_cmpstr (tr_identifier_get_raw_id (id), ==, raws[i]);
      g_assert_cmpstr (tr_identifier_to_string (id), ==, raws[i]);

      again = tr_identifier_new_from_string (tr_identifier_to_string (id));
      g_assert_true (tr_identifier_equal (again, id));
    }
}

static void
test_invalid_user_is_unknown (void)
{
  g_autoptr(TrIdentifier) id = tr_identifier_new_user ("has space");
  g_autoptr(TrIdentifier) other = tr_identifier_new_unknown ("alice");
  g_autoptr(TrIdentifier) alice = tr_identifier_new_user ("alice");

  g_assert_cmpint (tr_identifier_get_kind (id), ==, TR_IDENTIFIER_KIND_UNKNOWN);
  g_assert_cmpstr (tr_identifier_get_raw_id (id), ==, "has space");
  /* Kinds differ: not equal even with the same raw id. */
  g_assert_false (tr_identifier_equal (other, alice));
}

static void
test_boxed (void)
{
  g_autoptr(TrIdentifier) alice = tr_identifier_new_user ("alice");
  TrIdentifier *copy = g_boxed_copy (TR_TYPE_IDENTIFIER, alice);

  g_assert_true (tr_identifier_equal (copy, alice));
  g_boxed_free (TR_TYPE_IDENTIFIER, copy);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/core/identifier/user", test_user);
  g_test_add_func ("/core/identifier/unknown", test_unknown);
  g_test_add_func ("/core/identifier/invalid-user-is-unknown", test_invalid_user_is_unknown);
  g_test_add_func ("/core/identifier/boxed", test_boxed);

  return g_test_run ();
}
