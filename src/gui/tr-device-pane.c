/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "TrDevicePane"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "tr-device-pane.h"
#include "tr-gui-util.h"
#include "tr-video-paintable.h"

#define N_KINDS 3

static const char *const settings_keys[N_KINDS] = { "microphone", "speaker", "camera" };

struct _TrDevicePane
{
  AdwPreferencesPage parent_instance;

  GtkWidget *microphone_row;
  GtkWidget *level_row;
  GtkWidget *level_bar;
  GtkWidget *speaker_row;
  GtkWidget *test_sound_row;
  GtkWidget *test_sound_button;
  GtkWidget *camera_row;
  GtkWidget *preview_box;
  GtkWidget *preview;
  GtkWidget *no_camera_label;

  TrDeviceManager  *devices;
  TrDeviceTester   *tester;
  TrVideoPaintable *paintable;
  GSettings        *settings;
  GListModel       *models[N_KINDS]; /* "System Default", then the devices */
  guint             syncing;         /* > 0 while the rows are set from the model */
  guint             model_changing[N_KINDS];
};

G_DEFINE_FINAL_TYPE (TrDevicePane, tr_device_pane, ADW_TYPE_PREFERENCES_PAGE)

static GtkWidget *
row_for (TrDevicePane *self,
         TrDeviceKind  kind)
{
  switch (kind)
    {
    case TR_DEVICE_KIND_MICROPHONE:
      return self->microphone_row;
    case TR_DEVICE_KIND_SPEAKER:
      return self->speaker_row;
    case TR_DEVICE_KIND_CAMERA:
    default:
      return self->camera_row;
    }
}

/* What tr_device_manager_select (NULL) picks: the system default, else the first. */
static TrDevice *
fallback_of (TrDeviceManager *devices,
             TrDeviceKind     kind)
{
  GListModel *list = tr_device_manager_get_devices (devices, kind);
  TrDevice *device = tr_device_manager_get_default (devices, kind);

  if (device == NULL && g_list_model_get_n_items (list) > 0)
    {
      g_autoptr(TrDevice) first = g_list_model_get_item (list, 0);

      device = first; /* the list keeps it */
    }
  return device;
}

/* The row that shows what the manager uses: "System Default" (0) while the user has not
 * picked a device (GSettings says '') and the manager uses the default; else the device. */
static guint
position_for (TrDevicePane *self,
              TrDeviceKind  kind)
{
  TrDevice *selected = tr_device_manager_get_selected (self->devices, kind);
  GListModel *list = tr_device_manager_get_devices (self->devices, kind);
  g_autofree char *saved = g_settings_get_string (self->settings, settings_keys[kind]);
  guint n = g_list_model_get_n_items (list);

  if (selected == NULL || (*saved == '\0' && selected == fallback_of (self->devices, kind)))
    return 0;

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(TrDevice) device = g_list_model_get_item (list, i);

      if (device == selected)
        return i + 1;
    }
  return 0;
}

static void
update_row_subtitle (TrDevicePane *self,
                     TrDeviceKind  kind)
{
  GtkWidget *row = row_for (self, kind);
  TrDevice *failed = tr_device_tester_get_failed_device (self->tester);
  gboolean empty = g_list_model_get_n_items (tr_device_manager_get_devices (self->devices,
                                                                            kind)) == 0;
  g_autofree char *text = NULL;

  if (failed != NULL && tr_device_get_kind (failed) == kind)
    text = g_strdup_printf (_ ("%s does not work"), tr_device_get_name (failed));
  else if (empty && kind == TR_DEVICE_KIND_MICROPHONE)
    text = g_strdup (_ ("No microphone found"));
  else if (empty && kind == TR_DEVICE_KIND_SPEAKER)
    text = g_strdup (_ ("No speaker found"));
  else if (empty)
    text = g_strdup (_ ("No camera found"));

  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), text ? text : "");

  if (kind == TR_DEVICE_KIND_CAMERA)
    {
      gtk_widget_set_visible (self->preview, !empty);
      gtk_widget_set_visible (self->no_camera_label, empty);
    }
}

static void
sync_row (TrDevicePane *self,
          TrDeviceKind  kind)
{
  guint position = position_for (self, kind);

  self->syncing++;
  if (adw_combo_row_get_selected (ADW_COMBO_ROW (row_for (self, kind))) != position)
    adw_combo_row_set_selected (ADW_COMBO_ROW (row_for (self, kind)), position);
  self->syncing--;
  update_row_subtitle (self, kind);
}

