/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/*
 * Display logic of the app: what the widgets show, as plain functions of model values.
 * No GTK here, so tests/gui/test-display.c checks them without a display.
 */

#include "transfer-core.h"

G_BEGIN_DECLS

typedef enum
{
  TR_BANNER_ACTION_NONE,
  TR_BANNER_ACTION_RETRY,   /* "Retry Now": tr_call_agent_reconnect_now() */
  TR_BANNER_ACTION_SIGN_IN, /* "Sign In Again": a new token */
} TrBannerAction;

typedef struct
{
  gboolean       visible;
  char          *title;       /* short, e.g. "Reconnecting…" */
  char          *description; /* why, in words, and what is being done about it */
  TrBannerAction action;
  const char    *action_label; /* translated; NULL for NONE */
} TrBannerInfo;

/*
 * What the status banner says for the agent's connection. Hidden while CONNECTED.
 * @attempt: the agent's "reconnect-attempt"; @max_attempts: its options' reconnect_max_attempts;
 * @token_expired: the credential's expiry has passed (says "expired" rather than "not accepted").
 */
void tr_banner_info_compute (TrConnectionState state, TrDisconnectReason reason, guint attempt,
                             guint max_attempts, gboolean token_expired, TrBannerInfo *out);
void tr_banner_info_clear (TrBannerInfo *info);

typedef enum /*< flags >*/
{
  TR_TRANSFER_TARGET_NONE = 0,
  TR_TRANSFER_TARGET_PERSON = 1 << 0,    /* blind, to a user */
  TR_TRANSFER_TARGET_CALL = 1 << 1,      /* attended, to another call of mine */
  TR_TRANSFER_TARGET_VOICEMAIL = 1 << 2, /* to a user's voicemail */
} TrTransferTargets;

/* The locators the model supports (tr-transfer-locator.h): participant, call (attended) and
 * voicemail. Narrow this if a model without them is targeted: the dialog then does not offer
 * those kinds at all. */
#define TR_TRANSFER_TARGETS_SUPPORTED                                                              \
  (TR_TRANSFER_TARGET_PERSON | TR_TRANSFER_TARGET_CALL | TR_TRANSFER_TARGET_VOICEMAIL)

/*
 * Which kinds of transfer target the dialog offers for a call in @state.
 * @n_other_calls: my other calls that are connected or held (targets of an attended transfer);
 * @transfer_running: a transfer of this call is TRANSFERRING; @supported: what the model can do.
 */
TrTransferTargets tr_transfer_targets_allowed (TrCallState state, guint n_other_calls,
                                               gboolean          transfer_running,
                                               TrTransferTargets supported);

/*
 * A failure of a transfer (or of a call) in plain words: "Carol is busy.", "Carol declined the
 * call.", … @error: TR_ERROR (code = TrStatus) or G_IO_ERROR; @target_name: who it was for
 * (may be NULL). (transfer full)
 */
char *tr_failure_reason_text (const GError *error,
                              const char   *target_name) G_GNUC_WARN_UNUSED_RESULT;
/* The same for a TrStatus. */
char *tr_status_reason_text (TrStatus status, const char *target_name) G_GNUC_WARN_UNUSED_RESULT;
/* "Code 486" (code/subcode as "486.1" when the subcode matters); NULL without a TR_ERROR. */
char *tr_failure_code_text (const GError *error) G_GNUC_WARN_UNUSED_RESULT;

/* The state of a transfer attempt as a title: "Transferring to Carol…", "Transferred to Carol",
 * "Transfer failed". */
char *tr_transfer_state_text (TrTransferState state,
                              const char     *target_name) G_GNUC_WARN_UNUSED_RESULT;

/* "Calling…", "Ringing…", "Connected", "On hold", … (translated, static). */
const char *tr_call_state_text (TrCallState state);
/* "0:07", "12:34", "1:02:03". */
char *tr_format_duration (gint64 seconds) G_GNUC_WARN_UNUSED_RESULT;
/* The accessible description of a call: "Call with Bob: connected, 0:42". */
char *tr_call_description (const char *name, TrCallState state,
                           gint64 seconds) G_GNUC_WARN_UNUSED_RESULT;

/* Case-insensitive match of a search @query against a contact's id and name; "" matches all. */
gboolean tr_contact_matches (const char *query, const char *user_id, const char *name);
/* TRUE if @text is a user id the server accepts (1–64 of [A-Za-z0-9._@-], or "user:ID"). */
gboolean tr_user_id_is_valid (const char *text);
/* A user id made from a login name: lower case, invalid characters dropped; "me" if empty. */
char *tr_user_id_from_login (const char *login) G_GNUC_WARN_UNUSED_RESULT;

/* The incoming-call title: "Bob is calling" / "Bob is calling (transferred by Alice)". */
char *tr_incoming_call_text (const char *caller, const char *transferor) G_GNUC_WARN_UNUSED_RESULT;

/* The subtitle of a call history entry: "Outgoing · Busy", "Incoming · 1:02", "Missed". */
char *tr_record_subtitle (gboolean outgoing, gint64 answered_at_ms, gint64 ended_at_ms,
                          const TrCallEndReason *end_reason) G_GNUC_WARN_UNUSED_RESULT;

G_END_DECLS

G_BEGIN_DECLS
/* The server's service lines (docs/protocol.md) get their names from the server in English:
 * the translated name of line @user_id when @server_name is that line's English name (or NULL:
 * the caller knows it is a service line); else NULL. */
const char *tr_service_line_name (const char *user_id, const char *server_name);
/* The name to show for a call: the remote participant's display name (a service line's
 * translated), else the remote id. (transfer full) */
char *tr_call_dup_display_name (TrCall *call) G_GNUC_WARN_UNUSED_RESULT;
/* The name of an identifier: @directory's display name (GListModel of #TrDirectoryEntry,
 * nullable) else the raw id. (transfer full) */
char *tr_identifier_dup_display_name (TrIdentifier *id,
                                      GListModel   *directory) G_GNUC_WARN_UNUSED_RESULT;
/* Which of @n calls is the active one: the newest that is neither held by me nor ending;
 * else the newest still going; -1 if none. */
int tr_pick_active_call (const TrCallState *states, guint n);
G_END_DECLS
