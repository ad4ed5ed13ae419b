/* diag.c: the diagnostics sink, the rule table and the output formats. */
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <libxml/xmlwriter.h>

#include "buf.h"
#include "date.h"
#include "diag.h"
#include "dl.h"
#include "fsutil.h"
#include "linkset.h"
#include "report.h"
#include "util.h"

static const struct {
	const char *name;
	const char *help;
} rules[SY_R_COUNT] = {
    [SY_R_NONE] = {"none", "no problem"},
    [SY_R_CSV_SYNTAX] = {"csv-syntax",
        "unterminated quote or other CSV damage"},
    [SY_R_CSV_ENCODING] = {"csv-encoding", "invalid UTF-8 or a NUL byte"},
    [SY_R_CSV_COLUMNS] = {"csv-columns",
        "a row with a different number of fields than the header"},
    [SY_R_HEADER_MISSING] = {"header-missing",
        "a required column is missing from the header"},
    [SY_R_HEADER_DUPLICATE] = {"header-duplicate",
        "a column name appears twice in the header"},
    [SY_R_HEADER_UNKNOWN] = {"header-unknown",
        "a column name that syndic does not know (x- columns are kept)"},
    [SY_R_REQUIRED] = {"required", "an empty required field"},
    [SY_R_DATE_SYNTAX] = {"date-syntax", "a date in no accepted form"},
    [SY_R_DATE_RANGE] = {"date-range", "an impossible or implausible date"},
    [SY_R_URL_SYNTAX] = {"url-syntax", "a malformed URL"},
    [SY_R_URL_SCHEME] = {"url-scheme",
        "a URL scheme that does not belong there"},
    [SY_R_EMAIL_SYNTAX] = {"email-syntax", "a malformed e-mail address"},
    [SY_R_EMAIL_DOMAIN] = {"email-domain",
        "an e-mail domain that cannot receive mail"},
    [SY_R_DUPLICATE] = {"duplicate",
        "a second row with the same id, link or guid"},
    [SY_R_LANGUAGE_TAG] = {"language-tag",
        "a language tag that is not BCP 47 shaped"},
    [SY_R_MIME_TYPE] = {"mime-type", "a malformed MIME type"},
    [SY_R_INTEGER] = {"integer", "a field that must be an integer"},
    [SY_R_CONTENT_FILE] = {"content-file",
        "a missing or unreadable article file"},
    [SY_R_XML_CHARS] = {"xml-chars", "characters that XML 1.0 forbids"},
    [SY_R_SITE_RULE] = {"site-rule",
        "a link that is well-formed but wrong for its site"},
    [SY_R_COLUMN_UNKNOWN] = {"column-unknown",
        "an entry naming a column that columns.csv lacks"},
    [SY_R_TIMEZONE] = {"timezone", "an unknown IANA time zone"},
    [SY_R_LINK_BROKEN] = {"link-broken",
        "the server says the target does not exist (4xx)"},
    [SY_R_LINK_SERVER_ERROR] = {"link-server-error",
        "the server failed (5xx) after retries"},
    [SY_R_LINK_TIMEOUT] = {"link-timeout", "no answer in time"},
    [SY_R_LINK_DNS] = {"link-dns", "the host name does not resolve"},
    [SY_R_LINK_TLS] = {"link-tls", "the TLS handshake failed"},
    [SY_R_LINK_REFUSED] = {"link-refused",
        "the connection was refused or reset"},
    [SY_R_LINK_REDIRECT] = {"link-redirect",
        "a permanent redirect: update the link"},
    [SY_R_LINK_REDIRECT_LOOP] = {"link-redirect-loop",
        "a redirect loop or too many hops"},
    [SY_R_LINK_BLOCKED] = {"link-blocked",
        "a bot wall answered: cannot verify, not broken"},
    [SY_R_LINK_PRIVATE] = {"link-private",
        "a private, loopback or link-local target, skipped by policy"},
    [SY_R_LINK_FRAGMENT] = {"link-fragment",
        "the #fragment is not an id in the target page"},
    [SY_R_LINK_ERROR] = {"link-error", "another network or protocol failure"},
    [SY_R_LINK_UNCHECKED] = {"link-unchecked",
        "the link could not be checked this time"},
    [SY_R_EMAIL_NO_MX] = {"email-no-mx",
        "the address's domain has no MX (nor A/AAAA) record"},
    [SY_R_FEED_XML] = {"feed-xml", "a feed that is not well-formed"},
    [SY_R_FEED_SCHEMA] = {"feed-schema",
        "a feed that breaks its format's rules"},
};

static const char *sevnames[] = {"note", "warning", "error"};

const char *
sy_strerror(enum sy_err err)
{
	static const char *msg[SY_ERR_COUNT] = {
	    [SY_OK] = "success",
	    [SY_ENOMEM] = "out of memory",
	    [SY_EIO] = "input/output error",
	    [SY_ECSV] = "CSV parser failure",
	    [SY_EXML] = "XML library failure",
	    [SY_EJSON] = "JSON library failure",
	    [SY_ECURL] = "libcurl failure",
	    [SY_EDB] = "database failure",
	    [SY_ELIMIT] = "size limit reached",
	    [SY_EINVAL] = "invalid argument",
	    [SY_EBUSY] = "resource busy",
	    [SY_ELIB] = "a shared library could not be loaded",
	};

	if ((unsigned)err >= SY_ERR_COUNT)
		return "unknown error";
	return msg[err];
}

const char *
sy_rule_name(enum sy_rule rule)
{
	if ((unsigned)rule >= SY_R_COUNT)
		return NULL;
	return rules[rule].name;
}

const char *
sy_rule_help(enum sy_rule rule)
{
	if ((unsigned)rule >= SY_R_COUNT)
		return NULL;
	return rules[rule].help;
}

