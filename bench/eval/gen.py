#!/usr/bin/env python3
"""gen.py - write the frozen evaluation set of request mails (bench/eval/set).

    bench/eval/gen.py [--seed S] [--per-style N] [--out DIR]
    bench/eval/gen.py --verify            regenerate into a temporary folder and
                                          compare with bench/eval/set byte by byte

Writes DIR/NNNN.eml and DIR/NNNN.expected.json for N messages of each style
(default 20, seed 2026) and DIR/../manifest.json.  The expected file holds what
a careful reader takes from the mail, by shared/DOMAIN.md: "type",
"form_code", "fields" (the complete fields object, normalised values),
"optional" (keys that may be predicted, and must then be right, but are not
required), "ignore" (keys whose value the mail leaves open, never scored),
and "style", "client", "variant" (what kind of mail it is; not scored).

The set is for measuring only: parser work must not look at it.  The wordings,
templates and values here are invented for this set; the same seed gives the
same bytes (Python 3 standard library only, no clock, no hash order).
"""

import argparse
import base64
import datetime
import filecmp
import html
import html.entities
import json
import os
import quopri
import random
import re
import shutil
import sys
import tempfile
import unicodedata
import zipfile

TYPES = ["website_update", "mailbox", "subdomain", "server_room", "tech_support"]
FORM_CODE = {"website_update": "01/IID-KT", "mailbox": "02/IID-KT", "subdomain": "03/IID-KT",
             "server_room": "04/IID-KT", "tech_support": "05/IID-KT"}
PKT, CNTT, ADMIN = "pkt-iid@danang.gov.vn", "cntt@danang.gov.vn", "admin@danang.gov.vn"
STYLES = ["typed", "novi", "labels", "values", "html", "charset", "english", "forward",
          "quoted", "document", "prose"]
TZ = datetime.timezone(datetime.timedelta(hours=7))

# ---------------------------------------------------------------- pools

SURNAMES = ["Nguyễn", "Trần", "Lê", "Phạm", "Huỳnh", "Hoàng", "Phan", "Võ", "Đặng", "Bùi",
            "Đỗ", "Hồ", "Ngô", "Dương", "Lý", "Trương", "Đoàn", "Đinh", "Lương", "Mai",
            "Thái", "Châu", "Cao", "Lâm"]
MIDDLE_M = ["Văn", "Hữu", "Minh", "Quốc", "Đức", "Công", "Thanh", "Xuân", "Anh", "Bá", "Ngọc", "Tấn"]
MIDDLE_F = ["Thị", "Thị Thu", "Ngọc", "Thị Minh", "Thanh", "Thị Kim", "Bảo", "Thị Thanh", "Thị Hoài"]
GIVEN_M = ["An", "Bình", "Cường", "Dũng", "Hải", "Hiếu", "Hùng", "Khánh", "Long", "Nam", "Phong",
           "Phúc", "Quân", "Sơn", "Tuấn", "Việt", "Toàn", "Thuận", "Lộc", "Duy", "Khoa", "Thắng",
           "Trí", "Hòa", "Đạt", "Nhân"]
GIVEN_F = ["Hà", "Hạnh", "Hương", "Lan", "Linh", "Mai", "Nga", "Ngân", "Nhung", "Quyên", "Tâm",
           "Thảo", "Thủy", "Trang", "Uyên", "Vân", "Vy", "Yến", "Oanh", "Diệp", "Phương", "Hằng",
           "Liên", "Thúy"]

# (Vietnamese name, English name, mail sub-domain)
UNITS = [
    ("Sở Tư pháp", "Department of Justice", "stp"),
    ("Sở Tài chính", "Department of Finance", "stc"),
    ("Sở Xây dựng", "Department of Construction", "sxd"),
    ("Sở Y tế", "Department of Health", "syt"),
    ("Sở Giáo dục và Đào tạo", "Department of Education and Training", "sgddt"),
    ("Sở Nội vụ", "Department of Home Affairs", "snv"),
    ("Sở Du lịch", "Department of Tourism", "sdl"),
    ("Sở Công Thương", "Department of Industry and Trade", "sct"),
    ("Sở Kế hoạch và Đầu tư", "Department of Planning and Investment", "skhdt"),
    ("Sở Tài nguyên và Môi trường", "Department of Natural Resources and Environment", "stnmt"),
    ("Sở Khoa học và Công nghệ", "Department of Science and Technology", "skhcn"),
    ("Sở Văn hóa và Thể thao", "Department of Culture and Sports", "svhtt"),
    ("Sở Ngoại vụ", "Department of Foreign Affairs", "sngv"),
    ("Thanh tra thành phố", "City Inspectorate", "thanhtra"),
    ("Văn phòng UBND thành phố", "Office of the City People's Committee", "vpubnd"),
    ("UBND quận Hải Châu", "Hai Chau District People's Committee", "haichau"),
    ("UBND quận Thanh Khê", "Thanh Khe District People's Committee", "thanhkhe"),
    ("UBND quận Sơn Trà", "Son Tra District People's Committee", "sontra"),
    ("UBND quận Ngũ Hành Sơn", "Ngu Hanh Son District People's Committee", "nguhanhson"),
    ("UBND quận Liên Chiểu", "Lien Chieu District People's Committee", "lienchieu"),
    ("UBND quận Cẩm Lệ", "Cam Le District People's Committee", "camle"),
    ("UBND huyện Hòa Vang", "Hoa Vang District People's Committee", "hoavang"),
    ("UBND phường Thạch Thang", "Thach Thang Ward People's Committee", "thachthang"),
    ("UBND phường Hòa Cường Bắc", "Hoa Cuong Bac Ward People's Committee", "hoacuongbac"),
    ("UBND phường An Hải Bắc", "An Hai Bac Ward People's Committee", "anhaibac"),
    ("UBND phường Khuê Trung", "Khue Trung Ward People's Committee", "khuetrung"),
    ("Ban Quản lý Khu công nghệ cao và các Khu công nghiệp",
     "Management Board of the Hi-Tech Park and Industrial Zones", "dhpiza"),
    ("Trung tâm Xúc tiến Đầu tư", "Investment Promotion Centre", "ipc"),
]
# hosting customers of the Software Park: (Vietnamese, English, own mail domain)
COMPANIES = [
    ("Công ty TNHH Giải pháp Số Sông Hàn", "Song Han Digital Solutions Co., Ltd", "songhandigital.vn"),
    ("Công ty Cổ phần Công nghệ Mỹ Khê", "My Khe Technology JSC", "mykhetech.com.vn"),
    ("Công ty TNHH Hạ tầng Mạng Miền Trung", "Central Network Infrastructure Co., Ltd", "cni.com.vn"),
    ("Công ty Cổ phần Phần mềm Ngũ Hành", "Ngu Hanh Software JSC", "nguhanhsoft.vn"),
    ("Công ty TNHH Dịch vụ Dữ liệu Bạch Đằng", "Bach Dang Data Services Co., Ltd", "bachdangdata.vn"),
]
POSITIONS = [("Chuyên viên", "Officer"), ("Phó Trưởng phòng", "Deputy Head of Division"),
             ("Trưởng phòng", "Head of Division"), ("Văn thư", "Clerk"), ("Kế toán", "Accountant"),
             ("Cán sự", "Assistant"), ("Phó Chánh Văn phòng", "Deputy Chief of Office")]
DEPARTMENTS = [("Văn phòng Sở", "Office of the Department"),
               ("Phòng Kế hoạch Tài chính", "Planning and Finance Division"),
               ("Phòng Quản lý đô thị", "Urban Management Division"),
               ("Thanh tra Sở", "Inspection Unit"),
               ("Phòng Tổ chức cán bộ", "Personnel Division"),
               ("Phòng Văn hóa và Thông tin", "Culture and Information Division"),
               ("Phòng Nghiệp vụ", "Operations Division"),
               ("Bộ phận Một cửa", "One-stop Service Desk")]

WEB_DESC = {
    "vi": ["Cập nhật giao diện trang chủ và bổ sung chuyên mục Cải cách hành chính",
           "Nâng cấp mã nguồn cổng thông tin lên phiên bản mới, sao lưu cơ sở dữ liệu trước khi cập nhật",
           "Sửa lỗi hiển thị tin bài trên điện thoại và cập nhật mô-đun thống kê truy cập",
           "Bổ sung trang tra cứu thủ tục hành chính và cập nhật cơ sở dữ liệu văn bản",
           "Vá lỗ hổng bảo mật của trình soạn thảo và thay đổi cấu hình kết nối cơ sở dữ liệu",
           "Triển khai bản cập nhật phân hệ hỏi đáp trực tuyến",
           "Cập nhật biểu mẫu đăng ký trực tuyến và chuyển dữ liệu năm cũ sang bảng lưu trữ"],
    "en": ["Deploy the new homepage layout and add an administrative reform section",
           "Upgrade the portal source code to the latest release, backing up the database first",
           "Fix the mobile display of news articles and update the visitor statistics module",
           "Patch the rich-text editor vulnerability and change the database connection settings",
           "Roll out the updated online questions and answers module"],
}
MAIL_DESC = {
    ("vi", "create"): ["Cấp hộp thư công vụ cho cán bộ mới được tuyển dụng",
                       "Cấp mới hộp thư cho công chức được điều động về đơn vị",
                       "Cán bộ mới nhận công tác, cần hộp thư để nhận văn bản điện tử"],
    ("vi", "cancel"): ["Hủy hộp thư của cán bộ đã nghỉ hưu", "Cán bộ đã chuyển công tác ra khỏi đơn vị",
                       "Thu hồi hộp thư của người lao động đã chấm dứt hợp đồng"],
    ("vi", "change"): ["Cấp lại mật khẩu do cán bộ quên mật khẩu",
                       "Đặt lại mật khẩu, tài khoản bị khóa vì nhập sai mật khẩu nhiều lần",
                       "Cấp lại mật khẩu sau thời gian dài nghỉ phép"],
    ("en", "create"): ["New staff members need official mailboxes", "Mailboxes for officials transferred to our unit"],
    ("en", "cancel"): ["The staff member has retired", "The employee has moved to another agency"],
    ("en", "change"): ["Reset the password, the user forgot it",
                       "Reset the password: the account was locked after failed logins"],
}
SUBS = [("quyhoach", "Cổng tra cứu thông tin quy hoạch xây dựng", "Portal for looking up construction planning"),
        ("tuyensinh", "Trang đăng ký tuyển sinh đầu cấp trực tuyến", "Online school enrolment registration"),
        ("hoidap", "Hệ thống hỏi đáp trực tuyến với người dân", "Online questions and answers for citizens"),
        ("dulichso", "Trang quảng bá du lịch số của thành phố", "Digital tourism promotion site"),
        ("thuviens", "Thư viện số của đơn vị", "Digital library of the unit"),
        ("khaosat", "Hệ thống khảo sát mức độ hài lòng của người dân", "Citizen satisfaction survey system"),
        ("vieclam", "Sàn giao dịch việc làm trực tuyến", "Online job exchange"),
        ("bando", "Bản đồ số phục vụ quản lý đô thị", "Digital map for urban management")]
ROOM_PURPOSE = {
    "vi": ["Thay ổ cứng hỏng trên máy chủ đặt tại tủ rack số 07",
           "Kiểm tra đường truyền cáp quang kết nối tủ rack của đơn vị",
           "Sao lưu dữ liệu định kỳ trên máy chủ ứng dụng",
           "Khởi động lại và kiểm tra nguồn máy chủ cơ sở dữ liệu",
           "Thu hồi máy chủ cũ đã hết hợp đồng thuê chỗ đặt",
           "Kiểm tra thiết bị tường lửa đang báo lỗi quạt"],
    "en": ["Replace a failed disk in our server in rack 07", "Check the fibre link to our rack",
           "Routine backup of the application server", "Collect our old server, the co-location contract has ended",
           "Inspect the firewall appliance that reports a fan fault"],
}
EQUIPMENT = {
    "vi": ["01 máy tính xách tay, 01 cáp console", "02 ổ cứng SAS 600GB", "Ổ cứng di động 2TB để sao lưu",
           "Bộ dụng cụ tháo lắp và 01 laptop", "Máy đo cáp quang cầm tay"],
    "en": ["1 laptop and 1 console cable", "2 SAS 600GB disks", "A 2TB portable disk for the backup",
           "A toolkit and a laptop"],
}
SUPPORT = {  # category: (Vietnamese descriptions, English descriptions)
    "network": (["Mạng LAN tầng {f} mất kết nối, các máy không vào được Internet",
                 "Wifi phòng họp chập chờn, thường xuyên rớt kết nối"],
                ["The LAN on floor {f} is down, no PC can reach the Internet", "Meeting room Wi-Fi keeps dropping"]),
    "email": (["Không gửi được thư có tệp đính kèm trên 10MB", "Outlook không đồng bộ được hộp thư công vụ"],
              ["Mails with attachments over 10MB cannot be sent", "Outlook does not sync the official mailbox"]),
    "website": (["Trang thông tin điện tử của đơn vị báo lỗi 502 khi truy cập",
                 "Không đăng nhập được trang quản trị website"],
                ["Our website returns error 502", "Cannot log in to the website admin page"]),
    "software": (["Cài đặt phần mềm quản lý văn bản cho 05 máy tính mới",
                  "Cài đặt chữ ký số và phần mềm ký số cho lãnh đạo"],
                 ["Install the document management software on 5 new PCs",
                  "Install the digital signature software for the directors"]),
    "server": (["Máy chủ ảo của đơn vị bị treo, không truy cập được từ xa", "Máy chủ tệp dùng chung báo đầy ổ đĩa"],
               ["Our virtual server hangs and cannot be reached remotely",
                "The shared file server reports a full disk"]),
    "other": (["Hỗ trợ kết nối thiết bị họp trực tuyến cho phòng họp tầng {f}",
               "Di dời 03 máy in mạng sang phòng làm việc mới"],
              ["Help connect the video conference equipment in the floor {f} meeting room",
               "Move 3 network printers to the new office"]),
}
CATEGORY_WORDS = {"vi": {"network": ["Mạng", "Mạng máy tính", "Hạ tầng mạng"], "email": ["Thư điện tử", "Email"],
                         "website": ["Website", "Trang thông tin điện tử"], "software": ["Phần mềm"],
                         "server": ["Máy chủ"], "other": ["Khác"]},
                  "en": {"network": ["Network"], "email": ["Email", "E-mail"], "website": ["Website"],
                         "software": ["Software"], "server": ["Server"], "other": ["Other"]}}
CATEGORY_BOXES = {"vi": ["Mạng", "Thư điện tử", "Website", "Phần mềm", "Máy chủ", "Khác"],
                  "en": ["Network", "Email", "Website", "Software", "Server", "Other"]}
CATEGORY_ORDER = ["network", "email", "website", "software", "server", "other"]
PRIORITY_WORDS = {"vi": {"urgent": ["Khẩn", "Gấp", "Rất gấp"], "normal": ["Bình thường", "Thông thường", "Không gấp"]},
                  "en": {"urgent": ["Urgent", "URGENT"], "normal": ["Normal", "Routine"]}}
ACTION_WORDS = {"vi": {"create": ["Cấp mới", "Tạo mới hộp thư", "Cấp mới hộp thư điện tử"],
                       "change": ["Thay đổi", "Thay đổi thông tin hộp thư", "Cấp lại mật khẩu"],
                       "cancel": ["Hủy bỏ", "Hủy hộp thư", "Xóa tài khoản thư"]},
                "en": {"create": ["Create", "New mailbox"], "change": ["Change", "Password reset"],
                       "cancel": ["Cancel", "Close the account"]}}
YESNO = {"vi": ("Có", "Không"), "en": ("Yes", "No")}
LOCATIONS = {"vi": ["Phòng {n}, tầng {f}, Trung tâm Hành chính thành phố, 24 Trần Phú",
                    "Tầng {f}, tòa nhà Công viên phần mềm số 2, 15 Quang Trung",
                    "Phòng {n}, tầng {f}, Tòa nhà 02 Quang Trung",
                    "Bộ phận Một cửa, tầng 1, trụ sở đơn vị"],
             "en": ["Room {n}, floor {f}, Da Nang Administrative Centre, 24 Tran Phu",
                    "Floor {f}, Software Park building 2, 15 Quang Trung",
                    "Room {n}, floor {f}, 02 Quang Trung building"]}
MOBILE_PREFIX = ["090", "091", "093", "094", "097", "098", "086", "088", "089", "070", "076", "077",
                 "079", "081", "083", "084", "085", "032", "033", "035", "036", "038", "039", "096"]

# ---------------------------------------------------------------- text helpers


def strip_vi(s):
    """s without Vietnamese diacritics (đ -> d), as typed without a Vietnamese keyboard."""
    s = unicodedata.normalize("NFD", s.replace("đ", "d").replace("Đ", "D"))
    return unicodedata.normalize("NFC", "".join(c for c in s if not unicodedata.combining(c)))


