/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "TrDisplay"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "tr-display.h"

void
tr_banner_info_clear (TrBannerInfo *info)
{
  g_clear_pointer (&info->title, g_free);
  g_clear_pointer (&info->description, g_free);
  info->visible = FALSE;
  info->action = TR_BANNER_ACTION_NONE;
  info->action_label = NULL;
}

void
tr_banner_info_compute (TrConnectionState state, TrDisconnectReason reason, guint attempt,
                        guint max_attempts, gboolean token_expired, TrBannerInfo *out)
{
  g_return_if_fail (out != NULL);

  memset (out, 0, sizeof *out);
  out->action = TR_BANNER_ACTION_NONE;

  switch (state)
    {
    case TR_CONNECTION_STATE_CONNECTED:
      out->visible = FALSE;
      return;

    case TR_CONNECTION_STATE_CONNECTING:
      out->visible = TRUE;
      if (attempt == 0)
        {
          out->title = g_strdup (_ ("Connecting…"));
          out->description = g_strdup (_ ("Signing in to the server."));
          return;
        }
      out->title = g_strdup (_ ("Reconnecting…"));
      if (max_attempts > 0 && attempt <= max_attempts)
        out->description = g_strdup_printf (_ ("Connection problem: the server cannot be reached. "
                                               "Reconnect attempt %u of %u."),
                                            attempt, max_attempts);
      else
        out->description = g_strdup_printf (_ ("Connection problem: the server cannot be reached. "
                                               "Reconnect attempt %u."),
                                            attempt);
      out->action = TR_BANNER_ACTION_RETRY;
      out->action_label = _ ("Retry Now");
      return;

    case TR_CONNECTION_STATE_DISCONNECTED:
    default:
      out->visible = TRUE;
      switch (reason)
        {
        case TR_DISCONNECT_REASON_INVALID_TOKEN:
          out->title = g_strdup (_ ("Signed out"));
          out->description = g_strdup (
              token_expired ? _ ("Your sign-in has expired. Sign in again to make and "
                                 "receive calls.")
                            : _ ("The server no longer accepts your sign-in (the token "
                                 "is invalid or was revoked). Sign in again to make and "
                                 "receive calls."));
          out->action = TR_BANNER_ACTION_SIGN_IN;
          out->action_label = _ ("Sign In Again");
          return;

        case TR_DISCONNECT_REASON_CONNECTION_ISSUE:
          out->title = g_strdup (_ ("Disconnected"));
          if (attempt > 0)
            out->description = g_strdup_printf (_ ("Connection problem: the server cannot be "
                                                   "reached. Still trying in the background "
                                                   "(attempt %u)."),
                                                attempt);
          else
            out->description = g_strdup (_ ("Connection problem: the server cannot be reached. "
                                            "Still trying in the background."));
          out->action = TR_BANNER_ACTION_RETRY;
          out->action_label = _ ("Retry Now");
          return;

        case TR_DISCONNECT_REASON_NONE:
        default:
          out->title = g_strdup (_ ("Offline"));
          out->description = g_strdup (_ ("You are not connected to the server."));
          out->action = TR_BANNER_ACTION_RETRY;
          out->action_label = _ ("Connect");
          return;
        }
    }
}

TrTransferTargets
tr_transfer_targets_allowed (TrCallState state, guint n_other_calls, gboolean transfer_running,
                             TrTransferTargets supported)
{
  TrTransferTargets targets = TR_TRANSFER_TARGET_NONE;

  if (transfer_running)
    return TR_TRANSFER_TARGET_NONE;

  switch (state)
    {
    case TR_CALL_STATE_CONNECTED:
    case TR_CALL_STATE_LOCAL_HOLD:
    case TR_CALL_STATE_REMOTE_HOLD:
      break;
    case TR_CALL_STATE_NONE:
    case TR_CALL_STATE_CONNECTING:
    case TR_CALL_STATE_RINGING:
    case TR_CALL_STATE_DISCONNECTING:
    case TR_CALL_STATE_DISCONNECTED:
    default:
      return TR_TRANSFER_TARGET_NONE;
    }

  targets |= TR_TRANSFER_TARGET_PERSON | TR_TRANSFER_TARGET_VOICEMAIL;
  if (n_other_calls > 0)
    targets |= TR_TRANSFER_TARGET_CALL;

  return targets & supported;
}

