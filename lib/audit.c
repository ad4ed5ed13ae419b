/*
 * audit.c: inputs to links, links to verdicts, verdicts to diagnostics,
 * with the history deciding when a failure is worth an error.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "audit.h"
#include "buf.h"
#include "dnsmx.h"
#include "email.h"
#include "feedread.h"
#include "fsutil.h"
#include "history.h"
#include "html.h"
#include "manifest.h"
#include "rules.h"
#include "shard.h"
#include "strmap.h"
#include "url.h"
#include "util.h"

#define MAX_INPUT (64u << 20)

/* One distinct thing to check: a URL, or a mail domain. */
struct target {
	char *key;          /* the URL, or "dns:" + domain */
	const char *domain; /* into key, for domains */
	size_t *occ;        /* indexes into occs */
	size_t nocc;
	size_t cap;
	struct sy_hist_rec rec;
	bool have_rec;
	bool queued;
};

struct audit {
	const struct sy_audit_opts *o;
	struct sy_diags *d;
	struct sy_audit_stats *st;
	struct sy_occs occs;
	struct target *t;
	size_t nt;
	size_t capt;
	struct sy_strmap map;
	struct sy_url_memo urlmemo; /* libcurl's verdicts on authorities */
	struct sy_history *h;
	char *dbpath;          /* the history's file, when open */
	struct sy_linkset *ls; /* o->links: ls->v[lbase + i] is t[i]'s */
	size_t lbase;
	int64_t now;
	unsigned sk, sn; /* this run's shard, 1/1 for the whole audit */
	size_t places;   /* links and addresses found, every shard's */
	enum sy_err err;
};

void
sy_audit_opts_init(struct sy_audit_opts *o)
{
	memset(o, 0, sizeof(*o));
	sy_linkcheck_opts_init(&o->lc);
	o->fail_after = 1;
}

/*
 * Which findings are this shard's.  A link is its host's shard's
 * (shard.h), a mail domain its hash's, and what belongs to no host is
 * shard 1's.  A whole audit has it all.
 */
static bool
mine_first(const struct audit *a)
{
	return a->sk == 1;
}

static bool
mine_url(struct audit *a, const char *url)
{
	unsigned s;

	if (a->sn <= 1)
		return true;
	if (sy_shard_of_url(url, a->sn, &s) != SY_OK) {
		a->err = SY_ENOMEM;
		return false;
	}
	return s == a->sk;
}

static bool
mine_key(const struct audit *a, const char *key)
{
	return a->sn <= 1 || sy_shard_of_key(key, strlen(key), a->sn) == a->sk;
}

/*
 * Keeps an occurrence found in a list, a page or a feed, unless it is an
 * http(s) link of another shard's host: a shard reads every input, but
 * keeps (and later checks) its own links only.
 */
static enum sy_err
add_occ(struct audit *a, const char *url, const char *abs, const char *path,
    size_t line, size_t column, const char *entry, const char *field,
    size_t mline, const char *title)
{
	const char *u = abs != NULL ? abs : url;

	a->places++;
	if (a->sn > 1 &&
	    (sy_url_has_scheme(u, "http") || sy_url_has_scheme(u, "https")) &&
	    !mine_url(a, u))
		return a->err;
	return sy_occs_add(
	    &a->occs, url, abs, path, line, column, entry, field, mline, title);
}

/* Rules a link audit reports from a manifest's own checks. */
static bool
link_rule(enum sy_rule r)
{
	switch (r) {
	case SY_R_CSV_SYNTAX:
	case SY_R_CSV_ENCODING:
	case SY_R_URL_SYNTAX:
	case SY_R_URL_SCHEME:
	case SY_R_EMAIL_SYNTAX:
	case SY_R_EMAIL_DOMAIN:
	case SY_R_SITE_RULE:
	case SY_R_CONTENT_FILE:
		return true;
	default:
		return false;
	}
}

