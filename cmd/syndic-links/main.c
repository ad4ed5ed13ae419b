/* syndic-links: an online audit of every link and contact address. */
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <curl/curl.h>
#include <libxml/parser.h>

#include "lib/audit.h"
#include "lib/buf.h"
#include "lib/date.h"
#include "lib/diag.h"
#include "lib/dl.h"
#include "lib/linkset.h"
#include "lib/merge.h"
#include "lib/shard.h"
#include "lib/util.h"

static const char *prog = "syndic-links";

static void
usage(FILE *fp, int status)
{
	fprintf(fp,
	    "usage: %s [options] FILE...\n"
	    "       %s --history-report [options] [FILE...]\n"
	    "       %s --merge [--format FMT] [-q] [--strict] REPORT...\n"
	    "  FILE: manifests (.csv), feeds, HTML/Markdown files, URL "
	    "lists; - is stdin\n"
	    "  REPORT: the --format json reports of an audit's shards\n"
	    "      --allow-private   check loopback and private targets too\n"
	    "      --base URL        resolve relative links of HTML/Markdown "
	    "files\n"
	    "      --cacert FILE     trust the CA certificates in FILE "
	    "(PEM) instead of the system's\n"
	    "      --columns FILE    columns file for manifests\n"
	    "      --db FILE         the same as --history\n"
	    "      --deadline SECS   end the whole run by then (default 600)\n"
	    "      --fail-after N    an error only after N failing runs "
	    "(default 1)\n"
	    "      --format FMT      text, json, github, junit, sarif, "
	    "markdown, html\n"
	    "      --history WHERE   the history: an SQLite file or a "
	    "postgresql:// URL\n"
	    "                        (default $SYNDIC_HISTORY, else "
	    "$XDG_CACHE_HOME/syndic/links.db)\n"
	    "      --history-report  the report from the history alone, no "
	    "new run\n"
	    "      --interval MS     least gap between requests to one host "
	    "(default 50)\n"
	    "      --jobs N          transfers at once (default 64)\n"
	    "      --max-age SECS    skip links fine this recently (default "
	    "0)\n"
	    "      --merge           merge the shards' json reports into "
	    "one report\n"
	    "      --no-db           keep no history\n"
	    "      --offline         syntax and site rules only, no network\n"
	    "  -o, --output FILE     write the report to FILE (replaced "
	    "whole)\n"
	    "      --per-host N      transfers at once per host (default 4)\n"
	    "  -q, --quiet           problems only: no notes, no progress\n"
	    "      --retries N       retries of transient failures (default "
	    "2)\n"
	    "      --shard K/N       check shard K of N only: the hosts "
	    "hashed to it\n"
	    "      --shards N        the same, K from $JOB_COMPLETION_INDEX "
	    "+ 1 (Kubernetes)\n"
	    "      --strict          warnings fail too\n"
	    "      --timeout SECS    whole time of one request (default 20)\n"
	    "      --user-agent STR  User-Agent header\n"
	    "      --wait            wait for a running audit instead of "
	    "exiting\n"
	    "  -h, --help            this help\n"
	    "  -V, --version         print the version\n",
	    prog, prog, prog);
	exit(status);
}

static _Noreturn void bad_usage(const char *fmt, ...)
    __attribute__((format(printf, 1, 2)));

static _Noreturn void
bad_usage(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: ", prog);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\ntry '%s --help'\n", prog);
	exit(2);
}

static long long
number(const char *opt, const char *arg, long long min, long long max)
{
	long long v;

	if (sy_strtoll(arg, min, max, &v) != 0)
		bad_usage("%s wants a number from %lld to %lld, not \"%s\"",
		    opt, min, max, arg);
	return v;
}

/*
 * --merge: the shards' reports into one, in any format, with the exit
 * status one run of the whole audit would have had.
 */
