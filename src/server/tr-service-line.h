/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib-object.h>
#include <json-glib/json-glib.h>

#include "tr-server-types.h"

G_BEGIN_DECLS

#define TR_TYPE_SERVICE_LINE (tr_service_line_get_type ())
G_DECLARE_INTERFACE (TrServiceLine, tr_service_line, TR, SERVICE_LINE, GObject)

/**
 * TrServiceLineInterface:
 * @get_id: the line's user id ("line-busy")
 * @get_display_name: its directory name
 * @incoming: a call rings at the line; it answers, rejects or lets it ring through
 *   tr_signaling_line_*()
 * @ended: a call of the line ended (optional)
 * @signal: the caller relayed a `call.signal` payload (optional; media lines use it)
 *
 * A server-side participant. Lines are always online. They act on calls only through the
 * tr_signaling_line_*() functions, so media lines (echo, voicemail) plug in the same way.
 */
struct _TrServiceLineInterface
{
  GTypeInterface parent_iface;

  const char *(*get_id) (TrServiceLine *self);
  const char *(*get_display_name) (TrServiceLine *self);
  void (*incoming) (TrServiceLine *self, TrSignaling *signaling, const char *call_id);
  void (*ended) (TrServiceLine *self, TrSignaling *signaling, const char *call_id);
  void (*signal) (TrServiceLine *self, TrSignaling *signaling, const char *call_id,
                  JsonObject *payload);
};

const char *tr_service_line_get_id (TrServiceLine *self);
const char *tr_service_line_get_display_name (TrServiceLine *self);
void tr_service_line_incoming (TrServiceLine *self, TrSignaling *signaling, const char *call_id);
void tr_service_line_ended (TrServiceLine *self, TrSignaling *signaling, const char *call_id);
void tr_service_line_signal (TrServiceLine *self, TrSignaling *signaling, const char *call_id,
                             JsonObject *payload);

G_END_DECLS
