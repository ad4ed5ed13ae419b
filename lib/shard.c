/*
 * shard.c: which shard a link belongs to.  See shard.h.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "linkcheck_int.h"
#include "shard.h"
#include "url.h"
#include "util.h"

_Static_assert(
    SY_SHARD_AUTH_MAX >= SY_HOSTKEY_MAX, "room for the engine's host keys");

static void
why_set(char *why, size_t len, const char *msg)
{
	if (why != NULL && len > 0)
		snprintf(why, len, "%s", msg);
}

/* A decimal number without sign, blank or leading zero, up to max. */
static int
number(const char *s, size_t n, unsigned max, unsigned *out)
{
	unsigned long v = 0;
	size_t i;

	if (n == 0 || n > 9 || (s[0] == '0' && n > 1))
		return -1;
	for (i = 0; i < n; i++) {
		if (!SY_ISDIGIT(s[i]))
			return -1;
		v = v * 10 + (unsigned long)(s[i] - '0');
	}
	if (v > max)
		return -1;
	*out = (unsigned)v;
	return 0;
}

int
sy_shard_parse(const char *s, struct sy_shard *out, char *why, size_t whylen)
{
	const char *slash = strchr(s, '/');
	unsigned k, n;

	if (slash == NULL ||
	    number(s, (size_t)(slash - s), 1000000000, &k) != 0 ||
	    number(slash + 1, strlen(slash + 1), 1000000000, &n) != 0) {
		why_set(why, whylen,
		    "a shard is K/N, two whole numbers: the 2nd of 4 is 2/4");
		return -1;
	}
	if (n == 0 || n > SY_SHARD_MAX) {
		if (why != NULL && whylen > 0)
			snprintf(why, whylen,
			    "the number of shards is 1 to %d, not %u",
			    SY_SHARD_MAX, n);
		return -1;
	}
	if (k == 0 || k > n) {
		if (why != NULL && whylen > 0)
			snprintf(why, whylen,
			    "shards are counted from 1 to %u: no shard %u", n,
			    k);
		return -1;
	}
	out->k = k;
	out->n = n;
	return 0;
}

bool
sy_shard_is_whole(const struct sy_shard *s)
{
	return s->n <= 1;
}

uint64_t
sy_shard_fnv1a(const char *s, size_t len)
{
	uint64_t h = 14695981039346656037ULL;
	size_t i;

	for (i = 0; i < len; i++) {
		h ^= (unsigned char)s[i];
		h *= 1099511628211ULL;
	}
	return h;
}

/*
 * Lamping and Veach, "A Fast, Minimal Memory, Consistent Hash
 * Algorithm" (2014), figure 1; the arithmetic is IEEE double, exact
 * enough to give the same answer everywhere.
 */
unsigned
sy_shard_jump(uint64_t key, unsigned n)
{
	int64_t b = -1, j = 0;

	while (j < (int64_t)n) {
		b = j;
		key = key * 2862933555777941757ULL + 1;
		j = (int64_t)((double)(b + 1) *
		    ((double)(1LL << 31) / (double)((key >> 33) + 1)));
	}
	return (unsigned)b;
}

unsigned
sy_shard_of_key(const char *s, size_t len, unsigned n)
{
	if (n <= 1)
		return 1;
	return sy_shard_jump(sy_shard_fnv1a(s, len), n) + 1;
}

size_t
sy_shard_authority(const char *url, char *buf, size_t size)
{
	char *uri, *key, *scheme = NULL;
	size_t n;
	bool bad = false;

	if (size < SY_SHARD_AUTH_MAX)
		return 0;
	/* Plain ASCII authorities, most links: no parse, no allocation. */
	n = sy_linkcheck_hostkey_fast(url, buf, size);
	if (n > 0)
		return n;
	errno = 0;
	uri = sy_url_to_uri(url);
	if (uri == NULL)
		return errno == ENOMEM ? (size_t)-1 : 0;
	key = sy_linkcheck_hostkey_curlu(uri, &bad, &scheme);
	free(uri);
	free(scheme);
	if (key == NULL)
		return bad ? 0 : (size_t)-1;
	n = strlen(key);
	if (n + 1 > size) {
		free(key);
		return 0;
	}
	memcpy(buf, key, n + 1);
	free(key);
	return n;
}

enum sy_err
sy_shard_of_url(const char *url, unsigned n, unsigned *out)
{
	char key[SY_SHARD_AUTH_MAX];
	size_t len;

	*out = 1;
	if (n <= 1)
		return SY_OK;
	len = sy_shard_authority(url, key, sizeof(key));
	if (len == (size_t)-1)
		return SY_ENOMEM;
	if (len > 0)
		*out = sy_shard_of_key(key, len, n);
	return SY_OK;
}
