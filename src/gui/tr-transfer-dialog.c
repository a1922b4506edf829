/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "TrTransferDialog"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "tr-display.h"
#include "tr-gui-util.h"
#include "tr-transfer-dialog.h"

struct _TrTransferDialog
{
  AdwWindow parent_instance;

  GtkWidget *window_title;
  GtkWidget *stack;
  GtkWidget *kinds_box;
  GtkWidget *kind_person_button;
  GtkWidget *kind_call_button;
  GtkWidget *kind_voicemail_button;
  GtkWidget *search_entry;
  GtkWidget *options_list;
  GtkWidget *no_forwarding_switch;
  GtkWidget *targets_list;
  GtkWidget *progress_box;
  GtkWidget *progress_icon;
  GtkWidget *progress_spinner;
  GtkWidget *progress_title;
  GtkWidget *progress_reason;
  GtkWidget *progress_code;
  GtkWidget *resume_button;
  GtkWidget *retry_button;
  GtkWidget *close_button;

  TrCall           *call;
  GListModel       *directory;
  GListModel       *calls;
  TrIdentifier     *self_id;
  GSettings        *settings;
  TrTransfer       *transfer;
  char             *target_name;
  GCancellable     *cancellable;
  TrTransferTargets allowed;
};

G_DEFINE_FINAL_TYPE (TrTransferDialog, tr_transfer_dialog, ADW_TYPE_WINDOW)

static void close_soon (TrTransferDialog *self);

static TrTransferLocatorKind
current_kind (TrTransferDialog *self)
{
  if (gtk_toggle_button_get_active (GTK_TOGGLE_BUTTON (self->kind_call_button)))
    return TR_TRANSFER_LOCATOR_KIND_CALL;
  if (gtk_toggle_button_get_active (GTK_TOGGLE_BUTTON (self->kind_voicemail_button)))
    return TR_TRANSFER_LOCATOR_KIND_VOICEMAIL;
  return TR_TRANSFER_LOCATOR_KIND_PARTICIPANT;
}

static void
show_outcome (TrTransferDialog *self, TrTransferState state, const GError *error)
{
  g_autofree char *title = tr_transfer_state_text (state, self->target_name);
  g_autofree char *reason = NULL;
  g_autofree char *code = NULL;
  g_autofree char *description = NULL;

  tr_gui_stack_show_page (GTK_STACK (self->stack), "progress");
  gtk_label_set_label (GTK_LABEL (self->progress_title), title);
  gtk_widget_set_visible (self->progress_spinner, state == TR_TRANSFER_STATE_TRANSFERRING
                                                      || state == TR_TRANSFER_STATE_NONE);
  gtk_widget_set_visible (self->progress_icon, !gtk_widget_get_visible (self->progress_spinner));

  switch (state)
    {
    case TR_TRANSFER_STATE_TRANSFERRED:
      reason = g_strdup (_ ("The call has left your list."));
      gtk_image_set_from_icon_name (GTK_IMAGE (self->progress_icon), "object-select-symbolic");
      break;
    case TR_TRANSFER_STATE_FAILED:
      reason = tr_failure_reason_text (error, self->target_name);
      code = tr_failure_code_text (error);
      gtk_image_set_from_icon_name (GTK_IMAGE (self->progress_icon), "dialog-warning-symbolic");
      break;
    case TR_TRANSFER_STATE_NONE:
    case TR_TRANSFER_STATE_TRANSFERRING:
    default:
      reason = g_strdup (_ ("The call is on hold until they answer."));
      break;
    }

  gtk_label_set_label (GTK_LABEL (self->progress_reason), reason);
  gtk_widget_set_visible (self->progress_reason, reason != NULL);
  gtk_label_set_label (GTK_LABEL (self->progress_code), code ? code : "");
  gtk_widget_set_visible (self->progress_code, code != NULL);

  gtk_widget_set_visible (self->resume_button,
                          state == TR_TRANSFER_STATE_FAILED
                              && tr_call_get_state (self->call) != TR_CALL_STATE_DISCONNECTED);
  gtk_widget_set_visible (self->retry_button,
                          state == TR_TRANSFER_STATE_FAILED
                              && tr_call_get_state (self->call) != TR_CALL_STATE_DISCONNECTED);
  gtk_widget_set_visible (self->close_button, state != TR_TRANSFER_STATE_TRANSFERRING);

  description = code ? g_strdup_printf ("%s (%s)", reason, code) : g_strdup (reason);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->progress_box),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, title,
                                  GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, description, -1);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, title,
                                  -1);

  if (gtk_widget_get_visible (self->resume_button))
    gtk_widget_grab_focus (self->resume_button);
  else if (gtk_widget_get_visible (self->close_button))
    gtk_widget_grab_focus (self->close_button);
}

