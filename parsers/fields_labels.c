/* fields_labels.c - labels as people write them, matched to their keys; see fields_parts.h. */
#include "fields.h"
#include "fields_parts.h"

#include <stdlib.h>
#include <string.h>

#include "normalise.h"
#include "text.h"

/*
 * Top-level labels, as people write them: the wording of the forms 01–05,
 * the short forms offices use ("ĐT", "SĐT", "DĐ"), and the English of
 * foreign contractors.  Aliases are folded (no diacritics, lower case,
 * remarks in brackets dropped); a label matches an alias exactly, or else
 * the longest alias that begins it, so "Điện thoại di động cơ quan" still
 * reads as a phone.
 */
const struct slot fields_slots[] = {
    {"requesting_unit", K_TEXT,
     "don vi yeu cau|ten don vi|co quan/don vi|co quan don vi|ten co quan don vi|ten co quan|"
     "co quan|don vi|don vi de nghi|don vi dang ky|don vi su dung|ten don vi yeu cau|"
     "co quan chu quan|ten to chuc|to chuc|khach hang|ten khach hang|requesting unit|unit|"
     "organization|organisation|agency|office|company|ten co quan/don vi|ten doanh nghiep|"
     "co quan yeu cau|don vi/co quan|ten don vi/co quan|ten don vi/to chuc|don vi gui|"
     "don vi de xuat|co quan de nghi|co quan dang ky|ten cong ty|co quan/don vi de nghi|"
     "co quan/don vi yeu cau|co quan/don vi dang ky|"
     "so/ban/nganh|name of organization|organization name|organisation name|unit name|"
     "name of unit|agency name|company name|name of company|requesting organization|"
     "requesting organisation|requesting agency|requesting department|customer|"
     "customer name|client|applicant organization|department|requesting office|"
     "name of requesting organization|name of requesting organisation|name of organisation|"
     "requesting organization name|requesting company|company requesting|contractor|"
     "vendor|requesting party|applicant company|name of requesting unit|name of agency"},
    {"contact_name", K_TEXT,
     "nguoi lien he|ho ten nguoi lien he|ho va ten nguoi lien he|ho va ten|ho ten|"
     "can bo phu trach|can bo lien he|nguoi de nghi|nguoi yeu cau|nguoi dang ky|nguoi gui|"
     "ten nguoi lien he|nguoi phu trach|contact person|contact name|contact|full name|name|"
     "your name|requester|requested by|nguoi lien lac|can bo dau moi|dau moi lien he|"
     "nguoi dai dien|ten nguoi de nghi|nguoi lap phieu|ho ten nguoi de nghi|"
     "ho va ten nguoi de nghi|ho ten can bo lien he|ho va ten can bo phu trach|"
     "can bo phu trach lien he|person in charge|contact person name|name of contact person|"
     "name of contact|applicant|applicant name|submitted by|focal point|representative|"
     "requester name|requestor|requestor name|contact details|nguoi lap|nguoi viet phieu|"
     "nguoi gui yeu cau|point of contact|contact point|poc"},
    {"contact_phone", K_PHONE,
     "dien thoai|dt|sdt|so dien thoai|di dong|dien thoai di dong|dien thoai lien he|so dt|dtdd|"
     "so di dong|dt di dong|dt lien he|phone|telephone|tel|mobile|phone number|mobile phone|"
     "contact phone|dien thoai co dinh|hotline|dd|d/d|dt/dd|dien thoai/di dong|"
     "so dien thoai lien he|so dien thoai lien lac|dien thoai lien lac|so dt lien he|"
     "dt lien lac|phone no|tel no|telephone number|telephone no|mobile number|"
     "mobile no|cell|cell phone|cellphone|hand phone|handphone|hp|contact number|mob|mob no|"
     "whatsapp|whatsapp no|ph|ph no|tel/mob|tel/mob no|h/p|"
     "contact no|phone/mobile|tel/mobile|zalo"},
    {"contact_email", K_EMAIL,
     "email|e-mail|thu dien tu|dia chi email|dia chi e-mail|dia chi thu dien tu|mail|"
     "email lien he|e-mail address|email address|contact email|hop thu lien he|e mail|"
     "email lien lac|e-mail lien he|mail lien he|dia chi mail|contact e-mail|your email|"
     "email/thu dien tu|thu dien tu/email"},
    {"request_date", K_DATE,
     "ngay lap phieu|ngay de nghi|ngay gui yeu cau|ngay gui|ngay yeu cau|ngay dang ky|"
     "ngay lap|ngay viet phieu|ngay gui phieu|request date|date of request|date|dated|ngay|"
     "ngay lam don|ngay viet|date of application|application date|submission date|"
     "date submitted|date of submission"},
    /* the form's "Nội dung cập nhật" ticks source code or database; written
       out, it describes the update (see fields_extract) */
    {"_update_what", K_TEXT,
     "noi dung cap nhat|noi dung can cap nhat|hang muc cap nhat|phan cap nhat|"
     "what to update|update content|update scope"},
    {"description", K_TEXT,
     "noi dung can thuc hien|cong viec can thuc hien|yeu cau cap nhat|noi dung yeu cau cap nhat|"
     "yeu cau cong viec|"
     "noi dung|noi dung yeu cau|mo ta|ly do|mo ta yeu cau|mo ta su co|noi dung ho tro|"
     "noi dung de nghi|noi dung can ho tro|yeu cau cu the|chi tiet|chi tiet yeu cau|"
     "description|details|request details|reason|problem|issue|yeu cau ho tro|"
     "tinh trang|hien trang|mo ta cong viec|mo ta chi tiet|mo ta van de|noi dung su co|"
     "su co|van de|hien tuong|chi tiet su co|noi dung chi tiet|noi dung cong viec can ho tro|"
     "tinh trang su co|description of work|work description|description of the problem|"
     "problem description|issue description|request description|description of request|"
     "summary|scope of work|work to be done|nature of request|nature of problem|symptoms|"
     "fault description|details of request|request|nature of work|nature of the work|"
     "work details|job description"},
    {"_when", K_WHEN,
     "thoi gian|thoi gian de nghi|thoi gian de nghi thuc hien|thoi gian thuc hien|"
     "thoi gian mong muon|thoi diem thuc hien|ngay thuc hien|ngay gio thuc hien|"
     "thoi gian du kien|thoi gian ho tro|desired time|preferred time|requested time|"
     "time|when|ngay de nghi thuc hien|de nghi thuc hien vao|thoi gian de xuat|"
     "thoi gian mong muon thuc hien|thoi gian du kien thuc hien|ngay gio de nghi|"
     "ngay mong muon|thoi diem|thoi gian cap nhat|thoi gian tao|proposed time|proposed date|"
     "desired date|preferred date|requested date|expected time|expected date|"
     "scheduled time|date and time|date/time|time requested|target date|schedule|"
     "proposed schedule|preferred schedule|requested schedule|preferred date and time|"
     "appointment|preferred date and time|desired date and time|timings|timing|eta|"
     "preferred slot|proposed slot|requested slot"},
    {"website_url", K_URL,
     "dia chi website|website|ten mien website|dia chi trang thong tin dien tu|"
     "trang thong tin dien tu|url|website url|dia chi trang web|ten website|trang web|"
     "cong thong tin dien tu|dia chi cong thong tin|web site|site|ten mien trang web|"
     "dia chi web|dia chi trang|ten mien cua website|website address|web address|"
     "site address|site url|address of website|url of website|homepage|portal|"
     "website/portal|web url|target url|target site|target website|production url|"
     "production site|live site|site concerned|website concerned"},
    {"mailbox_action", K_CHOICE,
     "hinh thuc|de nghi|loai yeu cau|loai de nghi|hinh thuc yeu cau|action|request type|"
     "yeu cau|noi dung de nghi cap|loai|hinh thuc de nghi|thao tac|yeu cau thuc hien|"
     "type of request|action requested|requested action|nature of request"},
    {"change_detail", K_TEXT,
     "noi dung thay doi|thong tin thay doi|chi tiet thay doi|thay doi|change|change detail|"
     "changes|thong tin can thay doi|noi dung can thay doi|noi dung de nghi thay doi|"
     "thong tin de nghi thay doi|ly do thay doi|details of change|change details|"
     "change requested|requested change|requested changes|what to change"},
    {"subdomain", K_SUBDOMAIN,
     "ten mien dang ky|ten mien con|ten mien|ten mien de nghi|ten mien can tao|"
     "ten mien de nghi cap|subdomain|sub-domain|domain|domain name|requested subdomain|"
     "ten mien con de nghi|ten mien de nghi tao|ten mien xin cap|ten mien dang ky tao|"
     "ten mien con de nghi tao|subdomain name|sub-domain name|sub domain|"
     "requested sub-domain|proposed subdomain|proposed sub-domain|domain requested"},
    {"approval_ref", K_LETTER,
     "van ban chap thuan|van ban chap thuan cua ubnd thanh pho|can cu cong van|so cong van|"
     "so cong van dong y|cong van|van ban|van ban dong y|can cu|cong van chap thuan|"
     "van ban phe duyet|so van ban|approval|approval letter|approval ref|approval reference|"
     "letter|official letter|cong van dong y|cong van cua ubnd|van ban cua ubnd|"
     "so hieu van ban|van ban cho phep|cv|so cv|cv chap thuan|cv dong y|approval document|"
     "approval no|approval letter no|letter of approval|official letter no|approved by"},
    {"target_ip", K_IP,
     "ip may chu|dia chi ip|tro ve dia chi ip|ip|target ip|server ip|ip address|"
     "dia chi ip may chu|tro ve ip|ip dich|dia chi ip tro ve|ip tro ve|tro den ip|ip server|"
     "ip hosting|ip may chu hosting|host ip|ip of the server|ip of server|points to|"
     "point to|point to ip|points to ip|pointing to|pointing to ip|ban ghi a|a record|target "
     "server ip|server ip address|ip of target server|"
     "target server|target ip address|hosting ip|destination ip"},
    {"purpose", K_TEXT,
     "muc dich|muc dich su dung|noi dung cong viec|cong viec|muc dich vao phong|"
     "noi dung lam viec|purpose|purpose of visit|work|cong viec thuc hien|"
     "muc dich tao ten mien|muc dich su dung ten mien|muc dich vao phong may|"
     "muc dich vao phong he thong|ly do vao phong|noi dung cong viec thuc hien|"
     "purpose of use|reason for visit|visit purpose|purpose of access|work to be performed|"
     "work content|usage|intended use|use|intended purpose|reason for access"},
    {"equipment", K_TEXT,
     "trang thiet bi|trang thiet bi mang theo|thiet bi di kem|may moc thiet bi|"
     "thiet bi|thiet bi mang vao|thiet bi mang vao/ra|thiet bi mang theo|thiet bi mang ra|"
     "equipment|devices|thiet bi vao/ra|thiet bi kem theo|thiet bi dem theo|vat tu thiet bi|"
     "thiet bi/vat tu|equipment brought|equipment to bring|equipment brought in|"
     "equipment to be brought|tools|devices brought|hardware|items brought"},
    {"emergency", K_BOOL,
     "xu ly su co dot xuat|su co dot xuat|truong hop khan cap|khan cap|emergency|"
     "su co khan cap|xu ly khan cap|dot xuat|truong hop dot xuat|emergency case|"
     "emergency visit|emergency access"},
    {"category", K_CHOICE,
     "loai ho tro|hang muc|linh vuc ho tro|linh vuc|category|loai su co|hang muc ho tro|"
     "type of support|support type|noi dung ho tro thuoc|loai dich vu|phan loai|"
     "nhom dich vu|loai yeu cau ho tro|support category|category of support|type of issue|"
     "issue type|service type|type of service"},
    {"location", K_TEXT,
     "noi thuc hien|noi xay ra su co|vi tri xay ra su co|dia diem xay ra su co|"
     "dia chi ho tro|dia diem can xu ly|noi can xu ly|"
     "dia diem|vi tri|location|dia diem ho tro|noi can ho tro|phong|place|"
     "dia diem thuc hien|vi tri ho tro|dia diem lam viec|noi lam viec|vi tri lap dat|"
     "phong lam viec|venue|room|office location|site location|where|support location|"
     "dia diem can ho tro|vi tri can ho tro|dia diem ho tro ky thuat|noi lap dat"},
    {"_address", K_TEXT,
     "dia chi|dia chi co quan|dia chi don vi|tru so|address|office address|"
     "address of unit|company address"},
    {"priority", K_CHOICE,
     "do khan|muc do uu tien|muc do khan|priority|muc do|do uu tien|muc do khan cap|urgency|"
     "tinh chat|muc khan|urgency level|priority level|importance"},
    {"_visit", K_VISIT,
     "khung gio|khung thoi gian|gio|khung gio vao|khung gio lam viec|gio vao ra|gio vao/ra|"
     "time slot|time window|"
     "thoi gian vao phong|thoi gian vao ra|thoi gian vao/ra|ngay gio vao|visit time|"
     "thoi gian lam viec|thoi gian vao phong he thong|thoi gian vao phong may chu|"
     "ngay gio vao phong|ngay gio vao ra|thoi gian vao phong may|thoi gian du kien vao|"
     "thoi gian lam viec tai phong|date and time of visit|visit date and time|"
     "time of visit|access time|access date and time|visit schedule|visit window|"
     "access window|visiting time|visiting hours|visit slot"},
    {"visit_date", K_DATE,
     "ngay vao|ngay vao phong|visit date|ngay lam viec|ngay vao phong may|ngay du kien vao|"
     "ngay vao phong he thong|date of visit|visit day|access date|entry date|"
     "date of access"},
    {"time_from", K_TIME_FROM,
     "gio vao|thoi gian vao|time in|tu gio|tu|entry time|arrival|gio bat dau|bat dau|"
     "start time|from|time from|check-in|check in|arrival time|gio den"},
    {"time_to", K_TIME_TO,
     "gio ra|thoi gian ra|time out|den gio|den|exit time|departure|gio ket thuc|ket thuc|"
     "end time|to|time to|until|check-out|check out|departure time|gio ra du kien"},
    {"_admin", K_ADMIN,
     "can bo quan tri|thong tin nguoi quan tri|nguoi quan tri|can bo quan tri ten mien|"
     "can bo quan tri ky thuat|quan tri vien|administrator|admin|domain administrator|"
     "thong tin can bo quan tri|nguoi quan tri ten mien|quan tri|nguoi quan tri ky thuat|"
     "quan tri ky thuat|thong tin quan tri|thong tin quan tri ky thuat|"
     "thong tin nguoi quan tri ky thuat|can bo ky thuat quan tri|nguoi phu trach ky thuat|"
     "can bo phu trach ky thuat|quan tri he thong|technical administrator|technical admin|"
     "technical contact|admin contact|administrator contact|site administrator|"
     "system administrator|webmaster|technical administrator details|admin details"},
    {"_list", K_LIST,
     "danh sach|danh sach tai khoan|danh sach hop thu|danh sach can bo|nguoi vao phong|"
     "thong tin tai khoan|thong tin hop thu|thong tin cac tai khoan|thong tin nguoi su dung|"
     "thong tin can bo|thong tin tai khoan thu|thong tin tai khoan email|account information|"
     "account info|mailbox information|thong tin nguoi vao|thong tin khach|visitor information|"
     "visitor details|thong tin nhan su|"
     "nguoi vao phong he thong|danh sach nguoi vao phong|danh sach can bo vao phong|"
     "thanh phan|accounts|visitors|account list|visitor list|thanh vien|nhan su vao phong|"
     "can bo vao phong|danh sach nguoi vao phong may|nguoi vao phong may|danh sach nguoi vao|"
     "danh sach nhan su|danh sach can bo thuc hien|thanh phan tham gia|nhan su thuc hien|"
     "nguoi thuc hien|danh sach email|danh sach tai khoan email|danh sach hop thu de nghi|"
     "danh sach email can cap|danh sach de nghi cap hop thu|visitor|list of visitors|"
     "visitor details|names of visitors|persons entering|people entering|personnel|"
     "team members|attendees|accounts to create|list of accounts|accounts list|"
     "new accounts|email accounts|mailboxes|account details|danh sach khach|nguoi vao|"
     "danh sach nguoi vao phong he thong|nhung nguoi vao phong|hop thu can thay doi|"
     "hop thu de nghi thay doi|hop thu can huy|hop thu de nghi huy|hop thu de nghi cap|"
     "hop thu can cap|tai khoan can thay doi|tai khoan de nghi thay doi|tai khoan can huy|"
     "danh sach hop thu can thay doi|danh sach hop thu de nghi huy|mailbox to change|"
     "mailboxes to change|mailboxes to cancel|accounts to change|accounts to cancel|mailbox|"
     "account to change|account to be changed|mailbox to be changed|account to reset|"
     "account to cancel|account to delete|mailbox to cancel|mailbox to delete|"
     "mailbox to be cancelled|account to be cancelled|"
     "hop thu|dia chi hop thu|hop thu cong vu|tai khoan email|email account|"
     "hom thu|dia chi hom thu|hom thu cong vu|danh sach hom thu|hom thu can tao|hom thu can huy|"
     "hom thu de nghi cap|hom thu de nghi huy|hom thu can thay doi|"
     "tai khoan thu dien tu|engineers|technicians|engineer|technician|our engineers|"
     "our technicians|engineers visiting|visiting engineers|visiting staff|staff members|"
     "staff list|our staff|participants|participant list|list of participants|persons|"
     "people|names|list of engineers|list of staff|list of personnel|list of persons|"
     "personnel list|visitor information|visitors information|visitor info|"
     "following persons|following people|the following persons|the following people|"
     "working team|team list|crew|members"},
    {"_password", K_PASSWORD,
     "mat khau|password|mat khau ftp|mat khau truy cap|pass|mk|mat khau hosting"},
    {NULL, K_IGNORE,
     "can bo ky thuat thuc hien|can bo ky thuat|tai khoan ftp|tai khoan|"
     "chuc vu|kinh gui|dear|gui|cc|subject|sent|tieu de|chu de|"
     "bieu mau|mau so|so phieu|chi phi|chi phi phat sinh|ghi chu|note|ky ten|"
     "xac nhan|user|username|login|ten dang nhap|fax|website hien tai|hosting|"
     "nguoi ky|trang thai|cap nhat|so fax|attn|attention|ref|re|fw|fwd|ftp account|"
     "ftp user|ftp login|hosting account|tai khoan hosting|tai khoan quan tri"},
};

