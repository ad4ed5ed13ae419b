/*
 * email.c: addr-spec syntax (RFC 5322 3.4.1, with the UTF-8 of RFC 6531
 * and RFC 6532), length limits of RFC 5321 4.5.3.1 (local part 64 octets,
 * label 63, address 254), IDN domains through libidn2 (UTS #46), and
 * mailto: URLs (RFC 6068).
 *
 * Decisions: comments, quoted local parts and address literals are valid
 * but draw a warning (no publisher should print them); a domain without
 * a dot, with an all-digit top-level label, or with a hyphen at either
 * end of a label is an email-domain error; obsolete forms (obs-local-part,
 * folding white space outside a comment) are email-syntax errors.
 */
#include <arpa/inet.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "dl.h"
#include "email.h"
#include "util.h"

#define LOCAL_MAX 64
#define ADDR_MAX 254
#define DOMAIN_MAX 253
#define LABEL_MAX 63
#define IDN_FLAGS (IDN2_NFC_INPUT | IDN2_NONTRANSITIONAL)

/* RFC 5322 atext, plus any non-ASCII byte (RFC 6532 UTF8-non-ascii). */
static bool
is_atext(unsigned char c)
{
	return SY_ISALNUM(c) || c >= 0x80 ||
	    (c != '\0' && strchr("!#$%&'*+-/=?^_`{|}~", c) != NULL);
}

/*
 * Skips comments and the white space around them.  White space with no
 * comment in sight is an error.  Returns true on an error.
 */
static bool
skip_cfws(const char **pp, struct sy_finding *f)
{
	const char *p = *pp;
	bool ws = false, comment = false;
	int depth;

	for (;;) {
		if (*p == ' ' || *p == '\t') {
			ws = true;
			p++;
			continue;
		}
		if (*p != '(')
			break;
		comment = true;
		depth = 0;
		do {
			if (*p == '\0')
				return sy_finding_set(f, SY_R_EMAIL_SYNTAX,
				    SY_ERROR,
				    "unterminated comment in address");
			if (*p == '\\' && p[1] != '\0')
				p++;
			else if (*p == '(')
				depth++;
			else if (*p == ')')
				depth--;
			p++;
		} while (depth > 0);
	}
	if (ws && !comment)
		return sy_finding_set(
		    f, SY_R_EMAIL_SYNTAX, SY_ERROR, "space in address");
	if (comment)
		sy_finding_set(f, SY_R_EMAIL_SYNTAX, SY_WARNING,
		    "comment in address (valid, but write the bare address)");
	*pp = p;
	return false;
}

static bool
check_quoted(const char **pp, struct sy_finding *f)
{
	const char *p = *pp + 1;
	unsigned char c;

	for (;; p++) {
		c = (unsigned char)*p;
		if (c == '\0')
			return sy_finding_set(f, SY_R_EMAIL_SYNTAX, SY_ERROR,
			    "unterminated quoted local part");
		if (c == '"')
			break;
		if (c == '\\') {
			c = (unsigned char)*++p;
			if (c == '\0' || (c < 0x20 && c != '\t') || c == 0x7f)
				return sy_finding_set(f, SY_R_EMAIL_SYNTAX,
				    SY_ERROR,
				    "bad escape in quoted local part");
			continue;
		}
		if ((c < 0x20 && c != '\t') || c == 0x7f)
			return sy_finding_set(f, SY_R_EMAIL_SYNTAX, SY_ERROR,
			    "control character U+%04X in address", c);
	}
	*pp = p + 1;
	sy_finding_set(f, SY_R_EMAIL_SYNTAX, SY_WARNING,
	    "quoted local part (valid, but many programs reject it)");
	return false;
}

static bool
check_dot_atom(const char **pp, struct sy_finding *f)
{
	const char *p = *pp;

	if (*p == '.')
		return sy_finding_set(f, SY_R_EMAIL_SYNTAX, SY_ERROR,
		    "local part starts with a dot");
	for (; is_atext((unsigned char)*p) || *p == '.'; p++) {
		if (*p == '.' && p[1] == '.')
			return sy_finding_set(f, SY_R_EMAIL_SYNTAX, SY_ERROR,
			    "two dots in a row in the local part");
		if (*p == '.' && p[1] == '@')
			return sy_finding_set(f, SY_R_EMAIL_SYNTAX, SY_ERROR,
			    "local part ends with a dot");
	}
	*pp = p;
	return false;
}

