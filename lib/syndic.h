/*
 * libsyndic: the library behind syndic-build, syndic-lint and syndic-links.
 *
 * Ownership, stated once for every module: parameters are never consumed.
 * A "const char *" argument is borrowed for the duration of the call and
 * copied if it must outlive it.  A returned "char *" belongs to the caller,
 * who releases it with free().  Only sy_X_free() and sy_X_fini() release
 * memory; both accept NULL or a zeroed struct.  Struct fields are owned
 * unless their comment says "borrowed".
 *
 * Errors come in two kinds.  Failures of the program (out of memory, I/O,
 * a library call that fails) are returned as enum sy_err.  Problems in the
 * user's data are not failures: they are appended to a struct sy_diags
 * (diag.h).  The library never prints and never exits.
 */
#ifndef SY_SYNDIC_H
#define SY_SYNDIC_H

enum sy_err {
	SY_OK = 0,
	SY_ENOMEM, /* out of memory */
	SY_EIO,    /* I/O error; errno is left as the failing call set it */
	SY_ECSV,   /* libcsv failure */
	SY_EXML,   /* libxml2 failure */
	SY_EJSON,  /* jansson failure */
	SY_ECURL,  /* libcurl failure */
	SY_EDB,    /* SQLite failure */
	SY_ELIMIT, /* a resource cap was reached */
	SY_EINVAL, /* invalid argument */
	SY_EBUSY,  /* resource held by another process */
	SY_ELIB,   /* a shared library could not be loaded (dl.h) */
	SY_ERR_COUNT
};

const char *sy_strerror(enum sy_err err);

#endif
