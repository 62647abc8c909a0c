/* test_office.c - the DOCX and ODT readers on documents built here, in memory. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>
#include <zip.h>

#include "legacy.h"
#include "office.h"

struct entry {
	const char *name;
	const void *data;
	gsize len; /* 0: a string */
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
		gsize len = e[i].len != 0 ? e[i].len : strlen(e[i].data);
		zip_source_t *s = zip_source_buffer(z, e[i].data, len, 0);
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

/* Write a little-endian 32-bit number. */
static void
put32(guint8 *p, guint32 v)
{
	p[0] = v & 0xff, p[1] = (v >> 8) & 0xff, p[2] = (v >> 16) & 0xff, p[3] = v >> 24;
}

/* Make an entry declare another unpacked size, in its local header and in
   the central directory, as a crafted zip would. */
static void
zip_declare(GBytes *zip, const char *name, guint32 size)
{
	gsize len, nlen = strlen(name);
	guint8 *p = (guint8 *)g_bytes_get_data(zip, &len);
	int found = 0;

	for (gsize i = 0; i + 46 + nlen <= len; i++) {
		if (memcmp(p + i, "PK\3\4", 4) == 0 && memcmp(p + i + 30, name, nlen) == 0)
			put32(p + i + 22, size), found++;
		if (memcmp(p + i, "PK\1\2", 4) == 0 && memcmp(p + i + 46, name, nlen) == 0)
			put32(p + i + 24, size), found++;
	}
	assert_int_equal(found, 2);
}

#define W_NS                                                                                       \
	"xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\" "                \
	"xmlns:w14=\"http://schemas.microsoft.com/office/word/2010/wordml\" "                      \
	"xmlns:mc=\"http://schemas.openxmlformats.org/markup-compatibility/2006\" "                \
	"xmlns:wp=\"http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing\" "     \
	"xmlns:a=\"http://schemas.openxmlformats.org/drawingml/2006/main\" "                       \
	"xmlns:wps=\"http://schemas.microsoft.com/office/word/2010/wordprocessingShape\" "         \
	"xmlns:v=\"urn:schemas-microsoft-com:vml\""

/* A DOCX with this body (and styles, if not NULL). */
static GBytes *
docx_build(const char *body, const char *styles)
{
	char *doc = g_strdup_printf("<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>"
	                            "<w:document " W_NS "><w:body>%s</w:body></w:document>",
	                            body);
	char *st =
	    styles != NULL ? g_strdup_printf("<w:styles " W_NS ">%s</w:styles>", styles) : NULL;
	struct entry e[] = {
	    {"[Content_Types].xml",
	     "<Types xmlns=\"http://schemas.openxmlformats.org/package/"
	     "2006/content-types\"/>",
	     0},
	    {"word/document.xml", doc, 0},
	    {"word/styles.xml", st, 0},
	};
	GBytes *zip = zip_build(e, st != NULL ? 3 : 2);

	g_free(doc);
	g_free(st);
	return zip;
}

/* Read a DOCX (or ODT) with the given limits (NULL: the defaults). */
static void
read_doc(GBytes *b, gboolean odt, const struct doc_limits *lim, struct doc_text *out)
{
	struct doc_limits def;
	gsize len;
	const guint8 *p = g_bytes_get_data(b, &len);

	if (lim == NULL)
		doc_limits_default(&def), lim = &def;
	memset(out, 0, sizeof *out);
	if (odt)
		office_odt(p, len, lim, out);
	else
		office_docx(p, len, lim, out);
}

/* The text of a DOCX body, which must read. */
static char *
docx_text(const char *body, const char *styles)
{
	GBytes *b = docx_build(body, styles);
	struct doc_text d;
	char *text;

	read_doc(b, FALSE, NULL, &d);
	g_bytes_unref(b);
	if (d.status != DOC_OK)
		fail_msg("status %d: %s", d.status, d.cause ? d.cause : "");
	assert_string_equal(d.source, "docx");
	text = g_strdup(d.text);
	doc_text_clear(&d);
	return text;
}

/* Paragraphs, tabs, breaks, tracked changes, NFD input, a table with merged
   and nested cells. */
