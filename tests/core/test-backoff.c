/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "transfer-core.h"

static void
test_exponential (void)
{
  /* Without jitter (random = 1) the delay doubles up to the cap. */
  g_assert_cmpuint (tr_backoff_compute_delay (1, 1000, 30000, 1.0), ==, 1000);
  g_assert_cmpuint (tr_backoff_compute_delay (2, 1000, 30000, 1.0), ==, 2000);
  g_assert_cmpuint (tr_backoff_compute_delay (3, 1000, 30000, 1.0), ==, 4000);
  g_assert_cmpuint (tr_backoff_compute_delay (5, 1000, 30000, 1.0), ==, 16000);
  g_assert_cmpuint (tr_backoff_compute_delay (6, 1000, 30000, 1.0), ==, 30000);
  g_assert_cmpuint (tr_backoff_compute_delay (1000, 1000, 30000, 1.0), ==, 30000);

  /* Lowest jitter: half. */
  g_assert_cmpuint (tr_backoff_compute_delay (1, 1000, 30000, 0.0), ==, 500);
  g_assert_cmpuint (tr_backoff_compute_delay (3, 1000, 30000, 0.0), ==, 2000);
  g_assert_cmpuint (tr_backoff_compute_delay (40, 1000, 30000, 0.0), ==, 15000);
}

static void
test_bounded (void)
{
  const guint bases[] = { 1, 10, 100, 1000, 30000, 60000 };
  const guint maxes[] = { 1, 50, 1000, 30000, G_MAXUINT };

  for (guint b = 0; b < G_N_ELEMENTS (bases); b++)
    for (guint m = 0; m < G_N_ELEMENTS (maxes); m++)
      for (guint attempt = 0; attempt < 80; attempt++)
        for (guint r = 0; r <= 10; r++)
          {
            double random01 = r / 10.0;
            guint delay = tr_backoff_compute_delay (attempt, bases[b], maxes[m], random01);
            guint floor = MIN (bases[b], maxes[m]) / 2;

            g_assert_cmpuint (delay, <=, maxes[m]);
            g_assert_cmpuint (delay, >=, floor);
          }
}

static void
test_monotonic_in_random (void)
{
  for (guint attempt = 1; attempt < 10; attempt++)
    {
      guint previous = 0;

      for (guint r = 0; r <= 100; r++)
        {
          guint delay = tr_backoff_compute_delay (attempt, 250, 8000, r / 100.0);

          g_assert_cmpuint (delay, >=, previous);
          previous = delay;
        }
    }
}

static void
test_out_of_range_random (void)
{
  g_assert_cmpuint (tr_backoff_compute_delay (1, 1000, 30000, -5.0), ==, 500);
  g_assert_cmpuint (tr_backoff_compute_delay (1, 1000, 30000, 7.0), ==, 1000);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/core/backoff/exponential", test_exponential);
  g_test_add_func ("/core/backoff/bounded", test_bounded);
  g_test_add_func ("/core/backoff/monotonic-in-random", test_monotonic_in_random);
  g_test_add_func ("/core/backoff/out-of-range-random", test_out_of_range_random);

  return g_test_run ();
}
