/*
 * fuzz_date.c: sy_date_parse_tz in UTC and in loaded zones.  A date that
 * parses is written back as RFC 3339 and RFC 822, and both forms must
 * parse to the same instant.
 */
#include "lib/date.h"

#include "lib/tz.h"
#include "tests/fuzz/fuzz.h"

static struct sy_tz *zones[3]; /* [0] stays NULL: UTC */

static void
free_zones(void)
{
	size_t i;

	for (i = 0; i < sizeof(zones) / sizeof(zones[0]); i++)
		sy_tz_free(zones[i]);
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	if (sy_tz_load("Asia/Taipei", &zones[1]) != SY_OK ||
	    sy_tz_load("America/New_York", &zones[2]) != SY_OK) {
		fprintf(stderr, "fuzz_date: cannot load the zones\n");
		abort();
	}
	atexit(free_zones);
	return 0;
}

static void
again(const char *form, const char *in, const struct sy_time *want,
    const struct sy_tz *zone)
{
	struct sy_time got;
	char why[128];
	enum sy_date_status st;

	st = sy_date_parse_tz(form, zone, &got, why, sizeof(why));
	if (st != SY_DATE_OK || got.t != want->t) {
		fprintf(stderr,
		    "input \"%s\" gave %lld, written \"%s\" gave "
		    "status %d, %lld (%s)\n",
		    in, (long long)want->t, form, (int)st, (long long)got.t,
		    st == SY_DATE_OK ? "" : why);
		abort();
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = fz_str(data, size);
	size_t i;

	for (i = 0; i < sizeof(zones) / sizeof(zones[0]); i++) {
		struct sy_time t;
		char why[128], b3339[SY_DATE_BUFSZ], b822[SY_DATE_BUFSZ];
		enum sy_date_status st;

		memset(&t, 0, sizeof(t));
		st = sy_date_parse_tz(s, zones[i], &t, why, sizeof(why));
		FZ_ASSERT(st <= SY_DATE_ZONE);
		if (st != SY_DATE_OK) {
			FZ_ASSERT(memchr(why, '\0', sizeof(why)) != NULL);
			continue;
		}
		sy_date_rfc3339(&t, b3339, sizeof(b3339));
		sy_date_rfc822(&t, b822, sizeof(b822));
		again(b3339, s, &t, zones[i]);
		again(b822, s, &t, zones[i]);
		/* No reason buffer at all is allowed. */
		(void)sy_date_parse_tz(s, zones[i], &t, NULL, 0);
	}
	free(s);
	return 0;
}
