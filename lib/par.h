/*
 * par: a parallel loop over [0, n), for work whose items share nothing
 * but what they only read (writing feed files, finishing entries).
 */
#ifndef SY_PAR_H
#define SY_PAR_H

#include <stddef.h>

#include "syndic.h"

/* One item; SY_OK or the failure (errno set when it means something). */
typedef enum sy_err (*sy_par_fn)(size_t i, void *arg);

/*
 * Runs fn(i, arg) for every i in [0, n) on up to as many threads as there
 * are processors (the caller's included, at most SY_PAR_MAX), chunk items
 * at a time.  Items are taken in increasing order; after a failure no new
 * chunk is taken.  Returns SY_OK, or the failure of the lowest failing
 * index (every lower item ran, so the answer does not depend on timing
 * when the items' own outcomes do not), with *failed set to that index
 * (may be NULL) and errno to the value it had when that item failed.
 * Runs everything on the caller's thread when threads are not available.
 */
#define SY_PAR_MAX 4
enum sy_err sy_par_for(
    size_t n, size_t chunk, sy_par_fn fn, void *arg, size_t *failed);

#endif
