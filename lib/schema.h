/*
 * schema: the Atom 1.0 RELAX NG schema of RFC 4287 (schemas/atom.rng),
 * compiled into the library by the Makefile so that no file has to be
 * found at run time.
 */
#ifndef SY_SCHEMA_H
#define SY_SCHEMA_H

#include <stddef.h>

extern const unsigned char sy_atom_rng[];
extern const size_t sy_atom_rng_len;

#endif
