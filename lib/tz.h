/*
 * tz: IANA time zones read from the system's TZif files (RFC 8536).
 *
 * A small reader of its own: version 2+ 64-bit data, and the POSIX TZ
 * string of the footer for instants past the last transition.  It never
 * calls setenv("TZ"), tzset() or localtime(), so the library keeps no
 * global state.  A loaded zone is immutable: load it once, share it
 * (also between threads), free it at the end.  Leap-second records
 * ("right/" zones) are ignored: times are POSIX times.
 */
#ifndef SY_TZ_H
#define SY_TZ_H

#include <stdbool.h>
#include <stdint.h>

#include "syndic.h"

/* Directory of the TZif files; override with -DSY_TZDIR=\"...\". */
#ifndef SY_TZDIR
#define SY_TZDIR "/usr/share/zoneinfo"
#endif

struct sy_tz; /* opaque */

/*
 * Loads zone name ("Asia/Taipei"; NULL, "" and "UTC" give UTC) into *out,
 * which the caller releases with sy_tz_free().  Returns SY_OK; SY_EINVAL
 * for a name that is not a zone name (absolute, "..", odd characters), an
 * unknown zone or a file that is not TZif; SY_ENOMEM.
 */
enum sy_err sy_tz_load(const char *name, struct sy_tz **out);
void sy_tz_free(struct sy_tz *tz);

/* True if tz is NULL, "", "UTC" or an IANA zone this machine knows. */
bool sy_tz_is_valid(const char *tz);

/* True if name has the shape of a zone name; no file is opened. */
bool sy_tz_name_ok(const char *name);

/*
 * True if name is UTC for sy_tz_load (NULL, "" or "UTC"), which then
 * reads no file; any other zone is read from SY_TZDIR "/" name.
 */
bool sy_tz_is_utc(const char *name);

/* Offset, seconds east of UTC, in force in tz at instant t.  NULL = UTC. */
int32_t sy_tz_offset(const struct sy_tz *tz, int64_t t);

/*
 * Converts a local wall-clock time (seconds since 1970-01-01T00:00 as if
 * the wall clock were UTC) to an instant.  A time that happens twice
 * (daylight saving ends) takes the earlier instant, i.e. the offset in
 * force before the change; a time that does not exist (daylight saving
 * starts) is moved forward by the length of the gap, as mktime() does:
 * 02:30 on the day New York springs forward is 03:30 EDT.  *off receives
 * the offset in force at the instant.
 */
int64_t sy_tz_from_local(const struct sy_tz *tz, int64_t local, int32_t *off);

#endif
