#!/usr/bin/env python3
"""search_gen.py - write N stored requests as JSON lines, for bench/search.sh.

    bench/search_gen.py N [--seed S] > requests.jsonl

One line per request, oldest first, as bench/search_fill stores it through
the store API: type, state, subject, sender, message_id, form_code, source,
when (unix time of receipt, spread over the seven years before 2026-12-01),
fields (the keys of DOMAIN.md), missing, confidence, and body (the text of
the mail, with a form's text after it when the request came as a document).
Values are varied the way a city's mail is: about 90 units (departments,
districts, wards and communes, hospitals, schools), their staff, streets,
sites and sub-domains, all five types with their own vocabulary, 30 % of
the mails written without diacritics, some with Fwd:/Re:/upper case
subjects.  Deterministic for a seed.  Python 3 standard library only.
"""

import argparse
import json
import random
import sys
import time
import unicodedata

DEPARTMENTS = [
    "Sở Tư pháp", "Sở Tài chính", "Sở Xây dựng", "Sở Y tế", "Sở Giáo dục và Đào tạo",
    "Sở Nội vụ", "Sở Du lịch", "Sở Công Thương", "Sở Giao thông vận tải",
    "Sở Tài nguyên và Môi trường", "Sở Kế hoạch và Đầu tư", "Sở Lao động - Thương binh và Xã hội",
    "Sở Văn hóa và Thể thao", "Sở Nông nghiệp và Phát triển nông thôn", "Sở Ngoại vụ",
    "Sở Khoa học và Công nghệ", "Sở Thông tin và Truyền thông", "Thanh tra thành phố",
    "Văn phòng UBND thành phố", "Văn phòng Đoàn ĐBQH và HĐND thành phố",
    "Ban Quản lý Khu công nghệ cao", "Ban Quản lý An toàn thực phẩm",
    "Ban Quản lý dự án Đầu tư xây dựng các công trình giao thông",
    "Trung tâm Xúc tiến Đầu tư", "Trung tâm Dịch vụ việc làm", "Quỹ Đầu tư phát triển",
    "Bệnh viện Đà Nẵng", "Bệnh viện Phụ sản - Nhi", "Bệnh viện Ung bướu",
    "Trường THPT Phan Châu Trinh", "Trường THPT Lê Quý Đôn", "Công an thành phố",
    "Bộ Chỉ huy Quân sự thành phố", "Cục Thuế thành phố", "Kho bạc Nhà nước Đà Nẵng",
]
DISTRICTS = {
    "Hải Châu": ["Hải Châu I", "Hải Châu II", "Thạch Thang", "Thanh Bình", "Thuận Phước",
                 "Phước Ninh", "Bình Hiên", "Bình Thuận", "Hòa Thuận Đông", "Hòa Thuận Tây",
                 "Nam Dương", "Hòa Cường Bắc", "Hòa Cường Nam"],
    "Thanh Khê": ["Tam Thuận", "Thanh Khê Tây", "Thanh Khê Đông", "Xuân Hà", "Tân Chính",
                  "Chính Gián", "Vĩnh Trung", "Thạc Gián", "An Khê", "Hòa Khê"],
    "Sơn Trà": ["Thọ Quang", "Nại Hiên Đông", "Mân Thái", "An Hải Bắc", "Phước Mỹ",
                "An Hải Tây", "An Hải Đông"],
    "Ngũ Hành Sơn": ["Mỹ An", "Khuê Mỹ", "Hòa Quý", "Hòa Hải"],
    "Liên Chiểu": ["Hòa Hiệp Bắc", "Hòa Hiệp Nam", "Hòa Khánh Bắc", "Hòa Khánh Nam",
                   "Hòa Minh"],
    "Cẩm Lệ": ["Khuê Trung", "Hòa Phát", "Hòa An", "Hòa Thọ Tây", "Hòa Thọ Đông",
               "Hòa Xuân"],
}
COMMUNES = ["Hòa Bắc", "Hòa Liên", "Hòa Ninh", "Hòa Sơn", "Hòa Nhơn", "Hòa Phú", "Hòa Phong",
            "Hòa Châu", "Hòa Tiến", "Hòa Phước", "Hòa Khương"]
