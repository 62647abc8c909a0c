/* forward.c - forwarded messages inside a body's text, cut into levels; see forward.h. */
#include "forward.h"

#include <string.h>

#include "forward_parts.h"
#include "text.h"

/* Lines a header block may have (a long Cc wrapped over several). */
#define FORWARD_MAX_HEADER 24
/* Longer lines are never a marker or an attribution: not folded nor matched. */
#define FORWARD_MAX_MARK 512
/* Lines a list of recipients may be wrapped over. */
#define FORWARD_MAX_WRAP 6

/* Marker lines, matched against the folded, unquoted, trimmed line. */
static const struct mark_row {
	const char *pattern;
	enum mark mark;
	const char *shape;
} mark_rows[] = {
    {"^-{9,10} ?forwarded message ?-{9,10}$", M_FORWARD, "gmail"},
    {"^-{8} ?forwarded message ?-{8}$", M_FORWARD, "thunderbird"},
    {"^-{5} ?forwarded message ?-{5}$", M_FORWARD, "zimbra"},
    {"^-{2,} ?forwarded message from .+ -{2,}$", M_FORWARD, "mutt"},
    {"^-{2,} ?forwarded message ?-{2,}$", M_FORWARD, "forward"},
    {"^begin forwarded message:?$", M_FORWARD, "apple"},
    {"^bat dau (?:thu|tin nhan)(?: da)?(?: duoc)? chuyen tiep:?$", M_FORWARD, "apple"},
    {"^-{2,} ?(?:thu|tin nhan|email|noi dung)(?: da)?(?: duoc)? chuyen tiep ?-{2,}$", M_FORWARD,
     "forward"},
    {"^-{2,} ?(?:original message|thu goc|tin nhan goc|thu ban dau) ?-{2,}$", M_AMBIGUOUS,
     "outlook"},
    {"^_{16,}$", M_RULE, "outlook"},
    {"^-{2,} ?end (?:of )?forwarded message ?-{2,}$", M_END, NULL},
};

/* Lines that open a reply's quoted history: the search for a forward ends. */
static const char *const history_patterns[] = {
    "^(?:on|vao|le|am)\\s.{4,300}\\s(?:wrote|(?:da )?viet|a ecrit|schrieb)\\s*:?$",
    "^.{2,300}\\s(?:wrote|da viet)\\s*:$",
};

/* Header labels as the clients write them, folded. */
static const struct header_row {
	const char *label;
	enum role role;
} header_rows[] = {
    {"from", H_FROM},
    {"tu", H_FROM},
    {"nguoi gui", H_FROM},
    {"sent", H_DATE},
    {"date", H_DATE},
    {"da gui", H_DATE},
    {"ngay gui", H_DATE},
    {"thoi gian gui", H_DATE},
    {"gui luc", H_DATE},
    {"ngay", H_DATE},
    {"to", H_TO},
    {"den", H_TO},
    {"toi", H_TO},
    {"gui toi", H_TO},
    {"gui den", H_TO},
    {"nguoi nhan", H_TO},
    {"cc", H_CC},
    {"bcc", H_OTHER},
    {"subject", H_SUBJECT},
    {"chu de", H_SUBJECT},
    {"tieu de", H_SUBJECT},
    {"reply-to", H_OTHER},
    {"importance", H_OTHER},
    {"attachments", H_OTHER},
    {"organization", H_OTHER},
    {"tam quan trong", H_OTHER},
    {"muc do quan trong", H_OTHER},
    {"tep dinh kem", H_OTHER},
};

/* Subject prefixes, folded, and what they say. */
static const struct subject_row {
	const char *prefix;
	enum forward_subject kind;
} subject_rows[] = {
    {"fwd", FWD_SUBJECT_FORWARD}, {"fw", FWD_SUBJECT_FORWARD}, {"chuyen tiep", FWD_SUBJECT_FORWARD},
    {"ct", FWD_SUBJECT_FORWARD},  {"tr", FWD_SUBJECT_FORWARD}, {"wg", FWD_SUBJECT_FORWARD},
    {"re", FWD_SUBJECT_REPLY},    {"tl", FWD_SUBJECT_REPLY},   {"tra loi", FWD_SUBJECT_REPLY},
    {"aw", FWD_SUBJECT_REPLY},    {"sv", FWD_SUBJECT_REPLY},   {"phan hoi", FWD_SUBJECT_REPLY},
};