const struct column fields_columns[] = {
    {"full_name", K_TEXT,
     "ho va ten|ho ten|ten|full name|name|ho ten can bo|ten can bo|"
     "ho va ten can bo|nguoi vao|khach|ho va ten nguoi vao|ho ten nguoi vao|ten nguoi vao|"
     "ho ten nguoi su dung|ho va ten nguoi su dung|nguoi su dung|ten nguoi dung|"
     "visitor name|name of visitor|staff name|user full name|fullname"},
    {"position", K_TEXT,
     "chuc vu|position|title|chuc danh|chuc vu/chuc danh|job title|role|designation|"
     "position/title|title/position|chuc vu/chuc danh"},
    {"department", K_TEXT,
     "phong/ban|phong ban|bo phan|department|phong|don vi cong tac|"
     "phong/ban/don vi|noi cong tac|phong ban cong tac|bo phan cong tac|don vi truc thuoc|"
     "division|section"},
    {"address", K_EMAIL,
     "dia chi hop thu|hop thu|email|e-mail|thu dien tu|dia chi email|dia chi hom thu|hom thu|"
     "ten hom thu|hom thu de nghi|"
     "dia chi thu dien tu|tai khoan|ten truy cap|account|mailbox|"
     "email address|ten hop thu|tai khoan email|dia chi mail|email de nghi|"
     "dia chi email de nghi|hop thu de nghi|ten hop thu de nghi|"
     "dia chi hop thu de nghi|email de nghi cap|tai khoan de nghi|dia chi email de nghi cap|"
     "email account|account name|ten dang nhap|username|user name|e mail|requested address|"
     "requested e-mail|requested email|requested mailbox|proposed address|proposed e-mail|"
     "new address|new e-mail|desired address|e-mail requested|email requested|"
     "mailbox address|dia chi hop thu moi|hop thu moi|email moi|dia chi thu|dia chi thu moi|"
     "tai khoan can xu ly|hop thu can xu ly|tai khoan can doi|hop thu can doi|"
     "tai khoan can thay doi|hop thu can thay doi|tai khoan can huy|hop thu can huy|"
     "tai khoan can cap lai mat khau|hop thu can cap lai mat khau|tai khoan can reset|"
     "hop thu can reset|dia chi hop thu can huy|dia chi hop thu can doi"},
    {"phone", K_PHONE,
     "dien thoai di dong|di dong|dien thoai|sdt|dt|phone|mobile|so dien thoai|"
     "dtdd|so di dong|mobile phone|so dien thoai di dong|dien thoai lien he|so dt|"
     "dt lien he|dd|tel|telephone|contact number|mobile number|phone number|cell|cell phone|mob|"
     "mob no|whatsapp|tel/mob"},
    {"organization", K_TEXT,
     "don vi|co quan|organization|organisation|cong ty|co quan/don vi|"
     "don vi cong tac|company|don vi/cong ty|ten cong ty|ten don vi|company name|employer|"
     "agency|to chuc"},
    {"id_no", K_ID,
     "so cmnd/cccd|cmnd/cccd|cccd|cmnd|so cccd|so cmnd|so dinh danh|"
     "giay to tuy than|id|id no|id number|so giay to|cccd/cmnd|so cccd/cmnd|"
     "can cuoc|so can cuoc|passport|ho chieu|cmnd/cccd/ho chieu|cmnd/cccd/hc|cccd so|"
     "cmnd so|can cuoc cong dan|so can cuoc cong dan|chung minh nhan dan|"
     "so chung minh nhan dan|so dinh danh ca nhan|ma dinh danh|dinh danh|id card|"
     "id card no|identity card|identity card no|national id|passport no|passport number|"
     "id/passport|id/passport no|so ho chieu|cccd/ho chieu|cmnd/ho chieu|passport/id|"
     "passport/id no|passport/id card|id card/passport|passport or id|id or passport|"
     "id/passport number|passport/id number"},
    {"_ignore", K_IGNORE, "stt|tt|no|so thu tu|ghi chu|#|chu ky|ky ten"},
};

