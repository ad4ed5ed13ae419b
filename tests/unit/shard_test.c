#include "lib/shard.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/strmap.h"
#include "lib/util.h"
#include "tests/unit/t.h"

static void
test_parse(void)
{
	static const struct {
		const char *in;
		int rc;
		unsigned k, n;
		const char *why; /* part of the message */
	} tab[] = {
	    {"1/1", 0, 1, 1, NULL},
	    {"2/4", 0, 2, 4, NULL},
	    {"4/4", 0, 4, 4, NULL},
	    {"4095/4095", 0, 4095, 4095, NULL},
	    {"0/4", -1, 0, 0, "counted from 1 to 4: no shard 0"},
	    {"5/4", -1, 0, 0, "no shard 5"},
	    {"1/0", -1, 0, 0, "1 to 4095, not 0"},
	    {"1/4096", -1, 0, 0, "not 4096"},
	    {"x/y", -1, 0, 0, "two whole numbers"},
	    {"2", -1, 0, 0, "two whole numbers"},
	    {"2/", -1, 0, 0, "K/N"},
	    {"/4", -1, 0, 0, "K/N"},
	    {"2/4/", -1, 0, 0, "K/N"},
	    {" 2/4", -1, 0, 0, "K/N"},
	    {"+2/4", -1, 0, 0, "K/N"},
	    {"-1/4", -1, 0, 0, "K/N"},
	    {"02/4", -1, 0, 0, "K/N"},
	    {"2/4 ", -1, 0, 0, "K/N"},
	    {"99999999999/4", -1, 0, 0, "K/N"},
	    {"", -1, 0, 0, "K/N"},
	};
	struct sy_shard s;
	char why[128];
	size_t i;

	for (i = 0; i < SY_NELEM(tab); i++) {
		memset(&s, 0, sizeof(s));
		why[0] = '\0';
		T_INTEQ(sy_shard_parse(tab[i].in, &s, why, sizeof(why)),
		    tab[i].rc, "parse \"%s\"", tab[i].in);
		if (tab[i].rc == 0)
			T_OK(s.k == tab[i].k && s.n == tab[i].n,
			    "\"%s\" is %u/%u", tab[i].in, s.k, s.n);
		else
			T_OK(strstr(why, tab[i].why) != NULL, "\"%s\": %s",
			    tab[i].in, why);
	}
	T_INTEQ(sy_shard_parse("x", &s, NULL, 0), -1, "why may be NULL");
	s.k = s.n = 1;
	T_OK(sy_shard_is_whole(&s), "1/1 is the whole audit");
	s.n = 2;
	T_OK(!sy_shard_is_whole(&s), "1/2 is not");
}

/* Stable numbers: the same on every machine and in every version. */
static void
test_hash(void)
{
	unsigned counts[8] = {0}, i, moved = 0, n;
	char key[32];

	T_OK(sy_shard_fnv1a("", 0) == 14695981039346656037ULL,
	    "FNV-1a of nothing is the offset basis");
	T_OK(sy_shard_fnv1a("a", 1) == 0xaf63dc4c8601ec8cULL,
	    "FNV-1a of \"a\" (the published test vector)");
	T_OK(sy_shard_fnv1a("foobar", 6) == 0x85944171f73967e8ULL,
	    "FNV-1a of \"foobar\" (the published test vector)");
	/* The test vectors other implementations of the paper agree on. */
	T_INTEQ(sy_shard_jump(1, 1), 0, "jump(1, 1)");
	T_INTEQ(sy_shard_jump(42, 57), 43, "jump(42, 57)");
	T_INTEQ(sy_shard_jump(0xDEAD10CC, 1), 0, "jump(0xDEAD10CC, 1)");
	T_INTEQ(sy_shard_jump(0xDEAD10CC, 666), 361, "jump(0xDEAD10CC, 666)");
	T_INTEQ(sy_shard_jump(256, 1024), 520, "jump(256, 1024)");
	T_INTEQ(sy_shard_jump(4, 2), 1, "jump(4, 2)");
	T_INTEQ(sy_shard_jump(1, 128), 55, "jump(1, 128)");
	T_INTEQ(sy_shard_jump(129, 128), 120, "jump(129, 128)");
	T_INTEQ(sy_shard_jump(18446744073709551615ULL, 128), 92,
	    "jump(2^64 - 1, 128)");
	T_INTEQ(sy_shard_of_key("anything", 8, 1), 1, "one shard: shard 1");
	/* Even spread, and few keys move when a shard is added. */
	for (i = 0; i < 80000; i++) {
		snprintf(key, sizeof(key), "http://h%u.test:80", i);
		n = sy_shard_of_key(key, strlen(key), 8);
		if (n >= 1 && n <= 8)
			counts[n - 1]++;
		if (sy_shard_of_key(key, strlen(key), 9) != n)
			moved++;
	}
	for (i = 0; i < 8; i++)
		T_OK(counts[i] > 9500 && counts[i] < 10500,
		    "shard %u of 8 has %u of 80000 hosts", i + 1, counts[i]);
	T_OK(moved > 7500 && moved < 10200,
	    "8 to 9 shards moves %u hosts, about 1/9", moved);
}

