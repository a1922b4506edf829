/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "TrCli"

#include "config.h"

#include <locale.h>

#include "tr-cli.h"

int
main (int   argc,
      char *argv[])
{
  setlocale (LC_ALL, "");

  return tr_cli_run (argc, argv);
}
