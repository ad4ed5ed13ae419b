/* linkset.c: the per-link results of an audit (see linkset.h). */
#include <stdlib.h>
#include <string.h>

#include "linkset.h"
#include "util.h"

void
sy_linkset_init(struct sy_linkset *s)
{
	memset(s, 0, sizeof(*s));
	s->duration_ms = -1;
}

static void
chain_free(struct sy_linkres *r)
{
	size_t i;

	for (i = 0; i < r->nchain; i++)
		free(r->chain[i]);
	free(r->chain);
	r->chain = NULL;
	r->nchain = 0;
}

void
sy_linkset_fini(struct sy_linkset *s)
{
	size_t i;

	if (s == NULL)
		return;
	for (i = 0; i < s->n; i++) {
		free(s->v[i].key);
		free(s->v[i].host);
		free(s->v[i].message);
		chain_free(&s->v[i]);
	}
	free(s->v);
	free(s->runs);
	sy_linkset_init(s);
}

struct sy_linkres *
sy_linkset_add(
    struct sy_linkset *s, const char *key, const char *host, bool mail)
{
	struct sy_linkres *v, *r;

	v = sy_grow(s->v, &s->cap, s->n + 1, sizeof(*v), 64);
	if (v == NULL)
		return NULL;
	s->v = v;
	r = &s->v[s->n];
	memset(r, 0, sizeof(*r));
	r->key = sy_strdup(key);
	r->host = sy_strdup(host != NULL ? host : "");
	if (r->key == NULL || r->host == NULL) {
		free(r->key);
		free(r->host);
		return NULL;
	}
	r->mail = mail;
	r->response_ms = -1;
	s->n++;
	return r;
}

enum sy_err
sy_linkres_set_message(struct sy_linkres *r, const char *message)
{
	char *p = NULL;

	if (message != NULL && (p = sy_strdup(message)) == NULL)
		return SY_ENOMEM;
	free(r->message);
	r->message = p;
	return SY_OK;
}

enum sy_err
sy_linkres_set_chain(struct sy_linkres *r, const char *const *chain, size_t n)
{
	char **v = NULL;
	size_t i;

	if (n > 0) {
		v = calloc(n, sizeof(*v));
		if (v == NULL)
			return SY_ENOMEM;
		for (i = 0; i < n; i++) {
			v[i] = sy_strdup(chain[i] != NULL ? chain[i] : "");
			if (v[i] == NULL) {
				while (i-- > 0)
					free(v[i]);
				free(v);
				return SY_ENOMEM;
			}
		}
	}
	chain_free(r);
	r->chain = v;
	r->nchain = n;
	return SY_OK;
}

const struct sy_linkres *
sy_linkset_of(const struct sy_linkset *s, const struct sy_diag *dg)
{
	if (s == NULL || dg == NULL || dg->link == 0 || dg->link > s->n)
		return NULL;
	return &s->v[dg->link - 1];
}