static void
transfer_state_cb (TrTransfer *transfer, GParamSpec *pspec, gpointer user_data)
{
  TrTransferDialog *self = user_data;

  if (transfer != self->transfer)
    return; /* an earlier attempt, from before the dialog was reused */
  show_outcome (self, tr_transfer_get_state (transfer), tr_transfer_get_error (transfer));
}

static void
transfer_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (TrTransferDialog) self = user_data;
  g_autoptr (GError) error = NULL;
  g_autoptr (TrTransfer) transfer = NULL;

  transfer = tr_call_transfer_transfer_finish (TR_CALL_TRANSFER (source), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (transfer == NULL)
    {
      show_outcome (self, TR_TRANSFER_STATE_FAILED, error);
      return;
    }

  g_set_object (&self->transfer, transfer);
  g_signal_connect_object (transfer, "notify::state", G_CALLBACK (transfer_state_cb), self, 0);
  show_outcome (self, tr_transfer_get_state (transfer), tr_transfer_get_error (transfer));
}

static void
start_transfer (TrTransferDialog *self, TrTransferLocator *locator, const char *target_name)
{
  g_free (self->target_name);
  self->target_name = g_strdup (target_name);
  g_clear_object (&self->transfer);
  show_outcome (self, TR_TRANSFER_STATE_TRANSFERRING, NULL);
  tr_call_transfer_transfer_async (tr_call_get_transfer (self->call), locator, self->cancellable,
                                   transfer_cb, g_object_ref (self));
}

static void
transfer_to_user (TrTransferDialog *self, const char *user_id, const char *name)
{
  g_autoptr (TrIdentifier) id = tr_identifier_new_from_string (user_id);
  g_autoptr (TrTransferLocator) locator = NULL;

  if (current_kind (self) == TR_TRANSFER_LOCATOR_KIND_VOICEMAIL)
    locator = tr_transfer_locator_new_voicemail (id);
  else
    locator = tr_transfer_locator_new_participant (
        id, gtk_switch_get_active (GTK_SWITCH (self->no_forwarding_switch)));
  start_transfer (self, locator, name);
}

static void
target_clicked_cb (GtkButton *button, gpointer user_data)
{
  TrTransferDialog *self = user_data;
  const char       *target = gtk_widget_get_name (GTK_WIDGET (button));
  const char       *name;
  GtkWidget        *row = gtk_widget_get_ancestor (GTK_WIDGET (button), ADW_TYPE_ACTION_ROW);

  name = row ? adw_preferences_row_get_title (ADW_PREFERENCES_ROW (row)) : target;
  if (current_kind (self) == TR_TRANSFER_LOCATOR_KIND_CALL)
    {
      g_autoptr (TrTransferLocator) locator = tr_transfer_locator_new_call (target);

      start_transfer (self, locator, name);
      return;
    }
  transfer_to_user (self, target, name);
}