STREETS = ["Bạch Đằng", "Trần Phú", "Lê Duẩn", "Nguyễn Văn Linh", "Điện Biên Phủ",
           "Hùng Vương", "Quang Trung", "Phan Châu Trinh", "Hoàng Diệu", "Ông Ích Khiêm",
           "Lê Lợi", "Nguyễn Tri Phương", "Hàm Nghi", "Võ Nguyên Giáp", "Ngô Quyền",
           "Võ Văn Kiệt", "Trường Sa", "Nguyễn Hữu Thọ", "Đống Đa", "Tôn Đức Thắng",
           "Trưng Nữ Vương", "Nguyễn Chí Thanh", "Lê Văn Hiến", "Phạm Văn Đồng",
           "Nguyễn Tất Thành", "Âu Cơ", "Tôn Đản", "Cách Mạng Tháng Tám", "Đinh Tiên Hoàng",
           "Yên Bái", "Thái Phiên", "Duy Tân", "Hồ Xuân Hương", "Hoàng Sa", "Lý Thường Kiệt"]
FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Võ", "Đặng", "Bùi",
          "Đỗ", "Hồ", "Ngô", "Dương", "Lý", "Đoàn", "Trương", "Đinh", "Lương", "Mai"]
MIDDLE = ["Văn", "Thị", "Hữu", "Minh", "Thu", "Ngọc", "Quốc", "Thanh", "Đức", "Kim", "Công",
          "Xuân", "Bảo", "Thùy", "Anh", "Đình"]
GIVEN = ["An", "Bình", "Cường", "Dũng", "Hà", "Hải", "Hương", "Khoa", "Lan", "Linh", "Long",
         "Nam", "Nga", "Phúc", "Quân", "Tâm", "Thảo", "Trang", "Tuấn", "Vy", "Đạt", "Đông",
         "Giang", "Hiếu", "Huy", "Khánh", "Loan", "My", "Nhung", "Oanh", "Sơn", "Thắng",
         "Thủy", "Trinh", "Việt", "Yến", "Duyên", "Đức", "Hạnh", "Phương"]
POSITIONS = ["Chuyên viên", "Phó Trưởng phòng", "Trưởng phòng", "Văn thư", "Kế toán",
             "Cán sự", "Phó Chánh Văn phòng", "Thanh tra viên", "Nhân viên hợp đồng"]
OFFICES = ["Văn phòng", "Phòng Tổ chức cán bộ", "Phòng Kế hoạch - Tài chính",
           "Phòng Quản lý đô thị", "Phòng Tư pháp", "Phòng Văn hóa - Thông tin",
           "Phòng Tài nguyên và Môi trường", "Bộ phận Một cửa", "Phòng Thanh tra",
           "Phòng Hành chính - Quản trị"]
WEB_WORK = [
    "Cập nhật chuyên mục tin tức và vá lỗi bảo mật biểu mẫu liên hệ",
    "Nâng cấp phiên bản mã nguồn và khôi phục dữ liệu văn bản",
    "Bổ sung chuyên mục Hỏi - Đáp và sửa lỗi hiển thị trên điện thoại",
    "Thay ảnh bìa, cập nhật sơ đồ tổ chức và danh bạ điện thoại",
    "Chuyển dữ liệu văn bản quy phạm pháp luật sang cơ sở dữ liệu mới",
    "Sửa lỗi tìm kiếm thủ tục hành chính trên trang",
    "Cập nhật giao diện theo nhận diện thương hiệu mới của thành phố",
    "Đăng tải kế hoạch chỉnh trang đường {street} và lấy ý kiến nhân dân",
    "Bổ sung mục công khai ngân sách năm {year}",
]
ROOM_WORK = ["Thay ổ cứng hỏng trên máy chủ lưu trữ", "Kiểm tra đèn báo lỗi nguồn của máy chủ",
             "Rút thiết bị máy chủ cũ ra khỏi tủ rack", "Đấu nối lại cáp quang vào switch",
             "Khảo sát vị trí đặt máy chủ sao lưu", "Thay bộ lưu điện (UPS) của tủ rack số {n}",
             "Sao lưu dữ liệu máy chủ camera giám sát đường {street}",
             "Lắp đặt lại thiết bị tường lửa sau bảo hành"]
