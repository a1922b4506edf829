/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "TrWindow"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "tr-call-view.h"
#include "tr-device-pane.h"
#include "tr-display.h"
#include "tr-gui-util.h"
#include "tr-preferences-window.h"
#include "tr-status-banner.h"
#include "tr-transfer-dialog.h"
#include "tr-voicemail-page.h"
#include "tr-window.h"

struct _TrWindow
{
  AdwApplicationWindow parent_instance;

  GtkWidget        *toast_overlay;
  GtkWidget        *main_stack;
  GtkWidget        *loading_label;
  GtkWidget        *sign_in_page;
  GtkWidget        *switcher_title;
  GtkWidget        *banner;
  GtkWidget        *incoming_box;
  GtkWidget        *incoming_label;
  GtkWidget        *view_stack;
  GtkWidget        *call_entry;
  GtkWidget        *people_list;
  GtkWidget        *demo_list;
  GtkWidget        *records_list;
  GtkWidget        *call_view;
  GtkWidget        *voicemail_page;
  AdwViewStackPage *voicemail_stack_page;
  GtkWidget        *placeholders[3]; /* of people_list, demo_list, records_list */
  GtkWidget        *transfer_dialog; /* reused; destroyed with the window */

  GSettings    *settings;
  TrCallAgent  *agent;
  GSignalGroup *agent_signals;
  GSignalGroup *active_call_signals;
  GSignalGroup *voicemail_signals; /* the agent's TrVoicemailBox */
  GListModel   *directory;
  TrDeviceManager *devices;
  char         *notified_call_id; /* the incoming call a notification is up for */
  GtkWidget    *shortcuts_window; /* built on first use; reused */
  GHashTable   *watched_calls; /* TrCall (ref) we follow for their end */
  GCancellable *cancellable;
};

G_DEFINE_FINAL_TYPE (TrWindow, tr_window, ADW_TYPE_APPLICATION_WINDOW)

static void tr_window_update_actions (TrWindow *self);
static void reload_directory (TrWindow *self);
static void reload_records (TrWindow *self);
static void show_shortcuts_action (GtkWidget *widget, const char *action_name, GVariant *param);

void
tr_window_add_toast (TrWindow *self, const char *text)
{
  AdwToast *toast = adw_toast_new (text);

  adw_toast_set_timeout (toast, 4);
  tr_gui_add_toast (self->toast_overlay, toast);
}

/* A device in use went away: say which one the calls use now. */
static void
device_fell_back_cb (TrWindow        *self,
                     TrDeviceKind     kind,
                     TrDevice        *lost,
                     TrDeviceManager *devices)
{
  g_autofree char *text
      = tr_device_fell_back_text (kind, lost, tr_device_manager_get_selected (devices, kind));

  tr_window_add_toast (self, text);
}

void
tr_window_set_device_manager (TrWindow *self, TrDeviceManager *devices)
{
  g_return_if_fail (TR_IS_WINDOW (self));

  if (self->devices == devices)
    return;
  if (self->devices != NULL)
    g_signal_handlers_disconnect_by_data (self->devices, self);
  g_set_object (&self->devices, devices);
  if (devices != NULL)
    g_signal_connect_object (devices, "fell-back", G_CALLBACK (device_fell_back_cb), self,
                             G_CONNECT_SWAPPED);
  tr_call_view_set_device_manager (TR_CALL_VIEW (self->call_view), devices);
}

/* A toast of the voicemail page (e.g. "deleted", with Undo). */
static void
page_toast_cb (TrWindow *self, AdwToast *toast)
{
  tr_gui_add_toast (self->toast_overlay, g_object_ref (toast));
}

static TrCall *
active_call (TrWindow *self)
{
  return tr_call_view_get_active_call (TR_CALL_VIEW (self->call_view));
}

static TrIncomingCall *
find_incoming (TrWindow *self, const char *id)
{
  GListModel *incoming;
  guint       n;

  if (self->agent == NULL)
    return NULL;
  incoming = tr_call_agent_get_incoming_calls (self->agent);
  n = g_list_model_get_n_items (incoming);
  for (guint i = n; i > 0; i--)
    {
      g_autoptr (TrIncomingCall) call = g_list_model_get_item (incoming, i - 1);

      if (id == NULL || g_strcmp0 (tr_incoming_call_get_id (call), id) == 0)
        return call; /* still owned by the model */
    }
  return NULL;
}

static void
toast_error (TrWindow *self, const char *what, const GError *error, const char *name)
{
  g_autofree char *reason = tr_failure_reason_text (error, name);
  g_autofree char *code = tr_failure_code_text (error);
  /* TRANSLATORS: "Call ended:" "Bob is busy." "(Code 486)" */
  g_autofree char *text = code ? g_strdup_printf (_ ("%1$s %2$s (%3$s)"), what, reason, code)
                               /* TRANSLATORS: "Call ended:" "Bob is busy." */
                               : g_strdup_printf (_ ("%1$s %2$s"), what, reason);

  tr_window_add_toast (self, text);
}

/* Holds every connected call but @except: one call is active, the others wait on hold. */
static void
hold_others (TrWindow *self, TrCall *except)
{
  GListModel *calls = tr_call_agent_get_calls (self->agent);

  for (guint i = 0; i < g_list_model_get_n_items (calls); i++)
    {
      g_autoptr (TrCall) call = g_list_model_get_item (calls, i);

      if (call != except && tr_call_get_state (call) == TR_CALL_STATE_CONNECTED)
        tr_call_hold_async (call, NULL, NULL, NULL);
    }
}

/* Calls */

static void
call_op_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (TrWindow) self = user_data;
  g_autoptr (GError) error = NULL;
  gboolean ok;

  if (g_async_result_is_tagged (result, tr_call_hold_async))
    ok = tr_call_hold_finish (TR_CALL (source), result, &error);
  else if (g_async_result_is_tagged (result, tr_call_resume_async))
    ok = tr_call_resume_finish (TR_CALL (source), result, &error);
  else
    ok = tr_call_hang_up_finish (TR_CALL (source), result, &error);

  if (!ok && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    toast_error (self, _ ("That did not work:"), error, NULL);
  tr_window_update_actions (self);
}