static bool
check_literal(const char *d, size_t n, struct sy_finding *f)
{
	char tmp[64];
	unsigned char addr[16];
	int af = AF_INET;

	if (n >= 5 && sy_strncasecmp(d, "IPv6:", 5) == 0) {
		af = AF_INET6;
		d += 5;
		n -= 5;
	}
	if (n == 0 || n >= sizeof(tmp))
		goto bad;
	memcpy(tmp, d, n);
	tmp[n] = '\0';
	if (inet_pton(af, tmp, addr) != 1)
		goto bad;
	return sy_finding_set(f, SY_R_EMAIL_SYNTAX, SY_WARNING,
	    "IP address literal instead of a domain");
bad:
	return sy_finding_set(f, SY_R_EMAIL_DOMAIN, SY_ERROR,
	    "invalid address literal \"[%.*s]\"", (int)(n > 60 ? 60 : n), d);
}

static bool
has_high(const char *s)
{
	for (; *s != '\0'; s++)
		if ((unsigned char)*s >= 0x80)
			return true;
	return false;
}

static bool
all_digits(const char *s)
{
	if (*s == '\0')
		return false;
	for (; *s != '\0'; s++)
		if (!SY_ISDIGIT(*s))
			return false;
	return true;
}

/*
 * Converts the domain d[0..n) to lower-cased IDNA form in *out; checks
 * labels and length.  Returns true on an error (f filled).
 */
static bool
domain_to_ascii(const char *d, size_t n, char **out, struct sy_finding *f)
{
	struct sy_buf b, lb;
	const char *p, *e, *end = d + n;
	char *a = NULL, *tmp = NULL;
	size_t i, labels = 0;
	bool bad = true;
	int rc;

	sy_buf_init(&b, 0);
	sy_buf_init(&lb, 0);
	*out = NULL;
	if (n == 0) {
		sy_finding_set(f, SY_R_EMAIL_SYNTAX, SY_ERROR, "empty domain");
		goto out;
	}
	for (p = d; p <= end; p = e + 1) {
		/* Labels end at "." or at the ideographic full stop. */
		for (e = p; e < end && *e != '.' &&
		     !(end - e >= 3 && memcmp(e, "\xe3\x80\x82", 3) == 0);
		     e++)
			;
		if (e == p) {
			sy_finding_set(f, SY_R_EMAIL_DOMAIN, SY_ERROR,
			    e == end     ? "domain ends with a dot"
			        : p == d ? "domain starts with a dot"
			                 : "empty label (two dots) in domain");
			goto out;
		}
		tmp = sy_strndup(p, (size_t)(e - p));
		if (tmp == NULL)
			goto oom;
		for (i = 0; tmp[i] != '\0'; i++)
			if ((unsigned char)tmp[i] < 0x80 &&
			    !SY_ISALNUM(tmp[i]) && tmp[i] != '-') {
				sy_finding_set(f, SY_R_EMAIL_DOMAIN, SY_ERROR,
				    "character '%c' in domain", tmp[i]);
				goto out;
			}
		sy_buf_reset(&lb);
		if (has_high(tmp) || sy_has_prefix_ci(tmp, "xn--")) {
			if (sy_dl_idn2() != SY_OK) {
				sy_finding_set(f, SY_R_EMAIL_DOMAIN, SY_ERROR,
				    "domain label \"%s\" not checked: %s", tmp,
				    sy_dl_error());
				goto out;
			}
			rc = sy_idn2.idn2_lookup_u8(
			    (const uint8_t *)tmp, (uint8_t **)&a, IDN_FLAGS);
			if (rc == IDN2_MALLOC)
				goto oom;
			if (rc != IDN2_OK) {
				sy_finding_set(f, SY_R_EMAIL_DOMAIN, SY_ERROR,
				    "domain label \"%s\" is not a valid "
				    "internationalised name: %s",
				    tmp, sy_idn2.idn2_strerror(rc));
				goto out;
			}
			if (sy_buf_puts(&lb, a) != SY_OK)
				goto oom;
			sy_idn2.idn2_free(a);
			a = NULL;
		} else if (sy_buf_puts(&lb, tmp) != SY_OK)
			goto oom;
		for (i = 0; i < lb.len; i++)
			lb.data[i] =
			    (char)SY_TOLOWER((unsigned char)lb.data[i]);
		if (lb.len > LABEL_MAX) {
			sy_finding_set(f, SY_R_EMAIL_DOMAIN, SY_ERROR,
			    "domain label \"%.20s...\" is longer than 63 "
			    "octets",
			    lb.data);
			goto out;
		}
		if (lb.data[0] == '-' || lb.data[lb.len - 1] == '-') {
			sy_finding_set(f, SY_R_EMAIL_DOMAIN, SY_ERROR,
			    "domain label \"%s\" %s with a hyphen", lb.data,
			    lb.data[0] == '-' ? "starts" : "ends");
			goto out;
		}
		if ((labels > 0 && sy_buf_putc(&b, '.') != SY_OK) ||
		    sy_buf_puts(&b, lb.data) != SY_OK)
			goto oom;
		labels++;
		free(tmp);
		tmp = NULL;
		if (e == end)
			break;
		if (*e != '.')
			e += 2; /* the rest of U+3002 */
	}
	if (b.len > DOMAIN_MAX) {
		sy_finding_set(f, SY_R_EMAIL_DOMAIN, SY_ERROR,
		    "domain is longer than 253 octets");
		goto out;
	}
	if (labels == 1) {
		sy_finding_set(f, SY_R_EMAIL_DOMAIN, SY_ERROR,
		    "domain \"%s\" has no dot", b.data);
		goto out;
	}
	p = strrchr(b.data, '.') + 1;
	if (all_digits(p)) {
		sy_finding_set(f, SY_R_EMAIL_DOMAIN, SY_ERROR,
		    "top-level domain \"%s\" is all digits (an IP address is "
		    "written [1.2.3.4])",
		    p);
		goto out;
	}
	*out = sy_buf_steal(&b);
	if (*out == NULL)
		goto oom;
	bad = false;
	goto out;
oom:
	sy_finding_set(f, SY_R_EMAIL_SYNTAX, SY_ERROR, "out of memory");
out:
	if (a != NULL) /* from libidn2: it is loaded */
		sy_idn2.idn2_free(a);
	free(tmp);
	sy_buf_fini(&b);
	sy_buf_fini(&lb);
	return bad;
}

