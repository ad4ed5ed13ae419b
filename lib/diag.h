/*
 * diag: problems found in user data, and their output formats.
 *
 * A diagnostic has a position (path, 1-based physical line where the record
 * starts, 1-based field number or 0 for the whole record), a severity, a
 * stable rule id and a message, plus the optional entry id, field name,
 * URL and HTTP status of the JSON contract (DESIGN.md), the entry's title,
 * and for a link audit the link's entry in the run's struct sy_linkset
 * (linkset.h: response time, redirects, the failing streak).
 */
#ifndef SY_DIAG_H
#define SY_DIAG_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "syndic.h"

enum sy_severity { SY_NOTE, SY_WARNING, SY_ERROR };

/* Rule ids: the names in sy_rule_name() are a contract. */
enum sy_rule {
	SY_R_NONE = 0,
	SY_R_CSV_SYNTAX,
	SY_R_CSV_ENCODING,
	SY_R_CSV_COLUMNS,
	SY_R_HEADER_MISSING,
	SY_R_HEADER_DUPLICATE,
	SY_R_HEADER_UNKNOWN,
	SY_R_REQUIRED,
	SY_R_DATE_SYNTAX,
	SY_R_DATE_RANGE,
	SY_R_URL_SYNTAX,
	SY_R_URL_SCHEME,
	SY_R_EMAIL_SYNTAX,
	SY_R_EMAIL_DOMAIN,
	SY_R_DUPLICATE,
	SY_R_LANGUAGE_TAG,
	SY_R_MIME_TYPE,
	SY_R_INTEGER,
	SY_R_CONTENT_FILE,
	SY_R_XML_CHARS,
	SY_R_SITE_RULE,
	SY_R_COLUMN_UNKNOWN,
	SY_R_TIMEZONE,
	SY_R_LINK_BROKEN,
	SY_R_LINK_SERVER_ERROR,
	SY_R_LINK_TIMEOUT,
	SY_R_LINK_DNS,
	SY_R_LINK_TLS,
	SY_R_LINK_REFUSED,
	SY_R_LINK_REDIRECT,
	SY_R_LINK_REDIRECT_LOOP,
	SY_R_LINK_BLOCKED,
	SY_R_LINK_PRIVATE,
	SY_R_LINK_FRAGMENT,
	SY_R_LINK_ERROR,
	SY_R_LINK_UNCHECKED,
	SY_R_EMAIL_NO_MX,
	SY_R_FEED_XML,
	SY_R_FEED_SCHEMA,
	SY_R_COUNT
};

/* "csv-syntax" and so on; NULL for an out-of-range value. */
const char *sy_rule_name(enum sy_rule rule);
/* One-line description of the rule (SARIF, man page). */
const char *sy_rule_help(enum sy_rule rule);
/* Looks a name up; SY_R_NONE if unknown. */
enum sy_rule sy_rule_by_name(const char *name);
const char *sy_severity_name(enum sy_severity sev);

struct sy_pos {
	const char *path; /* borrowed */
	size_t line;      /* 1-based; 0 when the whole file is meant */
	size_t column;    /* 1-based field number; 0 = whole record */
};

struct sy_diag {
	char *path;
	size_t line;
	size_t column;
	enum sy_severity severity;
	enum sy_rule rule;
	char *message;
	char *entry; /* the row's id, or NULL */
	char *field; /* the column name, or NULL */
	char *url;   /* the link as written in the input, or NULL */
	int status;  /* HTTP status, or 0 */
	char *title; /* the entry's title, or NULL */
	size_t link; /* 1-based index into the run's sy_linkset; 0 = none */
	size_t seq;  /* insertion order, keeps sorting stable */
};

struct sy_diags {
	struct sy_diag *v;
	size_t n;
	size_t cap;
	size_t count[3]; /* per severity */
	bool oom;        /* an add failed for lack of memory */
};

void sy_diags_init(struct sy_diags *d);
void sy_diags_fini(struct sy_diags *d);

/*
 * Appends a diagnostic and returns it (so the caller may set entry, field,
 * url and status with sy_diag_set_*), or NULL when out of memory, in which
 * case d->oom is set.
 */