static void
sync_rows (TrDevicePane *self)
{
  for (guint kind = 0; kind < N_KINDS; kind++)
    sync_row (self, kind);
}

static void
show_toast (TrDevicePane *self,
            const char   *text)
{
  g_autofree char *escaped = g_markup_escape_text (text, -1);
  GtkWidget *window = gtk_widget_get_ancestor (GTK_WIDGET (self), ADW_TYPE_PREFERENCES_WINDOW);
  GtkWidget *overlay = gtk_widget_get_ancestor (GTK_WIDGET (self), ADW_TYPE_TOAST_OVERLAY);
  AdwToast *toast = adw_toast_new (escaped);

  adw_toast_set_timeout (toast, 5);
  if (window == NULL && overlay == NULL)
    g_object_unref (toast);   /* not in a window yet */
  else
    tr_gui_add_toast (window != NULL ? window : overlay, toast);
}

static void
row_selected_cb (TrDevicePane *self,
                 GParamSpec   *pspec,
                 AdwComboRow  *row)
{
  TrDeviceKind kind = row == ADW_COMBO_ROW (self->microphone_row) ? TR_DEVICE_KIND_MICROPHONE
                      : row == ADW_COMBO_ROW (self->speaker_row) ? TR_DEVICE_KIND_SPEAKER
                                                                 : TR_DEVICE_KIND_CAMERA;
  guint position = adw_combo_row_get_selected (row);
  g_autoptr(GObject) item = NULL;

  if (self->syncing > 0 || self->model_changing[kind] > 0 || self->devices == NULL
      || position == GTK_INVALID_LIST_POSITION || position == position_for (self, kind))
    return;

  /* The user's choice: used at once, and kept. */
  item = g_list_model_get_item (self->models[kind], position);
  self->syncing++;
  if (TR_IS_DEVICE (item))
    {
      tr_device_manager_select (self->devices, kind, TR_DEVICE (item));
      tr_device_manager_set_preferred (self->devices, kind, tr_device_get_id (TR_DEVICE (item)));
      g_settings_set_string (self->settings, settings_keys[kind],
                             tr_device_get_id (TR_DEVICE (item)));
    }
  else
    {
      tr_device_manager_select (self->devices, kind, NULL);
      tr_device_manager_set_preferred (self->devices, kind, NULL);
      g_settings_set_string (self->settings, settings_keys[kind], "");
    }
  self->syncing--;
  gtk_accessible_reset_property (GTK_ACCESSIBLE (row), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION);
  sync_row (self, kind);
}

static void
selected_changed_cb (TrDevicePane *self)
{
  if (self->syncing == 0)
    sync_rows (self);
}

static void
settings_changed_cb (TrDevicePane *self)
{
  if (self->devices != NULL && self->syncing == 0)
    sync_rows (self);
}

static void
fell_back_cb (TrDevicePane    *self,
              TrDeviceKind     kind,
              TrDevice        *lost,
              TrDeviceManager *devices)
{
  g_autofree char *text = tr_device_fell_back_text (kind, lost,
                                                    tr_device_manager_get_selected (devices, kind));

  sync_rows (self);
  /* A toast is not announced (libadwaita 1.2): the row describes what happened too. */
  gtk_accessible_update_property (GTK_ACCESSIBLE (row_for (self, kind)),
                                  GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, text, -1);
  if (gtk_widget_get_mapped (GTK_WIDGET (self)))
    show_toast (self, text);
}

static void
tester_failed_cb (TrDevicePane *self)
{
  for (guint kind = 0; kind < N_KINDS; kind++)
    update_row_subtitle (self, kind);
}

/* While GTK follows a change of a list (the selection moves with it), the row's "selected"
 * is not the user's; afterwards the row shows what the manager uses. */
static void
items_changing_cb (TrDevicePane *self,
                   guint         position,
                   guint         removed,
                   guint         added,
                   GListModel   *model)
{
  for (guint kind = 0; kind < N_KINDS; kind++)
    if (self->models[kind] == model)
      self->model_changing[kind]++;
}

