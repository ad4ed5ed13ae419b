#include "lib/par.h"

#include <errno.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "t.h"

#define N 10000

struct work {
	unsigned char runs[N]; /* times each item ran */
	unsigned long long sq[N];
	size_t fail_a, fail_b; /* items that fail (N: none) */
	bool wait_b;           /* fail_a fails only once fail_b failed */
	atomic_int b_failed;
};

static enum sy_err
item(size_t i, void *arg)
{
	struct work *w = arg;

	w->runs[i]++;
	w->sq[i] = (unsigned long long)i * i;
	if (i == w->fail_a) {
		/*
		 * The later item fails first, in time, whenever there is a
		 * second thread (bounded: alone, fail_b never runs first).
		 */
		for (long k = 0;
		     w->wait_b && k < 100000000 && !atomic_load(&w->b_failed);
		     k++)
			;
		errno = ENOENT;
		return SY_EIO;
	}
	if (i == w->fail_b) {
		atomic_store(&w->b_failed, 1);
		errno = EACCES;
		return SY_ENOMEM;
	}
	return SY_OK;
}

static size_t
count_runs(const struct work *w, size_t lo, size_t hi, int times)
{
	size_t i, k = 0;

	for (i = lo; i < hi; i++)
		k += w->runs[i] == times;
	return k;
}

static void
test_all_run(void)
{
	static const size_t chunks[] = {0, 1, 7, 64, N, 3 * N};
	struct work *w = calloc(1, sizeof(*w));
	size_t c, i, bad;
	int round;

	for (c = 0; c < sizeof(chunks) / sizeof(chunks[0]); c++) {
		bad = 0;
		for (round = 0; round < 20; round++) {
			memset(w, 0, sizeof(*w));
			w->fail_a = w->fail_b = N;
			if (sy_par_for(N, chunks[c], item, w, NULL) != SY_OK)
				bad++;
			if (count_runs(w, 0, N, 1) != N)
				bad++;
			for (i = 0; i < N; i++)
				bad += w->sq[i] != (unsigned long long)i * i;
		}
		T_INTEQ(bad, 0,
		    "chunk %zu: every item ran exactly once, 20 "
		    "rounds",
		    chunks[c]);
	}
	free(w);
}

static void
test_first_failure(void)
{
	static const size_t chunks[] = {1, 5, 64, 500};
	struct work *w = calloc(1, sizeof(*w));
	size_t c, failed, wrong;
	enum sy_err e;
	int round;

	for (c = 0; c < sizeof(chunks) / sizeof(chunks[0]); c++) {
		wrong = 0;
		for (round = 0; round < 50; round++) {
			memset(w, 0, sizeof(*w));
			/* The later failure may well happen first. */
			w->fail_a = 4321;
			w->fail_b = 4321 + 600 + (size_t)round * 7;
			w->wait_b = true;
			failed = 0;
			errno = 0;
			e = sy_par_for(N, chunks[c], item, w, &failed);
			wrong += e != SY_EIO || failed != 4321 ||
			    errno != ENOENT ||
			    count_runs(w, 0, 4321, 1) != 4321;
		}
		T_INTEQ(wrong, 0,
		    "chunk %zu: the lowest failing item is the one reported, "
		    "with its errno, and every lower item ran, 50 rounds",
		    chunks[c]);
	}
	memset(w, 0, sizeof(*w));
	w->fail_a = 0;
	w->fail_b = N;
	failed = 99;
	e = sy_par_for(N, 16, item, w, &failed);
	T_OK(e == SY_EIO && failed == 0, "a failure at item 0");
	memset(w, 0, sizeof(*w));
	w->fail_a = N - 1;
	w->fail_b = N;
	e = sy_par_for(N, 16, item, w, &failed);
	T_OK(e == SY_EIO && failed == N - 1 && count_runs(w, 0, N, 1) == N,
	    "a failure at the last item, after all the others ran");
	free(w);
}

static enum sy_err
never(size_t i, void *arg)
{
	(void)i;
	*(int *)arg = 1;
	return SY_EIO;
}

static void
test_empty(void)
{
	int called = 0;

	T_OK(sy_par_for(0, 8, never, &called, NULL) == SY_OK && !called,
	    "no items: SY_OK, nothing called");
}

int
main(void)
{
	test_all_run();
	test_first_failure();
	test_empty();
	return t_done();
}
