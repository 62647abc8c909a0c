/*
 * fields_parts.h - what the parts of the field reader share.  Private to
 * parsers/fields*.c:
 *   fields_labels.c  the labels: the tables of top-level labels, list
 *                    columns and options with their wordings, the rules
 *                    file's labels, matching a written label to its key
 *                    (exact, then by edit distance), check boxes and options
 *   fields.c         the line loop: the parser state, setting a field,
 *                    markers and labels split off a line, quoted history
 *   fields_lines.c   the kinds of line: labelled lines and a second field
 *                    after a value, labels alone, check boxes, tables of
 *                    fields, plain lines
 *   fields_lists.c   lists of people (accounts, visitors): table rows,
 *                    dashed rows, labelled pairs, names after a list's label
 *   fields_values.c  values by their kind: the normalisers (choices, yes/no,
 *                    accounts, IDs, names) and the table of setters
 *   fields_heads.c   what a list's heading says (accounts or visitors, the
 *                    mailbox action), sentences that open a list, a
 *                    person's details on the line under the name, the
 *                    words that head an organisation or a department
 */
#ifndef PHIEU_FIELDS_PARTS_H
#define PHIEU_FIELDS_PARTS_H

#include <glib.h>
#include <json-glib/json-glib.h>

#include "fields.h"

/* What a label's value is, and so how it is read. */
enum kind {
	K_TEXT,      /* free text */
	K_PHONE,     /* phone number */
	K_EMAIL,     /* e-mail address */
	K_DATE,      /* date */
	K_WHEN,      /* date/time whose meaning depends on the type: "_when" */
	K_VISIT,     /* server-room visit: date and time range */
	K_TIME_FROM, /* server-room entry time */
	K_TIME_TO,   /* server-room exit time */
	K_URL,       /* website address */
	K_IP,        /* IPv4 address */
	K_LETTER,    /* official letter number */
	K_SUBDOMAIN, /* sub-domain name */
	K_BOOL,      /* yes/no, maybe as check boxes */
	K_CHOICE,    /* one of a set of options, maybe as check boxes */
	K_IGNORE,    /* known label whose value phieu does not keep */
	K_PASSWORD,  /* a credential: noted, never kept */
	K_ADMIN,     /* starts the sub-domain administrator block */
	K_LIST,      /* starts a list of people */
	K_ID,        /* identity card or passport number */
};

struct slot {
	const char *key;
	enum kind kind;
	const char *aliases; /* folded labels, '|' between them */
};

/* Columns of a person in a list (accounts or visitors). */
struct column {
	const char *key;
	enum kind kind;
	const char *aliases;
};

/* Options for choice fields, folded words, most specific first. */
struct option {
	const char *key;
	const char *value;
	const char *words;
};

/* An alias list split into folded, normalised labels. */
struct aliases {
	char **v;
	int n;
	int builtin; /* the first builtin come from the tables, the rest from a rules file */
};

extern const struct slot fields_slots[];
extern const gsize fields_n_slots;
extern const struct column fields_columns[];
extern const gsize fields_n_columns;
extern const struct option fields_options[];
extern const gsize fields_n_options;
extern const gunichar fields_marks_on[];
extern const gsize fields_n_marks_on;
extern const gunichar fields_marks_off[];
extern const gsize fields_n_marks_off;

/* Normalise a label for matching: folded, no parentheses, no punctuation
   except '/' and '-', single spaces. */
char *fields_label_norm(const char *label);
/* Build the alias tables once per process. */
void fields_tables_load(void);
/* The top-level slot a normalised label names, or -1. */
int fields_slot_match(const char *label, int *score);
/* The person column a normalised label names, or -1. */
int fields_column_match(const char *label, int *score);
/* Whether c is in a zero-terminated list. */
gboolean fields_uni_in(gunichar c, const gunichar *list);
/*
 * The options ticked in a value.  "[x] A [ ] B", "☑ A ☐ B", "(x) A".
 * Returns NULL when the value has no check boxes at all, else an array
 * (maybe empty) of the ticked options' text.
 */
GPtrArray *fields_checked_options(const char *value);
/* The option value of key that text names, or NULL.  With strict set (a
   value without check boxes), text that is nothing but two or more options
   ("Khẩn cấp  Bình thường") is the form's list of choices with no tick
   that survived, not an answer: NULL. */
const char *fields_option_match(const char *key, const char *text, gboolean strict);

/* Parser state across lines. */
enum section { S_NONE, S_ADMIN, S_LIST, S_ITEM, S_LIST_ITEM };