static void
start_call_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (TrWindow) self = user_data;
  g_autoptr (GError) error = NULL;
  g_autoptr (TrCall) call = NULL;

  call = tr_call_agent_start_call_finish (TR_CALL_AGENT (source), result, &error);
  if (call == NULL && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    /* The call's end is reported by call_state_cb; only errors without a call here. */
    if (error->domain != TR_ERROR)
      toast_error (self, _ ("Could not place the call:"), error, NULL);
}

static void
call_user (TrWindow *self, const char *user_id)
{
  g_autoptr (TrIdentifier) id = NULL;

  if (self->agent == NULL || !tr_user_id_is_valid (user_id))
    {
      tr_window_add_toast (self, _ ("Not a user id: use letters, digits and . _ @ -"));
      return;
    }
  id = tr_identifier_new_from_string (user_id);
  hold_others (self, NULL);
  tr_call_agent_start_call_async (self->agent, id, FALSE, self->cancellable, start_call_cb,
                                  g_object_ref (self));
}

static void
call_state_cb (TrCall *call, GParamSpec *pspec, gpointer user_data)
{
  TrWindow              *self = user_data;
  const TrCallEndReason *reason;

  tr_window_update_actions (self);
  if (tr_call_get_state (call) != TR_CALL_STATE_DISCONNECTED)
    return;

  reason = tr_call_get_end_reason (call);
  if (reason != NULL && reason->code != 0)
    {
      g_autofree char *name = tr_call_dup_display_name (call);
      g_autofree char *words = tr_status_reason_text (tr_call_end_reason_get_status (reason), name);
      g_autofree char *text = g_strdup_printf (_ ("Call ended: %s (Code %u)"), words, reason->code);

      tr_window_add_toast (self, text);
    }
  g_signal_handlers_disconnect_by_func (call, call_state_cb, self);
  g_hash_table_remove (self->watched_calls, call);
  reload_records (self);
}

static void
calls_changed_cb (GListModel *calls, guint position, guint removed, guint added, gpointer user_data)
{
  TrWindow *self = user_data;

  for (guint i = position; i < position + added; i++)
    {
      g_autoptr (TrCall) call = g_list_model_get_item (calls, i);

      if (g_hash_table_add (self->watched_calls, g_object_ref (call)))
        g_signal_connect_object (call, "notify::state", G_CALLBACK (call_state_cb), self, 0);
    }
  gtk_widget_set_visible (self->call_view, g_list_model_get_n_items (calls) > 0);
  tr_window_update_actions (self);
}

/* Incoming calls */

static void
accept_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (TrWindow) self = user_data;
  g_autoptr (GError) error = NULL;
  g_autoptr (TrCall) call = NULL;

  call = tr_incoming_call_accept_finish (TR_INCOMING_CALL (source), result, &error);
  if (call == NULL && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    toast_error (self, _ ("Could not answer:"), error, NULL);
  tr_window_update_actions (self);
}

static void
reject_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (TrWindow) self = user_data;
  g_autoptr (GError) error = NULL;

  if (!tr_incoming_call_reject_finish (TR_INCOMING_CALL (source), result, &error)
      && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    toast_error (self, _ ("Could not decline:"), error, NULL);
  tr_window_update_actions (self);
}

void
tr_window_accept_call (TrWindow *self, const char *incoming_id)
{
  TrIncomingCall *incoming = find_incoming (self, incoming_id);

  if (incoming == NULL)
    return;
  hold_others (self, NULL);
  tr_incoming_call_accept_async (incoming, self->cancellable, accept_cb, g_object_ref (self));
}

void
tr_window_decline_call (TrWindow *self, const char *incoming_id)
{
  TrIncomingCall *incoming = find_incoming (self, incoming_id);

  if (incoming == NULL)
    return;
  tr_incoming_call_reject_async (incoming, TR_REJECT_REASON_DECLINED, self->cancellable, reject_cb,
                                 g_object_ref (self));
}

/* Whether something shows notifications: once it did, it does; when nothing did, asked again
 * after a while (a notification daemon may start after the app). */
static gboolean
can_notify (void)
{
  static gboolean available;
  static gint64   asked_us;
  gint64          now = g_get_monotonic_time ();

  if (!available && (asked_us == 0 || now - asked_us > 30 * G_USEC_PER_SEC))
    {
      asked_us = now;
      available = tr_gui_session_bus_has_service ("org.gtk.Notifications")
                  || tr_gui_session_bus_has_service ("org.freedesktop.Notifications")
                  || tr_gui_session_bus_has_service ("org.freedesktop.portal.Desktop");
    }
  return available;
}

static void
withdraw_incoming_notification (TrWindow *self)
{
  GApplication *app = G_APPLICATION (gtk_window_get_application (GTK_WINDOW (self)));

  if (self->notified_call_id == NULL)
    return;
  g_clear_pointer (&self->notified_call_id, g_free);
  if (self->shortcuts_window != NULL)
    {
      gtk_window_destroy (GTK_WINDOW (self->shortcuts_window));
      g_clear_object (&self->shortcuts_window);
    }
  if (app != NULL)
    g_application_withdraw_notification (app, "incoming-call");
}

/* The window came to the front: what the notification says is in it now. */
static void
active_changed_cb (TrWindow *self)
{
  if (gtk_window_is_active (GTK_WINDOW (self)))
    withdraw_incoming_notification (self);
}