_OLD_TONES = [("òa", "oà"), ("óa", "oá"), ("ỏa", "oả"), ("õa", "oã"), ("ọa", "oạ"),
              ("òe", "oè"), ("óe", "oé"), ("ỏe", "oẻ"), ("õe", "oẽ"), ("ọe", "oẹ"),
              ("ùy", "uỳ"), ("úy", "uý"), ("ủy", "uỷ"), ("ũy", "uỹ"), ("ụy", "uỵ"),
              ("Ủy", "Uỷ"), ("Úy", "Uý")]


def old_tones(s):
    """s with the old tone placement on open oa/oe/uy syllables (Hòa -> Hoà, Ủy -> Uỷ)."""
    for new, old in _OLD_TONES:
        s = re.sub(new + r"(?![^\W\d_])", old, s)
    return s


def ascii_word(s):
    """A name part as it appears in an e-mail address: no diacritics, lower case, no spaces."""
    return re.sub(r"[^a-z0-9]", "", strip_vi(s).lower())


def pick(rng, seq):
    """One element of seq (sequence order, so the seed decides)."""
    return seq[rng.randrange(len(seq))]


def chance(rng, p):
    """True with probability p."""
    return rng.random() < p

# ---------------------------------------------------------------- values


def person(rng, female=None):
    """A Vietnamese full name with the e-mail local part its owner would have."""
    female = chance(rng, 0.5) if female is None else female
    sur = pick(rng, SURNAMES)
    mid = pick(rng, MIDDLE_F if female else MIDDLE_M)
    giv = pick(rng, GIVEN_F if female else GIVEN_M)
    ini = "".join(ascii_word(w)[0] for w in (sur + " " + mid).split())
    g = ascii_word(giv)
    local = pick(rng, [g + ini, ini + g, g + "." + ascii_word(sur), g + ini + str(rng.randint(1, 99))])
    return {"name": f"{sur} {mid} {giv}", "female": female, "local": local}


def mobile(rng):
    """A ten-digit Vietnamese mobile number, national form."""
    return pick(rng, MOBILE_PREFIX) + "".join(str(rng.randint(0, 9)) for _ in range(7))


def landline(rng):
    """An eleven-digit Đà Nẵng landline (0236 3xx xxxx), national form."""
    return "02363" + "".join(str(rng.randint(0, 9)) for _ in range(6))


def weekday_after(d, days):
    """The first Monday-to-Friday date at least days after d."""
    d = d + datetime.timedelta(days=days)
    while d.weekday() >= 5:
        d += datetime.timedelta(days=1)
    return d


def id_number(rng):
    """A citizen ID: 12-digit CCCD of Đà Nẵng (048…) or an old 9-digit CMND."""
    if chance(rng, 0.8):
        return "048" + str(rng.randint(0, 3)) + f"{rng.randint(60, 99):02d}" + f"{rng.randint(0, 999999):06d}"
    return "20" + f"{rng.randint(0, 9999999):07d}"


def ip_address(rng):
    """An IPv4 address in a hosting range."""
    net = pick(rng, ["103.101.161", "103.101.162", "103.101.163", "10.32.14", "172.16.8"])
    return net + "." + str(rng.randint(2, 250))


def approval_ref(rng):
    """A City People's Committee letter number like 5127/UBND-KGVX."""
    return f"{rng.randint(1000, 9999)}/UBND-{pick(rng, ['KTN', 'KGVX', 'VP', 'NC', 'TH', 'KT'])}"


def account(rng, lang):
    """One mailbox account: name, position, department, address, mobile."""
    p = person(rng)
    pos = pick(rng, POSITIONS)
    dep = pick(rng, DEPARTMENTS)
    return {"full_name": p["name"], "position": pos[lang == "en"], "department": dep[lang == "en"],
            "address": p["local"] + "@danang.gov.vn", "mobile": mobile(rng)}


def visitor(rng, org):
    """One server-room visitor: name, organisation, citizen ID, phone."""
    return {"full_name": person(rng)["name"], "organization": org, "id_no": id_number(rng), "phone": mobile(rng)}


def requester(rng, lang, kind):
    """The unit and the contact person of a request, with dates."""
    company = kind in ("server_room", "tech_support") and chance(rng, 0.3)
    u = pick(rng, COMPANIES) if company else pick(rng, UNITS)
    p = person(rng)
    dom = u[2] if company else u[2] + ".danang.gov.vn"
    email = p["local"] + "@" + (dom if company or chance(rng, 0.4) else "danang.gov.vn")
    day0 = datetime.date(2026, 9, 1) + datetime.timedelta(days=rng.randint(0, 300))
    return {"unit": u[1] if lang == "en" else u[0], "unit_vi": u[0], "dom": dom, "company": company,
            "name": p["name"], "female": p["female"], "email": email,
            "phone": mobile(rng) if chance(rng, 0.75) else landline(rng),
            "request_date": weekday_after(day0, 0), "when": weekday_after(day0, rng.randint(2, 15)),
            "hour": pick(rng, [7, 8, 8, 9, 9, 10, 13, 14, 14, 15, 16]), "minute": pick(rng, [0, 0, 0, 30, 30, 15, 45])}