static enum sy_err
gather_manifest(struct audit *a, const char *path)
{
	struct sy_manifest_opts mo;
	struct sy_manifest m;
	struct sy_diags tmp;
	size_t i, first = a->occs.n;
	enum sy_err e;

	memset(&mo, 0, sizeof(mo));
	mo.columns_path = a->o->columns_path;
	mo.tz = a->o->tz;
	mo.now = a->now;
	mo.occs = &a->occs;
	sy_diags_init(&tmp);
	e = sy_manifest_load(path, &mo, &m, &tmp);
	sy_manifest_fini(&m);
	for (i = 0; i < tmp.n && e == SY_OK; i++) {
		struct sy_diag *dg = &tmp.v[i];
		struct sy_diag *nd;
		struct sy_pos pos = {dg->path, dg->line, dg->column};

		if (!link_rule(dg->rule))
			continue;
		/* A manifest's own finding: its link's shard's, or shard 1's.
		 */
		if (dg->url != NULL ? !mine_url(a, dg->url) : !mine_first(a)) {
			if (a->err != SY_OK)
				e = a->err;
			continue;
		}
		nd = sy_diag_add(
		    a->d, &pos, dg->severity, dg->rule, "%s", dg->message);
		if (nd == NULL || sy_diag_set_entry(nd, dg->entry) != SY_OK ||
		    sy_diag_set_field(nd, dg->field) != SY_OK ||
		    sy_diag_set_url(nd, dg->url) != SY_OK)
			e = SY_ENOMEM;
	}
	sy_diags_fini(&tmp);
	for (i = first; i < a->occs.n; i++)
		a->occs.v[i].checked = true;
	a->places += a->occs.n - first;
	return e;
}

/* Links of an HTML or Markdown file; relative ones need --base. */
static enum sy_err
gather_html(
    struct audit *a, const char *path, const char *data, size_t len, bool md)
{
	struct sy_links links;
	size_t i, relative = 0;
	enum sy_err e;

	sy_links_init(&links);
	e = md ? sy_markdown_links(data, len, &links)
	       : sy_html_links(data, len, &links);
	for (i = 0; i < links.n && e == SY_OK; i++) {
		const char *u = links.v[i].url;
		char *abs = NULL;

		if (u[0] == '#')
			continue;
		if (strchr(u, ':') == NULL || u[0] == '/') {
			if (a->o->base_url == NULL) {
				relative++;
				continue;
			}
			abs = sy_url_resolve(a->o->base_url, u);
			if (abs == NULL)
				continue;
		}
		e = add_occ(a, u, abs, path, links.v[i].line, 0, NULL, NULL,
		    links.v[i].line, NULL);
		free(abs);
	}
	sy_links_fini(&links);
	if (e == SY_OK && relative > 0 && mine_first(a)) {
		struct sy_pos pos = {path, 0, 0};

		if (sy_diag_add(a->d, &pos, SY_NOTE, SY_R_LINK_UNCHECKED,
		        "%zu relative link%s not checked: give --base URL",
		        relative, relative == 1 ? "" : "s") == NULL)
			e = SY_ENOMEM;
	}
	return e;
}

/* One URL per line; blank lines and # comments skipped. */
static enum sy_err
gather_list(struct audit *a, const char *path, char *data)
{
	char *line = data, *nl;
	size_t n = 0;
	enum sy_err e = SY_OK;

	for (; line != NULL && e == SY_OK; line = nl) {
		nl = strchr(line, '\n');
		if (nl != NULL)
			*nl++ = '\0';
		n++;
		sy_trim(line);
		if (*line == '\0' || *line == '#')
			continue;
		e = add_occ(a, line, NULL, path, n, 0, NULL, NULL, n, NULL);
	}
	return e;
}

static enum sy_err
feed_occ(void *arg, const struct sy_feedread_link *k)
{
	return add_occ(arg, k->url, k->abs, k->path, k->line, k->column,
	    k->entry, k->field, k->line, NULL);
}

static enum sy_err
gather_file(struct audit *a, const char *path)
{
	char *data = NULL;
	size_t len;
	enum sy_err e;
	enum sy_feed_kind kind;

	if (sy_has_suffix_ci(path, ".csv"))
		return gather_manifest(a, path);
	e = sy_file_read(path, MAX_INPUT, &data, &len);
	if (e != SY_OK)
		return e;
	if (sy_utf8_valid_prefix(data, len) != len) {
		struct sy_pos pos = {path, 0, 0};

		if (mine_first(a) &&
		    sy_diag_add(a->d, &pos, SY_ERROR, SY_R_CSV_ENCODING,
		        "not UTF-8 text") == NULL)
			e = SY_ENOMEM;
		free(data);
		return e;
	}
	if (sy_has_suffix_ci(path, ".md") ||
	    sy_has_suffix_ci(path, ".markdown")) {
		e = gather_html(a, path, data, len, true);
	} else if (sy_has_suffix_ci(path, ".html") ||
	    sy_has_suffix_ci(path, ".htm")) {
		e = gather_html(a, path, data, len, false);
	} else {
		kind = sy_feedread_detect(data, len);
		if (kind != SY_FEED_UNKNOWN)
			e = sy_feedread_links(path, data, len, feed_occ, a);
		else
			e = gather_list(a, path, data);
	}
	free(data);
	return e;
}

