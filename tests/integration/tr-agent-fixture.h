/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "transfer-core.h"
#include "server-test-util.h"

G_BEGIN_DECLS

/*
 * Several signed-in TrCallAgents of the real model against the real transfer-server on
 * 127.0.0.1:0. Users: alice (A), bob (B), carol (C), dave (D), erin (E, never signed in).
 */
enum { A, B, C, D, N_AGENTS };

typedef struct _AgentFixture AgentFixture;

typedef struct
{
  AgentFixture *f;
  int           who;
} AgentSlot;

struct _AgentFixture
{
  TestServer   *server;
  TrCallClient *client;
  TrCallAgent  *agents[N_AGENTS];
  GQueue        incoming[N_AGENTS];  /* TrIncomingCall (ref), in arrival order */
  GPtrArray    *accepted[N_AGENTS];  /* TrCall (ref) from "transfer-accepted" */
  GHashTable   *watched;             /* TrCall (ref) whose transfer feature is watched */
  AgentSlot     slots[N_AGENTS];
};

void            agent_fixture_setup    (AgentFixture *f, gconstpointer data);
/* Like agent_fixture_setup() with options per agent (@per_agent: N_AGENTS entries, NULL ones
 * and a NULL array mean the defaults: short reconnect delays). */
void            agent_fixture_setup_full (AgentFixture *f, TrCallAgentOptions *const *per_agent);
void            agent_fixture_teardown (AgentFixture *f, gconstpointer data);

TrCallAgent    *agent_connect          (AgentFixture *f, const char *user, int ttl,
                                        const TrCallAgentOptions *options, GError **error);

/* Waits (≤ 5 s) for the next incoming call of agent @who; (transfer full). */
TrIncomingCall *wait_incoming          (AgentFixture *f, int who);
/* Asserts that no call rings at @who for @ms. */
void            assert_no_incoming     (AgentFixture *f, int who, guint ms);

TrCall         *start_call             (AgentFixture *f, int from, const char *to, GError **error);
TrCall         *accept_call            (TrIncomingCall *incoming);
void            reject_call            (TrIncomingCall *incoming, TrRejectReason reason);
/* @from calls @to and @to answers; returns the caller's call, *out_callee the callee's. */
TrCall         *connect_call           (AgentFixture *f, int from, int to, TrCall **out_callee);

void            wait_call_state        (TrCall *call, TrCallState state, guint timeout_ms);
void            wait_transfer_state    (TrTransfer *transfer, TrTransferState state,
                                        guint timeout_ms);
void            wait_incoming_ended    (TrIncomingCall *incoming, guint timeout_ms);
void            wait_connection_state  (TrCallAgent *agent, TrConnectionState state,
                                        guint timeout_ms);

TrTransfer     *transfer_with          (TrCall *call, TrTransferLocator *locator, GError **error);
TrTransfer     *transfer_to            (TrCall *call, const char *to, gboolean no_forwarding,
                                        GError **error);
/* Waits for the next "transfer-accepted" at @who; (transfer full). */
TrCall         *wait_transfer_accepted (AgentFixture *f, int who);

void            hold_call              (TrCall *call);
void            resume_call            (TrCall *call);
void            hang_up                (TrCall *call);
void            set_settings           (AgentFixture *f, int who, const char *forward_always,
                                        const char *unanswered_target, guint ring_timeout);

void            assert_end_reason      (TrCall *call, guint code, guint subcode);

G_END_DECLS