def make_values(kind, rng, lang, i):
    """Everything a request of this kind says, as canonical values."""
    v = requester(rng, lang, kind)
    v["kind"] = kind
    li = 1 if lang == "en" else 0
    if kind == "website_update":
        host = v["dom"] if chance(rng, 0.7) else pick(rng, ["www.", "portal.", "egov."]) + v["dom"]
        v["website_url"] = pick(rng, ["https://", "http://", "https://", ""]) + host
        v["description"] = pick(rng, WEB_DESC[lang])
    elif kind == "mailbox":
        v["action"] = ["create", "cancel", "change"][(i // 5) % 3]
        n = 1 if v["action"] == "change" else rng.randint(1, 3)
        v["accounts"] = [account(rng, lang) for _ in range(n)]
        v["description"] = pick(rng, MAIL_DESC[(lang, v["action"])])
    elif kind == "subdomain":
        s = pick(rng, SUBS)
        v["subdomain"] = s[0] + pick(rng, ["", "", "-" + v["dom"].split(".")[0]]) + ".danang.gov.vn"
        v["purpose"] = s[1 + li]
        v["approval_ref"] = approval_ref(rng)
        v["letter_date"] = v["request_date"] - datetime.timedelta(days=rng.randint(5, 40))
        v["target_ip"] = ip_address(rng)
        a = person(rng)
        v["admin"] = {"name": a["name"], "phone": mobile(rng), "email": a["local"] + "@danang.gov.vn"}
    elif kind == "server_room":
        org = v["unit"] if chance(rng, 0.5) else pick(rng, COMPANIES)[li]
        v["visitors"] = [visitor(rng, org) for _ in range(rng.randint(1, 2))]
        v["purpose"] = pick(rng, ROOM_PURPOSE[lang])
        v["equipment"] = pick(rng, EQUIPMENT[lang])
        v["until"] = (v["hour"] + rng.randint(1, 3), pick(rng, [0, 0, 30]))
        v["emergency"] = chance(rng, 0.3)
    else:
        v["category"] = CATEGORY_ORDER[rng.randrange(6)]
        f = rng.randint(2, 12)
        v["description"] = pick(rng, SUPPORT[v["category"]][li]).format(f=f)
        v["location"] = pick(rng, LOCATIONS[lang]).format(n=f * 100 + rng.randint(1, 20), f=f)
        v["priority"] = pick(rng, ["urgent", "normal", "normal"])
        v["emergency"] = chance(rng, 0.3)
    return v

# ---------------------------------------------------------------- how values are written

MONTHS_EN = ["January", "February", "March", "April", "May", "June", "July", "August", "September",
             "October", "November", "December"]
WEEKDAYS_VI = ["Thứ Hai", "Thứ Ba", "Thứ Tư", "Thứ Năm", "Thứ Sáu", "Thứ Bảy", "Chủ nhật"]
WEEKDAYS_EN = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
DATE_STD = {"vi": ["dmy"], "en": ["dmy", "mdy_en"]}
DATE_WIDE = {"vi": ["dmy", "d_m_y", "dot", "dash", "words", "iso", "weekday_vi"],
             "en": ["mdy_en", "dmy_en", "short_en", "iso", "weekday_en", "dmy"]}
TIME_STD = {"vi": ["colon", "h"], "en": ["colon", "ampm"]}
TIME_WIDE = {"vi": ["colon", "h", "g", "gio", "short", "buoi"], "en": ["colon", "ampm", "ampm_tight", "short"]}
MOBILE_STD = ["{a} {b} {c}", "{a}{b}{c}", "{a}.{b}.{c}"]
MOBILE_WIDE = ["{a} {b} {c}", "{a}.{b}.{c}", "{a}-{b}-{c}", "+84 {a1} {b} {c}", "+84{a1}{b}{c}",
               "(+84) {a1}.{b}.{c}", "{x} {y} {z}", "84 {a1} {b} {c}"]
LAND_STD = ["{p} {q} {r}", "{p}.{q}{r}", "({p}) {q} {r}"]
LAND_WIDE = ["({p}) {q} {r}", "{p}.{q}.{r}", "{p} {q1} {q2} {r}", "+84 {p1} {q} {r}", "{p}-{q}-{r}",
             "({p}) {q}.{r}", "{p}{q}{r}"]


class Show:
    """How one writer writes dates, times and phone numbers; wide=True varies them per value."""

    def __init__(self, rng, lang, wide):
        self.rng, self.lang, self.wide = rng, lang, wide
        self.date_style = pick(rng, (DATE_WIDE if wide else DATE_STD)[lang])
        self.time_style = pick(rng, (TIME_WIDE if wide else TIME_STD)[lang])
        self.mob_style = pick(rng, MOBILE_WIDE if wide else MOBILE_STD)
        self.land_style = pick(rng, LAND_WIDE if wide else LAND_STD)

    def _style(self, attr, pool):
        """The writer's style, or a new one per value when wide."""
        return pick(self.rng, pool) if self.wide and chance(self.rng, 0.6) else getattr(self, attr)

    def date(self, d, after_ngay=False):
        """d as the writer writes it; after_ngay: the label already says "ngày"."""
        s = self._style("date_style", DATE_WIDE[self.lang])
        if s == "words" and after_ngay:
            return f"{d.day} tháng {d.month} năm {d.year}"
        return {"dmy": f"{d.day:02d}/{d.month:02d}/{d.year}", "d_m_y": f"{d.day}/{d.month}/{d.year}",
                "dot": f"{d.day:02d}.{d.month:02d}.{d.year}", "dash": f"{d.day}-{d.month}-{d.year}",
                "words": f"ngày {d.day} tháng {d.month} năm {d.year}", "iso": d.isoformat(),
                "weekday_vi": f"{WEEKDAYS_VI[d.weekday()]}, {d.day:02d}/{d.month:02d}/{d.year}",
                "mdy_en": f"{MONTHS_EN[d.month - 1]} {d.day}, {d.year}",
                "dmy_en": f"{d.day} {MONTHS_EN[d.month - 1]} {d.year}",
                "short_en": f"{d.day} {MONTHS_EN[d.month - 1][:3]} {d.year}",
                "weekday_en": f"{WEEKDAYS_EN[d.weekday()]}, {MONTHS_EN[d.month - 1]} {d.day}, {d.year}"}[s]

    def time(self, h, m):
        """h:m as the writer writes it (all forms are unambiguous 24-hour readings)."""
        s = self._style("time_style", TIME_WIDE[self.lang])
        if s == "buoi" and m:
            s = "h"
        if s == "colon":
            return f"{h:02d}:{m:02d}"
        if s == "short":
            return f"{h}:{m:02d}"
        if s == "h":
            return f"{h}h{m:02d}" if m or chance(self.rng, 0.5) else f"{h}h"
        if s == "g":
            return f"{h}g{m:02d}"
        if s == "gio":
            return f"{h} giờ {m} phút" if m else f"{h} giờ"
        if s == "buoi":
            return f"{h - 12 if h > 12 else h} giờ {'sáng' if h < 12 else 'chiều'}"
        h12 = h - 12 if h > 12 else h
        ap = "AM" if h < 12 else "PM"
        if s == "ampm":
            return f"{h12}:{m:02d} {ap}"
        return f"{h12}:{m:02d}{ap.lower()}" if m or chance(self.rng, 0.5) else f"{h12}{ap.lower()}"

    def span(self, a, b):
        """A time range from a to b (hour, minute pairs)."""
        ta, tb = self.time(*a), self.time(*b)
        if self.lang == "en":
            return pick(self.rng, [f"{ta} - {tb}", f"from {ta} to {tb}", f"{ta} to {tb}"])
        return pick(self.rng, [f"từ {ta} đến {tb}", f"{ta} - {tb}", f"{ta} – {tb}", f"{ta} đến {tb}"])

    def moment(self, d, h=None, m=0):
        """A date, or a date with a time of day."""
        ds = self.date(d)
        if h is None:
            return ds
        t = self.time(h, m)
        if self.lang == "en":
            return pick(self.rng, [f"{ds} at {t}", f"{t} on {ds}", f"{ds}, {t}"])
        return pick(self.rng, [f"{t} ngày {ds}" if not ds.startswith("ngày") else f"{t} {ds}",
                               f"{ds} lúc {t}", f"{ds}, {t}", f"lúc {t}, {ds}"])

    def phone(self, digits):
        """A national-form phone number as the writer types it."""
        if len(digits) == 11:
            s = self._style("land_style", LAND_WIDE)
            return s.format(p=digits[:4], p1=digits[1:4], q=digits[4:8], q1=digits[4], q2=digits[5:8],
                            r=digits[8:])
        s = self._style("mob_style", MOBILE_WIDE)
        return s.format(a=digits[:4], a1=digits[1:4], b=digits[4:7], c=digits[7:],
                        x=digits[:3], y=digits[3:6], z=digits[6:])

# ---------------------------------------------------------------- labels (the first ones are the usual)

LABELS = {
    "vi": {
        "requesting_unit": ["Đơn vị yêu cầu", "Cơ quan/đơn vị", "Tên đơn vị", "Đơn vị đề nghị", "Cơ quan đề nghị",
                            "Tên cơ quan, đơn vị", "Đơn vị gửi yêu cầu"],
        "contact_name": ["Người liên hệ", "Họ và tên", "Cán bộ phụ trách", "Cán bộ đầu mối", "Người đề nghị",
                         "Họ tên người liên hệ", "Người lập phiếu"],
        "contact_phone": ["Điện thoại", "SĐT", "Di động", "Số điện thoại liên hệ", "Điện thoại liên lạc", "ĐTDĐ", "ĐT"],
        "contact_email": ["Email", "Thư điện tử", "E-mail", "Địa chỉ thư điện tử", "Hộp thư liên hệ", "Mail"],
        "request_date": ["Ngày đề nghị", "Ngày lập phiếu", "Ngày gửi yêu cầu"],
        "description": ["Nội dung yêu cầu", "Nội dung", "Mô tả", "Mô tả yêu cầu", "Nội dung công việc",
                        "Chi tiết yêu cầu"],
        "desired_time": ["Thời gian đề nghị", "Thời gian thực hiện", "Thời gian mong muốn", "Đề nghị thực hiện vào",
                         "Thời điểm đề nghị thực hiện"],
        "website_url": ["Địa chỉ website", "Website", "Trang web", "Địa chỉ trang thông tin điện tử",
                        "Tên miền của website", "URL"],
        "mailbox_action": ["Hình thức", "Loại yêu cầu", "Yêu cầu", "Đề nghị"],
        "change_detail": ["Nội dung thay đổi", "Chi tiết thay đổi", "Nội dung cần thay đổi", "Thay đổi cụ thể"],
        "reason": ["Lý do", "Lý do đề nghị", "Ghi chú"],
        "accounts": ["Danh sách tài khoản", "Danh sách hộp thư", "Thông tin tài khoản", "Danh sách cán bộ"],
        "subdomain": ["Tên miền con", "Tên miền đề nghị", "Tên miền đăng ký", "Subdomain", "Tên miền cần tạo"],
        "approval_ref": ["Công văn chấp thuận", "Văn bản đồng ý của UBND thành phố", "Số công văn", "Căn cứ",
                         "Văn bản cho phép"],
        "target_ip": ["Địa chỉ IP", "IP máy chủ", "Trỏ về địa chỉ IP", "Địa chỉ IP trỏ đến", "IP"],
        "purpose": ["Mục đích sử dụng", "Mục đích", "Mục đích sử dụng tên miền", "Phục vụ cho"],
        "admin": ["Người quản trị kỹ thuật", "Cán bộ quản trị kỹ thuật", "Thông tin người quản trị",
                  "Quản trị kỹ thuật"],
        "room_purpose": ["Mục đích", "Nội dung công việc", "Mục đích vào phòng", "Công việc thực hiện"],
        "visit_date": ["Ngày vào", "Ngày vào phòng máy chủ", "Ngày thực hiện", "Ngày làm việc"],
        "time_span": ["Thời gian", "Khung giờ", "Thời gian làm việc", "Giờ vào - ra"],
        "time_from": ["Giờ vào", "Từ lúc", "Bắt đầu"],
        "time_to": ["Giờ ra", "Đến lúc", "Kết thúc"],
        "visitors": ["Danh sách người vào phòng", "Người vào phòng hệ thống", "Thành phần tham gia",
                     "Nhân sự thực hiện"],
        "equipment": ["Thiết bị mang theo", "Thiết bị đem vào", "Thiết bị, vật tư mang vào", "Công cụ/thiết bị"],
        "emergency": ["Sự cố đột xuất", "Xử lý sự cố đột xuất", "Khẩn cấp (đã báo qua điện thoại)"],
        "category": ["Hạng mục hỗ trợ", "Loại hỗ trợ", "Lĩnh vực", "Phân loại", "Hạng mục"],
        "location": ["Địa điểm", "Vị trí", "Địa điểm hỗ trợ", "Nơi cần hỗ trợ"],
        "priority": ["Mức độ", "Độ ưu tiên", "Mức độ khẩn", "Mức ưu tiên"],
        "contact": ["Người liên hệ", "Thông tin người liên hệ", "Liên hệ"],
        "sub_name": ["Họ và tên", "Họ tên"], "sub_phone": ["Điện thoại", "Di động", "ĐT"],
        "sub_email": ["Email", "Thư điện tử"],
    },
    "en": {
        "requesting_unit": ["Requesting unit", "Agency", "Organization", "Unit", "Requesting agency"],
        "contact_name": ["Contact person", "Contact", "Name", "Person in charge"],
        "contact_phone": ["Phone", "Telephone", "Mobile", "Tel", "Phone number"],
        "contact_email": ["Email", "E-mail", "Email address"],
        "request_date": ["Request date", "Date of request", "Date submitted"],
        "description": ["Description", "Details", "Request details", "Work to be done"],
        "desired_time": ["Preferred time", "Requested time", "Proposed date", "When"],
        "website_url": ["Website", "Website address", "Site URL"],
        "mailbox_action": ["Action", "Request type", "Type of request"],
        "change_detail": ["Change requested", "Details of the change", "What to change"],
        "reason": ["Reason", "Note"],
        "accounts": ["Accounts", "Mailbox list", "Accounts concerned"],
        "subdomain": ["Subdomain", "Requested subdomain", "Domain name"],
        "approval_ref": ["Approval letter", "City approval ref", "Approval reference", "Official letter no."],
        "target_ip": ["Target IP", "Server IP", "IP address"],
        "purpose": ["Purpose", "Used for"],
        "admin": ["Technical administrator", "Technical contact", "Administrator"],
        "room_purpose": ["Purpose", "Purpose of visit", "Work"],
        "visit_date": ["Visit date", "Date of visit", "Date"],
        "time_span": ["Time", "Time slot", "Hours"],
        "time_from": ["From", "Time in", "Arrival"],
        "time_to": ["To", "Time out", "Departure"],
        "visitors": ["Visitors", "People entering", "Staff"],
        "equipment": ["Equipment", "Equipment brought in", "Tools"],
        "emergency": ["Emergency", "Emergency call-out"],
        "category": ["Category", "Type of support", "Support area"],
        "location": ["Location", "Where", "Place"],
        "priority": ["Priority", "Urgency"],
        "contact": ["Contact", "Contact person", "Our contact"],
        "sub_name": ["Name", "Full name"], "sub_phone": ["Phone", "Mobile"], "sub_email": ["Email", "E-mail"],
    },
}
ACC_HEADERS = {"vi": {"full_name": ["Họ và tên", "Họ tên", "Tên cán bộ"], "position": ["Chức vụ", "Chức danh"],
                      "department": ["Phòng ban", "Đơn vị công tác", "Bộ phận", "Phòng/Ban"],
                      "address": ["Địa chỉ hộp thư", "Hộp thư", "Email", "Tên tài khoản thư", "Địa chỉ email"],
                      "mobile": ["Di động", "Điện thoại", "SĐT", "Số di động"]},
               "en": {"full_name": ["Full name", "Name"], "position": ["Position", "Title"],
                      "department": ["Department", "Division"], "address": ["Mailbox", "Email address", "Address"],
                      "mobile": ["Mobile", "Phone"]}}
VIS_HEADERS = {"vi": {"full_name": ["Họ và tên", "Họ tên", "Người vào"],
                      "organization": ["Đơn vị", "Cơ quan", "Đơn vị công tác", "Công ty"],
                      "id_no": ["Số CCCD", "CMND/CCCD", "Số định danh cá nhân", "Số CCCD/CMND"],
                      "phone": ["Điện thoại", "SĐT", "Di động"]},
               "en": {"full_name": ["Full name", "Name"], "organization": ["Organization", "Company"],
                      "id_no": ["ID number", "ID card no."], "phone": ["Phone", "Mobile"]}}
NUMBER_WORDS = {"vi": ["Người thứ nhất", "Người thứ hai", "Người thứ ba"], "en": ["Person 1", "Person 2", "Person 3"]}
TITLES = {"vi": {"website_update": "PHIẾU YÊU CẦU CẬP NHẬT MÃ NGUỒN WEBSITE",
                 "mailbox": "PHIẾU YÊU CẦU CẤP MỚI/THAY ĐỔI/HỦY BỎ HỘP THƯ ĐIỆN TỬ",
                 "subdomain": "PHIẾU YÊU CẦU TẠO TÊN MIỀN CON CỦA DANANG.GOV.VN",
                 "server_room": "PHIẾU YÊU CẦU VÀO RA PHÒNG HỆ THỐNG",
                 "tech_support": "PHIẾU ĐĂNG KÝ HỖ TRỢ KỸ THUẬT"},
          "en": {"website_update": "REQUEST FOR A WEBSITE SOURCE CODE UPDATE",
                 "mailbox": "MAILBOX REQUEST (CREATE / CHANGE / CANCEL)",
                 "subdomain": "REQUEST FOR A SUBDOMAIN OF DANANG.GOV.VN",
                 "server_room": "SERVER ROOM ACCESS REQUEST",
                 "tech_support": "TECHNICAL SUPPORT REQUEST"}}


class Labels:
    """The labels one writer uses: the usual ones, or any of the synonyms when wide."""

    def __init__(self, rng, lang, wide):
        self.rng, self.lang, self.wide, self.seen = rng, lang, wide, {}

    def __call__(self, key):
        """The label for key, the same each time within one message."""
        if key not in self.seen:
            pool = LABELS[self.lang][key]
            self.seen[key] = pick(self.rng, pool if self.wide else pool[:2])
        return self.seen[key]

    def header(self, table, key):
        """A column header of the accounts or visitors table."""
        pool = table[self.lang][key]
        return pick(self.rng, pool if self.wide else pool[:1])

# ---------------------------------------------------------------- what a request says


class Form:
    """A request as written: lines before the title, title, opener, items, closing;
    and the fields a perfect parser reads from it."""

    def __init__(self, kind, lang):
        self.kind, self.lang = kind, lang
        self.pre, self.title, self.opener, self.items, self.post = [], None, [], [], []
        self.fields, self.optional, self.ignore = {}, {}, []

    def add(self, key, label, shown, value):
        """One "label: value" item; key None for an item that is no field."""
        self.items.append(("field", label, shown))
        if key:
            self.fields[key] = value

    def checks(self, key, label, options, chosen, value):
        """A line of tick boxes with one ticked."""
        self.items.append(("checks", label, options, chosen))
        self.fields[key] = value

    def section(self, heading, rows):
        """A heading whose lines (key, label, shown, value) belong to it."""
        self.items.append(("section", heading, [(lab, shown) for _, lab, shown, _ in rows]))
        for key, _, _, value in rows:
            self.fields[key] = value

    def table(self, key, caption, headers, rows, values, blocks=False):
        """A list of accounts or visitors: as a table, or as one block per entry."""
        self.items.append(("blocks" if blocks else "table", caption, headers, rows))
        self.fields[key] = values

    def line(self, text, key=None, value=None, where="items"):
        """A line of text; with key, a field it states (a date line)."""
        getattr(self, where).append(("text", text) if where == "items" else text)
        if key:
            self.fields[key] = value


def iso_moment(d, h=None, m=0):
    """The DOMAIN form of desired_time: a date, or date T HH:MM."""
    return d.isoformat() if h is None else f"{d.isoformat()}T{h:02d}:{m:02d}"


def date_line(v, lang, rng):
    """The "Đà Nẵng, ngày … tháng … năm …" line of a form."""
    d = v["request_date"]
    if lang == "en":
        return pick(rng, [f"Da Nang, {MONTHS_EN[d.month - 1]} {d.day}, {d.year}",
                          f"Da Nang, {d.day} {MONTHS_EN[d.month - 1]} {d.year}"])
    dd = f"{d.day:02d}" if chance(rng, 0.5) else str(d.day)
    mm = f"{d.month:02d}" if chance(rng, 0.3) else str(d.month)
    return pick(rng, ["Đà Nẵng", "TP. Đà Nẵng", "Đà Nẵng"]) + f", ngày {dd} tháng {mm} năm {d.year}"


def shown_email(rng, addr, o):
    """An address as typed: sometimes with capitals, or as mailto text."""
    if o.get("caps") and chance(rng, 0.5):
        local, dom = addr.split("@")
        return local.capitalize() + "@" + dom.upper() if chance(rng, 0.3) else local.upper() + "@" + dom
    return addr


def fill_head(f, v, L, S, o, rng):
    """Unit and contact person, flat or as a section."""
    f.add("requesting_unit", L("requesting_unit"), v["unit"], v["unit"])
    rows = [("contact_name", L("contact_name"), v["name"], v["name"]),
            ("contact_phone", L("contact_phone"), S.phone(v["phone"]), v["phone"])]
    if not o.get("no_email"):
        rows.append(("contact_email", L("contact_email"), shown_email(rng, v["email"], o), v["email"]))
    if o.get("sections"):
        subs = [L("sub_name"), L("sub_phone"), L("sub_email")]
        f.section(L("contact"), [(k, subs[j], s, val) for j, (k, _, s, val) in enumerate(rows)])
        return
    for row in rows:
        f.add(*row)


def fill_date(f, v, L, S, o, rng):
    """The request date, as a labelled line or the place-and-date line, if the writer gives it."""
    if not o.get("date", True):
        return
    d = v["request_date"]
    if o.get("date_label"):
        f.add("request_date", L("request_date"), S.date(d, after_ngay=True), d.isoformat())
    else:
        f.line(date_line(v, f.lang, rng), "request_date", d.isoformat(), where=pick(rng, ["pre", "post"]))


def fill_desired(f, v, L, S, o, rng, p=0.8):
    """desired_time: a date, or date and hour, with probability p."""
    if not chance(rng, p):
        return
    h, m = (v["hour"], v["minute"]) if chance(rng, 0.5) else (None, 0)
    f.add("desired_time", L("desired_time"), S.moment(v["when"], h, m), iso_moment(v["when"], h, m))


def fill_website(f, v, L, S, o, rng):
    """Form 01: website address, what to change, when."""
    f.add("website_url", L("website_url"), v["website_url"], v["website_url"])
    f.add("description", L("description"), v["description"], v["description"])
    fill_desired(f, v, L, S, o, rng)


def account_table(f, v, L, S, o, rng):
    """The accounts of a mailbox request as a table or blocks."""
    cols = ["full_name", "position", "department", "address", "mobile"]
    keep = [c for c in cols if c in ("full_name", "address") or chance(rng, 0.75)]
    heads = [L.header(ACC_HEADERS, c) for c in keep]
    rows, vals = [], []
    for a in v["accounts"]:
        rows.append([S.phone(a[c]) if c == "mobile" else a[c] for c in keep])
        vals.append({c: a[c] for c in keep})
    f.table("accounts", L("accounts"), heads, rows, vals, blocks=o.get("blocks", False))


def fill_mailbox(f, v, L, S, o, rng):
    """Form 02: what to do, with which accounts, and why."""
    act = v["action"]
    words = ACTION_WORDS[f.lang]
    if o.get("boxes"):
        opts = [pick(rng, words[a][:1]) for a in ("create", "change", "cancel")]
        f.checks("mailbox_action", L("mailbox_action"), opts, ["create", "change", "cancel"].index(act), act)
    else:
        f.add("mailbox_action", L("mailbox_action"), pick(rng, words[act]), act)
    account_table(f, v, L, S, o, rng)
    if act == "change":
        f.add("change_detail", L("change_detail"), v["description"], v["description"])
    elif chance(rng, 0.8):
        f.add("description", L(pick(rng, ["reason", "description"])), v["description"], v["description"])


def shown_ref(v, S, lang, rng):
    """The approval letter as cited: the bare number or with its date."""
    ref, d = v["approval_ref"], S.date(v["letter_date"], after_ngay=True)
    if lang == "en":
        return pick(rng, [ref, f"Letter No. {ref} dated {d}", f"{ref} of {d}"])
    return pick(rng, [ref, f"Công văn số {ref} ngày {d} của UBND thành phố", f"CV số {ref}", f"số {ref} ngày {d}"])


def fill_subdomain(f, v, L, S, o, rng):
    """Form 03: name, approval letter, IP, purpose, technical administrator."""
    f.add("subdomain", L("subdomain"), v["subdomain"], v["subdomain"])
    if not o.get("no_letter"):
        f.add("approval_ref", L("approval_ref"), shown_ref(v, S, f.lang, rng), v["approval_ref"])
    f.add("target_ip", L("target_ip"), v["target_ip"], v["target_ip"])
    f.add("purpose", L("purpose"), v["purpose"], v["purpose"])
    a = v["admin"]
    rows = [("admin_name", a["name"], a["name"]), ("admin_phone", S.phone(a["phone"]), a["phone"]),
            ("admin_email", shown_email(rng, a["email"], o), a["email"])]
    if o.get("flat_admin"):
        suffix = {"vi": [" người quản trị", " quản trị kỹ thuật"], "en": [" of the administrator", " (admin)"]}[f.lang]
        sfx = pick(rng, suffix)
        for (k, s, val), sub in zip(rows, ("sub_name", "sub_phone", "sub_email")):
            f.add(k, L(sub) + sfx, s, val)
    else:
        subs = [L("sub_name"), L("sub_phone"), L("sub_email")]
        f.section(L("admin"), [(k, subs[j], s, val) for j, (k, s, val) in enumerate(rows)])
    fill_desired(f, v, L, S, o, rng, p=0.3)


def visitor_table(f, v, L, S, o, rng):
    """The visitors of a server-room request as a table or blocks."""
    cols = ["full_name", "organization", "id_no", "phone"]
    keep = [c for c in cols if c == "full_name" or chance(rng, 0.85)]
    heads = [L.header(VIS_HEADERS, c) for c in keep]
    rows, vals = [], []
    for p in v["visitors"]:
        rows.append([S.phone(p[c]) if c == "phone" else p[c] for c in keep])
        vals.append({c: p[c] for c in keep})
    f.table("visitors", L("visitors"), heads, rows, vals, blocks=o.get("blocks", False))


def fill_emergency(f, v, L, S, o, rng, p):
    """The emergency statement, with probability p; otherwise "not an emergency" is only optional."""
    if not chance(rng, p):
        f.optional["emergency"] = False
        return
    yes, no = YESNO[f.lang]
    if o.get("boxes"):
        f.checks("emergency", L("emergency"), [yes, no], 0 if v["emergency"] else 1, v["emergency"])
    else:
        f.add("emergency", L("emergency"), yes if v["emergency"] else no, v["emergency"])


def fill_server_room(f, v, L, S, o, rng):
    """Form 04: day, hours, who, why, with what."""
    d, a, b = v["when"], (v["hour"], v["minute"]), v["until"]
    lab = L("visit_date")
    f.add("visit_date", lab, S.date(d, after_ngay=lab.startswith("Ngày")), d.isoformat())
    if o.get("split_times"):
        f.add("time_from", L("time_from"), S.time(*a), f"{a[0]:02d}:{a[1]:02d}")
        f.add("time_to", L("time_to"), S.time(*b), f"{b[0]:02d}:{b[1]:02d}")
    else:
        f.add(None, L("time_span"), S.span(a, b), None)
        f.fields["time_from"], f.fields["time_to"] = f"{a[0]:02d}:{a[1]:02d}", f"{b[0]:02d}:{b[1]:02d}"
    visitor_table(f, v, L, S, o, rng)
    f.add("purpose", L("room_purpose"), v["purpose"], v["purpose"])
    if chance(rng, 0.7):
        f.add("equipment", L("equipment"), v["equipment"], v["equipment"])
    fill_emergency(f, v, L, S, o, rng, 0.5)


def fill_tech_support(f, v, L, S, o, rng):
    """Form 05: where, what kind, how urgent, what is wrong."""
    f.add("location", L("location"), v["location"], v["location"])
    cat = v["category"]
    if o.get("boxes"):
        f.checks("category", L("category"), CATEGORY_BOXES[f.lang], CATEGORY_ORDER.index(cat), cat)
    else:
        f.add("category", L("category"), pick(rng, CATEGORY_WORDS[f.lang][cat]), cat)
    if chance(rng, 0.8):
        pw = PRIORITY_WORDS[f.lang]
        if o.get("boxes"):
            f.checks("priority", L("priority"), [pw["urgent"][0], pw["normal"][0]],
                     0 if v["priority"] == "urgent" else 1, v["priority"])
        else:
            f.add("priority", L("priority"), pick(rng, pw[v["priority"]]), v["priority"])
    f.add("description", L("description"), v["description"], v["description"])
    fill_desired(f, v, L, S, o, rng, p=0.4)
    fill_emergency(f, v, L, S, o, rng, 0.4)


FILL = {"website_update": fill_website, "mailbox": fill_mailbox, "subdomain": fill_subdomain,
        "server_room": fill_server_room, "tech_support": fill_tech_support}


def make_form(v, lang, rng, o):
    """The Form of request v written in lang with options o (labels, values, layout wishes)."""
    f = Form(v["kind"], lang)
    L = Labels(rng, lang, o.get("wide_labels", False))
    S = Show(rng, lang, o.get("wide_values", False))
    if o.get("title", chance(rng, 0.6)):
        f.title = TITLES[lang][v["kind"]]
        if chance(rng, 0.4):
            word = pick(rng, ["Mẫu số ", "Biểu mẫu số "] if lang == "vi" else ["Form "])
            f.title = word + FORM_CODE[v["kind"]] + "\n" + f.title
    fill_head(f, v, L, S, o, rng)
    FILL[v["kind"]](f, v, L, S, o, rng)
    fill_date(f, v, L, S, o, rng)
    if o.get("no_email"):
        f.optional["contact_email"] = o.get("sender", v["email"])
    return f

# ---------------------------------------------------------------- rendering as plain text

ROMAN = ["I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII", "XIII", "XIV", "XV", "XVI"]
BOXES = [("☒", "☐"), ("☑", "☐"), ("[x]", "[ ]"), ("(x)", "( )"), ("■", "□")]


def bullet(num, n):
    """The prefix of the n-th (1-based) top-level item in numbering style num."""
    if not num:
        return ""
    if num == "1.":
        return f"{n}. "
    if num == "1)":
        return f"{n}) "
    if num == "I.":
        return f"{ROMAN[n - 1]}. "
    if num == "a.":
        return f"{'abcdefghijklmnopqrstuvwxyz'[n - 1]}. "
    return num + " "


def box_text(options, chosen, lay):
    """Tick boxes in a line, or just the ticked word."""
    if lay.get("boxes_plain"):
        return options[chosen]
    on, off = lay.get("box", BOXES[0])
    return "  ".join(f"{on if j == chosen else off} {o}" for j, o in enumerate(options))


def field_lines(prefix, label, shown, lay):
    """One label and its value in the writer's layout."""
    if lay.get("upper"):
        label = label.upper()
    dots = lay.get("dots")
    if lay.get("nextline"):
        return [f"{prefix}{label}:", lay.get("value_indent", "") + shown]
    if dots == "before":
        return [f"{prefix}{label}{'…' * lay.get('ndots', 12)}: {shown}"]
    if dots == "after":
        return [f"{prefix}{label}: {shown} {'.' * lay.get('ndots', 12)}"]
    if dots == "between":
        return [f"{prefix}{label}: {'…' * lay.get('ndots', 6)} {shown}"]
    return [f"{prefix}{label}{lay.get('sep', ': ')}{shown}"]


def table_lines(headers, rows, how):
    """A list of entries as plain-text table lines."""
    if how == "tab":
        return ["\t".join(headers)] + ["\t".join(r) for r in rows]
    if how == "md":
        return (["| " + " | ".join(headers) + " |", "|" + "|".join("---" for _ in headers) + "|"]
                + ["| " + " | ".join(r) + " |" for r in rows])
    if how == "spaces":
        w = [max(len(x) for x in col) + 3 for col in zip(headers, *rows)]
        return ["".join(x.ljust(w[j]) for j, x in enumerate(r)).rstrip() for r in [headers] + rows]
    if how == "numbered":
        return [f"{j + 1}. " + ", ".join(r) for j, r in enumerate(rows)]
    return [" | ".join(headers)] + [" | ".join(r) for r in rows]


def block_lines(headers, rows, lay, lang):
    """A list of entries as one block of "label: value" lines each."""
    out = []
    for j, r in enumerate(rows):
        out.append(NUMBER_WORDS[lang][j] + ":" if lay.get("person_blocks") else f"{j + 1}.")
        out += [f"{lay.get('indent', '   ')}{lay.get('sub', '- ')}{h}: {x}" for h, x in zip(headers, r)]
    return out


def render_text(form, lay):
    """The whole request as plain-text lines in layout lay."""
    out = list(form.pre)
    if form.pre:
        out.append("")
    if form.title:
        out += form.title.split("\n") + [""]
    if form.opener:
        out += form.opener + [""]
    n = 0
    for it in form.items:
        if it[0] == "text":
            out.append(it[1])
            continue
        n += 1
        pre = bullet(lay.get("num"), n)
        if it[0] == "field":
            out += field_lines(pre, it[1], it[2], lay)
        elif it[0] == "checks":
            out += field_lines(pre, it[1], box_text(it[2], it[3], lay), dict(lay, nextline=False))
        elif it[0] == "section":
            out.append(pre + (it[1].upper() if lay.get("upper") else it[1]) + ":")
            sub = dict(lay, nextline=False, dots=None, upper=False)
            for lab, shown in it[2]:
                out += field_lines(lay.get("indent", "   ") + lay.get("sub", "- "), lab, shown, sub)
        else:
            out.append(pre + (it[1].upper() if lay.get("upper") else it[1]) + ":")
            if it[0] == "blocks":
                out += block_lines(it[2], it[3], lay, form.lang)
            else:
                out += table_lines(it[2], it[3], lay.get("table", "pipe"))
    if form.post:
        out += [""] + form.post
    return out


def text_layout(rng, wide):
    """A plain-text layout: separators, numbering, leaders, value lines, tables."""
    lay = {"sep": ": ", "table": pick(rng, ["pipe", "tab", "md", "spaces"]), "indent": "   ", "sub": "- "}
    if not wide:
        lay["num"] = pick(rng, [None, None, "1."])
        return lay
    lay["num"] = pick(rng, [None, "1.", "1)", "I.", "a.", "-", "+", "•", "*"])
    lay["sep"] = pick(rng, [": ", " : ", ":  ", ":\t"])
    lay["dots"] = pick(rng, [None, None, "before", "after", "between"])
    lay["ndots"] = rng.randint(4, 30)
    lay["nextline"] = lay["dots"] is None and chance(rng, 0.3)
    lay["value_indent"] = pick(rng, ["", "    ", "\t"])
    lay["upper"] = chance(rng, 0.2)
    lay["indent"] = pick(rng, ["   ", "    ", "\t", "  "])
    lay["sub"] = pick(rng, ["- ", "+ ", "• ", "", "* "])
    lay["table"] = pick(rng, ["pipe", "tab", "md", "spaces", "numbered"])
    lay["box"] = pick(rng, BOXES)
    return lay

# ---------------------------------------------------------------- rendering as HTML

MSO_SPAN = "<span style='font-size:13.0pt;font-family:\"Times New Roman\",serif'>"


def esc(s, ent):
    """s escaped for HTML; ent "numeric" or "named" writes non-ASCII letters as references."""
    s = html.escape(s, quote=False)
    if ent == "numeric":
        return "".join(c if ord(c) < 128 else f"&#{ord(c)};" for c in s)
    if ent == "named":
        names = html.entities.codepoint2name
        return "".join(f"&{names[ord(c)]};" if ord(c) in names and ord(c) > 127 else c for c in s)
    return s


def html_pair(label, shown, mode, ent):
    """One label and value as HTML in mode p, bold, div, br, table2 or mso."""
    lab, val = esc(label, ent), esc(shown, ent)
    if mode == "bold":
        return f"<p><b>{lab}:</b> {val}</p>"
    if mode == "div":
        return f"<div>{lab}:&nbsp;{val}</div>"
    if mode == "br":
        return f"{lab}: {val}<br>"
    if mode == "table2":
        return f"<tr><td style=\"width:40%\">{lab}</td><td>{val}</td></tr>"
    if mode == "mso":
        return (f"<p class=MsoNormal><b>{MSO_SPAN}{lab}:</span></b>{MSO_SPAN}&nbsp;{val}"
                f"<o:p></o:p></span></p>")
    return f"<p>{lab}: {val}</p>"


def html_list(headers, rows, mode, ent):
    """A list of entries as an HTML table."""
    if mode == "mso":
        td = "<td valign=top style='border:solid windowtext 1.0pt;padding:0cm 5.4pt'><p class=MsoNormal>"
        cell = lambda x: f"{td}{esc(x, ent)}<o:p></o:p></p></td>"
        head = "<tr>" + "".join(cell(h) for h in headers) + "</tr>"
        body = "".join("<tr>" + "".join(cell(x) for x in r) + "</tr>" for r in rows)
        return (f"<table class=MsoTableGrid border=1 cellspacing=0 cellpadding=0 style='border-collapse:collapse'>"
                f"{head}{body}</table>")
    head = "<tr>" + "".join(f"<th>{esc(h, ent)}</th>" for h in headers) + "</tr>"
    body = "".join("<tr>" + "".join(f"<td>{esc(x, ent)}</td>" for x in r) + "</tr>" for r in rows)
    return f"<table border=\"1\" cellspacing=\"0\" cellpadding=\"4\">{head}{body}</table>"


def render_html(form, mode, ent, lay):
    """The request as an HTML fragment."""
    out = [f"<p>{esc(x, ent)}</p>" for x in form.pre]
    if form.title:
        title = "<br>".join(esc(x, ent) for x in form.title.split("\n"))
        out.append(f"<p style=\"text-align:center\"><b>{title}</b></p>")
    out += [f"<p>{esc(x, ent)}</p>" for x in form.opener]
    rows_open = False
    pair_mode = mode

    def close():
        """End an open two-column table."""
        nonlocal rows_open
        if rows_open:
            out.append("</table>")
            rows_open = False

    for it in form.items:
        if mode == "table2" and it[0] in ("field", "checks", "section") and not rows_open:
            out.append("<table border=\"1\" cellspacing=\"0\" cellpadding=\"3\">")
            rows_open = True
        if it[0] == "text":
            close()
            out.append(f"<p>{esc(it[1], ent)}</p>")
        elif it[0] == "field":
            out.append(html_pair(it[1], it[2], pair_mode, ent))
        elif it[0] == "checks":
            out.append(html_pair(it[1], box_text(it[2], it[3], lay), pair_mode, ent))
        elif it[0] == "section":
            if mode == "table2":
                out.append(f"<tr><td colspan=\"2\"><b>{esc(it[1], ent)}</b></td></tr>")
                out += [html_pair(lab, s, mode, ent) for lab, s in it[2]]
            else:
                out.append(f"<p>{esc(it[1], ent)}:</p><ul>" + "".join(
                    f"<li>{esc(lab, ent)}: {esc(s, ent)}</li>" for lab, s in it[2]) + "</ul>")
        else:
            close()
            out.append(html_pair(it[1], "", "p", ent).replace(": </p>", ":</p>"))
            if it[0] == "blocks":
                for j, r in enumerate(it[3]):
                    out.append(f"<p>{j + 1}.</p><ul>" + "".join(
                        f"<li>{esc(h, ent)}: {esc(x, ent)}</li>" for h, x in zip(it[2], r)) + "</ul>")
            else:
                out.append(html_list(it[2], it[3], mode, ent))
    close()
    out += [f"<p>{esc(x, ent)}</p>" for x in form.post]
    if mode == "br":
        return "<div>" + "\n".join(out) + "</div>"
    return "\n".join(out)


def text_to_html(lines, flavour):
    """Plain-text lines as the HTML a client makes of them (quotes become blockquotes)."""
    out, quoted = [], []

    def flush():
        """Write pending quoted lines as one blockquote."""
        if quoted:
            inner = text_to_html([q[1:].lstrip(" ") if q.startswith(">") else q for q in quoted], flavour)
            out.append(f"<blockquote style=\"margin:0 0 0 .8ex;border-left:1px #ccc solid;padding-left:1ex\">"
                       f"{inner}</blockquote>")
            quoted.clear()

    for ln in lines:
        if ln.startswith(">"):
            quoted.append(ln)
            continue
        flush()
        e = html.escape(ln, quote=False).replace("\t", "&nbsp;&nbsp;&nbsp;&nbsp;") or "<br>"
        out.append(f"<p class=MsoNormal>{e}<o:p></o:p></p>" if flavour == "outlook" else f"<div>{e}</div>")
    flush()
    return "\n".join(out)

# ---------------------------------------------------------------- MIME

TONE_MARKS = "\u0300\u0301\u0303\u0309\u0323"


def to_cp1258(s):
    """s in windows-1258: letters it lacks precomposed are written base + combining tone."""
    out = bytearray()
    for ch in unicodedata.normalize("NFC", s):
        try:
            out += ch.encode("cp1258")
            continue
        except UnicodeEncodeError:
            pass
        d = unicodedata.normalize("NFD", ch)
        base = unicodedata.normalize("NFC", "".join(c for c in d if c not in TONE_MARKS))
        out += base.encode("cp1258") + "".join(c for c in d if c in TONE_MARKS).encode("cp1258")
    return bytes(out)


def encode_text(s, codec):
    """Text as bytes: utf-8, nfd (UTF-8, decomposed), cp1258."""
    if codec == "cp1258":
        return to_cp1258(s)
    if codec == "nfd":
        return unicodedata.normalize("NFD", s).encode("utf-8")
    return s.encode("utf-8")


def ew(text, charset="utf-8", enc="B"):
    """text as RFC 2047 encoded words, folded; ASCII text unchanged."""
    if all(ord(c) < 128 for c in text):
        return text
    codec = "cp1258" if charset.lower() == "windows-1258" else "utf-8"

    def enc_bytes(b):
        """One encoded word's payload."""
        if enc == "B":
            return base64.b64encode(b).decode()
        return "".join(chr(x) if chr(x).isalnum() and x < 128 else "_" if x == 32 else f"={x:02X}" for x in b)

    words, chunk = [], ""
    for ch in text:
        if chunk and len(enc_bytes(encode_text(chunk + ch, codec))) > 44:
            words.append(chunk)
            chunk = ch
        else:
            chunk += ch
    words.append(chunk)
    return "\n ".join(f"=?{charset}?{enc}?{enc_bytes(encode_text(w, codec))}?=" for w in words)


def addr(name, address, enc="B", charset="utf-8", quote_ascii=True):
    """A From/To value: display name (encoded when not ASCII) and address."""
    if not name:
        return address
    if all(ord(c) < 128 for c in name):
        return (f'"{name}"' if quote_ascii else name) + f" <{address}>"
    return f"{ew(name, charset, enc)} <{address}>"


def encode_body(data, cte):
    """data in a Content-Transfer-Encoding."""
    if cte == "base64":
        return base64.encodebytes(data)
    if cte == "quoted-printable":
        return quopri.encodestring(data)
    return data if data.endswith(b"\n") else data + b"\n"


def leaf(ctype, data, cte, extra=()):
    """A single MIME part: (header lines, body bytes)."""
    return ([f"Content-Type: {ctype}"] + ([f"Content-Transfer-Encoding: {cte}"] if cte else []) + list(extra),
            encode_body(data, cte or "7bit"))


def multipart(sub, parts, boundary, preamble=""):
    """A multipart of parts with boundary."""
    body = (preamble + "\n\n").encode() if preamble else b""
    for hdrs, data in parts:
        body += b"--" + boundary.encode() + b"\n" + "\n".join(hdrs).encode("utf-8") + b"\n\n" + data
        if not data.endswith(b"\n"):
            body += b"\n"
    body += b"--" + boundary.encode() + b"--\n"
    return ([f'Content-Type: multipart/{sub};\n\tboundary="{boundary}"'], body)


def message_bytes(headers, part, crlf=False):
    """A whole message: top headers, the body part's headers, blank line, body."""
    raw = "\n".join(headers + part[0]).encode("utf-8") + b"\n\n" + part[1]
    return raw.replace(b"\n", b"\r\n") if crlf else raw


def attachment(filename, ctype, data, naming="2231", disposition="attachment"):
    """An attached file, base64, its name as RFC 2231, RFC 2047 or plain ASCII."""
    if all(ord(c) < 128 for c in filename) or naming == "plain":
        fn = strip_vi(filename)
        name_p, disp_p = f'name="{fn}"', f'filename="{fn}"'
    elif naming == "2231":
        q = "".join(c if c.isalnum() and ord(c) < 128 or c in ".-_" else "".join(f"%{b:02X}" for b in c.encode())
                    for c in filename)
        name_p, disp_p = f"name*=utf-8''{q}", f"filename*=utf-8''{q}"
    else:
        e = ew(filename).replace("\n ", "")
        name_p, disp_p = f'name="{e}"', f'filename="{e}"'
    return leaf(f"{ctype};\n\t{name_p}", data, "base64", [f"Content-Disposition: {disposition};\n\t{disp_p}"])


def rand_hex(rng, n):
    """n random hex digits."""
    return "".join("0123456789abcdef"[rng.randrange(16)] for _ in range(n))


def rand_alnum(rng, n):
    """n random letters and digits."""
    abc = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
    return "".join(abc[rng.randrange(len(abc))] for _ in range(n))


def uuid_like(rng, upper=False):
    """A random UUID-shaped string."""
    h = rand_hex(rng, 32)
    u = f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"
    return u.upper() if upper else u

# ---------------------------------------------------------------- mail clients

CLIENTS = ["gmail", "outlook", "outlook_vi", "thunderbird", "apple", "iphone", "zimbra", "roundcube", "android"]
HTML_WRAP = {
    "gmail": '<div dir="ltr">{}</div>',
    "outlook": ('<html xmlns:v="urn:schemas-microsoft-com:vml" xmlns:o="urn:schemas-microsoft-com:office:office" '
                'xmlns:w="urn:schemas-microsoft-com:office:word" xmlns="http://www.w3.org/TR/REC-html40"><head>'
                '<meta http-equiv=Content-Type content="text/html; charset=utf-8"><meta name=Generator '
                'content="Microsoft Word 15 (filtered medium)"><style><!--\np.MsoNormal, li.MsoNormal, div.MsoNormal\n'
                '\t{{margin:0cm;font-size:11.0pt;font-family:"Calibri",sans-serif;}}\n--></style><!--[if gte mso 9]>'
                '<xml><o:shapedefaults v:ext="edit" spidmax="1026" /></xml><![endif]--></head><body lang=VI '
                'link="#0563C1" vlink="#954F72" style=\'word-wrap:break-word\'><div class=WordSection1>\n{}\n'
                '</div></body></html>'),
    "zimbra": ('<html><body><div style="font-family: arial, helvetica, sans-serif; font-size: 12pt; '
               'color: #000000">{}</div></body></html>'),
    "apple": ('<html><head><meta http-equiv="content-type" content="text/html; charset=utf-8"></head>'
              '<body style="overflow-wrap: break-word; -webkit-nbsp-mode: space; line-break: after-white-space;">'
              '{}</body></html>'),
    "thunderbird": ('<!DOCTYPE html>\n<html>\n  <head>\n    <meta http-equiv="content-type" content="text/html; '
                    'charset=UTF-8">\n  </head>\n  <body>\n{}\n  </body>\n</html>'),
    "roundcube": ('<html><head><meta http-equiv="Content-Type" content="text/html; charset=UTF-8" /></head>'
                  "<body style='font-size: 10pt; font-family: Verdana,Geneva,sans-serif'>\n{}\n</body></html>"),
    "android": ('<html><head><meta http-equiv="Content-Type" content="text/html; charset=UTF-8"></head>'
                '<body><div dir="auto">{}</div></body></html>'),
}
HTML_WRAP["outlook_vi"] = HTML_WRAP["outlook"]
HTML_WRAP["iphone"] = HTML_WRAP["apple"]
MOBILE_SIG = {"iphone": {"vi": "Gửi từ iPhone của tôi", "en": "Sent from my iPhone"},
              "android": {"vi": "Được gửi từ điện thoại Samsung Galaxy của tôi.", "en": "Sent from my Galaxy"}}


def message_id(c, rng, dom):
    """A Message-ID in the shape client c makes."""
    if c == "gmail":
        return f"<CA{rand_alnum(rng, 10)}+{rand_alnum(rng, 28)}@mail.gmail.com>"
    if c.startswith("outlook"):
        return f"<{rand_hex(rng, 12)}${rand_hex(rng, 8)}${rand_hex(rng, 8)}@{dom}>"
    if c in ("apple", "iphone"):
        return f"<{uuid_like(rng, True)}@{dom}>"
    if c == "zimbra":
        a, b, t = rng.randint(10 ** 8, 10 ** 9), rng.randint(10 ** 6, 10 ** 7), rng.randint(10 ** 12, 10 ** 13)
        return f"<{a}.{b}.{t}.JavaMail.zimbra@danang.gov.vn>"
    if c == "android":
        return f"<{rand_hex(rng, 16)}.{rand_hex(rng, 8)}@email.android.com>"
    return f"<{uuid_like(rng) if c == 'thunderbird' else rand_hex(rng, 32)}@{dom}>"


def boundary(c, rng):
    """A MIME boundary in the shape client c makes."""
    if c == "gmail":
        return "000000000000" + rand_hex(rng, 12)
    if c.startswith("outlook"):
        a, b, t = rand_hex(rng, 2).upper(), rand_hex(rng, 4).upper(), rand_hex(rng, 8).upper()
        return f"----=_NextPart_000_00{a}_01DB{b}.{t}"
    if c in ("apple", "iphone"):
        return "Apple-Mail=_" + uuid_like(rng, True)
    if c == "zimbra":
        return f"=_{uuid_like(rng)}"
    if c == "thunderbird":
        return "------------" + rand_alnum(rng, 24)
    if c == "android":
        return "--_com.android.email_" + str(rng.randint(10 ** 14, 10 ** 15))
    return "=_" + rand_hex(rng, 32)


def envelope(c, env, rng):
    """The top header lines client c writes, in its order."""
    enc = "Q" if c in ("apple", "iphone", "zimbra", "roundcube") else "B"
    cs = env.get("hdr_charset", "utf-8")
    frm = "From: " + addr(env["from_name"], env["from_addr"], enc, cs)
    to = "To: " + ", ".join(addr(n, a, enc, cs) for n, a in env["to"])
    subj = "Subject: " + (env["subject"] if env.get("raw_subject") else ew(env["subject"], cs, enc))
    date = "Date: " + env["date"].strftime("%a, %d %b %Y %H:%M:%S +0700")
    mid = "Message-ID: " + env["mid"]
    thread = []
    if env.get("irt"):
        thread = ["In-Reply-To: " + env["irt"], "References: " + " ".join(env.get("refs") or [env["irt"]])]
    cc = ["Cc: " + ", ".join(addr(n, a, enc, cs) for n, a in env["cc"])] if env.get("cc") else []
    recv = []
    if env.get("received"):
        recv = [f"Return-Path: <{env['from_addr']}>",
                f"Received: from mail.danang.gov.vn (mail.danang.gov.vn [10.3.142.{rng.randint(2, 250)}])\n"
                f"\tby mx1.danang.gov.vn (Postfix) with ESMTPS id {rand_hex(rng, 10).upper()}\n"
                f"\tfor <{env['to'][0][1]}>; {env['date'].strftime('%a, %d %b %Y %H:%M:%S +0700')}"]
    if c == "gmail":
        return recv + ["MIME-Version: 1.0", date, mid, subj, frm, to] + cc + thread
    if c.startswith("outlook"):
        return recv + [frm, to] + cc + [subj, date, mid] + thread + [
            "MIME-Version: 1.0", "X-Mailer: Microsoft Outlook 16.0",
            f"Thread-Index: A{rand_alnum(rng, 30)}==", "Content-Language: " + ("vi" if c == "outlook_vi" else "en-us")]
    if c == "thunderbird":
        return recv + [mid, date, "MIME-Version: 1.0",
                       "User-Agent: Mozilla Thunderbird", "Content-Language: vi-VN", to, frm, subj] + cc + thread
    if c in ("apple", "iphone"):
        xm = "X-Mailer: Apple Mail (2.3774.600.62)" if c == "apple" else "X-Mailer: iPhone Mail (21F90)"
        mv = "Mime-Version: 1.0 (Mac OS X Mail 16.0 \\(3774.600.62\\))" if c == "apple" else "Mime-Version: 1.0 (1.0)"
        return recv + [mv, subj, frm] + thread + [date, to] + cc + [mid.replace("Message-ID", "Message-Id"), xm]
    if c == "zimbra":
        return recv + [date, frm, to] + cc + [mid, subj] + thread + [
            "MIME-Version: 1.0", "X-Mailer: Zimbra 8.8.15_GA_4508 (ZimbraWebClient - GC125 (Win)/8.8.15_GA_4508)",
            "Thread-Topic: " + ew(env["subject"], cs, "Q"), f"Thread-Index: {rand_alnum(rng, 20)}"]
    if c == "roundcube":
        return recv + ["MIME-Version: 1.0", date, frm, to] + cc + [subj] + thread + [
            mid, f"X-Sender: {env['from_addr']}", "User-Agent: Roundcube Webmail/1.6.6"]
    return recv + [date, frm, to] + cc + [subj, mid] + thread + ["MIME-Version: 1.0"]


def flow(text):
    """text as format=flowed: long lines broken after a space, space-stuffing where needed."""
    out = []
    for ln in text.split("\n"):
        if ln.startswith((" ", "From ")):
            ln = " " + ln
        while len(ln) > 76 and not ln.startswith(">") and " " in ln[20:72]:
            cut = ln.rfind(" ", 20, 72) + 1
            out.append(ln[:cut])
            ln = ln[cut:]
            if ln.startswith((" ", "From ")):
                ln = " " + ln
        out.append(ln)
    return "\n".join(out)


def hard_wrap(text, width=72):
    """text hard-wrapped at width, as old clients send it."""
    out = []
    for ln in text.split("\n"):
        while len(ln) > width and " " in ln[20:width]:
            cut = ln.rfind(" ", 20, width)
            out.append(ln[:cut])
            ln = ln[cut + 1:]
        out.append(ln)
    return "\n".join(out)


def body_part(c, lines, rng, o):
    """The body client c makes of plain-text lines and an optional HTML fragment (o["html"])."""
    text = "\n".join(lines).rstrip("\n") + "\n"
    codec, label = o.get("codec", "utf-8"), o.get("label")
    frag = o.get("html")
    wrap = HTML_WRAP.get(c, HTML_WRAP["gmail"])
    h_cte = o.get("cte") or ("base64" if c in ("android",) else "quoted-printable")
    flowed = c in ("thunderbird", "roundcube") and not o.get("no_flow")
    if frag is None:
        frag = text_to_html(lines, "outlook" if c.startswith("outlook") else c)
    doc = wrap.format(frag)
    if label:
        doc = re.sub(r"charset=[Uu][Tt][Ff]-8", "charset=" + label, doc)
    if o.get("html_only"):
        return leaf(f'text/html; charset="{label or "utf-8"}"', encode_text(doc, codec), h_cte)
    if flowed:
        text = flow(text)
    elif o.get("hard_wrap"):
        text = hard_wrap(text)
    cs = label or ("UTF-8" if c in ("gmail", "thunderbird", "roundcube") else "utf-8")
    t_cte = o.get("cte")
    if not t_cte:
        usual = {"gmail": pick(rng, ["quoted-printable", "base64"]), "thunderbird": "8bit",
                 "roundcube": pick(rng, ["8bit", "quoted-printable"]), "android": "base64"}
        t_cte = usual.get(c, "quoted-printable")
    tpart = leaf(f"text/plain; charset={cs}" + ("; format=flowed" if flowed else ""), encode_text(text, codec), t_cte)
    alt = c in ("gmail", "outlook", "outlook_vi", "zimbra", "android") or (c == "apple" and chance(rng, 0.5))
    if not alt or o.get("text_only"):
        return tpart
    hpart = leaf(f'text/html; charset="{label or "utf-8"}"', encode_text(doc, codec), h_cte)
    return multipart("alternative", [tpart, hpart], boundary(c, rng))


def compose(c, env, lines, rng, o=None, atts=()):
    """A whole message from client c: envelope, body, attachments."""
    o = o or {}
    part = body_part(c, lines, rng, o)
    if atts:
        pre = "This is a multi-part message in MIME format." if c in ("outlook", "outlook_vi", "thunderbird") else ""
        part = multipart("mixed", [part] + list(atts), boundary(c, rng), pre)
    crlf = o.get("crlf", c in ("outlook", "outlook_vi", "zimbra"))
    return message_bytes(envelope(c, env, rng), part, crlf)

# ---------------------------------------------------------------- the mail around the form

GREET = {"vi": ["Kính gửi: Phòng Kỹ thuật - Trung tâm IID,", "Kính gửi Trung tâm Phát triển Hạ tầng CNTT Đà Nẵng,",
                "Kính gửi Quý Trung tâm,", "Chào anh/chị Phòng Kỹ thuật,", "Dạ chào anh chị,"],
         "en": ["Dear IID Technical Department,", "Dear colleagues,", "Hello,", "Dear Sir or Madam,"]}
GREET_TO = {CNTT: {"vi": "Kính gửi: Sở Thông tin và Truyền thông,", "en": "Dear Department of ICT,"},
            ADMIN: {"vi": "Kính gửi: Bộ phận quản trị hệ thống thư điện tử,", "en": "Dear mail system administrators,"}}
INTRO = {
    ("vi", "website_update"): ["{unit} đề nghị Trung tâm phối hợp cập nhật mã nguồn website, cụ thể như sau:",
                               "Đơn vị gửi phiếu yêu cầu cập nhật mã nguồn website:",
                               "Nhờ Trung tâm hỗ trợ cập nhật website của đơn vị với thông tin dưới đây."],
    ("vi", "create"): ["{unit} đề nghị cấp mới hộp thư điện tử công vụ theo thông tin sau:",
                       "Đơn vị xin đề nghị tạo hộp thư cho cán bộ như sau:"],
    ("vi", "cancel"): ["{unit} đề nghị hủy hộp thư điện tử theo thông tin sau:",
                       "Đơn vị đề nghị hủy bỏ hộp thư của cán bộ dưới đây:"],
    ("vi", "change"): ["{unit} đề nghị hỗ trợ thay đổi hộp thư điện tử như sau:",
                       "Nhờ bộ phận quản trị hỗ trợ hộp thư của cán bộ đơn vị:"],
    ("vi", "subdomain"): ["{unit} đề nghị Trung tâm tạo tên miền con của danang.gov.vn như sau:",
                          "Đơn vị đăng ký tạo tên miền con với thông tin dưới đây:"],
    ("vi", "server_room"): ["Đơn vị đăng ký vào Phòng Hệ thống với thông tin như sau:",
                            "{unit} đăng ký cho cán bộ vào phòng máy chủ:"],
    ("vi", "tech_support"): ["Đơn vị đề nghị Trung tâm hỗ trợ kỹ thuật với nội dung sau:",
                             "Nhờ Phòng Kỹ thuật hỗ trợ giúp đơn vị:"],
    ("en", "website_update"): ["Please find below our request to update the source code of our website.",
                               "We would like to ask IID to update our website:"],
    ("en", "create"): ["We request new official mailboxes as follows:", "Please create the following mailboxes:"],
    ("en", "cancel"): ["Please cancel the following mailboxes:", "We request that these mailboxes be closed:"],
    ("en", "change"): ["Please help us with a change to a mailbox:", "We request a change to the following mailbox:"],
    ("en", "subdomain"): ["We request a subdomain of danang.gov.vn as follows:",
                          "Please create the following subdomain:"],
    ("en", "server_room"): ["We would like to register a visit to the server room:",
                            "Please register our visit to the server room:"],
    ("en", "tech_support"): ["We need technical support:", "Please send a technician to help us:"],
}
THANKS = {"vi": ["Trân trọng cảm ơn!", "Trân trọng,", "Xin cảm ơn.",
                 "Rất mong nhận được sự hỗ trợ của Trung tâm.\nTrân trọng."],
          "en": ["Best regards,", "Thank you,", "Kind regards,", "Many thanks."]}
SUBJECTS = {
    ("vi", "website_update"): ["Đề nghị cập nhật mã nguồn website", "V/v cập nhật website - {unit}",
                               "Phiếu yêu cầu cập nhật website (mẫu 01/IID-KT)",
                               "Cập nhật mã nguồn trang thông tin điện tử"],
    ("vi", "create"): ["Đề nghị cấp mới hộp thư công vụ", "V/v cấp hộp thư điện tử - {unit}",
                       "Cấp mới hộp thư cho cán bộ"],
    ("vi", "cancel"): ["Đề nghị hủy hộp thư điện tử", "V/v hủy hộp thư cán bộ - {unit}"],
    ("vi", "change"): ["Đề nghị cấp lại mật khẩu hộp thư", "V/v thay đổi hộp thư điện tử"],
    ("vi", "subdomain"): ["Đề nghị tạo tên miền {sub}", "Đăng ký tên miền con danang.gov.vn",
                          "Phiếu 03/IID-KT tạo tên miền con"],
    ("vi", "server_room"): ["Đăng ký vào phòng máy chủ", "Đăng ký vào ra Phòng Hệ thống",
                            "V/v vào phòng hệ thống - {unit}"],
    ("vi", "tech_support"): ["Đề nghị hỗ trợ kỹ thuật", "Nhờ Trung tâm hỗ trợ kỹ thuật",
                             "Phiếu đăng ký hỗ trợ kỹ thuật - {unit}"],
    ("en", "website_update"): ["Request to update website source code", "Website update request - {unit}"],
    ("en", "create"): ["Mailbox request: new accounts", "New official mailboxes"],
    ("en", "cancel"): ["Mailbox cancellation request", "Please close mailboxes"],
    ("en", "change"): ["Mailbox password reset", "Mailbox change request"],
    ("en", "subdomain"): ["Subdomain request: {sub}", "Request for a danang.gov.vn subdomain"],
    ("en", "server_room"): ["Server room access request", "Server room visit - {unit}"],
    ("en", "tech_support"): ["Technical support request", "Support needed - {unit}"],
}
IID_NAMES = {PKT: "Phòng Kỹ thuật IID", CNTT: "Sở Thông tin và Truyền thông", ADMIN: "Quản trị thư điện tử"}


def proper_address(v):
    """The mailbox a request of this kind belongs in."""
    if v["kind"] == "mailbox":
        return ADMIN if v["action"] == "change" else CNTT
    return PKT


def topic(v):
    """The key of intro and subject wordings: the kind, or the mailbox action."""
    return v["action"] if v["kind"] == "mailbox" else v["kind"]


def opener(rng, lang, v):
    """Greeting and one sentence saying what is asked."""
    to = proper_address(v)
    g = GREET_TO[to][lang] if to in GREET_TO and chance(rng, 0.7) else pick(rng, GREET[lang])
    return [g, "", pick(rng, INTRO[(lang, topic(v))]).format(unit=v["unit"])]


def signature(rng, lang, v, c, o):
    """Thanks, name, position, unit and maybe a phone: the writer's sign-off."""
    out = [""] + pick(rng, THANKS[lang]).split("\n")
    if chance(rng, 0.4):
        out.append("-- ")
    out.append(v["name"])
    if chance(rng, 0.5):
        out.append(pick(rng, POSITIONS)[lang == "en"] + (" - " if chance(rng, 0.5) else ", ") + v["unit"])
    elif chance(rng, 0.5):
        out.append(v["unit"])
    if o.get("sig_phone", chance(rng, 0.4)):
        other = landline(rng) if chance(rng, 0.5) else v["phone"]
        words = ["ĐT: ", "Tel: ", "Mobile: ", "DĐ: "] if lang == "vi" else ["Tel: ", "Mobile: ", "Phone: "]
        out.append(pick(rng, words) + Show(rng, lang, False).phone(other))
    if c in MOBILE_SIG:
        out += ["", MOBILE_SIG[c][lang]]
    return out


def subject_of(rng, lang, v):
    """The subject line the writer types."""
    return pick(rng, SUBJECTS[(lang, topic(v))]).format(unit=v["unit"], sub=v.get("subdomain", ""))


def mail_date(rng, v):
    """When the request was sent: on its date, in office hours."""
    d = v["request_date"]
    return datetime.datetime(d.year, d.month, d.day, rng.randint(7, 16), rng.randint(0, 59), rng.randint(0, 59),
                             tzinfo=TZ)


def make_env(rng, c, v, subject, sender=None):
    """Envelope values of a request sent by its contact person (or sender=(name, addr))."""
    to = proper_address(v)
    name, address = sender or (v["name"], v["email"])
    return {"from_name": name, "from_addr": address, "to": [(IID_NAMES[to] if chance(rng, 0.5) else "", to)],
            "subject": subject, "date": mail_date(rng, v), "mid": message_id(c, rng, address.split("@")[1]),
            "received": chance(rng, 0.5)}


def transform_form(f, tx):
    """Apply a text change (diacritics dropped, old tones) to all text of a form and its fields."""
    f.pre = [tx(x) for x in f.pre]
    f.post = [tx(x) for x in f.post]
    f.opener = [tx(x) for x in f.opener]
    f.title = tx(f.title) if f.title else f.title

    def tr(x):
        """Transform strings inside nested items."""
        if isinstance(x, str):
            return tx(x)
        if isinstance(x, (list, tuple)):
            return type(x)(tr(y) for y in x)
        if isinstance(x, dict):
            return {k: tr(y) for k, y in x.items()}
        return x

    f.items = [tr(it) for it in f.items]
    f.fields = {k: tr(x) for k, x in f.fields.items()}
    f.optional = {k: tr(x) for k, x in f.optional.items()}


EMAIL_KEYS = ("contact_email", "admin_email", "address")


def normalised(fields):
    """Field values as DOMAIN.md writes them: NFC text, lower-case e-mail addresses."""
    out = {}
    for k, x in fields.items():
        if isinstance(x, list):
            out[k] = [normalised(e) for e in x]
        elif isinstance(x, str):
            x = unicodedata.normalize("NFC", x)
            out[k] = x.lower() if k in EMAIL_KEYS else x
        else:
            out[k] = x
    return out


def expectation(f, style, c, variant):
    """The expected JSON of one message."""
    e = {"type": f.kind, "form_code": FORM_CODE[f.kind], "fields": normalised(f.fields)}
    if f.optional:
        e["optional"] = normalised(f.optional)
    if f.ignore:
        e["ignore"] = sorted(f.ignore)
    e.update({"style": style, "client": c, "variant": variant})
    return e


def base_opts(rng, **kw):
    """The writer's habits, each drawn once per message; kw fixes some."""
    o = {"date": chance(rng, 0.6), "date_label": chance(rng, 0.3), "boxes": chance(rng, 0.3),
         "blocks": chance(rng, 0.2), "split_times": chance(rng, 0.4), "flat_admin": chance(rng, 0.4),
         "no_letter": chance(rng, 0.08), "no_email": chance(rng, 0.08), "sections": False}
    o.update(kw)
    return o

# ---------------------------------------------------------------- styles: a request typed in the body


def typed_request(i, rng, lang, o, c):
    """Values, form, opener and sign-off of a request typed by its contact person."""
    v = make_values(TYPES[i % 5], rng, lang, i)
    if lang == "en" and o.get("ascii_names"):
        ascii_names(v)
    if lang == "en" and o.get("vi_unit"):
        v["unit"] = v["unit_vi"]
    f = make_form(v, lang, rng, o)
    f.opener = opener(rng, lang, v)
    f.post += signature(rng, lang, v, c, o)
    return v, f


def ascii_names(v):
    """People's names written without diacritics, as in many English mails."""
    v["name"] = strip_vi(v["name"])
    for a in v.get("accounts", []) + v.get("visitors", []):
        a["full_name"] = strip_vi(a["full_name"])
    if "admin" in v:
        v["admin"]["name"] = strip_vi(v["admin"]["name"])


def plain_mail(i, rng, style, c, lang, o, lay, tx=None, mime=None, variant=""):
    """A request typed in the body, sent by client c: (bytes, expected)."""
    v, f = typed_request(i, rng, lang, o, c)
    if tx:
        transform_form(f, tx)
    subj = subject_of(rng, lang, v)
    env = make_env(rng, c, v, tx(subj) if tx else subj)
    mime = dict(mime or {})
    if "html_mode" in mime:
        mime["html"] = render_html(f, mime.pop("html_mode"), mime.pop("ent", None), lay)
    msg = compose(c, env, render_text(f, lay), rng, mime)
    return msg, expectation(f, style, c, variant)


def style_typed(i, rng):
    """Vietnamese "Label: value" lines with the usual labels, from many clients."""
    c = CLIENTS[i % len(CLIENTS)]
    lay = text_layout(rng, False)
    return plain_mail(i, rng, "typed", c, "vi", base_opts(rng), lay, variant=f"table={lay['table']}")


def style_novi(i, rng):
    """The same without diacritics, as typed without a Vietnamese keyboard."""
    c = CLIENTS[(i + 3) % len(CLIENTS)]
    wide = chance(rng, 0.3)
    lay = text_layout(rng, wide)
    o = base_opts(rng, wide_labels=wide, sections=wide and chance(rng, 0.4))
    return plain_mail(i, rng, "novi", c, "vi", o, lay, tx=strip_vi, variant="wide labels" if wide else "usual labels")


def style_labels(i, rng):
    """Labels worded many ways: synonyms, capitals, numbering, bullets, leaders, sections, next-line values."""
    c = CLIENTS[(i + 5) % len(CLIENTS)]
    lay = text_layout(rng, True)
    lay["person_blocks"] = chance(rng, 0.5)
    o = base_opts(rng, wide_labels=True, sections=chance(rng, 0.5), blocks=chance(rng, 0.4),
                  date_label=chance(rng, 0.4))
    tx = old_tones if chance(rng, 0.3) else None
    var = (f"num={lay['num']} dots={lay['dots']} nextline={lay['nextline']} upper={lay['upper']}"
           + (" old-tones" if tx else ""))
    return plain_mail(i, rng, "labels", c, "vi", o, lay, tx=tx, variant=var)


def asap_instead(f, rng, lang):
    """Replace a stated desired time by "as soon as possible": no desired_time then."""
    for j, it in enumerate(f.items):
        if it[0] == "field" and "desired_time" in f.fields and it[2] and any(ch.isdigit() for ch in it[2]):
            if f.items[j][1] in LABELS[lang]["desired_time"]:
                f.items[j] = ("field", it[1], pick(rng, ["càng sớm càng tốt", "trong tuần này, càng sớm càng tốt"]
                                                 if lang == "vi" else ["as soon as possible", "ASAP"]))
                del f.fields["desired_time"]
                return True
    return False


def style_values(i, rng):
    """Usual labels, values written every way: dates, times, phone numbers, address capitals."""
    c = CLIENTS[(i + 7) % len(CLIENTS)]
    lay = text_layout(rng, False)
    o = base_opts(rng, wide_values=True, caps=True, date_label=chance(rng, 0.5), split_times=chance(rng, 0.5))
    v, f = typed_request(i, rng, "vi", o, c)
    asap = chance(rng, 0.3) and asap_instead(f, rng, "vi")
    env = make_env(rng, c, v, subject_of(rng, "vi", v))
    msg = compose(c, env, render_text(f, lay), rng, {})
    return msg, expectation(f, "values", c, "asap" if asap else "")


HTML_MODES = {"gmail": ["div", "br", "bold", "table2"], "outlook": ["mso", "table2", "mso"],
              "outlook_vi": ["mso", "table2"], "zimbra": ["p", "br", "table2", "bold"],
              "apple": ["div", "p", "br"], "thunderbird": ["p", "table2", "br"],
              "roundcube": ["p", "br", "bold"], "android": ["div", "br"], "iphone": ["div", "br"]}


def style_html(i, rng):
    """HTML bodies: HTML only or beside a text part; paragraphs, divs, line breaks, tables, Word markup."""
    c = ["gmail", "outlook", "outlook_vi", "zimbra", "apple", "thunderbird", "roundcube", "android"][i % 8]
    mode = pick(rng, HTML_MODES[c])
    ent = pick(rng, [None, None, None, "numeric", "named"])
    only = chance(rng, 0.6)
    lay = text_layout(rng, False)
    o = base_opts(rng, wide_labels=chance(rng, 0.3))
    mime = {"html_mode": mode, "ent": ent, "html_only": only}
    return plain_mail(i, rng, "html", c, "vi", o, lay, mime=mime,
                      variant=f"{'html-only' if only else 'alternative'} {mode} entities={ent}")


CHARSETS = [  # (variant, client, codec, charset label, transfer encoding, html only)
    ("cp1258 qp", "outlook_vi", "cp1258", "windows-1258", "quoted-printable", False),
    ("cp1258 8bit", "thunderbird", "cp1258", "windows-1258", "8bit", False),
    ("cp1258 base64", "outlook", "cp1258", "windows-1258", "base64", False),
    ("utf-8 labelled iso-8859-1, 8bit", "roundcube", "utf-8", "iso-8859-1", "8bit", False),
    ("utf-8 labelled iso-8859-1, qp", "zimbra", "utf-8", "ISO-8859-1", "quoted-printable", False),
    ("nfd utf-8 qp", "apple", "nfd", "utf-8", "quoted-printable", False),
    ("nfd utf-8 base64", "iphone", "nfd", "utf-8", "base64", False),
    ("cp1258 html only", "outlook_vi", "cp1258", "windows-1258", "quoted-printable", True),
    ("utf-8 8bit, charset labelled us-ascii", "roundcube", "utf-8", "us-ascii", "8bit", False),
    ("utf-8 8bit, no charset", "android", "utf-8", None, "8bit", False),
]


def style_charset(i, rng):
    """Legacy and wrong charsets: windows-1258, UTF-8 labelled Latin-1 or ASCII, decomposed Unicode."""
    var, c, codec, label, cte, only = CHARSETS[i % len(CHARSETS)]
    lay = text_layout(rng, False)
    lay["box"] = ("[x]", "[ ]")
    o = base_opts(rng)
    v, f = typed_request(i, rng, "vi", o, c)
    env = make_env(rng, c, v, subject_of(rng, "vi", v))
    if codec == "cp1258":
        env["hdr_charset"] = "windows-1258"
    elif label and label.lower() in ("iso-8859-1", "us-ascii") and chance(rng, 0.5):
        env["raw_subject"] = True
    mime = {"codec": codec, "label": label, "cte": cte, "html_only": only, "text_only": not only}
    if only:
        mime["html"] = render_html(f, "mso", None, lay)
    msg = compose(c, env, render_text(f, lay), rng, mime)
    if label is None:
        msg = msg.replace(b"Content-Type: text/plain; charset=UTF-8", b"Content-Type: text/plain")
        msg = msg.replace(b"Content-Type: text/plain; charset=utf-8", b"Content-Type: text/plain")
    return msg, expectation(f, "charset", c, var)


def style_english(i, rng):
    """English bodies of all five forms, from English-language clients."""
    c = ["gmail", "outlook", "apple", "thunderbird", "iphone", "android", "roundcube", "zimbra"][i % 8]
    wide = chance(rng, 0.5)
    lay = text_layout(rng, wide)
    o = base_opts(rng, wide_labels=wide, wide_values=chance(rng, 0.6), ascii_names=chance(rng, 0.6),
                  vi_unit=chance(rng, 0.4), sections=wide and chance(rng, 0.4))
    return plain_mail(i, rng, "english", c, "en", o, lay, variant="wide" if wide else "usual")

# ---------------------------------------------------------------- forwards and replies

WD_EN3 = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]


def hdr_date(dt, how):
    """A date as a client writes it in a forward or reply header."""
    h12 = dt.hour - 12 if dt.hour > 12 else dt.hour
    ap = "AM" if dt.hour < 12 else "PM"
    mon = MONTHS_EN[dt.month - 1]
    if how == "gmail":
        return f"{WD_EN3[dt.weekday()]}, {mon[:3]} {dt.day}, {dt.year} at {h12}:{dt.minute:02d} {ap}"
    if how == "gmail_vi":
        wd = dt.weekday() + 2 if dt.weekday() < 6 else "CN"
        return f"Th {wd}, {dt.day} thg {dt.month}, {dt.year} vào lúc {dt.hour:02d}:{dt.minute:02d}"
    if how == "outlook":
        return f"{WEEKDAYS_EN[dt.weekday()]}, {mon} {dt.day}, {dt.year} {h12}:{dt.minute:02d} {ap}"
    if how == "outlook_vi":
        sa = "SA" if ap == "AM" else "CH"
        return f"{WEEKDAYS_VI[dt.weekday()]}, {dt.day} tháng {dt.month}, {dt.year} {h12}:{dt.minute:02d} {sa}"
    if how == "apple":
        return f"{mon} {dt.day}, {dt.year} at {h12}:{dt.minute:02d}:{dt.second:02d} {ap} GMT+7"
    if how == "zimbra":
        return f"{WEEKDAYS_EN[dt.weekday()]}, {mon} {dt.day}, {dt.year} {h12}:{dt.minute:02d}:{dt.second:02d} {ap}"
    return dt.strftime("%a, %d %b %Y %H:%M:%S +0700")


def fwd_header(how, m):
    """The block a client puts above a forwarded message m (name, addr, date, subject, to)."""
    frm = f"{m['name']} <{m['addr']}>"
    if how == "gmail":
        return ["---------- Forwarded message ---------", f"From: {frm}", f"Date: {hdr_date(m['date'], 'gmail')}",
                f"Subject: {m['subject']}", f"To: <{m['to']}>", ""]
    if how == "gmail_vi":
        return ["---------- Thư đã chuyển tiếp ---------", f"Từ: {frm}", f"Date: {hdr_date(m['date'], 'gmail_vi')}",
                f"Subject: {m['subject']}", f"To: <{m['to']}>", ""]
    if how == "outlook":
        return ["-----Original Message-----", f"From: {frm}", f"Sent: {hdr_date(m['date'], 'outlook')}",
                f"To: {m['to']}", f"Subject: {m['subject']}", ""]
    if how == "outlook_vi":
        return ["________________________________", f"Từ: {frm}", f"Đã gửi: {hdr_date(m['date'], 'outlook_vi')}",
                f"Đến: {m['to']}", f"Chủ đề: {m['subject']}", ""]
    if how == "outlook_new":
        return ["________________________________", f"From: {frm}", f"Sent: {hdr_date(m['date'], 'outlook')}",
                f"To: {m['to']}", f"Subject: {m['subject']}", ""]
    if how == "apple":
        return ["Begin forwarded message:", "", f"From: {frm}", f"Subject: {m['subject']}",
                f"Date: {hdr_date(m['date'], 'apple')}", f"To: {m['to']}", ""]
    if how == "thunderbird":
        return ["-------- Forwarded Message --------", f"Subject: \t{m['subject']}",
                f"Date: \t{hdr_date(m['date'], 'rfc')}",
                f"From: \t{frm}", f"To: \t{m['to']}", "", ""]
    return ["----- Forwarded Message -----", f'From: "{m["name"]}" <{m["addr"]}>', f"To: {m['to']}",
            f"Sent: {hdr_date(m['date'], 'zimbra')}", f"Subject: {m['subject']}", ""]


FWD_NOTES = ["Chuyển Phòng Kỹ thuật xử lý theo quy trình.", "Em chuyển tiếp yêu cầu bên dưới, nhờ anh chị hỗ trợ giúp.",
             "Gửi lại phiếu yêu cầu của đơn vị, có gì cần trao đổi anh chị gọi em số {phone} nhé.",
             "Chuyển Trung tâm IID để thực hiện.", "Kính chuyển anh/chị xem và xử lý.",
             "FYI, nhờ anh chị xử lý giúp ạ."]


def forwarder(rng, v):
    """Who forwards: a colleague of the unit, or the Dept. of ICT for mailbox requests."""
    p = person(rng)
    if v["kind"] == "mailbox" and chance(rng, 0.6):
        return {"name": p["name"], "addr": CNTT, "org": "Phòng CNTT - Sở Thông tin và Truyền thông",
                "phone": landline(rng)}
    return {"name": p["name"], "addr": p["local"] + "@" + (v["dom"] if v["company"] else "danang.gov.vn"),
            "org": v["unit"], "phone": mobile(rng)}


def fwd_note(rng, fw):
    """The forwarder's note and signature, above the forwarded message."""
    s = Show(rng, "vi", False)
    out = [pick(rng, FWD_NOTES).format(phone=s.phone(fw["phone"])), ""]
    out += ["-- ", fw["name"], fw["org"], "ĐT: " + s.phone(fw["phone"])] if chance(rng, 0.7) else [fw["name"]]
    return out + ["", ""]


def original(rng, i, c, style, o=None, lang="vi", lay=None):
    """A request as first sent: (values, form, lines, message facts, bytes)."""
    o = o or base_opts(rng)
    v, f = typed_request(i, rng, lang, o, c)
    lines = render_text(f, lay or text_layout(rng, False))
    subj = subject_of(rng, lang, v)
    env = make_env(rng, c, v, subj)
    facts = {"name": v["name"], "addr": v["email"], "date": env["date"], "subject": subj, "to": env["to"][0][1]}
    return v, f, lines, facts, env


def style_forward(i, rng):
    """A request forwarded, once or twice, inline or attached, with a note and signature above it."""
    hows = ["gmail", "outlook", "outlook_vi", "apple", "thunderbird", "rfc822", "twice", "zimbra", "gmail_vi",
            "outlook_new"]
    how = hows[i % len(hows)]
    oc = pick(rng, CLIENTS)
    v, f, lines, m, env0 = original(rng, i, oc, "forward")
    fw = forwarder(rng, v)
    m["to"] = fw["addr"]
    env0["to"] = [("", fw["addr"])]
    later = m["date"] + datetime.timedelta(minutes=rng.randint(20, 600))
    client = {"gmail": "gmail", "gmail_vi": "gmail", "outlook": "outlook", "outlook_vi": "outlook_vi",
              "outlook_new": "outlook", "apple": "apple", "thunderbird": "thunderbird", "zimbra": "zimbra",
              "rfc822": "thunderbird", "twice": "outlook_vi"}[how]
    prefix = "FW: " if client.startswith("outlook") else "Fwd: "
    to = proper_address(v) if fw["addr"] != CNTT else PKT
    env = {"from_name": fw["name"], "from_addr": fw["addr"], "to": [("", to)],
           "subject": prefix + m["subject"], "date": later, "mid": message_id(client, rng, fw["addr"].split("@")[1]),
           "received": chance(rng, 0.5)}
    atts = ()
    if how == "rfc822":
        inner = compose(oc, env0, lines, rng, {"crlf": False})
        body = fwd_note(rng, fw)[:-2]
        atts = [([f'Content-Type: message/rfc822;\n\tname="{strip_vi(m["subject"])}.eml"',
                  f'Content-Disposition: attachment;\n\tfilename="{strip_vi(m["subject"])}.eml"'], inner)]
    elif how == "twice":
        fw2 = forwarder(rng, v)
        mid_facts = {"name": fw["name"], "addr": fw["addr"], "date": later - datetime.timedelta(minutes=5),
                     "subject": "Fwd: " + m["subject"], "to": fw2["addr"]}
        first = fwd_note(rng, fw) + fwd_header("gmail", m) + lines
        body = fwd_note(rng, fw2) + fwd_header("outlook_vi", mid_facts) + first
        env["from_name"], env["from_addr"] = fw2["name"], fw2["addr"]
        env["subject"] = "FW: Fwd: " + m["subject"]
    else:
        body = fwd_note(rng, fw) + fwd_header(how, m) + lines
    if "contact_email" not in f.fields:
        f.optional["contact_email"] = v["email"]
    return compose(client, env, body, rng, {}, atts), expectation(f, "forward", client, how)


IID_STAFF = ["Lê Tự Minh Khoa", "Nguyễn Thị Cẩm Vân", "Phan Hữu Lộc", "Trần Quang Vinh"]
IID_ASK = {"vi": ["Chào anh/chị,", "",
                  "Trung tâm đã nhận được thông tin anh/chị trao đổi qua điện thoại. Để bố trí cán bộ thực hiện, "
                  "đề nghị đơn vị gửi phiếu yêu cầu theo mẫu {code} qua thư điện tử, ghi đủ tên đơn vị, người "
                  "liên hệ, số điện thoại và thời gian mong muốn.", "", "Trân trọng,", "{staff}",
                  "Phòng Kỹ thuật - Trung tâm IID", "ĐT: 0236 3888 410 | Email: pkt-iid@danang.gov.vn"],
           "en": ["Hello,", "", "Thank you for your call. So that we can schedule the work, please send us the "
                  "request form {code} by e-mail with your unit, contact person, phone number and preferred time.",
                  "", "Regards,", "{staff}", "Technical Department - IID", "Tel: 0236 3888 410"]}
IID_SUBJ = {"vi": "Hướng dẫn gửi phiếu yêu cầu {code}", "en": "How to send request form {code}"}
SKELETON = ["Đơn vị yêu cầu: .................................", "Người liên hệ: ..................................",
            "Điện thoại: ...................  Email: ....................",
            "Nội dung yêu cầu: ...............................",
            "Thời gian đề nghị: ..............................."]


def reply_intro(how, iid, lang):
    """The line a client writes above a quoted message (None: Outlook's header block instead)."""
    d = iid["date"]
    if how == "gmail_vi":
        return f"Vào {hdr_date(d, 'gmail_vi')} {iid['name']} <{iid['addr']}> đã viết:"
    if how == "gmail":
        return f"On {hdr_date(d, 'gmail')} {iid['name']} <{iid['addr']}> wrote:"
    if how == "thunderbird":
        return f"Vào {d.strftime('%d/%m/%Y %H:%M')}, {iid['name']} đã viết:"
    if how == "apple":
        return (f"On {d.day} {MONTHS_EN[d.month - 1][:3]} {d.year}, at {d.strftime('%H:%M')}, "
                f"{iid['name']} <{iid['addr']}> wrote:")
    return None


def quote(lines):
    """Lines quoted with "> "."""
    return [("> " + x) if x else ">" for x in lines]


def style_quoted(i, rng):
    """Replies that carry the request and quote earlier mail: IID's instructions, a blank form, an old request."""
    hows = ["gmail_vi", "outlook_vi", "gmail", "thunderbird", "old_request", "bottom", "skeleton", "apple"]
    how = hows[i % len(hows)]
    c = {"gmail_vi": "gmail", "gmail": "gmail", "outlook_vi": "outlook_vi", "thunderbird": "thunderbird",
         "old_request": pick(rng, ["gmail", "zimbra"]), "bottom": "roundcube", "skeleton": "gmail",
         "apple": "apple"}[how]
    lang = "en" if how in ("gmail", "apple") and chance(rng, 0.5) else "vi"
    o = base_opts(rng)
    v, f = typed_request(i, rng, lang, o, c)
    lines = render_text(f, text_layout(rng, False))
    iid = {"name": IID_NAMES[PKT], "addr": PKT, "staff": pick(rng, IID_STAFF),
           "date": mail_date(rng, v) - datetime.timedelta(days=rng.randint(1, 3))}
    code = FORM_CODE[v["kind"]]
    iid_subj = IID_SUBJ[lang].format(code=code)
    ask = [x.format(code=code, staff=iid["staff"]) for x in IID_ASK[lang]]
    if how == "skeleton":
        ask = ask[:3] + [""] + SKELETON + ask[3:]
    subj = pick(rng, ["Re: ", "RE: ", "Trả lời: "] if lang == "vi" else ["Re: ", "RE: "]) + iid_subj
    older = None
    if how == "old_request":
        ov = make_values(v["kind"], rng, lang, i)
        for k in ("unit", "name", "email", "phone", "dom"):
            ov[k] = v[k]
        back = datetime.timedelta(days=rng.randint(30, 90))
        for k in ("request_date", "when", "letter_date"):
            if k in ov:
                ov[k] = v[k] - back if k in v else ov[k] - back
        if "action" in ov:
            ov["action"] = v["action"]
        of = make_form(ov, lang, rng, base_opts(rng))
        of.opener = opener(rng, lang, ov)
        older = {"name": v["name"], "addr": v["email"], "date": mail_date(rng, ov)}
        ask = render_text(of, text_layout(rng, False))
        subj = "Re: " + subject_of(rng, lang, ov)
        lines = [pick(rng, ["Đơn vị gửi yêu cầu mới như sau (khác với lần trước):", "Lần này đơn vị đề nghị như sau:"]
                      if lang == "vi" else ["This time we ask for the following:"]), ""] + lines
    src = older or iid
    if how == "outlook_vi":
        body = lines + ["", ""] + fwd_header("outlook_vi", dict(src, subject=iid_subj, to=v["email"])) + ask
    elif how == "bottom":
        body = [f"Vào {src['date'].strftime('%d/%m/%Y %H:%M')}, {src['name']} đã viết:"] + quote(ask) + [""] + lines
    else:
        intro = reply_intro("gmail_vi" if how in ("old_request", "skeleton") else how, src, lang)
        body = lines + ["", intro] + quote(ask)
    env = make_env(rng, c, v, subj)
    env["to"] = [("", PKT if v["kind"] != "mailbox" else proper_address(v))]
    parent = message_id("zimbra", rng, "danang.gov.vn")
    env["irt"], env["refs"] = parent, [parent]
    return compose(c, env, body, rng, {}), expectation(f, "quoted", c, how + ("/en" if lang == "en" else ""))

# ---------------------------------------------------------------- attached documents

ZIP_TIME = (2026, 1, 1, 0, 0, 0)


def zip_bytes(files):
    """A ZIP archive of (name, text) pairs with fixed dates, so the bytes repeat."""
    import io
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name, text in files:
            info = zipfile.ZipInfo(name, ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            z.writestr(info, text.encode("utf-8"))
    return buf.getvalue()


def xml_text(s):
    """s escaped for XML text."""
    return html.escape(s, quote=False)


def w_runs(text, rng, bold=False):
    """WordprocessingML runs of text, split where Word splits them; tabs as <w:tab/>."""
    rpr = "<w:rPr><w:b/></w:rPr>" if bold else ""
    out, parts = [], text.split("\t")
    for j, part in enumerate(parts):
        chunks, rest = [], part
        while len(rest) > 6 and chance(rng, 0.3):
            cut = rng.randint(1, len(rest) - 1)
            chunks.append(rest[:cut])
            rest = rest[cut:]
        chunks.append(rest)
        out += [f'<w:r>{rpr}<w:t xml:space="preserve">{xml_text(ch)}</w:t></w:r>' for ch in chunks if ch]
        if j < len(parts) - 1:
            out.append("<w:r><w:tab/></w:r>")
    return "".join(out)


def w_par(text, rng, center=False, bold=False):
    """One Word paragraph."""
    ppr = '<w:pPr><w:jc w:val="center"/></w:pPr>' if center else ""
    return f"<w:p>{ppr}{w_runs(text, rng, bold)}</w:p>"


def w_table(rows, rng):
    """A Word table of rows of cell texts."""
    trs = "".join("<w:tr>" + "".join(f"<w:tc><w:tcPr><w:tcW w:w=\"0\" w:type=\"auto\"/></w:tcPr>{w_par(x, rng)}</w:tc>"
                                     for x in r) + "</w:tr>" for r in rows)
    return ('<w:tbl><w:tblPr><w:tblStyle w:val="TableGrid"/><w:tblW w:w="0" w:type="auto"/></w:tblPr>'
            f"{trs}</w:tbl>")


def docx_bytes(body_xml):
    """A minimal DOCX holding body_xml."""
    ns = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
    doc = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<w:document {ns}><w:body>{body_xml}'
           '<w:sectPr><w:pgSz w:w="11906" w:h="16838"/></w:sectPr></w:body></w:document>')
    ct = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Types '
          'xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
          '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
          '<Default Extension="xml" ContentType="application/xml"/>'
          '<Override PartName="/word/document.xml" '
          'ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>')
    rels = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships '
            'xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rId1" '
            'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
            'Target="word/document.xml"/></Relationships>')
    return zip_bytes([("[Content_Types].xml", ct), ("_rels/.rels", rels), ("word/document.xml", doc)])


