/* commands_confirm.c - whether a unit's reply confirms the completion;
   see commands.h. */
#include "commands.h"
#include "commands_parts.h"

#include <string.h>

#include "text.h"

/* Phrases that confirm completion anywhere in a clause (folded words). */
static const char *const confirm_phrases[] = {
    "xac nhan hoan thanh",
    "xac nhan da hoan thanh",
    "xac nhan hoan tat",
    "xac nhan da xong",
    "da hoan thanh",
    "da hoan tat",
    "dong y",
    "nhat tri",
    "confirm",
    "confirmed",
    "i confirm",
    "we confirm",
    "agreed",
    "da nhan ban giao",
    "nhan ban giao",
    "da xong",
    "xong roi",
    "da nghiem thu",
    "completed",
};

/* Words that confirm when they begin a line: "OK, đã nhận". */
static const char *const confirm_starts[] = {"ok", "okay", "oke", "oki", "okie"};

/* Words that confirm only alone on a line ("Xác nhận ạ", "Done."). */
static const char *const confirm_alone[] = {"xac nhan", "yes",        "vang",   "done",
                                            "xong",     "hoan thanh", "ok roi", "duoc roi"};

/* Particles a line may begin with before what it says ("Dạ, OK"). */
static const char *const lead_particles[] = {"da", "vang", "yes", "u", "uh", "thanks", "cam on"};

/* Politeness after a lone word ("OK ạ", "Xác nhận, cảm ơn anh"). */
static const char *const tail_particles[] = {"a",   "anh",    "chi",   "em",  "nhe",
                                             "nha", "thanks", "thank", "you", "cam",
                                             "on",  "nhieu",  "ban",   "ad",  "admin"};

/* Words that, just before a phrase, undo it ("không đồng ý", "please
   confirm", "nếu đồng ý"). */
static const char *const negators[] = {
    "khong", "ko",     "k",      "kg",      "khg",   "hok",     "chua",   "chang",
    "cha",   "not",    "no",     "never",   "don't", "doesn't", "didn't", "isn't",
    "can't", "cannot", "hasn't", "haven't", "won't", "please",  "vui",    "neu",
    "if",    "hay",    "can",    "nghi",    "cho",
};

/* Words that, just after a phrase, make it a question ("Đồng ý không?"). */
static const char *const question_tails[] = {"chua", "khong", "ko", "k", "hok", "chu", "sao"};

/* Phrases that say the work is not done or not accepted: any of them in the
   new text and the reply is no confirmation. */
static const char *const negative_phrases[] = {
    "chua hoan thanh", "chua xong",      "van chua",
    "chua nhan duoc",  "khong dong y",   "chua dong y",
    "khong nhat tri",  "not confirmed",  "khong xac nhan",
    "chua xac nhan",   "chua duoc",      "khong duoc",
    "van loi",         "van con",        "van bi",
    "van khong",       "con loi",        "bi loi",
    "khong the",       "khong vao duoc", "khong hoat dong",
    "chua hoat dong",  "not working",    "doesn't work",
    "does not work",   "not done",       "not yet",
    "not complete",    "not completed",  "still",
    "cannot",          "can't",          "unable",
    "khong dung",      "bi sai",         "con sai",
    "chua on",         "khong on",       "chua chinh xac",
    "khong chinh xac", "tuy nhien",      "but",
    "however",         "van chua xong",  "do not confirm",
};

/* Words that carry a reservation but fold onto common words ("nhưng" folds
   to "nhung" like "những"): matched in lower case with diacritics. */
static const char *const reservations[] = {"nhưng"};

/* Whether s is one of the n words of list. */
static gboolean
in_list(const char *s, const char *const *list, gsize n)
{
	for (gsize i = 0; i < n; i++)
		if (strcmp(s, list[i]) == 0)
			return TRUE;
	return FALSE;
}

/* Whether a token is a clause mark ("." or "?") rather than a word. */
static gboolean
is_mark(const char *t)
{
	return strcmp(t, ".") == 0 || strcmp(t, "?") == 0;
}

/* The words of a folded line with clause marks between them: "?" after a
   question, "." after other punctuation; apostrophes stay in words. */
static GPtrArray *
tokens_of(const char *folded)
{
	GPtrArray *t = g_ptr_array_new_with_free_func(g_free);
	GString *w = g_string_new(NULL);

	for (const char *p = folded;; p = g_utf8_next_char(p)) {
		gunichar c = g_utf8_get_char(p);
		if (c == 0x2019)
			c = '\'';
		if (c != '\0' && (g_unichar_isalnum(c) || (c == '\'' && w->len > 0))) {
			g_string_append_unichar(w, c);
			continue;
		}
		if (w->len > 0) {
			g_ptr_array_add(t, g_strdup(w->str));
			g_string_truncate(w, 0);
		}
		if (c == '\0')
			break;
		const char *mark = NULL;
		if (c == '?')
			mark = "?";
		else if ((c < 0x80 && strchr(".,;:!()[]", (int)c) != NULL) || c == 0x2026 ||
		         c == 0x2013 || c == 0x2014 || (c == '-' && (p[1] == ' ' || p[1] == '\0')))
			mark = ".";
		if (mark != NULL) {
			if (t->len > 0 && is_mark(g_ptr_array_index(t, t->len - 1)))
				g_free(t->pdata[t->len - 1]), t->pdata[t->len - 1] = g_strdup(mark);
			else
				g_ptr_array_add(t, g_strdup(mark));
		}
	}
	g_string_free(w, TRUE);
	return t;
}

