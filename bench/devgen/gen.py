#!/usr/bin/env python3
"""gen.py - write a broad DEVELOPMENT set of request mails with expectations.

    bench/devgen/gen.py --out DIR [--seed N] [--per-style K]
    bench/devgen/gen.py --check DIR

Writes DIR/STYLE_NNN.eml and DIR/STYLE_NNN.expected.json for each of the
styles below, K messages each (default 30).  The five request types rotate
within a style, mailbox requests rotate create, change and cancel.  The
expectation holds "type", "form_code", "fields" (only what a careful reader
takes from the text, by shared/DOMAIN.md), "optional" (values a parser may
take but need not: the sender's address when the body gives no e-mail
address, emergency false when nothing is said), "ignore" (prose: keys whose
value a sentence leaves open) and "style", the same contract as the sample
corpus and bench/score.py.

This set is for tuning: parser work may read it freely.  Its wordings were
written for it alone, from how offices and contractors write, without the
parsers' label tables; it is distinct from bench/eval (never tuned on).

--check reads a written set back (MIME, charsets, HTML references) and checks
that every expected name, unit, address, number and text is in its message: it
finds generator bugs, not parser bugs; exit status 1 when one is not there.

Styles: typed, novi, labels, values, english, prose, quoted, forward, html,
charset.  Python 3 standard library only.
"""

import argparse
import base64
import datetime
import html
import json
import os
import quopri
import random
import unicodedata
from email.header import Header
from email.utils import format_datetime

STYLES = ("typed", "novi", "labels", "values", "english", "prose", "quoted", "forward", "html", "charset")
TYPES = ("website_update", "mailbox", "subdomain", "server_room", "tech_support")
FORM = {"website_update": "01/IID-KT", "mailbox": "02/IID-KT", "subdomain": "03/IID-KT",
        "server_room": "04/IID-KT", "tech_support": "05/IID-KT"}
IID = "Trung tâm Phát triển Hạ tầng CNTT Đà Nẵng"

# ---------------------------------------------------------------- vocabulary

UNITS = [("Sở Tư pháp", "stp"), ("Sở Tài chính", "stc"), ("Sở Xây dựng", "sxd"), ("Sở Y tế", "syt"),
         ("Sở Giáo dục và Đào tạo", "sgddt"), ("Sở Nội vụ", "snv"), ("Sở Kế hoạch và Đầu tư", "skhdt"),
         ("Sở Du lịch", "sdl"), ("Sở Tài nguyên và Môi trường", "stnmt"),
         ("Sở Lao động - Thương binh và Xã hội", "sldtbxh"), ("Sở Văn hóa và Thể thao", "svhtt"),
         ("UBND quận Hải Châu", "haichau"), ("UBND quận Thanh Khê", "thanhkhe"), ("UBND quận Sơn Trà", "sontra"),
         ("UBND quận Ngũ Hành Sơn", "nguhanhson"), ("UBND quận Liên Chiểu", "lienchieu"),
         ("UBND quận Cẩm Lệ", "camle"), ("UBND huyện Hòa Vang", "hoavang"),
         ("UBND phường Hòa Cường Bắc", "hoacuongbac"), ("UBND phường Thạch Thang", "thachthang"),
         ("UBND phường An Hải Bắc", "anhaibac"), ("Văn phòng UBND thành phố", "vpubnd"),
         ("Ban Quản lý Khu công nghệ cao và các khu công nghiệp Đà Nẵng", "dhpiza"),
         ("Trung tâm Xúc tiến Đầu tư", "ipc")]
COMPANIES = [("Công ty TNHH Phần mềm Sông Hàn", "songhansoft.vn"),
             ("Công ty Cổ phần Giải pháp Số Ngũ Hành Sơn", "nhsdigital.com.vn"),
             ("Công ty TNHH MTV Công nghệ Biển Xanh", "bienxanhtech.vn"),
             ("Công ty Cổ phần Dữ liệu Miền Trung", "mientrungdata.vn"),
             ("Công ty TNHH Hệ thống Hải Vân", "haivansys.com"),
             ("Chi nhánh Công ty Cổ phần Viễn thông Bạch Đằng", "bachdangtelecom.vn")]
FOREIGN = [("Evergreen Systems Pte. Ltd.", "evergreensys.sg"), ("Kestrel Data GmbH", "kestreldata.de"),
           ("Nordlys Software AS", "nordlys.no"), ("Pacific Rim Hosting Ltd.", "pacrimhost.com"),
           ("Sakura Cloud Works K.K.", "sakuracw.jp")]
FOREIGNERS = ["Martin Keller", "Sarah O'Neill", "Daniel Brooks", "Akira Tanaka", "Emma Lindqvist", "Lukas Weber",
              "Olivia Grant", "Henrik Aasen"]
FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Võ", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô",
          "Dương", "Lý", "Đoàn", "Trương", "Lưu"]
MID_M = ["Văn", "Hữu", "Đức", "Công", "Minh", "Quốc", "Thanh", "Ngọc", "Xuân", "Tấn"]
MID_F = ["Thị", "Thị Thu", "Ngọc", "Thị Kim", "Thị Minh", "Hoài", "Thị Mỹ", "Thùy"]
GIVEN_M = ["Hùng", "Dũng", "Tuấn", "Phúc", "Khoa", "Bảo", "Long", "Thắng", "Quang", "Hiếu", "Sơn", "Trí",
           "Nhân", "Lộc", "Vũ", "Khải"]
GIVEN_F = ["Lan", "Hương", "Trang", "Nhung", "Thảo", "Hạnh", "Vy", "Ngân", "Phương", "Duyên", "Yến", "Linh",
           "Quyên", "Hằng"]
POSITIONS = ["Chuyên viên", "Phó Trưởng phòng", "Trưởng phòng", "Cán sự", "Kế toán viên", "Văn thư",
             "Chuyên viên CNTT", "Phó Chánh Văn phòng"]
DEPTS = ["Văn phòng", "Phòng Tổ chức cán bộ", "Phòng Kế hoạch - Tài chính", "Phòng Quản lý đô thị",
         "Phòng Tư pháp", "Thanh tra", "Phòng Hành chính - Tổng hợp", "Phòng Văn hóa và Thông tin"]
LOCATIONS = ["Phòng 1205, tầng 12, Trung tâm Hành chính, 24 Trần Phú",
             "Phòng họp tầng 5, Trung tâm Hành chính, 24 Trần Phú",
             "Tầng 3, tòa nhà Công viên Phần mềm, 02 Quang Trung",
             "Phòng 407, tầng 4, tòa nhà 02 Quang Trung",
             "Bộ phận Một cửa, tầng 1, Trung tâm Hành chính",
             "Phòng 2108, tầng 21, Trung tâm Hành chính, 24 Trần Phú"]
DESC = {
    "website_update": ["Cập nhật mã nguồn phiên bản mới cho cổng thông tin, sửa lỗi hiển thị chuyên mục tin tức",
                       "Cập nhật cơ sở dữ liệu danh mục thủ tục hành chính mới ban hành",
                       "Nâng cấp module văn bản pháp quy và cập nhật cơ sở dữ liệu đi kèm",
                       "Vá lỗi bảo mật ở form liên hệ, thay thư viện tải ảnh lên"],
    "mailbox_create": ["Cấp mới hộp thư cho cán bộ mới được tuyển dụng",
                       "Cấp hộp thư công vụ cho công chức mới chuyển đến"],
    "mailbox_cancel": ["Hủy hộp thư của cán bộ đã nghỉ hưu", "Hủy hộp thư do cán bộ đã chuyển công tác"],
    "mailbox_change": ["Cán bộ quên mật khẩu, không đăng nhập được", "Cán bộ đề nghị sửa tên hiển thị cho đúng"],
    "subdomain": ["Triển khai trang thông tin tuyển dụng của đơn vị", "Cổng tiếp nhận phản ánh, kiến nghị của người dân",
                  "Hệ thống hỏi đáp trực tuyến về thủ tục hành chính", "Trang thông tin chuyển đổi số của đơn vị"],
    "server_room": ["Thay ổ cứng bị lỗi trên máy chủ đặt tại tủ rack số 3",
                    "Kiểm tra định kỳ thiết bị mạng và máy chủ của đơn vị",
                    "Sao lưu dữ liệu định kỳ ra ổ cứng ngoài", "Thu hồi thiết bị tường lửa cũ đã hết bảo hành"],
}
EQUIP = ["01 ổ cứng SAS 600GB", "01 máy tính xách tay, 01 cáp console", "01 ổ cứng di động 2TB",
         "01 thiết bị tường lửa (mang ra)"]