/* Finds or makes the target for key; returns its index or -1. */
static long
target_of(struct audit *a, const char *key, size_t occ)
{
	size_t i, *v;
	bool found;
	struct target *t;

	if (sy_strmap_put(&a->map, key, a->nt, &found, &i) != SY_OK)
		return -1;
	if (!found) {
		t = sy_grow(a->t, &a->capt, a->nt + 1, sizeof(*t), 64);
		if (t == NULL)
			return -1;
		a->t = t;
		i = a->nt;
		t = &a->t[i];
		memset(t, 0, sizeof(*t));
		t->key = sy_strdup(key);
		if (t->key == NULL)
			return -1;
		if (strncmp(key, "dns:", 4) == 0)
			t->domain = t->key + 4;
		a->nt++;
	}
	t = &a->t[i];
	v = sy_grow(t->occ, &t->cap, t->nocc + 1, sizeof(*v), 2);
	if (v == NULL)
		return -1;
	t->occ = v;
	t->occ[t->nocc++] = occ;
	return (long)i;
}

/*
 * A diagnostic at an occurrence; link is the target's 1-based index in
 * the link set (0: none).
 */
static void report_at(struct audit *a, size_t oi, size_t link,
    enum sy_severity sev, enum sy_rule rule, int status, const char *fmt, ...)
    __attribute__((format(printf, 7, 8)));

static void
report_at(struct audit *a, size_t oi, size_t link, enum sy_severity sev,
    enum sy_rule rule, int status, const char *fmt, ...)
{
	const struct sy_occ *c = &a->occs.v[oi];
	struct sy_pos pos = {c->path, c->line, c->column};
	struct sy_diag *dg;
	va_list ap;

	va_start(ap, fmt);
	dg = sy_diag_addv(a->d, &pos, sev, rule, fmt, ap);
	va_end(ap);
	if (dg == NULL || sy_diag_set_entry(dg, c->entry) != SY_OK ||
	    sy_diag_set_field(dg, c->field) != SY_OK ||
	    sy_diag_set_url(dg, c->url) != SY_OK ||
	    sy_diag_set_title(dg, c->title) != SY_OK) {
		a->err = SY_ENOMEM;
		return;
	}
	dg->status = status;
	dg->link = a->ls != NULL ? link : 0;
}

/* Syntax and site rules for what the manifest did not check. */
static void
classify(struct audit *a)
{
	size_t i;

	for (i = 0; i < a->occs.n && a->err == SY_OK; i++) {
		const struct sy_occ *c = &a->occs.v[i];
		const char *u = c->abs ? c->abs : c->url;
		struct sy_finding f;

		if (sy_url_has_scheme(u, "mailto")) {
			char **addr = NULL;
			int n = sy_mailto_addresses(u, &addr), k;

			if (n < 0) {
				a->err = SY_ENOMEM;
				return;
			}
			if (!c->checked && mine_first(a) &&
			    sy_mailto_check(u, &f))
				report_at(a, i, 0, f.severity, f.rule, 0, "%s",
				    f.message);
			for (k = 0; k < n; k++) {
				char *dom = NULL;
				struct sy_buf key;

				if (sy_email_check(addr[k], &f) &&
				    f.severity == SY_ERROR)
					continue;
				dom = sy_email_domain(addr[k]);
				if (dom == NULL)
					continue;
				sy_buf_init(&key, 0);
				if (sy_buf_printf(&key, "dns:%s", dom) !=
				        SY_OK ||
				    (mine_key(a, key.data) &&
				        target_of(a, key.data, i) < 0))
					a->err = SY_ENOMEM;
				sy_buf_fini(&key);
				free(dom);
			}
			sy_email_list_free(addr, n);
			continue;
		}
		if (!sy_url_has_scheme(u, "http") &&
		    !sy_url_has_scheme(u, "https"))
			continue; /* tel:, ftp:, relative: not ours */
		if (!mine_url(a, u))
			continue; /* another shard's host (or out of memory) */
		if (!c->checked) {
			if (sy_url_check_memo(
			        u, SY_URL_HTTP, &f, &a->urlmemo)) {
				report_at(a, i, 0, f.severity, f.rule, 0, "%s",
				    f.message);
				if (f.severity == SY_ERROR)
					continue;
			}
			if (sy_rules_check(u, &f)) {
				report_at(a, i, 0, f.severity, f.rule, 0, "%s",
				    f.message);
				if (f.severity == SY_ERROR)
					continue;
			}
		} else if (sy_url_check_memo(u, SY_URL_HTTP, &f, &a->urlmemo) &&
		    f.severity == SY_ERROR) {
			continue; /* reported by the manifest's checks */
		}
		if (target_of(a, u, i) < 0)
			a->err = SY_ENOMEM;
	}
}

