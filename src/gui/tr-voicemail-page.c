/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "TrVoicemailPage"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "tr-display.h"
#include "tr-gui-util.h"
#include "tr-voicemail-page.h"

enum
{
  TOAST,
  N_SIGNALS
};
static guint signals[N_SIGNALS];

struct _TrVoicemailPage
{
  AdwBin parent_instance;

  GtkWidget *stack;
  GtkWidget *list;

  TrCallAgent       *agent;
  TrVoicemailBox    *box; /* the agent's */
  GSignalGroup      *box_signals;
  TrVoicemailPlayer *player;
  TrVoicemail       *pending_delete; /* hidden, deleted when its toast goes */
  AdwToast          *pending_toast;
  GCancellable      *cancellable;
};

G_DEFINE_FINAL_TYPE (TrVoicemailPage, tr_voicemail_page, ADW_TYPE_BIN)

/* Display logic */

char *
tr_voicemail_duration_text (gint64 duration_ms)
{
  /* To the nearest second, then as call durations are written. */
  return tr_format_duration ((MAX (duration_ms, 0) + 500) / 1000);
}

char *
tr_voicemail_when_text (GDateTime *when, GDateTime *now, gboolean spoken)
{
  g_autoptr (GDateTime) today = NULL;
  g_autoptr (GDateTime) yesterday = NULL;
  g_autofree char *time = NULL;
  g_autofree char *date = NULL;

  g_return_val_if_fail (when != NULL && now != NULL, NULL);

  today = g_date_time_new_local (g_date_time_get_year (now), g_date_time_get_month (now),
                                 g_date_time_get_day_of_month (now), 0, 0, 0);
  yesterday = g_date_time_add_days (today, -1);
  time = g_date_time_format (when, "%H:%M");

  if (g_date_time_compare (when, today) >= 0)
    /* Translators: a voicemail's time, e.g. "Today 09:14"; spoken: "today at 09:14" */
    return spoken ? g_strdup_printf (_ ("today at %s"), time)
                  : g_strdup_printf (_ ("Today %s"), time);
  if (g_date_time_compare (when, yesterday) >= 0)
    return spoken ? g_strdup_printf (_ ("yesterday at %s"), time)
                  : g_strdup_printf (_ ("Yesterday %s"), time);
  date = g_date_time_format (when, "%x");
  /* Translators: a voicemail's date and time, e.g. "05/01/24 09:14"; spoken: "on 05/01/24 at
   * 09:14" */
  return spoken ? g_strdup_printf (_ ("on %s at %s"), date, time)
                : g_strdup_printf (_ ("%s %s"), date, time);
}

char *
tr_voicemail_row_text (const char *caller, gboolean heard, gint64 duration_ms, GDateTime *when,
                       GDateTime *now)
{
  g_autofree char *duration = tr_voicemail_duration_text (duration_ms);
  g_autofree char *spoken = tr_voicemail_when_text (when, now, TRUE);

  /* Translators: a voicemail row for screen readers: caller, length, when */
  return heard ? g_strdup_printf (_ ("Message from %s, %s, %s"), caller, duration, spoken)
               : g_strdup_printf (_ ("Unheard message from %s, %s, %s"), caller, duration, spoken);
}

char *
tr_voicemail_unheard_text (guint unheard)
{
  if (unheard == 0)
    return g_strdup (_ ("No unheard messages"));
  return g_strdup_printf (ngettext ("%u unheard", "%u unheard", unheard), unheard);
}

static char *
dup_caller_name (TrVoicemail *message)
{
  const char *name = tr_voicemail_get_caller_display_name (message);

  if (name != NULL && *name != '\0')
    return g_strdup (name);
  return g_strdup (tr_identifier_get_raw_id (tr_voicemail_get_caller (message)));
}

static gboolean
same_message (TrVoicemail *a, TrVoicemail *b)
{
  return a != NULL && b != NULL
         && g_strcmp0 (tr_voicemail_get_id (a), tr_voicemail_get_id (b)) == 0;
}