def form_docx(f, v, rng, lay, as_grid):
    """The filled form as a DOCX: letterhead, title, items (paragraphs or a label/value grid), lists as tables."""
    unit_up = v["unit"].upper()
    body = [w_par(f"{unit_up}\tCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", rng, bold=True),
            w_par("\tĐộc lập - Tự do - Hạnh phúc", rng, bold=True), w_par("", rng)]
    body += [w_par(x, rng) for x in f.pre]
    body += [w_par(x, rng, center=True, bold=True) for x in (f.title or TITLES["vi"][f.kind]).split("\n")]
    body += [w_par(x, rng) for x in f.opener]
    grid = []

    def flush():
        """Write pending grid rows as one table."""
        if grid:
            body.append(w_table(grid, rng))
            grid.clear()

    n = 0
    for it in f.items:
        if it[0] == "text":
            flush()
            body.append(w_par(it[1], rng))
            continue
        n += 1
        if it[0] in ("field", "checks"):
            shown = it[2] if it[0] == "field" else box_text(it[2], it[3], lay)
            if as_grid:
                grid.append([it[1], shown])
            else:
                body.append(w_par(f"{bullet(lay.get('num'), n)}{it[1]}:{pick(rng, [' ', chr(9)])}{shown}", rng))
        elif it[0] == "section":
            flush()
            body.append(w_par(f"{bullet(lay.get('num'), n)}{it[1]}:", rng))
            body += [w_par(f"\t- {lab}: {s}", rng) for lab, s in it[2]]
        else:
            flush()
            body.append(w_par(f"{bullet(lay.get('num'), n)}{it[1]}:", rng))
            body.append(w_table([it[2]] + it[3], rng))
    flush()
    body += [w_par(x, rng) for x in f.post]
    body += [w_par("NGƯỜI ĐỀ NGHỊ\t\tTHỦ TRƯỞNG ĐƠN VỊ", rng, bold=True), w_par("(Ký, ghi rõ họ tên)", rng),
             w_par("", rng), w_par(v["name"], rng)]
    return docx_bytes("".join(body))