/* The link set's entry of a target, or NULL without a link set. */
static struct sy_linkres *
lres(struct audit *a, const struct target *t)
{
	return a->ls != NULL ? &a->ls->v[a->lbase + (size_t)(t - a->t)] : NULL;
}

static void
count(struct audit *a, enum sy_hist_outcome out, enum sy_rule rule)
{
	if (out == SY_HIST_OK)
		a->st->fine++;
	else if (out == SY_HIST_FAIL)
		a->st->broken++;
	else
		a->st->blocked++;
	if (rule == SY_R_LINK_REDIRECT)
		a->st->redirected++;
}

/*
 * The failing streak once this run's outcome is added to what the
 * history held (history.h's counting rule), into after.
 */
static void
streak(const struct target *t, enum sy_hist_outcome out, int64_t now,
    struct sy_hist_rec *after)
{
	memset(after, 0, sizeof(*after));
	after->outcome = out;
	if (out == SY_HIST_OK)
		return;
	if (t->have_rec) {
		after->failures = t->rec.failures;
		after->first_failure = t->rec.first_failure;
	}
	if (out != SY_HIST_FAIL)
		return;
	if (t->have_rec && t->rec.failures > 0 &&
	    t->rec.outcome != SY_HIST_OK) {
		after->failures = t->rec.failures + 1;
	} else {
		after->failures = 1;
		after->first_failure = now;
	}
}

/*
 * Reports a verdict at every occurrence of t.  A failure is an error only
 * once it has lasted fail_after runs (after holds the streak); before
 * that, a note.
 */
static void
announce(struct audit *a, struct target *t, enum sy_rule rule,
    enum sy_severity sev, int status, const char *message,
    const struct sy_hist_rec *after)
{
	size_t i, link = a->lbase + (size_t)(t - a->t) + 1;
	const char *shown = t->domain ? t->domain : t->key;
	char note[200];
	bool report = true;

	if (rule == SY_R_NONE)
		return;
	note[0] = '\0';
	if (after->outcome == SY_HIST_FAIL) {
		report = sy_history_should_report(after, a->o->fail_after);
		if (!report)
			sy_history_note(
			    after, a->o->fail_after, note, sizeof(note));
	}
	for (i = 0; i < t->nocc && a->err == SY_OK; i++) {
		if (report)
			report_at(a, t->occ[i], link, sev, rule, status,
			    "%s: %s", shown, message);
		else
			report_at(a, t->occ[i], link, SY_NOTE, rule, status,
			    "%s: %s (%s)", shown, message, note);
	}
}

/*
 * Records this run's verdict on t (r: the link engine's result, NULL for
 * a mail domain) and reports it.
 */