static void toggle_play (TrVoicemailPage *self, TrVoicemail *message);
static void delete_message (TrVoicemailPage *self, TrVoicemail *message);
static void save_message (TrVoicemailPage *self, TrVoicemail *message);

/* One row: TrVoicemailRow */

#define TR_TYPE_VOICEMAIL_ROW (tr_voicemail_row_get_type ())
G_DECLARE_FINAL_TYPE (TrVoicemailRow, tr_voicemail_row, TR, VOICEMAIL_ROW, GtkListBoxRow)

struct _TrVoicemailRow
{
  GtkListBoxRow parent_instance;

  TrVoicemailPage *page; /* owns the list the row is in */
  TrVoicemail     *message;
  char            *caller;

  GtkWidget *dot;
  GtkWidget *name_label;
  GtkWidget *detail_label;
  GtkWidget *progress_box;
  GtkWidget *progress_bar;
  GtkWidget *position_label;
  GtkWidget *play_button;
};

G_DEFINE_FINAL_TYPE (TrVoicemailRow, tr_voicemail_row, GTK_TYPE_LIST_BOX_ROW)

static void
tr_voicemail_row_update (TrVoicemailRow *row)
{
  TrVoicemailPlayer *player = row->page->player;
  TrVoicemail       *message = row->message;
  gboolean           heard = tr_voicemail_get_heard (message);
  gboolean           current
      = player != NULL && same_message (tr_voicemail_player_get_message (player), message);
  gboolean playing = current && tr_voicemail_player_get_playing (player);
  g_autoptr (GDateTime) now = g_date_time_new_now_local ();
  g_autoptr (GDateTime) when = g_date_time_to_local (tr_voicemail_get_created_at (message));
  g_autofree char *when_text = tr_voicemail_when_text (when, now, FALSE);
  g_autofree char *duration = tr_voicemail_duration_text (tr_voicemail_get_duration_ms (message));
  g_autofree char *detail = g_strdup_printf ("%s · %s", when_text, duration);
  g_autofree char *label = tr_voicemail_row_text (
      row->caller, heard, tr_voicemail_get_duration_ms (message), when, now);
  g_autofree char *button = g_strdup_printf (
      playing ? _ ("Pause the message from %s") : _ ("Play the message from %s"), row->caller);
  g_autofree char *description = NULL;

  gtk_widget_set_opacity (row->dot, heard ? 0.0 : 1.0);
  if (heard)
    gtk_widget_remove_css_class (row->name_label, "heading");
  else
    gtk_widget_add_css_class (row->name_label, "heading");
  gtk_label_set_label (GTK_LABEL (row->detail_label), detail);

  gtk_button_set_icon_name (GTK_BUTTON (row->play_button), playing
                                                               ? "media-playback-pause-symbolic"
                                                               : "media-playback-start-symbolic");
  gtk_widget_set_tooltip_text (row->play_button, button);
  gtk_accessible_update_property (GTK_ACCESSIBLE (row->play_button), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  button, -1);

  gtk_widget_set_visible (row->progress_box, current);
  if (current)
    {
      gint64           position = tr_voicemail_player_get_position_ms (player);
      gint64           length = tr_voicemail_player_get_duration_ms (player);
      g_autofree char *at = tr_voicemail_duration_text (position);
      g_autofree char *of = tr_voicemail_duration_text (length);
      g_autofree char *text = g_strdup_printf (_ ("%s / %s"), at, of);

      gtk_progress_bar_set_fraction (GTK_PROGRESS_BAR (row->progress_bar),
                                     length > 0 ? CLAMP ((double)position / length, 0.0, 1.0)
                                                : 0.0);
      gtk_label_set_label (GTK_LABEL (row->position_label), text);
      /* Translators: the state of playing a voicemail, e.g. "Playing, 0:02 of 0:04" */
      description
          = g_strdup_printf (playing ? _ ("Playing, %s of %s") : _ ("Paused, %s of %s"), at, of);
      gtk_accessible_update_property (GTK_ACCESSIBLE (row->progress_bar),
                                      GTK_ACCESSIBLE_PROPERTY_VALUE_TEXT, text, -1);
    }
  gtk_accessible_update_property (GTK_ACCESSIBLE (row), GTK_ACCESSIBLE_PROPERTY_LABEL, label,
                                  GTK_ACCESSIBLE_PROPERTY_DESCRIPTION,
                                  description ? description : detail, -1);
}