EQUIPMENT = ["Máy tính xách tay", "Ổ cứng SAS 600GB", "Dây cáp mạng", "Module quang SFP",
             "Bộ nguồn dự phòng", "Không mang theo thiết bị"]
SUPPORT = {
    "network": ["Mất kết nối mạng tại phòng họp trực tuyến tầng {n}",
                "Mạng nội bộ chập chờn tại Bộ phận Một cửa",
                "Wifi phòng họp không nhận địa chỉ IP",
                "Đường truyền cáp quang tại trụ sở đường {street} bị đứt"],
    "email": ["Không gửi được thư có tệp đính kèm lớn", "Hộp thư đầy, không nhận được thư mới",
              "Thư gửi ra ngoài bị đánh dấu thư rác", "Quên mật khẩu hộp thư công vụ"],
    "website": ["Trang thông tin điện tử không truy cập được",
                "Cổng thông tin hiển thị lỗi chứng chỉ SSL",
                "Trang web tải rất chậm vào giờ cao điểm"],
    "software": ["Cài đặt phần mềm quản lý văn bản cho máy trạm mới",
                 "Phần mềm một cửa điện tử báo lỗi khi ký số",
                 "Cài chữ ký số cho lãnh đạo đơn vị", "Cập nhật phần mềm kế toán"],
    "server": ["Máy chủ ứng dụng khởi động lại liên tục", "Máy chủ cơ sở dữ liệu đầy ổ đĩa",
               "Sao lưu máy chủ thất bại từ đêm qua"],
    "other": ["Camera giám sát tại đường {street} mất tín hiệu",
              "Màn hình LED tại Trung tâm Hành chính không hiển thị",
              "Hỗ trợ kỹ thuật hội nghị trực tuyến với các phường, xã",
              "Di dời thiết bị mạng khi sửa chữa trụ sở"],
}
PURPOSES = ["Cổng thông tin hội nghị", "Hệ thống phản ánh kiến nghị", "Cổng dữ liệu mở",
            "Trang thông tin sự kiện", "Hệ thống đặt lịch trực tuyến", "Trang tra cứu hồ sơ",
            "Hệ thống quản lý camera giao thông", "Trang tuyển sinh trực tuyến",
            "Bản đồ quy hoạch sử dụng đất", "Cổng du lịch thông minh"]
SUBNAMES = ["hoinghi", "sukien", "dulieu", "dichvu", "tracuu", "tuyensinh", "bando",
            "dulich", "phananh", "datlich", "congkhai", "camera"]
STATES = [("closed", 58), ("completed", 5), ("acknowledged", 9), ("needs_info", 5),
          ("scheduled", 5), ("in_progress", 5), ("rejected", 7), ("cancelled", 6)]
TYPES = [("tech_support", 35), ("mailbox", 25), ("website_update", 15), ("server_room", 15),
         ("subdomain", 10)]
FORMS = {"website_update": "01/IID-KT", "mailbox": "02/IID-KT", "subdomain": "03/IID-KT",
         "server_room": "04/IID-KT", "tech_support": "05/IID-KT"}
SOURCES = [("body", 60), ("docx", 15), ("pdf_text", 10), ("ocr", 8), ("odt", 3), ("xlsx", 2),
           ("mixed", 2)]
LABELS = {"requesting_unit": "Đơn vị yêu cầu", "contact_name": "Người liên hệ",
          "contact_phone": "Điện thoại", "contact_email": "Email", "request_date": "Ngày đề nghị",
          "description": "Nội dung yêu cầu", "desired_time": "Thời gian đề nghị",
          "website_url": "Địa chỉ website", "mailbox_action": "Hình thức",
          "change_detail": "Nội dung thay đổi", "subdomain": "Tên miền đăng ký",
          "approval_ref": "Văn bản chấp thuận của UBND thành phố", "target_ip": "IP máy chủ",
          "purpose": "Mục đích", "admin_name": "Người quản trị",
          "admin_phone": "Điện thoại quản trị",
          "admin_email": "Email quản trị", "visit_date": "Ngày thực hiện", "time_from": "Giờ vào",
          "time_to": "Giờ ra", "equipment": "Thiết bị mang theo", "category": "Loại hỗ trợ",
          "location": "Địa điểm", "priority": "Mức độ"}
