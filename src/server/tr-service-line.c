/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "TrServiceLine"

#include "config.h"

#include "tr-service-line.h"

G_DEFINE_INTERFACE (TrServiceLine, tr_service_line, G_TYPE_OBJECT)

static void
tr_service_line_default_init (TrServiceLineInterface *iface)
{
}

const char *
tr_service_line_get_id (TrServiceLine *self)
{
  g_return_val_if_fail (TR_IS_SERVICE_LINE (self), NULL);

  return TR_SERVICE_LINE_GET_IFACE (self)->get_id (self);
}

const char *
tr_service_line_get_display_name (TrServiceLine *self)
{
  g_return_val_if_fail (TR_IS_SERVICE_LINE (self), NULL);

  return TR_SERVICE_LINE_GET_IFACE (self)->get_display_name (self);
}

void
tr_service_line_incoming (TrServiceLine *self, TrSignaling *signaling, const char *call_id)
{
  TrServiceLineInterface *iface;

  g_return_if_fail (TR_IS_SERVICE_LINE (self));

  iface = TR_SERVICE_LINE_GET_IFACE (self);
  if (iface->incoming != NULL)
    iface->incoming (self, signaling, call_id);
}

void
tr_service_line_ended (TrServiceLine *self, TrSignaling *signaling, const char *call_id)
{
  TrServiceLineInterface *iface;

  g_return_if_fail (TR_IS_SERVICE_LINE (self));

  iface = TR_SERVICE_LINE_GET_IFACE (self);
  if (iface->ended != NULL)
    iface->ended (self, signaling, call_id);
}

void
tr_service_line_signal (TrServiceLine *self, TrSignaling *signaling, const char *call_id,
                        JsonObject *payload)
{
  TrServiceLineInterface *iface;

  g_return_if_fail (TR_IS_SERVICE_LINE (self));

  iface = TR_SERVICE_LINE_GET_IFACE (self);
  if (iface->signal != NULL)
    iface->signal (self, signaling, call_id, payload);
}