static int
merge(char *const *files, size_t n, enum sy_format fmt, bool strict,
    const struct sy_emit_opts *opts, const char *output)
{
	struct sy_emit_opts eo = *opts;
	struct sy_merge m;
	struct sy_buf problems;
	enum sy_err e;
	char *line, *nl;
	int status = 0;

	sy_merge_init(&m);
	sy_buf_init(&problems, 0);
	e = sy_merge_reports(files, n, &m, &problems);
	if (e != SY_OK) {
		for (line = problems.data; line != NULL && *line != '\0';
		     line = nl) {
			nl = strchr(line, '\n');
			if (nl != NULL)
				*nl++ = '\0';
			fprintf(stderr, "%s: %s\n", prog, line);
		}
		if (e != SY_EINVAL)
			fprintf(stderr, "%s: %s\n", prog, sy_strerror(e));
		fprintf(stderr, "%s: nothing merged\n", prog);
		status = 2;
		goto out;
	}
	m.run.strict = m.run.strict || strict;
	eo.checked = m.run.checked;
	eo.run = &m.run;
	/* The links, counts and run log of every shard: json and html. */
	eo.links = m.have_links ? &m.links : NULL;
	eo.inputs = m.inputs;
	eo.ninputs = m.ninputs;
	if (sy_diags_emit_path(&m.diags, fmt, &eo, output) != SY_OK) {
		fprintf(stderr, "%s: writing the report%s%s: %s\n", prog,
		    output != NULL ? " to " : "", output != NULL ? output : "",
		    strerror(errno));
		status = 2;
		goto out;
	}
	if (m.diags.count[SY_ERROR] > 0 ||
	    (m.run.strict && m.diags.count[SY_WARNING] > 0))
		status = 1;
	if (!eo.quiet)
		fprintf(stderr,
		    "%s: %zu shard reports merged: %zu links and %zu mail "
		    "domains, %zu checked, %zu fine recently; %zu errors, %zu "
		    "warnings\n",
		    prog, n, m.run.links, m.run.domains, m.run.checked,
		    m.run.skipped, m.diags.count[SY_ERROR],
		    m.diags.count[SY_WARNING]);
out:
	sy_buf_fini(&problems);
	sy_merge_fini(&m);
	return status;
}

/*
 * The shard of this run: --shard K/N, or --shards N with K from the
 * index a Kubernetes Indexed Job gives each pod (zero-based), or both
 * when they agree.
 */
static void
pick_shard(const char *shard_arg, long long shards, struct sy_shard *out)
{
	struct sy_shard s = {1, 1};
	const char *idx;
	char why[128];
	long long v;

	if (shard_arg != NULL &&
	    sy_shard_parse(shard_arg, &s, why, sizeof(why)) != 0)
		bad_usage("--shard %s: %s", shard_arg, why);
	if (shards > 0) {
		idx = getenv("JOB_COMPLETION_INDEX");
		if (idx == NULL || idx[0] == '\0')
			bad_usage("--shards %lld takes the shard from "
			          "JOB_COMPLETION_INDEX (a Kubernetes Indexed "
			          "Job sets it), which is not set; or give "
			          "--shard K/N",
			    shards);
		if (sy_strtoll(idx, 0, shards - 1, &v) != 0)
			bad_usage("JOB_COMPLETION_INDEX is \"%s\": with "
			          "--shards %lld it is 0 to %lld",
			    idx, shards, shards - 1);
		if (shard_arg != NULL &&
		    (s.k != (unsigned)v + 1 || s.n != (unsigned)shards))
			bad_usage("--shard %s disagrees with --shards %lld and "
			          "JOB_COMPLETION_INDEX=%s (shard %lld/%lld)",
			    shard_arg, shards, idx, v + 1, shards);
		s.k = (unsigned)v + 1;
		s.n = (unsigned)shards;
	}
	*out = s;
}

struct progress {
	struct timespec start;
	int shown;
};

/* A progress line on a terminal: checked/total, rate, failures. */
static void
show_progress(size_t checked, size_t total, size_t failures, void *arg)
{
	struct progress *p = arg;
	struct timespec now;
	double secs;

	clock_gettime(CLOCK_MONOTONIC, &now);
	secs = (double)(now.tv_sec - p->start.tv_sec) +
	    (double)(now.tv_nsec - p->start.tv_nsec) / 1e9;
	fprintf(stderr, "\r%s: %zu/%zu checked, %.0f/s, %zu failing ", prog,
	    checked, total, secs > 0 ? (double)checked / secs : 0.0, failures);
	p->shown = 1;
}