static void
row_play_cb (TrVoicemailRow *row)
{
  toggle_play (row->page, row->message);
}

static void
row_save_cb (TrVoicemailRow *row)
{
  save_message (row->page, row->message);
}

static void
row_delete_cb (TrVoicemailRow *row)
{
  delete_message (row->page, row->message);
}

static void
tr_voicemail_row_dispose (GObject *object)
{
  TrVoicemailRow *row = TR_VOICEMAIL_ROW (object);

  g_clear_object (&row->message);
  G_OBJECT_CLASS (tr_voicemail_row_parent_class)->dispose (object);
}

static void
tr_voicemail_row_finalize (GObject *object)
{
  g_free (TR_VOICEMAIL_ROW (object)->caller);
  G_OBJECT_CLASS (tr_voicemail_row_parent_class)->finalize (object);
}

static void
tr_voicemail_row_class_init (TrVoicemailRowClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = tr_voicemail_row_dispose;
  G_OBJECT_CLASS (klass)->finalize = tr_voicemail_row_finalize;
}

static void
tr_voicemail_row_init (TrVoicemailRow *row)
{
}

static GtkWidget *
icon_button (const char *icon_name, const char *label)
{
  GtkWidget *button = gtk_button_new_from_icon_name (icon_name);

  gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (button, "flat");
  gtk_widget_set_tooltip_text (button, label);
  gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL, label,
                                  -1);
  return button;
}

