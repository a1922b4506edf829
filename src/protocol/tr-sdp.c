/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "tr-sdp.h"

int
tr_sdp_payload_type (const GstSDPMessage *sdp,
                     const char          *media_kind,
                     const char          *encoding)
{
  gsize length = strlen (encoding);

  for (guint i = 0; i < gst_sdp_message_medias_len (sdp); i++)
    {
      const GstSDPMedia *media = gst_sdp_message_get_media (sdp, i);

      /* (With max-bundle, m-lines after the first have port 0 and a=bundle-only.) */
      if (g_strcmp0 (gst_sdp_media_get_media (media), media_kind) != 0)
        continue;

      for (guint j = 0;; j++)
        {
          const char *rtpmap = gst_sdp_media_get_attribute_val_n (media, "rtpmap", j);
          const char *space;

          if (rtpmap == NULL)
            break;
          space = strchr (rtpmap, ' ');
          if (space != NULL && g_ascii_strncasecmp (space + 1, encoding, length) == 0
              && space[1 + length] == '/')
            return atoi (rtpmap);
        }
    }

  return -1;
}
