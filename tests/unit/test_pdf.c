/* test_pdf.c - PDF text and page images, on PDFs drawn here with cairo. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

#include <cairo-pdf.h>
#include <cairo.h>

#include "legacy.h"
#include "pdf.h"

#define FONT "DejaVu Sans"

/* Collect what cairo writes into a byte array. */
static cairo_status_t
collect(void *closure, const unsigned char *data, unsigned int len)
{
	g_byte_array_append(closure, data, len);
	return CAIRO_STATUS_SUCCESS;
}

/* A PDF surface writing into bytes. */
static cairo_t *
pdf_new(GByteArray *bytes, double w, double h)
{
	cairo_surface_t *s = cairo_pdf_surface_create_for_stream(collect, bytes, w, h);
	cairo_t *cr = cairo_create(s);

	cairo_surface_destroy(s);
	cairo_select_font_face(cr, FONT, CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_NORMAL);
	cairo_set_font_size(cr, 10);
	cairo_set_source_rgb(cr, 0, 0, 0);
	return cr;
}

/* Finish the PDF. */
static void
pdf_end(cairo_t *cr)
{
	cairo_surface_t *s = cairo_get_target(cr);

	cairo_destroy(cr);
	cairo_surface_finish(s);
}

/* Draw text with its baseline at x, y; returns where it ends. */
static double
text_at(cairo_t *cr, double x, double y, const char *s)
{
	cairo_text_extents_t e;

	cairo_text_extents(cr, s, &e);
	cairo_move_to(cr, x, y);
	cairo_show_text(cr, s);
	return x + e.x_advance;
}

/* Draw pieces of text one after the other, gaps[i] em before piece i. */
static void
pieces_at(cairo_t *cr, double x, double y, const char *const *pieces, const double *gaps)
{
	for (int i = 0; pieces[i] != NULL; i++)
		x = text_at(cr, x + gaps[i] * 10, y, pieces[i]);
}

/* A small raster image painted at x, y. */
static void
image_at(cairo_t *cr, double x, double y)
{
	cairo_surface_t *img = cairo_image_surface_create(CAIRO_FORMAT_RGB24, 64, 48);
	cairo_t *ic = cairo_create(img);

	cairo_set_source_rgb(ic, 1, 1, 1);
	cairo_paint(ic);
	cairo_set_source_rgb(ic, 0.1, 0.1, 0.1);
	cairo_rectangle(ic, 8, 8, 40, 6);
	cairo_rectangle(ic, 8, 24, 30, 6);
	cairo_fill(ic);
	cairo_destroy(ic);
	cairo_save(cr);
	cairo_translate(cr, x, y);
	cairo_scale(cr, 6, 6);
	cairo_set_source_surface(cr, img, 0, 0);
	cairo_paint(cr);
	cairo_restore(cr);
	cairo_surface_destroy(img);
}

/* The form page: a letterhead, label lines, options, a table whose
   organisation cell wraps, a label after it. */