static GtkWidget *
tr_voicemail_row_new (TrVoicemailPage *page, TrVoicemail *message)
{
  TrVoicemailRow  *row = g_object_new (TR_TYPE_VOICEMAIL_ROW, NULL);
  const char      *raw = tr_identifier_get_raw_id (tr_voicemail_get_caller (message));
  GtkWidget       *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  GtkWidget       *text = gtk_box_new (GTK_ORIENTATION_VERTICAL, 3);
  GtkWidget       *button;
  g_autofree char *call_label = NULL;
  g_autofree char *save_label = NULL;
  g_autofree char *delete_label = NULL;

  row->page = page;
  row->message = g_object_ref (message);
  row->caller = dup_caller_name (message);
  gtk_widget_set_name (GTK_WIDGET (row), tr_voicemail_get_id (message));
  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), TRUE);

  gtk_widget_set_margin_start (box, 12);
  gtk_widget_set_margin_end (box, 6);
  gtk_widget_set_margin_top (box, 8);
  gtk_widget_set_margin_bottom (box, 8);
  gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (row), box);

  row->dot = g_object_new (GTK_TYPE_IMAGE, "icon-name", "media-record-symbolic", "pixel-size", 10,
                           "valign", GTK_ALIGN_CENTER, "accessible-role",
                           GTK_ACCESSIBLE_ROLE_PRESENTATION, NULL);
  gtk_widget_add_css_class (row->dot, "accent");
  gtk_box_append (GTK_BOX (box), row->dot);

  gtk_widget_set_hexpand (text, TRUE);
  gtk_widget_set_valign (text, GTK_ALIGN_CENTER);
  gtk_box_append (GTK_BOX (box), text);
  row->name_label = g_object_new (GTK_TYPE_LABEL, "label", row->caller, "xalign", 0.0f, "ellipsize",
                                  PANGO_ELLIPSIZE_END, NULL);
  gtk_box_append (GTK_BOX (text), row->name_label);
  row->detail_label
      = g_object_new (GTK_TYPE_LABEL, "xalign", 0.0f, "ellipsize", PANGO_ELLIPSIZE_END, NULL);
  gtk_widget_add_css_class (row->detail_label, "dim-label");
  gtk_widget_add_css_class (row->detail_label, "caption");
  gtk_box_append (GTK_BOX (text), row->detail_label);

  row->progress_box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  gtk_box_append (GTK_BOX (text), row->progress_box);
  row->progress_bar = gtk_progress_bar_new ();
  gtk_widget_set_hexpand (row->progress_bar, TRUE);
  gtk_widget_set_valign (row->progress_bar, GTK_ALIGN_CENTER);
  gtk_accessible_update_property (GTK_ACCESSIBLE (row->progress_bar), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _ ("Playback position"), -1);
  gtk_box_append (GTK_BOX (row->progress_box), row->progress_bar);
  row->position_label = gtk_label_new (NULL);
  gtk_widget_add_css_class (row->position_label, "caption");
  gtk_widget_add_css_class (row->position_label, "numeric");
  gtk_box_append (GTK_BOX (row->progress_box), row->position_label);

  row->play_button = icon_button ("media-playback-start-symbolic", _ ("Play"));
  g_signal_connect_object (row->play_button, "clicked", G_CALLBACK (row_play_cb), row,
                           G_CONNECT_SWAPPED);
  gtk_box_append (GTK_BOX (box), row->play_button);

  call_label = g_strdup_printf (_ ("Call %s Back"), row->caller);
  button = icon_button ("call-start-symbolic", call_label);
  gtk_actionable_set_action_name (GTK_ACTIONABLE (button), "win.call-user");
  gtk_actionable_set_action_target (GTK_ACTIONABLE (button), "s", raw);
  gtk_widget_set_sensitive (button, tr_user_id_is_valid (raw));
  gtk_box_append (GTK_BOX (box), button);

  save_label = g_strdup_printf (_ ("Save the Message from %s As…"), row->caller);
  button = icon_button ("document-save-as-symbolic", save_label);
  g_signal_connect_object (button, "clicked", G_CALLBACK (row_save_cb), row, G_CONNECT_SWAPPED);
  gtk_box_append (GTK_BOX (box), button);

  delete_label = g_strdup_printf (_ ("Delete the Message from %s"), row->caller);
  button = icon_button ("user-trash-symbolic", delete_label);
  g_signal_connect_object (button, "clicked", G_CALLBACK (row_delete_cb), row, G_CONNECT_SWAPPED);
  gtk_box_append (GTK_BOX (box), button);

  g_signal_connect_object (message, "notify::heard", G_CALLBACK (tr_voicemail_row_update), row,
                           G_CONNECT_SWAPPED);
  if (page->player != NULL)
    {
      const char *names[]
          = { "notify::message", "notify::playing", "notify::position-ms", "notify::duration-ms" };

      for (guint i = 0; i < G_N_ELEMENTS (names); i++)
        g_signal_connect_object (page->player, names[i], G_CALLBACK (tr_voicemail_row_update), row,
                                 G_CONNECT_SWAPPED);
    }
  tr_voicemail_row_update (row);
  return GTK_WIDGET (row);
}

/* The page */

static TrVoicemailRow *
find_row (TrVoicemailPage *self, TrVoicemail *message)
{
  GtkListBoxRow *row;

  for (int i = 0; (row = gtk_list_box_get_row_at_index (GTK_LIST_BOX (self->list), i)) != NULL; i++)
    if (TR_IS_VOICEMAIL_ROW (row) && same_message (TR_VOICEMAIL_ROW (row)->message, message))
      return TR_VOICEMAIL_ROW (row);
  return NULL;
}

static void
update_state (TrVoicemailPage *self)
{
  GtkListBoxRow *row;
  guint          shown = 0;
  const char    *page;

  for (int i = 0; (row = gtk_list_box_get_row_at_index (GTK_LIST_BOX (self->list), i)) != NULL; i++)
    if (gtk_widget_get_visible (GTK_WIDGET (row)))
      shown++;

  if (shown > 0)
    page = "list";
  else if (self->box != NULL && tr_voicemail_box_get_loaded (self->box))
    page = "empty";
  else
    page = "loading";
  tr_gui_stack_show_page (GTK_STACK (self->stack), page);
}

