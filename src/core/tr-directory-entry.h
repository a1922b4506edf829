/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib-object.h>

#include "tr-types.h"

G_BEGIN_DECLS

#define TR_TYPE_DIRECTORY_ENTRY (tr_directory_entry_get_type ())
G_DECLARE_FINAL_TYPE (TrDirectoryEntry, tr_directory_entry, TR, DIRECTORY_ENTRY, GObject)

/* One user or service line of the server's directory. Properties (read-only): "identifier",
 * "display-name", "kind" (#TrDirectoryEntryKind), "online". */
TrIdentifier        *tr_directory_entry_get_identifier   (TrDirectoryEntry *self);
const char          *tr_directory_entry_get_display_name (TrDirectoryEntry *self);
TrDirectoryEntryKind tr_directory_entry_get_kind         (TrDirectoryEntry *self);
gboolean             tr_directory_entry_get_online       (TrDirectoryEntry *self);

G_END_DECLS