static void
test_authority(void)
{
	static const struct {
		const char *url;
		const char *key; /* NULL: none */
	} tab[] = {
	    {"http://example.com/a", "http://example.com:80"},
	    {"HTTP://Example.COM/a?b#c", "http://example.com:80"},
	    {"http://example.com:80/", "http://example.com:80"},
	    {"https://example.com", "https://example.com:443"},
	    {"https://example.com:8443/x", "https://example.com:8443"},
	    {"http://user:pw@Example.com/", "http://example.com:80"},
	    {"http://127.0.0.1:8080/", "http://127.0.0.1:8080"},
	    {"http://127.1/", "http://127.0.0.1:80"},
	    {"http://[::1]:81/", "http://[::1]:81"},
	    {"https://b\xc3\xbc"
	     "cher.example/",
	        "https://xn--bcher-kva.example:443"},
	    {"https://B\xc3\x9c"
	     "CHER.example/",
	        "https://xn--bcher-kva.example:443"},
	    {"https://XN--BCHER-KVA.example/",
	        "https://xn--bcher-kva.example:443"},
	    {"https://\xe4\xbe\x8b\xe5\xad\x90.\xe6\xb8\xac\xe8\xa9\xa6/"
	     "\xe6\x96\x87",
	        "https://xn--fsqu00a.xn--g6w251d:443"},
	    {"http://example.com/a b", "http://example.com:80"},
	    {"mailto:a@example.com", NULL},
	    {"ftp://example.com/", NULL},
	    {"not a url", NULL},
	    {"http://", NULL},
	};
	char buf[SY_SHARD_AUTH_MAX];
	size_t i, n;

	for (i = 0; i < SY_NELEM(tab); i++) {
		n = sy_shard_authority(tab[i].url, buf, sizeof(buf));
		if (tab[i].key == NULL)
			T_INTEQ(n, 0, "%s has no authority", tab[i].url);
		else
			T_OK(n == strlen(tab[i].key) &&
			        strcmp(buf, tab[i].key) == 0,
			    "%s -> %s (got %s)", tab[i].url, tab[i].key,
			    n > 0 && n != (size_t)-1 ? buf : "none");
	}
	T_INTEQ(sy_shard_authority("http://a.test/", buf, 10), 0,
	    "a buffer too small gives nothing");
}

/* Spellings of one host: one shard, whatever the number of shards. */
static void
test_same_host(void)
{
	static const char *const groups[][5] = {
	    {"http://Example.com/a", "HTTP://EXAMPLE.COM:80/b",
	        "http://u@example.com/c", "http://example.com/d e", NULL},
	    {"https://b\xc3\xbc"
	     "cher.example/1",
	        "https://B\xc3\x9c"
	        "CHER.example/2",
	        "https://xn--bcher-kva.example/3",
	        "https://XN--BCHER-KVA.EXAMPLE:443/4", NULL},
	    {"https://\xe4\xbe\x8b\xe5\xad\x90.\xe6\xb8\xac\xe8\xa9\xa6/a",
	        "https://xn--fsqu00a.xn--g6w251d/b",
	        "https://XN--FSQU00A.XN--G6W251D/c", NULL, NULL},
	};
	unsigned n, s0, s;
	size_t g, i;
	int bad = 0;

	for (n = 1; n <= 16; n++)
		for (g = 0; g < SY_NELEM(groups); g++) {
			if (sy_shard_of_url(groups[g][0], n, &s0) != SY_OK)
				bad++;
			for (i = 1; groups[g][i] != NULL; i++)
				if (sy_shard_of_url(groups[g][i], n, &s) !=
				        SY_OK ||
				    s != s0)
					bad++;
		}
	T_INTEQ(bad, 0, "IDN and mixed-case spellings of a host: one shard");
	T_INTEQ(sy_shard_of_url("mailto:x@y.test", 4, &s), SY_OK, "mailto");
	T_INTEQ(s, 1, "a link without a host is in shard 1");
}

/*
 * The bench's 10,000 links (8 loopback hosts, one port) and 10,000 more
 * over 128 authorities, some spelled in upper case or with a default
 * port or a user: for 1 to 8 shards, every link in exactly one shard in
 * range, every host in one shard only, and the shards' link counts add
 * up to the whole.
 */
static void
test_bench_links(void)
{
	struct sy_strmap hosts;
	char url[128], key[SY_SHARD_AUTH_MAX];
	unsigned n, s, per[9];
	size_t i, total, k, len;
	int bad, split;

	for (n = 1; n <= 8; n++) {
		bad = 0;
		split = 0;
		memset(per, 0, sizeof(per));
		sy_strmap_init(&hosts);
		for (i = 0; i < 20000; i++) {
			bool found;
			size_t prev;

			if (i < 10000)
				snprintf(url, sizeof(url),
				    "http://127.0.0.%zu:8080/article/%zu",
				    i % 8 + 1, i);
			else
				snprintf(url, sizeof(url),
				    i % 3 == 0 ? "HTTP://Host%zu.Test:80/a/%zu"
				        : i % 3 == 1
				        ? "http://u@host%zu.test/b/%zu"
				        : "http://host%zu.test/c/%zu",
				    i % 128, i);
			if (sy_shard_of_url(url, n, &s) != SY_OK || s < 1 ||
			    s > n) {
				bad++;
				continue;
			}
			per[s]++;
			len = sy_shard_authority(url, key, sizeof(key));
			if (len == 0 || len == (size_t)-1) {
				bad++;
				continue;
			}
			if (sy_strmap_put(&hosts, key, s, &found, &prev) !=
			    SY_OK)
				bad++;
			else if (found && prev != s)
				split++;
		}
		for (total = 0, k = 1; k <= n; k++)
			total += per[k];
		T_OK(bad == 0 && split == 0 && total == 20000,
		    "%u shard%s: 20000 links, each in one shard, no host in "
		    "two (%d bad, %d split, %zu in all)",
		    n, n == 1 ? "" : "s", bad, split, total);
		sy_strmap_fini(&hosts);
	}
}

int
main(void)
{
	test_parse();
	test_hash();
	test_authority();
	test_same_host();
	test_bench_links();
	return t_done();
}