const struct option fields_options[] = {
    {"mailbox_action", "change",
     "cap lai mat khau|doi mat khau|reset mat khau|khoi phuc mat khau|doi ten truy cap|"
     "thay doi|doi ten|chinh sua|cap nhat|reset password|password reset|change|modify|update|"
     "rename|doi"},
    {"mailbox_action", "cancel",
     "huy bo|huy|xoa|thu hoi|ngung su dung|dong hop thu|khoa|cancel|delete|remove|close|"
     "deactivate"},
    {"mailbox_action", "create",
     "cap moi|tao moi|mo moi|dang ky moi|them moi|tao|cap|create|new|"
     "open|add"},
    {"category", "network", "he thong mang|mang lan|mang|network|lan|internet|wifi|duong truyen"},
    {"category", "email", "thu dien tu|email|e-mail|mail|hop thu|hom thu"},
    {"category", "website", "website|trang thong tin|web|cong thong tin"},
    {"category", "software", "phan mem|software|ung dung|application"},
    {"category", "server", "may chu|server|hosting"},
    {"category", "other", "khac|other|others"},
    {"priority", "urgent", "khan cap|rat khan|khan|gap|urgent|hoa toc|cao|high|emergency"},
    {"priority", "normal", "binh thuong|thuong|normal|trung binh|thap|low|medium|khong khan"},
};