static void
emit_toast (TrVoicemailPage *self, AdwToast *toast)
{
  g_signal_emit (self, signals[TOAST], 0, toast);
}

static void
toast_text (TrVoicemailPage *self, const char *text)
{
  g_autoptr (AdwToast) toast = adw_toast_new (text);

  emit_toast (self, toast);
}

static void
toast_error (TrVoicemailPage *self, const char *what, const GError *error)
{
  g_autofree char *reason = tr_failure_reason_text (error, NULL);
  g_autofree char *text = g_strdup_printf ("%s %s", what, reason);

  toast_text (self, text);
}

static void
play_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (TrVoicemailPage) self = user_data;
  g_autoptr (GError) error = NULL;

  if (!tr_voicemail_player_play_finish (TR_VOICEMAIL_PLAYER (source), result, &error)
      && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    toast_error (self, _ ("Could not play the message:"), error);
}

static void
toggle_play (TrVoicemailPage *self, TrVoicemail *message)
{
  if (self->player == NULL)
    return;
  if (same_message (tr_voicemail_player_get_message (self->player), message))
    {
      tr_voicemail_player_set_paused (self->player, !tr_voicemail_player_get_paused (self->player));
      return;
    }
  tr_voicemail_player_play_async (self->player, message, self->cancellable, play_cb,
                                  g_object_ref (self));
}

/* Delete, with Undo */

static void
delete_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (TrVoicemailPage) self = user_data;
  g_autoptr (GError) error = NULL;

  if (tr_voicemail_box_delete_finish (TR_VOICEMAIL_BOX (source), result, &error)
      || g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED)
      || g_error_matches (error, TR_ERROR, TR_STATUS_UNKNOWN_MESSAGE))
    return;
  toast_error (self, _ ("Could not delete the message:"), error);
  /* It is still there: show its row again. */
  for (GtkWidget *row = gtk_widget_get_first_child (self->list); row != NULL;
       row = gtk_widget_get_next_sibling (row))
    if (TR_IS_VOICEMAIL_ROW (row) && !gtk_widget_get_visible (row)
        && !same_message (TR_VOICEMAIL_ROW (row)->message, self->pending_delete))
      gtk_widget_set_visible (row, TRUE);
  update_state (self);
}

static void
commit_delete (TrVoicemailPage *self)
{
  g_autoptr (TrVoicemail) message = g_steal_pointer (&self->pending_delete);
  g_autoptr (AdwToast) toast = g_steal_pointer (&self->pending_toast);

  if (toast != NULL)
    g_signal_handlers_disconnect_by_data (toast, self);
  if (message != NULL && self->box != NULL)
    tr_voicemail_box_delete_async (self->box, message, NULL, delete_cb, g_object_ref (self));
  if (toast != NULL)
    adw_toast_dismiss (toast);
}

static void
undo_delete_cb (AdwToast *toast, gpointer user_data)
{
  TrVoicemailPage *self = user_data;
  g_autoptr (TrVoicemail) message = g_steal_pointer (&self->pending_delete);
  TrVoicemailRow *row = message ? find_row (self, message) : NULL;

  g_signal_handlers_disconnect_by_data (toast, self);
  g_clear_object (&self->pending_toast);
  if (row != NULL)
    gtk_widget_set_visible (GTK_WIDGET (row), TRUE);
  update_state (self);
}

static void
delete_toast_dismissed_cb (AdwToast *toast, gpointer user_data)
{
  TrVoicemailPage *self = user_data;

  if (toast == self->pending_toast)
    commit_delete (self);
}