static void
update_incoming (TrWindow *self)
{
  TrIncomingCall *incoming = find_incoming (self, NULL);
  GApplication   *app = G_APPLICATION (gtk_window_get_application (GTK_WINDOW (self)));

  gtk_widget_set_visible (self->incoming_box, incoming != NULL);
  if (incoming != NULL)
    {
      g_autofree char *caller = NULL;
      g_autofree char *transferor = NULL;
      g_autofree char *text = NULL;
      const char      *display = tr_incoming_call_get_caller_display_name (incoming);

      caller = display && *display ? g_strdup (display)
                                   : tr_identifier_dup_display_name (
                                       tr_incoming_call_get_caller (incoming), self->directory);
      if (tr_incoming_call_get_transferor (incoming) != NULL)
        transferor = tr_identifier_dup_display_name (tr_incoming_call_get_transferor (incoming),
                                                     self->directory);
      text = tr_incoming_call_text (caller, transferor);
      gtk_label_set_label (GTK_LABEL (self->incoming_label), text);
      gtk_accessible_update_property (GTK_ACCESSIBLE (self->incoming_box),
                                      GTK_ACCESSIBLE_PROPERTY_LABEL, text, -1);

      /* A desktop notification when the window is not in front (and something shows them),
       * once per call (this runs again when, e.g., the contacts reload). */
      if (app != NULL && !gtk_window_is_active (GTK_WINDOW (self))
          && g_strcmp0 (self->notified_call_id, tr_incoming_call_get_id (incoming)) != 0
          && g_settings_get_boolean (self->settings, "notify-incoming-calls") && can_notify ())
        {
          g_autoptr (GNotification) notification = g_notification_new (text);
          const char *nid = "incoming-call";

          g_notification_set_priority (notification, G_NOTIFICATION_PRIORITY_URGENT);
          g_notification_set_body (notification, _ ("Incoming call"));
          g_notification_add_button_with_target (notification, _ ("Decline"), "app.decline-call",
                                                 "s", tr_incoming_call_get_id (incoming));
          g_notification_add_button_with_target (notification, _ ("Accept"), "app.accept-call", "s",
                                                 tr_incoming_call_get_id (incoming));
          g_notification_set_default_action (notification, "app.activate");
          g_application_send_notification (app, nid, notification);
          g_free (self->notified_call_id);
          self->notified_call_id = g_strdup (tr_incoming_call_get_id (incoming));
        }
    }
}

static void
incoming_changed_cb (GListModel *incoming, guint position, guint removed, guint added,
                     gpointer user_data)
{
  TrWindow *self = user_data;

  /* Withdraw the notification of a call that stopped ringing. */
  if (self->notified_call_id != NULL && find_incoming (self, self->notified_call_id) == NULL)
    withdraw_incoming_notification (self);
  update_incoming (self);
  tr_window_update_actions (self);
}

/* Voicemail */

/* The switcher buttons (of the header's and the bottom bar's switchers) are libadwaita's own:
 * they show the badge but do not say it. Their description does. */
static void
describe_switcher_buttons (GtkWidget *widget, const char *title, const char *description)
{
  static GType button_type = 0;

  if (button_type == 0)
    button_type = g_type_from_name ("AdwViewSwitcherButton");

  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      if (button_type != 0 && G_TYPE_CHECK_INSTANCE_TYPE (child, button_type))
        {
          g_autofree char *label = NULL;

          g_object_get (child, "label", &label, NULL);
          if (g_strcmp0 (label, title) == 0)
            gtk_accessible_update_property (GTK_ACCESSIBLE (child),
                                            GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, description, -1);
          continue;
        }
      describe_switcher_buttons (child, title, description);
    }
}

static void
update_voicemail_badge (TrWindow *self)
{
  TrVoicemailBox  *box = self->agent ? tr_call_agent_get_voicemail_box (self->agent) : NULL;
  guint            unheard = box ? tr_voicemail_box_get_unheard_count (box) : 0;
  g_autofree char *text = tr_voicemail_unheard_text (unheard);

  adw_view_stack_page_set_badge_number (self->voicemail_stack_page, unheard);
  adw_view_stack_page_set_needs_attention (self->voicemail_stack_page, unheard > 0);
  describe_switcher_buttons (GTK_WIDGET (self),
                             adw_view_stack_page_get_title (self->voicemail_stack_page), text);
}

static void
voicemail_added_cb (TrWindow *self, TrVoicemail *message)
{
  GApplication *app = G_APPLICATION (gtk_window_get_application (GTK_WINDOW (self)));
  g_autoptr (GNotification) notification = NULL;
  g_autofree char *caller = NULL;
  g_autofree char *title = NULL;
  g_autofree char *duration = NULL;
  const char      *display = tr_voicemail_get_caller_display_name (message);

  update_voicemail_badge (self);
  if (app == NULL || gtk_window_is_active (GTK_WINDOW (self))
      || !g_settings_get_boolean (self->settings, "notify-voicemail") || !can_notify ())
    return;

  caller = display && *display ? g_strdup (display)
                               : tr_identifier_dup_display_name (tr_voicemail_get_caller (message),
                                                                 self->directory);
  title = g_strdup_printf (_ ("New voicemail from %s"), caller);
  duration = tr_voicemail_duration_text (tr_voicemail_get_duration_ms (message));
  notification = g_notification_new (title);
  g_notification_set_body (notification, duration);
  g_notification_set_default_action (notification, "app.activate");
  g_application_send_notification (app, "voicemail", notification);
}

/* Contacts and recent calls */

static GtkWidget *
create_contact_row (TrWindow *self, TrDirectoryEntry *entry)
{
  TrIdentifier    *id = tr_directory_entry_get_identifier (entry);
  const char      *raw = tr_identifier_get_raw_id (id);
  gboolean         service = tr_directory_entry_get_kind (entry) == TR_DIRECTORY_ENTRY_KIND_SERVICE;
  const char      *line = service ? tr_service_line_name (raw, NULL) : NULL;
  const char      *name = line ? line : tr_directory_entry_get_display_name (entry);
  const char      *title = name && *name ? name : raw;
  g_autofree char *subtitle = NULL;
  g_autofree char *button_label = g_strdup_printf (_ ("Call %s"), title);
  GtkWidget       *row = adw_action_row_new ();
  GtkWidget       *button = gtk_button_new_from_icon_name ("call-start-symbolic");
  GtkWidget       *avatar
      = g_object_new (ADW_TYPE_AVATAR, "size", 32, "text", title, "show-initials", TRUE,
                      "accessible-role", GTK_ACCESSIBLE_ROLE_PRESENTATION, NULL);

  if (service)
    subtitle = g_strdup_printf (_ ("Demo line · %s"), raw);
  else
    subtitle = g_strdup_printf (
        "%s · %s", raw, tr_directory_entry_get_online (entry) ? _ ("Online") : _ ("Offline"));

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  /* The row is named by its title; its description says who and whether online. */
  gtk_accessible_update_property (GTK_ACCESSIBLE (row), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION,
                                  subtitle, -1);
  gtk_widget_set_name (row, raw);
  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), TRUE);
  adw_action_row_add_prefix (ADW_ACTION_ROW (row), avatar);

  gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
  gtk_widget_set_tooltip_text (button, button_label);
  gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  button_label, -1);
  gtk_actionable_set_action_name (GTK_ACTIONABLE (button), "win.call-user");
  gtk_actionable_set_action_target (GTK_ACTIONABLE (button), "s", raw);
  gtk_widget_add_css_class (button, "flat");
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), button);
  return row;
}