SUPPORT = {"network": ("Mạng", "Network", ["Mất kết nối mạng LAN tại phòng họp tầng 5",
                                          "Wifi khu vực Một cửa chập chờn, hay rớt kết nối"]),
           "email": ("Thư điện tử", "Email", ["Không gửi được thư ra ngoài từ Outlook",
                                              "Hộp thư báo đầy dung lượng dù đã xóa thư"]),
           "website": ("Website", "Website", ["Trang web đơn vị báo lỗi 500 khi đăng nhập quản trị"]),
           "software": ("Phần mềm", "Software", ["Cài đặt phần mềm quản lý văn bản cho 5 máy mới",
                                                "Cài chữ ký số trên máy của lãnh đạo"]),
           "server": ("Máy chủ", "Server", ["Máy chủ ứng dụng khởi động lại liên tục"]),
           "other": ("Khác", "Other", ["Hỗ trợ kết nối hội nghị trực tuyến với UBND thành phố"])}
EN_DESC = {"website_update": ["Deploy release 3.2 of the portal source code and migrate the database",
                              "Update the database of the booking module and fix the search page"],
           "mailbox": ["New staff joining the project office", "Staff member left the project"],
           "subdomain": ["Online registration portal for the investment promotion programme"],
           "server_room": ["Replace a failed power supply in our co-located server",
                           "Quarterly maintenance of our rack-mounted servers"],
           "tech_support": ["The VPN connection to the data centre drops every few minutes",
                            "Cannot send mail from the shared mailbox"]}
MAILBOX_VI = {"create": ["Cấp mới", "Tạo mới"], "change": ["Thay đổi", "Cấp lại mật khẩu"],
              "cancel": ["Hủy bỏ", "Hủy"]}
CHANGE_DETAIL = ["Cấp lại mật khẩu cho hộp thư {a}", "Đổi tên hiển thị của hộp thư {a} thành \"{n}\""]


def plain(s):
    """s without Vietnamese diacritics (đ -> d)."""
    s = unicodedata.normalize("NFD", s.replace("đ", "d").replace("Đ", "D"))
    return unicodedata.normalize("NFC", "".join(c for c in s if not unicodedata.combining(c)))


def deep(f, v):
    """v with f applied to every string inside it."""
    if isinstance(v, str):
        return f(v)
    if isinstance(v, list):
        return [deep(f, x) for x in v]
    if isinstance(v, dict):
        return {k: deep(f, x) for k, x in v.items()}
    return v


# ---------------------------------------------------------------- random values

class Gen:
    """Random values of one run (one seeded generator)."""

    def __init__(self, seed):
        self.r = random.Random(seed)
        self.ips = set()

    def person(self):
        """(full name, e-mail local part) of a Vietnamese person."""
        r = self.r
        male = r.random() < 0.5
        fam, mid = r.choice(FAMILY), r.choice(MID_M if male else MID_F)
        giv = r.choice(GIVEN_M if male else GIVEN_F)
        name = f"{fam} {mid} {giv}"
        local = plain(giv).lower() + "".join(plain(w)[0].lower() for w in (fam + " " + mid).split())
        return name, local

    def mobile(self):
        """A mobile number as national digits."""
        return self.r.choice(["090", "091", "093", "094", "096", "097", "098", "086", "070", "077", "078",
                              "083", "085", "032", "035", "039"]) + "".join(self.r.choice("0123456789")
                                                                         for _ in range(7))

    def landline(self):
        """A Đà Nẵng landline as national digits (0236 3xx xxxx)."""
        return "02363" + "".join(self.r.choice("0123456789") for _ in range(6))

    def cccd(self):
        """A 12-digit citizen identity number."""
        return "0" + self.r.choice(["48", "49", "46", "38"]) + "".join(self.r.choice("0123456789") for _ in range(9))

    def date(self):
        """A working day in 2026-2027."""
        d = datetime.date(2026, 1, 5) + datetime.timedelta(days=self.r.randrange(600))
        while d.weekday() >= 5:
            d += datetime.timedelta(days=1)
        return d

    def ip(self):
        """A public or internal IPv4 address."""
        r = self.r
        return r.choice(["103.2.", "222.255.", "10.58.", "113.160."]) + f"{r.randrange(1, 255)}.{r.randrange(2, 254)}"


# ---------------------------------------------------------------- display forms

WEEKDAY_VI = ["Thứ Hai", "Thứ Ba", "Thứ Tư", "Thứ Năm", "Thứ Sáu", "Thứ Bảy", "Chủ nhật"]
MONTH_EN = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
            "November", "December"]
WEEKDAY_EN = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]


def ordinal(n):
    """1st, 2nd, 3rd, 4th ..."""
    return f"{n}{'th' if 10 <= n % 100 <= 20 else {1: 'st', 2: 'nd', 3: 'rd'}.get(n % 10, 'th')}"


def show_date(r, d, kind="vi"):
    """A date as people write it (kind vi, values or en)."""
    if kind == "vi":
        return d.strftime("%d/%m/%Y")
    if kind == "en":
        return r.choice([f"{d.day} {MONTH_EN[d.month - 1][:3]} {d.year}", f"{MONTH_EN[d.month - 1]} {d.day}, {d.year}",
                         f"{ordinal(d.day)} {MONTH_EN[d.month - 1]} {d.year}",
                         f"{WEEKDAY_EN[d.weekday()]}, {d.day} {MONTH_EN[d.month - 1]} {d.year}"])
    return r.choice([d.strftime("%d/%m/%Y"), d.strftime("%d.%m.%Y"), f"{d.day}-{d.month}-{d.year}",
                     f"{WEEKDAY_VI[d.weekday()]}, {d.strftime('%d/%m/%Y')}",
                     f"ngày {d.day} tháng {d.month} năm {d.year}", d.isoformat(), f"{d.day}/{d.month}/{d.year}",
                     f"{d.day} {MONTH_EN[d.month - 1][:3]} {d.year}", f"{MONTH_EN[d.month - 1]} {d.day}, {d.year}",
                     f"{ordinal(d.day)} {MONTH_EN[d.month - 1]} {d.year}"])


def show_time(r, h, m, kind="vi"):
    """A time of day as people write it."""
    if kind == "vi":
        return f"{h:02d}:{m:02d}"
    if kind == "en":
        return r.choice([f"{h:02d}:{m:02d}", f"{(h - 1) % 12 + 1}:{m:02d}{'am' if h < 12 else 'pm'}",
                         f"{(h - 1) % 12 + 1}:{m:02d} {'AM' if h < 12 else 'PM'}"])
    opts = [f"{h:02d}:{m:02d}", f"{h}h{m:02d}", f"{h}g{m:02d}", f"{h} giờ {m}" if m else f"{h} giờ",
            f"{(h - 1) % 12 + 1}:{m:02d}{'am' if h < 12 else 'pm'}"]
    if m == 0:
        opts += [f"{h}h", f"{h}h00"]
    return r.choice(opts)


def show_phone(r, p, kind="vi"):
    """A phone number (national digits) as people write it."""
    if kind == "vi":
        return r.choice([p, f"{p[:4]} {p[4:7]} {p[7:]}" if len(p) == 10 else f"{p[:4]} {p[4:8]} {p[8:]}"])
    if len(p) == 11:  # landline 0236 3xx xxxx
        return r.choice([f"(0236) {p[4]} {p[5:8]} {p[8:]}", f"0236.{p[4:8]}.{p[8:]}", f"0236-{p[4:]}",
                         f"+84 236 {p[4:8]} {p[8:]}", f"(0236) {p[4:]}"])
    return r.choice([f"+84 {p[1:4]} {p[4:7]} {p[7:]}", f"{p[:4]}.{p[4:7]}.{p[7:]}", f"{p[:4]}-{p[4:7]}-{p[7:]}",
                     f"{p[:3]} {p[3:6]} {p[6:]}", f"+84{p[1:]}", f"(+84) {p[1:]}"])


# ---------------------------------------------------------------- requests