static void
verdict(struct audit *a, struct target *t, enum sy_rule rule,
    enum sy_severity sev, int status, const char *message, const char *etag,
    const char *last_modified, const struct sy_link_result *r)
{
	struct sy_hist_verdict v;
	struct sy_hist_rec after;
	struct sy_linkres *lr = lres(a, t);
	enum sy_hist_outcome out = sy_history_outcome_of(rule);

	count(a, out, rule);
	if (a->h != NULL) {
		memset(&v, 0, sizeof(v));
		v.outcome = out;
		v.rule = rule == SY_R_NONE ? NULL : sy_rule_name(rule);
		v.status = status;
		v.message = message;
		v.etag = etag;
		v.last_modified = last_modified;
		if (sy_history_record(a->h, t->key, a->now, &v) != SY_OK) {
			a->err = SY_EDB;
			return;
		}
	}
	streak(t, out, a->now, &after);
	if (lr != NULL) {
		lr->state = SY_LINK_CHECKED;
		lr->rule = rule;
		lr->status = status;
		lr->checked_at = a->now;
		if (a->h != NULL) {
			lr->first_failure = after.first_failure;
			lr->failures = after.failures;
		}
		if (r != NULL) {
			lr->response_ms = r->response_ms;
			lr->rate_limited = r->rate_limited;
		}
		if (sy_linkres_set_message(lr, message) != SY_OK ||
		    (r != NULL &&
		        sy_linkres_set_chain(lr, r->chain, r->nchain) !=
		            SY_OK)) {
			a->err = SY_ENOMEM;
			return;
		}
	}
	announce(a, t, rule, sev, status, message, &after);
}

static void
link_done(const struct sy_link_result *r, void *arg)
{
	struct audit *a = arg;
	struct target *t = &a->t[(size_t)r->user];

	a->st->checked++;
	verdict(a, t, r->rule, r->severity, (int)r->status, r->message, r->etag,
	    r->last_modified, r);
}

static void
mx_done(void *arg, const char *domain, void *user, const struct sy_mx_result *r)
{
	struct audit *a = arg;
	struct target *t = &a->t[(size_t)user];

	(void)domain;
	a->st->checked++;
	switch (r->verdict) {
	case SY_MX_OK:
		verdict(
		    a, t, SY_R_NONE, SY_NOTE, 0, r->message, NULL, NULL, NULL);
		break;
	case SY_MX_NONE:
		verdict(a, t, SY_R_EMAIL_NO_MX, SY_ERROR, 0, r->message, NULL,
		    NULL, NULL);
		break;
	case SY_MX_UNKNOWN:
		verdict(a, t, SY_R_LINK_UNCHECKED, SY_NOTE, 0, r->message, NULL,
		    NULL, NULL);
		break;
	}
}

/* The link set's entry of t from its stored record (t->rec). */
static enum sy_err
lres_stored(struct audit *a, struct target *t, enum sy_link_state state,
    enum sy_rule rule)
{
	struct sy_linkres *lr = lres(a, t);

	if (lr == NULL)
		return SY_OK;
	lr->state = state;
	lr->rule = rule;
	lr->status = t->rec.status;
	lr->first_failure = t->rec.first_failure;
	lr->failures = t->rec.failures;
	lr->checked_at = t->rec.last_checked;
	lr->rate_limited = t->rec.status == 429;
	return sy_linkres_set_message(lr, t->rec.message);
}

/* A record of the history becomes target i's own. */
static int
keep_rec(void *ctx, size_t i, const struct sy_hist_rec *r)
{
	struct audit *a = ctx;
	struct sy_hist_rec *o = &a->t[i].rec;

	if (sy_hist_rec_copy(o, r) != SY_OK) {
		a->err = SY_ENOMEM;
		return 1;
	}
	a->t[i].have_rec = true;
	return 0;
}

/*
 * What the history knows of every target, in one go (a few round trips
 * to a database server, not one per link).
 */
static enum sy_err
read_history(struct audit *a)
{
	const char **keys;
	enum sy_err e;
	size_t i;

	if (a->h == NULL || a->nt == 0)
		return SY_OK;
	keys = sy_reallocarray(NULL, a->nt, sizeof(*keys));
	if (keys == NULL)
		return SY_ENOMEM;
	for (i = 0; i < a->nt; i++)
		keys[i] = a->t[i].key;
	e = sy_history_get_many(a->h, keys, a->nt, keep_rec, a);
	free(keys);
	if (a->err != SY_OK)
		return a->err;
	return e == SY_OK ? SY_OK : SY_EDB;
}

/* False when history says the target need not be checked now. */
static bool
due(struct audit *a, struct target *t)
{
	if (a->h == NULL)
		return true;
	if (sy_history_due(
	        t->have_rec ? &t->rec : NULL, a->now, a->o->max_age_s))
		return true;
	a->st->skipped++;
	if (lres_stored(a, t, SY_LINK_SKIPPED, sy_rule_by_name(t->rec.rule)) !=
	    SY_OK)
		a->err = SY_ENOMEM;
	return false;
}

