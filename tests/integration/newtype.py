#!/usr/bin/env python3
"""newtype.py - a request type added by the rules file and one template, end to end.

config/rules.conf.example says a new type is another `key` in the rules file's
`types`; templates of a type's own ("NAME.TYPE.LANG.txt") stand in for the
general ones for requests of that type.  The test writes a rules file adding
"vpn_access" (form 06/IID-KT, keywords "VPN" and "truy cập từ xa", its required
fields with `location` beyond the common ones, a Vietnamese title, due_days 3)
and a templates directory of its own: a copy of config/templates plus
`ack.vpn_access.vi.txt`.  Through the real daemon, Dovecot and Postfix:

- By form code: a mail naming "06/IID-KT" in its subject, and none of the
  type's keywords, is stored as
  vpn_access with that form code and a due date; the acknowledgement carries
  the rules file's title and is the type's own template (the general one for
  the staff notice); `phieuctl list --type vpn_access` lists it, `--type
  tech_support` does not; "#lich" schedules it, "#xong" completes it, the
  unit's confirmation closes it, the unit told at each step.
- By keyword, missing a required field: a mail with "VPN" in its subject and no
  form code is vpn_access too (form 06/IID-KT); `location` is missing and named
  in the acknowledgement ("Địa điểm"); "#bosung" puts it in needs_info, the
  unit's answer with the place fills the field and acknowledges it again.
- `phieud -n` checks the type's template with the others: "configuration OK";
  one without a Subject line stops it, naming the file.

By hand: python3 tests/integration/newtype.py --phieud build/daemon/phieud \
  --phieuctl build/daemon/phieuctl --srcdir . [ByFormCode.test_...]
"""

import os
import shutil

import harness
from procedure import (CLOSED, COMPLETED, CORRESPONDENCE, NEEDINFO, PKT, REACK,
                       SCHEDULED, STAFF, SNV, STP, ProcedureCase, units_config)

TYPE = "vpn_access"
TITLE = "Cấp quyền truy cập mạng riêng ảo (VPN)"
# a line only the type's own acknowledgement has
OWN_LINE = "Hướng dẫn cài đặt phần mềm VPN được gửi kèm khi cấp quyền."

RULES = f"""# Written by tests/integration/newtype.py
types = (
  {{ key = "{TYPE}";
    form = 6;
    keywords = [ "VPN", "truy cập từ xa", "mạng riêng ảo" ];
    required = [ "requesting_unit", "contact_name", "contact_phone", "location",
                 "description" ];
    sign_off = true;
    title = "{TITLE}";
    due_days = 3;
  }}
);
"""

OWN_ACK = ("Subject: [{{prefix}} #{{number}}] Đã tiếp nhận yêu cầu: {{title}}\n\n"
           "Kính gửi {{greeting}},\n\n"
           "{{centre}} đã tiếp nhận yêu cầu {{title}} (biểu mẫu {{form_code}}).\n"
           "Số tiếp nhận: {{number}}\n\n"
           "{{fields}}\n"
           "{{#missing}}\n\nThông tin còn thiếu, đề nghị Quý đơn vị bổ sung:\n"
           "{{missing}}\n{{/missing}}\n\n"
           f"{OWN_LINE}\n\n"
           "Khi trả lời, xin giữ nguyên \"[{{prefix}} #{{number}}]\" trong tiêu đề thư.\n")


def vpn_request(sender=STP, subject="Phiếu đề nghị (06/IID-KT)",
                place="Phòng 305, tầng 3, Trung tâm Hành chính thành phố"):
    """A unit's request; none of the type's keywords but in the subject given."""
    where = f"- Địa điểm: {place}\n" if place else ""
    return (sender, PKT, "Phan Văn Hùng", subject,
            "Kính gửi: Trung tâm Phát triển Hạ tầng CNTT Đà Nẵng (IID),\n\n"
            "Sở Tư pháp gửi phiếu đề nghị như sau:\n\n"
            "- Đơn vị yêu cầu: Sở Tư pháp\n"
            "- Người liên hệ: Phan Văn Hùng\n"
            "- Di động: 0905 771 204\n"
            f"- Email: {sender}\n"
            f"{where}"
            "- Nội dung yêu cầu: Cấp tài khoản kết nối cho 02 cán bộ làm việc ngoài trụ sở "
            "với hệ thống một cửa điện tử.\n\n"
            "Trân trọng,\n\n-- \nPhan Văn Hùng\nSở Tư pháp\n")


class NewTypeCase(ProcedureCase):
    """A ProcedureCase whose configuration names a rules file adding vpn_access
    and a templates directory with that type's acknowledgement."""

    BASEPORT = 10960

    def setUp(self):
        super().setUp()
        self.templates = os.path.join(self.work, "templates")
        shutil.copytree(os.path.join(harness.SRCDIR, "config", "templates"), self.templates)
        self.write_template(f"ack.{TYPE}.vi.txt", OWN_ACK)
        with open(os.path.join(self.work, "rules.conf"), "w", encoding="utf-8") as f:
            f.write(RULES)
        self.conf = self.write_config(extra=units_config(
            f'rules = "rules.conf";\ntemplates = "{self.templates}";\n'))

    def write_template(self, name, text):
        with open(os.path.join(self.templates, name), "w", encoding="utf-8") as f:
            f.write(text)

    def listed_ids(self, *filters):
        return [r["id"] for r in self.ctl_json("list", *filters)]