/* Activating a contact or history row calls that user (the row's name is the user id). */
static void
row_activated_cb (GtkListBox *list, GtkListBoxRow *row, gpointer user_data)
{
  TrWindow   *self = user_data;
  const char *user_id = gtk_widget_get_name (GTK_WIDGET (row));

  if (tr_user_id_is_valid (user_id))
    gtk_widget_activate_action (GTK_WIDGET (self), "win.call-user", "s", user_id);
}

static void
update_placeholders (TrWindow *self)
{
  GtkWidget *lists[] = { self->people_list, self->demo_list, self->records_list };

  /* GtkListBox keeps its placeholder in the accessibility tree: hide it for real. */
  for (guint i = 0; i < G_N_ELEMENTS (lists); i++)
    gtk_widget_set_visible (self->placeholders[i],
                            gtk_list_box_get_row_at_index (GTK_LIST_BOX (lists[i]), 0) == NULL);
}

static GtkWidget *
create_placeholder (const char *text)
{
  GtkWidget *label = gtk_label_new (text);

  gtk_widget_add_css_class (label, "dim-label");
  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_widget_set_margin_top (label, 12);
  gtk_widget_set_margin_bottom (label, 12);
  gtk_widget_set_margin_start (label, 12);
  gtk_widget_set_margin_end (label, 12);
  return label;
}

static void
clear_list (GtkWidget *list)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (list)) != NULL)
    {
      if (GTK_IS_LIST_BOX_ROW (child))
        gtk_list_box_remove (GTK_LIST_BOX (list), child);
      else
        break; /* the placeholder */
    }
}

static void
directory_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (TrWindow) self = user_data;
  g_autoptr (GError) error = NULL;
  g_autoptr (GListModel) directory = NULL;
  TrIdentifier *me;

  directory = tr_call_agent_list_directory_finish (TR_CALL_AGENT (source), result, &error);
  if (directory == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_debug ("directory: %s", error->message);
      return;
    }
  if (TR_CALL_AGENT (source) != self->agent)
    return;

  g_set_object (&self->directory, directory);
  tr_call_view_set_directory (TR_CALL_VIEW (self->call_view), directory);
  me = tr_call_agent_get_identifier (self->agent);
  clear_list (self->people_list);
  clear_list (self->demo_list);
  for (guint i = 0; i < g_list_model_get_n_items (directory); i++)
    {
      g_autoptr (TrDirectoryEntry) entry = g_list_model_get_item (directory, i);

      if (me != NULL && tr_identifier_equal (tr_directory_entry_get_identifier (entry), me))
        continue;
      gtk_list_box_append (
          GTK_LIST_BOX (tr_directory_entry_get_kind (entry) == TR_DIRECTORY_ENTRY_KIND_SERVICE
                            ? self->demo_list
                            : self->people_list),
          create_contact_row (self, entry));
    }
  update_placeholders (self);
  update_incoming (self);
}

static void
reload_directory (TrWindow *self)
{
  if (self->agent == NULL
      || tr_call_agent_get_connection_state (self->agent) != TR_CONNECTION_STATE_CONNECTED)
    return;
  tr_call_agent_list_directory_async (self->agent, self->cancellable, directory_cb,
                                      g_object_ref (self));
}

static GtkWidget *
create_record_row (TrWindow *self, TrCallRecord *record)
{
  TrIdentifier *me = tr_call_agent_get_identifier (self->agent);
  gboolean outgoing = me != NULL && tr_identifier_equal (tr_call_record_get_caller (record), me);
  TrIdentifier *other
      = outgoing ? tr_call_record_get_callee (record) : tr_call_record_get_caller (record);
  g_autofree char *name = tr_identifier_dup_display_name (other, self->directory);
  g_autofree char *subtitle = tr_record_subtitle (outgoing, tr_call_record_get_answered_at (record),
                                                  tr_call_record_get_ended_at (record),
                                                  tr_call_record_get_end_reason (record));
  g_autofree char *button_label = g_strdup_printf (_ ("Call %s"), name);
  g_autoptr (GDateTime) when
      = g_date_time_new_from_unix_local (tr_call_record_get_started_at (record) / 1000);
  g_autofree char *time = g_date_time_format (when, "%x %H:%M");
  g_autofree char *full = g_strdup_printf ("%s · %s", subtitle, time);
  GtkWidget       *row = adw_action_row_new ();
  GtkWidget       *button = gtk_button_new_from_icon_name ("call-start-symbolic");

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), name);
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), full);
  adw_action_row_set_icon_name (ADW_ACTION_ROW (row), outgoing ? "call-outgoing-symbolic"
                                                      : tr_call_record_get_answered_at (record) > 0
                                                          ? "call-incoming-symbolic"
                                                          : "call-missed-symbolic");
  gtk_accessible_update_property (GTK_ACCESSIBLE (row), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, full,
                                  -1);
  gtk_widget_set_name (row, tr_identifier_get_raw_id (other));
  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), TRUE);
  gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
  gtk_widget_set_tooltip_text (button, button_label);
  gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  button_label, -1);
  gtk_actionable_set_action_name (GTK_ACTIONABLE (button), "win.call-user");
  gtk_actionable_set_action_target (GTK_ACTIONABLE (button), "s", tr_identifier_get_raw_id (other));
  gtk_widget_add_css_class (button, "flat");
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), button);
  return row;
}

