/*
 * merge.c: shard reports into one.  See merge.h.  Every report is read
 * and checked whole before anything is merged, and every problem found
 * is told (all the missing shards, every report cut short), so that one
 * look at the message says what to rerun.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "date.h"
#include "fsutil.h"
#include "merge.h"
#include "strmap.h"
#include "util.h"

/* One report as read. */
struct report {
	const char *file;
	json_t *root;   /* NULL when it could not be read */
	unsigned shard; /* 0 when unknown */
	unsigned shards;
	const char *version;
	json_t *inputs; /* borrowed from root */
	size_t places, links, domains, checked, skipped;
	bool strict;
	struct sy_diags d;
	const char **targets; /* each diagnostic's link ("target"), or NULL */
};

static void problem(struct sy_buf *p, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void
problem(struct sy_buf *p, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	/* Out of memory: the problems found so far still say enough. */
	if (sy_buf_vprintf(p, fmt, ap) == SY_OK)
		(void)sy_buf_putc(p, '\n');
	va_end(ap);
}

void
sy_merge_init(struct sy_merge *m)
{
	memset(m, 0, sizeof(*m));
	sy_diags_init(&m->diags);
	sy_linkset_init(&m->links);
}

void
sy_merge_fini(struct sy_merge *m)
{
	size_t i;

	sy_diags_fini(&m->diags);
	sy_linkset_fini(&m->links);
	for (i = 0; i < m->ninputs; i++)
		free(m->inputs[i]);
	free(m->inputs);
	memset(m, 0, sizeof(*m));
}

/* A non-negative integer member; false when missing or not one. */
static bool
get_size(const json_t *o, const char *key, size_t *out)
{
	const json_t *v = json_object_get(o, key);

	if (!json_is_integer(v) || json_integer_value(v) < 0)
		return false;
	*out = (size_t)json_integer_value(v);
	return true;
}

/* An optional string member: true with NULL for null or missing. */
static bool
get_opt_str(const json_t *o, const char *key, const char **out)
{
	const json_t *v = json_object_get(o, key);

	*out = NULL;
	if (v == NULL || json_is_null(v))
		return true;
	if (!json_is_string(v))
		return false;
	*out = json_string_value(v);
	return true;
}

/* The shard of a run object, or false. */
static bool
run_shard(const json_t *run, unsigned *k, unsigned *n)
{
	size_t sk, sn;

	if (!json_is_object(run) || !get_size(run, "shard", &sk) ||
	    !get_size(run, "shards", &sn) || sn == 0 || sk == 0 || sk > sn ||
	    sn > 1000000)
		return false;
	*k = (unsigned)sk;
	*n = (unsigned)sn;
	return true;
}

/*
 * A report cut short still has its "run" object, written first: parse
 * just that object to name the shard.
 */
static bool
salvage_shard(const char *data, size_t len, unsigned *k, unsigned *n)
{
	const char *p = strstr(data, "\"run\"");
	json_error_t je;
	json_t *run;
	bool ok;

	if (p == NULL)
		return false;
	p = strchr(p, '{');
	if (p == NULL)
		return false;
	run = json_loadb(
	    p, len - (size_t)(p - data), JSON_DISABLE_EOF_CHECK, &je);
	ok = run_shard(run, k, n);
	json_decref(run);
	return ok;
}

/* One diagnostic object into r->d; false (and a problem) when bad. */
static bool
take_diag(struct report *r, const json_t *o, size_t i, struct sy_buf *p)
{
	const char *file, *sev, *rule, *msg, *entry, *field, *url, *title,
	    *target;
	const json_t *st;
	struct sy_pos pos;
	struct sy_diag *dg;
	enum sy_severity sv;
	enum sy_rule ru;
	size_t line, col;

	if (!json_is_object(o) || !get_opt_str(o, "file", &file) ||
	    file == NULL || !get_size(o, "line", &line) ||
	    !get_size(o, "column", &col) || !get_opt_str(o, "severity", &sev) ||
	    sev == NULL || !get_opt_str(o, "rule", &rule) || rule == NULL ||
	    !get_opt_str(o, "message", &msg) || msg == NULL ||
	    !get_opt_str(o, "entry", &entry) ||
	    !get_opt_str(o, "field", &field) || !get_opt_str(o, "url", &url) ||
	    !get_opt_str(o, "title", &title) ||
	    !get_opt_str(o, "target", &target)) {
		problem(p, "%s: diagnostic %zu is not one syndic-links writes",
		    r->file, i + 1);
		return false;
	}
	if (strcmp(sev, "error") == 0)
		sv = SY_ERROR;
	else if (strcmp(sev, "warning") == 0)
		sv = SY_WARNING;
	else if (strcmp(sev, "note") == 0)
		sv = SY_NOTE;
	else {
		problem(p, "%s: diagnostic %zu: unknown severity \"%s\"",
		    r->file, i + 1, sev);
		return false;
	}
	ru = sy_rule_by_name(rule);
	if (ru == SY_R_NONE) {
		problem(p, "%s: diagnostic %zu: unknown rule \"%s\"", r->file,
		    i + 1, rule);
		return false;
	}
	st = json_object_get(o, "status");
	if (st != NULL && !json_is_null(st) &&
	    (!json_is_integer(st) || json_integer_value(st) < 0 ||
	        json_integer_value(st) > 999)) {
		problem(p, "%s: diagnostic %zu: bad status", r->file, i + 1);
		return false;
	}
	pos.path = file;
	pos.line = line;
	pos.column = col;
	dg = sy_diag_add(&r->d, &pos, sv, ru, "%s", msg);
	if (dg == NULL || sy_diag_set_entry(dg, entry) != SY_OK ||
	    sy_diag_set_field(dg, field) != SY_OK ||
	    sy_diag_set_url(dg, url) != SY_OK ||
	    (title != NULL && sy_diag_set_title(dg, title) != SY_OK))
		return false; /* r->d.oom tells */
	if (json_is_integer(st))
		dg->status = (int)json_integer_value(st);
	r->targets[i] = target;
	return true;
}

/* Reads and checks one report; problems say what is wrong with it. */
static void
read_report(struct report *r, struct sy_buf *p)
{
	char *data = NULL;
	size_t len = 0, i, want;
	json_error_t je;
	const json_t *run, *arr, *sum, *v;
	const char *tool;
	enum sy_err e;
	unsigned k, n;
	static const char *const names[] = {"notes", "warnings", "errors"};

	e = sy_file_read(r->file, SY_MERGE_MAX_REPORT, &data, &len);
	if (e != SY_OK) {
		problem(p, "%s: %s", r->file,
		    e == SY_EIO ? strerror(errno) : sy_strerror(e));
		return;
	}
	if (len == 0) {
		problem(p,
		    "%s: empty: its shard wrote no report (did the run fail?)",
		    r->file);
		goto out;
	}
	r->root = json_loadb(data, len, JSON_REJECT_DUPLICATES, &je);
	if (r->root == NULL) {
		if (salvage_shard(data, len, &k, &n))
			problem(p,
			    "shard %u/%u: %s is cut short or damaged (line "
			    "%d: %s): run the shard again",
			    k, n, r->file, je.line, je.text);
		else
			problem(p,
			    "%s: not a complete JSON report (line %d: %s)",
			    r->file, je.line, je.text);
		goto out;
	}
	run = json_object_get(r->root, "run");
	if (!json_is_object(run)) {
		problem(p,
		    "%s: not a report of syndic-links --format json (no "
		    "\"run\")",
		    r->file);
		goto out;
	}
	if (!get_opt_str(run, "tool", &tool) || tool == NULL ||
	    strcmp(tool, "syndic-links") != 0) {
		problem(p, "%s: not a report of syndic-links", r->file);
		goto out;
	}
	if (!run_shard(run, &r->shard, &r->shards) ||
	    !get_opt_str(run, "version", &r->version) ||
	    !get_size(run, "places", &r->places) ||
	    !get_size(run, "links", &r->links) ||
	    !get_size(run, "domains", &r->domains) ||
	    !get_size(run, "checked", &r->checked) ||
	    !get_size(run, "skipped", &r->skipped) ||
	    !json_is_array(json_object_get(run, "inputs")) ||
	    !json_is_boolean(json_object_get(run, "strict"))) {
		r->shard = 0;
		problem(p, "%s: its \"run\" is not one syndic-links writes",
		    r->file);
		goto out;
	}
	r->inputs = json_object_get(run, "inputs");
	r->strict = json_is_true(json_object_get(run, "strict"));
	arr = json_object_get(r->root, "diagnostics");
	sum = json_object_get(r->root, "summary");
	if (!json_is_array(arr) || !json_is_object(sum)) {
		problem(p, "shard %u/%u: %s has no diagnostics or no summary",
		    r->shard, r->shards, r->file);
		r->shard = 0;
		goto out;
	}
	r->targets = calloc(json_array_size(arr) + 1, sizeof(*r->targets));
	if (r->targets == NULL) {
		r->d.oom = true;
		goto out;
	}
	for (i = 0; i < json_array_size(arr); i++)
		if (!take_diag(r, json_array_get(arr, i), i, p)) {
			r->shard = 0;
			goto out;
		}
	for (i = 0; i < 3; i++) {
		v = json_object_get(sum, names[i]);
		if (!json_is_integer(v) ||
		    json_integer_value(v) != (json_int_t)r->d.count[i]) {
			want = json_is_integer(v)
			    ? (size_t)json_integer_value(v)
			    : 0;
			problem(p,
			    "shard %u/%u: %s counts %zu %s but holds %zu",
			    r->shard, r->shards, r->file, want, names[i],
			    r->d.count[i]);
			r->shard = 0;
			goto out;
		}
	}
out:
	free(data);
}

/* Inputs as text for a message: "2 files, 10 places". */
static void
describe(const struct report *r, char *buf, size_t len)
{
	size_t n = json_array_size(r->inputs);

	snprintf(buf, len, "%zu file%s, %zu place%s", n, n == 1 ? "" : "s",
	    r->places, r->places == 1 ? "" : "s");
}

/* Whole-audit checks across the reports read. */
static void
check_set(struct report *r, size_t n, struct sy_buf *p)
{
	const struct report *first = NULL, **by;
	char a[64], b[64];
	size_t i;
	unsigned k, nshards;

	for (i = 0; i < n; i++)
		if (r[i].shard != 0) {
			first = &r[i];
			break;
		}
	if (first == NULL)
		return;
	nshards = first->shards;
	by = calloc(nshards + 1, sizeof(*by));
	if (by == NULL) {
		problem(p, "out of memory");
		return;
	}
	for (i = 0; i < n; i++) {
		const struct report *x = &r[i];

		if (x->shard == 0)
			continue;
		if (x->shards != nshards) {
			problem(p,
			    "%s is shard %u of %u, but %s is of %u: the "
			    "reports of one audit have one number of shards",
			    x->file, x->shard, x->shards, first->file, nshards);
			continue;
		}
		if (by[x->shard] != NULL) {
			problem(p, "shard %u/%u is given twice: %s and %s",
			    x->shard, nshards, by[x->shard]->file, x->file);
			continue;
		}
		by[x->shard] = x;
		if ((x->version == NULL) != (first->version == NULL) ||
		    (x->version != NULL &&
		        strcmp(x->version, first->version) != 0)) {
			problem(p,
			    "shard %u/%u (%s) ran syndic-links %s, shard "
			    "%u/%u (%s) %s: run every shard with one version",
			    x->shard, nshards, x->file,
			    x->version ? x->version : "?", first->shard,
			    nshards, first->file,
			    first->version ? first->version : "?");
			continue;
		}
		if (!json_equal(x->inputs, first->inputs) ||
		    x->places != first->places) {
			describe(x, a, sizeof(a));
			describe(first, b, sizeof(b));
			problem(p,
			    "shard %u/%u (%s) audited other inputs than "
			    "shard %u/%u (%s): %s against %s",
			    x->shard, nshards, x->file, first->shard, nshards,
			    first->file, a, b);
		}
	}
	for (k = 1; k <= nshards; k++)
		if (by[k] == NULL)
			problem(p, "shard %u/%u is missing%s", k, nshards,
			    nshards > 1 ? ": run it, or give its report" : "");
	free(by);
}

/* The merged run: the first report's inputs, every shard's counts. */
static enum sy_err
sum_up(struct sy_merge *m, struct report *r, size_t n)
{
	const json_t *in = r[0].inputs;
	size_t i;

	m->ninputs = json_array_size(in);
	if (m->ninputs > 0) {
		m->inputs = calloc(m->ninputs, sizeof(*m->inputs));
		if (m->inputs == NULL)
			return SY_ENOMEM;
	}
	for (i = 0; i < m->ninputs; i++) {
		const char *s = json_string_value(json_array_get(in, i));

		m->inputs[i] = sy_strdup(s != NULL ? s : "");
		if (m->inputs[i] == NULL)
			return SY_ENOMEM;
	}
	m->run.shard = 1;
	m->run.shards = 1;
	m->run.inputs = (const char *const *)m->inputs;
	m->run.ninputs = m->ninputs;
	m->run.places = r[0].places;
	for (i = 0; i < n; i++) {
		m->run.links += r[i].links;
		m->run.domains += r[i].domains;
		m->run.checked += r[i].checked;
		m->run.skipped += r[i].skipped;
		m->run.strict = m->run.strict || r[i].strict;
	}
	return SY_OK;
}

/* An RFC 3339 time the reports write, or null (0). */
static bool
get_time(const json_t *o, const char *key, int64_t *out)
{
	const json_t *v = json_object_get(o, key);
	struct sy_time t;

	*out = 0;
	if (v == NULL || json_is_null(v))
		return true;
	if (!json_is_string(v) ||
	    sy_date_parse(json_string_value(v), NULL, &t, NULL, 0) !=
	        SY_DATE_OK)
		return false;
	*out = t.t;
	return true;
}

/* An integer member, or null (dflt); false when it is something else. */
static bool
get_long(const json_t *o, const char *key, long dflt, long *out)
{
	const json_t *v = json_object_get(o, key);

	*out = dflt;
	if (v == NULL || json_is_null(v))
		return true;
	if (!json_is_integer(v))
		return false;
	*out = (long)json_integer_value(v);
	return true;
}

static const char *const states[] = {
    "unchecked", "checked", "skipped", "stored"};

/* One element of a report's "links" into m->links. */
static bool
take_link(struct sy_merge *m, const json_t *o, struct sy_strmap *idx)
{
	const char *url, *host, *state, *rule, *msg;
	const json_t *hops = json_object_get(o, "redirects");
	struct sy_linkres *lr;
	size_t places, i, k;
	long status, failures;
	bool found;

	if (!json_is_object(o) || !get_opt_str(o, "url", &url) || url == NULL ||
	    !get_opt_str(o, "host", &host) ||
	    !get_opt_str(o, "state", &state) || state == NULL ||
	    !get_opt_str(o, "rule", &rule) ||
	    !get_opt_str(o, "message", &msg) ||
	    !json_is_boolean(json_object_get(o, "mail")) ||
	    !get_long(o, "status", 0, &status) ||
	    !get_long(o, "failures", 0, &failures) ||
	    !get_size(o, "places", &places) || !json_is_array(hops))
		return false;
	for (k = 0; k < SY_NELEM(states); k++)
		if (strcmp(state, states[k]) == 0)
			break;
	if (k == SY_NELEM(states) ||
	    (rule != NULL && sy_rule_by_name(rule) == SY_R_NONE))
		return false;
	/* Each link is one shard's: twice means the reports overlap. */
	if (sy_strmap_put(idx, url, m->links.n, &found, NULL) != SY_OK || found)
		return false;
	lr = sy_linkset_add(
	    &m->links, url, host, json_is_true(json_object_get(o, "mail")));
	if (lr == NULL)
		return false;
	lr->state = (enum sy_link_state)k;
	lr->rule = rule != NULL ? sy_rule_by_name(rule) : SY_R_NONE;
	lr->status = (int)status;
	lr->failures = failures;
	lr->places = places;
	lr->rate_limited = json_is_true(json_object_get(o, "rate_limited"));
	if (!get_long(o, "response_ms", -1, &lr->response_ms) ||
	    !get_time(o, "failing_since", &lr->first_failure) ||
	    !get_time(o, "checked_at", &lr->checked_at) ||
	    sy_linkres_set_message(lr, msg) != SY_OK)
		return false;
	for (i = 0; i < json_array_size(hops); i++)
		if (!json_is_string(json_array_get(hops, i)))
			return false;
	if (json_array_size(hops) > 0) {
		const char **v = calloc(json_array_size(hops), sizeof(*v));
		enum sy_err e;

		if (v == NULL)
			return false;
		for (i = 0; i < json_array_size(hops); i++)
			v[i] = json_string_value(json_array_get(hops, i));
		e = sy_linkres_set_chain(lr, v, json_array_size(hops));
		free(v);
		return e == SY_OK;
	}
	return true;
}

static int
by_start(const void *a, const void *b)
{
	const struct sy_hist_run *x = a, *y = b;

	if (x->started != y->started)
		return x->started < y->started ? -1 : 1;
	return x->finished < y->finished ? -1 : x->finished > y->finished;
}

/* One element of a report's "runs" into m->links.runs, unless there. */
static bool
take_run(struct sy_merge *m, const json_t *o)
{
	struct sy_hist_run r, *v;
	long n[5];
	size_t i;
	static const char *const keys[] = {
	    "fine", "broken", "blocked", "redirected", "skipped"};

	memset(&r, 0, sizeof(r));
	if (!json_is_object(o) || !get_time(o, "started", &r.started) ||
	    !get_time(o, "finished", &r.finished))
		return false;
	for (i = 0; i < 5; i++)
		if (!get_long(o, keys[i], 0, &n[i]))
			return false;
	r.fine = n[0];
	r.broken = n[1];
	r.blocked = n[2];
	r.redirected = n[3];
	r.skipped = n[4];
	if (!get_long(o, "shard", 0, &n[0]) || !get_long(o, "shards", 0, &n[1]))
		return false;
	r.shard = (int)n[0];
	r.shards = (int)n[1];
	/* The shards share a history: each report holds the others' runs. */
	for (i = 0; i < m->links.nruns; i++)
		if (memcmp(&m->links.runs[i], &r, sizeof(r)) == 0)
			return true;
	v = sy_reallocarray(m->links.runs, m->links.nruns + 1, sizeof(*v));
	if (v == NULL)
		return false;
	m->links.runs = v;
	v[m->links.nruns++] = r;
	return true;
}

/*
 * The links of every report, their counts and the run log into m->links
 * (reports in shard order); idx maps each link to its index.
 */
static bool
take_links(struct sy_merge *m, struct report *r, size_t n,
    struct sy_strmap *idx, struct sy_buf *p)
{
	struct sy_linkset *ls = &m->links;
	size_t i, j, runs_max = 0;
	static const char *const sums[] = {
	    "fine", "broken", "blocked", "redirected", "skipped", "unchecked"};
	size_t *to[] = {&ls->fine, &ls->broken, &ls->blocked, &ls->redirected,
	    &ls->skipped, &ls->unchecked};

	for (i = 0; i < n; i++)
		if (!json_is_array(json_object_get(r[i].root, "links")))
			return true; /* reports without them: none merged */
	ls->duration_ms = -1;
	for (i = 0; i < n; i++) {
		const json_t *sum = json_object_get(r[i].root, "summary");
		const json_t *links = json_object_get(r[i].root, "links");
		const json_t *runs = json_object_get(r[i].root, "runs");
		const char *source;
		int64_t started;
		size_t v;
		long ms;

		for (j = 0; j < json_array_size(links); j++)
			if (!take_link(m, json_array_get(links, j), idx))
				goto bad;
		for (j = 0; j < SY_NELEM(sums); j++) {
			if (!get_size(sum, sums[j], &v))
				goto bad;
			*to[j] += v;
		}
		if (!get_size(sum, "occurrences", &ls->occurrences) ||
		    !get_time(sum, "started", &started) ||
		    !get_long(sum, "duration_ms", -1, &ms) ||
		    !get_opt_str(sum, "source", &source))
			goto bad;
		/* The shards ran side by side: the first start, the longest. */
		if (started != 0 && (ls->started == 0 || started < ls->started))
			ls->started = started;
		if (ms > ls->duration_ms)
			ls->duration_ms = ms;
		if (source != NULL && strcmp(source, "offline") == 0)
			ls->source = SY_LINKSET_OFFLINE;
		if (json_array_size(runs) > runs_max)
			runs_max = json_array_size(runs);
		for (j = 0; j < json_array_size(runs); j++)
			if (!take_run(m, json_array_get(runs, j)))
				goto bad;
		continue;
	bad:
		problem(p,
		    "shard %u/%u: %s: its links or counts are not ones "
		    "syndic-links writes",
		    r[i].shard, r[i].shards, r[i].file);
		return false;
	}
	ls->checked = m->run.checked;
	/* The newest, as many as one report holds, oldest first. */
	if (ls->nruns > 1)
		qsort(ls->runs, ls->nruns, sizeof(*ls->runs), by_start);
	if (ls->nruns > runs_max) {
		memmove(ls->runs, ls->runs + (ls->nruns - runs_max),
		    runs_max * sizeof(*ls->runs));
		ls->nruns = runs_max;
	}
	m->have_links = true;
	return true;
}

static int
by_shard(const void *a, const void *b)
{
	const struct report *x = a, *y = b;

	return x->shard < y->shard ? -1 : x->shard > y->shard;
}

enum sy_err
sy_merge_reports(char *const *files, size_t nfiles, struct sy_merge *m,
    struct sy_buf *problems)
{
	struct report *r;
	size_t i, before = problems->len;
	enum sy_err e = SY_OK;

	if (nfiles == 0) {
		problem(problems, "no report to merge");
		return SY_EINVAL;
	}
	r = calloc(nfiles, sizeof(*r));
	if (r == NULL)
		return SY_ENOMEM;
	for (i = 0; i < nfiles; i++) {
		r[i].file = files[i];
		sy_diags_init(&r[i].d);
		read_report(&r[i], problems);
		if (r[i].d.oom)
			e = SY_ENOMEM;
	}
	if (e == SY_OK)
		check_set(r, nfiles, problems);
	if (e == SY_OK && problems->len != before)
		e = SY_EINVAL;
	if (e == SY_OK) {
		struct sy_strmap idx;

		sy_strmap_init(&idx);
		qsort(r, nfiles, sizeof(*r), by_shard);
		e = sum_up(m, r, nfiles);
		if (e == SY_OK && !take_links(m, r, nfiles, &idx, problems))
			e = problems->len != before ? SY_EINVAL : SY_ENOMEM;
		for (i = 0; i < nfiles && e == SY_OK; i++) {
			size_t base = m->diags.n, j, k;

			e = sy_diags_move(&m->diags, &r[i].d);
			/* Each diagnostic points at its link again. */
			for (j = base;
			     e == SY_OK && m->have_links && j < m->diags.n; j++)
				if (r[i].targets[j - base] != NULL &&
				    sy_strmap_get(
				        &idx, r[i].targets[j - base], &k))
					m->diags.v[j].link = k + 1;
		}
		sy_strmap_fini(&idx);
		if (e != SY_OK) {
			sy_merge_fini(m);
			sy_merge_init(m);
		}
	}
	for (i = 0; i < nfiles; i++) {
		sy_diags_fini(&r[i].d);
		free(r[i].targets);
		json_decref(r[i].root);
	}
	free(r);
	return e;
}
