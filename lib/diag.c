/* diag.c: the diagnostics sink, the rule table and the output formats. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "buf.h"
#include "diag.h"
#include "util.h"

static const struct {
	const char *name;
	const char *help;
} rules[SY_R_COUNT] = {
	[SY_R_NONE] = { "none", "no problem" },
	[SY_R_CSV_SYNTAX] = { "csv-syntax",
	    "unterminated quote or other CSV damage" },
	[SY_R_CSV_ENCODING] = { "csv-encoding",
	    "invalid UTF-8 or a NUL byte" },
	[SY_R_CSV_COLUMNS] = { "csv-columns",
	    "a row with a different number of fields than the header" },
	[SY_R_HEADER_MISSING] = { "header-missing",
	    "a required column is missing from the header" },
	[SY_R_HEADER_DUPLICATE] = { "header-duplicate",
	    "a column name appears twice in the header" },
	[SY_R_HEADER_UNKNOWN] = { "header-unknown",
	    "a column name that syndic does not know (x- columns are kept)" },
	[SY_R_REQUIRED] = { "required", "an empty required field" },
	[SY_R_DATE_SYNTAX] = { "date-syntax", "a date in no accepted form" },
	[SY_R_DATE_RANGE] = { "date-range",
	    "an impossible or implausible date" },
	[SY_R_URL_SYNTAX] = { "url-syntax", "a malformed URL" },
	[SY_R_URL_SCHEME] = { "url-scheme",
	    "a URL scheme that does not belong there" },
	[SY_R_EMAIL_SYNTAX] = { "email-syntax",
	    "a malformed e-mail address" },
	[SY_R_EMAIL_DOMAIN] = { "email-domain",
	    "an e-mail domain that cannot receive mail" },
	[SY_R_DUPLICATE] = { "duplicate",
	    "a second row with the same id, link or guid" },
	[SY_R_LANGUAGE_TAG] = { "language-tag",
	    "a language tag that is not BCP 47 shaped" },
	[SY_R_MIME_TYPE] = { "mime-type", "a malformed MIME type" },
	[SY_R_INTEGER] = { "integer", "a field that must be an integer" },
	[SY_R_CONTENT_FILE] = { "content-file",
	    "a missing or unreadable article file" },
	[SY_R_XML_CHARS] = { "xml-chars",
	    "characters that XML 1.0 forbids" },
	[SY_R_SITE_RULE] = { "site-rule",
	    "a link that is well-formed but wrong for its site" },
	[SY_R_COLUMN_UNKNOWN] = { "column-unknown",
	    "an entry naming a column that columns.csv lacks" },
	[SY_R_TIMEZONE] = { "timezone", "an unknown IANA time zone" },
	[SY_R_LINK_BROKEN] = { "link-broken",
	    "the server says the target does not exist (4xx)" },
	[SY_R_LINK_SERVER_ERROR] = { "link-server-error",
	    "the server failed (5xx) after retries" },
	[SY_R_LINK_TIMEOUT] = { "link-timeout", "no answer in time" },
	[SY_R_LINK_DNS] = { "link-dns", "the host name does not resolve" },
	[SY_R_LINK_TLS] = { "link-tls", "the TLS handshake failed" },
	[SY_R_LINK_REFUSED] = { "link-refused",
	    "the connection was refused or reset" },
	[SY_R_LINK_REDIRECT] = { "link-redirect",
	    "a permanent redirect: update the link" },
	[SY_R_LINK_REDIRECT_LOOP] = { "link-redirect-loop",
	    "a redirect loop or too many hops" },
	[SY_R_LINK_BLOCKED] = { "link-blocked",
	    "a bot wall answered: cannot verify, not broken" },
	[SY_R_LINK_PRIVATE] = { "link-private",
	    "a private, loopback or link-local target, skipped by policy" },
	[SY_R_LINK_FRAGMENT] = { "link-fragment",
	    "the #fragment is not an id in the target page" },
	[SY_R_LINK_ERROR] = { "link-error",
	    "another network or protocol failure" },
	[SY_R_LINK_UNCHECKED] = { "link-unchecked",
	    "the link could not be checked this time" },
	[SY_R_EMAIL_NO_MX] = { "email-no-mx",
	    "the address's domain has no MX (nor A/AAAA) record" },
	[SY_R_FEED_XML] = { "feed-xml", "a feed that is not well-formed" },
	[SY_R_FEED_SCHEMA] = { "feed-schema",
	    "a feed that breaks its format's rules" },
};

static const char *sevnames[] = { "note", "warning", "error" };

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
sy_diag_add(struct sy_diags *d, const struct sy_pos *pos,
    enum sy_severity sev, enum sy_rule rule, const char *fmt, ...)
{
	struct sy_diag *dg;
	struct sy_buf b;
	va_list ap;

	if (d->n == d->cap) {
		size_t cap = d->cap ? d->cap * 2 : 16;
		struct sy_diag *v = sy_reallocarray(d->v, cap, sizeof(*v));

		if (v == NULL)
			goto oom;
		d->v = v;
		d->cap = cap;
	}
	dg = &d->v[d->n];
	memset(dg, 0, sizeof(*dg));
	sy_buf_init(&b, 0);
	va_start(ap, fmt);
	if (sy_buf_vprintf(&b, fmt, ap) != SY_OK) {
		va_end(ap);
		sy_buf_fini(&b);
		goto oom;
	}
	va_end(ap);
	dg->message = sy_buf_steal(&b);
	dg->path = sy_strdup(pos && pos->path ? pos->path : "-");
	if (dg->message == NULL || dg->path == NULL) {
		diag_fini(dg);
		goto oom;
	}
	dg->line = pos ? pos->line : 0;
	dg->column = pos ? pos->column : 0;
	dg->severity = sev;
	dg->rule = rule;
	dg->seq = d->n;
	d->count[sev <= SY_ERROR ? sev : SY_ERROR]++;
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

	if (src->n == 0)
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
		{ "text", SY_FMT_TEXT },
		{ "json", SY_FMT_JSON },
		{ "github", SY_FMT_GITHUB },
		{ "junit", SY_FMT_JUNIT },
		{ "sarif", SY_FMT_SARIF },
		{ "markdown", SY_FMT_MARKDOWN },
	};
	size_t i;

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

static void
emit_text(const struct sy_diags *d, const struct sy_emit_opts *o, FILE *out)
{
	size_t i;

	for (i = 0; i < d->n; i++) {
		const struct sy_diag *dg = &d->v[i];

		if (!shown(dg, o))
			continue;
		fprintf(out, "%s:%zu:%zu: %s: %s [%s]\n", dg->path, dg->line,
		    dg->column, sevnames[dg->severity], dg->message,
		    rules[dg->rule].name);
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
emit_github(const struct sy_diags *d, const struct sy_emit_opts *o,
    FILE *out)
{
	static const char *cmd[] = { "notice", "warning", "error" };
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

static int
jset_str(json_t *o, const char *k, const char *v)
{
	return json_object_set_new(o, k, v ? json_string(v) : json_null());
}

static json_t *
diag_json(const struct sy_diag *dg)
{
	json_t *o = json_object();

	if (o == NULL)
		return NULL;
	if (jset_str(o, "file", dg->path) < 0 ||
	    json_object_set_new(o, "line", json_integer((json_int_t)dg->line)) <
		0 ||
	    json_object_set_new(o, "column",
		json_integer((json_int_t)dg->column)) < 0 ||
	    jset_str(o, "severity", sevnames[dg->severity]) < 0 ||
	    jset_str(o, "rule", rules[dg->rule].name) < 0 ||
	    jset_str(o, "message", dg->message) < 0 ||
	    jset_str(o, "entry", dg->entry) < 0 ||
	    jset_str(o, "field", dg->field) < 0 ||
	    jset_str(o, "url", dg->url) < 0 ||
	    json_object_set_new(o, "status",
		dg->status ? json_integer(dg->status) : json_null()) < 0) {
		json_decref(o);
		return NULL;
	}
	return o;
}

static enum sy_err
emit_json(const struct sy_diags *d, const struct sy_emit_opts *o, FILE *out)
{
	json_t *root, *arr, *sum;
	size_t i, cnt[3] = { 0, 0, 0 };
	enum sy_err e = SY_ENOMEM;

	root = json_object();
	arr = json_array();
	sum = json_object();
	if (root == NULL || arr == NULL || sum == NULL)
		goto out;
	for (i = 0; i < d->n; i++) {
		json_t *j;

		if (!shown(&d->v[i], o))
			continue;
		cnt[d->v[i].severity]++;
		j = diag_json(&d->v[i]);
		if (j == NULL || json_array_append_new(arr, j) < 0)
			goto out;
	}
	if (json_object_set_new(sum, "errors", json_integer((json_int_t)cnt[2])) <
		0 ||
	    json_object_set_new(sum, "warnings",
		json_integer((json_int_t)cnt[1])) < 0 ||
	    json_object_set_new(sum, "notes", json_integer((json_int_t)cnt[0])) <
		0)
		goto out;
	if (o->checked > 0 &&
	    json_object_set_new(sum, "checked",
		json_integer((json_int_t)o->checked)) < 0)
		goto out;
	if (json_object_set(root, "diagnostics", arr) < 0 ||
	    json_object_set(root, "summary", sum) < 0)
		goto out;
	e = SY_EIO;
	if (json_dumpf(root, out, JSON_INDENT(2) | JSON_PRESERVE_ORDER) < 0)
		goto out;
	fputc('\n', out);
	e = SY_OK;
out:
	json_decref(arr);
	json_decref(sum);
	json_decref(root);
	return e;
}

enum sy_err
sy_diags_emit(struct sy_diags *d, enum sy_format fmt,
    const struct sy_emit_opts *opts, FILE *out)
{
	static const struct sy_emit_opts defaults = { "syndic", "", false, 0 };
	const struct sy_emit_opts *o = opts ? opts : &defaults;
	enum sy_err e = SY_OK;

	sy_diags_sort(d);
	switch (fmt) {
	case SY_FMT_TEXT:
		emit_text(d, o, out);
		break;
	case SY_FMT_JSON:
		e = emit_json(d, o, out);
		break;
	case SY_FMT_GITHUB:
		emit_github(d, o, out);
		break;
	case SY_FMT_JUNIT:
	case SY_FMT_SARIF:
	case SY_FMT_MARKDOWN:
		e = SY_EINVAL; /* TODO */
		break;
	}
	if (e != SY_OK)
		return e;
	if (fflush(out) != 0 || ferror(out))
		return SY_EIO;
	return SY_OK;
}

void
sy_diags_summary(const struct sy_diags *d, FILE *out)
{
	fprintf(out, "%zu error%s, %zu warning%s, %zu note%s\n",
	    d->count[SY_ERROR], d->count[SY_ERROR] == 1 ? "" : "s",
	    d->count[SY_WARNING], d->count[SY_WARNING] == 1 ? "" : "s",
	    d->count[SY_NOTE], d->count[SY_NOTE] == 1 ? "" : "s");
}