def col_name(j):
    """Spreadsheet column letters of 0-based column j (A..Z is enough here)."""
    return "ABCDEFGHIJKLMNOPQRSTUVWXYZ"[j]


def xlsx_bytes(rows, numeric_phone_cols=()):
    """A minimal XLSX with one sheet; strings shared, STT and phone columns as numbers where asked."""
    strings, index, xml_rows = [], {}, []
    for r, row in enumerate(rows, 1):
        cells = []
        for j, x in enumerate(row):
            ref = f"{col_name(j)}{r}"
            if x == "":
                continue
            if (isinstance(x, int)) or (j in numeric_phone_cols and r > 1 and x.isdigit()):
                cells.append(f'<c r="{ref}"><v>{int(x)}</v></c>')
                continue
            if x not in index:
                index[x] = len(strings)
                strings.append(x)
            cells.append(f'<c r="{ref}" t="s"><v>{index[x]}</v></c>')
        xml_rows.append(f'<row r="{r}">{"".join(cells)}</row>')
    main = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    sheet = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet xmlns="{main}">'
             f'<sheetData>{"".join(xml_rows)}</sheetData></worksheet>')
    sst = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<sst xmlns="{main}" count="{len(strings)}" '
           f'uniqueCount="{len(strings)}">'
           + "".join(f"<si><t>{xml_text(s)}</t></si>" for s in strings) + "</sst>")
    wb = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<workbook xmlns="{main}" xmlns:r="{rel}">'
          '<sheets><sheet name="Danh sach" sheetId="1" r:id="rId1"/></sheets></workbook>')
    wbrels = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships '
              'xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
              '<Relationship Id="rId1" '
              'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" '
              'Target="worksheets/sheet1.xml"/>'
              '<Relationship Id="rId2" '
              'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" '
              'Target="sharedStrings.xml"/></Relationships>')
    ct = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Types '
          'xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
          '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
          '<Default Extension="xml" ContentType="application/xml"/>'
          '<Override PartName="/xl/workbook.xml" '
          'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
          '<Override PartName="/xl/worksheets/sheet1.xml" '
          'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
          '<Override PartName="/xl/sharedStrings.xml" '
          'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>')
    rels = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships '
            'xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rId1" '
            'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
            'Target="xl/workbook.xml"/></Relationships>')
    return zip_bytes([("[Content_Types].xml", ct), ("_rels/.rels", rels), ("xl/workbook.xml", wb),
                      ("xl/_rels/workbook.xml.rels", wbrels), ("xl/worksheets/sheet1.xml", sheet),
                      ("xl/sharedStrings.xml", sst)])