/* Where a forwarded message sits in a level's lines. */
struct cut {
	guint start;      /* first line of the marker or header block */
	guint resume;     /* first line after the forwarded message (outer text again) */
	GPtrArray *inner; /* char*: the forwarded message's lines, header block removed */
	char *from, *from_name, *subject;
	const char *shape;
};

/* Labels a header block run onto its marker line is cut at (Yahoo's plain
   text: "----- Forwarded Message ----- From: A <a@b>To: …Sent: …Subject: …").
   The first two open the block; a subject label ends the cutting. */
static const struct squashed_row {
	const char *label;
	gboolean subject;
} squashed_rows[] = {
    {"From:", FALSE},   {"Từ:", FALSE},     {"To:", FALSE},    {"Cc:", FALSE},
    {"Sent:", FALSE},   {"Date:", FALSE},   {"Tới:", FALSE},   {"Đến:", FALSE},
    {"Đã gửi:", FALSE}, {"Subject:", TRUE}, {"Chủ đề:", TRUE},
};

/* Compiled patterns, once per process. */
static GRegex *mark_res[G_N_ELEMENTS(mark_rows)];
static GRegex *history_res[G_N_ELEMENTS(history_patterns)];
static GRegex *address_re;

/* Compile the tables' patterns. */
void
forward_init(void)
{
	static gsize done;

	if (!g_once_init_enter(&done))
		return;
	for (gsize i = 0; i < G_N_ELEMENTS(mark_rows); i++)
		mark_res[i] = g_regex_new(mark_rows[i].pattern, G_REGEX_OPTIMIZE, 0, NULL);
	for (gsize i = 0; i < G_N_ELEMENTS(history_patterns); i++)
		history_res[i] = g_regex_new(history_patterns[i], G_REGEX_OPTIMIZE, 0, NULL);
	address_re =
	    g_regex_new("[A-Za-z0-9._%+\\-]+@[A-Za-z0-9\\-]+(?:\\.[A-Za-z0-9\\-]+)*\\.[A-Za-z]{2,}",
	                G_REGEX_OPTIMIZE, 0, NULL);
	g_once_init_leave(&done, 1);
}

/* Whether a line is quoted ("> x", ">> x", up to three spaces before). */
gboolean
forward_quoted(const char *s)
{
	const char *p = s;

	while (*p == ' ' && p - s < 3)
		p++;
	return *p == '>';
}

/* A line with one level of quoting taken off. */
char *
forward_unquote(const char *s)
{
	const char *p = s;

	while (*p == ' ' && p - s < 3)
		p++;
	if (*p != '>')
		return g_strdup(s);
	p++;
	if (*p == ' ')
		p++;
	return g_strdup(p);
}

/* Whether a line holds only white space. */
gboolean
forward_blank(const char *s)
{
	for (; *s != '\0'; s++)
		if (!g_ascii_isspace(*s))
			return FALSE;
	return TRUE;
}

/* The line folded and trimmed, for matching the tables. */
static char *
fold_line(const char *s)
{
	char *f = text_fold(s);

	return g_strstrip(f);
}

/* The marker a line is, and its shape. */
enum mark
forward_mark_of(const char *line, const char **shape)
{
	enum mark m = M_NONE;

	if (strnlen(line, FORWARD_MAX_MARK + 1) > FORWARD_MAX_MARK)
		return M_NONE;
	char *f = fold_line(line);
	for (gsize i = 0; *f != '\0' && i < G_N_ELEMENTS(mark_rows); i++)
		if (g_regex_match(mark_res[i], f, 0, NULL)) {
			m = mark_rows[i].mark;
			if (shape != NULL)
				*shape = mark_rows[i].shape;
			break;
		}
	g_free(f);
	return m;
}

/* Whether a line (with the next, for "On … <a@b>" / "wrote:" wrapped in two)
   opens a reply's quoted history. */
gboolean
forward_opens_history(const char *line, const char *next)
{
	gboolean yes = FALSE;

	if (strnlen(line, FORWARD_MAX_MARK + 1) > FORWARD_MAX_MARK)
		return FALSE;
	char *f = fold_line(line);
	for (gsize i = 0; !yes && i < G_N_ELEMENTS(history_patterns); i++)
		yes = g_regex_match(history_res[i], f, 0, NULL);
	if (!yes && next != NULL && (g_str_has_prefix(f, "on ") || g_str_has_prefix(f, "vao "))) {
		char *n = fold_line(next);
		yes = strcmp(n, "wrote:") == 0 || strcmp(n, "da viet:") == 0;
		g_free(n);
	}
	g_free(f);
	return yes;
}

