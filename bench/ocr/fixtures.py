#!/usr/bin/python3
"""fixtures.py OUT_DIR - the golden scans: forms drawn by form.py, mailed.

Writes OUT_DIR/scan_png_tech_support.eml (a clean 200 dpi PNG scan),
OUT_DIR/scan_jpeg_mailbox_create.eml (a poor scan: noisy.py, 200 dpi JPEG
q60, turned, specks), OUT_DIR/scan_pdf_subdomain.eml (a PDF holding only
a scanned page) and OUT_DIR/scan_photo_website.eml (a phone photo:
poor.py's, 160 dpi, 1.4 degrees, light falling off across the page, specks,
JPEG), OUT_DIR/scan_png_company_tones.eml (a clean PNG of a company's form
whose name reads as OCR misreads it).  The expected results (NAME.json) are written by hand from
the forms below, not by this program.  Needs python3-pil and
fonts-liberation; the output is the same on every run.
"""

import email.policy
import io
import os
import sys
from email.headerregistry import Address
from email.message import EmailMessage

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import form  # noqa: E402
import noisy  # noqa: E402

HEAD_CITY = "UBND THÀNH PHỐ ĐÀ NẴNG"
NATION = ["*CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "_Độc lập - Tự do - Hạnh phúc"]

TECH_SUPPORT = [
    ("header", [HEAD_CITY, "*SỞ TƯ PHÁP"], NATION),
    ("right", "Biểu mẫu số 05/IID-KT"),
    ("title", "PHIẾU ĐĂNG KÝ HỖ TRỢ KỸ THUẬT"),
    ("center", "Kính gửi: Trung tâm Phát triển Hạ tầng CNTT Đà Nẵng"),
    ("field", "1. Tên cơ quan, đơn vị", "Sở Tư pháp"),
    ("field", "2. Họ tên người liên hệ", "Nguyễn Thị Lan"),
    ("pair", "3. Điện thoại", "0905 123 456", "Địa chỉ email", "lannt.stp@danang.gov.vn"),
    ("field", "4. Địa điểm", "Phòng 1203, tầng 12, Trung tâm Hành chính, 24 Trần Phú"),
    ("boxes", "5. Lĩnh vực hỗ trợ", [("Mạng", False), ("Thư điện tử", True), ("Website", False),
                                     ("Phần mềm", False), ("Máy chủ", False), ("Khác", False)]),
    ("boxes", "6. Độ khẩn", [("Khẩn cấp", False), ("Bình thường", True)]),
    ("field", "7. Nội dung yêu cầu", "Không gửi được thư ra ngoài từ hộp thư của văn phòng."),
    ("field", "8. Thời gian đề nghị thực hiện", "14/05/2026 lúc 9 giờ sáng"),
    ("field", "9. Chi phí phát sinh (nếu có)", ""),
    ("date", "Đà Nẵng, ngày 12 tháng 05 năm 2026"),
    ("sign", "CÁN BỘ KỸ THUẬT IID", "KHÁCH HÀNG"),
]

MAILBOX_CREATE = [
    ("header", ["UBND QUẬN HẢI CHÂU", "*VĂN PHÒNG HĐND VÀ UBND"], NATION),
    ("right", "Biểu mẫu số 02/IID-KT"),
    ("title", "PHIẾU YÊU CẦU"),
    ("center", "Về việc cấp mới/thay đổi/hủy bỏ hộp thư điện tử"),
    ("center", "Kính gửi: Sở Thông tin và Truyền thông thành phố Đà Nẵng"),
    ("field", "1. Tên đơn vị", "UBND quận Hải Châu"),
    ("field", "2. Cán bộ phụ trách", "Trần Minh Đức"),
    ("pair", "3. Di động", "0935 246 810", "E-mail", "ductm@danang.gov.vn"),
    ("boxes", "4. Hình thức", [("Cấp mới", True), ("Thay đổi", False), ("Hủy bỏ", False)]),
    ("field", "5. Danh sách tài khoản", None),
    ("table", ["STT", "Họ và tên", "Chức vụ", "Phòng/Ban", "Địa chỉ hộp thư", "Điện thoại di động"],
     [["1", "Lê Văn Hùng", "Chuyên viên", "Phòng Nội vụ", "hunglv@danang.gov.vn", "0905 111 222"],
      ["2", "Phạm Thị Mai", "Văn thư", "Văn phòng", "maipt2@danang.gov.vn", "0914 333 444"]],
     [11, 32, 24, 26, 46, 26]),
    ("field", "6. Lý do", "Cán bộ mới được tuyển dụng."),
    ("date", "Đà Nẵng, ngày 03 tháng 06 năm 2026"),
    ("sign", "NGƯỜI LẬP PHIẾU", "CHÁNH VĂN PHÒNG"),
]

SUBDOMAIN = [
    ("header", [HEAD_CITY, "*SỞ DU LỊCH"], NATION),
    ("right", "Biểu mẫu số 03/IID-KT"),
    ("title", "PHIẾU YÊU CẦU"),
    ("center", "VỀ VIỆC TẠO TÊN MIỀN CON CỦA DANANG.GOV.VN"),
    ("center", "Kính gửi: Trung tâm Phát triển Hạ tầng CNTT Đà Nẵng"),
    ("field", "1. Cơ quan/đơn vị", "Sở Du lịch"),
    ("field", "2. Họ tên người liên hệ", "Võ Thị Thu Hà"),
    ("pair", "3. Điện thoại", "0236 3550 111", "E-mail", "havtt@danang.gov.vn"),
    ("field", "4. Tên miền đăng ký", "lehoiphaohoa.danang.gov.vn"),
    ("field", "5. Văn bản chấp thuận của UBND thành phố", "1875/UBND-KGVX"),
    ("field", "6. Trỏ về địa chỉ IP", "103.97.126.40"),
    ("field", "7. Mục đích sử dụng", "Trang thông tin Lễ hội pháo hoa quốc tế"),
    ("field", "8. Thời gian thực hiện", "20/06/2026"),
    ("date", "Đà Nẵng, ngày 15 tháng 06 năm 2026"),
    ("sign", "NGƯỜI LẬP PHIẾU", "PHÓ GIÁM ĐỐC"),
]


WEBSITE = [
    ("header", ["UBND QUẬN LIÊN CHIỂU", "*VĂN PHÒNG HĐND VÀ UBND"], NATION),
    ("right", "Biểu mẫu số 01/IID-KT"),
    ("title", "PHIẾU YÊU CẦU"),
    ("center", "Về việc cập nhật mã nguồn website"),
    ("center", "Kính gửi: Trung tâm Phát triển Hạ tầng CNTT Đà Nẵng"),
    ("field", "1. Cơ quan/đơn vị", "UBND quận Liên Chiểu"),
    ("field", "2. Cán bộ phụ trách", "Đỗ Thị Hồng Nhung"),
    ("pair", "3. ĐT", "0905 887 214", "Địa chỉ email", "nhungdth@danang.gov.vn"),
    ("field", "4. Tên miền website", "lienchieu.danang.gov.vn"),
    ("field", "5. Nội dung yêu cầu", "Cập nhật mã nguồn cổng thông tin điện tử của quận"),
    ("field", "6. Thời gian thực hiện", "22/07/2026"),
    ("date", "Đà Nẵng, ngày 17 tháng 07 năm 2026"),
    ("sign", "NGƯỜI LẬP PHIẾU", "CHÁNH VĂN PHÒNG"),
]


# a company's support request whose name holds words that are Vietnamese but
# no company's ("Câu Rông" is how OCR reads "Cầu Rồng"): drawn as read, so
# that the golden case sees the doubt the reading gets whatever Tesseract does
COMPANY_SUPPORT = [
    ("header", ["CÔNG TY TNHH", "*THIẾT KẾ WEB"], NATION),
    ("right", "Biểu mẫu số 05/IID-KT"),
    ("title", "PHIẾU ĐĂNG KÝ HỖ TRỢ KỸ THUẬT"),
    ("center", "Kính gửi: Trung tâm Phát triển Hạ tầng CNTT Đà Nẵng"),
    ("field", "1. Tên cơ quan, đơn vị", "Công ty TNHH Thiết kế Web Câu Rông"),
    ("field", "2. Họ tên người liên hệ", "Phan Minh Khoa"),
    ("pair", "3. Điện thoại", "0912 345 678", "Địa chỉ email", "khoapm@gmail.com"),
    ("field", "4. Địa điểm", "Phòng 502, tầng 5, Công viên Phần mềm, 02 Quang Trung"),
    ("boxes", "5. Lĩnh vực hỗ trợ", [("Mạng", True), ("Thư điện tử", False), ("Website", False),
                                     ("Phần mềm", False), ("Máy chủ", False), ("Khác", False)]),
    ("boxes", "6. Độ khẩn", [("Khẩn cấp", False), ("Bình thường", True)]),
    ("field", "7. Nội dung yêu cầu", "Mạng nội bộ của văn phòng mất kết nối từ sáng nay."),
    ("date", "Đà Nẵng, ngày 20 tháng 11 năm 2026"),
    ("sign", "CÁN BỘ KỸ THUẬT IID", "KHÁCH HÀNG"),
]


def company_scan(out):
    """scan_png_company_tones.eml: COMPANY_SUPPORT, a clean 200 dpi PNG."""
    buf = io.BytesIO()
    form.render(COMPANY_SUPPORT, 200).save(buf, "PNG", dpi=(200, 200), optimize=True)
    eml = mail("scan_png_company_tones", ("Phan Minh Khoa", "khoapm@gmail.com"),
               "pkt-iid@danang.gov.vn", "Phiếu đăng ký hỗ trợ kỹ thuật",
               "Fri, 20 Nov 2026 09:12:40 +0700",
               "Kính gửi Trung tâm,\n\nCông ty gửi phiếu đăng ký hỗ trợ (bản scan đính kèm)."
               "\n\nTrân trọng.\n", "scan_phieu.png", "image/png", buf.getvalue())
    with open(os.path.join(out, "scan_png_company_tones.eml"), "wb") as f:
        f.write(eml)


def mail(name, sender, to, subject, date, body, filename, ctype, data):
    m = EmailMessage(policy=email.policy.SMTP)
    m["From"] = Address(sender[0], addr_spec=sender[1])
    m["To"] = to
    m["Subject"] = subject
    m["Date"] = date
    m["Message-ID"] = "<%s@mail.danang.gov.vn>" % name.replace("_", ".")
    m.set_content(body, cte="quoted-printable")
    maintype, subtype = ctype.split("/")
    m.add_attachment(data, maintype=maintype, subtype=subtype, filename=filename)
    m.set_boundary("=_phieu_%s" % name)
    return m.as_bytes()


def main(out):
    # a phone photo: 170 dpi, turned, light falling off, specks, JPEG (poor.py)
    import poor
    jpg, _ = poor.photo(form.render(WEBSITE, 300), 8)
    eml = mail("scan_photo_website", ("Văn phòng UBND quận Liên Chiểu", "vanphong@lienchieu.danang.gov.vn"),
               "pkt-iid@danang.gov.vn", "Đề nghị cập nhật mã nguồn website quận",
               "Fri, 17 Jul 2026 16:12:09 +0700",
               "Kính gửi Trung tâm,\n\nVăn phòng gửi phiếu yêu cầu (ảnh chụp đính kèm).\n\n"
               "Trân trọng.\n", "IMG_20260717_161002.jpg", "image/jpeg", jpg)
    with open(os.path.join(out, "scan_photo_website.eml"), "wb") as f:
        f.write(eml)

    # a clean scan at 200 dpi, PNG
    buf = io.BytesIO()
    form.render(TECH_SUPPORT, 200).save(buf, "PNG", dpi=(200, 200), optimize=True)
    eml = mail("scan_png_tech_support", ("Văn phòng Sở Tư pháp", "vanphong@stp.danang.gov.vn"),
               "pkt-iid@danang.gov.vn", "Phiếu đăng ký hỗ trợ kỹ thuật - Sở Tư pháp",
               "Tue, 12 May 2026 08:41:07 +0700",
               "Kính gửi Trung tâm,\n\nSở Tư pháp gửi phiếu đăng ký hỗ trợ kỹ thuật (bản scan "
               "đính kèm).\n\nTrân trọng.\n", "scan_20260512_001.png", "image/png", buf.getvalue())
    with open(os.path.join(out, "scan_png_tech_support.eml"), "wb") as f:
        f.write(eml)

    # a poor scan: drawn at 300 dpi, then 200 dpi JPEG q60, turned, specks
    src = os.path.join(out, ".scan_mailbox.png")
    dst = os.path.join(out, ".scan_mailbox.jpg")
    form.render(MAILBOX_CREATE, 300).save(src, "PNG", dpi=(300, 300))
    noisy.degrade(src, dst, 7)
    with open(dst, "rb") as f:
        jpg = f.read()
    os.unlink(src)
    os.unlink(dst)
    eml = mail("scan_jpeg_mailbox_create", ("Văn phòng UBND quận Hải Châu", "vanphong@haichau.danang.gov.vn"),
               "cntt@danang.gov.vn", "Đề nghị cấp mới hộp thư công vụ",
               "Wed, 03 Jun 2026 15:02:44 +0700",
               "Kính gửi Sở Thông tin và Truyền thông,\n\nVăn phòng gửi phiếu đề nghị cấp "
               "hộp thư cho cán bộ mới (file scan đính kèm).\n\nTrân trọng cảm ơn.\n",
               "IMG_20260603_1455.jpg", "image/jpeg", jpg)
    with open(os.path.join(out, "scan_jpeg_mailbox_create.eml"), "wb") as f:
        f.write(eml)

    # a PDF holding only a scanned page
    buf = io.BytesIO()
    form.render(SUBDOMAIN, 200).save(buf, "PDF", resolution=200, quality=70)
    eml = mail("scan_pdf_subdomain", ("Võ Thị Thu Hà", "havtt@danang.gov.vn"),
               "pkt-iid@danang.gov.vn", "V/v tạo tên miền con lehoiphaohoa.danang.gov.vn",
               "Mon, 15 Jun 2026 10:20:31 +0700",
               "Kính gửi Trung tâm,\n\nSở Du lịch gửi phiếu yêu cầu tạo tên miền con (bản scan "
               "có chữ ký, đóng dấu).\n\nXin cảm ơn.\n", "phieu_yeu_cau_ten_mien.pdf",
               "application/pdf", buf.getvalue())
    with open(os.path.join(out, "scan_pdf_subdomain.eml"), "wb") as f:
        f.write(eml)

    company_scan(out)


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else ".")
