/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct _TrServer      TrServer;
typedef struct _TrSignaling   TrSignaling;
typedef struct _TrSession     TrSession;
typedef struct _TrStore       TrStore;
typedef struct _TrServiceLine TrServiceLine;

/*
 * g_debug() on hot paths, skipped (arguments not even formatted) unless debug output is on:
 * main() enables it for --verbose or G_MESSAGES_DEBUG.
 */
#define TR_DEBUG(...)                                                                              \
  G_STMT_START                                                                                     \
  {                                                                                                \
    if (G_UNLIKELY (g_log_get_debug_enabled ()))                                                   \
      g_debug (__VA_ARGS__);                                                                       \
  }                                                                                                \
  G_STMT_END

G_END_DECLS