static const char *
name_or_them (const char *target_name)
{
  return (target_name != NULL && *target_name != '\0') ? target_name : NULL;
}

char *
tr_status_reason_text (TrStatus status, const char *target_name)
{
  const char *who = name_or_them (target_name);

  switch (status)
    {
    case TR_STATUS_BUSY:
      return who ? g_strdup_printf (_ ("%s is busy."), who) : g_strdup (_ ("They are busy."));
    case TR_STATUS_DECLINED:
      return who ? g_strdup_printf (_ ("%s declined the call."), who)
                 : g_strdup (_ ("The call was declined."));
    case TR_STATUS_NO_ANSWER:
      return who ? g_strdup_printf (_ ("%s did not answer in time."), who)
                 : g_strdup (_ ("No answer in time."));
    case TR_STATUS_OFFLINE:
      return who ? g_strdup_printf (_ ("%s is offline."), who) : g_strdup (_ ("They are offline."));
    case TR_STATUS_UNKNOWN_IDENTITY:
      return who ? g_strdup_printf (_ ("There is no user “%s” on this server."), who)
                 : g_strdup (_ ("There is no such user on this server."));
    case TR_STATUS_NOT_PARTICIPANT:
    case TR_STATUS_NOT_YOUR_CALL:
    case TR_STATUS_SCOPE_MISSING:
    case TR_STATUS_ADMIN_REQUIRED:
    case TR_STATUS_TRANSFER_MISMATCH:
      return g_strdup (_ ("Not allowed: you may not transfer this call."));
    case TR_STATUS_FORWARDING_LOOP:
      return g_strdup (_ ("Their forwarding rules go round in a loop."));
    case TR_STATUS_TRANSFER_IN_PROGRESS:
      return g_strdup (_ ("Another transfer of this call is still running."));
    case TR_STATUS_TRANSFEREE_HUNG_UP:
    case TR_STATUS_TRANSFEREE_UNRESPONSIVE:
      return g_strdup (_ ("The person being transferred hung up or stopped responding."));
    case TR_STATUS_CALL_NOT_FOUND:
    case TR_STATUS_TARGET_CALL_ENDED:
      return g_strdup (_ ("The call has already ended."));
    case TR_STATUS_CANCELLED:
    case TR_STATUS_ANSWERED_ELSEWHERE:
      return g_strdup (_ ("The call was cancelled."));
    case TR_STATUS_CONNECTION_LOST:
      return g_strdup (_ ("The connection to the server was lost."));
    case TR_STATUS_NOT_IMPLEMENTED:
      return g_strdup (_ ("This server does not support this kind of transfer yet."));
    case TR_STATUS_RATE_LIMITED:
      return g_strdup (_ ("Too many requests: wait a moment and try again."));
    case TR_STATUS_TOKEN_EXPIRED:
      return g_strdup (_ ("Your sign-in has expired."));
    case TR_STATUS_TOKEN_INVALID:
    case TR_STATUS_TOKEN_REVOKED:
    case TR_STATUS_TOKEN_MISSING:
      return g_strdup (_ ("The server does not accept this token."));
    case TR_STATUS_HANGUP:
    case TR_STATUS_TRANSFERRED:
    case TR_STATUS_REPLACED:
    case TR_STATUS_MALFORMED_JSON:
    case TR_STATUS_UNKNOWN_TYPE:
    case TR_STATUS_MISSING_FIELD:
    case TR_STATUS_INVALID_FIELD:
    case TR_STATUS_TOO_LARGE:
    case TR_STATUS_OUT_OF_ORDER:
    case TR_STATUS_INTERNAL:
    default:
      return g_strdup (_ ("Something went wrong on the server."));
    }
}

