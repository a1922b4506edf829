/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "TrDeviceManager"

#include "config.h"

#include <gst/gst.h>

#include "tr-device-manager.h"
#include "tr-device-private.h"
#include "tr-enum-types.h"
#include "tr-test-camera.h"

#define N_KINDS 3

enum {
  PROP_0,
  PROP_MICROPHONES,
  PROP_SPEAKERS,
  PROP_CAMERAS,
  PROP_SELECTED_MICROPHONE,
  PROP_SELECTED_SPEAKER,
  PROP_SELECTED_CAMERA,
  PROP_LOST_DEVICE,
  N_PROPS
};

enum {
  DEVICES_UPDATED,
  FELL_BACK,
  N_SIGNALS
};

static GParamSpec *props[N_PROPS];
static guint signals[N_SIGNALS];

struct _TrDeviceManager
{
  GObject           parent_instance;

  GstDeviceMonitor *monitor;
  guint             bus_watch;
  gboolean          started;
  GListStore       *devices[N_KINDS];
  TrDevice         *selected[N_KINDS];
  gboolean          chosen[N_KINDS];    /* the user picked the device (else: the default) */
  char             *preferred[N_KINDS]; /* the id to select whenever it is listed */
  TrDevice         *lost_device;

  GFileMonitor     *sound_server_monitor;
  guint             refresh_source;
};

G_DEFINE_FINAL_TYPE (TrDeviceManager, tr_device_manager, G_TYPE_OBJECT)

static void ensure_started (TrDeviceManager *self);

static GParamSpec *
selected_pspec (TrDeviceKind kind)
{
  return props[PROP_SELECTED_MICROPHONE + kind];
}

static gboolean
classify (GstDevice    *device,
          TrDeviceKind *kind)
{
  g_autoptr(GstStructure) properties = gst_device_get_properties (device);
  const char *device_class;

  if (properties != NULL)
    {
      device_class = gst_structure_get_string (properties, "device.class");
      /* Sound-server monitors of outputs are not microphones. */
      if (g_strcmp0 (device_class, "monitor") == 0)
        return FALSE;
    }

  if (gst_device_has_classes (device, "Audio/Source"))
    *kind = TR_DEVICE_KIND_MICROPHONE;
  else if (gst_device_has_classes (device, "Audio/Sink"))
    *kind = TR_DEVICE_KIND_SPEAKER;
  else if (gst_device_has_classes (device, "Video/Source"))
    *kind = TR_DEVICE_KIND_CAMERA;
  else
    return FALSE;

  return TRUE;
}

static char *
device_id (GstDevice *device)
{
  g_autoptr(GstStructure) properties = gst_device_get_properties (device);
  const char *id = NULL;

  if (g_object_class_find_property (G_OBJECT_GET_CLASS (device), "internal-name") != NULL)
    {
      char *name = NULL;

      g_object_get (device, "internal-name", &name, NULL);
      if (name != NULL)
        return name;
    }

  if (properties != NULL)
    {
      id = gst_structure_get_string (properties, "device.id");
      if (id == NULL)
        id = gst_structure_get_string (properties, "device.path");
      if (id == NULL)
        id = gst_structure_get_string (properties, "api.v4l2.path");
    }

  if (id != NULL)
    return g_strdup (id);

  return gst_device_get_display_name (device);
}

static gboolean
device_is_default (GstDevice *device)
{
  g_autoptr(GstStructure) properties = gst_device_get_properties (device);
  gboolean is_default = FALSE;

  if (properties != NULL)
    gst_structure_get_boolean (properties, "is-default", &is_default);

  return is_default;
}

static TrDevice *
find_by_id (TrDeviceManager *self,
            TrDeviceKind     kind,
            const char      *id,
            guint           *position)
{
  GListModel *model = G_LIST_MODEL (self->devices[kind]);
  guint n = g_list_model_get_n_items (model);

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(TrDevice) device = g_list_model_get_item (model, i);

      if (g_strcmp0 (tr_device_get_id (device), id) == 0)
        {
          if (position != NULL)
            *position = i;
          return device; /* the store keeps it */
        }
    }

  return NULL;
}