static struct aliases slot_aliases[G_N_ELEMENTS(fields_slots)];
static struct aliases column_aliases[G_N_ELEMENTS(fields_columns)];
static struct aliases option_words[G_N_ELEMENTS(fields_options)];

/* Normalise a label for matching: folded, no parentheses, no punctuation
   except '/' and '-' (none at either end: "-Họ và tên", a speck or bullet),
   single spaces. */
char *
fields_label_norm(const char *label)
{
	char *f = text_fold(label);
	GString *out = g_string_new(NULL);
	int paren = 0;

	for (const char *p = f; *p != '\0'; p++) {
		char c = *p;
		if (c == '(' || c == '[') {
			paren++;
			continue;
		}
		if (c == ')' || c == ']') {
			if (paren > 0)
				paren--;
			continue;
		}
		if (paren > 0)
			continue;
		if (g_ascii_isalnum(c) || c == '/' || c == '-' || c == '#') {
			if (c == '/' && out->len > 0 && out->str[out->len - 1] == ' ')
				g_string_truncate(out, out->len - 1);
			g_string_append_c(out, c);
		} else if (out->len > 0 && out->str[out->len - 1] != ' ' &&
		           out->str[out->len - 1] != '/') {
			g_string_append_c(out, ' ');
		}
	}
	while (out->len > 0 && (out->str[out->len - 1] == ' ' || out->str[out->len - 1] == '-'))
		g_string_truncate(out, out->len - 1);
	g_string_erase(out, 0, (gssize)strspn(out->str, "- "));
	g_free(f);
	return g_string_free(out, FALSE);
}

