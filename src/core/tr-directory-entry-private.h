/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <json-glib/json-glib.h>

#include "tr-directory-entry.h"

G_BEGIN_DECLS

/* From a `directory.list` user object; NULL when it has no id. */
TrDirectoryEntry *_tr_directory_entry_new_from_json (JsonObject *object) G_GNUC_WARN_UNUSED_RESULT;

G_END_DECLS
