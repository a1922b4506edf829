/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "TrCall"

#include "config.h"

#include "tr-call-agent-private.h"
#include "tr-call-private.h"
#include "tr-call-transfer-private.h"
#include "tr-enum-types.h"
#include "tr-identifier.h"
#include "tr-protocol.h"
#include "tr-remote-participant-private.h"
#include "tr-util-private.h"

enum {
  PROP_0,
  PROP_ID,
  PROP_DIRECTION,
  PROP_STATE,
  PROP_END_REASON,
  PROP_REMOTE_IDENTIFIER,
  PROP_TRANSFEROR,
  PROP_REMOTE_PARTICIPANTS,
  PROP_MUTED,
  PROP_VIDEO_ENABLED,
  PROP_TRANSFER,
  PROP_MEDIA_WARNING,
  N_PROPS
};

enum {
  STATE_CHANGED,
  DTMF_RECEIVED,
  N_SIGNALS
};

static GParamSpec *props[N_PROPS];
static guint signals[N_SIGNALS];

struct _TrCall
{
  GObject              parent_instance;

  GWeakRef             agent;
  char                *id;
  TrCallDirection      direction;
  TrCallState          state;
  TrCallEndReason     *end_reason;
  TrIdentifier        *remote;
  TrIdentifier        *transferor;
  TrRemoteParticipant *participant;
  GListStore          *participants;
  gboolean             muted;
  gboolean             video_enabled;
  gboolean             local_hold;
  gboolean             remote_hold;
  TrCallTransfer      *transfer;
  TrMediaSession      *media;
};

G_DEFINE_FINAL_TYPE (TrCall, tr_call, G_TYPE_OBJECT)

gboolean
tr_call_state_can_transition (TrCallState from,
                              TrCallState to)
{
  if (from == to)
    return FALSE;

  switch (from)
    {
    case TR_CALL_STATE_NONE:
      return to == TR_CALL_STATE_CONNECTING;

    case TR_CALL_STATE_CONNECTING:
      return to == TR_CALL_STATE_RINGING
             || to == TR_CALL_STATE_CONNECTED
             || to == TR_CALL_STATE_DISCONNECTING
             || to == TR_CALL_STATE_DISCONNECTED;

    case TR_CALL_STATE_RINGING:
      return to == TR_CALL_STATE_CONNECTED
             || to == TR_CALL_STATE_DISCONNECTING
             || to == TR_CALL_STATE_DISCONNECTED;

    case TR_CALL_STATE_CONNECTED:
    case TR_CALL_STATE_LOCAL_HOLD:
    case TR_CALL_STATE_REMOTE_HOLD:
      return to == TR_CALL_STATE_CONNECTED
             || to == TR_CALL_STATE_LOCAL_HOLD
             || to == TR_CALL_STATE_REMOTE_HOLD
             || to == TR_CALL_STATE_DISCONNECTING
             || to == TR_CALL_STATE_DISCONNECTED;

    case TR_CALL_STATE_DISCONNECTING:
      return to == TR_CALL_STATE_DISCONNECTED;

    case TR_CALL_STATE_DISCONNECTED:
    default:
      return FALSE;
    }
}

static gboolean
state_is_established (TrCallState state)
{
  return state == TR_CALL_STATE_CONNECTED
         || state == TR_CALL_STATE_LOCAL_HOLD
         || state == TR_CALL_STATE_REMOTE_HOLD;
}

static TrCallState
established_state (TrCall *self)
{
  if (self->local_hold)
    return TR_CALL_STATE_LOCAL_HOLD;
  if (self->remote_hold)
    return TR_CALL_STATE_REMOTE_HOLD;
  return TR_CALL_STATE_CONNECTED;
}

static void
signal_sent_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(TrMessage) reply = NULL;
  g_autoptr(GError) error = NULL;

  reply = _tr_call_agent_request_finish (TR_CALL_AGENT (object), result, &error);
  if (reply == NULL)
    g_debug ("call.signal not relayed: %s", error->message);
}

static void
media_local_signal_cb (TrCall     *self,
                       JsonObject *payload)
{
  g_autoptr(TrCallAgent) agent = g_weak_ref_get (&self->agent);
  g_autoptr(TrMessage) request = NULL;

  if (agent == NULL || self->id == NULL || self->state == TR_CALL_STATE_DISCONNECTED)
    return;

  request = _tr_call_agent_new_request (agent, TR_REQ_CALL_SIGNAL);
  tr_message_set_string (request, "call", self->id);
  tr_message_take_object (request, "payload", json_object_ref (payload));
  _tr_call_agent_request_async (agent, request, NULL, signal_sent_cb, NULL);
}

