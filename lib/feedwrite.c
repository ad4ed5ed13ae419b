/* feedwrite.c: a whole feed through one of the writers. */
#include "feedwrite.h"

enum sy_err
sy_feed_write(const struct sy_writer *w, const struct sy_feed *f, FILE *fp)
{
	struct sy_out o;
	enum sy_err err;
	size_t i;

	if (!sy_feed_is_writable(f))
		return SY_EINVAL;
	sy_out_init(&o, fp);
	err = o.err;
	if (err == SY_OK)
		err = w->begin(&o, f);
	for (i = 0; i < f->n && err == SY_OK && o.err == SY_OK; i++)
		err = w->item(&o, f, i);
	if (err == SY_OK) {
		w->end(&o, f);
		err = sy_out_flush(&o);
	}
	sy_out_fini(&o);
	return err;
}
