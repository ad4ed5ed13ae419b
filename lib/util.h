/*
 * util: ASCII character classes, checked number parsing, overflow-checked
 * allocation, UTF-8 and XML 1.0 character checks.  Nothing here exits.
 */
#ifndef SY_UTIL_H
#define SY_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* ASCII-only classes: safe on UTF-8 bytes, unlike <ctype.h> on char. */
#define SY_ISDIGIT(c) ((unsigned)(c) - '0' < 10)
#define SY_ISALPHA(c) (((unsigned)(c) | 32) - 'a' < 26)
#define SY_ISALNUM(c) (SY_ISALPHA(c) || SY_ISDIGIT(c))
#define SY_ISXDIGIT(c) (SY_ISDIGIT(c) || ((unsigned)(c) | 32) - 'a' < 6)
#define SY_ISSPACE(c) ((c) == ' ' || ((unsigned)(c) - '\t') < 5)
#define SY_ISUPPER(c) ((unsigned)(c) - 'A' < 26)
#define SY_ISLOWER(c) ((unsigned)(c) - 'a' < 26)
#define SY_TOLOWER(c) (SY_ISUPPER(c) ? (c) | 32 : (c))
#define SY_TOUPPER(c) (SY_ISLOWER(c) ? (c) & ~32 : (c))

#define SY_NELEM(a) (sizeof(a) / sizeof((a)[0]))

/*
 * Parses all of s as a decimal integer in [min, max].  Returns 0 and sets
 * *out, or -1 (empty, trailing junk, out of range).
 */
int sy_strtoll(const char *s, long long min, long long max, long long *out);

/* reallocarray(3) with an overflow check; NULL on overflow or ENOMEM. */
void *sy_reallocarray(void *p, size_t n, size_t size);

/*
 * Room for n elements of size bytes in the array v that holds *cap: v
 * itself when it has room, else v moved to a block of twice the
 * capacity (first when empty) or more, *cap updated.  NULL when out of
 * memory, v and *cap untouched.
 */
void *sy_grow(void *v, size_t *cap, size_t n, size_t size, size_t first);

/*
 * Asks that the block p[0, n) be backed by huge pages (2 MiB) where the
 * kernel offers them on request (Linux transparent huge pages in
 * "madvise" mode, Debian's default): one page fault per 2 MiB instead
 * of per 4 KiB, which on a virtual machine costs 10 us or more each.
 * For the large arrays that grow with the manifest (entries, hash
 * slots, keys); only the whole 2 MiB pages inside the block are asked
 * for (none in a block under 2 MiB).  Only advice: any failure is
 * ignored, and the memory is the same memory.
 */
void sy_huge(void *p, size_t n);

/*
 * malloc(n), but from 2 MiB on the block starts on a huge page and is
 * advised as above, every byte of it (free it with free()).
 */
void *sy_huge_alloc(size_t n);

/*
 * Maps in at once the whole 4 KiB pages inside p[0, n) that are not
 * mapped yet (MADV_POPULATE_WRITE, Linux 5.14): for a buffer about to be
 * written through, one call instead of a page fault a page; on this
 * project's virtual machine a fault costs about 15 us, the call about
 * 1 us a page.  Only advice, like sy_huge: a failure (an older kernel)
 * leaves the faults to come.
 */
void sy_prefault(void *p, size_t n);

/* strdup/strndup; NULL in, NULL out. */
char *sy_strdup(const char *s);
char *sy_strndup(const char *s, size_t n);

/* ASCII case-insensitive comparison. */
int sy_strcasecmp(const char *a, const char *b);
int sy_strncasecmp(const char *a, const char *b, size_t n);
bool sy_has_prefix_ci(const char *s, const char *prefix);
bool sy_has_suffix_ci(const char *s, const char *suffix);

/*
 * The edit distance between a and b, ASCII case ignored: insertions,
 * deletions, substitutions and swaps of two neighbours, one each.
 * Anything above max (or a string longer than SY_DISTANCE_MAXLEN) gives
 * max + 1.  For "did you mean" hints.
 */
#define SY_DISTANCE_MAXLEN 64
size_t sy_str_distance(const char *a, const char *b, size_t max);

/* True if b is a likely misspelling of name: a hint is worth giving. */
bool sy_str_near(const char *b, const char *name);

/* Trims ASCII white space at both ends, in place; returns s. */
char *sy_trim(char *s);

/*
 * Length in bytes of the valid UTF-8 prefix of s[0..len); equal to len
 * when all of it is valid.  Overlong forms, surrogates and code points
 * above U+10FFFF are invalid.
 */
size_t sy_utf8_valid_prefix(const char *s, size_t len);

/*
 * The same for text: also stops at a NUL byte, and sets *xml_bad (left
 * alone otherwise) when the valid prefix holds a character XML 1.0
 * forbids (see sy_xml_bad_char).  One pass for both questions.
 */
size_t sy_text_valid_prefix(const char *s, size_t len, bool *xml_bad);

/*
 * Decodes one code point of valid UTF-8 at s; returns its byte length
 * (1..4) and stores it in *cp.  s must be valid UTF-8 (see above).
 */
int sy_utf8_decode(const char *s, uint32_t *cp);

/*
 * Offset of the first character that XML 1.0 forbids (C0 controls other
 * than TAB, LF, CR; U+FFFE, U+FFFF) in valid UTF-8 s, or (size_t)-1.
 * *cp receives the code point found.
 */
size_t sy_xml_bad_char(const char *s, size_t len, uint32_t *cp);

/* Number of code points (not bytes) in s[0..off), for column reports. */
size_t sy_utf8_count(const char *s, size_t off);

#endif