enum sy_rule
sy_rule_by_name(const char *name)
{
	size_t i;

	if (name == NULL)
		return SY_R_NONE;
	for (i = 1; i < SY_R_COUNT; i++)
		if (strcmp(rules[i].name, name) == 0)
			return (enum sy_rule)i;
	return SY_R_NONE;
}

const char *
sy_severity_name(enum sy_severity sev)
{
	if ((unsigned)sev > SY_ERROR)
		return "error";
	return sevnames[sev];
}

void
sy_diags_init(struct sy_diags *d)
{
	memset(d, 0, sizeof(*d));
}

static void
diag_fini(struct sy_diag *dg)
{
	free(dg->path);
	free(dg->message);
	free(dg->entry);
	free(dg->field);
	free(dg->url);
	free(dg->title);
}

void
sy_diags_fini(struct sy_diags *d)
{
	size_t i;

	if (d == NULL)
		return;
	for (i = 0; i < d->n; i++)
		diag_fini(&d->v[i]);
	free(d->v);
	memset(d, 0, sizeof(*d));
}

struct sy_diag *
sy_diag_add(struct sy_diags *d, const struct sy_pos *pos, enum sy_severity sev,
    enum sy_rule rule, const char *fmt, ...)
{
	struct sy_diag *dg;
	va_list ap;

	va_start(ap, fmt);
	dg = sy_diag_addv(d, pos, sev, rule, fmt, ap);
	va_end(ap);
	return dg;
}

struct sy_diag *
sy_diag_addv(struct sy_diags *d, const struct sy_pos *pos, enum sy_severity sev,
    enum sy_rule rule, const char *fmt, va_list ap)
{
	struct sy_diag *dg, *v;
	struct sy_buf b;

	v = sy_grow(d->v, &d->cap, d->n + 1, sizeof(*v), 16);
	if (v == NULL)
		goto oom;
	d->v = v;
	dg = &d->v[d->n];
	memset(dg, 0, sizeof(*dg));
	sy_buf_init(&b, 0);
	if (sy_buf_vprintf(&b, fmt, ap) != SY_OK) {
		sy_buf_fini(&b);
		goto oom;
	}
	dg->message = sy_buf_steal(&b);
	dg->path = sy_strdup(pos && pos->path ? pos->path : "-");
	if (dg->message == NULL || dg->path == NULL) {
		diag_fini(dg);
		goto oom;
	}
	/* Out-of-range values would index the name tables. */
	if ((unsigned)sev > SY_ERROR)
		sev = SY_ERROR;
	if ((unsigned)rule >= SY_R_COUNT)
		rule = SY_R_NONE;
	dg->line = pos ? pos->line : 0;
	dg->column = pos ? pos->column : 0;
	dg->severity = sev;
	dg->rule = rule;
	dg->seq = d->n;
	d->count[sev]++;
	d->n++;
	return dg;
oom:
	d->oom = true;
	return NULL;
}

static enum sy_err
setstr(char **dst, const char *s)
{
	char *p = NULL;

	if (s != NULL && (p = sy_strdup(s)) == NULL)
		return SY_ENOMEM;
	free(*dst);
	*dst = p;
	return SY_OK;
}

enum sy_err
sy_diag_set_entry(struct sy_diag *dg, const char *entry)
{
	return dg == NULL ? SY_OK : setstr(&dg->entry, entry);
}

enum sy_err
sy_diag_set_field(struct sy_diag *dg, const char *field)
{
	return dg == NULL ? SY_OK : setstr(&dg->field, field);
}

enum sy_err
sy_diag_set_url(struct sy_diag *dg, const char *url)
{
	return dg == NULL ? SY_OK : setstr(&dg->url, url);
}

enum sy_err
sy_diag_set_title(struct sy_diag *dg, const char *title)
{
	return dg == NULL ? SY_OK : setstr(&dg->title, title);
}

static int
cmpdiag(const void *pa, const void *pb)
{
	const struct sy_diag *a = pa, *b = pb;
	int c = strcmp(a->path, b->path);

	if (c != 0)
		return c;
	if (a->line != b->line)
		return a->line < b->line ? -1 : 1;
	if (a->column != b->column)
		return a->column < b->column ? -1 : 1;
	if (a->seq != b->seq)
		return a->seq < b->seq ? -1 : 1;
	return 0;
}

void
sy_diags_sort(struct sy_diags *d)
{
	if (d->n > 1)
		qsort(d->v, d->n, sizeof(d->v[0]), cmpdiag);
}

enum sy_err
sy_diags_move(struct sy_diags *dst, struct sy_diags *src)
{
	size_t i;

	if (src == dst)
		return SY_OK;
	if (dst->cap - dst->n < src->n) {
		size_t cap = dst->n + src->n;
		struct sy_diag *v = sy_reallocarray(dst->v, cap, sizeof(*v));

		if (v == NULL)
			return SY_ENOMEM;
		dst->v = v;
		dst->cap = cap;
	}
	for (i = 0; i < src->n; i++) {
		dst->v[dst->n] = src->v[i];
		dst->v[dst->n].seq = dst->n;
		dst->count[src->v[i].severity]++;
		dst->n++;
	}
	dst->oom = dst->oom || src->oom;
	free(src->v);
	memset(src, 0, sizeof(*src));
	return SY_OK;
}

int
sy_format_parse(const char *name, enum sy_format *out)
{
	static const struct {
		const char *name;
		enum sy_format fmt;
	} fmts[] = {
	    {"text", SY_FMT_TEXT},
	    {"json", SY_FMT_JSON},
	    {"github", SY_FMT_GITHUB},
	    {"junit", SY_FMT_JUNIT},
	    {"sarif", SY_FMT_SARIF},
	    {"markdown", SY_FMT_MARKDOWN},
	    {"html", SY_FMT_HTML},
	};
	size_t i;

	if (name == NULL)
		return -1;
	for (i = 0; i < SY_NELEM(fmts); i++) {
		if (strcmp(fmts[i].name, name) == 0) {
			*out = fmts[i].fmt;
			return 0;
		}
	}
	return -1;
}

