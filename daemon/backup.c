/* backup.c - database snapshot, incremental spool copy, manifest, verify; see backup.h. */
#include "clock.h"
#include "backup.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#define ORPHANS_SHOWN 10 /* orphans named in the report, the rest counted */

/* The SHA-256 of a file in hex, or NULL with *cause. */
static char *
file_sha256(const char *path, char **cause)
{
	GChecksum *c = g_checksum_new(G_CHECKSUM_SHA256);
	char buf[65536], *hex;
	ssize_t n;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0) {
		*cause = g_strdup_printf("%s: %s", path, g_strerror(errno));
		g_checksum_free(c);
		return NULL;
	}
	while ((n = read(fd, buf, sizeof buf)) > 0)
		g_checksum_update(c, (const guchar *)buf, n);
	close(fd);
	if (n < 0) {
		*cause = g_strdup_printf("%s: %s", path, g_strerror(errno));
		g_checksum_free(c);
		return NULL;
	}
	hex = g_strdup(g_checksum_get_string(c));
	g_checksum_free(c);
	return hex;
}

/* Copy src to dst through dst.tmp, synced, then renamed. */
static int
copy_file(const char *src, const char *dst, char **cause)
{
	char *tmp = g_strconcat(dst, ".tmp", NULL), buf[65536];
	int in = open(src, O_RDONLY | O_CLOEXEC), out = -1, rc = -1;
	ssize_t n = 0;

	if (in < 0)
		goto fail;
	out = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0640);
	if (out < 0)
		goto fail;
	while ((n = read(in, buf, sizeof buf)) > 0)
		if (write(out, buf, n) != n)
			goto fail;
	if (n < 0 || fsync(out) != 0 || close(out) != 0) {
		out = -1;
		goto fail;
	}
	out = -1;
	if (rename(tmp, dst) != 0)
		goto fail;
	rc = 0;
fail:
	if (rc != 0) {
		*cause = g_strdup_printf("copying %s to %s: %s", src, dst, g_strerror(errno));
		unlink(tmp);
	}
	if (in >= 0)
		close(in);
	if (out >= 0)
		close(out);
	g_free(tmp);
	return rc;
}

/* The spool's files under root, relative to it (char*), without the
   temporary files of writes in progress. */
static int
spool_walk(const char *root, const char *rel, GPtrArray *out, char **cause)
{
	char *path = rel[0] != '\0' ? g_build_filename(root, rel, NULL) : g_strdup(root);
	GError *err = NULL;
	GDir *d = g_dir_open(path, 0, &err);
	const char *name;
	int rc = 0;

	if (d == NULL) {
		/* a spool not made yet holds nothing */
		rc = g_error_matches(err, G_FILE_ERROR, G_FILE_ERROR_NOENT) && rel[0] == '\0' ? 0
		                                                                              : -1;
		if (rc != 0)
			*cause = g_strdup(err->message);
		g_error_free(err);
		g_free(path);
		return rc;
	}
	while (rc == 0 && (name = g_dir_read_name(d)) != NULL) {
		char *r = rel[0] != '\0' ? g_build_filename(rel, name, NULL) : g_strdup(name);
		char *full = g_build_filename(root, r, NULL);
		if (g_file_test(full, G_FILE_TEST_IS_DIR))
			rc = spool_walk(root, r, out, cause);
		else if (strstr(name, ".tmp") == NULL)
			g_ptr_array_add(out, g_strdup(r));
		g_free(full);
		g_free(r);
	}
	g_dir_close(d);
	g_free(path);
	return rc;
}

/* Size of a file, -1 when missing. */
static gint64
file_size(const char *path)
{
	struct stat sb;

	return stat(path, &sb) == 0 ? (gint64)sb.st_size : -1;
}