static void
test_docx_paragraphs_table(void **state)
{
	static const char body[] =
	    "<w:p><w:r><w:t>Đơn vị yêu cầu: Sở Tư pháp</w:t></w:r></w:p>"
	    "<w:p/>"
	    "<w:p><w:r><w:t xml:space=\"preserve\">Điện thoại: </w:t></w:r><w:r><w:tab/>"
	    "<w:t>0905 123 456</w:t><w:br/><w:t>Email: a@b.vn</w:t></w:r></w:p>"
	    "<w:p><w:r><w:t xml:space=\"preserve\">Nội dung: </w:t></w:r><w:del><w:r>"
	    "<w:delText>cũ</w:delText></w:r></w:del><w:ins><w:r><w:t>mới</w:t></w:r></w:ins><w:r>"
	    "<w:rPr><w:vanish/></w:rPr><w:t>(ẩn)</w:t></w:r></w:p>"
	    "<w:p><w:r><w:t>Ho\xcc\xa3 te\xcc\x82n</w:t></w:r></w:p>" /* NFD */
	    "<w:tbl><w:tr><w:tc><w:p><w:r><w:t>STT</w:t></w:r></w:p></w:tc>"
	    "<w:tc><w:tcPr><w:gridSpan w:val=\"2\"/></w:tcPr><w:p><w:r><w:t>Họ và tên</w:t>"
	    "</w:r></w:p></w:tc><w:tc><w:p><w:r><w:t>Phòng</w:t></w:r></w:p><w:p><w:r>"
	    "<w:t>Ban</w:t></w:r></w:p></w:tc></w:tr>"
	    "<w:tr><w:tc><w:p><w:r><w:t>1</w:t></w:r></w:p></w:tc><w:tc><w:tcPr><w:gridSpan "
	    "w:val=\"2\"/><w:vMerge w:val=\"restart\"/></w:tcPr><w:p><w:r><w:t>Trần Văn Bình"
	    "</w:t></w:r></w:p></w:tc><w:tc><w:tbl><w:tr><w:tc><w:p><w:r><w:t>Phòng</w:t></w:r>"
	    "</w:p></w:tc><w:tc><w:p><w:r><w:t>Hành chính</w:t></w:r></w:p></w:tc></w:tr>"
	    "</w:tbl><w:p/></w:tc></w:tr>"
	    "<w:tr><w:tc><w:p><w:r><w:t>2</w:t></w:r></w:p></w:tc><w:tc><w:tcPr><w:vMerge/>"
	    "</w:tcPr><w:p><w:r><w:t>Trần Văn Bình</w:t></w:r></w:p></w:tc><w:tc><w:p/></w:tc>"
	    "</w:tr></w:tbl>"
	    "<w:p><w:r><w:t>Hết</w:t></w:r></w:p><w:p/><w:sectPr/>";
	char *t = docx_text(body, NULL);

	assert_string_equal(t, "Đơn vị yêu cầu: Sở Tư pháp\n"
	                       "\n"
	                       "Điện thoại: \t0905 123 456\n"
	                       "Email: a@b.vn\n"
	                       "Nội dung: mới\n"
	                       "Họ tên\n"
	                       "STT | Họ và tên | Phòng Ban\n"
	                       "1 | Trần Văn Bình | Phòng Hành chính\n"
	                       "2\n"
	                       "Hết\n");
	g_free(t);
}

/* A text box in mc:AlternateContent is read once, after its paragraph. */
static void
test_docx_textbox(void **state)
{
	static const char body[] =
	    "<w:p><w:r><w:t>Trước</w:t></w:r><w:r><mc:AlternateContent><mc:Choice "
	    "Requires=\"wps\"><w:drawing><wp:anchor><a:graphic><a:graphicData><wps:wsp><wps:txbx>"
	    "<w:txbxContent><w:p><w:r><w:t>Biểu mẫu số 05/IID-KT</w:t></w:r></w:p>"
	    "</w:txbxContent></wps:txbx></wps:wsp></a:graphicData></a:graphic></wp:anchor>"
	    "</w:drawing></mc:Choice><mc:Fallback><w:pict><v:shape><v:textbox><w:txbxContent>"
	    "<w:p><w:r><w:t>Biểu mẫu số 05/IID-KT</w:t></w:r></w:p></w:txbxContent></v:textbox>"
	    "</v:shape></w:pict></mc:Fallback></mc:AlternateContent></w:r><w:r><w:t "
	    "xml:space=\"preserve\"> sau</w:t></w:r></w:p>";
	char *t = docx_text(body, NULL);

	assert_string_equal(t, "Trước sau\nBiểu mẫu số 05/IID-KT\n");
	g_free(t);
}

