/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "TrProtocol"

#include "config.h"

#include "tr-protocol.h"

gboolean
tr_protocol_id_is_valid (const char *id)
{
  gsize i;

  if (id == NULL)
    return FALSE;

  for (i = 0; id[i] != '\0'; i++)
    {
      char c = id[i];

      if (i >= TR_PROTOCOL_MAX_ID)
        return FALSE;
      if (!g_ascii_isalnum (c) && c != '.' && c != '_' && c != '@' && c != '-')
        return FALSE;
    }

  return i > 0;
}

gboolean
tr_protocol_request_id_is_valid (const char *id)
{
  gsize i;

  if (id == NULL)
    return FALSE;

  for (i = 0; id[i] != '\0'; i++)
    {
      if (i >= TR_PROTOCOL_MAX_ID || !g_ascii_isprint (id[i]))
        return FALSE;
    }

  return i > 0;
}

gboolean
tr_protocol_display_name_is_valid (const char *name)
{
  const char *p;
  gsize       n_chars = 0;

  if (name == NULL || *name == '\0' || !g_utf8_validate (name, -1, NULL))
    return FALSE;

  for (p = name; *p != '\0'; p = g_utf8_next_char (p))
    {
      if (++n_chars > TR_PROTOCOL_MAX_DISPLAY_NAME)
        return FALSE;
      if (g_unichar_iscntrl (g_utf8_get_char (p)))
        return FALSE;
    }

  return TRUE;
}

gboolean
tr_protocol_dtmf_is_valid (const char *digits)
{
  gsize i;

  if (digits == NULL)
    return FALSE;

  for (i = 0; digits[i] != '\0'; i++)
    {
      char c = digits[i];

      if (i >= TR_PROTOCOL_MAX_DTMF)
        return FALSE;
      if (!g_ascii_isdigit (c) && c != '*' && c != '#' && (c < 'A' || c > 'D'))
        return FALSE;
    }

  return i > 0;
}
