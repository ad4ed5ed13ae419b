/*
 * rules: site rules, links that are well-formed but wrong for their site.
 * One table (rules.c) holds every rule: the hosts it covers, how to find
 * the id in the URL, the shape the id must have, and (for syndic-links)
 * an oEmbed-style endpoint that tells a missing item from a real one.
 */
#ifndef SY_RULES_H
#define SY_RULES_H

#include <stdbool.h>

#include "finding.h"

/* Returns true and fills *f (site-rule) when url breaks a site rule. */
bool sy_rules_check(const char *url, struct sy_finding *f);

/*
 * For syndic-links: if url belongs to a site with a soft-404 endpoint,
 * returns a new string with the URL to query (the endpoint template with
 * the percent-encoded url substituted), else NULL.  endpoint_override,
 * when not NULL, replaces the table's endpoint base (tests point it at a
 * loopback server).
 */
char *sy_rules_soft404_url(const char *url, const char *endpoint_override);

#endif