def make_request(g, rtype, action, english=False):
    """A request: (fields, meta) where meta holds the facts renderers need."""
    r = g.r
    gov = r.random() < 0.65 and not english
    if english:
        unit, dom = r.choice(FOREIGN)
        cname, local = r.choice(FOREIGNERS), None
        local = cname.split()[0].lower().replace("'", "")
        email = f"{local}@{dom}"
    elif gov:
        unit, slug = r.choice(UNITS)
        cname, local = g.person()
        email = r.choice([f"{local}@danang.gov.vn", f"{local}.{slug}@danang.gov.vn", f"vanphong.{slug}@danang.gov.vn"])
        dom = f"{slug}.danang.gov.vn"
    else:
        unit, dom = r.choice(COMPANIES)
        cname, local = g.person()
        email = f"{local}@{dom}"
    if rtype == "mailbox" and not english:  # sent by the office's chief from the office mailbox
        unit, slug = r.choice(UNITS)
        dom = f"{slug}.danang.gov.vn"
        email = f"vanphong.{slug}@danang.gov.vn"
    f = {"requesting_unit": unit, "contact_name": cname,
         "contact_phone": g.mobile() if r.random() < 0.75 else g.landline(), "contact_email": email}
    want = g.date()
    meta = {"email_in_body": r.random() < 0.75, "position": r.choice(POSITIONS), "dom": dom, "english": english,
            "want": want}
    if rtype == "website_update":
        f["website_url"] = r.choice(["https://", "http://", "", "https://www."]) + dom
        f["description"] = r.choice(EN_DESC[rtype] if english else DESC[rtype])
        if r.random() < 0.7:
            f["desired_time"] = want.isoformat()
            if r.random() < 0.5:
                f["desired_time"] += f"T{r.choice([8, 9, 10, 14, 15]):02d}:{r.choice([0, 30]):02d}"
    elif rtype == "mailbox":
        f["mailbox_action"] = action
        accs = []
        for _ in range(r.choice([1, 1, 2, 3]) if action != "change" else 1):
            if english:
                n = r.choice(FOREIGNERS)
                a = {"full_name": n, "position": r.choice(["Project Manager", "Developer", "Consultant"]),
                     "address": n.split()[0].lower().replace("'", "") + n.split()[1][0].lower() + "@danang.gov.vn"}
            else:
                n, lp = g.person()
                a = {"full_name": n, "position": r.choice(POSITIONS), "department": r.choice(DEPTS),
                     "address": f"{lp}@danang.gov.vn"}
            if r.random() < 0.7:
                a["mobile"] = g.mobile()
            if a["full_name"] not in [x["full_name"] for x in accs]:
                accs.append(a)
        f["accounts"] = accs
        if action == "change":
            a = accs[0]
            cd = r.choice(CHANGE_DETAIL)
            f["change_detail"] = ("Reset the password of " + a["address"]) if english else \
                cd.format(a=a["address"], n=a["full_name"])
        f["description"] = r.choice(EN_DESC["mailbox"]) if english else DESC["mailbox_" + action][
            CHANGE_DETAIL.index(cd) if action == "change" else r.randrange(2)]
    elif rtype == "subdomain":
        base = dom.split(".")[0]
        f["subdomain"] = r.choice(["tuyendung", "hoidap", "phananh", "dvc", "chuyendoiso", "egov"]) + \
            r.choice(["", "-"]) + base + ".danang.gov.vn"
        f["approval_ref"] = f"{r.randrange(120, 9800)}/UBND-{r.choice(['KTN', 'TH', 'VX', 'NC', 'KT'])}"
        f["target_ip"] = g.ip()
        f["purpose"] = r.choice(EN_DESC["subdomain"] if english else DESC["subdomain"])
        if r.random() < 0.8:
            an, al = g.person() if not english else (r.choice(FOREIGNERS), "admin")
            if an != cname:
                f["admin_name"], f["admin_phone"] = an, g.mobile()
                if r.random() < 0.7:
                    f["admin_email"] = f"{al}@{dom}" if not english else f"it-admin@{dom}"
    elif rtype == "server_room":
        f["visit_date"] = want.isoformat()
        h = r.choice([7, 8, 9, 10, 13, 14, 15])
        m = r.choice([0, 0, 30, 15, 45])
        f["time_from"] = f"{h:02d}:{m:02d}"
        f["time_to"] = f"{h + r.choice([1, 2, 3]):02d}:{r.choice([0, 30]):02d}"
        vis = []
        for _ in range(r.choice([1, 2, 2])):
            if english:
                v = {"full_name": r.choice(FOREIGNERS), "organization": unit,
                     "id_no": r.choice("BCEKNP") + "".join(r.choice("0123456789") for _ in range(7))}
            else:
                v = {"full_name": g.person()[0], "organization": unit, "id_no": g.cccd()}
            if r.random() < 0.7:
                v["phone"] = g.mobile()
            if v["full_name"] not in [x["full_name"] for x in vis]:
                vis.append(v)
        f["visitors"] = vis
        f["purpose"] = r.choice(EN_DESC["server_room"] if english else DESC["server_room"])
        if r.random() < 0.6 and not english:
            f["equipment"] = r.choice(EQUIP)
        if r.random() < 0.3:
            f["emergency"] = r.random() < 0.5
    else:
        cat = r.choice(list(SUPPORT))
        f["category"] = cat
        f["location"] = r.choice(LOCATIONS) if not english else "Room 305, Software Park building, 02 Quang Trung"
        f["priority"] = r.choice(["urgent", "normal", "normal"])
        f["description"] = r.choice(EN_DESC["tech_support"] if english else SUPPORT[cat][2])
        if r.random() < 0.5:
            f["desired_time"] = want.isoformat() + f"T{r.choice([8, 9, 14, 16]):02d}:{r.choice([0, 30]):02d}"
        if r.random() < 0.3:
            f["emergency"] = r.random() < 0.5
    if r.random() < 0.5:
        meta["request_date"] = want - datetime.timedelta(days=r.randrange(2, 9))
        f["request_date"] = meta["request_date"].isoformat()
    return f, meta


# ---------------------------------------------------------------- labels (this set's own wording)

LAB_VI = {
    "requesting_unit": ["Đơn vị yêu cầu", "Cơ quan/đơn vị", "Tên cơ quan, đơn vị", "Đơn vị đề nghị", "Tên đơn vị"],
    "contact_name": ["Người liên hệ", "Họ và tên người liên hệ", "Cán bộ phụ trách", "Cán bộ đầu mối",
                     "Người đề nghị"],
    "contact_phone": ["Điện thoại", "Số điện thoại", "ĐT liên hệ", "SĐT", "Điện thoại di động"],
    "contact_email": ["Email", "Thư điện tử", "Địa chỉ email", "E-mail liên hệ"],
    "description": ["Nội dung yêu cầu", "Nội dung", "Mô tả", "Nội dung cần thực hiện", "Lý do"],
    "desired_time": ["Thời gian đề nghị thực hiện", "Thời gian thực hiện", "Thời gian mong muốn",
                     "Đề nghị thực hiện vào"],
    "website_url": ["Địa chỉ website", "Tên miền website", "Website", "Trang thông tin điện tử"],
    "mailbox_action": ["Hình thức đề nghị", "Loại yêu cầu", "Đề nghị"],
    "change_detail": ["Nội dung thay đổi", "Chi tiết thay đổi", "Nội dung cần thay đổi"],
    "subdomain": ["Tên miền con đề nghị", "Tên miền đăng ký", "Tên miền con"],
    "approval_ref": ["Văn bản chấp thuận của UBND thành phố", "Số công văn chấp thuận", "Căn cứ văn bản số",
                     "Công văn phê duyệt"],
    "target_ip": ["Địa chỉ IP trỏ đến", "Địa chỉ IP máy chủ", "IP máy chủ"],
    "purpose": ["Mục đích sử dụng", "Mục đích"],
    "admin_name": ["Người quản trị", "Cán bộ quản trị kỹ thuật"],
    "admin_phone": ["ĐT người quản trị", "Điện thoại cán bộ quản trị"],
    "admin_email": ["Email người quản trị", "Thư điện tử cán bộ quản trị"],
    "visit_date": ["Ngày vào", "Ngày vào Phòng Hệ thống", "Ngày vào làm việc"],
    "time_from": ["Giờ vào", "Từ lúc", "Thời gian vào"],
    "time_to": ["Giờ ra", "Đến lúc", "Thời gian ra"],
    "equipment": ["Thiết bị mang vào/ra", "Thiết bị mang theo", "Trang thiết bị"],
    "emergency": ["Trường hợp khẩn cấp", "Khẩn cấp"],
    "category": ["Lĩnh vực hỗ trợ", "Hạng mục", "Loại hỗ trợ"],
    "location": ["Địa điểm", "Vị trí cần hỗ trợ", "Nơi thực hiện"],
    "priority": ["Mức độ", "Độ khẩn", "Mức độ ưu tiên"],
    "request_date": ["Ngày đề nghị", "Ngày lập phiếu"],
}
SUB_VI = {"full_name": ["Họ và tên", "Họ tên"], "position": ["Chức vụ"], "department": ["Phòng ban", "Đơn vị công tác"],
          "address": ["Địa chỉ thư", "Hộp thư", "Email"], "mobile": ["Di động", "Số di động"],
          "organization": ["Đơn vị", "Cơ quan"], "id_no": ["Số CCCD", "CCCD/CMND", "Số định danh"],
          "phone": ["Điện thoại", "SĐT"]}
