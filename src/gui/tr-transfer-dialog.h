/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "transfer-core.h"

G_BEGIN_DECLS

#define TR_TYPE_TRANSFER_DIALOG (tr_transfer_dialog_get_type ())
G_DECLARE_FINAL_TYPE (TrTransferDialog, tr_transfer_dialog, TR, TRANSFER_DIALOG, AdwWindow)

/*
 * Transfers @call: to a person (search the contacts or type an id; option "Don't follow their
 * forwarding and unanswered rules"), to another of my calls (attended) or to a person's
 * voicemail — the kinds tr_transfer_targets_allowed() allows. Then shows the progress
 * (Transferring → Transferred / Failed with the reason in words and its code); on failure the
 * held call can be resumed in one step.
 * @directory: GListModel of #TrDirectoryEntry; @calls: the agent's calls; @self_id: my user id
 * (left out of the targets). The window keeps one and reuses it.
 */
GtkWidget *tr_transfer_dialog_new (GtkWindow *parent);
/* Starts over for @call; the dialog hides on close and is reused. */
void tr_transfer_dialog_set_call (TrTransferDialog *self, TrCall *call, GListModel *directory,
                                  GListModel *calls, TrIdentifier *self_id);

/* Puts the focus where the choice starts (the search entry). */
void tr_transfer_dialog_focus (TrTransferDialog *self);

G_END_DECLS