static bool
shown(const struct sy_diag *dg, const struct sy_emit_opts *o)
{
	return !(o->quiet && dg->severity == SY_NOTE);
}

/*
 * Appends s to b with every byte that does not start valid UTF-8 replaced
 * by U+FFFD; with xml, the characters XML 1.0 forbids are replaced too.
 * Messages come from user data, and neither jansson nor an XML reader
 * accepts invalid text.
 */
static enum sy_err
put_clean(struct sy_buf *b, const char *s, bool xml)
{
	static const char repl[] = "\xef\xbf\xbd";
	size_t len = strlen(s), ok, bad;
	uint32_t cp;
	enum sy_err e;

	while (len > 0) {
		ok = sy_utf8_valid_prefix(s, len);
		while (xml && ok > 0 &&
		    (bad = sy_xml_bad_char(s, ok, &cp)) != (size_t)-1) {
			size_t n = (size_t)sy_utf8_decode(s + bad, &cp);

			if ((e = sy_buf_append(b, s, bad)) != SY_OK ||
			    (e = sy_buf_puts(b, repl)) != SY_OK)
				return e;
			s += bad + n;
			len -= bad + n;
			ok -= bad + n;
		}
		if ((e = sy_buf_append(b, s, ok)) != SY_OK)
			return e;
		s += ok;
		len -= ok;
		if (len > 0) {
			if ((e = sy_buf_puts(b, repl)) != SY_OK)
				return e;
			s++;
			len--;
		}
	}
	return SY_OK;
}

/* A clean copy of s (see put_clean), or NULL when out of memory. */
static char *
clean_dup(const char *s, bool xml)
{
	struct sy_buf b;

	sy_buf_init(&b, 0);
	if (put_clean(&b, s, xml) != SY_OK) {
		sy_buf_fini(&b);
		return NULL;
	}
	return sy_buf_steal(&b);
}

/*
 * Text: one line per diagnostic, so a line break or a terminal control
 * sequence in user data is written as a C-style escape.
 */
static void
text_escape(FILE *out, const char *s)
{
	for (; *s != '\0'; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '\n')
			fputs("\\n", out);
		else if (c == '\r')
			fputs("\\r", out);
		else if ((c < 0x20 && c != '\t') || c == 0x7f)
			fprintf(out, "\\x%02x", c);
		else
			fputc(c, out);
	}
}

static void
emit_text(const struct sy_diags *d, const struct sy_emit_opts *o, FILE *out)
{
	size_t i;

	for (i = 0; i < d->n; i++) {
		const struct sy_diag *dg = &d->v[i];

		if (!shown(dg, o))
			continue;
		text_escape(out, dg->path);
		fprintf(out, ":%zu:%zu: %s: ", dg->line, dg->column,
		    sevnames[dg->severity]);
		text_escape(out, dg->message);
		fprintf(out, " [%s]\n", rules[dg->rule].name);
	}
}

/* GitHub workflow commands: escape %, CR, LF (and , : in properties). */
static void
gh_escape(FILE *out, const char *s, bool prop)
{
	for (; *s != '\0'; s++) {
		switch (*s) {
		case '%':
			fputs("%25", out);
			break;
		case '\r':
			fputs("%0D", out);
			break;
		case '\n':
			fputs("%0A", out);
			break;
		case ':':
			fputs(prop ? "%3A" : ":", out);
			break;
		case ',':
			fputs(prop ? "%2C" : ",", out);
			break;
		default:
			fputc(*s, out);
		}
	}
}

static void
emit_github(const struct sy_diags *d, const struct sy_emit_opts *o, FILE *out)
{
	static const char *cmd[] = {"notice", "warning", "error"};
	size_t i;

	for (i = 0; i < d->n; i++) {
		const struct sy_diag *dg = &d->v[i];

		if (!shown(dg, o))
			continue;
		fprintf(out, "::%s file=", cmd[dg->severity]);
		gh_escape(out, dg->path, true);
		if (dg->line > 0)
			fprintf(out, ",line=%zu", dg->line);
		if (dg->column > 0)
			fprintf(out, ",col=%zu", dg->column);
		fputs(",title=", out);
		gh_escape(out, rules[dg->rule].name, true);
		fputs("::", out);
		gh_escape(out, dg->message, false);
		fputs(" [", out);
		gh_escape(out, rules[dg->rule].name, false);
		fputs("]\n", out);
	}
}

/* A JSON string of s made valid UTF-8 first, or JSON null for NULL. */
static json_t *
jstr(const char *s)
{
	json_t *j;
	char *c;

	if (s == NULL)
		return json_null();
	if ((c = clean_dup(s, false)) == NULL)
		return NULL;
	j = json_string(c);
	free(c);
	return j;
}

static int
jset_str(json_t *o, const char *k, const char *v)
{
	return json_object_set_new(o, k, jstr(v));
}

static int
jset_int(json_t *o, const char *k, size_t v)
{
	return json_object_set_new(o, k, json_integer((json_int_t)v));
}

/* A time as RFC 3339 UTC, or JSON null for 0 (unknown). */
static json_t *
jtime(int64_t t)
{
	struct sy_time tm = {t, 0};
	char buf[SY_DATE_BUFSZ];

	if (t == 0)
		return json_null();
	sy_date_rfc3339(&tm, buf, sizeof(buf));
	return json_string(buf);
}

static json_t *
jms(long ms)
{
	return ms < 0 ? json_null() : json_integer(ms);
}

/*
 * What a link audit knows of a link beyond the diagnostic: its host, the
 * redirect hops, the servers' time, rate limiting and the failing streak
 * (link-level keys, for the links array and for each diagnostic).
 */
