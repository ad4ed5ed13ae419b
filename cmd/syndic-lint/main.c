/* syndic-lint: offline validation of manifests and feed files. */
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/parser.h>

#include "lib/date.h"
#include "lib/diag.h"
#include "lib/dl.h"
#include "lib/lint.h"
#include "lib/util.h"

static const char *prog = "syndic-lint";

static void
usage(FILE *fp, int status)
{
	fprintf(fp,
	    "usage: %s [options] FILE...\n"
	    "  FILE is a manifest (.csv) or a feed (RSS 2.0, Atom 1.0, JSON "
	    "Feed 1.1); - is stdin\n"
	    "      --columns FILE  columns file (default: columns.csv beside "
	    "each manifest)\n"
	    "      --format FMT    text, json, github, junit, sarif, "
	    "markdown, html\n"
	    "  -o, --output FILE   write the report to FILE (replaced whole)\n"
	    "  -q, --quiet         print problems only, no summary\n"
	    "      --schema FILE   Atom RELAX NG schema (default: RFC 4287's, "
	    "built in)\n"
	    "      --strict        warnings fail too\n"
	    "      --tz ZONE       IANA zone of dates without one (default "
	    "UTC)\n"
	    "  -h, --help          this help\n"
	    "  -V, --version       print the version\n",
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
	    {"columns", required_argument, NULL, 'c'},
	    {"format", required_argument, NULL, 'f'},
	    {"help", no_argument, NULL, 'h'},
	    {"output", required_argument, NULL, 'o'},
	    {"quiet", no_argument, NULL, 'q'},
	    {"schema", required_argument, NULL, 'S'},
	    {"strict", no_argument, NULL, 's'},
	    {"tz", required_argument, NULL, 'z'},
	    {"version", no_argument, NULL, 'V'},
	    {NULL, 0, NULL, 0},
	};
	struct sy_lint_opts o;
	struct sy_diags d;
	struct sy_emit_opts eo;
	enum sy_format fmt = SY_FMT_TEXT;
	bool strict = false;
	int c, i, status = 0;
	const char *env, *output = NULL;

	memset(&o, 0, sizeof(o));
	memset(&eo, 0, sizeof(eo));
	eo.tool = prog;
	eo.version = SY_VERSION;
	env = getenv("SOURCE_DATE_EPOCH");
	if (env != NULL && sy_strtoll(env, 0, INT64_MAX, &o.now) != 0)
		o.now = 0;
	eo.now = o.now;
	while ((c = getopt_long(argc, argv, "ho:qV", longopts, NULL)) != -1) {
		switch (c) {
		case 'c':
			o.columns_path = optarg;
			break;
		case 'f':
			if (sy_format_parse(optarg, &fmt) != 0)
				bad_usage("unknown format \"%s\"", optarg);
			break;
		case 'h':
			usage(stdout, 0);
			break;
		case 'o':
			output = optarg;
			break;
		case 'q':
			eo.quiet = true;
			break;
		case 'S':
			o.schema = optarg;
			break;
		case 's':
			strict = true;
			break;
		case 'V':
			printf("%s %s\n", prog, SY_VERSION);
			return 0;
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
	if (argc == 0)
		bad_usage("no file given");

	LIBXML_TEST_VERSION
	/* What lib/ opens with dlopen (lib/dl.h): all of it, now. */
	if (sy_dl_all() != SY_OK) {
		fprintf(stderr, "%s: %s\n", prog, sy_dl_error());
		return 2;
	}
	sy_diags_init(&d);
	for (i = 0; i < argc; i++) {
		enum sy_err e = sy_lint_file(argv[i], &o, &d);

		if (e == SY_EIO) {
			fprintf(stderr, "%s: %s: %s\n", prog, argv[i],
			    strerror(errno));
			status = 2;
		} else if (e != SY_OK) {
			fprintf(stderr, "%s: %s: %s\n", prog, argv[i],
			    sy_strerror(e));
			status = 2;
		}
	}
	eo.inputs = argv;
	eo.ninputs = (size_t)argc;
	if (sy_diags_emit_path(&d, fmt, &eo, output) != SY_OK) {
		fprintf(stderr, "%s: writing the report%s%s: %s\n", prog,
		    output != NULL ? " to " : "", output != NULL ? output : "",
		    strerror(errno));
		status = 2;
	}
	if (status == 0 &&
	    (d.count[SY_ERROR] > 0 || (strict && d.count[SY_WARNING] > 0)))
		status = 1;
	if (!eo.quiet) {
		fprintf(stderr, "%s: %d file%s: ", prog, argc,
		    argc == 1 ? "" : "s");
		sy_diags_summary(&d, stderr);
	}
	sy_diags_fini(&d);
	xmlCleanupParser();
	return status;
}