static enum sy_err
check_all(struct audit *a)
{
	struct sy_linkcheck *lc = NULL;
	struct sy_mx *mx = NULL;
	struct sy_mx_opts mo;
	size_t i, ndom = 0;
	enum sy_err e = SY_OK;

	e = read_history(a);
	if (e != SY_OK)
		return e;
	lc = sy_linkcheck_new(&a->o->lc);
	if (lc == NULL)
		return SY_ENOMEM;
	for (i = 0; i < a->nt && a->err == SY_OK; i++) {
		struct target *t = &a->t[i];
		struct sy_link_hints hints;
		char *probe;

		if (t->domain != NULL) {
			ndom++;
			continue;
		}
		if (!due(a, t))
			continue;
		memset(&hints, 0, sizeof(hints));
		if (t->have_rec) {
			hints.etag = t->rec.etag;
			hints.last_modified = t->rec.last_modified;
		}
		probe = sy_rules_soft404_url(t->key, a->o->soft404_endpoint);
		hints.probe_url = probe;
		e = sy_linkcheck_add(lc, t->key, &hints, (void *)i);
		free(probe);
		if (e != SY_OK)
			goto out;
	}
	if (a->err != SY_OK) {
		e = a->err;
		goto out;
	}
	if (sy_linkcheck_count(lc) > 0) {
		e = sy_linkcheck_run(lc, link_done, a);
		if (e != SY_OK)
			goto out;
	}
	if (ndom == 0)
		goto out;
	memset(&mo, 0, sizeof(mo));
	mo.servers = a->o->dns_servers;
	e = sy_mx_new(&mo, &mx);
	if (e != SY_OK)
		goto out;
	for (i = 0; i < a->nt && e == SY_OK && a->err == SY_OK; i++) {
		if (a->t[i].domain == NULL || !due(a, &a->t[i]))
			continue;
		e = sy_mx_add(mx, a->t[i].domain, (void *)i);
	}
	if (e == SY_OK && a->err == SY_OK)
		e = sy_mx_run(mx, mx_done, a);
out:
	sy_mx_free(mx);
	sy_linkcheck_free(lc);
	return e != SY_OK ? e : a->err;
}

/*
 * The severity a stored verdict had when it was made: the link engine's
 * and the MX check's, rule by rule.
 */
static enum sy_severity
stored_severity(enum sy_rule rule)
{
	switch (rule) {
	case SY_R_NONE:
	case SY_R_LINK_UNCHECKED:
		return SY_NOTE;
	case SY_R_LINK_REDIRECT:
	case SY_R_LINK_BLOCKED:
	case SY_R_LINK_PRIVATE:
	case SY_R_LINK_FRAGMENT:
		return SY_WARNING;
	default:
		return SY_ERROR;
	}
}

/* A history report: t's verdict is its stored one, if any. */
static void
replay(struct audit *a, struct target *t)
{
	enum sy_rule rule;
	bool found = false;

	if (sy_history_get(a->h, t->key, &t->rec, &found) != SY_OK) {
		a->err = SY_EDB;
		return;
	}
	t->have_rec = found;
	if (!found) {
		a->st->unchecked++;
		return;
	}
	rule = sy_rule_by_name(t->rec.rule);
	/* A rule this version does not know (a newer syndic wrote it). */
	if (rule == SY_R_NONE && t->rec.outcome == SY_HIST_FAIL)
		rule = SY_R_LINK_ERROR;
	count(a, t->rec.outcome, rule);
	if (lres_stored(a, t, SY_LINK_STORED, rule) != SY_OK) {
		a->err = SY_ENOMEM;
		return;
	}
	announce(a, t, rule, stored_severity(rule), t->rec.status,
	    t->rec.message != NULL ? t->rec.message : "", &t->rec);
}

/* A history report without files: every stored link, at the database. */
static int
walk_one(void *ctx, const char *url, const struct sy_hist_rec *rec)
{
	struct audit *a = ctx;
	const char *shown = strncmp(url, "dns:", 4) == 0 ? url + 4 : url;

	(void)rec;
	if (sy_occs_add(&a->occs, shown, NULL, a->dbpath, 0, 0, NULL, NULL, 0,
	        NULL) != SY_OK ||
	    target_of(a, url, a->occs.n - 1) < 0) {
		a->err = SY_ENOMEM;
		return 1;
	}
	return 0;
}

/*
 * Opens the history.  A run takes the run lock and starts the batch; a
 * history report only reads, and wants the file to exist already.
 */