static int
link_json(json_t *o, const struct sy_linkres *r)
{
	json_t *hops = json_array();
	size_t i;

	if (hops == NULL)
		return -1;
	for (i = 0; i < r->nchain; i++) {
		if (json_array_append_new(hops, jstr(r->chain[i])) < 0) {
			json_decref(hops);
			return -1;
		}
	}
	if (jset_str(o, "host", r->host) < 0 ||
	    json_object_set_new(o, "redirects", hops) < 0 ||
	    json_object_set_new(o, "response_ms", jms(r->response_ms)) < 0 ||
	    json_object_set_new(
	        o, "rate_limited", json_boolean(r->rate_limited)) < 0 ||
	    json_object_set_new(o, "failing_since", jtime(r->first_failure)) <
	        0 ||
	    json_object_set_new(o, "failures", json_integer(r->failures)) < 0)
		return -1;
	return 0;
}

static const char *const state_names[] = {
    [SY_LINK_UNKNOWN] = "unchecked",
    [SY_LINK_CHECKED] = "checked",
    [SY_LINK_SKIPPED] = "skipped",
    [SY_LINK_STORED] = "stored",
};

static json_t *
linkres_json(const struct sy_linkres *r)
{
	json_t *o = json_object();

	if (o == NULL)
		return NULL;
	if (jset_str(o, "url", r->key) < 0 ||
	    json_object_set_new(o, "mail", json_boolean(r->mail)) < 0 ||
	    jset_str(o, "state", state_names[r->state]) < 0 ||
	    jset_str(o, "rule",
	        r->rule == SY_R_NONE ? NULL : rules[r->rule].name) < 0 ||
	    json_object_set_new(o, "status",
	        r->status ? json_integer(r->status) : json_null()) < 0 ||
	    jset_str(o, "message", r->message) < 0 || link_json(o, r) < 0 ||
	    json_object_set_new(o, "checked_at", jtime(r->checked_at)) < 0 ||
	    jset_int(o, "places", r->places) < 0) {
		json_decref(o);
		return NULL;
	}
	return o;
}

static json_t *
run_json(const struct sy_hist_run *r)
{
	return json_pack("{s:o, s:o, s:I, s:I, s:I, s:I, s:I, s:i, s:i}",
	    "started", jtime(r->started), "finished", jtime(r->finished),
	    "fine", (json_int_t)r->fine, "broken", (json_int_t)r->broken,
	    "blocked", (json_int_t)r->blocked, "redirected",
	    (json_int_t)r->redirected, "skipped", (json_int_t)r->skipped,
	    "shard", r->shard, "shards", r->shards);
}

static const char *const source_names[] = {
    [SY_LINKSET_RUN] = "run",
    [SY_LINKSET_OFFLINE] = "offline",
    [SY_LINKSET_HISTORY] = "history",
};

/* The link audit's part of the summary, and its links and runs. */
static int
linkset_json(json_t *root, json_t *sum, const struct sy_linkset *s)
{
	json_t *links, *runs;
	size_t i;

	if (jset_str(sum, "source", source_names[s->source]) < 0 ||
	    jset_int(sum, "fine", s->fine) < 0 ||
	    jset_int(sum, "broken", s->broken) < 0 ||
	    jset_int(sum, "blocked", s->blocked) < 0 ||
	    jset_int(sum, "redirected", s->redirected) < 0 ||
	    jset_int(sum, "skipped", s->skipped) < 0 ||
	    jset_int(sum, "unchecked", s->unchecked) < 0 ||
	    jset_int(sum, "occurrences", s->occurrences) < 0 ||
	    json_object_set_new(sum, "started", jtime(s->started)) < 0 ||
	    json_object_set_new(sum, "duration_ms", jms(s->duration_ms)) < 0)
		return -1;
	if ((links = json_array()) == NULL ||
	    json_object_set_new(root, "links", links) < 0)
		return -1;
	for (i = 0; i < s->n; i++) {
		json_t *j = linkres_json(&s->v[i]);

		if (j == NULL || json_array_append_new(links, j) < 0)
			return -1;
	}
	if ((runs = json_array()) == NULL ||
	    json_object_set_new(root, "runs", runs) < 0)
		return -1;
	for (i = 0; i < s->nruns; i++) {
		json_t *j = run_json(&s->runs[i]);

		if (j == NULL || json_array_append_new(runs, j) < 0)
			return -1;
	}
	return 0;
}

static json_t *
diag_json(const struct sy_diag *dg, const struct sy_linkset *links)
{
	const struct sy_linkres *lr = sy_linkset_of(links, dg);
	json_t *o = json_object();

	if (o == NULL)
		return NULL;
	if (jset_str(o, "file", dg->path) < 0 ||
	    jset_int(o, "line", dg->line) < 0 ||
	    jset_int(o, "column", dg->column) < 0 ||
	    jset_str(o, "severity", sevnames[dg->severity]) < 0 ||
	    jset_str(o, "rule", rules[dg->rule].name) < 0 ||
	    jset_str(o, "message", dg->message) < 0 ||
	    jset_str(o, "entry", dg->entry) < 0 ||
	    jset_str(o, "field", dg->field) < 0 ||
	    jset_str(o, "url", dg->url) < 0 ||
	    json_object_set_new(o, "status",
	        dg->status ? json_integer(dg->status) : json_null()) < 0 ||
	    (dg->title != NULL && jset_str(o, "title", dg->title) < 0) ||
	    (lr != NULL && jset_str(o, "target", lr->key) < 0) ||
	    (lr != NULL && link_json(o, lr) < 0)) {
		json_decref(o);
		return NULL;
	}
	return o;
}

