/*
 * linkcheck_int: internals of linkcheck.c exposed for its unit test
 * (tests/unit/linkcheck_test.c compares the two ways of making a host
 * key) and for shard.c, which splits an audit by the same host key the
 * engine queues links by.  Nothing else includes this header.
 */
#ifndef SY_LINKCHECK_INT_H
#define SY_LINKCHECK_INT_H

#include <stdbool.h>
#include <stddef.h>

/* Room for the longest key the fast way makes, NUL included. */
#define SY_HOSTKEY_MAX 280

/*
 * The key "scheme://host:port" of a URL whose authority is plain, written
 * to key (size at least SY_HOSTKEY_MAX) without any allocation; returns
 * its length, or 0 when the URL is not plain and the CURLU way must
 * decide.
 */
size_t sy_linkcheck_hostkey_fast(const char *url, char *key, size_t size);

/*
 * The same key by libcurl's URL parser: allocated, or NULL (a bad URL or
 * another scheme, *scheme receiving the scheme when there was one; or out
 * of memory with *bad false).
 */
char *sy_linkcheck_hostkey_curlu(const char *url, bool *bad, char **scheme);

#endif
