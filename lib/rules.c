/* rules.c: site rules (placeholder). */
#include <stdlib.h>

#include "rules.h"

bool
sy_rules_check(const char *url, struct sy_finding *f)
{
	(void)url;
	f->rule = SY_R_NONE;
	return false;
}

char *
sy_rules_soft404_url(const char *url, const char *endpoint_override)
{
	(void)url;
	(void)endpoint_override;
	return NULL;
}