/* Write the manifest of a backup. */
static int
write_manifest(const char *dir, const char *db, int version, guint files, gint64 bytes,
               guint copied, char **cause)
{
	JsonBuilder *b = json_builder_new();
	JsonGenerator *g = json_generator_new();
	char *sha = file_sha256(db, cause), *text,
	     *path = g_build_filename(dir, "MANIFEST.json", NULL);
	GError *err = NULL;
	int rc = 0;

	if (sha == NULL) {
		rc = -1;
		goto out;
	}
	json_builder_begin_object(b);
	json_builder_set_member_name(b, "phieu");
	json_builder_add_string_value(b, PHIEU_VERSION);
	json_builder_set_member_name(b, "created");
	json_builder_add_int_value(b, clock_now());
	json_builder_set_member_name(b, "database");
	json_builder_begin_object(b);
	json_builder_set_member_name(b, "file");
	json_builder_add_string_value(b, "phieu.db");
	json_builder_set_member_name(b, "bytes");
	json_builder_add_int_value(b, file_size(db));
	json_builder_set_member_name(b, "sha256");
	json_builder_add_string_value(b, sha);
	json_builder_set_member_name(b, "schema_version");
	json_builder_add_int_value(b, version);
	json_builder_end_object(b);
	json_builder_set_member_name(b, "spool");
	json_builder_begin_object(b);
	json_builder_set_member_name(b, "files");
	json_builder_add_int_value(b, files);
	json_builder_set_member_name(b, "bytes");
	json_builder_add_int_value(b, bytes);
	json_builder_set_member_name(b, "copied");
	json_builder_add_int_value(b, copied);
	json_builder_end_object(b);
	json_builder_end_object(b);
	JsonNode *root = json_builder_get_root(b);
	json_generator_set_root(g, root);
	json_generator_set_pretty(g, TRUE);
	text = json_generator_to_data(g, NULL);
	if (!g_file_set_contents(path, text, -1, &err)) {
		*cause = g_strdup(err->message);
		g_error_free(err);
		rc = -1;
	}
	g_free(text);
	json_node_unref(root);
out:
	g_object_unref(g);
	g_object_unref(b);
	g_free(sha);
	g_free(path);
	return rc;
}

/* See backup.h. */
int
backup_run(struct store *st, const struct config *cfg, const char *dir, GString *report,
           char **cause)
{
	char *spool_dir = g_build_filename(dir, "spool", NULL);
	char *db = g_build_filename(dir, "phieu.db", NULL), *tmp = g_strconcat(db, ".tmp", NULL);
	GPtrArray *files = g_ptr_array_new_with_free_func(g_free);
	guint copied = 0;
	gint64 bytes = 0;
	int rc = -1;

	if (g_mkdir_with_parents(spool_dir, 0750) != 0) {
		*cause = g_strdup_printf("%s: %s", spool_dir, g_strerror(errno));
		goto out;
	}
	/* the database first: every file it names is in the spool already */
	unlink(tmp);
	if (store_backup(st, tmp, cause) != 0 || rename(tmp, db) != 0) {
		if (*cause == NULL)
			*cause = g_strdup_printf("%s: %s", db, g_strerror(errno));
		unlink(tmp);
		goto out;
	}
	g_string_append_printf(report, "database  %s (%" G_GINT64_FORMAT " bytes)\n", db,
	                       file_size(db));
	if (spool_walk(cfg->spool, "", files, cause) != 0)
		goto out;
	for (guint i = 0; i < files->len; i++) {
		const char *rel = g_ptr_array_index(files, i);
		char *src = g_build_filename(cfg->spool, rel, NULL);
		char *dst = g_build_filename(spool_dir, rel, NULL),
		     *parent = g_path_get_dirname(dst);
		gint64 size = file_size(src);
		int r = 0;
		/* named by its digest: there with its size, it is the same file */
		if (file_size(dst) != size) {
			r = g_mkdir_with_parents(parent, 0750) == 0 ? copy_file(src, dst, cause)
			                                            : -1;
			if (r != 0 && *cause == NULL)
				*cause = g_strdup_printf("%s: %s", parent, g_strerror(errno));
			copied += r == 0;
		}
		bytes += size > 0 ? size : 0;
		g_free(src);
		g_free(dst);
		g_free(parent);
		if (r != 0)
			goto out;
	}
	g_string_append_printf(report,
	                       "spool     %u file(s), %" G_GINT64_FORMAT " bytes, %u copied now\n",
	                       files->len, bytes, copied);
	rc = write_manifest(dir, db, store_version(st), files->len, bytes, copied, cause);
	if (rc == 0)
		g_string_append_printf(report, "manifest  %s/MANIFEST.json\n", dir);
out:
	g_ptr_array_free(files, TRUE);
	g_free(spool_dir);
	g_free(db);
	g_free(tmp);
	return rc;
}