static enum sy_err
open_history(struct audit *a, char *msg, size_t msglen)
{
	char *path = NULL;
	enum sy_err e;

	if (a->o->db_path != NULL) {
		path = sy_strdup(a->o->db_path);
		if (path == NULL)
			return SY_ENOMEM;
	} else {
		e = sy_history_default_path(&path);
		if (e != SY_OK) {
			snprintf(msg, msglen,
			    "cannot find a place for the "
			    "history: set XDG_CACHE_HOME or "
			    "give --db FILE");
			return e;
		}
	}
	a->dbpath = path;
	if (a->o->from_history && !sy_history_is_url(path) &&
	    access(path, F_OK) != 0) {
		snprintf(msg, msglen, "%s", path);
		return SY_EIO;
	}
	e = sy_history_open(path, 5000, &a->h, msg, msglen);
	if (e != SY_OK || a->o->from_history)
		return e;
	e = sy_history_lock_shard(a->h, a->o->wait_lock, a->sk, a->sn);
	if (e != SY_OK) {
		snprintf(msg, msglen, "%s", sy_history_errmsg(a->h));
		sy_history_close(a->h);
		a->h = NULL;
	} else {
		e = sy_history_begin(a->h);
		if (e != SY_OK)
			snprintf(msg, msglen, "%s", sy_history_errmsg(a->h));
	}
	return e;
}

/* One link set entry per target, in the same order. */
static enum sy_err
lres_make(struct audit *a)
{
	size_t i;

	for (i = 0; i < a->nt; i++) {
		struct target *t = &a->t[i];
		char *host = t->domain != NULL ? NULL : sy_url_host(t->key);
		struct sy_linkres *lr = sy_linkset_add(a->ls, t->key,
		    t->domain != NULL ? t->domain : host, t->domain != NULL);

		free(host);
		if (lr == NULL)
			return SY_ENOMEM;
		if (t->domain != NULL) {
			/* The key of a domain is "dns:" + domain. */
			memmove(lr->key, lr->key + 4, strlen(lr->key + 4) + 1);
		}
		lr->places = t->nocc;
	}
	return SY_OK;
}

/* The link set's counts, and the run log for its timeline. */
static enum sy_err
lres_finish(struct audit *a, int64_t started, char *msg, size_t msglen)
{
	struct sy_linkset *ls = a->ls;
	const struct sy_audit_stats *st = a->st;

	ls->checked = st->checked;
	ls->fine = st->fine;
	ls->broken = st->broken;
	ls->blocked = st->blocked;
	ls->redirected = st->redirected;
	ls->skipped = st->skipped;
	ls->unchecked = st->unchecked;
	ls->occurrences = st->occurrences;
	ls->started = started;
	ls->duration_ms = st->duration_ms;
	if (a->o->offline)
		ls->source = SY_LINKSET_OFFLINE;
	else if (a->o->from_history)
		ls->source = SY_LINKSET_HISTORY;
	if (a->h == NULL)
		return SY_OK;
	free(ls->runs);
	ls->runs = NULL;
	ls->nruns = 0;
	if (sy_history_runs(a->h, a->o->runs_max > 0 ? a->o->runs_max : 30,
	        &ls->runs, &ls->nruns) != SY_OK) {
		snprintf(msg, msglen, "%s", sy_history_errmsg(a->h));
		return SY_EDB;
	}
	if (a->o->from_history) {
		/* The page tells of the newest run. */
		ls->started = 0;
		ls->duration_ms = -1;
		if (ls->nruns > 0) {
			const struct sy_hist_run *r = &ls->runs[ls->nruns - 1];

			ls->started = r->started;
			ls->duration_ms =
			    (long)(r->finished - r->started) * 1000;
		}
	}
	return SY_OK;
}

static long long
mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* The verdicts of a history report, and nothing written. */
static enum sy_err
run_history(struct audit *a, size_t nfiles, char *msg, size_t msglen)
{
	enum sy_err e;
	size_t i;

	e = open_history(a, msg, msglen);
	if (e != SY_OK)
		return e;
	if (nfiles == 0) {
		e = sy_history_each(a->h, walk_one, a);
		if (e == SY_EINVAL && a->err != SY_OK)
			return a->err;
		if (e != SY_OK) {
			snprintf(msg, msglen, "%s", sy_history_errmsg(a->h));
			return e;
		}
	}
	if (a->ls != NULL && (e = lres_make(a)) != SY_OK)
		return e;
	for (i = 0; i < a->nt && a->err == SY_OK; i++)
		replay(a, &a->t[i]);
	if (a->err == SY_EDB)
		snprintf(msg, msglen, "%s", sy_history_errmsg(a->h));
	return a->err;
}

