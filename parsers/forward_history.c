/* forward_history.c - a reply's own text and its quoted history; see forward.h. */
#include <string.h>

#include "forward.h"
#include "forward_parts.h"

/* Whether line i opens unquoted history: "-----Original Message-----" or a
   line of underscores over a header block, or a bare Outlook block; *body
   is where the earlier message's text begins. */
static gboolean
history_block_at(char **lines, guint n, guint i, guint *body)
{
	struct block b;
	enum mark m = forward_mark_of(lines[i], NULL);

	if (m == M_AMBIGUOUS || m == M_RULE) {
		if (forward_block_at(lines, n, i + 1, 2, &b) && (b.roles & (1u << H_FROM)) != 0 &&
		    b.count >= 2) {
			*body = b.end;
			return TRUE;
		}
		if (m == M_AMBIGUOUS) {
			*body = i + 1;
			return TRUE;
		}
		return FALSE;
	}
	if (forward_block_at(lines, n, i, 0, &b) && forward_block_is_bare(lines, &b)) {
		*body = b.end;
		return TRUE;
	}
	return FALSE;
}

/* Add one line to a text being built (lines joined by newlines). */
static void
add_line(GString *s, gboolean *first, const char *line)
{
	if (!*first)
		g_string_append_c(s, '\n');
	*first = FALSE;
	g_string_append(s, line);
}

/* Cut lines [0, n) into the own text and the history; depth bounds the
   recursion into quotes of quotes. */
static void
history_cut(char **lines, guint n, GString *own, GPtrArray *history, int depth)
{
	GPtrArray *quote = g_ptr_array_new_with_free_func(g_free);
	guint rest = n;
	gboolean first = TRUE;

	for (guint i = 0; i < n; i++) {
		guint body;
		if (forward_quoted(lines[i])) {
			g_ptr_array_add(quote, forward_unquote(lines[i]));
			add_line(own, &first, "");
			continue;
		}
		if (forward_opens_history(lines[i], i + 1 < n ? lines[i + 1] : NULL)) {
			/* "On … wrote:": the quote under it is history; text after
			   the quote (bottom-posted, interleaved) is the reply's own */
			guint j = i + 1;
			if (j < n && !forward_quoted(lines[j]) && !forward_blank(lines[j]) &&
			    strnlen(lines[j], 40) < 40 && strchr(lines[j], ':') != NULL)
				j++; /* "wrote:" wrapped onto the next line */
			while (j < n && forward_blank(lines[j]))
				j++;
			if (j < n && forward_quoted(lines[j])) {
				i = j - 1;
				add_line(own, &first, "");
				continue;
			}
			rest = j;
			break;
		}
		if (history_block_at(lines, n, i, &body)) {
			rest = body;
			break;
		}
		add_line(own, &first, lines[i]);
	}
	if (depth < FORWARD_MAX_LEVELS && quote->len > 0) {
		GString *q = g_string_new(NULL);
		gsize at = history->len;
		g_ptr_array_add(history, NULL);
		history_cut((char **)quote->pdata, quote->len, q, history, depth + 1);
		history->pdata[at] = g_string_free(q, FALSE);
	}
	if (depth < FORWARD_MAX_LEVELS && rest < n) {
		GString *h = g_string_new(NULL);
		gsize at = history->len;
		g_ptr_array_add(history, NULL);
		history_cut(lines + rest, n - rest, h, history, depth + 1);
		history->pdata[at] = g_string_free(h, FALSE);
	}
	g_ptr_array_free(quote, TRUE);
}

/* A reply's own text and its history; see forward.h. */
GPtrArray *
forward_history(const char *text, char **own)
{
	GPtrArray *history = g_ptr_array_new_with_free_func(g_free);
	char **lines = g_strsplit(text != NULL ? text : "", "\n", -1);
	GString *o = g_string_new(NULL);

	forward_init();
	history_cut(lines, g_strv_length(lines), o, history, 0);
	g_strfreev(lines);
	*own = g_string_free(o, FALSE);
	return history;
}