/* The digest a spool file is named by (its base name less ".eml"), or NULL. */
static char *
name_digest(const char *path)
{
	char *base = g_path_get_basename(path), *dot = strchr(base, '.');

	if (dot != NULL)
		*dot = '\0';
	if (strlen(base) != 64 || strspn(base, "0123456789abcdef") != 64) {
		g_free(base);
		return NULL;
	}
	return base;
}

/* See backup.h. */
int
backup_verify(struct store *st, const char *live_spool, const char *spool_root, GString *report,
              char **cause)
{
	GPtrArray *refs = g_ptr_array_new_with_free_func(g_free);
	GPtrArray *files = g_ptr_array_new_with_free_func(g_free);
	GHashTable *named = g_hash_table_new(g_str_hash, g_str_equal);
	char *why = NULL, *prefix = g_strconcat(live_spool, "/", NULL);
	int problems = 0, orphans = 0;

	if (store_integrity(st, &why) != 0) {
		g_string_append_printf(report, "database  DAMAGED: %s\n", why);
		g_free(why);
		why = NULL;
		problems++;
	} else {
		g_string_append(report, "database  integrity_check ok\n");
	}
	if (store_spool_refs(st, refs, cause) != 0 ||
	    spool_walk(spool_root, "", files, cause) != 0) {
		problems = -1;
		goto out;
	}
	for (guint i = 0; i < refs->len; i++) {
		const char *ref = g_ptr_array_index(refs, i);
		const char *rel = g_str_has_prefix(ref, prefix) ? ref + strlen(prefix) : NULL;
		char *file = rel != NULL ? g_build_filename(spool_root, rel, NULL) : g_strdup(ref);
		char *want = name_digest(ref), *have = NULL;
		if (rel != NULL)
			g_hash_table_add(named, (gpointer)rel);
		if (!g_file_test(file, G_FILE_TEST_EXISTS)) {
			g_string_append_printf(report, "missing   %s\n", file);
			problems++;
		} else if (want != NULL && (have = file_sha256(file, &why)) == NULL) {
			g_string_append_printf(report, "unread    %s\n", why);
			g_free(why);
			why = NULL;
			problems++;
		} else if (want != NULL && strcmp(want, have) != 0) {
			g_string_append_printf(report, "modified  %s (its SHA-256 is %s)\n", file,
			                       have);
			problems++;
		}
		g_free(file);
		g_free(want);
		g_free(have);
	}
	for (guint i = 0; i < files->len; i++) {
		const char *rel = g_ptr_array_index(files, i);
		if (g_hash_table_contains(named, rel))
			continue;
		if (orphans++ < ORPHANS_SHOWN)
			g_string_append_printf(report, "orphan    %s/%s (named by no row)\n",
			                       spool_root, rel);
	}
	g_string_append_printf(
	    report, "spool     %u file(s) named, %u on disk, %d orphan(s), %d problem(s)\n",
	    refs->len, files->len, orphans, problems);
out:
	g_hash_table_destroy(named);
	g_ptr_array_free(refs, TRUE);
	g_ptr_array_free(files, TRUE);
	g_free(prefix);
	return problems;
}

