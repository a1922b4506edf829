/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "TrBasicLine"

#include "config.h"

#include "tr-basic-line.h"
#include "tr-signaling.h"

struct _TrBasicLine
{
  GObject parent_instance;

  TrBasicLineMode mode;
};

static void service_line_iface_init (TrServiceLineInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (TrBasicLine, tr_basic_line, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (TR_TYPE_SERVICE_LINE,
                                                      service_line_iface_init))

static const char *
tr_basic_line_get_id (TrServiceLine *line)
{
  TrBasicLine *self = TR_BASIC_LINE (line);

  switch (self->mode)
    {
    case TR_BASIC_LINE_BUSY:
      return "line-busy";
    case TR_BASIC_LINE_NO_ANSWER:
      return "line-noanswer";
    case TR_BASIC_LINE_DECLINE:
    default:
      return "line-decline";
    }
}

static const char *
tr_basic_line_get_display_name (TrServiceLine *line)
{
  TrBasicLine *self = TR_BASIC_LINE (line);

  switch (self->mode)
    {
    case TR_BASIC_LINE_BUSY:
      return "Always busy";
    case TR_BASIC_LINE_NO_ANSWER:
      return "Never answers";
    case TR_BASIC_LINE_DECLINE:
    default:
      return "Always declines";
    }
}

static void
tr_basic_line_incoming (TrServiceLine *line, TrSignaling *signaling, const char *call_id)
{
  TrBasicLine *self = TR_BASIC_LINE (line);

  switch (self->mode)
    {
    case TR_BASIC_LINE_BUSY:
      tr_signaling_line_reject (signaling, line, call_id, TR_STATUS_BUSY);
      break;
    case TR_BASIC_LINE_DECLINE:
      tr_signaling_line_reject (signaling, line, call_id, TR_STATUS_DECLINED);
      break;
    case TR_BASIC_LINE_NO_ANSWER:
    default:
      /* Let it ring: the callee's ring timeout ends it. */
      break;
    }
}

static void
service_line_iface_init (TrServiceLineInterface *iface)
{
  iface->get_id = tr_basic_line_get_id;
  iface->get_display_name = tr_basic_line_get_display_name;
  iface->incoming = tr_basic_line_incoming;
}

static void
tr_basic_line_class_init (TrBasicLineClass *klass)
{
}

static void
tr_basic_line_init (TrBasicLine *self)
{
}

TrBasicLine *
tr_basic_line_new (TrBasicLineMode mode)
{
  TrBasicLine *self = g_object_new (TR_TYPE_BASIC_LINE, NULL);

  self->mode = mode;
  return self;
}