static GtkWidget *
create_target_row (TrTransferDialog *self, const char *target, const char *title,
                   const char *subtitle)
{
  GtkWidget       *row = adw_action_row_new ();
  GtkWidget       *button = gtk_button_new_from_icon_name ("call-outgoing-symbolic");
  g_autofree char *label = NULL;

  switch (current_kind (self))
    {
    case TR_TRANSFER_LOCATOR_KIND_VOICEMAIL:
      label = g_strdup_printf (_ ("Transfer to the voicemail of %s"), title);
      break;
    case TR_TRANSFER_LOCATOR_KIND_CALL:
      label = g_strdup_printf (_ ("Transfer to the call with %s"), title);
      break;
    case TR_TRANSFER_LOCATOR_KIND_PARTICIPANT:
    default:
      label = g_strdup_printf (_ ("Transfer to %s"), title);
      break;
    }

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  if (subtitle != NULL)
    adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  gtk_accessible_update_property (GTK_ACCESSIBLE (row), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION,
                                  subtitle ? subtitle : "", -1);

  gtk_widget_set_name (button, target);
  gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
  gtk_widget_set_tooltip_text (button, label);
  gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL, label,
                                  -1);
  gtk_widget_add_css_class (button, "flat");
  g_signal_connect (button, "clicked", G_CALLBACK (target_clicked_cb), self);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), button);
  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), TRUE);
  return row;
}

static void
rebuild_targets (TrTransferDialog *self)
{
  const char      *query = gtk_editable_get_text (GTK_EDITABLE (self->search_entry));
  g_autofree char *typed = g_strstrip (g_strdup (query));
  gboolean         exact = FALSE;
  GtkWidget       *child;

  while ((child = gtk_widget_get_first_child (self->targets_list)) != NULL)
    gtk_list_box_remove (GTK_LIST_BOX (self->targets_list), child);

  gtk_widget_set_visible (self->options_list,
                          current_kind (self) == TR_TRANSFER_LOCATOR_KIND_PARTICIPANT);
  gtk_widget_set_visible (self->search_entry, current_kind (self) != TR_TRANSFER_LOCATOR_KIND_CALL);

  if (current_kind (self) == TR_TRANSFER_LOCATOR_KIND_CALL)
    {
      guint n = self->calls ? g_list_model_get_n_items (self->calls) : 0;

      for (guint i = 0; i < n; i++)
        {
          g_autoptr (TrCall) other = g_list_model_get_item (self->calls, i);
          g_autofree char *name = NULL;

          if (other == self->call || tr_call_get_id (other) == NULL)
            continue;
          name = tr_call_dup_display_name (other);
          gtk_list_box_append (GTK_LIST_BOX (self->targets_list),
                               create_target_row (self, tr_call_get_id (other), name,
                                                  tr_call_state_text (tr_call_get_state (other))));
        }
      return;
    }

  if (self->directory != NULL)
    {
      guint n = g_list_model_get_n_items (self->directory);

      for (guint i = 0; i < n; i++)
        {
          g_autoptr (TrDirectoryEntry) entry = g_list_model_get_item (self->directory, i);
          TrIdentifier *id = tr_directory_entry_get_identifier (entry);
          const char   *raw = tr_identifier_get_raw_id (id);
          const char   *name = tr_directory_entry_get_display_name (entry);
          TrIdentifier *remote = tr_call_get_remote_identifier (self->call);

          if ((self->self_id && tr_identifier_equal (id, self->self_id))
              || (remote && tr_identifier_equal (id, remote)))
            continue;
          if (!tr_contact_matches (typed, raw, name))
            continue;
          /* Service lines have no mailbox. */
          if (current_kind (self) == TR_TRANSFER_LOCATOR_KIND_VOICEMAIL &&
              tr_directory_entry_get_kind (entry) == TR_DIRECTORY_ENTRY_KIND_SERVICE)
            continue;
          if (g_strcmp0 (typed, raw) == 0)
            exact = TRUE;
          gtk_list_box_append (GTK_LIST_BOX (self->targets_list),
                               create_target_row (self, raw, name && *name ? name : raw, raw));
        }
    }

  if (!exact && tr_user_id_is_valid (typed))
    {
      g_autoptr (TrIdentifier) id = tr_identifier_new_from_string (typed);
      const char *raw = tr_identifier_get_raw_id (id);
      GtkWidget  *row = create_target_row (self, raw, raw, _ ("User id"));

      gtk_list_box_prepend (GTK_LIST_BOX (self->targets_list), row);
    }
}