static void
items_changed_cb (TrDevicePane *self,
                  guint         position,
                  guint         removed,
                  guint         added,
                  GListModel   *model)
{
  for (guint kind = 0; kind < N_KINDS; kind++)
    if (self->models[kind] == model)
      {
        self->model_changing[kind]--;
        sync_row (self, kind);
      }
}

static char *
item_label_cb (GObject  *item,
               gpointer  user_data)
{
  if (TR_IS_DEVICE (item))
    return g_strdup (tr_device_get_name (TR_DEVICE (item)));
  if (GTK_IS_STRING_OBJECT (item))
    return g_strdup (gtk_string_object_get_string (GTK_STRING_OBJECT (item)));
  return g_strdup ("");
}

static GListModel *
model_for (TrDeviceManager *devices,
           TrDeviceKind     kind)
{
  GListStore *parts = g_list_store_new (G_TYPE_LIST_MODEL);
  g_autoptr(GListStore) head = g_list_store_new (G_TYPE_OBJECT);
  g_autoptr(GtkStringObject) system_default = gtk_string_object_new (_ ("System Default"));

  g_list_store_append (head, system_default);
  g_list_store_append (parts, head);
  g_list_store_append (parts, tr_device_manager_get_devices (devices, kind));

  return G_LIST_MODEL (gtk_flatten_list_model_new (G_LIST_MODEL (parts)));
}

static void
test_sound_clicked_cb (TrDevicePane *self)
{
  if (self->tester != NULL)
    tr_device_tester_play_test_sound (self->tester);
}

/* The level and the test sound button follow the tester only while the pane is on screen:
 * GTK 4.8's AT-SPI code trips a critical when a widget of a window being hidden changes its
 * accessible value or state (seen closing the Devices window while the level moved). */
static void
sync_tester_widgets (TrDevicePane *self)
{
  /* Visible all the way up: a window being hidden is no longer visible before it unmaps. */
  if (self->tester == NULL || !gtk_widget_get_mapped (GTK_WIDGET (self))
      || !gtk_widget_is_visible (GTK_WIDGET (self)))
    return;
  gtk_level_bar_set_value (GTK_LEVEL_BAR (self->level_bar),
                           tr_device_tester_get_input_level (self->tester));
  gtk_widget_set_sensitive (self->test_sound_button,
                            !tr_device_tester_get_playing_sound (self->tester));
}

static void
update_tester (TrDevicePane *self)
{
  gboolean mapped = gtk_widget_get_mapped (GTK_WIDGET (self));

  if (self->tester == NULL)
    return;

  tr_device_tester_set_preview_active (self->tester, TRUE);
  tr_device_tester_set_active (self->tester, mapped);
  if (!mapped)
    tr_video_paintable_clear (self->paintable);
}

static void
tr_device_pane_map (GtkWidget *widget)
{
  GTK_WIDGET_CLASS (tr_device_pane_parent_class)->map (widget);
  update_tester (TR_DEVICE_PANE (widget));
  sync_tester_widgets (TR_DEVICE_PANE (widget));
}

static void
tr_device_pane_unmap (GtkWidget *widget)
{
  GTK_WIDGET_CLASS (tr_device_pane_parent_class)->unmap (widget);
  update_tester (TR_DEVICE_PANE (widget));
}

static void
disconnect_devices (TrDevicePane *self)
{
  for (guint kind = 0; kind < N_KINDS; kind++)
    {
      adw_combo_row_set_model (ADW_COMBO_ROW (row_for (self, kind)), NULL);
      if (self->models[kind] != NULL)
        g_signal_handlers_disconnect_by_data (self->models[kind], self);
      g_clear_object (&self->models[kind]);
    }
  if (self->tester != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->tester, self);
      tr_device_tester_set_active (self->tester, FALSE);
      tr_device_tester_set_preview_func (self->tester, NULL, NULL, NULL);
      g_clear_object (&self->tester);
    }
  if (self->devices != NULL)
    g_signal_handlers_disconnect_by_data (self->devices, self);
  g_clear_object (&self->devices);
}

static void
tr_device_pane_dispose (GObject *object)
{
  TrDevicePane *self = TR_DEVICE_PANE (object);

  disconnect_devices (self);
  if (self->settings != NULL)
    g_signal_handlers_disconnect_by_data (self->settings, self);
  g_clear_object (&self->settings);
  gtk_widget_dispose_template (GTK_WIDGET (self), TR_TYPE_DEVICE_PANE);

  G_OBJECT_CLASS (tr_device_pane_parent_class)->dispose (object);
}