class ByFormCode(NewTypeCase):
    """The form code in the subject, from the first mail to closed."""

    def test_vpn_access_by_form_code_to_closed(self):
        number = self.new_request(vpn_request())
        shown = self.show(number)
        self.assertEqual(shown["type"], TYPE, "stored with the rules file's type")
        self.assertEqual(shown["form_code"], "06/IID-KT")
        self.assertEqual(shown["missing"], [], "every required field was given")
        self.assertIsNotNone(shown["due_date"], "due_days of the rules file gives a due date")
        self.expect_events(number, ("received", STP), ("acknowledged", "phieu"))

        ack = self.last_mail[(STP, number)]
        self.assertIn(TITLE, ack["subject"], "the title of the rules file, in the subject")
        body = " ".join(ack["body"].split())
        self.assertIn(OWN_LINE, body, "the type's own acknowledgement template")
        self.assertIn(f"{TITLE} (biểu mẫu 06/IID-KT)", body)
        self.assertIn("Phòng 305", body, "the fields read, echoed")
        notice = self.last_mail[(STAFF[0], number)]
        self.assertNotIn(OWN_LINE, notice["body"], "staff get the general notice")

        self.assertEqual(self.listed_ids("--type", TYPE), [number])
        self.assertEqual(self.listed_ids("--type", "tech_support"), [])

        self.staff_reply(number, "#lich 10/12/2026 14:00")
        self.run_once()
        shown = self.expect_state(number, "scheduled", ("assigned", STAFF[0]),
                                  ("scheduled", STAFF[0]))
        self.assertEqual(shown["scheduled_at"], "2026-12-10T14:00")
        told = self.expect_unit(STP, number, SCHEDULED, frm=PKT)
        self.assertIn("14:00 ngày 10/12/2026", told["subject"])

        self.staff_reply(number, "#xong Đã cấp 02 tài khoản VPN")
        self.run_once()
        self.expect_state(number, "completed", ("completed", STAFF[0]))
        self.expect_unit(STP, number, COMPLETED, frm=PKT)

        self.unit_reply(number, STP, "Kính gửi Trung tâm,", "", "Xác nhận hoàn thành.", "",
                        "Trân trọng.")
        self.run_once()
        self.expect_state(number, "closed", ("confirmed", STP))
        self.expect_unit(STP, number, CLOSED, frm=PKT)
        self.assertEqual(self.listed_ids("--type", TYPE), [number])
        self.expect_nothing_else()


class ByKeyword(NewTypeCase):
    """Keywords without a form code; a required field missing, then given."""

    def give_location(self, number):
        """The unit replies with the missing line: the field is filled, the
        request acknowledged again, staff told."""
        self.unit_reply(number, SNV, "Kính gửi Trung tâm,", "",
                        "Địa điểm: Phòng 204, tầng 2, 24 Trần Phú", "", "Trân trọng.")
        self.run_once()
        shown = self.expect_state(number, "acknowledged", ("info_received", SNV))
        self.assertEqual(shown["fields"].get("location"), "Phòng 204, tầng 2, 24 Trần Phú")
        self.assertEqual(shown["missing"], [])
        self.expect_unit(SNV, number, REACK, frm=PKT)
        self.expect_staff(number, CORRESPONDENCE)

    def test_vpn_access_by_keyword_missing_location(self):
        number = self.new_request(
            vpn_request(sender=SNV, subject="Đề nghị cấp tài khoản VPN - Sở Nội vụ", place=None))
        shown = self.show(number)
        self.assertEqual(shown["type"], TYPE, "known by its keyword")
        self.assertEqual(shown["form_code"], "06/IID-KT", "its form code, from the rules file")
        self.assertEqual(shown["missing"], ["location"], "the required field not given")
        ack = self.last_mail[(SNV, number)]
        self.assertIn(OWN_LINE, ack["body"])
        self.assertIn("Thông tin còn thiếu", ack["body"])
        self.assertIn("- Địa điểm", ack["body"], "the missing field named for people")
        self.expect_events(number, ("received", SNV), ("acknowledged", "phieu"))

        self.staff_reply(number, "#bosung Địa điểm đặt máy tính dùng VPN")
        self.run_once()
        self.expect_state(number, "needs_info", ("needs_info", STAFF[0]))
        asked = self.expect_unit(SNV, number, NEEDINFO, frm=PKT)
        self.assertIn("Địa điểm đặt máy tính dùng VPN", asked["body"])

        self.give_location(number)
        self.assertEqual(self.listed_ids("--type", TYPE), [number])
        self.expect_nothing_else()

    def test_missing_given_in_reply_to_ack(self):
        """The acknowledgement names what is missing and asks the unit to reply
        with it: a reply holding the line fills the field at once, without a
        #bosung first; a reply holding none of them stays correspondence."""
        number = self.new_request(
            vpn_request(sender=SNV, subject="Đề nghị cấp tài khoản VPN - Sở Nội vụ", place=None))
        self.assertEqual(self.show(number)["missing"], ["location"])
        self.expect_events(number, ("received", SNV), ("acknowledged", "phieu"))

        self.unit_reply(number, SNV, "Kính gửi Trung tâm,", "",
                        "Xin hỏi khi nào có tài khoản?", "", "Trân trọng.")
        self.run_once()
        shown = self.expect_state(number, "acknowledged", ("correspondence", SNV))
        self.assertEqual(shown["missing"], ["location"], "a question fills nothing")
        self.expect_staff(number, CORRESPONDENCE)

        self.give_location(number)
        self.expect_nothing_else()


class Check(NewTypeCase):
    """phieud -n reads the type's template with the others."""

    def test_type_template_checked(self):
        p = self.phieud("-n", expect=0)
        self.assertIn("configuration OK", p.stdout + p.stderr)
        self.write_template(f"completed.{TYPE}.vi.txt", "Đã xong.\n")
        p = self.phieud("-n")
        self.assertNotEqual(p.returncode, 0, "a type's template without Subject is refused")
        self.assertIn(f"completed.{TYPE}.vi.txt", p.stderr)


if __name__ == "__main__":
    harness.main()