static void
delete_message (TrVoicemailPage *self, TrVoicemail *message)
{
  TrVoicemailRow  *row = find_row (self, message);
  g_autofree char *caller = dup_caller_name (message);
  g_autofree char *title = g_strdup_printf (_ ("Message from %s deleted"), caller);
  g_autoptr (AdwToast) toast = adw_toast_new (title);

  commit_delete (self);
  if (self->player != NULL
      && same_message (tr_voicemail_player_get_message (self->player), message))
    tr_voicemail_player_stop (self->player);

  self->pending_delete = g_object_ref (message);
  self->pending_toast = g_object_ref (toast);
  if (row != NULL)
    {
      /* Focus moves on to a neighbour rather than to nowhere. */
      GtkWidget *next = gtk_widget_get_next_sibling (GTK_WIDGET (row));

      if (next == NULL || !GTK_IS_LIST_BOX_ROW (next))
        next = gtk_widget_get_prev_sibling (GTK_WIDGET (row));
      gtk_widget_set_visible (GTK_WIDGET (row), FALSE);
      if (next != NULL && GTK_IS_LIST_BOX_ROW (next) && gtk_widget_get_visible (next))
        gtk_widget_grab_focus (next);
    }
  update_state (self);

  adw_toast_set_button_label (toast, _ ("_Undo"));
  adw_toast_set_priority (toast, ADW_TOAST_PRIORITY_HIGH);
  g_signal_connect (toast, "button-clicked", G_CALLBACK (undo_delete_cb), self);
  g_signal_connect (toast, "dismissed", G_CALLBACK (delete_toast_dismissed_cb), self);
  emit_toast (self, toast);
}

/* Save As */

typedef struct
{
  TrVoicemailPage      *page;
  TrVoicemail          *message;
  GtkFileChooserNative *chooser;
} SaveData;

static void
save_data_free (SaveData *data)
{
  g_clear_object (&data->page);
  g_clear_object (&data->message);
  if (data->chooser != NULL)
    gtk_native_dialog_destroy (GTK_NATIVE_DIALOG (data->chooser));
  g_clear_object (&data->chooser);
  g_free (data);
}

static void
saved_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (TrVoicemailPage) self = user_data;
  g_autoptr (GError) error = NULL;

  if (tr_voicemail_box_save_audio_finish (TR_VOICEMAIL_BOX (source), result, &error))
    toast_text (self, _ ("Message saved"));
  else if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    toast_error (self, _ ("Could not save the message:"), error);
}

static void
save_response_cb (GtkNativeDialog *dialog, int response, gpointer user_data)
{
  SaveData *data = user_data;
  g_autoptr (GFile) file = NULL;

  if (response == GTK_RESPONSE_ACCEPT)
    file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog));
  if (file != NULL && data->page->box != NULL)
    tr_voicemail_box_save_audio_async (data->page->box, data->message, file,
                                       data->page->cancellable, saved_cb,
                                       g_object_ref (data->page));
  save_data_free (data);
}

static void
save_message (TrVoicemailPage *self, TrVoicemail *message)
{
  GtkRoot         *root = gtk_widget_get_root (GTK_WIDGET (self));
  g_autofree char *caller = dup_caller_name (message);
  g_autoptr (GDateTime) when = g_date_time_to_local (tr_voicemail_get_created_at (message));
  g_autofree char *stamp = g_date_time_format (when, "%Y-%m-%d %H-%M");
  /* Translators: the file name a voicemail is saved as: caller, date */
  g_autofree char *name = g_strdup_printf (_ ("Voicemail from %s, %s.ogg"), caller, stamp);
  SaveData        *data = g_new0 (SaveData, 1);

  g_strdelimit (name, "/\\", '-');
  data->page = g_object_ref (self);
  data->message = g_object_ref (message);
  data->chooser = gtk_file_chooser_native_new (
      _ ("Save Voicemail"), GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
      GTK_FILE_CHOOSER_ACTION_SAVE, _ ("_Save"), _ ("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (data->chooser), TRUE);
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (data->chooser), name);
  g_signal_connect (data->chooser, "response", G_CALLBACK (save_response_cb), data);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (data->chooser));
}

/* The list */

static GtkWidget *
create_row_cb (gpointer item, gpointer user_data)
{
  TrVoicemailPage *self = user_data;
  GtkWidget       *row = tr_voicemail_row_new (self, TR_VOICEMAIL (item));

  if (same_message (self->pending_delete, TR_VOICEMAIL (item)))
    gtk_widget_set_visible (row, FALSE);
  return row;
}

