/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "transfer-core.h"
#include "tr-call-private.h"

#define N_STATES (TR_CALL_STATE_DISCONNECTED + 1)

/* The legal moves, written out independently of the implementation's switch. */
static const struct
{
  TrCallState from;
  TrCallState to;
} legal[] = {
  { TR_CALL_STATE_NONE, TR_CALL_STATE_CONNECTING },

  { TR_CALL_STATE_CONNECTING, TR_CALL_STATE_RINGING },
  { TR_CALL_STATE_CONNECTING, TR_CALL_STATE_CONNECTED },
  { TR_CALL_STATE_CONNECTING, TR_CALL_STATE_DISCONNECTING },
  { TR_CALL_STATE_CONNECTING, TR_CALL_STATE_DISCONNECTED },

  { TR_CALL_STATE_RINGING, TR_CALL_STATE_CONNECTED },
  { TR_CALL_STATE_RINGING, TR_CALL_STATE_DISCONNECTING },
  { TR_CALL_STATE_RINGING, TR_CALL_STATE_DISCONNECTED },

  { TR_CALL_STATE_CONNECTED, TR_CALL_STATE_LOCAL_HOLD },
  { TR_CALL_STATE_CONNECTED, TR_CALL_STATE_REMOTE_HOLD },
  { TR_CALL_STATE_CONNECTED, TR_CALL_STATE_DISCONNECTING },
  { TR_CALL_STATE_CONNECTED, TR_CALL_STATE_DISCONNECTED },

  { TR_CALL_STATE_LOCAL_HOLD, TR_CALL_STATE_CONNECTED },
  { TR_CALL_STATE_LOCAL_HOLD, TR_CALL_STATE_REMOTE_HOLD },
  { TR_CALL_STATE_LOCAL_HOLD, TR_CALL_STATE_DISCONNECTING },
  { TR_CALL_STATE_LOCAL_HOLD, TR_CALL_STATE_DISCONNECTED },

  { TR_CALL_STATE_REMOTE_HOLD, TR_CALL_STATE_CONNECTED },
  { TR_CALL_STATE_REMOTE_HOLD, TR_CALL_STATE_LOCAL_HOLD },
  { TR_CALL_STATE_REMOTE_HOLD, TR_CALL_STATE_DISCONNECTING },
  { TR_CALL_STATE_REMOTE_HOLD, TR_CALL_STATE_DISCONNECTED },

  { TR_CALL_STATE_DISCONNECTING, TR_CALL_STATE_DISCONNECTED },
};

static gboolean
is_legal (TrCallState from,
          TrCallState to)
{
  for (guint i = 0; i < G_N_ELEMENTS (legal); i++)
    if (legal[i].from == from && legal[i].to == to)
      return TRUE;
  return FALSE;
}

static void
test_table (void)
{
  for (int from = 0; from < N_STATES; from++)
    for (int to = 0; to < N_STATES; to++)
      {
        g_test_message ("%d → %d", from, to);
        g_assert_cmpint (tr_call_state_can_transition (from, to), ==, is_legal (from, to));
      }
}

/* Walks a real TrCall (no agent) to @from through legal moves. */
static TrCall *
call_in_state (TrCallState from)
{
  g_autoptr(TrIdentifier) bob = tr_identifier_new_user ("bob");
  TrCall *call = _tr_call_new (NULL, TR_CALL_DIRECTION_OUTGOING, bob, "Bob", FALSE);
  const TrCallState path_connected[] = { TR_CALL_STATE_CONNECTING, TR_CALL_STATE_RINGING,
                                         TR_CALL_STATE_CONNECTED };

  switch (from)
    {
    case TR_CALL_STATE_NONE:
      break;
    case TR_CALL_STATE_CONNECTING:
    case TR_CALL_STATE_RINGING:
    case TR_CALL_STATE_CONNECTED:
      for (guint i = 0; i < G_N_ELEMENTS (path_connected); i++)
        {
          g_assert_true (_tr_call_set_state (call, path_connected[i], NULL));
          if (path_connected[i] == from)
            break;
        }
      break;
    case TR_CALL_STATE_LOCAL_HOLD:
    case TR_CALL_STATE_REMOTE_HOLD:
    case TR_CALL_STATE_DISCONNECTING:
      g_object_unref (call);
      call = call_in_state (TR_CALL_STATE_CONNECTED);
      g_assert_true (_tr_call_set_state (call, from, NULL));
      break;
    case TR_CALL_STATE_DISCONNECTED:
      g_object_unref (call);
      call = call_in_state (TR_CALL_STATE_CONNECTED);
      g_assert_true (_tr_call_set_state (call, from, NULL));
      break;
    default:
      g_assert_not_reached ();
    }

  g_assert_cmpint (tr_call_get_state (call), ==, from);
  return call;
}

typedef struct
{
  guint       notifies;
  guint       signals;
  TrCallState last_new;
  TrCallState last_old;
} Counter;

