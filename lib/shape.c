/* shape.c: language tags, MIME types, slugs. */
#include <string.h>

#include "shape.h"
#include "util.h"

/* Length of the run of characters at s accepted by the predicate. */
static size_t
span_alpha(const char *s)
{
	size_t n = 0;

	while (SY_ISALPHA((unsigned char)s[n]))
		n++;
	return n;
}

static size_t
span_alnum(const char *s)
{
	size_t n = 0;

	while (SY_ISALNUM((unsigned char)s[n]))
		n++;
	return n;
}

static bool
all_digits(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!SY_ISDIGIT((unsigned char)s[i]))
			return false;
	return true;
}

static bool
all_alpha(const char *s, size_t n)
{
	return span_alpha(s) >= n;
}

bool
sy_shape_is_langtag(const char *tag)
{
	static const char *irregular[] = {"en-GB-oed", "i-ami", "i-bnn",
	    "i-default", "i-enochian", "i-hak", "i-klingon", "i-lux", "i-mingo",
	    "i-navajo", "i-pwn", "i-tao", "i-tay", "i-tsu", "sgn-BE-FR",
	    "sgn-BE-NL", "sgn-CH-DE"};
	const char *s = tag;
	size_t n, i, nextlang = 0;
	int stage = 0; /* 0 lang, 1 extlang, 2 script, 3 region, 4 variant */

	/* (each compared only when the first letters agree: "zh-Hant"
	 * was 17 calls, 5% of a build's instructions) */
	for (i = 0; i < SY_NELEM(irregular); i++)
		if (SY_TOLOWER((unsigned char)*tag) == irregular[i][0] &&
		    sy_strcasecmp(tag, irregular[i]) == 0)
			return true;
	if (sy_has_prefix_ci(s, "x-"))
		goto privateuse;
	n = span_alnum(s);
	if (n < 2 || n > 8 || !all_alpha(s, n))
		return false;
	stage = n <= 3 ? 1 : 2;
	s += n;
	while (*s == '-') {
		s++;
		n = span_alnum(s);
		if (n == 0 || (s[n] != '\0' && s[n] != '-'))
			return false;
		if (n == 1) {
			if (SY_TOLOWER((unsigned char)*s) == 'x')
				goto privateuse_sub;
			/* An extension: singleton then 2-8 alnum subtags. */
			s += 1;
			if (*s != '-')
				return false;
			i = 0;
			while (*s == '-') {
				size_t m = span_alnum(s + 1);

				if (m == 1)
					break;
				if (m < 2 || m > 8)
					return false;
				s += 1 + m;
				i++;
			}
			if (i == 0)
				return false;
			stage = 5;
			continue;
		}
		if (stage > 4)
			return false;
		if (stage == 1 && n == 3 && all_alpha(s, n) && nextlang < 3) {
			nextlang++;
		} else if (stage <= 2 && n == 4 && all_alpha(s, n)) {
			stage = 3;
		} else if ((stage <= 3 &&
		               ((n == 2 && all_alpha(s, n)) ||
		                   (n == 3 && all_digits(s, n)))) ||
		    (n >= 5 && n <= 8) ||
		    (n == 4 && SY_ISDIGIT((unsigned char)*s))) {
			/* A region (2ALPHA / 3DIGIT) or a variant. */
			stage = 4;
		} else {
			return false;
		}
		s += n;
	}
	return *s == '\0';
privateuse_sub:
	s += 1;
	if (*s != '-')
		return false;
	s++;
	goto privateuse_tail;
privateuse:
	s += 2;
privateuse_tail:
	for (;;) {
		n = span_alnum(s);
		if (n < 1 || n > 8)
			return false;
		s += n;
		if (*s == '\0')
			return true;
		if (*s != '-')
			return false;
		s++;
	}
}

static bool
is_tchar(int c)
{
	return SY_ISALNUM(c) || (c != '\0' && strchr("!#$%&'*+-.^_`|~", c));
}

bool
sy_shape_is_mimetype(const char *s)
{
	size_t n;

	for (n = 0; is_tchar((unsigned char)s[n]); n++)
		;
	if (n == 0 || s[n] != '/')
		return false;
	s += n + 1;
	for (n = 0; is_tchar((unsigned char)s[n]); n++)
		;
	if (n == 0)
		return false;
	s += n;
	while (*s != '\0') {
		while (*s == ' ' || *s == '\t')
			s++;
		if (*s++ != ';')
			return false;
		while (*s == ' ' || *s == '\t')
			s++;
		for (n = 0; is_tchar((unsigned char)s[n]); n++)
			;
		if (n == 0 || s[n] != '=')
			return false;
		s += n + 1;
		if (*s == '"') {
			for (s++; *s != '"'; s++) {
				if (*s == '\0')
					return false;
				if (*s == '\\' && s[1] != '\0')
					s++;
			}
			s++;
		} else {
			for (n = 0; is_tchar((unsigned char)s[n]); n++)
				;
			if (n == 0)
				return false;
			s += n;
		}
	}
	return true;
}

bool
sy_shape_is_slug(const char *s)
{
	size_t n = strlen(s), i;

	if (n == 0 || n > 64 || s[0] == '-' || s[n - 1] == '-')
		return false;
	for (i = 0; i < n; i++)
		if (!SY_ISLOWER((unsigned char)s[i]) &&
		    !SY_ISDIGIT((unsigned char)s[i]) && s[i] != '-')
			return false;
	return true;
}