char *
tr_failure_reason_text (const GError *error, const char *target_name)
{
  if (error == NULL)
    return g_strdup (_ ("The transfer failed."));

  if (error->domain == TR_ERROR)
    return tr_status_reason_text ((TrStatus)error->code, target_name);

  if (error->domain == G_IO_ERROR)
    {
      switch (error->code)
        {
        case G_IO_ERROR_NOT_CONNECTED:
          return g_strdup (_ ("Not connected to the server."));
        case G_IO_ERROR_TIMED_OUT:
          return g_strdup (_ ("The server did not reply in time."));
        case G_IO_ERROR_CONNECTION_CLOSED:
          return g_strdup (_ ("The connection to the server was lost."));
        case G_IO_ERROR_CANCELLED:
          return g_strdup (_ ("Cancelled."));
        case G_IO_ERROR_FAILED:
          return g_strdup (_ ("The call has already ended."));
        default:
          break;
        }
    }

  return g_strdup (_ ("The transfer failed."));
}

char *
tr_failure_code_text (const GError *error)
{
  guint code, subcode;

  if (error == NULL || error->domain != TR_ERROR)
    return NULL;

  code = tr_status_get_code ((TrStatus)error->code);
  subcode = tr_status_get_subcode ((TrStatus)error->code);
  if (subcode <= 1)
    /* TRANSLATORS: a protocol error code such as 486 (busy); like SIP codes */
    return g_strdup_printf (_ ("Code %u"), code);
  /* TRANSLATORS: a protocol error code and subcode such as 480.2 */
  return g_strdup_printf (_ ("Code %u.%u"), code, subcode);
}

char *
tr_transfer_state_text (TrTransferState state, const char *target_name)
{
  const char *who = name_or_them (target_name);

  switch (state)
    {
    case TR_TRANSFER_STATE_NONE:
    case TR_TRANSFER_STATE_TRANSFERRING:
      return who ? g_strdup_printf (_ ("Transferring to %s…"), who)
                 : g_strdup (_ ("Transferring…"));
    case TR_TRANSFER_STATE_TRANSFERRED:
      return who ? g_strdup_printf (_ ("Transferred to %s"), who) : g_strdup (_ ("Transferred"));
    case TR_TRANSFER_STATE_FAILED:
    default:
      return g_strdup (_ ("Transfer failed"));
    }
}

const char *
tr_call_state_text (TrCallState state)
{
  switch (state)
    {
    case TR_CALL_STATE_NONE:
    case TR_CALL_STATE_CONNECTING:
      return _ ("Calling…");
    case TR_CALL_STATE_RINGING:
      return _ ("Ringing…");
    case TR_CALL_STATE_CONNECTED:
      return _ ("Connected");
    case TR_CALL_STATE_LOCAL_HOLD:
      return _ ("On hold");
    case TR_CALL_STATE_REMOTE_HOLD:
      return _ ("Held by the other side");
    case TR_CALL_STATE_DISCONNECTING:
      return _ ("Hanging up…");
    case TR_CALL_STATE_DISCONNECTED:
    default:
      return _ ("Call ended");
    }
}

char *
tr_format_duration (gint64 seconds)
{
  if (seconds < 0)
    seconds = 0;
  if (seconds >= 3600)
    return g_strdup_printf ("%" G_GINT64_FORMAT ":%02d:%02d", seconds / 3600,
                            (int)(seconds / 60 % 60), (int)(seconds % 60));
  return g_strdup_printf ("%d:%02d", (int)(seconds / 60), (int)(seconds % 60));
}

