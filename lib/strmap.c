/* strmap.c: open addressing with linear probing and FNV-1a hashes. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "strmap.h"
#include "util.h"

struct sy_strmap_slot {
	char *key; /* NULL: empty */
	uint64_t hash;
	size_t v;
};

static uint64_t
hash(const char *s)
{
	uint64_t h = 1469598103934665603ULL;

	for (; *s != '\0'; s++) {
		h ^= (unsigned char)*s;
		h *= 1099511628211ULL;
	}
	return h;
}

void
sy_strmap_init(struct sy_strmap *m)
{
	memset(m, 0, sizeof(*m));
}

void
sy_strmap_fini(struct sy_strmap *m)
{
	size_t i;

	if (m == NULL)
		return;
	for (i = 0; i < m->cap; i++)
		free(m->slots[i].key);
	free(m->slots);
	memset(m, 0, sizeof(*m));
}

static struct sy_strmap_slot *
find(const struct sy_strmap *m, const char *key, uint64_t h)
{
	size_t i = (size_t)h & (m->cap - 1);

	for (;;) {
		struct sy_strmap_slot *s = &m->slots[i];

		if (s->key == NULL ||
		    (s->hash == h && strcmp(s->key, key) == 0))
			return s;
		i = (i + 1) & (m->cap - 1);
	}
}

static enum sy_err
grow(struct sy_strmap *m)
{
	size_t cap = m->cap ? m->cap * 2 : 64, i;
	struct sy_strmap_slot *old = m->slots;
	size_t oldcap = m->cap;

	m->slots = calloc(cap, sizeof(*m->slots));
	if (m->slots == NULL) {
		m->slots = old;
		return SY_ENOMEM;
	}
	m->cap = cap;
	for (i = 0; i < oldcap; i++) {
		if (old[i].key != NULL)
			*find(m, old[i].key, old[i].hash) = old[i];
	}
	free(old);
	return SY_OK;
}

enum sy_err
sy_strmap_put(
    struct sy_strmap *m, const char *key, size_t v, bool *found, size_t *old)
{
	uint64_t h = hash(key);
	struct sy_strmap_slot *s;

	*found = false;
	if ((m->n + 1) * 4 > m->cap * 3 && grow(m) != SY_OK)
		return SY_ENOMEM;
	s = find(m, key, h);
	if (s->key != NULL) {
		*found = true;
		if (old != NULL)
			*old = s->v;
		return SY_OK;
	}
	s->key = sy_strdup(key);
	if (s->key == NULL)
		return SY_ENOMEM;
	s->hash = h;
	s->v = v;
	m->n++;
	return SY_OK;
}

bool
sy_strmap_get(const struct sy_strmap *m, const char *key, size_t *v)
{
	struct sy_strmap_slot *s;

	if (m->cap == 0)
		return false;
	s = find(m, key, hash(key));
	if (s->key == NULL)
		return false;
	if (v != NULL)
		*v = s->v;
	return true;
}
