/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "TrPreferencesWindow"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "tr-device-pane.h"
#include "tr-display.h"
#include "tr-gui-util.h"
#include "tr-preferences-window.h"

struct _TrPreferencesWindow
{
  AdwPreferencesWindow parent_instance;

  GtkWidget *calls_page;
  GtkWidget *forward_row;
  GtkWidget *unanswered_row;
  GtkWidget *ring_row;
  GtkWidget *ring_spin;
  GtkWidget *account_row;
  GtkWidget *server_row;
  GtkWidget *notify_calls_switch;
  GtkWidget *notify_voicemail_switch;
  GtkWidget *devices_page;

  GSettings    *settings;
  TrCallAgent  *agent;
  GCancellable *cancellable;
  gboolean      loading;
};

G_DEFINE_FINAL_TYPE (TrPreferencesWindow, tr_preferences_window, ADW_TYPE_PREFERENCES_WINDOW)

static void
show_settings (TrPreferencesWindow *self, const TrCallSettings *settings)
{
  self->loading = TRUE;
  gtk_editable_set_text (GTK_EDITABLE (self->forward_row),
                         settings->forward_always ? settings->forward_always : "");
  gtk_editable_set_text (GTK_EDITABLE (self->unanswered_row),
                         settings->unanswered_target ? settings->unanswered_target : "");
  gtk_spin_button_set_value (GTK_SPIN_BUTTON (self->ring_spin), settings->ring_timeout);
  self->loading = FALSE;
}

static void
toast (TrPreferencesWindow *self, const char *text)
{
  tr_gui_add_toast (GTK_WIDGET (self), adw_toast_new (text));
}

static void
settings_done (TrPreferencesWindow *self, TrCallSettings *settings, GError *error, gboolean was_set)
{
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  gtk_widget_set_sensitive (self->calls_page, TRUE);
  if (settings == NULL)
    {
      g_autofree char *reason = tr_failure_reason_text (error, NULL);
      g_autofree char *text = g_strdup_printf (_ ("Could not update the settings: %s"), reason);

      toast (self, text);
      return;
    }
  show_settings (self, settings);
  if (was_set)
    toast (self, _ ("Saved"));
  else if (adw_preferences_window_get_visible_page (ADW_PREFERENCES_WINDOW (self))
           == ADW_PREFERENCES_PAGE (self->calls_page))
    /* Loaded: focus on the first field (the page switcher would have it otherwise). */
    gtk_widget_grab_focus (self->forward_row);
}

static void
get_settings_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (TrPreferencesWindow) self = user_data;
  g_autoptr (GError) error = NULL;
  g_autoptr (TrCallSettings) settings = NULL;

  settings = tr_call_agent_get_settings_finish (TR_CALL_AGENT (source), result, &error);
  settings_done (self, settings, error, FALSE);
}

static void
set_settings_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (TrPreferencesWindow) self = user_data;
  g_autoptr (GError) error = NULL;
  g_autoptr (TrCallSettings) settings = NULL;

  settings = tr_call_agent_set_settings_finish (TR_CALL_AGENT (source), result, &error);
  settings_done (self, settings, error, TRUE);
}

static void
save (TrPreferencesWindow *self, TrCallSettingsFields field)
{
  g_autoptr (TrCallSettings) settings = tr_call_settings_new ();
  g_autofree char *forward
      = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->forward_row))));
  g_autofree char *unanswered
      = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->unanswered_row))));

  if (self->loading || self->agent == NULL)
    return;

  switch (field)
    {
    case TR_CALL_SETTINGS_FIELD_FORWARD_ALWAYS:
      if (*forward != '\0' && !tr_user_id_is_valid (forward))
        {
          toast (self, _ ("Not a user id: use letters, digits and . _ @ -"));
          return;
        }
      tr_call_settings_set_forward_always (settings, *forward ? forward : NULL);
      break;
    case TR_CALL_SETTINGS_FIELD_UNANSWERED_TARGET:
      if (*unanswered != '\0' && !tr_user_id_is_valid (unanswered))
        {
          toast (self, _ ("Not a user id: use letters, digits and . _ @ -"));
          return;
        }
      tr_call_settings_set_unanswered_target (settings, *unanswered ? unanswered : NULL);
      break;
    case TR_CALL_SETTINGS_FIELD_RING_TIMEOUT:
      tr_call_settings_set_ring_timeout (
          settings, (guint)gtk_spin_button_get_value_as_int (GTK_SPIN_BUTTON (self->ring_spin)));
      break;
    case TR_CALL_SETTINGS_FIELD_NONE:
    case TR_CALL_SETTINGS_FIELD_ALL:
    default:
      return;
    }
  tr_call_agent_set_settings_async (self->agent, settings, self->cancellable, set_settings_cb,
                                    g_object_ref (self));
}

static void
forward_apply_cb (TrPreferencesWindow *self)
{
  save (self, TR_CALL_SETTINGS_FIELD_FORWARD_ALWAYS);
}

static void
unanswered_apply_cb (TrPreferencesWindow *self)
{
  save (self, TR_CALL_SETTINGS_FIELD_UNANSWERED_TARGET);
}

static void
ring_changed_cb (TrPreferencesWindow *self)
{
  save (self, TR_CALL_SETTINGS_FIELD_RING_TIMEOUT);
}

