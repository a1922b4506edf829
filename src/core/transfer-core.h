/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/* Umbrella header of the model (src/core). No GTK. */

#include "tr-status.h"
#include "tr-types.h"
#include "tr-enum-types.h"
#include "tr-identifier.h"
#include "tr-token-credential.h"
#include "tr-call-agent-options.h"
#include "tr-call-settings.h"
#include "tr-call-end-reason.h"
#include "tr-remote-participant.h"
#include "tr-directory-entry.h"
#include "tr-call-record.h"
#include "tr-transfer-locator.h"
#include "tr-transfer.h"
#include "tr-call-transfer.h"
#include "tr-call.h"
#include "tr-incoming-call.h"
#include "tr-call-agent.h"
#include "tr-voicemail.h"
#include "tr-voicemail-box.h"
#include "tr-voicemail-player.h"
#include "tr-device.h"
#include "tr-device-manager.h"
#include "tr-device-tester.h"
#include "tr-call-client.h"
