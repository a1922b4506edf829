/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib-object.h>

#include "tr-service-line.h"

G_BEGIN_DECLS

typedef enum
{
  TR_BASIC_LINE_BUSY,      /* "line-busy": rejects every call, 486/1 */
  TR_BASIC_LINE_NO_ANSWER, /* "line-noanswer": rings until the ring timeout */
  TR_BASIC_LINE_DECLINE,   /* "line-decline": rejects every call, 603/1 */
} TrBasicLineMode;

#define TR_TYPE_BASIC_LINE (tr_basic_line_get_type ())
G_DECLARE_FINAL_TYPE (TrBasicLine, tr_basic_line, TR, BASIC_LINE, GObject)

TrBasicLine *tr_basic_line_new (TrBasicLineMode mode) G_GNUC_WARN_UNUSED_RESULT;

G_END_DECLS
