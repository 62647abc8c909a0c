/* paths.c - where the installed files are, from the running binary; see paths.h. */
#include "paths.h"

#include <string.h>
#include <unistd.h>

#include <glib.h>

/* The directory of the running binary, or NULL. */
static char *
self_dir(void)
{
	char *self = g_file_read_link("/proc/self/exe", NULL);
	char *dir;

	if (self == NULL)
		return NULL;
	dir = g_path_get_dirname(self);
	g_free(self);
	return dir;
}

/* Whether dir lies in the build directory phieu was built in. */
static gboolean
in_build_tree(const char *dir)
{
	size_t n = strlen(PHIEU_BUILD_ROOT);

	return strncmp(dir, PHIEU_BUILD_ROOT, n) == 0 && (dir[n] == '/' || dir[n] == '\0');
}

/* The prefix the running binary is installed under (dir less its bindir or
   sbindir, as configured relative to the prefix), or NULL. */
static char *
install_root(const char *dir)
{
	static const char *const bins[] = {PHIEU_SBINDIR_REL, PHIEU_BINDIR_REL};

	for (gsize i = 0; i < G_N_ELEMENTS(bins); i++) {
		size_t n = strlen(dir), k = strlen(bins[i]);
		if (bins[i][0] == '/' || k == 0 || n <= k + 1)
			continue;
		if (strcmp(dir + n - k, bins[i]) == 0 && dir[n - k - 1] == '/')
			return g_strndup(dir, n - k - 1);
	}
	return NULL;
}

/* root/rel/name when root is known and it exists, else NULL. */
static char *
under_root(const char *root, const char *rel, const char *name)
{
	char *p;

	if (root == NULL || rel[0] == '/')
		return NULL;
	p = g_build_filename(root, rel, name, NULL);
	if (access(p, F_OK) == 0)
		return p;
	g_free(p);
	return NULL;
}

/* See paths.h. */
char *
paths_data(const char *name)
{
	char *dir = self_dir(), *root, *p = NULL;

	if (dir != NULL && in_build_tree(dir)) {
		g_free(dir);
		return g_build_filename(PHIEU_SOURCE_DATA, name, NULL);
	}
	root = dir != NULL ? install_root(dir) : NULL;
	p = under_root(root, PHIEU_DATA_REL, name);
	g_free(root);
	g_free(dir);
	return p != NULL ? p : g_build_filename(PHIEU_DATADIR, name, NULL);
}

/* See paths.h. */
char *
paths_libexec(const char *name)
{
	char *dir = self_dir(), *root, *p = NULL;

	if (dir != NULL) {
		p = g_build_filename(dir, name, NULL);
		if (access(p, X_OK) == 0) {
			g_free(dir);
			return p;
		}
		g_free(p);
		root = install_root(dir);
		p = under_root(root, PHIEU_LIBEXEC_REL, name);
		g_free(root);
		g_free(dir);
	}
	return p != NULL ? p : g_build_filename(PHIEU_LIBEXECDIR, name, NULL);
}