/* Each kind of check box comes out as ☑ or ☐, once. */
static void
test_docx_checkboxes(void **state)
{
	static const char body[] =
	    /* content controls, whose content shows the box again */
	    "<w:p><w:r><w:t xml:space=\"preserve\">Loại: </w:t></w:r>"
	    "<w:sdt><w:sdtPr><w14:checkbox><w14:checked w14:val=\"1\"/><w14:checkedState "
	    "w14:val=\"2612\" w14:font=\"MS Gothic\"/><w14:uncheckedState w14:val=\"2610\" "
	    "w14:font=\"MS Gothic\"/></w14:checkbox></w:sdtPr><w:sdtContent><w:r><w:rPr>"
	    "<w:rFonts w:ascii=\"MS Gothic\" w:hAnsi=\"MS Gothic\"/></w:rPr><w:t>☒</w:t></w:r>"
	    "</w:sdtContent></w:sdt><w:r><w:t xml:space=\"preserve\"> Mạng </w:t></w:r>"
	    "<w:sdt><w:sdtPr><w14:checkbox><w14:checked w14:val=\"0\"/></w14:checkbox>"
	    "</w:sdtPr><w:sdtContent><w:r><w:t>☐</w:t></w:r></w:sdtContent></w:sdt><w:r><w:t "
	    "xml:space=\"preserve\"> Website</w:t></w:r></w:p>"
	    /* legacy FORMCHECKBOX fields: checked, unchecked over a ticked default, default */
	    "<w:p><w:r><w:fldChar w:fldCharType=\"begin\"><w:ffData><w:name w:val=\"Check1\"/>"
	    "<w:enabled/><w:checkBox><w:sizeAuto/><w:default w:val=\"0\"/><w:checked/>"
	    "</w:checkBox></w:ffData></w:fldChar></w:r><w:r><w:instrText xml:space=\"preserve\">"
	    " FORMCHECKBOX </w:instrText></w:r><w:r><w:fldChar w:fldCharType=\"end\"/></w:r>"
	    "<w:r><w:t xml:space=\"preserve\"> Khẩn cấp </w:t></w:r>"
	    "<w:r><w:fldChar w:fldCharType=\"begin\"><w:ffData><w:checkBox><w:sizeAuto/>"
	    "<w:default w:val=\"1\"/><w:checked w:val=\"0\"/></w:checkBox></w:ffData></w:fldChar>"
	    "</w:r><w:r><w:instrText> FORMCHECKBOX </w:instrText></w:r><w:r><w:fldChar "
	    "w:fldCharType=\"separate\"/></w:r><w:r><w:fldChar w:fldCharType=\"end\"/></w:r>"
	    "<w:r><w:t xml:space=\"preserve\"> Bình thường </w:t></w:r>"
	    "<w:r><w:fldChar w:fldCharType=\"begin\"><w:ffData><w:checkBox><w:default "
	    "w:val=\"1\"/></w:checkBox></w:ffData></w:fldChar></w:r><w:r><w:instrText> "
	    "FORMCHECKBOX </w:instrText></w:r><w:r><w:fldChar w:fldCharType=\"end\"/></w:r>"
	    "<w:r><w:t xml:space=\"preserve\"> Có</w:t></w:r></w:p>"
	    /* Wingdings symbols */
	    "<w:p><w:r><w:sym w:font=\"Wingdings\" w:char=\"F0FE\"/><w:t xml:space=\"preserve\"> "
	    "Mã nguồn </w:t><w:sym w:font=\"Wingdings\" w:char=\"F0A8\"/><w:t "
	    "xml:space=\"preserve\"> CSDL </w:t><w:sym w:font=\"Wingdings 2\" w:char=\"F052\"/>"
	    "<w:t xml:space=\"preserve\"> X </w:t><w:sym w:font=\"Wingdings\" w:char=\"F06F\"/>"
	    "<w:t xml:space=\"preserve\"> Y </w:t><w:sym w:font=\"Wingdings\" w:char=\"F078\"/>"
	    "</w:r></w:p>"
	    /* typed as text; [x] stays as typed */
	    "<w:p><w:r><w:t>☒ Có ☐ Không [x] A [ ] B</w:t></w:r></w:p>"
	    /* a run in the Wingdings font */
	    "<w:p><w:r><w:rPr><w:rFonts w:ascii=\"Wingdings\" w:hAnsi=\"Wingdings\"/></w:rPr>"
	    "<w:t>þ</w:t></w:r><w:r><w:t xml:space=\"preserve\"> Thư </w:t></w:r><w:r><w:rPr>"
	    "<w:rFonts w:ascii=\"Wingdings\" w:hAnsi=\"Wingdings\"/></w:rPr><w:t>¨(</w:t></w:r>"
	    "<w:r><w:t xml:space=\"preserve\"> Web</w:t></w:r></w:p>";
	char *t = docx_text(body, NULL);

	assert_string_equal(t, "Loại: ☑ Mạng ☐ Website\n"
	                       "☑ Khẩn cấp ☐ Bình thường ☑ Có\n"
	                       "☑ Mã nguồn ☐ CSDL ☑ X ☐ Y ☑\n"
	                       "☑ Có ☐ Không [x] A [ ] B\n"
	                       "☑ Thư ☐ Web\n");
	g_free(t);
}

