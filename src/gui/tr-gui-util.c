/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "TrGuiUtil"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "tr-gui-util.h"

/* libadwaita 1.2's toast has an icon-only close button read as "GtkImage": name it. */
static void
name_toast_buttons (GtkWidget *widget, gboolean in_toast)
{
  static GType toast_widget_type = 0;

  if (toast_widget_type == 0)
    toast_widget_type = g_type_from_name ("AdwToastWidget");

  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      gboolean inside
          = in_toast
            || (toast_widget_type != 0 && G_TYPE_CHECK_INSTANCE_TYPE (child, toast_widget_type));

      if (inside && GTK_IS_BUTTON (child) && gtk_button_get_label (GTK_BUTTON (child)) == NULL)
        {
          gtk_accessible_update_property (GTK_ACCESSIBLE (child), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                          _ ("Dismiss"), -1);
          if (gtk_widget_get_tooltip_text (child) == NULL)
            gtk_widget_set_tooltip_text (child, _ ("Dismiss"));
        }
      else if (inside && GTK_IS_BUTTON (child))
        {
          /* A toast's action button ("_Undo") is read as "_Undo Undo" (its label and the label
           * it is labelled by): name it once. */
          const char *label = gtk_button_get_label (GTK_BUTTON (child));
          g_autoptr (GString) name = g_string_new (NULL);

          for (const char *p = label; *p != '\0'; p++)
            if (*p != '_' || p[1] == '_')
              g_string_append_c (name, *p == '_' ? *++p : *p);
          gtk_accessible_reset_relation (GTK_ACCESSIBLE (child),
                                         GTK_ACCESSIBLE_RELATION_LABELLED_BY);
          gtk_accessible_update_property (GTK_ACCESSIBLE (child), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                          name->str, -1);
        }
      name_toast_buttons (child, inside);
    }
}

static void
toast_overlay_children_changed_cb (GtkWidget *overlay)
{
  name_toast_buttons (overlay, FALSE);
}

static GtkWidget *
find_toast_overlay (GtkWidget *widget)
{
  if (ADW_IS_TOAST_OVERLAY (widget))
    return widget;
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_toast_overlay (child);

      if (found != NULL)
        return found;
    }
  return NULL;
}

void
tr_gui_add_toast (GtkWidget *where, AdwToast *toast)
{
  GtkWidget *overlay = find_toast_overlay (where);

  if (ADW_IS_PREFERENCES_WINDOW (where))
    adw_preferences_window_add_toast (ADW_PREFERENCES_WINDOW (where), toast);
  else if (overlay != NULL)
    adw_toast_overlay_add_toast (ADW_TOAST_OVERLAY (overlay), toast);
  else
    {
      g_object_unref (toast);
      return;
    }
  if (overlay == NULL)
    return;

  /* A toast waits while another shows: its widget comes later. Name the buttons of every
   * toast widget the overlay gets. */
  if (g_object_get_data (G_OBJECT (overlay), "tr-toast-children") == NULL)
    {
      GListModel *children = gtk_widget_observe_children (overlay);

      g_signal_connect_object (children, "items-changed",
                               G_CALLBACK (toast_overlay_children_changed_cb), overlay,
                               G_CONNECT_SWAPPED);
      g_object_set_data_full (G_OBJECT (overlay), "tr-toast-children", children, g_object_unref);
    }
  name_toast_buttons (overlay, FALSE);
}

static void
name_icon_buttons (GtkWidget *widget)
{
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      const char *tooltip = gtk_widget_get_tooltip_text (child);

      if (GTK_IS_BUTTON (child) && gtk_button_get_label (GTK_BUTTON (child)) == NULL
          && tooltip != NULL)
        gtk_accessible_update_property (GTK_ACCESSIBLE (child), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                        tooltip, -1);
      name_icon_buttons (child);
    }
}

void
tr_gui_entry_row_set_accessible_name (GtkWidget *entry_row, const char *name)
{
  GtkEditable *text;

  g_return_if_fail (GTK_IS_EDITABLE (entry_row));

  /* The row is the text box AT-SPI sees; it is labelled by both title labels. */
  gtk_accessible_reset_relation (GTK_ACCESSIBLE (entry_row), GTK_ACCESSIBLE_RELATION_LABELLED_BY);
  gtk_accessible_update_property (GTK_ACCESSIBLE (entry_row), GTK_ACCESSIBLE_PROPERTY_LABEL, name,
                                  -1);
  text = gtk_editable_get_delegate (GTK_EDITABLE (entry_row));
  if (text != NULL && GTK_WIDGET (text) != entry_row)
    {
      gtk_accessible_reset_relation (GTK_ACCESSIBLE (text), GTK_ACCESSIBLE_RELATION_LABELLED_BY);
      gtk_accessible_update_property (GTK_ACCESSIBLE (text), GTK_ACCESSIBLE_PROPERTY_LABEL, name,
                                      -1);
    }
  /* AdwPasswordEntryRow's peek button is read as "GtkImage": name it after its tooltip. */
  name_icon_buttons (entry_row);
}

void
tr_gui_name_descendants (GtkWidget *root, GType type, const char *name)
{
  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      if (G_TYPE_CHECK_INSTANCE_TYPE (child, type))
        gtk_accessible_update_property (GTK_ACCESSIBLE (child), GTK_ACCESSIBLE_PROPERTY_LABEL, name,
                                        -1);
      tr_gui_name_descendants (child, type, name);
    }
}

void
tr_gui_stack_show_page (GtkStack *stack, const char *name)
{
  GtkWidget *target = gtk_stack_get_child_by_name (stack, name);

  g_return_if_fail (target != NULL);

  gtk_widget_set_visible (target, TRUE);
  gtk_stack_set_visible_child (stack, target);
  for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (stack)); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    if (child != target)
      gtk_widget_set_visible (child, FALSE);
}

gboolean
tr_gui_session_bus_has_service (const char *name)
{
  g_autoptr (GDBusConnection) bus = NULL;
  g_autoptr (GVariant) reply = NULL;
  g_autoptr (GVariant) names = NULL;
  gboolean owned = FALSE;

  bus = g_bus_get_sync (G_BUS_TYPE_SESSION, NULL, NULL);
  if (bus == NULL)
    return FALSE;

  reply = g_dbus_connection_call_sync (bus, "org.freedesktop.DBus", "/org/freedesktop/DBus",
                                       "org.freedesktop.DBus", "NameHasOwner",
                                       g_variant_new ("(s)", name), G_VARIANT_TYPE ("(b)"),
                                       G_DBUS_CALL_FLAGS_NONE, 1000, NULL, NULL);
  if (reply != NULL)
    g_variant_get (reply, "(b)", &owned);
  if (owned)
    return TRUE;

  g_clear_pointer (&reply, g_variant_unref);
  reply = g_dbus_connection_call_sync (bus, "org.freedesktop.DBus", "/org/freedesktop/DBus",
                                       "org.freedesktop.DBus", "ListActivatableNames", NULL,
                                       G_VARIANT_TYPE ("(as)"), G_DBUS_CALL_FLAGS_NONE, 1000, NULL,
                                       NULL);
  if (reply == NULL)
    return FALSE;
  names = g_variant_get_child_value (reply, 0);
  for (gsize i = 0; i < g_variant_n_children (names); i++)
    {
      const char *n = NULL;

      g_variant_get_child (names, i, "&s", &n);
      if (g_strcmp0 (n, name) == 0)
        return TRUE;
    }
  return FALSE;
}
