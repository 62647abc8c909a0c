/* spool.c - content-addressed files beside the database; see spool.h. */
#include "spool.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "log.h"
#include "readwire.h"

/* Above this many files a sync is one syncfs() of the whole filesystem,
   which flushes the files and their directories in one call. */
#define SYNC_EACH_MAX 16

struct spool {
	char *dir;
	int fd;           /* the spool directory, for syncfs */
	GPtrArray *files; /* paths put since the last sync */
	GHashTable *dirs; /* directories changed since the last sync (set) */
	gboolean faulted; /* the last failure */
};

/* Open the spool directory. */
struct spool *
spool_open(const char *dir, char **cause)
{
	struct spool *sp = g_new0(struct spool, 1);

	sp->fd = -1;
	sp->dir = g_strdup(dir);
	sp->files = g_ptr_array_new_with_free_func(g_free);
	sp->dirs = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
	if (g_mkdir_with_parents(dir, 0750) != 0 ||
	    (sp->fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0) {
		*cause = g_strdup_printf("spool %s: %s", dir, g_strerror(errno));
		return spool_close(sp);
	}
	return sp;
}

/* Close; returns NULL. */
struct spool *
spool_close(struct spool *sp)
{
	if (sp == NULL)
		return NULL;
	if (sp->fd >= 0)
		close(sp->fd);
	g_ptr_array_free(sp->files, TRUE);
	g_hash_table_destroy(sp->dirs);
	g_free(sp->dir);
	g_free(sp);
	return NULL;
}

/* Whether the last failure was the disk's. */
gboolean
spool_faulted(const struct spool *sp)
{
	return sp->faulted;
}

/* Record a failure with errno; returns -1. */
static int
spool_fail(struct spool *sp, const char *what, const char *path, char **cause)
{
	*cause = g_strdup_printf("spool %s %s: %s", what, path, g_strerror(errno));
	sp->faulted = TRUE;
	return -1;
}

/* Whether the file at path holds bytes whose digest is sha. */
static gboolean
file_matches(const char *path, const char *sha, gsize len)
{
	GMappedFile *mf = g_mapped_file_new(path, FALSE, NULL);
	gboolean ok = FALSE;

	if (mf == NULL)
		return FALSE;
	if (g_mapped_file_get_length(mf) == len) {
		char *have = g_compute_checksum_for_data(
		    G_CHECKSUM_SHA256, (const guchar *)g_mapped_file_get_contents(mf), len);
		ok = strcmp(have, sha) == 0;
		g_free(have);
	}
	g_mapped_file_unref(mf);
	return ok;
}

/* Create dir (one level under an existing parent) and note the parent. */
static int
spool_mkdir(struct spool *sp, const char *dir, char **cause)
{
	if (g_file_test(dir, G_FILE_TEST_IS_DIR))
		return 0;
	if (g_mkdir_with_parents(dir, 0750) != 0)
		return spool_fail(sp, "mkdir", dir, cause);
	/* the new entries must reach the disk too */
	g_hash_table_add(sp->dirs, g_path_get_dirname(dir));
	char *parent = g_path_get_dirname(dir);
	g_hash_table_add(sp->dirs, g_path_get_dirname(parent));
	g_free(parent);
	return 0;
}

/* Keep data under its digest. */
int
spool_put(struct spool *sp, const char *kind, gboolean mail, const char *data, gsize len,
          char **path, char **sha_out, char **cause)
{
	char *sha = sha_out != NULL && *sha_out != NULL
	                ? g_strdup(*sha_out)
	                : g_compute_checksum_for_data(G_CHECKSUM_SHA256, (const guchar *)data, len);
	char sub[3] = {sha[0], sha[1], '\0'};
	char *dir = g_build_filename(sp->dir, kind, sub, NULL);
	char *file = g_strdup_printf("%s/%s%s", dir, sha, mail ? ".eml" : "");
	char *tmp = g_strdup_printf("%s.tmp%d", file, (int)getpid());
	int fd = -1, rc = -1;

	sp->faulted = FALSE;
	if (g_file_test(file, G_FILE_TEST_EXISTS)) {
		if (file_matches(file, sha, len)) {
			rc = 0;
			goto out;
		}
		log_warn("spool", "%s does not hold what its name says; writing it again", file);
	}
	if (spool_mkdir(sp, dir, cause) != 0)
		goto out;
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0640);
	if (fd < 0 || readwire_write(fd, data, len) != 0) {
		spool_fail(sp, "write", tmp, cause);
		goto fail;
	}
	if (close(fd) != 0) {
		fd = -1;
		spool_fail(sp, "write", tmp, cause);
		goto fail;
	}
	fd = -1;
	if (rename(tmp, file) != 0) {
		spool_fail(sp, "rename", file, cause);
		goto fail;
	}
	g_ptr_array_add(sp->files, g_strdup(file));
	g_hash_table_add(sp->dirs, g_strdup(dir));
	rc = 0;
	goto out;
fail:
	if (fd >= 0)
		close(fd);
	unlink(tmp);
out:
	if (rc == 0 && path != NULL)
		*path = g_strdup(file);
	if (rc == 0 && sha_out != NULL && *sha_out == NULL)
		*sha_out = g_strdup(sha);
	g_free(sha);
	g_free(dir);
	g_free(file);
	g_free(tmp);
	return rc;
}

/* fsync one path (file or directory). */
static int
sync_path(struct spool *sp, const char *path, char **cause)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0 || fsync(fd) != 0) {
		if (fd >= 0)
			close(fd);
		return spool_fail(sp, "fsync", path, cause);
	}
	close(fd);
	return 0;
}

/* Make the files put since the last call durable. */
int
spool_sync(struct spool *sp, char **cause)
{
	GHashTableIter it;
	gpointer dir;

	sp->faulted = FALSE;
	if (sp->files->len == 0 && g_hash_table_size(sp->dirs) == 0)
		return 0;
	if (sp->files->len > SYNC_EACH_MAX) {
		if (syncfs(sp->fd) != 0)
			return spool_fail(sp, "syncfs", sp->dir, cause);
	} else {
		for (guint i = 0; i < sp->files->len; i++)
			if (sync_path(sp, g_ptr_array_index(sp->files, i), cause) != 0)
				return -1;
		g_hash_table_iter_init(&it, sp->dirs);
		while (g_hash_table_iter_next(&it, &dir, NULL))
			if (sync_path(sp, dir, cause) != 0)
				return -1;
	}
	g_ptr_array_set_size(sp->files, 0);
	g_hash_table_remove_all(sp->dirs);
	return 0;
}
