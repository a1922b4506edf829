/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <json-glib/json-glib.h>

#include "tr-call-record.h"

G_BEGIN_DECLS

/* From a `records.list` Record; NULL when it has no call id. */
TrCallRecord *_tr_call_record_new_from_json (JsonObject *object) G_GNUC_WARN_UNUSED_RESULT;

G_END_DECLS