/* Writes a JSON document and a final newline. */
static enum sy_err
json_write(json_t *root, FILE *out)
{
	if (json_dumpf(root, out, JSON_INDENT(2) | JSON_PRESERVE_ORDER) < 0 ||
	    fputc('\n', out) == EOF)
		return SY_EIO;
	return SY_OK;
}

/* The "run" object of syndic-links (struct sy_emit_run). */
static json_t *
emit_run_json(const struct sy_emit_opts *o)
{
	const struct sy_emit_run *r = o->run;
	json_t *j = json_object(), *in = json_array();
	size_t i;

	if (j == NULL || in == NULL)
		goto fail;
	for (i = 0; i < r->ninputs; i++)
		if (json_array_append_new(in, jstr(r->inputs[i])) < 0)
			goto fail;
	if (jset_str(j, "tool", o->tool) < 0 ||
	    jset_str(j, "version", o->version) < 0 ||
	    jset_int(j, "shard", r->shard) < 0 ||
	    jset_int(j, "shards", r->shards) < 0 ||
	    json_object_set(j, "inputs", in) < 0 ||
	    jset_int(j, "places", r->places) < 0 ||
	    jset_int(j, "links", r->links) < 0 ||
	    jset_int(j, "domains", r->domains) < 0 ||
	    jset_int(j, "checked", r->checked) < 0 ||
	    jset_int(j, "skipped", r->skipped) < 0 ||
	    json_object_set_new(j, "strict", json_boolean(r->strict)) < 0)
		goto fail;
	json_decref(in);
	return j;
fail:
	json_decref(in);
	json_decref(j);
	return NULL;
}

static enum sy_err
emit_json(const struct sy_diags *d, const struct sy_emit_opts *o, FILE *out)
{
	json_t *root, *arr, *sum;
	size_t i, cnt[3] = {0, 0, 0};
	enum sy_err e = SY_ENOMEM;

	root = json_object();
	arr = json_array();
	sum = json_object();
	if (root == NULL || arr == NULL || sum == NULL)
		goto out;
	/* First, so that a report cut short still says which run it was. */
	if (o->run != NULL &&
	    json_object_set_new(root, "run", emit_run_json(o)) < 0)
		goto out;
	for (i = 0; i < d->n; i++) {
		json_t *j;

		if (!shown(&d->v[i], o))
			continue;
		cnt[d->v[i].severity]++;
		j = diag_json(&d->v[i], o->links);
		if (j == NULL || json_array_append_new(arr, j) < 0)
			goto out;
	}
	if (jset_int(sum, "errors", cnt[SY_ERROR]) < 0 ||
	    jset_int(sum, "warnings", cnt[SY_WARNING]) < 0 ||
	    jset_int(sum, "notes", cnt[SY_NOTE]) < 0)
		goto out;
	if (o->checked > 0 && jset_int(sum, "checked", o->checked) < 0)
		goto out;
	if (json_object_set(root, "diagnostics", arr) < 0 ||
	    json_object_set(root, "summary", sum) < 0)
		goto out;
	if (o->links != NULL && linkset_json(root, sum, o->links) < 0)
		goto out;
	e = json_write(root, out);
out:
	json_decref(arr);
	json_decref(sum);
	json_decref(root);
	return e;
}

/*
 * SARIF 2.1.0 for GitHub code scanning.  The artifact URI is the path as
 * the diagnostic carries it, as a URI reference: unreserved characters
 * and "/" stay, everything else (":" of a first segment, spaces, UTF-8
 * bytes) is percent-encoded.  A relative path is taken against
 * %SRCROOT%; an absolute one becomes a file: URI.
 */
static enum sy_err
sarif_uri(struct sy_buf *b, const char *path, bool *relative)
{
	static const char hex[] = "0123456789ABCDEF";
	const unsigned char *p;
	enum sy_err e;

	while (path[0] == '.' && path[1] == '/')
		path += 2;
	*relative = path[0] != '/';
	if (!*relative && (e = sy_buf_puts(b, "file://")) != SY_OK)
		return e;
	for (p = (const unsigned char *)path; *p != '\0'; p++) {
		if (SY_ISALNUM(*p) || *p == '-' || *p == '.' || *p == '_' ||
		    *p == '~' || *p == '/')
			e = sy_buf_putc(b, (char)*p);
		else
			e = sy_buf_printf(
			    b, "%%%c%c", hex[*p >> 4], hex[*p & 15]);
		if (e != SY_OK)
			return e;
	}
	return SY_OK;
}

static const char *const sarif_level[] = {"note", "warning", "error"};

static json_t *
sarif_result(const struct sy_diag *dg, size_t ruleindex)
{
	json_t *r, *msg, *loc, *phys, *art, *reg, *locs;
	struct sy_buf uri;
	bool relative;
	char *text = NULL;

	r = json_pack("{s:s, s:I, s:s}", "ruleId", rules[dg->rule].name,
	    "ruleIndex", (json_int_t)ruleindex, "level",
	    sarif_level[dg->severity]);
	sy_buf_init(&uri, 0);
	if (r == NULL || (text = clean_dup(dg->message, false)) == NULL ||
	    sarif_uri(&uri, dg->path, &relative) != SY_OK)
		goto fail;
	msg = json_pack("{s:s}", "text", text);
	art = json_pack("{s:s}", "uri", uri.data);
	if (json_object_set_new(r, "message", msg) < 0 || art == NULL)
		goto fail_art;
	if (relative &&
	    json_object_set_new(art, "uriBaseId", json_string("%SRCROOT%")) < 0)
		goto fail_art;
	phys = json_pack("{s:o}", "artifactLocation", art);
	if (phys == NULL)
		goto fail;
	if (dg->line > 0) {
		reg = json_pack("{s:I}", "startLine", (json_int_t)dg->line);
		if (reg == NULL || json_object_set_new(phys, "region", reg) < 0)
			goto fail_phys;
		if (dg->column > 0 &&
		    jset_int(reg, "startColumn", dg->column) < 0)
			goto fail_phys;
	}
	loc = json_pack("{s:o}", "physicalLocation", phys);
	if (loc == NULL)
		goto fail;
	locs = json_pack("[o]", loc);
	if (locs == NULL || json_object_set_new(r, "locations", locs) < 0)
		goto fail;
	free(text);
	sy_buf_fini(&uri);
	return r;
fail_art:
	json_decref(art);
	goto fail;
fail_phys:
	json_decref(phys);
fail:
	free(text);
	sy_buf_fini(&uri);
	json_decref(r);
	return NULL;
}