/* Runs typed in a legacy font, named by the run or by its paragraph's
   style, go through legacy_convert; other runs do not. */
static void
test_docx_legacy_font(void **state)
{
	static const char styles[] =
	    "<w:docDefaults><w:rPrDefault><w:rPr><w:rFonts w:ascii=\"Times New Roman\"/>"
	    "</w:rPr></w:rPrDefault></w:docDefaults>"
	    "<w:style w:type=\"paragraph\" w:default=\"1\" w:styleId=\"Normal\"><w:name "
	    "w:val=\"Normal\"/></w:style>"
	    "<w:style w:type=\"paragraph\" w:styleId=\"VnBase\"><w:rPr><w:rFonts "
	    "w:ascii=\".VnTime\" w:hAnsi=\".VnTime\"/></w:rPr></w:style>"
	    "<w:style w:type=\"paragraph\" w:styleId=\"VnBody\"><w:basedOn w:val=\"VnBase\"/>"
	    "</w:style>";
	static const char body[] =
	    "<w:p><w:r><w:rPr><w:rFonts w:ascii=\".VnTime\" w:hAnsi=\".VnTime\"/></w:rPr>"
	    "<w:t>Hä vµ tªn</w:t></w:r></w:p>"
	    "<w:p><w:pPr><w:pStyle w:val=\"VnBody\"/></w:pPr><w:r><w:t>Hä vµ tªn</w:t></w:r>"
	    "</w:p>"
	    "<w:p><w:r><w:rPr><w:rFonts w:ascii=\"VNI-Times\"/></w:rPr><w:t>Hoï vaø teân</w:t>"
	    "</w:r></w:p>"
	    "<w:p><w:r><w:t>Hä vµ tªn</w:t></w:r></w:p>";
	char *tcvn = legacy_convert("Hä vµ tªn", legacy_font(".VnTime"));
	char *vni = legacy_convert("Hoï vaø teân", legacy_font("VNI-Times"));
	char *want = g_strdup_printf("%s\n%s\n%s\nHä vµ tªn\n", tcvn, tcvn, vni);
	char *t = docx_text(body, styles);

	assert_int_equal(legacy_font(".VnTime"), LEGACY_TCVN3);
	assert_int_equal(legacy_font("VNI-Times"), LEGACY_VNI);
	assert_string_equal(t, want);
	g_free(t);
	g_free(want);
	g_free(tcvn);
	g_free(vni);
}

/* Whether a cause mentions the words. */
static void
assert_cause(const struct doc_text *d, enum doc_status status, const char *words)
{
	if (d->status != status || d->cause == NULL || strstr(d->cause, words) == NULL)
		fail_msg("status %d (want %d), cause \"%s\" (want \"%s\")", d->status, status,
		         d->cause ? d->cause : "", words);
	assert_null(d->text);
}

