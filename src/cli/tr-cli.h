/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Exit codes of transfer-cli (also listed in --help). */
typedef enum
{
  TR_CLI_EXIT_OK = 0,
  TR_CLI_EXIT_FAILED = 1,        /* a command failed (server error, call ended early, …) */
  TR_CLI_EXIT_USAGE = 2,         /* bad command line */
  TR_CLI_EXIT_CONNECTION = 3,    /* could not connect to / lost the server */
  TR_CLI_EXIT_AUTH = 4,          /* token rejected */
  TR_CLI_EXIT_TIMEOUT = 5,       /* a wait timed out */
} TrCliExit;

/* The whole program: parses @argv, runs, returns the exit code. */
int tr_cli_run (int argc, char **argv);

G_END_DECLS
