/* test_sheet.c - the XLSX and CSV readers on files built here, in memory. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>
#include <zip.h>

#include "sheet.h"

struct entry {
	const char *name;
	const char *data;
};

/* A zip archive of the entries, written with libzip to memory. */
static GBytes *
zip_build(const struct entry *e, size_t n)
{
	zip_error_t err;
	zip_source_t *src = zip_source_buffer_create(NULL, 0, 0, &err);
	zip_t *z;
	zip_int64_t size;
	void *buf;

	assert_non_null(src);
	zip_source_keep(src);
	z = zip_open_from_source(src, ZIP_TRUNCATE, &err);
	assert_non_null(z);
	for (size_t i = 0; i < n; i++) {
		zip_source_t *s = zip_source_buffer(z, e[i].data, strlen(e[i].data), 0);
		assert_true(zip_file_add(z, e[i].name, s, ZIP_FL_ENC_UTF_8) >= 0);
	}
	assert_int_equal(zip_close(z), 0);
	assert_int_equal(zip_source_open(src), 0);
	zip_source_seek(src, 0, SEEK_END);
	size = zip_source_tell(src);
	zip_source_seek(src, 0, SEEK_SET);
	buf = g_malloc((gsize)size);
	assert_int_equal(zip_source_read(src, buf, (zip_uint64_t)size), size);
	zip_source_close(src);
	zip_source_free(src);
	return g_bytes_new_take(buf, (gsize)size);
}

#define SS_NS "xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\""
#define R_NS  "xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\""
#define REL   "http://schemas.openxmlformats.org/officeDocument/2006/relationships/"

static const char workbook[] =
    "<workbook " SS_NS " " R_NS "><workbookPr/><sheets>"
    "<sheet name=\"Danh sách\" sheetId=\"1\" r:id=\"rId1\"/>"
    "<sheet name=\"Tra cứu\" sheetId=\"3\" state=\"hidden\" r:id=\"rId3\"/>"
    "<sheet name=\"Khách\" sheetId=\"2\" r:id=\"rId2\"/></sheets></workbook>";

static const char workbook_rels[] =
    "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
    "<Relationship Id=\"rId2\" Type=\"" REL "worksheet\" Target=\"/xl/worksheets/sheet2.xml\"/>"
    "<Relationship Id=\"rId1\" Type=\"" REL "worksheet\" Target=\"worksheets/sheet1.xml\"/>"
    "<Relationship Id=\"rId3\" Type=\"" REL "worksheet\" Target=\"worksheets/sheet3.xml\"/>"
    "<Relationship Id=\"rId4\" Type=\"" REL "sharedStrings\" Target=\"sharedStrings.xml\"/>"
    "<Relationship Id=\"rId5\" Type=\"" REL "styles\" Target=\"styles.xml\"/>"
    "</Relationships>";

static const char shared[] =
    "<sst " SS_NS " count=\"4\" uniqueCount=\"4\">"
    "<si><t>DANH SÁCH ĐĂNG KÝ</t></si>"
    "<si><r><rPr><b/></rPr><t xml:space=\"preserve\">Họ và </t></r><r><t>tên</t></r>"
    "<rPh sb=\"0\" eb=\"1\"><t>ho</t></rPh></si>"
    "<si><t>Lê Thị</t></si>"
    "<si><t>Dòng_x000D_\nhai</t></si></sst>";

static const char styles[] =
    "<styleSheet " SS_NS "><numFmts count=\"3\"><numFmt numFmtId=\"164\" "
    "formatCode=\"dd/mm/yyyy;@\"/><numFmt numFmtId=\"165\" formatCode=\"#,##0\\ &quot;đ&quot;\"/>"
    "<numFmt numFmtId=\"166\" formatCode=\"0000000000\"/></numFmts><cellXfs count=\"6\"><xf "
    "numFmtId=\"0\"/><xf numFmtId=\"14\" "
    "applyNumberFormat=\"1\"/><xf numFmtId=\"164\"/><xf numFmtId=\"165\"/>"
    "<xf numFmtId=\"20\"/><xf numFmtId=\"166\"/></cellXfs></styleSheet>";

