/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "TrCallView"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "tr-call-view.h"
#include "tr-device-pane.h"
#include "tr-display.h"
#include "tr-video-paintable.h"

enum
{
  PROP_0,
  PROP_CALLS,
  PROP_ACTIVE_CALL,
  N_PROPS
};
static GParamSpec *props[N_PROPS];

struct _TrCallView
{
  GtkWidget parent_instance;

  GtkWidget *content;
  GtkWidget *avatar;
  GtkWidget *name_label;
  GtkWidget *state_label;
  GtkWidget *transferor_label;
  GtkWidget *mute_button;
  GtkWidget *camera_button;
  GtkWidget *hold_button;
  GtkWidget *hold_caption;
  GtkWidget *dialpad_button;
  GtkWidget *dialpad_popover;
  GtkWidget *dialpad_grid;
  GtkWidget *transfer_button;
  GtkWidget *hangup_button;
  GtkWidget *others_label;
  GtkWidget *others_list;
  GtkWidget *devices_window; /* reused; destroyed with the view */

  TrDeviceManager *devices;
  GtkWidget  *remote_video;
  TrVideoPaintable *remote_paintable; /* the active call's video */
  gint64      last_frame_us;           /* when it last changed; 0: none since the call started */
  GListModel *calls;
  GListModel *directory;
  TrCall     *active_call;
  GHashTable *connected_since; /* TrCall (ref) → monotonic µs of the first CONNECTED */
  GHashTable *watched;         /* TrCall (ref) whose signals we follow */
  guint       tick_id;
};

G_DEFINE_FINAL_TYPE (TrCallView, tr_call_view, GTK_TYPE_WIDGET)

static void tr_call_view_refresh (TrCallView *self);
static void show_remote_video (TrCallView *self, gboolean show);

gint64
tr_call_view_get_duration (TrCallView *self, TrCall *call)
{
  gpointer since;

  if (call == NULL || !g_hash_table_lookup_extended (self->connected_since, call, NULL, &since))
    return 0;
  return (g_get_monotonic_time () - *(gint64 *)since) / G_USEC_PER_SEC;
}

static void
update_active_labels (TrCallView *self)
{
  g_autofree char *name = NULL;
  g_autofree char *text = NULL;
  g_autofree char *description = NULL;
  TrCallState      state;
  gint64           seconds;

  if (self->active_call == NULL)
    return;

  name = tr_call_dup_display_name (self->active_call);
  state = tr_call_get_state (self->active_call);
  seconds = tr_call_view_get_duration (self, self->active_call);

  if (state == TR_CALL_STATE_CONNECTED || state == TR_CALL_STATE_LOCAL_HOLD
      || state == TR_CALL_STATE_REMOTE_HOLD)
    {
      g_autofree char *duration = tr_format_duration (seconds);

      text = g_strdup_printf ("%s · %s", tr_call_state_text (state), duration);
    }
  else
    text = g_strdup (tr_call_state_text (state));

  gtk_label_set_label (GTK_LABEL (self->state_label), text);
  description = tr_call_description (name, state, seconds);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION,
                                  description, -1);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->name_label),
                                  GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, description, -1);
}

static gboolean
tick_cb (gpointer user_data)
{
  TrCallView *self = user_data;

  /* The other side stopped sending video (camera off, hold): the last frame goes. */
  if (self->last_frame_us != 0 && g_get_monotonic_time () - self->last_frame_us > 2 * G_USEC_PER_SEC)
    {
      self->last_frame_us = 0;
      tr_video_paintable_clear (self->remote_paintable);
      show_remote_video (self, FALSE);
    }
  update_active_labels (self);
  return G_SOURCE_CONTINUE;
}

/* The picture replaces the avatar while the other side sends video. */
static void
show_remote_video (TrCallView *self, gboolean show)
{
  gtk_widget_set_visible (self->remote_video, show);
  gtk_widget_set_visible (self->avatar, !show);
}

static void
remote_frame_cb (TrCallView *self)
{
  if (gdk_paintable_get_intrinsic_width (GDK_PAINTABLE (self->remote_paintable)) == 0)
    return;   /* cleared */
  self->last_frame_us = g_get_monotonic_time ();
  if (!gtk_widget_get_visible (self->remote_video))
    show_remote_video (self, TRUE);
}