LAB_EN = {
    "requesting_unit": ["Company", "Organization", "Requesting unit", "Customer"],
    "contact_name": ["Contact person", "Contact name", "Requested by"],
    "contact_phone": ["Phone", "Tel", "Mobile", "Contact phone"],
    "contact_email": ["Email", "E-mail", "Contact email"],
    "description": ["Details", "Description", "Request details"],
    "desired_time": ["Preferred time", "Requested date", "Proposed schedule"],
    "website_url": ["Website", "Site URL", "Website address"],
    "mailbox_action": ["Action", "Request type"],
    "change_detail": ["Change requested", "Details of change"],
    "subdomain": ["Requested subdomain", "Subdomain"],
    "approval_ref": ["Approval letter", "City approval ref.", "Approval No."],
    "target_ip": ["Point to IP", "Server IP", "Target IP"],
    "purpose": ["Purpose"],
    "admin_name": ["Technical admin", "Administrator"],
    "admin_phone": ["Admin phone", "Administrator phone"],
    "admin_email": ["Admin email", "Administrator email"],
    "visit_date": ["Date of visit", "Visit date"],
    "time_from": ["Time in", "From"],
    "time_to": ["Time out", "Until"],
    "equipment": ["Equipment brought in", "Equipment"],
    "emergency": ["Emergency"],
    "category": ["Category", "Type of support"],
    "location": ["Location", "Place"],
    "priority": ["Priority", "Urgency"],
    "request_date": ["Date of request", "Request date"],
}
SUB_EN = {"full_name": ["Full name", "Name"], "position": ["Title", "Position"], "department": ["Department"],
          "address": ["Mailbox", "Email address"], "mobile": ["Mobile"], "organization": ["Company"],
          "id_no": ["Passport/ID No.", "ID number"], "phone": ["Phone"]}
ORDER = {"website_update": ["requesting_unit", "contact_name", "contact_phone", "contact_email", "website_url",
                            "description", "desired_time"],
         "mailbox": ["requesting_unit", "contact_name", "contact_phone", "contact_email", "mailbox_action",
                     "description", "change_detail", "accounts"],
         "subdomain": ["requesting_unit", "contact_name", "contact_phone", "contact_email", "subdomain",
                       "approval_ref", "target_ip", "purpose", "admin"],
         "server_room": ["requesting_unit", "contact_name", "contact_phone", "contact_email", "visit_date", "times",
                         "visitors", "purpose", "equipment", "emergency"],
         "tech_support": ["requesting_unit", "contact_name", "contact_phone", "contact_email", "location", "category",
                          "priority", "description", "desired_time", "emergency"]}
TITLE_VI = {"website_update": "PHIẾU YÊU CẦU về việc cập nhật mã nguồn website",
            "mailbox": "PHIẾU YÊU CẦU về việc cấp mới/thay đổi/hủy bỏ hộp thư điện tử",
            "subdomain": "PHIẾU YÊU CẦU về việc tạo tên miền con của danang.gov.vn",
            "server_room": "PHIẾU YÊU CẦU về việc vào ra Phòng Hệ thống",
            "tech_support": "PHIẾU ĐĂNG KÝ HỖ TRỢ KỸ THUẬT"}


def iso_parts(v):
    """(date, hour, minute) of an ISO date or date-time (hour None for a date)."""
    d = datetime.date.fromisoformat(v[:10])
    return (d, int(v[11:13]), int(v[14:16])) if len(v) > 10 else (d, None, None)


def show(g, key, v, kind, en=False):
    """The display form of scalar field key (kind vi: plain forms, values: varied forms)."""
    r = g.r
    if key in ("contact_phone", "admin_phone"):
        return show_phone(r, v, kind if not en else "values")
    if key in ("desired_time", "visit_date"):
        d, h, m = iso_parts(v)
        ds = show_date(r, d, "en" if en else kind)
        if h is None:
            return ds
        ts = show_time(r, h, m, "en" if en else kind)
        on = "on " if en else "" if ds.startswith(("ngày", "Thứ", "Chủ")) else "ngày "
        return r.choice([f"{ts} {on}{ds}", f"{ds} {'at' if en else 'lúc'} {ts}", f"{ds}, {ts}"])
    if key in ("time_from", "time_to"):
        return show_time(r, int(v[:2]), int(v[3:]), "en" if en else kind)
    if key == "mailbox_action":
        return {"create": "Create new mailbox", "change": "Change (password reset)",
                "cancel": "Cancel / delete mailbox"}[v] if en else r.choice(MAILBOX_VI[v]) + " hộp thư"
    if key == "category":
        return SUPPORT[v][1 if en else 0]
    if key == "priority":
        return {"urgent": "Urgent", "normal": "Normal"}[v] if en else \
            {"urgent": r.choice(["Khẩn cấp", "Khẩn"]), "normal": "Bình thường"}[v]
    if key == "emergency":
        return ("Yes" if v else "No") if en else ("Có" if v else "Không")
    if key == "request_date":
        return show_date(r, datetime.date.fromisoformat(v), "en" if en else kind)
    return v


def structure(g, f, meta, rtype, kind="vi", en=False, fancy=False):
    """The request as ('kv', label, value) / ('text', line) / ('sect', title, [(label, value)]) /
    ('list', title, head, [[(label, value)]]) items, and the fields a reader gets from it."""
    r = g.r
    lab, sub = (LAB_EN, SUB_EN) if en else (LAB_VI, SUB_VI)
    pick = (lambda ls: r.choice(ls)) if fancy else (lambda ls: ls[0])
    items, exp = [], dict(f)
    if not meta["email_in_body"]:
        exp.pop("contact_email")
    for key in ORDER[rtype]:
        if key == "accounts":
            title = ("Accounts:" if en else r.choice(["Danh sách tài khoản:", "Danh sách hộp thư đề nghị:",
                                                    "Thông tin tài khoản:"]))
            rows = [[(pick(sub[k]), a[k]) if k != "mobile" else (pick(sub[k]), show_phone(r, a[k], kind))
                     for k in ("full_name", "position", "department", "address", "mobile") if k in a]
                    for a in f["accounts"]]
            items.append(("list", title, rows))
        elif key == "visitors":
            title = ("Visitors:" if en else r.choice(["Danh sách người vào phòng máy:", "Người vào Phòng Hệ thống:",
                                                    "Danh sách cán bộ vào:"]))
            rows = [[(pick(sub[k]), v[k]) if k != "phone" else (pick(sub[k]), show_phone(r, v[k], kind))
                     for k in ("full_name", "organization", "id_no", "phone") if k in v] for v in f["visitors"]]
            items.append(("list", title, rows))
        elif key == "admin":
            ks = [k for k in ("admin_name", "admin_phone", "admin_email") if k in f]
            if not ks:
                continue
            if fancy and r.random() < 0.6:
                title = "Technical administrator:" if en else r.choice(["Người quản trị kỹ thuật:",
                                                                       "Cán bộ quản trị kỹ thuật:",
                                                                       "Thông tin người quản trị:"])
                names = {"admin_name": sub["full_name"], "admin_phone": sub["phone"],
                         "admin_email": ["Email", "E-mail"] if en else ["Email", "Thư điện tử"]}
                items.append(("sect", title, [(pick(names[k]), show(g, k, f[k], kind, en)) for k in ks]))
            else:
                items += [("kv", pick(lab[k]), show(g, k, f[k], kind, en)) for k in ks]
        elif key == "times":
            if kind == "values" or (fancy and r.random() < 0.5):
                a, b = show(g, "time_from", f["time_from"], kind, en), show(g, "time_to", f["time_to"], kind, en)
                val = r.choice([f"từ {a} đến {b}", f"{a}-{b}", f"{a} – {b}", f"{a} - {b}"]) if not en else \
                    r.choice([f"from {a} to {b}", f"{a} - {b}"])
                items.append(("kv", "Time" if en else r.choice(["Thời gian", "Khung giờ", "Thời gian vào ra"]), val))
            else:
                items += [("kv", pick(lab[k]), show(g, k, f[k], kind, en)) for k in ("time_from", "time_to")]
        elif key == "contact_email" and not meta["email_in_body"]:
            continue
        elif key in f:
            items.append(("kv", pick(lab[key]), show(g, key, f[key], kind, en), key))
    return items, exp


def two_phones(g, items, exp, kind):
    """Put a second phone number on the contact's phone line (the first stays the contact's)."""
    for i, it in enumerate(items):
        if it[0] == "kv" and len(it) > 3 and it[3] == "contact_phone" and len(exp["contact_phone"]) == 10:
            sep = g.r.choice([" / ", " - ", "; "])
            items[i] = ("kv", it[1], it[2] + " (DĐ)" + sep + show_phone(g.r, g.landline(), kind) + " (CQ)", it[3])
            return


ROMAN = ["I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII", "XIII", "XIV", "XV"]
REMARKS = ["(bắt buộc)", "(nếu có)", "(ghi rõ)", "(*)"]