char *
tr_call_description (const char *name, TrCallState state, gint64 seconds)
{
  g_autofree char *duration = tr_format_duration (seconds);

  /* Whole sentences, so that translators choose the words' forms and order. */
  switch (state)
    {
    case TR_CALL_STATE_CONNECTED:
      /* TRANSLATORS: "Call with Bob: connected, 0:42" */
      return g_strdup_printf (_ ("Call with %s: connected, %s"), name, duration);
    case TR_CALL_STATE_LOCAL_HOLD:
      /* TRANSLATORS: "Call with Bob: on hold, 0:42" */
      return g_strdup_printf (_ ("Call with %s: on hold, %s"), name, duration);
    case TR_CALL_STATE_REMOTE_HOLD:
      /* TRANSLATORS: "Call with Bob: held by the other side, 0:42" */
      return g_strdup_printf (_ ("Call with %s: held by the other side, %s"), name, duration);
    case TR_CALL_STATE_NONE:
    case TR_CALL_STATE_CONNECTING:
      return g_strdup_printf (_ ("Call with %s: calling…"), name);
    case TR_CALL_STATE_RINGING:
      return g_strdup_printf (_ ("Call with %s: ringing…"), name);
    case TR_CALL_STATE_DISCONNECTING:
      return g_strdup_printf (_ ("Call with %s: hanging up…"), name);
    case TR_CALL_STATE_DISCONNECTED:
    default:
      return g_strdup_printf (_ ("Call with %s: call ended"), name);
    }
}

gboolean
tr_contact_matches (const char *query, const char *user_id, const char *name)
{
  g_autofree char *q = NULL;
  g_autofree char *i = NULL;
  g_autofree char *n = NULL;

  if (query == NULL || *query == '\0')
    return TRUE;

  q = g_utf8_casefold (query, -1);
  i = user_id ? g_utf8_casefold (user_id, -1) : NULL;
  n = name ? g_utf8_casefold (name, -1) : NULL;
  return (i != NULL && strstr (i, q) != NULL) || (n != NULL && strstr (n, q) != NULL);
}

gboolean
tr_user_id_is_valid (const char *text)
{
  g_autoptr (TrIdentifier) id = NULL;

  if (text == NULL || *text == '\0')
    return FALSE;
  id = tr_identifier_new_from_string (text);
  return tr_identifier_get_kind (id) == TR_IDENTIFIER_KIND_USER;
}

char *
tr_user_id_from_login (const char *login)
{
  GString *out = g_string_new (NULL);

  for (const char *p = login ? login : ""; *p != '\0' && out->len < 64; p++)
    {
      char c = g_ascii_tolower (*p);

      if (g_ascii_isalnum (c) || c == '.' || c == '_' || c == '-' || c == '@')
        g_string_append_c (out, c);
    }
  if (out->len == 0)
    g_string_append (out, "me");
  return g_string_free (out, FALSE);
}

char *
tr_incoming_call_text (const char *caller, const char *transferor)
{
  if (transferor != NULL && *transferor != '\0')
    /* TRANSLATORS: "Bob is calling (transferred by Alice)" */
    return g_strdup_printf (_ ("%s is calling (transferred by %s)"), caller, transferor);
  return g_strdup_printf (_ ("%s is calling"), caller);
}

