/*
 * finding: the result of one field check (a URL, an address, a site rule),
 * before it is placed at a position and becomes a diagnostic.
 */
#ifndef SY_FINDING_H
#define SY_FINDING_H

#include <stdbool.h>

#include "diag.h"

struct sy_finding {
	enum sy_rule rule; /* SY_R_NONE when nothing was found */
	enum sy_severity severity;
	char message[256];
};

/* No finding (what checks start from: cheaper than clearing it all). */
static inline void
sy_finding_clear(struct sy_finding *f)
{
	f->rule = SY_R_NONE;
	f->severity = (enum sy_severity)0;
	f->message[0] = '\0';
}

/*
 * Records a finding unless one at least as severe is there already (the
 * first error wins over later ones and over any warning).  A message cut
 * by the buffer is cut back to a whole UTF-8 character.  Returns true, so
 * that checks can "return sy_finding_set(...)".
 */
bool sy_finding_set(struct sy_finding *f, enum sy_rule rule,
    enum sy_severity sev, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

#endif
