/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct _TrServer      TrServer;
typedef struct _TrSignaling   TrSignaling;
typedef struct _TrSession     TrSession;
typedef struct _TrStore       TrStore;
typedef struct _TrServiceLine TrServiceLine;

G_END_DECLS