/* An entry that declares a huge size is refused before anything is unpacked. */
static void
test_zip_bomb_declared(void **state)
{
	GBytes *b = docx_build("<w:p><w:r><w:t>x</w:t></w:r></w:p>", NULL);
	struct doc_text d;

	zip_declare(b, "word/document.xml", 0xF0000000u);
	read_doc(b, FALSE, NULL, &d);
	assert_cause(&d, DOC_REFUSED, "word/document.xml unpacks to 4.0 GB");
	doc_text_clear(&d);
	g_bytes_unref(b);
}

/* An entry that really inflates far over the ratio is refused. */
static void
test_zip_bomb_ratio(void **state)
{
	gsize n = 8 * 1024 * 1024;
	char *zeros = g_malloc0(n);
	char *doc = g_strdup_printf("<w:document %s><w:body><w:p/></w:body></w:document>", W_NS);
	struct entry e[] = {{"word/document.xml", doc, 0}, {"word/media/image1.bin", zeros, n}};
	GBytes *b = zip_build(e, 2);
	struct doc_text d;

	assert_true(g_bytes_get_size(b) < 64 * 1024);
	read_doc(b, FALSE, NULL, &d);
	assert_cause(&d, DOC_REFUSED, "word/media/image1.bin unpacks to 8.4 MB from");
	doc_text_clear(&d);
	g_bytes_unref(b);
	g_free(zeros);
	g_free(doc);
}

/* An entry that inflates to more than it declared is caught while reading. */
static void
test_zip_bomb_lying(void **state)
{
	GString *x = g_string_new(NULL);
	GBytes *b;
	struct doc_text d;

	for (int i = 0; i < 100000; i++)
		g_string_append(x, "<w:p><w:r><w:t>bom</w:t></w:r></w:p>");
	b = docx_build(x->str, NULL);
	zip_declare(b, "word/document.xml", 2000);
	read_doc(b, FALSE, NULL, &d);
	assert_cause(&d, DOC_REFUSED, "word/document.xml unpacks to more than its declared");
	doc_text_clear(&d);
	g_bytes_unref(b);
	g_string_free(x, TRUE);
}

/* The unpacked total and the part size are bounded by the limits given. */
static void
test_limits(void **state)
{
	GString *x = g_string_new(NULL);
	struct doc_limits lim;
	struct doc_text d;
	GBytes *b;

	for (int i = 0; i < 5000; i++)
		g_string_append(x, "<w:p><w:r><w:t>Đơn vị</w:t></w:r></w:p>");
	b = docx_build(x->str, NULL);
	doc_limits_default(&lim);
	lim.max_unpacked = 64 * 1024;
	read_doc(b, FALSE, &lim, &d);
	assert_cause(&d, DOC_REFUSED, "word/document.xml unpacks to");
	doc_text_clear(&d);
	doc_limits_default(&lim);
	lim.max_part = 1000;
	read_doc(b, FALSE, &lim, &d);
	assert_cause(&d, DOC_REFUSED, "over the limit of 1.0 kB");
	doc_text_clear(&d);
	g_bytes_unref(b);
	g_string_free(x, TRUE);
}

/* Broken containers and things that are no DOCX are DOC_BROKEN, with a cause. */
static void
test_docx_broken(void **state)
{
	GBytes *good = docx_build("<w:p><w:r><w:t>Đơn vị</w:t></w:r></w:p>", NULL);
	GBytes *half = g_bytes_new_from_bytes(good, 0, g_bytes_get_size(good) / 2);
	static const char pdf[] = "%PDF-1.4\n1 0 obj\n<<>>\nendobj\n";
	static const char garbage[] = "PK\3\4 this is not really a zip file at all";
	struct entry xl[] = {{"xl/workbook.xml", "<workbook/>", 0}};
	struct entry bad[] = {{"word/document.xml", "<w:document><w:body><w:p>", 0}};
	GBytes *xlsx = zip_build(xl, 1), *badxml = zip_build(bad, 1);
	GBytes *b;
	struct doc_text d;

	read_doc(half, FALSE, NULL, &d);
	assert_cause(&d, DOC_BROKEN, "zip");
	doc_text_clear(&d);
	b = g_bytes_new_static(garbage, sizeof garbage - 1);
	read_doc(b, FALSE, NULL, &d);
	assert_cause(&d, DOC_BROKEN, "not a DOCX");
	doc_text_clear(&d);
	g_bytes_unref(b);
	b = g_bytes_new_static(pdf, sizeof pdf - 1);
	read_doc(b, FALSE, NULL, &d);
	assert_cause(&d, DOC_BROKEN, "not a DOCX: a PDF");
	doc_text_clear(&d);
	g_bytes_unref(b);
	read_doc(xlsx, FALSE, NULL, &d);
	assert_cause(&d, DOC_BROKEN, "an Excel workbook");
	doc_text_clear(&d);
	read_doc(badxml, FALSE, NULL, &d);
	assert_cause(&d, DOC_BROKEN, "word/document.xml is not well-formed XML");
	doc_text_clear(&d);
	read_doc(good, TRUE, NULL, &d); /* a DOCX is no ODT */
	assert_cause(&d, DOC_BROKEN, "not an ODT");
	doc_text_clear(&d);
	g_bytes_unref(good);
	g_bytes_unref(half);
	g_bytes_unref(xlsx);
	g_bytes_unref(badxml);
}