/* The active call's video goes to the picture; another call's stops. */
static void
follow_remote_video (TrCallView *self, TrCall *old_call, TrCall *new_call)
{
  if (old_call != NULL)
    tr_call_set_remote_video_func (old_call, NULL, NULL, NULL);
  tr_video_paintable_clear (self->remote_paintable);
  self->last_frame_us = 0;
  show_remote_video (self, FALSE);
  if (new_call != NULL)
    tr_call_set_remote_video_func (new_call, tr_video_paintable_frame_func,
                                   g_object_ref (self->remote_paintable), g_object_unref);
}

static GtkWidget *
create_other_row (TrCallView *self, TrCall *call)
{
  g_autofree char *name = tr_call_dup_display_name (call);
  g_autofree char *button_label = g_strdup_printf (_ ("Switch to the call with %s"), name);
  GtkWidget       *row = adw_action_row_new ();
  GtkWidget       *button = gtk_button_new_from_icon_name ("media-playback-start-symbolic");

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), name);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), tr_call_state_text (tr_call_get_state (call)));
  gtk_accessible_update_property (GTK_ACCESSIBLE (row), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION,
                                  tr_call_state_text (tr_call_get_state (call)), -1);

  gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
  gtk_widget_set_tooltip_text (button, button_label);
  gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  button_label, -1);
  gtk_actionable_set_action_name (GTK_ACTIONABLE (button), "win.switch-call");
  if (tr_call_get_id (call) != NULL)
    gtk_actionable_set_action_target (GTK_ACTIONABLE (button), "s", tr_call_get_id (call));
  gtk_widget_add_css_class (button, "flat");
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), button);
  return row;
}

static void
call_changed_cb (TrCall *call, GParamSpec *pspec, gpointer user_data)
{
  TrCallView *self = user_data;

  if (tr_call_get_state (call) == TR_CALL_STATE_CONNECTED
      && !g_hash_table_contains (self->connected_since, call))
    {
      gint64 *now = g_new (gint64, 1);

      *now = g_get_monotonic_time ();
      g_hash_table_insert (self->connected_since, g_object_ref (call), now);
    }
  tr_call_view_refresh (self);
}

static void
watch_call (TrCallView *self, TrCall *call)
{
  if (!g_hash_table_add (self->watched, g_object_ref (call)))
    return;
  g_signal_connect_object (call, "notify::state", G_CALLBACK (call_changed_cb), self, 0);
  g_signal_connect_object (call, "notify::muted", G_CALLBACK (call_changed_cb), self, 0);
  g_signal_connect_object (call, "notify::video-enabled", G_CALLBACK (call_changed_cb), self, 0);
  g_signal_connect_object (call, "notify::id", G_CALLBACK (call_changed_cb), self, 0);
  call_changed_cb (call, NULL, self);
}