def numbering(scheme, i):
    """The prefix of item i (0-based) in a numbering scheme."""
    return {"none": "", "1.": f"{i + 1}. ", "1)": f"{i + 1}) ", "I.": f"{ROMAN[i % 15]}. ",
            "a.": f"{'abcdefghijklmno'[i % 15]}. ", "-": "- ", "+": "+ ", "•": "• "}[scheme]


def text_lines(g, items, fancy=False):
    """Body lines of structure items: plain 'Label: value', or (fancy) in many written shapes."""
    r = g.r
    scheme = r.choice(["none", "1.", "1)", "I.", "a.", "-", "+", "•"]) if fancy else "none"
    caps = fancy and r.random() < 0.25
    leader = r.choice(["……", "....", "___", "………………", ". . . ."]) if fancy and r.random() < 0.5 else ""
    out, n = [], 0

    def kv(label, value, prefix):
        if fancy and r.random() < 0.12:
            label += " " + r.choice(REMARKS)
        if caps:
            label = label.upper()
        if fancy and r.random() < 0.15:
            return [f"{prefix}{label}:", f"{'   ' if prefix else ''}{value}"]
        if leader and r.random() < 0.6:
            return [r.choice([f"{prefix}{label}:{leader}{value}", f"{prefix}{label}{leader}: {value}",
                              f"{prefix}{label}: {value} {leader}"])]
        return [f"{prefix}{label}: {value}"]

    for it in items:
        if it[0] == "kv":
            out += kv(it[1], it[2], numbering(scheme, n))
            n += 1
        elif it[0] == "text":
            out.append(it[1])
        elif it[0] == "sect":
            out.append(numbering(scheme, n) + (it[1].upper() if caps else it[1]))
            n += 1
            for lab, val in it[2]:
                out += kv(lab, val, r.choice(["   - ", "  + ", "   "]) if fancy else "   - ")
        else:  # list
            out.append(numbering(scheme, n) + (it[1].upper() if caps else it[1]))
            n += 1
            one_line = fancy and r.random() < 0.4
            for j, row in enumerate(it[2]):
                if one_line:
                    out.append(f"  {j + 1}) " + "; ".join(f"{lab}: {val}" for lab, val in row))
                else:
                    head = r.choice([f"  {j + 1}. ", f"  Người thứ {j + 1}: ", f"  {j + 1}) "]) if fancy else f"  {j + 1}. "
                    first = True
                    for lab, val in row:
                        out.append((head if first else " " * len(head)) + f"{lab}: {val}")
                        first = False
    return out


# ---------------------------------------------------------------- message text

INTRO_VI = {"website_update": ["Đơn vị gửi Trung tâm phiếu yêu cầu cập nhật mã nguồn website, thông tin cụ thể như sau:",
                               "Đề nghị Trung tâm phối hợp cập nhật mã nguồn và cơ sở dữ liệu website của đơn vị:"],
            "mailbox": ["Đơn vị đề nghị xử lý hộp thư điện tử công vụ theo thông tin dưới đây:",
                        "Kính đề nghị Quý cơ quan xem xét, thực hiện yêu cầu về hộp thư điện tử như sau:"],
            "subdomain": ["Căn cứ văn bản chấp thuận của UBND thành phố, đơn vị đăng ký tạo tên miền con như sau:",
                          "Đơn vị đề nghị Trung tâm tạo tên miền con thuộc danang.gov.vn với các thông tin:"],
            "server_room": ["Đơn vị đăng ký vào Phòng Hệ thống để làm việc, thông tin như sau:",
                            "Nay đơn vị đăng ký cho cán bộ vào ra Phòng Hệ thống, cụ thể:"],
            "tech_support": ["Đề nghị Trung tâm hỗ trợ kỹ thuật cho đơn vị với nội dung sau:",
                             "Đơn vị gặp sự cố, kính đề nghị Trung tâm cử cán bộ hỗ trợ:"]}
GREET_VI = {"pkt-iid": ["Kính gửi: " + IID, "Kính gửi Phòng Kỹ thuật - Trung tâm IID,", "Kính gửi anh/chị Phòng Kỹ thuật,"],
            "cntt": ["Kính gửi: Phòng Công nghệ thông tin - Sở Thông tin và Truyền thông",
                     "Kính gửi Sở Thông tin và Truyền thông,"],
            "admin": ["Kính gửi: Bộ phận quản trị hệ thống thư điện tử thành phố", "Kính gửi anh/chị quản trị hệ thống,"]}
SUBJ_VI = {"website_update": "Phiếu yêu cầu cập nhật mã nguồn website", "mailbox_create": "Đề nghị cấp mới hộp thư điện tử",
           "mailbox_change": "Đề nghị cấp lại mật khẩu hộp thư", "mailbox_cancel": "V/v hủy hộp thư công vụ",
           "subdomain": "Đăng ký tạo tên miền con", "server_room": "Đăng ký vào Phòng Hệ thống",
           "tech_support": "Đề nghị hỗ trợ kỹ thuật"}
SUBJ_EN = {"website_update": "Request: website source code update", "mailbox": "Mailbox request",
           "subdomain": "Subdomain registration request", "server_room": "Server room access request",
           "tech_support": "Technical support request"}


def mailbox_of(rtype, action):
    """The proper mailbox of a request."""
    if rtype == "mailbox":
        return "cntt" if action in ("create", "cancel") else "admin"
    return "pkt-iid"


def date_line(g, d, kind):
    """The 'Đà Nẵng, ngày ... tháng ... năm ...' line of a request date."""
    if kind == "values":
        return g.r.choice([f"Đà Nẵng, ngày {d.day} tháng {d.month} năm {d.year}",
                           f"Ngày đề nghị: {show_date(g.r, d, 'values')}"])
    return f"Đà Nẵng, ngày {d.day:02d} tháng {d.month:02d} năm {d.year}"


def signature_vi(g, f, meta, exp):
    """Closing and signature lines (sometimes with an office number other than the contact's)."""
    r = g.r
    phone = f["contact_phone"] if r.random() < 0.6 else g.landline()
    lines = ["", r.choice(["Trân trọng./.", "Trân trọng cảm ơn!", "Trân trọng,", "Xin cảm ơn."]), "",
             r.choice(["-- ", "--", ""]), f["contact_name"], meta["position"], f["requesting_unit"],
             f"ĐT: {show_phone(r, phone, 'values')}"]
    return lines


def form_text(g, rtype, f, meta, kind="vi", fancy=False, box=None):
    """A Vietnamese request as mail text: (lines, expected fields)."""
    r = g.r
    items, exp = structure(g, f, meta, rtype, kind, fancy=fancy)
    if kind == "values" and r.random() < 0.3:
        two_phones(g, items, exp, kind)
    lines = [r.choice(GREET_VI[box or mailbox_of(rtype, f.get("mailbox_action"))]), ""]
    if "request_date" in f:
        lines += [date_line(g, meta["request_date"], kind), ""]
    if r.random() < 0.3:
        lines += [TITLE_VI[rtype] if r.random() < 0.5 else TITLE_VI[rtype].upper(), ""]
    lines += [r.choice(INTRO_VI[rtype]), ""]
    post = signature_vi(g, f, meta, exp)
    return lines + text_lines(g, items, fancy) + post, exp, (lines, items, post)


def english_text(g, rtype, f, meta):
    """An English request (labels or sentences): (lines, expected fields, ignored keys)."""
    r = g.r
    if r.random() < 0.6:
        items, exp = structure(g, f, meta, rtype, "vi", en=True, fancy=True)
        if "request_date" in f:
            if r.random() < 0.5:
                items.insert(0, ("kv", r.choice(LAB_EN["request_date"]), show(g, "request_date", f["request_date"], "vi", True), "request_date"))
            else:
                exp.pop("request_date")
        body = [r.choice(["Dear IID team,", "Dear Sir/Madam,", "Hello,"]), "",
                r.choice(["Please find our request below.", "We would like to submit the following request:",
                          "Kindly process the request below."]), ""] + text_lines(g, items, fancy=r.random() < 0.5)
        ignore = []
    else:
        body, exp, ignore = en_sentences(g, rtype, f, meta)
    body += ["", r.choice(["Best regards,", "Kind regards,", "Thanks and regards,"]), f["contact_name"],
             f["requesting_unit"], f"Tel: {show_phone(r, f['contact_phone'], 'values')}"]
    return body, exp, ignore