static void
tr_preferences_window_dispose (GObject *object)
{
  TrPreferencesWindow *self = TR_PREFERENCES_WINDOW (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->agent);
  g_clear_object (&self->settings);
  gtk_widget_dispose_template (GTK_WIDGET (self), TR_TYPE_PREFERENCES_WINDOW);

  G_OBJECT_CLASS (tr_preferences_window_parent_class)->dispose (object);
}

static void
tr_preferences_window_class_init (TrPreferencesWindowClass *klass)
{
  GObjectClass   *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = tr_preferences_window_dispose;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/com/example/Transfer/tr-preferences-window.ui");
  gtk_widget_class_bind_template_child (widget_class, TrPreferencesWindow, calls_page);
  gtk_widget_class_bind_template_child (widget_class, TrPreferencesWindow, forward_row);
  gtk_widget_class_bind_template_child (widget_class, TrPreferencesWindow, unanswered_row);
  gtk_widget_class_bind_template_child (widget_class, TrPreferencesWindow, ring_row);
  gtk_widget_class_bind_template_child (widget_class, TrPreferencesWindow, ring_spin);
  gtk_widget_class_bind_template_child (widget_class, TrPreferencesWindow, account_row);
  gtk_widget_class_bind_template_child (widget_class, TrPreferencesWindow, server_row);
  gtk_widget_class_bind_template_child (widget_class, TrPreferencesWindow, notify_calls_switch);
  gtk_widget_class_bind_template_child (widget_class, TrPreferencesWindow,
                                        notify_voicemail_switch);
  gtk_widget_class_bind_template_child (widget_class, TrPreferencesWindow, devices_page);
}

static void
tr_preferences_window_init (TrPreferencesWindow *self)
{
  g_type_ensure (TR_TYPE_DEVICE_PANE);
  gtk_widget_init_template (GTK_WIDGET (self));
  self->settings = g_settings_new (APP_ID);
  g_settings_bind (self->settings, "notify-incoming-calls", self->notify_calls_switch, "active",
                   G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (self->settings, "notify-voicemail", self->notify_voicemail_switch, "active",
                   G_SETTINGS_BIND_DEFAULT);
  tr_gui_name_descendants (GTK_WIDGET (self), GTK_TYPE_SEARCH_ENTRY, _ ("Search preferences"));
  tr_gui_name_descendants (GTK_WIDGET (self), GTK_TYPE_LIST_BOX, _ ("Search results"));
  tr_gui_entry_row_set_accessible_name (self->forward_row, _ ("Forward every call to"));
  tr_gui_entry_row_set_accessible_name (self->unanswered_row, _ ("If unanswered, go to"));
  self->cancellable = g_cancellable_new ();
  g_signal_connect_swapped (self->forward_row, "apply", G_CALLBACK (forward_apply_cb), self);
  g_signal_connect_swapped (self->unanswered_row, "apply", G_CALLBACK (unanswered_apply_cb), self);
  g_signal_connect_swapped (self->ring_spin, "value-changed", G_CALLBACK (ring_changed_cb), self);
}

GtkWidget *
tr_preferences_window_new (GtkWindow *parent, TrCallAgent *agent)
{
  TrPreferencesWindow *self
      = g_object_new (TR_TYPE_PREFERENCES_WINDOW, "transient-for", parent, NULL);

  /* Kept and reused by the app (hide-on-close): GTK 4.8's AT-SPI code does not always cope
   * with toplevels being destroyed. */
  gtk_window_set_hide_on_close (GTK_WINDOW (self), TRUE);
  tr_preferences_window_set_agent (self, agent);
  return GTK_WIDGET (self);
}

void
tr_preferences_window_set_agent (TrPreferencesWindow *self, TrCallAgent *agent)
{
  g_return_if_fail (TR_IS_PREFERENCES_WINDOW (self));

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  g_set_object (&self->agent, agent);
  if (agent != NULL)
    {
      const char      *name = tr_call_agent_get_display_name (agent);
      const char      *id = tr_identifier_get_raw_id (tr_call_agent_get_identifier (agent));
      g_autofree char *who = name && *name ? g_strdup_printf ("%s (%s)", name, id) : g_strdup (id);

      adw_action_row_set_subtitle (ADW_ACTION_ROW (self->account_row), who);
      adw_action_row_set_subtitle (ADW_ACTION_ROW (self->server_row),
                                   tr_call_agent_get_server_uri (agent));
      gtk_widget_set_sensitive (self->calls_page, FALSE);
      tr_call_agent_get_settings_async (agent, self->cancellable, get_settings_cb,
                                        g_object_ref (self));
    }
}

void
tr_preferences_window_set_device_manager (TrPreferencesWindow *self, TrDeviceManager *devices)
{
  g_return_if_fail (TR_IS_PREFERENCES_WINDOW (self));

  tr_device_pane_set_device_manager (TR_DEVICE_PANE (self->devices_page), devices);
}

void
tr_preferences_window_show_devices (TrPreferencesWindow *self)
{
  g_return_if_fail (TR_IS_PREFERENCES_WINDOW (self));

  adw_preferences_window_set_visible_page (ADW_PREFERENCES_WINDOW (self),
                                           ADW_PREFERENCES_PAGE (self->devices_page));
}
