/* test_ocr.c - scans read by OCR, on images drawn here with cairo. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

#include <cairo.h>
#include <leptonica/allheaders.h>

#include "ocr.h"
#include "ocr_check.h"

#define FONT  "DejaVu Sans"
#define WIDTH 2480 /* an A4 page across at 300 dpi */

static const struct ocr_opts opts = {"vie+eng", NULL, "danang.gov.vn", "vanphong@stp.danang.gov.vn",
                                     NULL};

/* Collect what cairo writes into a byte array. */
static cairo_status_t
collect(void *closure, const unsigned char *data, unsigned int len)
{
	g_byte_array_append(closure, data, len);
	return CAIRO_STATUS_SUCCESS;
}

/* A white page of h pixels, black text at 42 pixels (11 pt at 300 dpi). */
static cairo_t *
page_new(int h)
{
	cairo_surface_t *s = cairo_image_surface_create(CAIRO_FORMAT_RGB24, WIDTH, h);
	cairo_t *cr = cairo_create(s);

	cairo_surface_destroy(s);
	cairo_set_source_rgb(cr, 1, 1, 1);
	cairo_paint(cr);
	cairo_select_font_face(cr, FONT, CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_NORMAL);
	cairo_set_font_size(cr, 42);
	cairo_set_source_rgb(cr, 0, 0, 0);
	return cr;
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

/* A check box drawn as a square, ticked or not, its bottom on the
   baseline y; returns where it ends. */
static double
box_at(cairo_t *cr, double x, double y, gboolean ticked)
{
	cairo_set_line_width(cr, 3);
	cairo_rectangle(cr, x, y - 30, 30, 30);
	cairo_stroke(cr);
	if (ticked) {
		cairo_move_to(cr, x + 5, y - 16);
		cairo_line_to(cr, x + 13, y - 6);
		cairo_line_to(cr, x + 34, y - 40);
		cairo_stroke(cr);
	}
	return x + 50;
}

/* The page as PNG bytes; destroys cr. */
static GByteArray *
page_png(cairo_t *cr)
{
	GByteArray *png = g_byte_array_new();

	cairo_surface_write_to_png_stream(cairo_get_target(cr), collect, png);
	cairo_destroy(cr);
	return png;
}

/* The page as a Leptonica image; destroys cr. */
static PIX *
page_pix(cairo_t *cr)
{
	GByteArray *png = page_png(cr);
	PIX *pix = pixReadMem(png->data, png->len);

	g_byte_array_unref(png);
	return pix;
}

/* The line of text that starts with prefix, or NULL (a new string). */
static char *
line_with(const char *text, const char *prefix, int *index)
{
	char **lines = g_strsplit(text, "\n", -1);
	char *found = NULL;

	for (int i = 0; lines[i] != NULL && found == NULL; i++)
		if (g_str_has_prefix(lines[i], prefix)) {
			found = g_strdup(lines[i]);
			if (index != NULL)
				*index = i;
		}
	g_strfreev(lines);
	return found;
}

/* Lines of text (the last one ends with a newline). */
static guint
count_lines(const char *text)
{
	guint n = 0;

	for (const char *p = text; *p != '\0'; p++)
		n += *p == '\n';
	return n;
}

/* A form's lines: a phone, a dotted leader, an address, check boxes. */
static void
t_form_lines(void **state)
{
	cairo_t *cr = page_new(520);
	struct doc_limits lim;
	struct doc_text d = {0};
	double x;
	int i = -1;

	text_at(cr, 150, 100, "Điện thoại: 0905 123 456");
	x = text_at(cr, 150, 200, "Họ và tên: ");
	x = text_at(cr, x, 200, "..............................");
	text_at(cr, x + 12, 200, "Nguyễn Văn An");
	text_at(cr, 150, 300, "Thư điện tử: vanphong@stp.danang.gov.vn");
	x = text_at(cr, 150, 400, "Hình thức: ");
	x = box_at(cr, x + 10, 400, FALSE);
	x = text_at(cr, x, 400, "Cấp mới");
	x = box_at(cr, x + 40, 400, TRUE);
	text_at(cr, x, 400, "Hủy bỏ");
	GByteArray *png = page_png(cr);

	doc_limits_default(&lim);
	ocr_image(png->data, png->len, &lim, &opts, &d);
	assert_int_equal(d.status, DOC_OK);
	assert_string_equal(d.source, "ocr");
	assert_non_null(d.line_conf);
	assert_int_equal(d.line_conf->len, count_lines(d.text));

	char *l = line_with(d.text, "Điện thoại:", &i);
	assert_non_null(l);
	assert_string_equal(l, "Điện thoại: 0905 123 456");
	double c = g_array_index(d.line_conf, double, i);
	assert_true(c > 60 && c <= 100);
	g_free(l);

	/* the leader is written as dots, not read as letters */
	l = line_with(d.text, "Họ và tên:", NULL);
	assert_non_null(l);
	assert_non_null(strstr(l, "....."));
	assert_true(g_str_has_suffix(l, " Nguyễn Văn An"));
	g_free(l);

	l = line_with(d.text, "Thư điện tử:", NULL);
	assert_non_null(l);
	assert_string_equal(l, "Thư điện tử: vanphong@stp.danang.gov.vn");
	g_free(l);

	l = line_with(d.text, "Hình thức:", NULL);
	assert_non_null(l);
	assert_string_equal(l, "Hình thức: ☐ Cấp mới ☑ Hủy bỏ");
	g_free(l);
	assert_true(d.confidence > 0.6 && d.confidence <= 1);
	doc_text_clear(&d);
	g_byte_array_unref(png);
}

/* A ruled table becomes rows with " | " between the cells. */
static void
t_table(void **state)
{
	cairo_t *cr = page_new(520);
	struct doc_limits lim;
	struct doc_text d = {0};
	const double xs[] = {150, 300, 900, 1500, 2200}, ys[] = {100, 180, 260, 340};
	const char *cells[3][4] = {{"STT", "Họ và tên", "Chức vụ", "Điện thoại"},
	                           {"1", "Trần Văn Bình", "Chuyên viên", "0914 000 111"},
	                           {"2", "Lê Thị Hoa", "Văn thư", "0905 222 333"}};

	cairo_set_line_width(cr, 3);
	for (int r = 0; r < 4; r++) {
		cairo_move_to(cr, xs[0], ys[r]);
		cairo_line_to(cr, xs[4], ys[r]);
	}
	for (int c = 0; c < 5; c++) {
		cairo_move_to(cr, xs[c], ys[0]);
		cairo_line_to(cr, xs[c], ys[3]);
	}
	cairo_stroke(cr);
	for (int r = 0; r < 3; r++)
		for (int c = 0; c < 4; c++)
			text_at(cr, xs[c] + 20, ys[r] + 58, cells[r][c]);
	text_at(cr, 150, 440, "Mục đích: Bảo trì máy chủ");
	GByteArray *png = page_png(cr);

	doc_limits_default(&lim);
	ocr_image(png->data, png->len, &lim, &opts, &d);
	assert_int_equal(d.status, DOC_OK);
	/* (alone in its narrow column, "STT" may come out as "SITT") */
	assert_non_null(strstr(d.text, " | Họ và tên | Chức vụ | Điện thoại\n"
	                               "1 | Trần Văn Bình | Chuyên viên | 0914 000 111\n"
	                               "2 | Lê Thị Hoa | Văn thư | 0905 222 333\n"
	                               "Mục đích: Bảo trì máy chủ\n"));
	doc_text_clear(&d);
	g_byte_array_unref(png);
}

/* A red stamp over the text of a colour scan is not read. */
static void
t_red_stamp(void **state)
{
	cairo_t *cr = page_new(400);
	struct doc_limits lim;
	struct doc_text d = {0};

	text_at(cr, 150, 200, "Người liên hệ: Nguyễn Thị Lan");
	/* stamped over the printed text: ink stays dark under it */
	cairo_set_operator(cr, CAIRO_OPERATOR_MULTIPLY);
	cairo_set_source_rgb(cr, 0.85, 0.12, 0.12);
	cairo_set_line_width(cr, 6);
	cairo_arc(cr, 560, 190, 140, 0, 2 * G_PI);
	cairo_stroke(cr);
	cairo_move_to(cr, 450, 150);
	cairo_set_font_size(cr, 38);
	cairo_show_text(cr, "ĐÃ KÝ DUYỆT");
	GByteArray *png = page_png(cr);

	doc_limits_default(&lim);
	ocr_image(png->data, png->len, &lim, &opts, &d);
	assert_int_equal(d.status, DOC_OK);
	assert_string_equal(d.text, "Người liên hệ: Nguyễn Thị Lan\n");
	doc_text_clear(&d);
	g_byte_array_unref(png);
}

/* A page scanned on its side is turned upright. */
static void
t_sideways(void **state)
{
	cairo_t *cr = page_new(700);
	struct doc_limits lim;
	struct doc_text d = {0};
	static const char *const lines[] = {
	    "Đơn vị yêu cầu: Sở Thông tin và Truyền thông",
	    "Người liên hệ: Nguyễn Thị Lan",
	    "Điện thoại: 0905 123 456",
	    "Nội dung yêu cầu: Cài đặt phần mềm diệt virus cho phòng họp",
	    "Thời gian đề nghị: 14/05/2026",
	};

	for (int i = 0; i < 5; i++)
		text_at(cr, 150, 120 + 120 * i, lines[i]);
	PIX *up = page_pix(cr), *side = pixRotate90(up, -1);
	l_uint8 *png = NULL;
	size_t len = 0;
	assert_int_equal(pixWriteMem(&png, &len, side, IFF_PNG), 0);

	doc_limits_default(&lim);
	ocr_image(png, len, &lim, &opts, &d);
	assert_int_equal(d.status, DOC_OK);
	char *l = line_with(d.text, "Người liên hệ:", NULL);
	assert_non_null(l);
	assert_string_equal(l, lines[1]);
	g_free(l);
	doc_text_clear(&d);
	lept_free(png);
	pixDestroy(&up);
	pixDestroy(&side);
}

/* Bytes that are no image, and an image cut short, are broken. */
static void
t_broken(void **state)
{
	struct doc_limits lim;
	struct doc_text d = {0};
	const char junk[] = "this is not an image at all, only words";

	doc_limits_default(&lim);
	ocr_image((const guint8 *)junk, sizeof junk, &lim, &opts, &d);
	assert_int_equal(d.status, DOC_BROKEN);
	assert_non_null(d.cause);
	assert_null(d.text);
	doc_text_clear(&d);

	cairo_t *cr = page_new(300);
	text_at(cr, 150, 100, "Đơn vị yêu cầu: Sở Tư pháp");
	GByteArray *png = page_png(cr);
	ocr_image(png->data, png->len / 3, &lim, &opts, &d);
	assert_int_equal(d.status, DOC_BROKEN);
	assert_non_null(d.cause);
	doc_text_clear(&d);
	g_byte_array_unref(png);
}

/* An image over the pixel limit is refused before it is decoded. */
static void
t_too_many_pixels(void **state)
{
	struct doc_limits lim;
	struct doc_text d = {0};
	GByteArray *png = page_png(page_new(800));

	doc_limits_default(&lim);
	lim.max_pixels = 1000 * 1000;
	ocr_image(png->data, png->len, &lim, &opts, &d);
	assert_int_equal(d.status, DOC_REFUSED);
	assert_non_null(strstr(d.cause, "2480 × 800"));
	doc_text_clear(&d);
	g_byte_array_unref(png);
}

/* A TIFF of two pages: both read, in order, a blank line between them;
   over the page limit refused. */
static void
t_tiff_pages(void **state)
{
	struct doc_limits lim;
	struct doc_text d = {0};
	PIXA *pa = pixaCreate(2);
	cairo_t *cr = page_new(300);
	l_uint8 *tif = NULL;
	size_t len = 0;

	text_at(cr, 150, 120, "Đơn vị yêu cầu: Sở Tư pháp");
	PIX *one = page_pix(cr), *b1 = pixConvertTo1(one, 128);
	cr = page_new(300);
	text_at(cr, 150, 120, "Người liên hệ: Nguyễn Thị Lan");
	PIX *two = page_pix(cr), *b2 = pixConvertTo1(two, 128);
	pixSetResolution(b1, 300, 300);
	pixSetResolution(b2, 300, 300);
	pixaAddPix(pa, b1, L_INSERT);
	pixaAddPix(pa, b2, L_INSERT);
	assert_int_equal(pixaWriteMemMultipageTiff(&tif, &len, pa), 0);

	doc_limits_default(&lim);
	ocr_image(tif, len, &lim, &opts, &d);
	assert_int_equal(d.status, DOC_OK);
	assert_string_equal(d.text,
	                    "Đơn vị yêu cầu: Sở Tư pháp\n\nNgười liên hệ: Nguyễn Thị Lan\n");
	assert_int_equal(d.line_conf->len, 3);
	doc_text_clear(&d);

	lim.max_pages = 1;
	ocr_image(tif, len, &lim, &opts, &d);
	assert_int_equal(d.status, DOC_REFUSED);
	doc_text_clear(&d);
	lept_free(tif);
	pixaDestroy(&pa);
	pixDestroy(&one);
	pixDestroy(&two);
}

/* Free a gray image in a pointer array. */
static void
gray_free(gpointer g)
{
	gray_image_free(g);
}

/* Gray pages rendered from a PDF are read like images. */
static void
t_gray_pages(void **state)
{
	struct doc_limits lim;
	struct doc_text d = {0};
	cairo_t *cr = page_new(300);

	text_at(cr, 150, 120, "Website: http://skhcn.danang.gov.vn");
	cairo_surface_t *s = cairo_get_target(cr);
	cairo_surface_flush(s);
	struct gray_image *g = g_new0(struct gray_image, 1);
	g->width = cairo_image_surface_get_width(s);
	g->height = cairo_image_surface_get_height(s);
	g->stride = g->width;
	g->dpi = 300;
	g->data = g_malloc((gsize)g->width * g->height);
	const guint8 *px = cairo_image_surface_get_data(s);
	int stride = cairo_image_surface_get_stride(s);
	for (int y = 0; y < g->height; y++)
		for (int x = 0; x < g->width; x++)
			g->data[y * g->stride + x] = px[y * stride + 4 * x + 1]; /* green */
	cairo_destroy(cr);
	GPtrArray *pages = g_ptr_array_new_with_free_func(gray_free);
	g_ptr_array_add(pages, g);

	doc_limits_default(&lim);
	ocr_pages(pages, &lim, &opts, &d);
	assert_int_equal(d.status, DOC_OK);
	assert_string_equal(d.text, "Website: http://skhcn.danang.gov.vn\n");
	doc_text_clear(&d);

	lim.max_pixels = 1000;
	ocr_pages(pages, &lim, &opts, &d);
	assert_int_equal(d.status, DOC_REFUSED);
	doc_text_clear(&d);
	g_ptr_array_unref(pages);
}

/* Missing language data is a clear error, and the defaults still load. */
static void
t_languages(void **state)
{
	struct ocr_opts bad = opts;
	char *cause = NULL;

	bad.languages = "xx-not-a-language";
	assert_false(ocr_init(&bad, &cause));
	assert_non_null(strstr(cause, "xx-not-a-language"));
	g_free(cause);
	cause = NULL;
	assert_true(ocr_init(&opts, &cause));
	assert_null(cause);
}

/* A number with a letter read for a digit is doubted; words that are not
   numbers, and numbers as they are, are not. */
static void
t_check_number(void **state)
{
	static const struct {
		const char *label, *word;
		gboolean want;
	} rows[] = {
	    {"a 1 read as I in a time", "I5h00", TRUE},
	    {"a 1 read as ! in a time", "!1h", TRUE},
	    {"an O in a phone", "O905123456", TRUE},
	    {"an l in a date", "l4/05/2026", TRUE},
	    {"a G for a 6 after digits", "30G", TRUE},
	    {"a time as written", "15h00", FALSE},
	    {"a date as written", "14/05/2026.", FALSE},
	    {"a phone as written", "0988.811254", FALSE},
	    {"a size", "4TB", FALSE},
	    {"a building", "B2", FALSE},
	    {"a word", "Hoà", FALSE},
	    {"letters only", "lO", FALSE},
	    {"a numbered label", "L1.", FALSE},
	};

	for (guint i = 0; i < G_N_ELEMENTS(rows); i++) {
		if (ocr_check_number(rows[i].word) != rows[i].want)
			fail_msg("%s: %s", rows[i].label, rows[i].word);
	}
}

/* A word and a number joined by a stop are doubted; abbreviations and
   versions are not. */
static void
t_check_glued_stop(void **state)
{
	static const struct {
		const char *label, *word;
		gboolean want;
	} rows[] = {
	    {"a room", "Phòng.1203", TRUE},
	    {"a floor, a comma after", "tầng.5,", TRUE},
	    {"an abbreviation", "P.1203", FALSE},
	    {"an abbreviation of two letters", "No.5", FALSE},
	    {"a version", "v1.2", FALSE},
	    {"a phone", "0988.811254", FALSE},
	    {"a domain", "tenmien.danang.gov.vn", FALSE},
	    {"a word", "Phòng", FALSE},
	};

	(void)state;
	for (guint i = 0; i < G_N_ELEMENTS(rows); i++)
		if (ocr_check_glued_stop(rows[i].word) != rows[i].want)
			fail_msg("%s: %s", rows[i].label, rows[i].word);
}

/* A stop amid a unit's or a company's name is doubted; abbreviations and
   stops at the end are not. */
static void
t_check_stop_amid(void **state)
{
	static const struct {
		const char *label, *name;
		gboolean want;
	} rows[] = {
	    {"a speck after a word", "Công ty Cổ phần Phần mềm. Trường Sa", TRUE},
	    {"a speck, no space", "Trung tâm Y tế quận.Thanh Khê", TRUE},
	    {"a city abbreviated", "UBND TP. Đà Nẵng", FALSE},
	    {"small letters abbreviated", "Bệnh viện Đa khoa tp. Huế", FALSE},
	    {"a company's English form", "Sao Mai Co., Ltd", FALSE},
	    {"a stop at the end", "Sở Tư pháp.", FALSE},
	    {"no stop", "Công ty TNHH Thiết kế Web Cầu Rồng", FALSE},
	};

	(void)state;
	for (guint i = 0; i < G_N_ELEMENTS(rows); i++)
		if (ocr_check_stop_amid(rows[i].name) != rows[i].want)
			fail_msg("%s: %s", rows[i].label, rows[i].name);
}

/* The start of a form's line as OCR mangles it is written as printed:
   numbering with a speck or a colon, a speck before a bullet. */
static void
t_check_line_start(void **state)
{
	static const struct {
		const char *label, *line, *want;
	} rows[] = {
	    {"a colon for a stop", "5: Thời gian: 9h", "5. Thời gian: 9h"},
	    {"a stop and a colon", "9.:Thông tin người quản trị:", "9. Thông tin người quản trị:"},
	    {"a letter glued", "6G. Lý do: bảo trì", "6. Lý do: bảo trì"},
	    {"no space", "4.SĐT: 0905123456", "4. SĐT: 0905123456"},
	    {"a speck before the number", "'2. Địa chỉ: 24 Trần Phú", "2. Địa chỉ: 24 Trần Phú"},
	    {"a colon before a bullet", ":- Danh sách hộp thư:", "- Danh sách hộp thư:"},
	    {"a short label misread", "ĐI: 0905123456", "ĐT: 0905123456"},
	    {"a time is no number", "9:30 họp giao ban", "9:30 họp giao ban"},
	    {"a line as printed", "- Họ và tên: Lê Văn Hùng", "- Họ và tên: Lê Văn Hùng"},
	};

	(void)state;
	for (guint i = 0; i < G_N_ELEMENTS(rows); i++) {
		GString *line = g_string_new(rows[i].line);
		ocr_check_line_start(line);
		if (strcmp(line->str, rows[i].want) != 0)
			fail_msg("%s: '%s' gave '%s'", rows[i].label, rows[i].line, line->str);
		g_string_free(line, TRUE);
	}
}

/* A phone number of a length or prefix no Vietnamese number has is
   doubted; an identity card's number is no phone. */
static void
t_check_phone(void **state)
{
	static const struct {
		const char *label, *word;
		gboolean want;
	} rows[] = {
	    {"a mobile", "0905123456", FALSE},
	    {"a mobile with dots", "0988.811254", FALSE},
	    {"a landline", "02363888410", FALSE},
	    {"a mobile a digit long", "09051234567", TRUE},
	    {"a landline a digit short", "0236388841", TRUE},
	    {"a tax code", "0401234567", FALSE},
	    {"a prefix read from 0", "0012345678", TRUE},
	    {"an identity card", "079066612564", FALSE},
	    {"a short number", "0905123", FALSE},
	    {"a word", "0905abc456", FALSE},
	};

	for (guint i = 0; i < G_N_ELEMENTS(rows); i++)
		if (ocr_check_phone(rows[i].word) != rows[i].want)
			fail_msg("%s: %s", rows[i].label, rows[i].word);
}

/* A faint mark in a box is a tick read with little confidence. */
static void
t_check_tick(void **state)
{
	static const struct {
		const char *label;
		double ink;
		gboolean ticked, sure;
	} rows[] = {
	    {"empty", 0.0, FALSE, TRUE},
	    {"a speck under the threshold", 0.03, FALSE, TRUE},
	    {"a speck of a photo", 0.068, TRUE, FALSE},
	    {"a printed tick", 0.235, TRUE, TRUE},
	    {"a drawn tick", 0.518, TRUE, TRUE},
	};

	for (guint i = 0; i < G_N_ELEMENTS(rows); i++) {
		gboolean ticked = !rows[i].ticked;
		double conf = ocr_check_tick(rows[i].ink, &ticked);
		if (ticked != rows[i].ticked || (conf >= 70) != rows[i].sure)
			fail_msg("%s: ticked %d, confidence %.0f", rows[i].label, ticked, conf);
	}
}

/* A label after another field's value at the end of a line is written as
   printed: its colon, a leader before it. */
static void
t_check_label_end(void **state)
{
	static const struct {
		const char *label, *line, *want;
	} rows[] = {
	    {"a semicolon for the colon", "3. Điện thoại: 0988.811254 Địa chỉ email;",
	     "3. Điện thoại: 0988.811254 .... Địa chỉ email:"},
	    {"no leader before it", "3. Điện thoại: 0988.811254 Địa chỉ email:",
	     "3. Điện thoại: 0988.811254 .... Địa chỉ email:"},
	    {"a leader already", "3. Điện thoại: 0988.811254 .... Địa chỉ email:",
	     "3. Điện thoại: 0988.811254 .... Địa chỉ email:"},
	    {"a leader and a semicolon", "3. Điện thoại: 0988 .... Địa chỉ email;",
	     "3. Điện thoại: 0988 .... Địa chỉ email:"},
	    {"a label alone", "Địa chỉ email;", "Địa chỉ email;"},
	    {"a sentence",
	     "Nội dung: gửi thư ra ngoài như sau:", "Nội dung: gửi thư ra ngoài như sau:"},
	};

	for (guint i = 0; i < G_N_ELEMENTS(rows); i++) {
		GString *line = g_string_new(rows[i].line);
		ocr_check_label_end(line);
		if (strcmp(line->str, rows[i].want) != 0)
			fail_msg("%s: %s", rows[i].label, line->str);
		g_string_free(line, TRUE);
	}
}

/* The e-mail label misread before an address is written as printed. */
static void
t_check_email_label(void **state)
{
	static const struct {
		const char *label, *line, *want;
	} rows[] = {
	    {"a letter misread", "4. ĐT: 0788 .... Địa chỉ emaH: triba@thanhkheit.com",
	     "4. ĐT: 0788 .... Địa chỉ email: triba@thanhkheit.com"},
	    {"two letters misread", "Địa chỉ ernail: a@b.vn", "Địa chỉ email: a@b.vn"},
	    {"as printed", "Địa chỉ Email: a@b.vn", "Địa chỉ Email: a@b.vn"},
	    {"no address after it", "Địa chỉ emaH: không có", "Địa chỉ emaH: không có"},
	    {"another label", "Hộp thư: a@b.vn", "Hộp thư: a@b.vn"},
	};

	for (guint i = 0; i < G_N_ELEMENTS(rows); i++) {
		GString *line = g_string_new(rows[i].line);
		ocr_check_email_label(line);
		if (strcmp(line->str, rows[i].want) != 0)
			fail_msg("%s: %s", rows[i].label, line->str);
		g_string_free(line, TRUE);
	}
}

/* A name read with other marks elsewhere on the page is doubted. */
static void
t_check_read_otherwise(void **state)
{
	static const char page[] = "CÔNG TY CỔ PHẦN CÔNG NGHỆ CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\n"
	                           "BIỂN XANH Độc lập - Tự do - Hạnh phúc\n"
	                           "Cơ quan/đơn vị: Công ty Cổ phần Công nghệ Biến Xanh ....\n"
	                           "Họ và tên: Phan Công Hòa ....\n"
	                           "1 | Hồ Việt Tín | Công ty Cổ phần Công nghệ Biển xanh | 0790\n"
	                           "Người lập phiếu: Nguyễn Thuỳ Quyên\n";
	static const struct {
		const char *label, *value;
		gboolean want;
	} rows[] = {
	    {"a mark read otherwise in the table", "Công ty Cổ phần Công nghệ Biến Xanh", TRUE},
	    {"the table's reading against the line's", "Công nghệ Biển xanh", TRUE},
	    {"two words like the heading's", "Phan Công Hòa", FALSE},
	    {"the tone mark placed otherwise", "Nguyễn Thùy Quyên", FALSE},
	    {"read alike", "Hồ Việt Tín", FALSE},
	    {"no other reading", "Sở Tư pháp thành phố", FALSE},
	};

	for (guint i = 0; i < G_N_ELEMENTS(rows); i++)
		if (ocr_check_read_otherwise(rows[i].value, page) != rows[i].want)
			fail_msg("%s: %s", rows[i].label, rows[i].value);
}

/* Load Tesseract once for all the tests. */
static int
setup(void **state)
{
	char *cause = NULL;

	if (!ocr_init(&opts, &cause)) {
		fprintf(stderr, "test_ocr: %s\n", cause);
		return -1;
	}
	return 0;
}

/* Release Tesseract. */
static int
teardown(void **state)
{
	ocr_end();
	return 0;
}

/* Run the tests, Tesseract loaded once. */
int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(t_form_lines),
	    cmocka_unit_test(t_table),
	    cmocka_unit_test(t_red_stamp),
	    cmocka_unit_test(t_sideways),
	    cmocka_unit_test(t_broken),
	    cmocka_unit_test(t_too_many_pixels),
	    cmocka_unit_test(t_tiff_pages),
	    cmocka_unit_test(t_gray_pages),
	    cmocka_unit_test(t_languages),
	    cmocka_unit_test(t_check_number),
	    cmocka_unit_test(t_check_phone),
	    cmocka_unit_test(t_check_tick),
	    cmocka_unit_test(t_check_label_end),
	    cmocka_unit_test(t_check_read_otherwise),
	    cmocka_unit_test(t_check_email_label),
	    cmocka_unit_test(t_check_glued_stop),
	    cmocka_unit_test(t_check_stop_amid),
	    cmocka_unit_test(t_check_line_start),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