/* Entities are never expanded: a billion laughs stays small. */
static void
test_docx_entities(void **state)
{
	GString *x = g_string_new("<?xml version=\"1.0\"?><!DOCTYPE w:document [<!ENTITY l0 "
	                          "\"ha\">");
	struct doc_text d;
	GBytes *b;

	for (int i = 1; i < 10; i++)
		g_string_append_printf(x,
		                       "<!ENTITY l%d \"&l%d;&l%d;&l%d;&l%d;&l%d;&l%d;&l%d;&l%d;\">",
		                       i, i - 1, i - 1, i - 1, i - 1, i - 1, i - 1, i - 1, i - 1);
	g_string_append_printf(x,
	                       "<!ENTITY ext SYSTEM \"file:///etc/passwd\">]><w:document %s>"
	                       "<w:body><w:p><w:r><w:t>a&l9;&ext;b</w:t></w:r></w:p>"
	                       "</w:body></w:document>",
	                       W_NS);
	struct entry e[] = {{"word/document.xml", x->str, 0}};
	b = zip_build(e, 1);
	read_doc(b, FALSE, NULL, &d);
	if (d.status == DOC_OK)
		assert_string_equal(d.text, "ab\n");
	else
		assert_int_equal(d.status, DOC_BROKEN);
	doc_text_clear(&d);
	g_bytes_unref(b);
	g_string_free(x, TRUE);
}

#define ODF_NS                                                                                     \
	"xmlns:office=\"urn:oasis:names:tc:opendocument:xmlns:office:1.0\" "                       \
	"xmlns:text=\"urn:oasis:names:tc:opendocument:xmlns:text:1.0\" "                           \
	"xmlns:table=\"urn:oasis:names:tc:opendocument:xmlns:table:1.0\" "                         \
	"xmlns:draw=\"urn:oasis:names:tc:opendocument:xmlns:drawing:1.0\" "                        \
	"xmlns:form=\"urn:oasis:names:tc:opendocument:xmlns:form:1.0\" "                           \
	"xmlns:style=\"urn:oasis:names:tc:opendocument:xmlns:style:1.0\" "                         \
	"xmlns:svg=\"urn:oasis:names:tc:opendocument:xmlns:svg-compatible:1.0\""

/* ODT: headings, spaces, tabs, breaks, lists, form check boxes, a legacy
   font, tables with spanned and repeated cells; tracked deletions and
   comments are not read. */