struct ctx {
	const struct fields_opts *opts;
	struct fields_result *r;
	JsonArray *people;  /* list rows and "Người 1:" blocks */
	JsonObject *person; /* the block being filled, owned by people */
	enum section section;
	int columns[16]; /* table header: column index per cell, -1 none */
	int ncolumns;
	const char *last_key; /* for continuation lines */
	int continued;
	gboolean forwarded;      /* inside a forwarded message's header block */
	int pending;             /* slot whose value is on the next line, or -1 */
	guint seen_keys;         /* fields set before the current line */
	guint seen_people;       /* people listed before the current line */
	int box_slot;            /* slot whose options may follow as check-box lines, or -1 */
	const char *box_key;     /* text field filled from ticked boxes */
	gboolean section_filled; /* the section's heading was followed by a value */
	int field_cols[16];      /* a table row of field labels: slot per cell, -1 none */
	int nfield_cols;
	gboolean list_rows; /* the open list's people were written one per row */
	int line_no;        /* the line being read */
	int blank_at;       /* the last blank line, or -2 */
	int bare_date_at;   /* the line of a bare "Date:" that gave request_date, or -2 */
	int name_at;        /* the line whose name label gave contact_name, or -2 */
	char *spare_name;   /* that line's name when a contact was named before, or NULL */
	int row_at;         /* the last line read as one person's row of a list, or -2 */
};

/* The longest line read as one person or as people after a list's label,
   and the part of a value searched for a second field: people and labels
   are written in the first few hundred characters, and what goes on is
   text (a 10 MB line is never cut into 100000 people). */
#define PERSON_LINE_MAX   4000
#define SECOND_FIELD_SPAN 1000

/* fields.c */
/* Set a string field unless it is already set. */
gboolean fields_put(JsonObject *o, const char *key, char *value);
/* List key in the result's doubtful keys, once. */
void fields_doubt(struct ctx *c, const char *key);
/* Append more text to a text field, after sep (leaders alone add nothing). */
void fields_put_append_sep(JsonObject *o, const char *key, const char *more, const char *sep);
/* Append a continuation line to a text field. */
void fields_put_append(JsonObject *o, const char *key, const char *more);

/* fields_values.c */
/* Read a choice value: ticked boxes first, else the words. */
const char *fields_read_choice(const char *key, const char *value);
/* An e-mail address from a column that may hold only the local part. */
char *fields_read_account(const char *value, const char *suffix);
/* An identity card number (9 or 12 digits), or else a passport number
   ("C1234567"), upper case. */
char *fields_read_id(const char *value);
/* A person's name as a careful reader writes it: without the courtesy word
   or title before it ("Ông", "chị", "Mr.", "Chánh Văn phòng") nor a remark
   in brackets after it. */
char *fields_read_name(const char *value);
/* An official letter cited anywhere in the text ("…theo Công văn số
   4242/UBND-KTN ngày…", "CV 4242/UBND-KTN", "letter No. 4242/UBND-KTN"):
   the approval, when no label names one.  Returns whether text cites one. */
gboolean fields_cite_letter(struct ctx *c, const char *text);
/* The options ticked in a value, joined ("☑ Mã nguồn ☐ CSDL" gives "Mã
   nguồn"); NULL when nothing is ticked, *boxes set when it had boxes. */
char *fields_ticked_text(const char *value, gboolean *boxes);
/* Set the field for one top-level label. */
void fields_apply_slot(struct ctx *c, int si, const char *value);
/* In the administrator block, person labels name admin_* fields. */
gboolean fields_apply_admin(struct ctx *c, int col, const char *value);

/* fields_lists.c */
/* Store one cell of a person under its column. */
void fields_person_put(struct ctx *c, JsonObject *p, int col, const char *value);
/* Add a finished person to the list, if it holds anything. */
void fields_people_add(struct ctx *c, JsonObject *p);
/* Split a table row into trimmed cells; returns the count. */
char **fields_row_cells(const char *line, int *n);
/* Handle a table row: a header sets the fields_columns, a data row adds a person.
   Returns FALSE when the line is not a table row. */
gboolean fields_table_row(struct ctx *c, const char *line);
/* "1. Name - Unit - 0123 - 0905…": a person as a dashed row inside a list. */
gboolean fields_dash_row(struct ctx *c, const char *rest);
/* "Họ và tên: A; Chức vụ: B; …": a person as labelled pairs on one line.
   Returns FALSE when fewer than two pairs name person columns. */
gboolean fields_pairs_row(struct ctx *c, const char *rest);
/* "1. Full name: A - Position: B" outside any list: a numbered person, when
   the name comes first and a pair says more than a contact's name and phone
   would; opens the list.  FALSE for any other line. */
gboolean fields_numbered_person(struct ctx *c, const char *rest);
/* Whether a piece of an inline list looks like a person's name: two to six
   capitalised words, no digits, no word of an organisation's name. */