static void
records_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (TrWindow) self = user_data;
  g_autoptr (GError) error = NULL;
  g_autoptr (GListModel) records = NULL;

  records = tr_call_agent_list_records_finish (TR_CALL_AGENT (source), result, &error);
  if (records == NULL || TR_CALL_AGENT (source) != self->agent)
    return;
  clear_list (self->records_list);
  for (guint i = 0; i < g_list_model_get_n_items (records); i++)
    {
      g_autoptr (TrCallRecord) record = g_list_model_get_item (records, i);

      gtk_list_box_append (GTK_LIST_BOX (self->records_list), create_record_row (self, record));
    }
  update_placeholders (self);
}

static void
reload_records (TrWindow *self)
{
  if (self->agent == NULL
      || tr_call_agent_get_connection_state (self->agent) != TR_CONNECTION_STATE_CONNECTED)
    return;
  tr_call_agent_list_records_async (self->agent, 50, self->cancellable, records_cb,
                                    g_object_ref (self));
}

static void
connection_changed_cb (TrWindow *self)
{
  if (self->agent != NULL
      && tr_call_agent_get_connection_state (self->agent) == TR_CONNECTION_STATE_CONNECTED)
    {
      reload_directory (self);
      reload_records (self);
    }
  tr_window_update_actions (self);
}

/* Actions */

static void
tr_window_update_actions (TrWindow *self)
{
  TrCall     *call = active_call (self);
  TrCallState state = call ? tr_call_get_state (call) : TR_CALL_STATE_NONE;
  gboolean    connected
      = self->agent != NULL
        && tr_call_agent_get_connection_state (self->agent) == TR_CONNECTION_STATE_CONNECTED;
  gboolean in_call = state == TR_CALL_STATE_CONNECTED || state == TR_CALL_STATE_LOCAL_HOLD
                     || state == TR_CALL_STATE_REMOTE_HOLD;
  gboolean          ringing = find_incoming (self, NULL) != NULL;
  TrTransferTargets targets = TR_TRANSFER_TARGET_NONE;

  if (call != NULL && in_call)
    {
      GListModel *calls = tr_call_agent_get_calls (self->agent);
      TrTransfer *current = tr_call_transfer_get_current_transfer (tr_call_get_transfer (call));
      guint       n_other = 0;

      for (guint i = 0; i < g_list_model_get_n_items (calls); i++)
        {
          g_autoptr (TrCall) other = g_list_model_get_item (calls, i);
          TrCallState s = tr_call_get_state (other);

          if (other != call
              && (s == TR_CALL_STATE_CONNECTED || s == TR_CALL_STATE_LOCAL_HOLD
                  || s == TR_CALL_STATE_REMOTE_HOLD))
            n_other++;
        }
      targets = tr_transfer_targets_allowed (
          state, n_other,
          current != NULL && tr_transfer_get_state (current) == TR_TRANSFER_STATE_TRANSFERRING,
          TR_TRANSFER_TARGETS_SUPPORTED);
    }

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.accept", connected && ringing);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.decline", connected && ringing);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.hang-up",
                                 call != NULL && state != TR_CALL_STATE_DISCONNECTING
                                     && state != TR_CALL_STATE_DISCONNECTED);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.mute", call != NULL && in_call);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.camera", call != NULL && in_call);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.hold", connected && in_call);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.transfer",
                                 connected && targets != TR_TRANSFER_TARGET_NONE);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.dialpad",
                                 connected && state == TR_CALL_STATE_CONNECTED);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.dtmf",
                                 connected && state == TR_CALL_STATE_CONNECTED);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.switch-call", connected);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.call-user", connected);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.call-entered", connected);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.reconnect",
                                 self->agent != NULL && !connected);
}

static void
accept_action (GtkWidget *widget, const char *action_name, GVariant *param)
{
  tr_window_accept_call (TR_WINDOW (widget), NULL);
}

static void
decline_action (GtkWidget *widget, const char *action_name, GVariant *param)
{
  tr_window_decline_call (TR_WINDOW (widget), NULL);
}

static void
hang_up_action (GtkWidget *widget, const char *action_name, GVariant *param)
{
  TrWindow *self = TR_WINDOW (widget);
  TrCall   *call = active_call (self);

  if (call != NULL)
    tr_call_hang_up_async (call, NULL, call_op_cb, g_object_ref (self));
}

static void
mute_action (GtkWidget *widget, const char *action_name, GVariant *param)
{
  TrWindow *self = TR_WINDOW (widget);
  TrCall   *call = active_call (self);

  if (call != NULL)
    {
      tr_call_set_muted (call, !tr_call_get_muted (call));
      tr_window_add_toast (self,
                           tr_call_get_muted (call) ? _ ("Microphone muted") : _ ("Microphone on"));
    }
}

static void
camera_action (GtkWidget *widget, const char *action_name, GVariant *param)
{
  TrWindow *self = TR_WINDOW (widget);
  TrCall   *call = active_call (self);

  if (call != NULL)
    {
      gboolean on = !tr_call_get_video_enabled (call);
      gboolean have_camera
          = self->devices != NULL && tr_device_manager_get_selected_camera (self->devices) != NULL;

      tr_call_set_video_enabled (call, on);
      /* Without a camera the other side sees nothing: say so rather than pretend. */
      tr_window_add_toast (self, !on           ? _ ("Camera off")
                                 : have_camera ? _ ("Camera on")
                                               : _ ("No camera found: the other person sees no video"));
    }
}

static void
hold_action (GtkWidget *widget, const char *action_name, GVariant *param)
{
  TrWindow *self = TR_WINDOW (widget);
  TrCall   *call = active_call (self);

  if (call == NULL)
    return;
  if (tr_call_get_state (call) == TR_CALL_STATE_LOCAL_HOLD)
    {
      hold_others (self, call);
      tr_call_resume_async (call, NULL, call_op_cb, g_object_ref (self));
    }
  else
    tr_call_hold_async (call, NULL, call_op_cb, g_object_ref (self));
}

