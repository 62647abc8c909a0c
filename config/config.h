/*
 * config.h - phieu's configuration, read with libconfig and checked.
 *
 * config_load() reads one file and checks it against the schema tables in
 * config.c and config_groups.c (key, type, default, bounds), and the rules
 * file in config_rules.c: unknown keys, wrong types, values out of range,
 * an unreadable password_file, certificate checks turned off for a host
 * that is not loopback — each is an error naming the file, the line and
 * the key.  On success the returned struct config owns every
 * string; config_free() releases it.  Passwords are held in memory only and
 * never printed.
 */
#ifndef PHIEU_CONFIG_H
#define PHIEU_CONFIG_H

#include <glib.h>

#include "net.h"

struct mailbox_cfg {
	char *name;    /* "pkt-iid", "cntt", "admin" */
	char *address; /* its e-mail address, lower case */
	char *login;
	char *password;
	char *folder; /* "INBOX" */
};

/* A request type as the rules file changes or adds it. */
struct rule_type {
	char *key;
	int form;        /* NN of NN/IID-KT, 0: unchanged */
	char *mailbox;   /* proper mailbox, NULL: unchanged, "": by the request */
	char **keywords; /* added, as written */
	char **required; /* NULL: unchanged */
	int sign_off;    /* -1: unchanged */
	char *title;     /* NULL: unchanged */
	int due_days;    /* working days from receipt to the due date, -1: unchanged */
	int line;
};

/* A label the rules file adds for a key. */
struct rule_label {
	char *key, *label;
	int line;
};

/* A unit (Sở, Ban, Quận…) and its office mailboxes. */
struct unit_cfg {
	char *name;
	char **addresses; /* NULL-terminated, lower case */
};

struct server_cfg {
	char *host;
	int port;
	char *security; /* "none" | "starttls" | "tls" */
	int verify;     /* check the certificate (default 1) */
	char *ca_file;
	int timeout;
	char *login; /* smtp only, may be NULL */
	char *password;
	struct net_endpoint ep; /* filled from the above */
};

struct config {
	char *path;
	char *database;
	char *spool;
	int poll_interval;        /* seconds between polls where IDLE is not offered */
	int batch_size;           /* messages per UID FETCH and per transaction */
	int retry_min, retry_max; /* outbox backoff bounds, seconds */
	int max_message_size;     /* bytes; larger mail is kept but not parsed */
	int batch_bytes;          /* bytes of mail per UID FETCH, at most (one message always) */
	int max_retry_hours;      /* a reply not sent within this fails and staff are told */
	int quarantine_after;     /* failures of one message before it is set aside */
	int alert_after;          /* seconds a mailbox may go unread before staff are told */
	int stale_after;          /* seconds a mailbox may fail before status is critical */
	int retention_days;       /* final requests lose their spool files after; 0: never */
	/* limits against loops and floods (daemon/notify.c) */
	int limit_address_hour; /* messages to one outside address an hour */
	int limit_address_day;  /* ... and a day */
	int limit_reack_day;    /* re-acknowledgements of one request a day */
	int limit_notice_hour;  /* staff notices about one request an hour */
	int limit_hour;         /* messages to anyone an hour */
	struct server_cfg imap, smtp;
	GPtrArray *mailboxes; /* struct mailbox_cfg* */
	char **staff;         /* NULL-terminated, lower case */
	char **holidays;      /* "YYYY-MM-DD", NULL-terminated, maybe empty (rules/calendar.h) */
	char *department_ict;
	char *finance;
	int max_files_mail;   /* #tep: the most bytes of originals one mail carries */
	char **report_to;     /* the monthly report's readers besides the Department; maybe empty */
	char *subject_prefix; /* "IID-KT" */
	char *mark;           /* "flag" | "move" */
	char *mark_keyword;   /* "$PhieuDone" */
	char *mark_folder;    /* for mark = "move" */
	char *templates;      /* directory of reply templates */
	char *language;       /* "vi" | "en" */
	char *centre_name;
	char *domain; /* "danang.gov.vn" */
	char *helo;
	char *log_level;
	char *log_to;      /* "stderr" | "syslog" | "journal" (key "log") */
	char *user;        /* started as root, phieud runs as this user (may be NULL) */
	char *reader_user; /* started as root, the reader processes run as this user */
	/* reading attachments */
	int workers;         /* reader processes (at least 1: documents are never read in phieud) */
	int read_timeout;    /* seconds one message's reading may take */
	int max_attachment;  /* bytes of one attachment read */
	int max_unpacked;    /* bytes unpacked from one zip-based document */
	int max_pages;       /* pages of a PDF or TIFF read */
	int max_megapixels;  /* size of one image or rendered page */
	int ocr;             /* read scans with OCR */
	char *ocr_languages; /* "vie+eng" */
	int doubt_below;     /* OCR line confidence (0..100) under which fields are doubtful */
	/* the procedure's timers, in days */
	int remind_after;     /* remind a unit that information is missing */
	int reminders;        /* at most this many reminders */
	int close_after;      /* close a completed request nobody confirmed */
	int emergency_remind; /* remind a unit to file the form after a phoned-in emergency */
	/* the morning digest for staff, on working days */
	int digest;        /* send it (default true) */
	char *digest_time; /* "HH:MM" local time, default "07:30" */
	GPtrArray *units;  /* struct unit_cfg*, maybe empty */
	/* sender authentication (the "authentication" group); auth_id NULL: not configured */
	char *auth_id;      /* authserv-id of the centre's MTA */
	char *auth_require; /* "dkim" | "dmarc" | "spf" | "none" */
	char **auth_relays; /* IP addresses, NULL-terminated (may be empty) */
	/* the rules file: request types and labels beyond the built-in ones */
	char *rules;            /* its path, or NULL */
	GPtrArray *rule_types;  /* struct rule_type* */
	GPtrArray *rule_labels; /* struct rule_label* */
	/* for rules/: names and addresses of the mailboxes, NULL-terminated */
	const char **mailbox_names;
	const char **mailbox_addrs;
};

/* Read and check path; NULL with *cause ("FILE:LINE: key: problem"). */
struct config *config_load(const char *path, char **cause);
/* The mailbox of that name, or NULL. */
const struct mailbox_cfg *config_mailbox(const struct config *c, const char *name);
/* The unit that addr is an office mailbox of, or NULL. */
const struct unit_cfg *config_unit_of(const struct config *c, const char *addr);
/* The unit of that name (compared without case or diacritics), or NULL. */
const struct unit_cfg *config_unit_named(const struct config *c, const char *name);
/* Whether addr (any case) is a configured staff address. */
gboolean config_is_staff(const struct config *c, const char *addr);
/* Release; returns NULL. */
struct config *config_free(struct config *c);

#endif