gboolean fields_looks_like_name(const char *piece);
/* The people written after a list's label on its line: "Người vào phòng:
   Nguyễn Văn A (CCCD 0480…), Trần Văn B (CCCD 0480…)", "Visitors: John
   Smith, Jane Roe".  A name starts the next person; numbers, addresses
   and labelled values go to the person before. */
void fields_list_inline(struct ctx *c, const char *value);
/* Whether a folded label opens one person's block: "Người 1", "Khách thứ 2". */
gboolean fields_label_is_item(const char *ln);
/* End the person block being filled. */
void fields_item_end(struct ctx *c);
/* Whether an unnumbered line is one person of a list: a name first, then
   at least one number, address or labelled value. */
gboolean fields_person_row(const char *rest);

/* A person read from one line's cells, as a dashed row is: for a line
   that goes on with the person above. */
JsonObject *fields_person_of_line(struct ctx *c, const char *line);

/* fields_heads.c */
/* A list's heading, folded ("danh sach tai khoan can tao"): which list it
   is ("_list_of": accounts or visitors) and the mailbox action it names. */
void fields_list_heading(struct ctx *c, const char *folded);
/* A sentence ending with a colon that announces a list ("… gửi danh sách
   tài khoản cần tạo như sau:"): opens the list.  FALSE for other lines. */
gboolean fields_list_intro(struct ctx *c, const char *rest);
/* A cell that says a position, then a department ("chuyên viên phòng
   Quản lý đất đai"): both, capitalised; FALSE when it is not so. */
gboolean fields_split_position(const char *cell, char **position, char **department);
/* Whether a cell of a person names a department ("Phòng Tổ chức"). */
gboolean fields_text_is_department(const char *text);
/* Whether the i-th word of a piece (lower case as written, and folded)
   is one no person's name has there ("Công", "Sở" first; "Ltd"). */
gboolean fields_word_is_org(const char *lower, const char *folded, int i);
/* A line under a person's row that goes on with that person ("CCCD: 0480…,
   SĐT: 0905…" under "1) Ông Lê Văn Tâm"); FALSE for other lines. */
gboolean fields_row_continues(struct ctx *c, const char *rest);

/* fields_lines.c */
/* Handle one labelled line, and a second field written after its value. */
void fields_labelled_line(struct ctx *c, const char *label, const char *value, gboolean marked);
/* Whether a line is the form's "Đà Nẵng, ngày 02 tháng 09 năm 2026". */
gboolean fields_line_is_place_date(const char *line);
/* Whether a line is a label and nothing else ("Tên đơn vị", "ĐIỆN THOẠI (DI
   ĐỘNG)", "NGƯỜI QUẢN TRỊ KỸ THUẬT", "Visitors", "Người 2"): the value or
   the section follows on the next lines.  A field's label must be whole; a
   section's heading may go on ("Danh sách người vào phòng máy như sau"). */
gboolean fields_line_is_label(struct ctx *c, const char *rest);
/* Read a line that is a label alone; FALSE for any other line. */
gboolean fields_label_alone(struct ctx *c, const char *rest, gboolean marked);
/* Whether a line begins with a check box ("☑ Phần mềm", "[x] Khẩn cấp"). */
gboolean fields_line_starts_box(const char *rest);
/* A line of check boxes: the options of the label above it ("Hạng mục:"
   then "☐ Mạng", "☑ Phần mềm" on lines of their own), or a box before a
   label ("☑ Xử lý sự cố đột xuất"), or a lone ticked option that only one
   choice has ("☑ Cấp mới").  Never a value's text: boxes are not echoed. */
void fields_box_line(struct ctx *c, const char *rest);
/* A table whose first row names fields and whose next row holds their
   values ("Tên đơn vị | Người liên hệ | Điện thoại" over "Sở X | Nguyễn Y |
   0905…"); a list's header of two columns ("Họ tên | Email").  Returns
   whether the line was such a header or values row. */
gboolean fields_field_table(struct ctx *c, const char *rest);
/* A line with no label: continuation, list row, or a dated signature line. */
void fields_plain_line(struct ctx *c, const char *line, const char *rest, gboolean marked);
/* A row of two cells, "Label | value" (an HTML or document table of the
   form): read as "Label: value" when the first cell is a known label. */
gboolean fields_two_cells(struct ctx *c, const char *rest, gboolean marked);
/* A table row whose cells are labelled fields side by side ("Số điện thoại:
   0236… | Địa chỉ email: a@b"), as separate lines; a row "Tên đơn vị: | Sở Y
   tế" (label cell, value cell) as one "Label: value" line; NULL otherwise. */
char **fields_labelled_cells(const char *line);

#endif
