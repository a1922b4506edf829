/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gst/sdp/sdp.h>

G_BEGIN_DECLS

/* The payload type an SDP (an offer) gives @encoding (e.g. "OPUS", any case) in its
 * @media_kind ("audio", "video") sections, from their a=rtpmap lines; -1 if none. Both ends
 * send with the offer's payload types: a payloader keeps its own otherwise. */
int tr_sdp_payload_type (const GstSDPMessage *sdp, const char *media_kind, const char *encoding);

G_END_DECLS