static TrDevice *
pick_fallback (TrDeviceManager *self,
               TrDeviceKind     kind)
{
  GListModel *model = G_LIST_MODEL (self->devices[kind]);
  TrDevice *device = tr_device_manager_get_default (self, kind);

  if (device == NULL && g_list_model_get_n_items (model) > 0)
    {
      g_autoptr(TrDevice) first = g_list_model_get_item (model, 0);

      device = first; /* the store keeps it */
    }

  return device;
}

static void
set_selected (TrDeviceManager *self,
              TrDeviceKind     kind,
              TrDevice        *device)
{
  if (!g_set_object (&self->selected[kind], device))
    return;

  g_debug ("Selected %s: %s", kind == TR_DEVICE_KIND_MICROPHONE ? "microphone"
                              : kind == TR_DEVICE_KIND_SPEAKER ? "speaker" : "camera",
           device ? tr_device_get_name (device) : "(none)");
  g_object_notify_by_pspec (G_OBJECT (self), selected_pspec (kind));
}

static void
add_device (TrDeviceManager *self,
            GstDevice       *gst_device)
{
  g_autoptr(TrDevice) device = NULL;
  g_autofree char *id = NULL;
  g_autofree char *name = NULL;
  TrDeviceKind kind;
  TrDevice *existing;

  if (!classify (gst_device, &kind))
    return;

  id = device_id (gst_device);
  name = gst_device_get_display_name (gst_device);
  existing = find_by_id (self, kind, id, NULL);
  if (existing != NULL)
    {
      /* gst_device_monitor_start() posts devices again; a change may flip the default. */
      _tr_device_set_is_default (existing, device_is_default (gst_device));
      return;
    }

  device = _tr_device_new (gst_device, kind, id, name, device_is_default (gst_device));
  g_list_store_append (self->devices[kind], device);
  g_debug ("Device added: %s (%s)", name, id);

  g_object_ref (self);
  g_signal_emit (self, signals[DEVICES_UPDATED], 0, kind, device, NULL);

  if (g_strcmp0 (self->preferred[kind], id) == 0 && self->selected[kind] != device)
    {
      /* The preferred device (back): it is the user's choice again. */
      self->chosen[kind] = TRUE;
      if (self->lost_device != NULL && tr_device_get_kind (self->lost_device) == kind)
        {
          g_clear_object (&self->lost_device);
          g_object_notify_by_pspec (G_OBJECT (self), props[PROP_LOST_DEVICE]);
        }
      set_selected (self, kind, device);
    }
  else if (self->selected[kind] == NULL
      || (!self->chosen[kind] && tr_device_get_is_default (device)
          && !tr_device_get_is_default (self->selected[kind])))
    set_selected (self, kind, pick_fallback (self, kind));
  g_object_unref (self);
}

static void
remove_device (TrDeviceManager *self,
               TrDeviceKind     kind,
               guint            position)
{
  g_autoptr(TrDevice) device = g_list_model_get_item (G_LIST_MODEL (self->devices[kind]),
                                                      position);

  g_object_ref (self);
  g_list_store_remove (self->devices[kind], position);
  g_debug ("Device removed: %s (%s)", tr_device_get_name (device), tr_device_get_id (device));
  g_signal_emit (self, signals[DEVICES_UPDATED], 0, kind, NULL, device);

  if (self->selected[kind] == device)
    {
      set_selected (self, kind, pick_fallback (self, kind));
      self->chosen[kind] = FALSE;
      if (g_set_object (&self->lost_device, device))
        g_object_notify_by_pspec (G_OBJECT (self), props[PROP_LOST_DEVICE]);
      g_signal_emit (self, signals[FELL_BACK], 0, kind, device);
    }
  g_object_unref (self);
}

static void
remove_gst_device (TrDeviceManager *self,
                   GstDevice       *gst_device)
{
  g_autofree char *id = NULL;
  TrDeviceKind kind;
  guint position;

  if (!classify (gst_device, &kind))
    return;

  id = device_id (gst_device);
  if (find_by_id (self, kind, id, &position) != NULL)
    remove_device (self, kind, position);
}