/* Number of tokens the words of phrase match at t[i], 0 if they do not. */
static guint
match_phrase(GPtrArray *t, guint i, const char *phrase)
{
	char **words = g_strsplit(phrase, " ", -1);
	guint n = 0;

	while (words[n] != NULL && i + n < t->len && strcmp(t->pdata[i + n], words[n]) == 0)
		n++;
	if (words[n] != NULL)
		n = 0;
	g_strfreev(words);
	return n;
}

/* Whether any phrase of list occurs in t. */
static gboolean
has_phrase(GPtrArray *t, const char *const *list, gsize n)
{
	for (guint i = 0; i < t->len; i++)
		for (gsize k = 0; k < n; k++)
			if (match_phrase(t, i, list[k]) > 0)
				return TRUE;
	return FALSE;
}

/* Whether the phrase at t[i..i+n) is undone: a negation or a request within
   three words before it in its clause, a question word right after it, or
   its clause ending in '?'. */
static gboolean
phrase_undone(GPtrArray *t, guint i, guint n)
{
	for (guint k = 1; k <= 3 && k <= i; k++) {
		const char *w = t->pdata[i - k];
		if (is_mark(w))
			break;
		if (in_list(w, negators, G_N_ELEMENTS(negators)))
			return TRUE;
	}
	if (i + n < t->len &&
	    in_list(t->pdata[i + n], question_tails, G_N_ELEMENTS(question_tails)))
		return TRUE;
	for (guint k = i + n; k < t->len; k++)
		if (is_mark(t->pdata[k]))
			return strcmp(t->pdata[k], "?") == 0;
	return FALSE;
}

/* Whether the words t[a..b) are exactly one phrase of list. */
static gboolean
span_is(GPtrArray *t, guint a, guint b, const char *const *list, gsize n)
{
	for (gsize k = 0; k < n; k++)
		if (match_phrase(t, a, list[k]) == b - a)
			return TRUE;
	return FALSE;
}

/* Whether the clause t[a..b) says only a confirming word, with particles
   before it and politeness after it ("Dạ vâng ạ", "Xác nhận, cảm ơn anh"). */
static gboolean
clause_alone_confirms(GPtrArray *t, guint a, guint b)
{
	while (b > a + 1 && in_list(t->pdata[b - 1], tail_particles, G_N_ELEMENTS(tail_particles)))
		b--;
	while (a < b) {
		guint n = 0;
		if (span_is(t, a, b, confirm_alone, G_N_ELEMENTS(confirm_alone)) ||
		    span_is(t, a, b, confirm_starts, G_N_ELEMENTS(confirm_starts)))
			return TRUE;
		for (gsize k = 0; n == 0 && k < G_N_ELEMENTS(lead_particles); k++)
			n = match_phrase(t, a, lead_particles[k]);
		if (n == 0 || a + n > b)
			return FALSE;
		a += n;
	}
	return FALSE;
}

/* Whether the line's tokens confirm: a confirming phrase not undone, a lone
   confirming word, or "OK" beginning the line. */
static gboolean
line_confirms(GPtrArray *t)
{
	gboolean question = FALSE, yes = FALSE;
	guint first = 0;

	for (guint i = 0; i < t->len; i++)
		question = question || strcmp(t->pdata[i], "?") == 0;
	if (!question) {
		for (guint a = 0, b = 0; !yes && b <= t->len; b++)
			if (b == t->len || is_mark(t->pdata[b])) {
				yes = b > a && clause_alone_confirms(t, a, b);
				a = b + 1;
			}
		/* "OK, đã nhận", "Dạ ok em" */
		while (first < t->len) {
			guint n = is_mark(t->pdata[first]) ? 1 : 0;
			for (gsize k = 0; n == 0 && k < G_N_ELEMENTS(lead_particles); k++)
				n = match_phrase(t, first, lead_particles[k]);
			if (n == 0)
				break;
			first += n;
		}
		if (first < t->len &&
		    in_list(t->pdata[first], confirm_starts, G_N_ELEMENTS(confirm_starts)) &&
		    !phrase_undone(t, first, 1))
			yes = TRUE;
	}
	for (guint i = 0; !yes && i < t->len; i++)
		for (gsize k = 0; !yes && k < G_N_ELEMENTS(confirm_phrases); k++) {
			guint n = match_phrase(t, i, confirm_phrases[k]);
			yes = n > 0 && !phrase_undone(t, i, n);
		}
	return yes;
}

/* Whether lower-case text holds a reservation word standing alone. */
static gboolean
has_reservation(const char *lower)
{
	for (gsize k = 0; k < G_N_ELEMENTS(reservations); k++) {
		gsize n = strlen(reservations[k]);
		for (const char *p = strstr(lower, reservations[k]); p != NULL;
		     p = strstr(p + 1, reservations[k])) {
			const char *prev = p > lower ? g_utf8_find_prev_char(lower, p) : NULL;
			gboolean left = prev == NULL || !g_unichar_isalnum(g_utf8_get_char(prev));
			gboolean right = p[n] == '\0' || !g_unichar_isalnum(g_utf8_get_char(p + n));
			if (left && right)
				return TRUE;
		}
	}
	return FALSE;
}

/* Whether a unit's reply confirms completion. */
gboolean
commands_is_confirmation(const char *text)
{
	GPtrArray *lines = commands_new_lines(text);
	gboolean yes = FALSE, no = FALSE;

	for (guint i = 0; i < lines->len && !no; i++) {
		char *f = text_fold(lines->pdata[i]);
		char *lower = g_utf8_strdown(lines->pdata[i], -1);
		GPtrArray *t = tokens_of(f);

		no = has_phrase(t, negative_phrases, G_N_ELEMENTS(negative_phrases)) ||
		     has_reservation(lower);
		yes = yes || line_confirms(t);
		g_ptr_array_unref(t);
		g_free(lower);
		g_free(f);
	}
	g_ptr_array_unref(lines);
	return yes && !no;
}