static void
notify_cb (GObject    *object,
           GParamSpec *pspec,
           Counter    *counter)
{
  counter->notifies++;
}

static void
state_changed_cb (TrCall      *call,
                  TrCallState  new_state,
                  TrCallState  old_state,
                  Counter     *counter)
{
  counter->signals++;
  counter->last_new = new_state;
  counter->last_old = old_state;
}

static void
test_object_moves (void)
{
  for (int from = 0; from < N_STATES; from++)
    for (int to = 0; to < N_STATES; to++)
      {
        g_autoptr(TrCallEndReason) reason = tr_call_end_reason_new (486, 1, NULL);
        TrCall *call = call_in_state (from);
        Counter counter = { 0 };
        gboolean moved;

        g_signal_connect (call, "notify::state", G_CALLBACK (notify_cb), &counter);
        g_signal_connect (call, "state-changed", G_CALLBACK (state_changed_cb), &counter);

        moved = _tr_call_set_state (call, to, reason);
        g_assert_cmpint (moved, ==, is_legal (from, to));

        if (moved)
          {
            g_assert_cmpint (tr_call_get_state (call), ==, to);
            g_assert_cmpuint (counter.notifies, ==, 1);
            g_assert_cmpuint (counter.signals, ==, 1);
            g_assert_cmpint (counter.last_new, ==, to);
            g_assert_cmpint (counter.last_old, ==, from);
          }
        else
          {
            g_assert_cmpint (tr_call_get_state (call), ==, from);
            g_assert_cmpuint (counter.notifies, ==, 0);
            g_assert_cmpuint (counter.signals, ==, 0);
          }

        g_assert_finalize_object (call);
      }
}

static void
test_end_reason (void)
{
  TrCall *call = call_in_state (TR_CALL_STATE_RINGING);
  const TrCallEndReason *reason;

  g_assert_null (tr_call_get_end_reason (call));
  _tr_call_end (call, TR_STATUS_BUSY, "Bob is busy");
  g_assert_cmpint (tr_call_get_state (call), ==, TR_CALL_STATE_DISCONNECTED);

  reason = tr_call_get_end_reason (call);
  g_assert_nonnull (reason);
  g_assert_cmpuint (reason->code, ==, 486);
  g_assert_cmpuint (reason->subcode, ==, 1);
  g_assert_cmpint (tr_call_end_reason_get_status (reason), ==, TR_STATUS_BUSY);

  /* A second end changes nothing. */
  _tr_call_end (call, TR_STATUS_HANGUP, NULL);
  g_assert_cmpuint (tr_call_get_end_reason (call)->code, ==, 486);

  g_assert_finalize_object (call);
}

static void
test_hold_flags (void)
{
  TrCall *call = call_in_state (TR_CALL_STATE_CONNECTED);
  g_autoptr(JsonObject) hold = json_object_new ();

  /* Outgoing: we are the caller. */
  json_object_set_boolean_member (hold, "caller", TRUE);
  json_object_set_boolean_member (hold, "callee", FALSE);
  _tr_call_apply_hold (call, hold);
  g_assert_cmpint (tr_call_get_state (call), ==, TR_CALL_STATE_LOCAL_HOLD);

  json_object_set_boolean_member (hold, "callee", TRUE);
  _tr_call_apply_hold (call, hold);
  g_assert_cmpint (tr_call_get_state (call), ==, TR_CALL_STATE_LOCAL_HOLD);

  json_object_set_boolean_member (hold, "caller", FALSE);
  _tr_call_apply_hold (call, hold);
  g_assert_cmpint (tr_call_get_state (call), ==, TR_CALL_STATE_REMOTE_HOLD);

  json_object_set_boolean_member (hold, "callee", FALSE);
  _tr_call_apply_hold (call, hold);
  g_assert_cmpint (tr_call_get_state (call), ==, TR_CALL_STATE_CONNECTED);

  g_assert_finalize_object (call);
}

static void
test_operations_without_agent (void)
{
  TrCall *call = call_in_state (TR_CALL_STATE_CONNECTED);
  g_autoptr(GError) error = NULL;

  g_assert_false (tr_call_send_dtmf (call, "12x", &error));
  g_assert_error (error, TR_ERROR, TR_STATUS_INVALID_FIELD);
  g_clear_error (&error);

  g_assert_false (tr_call_send_dtmf (call, "123", &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_CONNECTED);

  g_assert_nonnull (tr_call_get_transfer (call));
  g_assert_cmpuint (g_list_model_get_n_items (tr_call_get_remote_participants (call)), ==, 1);

  g_assert_finalize_object (call);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/core/call-state/table", test_table);
  g_test_add_func ("/core/call-state/object-moves", test_object_moves);
  g_test_add_func ("/core/call-state/end-reason", test_end_reason);
  g_test_add_func ("/core/call-state/hold-flags", test_hold_flags);
  g_test_add_func ("/core/call-state/operations-without-agent", test_operations_without_agent);

  return g_test_run ();
}