static void
search_changed_cb (TrTransferDialog *self)
{
  rebuild_targets (self);
}

static GtkWidget *
row_button (GtkWidget *widget)
{
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found;

      if (GTK_IS_BUTTON (child))
        return child;
      if ((found = row_button (child)) != NULL)
        return found;
    }
  return NULL;
}

static void
row_activated_cb (GtkListBox *list, GtkListBoxRow *row, gpointer user_data)
{
  GtkWidget *button = row_button (GTK_WIDGET (row));

  if (button != NULL)
    gtk_widget_activate (button);
}

static void
search_activate_cb (TrTransferDialog *self)
{
  GtkListBoxRow *row = gtk_list_box_get_row_at_index (GTK_LIST_BOX (self->targets_list), 0);

  if (row != NULL)
    row_activated_cb (GTK_LIST_BOX (self->targets_list), row, self);
}

static void
kind_toggled_cb (GtkToggleButton *button, gpointer user_data)
{
  TrTransferDialog *self = user_data;

  if (gtk_toggle_button_get_active (button))
    rebuild_targets (self);
}

static void
resume_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (TrTransferDialog) self = user_data;
  g_autoptr (GError) error = NULL;

  if (!tr_call_resume_finish (TR_CALL (source), result, &error))
    {
      g_autofree char *text = tr_failure_reason_text (error, NULL);

      gtk_label_set_label (GTK_LABEL (self->progress_reason), text);
      gtk_widget_set_sensitive (self->resume_button, TRUE);
      return;
    }
  close_soon (self);
}

static void
resume_clicked_cb (TrTransferDialog *self)
{
  gtk_widget_set_sensitive (self->resume_button, FALSE);
  tr_call_resume_async (self->call, self->cancellable, resume_cb, g_object_ref (self));
}

static void
retry_clicked_cb (TrTransferDialog *self)
{
  tr_gui_stack_show_page (GTK_STACK (self->stack), "choose");
  gtk_widget_grab_focus (self->search_entry);
}

/* The dialog is kept and reused (hide-on-close): destroying windows trips GTK 4.8's AT-SPI
 * code now and then (a critical about a context without a path). */
static void
close_soon (TrTransferDialog *self)
{
  gtk_window_close (GTK_WINDOW (self));
}

static void
close_clicked_cb (TrTransferDialog *self)
{
  close_soon (self);
}

static gboolean
escape_cb (GtkWidget *widget, GVariant *args, gpointer user_data)
{
  close_soon (TR_TRANSFER_DIALOG (widget));
  return TRUE;
}

static void
tr_transfer_dialog_dispose (GObject *object)
{
  TrTransferDialog *self = TR_TRANSFER_DIALOG (object);

  g_cancellable_cancel (self->cancellable);
  if (self->settings != NULL && self->no_forwarding_switch != NULL)
    g_settings_unbind (self->no_forwarding_switch, "active");
  gtk_widget_dispose_template (GTK_WIDGET (self), TR_TYPE_TRANSFER_DIALOG);
  g_clear_object (&self->call);
  g_clear_object (&self->directory);
  g_clear_object (&self->calls);
  g_clear_object (&self->transfer);
  g_clear_object (&self->settings);
  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->self_id, tr_identifier_unref);
  g_clear_pointer (&self->target_name, g_free);

  G_OBJECT_CLASS (tr_transfer_dialog_parent_class)->dispose (object);
}