/* Whether a line is a header line ("From: A <a@b>", "*Từ:* …", "Subject: \t…"):
   its role, and where its value starts. */
static gboolean
header_line(const char *line, enum role *role, const char **value)
{
	const char *p = line, *colon;
	gboolean found = FALSE;

	while (*p == ' ' || *p == '\t' || *p == '*')
		p++;
	colon = strchr(p, ':');
	if (colon == NULL || colon == p || colon - p > 30)
		return FALSE;
	char *label = g_strndup(p, (gsize)(colon - p));
	g_strdelimit(label, "*", ' ');
	char *f = fold_line(label);
	for (gsize i = 0; i < G_N_ELEMENTS(header_rows); i++)
		if (strcmp(f, header_rows[i].label) == 0) {
			*role = header_rows[i].role;
			found = TRUE;
			break;
		}
	g_free(f);
	g_free(label);
	if (!found)
		return FALSE;
	p = colon + 1;
	while (*p == ' ' || *p == '\t' || *p == '*' || *p == '|')
		p++;
	*value = p;
	return TRUE;
}

/* How many lines from line j continue the header before them (a long
   value wrapped), more headers after them: one for any header, up to
   FORWARD_MAX_WRAP for a list of recipients (last: the header's role);
   0 when the body begins at j. */
static guint
wrapped_lines(char **lines, guint n, guint j, guint roles, enum role last)
{
	guint most = last == H_TO || last == H_CC ? FORWARD_MAX_WRAP : 1;
	enum role role;
	const char *value;

	for (guint k = 0; k < most && j + k < n; k++) {
		if (forward_blank(lines[j + k]) || header_line(lines[j + k], &role, &value))
			return 0;
		if (j + k + 1 < n && header_line(lines[j + k + 1], &role, &value) &&
		    (roles & (1u << role)) == 0)
			return k + 1;
	}
	return 0;
}

/* The header block starting at line i (at most skip blank lines before it);
   FALSE when there is none. */
gboolean
forward_block_at(char **lines, guint n, guint i, guint skip, struct block *b)
{
	enum role role, last = H_OTHER;
	const char *value;

	memset(b, 0, sizeof *b);
	while (skip > 0 && i < n && forward_blank(lines[i]))
		i++, skip--;
	b->start = b->end = i;
	for (guint j = i; j < n && j - i < FORWARD_MAX_HEADER; j++) {
		if (header_line(lines[j], &role, &value)) {
			if (role != H_OTHER && (b->roles & (1u << role)) != 0)
				break; /* headers do not repeat: the body has begun */
			last = role;
			b->roles |= 1u << role;
			b->count++;
			if (role == H_FROM)
				b->from = value;
			else if (role == H_SUBJECT)
				b->subject = value;
			b->end = j + 1;
			continue;
		}
		guint wrapped = b->count > 0 ? wrapped_lines(lines, n, j, b->roles, last) : 0;
		if (wrapped == 0)
			break;
		if (last == H_FROM && wrapped == 1 && b->from_more == NULL)
			b->from_more = lines[j]; /* "From: Name" over "<a@b>" */
		j += wrapped - 1;
	}
	return b->count > 0;
}

/* Whether a block is an Outlook-style block without a marker: From first,
   a Subject, a date or the recipients. */
gboolean
forward_block_is_bare(char **lines, const struct block *b)
{
	enum role role;
	const char *value;

	return b->count >= 3 && header_line(lines[b->start], &role, &value) && role == H_FROM &&
	       !forward_blank(value) && (b->roles & (1u << H_SUBJECT)) != 0 &&
	       (b->roles & ((1u << H_DATE) | (1u << H_TO))) != 0;
}

/* The sender of a From: value: "Name <a@b>", "\"Name\" [mailto:a@b]", "a@b",
   or a name alone (then no address). */
static void
sender_parse(const char *value, char **addr, char **name)
{
	const char *lt = strchr(value, '<'), *br = strstr(value, "[mailto:");
	const char *open = lt != NULL && (br == NULL || lt < br) ? lt : br;
	GMatchInfo *mi = NULL;

	*addr = *name = NULL;
	if (g_regex_match(address_re, open != NULL ? open : value, 0, &mi)) {
		char *a = g_match_info_fetch(mi, 0);
		*addr = g_ascii_strdown(a, -1);
		g_free(a);
	}
	g_match_info_free(mi);
	if (open == NULL && *addr != NULL)
		return; /* "a@b" alone */
	char *nm = open != NULL ? g_strndup(value, (gsize)(open - value)) : g_strdup(value);
	g_strdelimit(nm, "\"*'", ' ');
	char *sq = text_squeeze(nm);
	g_free(nm);
	if (*sq != '\0' && strchr(sq, '@') == NULL)
		*name = sq;
	else
		g_free(sq);
}

