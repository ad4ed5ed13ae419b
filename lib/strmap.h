/*
 * strmap: a hash map from strings to a size_t (a line number, an index),
 * for duplicate detection over a million rows.  Keys are copied (into
 * an arena of large chunks the map owns: sy_strmap_fini frees them all).
 */
#ifndef SY_STRMAP_H
#define SY_STRMAP_H

#include <stdbool.h>
#include <stddef.h>

#include "syndic.h"

struct sy_strmap {
	struct sy_strmap_slot *slots;
	size_t cap; /* a power of two, or 0 */
	size_t n;
	struct sy_strmap_chunk *chunks; /* the key arena, newest first */
	char *next;                     /* free space in chunks */
	size_t left;
	size_t chunk; /* the newest chunk's size */
	size_t first; /* the first chunk's size, when reserved; 0 */
};

void sy_strmap_init(struct sy_strmap *m);
void sy_strmap_fini(struct sy_strmap *m);

/*
 * Inserts key with value v unless it is there.  *found tells which; when
 * found, *old (may be NULL) receives the value already stored.
 */
enum sy_err sy_strmap_put(
    struct sy_strmap *m, const char *key, size_t v, bool *found, size_t *old);

/*
 * Makes room for n keys at once, so that putting them moves nothing
 * (when the number is known or well guessed); SY_ENOMEM, m unchanged.
 */
enum sy_err sy_strmap_reserve(struct sy_strmap *m, size_t n);

/*
 * Starts fetching the slot where key would be (a hint: nothing changes),
 * so that a put or get of it a little later finds it in the cache; for
 * callers that know their next key while working on the current one.
 */
void sy_strmap_prefetch(const struct sy_strmap *m, const char *key);

/* True and *v set when key is there. */
bool sy_strmap_get(const struct sy_strmap *m, const char *key, size_t *v);

#endif
