/*
 * feedwrite: the three writers, all fed from one struct sy_feed.
 * RSS 2.0 and Atom 1.0 go through libxml2's xmlTextWriter; JSON Feed 1.1
 * through jansson.  Each streams into fp (the caller's temporary file) and
 * returns SY_OK, SY_EXML/SY_EJSON on a library failure, SY_ENOMEM, or
 * SY_EIO (errno set) when writing failed.  fp stays open and the caller's.
 */
#ifndef SY_FEEDWRITE_H
#define SY_FEEDWRITE_H

#include <stdio.h>

#include "entry.h"
#include "syndic.h"

enum sy_err sy_rss_write(const struct sy_feed *f, FILE *fp);
enum sy_err sy_atom_write(const struct sy_feed *f, FILE *fp);
enum sy_err sy_json_write(const struct sy_feed *f, FILE *fp);

#endif