static void
transfer_action (GtkWidget *widget, const char *action_name, GVariant *param)
{
  TrWindow *self = TR_WINDOW (widget);
  TrCall   *call = active_call (self);

  if (call == NULL)
    return;
  /* One dialog, reused: see tr-transfer-dialog.c on destroying windows with GTK 4.8. */
  if (self->transfer_dialog == NULL)
    self->transfer_dialog = tr_transfer_dialog_new (GTK_WINDOW (self));
  tr_transfer_dialog_set_call (TR_TRANSFER_DIALOG (self->transfer_dialog), call, self->directory,
                               tr_call_agent_get_calls (self->agent),
                               tr_call_agent_get_identifier (self->agent));
  gtk_window_present (GTK_WINDOW (self->transfer_dialog));
  tr_transfer_dialog_focus (TR_TRANSFER_DIALOG (self->transfer_dialog));
}

static void
dialpad_action (GtkWidget *widget, const char *action_name, GVariant *param)
{
  tr_call_view_popup_dialpad (TR_CALL_VIEW (TR_WINDOW (widget)->call_view));
}

static void
dtmf_action (GtkWidget *widget, const char *action_name, GVariant *param)
{
  TrWindow *self = TR_WINDOW (widget);
  TrCall   *call = active_call (self);
  g_autoptr (GError) error = NULL;

  if (call != NULL && !tr_call_send_dtmf (call, g_variant_get_string (param, NULL), &error))
    toast_error (self, _ ("Could not send the tone:"), error, NULL);
}

static void
switch_call_action (GtkWidget *widget, const char *action_name, GVariant *param)
{
  TrWindow *self = TR_WINDOW (widget);
  TrCall   *call = tr_call_agent_find_call (self->agent, g_variant_get_string (param, NULL));

  if (call == NULL)
    return;
  hold_others (self, call);
  if (tr_call_get_state (call) == TR_CALL_STATE_LOCAL_HOLD)
    tr_call_resume_async (call, NULL, call_op_cb, g_object_ref (self));
}

static void
call_user_action (GtkWidget *widget, const char *action_name, GVariant *param)
{
  call_user (TR_WINDOW (widget), g_variant_get_string (param, NULL));
}

static void
call_entered_action (GtkWidget *widget, const char *action_name, GVariant *param)
{
  TrWindow        *self = TR_WINDOW (widget);
  g_autofree char *text
      = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->call_entry))));

  if (*text == '\0')
    {
      gtk_widget_grab_focus (self->call_entry);
      return;
    }
  call_user (self, text);
  if (tr_user_id_is_valid (text))
    gtk_editable_set_text (GTK_EDITABLE (self->call_entry), "");
}

static void
focus_call_entry_action (GtkWidget *widget, const char *action_name, GVariant *param)
{
  TrWindow *self = TR_WINDOW (widget);

  if (g_strcmp0 (gtk_stack_get_visible_child_name (GTK_STACK (self->main_stack)), "main") != 0)
    return;
  adw_view_stack_set_visible_child_name (ADW_VIEW_STACK (self->view_stack), "contacts");
  gtk_widget_grab_focus (self->call_entry);
}

static void
reconnect_action (GtkWidget *widget, const char *action_name, GVariant *param)
{
  TrWindow *self = TR_WINDOW (widget);

  if (self->agent != NULL)
    tr_call_agent_reconnect_now (self->agent);
}

static void
sign_in_again_action (GtkWidget *widget, const char *action_name, GVariant *param)
{
  gtk_widget_activate_action (widget, "app.sign-in-again", NULL);
}

static void
call_entry_activate_cb (TrWindow *self)
{
  gtk_widget_activate_action (GTK_WIDGET (self), "win.call-entered", NULL);
}

static void
view_changed_cb (TrWindow *self)
{
  const char *name = adw_view_stack_get_visible_child_name (ADW_VIEW_STACK (self->view_stack));

  if (g_strcmp0 (name, "recent") == 0)
    reload_records (self);
  else if (g_strcmp0 (name, "contacts") == 0)
    reload_directory (self);
}

/* Public */

TrCallAgent *
tr_window_get_agent (TrWindow *self)
{
  g_return_val_if_fail (TR_IS_WINDOW (self), NULL);
  return self->agent;
}

void
tr_window_set_agent (TrWindow *self, TrCallAgent *agent, guint max_attempts)
{
  g_return_if_fail (TR_IS_WINDOW (self));

  if (self->agent != NULL)
    {
      g_signal_handlers_disconnect_by_data (tr_call_agent_get_calls (self->agent), self);
      g_signal_handlers_disconnect_by_data (tr_call_agent_get_incoming_calls (self->agent), self);
    }
  g_set_object (&self->agent, agent);
  g_signal_group_set_target (self->agent_signals, agent);
  tr_voicemail_page_set_agent (TR_VOICEMAIL_PAGE (self->voicemail_page), agent);
  g_signal_group_set_target (self->voicemail_signals,
                             agent ? tr_call_agent_get_voicemail_box (agent) : NULL);
  update_voicemail_badge (self);
  tr_status_banner_set_max_attempts (TR_STATUS_BANNER (self->banner), max_attempts);
  tr_status_banner_set_agent (TR_STATUS_BANNER (self->banner), agent);
  tr_call_view_set_calls (TR_CALL_VIEW (self->call_view),
                          agent ? tr_call_agent_get_calls (agent) : NULL);
  clear_list (self->people_list);
  clear_list (self->demo_list);
  clear_list (self->records_list);
  update_placeholders (self);

  if (agent != NULL)
    {
      GListModel *calls = tr_call_agent_get_calls (agent);
      GListModel *incoming = tr_call_agent_get_incoming_calls (agent);

      g_signal_connect_object (calls, "items-changed", G_CALLBACK (calls_changed_cb), self, 0);
      g_signal_connect_object (incoming, "items-changed", G_CALLBACK (incoming_changed_cb), self,
                               0);
      calls_changed_cb (calls, 0, 0, g_list_model_get_n_items (calls), self);
      update_incoming (self);
      tr_gui_stack_show_page (GTK_STACK (self->main_stack), "main");
      connection_changed_cb (self);
      gtk_widget_grab_focus (self->call_entry);
    }
  tr_window_update_actions (self);
}