def en_sentences(g, rtype, f, meta):
    """An English request told in sentences."""
    r = g.r
    exp = dict(f)
    s = []
    if rtype == "website_update":
        s.append(f"We are {f['requesting_unit']} and we host our website {f['website_url']} with IID.")
        if "desired_time" in f:
            s.append(f"We would like to update its source code and database on {show(g, 'desired_time', f['desired_time'], 'en', True)}.")
        else:
            s.append("We would like to update its source code and database as soon as possible.")
    elif rtype == "mailbox":
        verb = {"create": "create the following new mailbox(es)", "change": "reset the password of the mailbox below",
                "cancel": "cancel (delete) the following mailbox(es)"}[f["mailbox_action"]]
        s.append(f"On behalf of {f['requesting_unit']}, please {verb}:")
        for a in f["accounts"]:
            s.append(f"- {a['full_name']}, {a['position']}, {a['address']}" + (f", mobile {show_phone(r, a['mobile'], 'values')}" if "mobile" in a else ""))
    elif rtype == "subdomain":
        s.append(f"On behalf of {f['requesting_unit']}, we request the subdomain {f['subdomain']}, approved by the City People's Committee in letter No. {f['approval_ref']}.")
        s.append(f"Please point it to {f['target_ip']}.")
        if "admin_name" in f:
            s.append(f"The technical administrator is {f['admin_name']}, phone {show_phone(r, f['admin_phone'], 'values')}" + (f", email {f['admin_email']}." if "admin_email" in f else "."))
    elif rtype == "server_room":
        s.append(f"{f['requesting_unit']} would like to access the server room on {show(g, 'visit_date', f['visit_date'], 'en', True)} from {show(g, 'time_from', f['time_from'], 'en', True)} to {show(g, 'time_to', f['time_to'], 'en', True)}.")
        s.append("The following persons will come:")
        for v in f["visitors"]:
            s.append(f"- {v['full_name']}, ID/passport no. {v['id_no']}" + (f", phone {show_phone(r, v['phone'], 'values')}" if "phone" in v else ""))
            v.pop("organization", None)
        if "emergency" in f:
            s.append("This is an emergency; we have already called your hotline." if f["emergency"] else "This is not an emergency.")
    else:
        s.append(f"We are {f['requesting_unit']} and need technical support at {f['location']}: {f['description'].lower()}.")
        if "desired_time" in f:
            s.append(f"Could a technician come on {show(g, 'desired_time', f['desired_time'], 'en', True)}?")
        if "emergency" in f:
            s.append("This is an emergency; we have already called your hotline." if f["emergency"] else "This is not an emergency.")
    s.append(f"Contact: {f['contact_name']}, phone {show_phone(r, f['contact_phone'], 'values')}" +
             (f", email {f['contact_email']}." if meta["email_in_body"] else "."))
    if not meta["email_in_body"]:
        exp.pop("contact_email")
    exp.pop("request_date", None)
    return ["Dear IID team,", ""] + s, exp, ["description", "purpose", "category", "priority", "change_detail", "equipment"]


def prose_text(g, rtype, f, meta):
    """A Vietnamese request told in sentences, no labels: (lines, expected fields, ignored keys)."""
    r = g.r
    exp = dict(f)
    exp.pop("request_date", None)
    u, s = f["requesting_unit"], []
    dt = lambda k: show(g, k, f[k], "values")
    if rtype == "website_update":
        s.append(f"{u} đang sử dụng dịch vụ lưu trữ website tại Trung tâm với địa chỉ {f['website_url']}. "
                 f"Nay đơn vị cần cập nhật mã nguồn và cơ sở dữ liệu: {f['description'].lower()}.")
        if "desired_time" in f:
            s.append(f"Đơn vị mong muốn thực hiện vào {dt('desired_time')}.")
    elif rtype == "mailbox":
        verb = {"create": "cấp mới hộp thư điện tử cho", "change": "cấp lại mật khẩu hộp thư của",
                "cancel": "hủy hộp thư điện tử của"}[f["mailbox_action"]]
        s.append(f"{u} kính đề nghị {verb} các cán bộ sau:" if len(f["accounts"]) > 1 else f"{u} kính đề nghị {verb}:")
        for a in f["accounts"]:
            s.append(f"- {r.choice(['anh/chị', 'đồng chí'])} {a['full_name']}, {a['position'].lower()} "
                     f"{a['department']}, hộp thư {a['address']}" +
                     (f", số di động {show_phone(r, a['mobile'], 'values')}" if "mobile" in a else "") + ";")
            a["position"] = a["position"].lower()
    elif rtype == "subdomain":
        s.append(f"Được UBND thành phố chấp thuận tại Công văn số {f['approval_ref']}, {u} đề nghị Trung tâm tạo "
                 f"tên miền {f['subdomain']} và trỏ về địa chỉ IP {f['target_ip']}.")
        if "admin_name" in f:
            s.append(f"Người quản trị kỹ thuật là {'chị' if f['admin_name'].split()[-1] in GIVEN_F else 'anh'} {f['admin_name']}, điện thoại "
                     f"{show_phone(r, f['admin_phone'], 'values')}" + (f", email {f['admin_email']}." if "admin_email" in f else "."))
    elif rtype == "server_room":
        a, b = show(g, "time_from", f["time_from"], "values"), show(g, "time_to", f["time_to"], "values")
        s.append(f"{u} xin đăng ký vào Phòng Hệ thống vào {dt('visit_date')}, từ {a} đến {b}.")
        names = []
        for v in f["visitors"]:
            names.append(f"{v['full_name']} (CCCD số {v['id_no']}" + (f", ĐT {show_phone(r, v['phone'], 'values')})" if "phone" in v else ")"))
            v.pop("organization", None)
        s.append("Người vào gồm: " + ", ".join(names) + ".")
        if "emergency" in f:
            s.append("Đây là trường hợp khẩn cấp, đơn vị đã gọi điện báo trước." if f["emergency"] else
                     "Đây không phải trường hợp khẩn cấp.")
    else:
        s.append(f"Tại {f['location']} của {u} đang có sự cố: {f['description'].lower()}.")
        if "desired_time" in f:
            s.append(f"Kính đề nghị Trung tâm cử cán bộ xuống hỗ trợ vào {dt('desired_time')}.")
        if "emergency" in f:
            s.append("Sự cố khẩn cấp, đơn vị đã gọi điện báo trước." if f["emergency"] else
                     "Sự cố không khẩn cấp.")
    female = f["contact_name"].split()[-1] in GIVEN_F
    s.append(f"Mọi chi tiết xin liên hệ {r.choice(['chị', 'bà'] if female else ['anh', 'ông'])} {f['contact_name']}, số điện thoại "
             f"{show_phone(r, f['contact_phone'], 'values')}" + (f", email {f['contact_email']}." if meta["email_in_body"] else "."))
    if not meta["email_in_body"]:
        exp.pop("contact_email")
    lines = [r.choice(GREET_VI[mailbox_of(rtype, f.get("mailbox_action"))]), ""] + s + \
        ["", "Trân trọng cảm ơn!", f["contact_name"]]
    return lines, exp, ["description", "purpose", "category", "priority", "change_detail", "equipment"]


# ---------------------------------------------------------------- MIME

TZ = datetime.timezone(datetime.timedelta(hours=7))


def cp1258(text):
    """text in windows-1258: letters the code page lacks are written as base letter plus combining tone."""
    out = bytearray()
    for ch in text:
        try:
            out += ch.encode("cp1258")
            continue
        except UnicodeEncodeError:
            pass
        d = unicodedata.normalize("NFD", ch)
        base = unicodedata.normalize("NFC", "".join(c for c in d if c not in "\u0300\u0301\u0303\u0309\u0323"))
        tones = "".join(c for c in d if c in "\u0300\u0301\u0303\u0309\u0323")
        try:
            out += (base + tones).encode("cp1258")
        except UnicodeEncodeError:
            out += plain(ch).encode("cp1258", "replace")
    return bytes(out)


def leaf(ctype, text, enc="utf-8", cte="8bit", label=None):
    """A single MIME part: header lines and body bytes."""
    raw = cp1258(text) if enc == "cp1258" else text.encode(enc)
    if cte == "quoted-printable":
        body = quopri.encodestring(raw.replace(b"\n", b"\r\n")).replace(b"\r\n", b"\n").replace(b"=0D", b"")
    elif cte == "base64":
        b = base64.b64encode(raw.replace(b"\n", b"\r\n"))
        body = b"\n".join(b[i:i + 76] for i in range(0, len(b), 76)) + b"\n"
    else:
        body = raw
    label = label or ("windows-1258" if enc == "cp1258" else enc)
    return [f"Content-Type: {ctype}; charset=\"{label}\"", f"Content-Transfer-Encoding: {cte}"], body


def alternative(r, plain_part, html_part):
    """A multipart/alternative of a text and an HTML leaf."""
    bnd = "=_alt_" + "".join(r.choice("0123456789abcdef") for _ in range(24))
    body = b""
    for hdr, b in (plain_part, html_part):
        body += f"--{bnd}\n".encode() + "\n".join(hdr).encode() + b"\n\n" + b + b"\n"
    body += f"--{bnd}--\n".encode()
    return [f"Content-Type: multipart/alternative; boundary=\"{bnd}\""], body


