/*
 * shape: the shape of small fields: BCP 47 language tags (RFC 5646
 * syntax), MIME types (RFC 6838 / RFC 9110), column slugs.
 */
#ifndef SY_SHAPE_H
#define SY_SHAPE_H

#include <stdbool.h>

/* RFC 5646 well-formedness (grandfathered irregular tags included). */
bool sy_shape_is_langtag(const char *s);
/* type "/" subtype, token characters, optional ";param=value" list. */
bool sy_shape_is_mimetype(const char *s);
/* [a-z0-9-]+, no leading or trailing hyphen, at most 64 characters. */
bool sy_shape_is_slug(const char *s);

#endif
