/*
 * history_int: what the front of the link history (history.c) and its
 * two backends (history_sqlite.c, history_pg.c) share.  Nothing outside
 * history*.c and the history unit test includes this header.
 *
 * The front owns the handle, the write queue and the pure policy
 * functions; a backend owns a connection (h->be) and answers the calls of
 * struct sy_hist_ops.  A backend never sees a half-applied batch: put()
 * applies its verdicts (and the run, if any) in one transaction.
 */
#ifndef SY_HISTORY_INT_H
#define SY_HISTORY_INT_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "history.h"

/*
 * One verdict to apply, as sy_history_record() got it.  The strings are
 * borrowed for the put() call.
 */
struct sy_hist_put {
	const char *url;
	int64_t now;
	enum sy_hist_outcome outcome;
	const char *rule;
	int status;
	const char *message;
	const char *etag;          /* NULL keeps, "" clears */
	const char *last_modified; /* the same */
	size_t seq;                /* queue order: ties keep it */
	char *mem;                 /* the front's copy of the strings */
};

struct sy_hist_ops {
	const char *name; /* "sqlite", "postgresql" */
	/* Keys must be valid UTF-8 (the front refuses others early). */
	bool utf8_keys;
	void (*close)(struct sy_history *h);
	/* k/n: the shard, 1/1 for a whole run (see sy_history_lock_shard) */
	enum sy_err (*lock)(
	    struct sy_history *h, bool wait, unsigned k, unsigned n);
	void (*unlock)(struct sy_history *h);
	/* Calls fn for each stored urls[i]; rec is valid during the call. */
	enum sy_err (*get_many)(struct sy_history *h, const char *const *urls,
	    size_t n, sy_hist_many_fn fn, void *ctx);
	/*
	 * Applies v[0..n) in this order (the counting rule of history.h,
	 * one after the other for a repeated URL) and then adds run (may be
	 * NULL), all in one transaction; on failure nothing is applied.
	 */
	enum sy_err (*put)(struct sy_history *h, const struct sy_hist_put *v,
	    size_t n, const struct sy_hist_run *run);
	enum sy_err (*count)(struct sy_history *h, long *n);
	enum sy_err (*prune)(struct sy_history *h, int64_t before, long *n);
	enum sy_err (*runs)(struct sy_history *h, size_t max,
	    struct sy_hist_run **out, size_t *n);
	enum sy_err (*each)(
	    struct sy_history *h, sy_hist_each_fn fn, void *ctx);
};

/* Verdicts (and a run) to apply in one transaction. */
struct sy_hist_batch {
	struct sy_hist_put *v;
	size_t n;
	size_t cap;
	struct sy_hist_run run;
	bool have_run;
};

struct sy_history {
	const struct sy_hist_ops *ops;
	void *be;      /* the backend's state */
	char err[512]; /* sy_history_errmsg() */
	/* The write queue between sy_history_begin() and _commit(). */
	bool batching;
	struct sy_hist_batch q; /* being filled */
	double q_since;         /* monotonic time of its first verdict */
	/*
	 * The batch a thread of its own is applying, while q fills: only
	 * that thread touches the backend until it is joined.
	 */
	struct sy_hist_batch w;
	bool writing;
	pthread_t writer;
	enum sy_err werr; /* its result, once joined */
};

/* Sets h->err (cut to its size). */
void sy_hist_seterr(struct sy_history *h, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Writes into msg (may be NULL when len is 0), cut to len. */
void sy_hist_setmsg(char *msg, size_t len, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/*
 * The backends' open calls: on success h->ops and h->be are set and msg
 * holds "" or a notice; on failure msg says why.
 */
enum sy_err sy_hist_sqlite_open(struct sy_history *h, const char *path,
    int wait_ms, char *msg, size_t msglen);
enum sy_err sy_hist_pg_open(struct sy_history *h, const char *url, int wait_ms,
    char *msg, size_t msglen);

#endif