def enc_header(s):
    """A header value, RFC 2047 encoded when it is not ASCII."""
    try:
        s.encode("ascii")
        return s
    except UnicodeEncodeError:
        return Header(s, "utf-8").encode()


CLIENTS = ["gmail", "outlook", "thunderbird", "zimbra", "apple"]


def message_id(r, client, dom):
    """A Message-ID in the shape a client makes."""
    hx = lambda n: "".join(r.choice("0123456789abcdef") for _ in range(n))
    return {"gmail": f"<CAF{hx(20)}+{hx(12)}@mail.gmail.com>",
            "outlook": f"<SG2PR04MB{hx(4).upper()}{hx(12).upper()}@SG2PR04MB{hx(4).upper()}.apcprd04.prod.outlook.com>",
            "thunderbird": f"<{hx(8)}-{hx(4)}-{hx(4)}-{hx(4)}-{hx(12)}@{dom}>",
            "zimbra": f"<{r.randrange(10**8, 10**9)}.{r.randrange(10**5, 10**6)}.{r.randrange(10**12, 10**13)}.JavaMail.zimbra@danang.gov.vn>",
            "apple": f"<{hx(8).upper()}-{hx(4).upper()}-{hx(4).upper()}-{hx(12).upper()}@{dom}>"}[client]


def mail(r, from_name, from_addr, to, subject, when, part, client):
    """The whole message as bytes."""
    hdr = [f"From: {enc_header(from_name)} <{from_addr}>" if from_name else f"From: <{from_addr}>",
           f"To: {to}", f"Subject: {enc_header(subject)}", f"Date: {format_datetime(when)}",
           f"Message-ID: {message_id(r, client, from_addr.split('@')[1])}", "MIME-Version: 1.0"]
    hdr += {"outlook": ["X-Mailer: Microsoft Outlook 16.0", "Thread-Index: AdsX" + "".join(r.choice("ABCDEFGHxyz019") for _ in range(16))],
            "thunderbird": ["User-Agent: Mozilla Thunderbird"], "zimbra": ["X-Mailer: Zimbra 8.8.15_GA_4581"],
            "apple": ["X-Mailer: Apple Mail (2.3774.500.171)"], "gmail": []}[client]
    return ("\n".join(hdr + part[0]) + "\n\n").encode() + part[1]


def html_of(r, pre, items, post):
    """An HTML body: text lines as paragraphs, fields as divs, <br> lines or a label/value table."""
    e = html.escape
    if r.random() < 0.3:  # numeric character references for every non-ASCII letter
        e = lambda s: html.escape(s).encode("ascii", "xmlcharrefreplace").decode()
    shape = r.choice(["table", "table", "p", "br"])
    out = ["<html><head><meta http-equiv=\"Content-Type\" content=\"text/html; charset=utf-8\"></head><body>",
           "<div dir=\"ltr\">"]
    out += [f"<p>{e(x)}</p>" if x else "<p>&nbsp;</p>" for x in pre]
    if shape == "table":
        out.append("<table border=\"1\" cellspacing=\"0\" cellpadding=\"4\" style=\"border-collapse:collapse\">")
        for it in items:
            if it[0] == "kv":
                out.append(f"<tr><td><b>{e(it[1])}</b></td><td>{e(it[2])}</td></tr>")
            elif it[0] == "sect":
                out.append(f"<tr><td colspan=\"2\"><b>{e(it[1])}</b></td></tr>")
                out += [f"<tr><td>{e(lab)}</td><td>{e(val)}</td></tr>" for lab, val in it[2]]
        out.append("</table>")
        for it in items:
            if it[0] == "list":
                heads = [lab for lab, _ in it[2][0]]
                out.append(f"<p><b>{e(it[1])}</b></p><table border=\"1\" cellspacing=\"0\"><tr><th>STT</th>" +
                           "".join(f"<th>{e(h)}</th>" for h in heads) + "</tr>")
                for j, row in enumerate(it[2]):
                    out.append(f"<tr><td>{j + 1}</td>" + "".join(f"<td>{e(val)}</td>" for _, val in row) + "</tr>")
                out.append("</table>")
    else:
        lines = text_lines(Gen(r.random()), items)
        if shape == "p":
            out += [f"<div>{e(x)}</div>" if x.strip() else "<div><br></div>" for x in lines]
        else:
            out.append("<div>" + "<br>\n".join(e(x) for x in lines) + "</div>")
    out += [f"<div>{e(x)}</div>" if x else "<div><br></div>" for x in post]
    out.append("</div></body></html>")
    return "\n".join(out) + "\n"


# ---------------------------------------------------------------- styles

VI_DAYS = ["Th 2", "Th 3", "Th 4", "Th 5", "Th 6", "Th 7", "CN"]


def quote_header(r, shape, name, addr, when):
    """The attribution line(s) of a quoted or forwarded message in one client's shape."""
    d = when
    en = f"{WEEKDAY_EN[d.weekday()][:3]}, {MONTH_EN[d.month - 1][:3]} {d.day}, {d.year} at {(d.hour - 1) % 12 + 1}:{d.minute:02d} {'AM' if d.hour < 12 else 'PM'}"
    vi = f"{VI_DAYS[d.weekday()]}, {d.day} thg {d.month}, {d.year} vào lúc {d.hour:02d}:{d.minute:02d}"
    return {"gmail_en": [f"On {en} {name} <{addr}> wrote:"],
            "gmail_vi": [f"Vào {vi} {name} <{addr}> đã viết:"],
            "thunderbird": [f"On {d.day:02d}/{d.month:02d}/{d.year} {d.hour:02d}:{d.minute:02d}, {name} wrote:"],
            "thunderbird_vi": [f"Vào {d.day:02d}/{d.month:02d}/{d.year} {d.hour:02d}:{d.minute:02d}, {name} đã viết:"]}[shape]


def forward_block(r, shape, name, addr, to, subject, when):
    """The header block of an inline forward in one client's shape."""
    d = when
    long_en = f"{WEEKDAY_EN[d.weekday()]}, {MONTH_EN[d.month - 1]} {d.day}, {d.year} {(d.hour - 1) % 12 + 1}:{d.minute:02d} {'AM' if d.hour < 12 else 'PM'}"
    return {"gmail_en": ["---------- Forwarded message ---------", f"From: {name} <{addr}>",
                         f"Date: {WEEKDAY_EN[d.weekday()][:3]}, {MONTH_EN[d.month - 1][:3]} {d.day}, {d.year} at {(d.hour - 1) % 12 + 1}:{d.minute:02d} {'AM' if d.hour < 12 else 'PM'}",
                         f"Subject: {subject}", f"To: <{to}>"],
            "gmail_vi": ["---------- Tin nhắn đã chuyển tiếp ---------", f"Từ: {name} <{addr}>",
                         f"Date: {VI_DAYS[d.weekday()]}, {d.day} thg {d.month}, {d.year} vào lúc {d.hour:02d}:{d.minute:02d}",
                         f"Subject: {subject}", f"To: <{to}>"],
            "outlook_en": ["-----Original Message-----", f"From: {name} <{addr}>", f"Sent: {long_en}", f"To: {to}",
                           f"Subject: {subject}"],
            "outlook_vi": ["________________________________", f"Từ: {name} <{addr}>",
                           f"Đã gửi: {WEEKDAY_VI[d.weekday()]}, {d.day} tháng {d.month}, {d.year} {d.hour}:{d.minute:02d}",
                           f"Đến: {to}", f"Chủ đề: {subject}"],
            "thunderbird": ["-------- Forwarded Message --------", f"Subject: \t{subject}",
                            f"Date: \t{format_datetime(d)}", f"From: \t{name} <{addr}>", f"To: \t{to}"],
            "apple": ["Begin forwarded message:", "", f"From: {name} <{addr}>", f"Subject: {subject}",
                      f"Date: {d.day} {MONTH_EN[d.month - 1]} {d.year} at {d.hour:02d}:{d.minute:02d}:00 GMT+7",
                      f"To: {to}"]}[shape]


def iid_quote(g, rtype):
    """IID's earlier reply: instructions, IID's own phone, sometimes a blank form."""
    r = g.r
    q = ["Chào anh/chị,", "",
         f"Để được hỗ trợ, đề nghị đơn vị gửi phiếu theo mẫu {FORM[rtype]} với đầy đủ thông tin bên dưới.", ""]
    if r.random() < 0.6:
        q += [f"{LAB_VI[k][0]}: ……………" for k in ORDER[rtype] if k in LAB_VI][:6] + [""]
    q += ["Trân trọng,", "Phòng Kỹ thuật - " + IID, f"ĐT: {show_phone(r, g.landline(), 'values')}",
          "Email: pkt-iid@danang.gov.vn"]
    return q


