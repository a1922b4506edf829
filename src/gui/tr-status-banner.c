/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "TrStatusBanner"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "tr-display.h"
#include "tr-status-banner.h"

enum
{
  PROP_0,
  PROP_AGENT,
  PROP_MAX_ATTEMPTS,
  N_PROPS
};
static GParamSpec *props[N_PROPS];

struct _TrStatusBanner
{
  GtkWidget parent_instance;

  GtkWidget *box;
  GtkWidget *icon;
  GtkWidget *title_label;
  GtkWidget *description_label;
  GtkWidget *action_button;

  TrCallAgent  *agent;
  GSignalGroup *agent_signals;
  guint         max_attempts;
};

G_DEFINE_FINAL_TYPE (TrStatusBanner, tr_status_banner, GTK_TYPE_WIDGET)

static void
tr_status_banner_update (TrStatusBanner *self)
{
  TrBannerInfo info;
  gboolean     expired = FALSE;

  if (self->agent == NULL)
    {
      gtk_widget_set_visible (GTK_WIDGET (self), FALSE);
      return;
    }

  if (tr_call_agent_get_credential (self->agent) != NULL)
    {
      gint64 expires
          = tr_token_credential_get_expires_at (tr_call_agent_get_credential (self->agent));

      expired = expires > 0 && expires <= g_get_real_time () / G_USEC_PER_SEC;
    }

  tr_banner_info_compute (tr_call_agent_get_connection_state (self->agent),
                          tr_call_agent_get_disconnect_reason (self->agent),
                          tr_call_agent_get_reconnect_attempt (self->agent), self->max_attempts,
                          expired, &info);

  if (info.visible)
    {
      gtk_label_set_label (GTK_LABEL (self->title_label), info.title);
      gtk_label_set_label (GTK_LABEL (self->description_label), info.description);
      gtk_widget_set_visible (self->action_button, info.action != TR_BANNER_ACTION_NONE);
      if (info.action != TR_BANNER_ACTION_NONE)
        {
          gtk_button_set_label (GTK_BUTTON (self->action_button), info.action_label);
          gtk_actionable_set_action_name (
              GTK_ACTIONABLE (self->action_button),
              info.action == TR_BANNER_ACTION_SIGN_IN ? "win.sign-in-again" : "win.reconnect");
          gtk_accessible_update_property (GTK_ACCESSIBLE (self->action_button),
                                          GTK_ACCESSIBLE_PROPERTY_LABEL, info.action_label,
                                          GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, info.title, -1);
        }
      gtk_image_set_from_icon_name (GTK_IMAGE (self->icon), info.action == TR_BANNER_ACTION_SIGN_IN
                                                                ? "dialog-password-symbolic"
                                                                : "network-offline-symbolic");
      /* What an AT reads: the alert's name is the title, its description the reason. */
      gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                      info.title, GTK_ACCESSIBLE_PROPERTY_DESCRIPTION,
                                      info.description, -1);
    }
  gtk_widget_set_visible (GTK_WIDGET (self), info.visible);

  tr_banner_info_clear (&info);
}

static void
agent_changed_cb (TrStatusBanner *self)
{
  tr_status_banner_update (self);
}

TrCallAgent *
tr_status_banner_get_agent (TrStatusBanner *self)
{
  g_return_val_if_fail (TR_IS_STATUS_BANNER (self), NULL);
  return self->agent;
}

void
tr_status_banner_set_agent (TrStatusBanner *self, TrCallAgent *agent)
{
  g_return_if_fail (TR_IS_STATUS_BANNER (self));

  if (!g_set_object (&self->agent, agent))
    return;
  g_signal_group_set_target (self->agent_signals, agent);
  tr_status_banner_update (self);
  g_object_notify_by_pspec (G_OBJECT (self), props[PROP_AGENT]);
}

void
tr_status_banner_set_max_attempts (TrStatusBanner *self, guint max_attempts)
{
  g_return_if_fail (TR_IS_STATUS_BANNER (self));

  if (self->max_attempts == max_attempts)
    return;
  self->max_attempts = max_attempts;
  tr_status_banner_update (self);
  g_object_notify_by_pspec (G_OBJECT (self), props[PROP_MAX_ATTEMPTS]);
}

static void
tr_status_banner_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  TrStatusBanner *self = TR_STATUS_BANNER (object);

  switch (prop_id)
    {
    case PROP_AGENT:
      g_value_set_object (value, self->agent);
      break;
    case PROP_MAX_ATTEMPTS:
      g_value_set_uint (value, self->max_attempts);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tr_status_banner_set_property (GObject *object, guint prop_id, const GValue *value,
                               GParamSpec *pspec)
{
  TrStatusBanner *self = TR_STATUS_BANNER (object);

  switch (prop_id)
    {
    case PROP_AGENT:
      tr_status_banner_set_agent (self, g_value_get_object (value));
      break;
    case PROP_MAX_ATTEMPTS:
      tr_status_banner_set_max_attempts (self, g_value_get_uint (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tr_status_banner_dispose (GObject *object)
{
  TrStatusBanner *self = TR_STATUS_BANNER (object);

  g_signal_group_set_target (self->agent_signals, NULL);
  g_clear_object (&self->agent);
  g_clear_object (&self->agent_signals);
  gtk_widget_dispose_template (GTK_WIDGET (self), TR_TYPE_STATUS_BANNER);

  G_OBJECT_CLASS (tr_status_banner_parent_class)->dispose (object);
}

static void
tr_status_banner_class_init (TrStatusBannerClass *klass)
{
  GObjectClass   *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->get_property = tr_status_banner_get_property;
  object_class->set_property = tr_status_banner_set_property;
  object_class->dispose = tr_status_banner_dispose;

  props[PROP_AGENT]
      = g_param_spec_object ("agent", NULL, NULL, TR_TYPE_CALL_AGENT,
                             G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  props[PROP_MAX_ATTEMPTS]
      = g_param_spec_uint ("max-attempts", NULL, NULL, 0, G_MAXUINT, 6,
                           G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, props);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/com/example/Transfer/tr-status-banner.ui");
  gtk_widget_class_bind_template_child (widget_class, TrStatusBanner, box);
  gtk_widget_class_bind_template_child (widget_class, TrStatusBanner, icon);
  gtk_widget_class_bind_template_child (widget_class, TrStatusBanner, title_label);
  gtk_widget_class_bind_template_child (widget_class, TrStatusBanner, description_label);
  gtk_widget_class_bind_template_child (widget_class, TrStatusBanner, action_button);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_ALERT);
  gtk_widget_class_set_css_name (widget_class, "statusbanner");
}

static void
tr_status_banner_init (TrStatusBanner *self)
{
  self->max_attempts = 6;
  gtk_widget_init_template (GTK_WIDGET (self));

  self->agent_signals = g_signal_group_new (TR_TYPE_CALL_AGENT);
  g_signal_group_connect_swapped (self->agent_signals, "notify::connection-state",
                                  G_CALLBACK (agent_changed_cb), self);
  g_signal_group_connect_swapped (self->agent_signals, "notify::disconnect-reason",
                                  G_CALLBACK (agent_changed_cb), self);
  g_signal_group_connect_swapped (self->agent_signals, "notify::reconnect-attempt",
                                  G_CALLBACK (agent_changed_cb), self);
}

GtkWidget *
tr_status_banner_new (void)
{
  return g_object_new (TR_TYPE_STATUS_BANNER, NULL);
}
