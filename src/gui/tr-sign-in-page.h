/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define TR_TYPE_SIGN_IN_PAGE (tr_sign_in_page_get_type ())
G_DECLARE_FINAL_TYPE (TrSignInPage, tr_sign_in_page, TR, SIGN_IN_PAGE, GtkWidget)

/*
 * Sign in to a server: address + access token, "Remember in the keyring" (or a note when
 * there is no keyring), an error line (role alert), and "Use the Local Server".
 * Signals: "sign-in" (const char *url, const char *token, gboolean remember) and
 * "use-local-server".
 */
GtkWidget *tr_sign_in_page_new (void);
void       tr_sign_in_page_set_server_url (TrSignInPage *self, const char *url);
void       tr_sign_in_page_set_token (TrSignInPage *self, const char *token);
void       tr_sign_in_page_set_keyring_available (TrSignInPage *self, gboolean available);
/* NULL hides the error. Also ends the busy state. */
void tr_sign_in_page_set_error (TrSignInPage *self, const char *message);
void tr_sign_in_page_set_busy (TrSignInPage *self, gboolean busy);
void tr_sign_in_page_focus (TrSignInPage *self);

G_END_DECLS
