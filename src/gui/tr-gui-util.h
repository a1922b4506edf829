/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

/*
 * Small widget helpers for accessibility.
 *
 * tr_gui_entry_row_set_accessible_name(): AdwEntryRow (1.2) labels its text with both of its
 * title labels, so screen readers say "Access Token Access Token"; this names the text once.
 *
 * tr_gui_stack_show_page(): shows one page of a GtkStack and hides the others, so pages that
 * are not on screen leave the accessibility tree (GTK 4.8 reports no "showing" state).
 */
/* TRUE if @name has an owner on the session bus or can be activated there; never activates.
 * Used to skip what would only fail noisily: the keyring, desktop notifications. */
gboolean tr_gui_session_bus_has_service (const char *name);

void tr_gui_entry_row_set_accessible_name (GtkWidget *entry_row, const char *name);
/* Names the descendants of @root of @type that have no name of their own (libadwaita 1.2
 * internals such as AdwPreferencesWindow's search entry are read as "GtkSearchEntry"). */
void tr_gui_name_descendants (GtkWidget *root, GType type, const char *name);
void tr_gui_stack_show_page (GtkStack *stack, const char *name);
/* Adds @toast (transfer full) to the AdwToastOverlay that is @where or inside it (an
 * AdwPreferencesWindow's own), and names its buttons for AT (libadwaita 1.2 leaves the close
 * button as "GtkImage" and reads "_Undo" twice), also of toasts that wait their turn. */
void tr_gui_add_toast (GtkWidget *where, AdwToast *toast);

G_END_DECLS