def csv_bytes(rows, sep, codec, bom):
    """A CSV file as Excel writes it: quoted where needed, CRLF, maybe a BOM, maybe windows-1258."""
    def cell(x):
        """One CSV cell."""
        x = str(x)
        return '"' + x.replace('"', '""') + '"' if sep in x or '"' in x else x
    text = "".join(sep.join(cell(x) for x in r) + "\r\n" for r in rows)
    data = encode_text(text, codec)
    return (b"\xef\xbb\xbf" if bom and codec == "utf-8" else b"") + data


def list_item(f):
    """The index of the accounts/visitors table item of a form, or None."""
    for j, it in enumerate(f.items):
        if it[0] in ("table", "blocks"):
            return j
    return None


DOC_NOTE = {"vi": ["Đơn vị gửi kèm phiếu yêu cầu ({what}), đề nghị Trung tâm xem xét thực hiện.",
                   "Gửi anh chị phiếu yêu cầu đã điền đầy đủ thông tin trong tệp đính kèm.",
                   "Đơn vị xin gửi phiếu đăng ký theo file đính kèm."]}
SHEET_TITLE = {"accounts": "DANH SÁCH TÀI KHOẢN THƯ ĐIỆN TỬ", "visitors": "DANH SÁCH NGƯỜI VÀO PHÒNG HỆ THỐNG"}


