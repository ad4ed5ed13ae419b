/*
 * feedwrite: the three writers, all fed from one struct sy_feed, one
 * module each (feed_rss.c, feed_atom.c, feed_json.c) writing the bytes
 * itself through a sy_out (out.h) and its escaping tables; libxml2 and
 * jansson read them back in the tests.  Each streams into fp (the
 * caller's temporary file) and returns SY_OK, SY_EINVAL for a feed that
 * is not writable (nothing written), SY_ENOMEM, or SY_EIO (errno set) when
 * writing failed.  fp stays open and the caller's.
 */
#ifndef SY_FEEDWRITE_H
#define SY_FEEDWRITE_H

#include <stdio.h>

#include "entry.h"
#include "out.h"
#include "syndic.h"

/*
 * A format as three steps, for a feed written a slice at a time (the
 * entries of a slice read and finished, written, let go): begin writes
 * everything before the first entry, item entry i (f->entries[i], which
 * must not be partial), end the rest.  Only sy_feed_head_is_writable is
 * checked; errors of the sink stay in o->err.
 */
struct sy_writer {
	enum sy_err (*begin)(struct sy_out *o, const struct sy_feed *f);
	enum sy_err (*item)(
	    struct sy_out *o, const struct sy_feed *f, size_t i);
	void (*end)(struct sy_out *o, const struct sy_feed *f);
};

extern const struct sy_writer sy_rss_writer, sy_atom_writer, sy_json_writer;

/* The whole feed at once through w: what the three below do. */
enum sy_err sy_feed_write(
    const struct sy_writer *w, const struct sy_feed *f, FILE *fp);

enum sy_err sy_rss_write(const struct sy_feed *f, FILE *fp);
enum sy_err sy_atom_write(const struct sy_feed *f, FILE *fp);
enum sy_err sy_json_write(const struct sy_feed *f, FILE *fp);

#endif