/* Split one '|' list into normalised aliases. */
static void
aliases_load(struct aliases *a, const char *list)
{
	char **raw = g_strsplit(list, "|", -1);

	a->n = (int)g_strv_length(raw);
	a->v = g_new0(char *, a->n + 1);
	for (int i = 0; i < a->n; i++)
		a->v[i] = fields_label_norm(raw[i]);
	g_strfreev(raw);
}

/* Every alias of a table, to the first entry that has it (index + 1): a
   label is looked up whole, then by its shorter prefixes. */
static GHashTable *slot_index, *column_index;

/* Index the aliases of n lists. */
static GHashTable *
index_build(const struct aliases *tab, gsize n)
{
	GHashTable *h = g_hash_table_new(g_str_hash, g_str_equal);

	/* the built-in aliases from the last entry to the first, so the first
	   one's index stays; then the rules file's, which win over them */
	for (gsize i = n; i-- > 0;)
		for (int k = 0; k < tab[i].builtin; k++)
			g_hash_table_insert(h, tab[i].v[k], GINT_TO_POINTER((int)i + 1));
	for (gsize i = 0; i < n; i++)
		for (int k = tab[i].builtin; k < tab[i].n; k++)
			g_hash_table_insert(h, tab[i].v[k], GINT_TO_POINTER((int)i + 1));
	return h;
}