static void
tr_device_pane_finalize (GObject *object)
{
  TrDevicePane *self = TR_DEVICE_PANE (object);

  g_clear_object (&self->paintable);

  G_OBJECT_CLASS (tr_device_pane_parent_class)->finalize (object);
}

static void
tr_device_pane_class_init (TrDevicePaneClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = tr_device_pane_dispose;
  object_class->finalize = tr_device_pane_finalize;
  widget_class->map = tr_device_pane_map;
  widget_class->unmap = tr_device_pane_unmap;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/com/example/Transfer/tr-device-pane.ui");
  gtk_widget_class_bind_template_child (widget_class, TrDevicePane, microphone_row);
  gtk_widget_class_bind_template_child (widget_class, TrDevicePane, level_row);
  gtk_widget_class_bind_template_child (widget_class, TrDevicePane, level_bar);
  gtk_widget_class_bind_template_child (widget_class, TrDevicePane, speaker_row);
  gtk_widget_class_bind_template_child (widget_class, TrDevicePane, test_sound_row);
  gtk_widget_class_bind_template_child (widget_class, TrDevicePane, test_sound_button);
  gtk_widget_class_bind_template_child (widget_class, TrDevicePane, camera_row);
  gtk_widget_class_bind_template_child (widget_class, TrDevicePane, preview_box);
  gtk_widget_class_bind_template_child (widget_class, TrDevicePane, preview);
  gtk_widget_class_bind_template_child (widget_class, TrDevicePane, no_camera_label);
  gtk_widget_class_bind_template_callback (widget_class, test_sound_clicked_cb);
}

static void
tr_device_pane_init (TrDevicePane *self)
{
  g_autoptr(GtkExpression) label = NULL;

  gtk_widget_init_template (GTK_WIDGET (self));

  self->settings = g_settings_new (APP_ID);
  g_signal_connect_swapped (self->settings, "changed", G_CALLBACK (settings_changed_cb), self);
  self->paintable = tr_video_paintable_new ();
  gtk_picture_set_paintable (GTK_PICTURE (self->preview), GDK_PAINTABLE (self->paintable));

  label = gtk_cclosure_expression_new (G_TYPE_STRING, NULL, 0, NULL, G_CALLBACK (item_label_cb),
                                       NULL, NULL);
  for (guint kind = 0; kind < N_KINDS; kind++)
    {
      GtkWidget *row = row_for (self, kind);

      adw_combo_row_set_expression (ADW_COMBO_ROW (row), label);
      g_signal_connect_swapped (row, "notify::selected", G_CALLBACK (row_selected_cb), self);
      gtk_widget_set_sensitive (row, FALSE);
    }
  gtk_widget_set_sensitive (self->test_sound_button, FALSE);
}

GtkWidget *
tr_device_pane_new (TrDeviceManager *devices)
{
  TrDevicePane *self = g_object_new (TR_TYPE_DEVICE_PANE, NULL);

  if (devices != NULL)
    tr_device_pane_set_device_manager (self, devices);
  return GTK_WIDGET (self);
}