static void
tr_call_view_refresh (TrCallView *self)
{
  g_autofree TrCallState *states = NULL;
  g_autoptr (TrCall) active = NULL;
  GHashTableIter iter;
  gpointer       key;
  GtkWidget     *child;
  guint          n = self->calls ? g_list_model_get_n_items (self->calls) : 0;
  guint          n_others = 0;
  int            index;

  /* Forget calls that left the model. */
  g_hash_table_iter_init (&iter, self->watched);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    {
      gboolean found = FALSE;

      for (guint i = 0; i < n && !found; i++)
        {
          g_autoptr (TrCall) call = g_list_model_get_item (self->calls, i);

          found = (call == key);
        }
      if (!found)
        {
          g_signal_handlers_disconnect_by_func (key, call_changed_cb, self);
          g_hash_table_remove (self->connected_since, key);
          g_hash_table_iter_remove (&iter);
        }
    }

  states = g_new0 (TrCallState, MAX (n, 1));
  for (guint i = 0; i < n; i++)
    {
      g_autoptr (TrCall) call = g_list_model_get_item (self->calls, i);

      states[i] = tr_call_get_state (call);
    }
  index = tr_pick_active_call (states, n);
  if (index >= 0)
    active = g_list_model_get_item (self->calls, index);

  if (active != self->active_call)
    {
      g_autoptr (TrCall) old_call = self->active_call ? g_object_ref (self->active_call) : NULL;

      g_set_object (&self->active_call, active);
      follow_remote_video (self, old_call, active);
      g_object_notify_by_pspec (G_OBJECT (self), props[PROP_ACTIVE_CALL]);
    }

  while ((child = gtk_widget_get_first_child (self->others_list)) != NULL)
    gtk_list_box_remove (GTK_LIST_BOX (self->others_list), child);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr (TrCall) call = g_list_model_get_item (self->calls, i);

      if (call == self->active_call)
        continue;
      gtk_list_box_append (GTK_LIST_BOX (self->others_list), create_other_row (self, call));
      n_others++;
    }
  gtk_widget_set_visible (self->others_list, n_others > 0);
  gtk_widget_set_visible (self->others_label, n_others > 0);

  if (self->active_call != NULL)
    {
      g_autofree char *name = tr_call_dup_display_name (self->active_call);
      TrIdentifier    *transferor = tr_call_get_transferor (self->active_call);
      TrCallState      state = tr_call_get_state (self->active_call);

      gtk_label_set_label (GTK_LABEL (self->name_label), name);
      adw_avatar_set_text (ADW_AVATAR (self->avatar), name);
      gtk_widget_set_visible (self->transferor_label, transferor != NULL);
      if (transferor != NULL)
        {
          g_autofree char *tname = tr_identifier_dup_display_name (transferor, self->directory);
          g_autofree char *text = g_strdup_printf (_ ("Transferred by %s"), tname);

          gtk_label_set_label (GTK_LABEL (self->transferor_label), text);
        }
      gtk_toggle_button_set_active (GTK_TOGGLE_BUTTON (self->mute_button),
                                    tr_call_get_muted (self->active_call));
      gtk_toggle_button_set_active (GTK_TOGGLE_BUTTON (self->camera_button),
                                    tr_call_get_video_enabled (self->active_call));
      gtk_toggle_button_set_active (GTK_TOGGLE_BUTTON (self->hold_button),
                                    state == TR_CALL_STATE_LOCAL_HOLD);
      gtk_widget_set_tooltip_text (self->hold_button, state == TR_CALL_STATE_LOCAL_HOLD
                                                          ? _ ("Resume (Ctrl+H)")
                                                          : _ ("Hold (Ctrl+H)"));
      gtk_accessible_update_property (
          GTK_ACCESSIBLE (self->hold_button), GTK_ACCESSIBLE_PROPERTY_LABEL,
          state == TR_CALL_STATE_LOCAL_HOLD ? _ ("Resume") : _ ("Hold"), -1);
      gtk_label_set_label (GTK_LABEL (self->hold_caption),
                           state == TR_CALL_STATE_LOCAL_HOLD ? _ ("Resume") : _ ("Hold"));
      update_active_labels (self);
    }

  if (self->active_call != NULL && self->tick_id == 0)
    self->tick_id = g_timeout_add_seconds (1, tick_cb, self);
  else if (self->active_call == NULL)
    g_clear_handle_id (&self->tick_id, g_source_remove);
}

static void
calls_changed_cb (GListModel *calls, guint position, guint removed, guint added, gpointer user_data)
{
  TrCallView *self = user_data;

  for (guint i = position; i < position + added; i++)
    {
      g_autoptr (TrCall) call = g_list_model_get_item (calls, i);

      watch_call (self, call);
    }
  tr_call_view_refresh (self);
}

TrCall *
tr_call_view_get_active_call (TrCallView *self)
{
  g_return_val_if_fail (TR_IS_CALL_VIEW (self), NULL);
  return self->active_call;
}

void
tr_call_view_set_directory (TrCallView *self, GListModel *directory)
{
  g_return_if_fail (TR_IS_CALL_VIEW (self));
  if (g_set_object (&self->directory, directory))
    tr_call_view_refresh (self);
}