struct sy_diag *sy_diag_add(struct sy_diags *d, const struct sy_pos *pos,
    enum sy_severity sev, enum sy_rule rule, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));

/* The same with a va_list, for callers with a format of their own. */
struct sy_diag *sy_diag_addv(struct sy_diags *d, const struct sy_pos *pos,
    enum sy_severity sev, enum sy_rule rule, const char *fmt, va_list ap)
    __attribute__((format(printf, 5, 0)));

/* Set the optional fields; each copies its argument (NULL clears). */
enum sy_err sy_diag_set_entry(struct sy_diag *dg, const char *entry);
enum sy_err sy_diag_set_field(struct sy_diag *dg, const char *field);
enum sy_err sy_diag_set_url(struct sy_diag *dg, const char *url);
enum sy_err sy_diag_set_title(struct sy_diag *dg, const char *title);

/* Sorts by path, line, column, then insertion order. */
void sy_diags_sort(struct sy_diags *d);

/* Moves every diagnostic of src to the end of dst; src is left empty. */
enum sy_err sy_diags_move(struct sy_diags *dst, struct sy_diags *src);

enum sy_format {
	SY_FMT_TEXT,
	SY_FMT_JSON,
	SY_FMT_GITHUB,
	SY_FMT_JUNIT,
	SY_FMT_SARIF,
	SY_FMT_MARKDOWN,
	SY_FMT_HTML
};

/* "text", "json", ...; returns 0 or -1 for an unknown name. */
int sy_format_parse(const char *name, enum sy_format *out);

/*
 * What a syndic-links run says about itself in its json report (a "run"
 * object, first), so that the reports of an audit's shards can be merged
 * (merge.h) and checked for a whole: every shard once, the same inputs.
 */
struct sy_emit_run {
	unsigned shard;            /* 1..shards */
	unsigned shards;           /* 1 when the audit was not split */
	const char *const *inputs; /* the files audited (borrowed) */
	size_t ninputs;
	size_t places;  /* links and addresses found (the same in each shard) */
	size_t links;   /* distinct http(s) links of this shard */
	size_t domains; /* distinct mail domains of this shard */
	size_t checked; /* links and domains checked */
	size_t skipped; /* fine recently (--max-age), not checked */
	bool strict;    /* --strict: warnings fail the run too */
};
struct sy_linkset; /* linkset.h */

struct sy_emit_opts {
	const char *tool;     /* "syndic-lint": JUnit suite, SARIF driver */
	const char *version;  /* SARIF driver version */
	bool quiet;           /* problems only: drop notes, every format */
	size_t checked;       /* links checked, for summaries; 0 ok */
	const char *info_uri; /* SARIF driver informationUri, or NULL */
	/*
	 * A link audit's results (borrowed; NULL for syndic-lint): json
	 * adds the verdict counts, each link and the run log, html draws
	 * them.
	 */
	const struct sy_linkset *links;
	char *const *inputs; /* the files named (borrowed), for html */
	size_t ninputs;
	int64_t now; /* html: the page's date; 0 = the clock */
	const struct sy_emit_run *run; /* json: the "run" object, or NULL */
};

/*
 * Writes all diagnostics (sorted first) in the given format; opts may be
 * NULL.  quiet drops notes in every format.  Text that is not valid UTF-8
 * is written with U+FFFD in the json, sarif, junit, markdown and html
 * formats.  html is report.h's page.  Returns SY_OK; SY_EIO when writing
 * failed (errno set); SY_ENOMEM, SY_EXML; SY_EINVAL for an unknown format.
 */
enum sy_err sy_diags_emit(struct sy_diags *d, enum sy_format fmt,
    const struct sy_emit_opts *opts, FILE *out);

/*
 * sy_diags_emit into the file path, replaced atomically: written to a
 * temporary file beside it and renamed over it only once complete, so a
 * page published from cron is never seen half written.  NULL or "-" is
 * standard output.  The same returns; SY_EIO also when the file cannot be
 * made (errno set).
 */
enum sy_err sy_diags_emit_path(struct sy_diags *d, enum sy_format fmt,
    const struct sy_emit_opts *opts, const char *path);

/* "2 errors, 1 warning" style summary, for stderr. */
void sy_diags_summary(const struct sy_diags *d, FILE *out);

#endif