static void
row_activated_cb (GtkListBox *list, GtkListBoxRow *row, gpointer user_data)
{
  TrVoicemailPage *self = user_data;

  if (TR_IS_VOICEMAIL_ROW (row))
    toggle_play (self, TR_VOICEMAIL_ROW (row)->message);
}

static void
box_changed_cb (TrVoicemailPage *self)
{
  update_state (self);
}

/* Public */

void
tr_voicemail_page_set_agent (TrVoicemailPage *self, TrCallAgent *agent)
{
  g_return_if_fail (TR_IS_VOICEMAIL_PAGE (self));

  if (self->agent == agent)
    return;

  tr_voicemail_page_shutdown (self);
  g_clear_object (&self->player);
  g_set_object (&self->agent, agent);
  self->box = agent ? tr_call_agent_get_voicemail_box (agent) : NULL;
  if (agent != NULL)
    self->player = tr_voicemail_player_new (agent);
  /* The list's rows first, then what counts them. */
  gtk_list_box_bind_model (GTK_LIST_BOX (self->list), self->box ? G_LIST_MODEL (self->box) : NULL,
                           create_row_cb, self, NULL);
  g_signal_group_set_target (self->box_signals, self->box);
  update_state (self);
}

void
tr_voicemail_page_shutdown (TrVoicemailPage *self)
{
  g_return_if_fail (TR_IS_VOICEMAIL_PAGE (self));

  commit_delete (self);
  if (self->player != NULL)
    tr_voicemail_player_stop (self->player);
}

static void
tr_voicemail_page_dispose (GObject *object)
{
  TrVoicemailPage *self = TR_VOICEMAIL_PAGE (object);

  if (self->agent != NULL)
    tr_voicemail_page_shutdown (self);
  g_cancellable_cancel (self->cancellable);
  if (self->list != NULL)
    gtk_list_box_bind_model (GTK_LIST_BOX (self->list), NULL, NULL, NULL, NULL);
  if (self->box_signals != NULL)
    g_signal_group_set_target (self->box_signals, NULL);
  g_clear_object (&self->box_signals);
  g_clear_object (&self->player);
  g_clear_object (&self->agent);
  self->box = NULL;
  g_clear_object (&self->cancellable);
  gtk_widget_dispose_template (GTK_WIDGET (self), TR_TYPE_VOICEMAIL_PAGE);

  G_OBJECT_CLASS (tr_voicemail_page_parent_class)->dispose (object);
}

static void
tr_voicemail_page_class_init (TrVoicemailPageClass *klass)
{
  GObjectClass   *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = tr_voicemail_page_dispose;

  /**
   * TrVoicemailPage::toast:
   * @toast: the #AdwToast to show
   */
  signals[TOAST] = g_signal_new ("toast", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL,
                                 NULL, NULL, G_TYPE_NONE, 1, ADW_TYPE_TOAST);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/com/example/Transfer/tr-voicemail-page.ui");
  gtk_widget_class_bind_template_child (widget_class, TrVoicemailPage, stack);
  gtk_widget_class_bind_template_child (widget_class, TrVoicemailPage, list);
}

static void
tr_voicemail_page_init (TrVoicemailPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->cancellable = g_cancellable_new ();
  self->box_signals = g_signal_group_new (TR_TYPE_VOICEMAIL_BOX);
  g_signal_group_connect_swapped (self->box_signals, "notify::loaded", G_CALLBACK (box_changed_cb),
                                  self);
  g_signal_group_connect_swapped (self->box_signals, "items-changed", G_CALLBACK (box_changed_cb),
                                  self);
  g_signal_connect_object (self->list, "row-activated", G_CALLBACK (row_activated_cb), self, 0);
  update_state (self);
}

GtkWidget *
tr_voicemail_page_new (void)
{
  return g_object_new (TR_TYPE_VOICEMAIL_PAGE, NULL);
}
