/*
 * email: syntax of e-mail addresses (RFC 5322 addr-spec, RFC 6531
 * internationalised local parts, IDN domains) and of mailto: URLs
 * (RFC 6068).  The DNS check lives with the link engine.
 */
#ifndef SY_EMAIL_H
#define SY_EMAIL_H

#include <stdbool.h>
#include <stddef.h>

#include "finding.h"

/*
 * Checks one address.  Returns true and fills *f on a problem:
 * email-syntax or email-domain as an error, or a warning for forms the
 * RFCs allow but nobody should print (comments, quoted local parts, IP
 * literals).  False when it is a plain good address.
 */
bool sy_email_check(const char *addr, struct sy_finding *f);

/*
 * Splits a mailto: URL into its addresses (percent-decoded, hfields such
 * as ?subject= dropped; "to=" hfields included).  Returns the number of
 * addresses stored in *out (an array of new strings, freed with
 * sy_email_list_free), or -1 when out of memory.
 */
int sy_mailto_addresses(const char *url, char ***out);
void sy_email_list_free(char **list, int n);

/*
 * Checks every address of a mailto: URL; the first problem wins.  An
 * empty mailto: is an email-syntax error.
 */
bool sy_mailto_check(const char *url, struct sy_finding *f);

/* The domain of addr in IDNA (ASCII) form, lower-cased; NULL if none. */
char *sy_email_domain(const char *addr);

#endif