void
tr_call_view_set_calls (TrCallView *self, GListModel *calls)
{
  g_return_if_fail (TR_IS_CALL_VIEW (self));

  if (self->calls == calls)
    return;

  if (self->calls != NULL)
    g_signal_handlers_disconnect_by_data (self->calls, self);
  g_set_object (&self->calls, calls);
  if (calls != NULL)
    {
      g_signal_connect_object (calls, "items-changed", G_CALLBACK (calls_changed_cb), self, 0);
      calls_changed_cb (calls, 0, 0, g_list_model_get_n_items (calls), self);
    }
  else
    tr_call_view_refresh (self);
  g_object_notify_by_pspec (G_OBJECT (self), props[PROP_CALLS]);
}

static void
dialpad_clicked_cb (GtkButton *button, gpointer user_data)
{
  TrCallView *self = user_data;
  const char *digit = gtk_button_get_label (button);

  gtk_widget_activate_action (GTK_WIDGET (self), "win.dtmf", "s", digit);
}

static void
build_dialpad (TrCallView *self)
{
  static const char *const digits = "123456789*0#";

  for (guint i = 0; digits[i] != '\0'; i++)
    {
      char             label[2] = { digits[i], '\0' };
      GtkWidget       *button = gtk_button_new_with_label (label);
      g_autofree char *name = NULL;

      /* TRANSLATORS: accessible name of a dialpad key, e.g. "Send tone 5" */
      name = g_strdup_printf (_ ("Send tone %s"), label);
      gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL, name,
                                      -1);
      gtk_widget_add_css_class (button, "circular");
      gtk_widget_set_size_request (button, 48, 48);
      g_signal_connect (button, "clicked", G_CALLBACK (dialpad_clicked_cb), self);
      gtk_grid_attach (GTK_GRID (self->dialpad_grid), button, i % 3, i / 3, 1, 1);
    }
}

/* The device manager the calls use (tr_call_view_set_device_manager()). */
static TrDeviceManager *
get_devices (TrCallView *self)
{
  return self->devices;
}

static void
devices_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  TrCallView      *self = TR_CALL_VIEW (widget);
  TrDeviceManager *devices = get_devices (self);
  GtkRoot         *root = gtk_widget_get_root (widget);

  if (devices == NULL)
    return;
  /* One window, reused (it hides on close). */
  if (self->devices_window == NULL)
    self->devices_window
        = tr_device_pane_window_new (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL, devices);
  else
    {
      AdwPreferencesPage *page = adw_preferences_window_get_visible_page (
          ADW_PREFERENCES_WINDOW (self->devices_window));

      tr_device_pane_set_device_manager (TR_DEVICE_PANE (page), devices);
    }
  gtk_window_present (GTK_WINDOW (self->devices_window));
}

