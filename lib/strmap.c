/*
 * strmap.c: open addressing with linear probing.  Each slot keeps the
 * key's hash, so that a probe compares whole keys only when the hashes
 * agree; the keys live, each after its value and length, in an arena of
 * chunks from 64 KiB (or about
 * what sy_strmap_reserve's keys need), each twice the last up to 8 MiB
 * (one allocation per chunk, not per key; from 2 MiB on, the chunks and
 * the slots in whole huge pages, sy_huge_alloc).  The hash is
 * sy_hash_bytes (hashset.h): eight bytes at a time, deterministic (no
 * seed), so a map's behaviour does not vary between runs.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "hashset.h"
#include "strmap.h"
#include "util.h"

#define CHUNK_SIZE 65536     /* bytes of the first arena chunk */
#define CHUNK_MAX (8u << 20) /* and at most of any */
#define KEY_GUESS 32         /* bytes per key, for sy_strmap_reserve */

/*
 * 16 bytes a slot: the slots are what a lookup misses the cache on, and
 * what a large map must zero.  A key's value and length sit before it in
 * the arena (struct kv), read only when the hashes agree.
 */
struct sy_strmap_slot {
	uint64_t hash;
	const char *key; /* NULL: empty */
};

struct kv {
	size_t v;
	size_t len;
};

/* The value and length of a key in the arena. */
static struct kv *
kv_of(const char *key)
{
	return (struct kv *)(void *)(key - sizeof(struct kv));
}

struct sy_strmap_chunk {
	struct sy_strmap_chunk *next;
	char data[];
};

void
sy_strmap_init(struct sy_strmap *m)
{
	memset(m, 0, sizeof(*m));
}

void
sy_strmap_fini(struct sy_strmap *m)
{
	struct sy_strmap_chunk *c, *next;

	if (m == NULL)
		return;
	for (c = m->chunks; c != NULL; c = next) {
		next = c->next;
		free(c);
	}
	free(m->slots);
	memset(m, 0, sizeof(*m));
}

static struct sy_strmap_slot *
find(const struct sy_strmap *m, const char *key, size_t len, uint64_t h)
{
	size_t i = (size_t)h & (m->cap - 1);

	for (;;) {
		struct sy_strmap_slot *s = &m->slots[i];

		if (s->key == NULL ||
		    (s->hash == h && kv_of(s->key)->len == len &&
		        memcmp(s->key, key, len) == 0))
			return s;
		i = (i + 1) & (m->cap - 1);
	}
}

/* Moves the keys to cap slots (a power of two, above the keys held). */
static enum sy_err
rehash(struct sy_strmap *m, size_t cap)
{
	size_t i, j;
	struct sy_strmap_slot *old = m->slots, *slots;
	size_t oldcap = m->cap;

	/* Advised before the first touch: memset after sy_huge_alloc. */
	if (cap > SIZE_MAX / sizeof(*slots) ||
	    (slots = sy_huge_alloc(cap * sizeof(*slots))) == NULL)
		return SY_ENOMEM;
	memset(slots, 0, cap * sizeof(*slots));
	for (i = 0; i < oldcap; i++) {
		if (old[i].key == NULL)
			continue;
		/* Keys are distinct: the first empty slot is the one. */
		for (j = (size_t)old[i].hash & (cap - 1); slots[j].key != NULL;
		     j = (j + 1) & (cap - 1))
			;
		slots[j] = old[i];
	}
	free(old);
	m->slots = slots;
	m->cap = cap;
	return SY_OK;
}

static enum sy_err
grow(struct sy_strmap *m)
{
	return rehash(m, m->cap ? m->cap * 2 : 64);
}

enum sy_err
sy_strmap_reserve(struct sy_strmap *m, size_t n)
{
	size_t cap = 64;

	/* put grows at 3/4 full: room for n keys without a move. */
	while (cap < SIZE_MAX / 8 && cap * 3 < (n + 1) * 4)
		cap *= 2;
	/* The keys' first chunk in one piece too, if none is there yet. */
	if (m->chunks == NULL)
		for (m->first = CHUNK_SIZE;
		     m->first < CHUNK_MAX && m->first / KEY_GUESS < n;
		     m->first *= 2)
			;
	return cap > m->cap ? rehash(m, cap) : SY_OK;
}

/*
 * A copy of key[0..len) and its NUL in the arena, after its value and
 * length (struct kv, kept aligned), or NULL.
 */
static const char *
store(struct sy_strmap *m, const char *key, size_t len, size_t v)
{
	struct sy_strmap_chunk *c;
	char *p;
	/* len < SIZE_MAX / 2: it is the length of a string in memory */
	size_t need = (sizeof(struct kv) + len + 1 + sizeof(size_t) - 1) &
	    ~(sizeof(size_t) - 1);

	if (len >= CHUNK_SIZE / 4) {
		/* A chunk of its own, behind the current one. */
		c = malloc(sizeof(*c) + need);
		if (c == NULL)
			return NULL;
		if (m->chunks != NULL) {
			c->next = m->chunks->next;
			m->chunks->next = c;
		} else {
			c->next = NULL;
			m->chunks = c;
			m->left = 0;
		}
		p = c->data;
	} else {
		if (m->left < need) {
			/*
			 * Each chunk twice the last, up to CHUNK_MAX, the
			 * header included: from 2 MiB on, whole huge pages.
			 */
			size_t size = m->chunk == 0
			    ? (m->first > CHUNK_SIZE ? m->first : CHUNK_SIZE)
			    : m->chunk < CHUNK_MAX ? 2 * m->chunk
			                           : CHUNK_MAX;

			c = sy_huge_alloc(size);
			if (c == NULL)
				return NULL;
			m->chunk = size;
			c->next = m->chunks;
			m->chunks = c;
			m->next = c->data;
			m->left = size - sizeof(*c);
		}
		p = m->next;
		m->next += need;
		m->left -= need;
	}
	p += sizeof(struct kv);
	kv_of(p)->v = v;
	kv_of(p)->len = len;
	memcpy(p, key, len);
	p[len] = '\0';
	return p;
}

enum sy_err
sy_strmap_put(
    struct sy_strmap *m, const char *key, size_t v, bool *found, size_t *old)
{
	size_t len = strlen(key);
	uint64_t h = sy_hash_bytes(key, len);
	struct sy_strmap_slot *s;
	const char *copy;

	*found = false;
	if ((m->n + 1) * 4 > m->cap * 3 && grow(m) != SY_OK)
		return SY_ENOMEM;
	s = find(m, key, len, h);
	if (s->key != NULL) {
		*found = true;
		if (old != NULL)
			*old = kv_of(s->key)->v;
		return SY_OK;
	}
	copy = store(m, key, len, v);
	if (copy == NULL)
		return SY_ENOMEM;
	s->key = copy;
	s->hash = h;
	m->n++;
	return SY_OK;
}

void
sy_strmap_prefetch(const struct sy_strmap *m, const char *key)
{
	if (m->cap > 0)
		__builtin_prefetch(
		    &m->slots[sy_hash_bytes(key, strlen(key)) & (m->cap - 1)]);
}

bool
sy_strmap_get(const struct sy_strmap *m, const char *key, size_t *v)
{
	struct sy_strmap_slot *s;
	size_t len;

	if (m->cap == 0)
		return false;
	len = strlen(key);
	s = find(m, key, len, sy_hash_bytes(key, len));
	if (s->key == NULL)
		return false;
	if (v != NULL)
		*v = kv_of(s->key)->v;
	return true;
}