/* Release one level. */
static void
level_free(gpointer p)
{
	struct forward_level *l = p;

	g_free(l->text);
	g_free(l->from_addr);
	g_free(l->from_name);
	g_free(l->subject);
	g_free(l);
}

/* Keys a signature gives: a note whose fields are only these is a
   forwarder's note and its signature, not a request. */
static const char *const signature_keys[] = {
    "requesting_unit",
    "contact_name",
    "contact_phone",
    "contact_email",
};

/* The fields lines [from, to) give, "_" keys aside; *other gets how many of
   them a signature does not give. */
static guint
fields_count(char **lines, guint from, guint to, const struct fields_opts *opts, guint *other)
{
	GString *s = g_string_new(NULL);
	guint found = 0;

	*other = 0;
	for (guint i = from; i < to; i++) {
		g_string_append(s, lines[i]);
		g_string_append_c(s, '\n');
	}
	struct fields_result *fx = fields_extract(s->str, opts);
	GList *keys = json_object_get_members(fx->fields);
	for (GList *k = keys; k != NULL; k = k->next) {
		const char *key = k->data;
		gboolean sig = FALSE;
		if (key[0] == '_')
			continue;
		found++;
		for (gsize i = 0; i < G_N_ELEMENTS(signature_keys); i++)
			sig = sig || strcmp(signature_keys[i], key) == 0;
		*other += !sig;
	}
	g_list_free(keys);
	fields_result_free(fx);
	g_string_free(s, TRUE);
	return found;
}

/* Whether a block without a "Forwarded" marker is a forward: by the
   subject, else by the text above it (lines [0, upto) of above): fewer
   than three fields (a note), or only a signature's over a message below
   (lines [from, n)) that gives two or more a signature does not. */
static gboolean
ambiguous_is_forward(char **above, guint upto, char **lines, guint from, guint n,
                     const char *subject, const struct fields_opts *opts)
{
	enum forward_subject kind = forward_subject_kind(subject);
	struct fields_opts local;
	guint other, below_other;

	if (kind != FWD_SUBJECT_NONE)
		return kind == FWD_SUBJECT_FORWARD;
	if (opts == NULL) {
		fields_opts_init(&local, 0, 0, "danang.gov.vn");
		opts = &local;
	}
	guint found = fields_count(above, 0, upto, opts, &other);
	if (found < 3)
		return TRUE;
	if (other > 0)
		return FALSE;
	fields_count(lines, from, n, opts, &below_other);
	return below_other >= 2;
}

/* Fill a cut from the header block b (or none) over the lines: the forwarded
   message runs from body_from (after the block) to an end marker or to n. */
static void
cut_fill(struct cut *c, char **lines, guint n, guint body_from, const struct block *b,
         const char *shape)
{
	guint i = body_from, end = n;
	gboolean all_quoted = TRUE, any = FALSE;

	if (b->count > 0) {
		i = b->end;
		if (b->from != NULL && b->from_more != NULL && strchr(b->from, '@') == NULL) {
			char *both = g_strconcat(b->from, " ", b->from_more, NULL);
			sender_parse(both, &c->from, &c->from_name);
			g_free(both);
		} else if (b->from != NULL) {
			sender_parse(b->from, &c->from, &c->from_name);
		}
		if (b->subject != NULL)
			c->subject = g_strdup(b->subject);
	}
	while (i < n && forward_blank(lines[i]))
		i++;
	for (guint j = i; j < n; j++)
		if (forward_mark_of(lines[j], NULL) == M_END) {
			end = j;
			break;
		}
	for (guint j = i; j < end; j++)
		if (!forward_blank(lines[j])) {
			any = TRUE;
			all_quoted = all_quoted && forward_quoted(lines[j]);
		}
	/* a forwarded body quoted under its headers (mutt, some webmails) */
	c->inner = g_ptr_array_new_with_free_func(g_free);
	for (guint j = i; j < end; j++)
		g_ptr_array_add(c->inner,
		                any && all_quoted ? forward_unquote(lines[j]) : g_strdup(lines[j]));
	c->shape = shape;
	c->resume = end < n ? end + 1 : n;
}

