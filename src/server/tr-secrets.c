/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "TrServer"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <gio/gio.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tr-secrets.h"

gboolean
tr_secrets_random (guint8 *buffer, gsize length, GError **error)
{
  gsize done = 0;

  /* getrandom(2) reads the same pool as /dev/urandom without needing a file descriptor. */
  while (done < length)
    {
      ssize_t n = getrandom (buffer + done, length - done, 0);

      if (n < 0)
        {
          int saved_errno = errno;

          if (saved_errno == EINTR)
            continue;
          if (saved_errno == ENOSYS)
            break;
          g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                       "Cannot read random bytes: %s", g_strerror (saved_errno));
          return FALSE;
        }
      done += (gsize)n;
    }

  if (done < length)
    {
      int fd = open ("/dev/urandom", O_RDONLY | O_CLOEXEC);

      if (fd < 0)
        {
          int saved_errno = errno;

          g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                       "Cannot open /dev/urandom: %s", g_strerror (saved_errno));
          return FALSE;
        }
      while (done < length)
        {
          ssize_t n = read (fd, buffer + done, length - done);

          if (n <= 0)
            {
              int saved_errno = errno;

              if (n < 0 && saved_errno == EINTR)
                continue;
              close (fd);
              g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "Cannot read /dev/urandom");
              return FALSE;
            }
          done += (gsize)n;
        }
      close (fd);
    }
  return TRUE;
}

char *
tr_secrets_random_id (const char *prefix, gsize n_bytes)
{
  static const char hex[] = "0123456789abcdef";
  guint8            bytes[32];
  gsize             prefix_len = prefix ? strlen (prefix) : 0;
  char             *id;
  g_autoptr (GError) error = NULL;

  g_return_val_if_fail (n_bytes <= sizeof bytes, NULL);

  if (!tr_secrets_random (bytes, n_bytes, &error))
    g_error ("%s", error->message);

  id = g_malloc (prefix_len + 2 * n_bytes + 1);
  if (prefix_len)
    memcpy (id, prefix, prefix_len);
  for (gsize i = 0; i < n_bytes; i++)
    {
      id[prefix_len + 2 * i] = hex[bytes[i] >> 4];
      id[prefix_len + 2 * i + 1] = hex[bytes[i] & 0xf];
    }
  id[prefix_len + 2 * n_bytes] = '\0';
  return id;
}

gboolean
tr_secrets_ensure_data_dir (const char *data_dir, GError **error)
{
  if (g_mkdir_with_parents (data_dir, 0700) != 0)
    {
      int saved_errno = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                   "Cannot create data directory %s: %s", data_dir, g_strerror (saved_errno));
      return FALSE;
    }
  return TRUE;
}

/* Reads @path, or creates it with @fresh (mode 0600, O_EXCL so two starting processes agree). */
static GBytes *
load_or_create (const char *path, const guint8 *fresh, gsize fresh_length, GError **error)
{
  char *contents = NULL;
  gsize length = 0;
  int   fd;

  for (guint attempt = 0; attempt < 2; attempt++)
    {
      g_autoptr (GError) local_error = NULL;

      if (g_file_get_contents (path, &contents, &length, &local_error))
        return g_bytes_new_take (contents, length);
      if (!g_error_matches (local_error, G_FILE_ERROR, G_FILE_ERROR_NOENT))
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
          return NULL;
        }

      fd = open (path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
      if (fd < 0)
        {
          int saved_errno = errno;

          if (saved_errno == EEXIST)
            continue;
          g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                       "Cannot create %s: %s", path, g_strerror (saved_errno));
          return NULL;
        }
      if (write (fd, fresh, fresh_length) != (ssize_t)fresh_length || fsync (fd) != 0)
        {
          int saved_errno = errno;

          close (fd);
          g_unlink (path);
          g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                       "Cannot write %s: %s", path, g_strerror (saved_errno));
          return NULL;
        }
      close (fd);
      g_message ("Created %s", path);
      return g_bytes_new (fresh, fresh_length);
    }

  g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "Cannot read %s", path);
  return NULL;
}

GBytes *
tr_secrets_load_secret (const char *data_dir, GError **error)
{
  g_autofree char *path = g_build_filename (data_dir, "secret", NULL);
  guint8           fresh[TR_SECRET_LENGTH];
  g_autoptr (GBytes) bytes = NULL;

  if (!tr_secrets_random (fresh, sizeof fresh, error))
    return NULL;
  bytes = load_or_create (path, fresh, sizeof fresh, error);
  memset (fresh, 0, sizeof fresh);
  if (bytes == NULL)
    return NULL;
  if (g_bytes_get_size (bytes) < 16)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "%s is too short", path);
      return NULL;
    }
  return g_steal_pointer (&bytes);
}

char *
tr_secrets_load_admin_key (const char *data_dir, GError **error)
{
  g_autofree char *path = g_build_filename (data_dir, "admin.key", NULL);
  g_autofree char *fresh = tr_secrets_random_id (NULL, 32);
  g_autoptr (GBytes) bytes = NULL;
  gsize       size;
  const char *data;

  bytes = load_or_create (path, (const guint8 *)fresh, strlen (fresh), error);
  if (bytes == NULL)
    return NULL;

  data = g_bytes_get_data (bytes, &size);
  /* Tolerate a trailing newline from an operator's editor. */
  while (size > 0 && g_ascii_isspace (data[size - 1]))
    size--;
  if (size < 16)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "%s is too short", path);
      return NULL;
    }
  for (gsize i = 0; i < size; i++)
    if (!g_ascii_isgraph (data[i]))
      {
        g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "%s is not printable", path);
        return NULL;
      }
  return g_strndup (data, size);
}

gboolean
tr_secrets_equal (const char *a, const char *b)
{
  gsize  la, lb;
  guint8 diff = 0;

  if (a == NULL || b == NULL)
    return FALSE;
  la = strlen (a);
  lb = strlen (b);
  for (gsize i = 0; i < lb; i++)
    diff |= (guint8)(b[i] ^ (i < la ? a[i] : 0));
  return diff == 0 && la == lb;
}
