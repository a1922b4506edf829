/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "TrCallAgentOptions"

#include "config.h"

#include "tr-call-agent-options.h"

G_DEFINE_BOXED_TYPE (TrCallAgentOptions, tr_call_agent_options, tr_call_agent_options_copy,
                     tr_call_agent_options_free)

TrCallAgentOptions *
tr_call_agent_options_new (void)
{
  TrCallAgentOptions *self = g_new0 (TrCallAgentOptions, 1);

  self->reconnect_base_delay_ms = 1000;
  self->reconnect_max_delay_ms = 30000;
  self->reconnect_max_attempts = 6;
  self->request_timeout_ms = 15000;
  self->connect_timeout_ms = 10000;
  self->keepalive_interval_s = 20;

  return self;
}

TrCallAgentOptions *
tr_call_agent_options_copy (const TrCallAgentOptions *self)
{
  TrCallAgentOptions *copy;

  g_return_val_if_fail (self != NULL, NULL);

  copy = g_memdup2 (self, sizeof *self);
  copy->display_name = g_strdup (self->display_name);
  copy->microphone = g_strdup (self->microphone);
  copy->speaker = g_strdup (self->speaker);
  copy->camera = g_strdup (self->camera);

  return copy;
}

void
tr_call_agent_options_free (TrCallAgentOptions *self)
{
  if (self == NULL)
    return;

  g_free (self->display_name);
  g_free (self->microphone);
  g_free (self->speaker);
  g_free (self->camera);
  g_free (self);
}

guint
tr_backoff_compute_delay (guint  attempt,
                          guint  base_ms,
                          guint  max_ms,
                          double random01)
{
  guint64 exp_ms = base_ms;
  guint64 half;

  if (attempt == 0)
    attempt = 1;
  if (max_ms == 0)
    max_ms = 1;
  random01 = CLAMP (random01, 0.0, 1.0);

  for (guint i = 1; i < attempt && exp_ms < max_ms; i++)
    exp_ms *= 2;
  exp_ms = MIN (exp_ms, (guint64) max_ms);

  half = exp_ms / 2;
  return (guint) MIN (half + (guint64) (random01 * (double) (exp_ms - half)), (guint64) max_ms);
}