static void
form_page(cairo_t *cr)
{
	static const char *const phone[] = {"2. Điện thoại: ........ 0905 123 456 ........",
	                                    "Email: an@danang.gov.vn", NULL};
	static const double phone_gaps[] = {0, 0.8};
	static const char *const urgency[] = {"3. Độ khẩn:", "☑ Khẩn cấp", "☐ Bình thường", NULL};
	static const double urgency_gaps[] = {0, 0.5, 1.2};
	/* columns at 40, 70, 160, 330: the name and the organisation are
	   about 1 em apart, like Word's cell padding */
	static const double cols[] = {40, 70, 160, 330};
	static const char *const head[] = {"STT", "Họ và tên", "Đơn vị", "Điện thoại"};
	static const char *const row1[] = {"1", "Nguyễn Văn An", "Sở Tư pháp thành phố",
	                                   "0905123456"};
	static const char *const row2[] = {"2", "Trần Thị Bình", "Văn phòng UBND", "0914000111"};

	cairo_set_font_size(cr, 9);
	text_at(cr, 40, 40, "UBND THÀNH PHỐ ĐÀ NẴNG");
	text_at(cr, 240, 40, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM");
	cairo_set_font_size(cr, 10);
	text_at(cr, 40, 70, "1. Đơn vị yêu cầu: Sở Tư pháp");
	pieces_at(cr, 40, 84, phone, phone_gaps);
	pieces_at(cr, 40, 98, urgency, urgency_gaps);
	for (int i = 0; i < 4; i++)
		text_at(cr, cols[i], 120, head[i]);
	for (int i = 0; i < 4; i++)
		text_at(cr, cols[i], 138, row1[i]);
	text_at(cr, cols[2], 150, "Đà Nẵng");
	for (int i = 0; i < 4; i++)
		text_at(cr, cols[i], 168, row2[i]);
	text_at(cr, 40, 190, "4. Nội dung: Sao lưu dữ liệu");
	/* a box ticked by a mark drawn over it; decomposed text */
	double x = text_at(cr, 40, 204, "5. Kết quả: ");
	double box = text_at(cr, x, 204, "☐");
	cairo_text_extents_t e;
	cairo_text_extents(cr, "✓", &e);
	text_at(cr, x + (box - x - e.x_advance) / 2, 204, "✓");
	x = text_at(cr, box, 204, " Có ☐ Không");
	text_at(cr, 40, 218, "6. Ghi chú: Hoa\xcc\x80 Vang ☒");
}

static const char form_text[] =
    "UBND THÀNH PHỐ ĐÀ NẴNG | CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\n"
    "1. Đơn vị yêu cầu: Sở Tư pháp\n"
    "2. Điện thoại: ........ 0905 123 456 ........ Email: an@danang.gov.vn\n"
    "3. Độ khẩn: ☑ Khẩn cấp ☐ Bình thường\n"
    "STT | Họ và tên | Đơn vị | Điện thoại\n"
    "1 | Nguyễn Văn An | Sở Tư pháp thành phố Đà Nẵng | 0905123456\n"
    "2 | Trần Thị Bình | Văn phòng UBND | 0914000111\n"
    "4. Nội dung: Sao lưu dữ liệu\n"
    "5. Kết quả: ☑ Có ☐ Không\n"
    "6. Ghi chú: Hoà Vang ☑\n";

/* Read bytes with the default limits, or max_pages. */
static void
read_pdf(GByteArray *b, int max_pages, struct doc_text *d)
{
	struct doc_limits lim;

	doc_limits_default(&lim);
	if (max_pages > 0)
		lim.max_pages = max_pages;
	memset(d, 0, sizeof *d);
	pdf_text(b->data, b->len, &lim, d);
}

/* The gap the test means to draw between name and organisation is a
   medium one, so that the table's gutter decides, not the width alone. */
static void
t_layout(void **state)
{
	cairo_surface_t *s = cairo_image_surface_create(CAIRO_FORMAT_RGB24, 10, 10);
	cairo_t *cr = cairo_create(s);
	cairo_text_extents_t e;

	(void)state;
	cairo_select_font_face(cr, FONT, CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_NORMAL);
	cairo_set_font_size(cr, 10);
	cairo_text_extents(cr, "Nguyễn Văn An", &e);
	double gap = 160 - (70 + e.x_advance);
	assert_true(gap > 6 && gap < 20);
	cairo_destroy(cr);
	cairo_surface_destroy(s);
}

/* Lines, cells, a wrapped cell, boxes, leaders, NFC. */
static void
t_form(void **state)
{
	GByteArray *b = g_byte_array_new();
	cairo_t *cr = pdf_new(b, 500, 260);
	struct doc_text d;

	(void)state;
	form_page(cr);
	pdf_end(cr);
	read_pdf(b, 0, &d);
	assert_int_equal(d.status, DOC_OK);
	assert_string_equal(d.source, "pdf_text");
	assert_null(d.image_pages);
	if (strcmp(d.text, form_text) != 0)
		fail_msg("got:\n%s\nwant:\n%s", d.text, form_text);
	doc_text_clear(&d);
	g_byte_array_unref(b);
}

/* The form drawn sideways (a landscape page, or one with /Rotate) and
   upside down reads the same. */
static void
t_sideways(void **state)
{
	static const double turns[] = {0.5, 1, 1.5};

	(void)state;
	for (gsize i = 0; i < G_N_ELEMENTS(turns); i++) {
		GByteArray *b = g_byte_array_new();
		gboolean quarter = turns[i] != 1;
		cairo_t *cr = pdf_new(b, quarter ? 260 : 500, quarter ? 500 : 260);
		struct doc_text d;
		/* turn about the page's centre */
		cairo_translate(cr, quarter ? 130 : 250, quarter ? 250 : 130);
		cairo_rotate(cr, turns[i] * G_PI);
		cairo_translate(cr, -250, -130);
		form_page(cr);
		pdf_end(cr);
		read_pdf(b, 0, &d);
		assert_int_equal(d.status, DOC_OK);
		if (strcmp(d.text, form_text) != 0)
			fail_msg("turned %.1f π, got:\n%s", turns[i], d.text);
		doc_text_clear(&d);
		g_byte_array_unref(b);
	}
}

/* A second page holding only a picture is listed for OCR. */
static void
t_image_page(void **state)
{
	GByteArray *b = g_byte_array_new();
	cairo_t *cr = pdf_new(b, 500, 260);
	struct doc_text d;

	(void)state;
	form_page(cr);
	cairo_show_page(cr);
	image_at(cr, 20, 20);
	pdf_end(cr);
	read_pdf(b, 0, &d);
	assert_int_equal(d.status, DOC_OK);
	assert_string_equal(d.text, form_text);
	assert_non_null(d.image_pages);
	assert_int_equal(d.image_pages->len, 1);
	assert_int_equal(g_array_index(d.image_pages, int, 0), 1);
	doc_text_clear(&d);
	g_byte_array_unref(b);
}

/* A PDF of pictures only, one with a caption: no text, the pages to OCR. */
static void
t_scan_only(void **state)
{
	GByteArray *b = g_byte_array_new();
	cairo_t *cr = pdf_new(b, 400, 300);
	struct doc_text d;

	(void)state;
	image_at(cr, 0, 0);
	cairo_show_page(cr);
	image_at(cr, 10, 10);
	text_at(cr, 250, 295, "Scanned with CamScanner"); /* a caption is no text layer */
	pdf_end(cr);
	read_pdf(b, 0, &d);
	assert_int_equal(d.status, DOC_EMPTY);
	assert_null(d.text);
	assert_non_null(d.cause);
	assert_non_null(d.image_pages);
	assert_int_equal(d.image_pages->len, 2);
	assert_int_equal(g_array_index(d.image_pages, int, 0), 0);
	assert_int_equal(g_array_index(d.image_pages, int, 1), 1);
	doc_text_clear(&d);
	g_byte_array_unref(b);
}

/* Not a PDF, a truncated header, nothing at all. */
static void
t_broken(void **state)
{
	static const char *const inputs[] = {"this is not a PDF at all",
	                                     "%PDF-1.4\n1 0 obj << /Type /Catalog", ""};
	(void)state;
	for (gsize i = 0; i < G_N_ELEMENTS(inputs); i++) {
		struct doc_limits lim;
		struct doc_text d = {0};
		doc_limits_default(&lim);
		pdf_text((const guint8 *)inputs[i], strlen(inputs[i]), &lim, &d);
		if (d.status != DOC_BROKEN)
			fail_msg("input %zu: status %d, want DOC_BROKEN", i, d.status);
		assert_null(d.text);
		assert_non_null(d.cause);
		doc_text_clear(&d);
	}
}

/* A document of more pages than the limit is refused as a whole. */
static void
t_page_limit(void **state)
{
	GByteArray *b = g_byte_array_new();
	cairo_t *cr = pdf_new(b, 200, 100);
	struct doc_text d;

	(void)state;
	for (int i = 0; i < 3; i++) {
		char *s = g_strdup_printf("Trang %d", i + 1);
		text_at(cr, 20, 50, s);
		g_free(s);
		cairo_show_page(cr);
	}
	pdf_end(cr);
	read_pdf(b, 2, &d);
	assert_int_equal(d.status, DOC_REFUSED);
	assert_null(d.text);
	assert_non_null(strstr(d.cause, "3 pages"));
	doc_text_clear(&d);
	read_pdf(b, 3, &d);
	assert_int_equal(d.status, DOC_OK);
	assert_string_equal(d.text, "Trang 1\nTrang 2\nTrang 3\n");
	doc_text_clear(&d);
	g_byte_array_unref(b);
}

/* Replace every occurrence of a name in a PDF by one of the same length
   (the cross-reference offsets stay right). */
static void
rename_font(GByteArray *b, const char *from, const char *to)
{
	gsize n = strlen(from);

	g_assert(strlen(to) == n);
	for (gsize i = 0; i + n <= b->len; i++)
		if (memcmp(b->data + i, from, n) == 0)
			memcpy(b->data + i, to, n);
}

/* Text in a font named like the TCVN3 ".VnTime" fonts goes through
   legacy_convert(), bytes such as 0xAD ("ư") included. */
static void
t_legacy_font(void **state)
{
	static const char raw[] = "S\xc3\xab T\xc2\xad ph\xc2\xb8p"; /* "Së T­ ph¸p" */
	GByteArray *b = g_byte_array_new();
	cairo_t *cr = pdf_new(b, 300, 100);
	struct doc_text d;

	(void)state;
	text_at(cr, 20, 40, "Đơn vị:");
	cairo_select_font_face(cr, "DejaVu Serif", CAIRO_FONT_SLANT_NORMAL,
	                       CAIRO_FONT_WEIGHT_NORMAL);
	text_at(cr, 70, 40, raw);
	pdf_end(cr);
	rename_font(b, "DejaVuSerif", ".VnTimeBold");
	read_pdf(b, 0, &d);
	assert_int_equal(d.status, DOC_OK);
	char *conv = legacy_convert(raw, LEGACY_TCVN3);
	char *want = g_strdup_printf("Đơn vị: %s\n", conv);
	char *nfc = g_utf8_normalize(want, -1, G_NORMALIZE_NFC);
	assert_string_equal(d.text, nfc);
	if (strcmp(conv, raw) != 0) /* the TCVN3 table is there */
		assert_string_equal(d.text, "Đơn vị: Sở Tư pháp\n");
	g_free(nfc);
	g_free(want);
	g_free(conv);
	doc_text_clear(&d);
	g_byte_array_unref(b);
}

/* A page rendered in gray: its size at the dpi, white with dark ink. */
static void
t_render(void **state)
{
	GByteArray *b = g_byte_array_new();
	cairo_t *cr = pdf_new(b, 200, 100);
	struct doc_limits lim;
	char *cause = NULL;
	GArray *pages = g_array_new(FALSE, FALSE, sizeof(int));
	int zero = 0, nine = 9;

	(void)state;
	cairo_set_font_size(cr, 14);
	text_at(cr, 20, 40, "Biểu mẫu số 04/IID-KT");
	cairo_rectangle(cr, 20, 60, 100, 10);
	cairo_fill(cr);
	pdf_end(cr);
	doc_limits_default(&lim);
	lim.ocr_dpi = 150;
	g_array_append_val(pages, zero);
	GPtrArray *imgs = pdf_render(b->data, b->len, &lim, pages, &cause);
	assert_null(cause);
	assert_non_null(imgs);
	assert_int_equal(imgs->len, 1);
	struct gray_image *g = imgs->pdata[0];
	assert_int_equal(g->width, 417); /* 200 pt at 150 dpi */
	assert_int_equal(g->height, 209);
	assert_true(g->stride >= g->width);
	assert_int_equal(g->dpi, 150);
	gint64 white = 0, dark = 0;
	for (int y = 0; y < g->height; y++)
		for (int x = 0; x < g->width; x++) {
			guint8 v = g->data[y * g->stride + x];
			white += v > 200;
			dark += v < 80;
		}
	assert_true(white > (gint64)g->width * g->height * 8 / 10);
	assert_true(dark > 3000); /* the bar alone is 208 × 21 pixels */
	g_ptr_array_unref(imgs);

	/* over the pixel limit; a page that is not there */
	lim.max_pixels = 10000;
	assert_null(pdf_render(b->data, b->len, &lim, pages, &cause));
	assert_non_null(strstr(cause, "limit"));
	g_free(cause);
	lim.max_pixels = 100 * 1000 * 1000;
	g_array_append_val(pages, nine);
	assert_null(pdf_render(b->data, b->len, &lim, pages, &cause));
	assert_non_null(cause);
	g_free(cause);
	g_array_unref(pages);
	g_byte_array_unref(b);
}

/* One table row: cells between the edges xs[0..n], their text already cut
   into lines ('\n'), top-aligned or centred vertically, with vpad points
   above and below, borders drawn; returns the row's bottom. */
static double
table_row_at(cairo_t *cr, double y, const double *xs, int n, const char *const *cells,
             gboolean centred, double vpad)
{
	double lh = 11 * 1.15;
	int nl[8], maxl = 1;

	for (int i = 0; i < n; i++) {
		nl[i] = 1;
		for (const char *p = cells[i]; *p != '\0'; p++)
			nl[i] += *p == '\n';
		maxl = MAX(maxl, nl[i]);
	}
	for (int i = 0; i < n; i++) {
		char **ls = g_strsplit(cells[i], "\n", -1);
		double off = centred ? (maxl - nl[i]) * lh / 2 : 0;
		for (int k = 0; ls[k] != NULL; k++)
			text_at(cr, xs[i] + 5, y + vpad + off + 10 + k * lh, ls[k]);
		g_strfreev(ls);
	}
	double h = maxl * lh + 2 * vpad;
	cairo_set_line_width(cr, 0.5);
	for (int i = 0; i <= n; i++) {
		cairo_move_to(cr, xs[i], y);
		cairo_line_to(cr, xs[i], y + h);
	}
	cairo_move_to(cr, xs[0], y + h);
	cairo_line_to(cr, xs[n], y + h);
	cairo_stroke(cr);
	return y + h;
}

/* Tables whose cells wrap, as Word prints them: every layout reads as one
   line per row, the wrapped text in its own row and cell. */
static void
t_wrapped_rows(void **state)
{
	static const double kv[] = {50, 210, 545};
	static const double vx[] = {50, 85, 200, 345, 450, 545};
	static const char *const label_rows[][2] = {
	    {"Tên đơn vị", "Công ty Cổ phần Viễn thông Hải Vân"},
	    {"Thời gian vào phòng", "từ 08 giờ 30 đến 11 giờ 00, Thứ Ba ngày 15/12/2026 (dự\n"
	                            "kiến hoàn thành trong buổi sáng)"},
	    {"Mục đích / Nội dung công\nviệc",
	     "Nâng cấp firmware và thay module quang SFP cho switch\nlõi đặt tại tủ rack R07"},
	};
	static const char *const people[][5] = {
	    {"STT", "Họ và tên", "Đơn vị công tác", "Số CCCD", "Điện thoại"},
	    {"1", "Đoàn Minh Quân", "Công ty Cổ phần Viễn\nthông Hải Vân", "048090002718",
	     "0935 604 118"},
	    {"2", "Tôn Nữ Khánh\nLinh", "Công ty TNHH Giải\npháp Mạng Ngũ Hành\nSơn (nhà thầu)",
	     "046195007342", "0796 211 430"},
	    {"3", "Lê Phước Thịnh", "Công ty Cổ phần Viễn\nthông Hải Vân", "048201003395",
	     "0905 772 064"},
	};
	static const char want[] =
	    "Tên đơn vị | Công ty Cổ phần Viễn thông Hải Vân\n"
	    "Thời gian vào phòng | từ 08 giờ 30 đến 11 giờ 00, Thứ Ba ngày 15/12/2026 (dự kiến "
	    "hoàn thành trong buổi sáng)\n"
	    "Mục đích / Nội dung công việc | Nâng cấp firmware và thay module quang SFP cho switch "
	    "lõi đặt tại tủ rack R07\n"
	    "Danh sách người vào phòng:\n"
	    "STT | Họ và tên | Đơn vị công tác | Số CCCD | Điện thoại\n"
	    "1 | Đoàn Minh Quân | Công ty Cổ phần Viễn thông Hải Vân | 048090002718 | 0935 604 "
	    "118\n"
	    "2 | Tôn Nữ Khánh Linh | Công ty TNHH Giải pháp Mạng Ngũ Hành Sơn (nhà thầu) | "
	    "046195007342 | 0796 211 430\n"
	    "3 | Lê Phước Thịnh | Công ty Cổ phần Viễn thông Hải Vân | 048201003395 | 0905 772 "
	    "064\n"
	    "Thiết bị mang vào/ra: 02 module quang SFP-10G-LR\n";
	static const struct {
		const char *label;
		gboolean centred;
		double vpad;
	} layouts[] = {
	    {"top-aligned, padded", FALSE, 5},
	    {"top-aligned, no padding", FALSE, 0},
	    {"centred, padded", TRUE, 5},
	    {"centred, no padding", TRUE, 0},
	    {"top-aligned, thin padding", FALSE, 1.5},
	};

	(void)state;
	for (gsize l = 0; l < G_N_ELEMENTS(layouts); l++) {
		GByteArray *b = g_byte_array_new();
		cairo_t *cr = pdf_new(b, 595, 500);
		struct doc_text d;
		double y = 30;

		cairo_set_font_size(cr, 11);
		for (gsize r = 0; r < G_N_ELEMENTS(label_rows); r++)
			y = table_row_at(cr, y, kv, 2, label_rows[r], layouts[l].centred,
			                 layouts[l].vpad);
		text_at(cr, 50, y + 25, "Danh sách người vào phòng:");
		y += 35;
		for (gsize r = 0; r < G_N_ELEMENTS(people); r++)
			y = table_row_at(cr, y, vx, 5, people[r], layouts[l].centred,
			                 layouts[l].vpad);
		text_at(cr, 50, y + 22, "Thiết bị mang vào/ra: 02 module quang SFP-10G-LR");
		pdf_end(cr);
		read_pdf(b, 0, &d);
		assert_int_equal(d.status, DOC_OK);
		if (strcmp(d.text, want) != 0)
			fail_msg("%s: got:\n%s", layouts[l].label, d.text);
		doc_text_clear(&d);
		g_byte_array_unref(b);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(t_layout),     cmocka_unit_test(t_form),
	    cmocka_unit_test(t_sideways),   cmocka_unit_test(t_image_page),
	    cmocka_unit_test(t_scan_only),  cmocka_unit_test(t_broken),
	    cmocka_unit_test(t_page_limit), cmocka_unit_test(t_legacy_font),
	    cmocka_unit_test(t_render),     cmocka_unit_test(t_wrapped_rows),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