START = 1575158400  # 2019-12-01 UTC
END = 1796083200  # 2026-12-01 UTC


def fold(text):
    """Vietnamese without diacritics, as many staff type it."""
    text = text.replace("Đ", "D").replace("đ", "d")
    return "".join(c for c in unicodedata.normalize("NFD", text)
                   if unicodedata.category(c) != "Mn")


def weighted(rng, pairs):
    """One key of (key, weight) pairs."""
    return rng.choices([k for k, _ in pairs], [w for _, w in pairs])[0]


def make_units():
    """(name, mail domain label) of every unit."""
    units = [(d, "".join(w[0] for w in fold(d).lower().split() if w.isalpha()))
             for d in DEPARTMENTS]
    for district, wards in DISTRICTS.items():
        code = fold(district).lower().replace(" ", "")
        units.append((f"UBND quận {district}", code))
        units.append((f"Trung tâm Y tế quận {district}", "ttyt" + code))
        units += [(f"UBND phường {w}", fold(w).lower().replace(" ", "")) for w in wards]
    units.append(("UBND huyện Hòa Vang", "hoavang"))
    units += [(f"UBND xã {c}", fold(c).lower().replace(" ", "")) for c in COMMUNES]
    return units


def person(rng):
    return f"{rng.choice(FAMILY)} {rng.choice(MIDDLE)} {rng.choice(GIVEN)}"


def login_of(name):
    """binhtv-style mailbox name from a full name."""
    parts = fold(name).lower().split()
    return parts[-1] + "".join(p[0] for p in parts[:-1])


def phone(rng):
    return f"09{rng.randint(0, 9)}{rng.randint(1000000, 9999999)}"


def iso(t):
    """YYYY-MM-DD of a unix time (UTC)."""
    return time.strftime("%Y-%m-%d", time.gmtime(t))


def fill(rng, text):
    """A template's {street}, {n}, {year} filled in."""
    return text.format(street=rng.choice(STREETS), n=rng.randint(1, 9),
                       year=rng.randint(2020, 2027))


def type_fields(kind, rng, unit, code, when, i):
    """(subject, per-type fields, document text) of one request."""
    later = iso(when + rng.randint(1, 20) * 86400)
    if kind == "website_update":
        work = fill(rng, rng.choice(WEB_WORK))
        return (f"Đề nghị cập nhật mã nguồn website {unit}",
                {"website_url": f"https://{code}.danang.gov.vn", "description": work,
                 "desired_time": later}, work)
    if kind == "mailbox":
        action = weighted(rng, [("create", 6), ("change", 3), ("cancel", 1)])
        people = [person(rng) for _ in range(rng.choice([1, 1, 1, 2, 3, 5]))]
        accounts = [{"full_name": p, "position": rng.choice(POSITIONS),
                     "department": rng.choice(OFFICES),
                     "address": f"{login_of(p)}{rng.randint(1, 99)}@danang.gov.vn",
                     "mobile": phone(rng)} for p in people]
        f = {"mailbox_action": action, "accounts": accounts}
        verb = {"create": "cấp mới", "change": "thay đổi", "cancel": "hủy"}[action]
        if action == "change":
            f["change_detail"] = f"Đặt lại mật khẩu cho tài khoản {accounts[0]['address']}"
        else:
            f["description"] = (f"Đề nghị {verb} hộp thư cho {len(people)} cán bộ "
                                f"{rng.choice(OFFICES).lower()}")
        doc = "\n".join(" | ".join(a.values()) for a in accounts)
        return (f"Đề nghị {verb} hộp thư điện tử - {unit}", f, doc)
    if kind == "subdomain":
        name = f"{rng.choice(SUBNAMES)}{i % 1000}-{code}.danang.gov.vn"
        purpose = rng.choice(PURPOSES)
        admin = person(rng)
        return (f"V/v tạo tên miền con {name}",
                {"subdomain": name, "approval_ref": f"{rng.randint(100, 9999)}/UBND-KTN",
                 "target_ip": f"14.225.{rng.randint(0, 255)}.{rng.randint(1, 254)}",
                 "purpose": purpose, "admin_name": admin, "admin_phone": phone(rng),
                 "admin_email": f"{login_of(admin)}@danang.gov.vn"},
                f"Tên miền: {name}. Mục đích: {purpose}. Người quản trị: {admin}.")
    if kind == "server_room":
        h = rng.randint(8, 15)
        visitors = [{"full_name": person(rng), "organization": unit,
                     "id_no": f"0{rng.randint(10, 99)}0{rng.randint(10**8, 10**9 - 1)}",
                     "phone": phone(rng)} for _ in range(rng.randint(1, 2))]
        purpose = fill(rng, rng.choice(ROOM_WORK))
        emergency = rng.random() < 0.05
        return (f"Đăng ký vào Phòng Hệ thống - {unit}",
                {"visit_date": later, "time_from": f"{h:02d}:00", "time_to": f"{h + 1:02d}:30",
                 "visitors": visitors, "purpose": purpose, "equipment": rng.choice(EQUIPMENT),
                 "emergency": emergency},
                purpose + "\n" + "\n".join(v["full_name"] for v in visitors))
    category = rng.choice(list(SUPPORT))
    what = fill(rng, rng.choice(SUPPORT[category]))
    urgent = rng.random() < 0.15
    return (f"Phiếu đăng ký hỗ trợ kỹ thuật - {unit}",
            {"category": category,
             "location": f"Phòng {rng.randint(1, 9)}0{rng.randint(1, 9)}, "
                         f"số {rng.randint(1, 300)} đường {rng.choice(STREETS)}",
             "priority": "urgent" if urgent else "normal", "description": what,
             "emergency": urgent and rng.random() < 0.3}, what)