void
tr_window_show_loading (TrWindow *self, const char *text)
{
  gtk_label_set_label (GTK_LABEL (self->loading_label), text);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->loading_label),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, text, -1);
  tr_gui_stack_show_page (GTK_STACK (self->main_stack), "loading");
}

TrSignInPage *
tr_window_show_sign_in (TrWindow *self)
{
  tr_gui_stack_show_page (GTK_STACK (self->main_stack), "sign-in");
  tr_sign_in_page_focus (TR_SIGN_IN_PAGE (self->sign_in_page));
  return TR_SIGN_IN_PAGE (self->sign_in_page);
}

static void
active_call_cb (TrWindow *self)
{
  g_signal_group_set_target (self->active_call_signals, active_call (self));
  tr_window_update_actions (self);
}

static void
tr_window_dispose (GObject *object)
{
  TrWindow      *self = TR_WINDOW (object);
  GHashTableIter iter;
  gpointer       key;

  g_cancellable_cancel (self->cancellable);
  if (self->transfer_dialog != NULL)
    gtk_window_destroy (GTK_WINDOW (g_steal_pointer (&self->transfer_dialog)));
  if (self->agent != NULL)
    {
      g_signal_handlers_disconnect_by_data (tr_call_agent_get_calls (self->agent), self);
      g_signal_handlers_disconnect_by_data (tr_call_agent_get_incoming_calls (self->agent), self);
    }
  if (self->watched_calls != NULL)
    {
      g_hash_table_iter_init (&iter, self->watched_calls);
      while (g_hash_table_iter_next (&iter, &key, NULL))
        g_signal_handlers_disconnect_by_func (key, call_state_cb, self);
    }
  g_clear_pointer (&self->watched_calls, g_hash_table_unref);
  g_clear_pointer (&self->notified_call_id, g_free);
  if (self->devices != NULL)
    g_signal_handlers_disconnect_by_data (self->devices, self);
  g_clear_object (&self->devices);
  if (self->agent_signals != NULL)
    g_signal_group_set_target (self->agent_signals, NULL);
  if (self->active_call_signals != NULL)
    g_signal_group_set_target (self->active_call_signals, NULL);
  if (self->voicemail_signals != NULL)
    g_signal_group_set_target (self->voicemail_signals, NULL);
  g_clear_object (&self->voicemail_signals);
  g_clear_object (&self->agent_signals);
  g_clear_object (&self->active_call_signals);
  g_clear_object (&self->agent);
  g_clear_object (&self->directory);
  g_clear_object (&self->settings);
  g_clear_object (&self->cancellable);
  gtk_widget_dispose_template (GTK_WIDGET (self), TR_TYPE_WINDOW);

  G_OBJECT_CLASS (tr_window_parent_class)->dispose (object);
}

static void
tr_window_class_init (TrWindowClass *klass)
{
  GObjectClass   *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = tr_window_dispose;

  g_type_ensure (TR_TYPE_SIGN_IN_PAGE);
  g_type_ensure (TR_TYPE_STATUS_BANNER);
  g_type_ensure (TR_TYPE_CALL_VIEW);
  g_type_ensure (TR_TYPE_VOICEMAIL_PAGE);

  gtk_widget_class_set_template_from_resource (widget_class, "/com/example/Transfer/tr-window.ui");
  gtk_widget_class_bind_template_child (widget_class, TrWindow, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, TrWindow, main_stack);
  gtk_widget_class_bind_template_child (widget_class, TrWindow, loading_label);
  gtk_widget_class_bind_template_child (widget_class, TrWindow, sign_in_page);
  gtk_widget_class_bind_template_child (widget_class, TrWindow, switcher_title);
  gtk_widget_class_bind_template_child (widget_class, TrWindow, banner);
  gtk_widget_class_bind_template_child (widget_class, TrWindow, incoming_box);
  gtk_widget_class_bind_template_child (widget_class, TrWindow, incoming_label);
  gtk_widget_class_bind_template_child (widget_class, TrWindow, view_stack);
  gtk_widget_class_bind_template_child (widget_class, TrWindow, call_entry);
  gtk_widget_class_bind_template_child (widget_class, TrWindow, people_list);
  gtk_widget_class_bind_template_child (widget_class, TrWindow, demo_list);
  gtk_widget_class_bind_template_child (widget_class, TrWindow, records_list);
  gtk_widget_class_bind_template_child (widget_class, TrWindow, call_view);
  gtk_widget_class_bind_template_child (widget_class, TrWindow, voicemail_page);
  gtk_widget_class_bind_template_child (widget_class, TrWindow, voicemail_stack_page);

  gtk_widget_class_install_action (widget_class, "win.accept", NULL, accept_action);
  gtk_widget_class_install_action (widget_class, "win.decline", NULL, decline_action);
  gtk_widget_class_install_action (widget_class, "win.hang-up", NULL, hang_up_action);
  gtk_widget_class_install_action (widget_class, "win.mute", NULL, mute_action);
  gtk_widget_class_install_action (widget_class, "win.show-help-overlay", NULL,
                                   show_shortcuts_action);
  gtk_widget_class_install_action (widget_class, "win.camera", NULL, camera_action);
  gtk_widget_class_install_action (widget_class, "win.hold", NULL, hold_action);
  gtk_widget_class_install_action (widget_class, "win.transfer", NULL, transfer_action);
  gtk_widget_class_install_action (widget_class, "win.dialpad", NULL, dialpad_action);
  gtk_widget_class_install_action (widget_class, "win.dtmf", "s", dtmf_action);
  gtk_widget_class_install_action (widget_class, "win.switch-call", "s", switch_call_action);
  gtk_widget_class_install_action (widget_class, "win.call-user", "s", call_user_action);
  gtk_widget_class_install_action (widget_class, "win.call-entered", NULL, call_entered_action);
  gtk_widget_class_install_action (widget_class, "win.focus-call-entry", NULL,
                                   focus_call_entry_action);
  gtk_widget_class_install_action (widget_class, "win.reconnect", NULL, reconnect_action);
  gtk_widget_class_install_action (widget_class, "win.sign-in-again", NULL, sign_in_again_action);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Return, GDK_CONTROL_MASK, "win.accept",
                                       NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Return,
                                       GDK_CONTROL_MASK | GDK_SHIFT_MASK, "win.decline", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_e, GDK_CONTROL_MASK, "win.hang-up",
                                       NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_m, GDK_CONTROL_MASK, "win.mute", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_v, GDK_CONTROL_MASK | GDK_SHIFT_MASK,
                                       "win.camera", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_h, GDK_CONTROL_MASK, "win.hold", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_t, GDK_CONTROL_MASK, "win.transfer",
                                       NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_d, GDK_CONTROL_MASK, "win.dialpad",
                                       NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_l, GDK_CONTROL_MASK,
                                       "win.focus-call-entry", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_r, GDK_CONTROL_MASK, "win.reconnect",
                                       NULL);
}