/* Build the alias tables once per process. */
void
fields_tables_load(void)
{
	static gsize done;

	if (!g_once_init_enter(&done))
		return;
	for (gsize i = 0; i < fields_n_slots; i++) {
		aliases_load(&slot_aliases[i], fields_slots[i].aliases);
		slot_aliases[i].builtin = slot_aliases[i].n;
	}
	for (gsize i = 0; i < fields_n_columns; i++) {
		aliases_load(&column_aliases[i], fields_columns[i].aliases);
		column_aliases[i].builtin = column_aliases[i].n;
	}
	for (gsize i = 0; i < fields_n_options; i++)
		aliases_load(&option_words[i], fields_options[i].words);
	slot_index = index_build(slot_aliases, fields_n_slots);
	column_index = index_build(column_aliases, fields_n_columns);
	g_once_init_leave(&done, 1);
}

/*
 * The entry of an index a normalised label names: its score is 1000 + the
 * length for the label whole, else the length of the longest alias that
 * begins it at a word boundary (' ' or '/'), so "điện thoại di động cơ
 * quan" still reads as a phone; -1 and 0 for none.
 */
static int
index_match(GHashTable *h, const char *label, int *score)
{
	gsize n = strlen(label);
	gpointer v = g_hash_table_lookup(h, label);
	int found = -1, sc = 0;

	if (v != NULL) {
		found = GPOINTER_TO_INT(v) - 1;
		sc = 1000 + (int)n;
	} else {
		char *buf = g_strdup(label);
		for (gsize i = n; found < 0 && i-- > 0;) {
			if (buf[i] != ' ' && buf[i] != '/')
				continue;
			buf[i] = '\0';
			v = g_hash_table_lookup(h, buf);
			if (v != NULL)
				found = GPOINTER_TO_INT(v) - 1, sc = (int)i;
		}
		g_free(buf);
		/* "Đơn vị xin bổ sung thời gian mong muốn": a longer label at the
		   end names the field better than a short one at the start */
		for (const char *p = found >= 0 ? strchr(label, ' ') : NULL; p != NULL;
		     p = strchr(p + 1, ' ')) {
			v = g_hash_table_lookup(h, p + 1);
			gsize len = n - (gsize)(p + 1 - label);
			if (v != NULL && len > (gsize)sc + 4) {
				found = GPOINTER_TO_INT(v) - 1, sc = (int)len;
				break;
			}
		}
	}
	if (score != NULL)
		*score = sc;
	return found;
}

