/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define TR_TYPE_APPLICATION (tr_application_get_type ())
G_DECLARE_FINAL_TYPE (TrApplication, tr_application, TR, APPLICATION, AdwApplication)

/*
 * The app (single instance, id com.example.Transfer). Where it signs in:
 * 1. `--server URL` (or $TRANSFER_SERVER_URL) with a token from `--token-file FILE` (or
 *    $TRANSFER_TOKEN): directly; without a token, the sign-in page with that address;
 * 2. else the embedded local server (#TrLocalServer) unless the user chose another server;
 * 3. else the last server, with its token from the keyring, or the sign-in page.
 *
 * For tests and debugging, $TRANSFER_RECONNECT_BASE_MS, $TRANSFER_RECONNECT_MAX_MS and
 * $TRANSFER_RECONNECT_ATTEMPTS set the agent's reconnect policy; $TRANSFER_SERVER_BINARY the
 * local server's program.
 */
TrApplication *tr_application_new (void) G_GNUC_WARN_UNUSED_RESULT;

G_END_DECLS