static gboolean
bus_cb (GstBus     *bus,
        GstMessage *message,
        gpointer    user_data)
{
  TrDeviceManager *self = user_data;
  g_autoptr(GstDevice) device = NULL;
  g_autoptr(GstDevice) changed = NULL;

  switch (GST_MESSAGE_TYPE (message))
    {
    case GST_MESSAGE_DEVICE_ADDED:
      gst_message_parse_device_added (message, &device);
      add_device (self, device);
      break;

    case GST_MESSAGE_DEVICE_REMOVED:
      gst_message_parse_device_removed (message, &device);
      remove_gst_device (self, device);
      break;

    case GST_MESSAGE_DEVICE_CHANGED:
      gst_message_parse_device_changed (message, &device, &changed);
      add_device (self, device);
      break;

    default:
      break;
    }

  return G_SOURCE_CONTINUE;
}

/* Brings the lists in line with what the monitor lists now. */
static void
reconcile (TrDeviceManager *self)
{
  g_autolist(GstDevice) current = gst_device_monitor_get_devices (self->monitor);
  g_autoptr(GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  for (GList *l = current; l != NULL; l = l->next)
    {
      g_autofree char *id = NULL;
      TrDeviceKind kind;

      if (!classify (l->data, &kind))
        continue;
      id = device_id (l->data);
      g_hash_table_add (seen, g_strdup_printf ("%d/%s", kind, id));
    }

  for (guint kind = 0; kind < N_KINDS; kind++)
    {
      for (guint i = g_list_model_get_n_items (G_LIST_MODEL (self->devices[kind])); i > 0; i--)
        {
          g_autoptr(TrDevice) device = g_list_model_get_item (G_LIST_MODEL (self->devices[kind]),
                                                              i - 1);
          g_autofree char *key = g_strdup_printf ("%d/%s", kind, tr_device_get_id (device));

          if (!g_hash_table_contains (seen, key))
            remove_device (self, kind, i - 1);
        }
    }

  for (GList *l = current; l != NULL; l = l->next)
    add_device (self, l->data);
}

static void
start_monitor (TrDeviceManager *self)
{
  g_autoptr(GstBus) bus = NULL;

  self->monitor = gst_device_monitor_new ();
  gst_device_monitor_add_filter (self->monitor, "Audio/Source", NULL);
  gst_device_monitor_add_filter (self->monitor, "Audio/Sink", NULL);
  gst_device_monitor_add_filter (self->monitor, "Video/Source", NULL);

  bus = gst_device_monitor_get_bus (self->monitor);
  self->bus_watch = gst_bus_add_watch (bus, bus_cb, self);

  if (!gst_device_monitor_start (self->monitor))
    g_debug ("The device monitor did not start (no device provider)");

  reconcile (self);
}

static void
stop_monitor (TrDeviceManager *self)
{
  if (self->monitor == NULL)
    return;

  g_clear_handle_id (&self->bus_watch, g_source_remove);
  gst_device_monitor_stop (self->monitor);
  gst_clear_object (&self->monitor);
}

/* The PulseAudio (or pipewire-pulse) socket: its re-creation means the sound server restarted,
 * which leaves the device monitor stale. */
static GFile *
sound_server_socket (void)
{
  const char *server = g_getenv ("PULSE_SERVER");

  if (server != NULL)
    {
      g_auto(GStrv) parts = g_strsplit_set (server, " ", -1);

      for (guint i = 0; parts[i] != NULL; i++)
        if (g_str_has_prefix (parts[i], "unix:"))
          return g_file_new_for_path (parts[i] + strlen ("unix:"));
      return NULL;
    }

  return g_file_new_build_filename (g_get_user_runtime_dir (), "pulse", "native", NULL);
}

static gboolean
refresh_cb (gpointer user_data)
{
  TrDeviceManager *self = user_data;

  self->refresh_source = 0;
  tr_device_manager_refresh (self);

  return G_SOURCE_REMOVE;
}

static void
sound_server_changed_cb (GFileMonitor      *monitor,
                         GFile             *file,
                         GFile             *other_file,
                         GFileMonitorEvent  event,
                         gpointer           user_data)
{
  TrDeviceManager *self = user_data;

  if (event != G_FILE_MONITOR_EVENT_CREATED)
    return;

  /* Give the new server a moment to load its devices. */
  g_debug ("The sound server restarted");
  g_clear_handle_id (&self->refresh_source, g_source_remove);
  self->refresh_source = g_timeout_add (300, refresh_cb, self);
}

static void
ensure_started (TrDeviceManager *self)
{
  g_autoptr(GFile) socket = NULL;

  if (self->started)
    return;

  self->started = TRUE;
  /* GStreamer is only initialised when devices or media are used. */
  gst_init (NULL, NULL);
  if (g_strcmp0 (g_getenv ("TRANSFER_TEST_CAMERA"), "1") == 0)
    _tr_test_camera_register ();
  start_monitor (self);

  socket = sound_server_socket ();
  if (socket != NULL)
    self->sound_server_monitor = g_file_monitor_file (socket, G_FILE_MONITOR_NONE, NULL, NULL);
  if (self->sound_server_monitor != NULL)
    g_signal_connect (self->sound_server_monitor, "changed",
                      G_CALLBACK (sound_server_changed_cb), self);
}

static void
tr_device_manager_get_property (GObject    *object,
                                guint       prop_id,
                                GValue     *value,
                                GParamSpec *pspec)
{
  TrDeviceManager *self = TR_DEVICE_MANAGER (object);

  switch (prop_id)
    {
    case PROP_MICROPHONES:
    case PROP_SPEAKERS:
    case PROP_CAMERAS:
      g_value_set_object (value, tr_device_manager_get_devices (self, prop_id - PROP_MICROPHONES));
      break;
    case PROP_SELECTED_MICROPHONE:
    case PROP_SELECTED_SPEAKER:
    case PROP_SELECTED_CAMERA:
      g_value_set_object (value, tr_device_manager_get_selected (self,
                                                                 prop_id - PROP_SELECTED_MICROPHONE));
      break;
    case PROP_LOST_DEVICE:
      g_value_set_object (value, self->lost_device);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tr_device_manager_set_property (GObject      *object,
                                guint         prop_id,
                                const GValue *value,
                                GParamSpec   *pspec)
{
  TrDeviceManager *self = TR_DEVICE_MANAGER (object);

  switch (prop_id)
    {
    case PROP_SELECTED_MICROPHONE:
    case PROP_SELECTED_SPEAKER:
    case PROP_SELECTED_CAMERA:
      tr_device_manager_select (self, prop_id - PROP_SELECTED_MICROPHONE,
                                g_value_get_object (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tr_device_manager_dispose (GObject *object)
{
  TrDeviceManager *self = TR_DEVICE_MANAGER (object);

  stop_monitor (self);
  g_clear_handle_id (&self->refresh_source, g_source_remove);
  if (self->sound_server_monitor != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->sound_server_monitor, self);
      g_file_monitor_cancel (self->sound_server_monitor);
      g_clear_object (&self->sound_server_monitor);
    }
  for (guint kind = 0; kind < N_KINDS; kind++)
    g_clear_object (&self->selected[kind]);
  g_clear_object (&self->lost_device);

  G_OBJECT_CLASS (tr_device_manager_parent_class)->dispose (object);
}

static void
tr_device_manager_finalize (GObject *object)
{
  TrDeviceManager *self = TR_DEVICE_MANAGER (object);

  for (guint kind = 0; kind < N_KINDS; kind++)
    {
      g_clear_object (&self->devices[kind]);
      g_free (self->preferred[kind]);
    }

  G_OBJECT_CLASS (tr_device_manager_parent_class)->finalize (object);
}

static void
tr_device_manager_class_init (TrDeviceManagerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags flags = G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY;
  GParamFlags rw = G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY;

  object_class->get_property = tr_device_manager_get_property;
  object_class->set_property = tr_device_manager_set_property;
  object_class->dispose = tr_device_manager_dispose;
  object_class->finalize = tr_device_manager_finalize;

  props[PROP_MICROPHONES] = g_param_spec_object ("microphones", NULL, NULL, G_TYPE_LIST_MODEL,
                                                 flags);
  props[PROP_SPEAKERS] = g_param_spec_object ("speakers", NULL, NULL, G_TYPE_LIST_MODEL, flags);
  props[PROP_CAMERAS] = g_param_spec_object ("cameras", NULL, NULL, G_TYPE_LIST_MODEL, flags);
  props[PROP_SELECTED_MICROPHONE] = g_param_spec_object ("selected-microphone", NULL, NULL,
                                                         TR_TYPE_DEVICE, rw);
  props[PROP_SELECTED_SPEAKER] = g_param_spec_object ("selected-speaker", NULL, NULL,
                                                      TR_TYPE_DEVICE, rw);
  props[PROP_SELECTED_CAMERA] = g_param_spec_object ("selected-camera", NULL, NULL,
                                                     TR_TYPE_DEVICE, rw);
  props[PROP_LOST_DEVICE] = g_param_spec_object ("lost-device", NULL, NULL, TR_TYPE_DEVICE, flags);

  g_object_class_install_properties (object_class, N_PROPS, props);

  signals[DEVICES_UPDATED] =
    g_signal_new ("devices-updated", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 3, TR_TYPE_DEVICE_KIND, TR_TYPE_DEVICE,
                  TR_TYPE_DEVICE);
  signals[FELL_BACK] =
    g_signal_new ("fell-back", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 2, TR_TYPE_DEVICE_KIND, TR_TYPE_DEVICE);
}

static void
tr_device_manager_init (TrDeviceManager *self)
{
  for (guint kind = 0; kind < N_KINDS; kind++)
    self->devices[kind] = g_list_store_new (TR_TYPE_DEVICE);
}

TrDeviceManager *
tr_device_manager_new (void)
{
  return g_object_new (TR_TYPE_DEVICE_MANAGER, NULL);
}

GListModel *
tr_device_manager_get_devices (TrDeviceManager *self,
                               TrDeviceKind     kind)
{
  g_return_val_if_fail (TR_IS_DEVICE_MANAGER (self), NULL);
  g_return_val_if_fail (kind < N_KINDS, NULL);

  ensure_started (self);
  return G_LIST_MODEL (self->devices[kind]);
}

GListModel *
tr_device_manager_get_microphones (TrDeviceManager *self)
{
  return tr_device_manager_get_devices (self, TR_DEVICE_KIND_MICROPHONE);
}

GListModel *
tr_device_manager_get_speakers (TrDeviceManager *self)
{
  return tr_device_manager_get_devices (self, TR_DEVICE_KIND_SPEAKER);
}

GListModel *
tr_device_manager_get_cameras (TrDeviceManager *self)
{
  return tr_device_manager_get_devices (self, TR_DEVICE_KIND_CAMERA);
}

TrDevice *
tr_device_manager_get_selected (TrDeviceManager *self,
                                TrDeviceKind     kind)
{
  g_return_val_if_fail (TR_IS_DEVICE_MANAGER (self), NULL);
  g_return_val_if_fail (kind < N_KINDS, NULL);

  ensure_started (self);
  return self->selected[kind];
}

TrDevice *
tr_device_manager_get_selected_microphone (TrDeviceManager *self)
{
  return tr_device_manager_get_selected (self, TR_DEVICE_KIND_MICROPHONE);
}

TrDevice *
tr_device_manager_get_selected_speaker (TrDeviceManager *self)
{
  return tr_device_manager_get_selected (self, TR_DEVICE_KIND_SPEAKER);
}

TrDevice *
tr_device_manager_get_selected_camera (TrDeviceManager *self)
{
  return tr_device_manager_get_selected (self, TR_DEVICE_KIND_CAMERA);
}

TrDevice *
tr_device_manager_get_default (TrDeviceManager *self,
                               TrDeviceKind     kind)
{
  GListModel *model;
  guint n;

  g_return_val_if_fail (TR_IS_DEVICE_MANAGER (self), NULL);
  g_return_val_if_fail (kind < N_KINDS, NULL);

  ensure_started (self);
  model = G_LIST_MODEL (self->devices[kind]);
  n = g_list_model_get_n_items (model);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(TrDevice) device = g_list_model_get_item (model, i);

      if (tr_device_get_is_default (device))
        return device; /* the store keeps it */
    }

  return NULL;
}

TrDevice *
tr_device_manager_get_lost_device (TrDeviceManager *self)
{
  g_return_val_if_fail (TR_IS_DEVICE_MANAGER (self), NULL);
  return self->lost_device;
}

void
tr_device_manager_select (TrDeviceManager *self,
                          TrDeviceKind     kind,
                          TrDevice        *device)
{
  g_return_if_fail (TR_IS_DEVICE_MANAGER (self));
  g_return_if_fail (kind < N_KINDS);
  g_return_if_fail (device == NULL || TR_IS_DEVICE (device));

  ensure_started (self);

  if (device != NULL && (tr_device_get_kind (device) != kind
                         || find_by_id (self, kind, tr_device_get_id (device), NULL) != device))
    {
      g_debug ("Not a listed device of that kind: %s", tr_device_get_name (device));
      return;
    }

  self->chosen[kind] = device != NULL;
  if (device == NULL)
    device = pick_fallback (self, kind);

  if (self->lost_device != NULL && tr_device_get_kind (self->lost_device) == kind)
    {
      g_clear_object (&self->lost_device);
      g_object_notify_by_pspec (G_OBJECT (self), props[PROP_LOST_DEVICE]);
    }

  set_selected (self, kind, device);
}

void
tr_device_manager_set_preferred (TrDeviceManager *self,
                                 TrDeviceKind     kind,
                                 const char      *id)
{
  TrDevice *device;

  g_return_if_fail (TR_IS_DEVICE_MANAGER (self));
  g_return_if_fail (kind < N_KINDS);

  g_free (self->preferred[kind]);
  self->preferred[kind] = id != NULL && *id != '\0' ? g_strdup (id) : NULL;

  /* Not listed yet (or the monitor not started): add_device() selects it when it comes. */
  if (!self->started || self->preferred[kind] == NULL)
    return;
  device = find_by_id (self, kind, self->preferred[kind], NULL);
  if (device != NULL && device != self->selected[kind])
    tr_device_manager_select (self, kind, device);
}

const char *
tr_device_manager_get_preferred (TrDeviceManager *self,
                                 TrDeviceKind     kind)
{
  g_return_val_if_fail (TR_IS_DEVICE_MANAGER (self), NULL);
  g_return_val_if_fail (kind < N_KINDS, NULL);
  return self->preferred[kind];
}

void
tr_device_manager_select_microphone (TrDeviceManager *self,
                                     TrDevice        *device)
{
  tr_device_manager_select (self, TR_DEVICE_KIND_MICROPHONE, device);
}

void
tr_device_manager_select_speaker (TrDeviceManager *self,
                                  TrDevice        *device)
{
  tr_device_manager_select (self, TR_DEVICE_KIND_SPEAKER, device);
}

void
tr_device_manager_select_camera (TrDeviceManager *self,
                                 TrDevice        *device)
{
  tr_device_manager_select (self, TR_DEVICE_KIND_CAMERA, device);
}

TrDevice *
tr_device_manager_find (TrDeviceManager *self,
                        TrDeviceKind     kind,
                        const char      *id_or_name)
{
  GListModel *model;
  TrDevice *device;
  guint n;

  g_return_val_if_fail (TR_IS_DEVICE_MANAGER (self), NULL);
  g_return_val_if_fail (kind < N_KINDS, NULL);

  if (id_or_name == NULL)
    return NULL;

  ensure_started (self);
  if ((device = find_by_id (self, kind, id_or_name, NULL)) != NULL)
    return device;

  model = G_LIST_MODEL (self->devices[kind]);
  n = g_list_model_get_n_items (model);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(TrDevice) item = g_list_model_get_item (model, i);

      if (g_strcmp0 (tr_device_get_name (item), id_or_name) == 0)
        return item; /* the store keeps it */
    }

  return NULL;
}

void
tr_device_manager_enable_test_camera (TrDeviceManager *self)
{
  g_return_if_fail (TR_IS_DEVICE_MANAGER (self));

  if (_tr_test_camera_is_registered ())
    {
      ensure_started (self);
      return;
    }

  _tr_test_camera_register ();
  if (self->started)
    tr_device_manager_refresh (self);
  else
    ensure_started (self);
}

void
tr_device_manager_refresh (TrDeviceManager *self)
{
  g_return_if_fail (TR_IS_DEVICE_MANAGER (self));

  if (!self->started)
    {
      ensure_started (self);
      return;
    }

  g_debug ("Restarting the device monitor");
  g_object_ref (self);
  stop_monitor (self);
  start_monitor (self);
  g_object_unref (self);
}