static const char sheet1[] =
    "<worksheet " SS_NS "><sheetData>"
    "<row r=\"1\"><c r=\"A1\" t=\"s\"><v>0</v></c></row>"
    "<row r=\"3\"><c r=\"A3\" t=\"inlineStr\"><is><t>STT</t></is></c><c r=\"B3\" t=\"s\">"
    "<v>1</v></c><c r=\"C3\" t=\"inlineStr\"><is><t>Điện thoại</t></is></c><c r=\"D3\" "
    "t=\"inlineStr\"><is><t>Ngày</t></is></c><c r=\"E3\" t=\"inlineStr\"><is><t>Ghi chú</t>"
    "</is></c></row>"
    "<row r=\"4\"><c r=\"A4\"><v>1</v></c><c r=\"B4\" t=\"inlineStr\"><is><t>Trần Văn Bình"
    "</t></is></c><c r=\"C4\" t=\"n\"><v>905123456</v></c><c r=\"D4\" s=\"1\"><v>46000</v>"
    "</c><c r=\"E4\" t=\"str\"><f>A1</f><v>a\nb</v></c></row>"
    "<row r=\"5\"><c r=\"A5\"><v>2</v></c><c r=\"B5\" t=\"s\"><v>2</v></c><c r=\"C5\">"
    "<v>9.05123456E8</v></c><c r=\"D5\" s=\"2\"><v>45658.5</v></c><c r=\"E5\" t=\"b\">"
    "<v>1</v></c><c r=\"F5\" s=\"2\"/><c r=\"G5\" t=\"inlineStr\"><is><t></t></is></c></row>"
    "<row r=\"6\"><c r=\"A6\"><v>3</v></c><c r=\"C6\"><v>0.30000000000000004</v></c>"
    "<c r=\"D6\" s=\"4\"><v>0.35416666666666669</v></c><c r=\"E6\" s=\"3\"><v>150000</v>"
    "</c></row>"
    "<row r=\"7\"><c><v>4</v></c><c t=\"s\"><v>3</v></c><c><v>-2.5</v></c><c "
    "s=\"5\"><v>905123456</v>"
    "</c></row>"
    "</sheetData></worksheet>";

static const char sheet2[] =
    "<worksheet " SS_NS "><sheetData>"
    "<row r=\"1\"><c r=\"B1\" t=\"inlineStr\"><is><t>Họ tên</t></is></c><c r=\"C1\" "
    "t=\"inlineStr\"><is><t>CCCD</t></is></c></row>"
    "<row r=\"2\"><c r=\"B2\" t=\"inlineStr\"><is><t>Lê A</t></is></c><c r=\"C2\" "
    "t=\"inlineStr\"><is><t>049092004318</t></is></c></row>"
    "</sheetData></worksheet>";

static const char sheet3[] = "<worksheet " SS_NS "><sheetData><row r=\"1\"><c r=\"A1\" "
                             "t=\"inlineStr\"><is><t>bí mật</t></is></c></row></sheetData>"
                             "</worksheet>";

/* Read bytes with the default limits. */
static void
read_sheet(const void *data, gsize len, gboolean csv, struct doc_text *out)
{
	struct doc_limits lim;

	doc_limits_default(&lim);
	memset(out, 0, sizeof *out);
	if (csv)
		sheet_csv(data, len, &lim, out);
	else
		sheet_xlsx(data, len, &lim, out);
}

/* Sheets in workbook order (hidden ones left out), shared and inline
   strings, numbers as typed, dates, empty cells in their place. */
static void
test_xlsx(void **state)
{
	struct entry e[] = {
	    {"xl/workbook.xml", workbook},        {"xl/_rels/workbook.xml.rels", workbook_rels},
	    {"xl/sharedStrings.xml", shared},     {"xl/styles.xml", styles},
	    {"xl/worksheets/sheet1.xml", sheet1}, {"xl/worksheets/sheet2.xml", sheet2},
	    {"xl/worksheets/sheet3.xml", sheet3},
	};
	GBytes *b = zip_build(e, G_N_ELEMENTS(e));
	struct doc_text d;
	gsize len;
	const void *p = g_bytes_get_data(b, &len);

	read_sheet(p, len, FALSE, &d);
	if (d.status != DOC_OK)
		fail_msg("status %d: %s", d.status, d.cause ? d.cause : "");
	assert_string_equal(d.source, "xlsx");
	assert_string_equal(d.text, "DANH SÁCH ĐĂNG KÝ\n"
	                            "\n"
	                            "STT | Họ và tên | Điện thoại | Ngày | Ghi chú\n"
	                            "1 | Trần Văn Bình | 905123456 | 09/12/2025 | a b\n"
	                            "2 | Lê Thị | 905123456 | 01/01/2025 | TRUE\n"
	                            "3 |  | 0.3 | 08:30 | 150000\n"
	                            "4 | Dòng hai | -2.5 | 0905123456\n"
	                            "\n"
	                            "Họ tên | CCCD\n"
	                            "Lê A | 049092004318\n");
	doc_text_clear(&d);
	g_bytes_unref(b);
}

/* A workbook without relationships or styles still reads its first sheet;
   a DOCX is no workbook; broken bytes are DOC_BROKEN. */
