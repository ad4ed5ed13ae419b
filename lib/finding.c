/* finding.c: the result of one field check. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "finding.h"
#include "util.h"

bool
sy_finding_set(struct sy_finding *f, enum sy_rule rule, enum sy_severity sev,
    const char *fmt, ...)
{
	va_list ap;

	if (f->rule != SY_R_NONE && f->severity >= sev)
		return true;
	f->rule = rule;
	f->severity = sev;
	va_start(ap, fmt);
	(void)vsnprintf(f->message, sizeof(f->message), fmt, ap);
	va_end(ap);
	f->message[sy_utf8_valid_prefix(f->message, strlen(f->message))] = '\0';
	return true;
}