char *
tr_record_subtitle (gboolean outgoing, gint64 answered_at_ms, gint64 ended_at_ms,
                    const TrCallEndReason *end_reason)
{
  const char *direction = outgoing ? _ ("Outgoing") : _ ("Incoming");
  TrStatus    status = end_reason ? tr_call_end_reason_get_status (end_reason) : TR_STATUS_HANGUP;

  if (answered_at_ms > 0)
    {
      g_autofree char *duration = tr_format_duration (MAX (0, ended_at_ms - answered_at_ms) / 1000);

      if (status == TR_STATUS_TRANSFERRED)
        /* TRANSLATORS: "Incoming · 1:02 · transferred" */
        return g_strdup_printf (_ ("%s · %s · transferred"), direction, duration);
      return g_strdup_printf ("%s · %s", direction, duration);
    }

  if (!outgoing && status == TR_STATUS_DECLINED)
    /* TRANSLATORS: an incoming call I declined */
    return g_strdup_printf (_ ("%s · declined"), direction);
  if (!outgoing)
    return g_strdup (_ ("Missed"));

  if (status != TR_STATUS_HANGUP)
    {
      g_autofree char *reason = tr_status_reason_text (status, NULL);

      return g_strdup_printf ("%s · %s", direction, reason);
    }
  /* TRANSLATORS: an outgoing call nobody answered: "Outgoing · not answered" */
  return g_strdup_printf (_ ("%s · not answered"), direction);
}

const char *
tr_service_line_name (const char *user_id, const char *server_name)
{
  static const struct
  {
    const char *id;
    const char *name;
  } lines[] = {
    { "echo", N_ ("Echo test") },
    { "voicemail", N_ ("Voicemail") },
    { "line-busy", N_ ("Always busy") },
    { "line-noanswer", N_ ("Never answers") },
    { "line-decline", N_ ("Always declines") },
  };

  for (guint i = 0; user_id != NULL && i < G_N_ELEMENTS (lines); i++)
    if (strcmp (user_id, lines[i].id) == 0
        && (server_name == NULL || strcmp (server_name, lines[i].name) == 0))
      return _ (lines[i].name);
  return NULL;
}

char *
tr_identifier_dup_display_name (TrIdentifier *id, GListModel *directory)
{
  if (id == NULL)
    return g_strdup (_ ("Unknown"));

  if (directory != NULL)
    {
      guint n = g_list_model_get_n_items (directory);

      for (guint i = 0; i < n; i++)
        {
          g_autoptr (TrDirectoryEntry) entry = g_list_model_get_item (directory, i);
          const char *name = tr_directory_entry_get_display_name (entry);

          if (tr_identifier_equal (tr_directory_entry_get_identifier (entry), id) && name != NULL
              && *name != '\0')
            {
              const char *line = tr_service_line_name (tr_identifier_get_raw_id (id), name);

              return g_strdup (line != NULL ? line : name);
            }
        }
    }
  return g_strdup (tr_identifier_get_raw_id (id));
}

char *
tr_call_dup_display_name (TrCall *call)
{
  GListModel *participants = tr_call_get_remote_participants (call);

  if (participants != NULL && g_list_model_get_n_items (participants) > 0)
    {
      g_autoptr (TrRemoteParticipant) p = g_list_model_get_item (participants, 0);
      const char *name = tr_remote_participant_get_display_name (p);
      const char *line = tr_service_line_name (
          tr_identifier_get_raw_id (tr_call_get_remote_identifier (call)), name);

      if (line != NULL)
        return g_strdup (line);
      if (name != NULL && *name != '\0')
        return g_strdup (name);
    }
  return tr_identifier_dup_display_name (tr_call_get_remote_identifier (call), NULL);
}

int
tr_pick_active_call (const TrCallState *states, guint n)
{
  int fallback = -1;

  for (int i = (int)n - 1; i >= 0; i--)
    {
      switch (states[i])
        {
        case TR_CALL_STATE_DISCONNECTING:
        case TR_CALL_STATE_DISCONNECTED:
          break;
        case TR_CALL_STATE_LOCAL_HOLD:
          if (fallback < 0)
            fallback = i;
          break;
        case TR_CALL_STATE_NONE:
        case TR_CALL_STATE_CONNECTING:
        case TR_CALL_STATE_RINGING:
        case TR_CALL_STATE_CONNECTED:
        case TR_CALL_STATE_REMOTE_HOLD:
        default:
          return i;
        }
    }
  if (fallback < 0 && n > 0)
    fallback = (int)n - 1;
  return fallback;
}