void
tr_device_pane_set_device_manager (TrDevicePane    *self,
                                   TrDeviceManager *devices)
{
  g_return_if_fail (TR_IS_DEVICE_PANE (self));
  g_return_if_fail (devices == NULL || TR_IS_DEVICE_MANAGER (devices));

  if (self->devices == devices)
    return;

  disconnect_devices (self);
  for (guint kind = 0; kind < N_KINDS; kind++)
    gtk_widget_set_sensitive (row_for (self, kind), devices != NULL);
  gtk_widget_set_sensitive (self->test_sound_button, devices != NULL);
  if (devices == NULL)
    return;

  self->devices = g_object_ref (devices);
  self->tester = tr_device_tester_new (devices);
  tr_device_tester_set_preview_func (self->tester, tr_video_paintable_frame_func,
                                     g_object_ref (self->paintable), g_object_unref);
  g_signal_connect_swapped (self->tester, "notify::input-level",
                            G_CALLBACK (sync_tester_widgets), self);
  g_signal_connect_swapped (self->tester, "notify::playing-sound",
                            G_CALLBACK (sync_tester_widgets), self);
  sync_tester_widgets (self);
  g_signal_connect_swapped (self->tester, "notify::failed-device", G_CALLBACK (tester_failed_cb),
                            self);

  for (guint kind = 0; kind < N_KINDS; kind++)
    {
      self->models[kind] = model_for (devices, kind);
      /* Connected before the row's own handlers, and after them. */
      g_signal_connect_swapped (self->models[kind], "items-changed",
                                G_CALLBACK (items_changing_cb), self);
      self->syncing++;
      adw_combo_row_set_model (ADW_COMBO_ROW (row_for (self, kind)), self->models[kind]);
      self->syncing--;
      g_signal_connect_object (self->models[kind], "items-changed", G_CALLBACK (items_changed_cb),
                               self, G_CONNECT_SWAPPED | G_CONNECT_AFTER);
    }
  g_signal_connect_swapped (devices, "notify::selected-microphone",
                            G_CALLBACK (selected_changed_cb), self);
  g_signal_connect_swapped (devices, "notify::selected-speaker", G_CALLBACK (selected_changed_cb),
                            self);
  g_signal_connect_swapped (devices, "notify::selected-camera", G_CALLBACK (selected_changed_cb),
                            self);
  g_signal_connect_swapped (devices, "fell-back", G_CALLBACK (fell_back_cb), self);

  sync_rows (self);
  update_tester (self);
}

TrDeviceManager *
tr_device_pane_get_device_manager (TrDevicePane *self)
{
  g_return_val_if_fail (TR_IS_DEVICE_PANE (self), NULL);
  return self->devices;
}

GtkWidget *
tr_device_pane_window_new (GtkWindow       *parent,
                           TrDeviceManager *devices)
{
  GtkWidget *window = adw_preferences_window_new ();

  gtk_window_set_title (GTK_WINDOW (window), _ ("Devices"));
  gtk_window_set_transient_for (GTK_WINDOW (window), parent);
  gtk_window_set_default_size (GTK_WINDOW (window), 520, 640);
  /* Kept and presented again: GTK 4.8's AT-SPI code does not always cope with toplevels being
   * destroyed. */
  gtk_window_set_hide_on_close (GTK_WINDOW (window), TRUE);
  adw_preferences_window_set_search_enabled (ADW_PREFERENCES_WINDOW (window), FALSE);
  adw_preferences_window_add (ADW_PREFERENCES_WINDOW (window),
                              ADW_PREFERENCES_PAGE (tr_device_pane_new (devices)));
  tr_gui_name_descendants (window, GTK_TYPE_SEARCH_ENTRY, _ ("Search preferences"));
  tr_gui_name_descendants (window, GTK_TYPE_LIST_BOX, _ ("Search results"));
  return window;
}

void
tr_device_pane_apply_saved_choices (TrDeviceManager *devices,
                                    GSettings       *settings)
{
  g_return_if_fail (TR_IS_DEVICE_MANAGER (devices));
  g_return_if_fail (G_IS_SETTINGS (settings));

  /* The manager selects them when they are listed: at the first call or when the pane opens,
   * and again whenever they are plugged back in (nothing starts here). */
  for (guint kind = 0; kind < N_KINDS; kind++)
    {
      g_autofree char *id = g_settings_get_string (settings, settings_keys[kind]);

      tr_device_manager_set_preferred (devices, kind, id);
    }
}

char *
tr_device_fell_back_text (TrDeviceKind kind,
                          TrDevice    *lost,
                          TrDevice    *now)
{
  const char *lost_name = lost != NULL ? tr_device_get_name (lost) : _ ("The device");

  if (now != NULL)
    /* Translators: "USBHeadset was unplugged; using TestSpeaker" */
    return g_strdup_printf (_ ("%s was unplugged; using %s"), lost_name, tr_device_get_name (now));

  switch (kind)
    {
    case TR_DEVICE_KIND_MICROPHONE:
      return g_strdup_printf (_ ("%s was unplugged; no other microphone"), lost_name);
    case TR_DEVICE_KIND_SPEAKER:
      return g_strdup_printf (_ ("%s was unplugged; no other speaker"), lost_name);
    case TR_DEVICE_KIND_CAMERA:
    default:
      return g_strdup_printf (_ ("%s was unplugged; no other camera"), lost_name);
    }
}
