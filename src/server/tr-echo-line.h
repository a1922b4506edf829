/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib-object.h>

#include "tr-line-peer.h"
#include "tr-service-line.h"

G_BEGIN_DECLS

#define TR_ECHO_LINE_ID "echo"

#define TR_TYPE_ECHO_LINE (tr_echo_line_get_type ())
G_DECLARE_FINAL_TYPE (TrEchoLine, tr_echo_line, TR, ECHO_LINE, GObject)

/* The sound test: answers at once and returns the caller's audio and video as they came
 * (depayloaded and payloaded again with the offer's payload types, never re-encoded). */
TrEchoLine *tr_echo_line_new (const TrLineMediaConfig *config) G_GNUC_WARN_UNUSED_RESULT;

G_END_DECLS