/*
 * Parses addr.  Returns true on an error.  When dom is not NULL and the
 * domain is a name, *dom receives its IDNA form.
 */
static bool
parse(const char *addr, struct sy_finding *f, char **dom)
{
	const char *p = addr, *local, *lend, *d, *dend;
	size_t len, i;
	char *ascii = NULL;
	uint32_t cp;

	if (addr == NULL || addr[0] == '\0')
		return sy_finding_set(
		    f, SY_R_EMAIL_SYNTAX, SY_ERROR, "empty address");
	len = strlen(addr);
	i = sy_utf8_valid_prefix(addr, len);
	if (i != len)
		return sy_finding_set(f, SY_R_EMAIL_SYNTAX, SY_ERROR,
		    "invalid UTF-8 at byte %zu of the address", i + 1);
	for (i = 0; i < len; i++) {
		if ((unsigned char)addr[i] < 0x20 && addr[i] != '\t')
			return sy_finding_set(f, SY_R_EMAIL_SYNTAX, SY_ERROR,
			    "control character U+%04X in address",
			    (unsigned char)addr[i]);
		if (addr[i] == 0x7f)
			return sy_finding_set(f, SY_R_EMAIL_SYNTAX, SY_ERROR,
			    "control character U+007F in address");
		if ((unsigned char)addr[i] >= 0x80) {
			i += (size_t)sy_utf8_decode(addr + i, &cp) - 1;
			if (cp < 0xa0 || cp == 0xa0 || cp == 0x3000 ||
			    (cp >= 0x2000 && cp <= 0x200f) || cp == 0xfeff)
				return sy_finding_set(f, SY_R_EMAIL_SYNTAX,
				    SY_ERROR,
				    "invisible or space character U+%04X in "
				    "address",
				    (unsigned)cp);
		}
	}
	if (addr[0] != '"' && strchr(addr, '<') != NULL)
		return sy_finding_set(f, SY_R_EMAIL_SYNTAX, SY_ERROR,
		    "name and angle brackets: write the bare address");
	if (sy_has_prefix_ci(addr, "mailto:"))
		return sy_finding_set(f, SY_R_EMAIL_SYNTAX, SY_ERROR,
		    "\"mailto:\" in an address field: write the bare address");
	if (skip_cfws(&p, f))
		return true;
	local = p;
	if (*p == '"') {
		if (check_quoted(&p, f))
			return true;
	} else if (check_dot_atom(&p, f))
		return true;
	lend = p;
	if (lend == local)
		return sy_finding_set(f, SY_R_EMAIL_SYNTAX, SY_ERROR,
		    *p == '@' ? "empty local part"
		        : *p == '\0'
		        ? "no \"@\" in address"
		        : "character '%c' not allowed in an address",
		    *p);
	if (skip_cfws(&p, f))
		return true;
	if (*p == '\0')
		return sy_finding_set(
		    f, SY_R_EMAIL_SYNTAX, SY_ERROR, "no \"@\" in address");
	if (*p != '@') {
		if (*p == '.' && lend[-1] == '"')
			return sy_finding_set(f, SY_R_EMAIL_SYNTAX, SY_ERROR,
			    "obsolete local part (quoted and unquoted words)");
		return sy_finding_set(f, SY_R_EMAIL_SYNTAX, SY_ERROR,
		    "character '%c' not allowed in the local part", *p);
	}
	if ((size_t)(lend - local) > LOCAL_MAX)
		return sy_finding_set(f, SY_R_EMAIL_SYNTAX, SY_ERROR,
		    "local part is %zu octets long; the limit is 64",
		    (size_t)(lend - local));
	p++;
	if (skip_cfws(&p, f))
		return true;
	d = p;
	if (*p == '[') {
		dend = strchr(p, ']');
		if (dend == NULL)
			return sy_finding_set(f, SY_R_EMAIL_DOMAIN, SY_ERROR,
			    "address literal without its closing ']'");
		if (check_literal(p + 1, (size_t)(dend - p - 1), f) &&
		    f->severity == SY_ERROR)
			return true;
		p = dend + 1;
		dend = p;
	} else {
		for (; *p != '\0' && *p != '(' && *p != ' ' && *p != '\t' &&
		     *p != '@';
		     p++)
			;
		dend = p;
		if (*p == '@')
			return sy_finding_set(f, SY_R_EMAIL_SYNTAX, SY_ERROR,
			    "more than one \"@\" in address");
		/* White space after the domain is an error of its own. */
		if (skip_cfws(&p, f))
			return true;
		if (domain_to_ascii(d, (size_t)(dend - d), &ascii, f))
			return true;
	}
	if (skip_cfws(&p, f))
		goto fail;
	if (*p != '\0') {
		sy_finding_set(f, SY_R_EMAIL_SYNTAX, SY_ERROR,
		    "junk after the domain: \"%.20s\"", p);
		goto fail;
	}
	if ((size_t)(lend - local) + 1 + (size_t)(dend - d) > ADDR_MAX) {
		sy_finding_set(f, SY_R_EMAIL_SYNTAX, SY_ERROR,
		    "address is %zu octets long; the limit is 254",
		    (size_t)(lend - local) + 1 + (size_t)(dend - d));
		goto fail;
	}
	if (dom != NULL)
		*dom = ascii;
	else
		free(ascii);
	return false;
fail:
	free(ascii);
	return true;
}