static void
tr_transfer_dialog_class_init (TrTransferDialogClass *klass)
{
  GObjectClass   *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = tr_transfer_dialog_dispose;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/com/example/Transfer/tr-transfer-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, TrTransferDialog, window_title);
  gtk_widget_class_bind_template_child (widget_class, TrTransferDialog, stack);
  gtk_widget_class_bind_template_child (widget_class, TrTransferDialog, kinds_box);
  gtk_widget_class_bind_template_child (widget_class, TrTransferDialog, kind_person_button);
  gtk_widget_class_bind_template_child (widget_class, TrTransferDialog, kind_call_button);
  gtk_widget_class_bind_template_child (widget_class, TrTransferDialog, kind_voicemail_button);
  gtk_widget_class_bind_template_child (widget_class, TrTransferDialog, search_entry);
  gtk_widget_class_bind_template_child (widget_class, TrTransferDialog, options_list);
  gtk_widget_class_bind_template_child (widget_class, TrTransferDialog, no_forwarding_switch);
  gtk_widget_class_bind_template_child (widget_class, TrTransferDialog, targets_list);
  gtk_widget_class_bind_template_child (widget_class, TrTransferDialog, progress_box);
  gtk_widget_class_bind_template_child (widget_class, TrTransferDialog, progress_icon);
  gtk_widget_class_bind_template_child (widget_class, TrTransferDialog, progress_spinner);
  gtk_widget_class_bind_template_child (widget_class, TrTransferDialog, progress_title);
  gtk_widget_class_bind_template_child (widget_class, TrTransferDialog, progress_reason);
  gtk_widget_class_bind_template_child (widget_class, TrTransferDialog, progress_code);
  gtk_widget_class_bind_template_child (widget_class, TrTransferDialog, resume_button);
  gtk_widget_class_bind_template_child (widget_class, TrTransferDialog, retry_button);
  gtk_widget_class_bind_template_child (widget_class, TrTransferDialog, close_button);

  gtk_widget_class_add_binding (widget_class, GDK_KEY_Escape, 0, escape_cb, NULL);
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_DIALOG);
}

static void
tr_transfer_dialog_init (TrTransferDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->cancellable = g_cancellable_new ();

  g_signal_connect_swapped (self->search_entry, "search-changed", G_CALLBACK (search_changed_cb),
                            self);
  g_signal_connect_swapped (self->search_entry, "activate", G_CALLBACK (search_activate_cb), self);
  /* The search entry takes Escape for itself: there it closes the dialog too. */
  g_signal_connect_swapped (self->search_entry, "stop-search", G_CALLBACK (close_soon), self);
  g_signal_connect (self->targets_list, "row-activated", G_CALLBACK (row_activated_cb), self);
  g_signal_connect (self->kind_person_button, "toggled", G_CALLBACK (kind_toggled_cb), self);
  g_signal_connect (self->kind_call_button, "toggled", G_CALLBACK (kind_toggled_cb), self);
  g_signal_connect (self->kind_voicemail_button, "toggled", G_CALLBACK (kind_toggled_cb), self);
  g_signal_connect_swapped (self->resume_button, "clicked", G_CALLBACK (resume_clicked_cb), self);
  g_signal_connect_swapped (self->retry_button, "clicked", G_CALLBACK (retry_clicked_cb), self);
  g_signal_connect_swapped (self->close_button, "clicked", G_CALLBACK (close_clicked_cb), self);
  gtk_window_set_hide_on_close (GTK_WINDOW (self), TRUE);
}

GtkWidget *
tr_transfer_dialog_new (GtkWindow *parent)
{
  TrTransferDialog *self = g_object_new (TR_TYPE_TRANSFER_DIALOG, "transient-for", parent,
                                         "accessible-role", GTK_ACCESSIBLE_ROLE_DIALOG, NULL);

  self->settings = g_settings_new (APP_ID);
  g_settings_bind (self->settings, "transfer-ignore-forwarding", self->no_forwarding_switch,
                   "active", G_SETTINGS_BIND_DEFAULT);
  return GTK_WIDGET (self);
}