/* Look for a forward at line i of lines (a marker, a rule over a block, a
   bare block); above/upto is the text above it, for an ambiguous block.
   1: found, c filled; 0: none here; -1: history begins (stop looking). */
static int
forward_at(char **lines, guint n, guint i, char **above, guint upto, const char *subject,
           const struct fields_opts *opts, struct cut *c)
{
	const char *shape = NULL;
	enum mark m = forward_mark_of(lines[i], &shape);
	struct block b;

	if (forward_opens_history(lines[i], i + 1 < n ? lines[i + 1] : NULL))
		return -1;
	switch (m) {
	case M_FORWARD:
		forward_block_at(lines, n, i + 1, 3, &b);
		cut_fill(c, lines, n, i + 1, &b, shape);
		c->start = i;
		return 1;
	case M_AMBIGUOUS:
		/* "-----Original Message-----" over no sender: history */
		if (!forward_block_at(lines, n, i + 1, 2, &b) || (b.roles & (1u << H_FROM)) == 0 ||
		    b.count < 2)
			return -1;
		break;
	case M_RULE:
		if (!forward_block_at(lines, n, i + 1, 1, &b) || !forward_block_is_bare(lines, &b))
			return 0;
		break;
	default:
		if (!forward_block_at(lines, n, i, 0, &b) || !forward_block_is_bare(lines, &b))
			return 0;
		shape = "outlook";
		break;
	}
	if (!ambiguous_is_forward(above, upto, lines, b.end, n, subject, opts))
		return -1;
	cut_fill(c, lines, n, b.end, &b, shape);
	c->start = i;
	return 1;
}

/* The end of the quoted region starting at line i: quoted lines, and blank
   lines between them. */
static guint
region_end(char **lines, guint n, guint i)
{
	guint end = i;

	for (guint j = i; j < n; j++) {
		if (forward_quoted(lines[j]))
			end = j + 1;
		else if (!forward_blank(lines[j]))
			break;
	}
	return end;
}

/* Whether the quoted region [i, end) opens with a forward (Apple Mail quotes
   the whole forwarded message): c is filled from its unquoted lines. */
static gboolean
quoted_forward(char **lines, guint i, guint end, const char *subject,
               const struct fields_opts *opts, struct cut *c)
{
	GPtrArray *un = g_ptr_array_new_with_free_func(g_free);
	guint first = 0;
	int r = 0;

	for (guint j = i; j < end; j++)
		g_ptr_array_add(un, forward_unquote(lines[j]));
	while (first < un->len && forward_blank(g_ptr_array_index(un, first)))
		first++;
	if (first < un->len && !forward_quoted(g_ptr_array_index(un, first)))
		r = forward_at((char **)un->pdata, un->len, first, lines, i, subject, opts, c);
	g_ptr_array_free(un, TRUE);
	if (r <= 0)
		return FALSE;
	c->start = i;
	c->resume = end;
	return TRUE;
}

/* Find the first forward in a level's lines; FALSE when there is none. */
static gboolean
find_forward(GPtrArray *level, const char *subject, const struct fields_opts *opts, struct cut *c)
{
	char **lines = (char **)level->pdata;
	guint n = level->len;

	for (guint i = 0; i < n; i++) {
		if (!forward_quoted(lines[i])) {
			int r = forward_at(lines, n, i, lines, i, subject, opts, c);
			if (r != 0)
				return r > 0;
			continue;
		}
		guint end = region_end(lines, n, i);
		if (quoted_forward(lines, i, end, subject, opts, c))
			return TRUE;
		i = end - 1;
	}
	return FALSE;
}

/* The lines [from, to) as one text. */
static char *
join_lines(GPtrArray *lines, guint from, guint to)
{
	GString *s = g_string_new(NULL);

	for (guint i = from; i < to && i < lines->len; i++) {
		if (i > from)
			g_string_append_c(s, '\n');
		g_string_append(s, g_ptr_array_index(lines, i));
	}
	return g_string_free(s, FALSE);
}

/* The next squashed label in s after its first byte (one not glued to a
   letter before it), or NULL; row gets its table row. */
static const char *
squashed_next(const char *s, const struct squashed_row **row)
{
	const char *best = NULL;

	for (gsize i = 0; i < G_N_ELEMENTS(squashed_rows); i++)
		for (const char *p = strstr(s + 1, squashed_rows[i].label); p != NULL;
		     p = strstr(p + 1, squashed_rows[i].label))
			if (!g_ascii_isalpha(p[-1])) {
				if (best == NULL || p < best)
					best = p, *row = &squashed_rows[i];
				break;
			}
	return best;
}