def older(f):
    """The same request as first sent, with other dates and times."""
    o = json.loads(json.dumps(f))
    for k in ("desired_time", "visit_date"):
        if k in o:
            d = datetime.date.fromisoformat(o[k][:10]) - datetime.timedelta(days=3)
            o[k] = d.isoformat() + o[k][10:]
    if "time_from" in o:
        o["time_from"], o["time_to"] = "07:30", "08:30"
    return o


def build(g, style, idx, rtype, action):
    """One message of a style: (eml bytes, expectation)."""
    r = g.r
    en = style == "english"
    f, meta = make_request(g, rtype, action, english=en)
    box = mailbox_of(rtype, action)
    to = f"{box}@danang.gov.vn"
    subj = SUBJ_EN[rtype] if en else SUBJ_VI[rtype if rtype != "mailbox" else "mailbox_" + action]
    if rtype == "website_update":
        subj += " " + f["website_url"].split("//")[-1]
    elif rtype == "subdomain":
        subj += " " + f["subdomain"]
    when = datetime.datetime.combine(meta.get("request_date") or meta["want"] - datetime.timedelta(days=r.randrange(3, 9)),
                                     datetime.time(r.randrange(7, 17), r.randrange(60)), TZ)
    client = r.choice(CLIENTS)
    sender = (f["contact_name"], f["contact_email"])
    ignore = []
    if style in ("typed", "novi", "labels", "values", "quoted", "forward", "charset", "html"):
        kind = "values" if style == "values" else "vi"
        fancy = style == "labels" or (style == "novi" and r.random() < 0.4)
        lines, exp, (pre, items, post) = form_text(g, rtype, f, meta, kind, fancy)
    elif en:
        lines, exp, ignore = english_text(g, rtype, f, meta)
    else:
        lines, exp, ignore = prose_text(g, rtype, f, meta)
    fwd_from = None
    if style == "quoted":
        q = iid_quote(g, rtype) if r.random() < 0.5 else form_text(g, rtype, older(f), meta)[0]
        qsender = ("Phòng Kỹ thuật IID", "pkt-iid@danang.gov.vn") if q[0].startswith("Chào") else sender
        qwhen = when - datetime.timedelta(days=r.randrange(1, 4), hours=r.randrange(5))
        shape = r.choice(["gmail_en", "gmail_vi", "thunderbird", "thunderbird_vi", "outlook", "bottom"])
        if shape == "outlook":
            lines = lines + ["", "________________________________"] + \
                forward_block(r, "outlook_en", *qsender, to, subj, qwhen)[1:] + [""] + q
        elif shape == "bottom":
            lines = quote_header(r, "gmail_vi", *qsender, qwhen) + ["> " + x if x else ">" for x in q] + [""] + lines
        else:
            lines = lines + [""] + quote_header(r, shape, *qsender, qwhen) + ["> " + x if x else ">" for x in q]
        subj = r.choice(["Re: ", "RE: ", "Trả lời: "]) + subj
    elif style == "forward":
        fn, fl = g.person()
        fwd_from = (fn, r.choice([f"{fl}@danang.gov.vn", f"{fl}.stttt@danang.gov.vn"]))
        note = [r.choice(["Chuyển Phòng Kỹ thuật xử lý giúp.", "Nhờ anh/chị hỗ trợ đơn vị theo yêu cầu bên dưới.",
                          "FYI. Đề nghị Trung tâm xem xét, giải quyết.", "Forward để xử lý."]), "",
                "-- ", fn, "Phòng Công nghệ thông tin - Sở Thông tin và Truyền thông",
                f"ĐT: {show_phone(r, g.landline(), 'values')} - DĐ: {show_phone(r, g.mobile(), 'values')}", ""]
        shape = r.choice(["gmail_en", "gmail_vi", "outlook_en", "outlook_vi", "thunderbird", "apple"])
        lines = note + forward_block(r, shape, *sender, "cntt@danang.gov.vn", subj, when) + [""] + lines
        subj = r.choice(["Fwd: ", "FW: ", "TR: "]) + subj
        when += datetime.timedelta(hours=r.randrange(1, 30))
    if style == "novi":
        lines, exp, subj = [plain(x) for x in lines], deep(plain, exp), plain(subj)
        sender = (plain(sender[0]), sender[1])
    text = "\n".join(lines) + "\n"
    if style == "html":
        hbody = html_of(r, pre, items, post)
        hpart = leaf("text/html", hbody, cte=r.choice(["8bit", "quoted-printable", "base64"]))
        part = hpart if r.random() < 0.4 else alternative(r, leaf("text/plain", text, cte="quoted-printable"), hpart)
    elif style == "charset":
        how = r.choice(["1258qp", "1258_8", "1258b64", "u8latin1", "u8latin1qp", "u8qp", "u8b64", "1258html"])
        if how.startswith("1258"):
            cte = {"1258qp": "quoted-printable", "1258_8": "8bit", "1258b64": "base64", "1258html": "quoted-printable"}[how]
            part = leaf("text/html" if how == "1258html" else "text/plain",
                        html_of(r, pre, items, post).replace("charset=utf-8", "charset=windows-1258")
                        if how == "1258html" else text, "cp1258", cte)
        elif how.startswith("u8latin1"):
            part = leaf("text/plain", text, "utf-8", "quoted-printable" if how.endswith("qp") else "8bit", "iso-8859-1")
        else:
            part = leaf("text/plain", text, "utf-8", "quoted-printable" if how == "u8qp" else "base64")
    else:
        part = leaf("text/plain", text, cte=r.choice(["8bit", "8bit", "quoted-printable", "base64"]))
    frm = fwd_from or sender
    eml = mail(r, frm[0], frm[1], to, subj, when, part, client)
    opt = {}
    if "contact_email" not in exp:
        opt["contact_email"] = sender[1]
    if rtype in ("server_room", "tech_support") and "emergency" not in exp:
        opt["emergency"] = False
    e = {"type": rtype, "form_code": FORM[rtype], "fields": exp, "optional": opt, "style": style, "client": client}
    if ignore:
        e["ignore"] = ignore
    return eml, e


CHECKED = ("requesting_unit", "contact_name", "contact_email", "website_url", "subdomain", "approval_ref",
           "target_ip", "admin_name", "admin_email", "location", "purpose", "description", "equipment",
           "change_detail", "full_name", "address", "id_no", "department", "organization", "position")


def message_text(path):
    """The text of every text part of a message, decoded, NFC, HTML references resolved."""
    import email
    with open(path, "rb") as fh:
        m = email.message_from_binary_file(fh)
    out = []
    for part in m.walk():
        if part.get_content_maintype() == "text":
            raw = part.get_payload(decode=True)
            try:
                t = raw.decode("utf-8")
            except UnicodeDecodeError:
                t = raw.decode("cp1258")
            out.append(html.unescape(t))
    return unicodedata.normalize("NFC", "\n".join(out))


def check(folder):
    """Generator bugs in a written set: expected values that are not in their message."""
    bad = 0
    for name in sorted(os.listdir(folder)):
        if not name.endswith(".expected.json"):
            continue
        with open(os.path.join(folder, name), encoding="utf-8") as fh:
            exp = json.load(fh)
        text = message_text(os.path.join(folder, name[:-len(".expected.json")] + ".eml")).casefold()
        pairs = [(k, v) for k, v in exp["fields"].items() if k not in exp.get("ignore", [])]
        for lk in ("accounts", "visitors"):
            pairs += [(f"{lk}.{k}", v) for it in exp["fields"].get(lk, []) for k, v in it.items()]
        for k, v in pairs:
            if k.split(".")[-1] in CHECKED and str(v).casefold() not in text:
                print(f"{name}: {k} {v!r} is not in the message")
                bad += 1
    print(f"check: {bad} expected values not in their message")
    return 1 if bad else 0


def main(argv=None):
    """Command line."""
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--out")
    ap.add_argument("--check", metavar="DIR", help="check a written set instead of writing one")
    ap.add_argument("--per-style", type=int, default=30)
    a = ap.parse_args(argv)
    if a.check:
        return check(a.check)
    if not a.out:
        ap.error("--out DIR is required")
    os.makedirs(a.out, exist_ok=True)
    g = Gen(a.seed)
    actions = ("create", "change", "cancel")
    for style in STYLES:
        nmail = 0
        for i in range(a.per_style):
            rtype = TYPES[i % 5]
            action = actions[nmail % 3] if rtype == "mailbox" else None
            nmail += rtype == "mailbox"
            eml, exp = build(g, style, i, rtype, action)
            name = f"{style}_{i + 1:03d}"
            with open(os.path.join(a.out, name + ".eml"), "wb") as fh:
                fh.write(eml)
            with open(os.path.join(a.out, name + ".expected.json"), "w", encoding="utf-8") as fh:
                json.dump(exp, fh, ensure_ascii=False, indent=1, sort_keys=True)
                fh.write("\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
