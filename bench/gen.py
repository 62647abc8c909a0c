#!/usr/bin/env python3
"""gen.py - write N distinct request mails of all five types into a directory.

    bench/gen.py N DIR [--seed S] [--start K]

Each mail is a typed "Label: value" request (Vietnamese with diacritics, or
without them), to pkt-iid@danang.gov.vn, with plausible random values and a
Message-ID of its own; the types rotate website_update, mailbox (create,
change), subdomain, server_room, tech_support.  Files are DIR/000001.eml ...
The mails are numbered K+1 .. K+N (default K=0): with distinct ranges (and
seeds), several runs write mails that are all distinct (Message-IDs, subjects,
sub-domain names), as bench/flat_cost.sh does chunk by chunk.
Python 3 standard library only.
"""

import argparse
import os
import random
import unicodedata
from email.charset import QP, Charset
from email.header import Header

UNITS = [
    ("Sở Tư pháp", "stp"), ("Sở Tài chính", "stc"), ("Sở Xây dựng", "sxd"),
    ("Sở Y tế", "syt"), ("Sở Giáo dục và Đào tạo", "sgddt"), ("Sở Nội vụ", "snv"),
    ("Sở Du lịch", "sdl"), ("Sở Công Thương", "sct"), ("Sở Giao thông vận tải", "sgtvt"),
    ("Sở Tài nguyên và Môi trường", "stnmt"), ("UBND quận Hải Châu", "haichau"),
    ("UBND quận Sơn Trà", "sontra"), ("UBND quận Liên Chiểu", "lienchieu"),
    ("UBND huyện Hòa Vang", "hoavang"), ("Ban Quản lý Khu công nghệ cao", "dhpiza"),
]
FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Võ", "Đặng", "Bùi", "Đỗ"]
MIDDLE = ["Văn", "Thị", "Hữu", "Minh", "Thu", "Ngọc", "Quốc", "Thanh", "Đức", "Kim"]
GIVEN = ["An", "Bình", "Cường", "Dũng", "Hà", "Hải", "Hương", "Khoa", "Lan", "Linh", "Long",
         "Nam", "Nga", "Phúc", "Quân", "Tâm", "Thảo", "Trang", "Tuấn", "Vy"]
WEB_WORK = ["Cập nhật chuyên mục tin tức và vá lỗi bảo mật biểu mẫu liên hệ",
            "Nâng cấp phiên bản mã nguồn và khôi phục dữ liệu văn bản",
            "Bổ sung chuyên mục Hỏi - Đáp và sửa lỗi hiển thị trên điện thoại"]
ROOM_WORK = ["Thay ổ cứng hỏng trên máy chủ lưu trữ", "Kiểm tra đèn báo lỗi nguồn của máy chủ",
             "Rút thiết bị máy chủ cũ ra khỏi tủ rack", "Đấu nối lại cáp quang vào switch"]
SUPPORT = [("Mạng", "Mất kết nối mạng tại phòng họp trực tuyến"),
           ("Thư điện tử", "Không gửi được thư có tệp đính kèm lớn"),
           ("Website", "Trang thông tin điện tử không truy cập được"),
           ("Phần mềm", "Cài đặt phần mềm quản lý văn bản cho máy trạm mới"),
           ("Máy chủ", "Máy chủ ứng dụng khởi động lại liên tục")]
PURPOSES = ["Cổng thông tin hội nghị", "Hệ thống phản ánh kiến nghị", "Cổng dữ liệu mở",
            "Trang thông tin sự kiện", "Hệ thống đặt lịch trực tuyến"]


def fold(text):
    """Vietnamese without diacritics (the body_novi style)."""
    text = text.replace("Đ", "D").replace("đ", "d")
    return "".join(c for c in unicodedata.normalize("NFD", text)
                   if unicodedata.category(c) != "Mn")


def person(rng):
    return f"{rng.choice(FAMILY)} {rng.choice(MIDDLE)} {rng.choice(GIVEN)}"


def login_of(name):
    """binhtv-style mailbox name from a full name."""
    parts = fold(name).lower().split()
    return parts[-1] + "".join(p[0] for p in parts[:-1])


def phone(rng):
    return f"09{rng.randint(0, 9)}{rng.randint(0, 9)} {rng.randint(100, 999)} {rng.randint(100, 999)}"


def date(rng, month=12, year=2026):
    return f"{rng.randint(1, 28):02d}/{month:02d}/{year}"