static void
test_xlsx_broken(void **state)
{
	static const char wb[] = "<workbook " SS_NS " " R_NS "><sheets><sheet name=\"A\" "
	                         "sheetId=\"1\" r:id=\"rId1\"/></sheets></workbook>";
	struct entry bare[] = {{"xl/workbook.xml", wb}, {"xl/worksheets/sheet1.xml", sheet2}};
	struct entry docx[] = {{"word/document.xml", "<w:document/>"}};
	struct entry badxml[] = {{"xl/workbook.xml", wb}, {"xl/worksheets/sheet1.xml", "<x><y>"}};
	GBytes *b;
	struct doc_text d;
	gsize len;
	const void *p;

	b = zip_build(bare, 2);
	p = g_bytes_get_data(b, &len);
	read_sheet(p, len, FALSE, &d);
	assert_int_equal(d.status, DOC_OK);
	assert_string_equal(d.text, "Họ tên | CCCD\nLê A | 049092004318\n");
	doc_text_clear(&d);
	read_sheet(p, len / 2, FALSE, &d);
	assert_int_equal(d.status, DOC_BROKEN);
	doc_text_clear(&d);
	g_bytes_unref(b);

	b = zip_build(docx, 1);
	p = g_bytes_get_data(b, &len);
	read_sheet(p, len, FALSE, &d);
	assert_int_equal(d.status, DOC_BROKEN);
	assert_non_null(strstr(d.cause, "a Word document"));
	doc_text_clear(&d);
	g_bytes_unref(b);

	b = zip_build(badxml, 2);
	p = g_bytes_get_data(b, &len);
	read_sheet(p, len, FALSE, &d);
	assert_int_equal(d.status, DOC_BROKEN);
	assert_non_null(strstr(d.cause, "xl/worksheets/sheet1.xml is not well-formed XML"));
	doc_text_clear(&d);
	g_bytes_unref(b);

	read_sheet("STT,Họ tên\n", 11, FALSE, &d);
	assert_int_equal(d.status, DOC_BROKEN);
	assert_non_null(strstr(d.cause, "not an XLSX"));
	doc_text_clear(&d);
}

struct csv_row {
	const char *label;
	const char *data;
	gsize len; /* 0: a string */
	const char *want;
};

static const struct csv_row csv_rows[] = {
    {"UTF-8 BOM, semicolons, quotes",
     "\xEF\xBB\xBFSTT;Họ tên;\"Địa chỉ\"\r\n1;\"Nguyễn \"\"Văn\"\" A\";\"Phòng 501, tầng "
     "5\r\nHải Châu\"\r\n2;Lê B;\r\n",
     0, "STT | Họ tên | Địa chỉ\n1 | Nguyễn \"Văn\" A | Phòng 501, tầng 5 Hải Châu\n2 | Lê B\n"},
    {"windows-1258, decomposed tones composed",
     "STT,Ho\xf2 t\xean,\xd0\xf5n vi\xf2\n1,Nguy\xea\xden V\xe3n A\xecnh,S\xf5\xd2 Ta\xcci "
     "chi\xecnh\n",
     0, "STT | Họ tên | Đơn vị\n1 | Nguyễn Văn Ánh | Sở Tài chính\n"},
    {"UTF-16LE with BOM, tabs",
     "\xFF\xFEH\0o\0\t\0T\0\xEA\0n\0\n\0"
     "1\0\t\0\xA3\x1E",
     22, "Ho | Tên\n1 | ả\n"},
    {"commas inside values of a semicolon file",
     "Họ tên;Địa chỉ;SĐT\nA;Phòng 1, tầng 2;0905\nB;Phòng 3, tầng 4, nhà 5;0906\n", 0,
     "Họ tên | Địa chỉ | SĐT\nA | Phòng 1, tầng 2 | 0905\nB | Phòng 3, tầng 4, nhà 5 | 0906\n"},
    {"Excel's sep= line", "sep=,\r\nA;B,C\r\n", 0, "A;B | C\n"},
    {"title line and blank lines", "DANH SÁCH\n\nTT,Tên,SĐT\n1,An,0905\n,,\n", 0,
     "DANH SÁCH\n\nTT | Tên | SĐT\n1 | An | 0905\n"},
};

/* CSV: charset and delimiter detected, RFC 4180 quotes, NFC out. */
static void
test_csv(void **state)
{
	for (gsize i = 0; i < G_N_ELEMENTS(csv_rows); i++) {
		const struct csv_row *r = &csv_rows[i];
		struct doc_text d;
		gsize len = r->len != 0 ? r->len : strlen(r->data);
		read_sheet(r->data, len, TRUE, &d);
		if (d.status != DOC_OK || strcmp(d.text, r->want) != 0)
			fail_msg("%s: status %d, got \"%s\", want \"%s\"", r->label, d.status,
			         d.text ? d.text : d.cause, r->want);
		assert_string_equal(d.source, "csv");
		doc_text_clear(&d);
	}
}

/* An empty CSV is DOC_EMPTY; one over max_part is refused. */
static void
test_csv_limits(void **state)
{
	struct doc_limits lim;
	struct doc_text d = {0};

	read_sheet("\r\n;;\r\n", 6, TRUE, &d);
	assert_int_equal(d.status, DOC_EMPTY);
	doc_text_clear(&d);
	doc_limits_default(&lim);
	lim.max_part = 4;
	sheet_csv((const guint8 *)"a,b,c\n", 6, &lim, &d);
	assert_int_equal(d.status, DOC_REFUSED);
	assert_non_null(strstr(d.cause, "over the limit"));
	doc_text_clear(&d);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_xlsx),
	    cmocka_unit_test(test_xlsx_broken),
	    cmocka_unit_test(test_csv),
	    cmocka_unit_test(test_csv_limits),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