static enum sy_err
emit_sarif(const struct sy_diags *d, const struct sy_emit_opts *o, FILE *out)
{
	/* Per rule: 1 + highest severity seen, 0 if unseen. */
	unsigned char seen[SY_R_COUNT];
	size_t index[SY_R_COUNT];
	json_t *root = NULL, *driver, *ruleset, *results, *run;
	size_t i, nrules = 0;
	enum sy_err e = SY_ENOMEM;

	memset(seen, 0, sizeof(seen));
	for (i = 0; i < d->n; i++) {
		const struct sy_diag *dg = &d->v[i];

		if (shown(dg, o) && seen[dg->rule] < dg->severity + 1)
			seen[dg->rule] = (unsigned char)(dg->severity + 1);
	}
	root = json_pack("{s:s, s:s, s:[{s:{s:{s:s}}, s:[]}]}", "$schema",
	    "https://json.schemastore.org/sarif-2.1.0.json", "version", "2.1.0",
	    "runs", "tool", "driver", "name", o->tool, "results");
	if (root == NULL)
		goto out;
	run = json_array_get(json_object_get(root, "runs"), 0);
	driver = json_object_get(json_object_get(run, "tool"), "driver");
	results = json_object_get(run, "results");
	if (o->version != NULL && o->version[0] != '\0' &&
	    jset_str(driver, "version", o->version) < 0)
		goto out;
	if (o->info_uri != NULL &&
	    jset_str(driver, "informationUri", o->info_uri) < 0)
		goto out;
	if ((ruleset = json_array()) == NULL ||
	    json_object_set_new(driver, "rules", ruleset) < 0)
		goto out;
	for (i = 0; i < SY_R_COUNT; i++) {
		json_t *rd;

		if (seen[i] == 0)
			continue;
		index[i] = nrules++;
		rd = json_pack("{s:s, s:s, s:{s:s}, s:{s:s}}", "id",
		    rules[i].name, "name", rules[i].name, "shortDescription",
		    "text", rules[i].help, "defaultConfiguration", "level",
		    sarif_level[seen[i] - 1]);
		if (rd == NULL || json_array_append_new(ruleset, rd) < 0)
			goto out;
	}
	for (i = 0; i < d->n; i++) {
		const struct sy_diag *dg = &d->v[i];
		json_t *r;

		if (!shown(dg, o))
			continue;
		r = sarif_result(dg, index[dg->rule]);
		if (r == NULL || json_array_append_new(results, r) < 0)
			goto out;
	}
	e = json_write(root, out);
out:
	json_decref(root);
	return e;
}

/*
 * JUnit XML as GitLab, Jenkins and the GitHub test reporters read it:
 * one failing testcase per warning or error, one passing testcase with
 * <system-out> per note, and a single passing testcase named after the
 * tool when there is nothing at all, so that CI shows a green run.
 */
static enum sy_err
junit_case(xmlTextWriterPtr w, const struct sy_diag *dg, struct sy_buf *b)
{
	const char *rule = rules[dg->rule].name;
	char *path = NULL, *msg = NULL;
	enum sy_err e = SY_ENOMEM;

	if ((path = clean_dup(dg->path, true)) == NULL ||
	    (msg = clean_dup(dg->message, true)) == NULL)
		goto out;
	e = SY_EXML;
	sy_buf_reset(b);
	if (sy_buf_printf(b, "%s:%zu:%zu %s", path, dg->line, dg->column,
	        rule) != SY_OK) {
		e = SY_ENOMEM;
		goto out;
	}
	if (sy_xml.xmlTextWriterStartElement(w, BAD_CAST "testcase") < 0 ||
	    sy_xml.xmlTextWriterWriteAttribute(
	        w, BAD_CAST "classname", BAD_CAST path) < 0 ||
	    sy_xml.xmlTextWriterWriteAttribute(
	        w, BAD_CAST "name", BAD_CAST b->data) < 0)
		goto out;
	sy_buf_reset(b);
	if (sy_buf_printf(b, "%s:%zu:%zu: %s: %s [%s]", path, dg->line,
	        dg->column, sevnames[dg->severity], msg, rule) != SY_OK ||
	    (dg->url != NULL &&
	        (sy_buf_puts(b, "\nurl: ") != SY_OK ||
	            put_clean(b, dg->url, true) != SY_OK)) ||
	    (dg->status != 0 &&
	        sy_buf_printf(b, "\nstatus: %d", dg->status) != SY_OK)) {
		e = SY_ENOMEM;
		goto out;
	}
	if (dg->severity == SY_NOTE) {
		if (sy_xml.xmlTextWriterWriteElement(
		        w, BAD_CAST "system-out", BAD_CAST b->data) < 0)
			goto out;
	} else {
		if (sy_xml.xmlTextWriterStartElement(w, BAD_CAST "failure") <
		        0 ||
		    sy_xml.xmlTextWriterWriteAttribute(
		        w, BAD_CAST "type", BAD_CAST rule) < 0 ||
		    sy_xml.xmlTextWriterWriteAttribute(
		        w, BAD_CAST "message", BAD_CAST msg) < 0 ||
		    sy_xml.xmlTextWriterWriteString(w, BAD_CAST b->data) < 0 ||
		    sy_xml.xmlTextWriterEndElement(w) < 0)
			goto out;
	}
	if (sy_xml.xmlTextWriterEndElement(w) < 0)
		goto out;
	e = SY_OK;
out:
	free(path);
	free(msg);
	return e;
}