static void
media_warning_cb (TrCall *self)
{
  g_object_notify_by_pspec (G_OBJECT (self), props[PROP_MEDIA_WARNING]);
}

static void
tr_call_get_property (GObject    *object,
                      guint       prop_id,
                      GValue     *value,
                      GParamSpec *pspec)
{
  TrCall *self = TR_CALL (object);

  switch (prop_id)
    {
    case PROP_ID:
      g_value_set_string (value, self->id);
      break;
    case PROP_DIRECTION:
      g_value_set_enum (value, self->direction);
      break;
    case PROP_STATE:
      g_value_set_enum (value, self->state);
      break;
    case PROP_END_REASON:
      g_value_set_boxed (value, self->end_reason);
      break;
    case PROP_REMOTE_IDENTIFIER:
      g_value_set_boxed (value, self->remote);
      break;
    case PROP_TRANSFEROR:
      g_value_set_boxed (value, self->transferor);
      break;
    case PROP_REMOTE_PARTICIPANTS:
      g_value_set_object (value, self->participants);
      break;
    case PROP_MUTED:
      g_value_set_boolean (value, self->muted);
      break;
    case PROP_VIDEO_ENABLED:
      g_value_set_boolean (value, self->video_enabled);
      break;
    case PROP_TRANSFER:
      g_value_set_object (value, self->transfer);
      break;
    case PROP_MEDIA_WARNING:
      g_value_set_string (value, tr_media_session_get_warning (self->media));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tr_call_set_property (GObject      *object,
                      guint         prop_id,
                      const GValue *value,
                      GParamSpec   *pspec)
{
  TrCall *self = TR_CALL (object);

  switch (prop_id)
    {
    case PROP_MUTED:
      tr_call_set_muted (self, g_value_get_boolean (value));
      break;
    case PROP_VIDEO_ENABLED:
      tr_call_set_video_enabled (self, g_value_get_boolean (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tr_call_dispose (GObject *object)
{
  TrCall *self = TR_CALL (object);

  if (self->media != NULL)
    tr_media_session_close (self->media);
  g_clear_object (&self->media);
  if (self->transfer != NULL)
    _tr_call_transfer_detach (self->transfer);
  g_clear_object (&self->transfer);
  g_clear_object (&self->participant);
  if (self->participants != NULL)
    g_list_store_remove_all (self->participants);

  G_OBJECT_CLASS (tr_call_parent_class)->dispose (object);
}

static void
tr_call_finalize (GObject *object)
{
  TrCall *self = TR_CALL (object);

  g_weak_ref_clear (&self->agent);
  g_free (self->id);
  g_clear_pointer (&self->end_reason, tr_call_end_reason_free);
  g_clear_pointer (&self->remote, tr_identifier_unref);
  g_clear_pointer (&self->transferor, tr_identifier_unref);
  g_clear_object (&self->participants);

  G_OBJECT_CLASS (tr_call_parent_class)->finalize (object);
}

static void
tr_call_class_init (TrCallClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags flags = G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY;

  object_class->get_property = tr_call_get_property;
  object_class->set_property = tr_call_set_property;
  object_class->dispose = tr_call_dispose;
  object_class->finalize = tr_call_finalize;

  props[PROP_ID] = g_param_spec_string ("id", NULL, NULL, NULL, flags);
  props[PROP_DIRECTION] = g_param_spec_enum ("direction", NULL, NULL, TR_TYPE_CALL_DIRECTION,
                                             TR_CALL_DIRECTION_OUTGOING, flags);
  props[PROP_STATE] = g_param_spec_enum ("state", NULL, NULL, TR_TYPE_CALL_STATE,
                                         TR_CALL_STATE_NONE, flags);
  props[PROP_END_REASON] = g_param_spec_boxed ("end-reason", NULL, NULL,
                                               TR_TYPE_CALL_END_REASON, flags);
  props[PROP_REMOTE_IDENTIFIER] = g_param_spec_boxed ("remote-identifier", NULL, NULL,
                                                      TR_TYPE_IDENTIFIER, flags);
  props[PROP_TRANSFEROR] = g_param_spec_boxed ("transferor", NULL, NULL, TR_TYPE_IDENTIFIER, flags);
  props[PROP_REMOTE_PARTICIPANTS] = g_param_spec_object ("remote-participants", NULL, NULL,
                                                         G_TYPE_LIST_MODEL, flags);
  props[PROP_MUTED] = g_param_spec_boolean ("muted", NULL, NULL, FALSE,
                                            G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS
                                            | G_PARAM_EXPLICIT_NOTIFY);
  props[PROP_VIDEO_ENABLED] = g_param_spec_boolean ("video-enabled", NULL, NULL, FALSE,
                                                    G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS
                                                    | G_PARAM_EXPLICIT_NOTIFY);
  props[PROP_MEDIA_WARNING] = g_param_spec_string ("media-warning", NULL, NULL, NULL, flags);
  props[PROP_TRANSFER] = g_param_spec_object ("transfer", NULL, NULL, TR_TYPE_CALL_TRANSFER, flags);

  g_object_class_install_properties (object_class, N_PROPS, props);

  /**
   * TrCall::state-changed:
   * @self: the call
   * @new_state: the #TrCallState now
   * @old_state: the one before
   *
   * After each state change ("end-reason" is set before DISCONNECTED is announced).
   */
  signals[STATE_CHANGED] =
    g_signal_new ("state-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 2, TR_TYPE_CALL_STATE, TR_TYPE_CALL_STATE);

  signals[DTMF_RECEIVED] =
    g_signal_new ("dtmf-received", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);
}

static void
tr_call_init (TrCall *self)
{
  g_weak_ref_init (&self->agent, NULL);
  self->participants = g_list_store_new (TR_TYPE_REMOTE_PARTICIPANT);
}

TrCall *
_tr_call_new (TrCallAgent     *agent,
              TrCallDirection  direction,
              TrIdentifier    *remote,
              const char      *remote_display_name,
              gboolean         video)
{
  TrCall *self;

  g_return_val_if_fail (remote != NULL, NULL);

  self = g_object_new (TR_TYPE_CALL, NULL);
  g_weak_ref_set (&self->agent, agent);
  self->direction = direction;
  self->remote = tr_identifier_ref (remote);
  self->video_enabled = !!video;
  self->participant = _tr_remote_participant_new (remote, remote_display_name);
  g_list_store_append (self->participants, self->participant);
  self->transfer = _tr_call_transfer_new (self);
  self->media = tr_media_session_new (NULL);
  g_signal_connect_object (self->media, "local-signal", G_CALLBACK (media_local_signal_cb), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->media, "notify::warning", G_CALLBACK (media_warning_cb), self,
                           G_CONNECT_SWAPPED);

  return self;
}

void
_tr_call_start_media (TrCall *self)
{
  g_autoptr(TrCallAgent) agent = NULL;
  const TrMediaConfig *config;

  g_return_if_fail (TR_IS_CALL (self));

  if (tr_media_session_is_started (self->media) || tr_media_session_is_closed (self->media)
      || self->id == NULL)
    return;

  agent = g_weak_ref_get (&self->agent);
  if (agent == NULL || (config = _tr_call_agent_get_media_config (agent)) == NULL)
    return;   /* media is off for this agent */

  tr_media_session_configure (self->media, _tr_call_agent_get_device_manager (agent), config);
  tr_media_session_set_muted (self->media, self->muted);
  tr_media_session_set_camera (self->media, self->video_enabled);
  tr_media_session_set_hold (self->media, self->local_hold || self->remote_hold);
  /* The caller offers (as soon as the call has its id); the callee answers on accept. */
  tr_media_session_start (self->media, self->direction == TR_CALL_DIRECTION_OUTGOING);
}

void
_tr_call_set_id (TrCall     *self,
                 const char *id)
{
  g_autoptr(TrCallAgent) agent = NULL;

  g_return_if_fail (TR_IS_CALL (self));

  if (!_tr_set_str (&self->id, id))
    return;

  tr_media_session_set_call_id (self->media, id);
  g_object_notify_by_pspec (G_OBJECT (self), props[PROP_ID]);

  agent = g_weak_ref_get (&self->agent);
  if (agent != NULL && id != NULL)
    _tr_call_agent_bind_call_id (agent, self);
}

void
_tr_call_set_transferor (TrCall       *self,
                         TrIdentifier *transferor)
{
  g_return_if_fail (TR_IS_CALL (self));

  if (tr_identifier_equal (self->transferor, transferor))
    return;

  g_clear_pointer (&self->transferor, tr_identifier_unref);
  if (transferor != NULL)
    self->transferor = tr_identifier_ref (transferor);
  g_object_notify_by_pspec (G_OBJECT (self), props[PROP_TRANSFEROR]);
}

void
_tr_call_set_remote (TrCall       *self,
                     TrIdentifier *remote,
                     const char   *display_name)
{
  g_return_if_fail (TR_IS_CALL (self));

  if (remote != NULL && !tr_identifier_equal (self->remote, remote))
    {
      g_clear_pointer (&self->remote, tr_identifier_unref);
      self->remote = tr_identifier_ref (remote);
      _tr_remote_participant_set_identifier (self->participant, remote);
      g_object_notify_by_pspec (G_OBJECT (self), props[PROP_REMOTE_IDENTIFIER]);
    }

  if (display_name != NULL)
    _tr_remote_participant_set_display_name (self->participant, display_name);
}

gboolean
_tr_call_set_state (TrCall                *self,
                    TrCallState            state,
                    const TrCallEndReason *reason)
{
  g_autoptr(TrCallAgent) agent = NULL;
  TrCallState old_state;

  g_return_val_if_fail (TR_IS_CALL (self), FALSE);

  if (!tr_call_state_can_transition (self->state, state))
    {
      g_debug ("Call %s: refusing illegal move %d → %d", self->id, self->state, state);
      return FALSE;
    }

  old_state = self->state;
  g_object_ref (self);

  self->state = state;
  if (state == TR_CALL_STATE_DISCONNECTED)
    {
      self->end_reason = reason != NULL
                           ? tr_call_end_reason_copy (reason)
                           : tr_call_end_reason_new (0, 0, NULL);
      g_object_notify_by_pspec (G_OBJECT (self), props[PROP_END_REASON]);
      tr_media_session_close (self->media);
    }
  else if (state_is_established (state))
    tr_media_session_set_hold (self->media, state != TR_CALL_STATE_CONNECTED);
  g_object_notify_by_pspec (G_OBJECT (self), props[PROP_STATE]);
  g_signal_emit (self, signals[STATE_CHANGED], 0, state, old_state);

  /* The caller offers once the call has its id (RINGING), so that after the answer only the
   * callee's answer is missing. The callee starts on accept; any established call without
   * media (e.g. one that connected without ringing here) starts it now. */
  if ((self->direction == TR_CALL_DIRECTION_OUTGOING && state == TR_CALL_STATE_RINGING)
      || state_is_established (state))
    _tr_call_start_media (self);

  if (state == TR_CALL_STATE_DISCONNECTED)
    {
      agent = g_weak_ref_get (&self->agent);
      if (agent != NULL)
        _tr_call_agent_remove_call (agent, self);
    }

  g_object_unref (self);

  return TRUE;
}

void
_tr_call_end_with_reason (TrCall                *self,
                          const TrCallEndReason *reason)
{
  g_return_if_fail (TR_IS_CALL (self));

  if (self->state == TR_CALL_STATE_DISCONNECTED)
    return;

  if (self->state == TR_CALL_STATE_NONE)
    _tr_call_set_state (self, TR_CALL_STATE_CONNECTING, NULL);
  _tr_call_set_state (self, TR_CALL_STATE_DISCONNECTED, reason);
}

void
_tr_call_end_with_error (TrCall       *self,
                         const GError *error)
{
  if (error->domain == TR_ERROR)
    _tr_call_end (self, (TrStatus) error->code, error->message);
  else
    _tr_call_end (self, TR_STATUS_CONNECTION_LOST, error->message);
}

void
_tr_call_end (TrCall     *self,
              TrStatus    status,
              const char *message)
{
  g_autoptr(TrCallEndReason) reason = tr_call_end_reason_new_from_status (status, message);

  _tr_call_end_with_reason (self, reason);
}

static void
update_hold (TrCall   *self,
             gboolean  local_hold,
             gboolean  remote_hold)
{
  self->local_hold = local_hold;
  self->remote_hold = remote_hold;
  _tr_remote_participant_set_on_hold (self->participant, remote_hold);

  if (state_is_established (self->state))
    {
      TrCallState state = established_state (self);

      if (state != self->state)
        _tr_call_set_state (self, state, NULL);
    }
}

void
_tr_call_apply_hold (TrCall     *self,
                     JsonObject *hold)
{
  gboolean caller;
  gboolean callee;

  g_return_if_fail (TR_IS_CALL (self));

  if (hold == NULL)
    return;

  caller = _tr_json_get_boolean (hold, "caller", FALSE);
  callee = _tr_json_get_boolean (hold, "callee", FALSE);

  if (self->direction == TR_CALL_DIRECTION_OUTGOING)
    update_hold (self, caller, callee);
  else
    update_hold (self, callee, caller);
}

void
_tr_call_apply_info (TrCall     *self,
                     JsonObject *call_info)
{
  const char *state;
  JsonObject *remote_party;
  JsonObject *transferor;

  g_return_if_fail (TR_IS_CALL (self));

  if (call_info == NULL)
    return;

  g_object_ref (self);

  if (self->id == NULL)
    _tr_call_set_id (self, _tr_json_get_string (call_info, "id"));

  remote_party = _tr_json_get_object (call_info,
                                      self->direction == TR_CALL_DIRECTION_OUTGOING
                                        ? "callee" : "caller");
  if (remote_party != NULL)
    {
      g_autoptr(TrIdentifier) remote = _tr_identifier_new_from_party (remote_party);

      _tr_call_set_remote (self, remote, _tr_json_get_string (remote_party, "display_name"));
    }

  transferor = _tr_json_get_object (call_info, "transferor");
  if (transferor != NULL && self->transferor == NULL)
    {
      g_autoptr(TrIdentifier) id = _tr_identifier_new_from_party (transferor);

      _tr_call_set_transferor (self, id);
    }

  /* The "video" of the request; once media runs the camera is the user's (set_video_enabled). */
  if (!tr_media_session_is_started (self->media)
      && _tr_json_get_boolean (call_info, "video", self->video_enabled) != self->video_enabled)
    {
      self->video_enabled = !self->video_enabled;
      g_object_notify_by_pspec (G_OBJECT (self), props[PROP_VIDEO_ENABLED]);
    }

  state = _tr_json_get_string (call_info, "state");
  if (g_strcmp0 (state, "ringing") == 0)
    {
      if (self->state == TR_CALL_STATE_CONNECTING)
        _tr_call_set_state (self, TR_CALL_STATE_RINGING, NULL);
    }
  else if (g_strcmp0 (state, "connected") == 0)
    {
      JsonObject *hold = _tr_json_get_object (call_info, "hold");

      if (self->state == TR_CALL_STATE_CONNECTING || self->state == TR_CALL_STATE_RINGING)
        _tr_call_set_state (self, TR_CALL_STATE_CONNECTED, NULL);
      if (hold != NULL)
        _tr_call_apply_hold (self, hold);
    }
  else if (g_strcmp0 (state, "ended") == 0)
    {
      _tr_call_end (self, TR_STATUS_HANGUP, NULL);
    }

  g_object_unref (self);
}

void
_tr_call_emit_dtmf (TrCall     *self,
                    const char *digits)
{
  g_return_if_fail (TR_IS_CALL (self));

  g_signal_emit (self, signals[DTMF_RECEIVED], 0, digits);
}

TrMediaSession *
_tr_call_get_media_session (TrCall *self)
{
  g_return_val_if_fail (TR_IS_CALL (self), NULL);

  return self->media;
}

TrCallAgent *
_tr_call_dup_agent (TrCall *self)
{
  g_return_val_if_fail (TR_IS_CALL (self), NULL);

  return g_weak_ref_get (&self->agent);
}

const char *
tr_call_get_id (TrCall *self)
{
  g_return_val_if_fail (TR_IS_CALL (self), NULL);
  return self->id;
}

TrCallDirection
tr_call_get_direction (TrCall *self)
{
  g_return_val_if_fail (TR_IS_CALL (self), TR_CALL_DIRECTION_OUTGOING);
  return self->direction;
}

TrCallState
tr_call_get_state (TrCall *self)
{
  g_return_val_if_fail (TR_IS_CALL (self), TR_CALL_STATE_NONE);
  return self->state;
}

const TrCallEndReason *
tr_call_get_end_reason (TrCall *self)
{
  g_return_val_if_fail (TR_IS_CALL (self), NULL);
  return self->end_reason;
}

TrIdentifier *
tr_call_get_remote_identifier (TrCall *self)
{
  g_return_val_if_fail (TR_IS_CALL (self), NULL);
  return self->remote;
}

TrIdentifier *
tr_call_get_transferor (TrCall *self)
{
  g_return_val_if_fail (TR_IS_CALL (self), NULL);
  return self->transferor;
}

GListModel *
tr_call_get_remote_participants (TrCall *self)
{
  g_return_val_if_fail (TR_IS_CALL (self), NULL);
  return G_LIST_MODEL (self->participants);
}

gboolean
tr_call_get_muted (TrCall *self)
{
  g_return_val_if_fail (TR_IS_CALL (self), FALSE);
  return self->muted;
}

void
tr_call_set_muted (TrCall   *self,
                   gboolean  muted)
{
  g_return_if_fail (TR_IS_CALL (self));

  muted = !!muted;
  if (self->muted == muted)
    return;

  self->muted = muted;
  tr_media_session_set_muted (self->media, muted);
  g_object_notify_by_pspec (G_OBJECT (self), props[PROP_MUTED]);
}

void
tr_call_set_video_enabled (TrCall   *self,
                           gboolean  enabled)
{
  g_return_if_fail (TR_IS_CALL (self));

  enabled = !!enabled;
  if (self->video_enabled == enabled)
    return;

  self->video_enabled = enabled;
  tr_media_session_set_camera (self->media, enabled);
  g_object_notify_by_pspec (G_OBJECT (self), props[PROP_VIDEO_ENABLED]);
}

void
tr_call_set_remote_video_func (TrCall          *self,
                               TrVideoFrameFunc func,
                               gpointer         user_data,
                               GDestroyNotify   destroy)
{
  g_return_if_fail (TR_IS_CALL (self));
  tr_media_session_set_video_func (self->media, func, user_data, destroy);
}

const char *
tr_call_get_media_warning (TrCall *self)
{
  g_return_val_if_fail (TR_IS_CALL (self), NULL);
  return tr_media_session_get_warning (self->media);
}

gboolean
tr_call_get_video_enabled (TrCall *self)
{
  g_return_val_if_fail (TR_IS_CALL (self), FALSE);
  return self->video_enabled;
}

TrCallTransfer *
tr_call_get_transfer (TrCall *self)
{
  g_return_val_if_fail (TR_IS_CALL (self), NULL);
  return self->transfer;
}

/* Requests on the call. */

static gboolean
check_can_request (TrCall      *self,
                   TrCallAgent *agent,
                   GError     **error)
{
  if (self->state == TR_CALL_STATE_DISCONNECTED)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "The call has ended");
      return FALSE;
    }
  if (agent == NULL || self->id == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_CONNECTED, "The call is not set up");
      return FALSE;
    }
  return TRUE;
}

static void
call_request_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  TrCall *self = g_task_get_source_object (task);
  g_autoptr(TrMessage) reply = NULL;
  g_autoptr(GError) error = NULL;
  JsonObject *result_object;

  reply = _tr_call_agent_request_finish (TR_CALL_AGENT (object), result, &error);
  if (reply == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  result_object = tr_message_reply_get_result (reply);
  _tr_call_apply_info (self, _tr_json_get_object (result_object, "call"));

  g_task_return_boolean (task, TRUE);
}

static void
call_request (TrCall             *self,
              TrMessageType       type,
              gpointer            source_tag,
              GCancellable       *cancellable,
              GAsyncReadyCallback callback,
              gpointer            user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(TrCallAgent) agent = NULL;
  g_autoptr(TrMessage) request = NULL;
  g_autoptr(GError) error = NULL;

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, source_tag);

  agent = g_weak_ref_get (&self->agent);
  if (!check_can_request (self, agent, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  request = _tr_call_agent_new_request (agent, type);
  tr_message_set_string (request, "call", self->id);
  _tr_call_agent_request_async (agent, request, cancellable, call_request_cb,
                                g_steal_pointer (&task));
}

void
tr_call_hold_async (TrCall             *self,
                    GCancellable       *cancellable,
                    GAsyncReadyCallback callback,
                    gpointer            user_data)
{
  g_return_if_fail (TR_IS_CALL (self));

  call_request (self, TR_REQ_CALL_HOLD, tr_call_hold_async, cancellable, callback, user_data);
}

gboolean
tr_call_hold_finish (TrCall       *self,
                     GAsyncResult *result,
                     GError      **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

void
tr_call_resume_async (TrCall             *self,
                      GCancellable       *cancellable,
                      GAsyncReadyCallback callback,
                      gpointer            user_data)
{
  g_return_if_fail (TR_IS_CALL (self));

  call_request (self, TR_REQ_CALL_RESUME, tr_call_resume_async, cancellable, callback, user_data);
}

gboolean
tr_call_resume_finish (TrCall       *self,
                       GAsyncResult *result,
                       GError      **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

#define HANG_UP_GRACE_MS 2000

static void
free_weak_ref (gpointer data)
{
  GWeakRef *weak = data;

  g_weak_ref_clear (weak);
  g_free (weak);
}

static gboolean
hang_up_fallback_cb (gpointer data)
{
  g_autoptr(TrCall) self = g_weak_ref_get ((GWeakRef *) data);

  if (self != NULL)
    _tr_call_end (self, TR_STATUS_HANGUP, NULL);

  return G_SOURCE_REMOVE;
}

static void
hang_up_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  TrCall *self = g_task_get_source_object (task);
  g_autoptr(TrMessage) reply = NULL;
  g_autoptr(GError) error = NULL;

  reply = _tr_call_agent_request_finish (TR_CALL_AGENT (object), result, &error);
  if (reply == NULL)
    {
      /* The server no longer has the call, or we lost it: either way it is over here. */
      _tr_call_end_with_error (self, error);
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  /* The server's call.ended carries the end reason (0/0, or 487/1 for a cancel); should it not
   * come, end the call here after a short while. */
  if (self->state != TR_CALL_STATE_DISCONNECTED)
    {
      GWeakRef *weak = g_new0 (GWeakRef, 1);

      g_weak_ref_init (weak, self);
      g_timeout_add_full (G_PRIORITY_DEFAULT, HANG_UP_GRACE_MS, hang_up_fallback_cb, weak,
                          free_weak_ref);
    }
  g_task_return_boolean (task, TRUE);
}

void
tr_call_hang_up_async (TrCall             *self,
                       GCancellable       *cancellable,
                       GAsyncReadyCallback callback,
                       gpointer            user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(TrCallAgent) agent = NULL;
  g_autoptr(TrMessage) request = NULL;
  g_autoptr(GError) error = NULL;

  g_return_if_fail (TR_IS_CALL (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, tr_call_hang_up_async);

  agent = g_weak_ref_get (&self->agent);
  if (!check_can_request (self, agent, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  if (self->state != TR_CALL_STATE_DISCONNECTING)
    _tr_call_set_state (self, TR_CALL_STATE_DISCONNECTING, NULL);

  request = _tr_call_agent_new_request (agent, TR_REQ_CALL_HANGUP);
  tr_message_set_string (request, "call", self->id);
  _tr_call_agent_request_async (agent, request, cancellable, hang_up_cb, g_steal_pointer (&task));
}

gboolean
tr_call_hang_up_finish (TrCall       *self,
                        GAsyncResult *result,
                        GError      **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
dtmf_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(TrMessage) reply = NULL;
  g_autoptr(GError) error = NULL;

  reply = _tr_call_agent_request_finish (TR_CALL_AGENT (object), result, &error);
  if (reply == NULL)
    g_debug ("DTMF not sent: %s", error->message);
}

gboolean
tr_call_send_dtmf (TrCall      *self,
                   const char  *digits,
                   GError     **error)
{
  g_autoptr(TrCallAgent) agent = NULL;
  g_autoptr(TrMessage) request = NULL;

  g_return_val_if_fail (TR_IS_CALL (self), FALSE);
  g_return_val_if_fail (digits != NULL, FALSE);

  if (!tr_protocol_dtmf_is_valid (digits))
    {
      g_set_error (error, TR_ERROR, TR_STATUS_INVALID_FIELD,
                   "DTMF digits must be 1–32 of 0-9 * # A-D");
      return FALSE;
    }

  agent = g_weak_ref_get (&self->agent);
  if (!check_can_request (self, agent, error))
    return FALSE;

  if (!state_is_established (self->state))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_CONNECTED, "The call is not connected");
      return FALSE;
    }

  request = _tr_call_agent_new_request (agent, TR_REQ_CALL_DTMF);
  tr_message_set_string (request, "call", self->id);
  tr_message_set_string (request, "digits", digits);
  _tr_call_agent_request_async (agent, request, NULL, dtmf_cb, NULL);

  return TRUE;
}