static void
tr_window_init (TrWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->cancellable = g_cancellable_new ();
  self->watched_calls = g_hash_table_new_full (NULL, NULL, g_object_unref, NULL);
  g_signal_connect (self, "notify::is-active", G_CALLBACK (active_changed_cb), NULL);

  self->settings = g_settings_new (APP_ID);
  g_settings_bind (self->settings, "window-width", self, "default-width", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (self->settings, "window-height", self, "default-height",
                   G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (self->settings, "window-maximized", self, "maximized", G_SETTINGS_BIND_DEFAULT);

  self->agent_signals = g_signal_group_new (TR_TYPE_CALL_AGENT);
  g_signal_group_connect_swapped (self->agent_signals, "notify::connection-state",
                                  G_CALLBACK (connection_changed_cb), self);
  self->active_call_signals = g_signal_group_new (TR_TYPE_CALL);
  g_signal_group_connect_swapped (self->active_call_signals, "notify::state",
                                  G_CALLBACK (tr_window_update_actions), self);
  self->voicemail_signals = g_signal_group_new (TR_TYPE_VOICEMAIL_BOX);
  g_signal_group_connect_swapped (self->voicemail_signals, "notify::unheard-count",
                                  G_CALLBACK (update_voicemail_badge), self);
  g_signal_group_connect_swapped (self->voicemail_signals, "message-added",
                                  G_CALLBACK (voicemail_added_cb), self);
  g_signal_connect_object (self->voicemail_page, "toast", G_CALLBACK (page_toast_cb), self,
                           G_CONNECT_SWAPPED);

  g_signal_connect_object (self->call_view, "notify::active-call", G_CALLBACK (active_call_cb),
                           self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->call_entry, "activate", G_CALLBACK (call_entry_activate_cb), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->view_stack, "notify::visible-child", G_CALLBACK (view_changed_cb),
                           self, G_CONNECT_SWAPPED);

  tr_gui_stack_show_page (GTK_STACK (self->main_stack), "loading");
  self->placeholders[0] = create_placeholder (_ ("No one else on this server yet."));
  self->placeholders[1] = create_placeholder (_ ("This server has no demo lines."));
  self->placeholders[2] = create_placeholder (_ ("No calls yet."));
  gtk_list_box_set_placeholder (GTK_LIST_BOX (self->people_list), self->placeholders[0]);
  gtk_list_box_set_placeholder (GTK_LIST_BOX (self->demo_list), self->placeholders[1]);
  gtk_list_box_set_placeholder (GTK_LIST_BOX (self->records_list), self->placeholders[2]);
  g_signal_connect_object (self->people_list, "row-activated", G_CALLBACK (row_activated_cb), self,
                           0);
  g_signal_connect_object (self->demo_list, "row-activated", G_CALLBACK (row_activated_cb), self,
                           0);
  g_signal_connect_object (self->records_list, "row-activated", G_CALLBACK (row_activated_cb), self,
                           0);
  tr_window_update_actions (self);
}

/* GtkShortcutsWindow (4.8) reads its search entry and buttons as type names: name them. */
static void
name_shortcuts_window (GtkWidget *widget)
{
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      const char *name = NULL;

      if (GTK_IS_SEARCH_ENTRY (child))
        name = _ ("Search shortcuts");
      else if (GTK_IS_MENU_BUTTON (child)
               || (GTK_IS_TOGGLE_BUTTON (child)
                   && GTK_IS_MENU_BUTTON (gtk_widget_get_parent (child))))
        name = _ ("Sections");
      else if (GTK_IS_TOGGLE_BUTTON (child))
        name = _ ("Search Shortcuts");
      if (name != NULL)
        gtk_accessible_update_property (GTK_ACCESSIBLE (child), GTK_ACCESSIBLE_PROPERTY_LABEL, name,
                                        -1);
      name_shortcuts_window (child);
    }
}

/* The shortcuts window is built when first asked for (not at start-up, as GtkApplication would
 * from gtk/help-overlay.ui: about 1 MiB for a window rarely opened), then kept and reused. */
static void
show_shortcuts_action (GtkWidget *widget, const char *action_name, GVariant *param)
{
  TrWindow *self = TR_WINDOW (widget);

  if (self->shortcuts_window == NULL)
    {
      g_autoptr (GtkBuilder) builder
          = gtk_builder_new_from_resource ("/com/example/Transfer/shortcuts-window.ui");

      self->shortcuts_window = GTK_WIDGET (g_object_ref (gtk_builder_get_object (builder, "help_overlay")));
      gtk_window_set_transient_for (GTK_WINDOW (self->shortcuts_window), GTK_WINDOW (self));
      gtk_window_set_hide_on_close (GTK_WINDOW (self->shortcuts_window), TRUE);
      name_shortcuts_window (self->shortcuts_window);
    }
  gtk_window_present (GTK_WINDOW (self->shortcuts_window));
}

TrWindow *
tr_window_new (AdwApplication *application)
{
  return g_object_new (TR_TYPE_WINDOW, "application", application, NULL);
}