/*
 * The writer's sink.  A failed write is left for the caller's final
 * ferror() check: reporting it here would make libxml2 print to stderr.
 */
static int
junit_write(void *ctx, const char *p, int len)
{
	if (len > 0)
		(void)fwrite(p, 1, (size_t)len, ctx);
	return len;
}

static int
junit_counts(xmlTextWriterPtr w, size_t tests, size_t failures)
{
	if (sy_xml.xmlTextWriterWriteFormatAttribute(
	        w, BAD_CAST "tests", "%zu", tests) < 0 ||
	    sy_xml.xmlTextWriterWriteFormatAttribute(
	        w, BAD_CAST "failures", "%zu", failures) < 0 ||
	    sy_xml.xmlTextWriterWriteAttribute(
	        w, BAD_CAST "errors", BAD_CAST "0") < 0)
		return -1;
	return 0;
}

static enum sy_err
emit_junit(const struct sy_diags *d, const struct sy_emit_opts *o, FILE *out)
{
	xmlOutputBufferPtr ob;
	xmlTextWriterPtr w = NULL;
	struct sy_buf b;
	size_t i, tests = 0, failures = 0;
	char *tool = NULL;
	enum sy_err e;

	if ((e = sy_dl_xml()) != SY_OK)
		return e;
	e = SY_ENOMEM;
	sy_buf_init(&b, 0);
	for (i = 0; i < d->n; i++) {
		if (!shown(&d->v[i], o))
			continue;
		tests++;
		if (d->v[i].severity != SY_NOTE)
			failures++;
	}
	if ((tool = clean_dup(o->tool, true)) == NULL)
		goto out;
	if ((ob = sy_xml.xmlOutputBufferCreateIO(
	         junit_write, NULL, out, NULL)) == NULL)
		goto out;
	if ((w = sy_xml.xmlNewTextWriter(ob)) == NULL) {
		sy_xml.xmlOutputBufferClose(ob);
		goto out;
	}
	e = SY_EXML;
	if (sy_xml.xmlTextWriterSetIndent(w, 1) < 0 ||
	    sy_xml.xmlTextWriterSetIndentString(w, BAD_CAST "  ") < 0 ||
	    sy_xml.xmlTextWriterStartDocument(w, NULL, "UTF-8", NULL) < 0 ||
	    sy_xml.xmlTextWriterStartElement(w, BAD_CAST "testsuites") < 0 ||
	    sy_xml.xmlTextWriterWriteAttribute(
	        w, BAD_CAST "name", BAD_CAST tool) < 0 ||
	    junit_counts(w, tests ? tests : 1, failures) < 0 ||
	    sy_xml.xmlTextWriterStartElement(w, BAD_CAST "testsuite") < 0 ||
	    sy_xml.xmlTextWriterWriteAttribute(
	        w, BAD_CAST "name", BAD_CAST tool) < 0 ||
	    junit_counts(w, tests ? tests : 1, failures) < 0)
		goto out;
	if (tests == 0 &&
	    (sy_xml.xmlTextWriterStartElement(w, BAD_CAST "testcase") < 0 ||
	        sy_xml.xmlTextWriterWriteAttribute(
	            w, BAD_CAST "classname", BAD_CAST tool) < 0 ||
	        sy_xml.xmlTextWriterWriteAttribute(
	            w, BAD_CAST "name", BAD_CAST tool) < 0 ||
	        sy_xml.xmlTextWriterEndElement(w) < 0))
		goto out;
	for (i = 0; i < d->n; i++) {
		if (!shown(&d->v[i], o))
			continue;
		if ((e = junit_case(w, &d->v[i], &b)) != SY_OK)
			goto out;
	}
	e = SY_EXML;
	if (sy_xml.xmlTextWriterEndDocument(w) < 0)
		goto out;
	e = SY_OK;
out:
	/* Flushes into out; out itself stays open. */
	sy_xml.xmlFreeTextWriter(w);
	free(tool);
	sy_buf_fini(&b);
	return e;
}

/*
 * Markdown (CommonMark with GitHub tables), for an issue or an e-mail.
 * User text is escaped so it cannot make markup, links or table cells;
 * a URL becomes a code span, so it is shown, not made a live link.  Text
 * is cleaned as for XML first, which also removes control characters.
 */
static void
md_code(FILE *out, const char *s, size_t n)
{
	size_t i, run = 0, longest = 0;
	bool pad;

	for (i = 0; i < n; i++) {
		run = s[i] == '`' ? run + 1 : 0;
		if (run > longest)
			longest = run;
	}
	pad = n > 0 &&
	    (s[0] == '`' || s[0] == ' ' || s[n - 1] == '`' || s[n - 1] == ' ');
	for (i = 0; i <= longest; i++)
		fputc('`', out);
	if (pad)
		fputc(' ', out);
	for (i = 0; i < n; i++) {
		if (s[i] == '|')
			fputs("\\|", out);
		else if (s[i] == '\n' || s[i] == '\r')
			fputc(' ', out);
		else
			fputc(s[i], out);
	}
	if (pad)
		fputc(' ', out);
	for (i = 0; i <= longest; i++)
		fputc('`', out);
}

/* Length of the URL-looking word at s, or 0. */
static size_t
md_url_len(const char *s)
{
	static const char *const pfx[] = {
	    "http://", "https://", "mailto:", "www."};
	size_t i, n;

	for (i = 0; i < SY_NELEM(pfx); i++) {
		if (!sy_has_prefix_ci(s, pfx[i]))
			continue;
		for (n = strlen(pfx[i]); s[n] != '\0' && !SY_ISSPACE(s[n]); n++)
			;
		return n;
	}
	return 0;
}

