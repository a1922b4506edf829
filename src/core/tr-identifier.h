/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib-object.h>

#include "tr-types.h"

G_BEGIN_DECLS

/**
 * TrIdentifier:
 *
 * Who a party is. Immutable, reference counted, boxed.
 *
 * Kinds: %TR_IDENTIFIER_KIND_USER (a user id of the server: 1–64 of `[A-Za-z0-9._@-]`) and
 * %TR_IDENTIFIER_KIND_UNKNOWN (anything else; the raw id is kept as given).
 *
 * String form (stable; tr_identifier_new_from_string (tr_identifier_to_string (x)) equals x):
 * - user: `"user:" ID`, e.g. `user:alice`
 * - unknown: the raw id unchanged
 *
 * tr_identifier_new_from_string() also accepts a bare valid user id (`alice`) as a user.
 */
#define TR_TYPE_IDENTIFIER (tr_identifier_get_type ())
GType             tr_identifier_get_type        (void) G_GNUC_CONST;

TrIdentifier     *tr_identifier_new_user        (const char *user_id) G_GNUC_WARN_UNUSED_RESULT;
TrIdentifier     *tr_identifier_new_unknown     (const char *raw_id) G_GNUC_WARN_UNUSED_RESULT;
/* Never fails: what is not a user becomes UNKNOWN with @string as raw id. */
TrIdentifier     *tr_identifier_new_from_string (const char *string) G_GNUC_WARN_UNUSED_RESULT;

TrIdentifier     *tr_identifier_ref             (TrIdentifier *self);
void              tr_identifier_unref           (TrIdentifier *self);

TrIdentifierKind  tr_identifier_get_kind        (const TrIdentifier *self);
/* The user id for USER, the raw id for UNKNOWN. */
const char       *tr_identifier_get_raw_id      (const TrIdentifier *self);
/* The stable string form (see above). */
const char       *tr_identifier_to_string       (const TrIdentifier *self);

gboolean          tr_identifier_equal           (gconstpointer a, gconstpointer b);
guint             tr_identifier_hash            (gconstpointer self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TrIdentifier, tr_identifier_unref)

G_END_DECLS
