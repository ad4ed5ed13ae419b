/*
 * finding: the result of one field check (a URL, an address, a site rule),
 * before it is placed at a position and becomes a diagnostic.
 */
#ifndef SY_FINDING_H
#define SY_FINDING_H

#include "diag.h"

struct sy_finding {
	enum sy_rule rule; /* SY_R_NONE when nothing was found */
	enum sy_severity severity;
	char message[256];
};

#endif