static void
md_text(FILE *out, const char *s)
{
	bool wordstart = true;
	size_t n;

	while (*s != '\0') {
		if (wordstart && (n = md_url_len(s)) > 0) {
			md_code(out, s, n);
			s += n;
			wordstart = false;
			continue;
		}
		if (*s == '\n')
			fputs("<br>", out);
		else if (*s == '\r')
			;
		else if (strchr("\\`*_[]<>|&~", *s) != NULL)
			fprintf(out, "\\%c", *s);
		else
			fputc(*s, out);
		wordstart =
		    SY_ISSPACE(*s) || *s == '(' || *s == '"' || *s == '\'';
		s++;
	}
}

static void
md_count(FILE *out, size_t n, const char *what, const char *sep)
{
	fprintf(out, "%s%zu %s%s", sep, n, what, n == 1 ? "" : "s");
}

static enum sy_err
emit_markdown(const struct sy_diags *d, const struct sy_emit_opts *o, FILE *out)
{
	size_t i, cnt[3] = {0, 0, 0};
	const char *file = NULL;
	char *c = NULL;

	for (i = 0; i < d->n; i++)
		if (shown(&d->v[i], o))
			cnt[d->v[i].severity]++;
	fputs("# ", out);
	if ((c = clean_dup(o->tool, false)) == NULL)
		return SY_ENOMEM;
	md_text(out, c);
	free(c);
	md_count(out, cnt[SY_ERROR], "error", ": ");
	md_count(out, cnt[SY_WARNING], "warning", ", ");
	if (!o->quiet)
		md_count(out, cnt[SY_NOTE], "note", ", ");
	fputs("\n\n", out);
	if (o->checked > 0)
		fprintf(out, "%zu link%s checked.\n\n", o->checked,
		    o->checked == 1 ? "" : "s");
	if (cnt[0] + cnt[1] + cnt[2] == 0) {
		fputs("No problems found.\n", out);
		return SY_OK;
	}
	for (i = 0; i < d->n; i++) {
		const struct sy_diag *dg = &d->v[i];

		if (!shown(dg, o))
			continue;
		if ((c = clean_dup(dg->path, true)) == NULL)
			return SY_ENOMEM;
		if (file == NULL || strcmp(file, dg->path) != 0) {
			fputs(file == NULL ? "## " : "\n## ", out);
			md_code(out, c, strlen(c));
			fputs("\n\n| line | col | severity | rule | message |\n"
			      "| ---: | ---: | --- | --- | --- |\n",
			    out);
			file = dg->path;
		}
		free(c);
		fprintf(out, "| %zu | %zu | %s | %s | ", dg->line, dg->column,
		    sevnames[dg->severity], rules[dg->rule].name);
		if ((c = clean_dup(dg->message, true)) == NULL)
			return SY_ENOMEM;
		md_text(out, c);
		free(c);
		if (dg->url != NULL) {
			if ((c = clean_dup(dg->url, true)) == NULL)
				return SY_ENOMEM;
			fputs("<br>", out);
			md_code(out, c, strlen(c));
			free(c);
		}
		if (dg->status != 0)
			fprintf(out, " (HTTP %d)", dg->status);
		fputs(" |\n", out);
	}
	return SY_OK;
}

enum sy_err
sy_diags_emit(struct sy_diags *d, enum sy_format fmt,
    const struct sy_emit_opts *opts, FILE *out)
{
	struct sy_emit_opts o = {.tool = "syndic", .version = ""};
	enum sy_err e = SY_OK;

	if (opts != NULL)
		o = *opts;
	if (o.tool == NULL || o.tool[0] == '\0')
		o.tool = "syndic";
	sy_diags_sort(d);
	switch (fmt) {
	case SY_FMT_TEXT:
		emit_text(d, &o, out);
		break;
	case SY_FMT_JSON:
		e = emit_json(d, &o, out);
		break;
	case SY_FMT_GITHUB:
		emit_github(d, &o, out);
		break;
	case SY_FMT_JUNIT:
		e = emit_junit(d, &o, out);
		break;
	case SY_FMT_SARIF:
		e = emit_sarif(d, &o, out);
		break;
	case SY_FMT_MARKDOWN:
		e = emit_markdown(d, &o, out);
		break;
	case SY_FMT_HTML:
		e = sy_report_html(d, &o, out);
		break;
	default:
		e = SY_EINVAL;
		break;
	}
	if (e != SY_OK)
		return e;
	if (fflush(out) != 0 || ferror(out))
		return SY_EIO;
	return SY_OK;
}

enum sy_err
sy_diags_emit_path(struct sy_diags *d, enum sy_format fmt,
    const struct sy_emit_opts *opts, const char *path)
{
	struct sy_atomic a;
	enum sy_err e;
	int saved;

	if (path == NULL || strcmp(path, "-") == 0)
		return sy_diags_emit(d, fmt, opts, stdout);
	e = sy_atomic_open(&a, path);
	if (e != SY_OK)
		return e;
	e = sy_diags_emit(d, fmt, opts, a.fp);
	if (e == SY_OK)
		e = sy_atomic_commit(&a, NULL);
	if (e != SY_OK) {
		saved = errno;
		sy_atomic_abort(&a);
		errno = saved;
	}
	return e;
}

void
sy_diags_summary(const struct sy_diags *d, FILE *out)
{
	fprintf(out, "%zu error%s, %zu warning%s, %zu note%s\n",
	    d->count[SY_ERROR], d->count[SY_ERROR] == 1 ? "" : "s",
	    d->count[SY_WARNING], d->count[SY_WARNING] == 1 ? "" : "s",
	    d->count[SY_NOTE], d->count[SY_NOTE] == 1 ? "" : "s");
}