void
tr_transfer_dialog_set_call (TrTransferDialog *self, TrCall *call, GListModel *directory,
                             GListModel *calls, TrIdentifier *self_id)
{
  g_autofree char *name = NULL;
  g_autofree char *subtitle = NULL;
  g_autofree char *resume = NULL;
  guint            n_other = 0;
  guint            n_kinds = 0;
  TrTransfer      *current;

  g_return_if_fail (TR_IS_TRANSFER_DIALOG (self));
  g_return_if_fail (TR_IS_CALL (call));

  /* A new attempt: forget the previous one (its callbacks see the cancellation). */
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  g_clear_object (&self->transfer);
  g_set_object (&self->call, call);
  g_set_object (&self->directory, directory);
  g_set_object (&self->calls, calls);
  g_clear_pointer (&self->self_id, tr_identifier_unref);
  self->self_id = self_id ? tr_identifier_ref (self_id) : NULL;
  gtk_widget_set_sensitive (self->resume_button, TRUE);
  gtk_editable_set_text (GTK_EDITABLE (self->search_entry), "");

  name = tr_call_dup_display_name (call);
  subtitle = g_strdup_printf (_ ("Call with %s"), name);
  adw_window_title_set_subtitle (ADW_WINDOW_TITLE (self->window_title), subtitle);
  resume = g_strdup_printf (_ ("Resume the Call with %s"), name);
  gtk_button_set_label (GTK_BUTTON (self->resume_button), resume);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION,
                                  subtitle, -1);

  for (guint i = 0; calls && i < g_list_model_get_n_items (calls); i++)
    {
      g_autoptr (TrCall) other = g_list_model_get_item (calls, i);
      TrCallState s = tr_call_get_state (other);

      if (other != call
          && (s == TR_CALL_STATE_CONNECTED || s == TR_CALL_STATE_LOCAL_HOLD
              || s == TR_CALL_STATE_REMOTE_HOLD))
        n_other++;
    }
  current = tr_call_transfer_get_current_transfer (tr_call_get_transfer (call));
  self->allowed = tr_transfer_targets_allowed (
      tr_call_get_state (call), n_other,
      current != NULL && tr_transfer_get_state (current) == TR_TRANSFER_STATE_TRANSFERRING,
      TR_TRANSFER_TARGETS_SUPPORTED);

  gtk_widget_set_visible (self->kind_person_button, self->allowed & TR_TRANSFER_TARGET_PERSON);
  gtk_widget_set_visible (self->kind_call_button, self->allowed & TR_TRANSFER_TARGET_CALL);
  gtk_widget_set_visible (self->kind_voicemail_button,
                          self->allowed & TR_TRANSFER_TARGET_VOICEMAIL);
  n_kinds = !!(self->allowed & TR_TRANSFER_TARGET_PERSON)
            + !!(self->allowed & TR_TRANSFER_TARGET_CALL)
            + !!(self->allowed & TR_TRANSFER_TARGET_VOICEMAIL);
  gtk_widget_set_visible (self->kinds_box, n_kinds > 1);
  /* Each time it opens: a person first (when allowed). */
  if (self->allowed & TR_TRANSFER_TARGET_PERSON)
    gtk_toggle_button_set_active (GTK_TOGGLE_BUTTON (self->kind_person_button), TRUE);
  else
    {
      if (self->allowed & TR_TRANSFER_TARGET_CALL)
        gtk_toggle_button_set_active (GTK_TOGGLE_BUTTON (self->kind_call_button), TRUE);
      else if (self->allowed & TR_TRANSFER_TARGET_VOICEMAIL)
        gtk_toggle_button_set_active (GTK_TOGGLE_BUTTON (self->kind_voicemail_button), TRUE);
    }

  gtk_widget_set_visible (self->progress_reason, FALSE);
  tr_gui_stack_show_page (GTK_STACK (self->stack), "choose");
  rebuild_targets (self);
  /* Also while hidden (the dialog is reused): the window applies it when shown. */
  gtk_window_set_focus (GTK_WINDOW (self), self->search_entry);
}

void
tr_transfer_dialog_focus (TrTransferDialog *self)
{
  g_return_if_fail (TR_IS_TRANSFER_DIALOG (self));

  if (gtk_widget_get_visible (self->search_entry))
    gtk_widget_grab_focus (self->search_entry);
}
