/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include "transfer-core.h"

G_BEGIN_DECLS

#define TR_TYPE_STATUS_BANNER (tr_status_banner_get_type ())
G_DECLARE_FINAL_TYPE (TrStatusBanner, tr_status_banner, TR, STATUS_BANNER, GtkWidget)

/*
 * The connection banner (libadwaita 1.2 has no AdwBanner): accessible role alert; hidden (and
 * out of the accessibility tree) while the agent is connected; otherwise says why in words
 * (tr_banner_info_compute()) and offers the action that fixes it: its button activates
 * "win.reconnect" or "win.sign-in-again". Property "agent" (#TrCallAgent, nullable) and
 * "max-attempts" (the agent's reconnect_max_attempts).
 */
GtkWidget   *tr_status_banner_new (void);
void         tr_status_banner_set_agent (TrStatusBanner *self, TrCallAgent *agent);
TrCallAgent *tr_status_banner_get_agent (TrStatusBanner *self);
void         tr_status_banner_set_max_attempts (TrStatusBanner *self, guint max_attempts);

G_END_DECLS