enum sy_err
sy_audit_run(char *const *files, size_t nfiles, const struct sy_audit_opts *o,
    struct sy_diags *d, struct sy_audit_stats *st, char *msg, size_t msglen)
{
	struct audit a;
	int64_t wall = (int64_t)time(NULL);
	long long t0 = mono_ms();
	size_t i;
	enum sy_err e = SY_OK;

	memset(&a, 0, sizeof(a));
	memset(st, 0, sizeof(*st));
	msg[0] = '\0';
	a.o = o;
	a.d = d;
	a.st = st;
	a.ls = o->links;
	a.lbase = a.ls != NULL ? a.ls->n : 0;
	a.now = o->now != 0 ? o->now : (int64_t)time(NULL);
	a.sk = 1;
	a.sn = 1;
	if (o->shard.n > 1 && o->shard.k >= 1 && o->shard.k <= o->shard.n) {
		a.sk = o->shard.k;
		a.sn = o->shard.n;
	}
	sy_occs_init(&a.occs);
	sy_strmap_init(&a.map);
	sy_url_memo_init(&a.urlmemo);
	for (i = 0; i < nfiles; i++) {
		e = gather_file(&a, files[i]);
		if (e != SY_OK) {
			snprintf(msg, msglen, "%s", files[i]);
			goto out;
		}
	}
	classify(&a);
	if (a.err != SY_OK) {
		e = a.err;
		goto out;
	}
	if (o->from_history) {
		e = run_history(&a, nfiles, msg, msglen);
		if (e != SY_OK)
			goto out;
	}
	st->occurrences = a.places;
	for (i = 0; i < a.nt; i++) {
		if (a.t[i].domain != NULL)
			st->domains++;
		else
			st->urls++;
	}
	if (o->from_history)
		goto done;
	if (a.ls != NULL && (e = lres_make(&a)) != SY_OK)
		goto out;
	if (o->offline || a.nt == 0) {
		st->unchecked = a.nt;
		goto done;
	}
	if (!o->no_db) {
		e = open_history(&a, msg, msglen);
		if (e != SY_OK)
			goto out;
	}
	e = check_all(&a);
	st->duration_ms = (long)(mono_ms() - t0);
	/* A batch applied during the checks may have failed. */
	if (e == SY_EDB && msg[0] == '\0' && a.h != NULL)
		snprintf(msg, msglen, "%s", sy_history_errmsg(a.h));
	if (e == SY_OK && a.h != NULL && st->checked + st->skipped > 0) {
		struct sy_hist_run run;

		memset(&run, 0, sizeof(run));
		run.started = a.now;
		run.finished = a.now + ((int64_t)time(NULL) - wall);
		run.fine = (long)st->fine;
		run.broken = (long)st->broken;
		run.blocked = (long)st->blocked;
		run.redirected = (long)st->redirected;
		run.skipped = (long)st->skipped;
		run.shard = (int)a.sk;
		run.shards = (int)a.sn;
		e = sy_history_run_add(a.h, &run);
		if (e != SY_OK)
			snprintf(msg, msglen, "%s", sy_history_errmsg(a.h));
	}
	if (e == SY_OK && a.h != NULL && sy_history_commit(a.h) != SY_OK) {
		snprintf(msg, msglen, "%s", sy_history_errmsg(a.h));
		e = SY_EDB;
	}
	if (e != SY_OK)
		goto out;
done:
	st->duration_ms = (long)(mono_ms() - t0);
	if (a.ls != NULL)
		e = lres_finish(&a, a.now, msg, msglen);
out:
	sy_history_close(a.h);
	free(a.dbpath);
	for (i = 0; i < a.nt; i++) {
		free(a.t[i].key);
		free(a.t[i].occ);
		sy_hist_rec_fini(&a.t[i].rec);
	}
	free(a.t);
	sy_strmap_fini(&a.map);
	sy_url_memo_fini(&a.urlmemo);
	sy_occs_fini(&a.occs);
	return e;
}