/* Whether every owner of path i is a request in due. */
static gboolean
only_due_own(GArray *owners, guint i, GHashTable *due)
{
	for (guint k = 0; k + 1 < owners->len; k += 2) {
		gint64 path = g_array_index(owners, gint64, k),
		       req = g_array_index(owners, gint64, k + 1);
		if (path == (gint64)i && (req == 0 || !g_hash_table_contains(due, &req)))
			return FALSE;
	}
	return TRUE;
}

/* See backup.h. */
int
backup_prune(struct store *st, const struct config *cfg, gint64 now, GString *report, char **cause)
{
	GArray *ids = g_array_new(FALSE, FALSE, sizeof(gint64));
	GHashTable *due = g_hash_table_new(g_int64_hash, g_int64_equal);
	GPtrArray *doomed = g_ptr_array_new_with_free_func(g_free);
	GDateTime *t;
	char *cutoff;
	int removed = 0, kept = 0, rc = -1;

	if (cfg->retention_days == 0) {
		g_string_append(report, "retention_days = 0: every spool file is kept\n");
		g_array_free(ids, TRUE);
		g_hash_table_destroy(due);
		g_ptr_array_free(doomed, TRUE);
		return 0;
	}
	t = g_date_time_new_from_unix_utc(now - (gint64)cfg->retention_days * 86400);
	cutoff = g_date_time_format(t, "%Y-%m-%dT%H:%M:%SZ");
	g_date_time_unref(t);
	if (store_begin(st, cause) != 0 || store_retention_due(st, cutoff, ids, cause) != 0)
		goto fail;
	for (guint i = 0; i < ids->len; i++)
		g_hash_table_add(due, &g_array_index(ids, gint64, i));
	for (guint i = 0; i < ids->len; i++) {
		gint64 id = g_array_index(ids, gint64, i);
		GPtrArray *paths = g_ptr_array_new_with_free_func(g_free);
		GArray *owners = g_array_new(FALSE, FALSE, sizeof(gint64));
		int mine = 0, shared = 0, r = store_request_spool(st, id, paths, owners, cause);
		for (guint k = 0; r == 0 && k < paths->len; k++) {
			if (only_due_own(owners, k, due)) {
				g_ptr_array_add(doomed, g_strdup(g_ptr_array_index(paths, k)));
				mine++;
			} else {
				shared++;
			}
		}
		char *detail =
		    g_strdup_printf("%d spool file(s) removed: final for more than retention_days "
		                    "= %d; the request "
		                    "and its history are kept%s",
		                    mine, cfg->retention_days,
		                    shared > 0 ? ", files other requests still name are kept" : "");
		if (r == 0)
			r = store_event_add(st, id, "phieu", "spool_pruned", NULL, NULL, 0, detail,
			                    cause);
		g_free(detail);
		kept += shared;
		g_ptr_array_free(paths, TRUE);
		g_array_free(owners, TRUE);
		if (r != 0)
			goto fail;
	}
	/* recorded first: a file left by a failed unlink is an orphan, not a hole */
	if (store_commit(st, cause) != 0)
		goto fail;
	for (guint i = 0; i < doomed->len; i++) {
		const char *p = g_ptr_array_index(doomed, i);
		if (unlink(p) == 0)
			removed++;
		else if (errno != ENOENT)
			g_string_append_printf(report, "not removed %s: %s\n", p,
			                       g_strerror(errno));
	}
	g_string_append_printf(report,
	                       "retention %u request(s) final before %s: %d spool file(s) removed, "
	                       "%d kept for other requests\n",
	                       ids->len, cutoff, removed, kept);
	rc = removed;
	goto out;
fail:
	store_rollback(st);
out:
	g_free(cutoff);
	g_array_free(ids, TRUE);
	g_hash_table_destroy(due);
	g_ptr_array_free(doomed, TRUE);
	return rc;
}
