/*
 * shard: splits a link audit into N shards by host, for audits too big
 * for one machine (a Kubernetes Indexed Job, a Slurm array, a CI matrix
 * each run one shard).  A link belongs to the shard of its authority,
 * "scheme://host:port" after IDNA (UTS #46) and case folding, with the
 * default port written out: the key the link engine queues a host by.
 * So every host is checked by one shard only (per-host politeness holds
 * across the whole audit), and every link lands in exactly one shard.
 *
 * The shard of a key is Lamping and Veach's jump consistent hash (2014)
 * of the key's 64-bit FNV-1a hash: stable across machines, versions and
 * runs, evenly spread, and going from N to N + 1 shards moves only a
 * 1/(N + 1) share of the hosts.
 */
#ifndef SY_SHARD_H
#define SY_SHARD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "syndic.h"

/* The most shards an audit may have (the history's lock keys fit). */
#define SY_SHARD_MAX 4095

/* Shard k of n, 1 <= k <= n <= SY_SHARD_MAX; 1/1 is the whole audit. */
struct sy_shard {
	unsigned k;
	unsigned n;
};

/*
 * Parses "K/N" (decimal, no signs or blanks, 1 <= K <= N <=
 * SY_SHARD_MAX).  Returns 0, or -1 with why (may be NULL) telling the
 * user what is wrong.
 */
int sy_shard_parse(
    const char *s, struct sy_shard *out, char *why, size_t whylen);

/* True when s is the whole audit (1/1). */
bool sy_shard_is_whole(const struct sy_shard *s);

/* The FNV-1a 64-bit hash of s[0..len). */
uint64_t sy_shard_fnv1a(const char *s, size_t len);

/* Jump consistent hash: the bucket 0..n-1 of key (n >= 1). */
unsigned sy_shard_jump(uint64_t key, unsigned n);

/* The shard 1..n of the key s[0..len). */
unsigned sy_shard_of_key(const char *s, size_t len, unsigned n);

/*
 * The authority of an http(s) URL, "scheme://host:port" as described
 * above, into buf.  Returns its length; 0 when url has none (another
 * scheme, or a URL that cannot be parsed); (size_t)-1 when out of
 * memory.  size must be at least SY_SHARD_AUTH_MAX.
 */
#define SY_SHARD_AUTH_MAX 300
size_t sy_shard_authority(const char *url, char *buf, size_t size);

/*
 * The shard 1..n of url: its authority's, or 1 for a URL without one.
 * SY_OK, or SY_ENOMEM.
 */
enum sy_err sy_shard_of_url(const char *url, unsigned n, unsigned *out);

#endif