static void
tr_call_view_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  TrCallView *self = TR_CALL_VIEW (object);

  switch (prop_id)
    {
    case PROP_CALLS:
      g_value_set_object (value, self->calls);
      break;
    case PROP_ACTIVE_CALL:
      g_value_set_object (value, self->active_call);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tr_call_view_set_property (GObject *object, guint prop_id, const GValue *value, GParamSpec *pspec)
{
  TrCallView *self = TR_CALL_VIEW (object);

  switch (prop_id)
    {
    case PROP_CALLS:
      tr_call_view_set_calls (self, g_value_get_object (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tr_call_view_dispose (GObject *object)
{
  TrCallView    *self = TR_CALL_VIEW (object);
  GHashTableIter iter;
  gpointer       key;

  g_clear_handle_id (&self->tick_id, g_source_remove);
  if (self->calls != NULL)
    g_signal_handlers_disconnect_by_data (self->calls, self);
  if (self->watched != NULL)
    {
      g_hash_table_iter_init (&iter, self->watched);
      while (g_hash_table_iter_next (&iter, &key, NULL))
        g_signal_handlers_disconnect_by_func (key, call_changed_cb, self);
    }
  g_clear_pointer (&self->watched, g_hash_table_unref);
  g_clear_pointer (&self->connected_since, g_hash_table_unref);
  g_clear_object (&self->calls);
  g_clear_object (&self->directory);
  if (self->active_call != NULL)
    tr_call_set_remote_video_func (self->active_call, NULL, NULL, NULL);
  g_clear_object (&self->active_call);
  g_clear_object (&self->remote_paintable);
  g_clear_object (&self->devices);
  if (self->devices_window != NULL)
    gtk_window_destroy (GTK_WINDOW (g_steal_pointer (&self->devices_window)));
  gtk_widget_dispose_template (GTK_WIDGET (self), TR_TYPE_CALL_VIEW);

  G_OBJECT_CLASS (tr_call_view_parent_class)->dispose (object);
}

static void
tr_call_view_class_init (TrCallViewClass *klass)
{
  GObjectClass   *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->get_property = tr_call_view_get_property;
  object_class->set_property = tr_call_view_set_property;
  object_class->dispose = tr_call_view_dispose;

  props[PROP_CALLS]
      = g_param_spec_object ("calls", NULL, NULL, G_TYPE_LIST_MODEL,
                             G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  props[PROP_ACTIVE_CALL]
      = g_param_spec_object ("active-call", NULL, NULL, TR_TYPE_CALL,
                             G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, props);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/com/example/Transfer/tr-call-view.ui");
  gtk_widget_class_bind_template_child (widget_class, TrCallView, content);
  gtk_widget_class_bind_template_child (widget_class, TrCallView, avatar);
  gtk_widget_class_bind_template_child (widget_class, TrCallView, remote_video);
  gtk_widget_class_bind_template_child (widget_class, TrCallView, name_label);
  gtk_widget_class_bind_template_child (widget_class, TrCallView, state_label);
  gtk_widget_class_bind_template_child (widget_class, TrCallView, transferor_label);
  gtk_widget_class_bind_template_child (widget_class, TrCallView, mute_button);
  gtk_widget_class_bind_template_child (widget_class, TrCallView, camera_button);
  gtk_widget_class_bind_template_child (widget_class, TrCallView, hold_button);
  gtk_widget_class_bind_template_child (widget_class, TrCallView, hold_caption);
  gtk_widget_class_bind_template_child (widget_class, TrCallView, dialpad_button);
  gtk_widget_class_bind_template_child (widget_class, TrCallView, dialpad_popover);
  gtk_widget_class_bind_template_child (widget_class, TrCallView, dialpad_grid);
  gtk_widget_class_bind_template_child (widget_class, TrCallView, transfer_button);
  gtk_widget_class_bind_template_child (widget_class, TrCallView, hangup_button);
  gtk_widget_class_bind_template_child (widget_class, TrCallView, others_label);
  gtk_widget_class_bind_template_child (widget_class, TrCallView, others_list);

  gtk_widget_class_install_action (widget_class, "call-view.devices", NULL, devices_action);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_GROUP);
  gtk_widget_class_set_css_name (widget_class, "callview");
}

static void
tr_call_view_init (TrCallView *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->remote_paintable = tr_video_paintable_new ();
  gtk_picture_set_paintable (GTK_PICTURE (self->remote_video),
                             GDK_PAINTABLE (self->remote_paintable));
  g_signal_connect_object (self->remote_paintable, "invalidate-contents",
                           G_CALLBACK (remote_frame_cb), self, G_CONNECT_SWAPPED);
  self->connected_since = g_hash_table_new_full (NULL, NULL, g_object_unref, g_free);
  self->watched = g_hash_table_new_full (NULL, NULL, g_object_unref, NULL);
  build_dialpad (self);
}

GtkWidget *
tr_call_view_new (void)
{
  return g_object_new (TR_TYPE_CALL_VIEW, NULL);
}

void
tr_call_view_popup_dialpad (TrCallView *self)
{
  gtk_menu_button_popup (GTK_MENU_BUTTON (self->dialpad_button));
}

void
tr_call_view_set_device_manager (TrCallView *self, TrDeviceManager *devices)
{
  g_return_if_fail (TR_IS_CALL_VIEW (self));
  g_return_if_fail (devices == NULL || TR_IS_DEVICE_MANAGER (devices));

  g_set_object (&self->devices, devices);
}