static void
test_odt(void **state)
{
	static const char content[] =
	    "<?xml version=\"1.0\" encoding=\"UTF-8\"?><office:document-content " ODF_NS
	    " office:version=\"1.2\">"
	    "<office:font-face-decls><style:font-face style:name=\".VnTime\" "
	    "svg:font-family=\"'.VnTime'\"/></office:font-face-decls>"
	    "<office:automatic-styles><style:style style:name=\"T1\" style:family=\"text\">"
	    "<style:text-properties style:font-name=\".VnTime\"/></style:style>"
	    "</office:automatic-styles><office:body><office:text>"
	    "<office:forms><form:form form:name=\"F\"><form:checkbox form:name=\"c1\" "
	    "form:id=\"control1\" form:current-state=\"checked\" form:label=\"Mạng\"/>"
	    "<form:checkbox form:id=\"control2\" form:label=\"Website\"/></form:form>"
	    "</office:forms>"
	    "<text:tracked-changes><text:changed-region text:id=\"ct1\"><text:deletion>"
	    "<text:p>đã xoá</text:p></text:deletion></text:changed-region></text:tracked-changes>"
	    "<text:h text:outline-level=\"1\">PHIẾU YÊU CẦU</text:h>"
	    "<text:p>Đơn vị:<text:s/>Sở<text:s text:c=\"2\"/>Tư pháp<text:tab/>x"
	    "<text:line-break/>Dòng  hai <text:change text:change-id=\"ct1\"/>hết"
	    "<office:annotation><text:p>ghi chú</text:p></office:annotation></text:p>"
	    "<text:list><text:list-item><text:p>Mục một</text:p></text:list-item></text:list>"
	    "<text:p>Loại: <draw:control draw:control=\"control1\"/> "
	    "<draw:control draw:control=\"control2\"/></text:p>"
	    "<text:p><text:span text:style-name=\"T1\">Hä vµ tªn</text:span>: ☒ Có</text:p>"
	    "<table:table><table:table-column table:number-columns-repeated=\"4\"/>"
	    "<table:table-header-rows><table:table-row><table:table-cell><text:p>STT</text:p>"
	    "</table:table-cell><table:table-cell table:number-columns-spanned=\"2\"><text:p>"
	    "Họ và tên</text:p></table:table-cell><table:covered-table-cell/><table:table-cell>"
	    "<text:p>SĐT</text:p></table:table-cell></table:table-row></table:table-header-rows>"
	    "<table:table-row><table:table-cell><text:p>1</text:p></table:table-cell>"
	    "<table:table-cell table:number-columns-repeated=\"2\"/><table:table-cell><text:p>"
	    "0905123456</text:p></table:table-cell><table:table-cell "
	    "table:number-columns-repeated=\"1000000\"/></table:table-row>"
	    "<table:table-row table:number-rows-repeated=\"1000000\"><table:table-cell "
	    "table:number-columns-repeated=\"16384\"/></table:table-row></table:table>"
	    "</office:text></office:body></office:document-content>";
	struct entry e[] = {
	    {"mimetype", "application/vnd.oasis.opendocument.text", 0},
	    {"content.xml", content, 0},
	};
	GBytes *b = zip_build(e, 2);
	char *tcvn = legacy_convert("Hä vµ tªn", LEGACY_TCVN3);
	char *want = g_strdup_printf("PHIẾU YÊU CẦU\n"
	                             "Đơn vị: Sở  Tư pháp\tx\n"
	                             "Dòng hai hết\n"
	                             "Mục một\n"
	                             "Loại: ☑ Mạng ☐ Website\n"
	                             "%s: ☑ Có\n"
	                             "STT | Họ và tên | SĐT\n"
	                             "1 |  |  | 0905123456\n",
	                             tcvn);
	struct doc_text d;

	read_doc(b, TRUE, NULL, &d);
	if (d.status != DOC_OK)
		fail_msg("status %d: %s", d.status, d.cause ? d.cause : "");
	assert_string_equal(d.source, "odt");
	assert_string_equal(d.text, want);
	doc_text_clear(&d);
	g_bytes_unref(b);
	g_free(want);
	g_free(tcvn);
}

/* A document without text is DOC_EMPTY. */
static void
test_docx_empty(void **state)
{
	GBytes *b = docx_build("<w:p/><w:p><w:r><w:tab/></w:r></w:p>", NULL);
	struct doc_text d;

	read_doc(b, FALSE, NULL, &d);
	assert_int_equal(d.status, DOC_EMPTY);
	doc_text_clear(&d);
	g_bytes_unref(b);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_docx_paragraphs_table),
	    cmocka_unit_test(test_docx_textbox),
	    cmocka_unit_test(test_docx_checkboxes),
	    cmocka_unit_test(test_docx_legacy_font),
	    cmocka_unit_test(test_zip_bomb_declared),
	    cmocka_unit_test(test_zip_bomb_ratio),
	    cmocka_unit_test(test_zip_bomb_lying),
	    cmocka_unit_test(test_limits),
	    cmocka_unit_test(test_docx_broken),
	    cmocka_unit_test(test_docx_entities),
	    cmocka_unit_test(test_odt),
	    cmocka_unit_test(test_docx_empty),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