/* The top-level slot a normalised label names, or -1. */
int
fields_slot_match(const char *label, int *score)
{
	return index_match(slot_index, label, score);
}

/* The person column a normalised label names, or -1. */
int
fields_column_match(const char *label, int *score)
{
	return index_match(column_index, label, score);
}

/* The closest alias of a table to a normalised label, and its distance. */
static const char *
aliases_closest(const struct aliases *tab, gsize n, const char *ln, int *dist)
{
	const char *best = NULL;

	for (gsize i = 0; i < n; i++)
		for (int j = 0; j < tab[i].n; j++) {
			const char *al = tab[i].v[j];
			int len = (int)strlen(al);
			/* short labels ("dt", "ip") are never guessed */
			int cap = len < 6 ? 0 : len < 12 ? 1 : len < 20 ? 2 : 3;
			int d = cap > 0 ? text_distance(ln, al, cap) : cap + 1;
			if (d <= cap && d < *dist)
				best = al, *dist = d;
		}
	return best;
}

/* Index the alias lists again after a rules file changed them. */
static void
indexes_rebuild(void)
{
	g_hash_table_unref(slot_index);
	g_hash_table_unref(column_index);
	slot_index = index_build(slot_aliases, fields_n_slots);
	column_index = index_build(column_aliases, fields_n_columns);
}

/* Add a label for a key (a field, or a list column such as "full_name");
   FALSE when no table has that key.  For the rules file, at start-up. */
gboolean
fields_add_label(const char *key, const char *label)
{
	struct aliases *a = NULL;

	fields_tables_load();
	for (gsize i = 0; a == NULL && i < fields_n_slots; i++)
		if (fields_slots[i].key != NULL && strcmp(fields_slots[i].key, key) == 0)
			a = &slot_aliases[i];
	for (gsize i = 0; a == NULL && i < fields_n_columns; i++)
		if (strcmp(fields_columns[i].key, key) == 0)
			a = &column_aliases[i];
	if (a == NULL)
		return FALSE;
	a->v = g_renew(char *, a->v, a->n + 2);
	a->v[a->n++] = fields_label_norm(label);
	a->v[a->n] = NULL;
	indexes_rebuild();
	return TRUE;
}

/* Drop the labels a rules file added to one alias list. */
static void
aliases_reset(struct aliases *a)
{
	for (int i = a->builtin; i < a->n; i++)
		g_free(a->v[i]);
	a->n = a->builtin;
	if (a->v != NULL)
		a->v[a->n] = NULL;
}

/* Forget every label added by fields_add_label(). */
void
fields_reset_labels(void)
{
	fields_tables_load();
	for (gsize i = 0; i < fields_n_slots; i++)
		aliases_reset(&slot_aliases[i]);
	for (gsize i = 0; i < fields_n_columns; i++)
		aliases_reset(&column_aliases[i]);
	indexes_rebuild();
}

/* The known label closest to a misread one. */
char *
fields_label_fuzzy(const char *label)
{
	char *ln;
	const char *best;
	int dist = 1000;

	fields_tables_load();
	ln = fields_label_norm(label);
	best = aliases_closest(slot_aliases, fields_n_slots, ln, &dist);
	const char *col = aliases_closest(column_aliases, fields_n_columns, ln, &dist);
	if (col != NULL)
		best = col;
	g_free(ln);
	return best != NULL ? g_strdup(best) : NULL;
}

/* Check-box marks, checked and not. */
const gunichar fields_marks_on[] = {0x2611, 0x2612, 0x2713, 0x2714, 0x25A0, 0x25A3,
                                    0x22A0, 0x2718, 0x25C9, 0x25CF, 0};
const gunichar fields_marks_off[] = {0x2610, 0x25A1, 0x25A2, 0x274F, 0x25CB, 0x25EF, 0};

/* Whether c is in a zero-terminated list. */
gboolean
fields_uni_in(gunichar c, const gunichar *list)
{
	for (; *list != 0; list++)
		if (*list == c)
			return TRUE;
	return FALSE;
}

/*
 * The options ticked in a value.  "[x] A [ ] B", "☑ A ☐ B", "(x) A".
 * Returns NULL when the value has no check boxes at all, else an array
 * (maybe empty) of the ticked options' text.
 */
