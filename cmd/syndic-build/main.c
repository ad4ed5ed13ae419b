/* syndic-build: manifest -> RSS 2.0, Atom 1.0 and JSON Feed 1.1. */
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/parser.h>

#include "lib/build.h"
#include "lib/date.h"
#include "lib/diag.h"
#include "lib/util.h"

static const char *prog = "syndic-build";

static void
usage(FILE *fp, int status)
{
	fprintf(fp,
	    "usage: %s [options] MANIFEST\n"
	    "  -o, --output DIR        where the feeds go (default: out/ "
	    "beside MANIFEST)\n"
	    "      --base-url URL      public URL of DIR, for the feeds' self "
	    "links\n"
	    "      --columns FILE      columns file (default: columns.csv "
	    "beside MANIFEST)\n"
	    "      --description TEXT  description of the default feed\n"
	    "      --format FMT        text, json, github, junit, sarif, "
	    "markdown\n"
	    "      --limit N           at most N entries per feed\n"
	    "      --link URL          home page of the default feed\n"
	    "      --only LIST         rss,atom,json (default: all three)\n"
	    "  -q, --quiet             print problems only\n"
	    "      --strict            warnings fail too: nothing written, "
	    "exit 1\n"
	    "      --title TEXT        title of the default feed\n"
	    "      --tz ZONE           IANA zone of dates without one "
	    "(default UTC)\n"
	    "  -h, --help              this help\n"
	    "  -V, --version           print the version\n",
	    prog);
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

int
main(int argc, char **argv)
{
	static const struct option longopts[] = {
	    {"base-url", required_argument, NULL, 'B'},
	    {"columns", required_argument, NULL, 'c'},
	    {"description", required_argument, NULL, 'D'},
	    {"format", required_argument, NULL, 'f'},
	    {"help", no_argument, NULL, 'h'},
	    {"limit", required_argument, NULL, 'n'},
	    {"link", required_argument, NULL, 'L'},
	    {"only", required_argument, NULL, 'O'},
	    {"output", required_argument, NULL, 'o'},
	    {"quiet", no_argument, NULL, 'q'},
	    {"strict", no_argument, NULL, 's'},
	    {"title", required_argument, NULL, 'T'},
	    {"tz", required_argument, NULL, 'z'},
	    {"version", no_argument, NULL, 'V'},
	    {NULL, 0, NULL, 0},
	};
	struct sy_build_opts o;
	struct sy_build_stats st;
	struct sy_diags d;
	struct sy_emit_opts eo = {
	    "syndic-build", SY_VERSION, false, 0, NULL, NULL};
	enum sy_format fmt = SY_FMT_TEXT;
	enum sy_err e;
	int c, status;

	memset(&o, 0, sizeof(o));
	o.formats = SY_BUILD_ALL;
	while ((c = getopt_long(argc, argv, "hVo:q", longopts, NULL)) != -1) {
		switch (c) {
		case 'B':
			o.m.base_url = optarg;
			break;
		case 'c':
			o.m.columns_path = optarg;
			break;
		case 'D':
			o.m.description = optarg;
			break;
		case 'f':
			if (sy_format_parse(optarg, &fmt) != 0)
				bad_usage("unknown format \"%s\"", optarg);
			break;
		case 'h':
			usage(stdout, 0);
			break;
		case 'L':
			o.m.link = optarg;
			break;
		case 'n':
			if (sy_strtoll(optarg, 1, 1000000000, &o.m.limit) != 0)
				bad_usage("--limit wants a positive number, "
				          "not \"%s\"",
				    optarg);
			break;
		case 'O':
			if (sy_build_parse_formats(optarg, &o.formats) != 0)
				bad_usage("--only wants a list of rss, atom "
				          "and json, not \"%s\"",
				    optarg);
			break;
		case 'o':
			o.outdir = optarg;
			break;
		case 's':
			o.strict = true;
			break;
		case 'q':
			eo.quiet = true;
			break;
		case 'T':
			o.m.title = optarg;
			break;
		case 'V':
			printf("%s %s\n", prog, SY_VERSION);
			return 0;
		case 'z':
			if (!sy_tz_is_valid(optarg))
				bad_usage("unknown time zone \"%s\"", optarg);
			o.m.tz = optarg;
			break;
		default:
			fprintf(stderr, "try '%s --help'\n", prog);
			return 2;
		}
	}
	argc -= optind;
	argv += optind;
	if (argc != 1)
		bad_usage("%s",
		    argc == 0 ? "no manifest given" : "one manifest at a time");
	o.manifest = argv[0];
	o.m.build = true;

	LIBXML_TEST_VERSION
	sy_diags_init(&d);
	e = sy_build_run(&o, &d, &st);
	if (e == SY_EIO && errno == EAGAIN && st.failed_path != NULL &&
	    strcmp(st.failed_path, o.manifest) == 0) {
		/* The rows that reach a feed are read twice (manifest.c). */
		fprintf(stderr,
		    "%s: %s: changed while it was being read; nothing "
		    "written, run again\n",
		    prog, o.manifest);
		status = 2;
	} else if (e == SY_EIO) {
		fprintf(stderr, "%s: %s: %s\n", prog,
		    st.failed_path ? st.failed_path : o.manifest,
		    strerror(errno));
		status = 2;
	} else if (e != SY_OK) {
		fprintf(stderr, "%s: %s\n", prog, sy_strerror(e));
		status = 2;
	} else {
		status = d.count[SY_ERROR] > 0 ||
		        (o.strict && d.count[SY_WARNING] > 0)
		    ? 1
		    : 0;
	}
	if (sy_diags_emit(&d, fmt, &eo, stdout) != SY_OK) {
		fprintf(stderr, "%s: writing the report: %s\n", prog,
		    strerror(errno));
		status = 2;
	}
	if (status == 1 && !eo.quiet) {
		fprintf(stderr, "%s: ", prog);
		sy_diags_summary(&d, stderr);
		fprintf(stderr, "%s: nothing written: fix the %s above\n", prog,
		    d.count[SY_ERROR] > 0 ? "errors" : "warnings (--strict)");
	} else if (status == 0 && !eo.quiet) {
		size_t w = d.count[SY_WARNING];

		fprintf(stderr,
		    "%s: %zu entr%s, %zu feed%s, %zu file%s in %s (%zu "
		    "changed)",
		    prog, st.entries, st.entries == 1 ? "y" : "ies", st.feeds,
		    st.feeds == 1 ? "" : "s", st.files,
		    st.files == 1 ? "" : "s", st.outdir, st.changed);
		if (w > 0)
			fprintf(stderr, "; %zu warning%s above", w,
			    w == 1 ? "" : "s");
		fputc('\n', stderr);
	}
	sy_build_stats_fini(&st);
	sy_diags_fini(&d);
	xmlCleanupParser();
	return status;
}
