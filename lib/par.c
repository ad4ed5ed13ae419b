/* par.c: a parallel loop with a deterministic first failure. */
#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <unistd.h>

#include "par.h"

struct loop {
	size_t n, chunk;
	sy_par_fn fn;
	void *arg;
	pthread_mutex_t mu;
	size_t next; /* the first item of the next chunk, under mu */
	bool stop;   /* an item failed, under mu */
	size_t fail; /* the lowest failing index so far, under mu */
	enum sy_err err;
	int errnum;
};

/* Takes the next chunk: [*lo, *hi), or false when there is none. */
static bool
take(struct loop *l, size_t *lo, size_t *hi)
{
	bool ok;

	pthread_mutex_lock(&l->mu);
	ok = !l->stop && l->next < l->n;
	if (ok) {
		*lo = l->next;
		*hi = l->n - l->next > l->chunk ? l->next + l->chunk : l->n;
		l->next = *hi;
	}
	pthread_mutex_unlock(&l->mu);
	return ok;
}

static void *
worker(void *arg)
{
	struct loop *l = arg;
	size_t lo, hi, i;
	enum sy_err e;

	while (take(l, &lo, &hi)) {
		for (i = lo; i < hi; i++) {
			if ((e = l->fn(i, l->arg)) == SY_OK)
				continue;
			pthread_mutex_lock(&l->mu);
			l->stop = true;
			if (i < l->fail) {
				l->fail = i;
				l->err = e;
				l->errnum = errno;
			}
			pthread_mutex_unlock(&l->mu);
			break;
		}
	}
	return NULL;
}

enum sy_err
sy_par_for(size_t n, size_t chunk, sy_par_fn fn, void *arg, size_t *failed)
{
	pthread_t th[SY_PAR_MAX - 1];
	struct loop l;
	size_t want, nth = 0, i;
	long ncpu;
	enum sy_err e;

	if (chunk == 0)
		chunk = 1;
	ncpu = sysconf(_SC_NPROCESSORS_ONLN);
	want = ncpu < 1 ? 1 : ncpu > SY_PAR_MAX ? SY_PAR_MAX : (size_t)ncpu;
	if (want > (n + chunk - 1) / chunk)
		want = (n + chunk - 1) / chunk;
	if (want <= 1 || pthread_mutex_init(&l.mu, NULL) != 0) {
		for (i = 0; i < n; i++) {
			if ((e = fn(i, arg)) != SY_OK) {
				if (failed != NULL)
					*failed = i;
				return e;
			}
		}
		return SY_OK;
	}
	l.n = n;
	l.chunk = chunk;
	l.fn = fn;
	l.arg = arg;
	l.next = 0;
	l.stop = false;
	l.fail = n;
	l.err = SY_OK;
	l.errnum = 0;
	for (; nth + 1 < want; nth++)
		if (pthread_create(&th[nth], NULL, worker, &l) != 0)
			break; /* fewer threads, same result */
	(void)worker(&l);
	for (i = 0; i < nth; i++)
		pthread_join(th[i], NULL);
	pthread_mutex_destroy(&l.mu);
	if (l.fail == n)
		return SY_OK;
	if (failed != NULL)
		*failed = l.fail;
	errno = l.errnum;
	return l.err;
}