int
main(int argc, char **argv)
{
	static const struct option longopts[] = {
	    {"allow-private", no_argument, NULL, 'P'},
	    {"base", required_argument, NULL, 'b'},
	    {"cacert", required_argument, NULL, 'C'},
	    {"columns", required_argument, NULL, 'c'},
	    {"db", required_argument, NULL, 'd'},
	    {"deadline", required_argument, NULL, 'D'},
	    {"dns-server", required_argument, NULL, 'N'},
	    {"fail-after", required_argument, NULL, 'F'},
	    {"format", required_argument, NULL, 'f'},
	    {"help", no_argument, NULL, 'h'},
	    {"history", required_argument, NULL, 'd'},
	    {"history-report", no_argument, NULL, 'R'},
	    {"interval", required_argument, NULL, 'i'},
	    {"jobs", required_argument, NULL, 'j'},
	    {"max-age", required_argument, NULL, 'm'},
	    {"merge", no_argument, NULL, 'M'},
	    {"no-db", no_argument, NULL, 'n'},
	    {"offline", no_argument, NULL, 'O'},
	    {"oembed-endpoint", required_argument, NULL, 'E'},
	    {"output", required_argument, NULL, 'o'},
	    {"per-host", required_argument, NULL, 'H'},
	    {"quiet", no_argument, NULL, 'q'},
	    {"retries", required_argument, NULL, 'r'},
	    {"shard", required_argument, NULL, 'S'},
	    {"shards", required_argument, NULL, 'X'},
	    {"strict", no_argument, NULL, 's'},
	    {"timeout", required_argument, NULL, 't'},
	    {"tz", required_argument, NULL, 'z'},
	    {"user-agent", required_argument, NULL, 'u'},
	    {"version", no_argument, NULL, 'V'},
	    {"wait", no_argument, NULL, 'w'},
	    {NULL, 0, NULL, 0},
	};
	struct sy_audit_opts o;
	struct sy_audit_stats st;
	struct sy_linkset ls;
	struct sy_diags d;
	struct sy_emit_opts eo;
	struct sy_emit_run run;
	struct progress prog_state;
	enum sy_format fmt = SY_FMT_TEXT;
	enum sy_err e;
	bool strict = false, merging = false;
	const char *output = NULL, *shard_arg = NULL, *env;
	long long epoch, shards = 0;
	char msg[512], where[32] = "";
	int c, status = 0;

	sy_audit_opts_init(&o);
	o.lc.deadline_ms = 600 * 1000L;
	memset(&eo, 0, sizeof(eo));
	memset(&prog_state, 0, sizeof(prog_state));
	eo.tool = prog;
	eo.version = SY_VERSION;
	/* The page's date, reproducible as the feeds are; not the audit's. */
	env = getenv("SOURCE_DATE_EPOCH");
	if (env != NULL && sy_strtoll(env, 1, INT64_MAX, &epoch) == 0)
		eo.now = (int64_t)epoch;
	while ((c = getopt_long(argc, argv, "ho:qV", longopts, NULL)) != -1) {
		switch (c) {
		case 'b':
			o.base_url = optarg;
			break;
		case 'C':
			o.lc.ca_file = optarg;
			break;
		case 'c':
			o.columns_path = optarg;
			break;
		case 'D':
			o.lc.deadline_ms = 1000L *
			    (long)number("--deadline", optarg, 1, 86400);
			break;
		case 'd':
			o.db_path = optarg;
			break;
		case 'E':
			o.soft404_endpoint = optarg;
			break;
		case 'F':
			o.fail_after =
			    (int)number("--fail-after", optarg, 1, 1000);
			break;
		case 'f':
			if (sy_format_parse(optarg, &fmt) != 0)
				bad_usage("unknown format \"%s\"", optarg);
			break;
		case 'H':
			o.lc.per_host =
			    (size_t)number("--per-host", optarg, 1, 64);
			break;
		case 'h':
			usage(stdout, 0);
			break;
		case 'i':
			o.lc.host_interval_ms =
			    (long)number("--interval", optarg, 0, 60000);
			break;
		case 'j':
			o.lc.jobs = (size_t)number("--jobs", optarg, 1, 1024);
			break;
		case 'M':
			merging = true;
			break;
		case 'm':
			o.max_age_s =
			    number("--max-age", optarg, 0, 366 * 86400LL);
			break;
		case 'N':
			o.dns_servers = optarg;
			break;
		case 'n':
			o.no_db = true;
			break;
		case 'O':
			o.offline = true;
			break;
		case 'o':
			output = optarg;
			break;
		case 'P':
			o.lc.allow_private = true;
			break;
		case 'q':
			eo.quiet = true;
			break;
		case 'R':
			o.from_history = true;
			break;
		case 'r':
			o.lc.retries = (int)number("--retries", optarg, 0, 10);
			break;
		case 'S':
			shard_arg = optarg;
			break;
		case 's':
			strict = true;
			break;
		case 't':
			o.lc.timeout_ms =
			    1000L * (long)number("--timeout", optarg, 1, 3600);
			break;
		case 'u':
			o.lc.user_agent = optarg;
			break;
		case 'V':
			printf("%s %s\n", prog, SY_VERSION);
			return 0;
		case 'w':
			o.wait_lock = true;
			break;
		case 'X':
			shards = number("--shards", optarg, 1, SY_SHARD_MAX);
			break;
		case 'z':
			if (!sy_tz_is_valid(optarg))
				bad_usage("unknown time zone \"%s\"", optarg);
			o.tz = optarg;
			break;
		default:
			fprintf(stderr, "try '%s --help'\n", prog);
			return 2;
		}
	}
	argc -= optind;
	argv += optind;
	if (argc == 0 && (merging || !o.from_history))
		bad_usage(merging ? "no report given" : "no file given");
	if (merging) {
		if (shard_arg != NULL || shards > 0)
			bad_usage("--merge puts the shards' reports together: "
			          "it takes no --shard or --shards");
		if (o.from_history)
			bad_usage("--merge puts reports together: not with "
			          "--history-report");
		return merge(argv, (size_t)argc, fmt, strict, &eo, output);
	}
	if (o.from_history && (o.offline || o.no_db))
		bad_usage("--history-report reads the history: not with %s",
		    o.offline ? "--offline" : "--no-db");
	pick_shard(shard_arg, shards, &o.shard);
	if (o.db_path == NULL && !o.no_db) {
		env = getenv("SYNDIC_HISTORY");
		if (env != NULL && env[0] != '\0')
			o.db_path = env;
	}
	if (o.lc.connect_timeout_ms > o.lc.timeout_ms)
		o.lc.connect_timeout_ms = o.lc.timeout_ms;
	if (!eo.quiet && isatty(STDERR_FILENO)) {
		clock_gettime(CLOCK_MONOTONIC, &prog_state.start);
		o.lc.progress = show_progress;
		o.lc.progress_arg = &prog_state;
	}

	LIBXML_TEST_VERSION
	/* What lib/ opens with dlopen (lib/dl.h): all of it, now. */
	if (sy_dl_all() != SY_OK) {
		fprintf(stderr, "%s: %s\n", prog, sy_dl_error());
		return 2;
	}
	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
		fprintf(stderr, "%s: libcurl cannot start\n", prog);
		return 2;
	}
	sy_diags_init(&d);
	sy_linkset_init(&ls);
	/* What only the json and html reports show is gathered for them. */
	if (fmt == SY_FMT_JSON || fmt == SY_FMT_HTML) {
		o.links = &ls;
		eo.links = &ls;
	}
	eo.inputs = argv;
	eo.ninputs = (size_t)argc;
	e = sy_audit_run(argv, (size_t)argc, &o, &d, &st, msg, sizeof(msg));
	if (prog_state.shown)
		fputc('\n', stderr);
	/* A run that failed writes no report: half a report would pass. */
	if (e == SY_EIO) {
		fprintf(stderr, "%s: %s: %s\n", prog, msg, strerror(errno));
		status = 2;
	} else if (e != SY_OK) {
		fprintf(stderr, "%s: %s%s%s\n", prog, sy_strerror(e),
		    msg[0] ? ": " : "", msg);
		status = 2;
	} else if (msg[0] != '\0') {
		fprintf(stderr, "%s: warning: %s\n", prog, msg);
	}
	memset(&run, 0, sizeof(run));
	run.shard = o.shard.k;
	run.shards = o.shard.n;
	run.inputs = (const char *const *)argv;
	run.ninputs = (size_t)argc;
	run.places = st.occurrences;
	run.links = st.urls;
	run.domains = st.domains;
	run.checked = st.checked;
	run.skipped = st.skipped;
	run.strict = strict;
	eo.checked = st.checked;
	eo.run = &run;
	if (o.shard.n > 1)
		snprintf(where, sizeof(where), "shard %u/%u: ", o.shard.k,
		    o.shard.n);
	if (status == 0 && sy_diags_emit_path(&d, fmt, &eo, output) != SY_OK) {
		fprintf(stderr, "%s: writing the report%s%s: %s\n", prog,
		    output != NULL ? " to " : "", output != NULL ? output : "",
		    strerror(errno));
		status = 2;
	}
	if (status == 0 &&
	    (d.count[SY_ERROR] > 0 || (strict && d.count[SY_WARNING] > 0)))
		status = 1;
	if (e == SY_OK && st.urls + st.domains == 0)
		fprintf(stderr, "%s: %sfound no link or address to check\n",
		    prog, where);
	else if (e == SY_OK && !eo.quiet && o.from_history)
		fprintf(stderr,
		    "%s: %zu links and %zu mail domains (%zu places) from the "
		    "history: %zu never checked; %zu errors, %zu warnings\n",
		    prog, st.urls, st.domains, st.occurrences, st.unchecked,
		    d.count[SY_ERROR], d.count[SY_WARNING]);
	else if (e == SY_OK && !eo.quiet)
		fprintf(stderr,
		    "%s: %s%zu links and %zu mail domains (%zu places): %zu "
		    "checked, %zu fine recently; %zu errors, %zu warnings\n",
		    prog, where, st.urls, st.domains, st.occurrences,
		    st.checked, st.skipped, d.count[SY_ERROR],
		    d.count[SY_WARNING]);
	sy_diags_fini(&d);
	sy_linkset_fini(&ls);
	curl_global_cleanup();
	xmlCleanupParser();
	return status;
}