def style_document(i, rng):
    """The form as an attached DOCX, or the list of accounts/visitors as attached CSV or XLSX."""
    kind = TYPES[i % 5]
    has_list = kind in ("mailbox", "server_room")
    how = ["csv", "xlsx", "docx", "csv_cp1258"][(i // 5) % 4] if has_list else "docx"
    c = pick(rng, ["outlook_vi", "gmail", "zimbra", "thunderbird", "outlook"])
    o = base_opts(rng, blocks=False)
    v = make_values(kind, rng, "vi", i)
    f = make_form(v, "vi", rng, o)
    f.opener = opener(rng, "vi", v)
    if how != "docx":
        f.post += signature(rng, "vi", v, c, o)
    lay = text_layout(rng, False)
    lay["box"] = ("☒", "☐")
    atts = []
    if how == "docx":
        grid = chance(rng, 0.4)
        data = form_docx(f, v, rng, lay, as_grid=grid)
        name = pick(rng, [f"Phiếu yêu cầu {FORM_CODE[kind].replace('/', '-')}.docx",
                          f"Mau_{FORM_CODE[kind][:2]}_IID-KT.docx",
                          f"phieu yeu cau {v['dom'].split('.')[0]}.docx"])
        atts.append(attachment(name, "application/vnd.openxmlformats-officedocument.wordprocessingml.document", data,
                               pick(rng, ["2231", "2047"])))
        s = Show(rng, "vi", False)
        body = opener(rng, "vi", v)[:1] + ["", pick(rng, DOC_NOTE["vi"]).format(what=FORM_CODE[kind]), "",
                                           "Trân trọng,", v["name"]]
        body += ["ĐT: " + s.phone(v["phone"])] if chance(rng, 0.5) else []
        var = "docx, label/value grid" if grid else "docx, paragraphs"
    else:
        j = list_item(f)
        it = f.items[j]
        f.items[j] = ("text", f"{it[1]}: " + pick(rng, ["xem tệp đính kèm", "theo file đính kèm", "(đính kèm)"]))
        key = "accounts" if kind == "mailbox" else "visitors"
        rows = [it[2]] + it[3]
        if how.startswith("csv"):
            cp = how == "csv_cp1258"
            data = csv_bytes(rows, pick(rng, [",", ";"]), "cp1258" if cp else "utf-8", chance(rng, 0.5))
            ctype = pick(rng, ["text/csv", "application/vnd.ms-excel", "text/comma-separated-values"])
            what = "tài khoản" if key == "accounts" else "người vào"
            name = f"danh_sach_{key}.csv" if chance(rng, 0.5) else f"Danh sách {what}.csv"
            atts.append(attachment(name, ctype, data, pick(rng, ["2231", "2047"])))
        else:
            phone_heads = ACC_HEADERS["vi"]["mobile"] + VIS_HEADERS["vi"]["phone"]
            phone_cols = tuple(k for k, h in enumerate(it[2]) if h in phone_heads)
            num_rows = [[re.sub(r"\D", "", x) if k in phone_cols else x for k, x in enumerate(r)] for r in it[3]]
            lead = [[SHEET_TITLE[key]], [""]] if chance(rng, 0.6) else []
            data = xlsx_bytes(lead + [it[2]] + num_rows, phone_cols if chance(rng, 0.5) else ())
            atts.append(attachment(f"DS_{key}_{v['dom'].split('.')[0]}.xlsx",
                                   "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", data))
        body = render_text(f, lay)
        var = how
    env = make_env(rng, c, v, subject_of(rng, "vi", v))
    return compose(c, env, body, rng, {}, atts), expectation(f, "document", c, var)

# ---------------------------------------------------------------- prose


def honorific(female, lang):
    """anh/chị, Mr/Ms."""
    if lang == "en":
        return "Ms." if female else "Mr."
    return "chị" if female else "anh"


def lower_first(s):
    """s with its first letter in lower case (for use inside a sentence)."""
    return s[:1].lower() + s[1:]


def prose_contact(v, S, lang, rng):
    """A sentence with the contact person, phone and e-mail."""
    h = honorific(v["female"], lang)
    if lang == "en":
        return f"For any question please contact {h} {v['name']} on {S.phone(v['phone'])} or at {v['email']}."
    return pick(rng, [f"Mọi thông tin xin liên hệ {h} {v['name']}, điện thoại {S.phone(v['phone'])}, "
                      f"email {v['email']}.",
                      f"Khi cần trao đổi, xin vui lòng liên hệ {h} {v['name']} qua số {S.phone(v['phone'])} hoặc "
                      f"email {v['email']}."])


def prose_body(v, f, S, rng):
    """The request told in sentences; fills f.fields with what they state, f.ignore with what they leave open."""
    u, fl = v["unit"], f.fields
    fl.update({"requesting_unit": u, "contact_name": v["name"], "contact_phone": v["phone"],
               "contact_email": v["email"]})
    k = v["kind"]
    h = (v["hour"], v["minute"]) if chance(rng, 0.6) else (None, 0)
    when = S.moment(v["when"], *h)
    if k == "website_update":
        fl.update({"website_url": v["website_url"], "desired_time": iso_moment(v["when"], *h)})
        f.ignore.append("description")
        text = (f"{u} có nhu cầu cập nhật mã nguồn cho trang thông tin điện tử {v['website_url']} "
                f"({lower_first(v['description'])}). Đề nghị Trung tâm bố trí thực hiện vào {when}.")
    elif k == "mailbox":
        act = v["action"]
        fl["mailbox_action"] = act
        accs = v["accounts"]
        if act == "create":
            fl["accounts"] = accs
            text = (f"{u} đề nghị cấp mới hộp thư công vụ cho {len(accs):02d} cán bộ sau:\n" +
                    "\n".join(f"- {a['full_name']}, {lower_first(a['position'])}, {a['department']}, địa chỉ đề xuất "
                              f"{a['address']}, di động {S.phone(a['mobile'])};" for a in accs))
            f.ignore.append("description")
        else:
            a = accs[0]
            fl["accounts"] = [{x: a[x] for x in ("full_name", "position", "department", "address")}]
            what = "hủy hộp thư" if act == "cancel" else "cấp lại mật khẩu hộp thư"
            text = (f"{u} đề nghị {what} {a['address']} của {a['full_name']} ({lower_first(a['position'])}, "
                    f"{a['department']}). {v['description']}.")
            f.ignore.append("description" if act == "cancel" else "change_detail")
    elif k == "subdomain":
        a = v["admin"]
        fl.update({"subdomain": v["subdomain"], "approval_ref": v["approval_ref"], "target_ip": v["target_ip"],
                   "admin_name": a["name"], "admin_phone": a["phone"], "admin_email": a["email"]})
        f.ignore.append("purpose")
        text = (f"Căn cứ Công văn số {v['approval_ref']} ngày {S.date(v['letter_date'], True)} "
                f"của UBND thành phố đồng ý "
                f"cho {u} sử dụng tên miền {v['subdomain']}, đơn vị đề nghị Trung tâm tạo tên miền nêu trên và trỏ về "
                f"địa chỉ IP {v['target_ip']} để phục vụ {lower_first(v['purpose'])}. Cán bộ quản trị kỹ thuật là "
                f"{honorific(chance(rng, 0.5), 'vi')} {a['name']}, số điện thoại {S.phone(a['phone'])}, "
                f"email {a['email']}.")
    elif k == "server_room":
        a, b = (v["hour"], v["minute"]), v["until"]
        fl.update({"visit_date": v["when"].isoformat(), "time_from": f"{a[0]:02d}:{a[1]:02d}",
                   "time_to": f"{b[0]:02d}:{b[1]:02d}"})
        org = v["visitors"][0]["organization"]
        fl["visitors"] = v["visitors"]
        f.ignore += ["purpose", "equipment"]
        people = " và ".join(f"{p['full_name']} (CCCD số {p['id_no']}, SĐT {S.phone(p['phone'])})"
                             for p in v["visitors"])
        text = (f"{u} cần vào Phòng Hệ thống ngày {S.date(v['when'], True)}, {S.span(a, b)}, để "
                f"{lower_first(v['purpose'])}. Người vào phòng là cán bộ của {org}: {people}. "
                f"Mang theo: {lower_first(v['equipment'])}.")
        if v["emergency"]:
            fl["emergency"] = True
            text += "\nĐây là trường hợp xử lý sự cố đột xuất, đơn vị đã gọi điện báo trước, nay gửi phiếu bổ sung."
        else:
            f.optional["emergency"] = False
    else:
        fl["location"] = v["location"]
        f.ignore += ["description", "category", "priority"]
        text = (f"{u} đề nghị Trung tâm cử cán bộ hỗ trợ {'gấp' if v['priority'] == 'urgent' else 'khi thuận tiện'}: "
                f"{lower_first(v['description'])}. Vị trí cần hỗ trợ ở {lower_first(v['location'])}.")
        if v["emergency"]:
            fl["emergency"] = True
            text += ("\nĐơn vị đã gọi điện báo sự cố sáng nay (trường hợp đột xuất), "
                     "nay gửi phiếu để hoàn thiện thủ tục.")
        else:
            f.optional["emergency"] = False
    return text


def style_prose(i, rng):
    """The request told in sentences, as many people write it, without a form."""
    c = CLIENTS[(i + 2) % len(CLIENTS)]
    v = make_values(TYPES[i % 5], rng, "vi", i)
    f = Form(v["kind"], "vi")
    S = Show(rng, "vi", chance(rng, 0.5))
    text = prose_body(v, f, S, rng)
    lines = opener(rng, "vi", v)[:1] + [""] + text.split("\n") + ["", prose_contact(v, S, "vi", rng), ""]
    lines += pick(rng, THANKS["vi"]).split("\n") + [v["name"]]
    tx = strip_vi if i % 4 == 3 else None
    if tx:
        lines = [tx(x) for x in lines]
        transform_form(f, tx)
    subj = subject_of(rng, "vi", v)
    env = make_env(rng, c, v, tx(subj) if tx else subj)
    return compose(c, env, lines, rng, {}), expectation(f, "prose", c, "no diacritics" if tx else "")


# ---------------------------------------------------------------- the set

STYLE_FN = {"typed": style_typed, "novi": style_novi, "labels": style_labels, "values": style_values,
            "html": style_html, "charset": style_charset, "english": style_english, "forward": style_forward,
            "quoted": style_quoted, "document": style_document, "prose": style_prose}


def generate(out, seed, per_style):
    """Write every message and its expectation into out, and the manifest beside it."""
    os.makedirs(out, exist_ok=True)
    manifest = []
    n = 0
    for style in STYLES:
        for k in range(per_style):
            n += 1
            rng = random.Random(f"{seed}/{style}/{k}")
            msg, exp = STYLE_FN[style](k, rng)
            nid = f"{n:04d}"
            exp = dict(exp, id=nid)
            with open(os.path.join(out, nid + ".eml"), "wb") as fh:
                fh.write(msg)
            with open(os.path.join(out, nid + ".expected.json"), "w", encoding="utf-8") as fh:
                json.dump(exp, fh, ensure_ascii=False, indent=1)
                fh.write("\n")
            manifest.append({"id": nid, "style": style, "type": exp["type"], "client": exp["client"],
                             "variant": exp["variant"]})
    with open(os.path.join(os.path.dirname(os.path.abspath(out)), "manifest.json"), "w", encoding="utf-8") as fh:
        json.dump({"seed": seed, "per_style": per_style, "messages": manifest}, fh, ensure_ascii=False, indent=1)
        fh.write("\n")
    return n


def verify(out, seed, per_style):
    """Regenerate into a temporary folder and compare with out byte by byte; 0 when identical."""
    tmp = tempfile.mkdtemp(prefix="evalset_")
    try:
        generate(os.path.join(tmp, "set"), seed, per_style)
        names = sorted(os.listdir(os.path.join(tmp, "set")))
        if names != sorted(x for x in os.listdir(out) if x.endswith((".eml", ".json"))):
            print("verify: the file lists differ")
            return 1
        _, bad, err = filecmp.cmpfiles(os.path.join(tmp, "set"), out, names, shallow=False)
        mf = filecmp.cmp(os.path.join(tmp, "manifest.json"),
                         os.path.join(os.path.dirname(os.path.abspath(out)), "manifest.json"), shallow=False)
        if bad or err or not mf:
            print("verify: differ:", ", ".join(bad + err + ([] if mf else ["manifest.json"])))
            return 1
        print(f"verify: {len(names)} files identical")
        return 0
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def main(argv=None):
    """Command line: generate (default) or --verify."""
    here = os.path.dirname(os.path.abspath(__file__))
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--seed", default="2026")
    ap.add_argument("--per-style", type=int, default=20)
    ap.add_argument("--out", default=os.path.join(here, "set"))
    ap.add_argument("--verify", action="store_true")
    a = ap.parse_args(argv)
    if a.verify:
        return verify(a.out, a.seed, a.per_style)
    n = generate(a.out, a.seed, a.per_style)
    print(f"wrote {n} messages to {a.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