bool
sy_email_check(const char *addr, struct sy_finding *f)
{
	struct sy_finding local;

	if (f == NULL)
		f = &local;
	memset(f, 0, sizeof(*f));
	f->rule = SY_R_NONE;
	parse(addr, f, NULL);
	return f->rule != SY_R_NONE;
}

char *
sy_email_domain(const char *addr)
{
	struct sy_finding f;
	char *d = NULL;

	memset(&f, 0, sizeof(f));
	if (parse(addr, &f, &d))
		return NULL;
	return d;
}

static int
hexval(char c)
{
	return SY_ISDIGIT(c) ? c - '0' : (SY_TOLOWER(c) - 'a' + 10);
}

/*
 * Percent-decodes s[0..n) into a new string; *bad is set when an escape
 * is malformed or decodes to NUL.  NULL when out of memory.
 */
static char *
pct_decode(const char *s, size_t n, bool *bad)
{
	char *out;
	size_t i, j = 0;

	out = malloc(n + 1);
	if (out == NULL)
		return NULL;
	for (i = 0; i < n; i++) {
		if (s[i] == '%') {
			if (i + 2 >= n || !SY_ISXDIGIT(s[i + 1]) ||
			    !SY_ISXDIGIT(s[i + 2]) ||
			    (s[i + 1] == '0' && s[i + 2] == '0')) {
				*bad = true;
				out[j++] = s[i];
				continue;
			}
			out[j++] =
			    (char)(hexval(s[i + 1]) * 16 + hexval(s[i + 2]));
			i += 2;
		} else
			out[j++] = s[i];
	}
	out[j] = '\0';
	return out;
}

