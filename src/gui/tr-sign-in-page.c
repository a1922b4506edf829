/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "TrSignInPage"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "tr-gui-util.h"
#include "tr-sign-in-page.h"

enum
{
  SIGNAL_SIGN_IN,
  SIGNAL_USE_LOCAL_SERVER,
  N_SIGNALS
};
static guint signals[N_SIGNALS];

struct _TrSignInPage
{
  GtkWidget parent_instance;

  GtkWidget *error_label;
  GtkWidget *server_row;
  GtkWidget *token_row;
  GtkWidget *remember_row;
  GtkWidget *remember_switch;
  GtkWidget *keyring_note;
  GtkWidget *sign_in_button;
  GtkWidget *local_button;
  GtkWidget *spinner;
};

G_DEFINE_FINAL_TYPE (TrSignInPage, tr_sign_in_page, GTK_TYPE_WIDGET)

static void
update_sign_in_sensitive (TrSignInPage *self)
{
  const char *url = gtk_editable_get_text (GTK_EDITABLE (self->server_row));
  const char *token = gtk_editable_get_text (GTK_EDITABLE (self->token_row));

  gtk_widget_set_sensitive (self->sign_in_button, *url != '\0' && *token != '\0'
                                                      && !gtk_widget_get_visible (self->spinner));
}

static void
sign_in_clicked_cb (TrSignInPage *self)
{
  g_autofree char *url
      = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->server_row))));
  g_autofree char *token
      = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->token_row))));

  if (*url == '\0' || *token == '\0')
    return;
  tr_sign_in_page_set_busy (self, TRUE);
  g_signal_emit (self, signals[SIGNAL_SIGN_IN], 0, url, token,
                 gtk_widget_get_sensitive (self->remember_switch)
                     && gtk_switch_get_active (GTK_SWITCH (self->remember_switch)));
}

static void
local_clicked_cb (TrSignInPage *self)
{
  tr_sign_in_page_set_busy (self, TRUE);
  g_signal_emit (self, signals[SIGNAL_USE_LOCAL_SERVER], 0);
}

void
tr_sign_in_page_set_server_url (TrSignInPage *self, const char *url)
{
  gtk_editable_set_text (GTK_EDITABLE (self->server_row), url ? url : "");
}

void
tr_sign_in_page_set_token (TrSignInPage *self, const char *token)
{
  gtk_editable_set_text (GTK_EDITABLE (self->token_row), token ? token : "");
}

void
tr_sign_in_page_set_keyring_available (TrSignInPage *self, gboolean available)
{
  gtk_widget_set_sensitive (self->remember_row, available);
  gtk_widget_set_sensitive (self->remember_switch, available);
  if (!available)
    gtk_switch_set_active (GTK_SWITCH (self->remember_switch), FALSE);
  gtk_widget_set_visible (self->keyring_note, !available);
}

void
tr_sign_in_page_set_busy (TrSignInPage *self, gboolean busy)
{
  gtk_widget_set_visible (self->spinner, busy);
  gtk_spinner_set_spinning (GTK_SPINNER (self->spinner), busy);
  gtk_widget_set_sensitive (self->local_button, !busy);
  update_sign_in_sensitive (self);
}

void
tr_sign_in_page_set_error (TrSignInPage *self, const char *message)
{
  tr_sign_in_page_set_busy (self, FALSE);
  gtk_label_set_label (GTK_LABEL (self->error_label), message ? message : "");
  gtk_widget_set_visible (self->error_label, message != NULL);
  if (message != NULL)
    gtk_accessible_update_property (GTK_ACCESSIBLE (self->error_label),
                                    GTK_ACCESSIBLE_PROPERTY_LABEL, message, -1);
}

void
tr_sign_in_page_focus (TrSignInPage *self)
{
  const char *url = gtk_editable_get_text (GTK_EDITABLE (self->server_row));

  gtk_widget_grab_focus (*url == '\0' ? self->server_row : self->token_row);
}

static void
tr_sign_in_page_dispose (GObject *object)
{
  gtk_widget_dispose_template (GTK_WIDGET (object), TR_TYPE_SIGN_IN_PAGE);
  G_OBJECT_CLASS (tr_sign_in_page_parent_class)->dispose (object);
}

static void
tr_sign_in_page_class_init (TrSignInPageClass *klass)
{
  GObjectClass   *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = tr_sign_in_page_dispose;

  signals[SIGNAL_SIGN_IN]
      = g_signal_new ("sign-in", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                      G_TYPE_NONE, 3, G_TYPE_STRING, G_TYPE_STRING, G_TYPE_BOOLEAN);
  signals[SIGNAL_USE_LOCAL_SERVER]
      = g_signal_new ("use-local-server", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL,
                      NULL, NULL, G_TYPE_NONE, 0);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/com/example/Transfer/tr-sign-in-page.ui");
  gtk_widget_class_bind_template_child (widget_class, TrSignInPage, error_label);
  gtk_widget_class_bind_template_child (widget_class, TrSignInPage, server_row);
  gtk_widget_class_bind_template_child (widget_class, TrSignInPage, token_row);
  gtk_widget_class_bind_template_child (widget_class, TrSignInPage, remember_row);
  gtk_widget_class_bind_template_child (widget_class, TrSignInPage, remember_switch);
  gtk_widget_class_bind_template_child (widget_class, TrSignInPage, keyring_note);
  gtk_widget_class_bind_template_child (widget_class, TrSignInPage, sign_in_button);
  gtk_widget_class_bind_template_child (widget_class, TrSignInPage, local_button);
  gtk_widget_class_bind_template_child (widget_class, TrSignInPage, spinner);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_GROUP);
}

static void
tr_sign_in_page_init (TrSignInPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _ ("Sign In"), -1);
  tr_gui_entry_row_set_accessible_name (self->server_row, _ ("Server Address"));
  tr_gui_entry_row_set_accessible_name (self->token_row, _ ("Access Token"));
  g_signal_connect_swapped (self->sign_in_button, "clicked", G_CALLBACK (sign_in_clicked_cb), self);
  g_signal_connect_swapped (self->local_button, "clicked", G_CALLBACK (local_clicked_cb), self);
  g_signal_connect_swapped (self->token_row, "entry-activated", G_CALLBACK (sign_in_clicked_cb),
                            self);
  g_signal_connect_swapped (self->server_row, "changed", G_CALLBACK (update_sign_in_sensitive),
                            self);
  g_signal_connect_swapped (self->token_row, "changed", G_CALLBACK (update_sign_in_sensitive),
                            self);
  update_sign_in_sensitive (self);
}

GtkWidget *
tr_sign_in_page_new (void)
{
  return g_object_new (TR_TYPE_SIGN_IN_PAGE, NULL);
}