GPtrArray *
fields_checked_options(const char *value)
{
	GPtrArray *out = NULL;
	GString *cur = NULL;
	const char *p = value;

	while (*p != '\0') {
		gunichar c = g_utf8_get_char(p);
		int state = -1, skip = 0; /* 1 on, 0 off */
		if (fields_uni_in(c, fields_marks_on))
			state = 1, skip = (int)(g_utf8_next_char(p) - p);
		else if (fields_uni_in(c, fields_marks_off))
			state = 0, skip = (int)(g_utf8_next_char(p) - p);
		else if ((c == '[' || c == '(') && p[1] != '\0' && (p[2] == ']' || p[2] == ')')) {
			char in = p[1];
			if (in == ' ' || in == '_')
				state = 0, skip = 3;
			else if (in == 'x' || in == 'X' || in == 'v' || in == 'V' || in == '*')
				state = 1, skip = 3;
		} else if ((c == '[' || c == '(') && (p[1] == ']' || p[1] == ')')) {
			state = 0, skip = 2;
		} else if (c == '[' && p[1] != '\0') {
			/* "[✓]" and "[☑]" */
			const char *q = g_utf8_next_char(p + 1);
			gunichar in = g_utf8_get_char(p + 1);
			if (*q == ']' && (fields_uni_in(in, fields_marks_on)))
				state = 1, skip = (int)(q + 1 - p);
		}
		if (state >= 0) {
			if (out == NULL)
				out = g_ptr_array_new_with_free_func(g_free);
			if (cur != NULL) {
				g_ptr_array_add(out, g_strstrip(g_string_free(cur, FALSE)));
				cur = NULL;
			}
			if (state == 1)
				cur = g_string_new(NULL);
			p += skip;
			continue;
		}
		if (cur != NULL)
			g_string_append_unichar(cur, c);
		p = g_utf8_next_char(p);
	}
	if (cur != NULL) {
		if (out == NULL)
			out = g_ptr_array_new_with_free_func(g_free);
		g_ptr_array_add(out, g_strstrip(g_string_free(cur, FALSE)));
	}
	return out;
}

/* The option value of key that text names, or NULL.  With strict set (a
   value without check boxes), text that is nothing but two or more options
   ("Khẩn cấp  Bình thường") is the form's list of choices with no tick
   that survived, not an answer: NULL. */
const char *
fields_option_match(const char *key, const char *text, gboolean strict)
{
	struct hit {
		gsize pos, n;
		const char *value;
	} hits[64];
	int nhits = 0;
	char *f = fields_label_norm(text);
	gsize len = strlen(f);
	const char *found = NULL;
	gsize best = 0, best_pos = G_MAXSIZE;

	for (gsize i = 0; i < fields_n_options; i++) {
		if (strcmp(fields_options[i].key, key) != 0)
			continue;
		for (int j = 0; j < option_words[i].n; j++) {
			const char *w = option_words[i].v[j];
			gsize n = strlen(w);
			for (const char *p = strstr(f, w); p != NULL; p = strstr(p + 1, w)) {
				gsize pos = (gsize)(p - f);
				if ((p != f && g_ascii_isalnum(p[-1])) || g_ascii_isalnum(p[n]))
					continue;
				if (nhits < 64)
					hits[nhits++] =
					    (struct hit){pos, n, fields_options[i].value};
				break;
			}
		}
	}
	/* a word inside a longer one ("cấp" in "cấp lại mật khẩu") does not count */
	char *mask = g_malloc0(len + 1);
	const char *values[8];
	int nvalues = 0;
	for (int a = 0; a < nhits; a++) {
		gboolean inside = FALSE;
		for (int b = 0; b < nhits && !inside; b++)
			inside = b != a && hits[b].n > hits[a].n && hits[b].pos <= hits[a].pos &&
			         hits[a].pos + hits[a].n <= hits[b].pos + hits[b].n;
		if (inside)
			continue;
		/* earliest mention wins; at one place, the longest word */
		if (hits[a].pos < best_pos || (hits[a].pos == best_pos && hits[a].n > best))
			found = hits[a].value, best = hits[a].n, best_pos = hits[a].pos;
		memset(mask + hits[a].pos, 1, hits[a].n);
		gboolean seen = FALSE;
		for (int k = 0; k < nvalues; k++)
			seen = seen || strcmp(values[k], hits[a].value) == 0;
		if (!seen && nvalues < 8)
			values[nvalues++] = hits[a].value;
	}
	gsize covered = 0, letters = 0;
	for (gsize i = 0; i < len; i++)
		if (f[i] != ' ') {
			letters++;
			covered += mask[i];
		}
	if (strict && nvalues >= 2 && covered * 10 >= letters * 7)
		found = NULL;
	g_free(mask);
	g_free(f);
	return found;
}

const gsize fields_n_slots = G_N_ELEMENTS(fields_slots);
const gsize fields_n_columns = G_N_ELEMENTS(fields_columns);
const gsize fields_n_options = G_N_ELEMENTS(fields_options);
const gsize fields_n_marks_on = G_N_ELEMENTS(fields_marks_on);
const gsize fields_n_marks_off = G_N_ELEMENTS(fields_marks_off);