/* Add a line to lines (which takes it), cut into the marker and one line per
   header when it is a forward marker with its header block run onto it. */
static void
add_unsquashed(GPtrArray *lines, char *line)
{
	const char *from = strstr(line, "From:"), *tu = strstr(line, "Từ:");
	const struct squashed_row *row = NULL;

	if (from == NULL || (tu != NULL && tu < from))
		from = tu;
	if (from == NULL || strnlen(line, FORWARD_MAX_MARK + 1) > FORWARD_MAX_MARK) {
		g_ptr_array_add(lines, line);
		return;
	}
	char *marker = g_strndup(line, (gsize)(from - line));
	if (forward_blank(marker) || forward_mark_of(marker, NULL) != M_FORWARD) {
		g_free(marker);
		g_ptr_array_add(lines, line);
		return;
	}
	g_ptr_array_add(lines, marker);
	for (const char *p = from;;) {
		const char *next = squashed_next(p, &row);
		if (next == NULL) {
			g_ptr_array_add(lines, g_strdup(p));
			break;
		}
		g_ptr_array_add(lines, g_strndup(p, (gsize)(next - p)));
		p = next;
		if (row->subject) {
			g_ptr_array_add(lines, g_strdup(p));
			break;
		}
	}
	g_free(line);
}

/* Cut a text into levels; see forward.h. */
GPtrArray *
forward_split(const char *text, const char *subject, const struct fields_opts *opts)
{
	GPtrArray *levels = g_ptr_array_new_with_free_func(level_free);
	GPtrArray *cur = g_ptr_array_new_with_free_func(g_free);
	char **split = g_strsplit(text != NULL ? text : "", "\n", -1);
	/* what the block that opened the current level said */
	struct forward_level *l = g_new0(struct forward_level, 1);

	forward_init();
	for (int i = 0; split[i] != NULL; i++)
		add_unsquashed(cur, split[i]);
	g_free(split); /* the strings now belong to cur */
	l->subject = g_strdup(subject);
	l->shape = "note";
	for (int depth = 0;; depth++) {
		struct cut c = {0};
		gboolean found =
		    depth < FORWARD_MAX_LEVELS && find_forward(cur, l->subject, opts, &c);

		if (!found) {
			l->text = join_lines(cur, 0, cur->len);
		} else {
			/* the outer text: above the forward, and after it (mutt's end
			   marker, the end of a quoted region) */
			char *above = join_lines(cur, 0, c.start);
			char *after = join_lines(cur, c.resume, cur->len);
			l->text = *after != '\0' ? g_strconcat(above, "\n", after, NULL)
			                         : g_strdup(above);
			g_free(above);
			g_free(after);
		}
		if (depth == 0) {
			/* level 0 is the message itself: its subject is not a block's */
			g_free(l->subject);
			l->subject = NULL;
		}
		g_ptr_array_add(levels, l);
		g_ptr_array_free(cur, TRUE);
		if (!found)
			break;
		l = g_new0(struct forward_level, 1);
		l->from_addr = c.from;
		l->from_name = c.from_name;
		l->subject = c.subject;
		l->shape = c.shape != NULL ? c.shape : "forward";
		cur = c.inner;
	}
	return levels;
}

/* What the subject's first prefix says, after any "[tag]" before it. */
enum forward_subject
forward_subject_kind(const char *subject)
{
	enum forward_subject kind = FWD_SUBJECT_NONE;
	char *f;
	const char *p;

	if (subject == NULL)
		return FWD_SUBJECT_NONE;
	f = fold_line(subject);
	p = f;
	while (*p == '[') {
		const char *close = strchr(p, ']');
		if (close == NULL)
			break;
		for (p = close + 1; *p == ' '; p++)
			;
	}
	for (gsize i = 0; i < G_N_ELEMENTS(subject_rows); i++) {
		gsize n = strlen(subject_rows[i].prefix);
		const char *q = p + n;
		if (strncmp(p, subject_rows[i].prefix, n) != 0)
			continue;
		if (*q == '[' && strchr(q, ']') != NULL) /* "Re[2]:" */
			q = strchr(q, ']') + 1;
		while (*q == ' ')
			q++;
		if (*q == ':') {
			kind = subject_rows[i].kind;
			break;
		}
	}
	g_free(f);
	return kind;
}

/* Release the levels. */
GPtrArray *
forward_levels_free(GPtrArray *levels)
{
	if (levels != NULL)
		g_ptr_array_free(levels, TRUE);
	return NULL;
}