def body_lines(kind, rng, unit, code, contact, i):
    """(form code, subject, list of "Label: value" lines) for one request."""
    common = [f"Đơn vị yêu cầu: {unit}", f"Người liên hệ: {contact}",
              f"Điện thoại: {phone(rng)}", f"Email: vanphong@{code}.danang.gov.vn"]
    if kind == "website_update":
        return ("01/IID-KT", f"Đề nghị cập nhật mã nguồn website {unit} (số {i})", common + [
            f"Địa chỉ website: https://{code}.danang.gov.vn",
            "Nội dung cập nhật: ☑ Mã nguồn  ☐ Cơ sở dữ liệu",
            f"Nội dung yêu cầu: {rng.choice(WEB_WORK)}.",
            f"Thời gian đề nghị thực hiện: {date(rng)}"])
    if kind in ("mailbox_create", "mailbox_change"):
        staff = [person(rng) for _ in range(rng.randint(1, 3))]
        rows = [f"{n} | {nm} | Chuyên viên | Văn phòng | {login_of(nm)}{rng.randint(1, 99)}"
                f"@danang.gov.vn | {phone(rng)}" for n, nm in enumerate(staff, 1)]
        action = "Cấp mới" if kind == "mailbox_create" else "Thay đổi"
        extra = ([f"Nội dung thay đổi: Đặt lại mật khẩu cho tài khoản {login_of(staff[0])}"
                  "@danang.gov.vn"] if kind == "mailbox_change" else
                 ["Nội dung yêu cầu: Cấp hộp thư cho cán bộ mới được tuyển dụng."])
        return ("02/IID-KT", f"Đề nghị {action.lower()} hộp thư điện tử - {unit} (số {i})",
                common + [f"Hình thức: {action}"] + extra + [
                    "", "Danh sách tài khoản:",
                    "STT | Họ và tên | Chức vụ | Phòng/Ban | Địa chỉ hộp thư | Điện thoại di động"]
                + rows)
    if kind == "subdomain":
        name = f"{rng.choice(['hoinghi', 'sukien', 'dulieu', 'dichvu', 'tracuu'])}{i}-{code}"
        return ("03/IID-KT", f"V/v tạo tên miền con {name}.danang.gov.vn", common + [
            f"Tên miền đăng ký: {name}.danang.gov.vn",
            f"Văn bản chấp thuận của UBND thành phố: {rng.randint(1000, 9999)}/UBND-KTN",
            f"IP máy chủ: 14.225.{rng.randint(0, 255)}.{rng.randint(1, 254)}",
            f"Mục đích sử dụng: {rng.choice(PURPOSES)}",
            f"Thời gian đề nghị thực hiện: {date(rng)}"])
    if kind == "server_room":
        h = rng.randint(8, 15)
        visitors = [person(rng) for _ in range(rng.randint(1, 2))]
        return ("04/IID-KT", f"Đăng ký vào Phòng Hệ thống - {unit} (số {i})", common + [
            f"Ngày thực hiện: {date(rng)}", f"Giờ vào: {h:02d}:00", f"Giờ ra: {h + 1:02d}:30",
            f"Mục đích: {rng.choice(ROOM_WORK)}", "Trường hợp khẩn cấp: [ ] Có  [x] Không",
            "", "Người vào phòng:"] + [
            f"{n}. {v} | {unit} | 0{rng.randint(10, 99)}0{rng.randint(10**8, 10**9 - 1)} | "
            f"{phone(rng)}" for n, v in enumerate(visitors, 1)])
    category, what = rng.choice(SUPPORT)
    return ("05/IID-KT", f"Phiếu đăng ký hỗ trợ kỹ thuật - {unit} (số {i})", common + [
        f"Loại hỗ trợ: {category}",
        f"Địa điểm: Phòng {rng.randint(1, 9)}0{rng.randint(1, 9)}, Trung tâm Hành chính thành phố",
        f"Nội dung yêu cầu: {what}.",
        f"Ngày đề nghị: {date(rng, 11)}"])


KINDS = ["website_update", "mailbox_create", "subdomain", "server_room", "tech_support",
         "mailbox_change"]


def make_mail(i, rng):
    """The bytes of request number i."""
    unit, code = rng.choice(UNITS)
    contact = person(rng)
    kind = KINDS[i % len(KINDS)]
    form, subject, lines = body_lines(kind, rng, unit, code, contact, i)
    novi = rng.random() < 0.3
    text = (f"Kính gửi: Trung tâm Phát triển Hạ tầng CNTT Đà Nẵng\n\n"
            f"{unit} gửi phiếu yêu cầu (biểu mẫu {form}):\n\n" + "\n".join(lines) +
            f"\n\nTrân trọng./.\n\n-- \n{contact}\n{unit}\n")
    if novi:
        text, subject = fold(text), fold(subject)
    cs = Charset("utf-8")
    cs.header_encoding = QP
    sender = f"vanphong@{code}.danang.gov.vn"
    headers = [
        f"From: {Header(fold(unit) if novi else unit, cs).encode()} <{sender}>",
        "To: pkt-iid@danang.gov.vn",
        f"Subject: {Header(subject, cs, header_name='Subject').encode(maxlinelen=76)}",
        f"Date: Fri, 27 Nov 2026 {8 + i % 9:02d}:{i % 60:02d}:{(i * 7) % 60:02d} +0700",
        f"Message-ID: <bench.{i:06d}.{rng.getrandbits(48):012x}@{code}.danang.gov.vn>",
        "MIME-Version: 1.0",
        'Content-Type: text/plain; charset="utf-8"',
        "Content-Transfer-Encoding: 8bit",
    ]
    return ("\r\n".join(headers) + "\r\n\r\n" + text.replace("\n", "\r\n")).encode("utf-8")


def main():
    ap = argparse.ArgumentParser(description="write N request mails into DIR")
    ap.add_argument("n", type=int)
    ap.add_argument("dir")
    ap.add_argument("--seed", type=int, default=2026)
    ap.add_argument("--start", type=int, default=0, help="number the mails from START+1")
    args = ap.parse_args()
    rng = random.Random(args.seed)
    os.makedirs(args.dir, exist_ok=True)
    for i in range(args.start + 1, args.start + args.n + 1):
        with open(os.path.join(args.dir, f"{i:06d}.eml"), "wb") as f:
            f.write(make_mail(i, rng))


if __name__ == "__main__":
    main()
