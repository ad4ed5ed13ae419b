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

#include "fsutil.h"
#include "merge.h"
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
}

void
sy_merge_fini(struct sy_merge *m)
{
	size_t i;

	sy_diags_fini(&m->diags);
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
	const char *file, *sev, *rule, *msg, *entry, *field, *url;
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
	    !get_opt_str(o, "field", &field) || !get_opt_str(o, "url", &url)) {
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
	    sy_diag_set_url(dg, url) != SY_OK)
		return false; /* r->d.oom tells */
	if (json_is_integer(st))
		dg->status = (int)json_integer_value(st);
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
		qsort(r, nfiles, sizeof(*r), by_shard);
		for (i = 0; i < nfiles && e == SY_OK; i++)
			e = sy_diags_move(&m->diags, &r[i].d);
		if (e == SY_OK)
			e = sum_up(m, r, nfiles);
		if (e != SY_OK) {
			sy_merge_fini(m);
			sy_merge_init(m);
		}
	}
	for (i = 0; i < nfiles; i++) {
		sy_diags_fini(&r[i].d);
		json_decref(r[i].root);
	}
	free(r);
	return e;
}