def make_request(i, when, rng, units):
    """One request, as search_fill reads it."""
    unit, code = rng.choice(units)
    kind = weighted(rng, TYPES)
    contact = person(rng)
    subject, f, doc = type_fields(kind, rng, unit, code, when, i)
    fields = {"requesting_unit": unit, "contact_name": contact, "contact_phone": phone(rng),
              "contact_email": f"vanphong@{code}.danang.gov.vn", "request_date": iso(when)}
    fields.update(f)
    source = weighted(rng, SOURCES)
    lines = ["Kính gửi: Trung tâm Phát triển Hạ tầng CNTT Đà Nẵng", "",
             f"{unit} gửi phiếu yêu cầu (biểu mẫu {FORMS[kind]}):"]
    lines += [f"{LABELS.get(k, k)}: {v}" for k, v in fields.items() if isinstance(v, str)]
    lines += ["", "Trân trọng./.", "", "-- ", contact, unit,
              f"Địa chỉ: số {rng.randint(1, 300)} đường {rng.choice(STREETS)}, Đà Nẵng"]
    body = "\n".join(lines)
    if source != "body":
        body += "\n\n" + doc
    if rng.random() < 0.3:
        subject, body = fold(subject), fold(body)
    r = rng.random()
    if r < 0.08:
        subject = "Fwd: " + subject
    elif r < 0.12:
        subject = subject.upper()
    elif r < 0.15:
        subject = "Re: " + subject
    state = weighted(rng, STATES)
    missing = [] if state != "needs_info" else [rng.choice(["contact_phone", "approval_ref",
                                                            "desired_time", "accounts"])]
    return {"type": kind, "state": state, "subject": subject,
            "sender": f"vanphong@{code}.danang.gov.vn",
            "message_id": f"<search.{i:07d}.{rng.getrandbits(40):010x}@{code}.danang.gov.vn>",
            "form_code": FORMS[kind], "source": source, "when": when, "fields": fields,
            "missing": missing, "confidence": round(rng.uniform(0.6, 1.0), 2), "body": body}


def main():
    ap = argparse.ArgumentParser(description="write N requests as JSON lines")
    ap.add_argument("n", type=int)
    ap.add_argument("--seed", type=int, default=2026)
    args = ap.parse_args()
    rng = random.Random(args.seed)
    units = make_units()
    times = sorted(rng.randint(START, END) for _ in range(args.n))
    out = sys.stdout
    for i, when in enumerate(times, 1):
        out.write(json.dumps(make_request(i, when, rng, units), ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()