struct addrlist {
	char **v;
	int n;
	bool bad; /* a malformed percent-escape */
};

/* Splits s[0..n) at commas and appends the decoded pieces. */
static int
add_list(struct addrlist *l, const char *s, size_t n, bool keep_empty)
{
	const char *p = s, *e, *end = s + n;
	char **nv, *a;

	for (;;) {
		e = memchr(p, ',', (size_t)(end - p));
		if (e == NULL)
			e = end;
		if (e > p || keep_empty) {
			a = pct_decode(p, (size_t)(e - p), &l->bad);
			if (a == NULL)
				return -1;
			nv = sy_reallocarray(
			    l->v, (size_t)l->n + 1, sizeof(*nv));
			if (nv == NULL) {
				free(a);
				return -1;
			}
			l->v = nv;
			l->v[l->n++] = a;
		}
		if (e == end)
			return 0;
		p = e + 1;
	}
}

/* Collects the addresses of a mailto: URL. */
static int
mailto_split(const char *url, struct addrlist *l, bool keep_empty)
{
	const char *p, *q, *e, *eq;
	bool dummy = false;
	char *name;
	int to;

	memset(l, 0, sizeof(*l));
	if (!sy_has_prefix_ci(url, "mailto:"))
		return 0;
	p = url + 7;
	q = p + strcspn(p, "?#");
	if (q > p && add_list(l, p, (size_t)(q - p), keep_empty) != 0)
		return -1;
	if (*q != '?')
		return 0;
	for (p = q + 1; *p != '\0' && *p != '#'; p = *e == '&' ? e + 1 : e) {
		e = p + strcspn(p, "&#");
		eq = memchr(p, '=', (size_t)(e - p));
		if (eq == NULL)
			continue;
		name = pct_decode(p, (size_t)(eq - p), &dummy);
		if (name == NULL)
			return -1;
		to = sy_strcasecmp(name, "to") == 0;
		free(name);
		if (to && e > eq + 1 &&
		    add_list(l, eq + 1, (size_t)(e - eq - 1), keep_empty) != 0)
			return -1;
	}
	return 0;
}

void
sy_email_list_free(char **list, int n)
{
	int i;

	if (list == NULL)
		return;
	for (i = 0; i < n; i++)
		free(list[i]);
	free(list);
}

int
sy_mailto_addresses(const char *url, char ***out)
{
	struct addrlist l;

	*out = NULL;
	if (url == NULL)
		return 0;
	if (mailto_split(url, &l, false) != 0) {
		sy_email_list_free(l.v, l.n);
		return -1;
	}
	*out = l.v;
	return l.n;
}

bool
sy_mailto_check(const char *url, struct sy_finding *f)
{
	struct sy_finding local, one;
	struct addrlist l;
	int i;

	if (f == NULL)
		f = &local;
	memset(f, 0, sizeof(*f));
	f->rule = SY_R_NONE;
	if (url == NULL || !sy_has_prefix_ci(url, "mailto:"))
		return sy_finding_set(
		    f, SY_R_URL_SCHEME, SY_ERROR, "not a mailto: URL");
	if (mailto_split(url, &l, true) != 0) {
		sy_email_list_free(l.v, l.n);
		return sy_finding_set(
		    f, SY_R_EMAIL_SYNTAX, SY_ERROR, "out of memory");
	}
	if (l.bad)
		sy_finding_set(f, SY_R_URL_SYNTAX, SY_ERROR,
		    "malformed percent-escape in mailto: URL");
	else if (l.n == 0)
		sy_finding_set(f, SY_R_EMAIL_SYNTAX, SY_ERROR,
		    "mailto: URL without an address");
	for (i = 0; i < l.n && f->severity != SY_ERROR; i++) {
		if (l.v[i][0] == '\0') {
			sy_finding_set(f, SY_R_EMAIL_SYNTAX, SY_ERROR,
			    "empty address in mailto: list (stray comma?)");
			break;
		}
		if (sy_email_check(l.v[i], &one))
			sy_finding_set(
			    f, one.rule, one.severity, "%s", one.message);
	}
	sy_email_list_free(l.v, l.n);
	return f->rule != SY_R_NONE;
}
