/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>
#include <locale.h>

#include <gtk/gtk.h>

#include "tr-application.h"

/* Running from the build tree: add the schema compiled there (<build>/data) to the search
 * path. Must run before anything asks for the default schema source (it is cached). */
static void
find_schema (void)
{
  g_autofree char *exe = g_file_read_link ("/proc/self/exe", NULL);
  g_autofree char *dir = NULL;
  g_autofree char *build_data = NULL;
  g_autofree char *compiled = NULL;
  const char      *current = g_getenv ("GSETTINGS_SCHEMA_DIR");

  if (exe == NULL)
    return;
  dir = g_path_get_dirname (exe);
  build_data = g_build_filename (dir, "..", "..", "data", NULL);
  compiled = g_build_filename (build_data, "gschemas.compiled", NULL);
  if (!g_file_test (compiled, G_FILE_TEST_EXISTS))
    return;
  if (current != NULL && *current != '\0')
    {
      g_autofree char *both = g_strconcat (current, G_SEARCHPATH_SEPARATOR_S, build_data, NULL);

      g_setenv ("GSETTINGS_SCHEMA_DIR", both, TRUE);
    }
  else
    g_setenv ("GSETTINGS_SCHEMA_DIR", build_data, TRUE);
}

/* With the cairo renderer asked for, GDK has no use for OpenGL, but on X11 it still loads the
 * GL stack to pick a visual (with Mesa's software driver: LLVM, about 50 MiB of memory). Not
 * when the user set the variable themselves. GTK 4.16 moved the switch from GDK_DEBUG to
 * GDK_DISABLE (the Flatpak's runtime is newer than Debian's 4.8). */
static void
skip_unused_gl (void)
{
  gboolean    gdk_disable = gtk_get_major_version () > 4
                         || (gtk_get_major_version () == 4 && gtk_get_minor_version () >= 16);
  const char *variable = gdk_disable ? "GDK_DISABLE" : "GDK_DEBUG";
  const char *current = g_getenv (variable);

  if (g_strcmp0 (g_getenv ("GSK_RENDERER"), "cairo") == 0 && (current == NULL || *current == '\0'))
    g_setenv (variable, gdk_disable ? "gl" : "gl-disable", TRUE);
}

int
main (int argc, char *argv[])
{
  g_autoptr (TrApplication) app = NULL;

  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  find_schema ();
  skip_unused_gl ();
  g_set_application_name (_ ("Transfer"));

  app = tr_application_new ();
  return g_application_run (G_APPLICATION (app), argc, argv);
}
