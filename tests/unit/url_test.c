#include "lib/url.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/util.h"
#include "t.h"

#define H SY_URL_HTTP
#define R (SY_URL_HTTP | SY_URL_RELATIVE)
#define M (SY_URL_HTTP | SY_URL_RELATIVE | SY_URL_MAILTO)
#define A (SY_URL_HTTP | SY_URL_RELATIVE | SY_URL_MAILTO | SY_URL_ANY)

#define OK SY_R_NONE, SY_NOTE
#define SYN SY_R_URL_SYNTAX, SY_ERROR
#define SYNW SY_R_URL_SYNTAX, SY_WARNING
#define SCH SY_R_URL_SCHEME, SY_ERROR
#define ESYN SY_R_EMAIL_SYNTAX, SY_ERROR
#define EDOM SY_R_EMAIL_DOMAIN, SY_ERROR

static const struct {
	const char *url;
	unsigned flags;
	enum sy_rule rule;
	enum sy_severity sev;
	const char *msg; /* a substring of the message, or NULL */
} checks[] = {
    /* Plain good links. */
    {"https://example.com/", H, OK, NULL},
    {"http://example.com", H, OK, NULL},
    {"HTTPS://Example.COM/Path?q=1#frag", H, OK, NULL},
    {"https://www.example.com:8443/a/b;c?d=e&f=g#h", H, OK, NULL},
    {"https://example.com./fqdn", H, OK, NULL},
    {"https://a.b.c.d.example.co.uk/x", H, OK, NULL},
    {"https://r3---sn-abc.googlevideo.com/videoplayback", H, OK, NULL},
    {"https://example.com/~user/%E6%96%87", H, OK, NULL},
    {"https://example.com/a?b=[1]", H, OK, NULL},
    {"https://example.com/search?q={x}|y", H, OK, NULL},
    {"https://example.com:/", H, OK, NULL},
    /* IRIs: non-ASCII path and IDN hosts are fine. */
    {"https://example.com/文章/一", H, OK, NULL},
    {"https://news.example.tw/2025/深度求索後發先至?utm=一#段落", H, OK, NULL},
    {"https://例子.台灣/", H, OK, NULL},
    {"https://bücher.de/katalog", H, OK, NULL},
    {"https://BÜCHER.de/", H, OK, NULL},
    {"https://xn--bcher-kva.de/", H, OK, NULL},
    {"https://例子。台灣/", H, OK, NULL},
    {"https://παράδειγμα.δοκιμή/", H, OK, NULL},
    {"https://xn--bcher-xxx.de/", H, SYN, "not a valid internationalised"},
    {"https://a\xe2\x80\x8b"
     "b.com/",
        H, SYN, "U+200B"},
    /* IP addresses. */
    {"http://127.0.0.1:8080/x", H, OK, NULL},
    {"http://255.255.255.255/", H, OK, NULL},
    {"http://0.0.0.0/", H, OK, NULL},
    {"http://999.1.1.1/", H, SYN, "part 999 is out of range"},
    {"http://256.1.1.1/", H, SYN, "part 256 is out of range"},
    {"http://1.2.3/", H, SYN, "not an IPv4 address of four numbers"},
    {"http://1.2.3.4.5/", H, SYN, "not an IPv4 address"},
    {"http://010.1.1.1/", H, SYN, "leading zero"},
    {"http://1234/", H, SYN, "not an IPv4 address"},
    {"http://example.123/", H, SYN, "top-level domain \"123\""},
    {"http://[::1]/", H, OK, NULL},
    {"http://[2001:db8::7]:8080/x", H, OK, NULL},
    {"http://[::ffff:192.0.2.1]/", H, OK, NULL},
    {"http://[2001:db8::g]/", H, SYN, "invalid IPv6 address"},
    {"http://[::1/", H, SYN, "closing ']'"},
    {"http://[fe80::1%25eth0]/", H, SYN, "zone identifier"},
    {"http://[v1.x]/", H, SYN, "IPvFuture"},
    {"http://[::1]x/", H, SYN, "junk after"},
    /* Hosts. */
    {"http://localhost/", H, SYN, "reader's own machine"},
    {"http://app.localhost/", H, SYN, "reader's own machine"},
    {"http://intranet/page", H, SYN, "has no dot"},
    {"http://-bad.example.com/", H, SYN,
        "host label \"-bad\" starts with a hyphen"},
    {"http://bad-.example.com/", H, SYN, "ends with a hyphen"},
    {"http://a..b.com/", H, SYN, "empty label"},
    {"http://.example.com/", H, SYN, "empty label"},
    {"https://a.b../", H, SYN, "empty label"},
    {"https://vimeo.\xef\xbd\xa1/1", H, SYN, "empty label"},
    {"http://exa$mple.com/", H, SYN, "character '$' in host"},
    {"http://exa%41mple.com/", H, SYN, "character '%' in host"},
    {"http://my_site.example.com/", H, SYNW, "'_' in host label"},
    {"http:///path", H, SYN, "empty host"},
    {"http://:80/", H, SYN, "empty host"},
    {"http:/example.com/", H, SYN, "missing \"//\""},
    {"https:example.com", H, SYN, "missing \"//\""},
    /* Limits: label 63/64, host 253/254. */
    {"http://aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
     ".com/",
        H, OK, NULL},
    {"http://aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
     ".com/",
        H, SYN, "longer than 63 octets"},
    {"http://aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa."
     "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb."
     "ccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccc."
     "ddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddd/",
        H, OK, NULL},
    {"http://aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa."
     "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb."
     "ccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccc."
     "dddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddd/",
        H, SYN, "longer than 253 octets"},
    /* Ports. */
    {"http://example.com:1/", H, OK, NULL},
    {"http://example.com:65535/", H, OK, NULL},
    {"http://example.com:65536/", H, SYN, "port 65536 is out of range"},
    {"http://example.com:99999/", H, SYN, "port 99999 is out of range"},
    {"http://example.com:0/", H, SYN, "port 0 is out of range"},
    {"http://example.com:80a/", H, SYN, "port \"80a\" is not a number"},
    {"http://example.com:-1/", H, SYN, "is not a number"},
    /* Characters. */
    {"https://example.com/a b", H, SYN, "space in URL"},
    {" https://example.com/", H, SYN, "space in URL"},
    {"https://example.com/\t", H, SYN, "control character U+0009"},
    {"https://example.com/\x7f", H, SYN, "U+007F"},
    {"https://example.com/\xc2\x85", H, SYN, "control character U+0085"},
    {"https://example.com/a\xe3\x80\x80"
     "b",
        H, SYN, "U+3000"},
    {"https://example.com/\xff", H, SYN, "invalid UTF-8"},
    {"https://example.com/\xe6\x96", H, SYN, "invalid UTF-8"},
    {"https://example.com/%zz", H, SYN, "malformed percent-escape \"%zz\""},
    {"https://example.com/100%", H, SYN, "\"%\" at the end"},
    {"https://example.com/%4", H, SYN, "malformed percent-escape"},
    {"https://example.com/?q=50%off", H, SYN, "malformed percent-escape"},
    {"https://example.com/%41%6a", H, OK, NULL},
    {"https://example.com\\path", H, SYN, "backslash"},
    {"https://example.com/\">", H, SYN, "left over markup"},
    {"https://example.com/<b>", H, SYN, "left over markup"},
    /* Userinfo. */
    {"https://user:pw@example.com/", H, SYNW, "user name or password"},
    {"https://user@localhost/", H, SYN, "reader's own machine"},
    /* Schemes. */
    {"javascript:alert(1)", A, SCH, "javascript:"},
    {"JavaScript:void(0)", A, SCH, NULL},
    {"data:text/html,<b>x</b>", A, SCH, "data:"},
    {"vbscript:msgbox", A, SCH, "vbscript:"},
    {"ftp://example.com/f", H, SCH, "scheme \"ftp:\""},
    {"file:///etc/passwd", R, SCH, "scheme \"file:\""},
    {"tel:+886-2-1234-5678", M, SCH, "scheme \"tel:\""},
    {"tel:+886-2-1234-5678", A, OK, NULL},
    {"ftp://example.com/f", A, OK, NULL},
    {"example.com/page", H, SCH, "missing \"https://\""},
    {"www.example.com", H, SCH, "relative URL where an absolute"},
    {"/2025/01/post.html", H, SCH,
        "relative URL where an absolute http(s) URL is required"},
    {"example.com:8080/x", H, SCH, "no scheme"},
    /* Relative references inside content. */
    {"/2025/01/post.html", R, OK, NULL},
    {"../img/a.png", R, OK, NULL},
    {"#section-2", R, OK, NULL},
    {"?page=2", R, OK, NULL},
    {"文章/一.html", R, OK, NULL},
    {"a%2", R, SYN, "malformed percent-escape"},
    {"a b.html", R, SYN, "space in URL"},
    {"//cdn.example.com/x.js", R, OK, NULL},
    {"//-bad.example.com/x.js", R, SYN, "starts with a hyphen"},
    /* mailto: */
    {"mailto:editor@example.com", M, OK, NULL},
    {"mailto:editor@example.com", H, SCH, "mailto: URL where"},
    {"mailto:editor@example.com", R, SCH, "mailto:"},
    {"mailto:", M, ESYN, "without an address"},
    {"mailto:editor@localhost", M, EDOM, "has no dot"},
    {"mailto:a@b.com?subject=%E4%BD%A0", M, OK, NULL},
};

static const struct {
	const char *in, *out;
} uris[] = {
    {"https://example.com/a", "https://example.com/a"},
    {"https://example.com/文章/一",
        "https://example.com/%E6%96%87%E7%AB%A0/%E4%B8%80"},
    {"https://例子.台灣/", "https://xn--fsqu00a.xn--kpry57d/"},
    {"https://bücher.de/ä?q=ü#ö",
        "https://xn--bcher-kva.de/%C3%A4?q=%C3%BC#%C3%B6"},
    {"https://example.com/%e6%96%87", "https://example.com/%e6%96%87"},
    {"https://example.com/a?b=c&d=e/f:g@h;i=j#k",
        "https://example.com/a?b=c&d=e/f:g@h;i=j#k"},
    {"https://example.com/{x}|^`", "https://example.com/%7Bx%7D%7C%5E%60"},
    {"https://example.com/50%", "https://example.com/50%25"},
    {"https://example.com/%4", "https://example.com/%254"},
    {"https://example.com/%4g%41", "https://example.com/%254g%41"},
    {"https://example.com/%41", "https://example.com/%41"},
    {"https://example.com/\"q\"\\", "https://example.com/%22q%22%5C"},
    {"https://example.com/tab\tdel\x7f", "https://example.com/tab%09del%7F"},
    {"https://ü@bücher.de:8080/", "https://%C3%BC@xn--bcher-kva.de:8080/"},
    {"http://[::1]:80/é", "http://[::1]:80/%C3%A9"},
    {"文章/一", "%E6%96%87%E7%AB%A0/%E4%B8%80"},
    {"https://example.com/a b", "https://example.com/a%20b"},
    {"https://-bad.例子.tw/", NULL},
    {"https://example.com/\xff", NULL},
};

/* RFC 3986 5.4 with the base "http://a/b/c/d;p?q". */
static const struct {
	const char *ref, *out;
} resolves[] = {
    {"g:h", "g:h"},
    {"g", "http://a/b/c/g"},
    {"./g", "http://a/b/c/g"},
    {"g/", "http://a/b/c/g/"},
    {"/g", "http://a/g"},
    {"//g", "http://g/"},
    {"?y", "http://a/b/c/d;p?y"},
    {"g?y", "http://a/b/c/g?y"},
    {"#s", "http://a/b/c/d;p?q#s"},
    {"g#s", "http://a/b/c/g#s"},
    {"g?y#s", "http://a/b/c/g?y#s"},
    {";x", "http://a/b/c/;x"},
    {"g;x", "http://a/b/c/g;x"},
    {"g;x?y#s", "http://a/b/c/g;x?y#s"},
    {"", "http://a/b/c/d;p?q"},
    {".", "http://a/b/c/"},
    {"./", "http://a/b/c/"},
    {"..", "http://a/b/"},
    {"../", "http://a/b/"},
    {"../g", "http://a/b/g"},
    {"../..", "http://a/"},
    {"../../", "http://a/"},
    {"../../g", "http://a/g"},
    /* Abnormal examples, 5.4.2. */
    {"../../../g", "http://a/g"},
    {"../../../../g", "http://a/g"},
    {"/./g", "http://a/g"},
    {"/../g", "http://a/g"},
    {"g.", "http://a/b/c/g."},
    {".g", "http://a/b/c/.g"},
    {"g..", "http://a/b/c/g.."},
    {"..g", "http://a/b/c/..g"},
    {"./../g", "http://a/b/g"},
    {"./g/.", "http://a/b/c/g/"},
    {"g/./h", "http://a/b/c/g/h"},
    {"g/../h", "http://a/b/c/h"},
    {"g;x=1/./y", "http://a/b/c/g;x=1/y"},
    {"g;x=1/../y", "http://a/b/c/y"},
    {"g?y/./x", "http://a/b/c/g?y/./x"},
    {"g?y/../x", "http://a/b/c/g?y/../x"},
    {"g#s/./x", "http://a/b/c/g#s/./x"},
    {"g#s/../x", "http://a/b/c/g#s/../x"},
};

static void
test_checks(void)
{
	struct sy_finding f;
	size_t i;
	bool r;

	for (i = 0; i < SY_NELEM(checks); i++) {
		r = sy_url_check(checks[i].url, checks[i].flags, &f);
		T_INTEQ(r, checks[i].rule != SY_R_NONE, "check %s: returns %d",
		    checks[i].url, checks[i].rule != SY_R_NONE);
		T_STREQ(sy_rule_name(f.rule), sy_rule_name(checks[i].rule),
		    "check %s: rule", checks[i].url);
		if (checks[i].rule != SY_R_NONE)
			T_INTEQ(f.severity, checks[i].sev, "check %s: severity",
			    checks[i].url);
		if (checks[i].msg != NULL &&
		    !T_OK(strstr(f.message, checks[i].msg) != NULL,
		        "check %s: message has \"%s\"", checks[i].url,
		        checks[i].msg))
			printf("#   message: %s\n", f.message);
	}
}

static void
test_uri(void)
{
	size_t i;
	char *s, *t;

	for (i = 0; i < SY_NELEM(uris); i++) {
		s = sy_url_to_uri(uris[i].in);
		T_STREQ(s, uris[i].out, "to_uri %s", uris[i].in);
		/* The shortcut: only a URI that stays as it is. */
		T_INTEQ(sy_url_is_uri(uris[i].in),
		    uris[i].out != NULL && strcmp(uris[i].in, uris[i].out) == 0,
		    "is_uri %s", uris[i].in);
		if (s != NULL) {
			/* Deterministic and idempotent. */
			t = sy_url_to_uri(s);
			T_STREQ(t, s, "to_uri is idempotent on %s", s);
			free(t);
		}
		free(s);
	}
}

static void
test_resolve(void)
{
	size_t i;
	char *s;

	for (i = 0; i < SY_NELEM(resolves); i++) {
		s = sy_url_resolve("http://a/b/c/d;p?q", resolves[i].ref);
		T_STREQ(s, resolves[i].out, "resolve \"%s\"", resolves[i].ref);
		free(s);
	}
	s = sy_url_resolve(
	    "https://example.com/2025/01/post.html", "../../img/圖.png");
	T_STREQ(s, "https://example.com/img/%E5%9C%96.png",
	    "resolve an IRI reference");
	free(s);
	s = sy_url_resolve("https://例子.台灣/a/b", "c");
	T_STREQ(s, "https://xn--fsqu00a.xn--kpry57d/a/c",
	    "resolve against an IDN base");
	free(s);
	s = sy_url_resolve("not a url", "c");
	T_STREQ(s, NULL, "resolve against a bad base");
	free(s);
}

static void
test_host(void)
{
	char *s;

	s = sy_url_host("https://WWW.Example.COM:8080/x");
	T_STREQ(s, "www.example.com", "host lower-cased");
	free(s);
	s = sy_url_host("https://例子.台灣/");
	T_STREQ(s, "xn--fsqu00a.xn--kpry57d", "host in IDNA form");
	free(s);
	s = sy_url_host("https://Bücher.DE/");
	T_STREQ(s, "xn--bcher-kva.de", "host in IDNA form, mixed case");
	free(s);
	s = sy_url_host("http://[::1]:8080/");
	T_STREQ(s, "[::1]", "IPv6 host");
	free(s);
	s = sy_url_host("/relative/path");
	T_STREQ(s, NULL, "no host in a relative URL");
	free(s);
	T_OK(sy_url_has_scheme("MAILTO:a@b.c", "mailto"), "has_scheme ci");
	T_OK(sy_url_has_scheme("https://x", "https:"), "has_scheme colon");
	T_OK(!sy_url_has_scheme("http://x", "https"), "has_scheme http");
	T_OK(!sy_url_has_scheme("httpsx://x", "https"), "has_scheme prefix");
	T_OK(!sy_url_has_scheme(NULL, "https"), "has_scheme NULL");
}

/* One check with and one without the memo give the very same finding. */
static bool
same_with_memo(const char *url, unsigned flags, struct sy_url_memo *memo)
{
	struct sy_finding f1, f2;
	bool r1, r2;

	r1 = sy_url_check(url, flags, &f1);
	r2 = sy_url_check_memo(url, flags, &f2, memo);
	if (r1 == r2 && f1.rule == f2.rule &&
	    (f1.rule == SY_R_NONE ||
	        (f1.severity == f2.severity &&
	            strcmp(f1.message, f2.message) == 0)))
		return true;
	printf("#   %s: %d %s \"%s\" without memo, %d %s \"%s\" with\n", url,
	    r1, sy_rule_name(f1.rule), f1.message, r2, sy_rule_name(f2.rule),
	    f2.message);
	return false;
}

static size_t
memo_used(const struct sy_url_memo *memo)
{
	size_t i, n = 0;

	for (i = 0; i < SY_URL_MEMO_SLOTS; i++)
		n += memo->slot[i].len > 0;
	return n;
}

static bool
memo_holds(const struct sy_url_memo *memo, const char *key)
{
	size_t i;

	for (i = 0; i < SY_URL_MEMO_SLOTS; i++)
		if (memo->slot[i].len == strlen(key) &&
		    memcmp(memo->slot[i].key, key, strlen(key)) == 0)
			return true;
	return false;
}

/*
 * Sequences through one memo: the same authority with other paths, an
 * authority accepted and then a variant of it (port, user, IDN form,
 * scheme), authorities libcurl alone rejects, twice.
 */
static const char *const memo_seq[] = {
    "https://example.com/a",
    "https://example.com/b?x=1#y",
    "https://example.com/文章/一?q=段落#頭",
    "https://example.com",
    "https://example.com?q",
    "https://example.com#f",
    "https://example.com/a b",
    "https://example.com/%zz",
    "https://example.com/a\\b",
    "https://example.com/<b>",
    "https://example.com/\xe2\x80\x8b",
    "https://example.com/\xff",
    "https://example.com:8080/",
    "https://example.com:65536/",
    "https://example.com:0/",
    "https://example.com:/",
    "https://example.com:8080:90/",
    "https://example.com:x/",
    "https://b@example.com/",
    "https://a@b@example.com/",
    "https://a@b@example.com/again",
    "https://u:p@example.com/",
    "https://u:p@example.com/other",
    "https://bücher.de/katalog",
    "https://bücher.de/andere",
    "https://BÜCHER.de/",
    "https://xn--bcher-kva.de/",
    "https://xn--bcher-xxx.de/",
    "https://例子。台灣/",
    "https://例子.台灣/",
    "https://例子.台灣/路徑",
    "http://example.com/",
    "HTTP://example.com/",
    "https:/example.com/",
    "https:///example.com/",
    "https://[::1]/",
    "https://[::1]:80/",
    "https://[::1]x/",
    "https://[::1%25eth0]/",
    "https://ex_ample.com/",
    "https://ex_ample.com/2",
    "https://localhost/",
    "https://intranet/",
    "https://1.2.3/",
    "https://127.0.0.1/",
    "https://127.0.0.1/x",
    "mailto:a@example.com",
    "ftp://example.com/",
    "//example.com/x",
    "/relative",
};

static void
test_memo(void)
{
	struct sy_url_memo memo;
	static const unsigned fl[] = {H, R, M, A};
	char *long_url;
	size_t i, j, bad;
	int round;

	sy_url_memo_init(&memo);
	T_INTEQ(memo_used(&memo), 0, "a new memo is empty");
	for (round = 0; round < 2; round++) {
		bad = 0;
		for (i = 0; i < SY_NELEM(checks); i++)
			bad += !same_with_memo(
			    checks[i].url, checks[i].flags, &memo);
		T_INTEQ(bad, 0, "table, round %d: memo changes no verdict",
		    round + 1);
	}
	T_OK(memo_used(&memo) > 10, "the table filled the memo (%zu slots)",
	    memo_used(&memo));
	sy_url_memo_fini(&memo);

	sy_url_memo_init(&memo);
	for (round = 0; round < 2; round++) {
		bad = 0;
		for (i = 0; i < SY_NELEM(memo_seq); i++)
			for (j = 0; j < SY_NELEM(fl); j++)
				bad +=
				    !same_with_memo(memo_seq[i], fl[j], &memo);
		T_INTEQ(bad, 0, "sequence, round %d: memo changes no verdict",
		    round + 1);
	}
	T_OK(memo_holds(&memo, "https://example.com"),
	    "an accepted authority is memoized");
	T_OK(memo_holds(&memo, "https://bücher.de"),
	    "an IDN authority is memoized as written");
	T_OK(!memo_holds(&memo, "https://a@b@example.com"),
	    "an authority libcurl rejects is not memoized");
	T_OK(!memo_holds(&memo, "https://example.com:65536"),
	    "an authority we reject is not memoized");
	T_OK(!memo_holds(&memo, "https://ex_ample.com"),
	    "an authority with a warning is not memoized (a hit says "
	    "nothing)");
	sy_url_memo_fini(&memo);

	/* A prefix over the key bound is checked by libcurl every time. */
	long_url = malloc(300);
	if (long_url != NULL) {
		memset(long_url, 'a', 299);
		long_url[299] = '\0';
		memcpy(long_url, "https://", 8);
		memcpy(long_url + 200, ".example.com/x", 14);
		sy_url_memo_init(&memo);
		T_OK(same_with_memo(long_url, H, &memo) &&
		        same_with_memo(long_url, H, &memo),
		    "a long authority: same verdict");
		T_INTEQ(
		    memo_used(&memo), 0, "a long authority is not memoized");
		sy_url_memo_fini(&memo);
		free(long_url);
	}
	sy_url_memo_fini(NULL);
}

/* Every byte value in a path: the ones scan_chars() refuses, and no other. */
static void
test_bytes(void)
{
	char url[32];
	struct sy_finding f;
	size_t bad = 0;
	bool r, want;
	int c;

	for (c = 1; c < 256; c++) {
		snprintf(url, sizeof(url), "https://example.com/a%cb", c);
		want = c <= 0x20 || c == '"' || c == '%' || c == '<' ||
		    c == '>' || c == '\\' || c >= 0x7f;
		r = sy_url_check(url, H, &f);
		if (r != want || (r && f.rule != SY_R_URL_SYNTAX)) {
			printf("#   byte 0x%02x: %d\n", c, r);
			bad++;
		}
	}
	T_INTEQ(bad, 0, "each byte value in a path is judged as it should");

	/*
	 * The same at every offset of a longer path (the scan takes 16
	 * bytes at a time), and characters and escapes the scan must stop
	 * at: judged the same wherever they are.
	 */
	{
		static const struct {
			const char *s;
			bool bad;
		} pieces[] = {{"\xe2\x80\x8b", true}, {"\xc2\xa0", true},
		    {"\xe6\x96\x87", false}, {"%41", false}, {"%4", true},
		    {"%", true}, {"\xc2\x85", true}, {"\xed\xa0\x80", true}};
		struct sy_url_memo memo;
		char u[128];
		size_t at, k;

		sy_url_memo_init(&memo);
		bad = !!sy_url_check_memo("https://example.com/", H, &f, &memo);
		for (at = 0; at <= 40; at++) {
			for (c = 1; c < 256; c++) {
				want = c <= 0x20 || c == '"' || c == '%' ||
				    c == '<' || c == '>' || c == '\\' ||
				    c >= 0x7f;
				snprintf(u, sizeof(u),
				    "https://example.com/%.*s%c%s", (int)at,
				    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
				    "aa",
				    c, "zzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzz");
				r = sy_url_check(u, H, &f);
				bad += r != want ||
				    (r && f.rule != SY_R_URL_SYNTAX);
				/* the authority memoized: no libcurl to catch
				 * it */
				r = sy_url_check_memo(u, H, &f, &memo);
				bad += r != want ||
				    (r && f.rule != SY_R_URL_SYNTAX);
			}
			for (k = 0; k < SY_NELEM(pieces); k++) {
				snprintf(u, sizeof(u),
				    "https://example.com/%.*s%s%s", (int)at,
				    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
				    "aa",
				    pieces[k].s,
				    "zzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzz");
				r = sy_url_check(u, H, &f);
				bad += r != pieces[k].bad;
				r = sy_url_check_memo(u, H, &f, &memo);
				bad += r != pieces[k].bad;
			}
		}
		sy_url_memo_fini(&memo);
		T_INTEQ(bad, 0,
		    "each byte, escape and invisible character at every offset "
		    "of a 60-byte path is judged as it should, memo or not");
	}
}

/*
 * sy_url_is_uri on each byte (from 0x01) between two letters of a path:
 * false exactly for those RFC 3986 leaves out (controls, space, '"',
 * '<', '>', '\\', '^', '`', '{', '|', '}', 0x7F and up) and for '%'
 * not before two hex digits; and "%41" is kept.
 */
static void
test_uri_bytes(void)
{
	char url[32];
	unsigned c;
	size_t wrong = 0;

	for (c = 1; c < 256; c++) {
		bool out =
		    c <= 0x20 || c >= 0x7f || strchr("\"<>\\^`{|}%", (int)c);

		snprintf(url, sizeof(url), "https://e.org/a%cb", (char)c);
		wrong += sy_url_is_uri(url) == out;
	}
	T_INTEQ(
	    wrong, 0, "is_uri: each byte from 0x01 judged as RFC 3986 says");
	T_OK(sy_url_is_uri("https://e.org/%41b"), "is_uri: %%41 is kept");
}

int
main(void)
{
	struct sy_finding f;

	test_checks();
	test_uri();
	test_uri_bytes();
	test_resolve();
	test_host();
	test_memo();
	test_bytes();
	T_OK(sy_url_check("", SY_URL_HTTP, &f) && f.rule == SY_R_URL_SYNTAX,
	    "empty URL is url-syntax");
	T_OK(sy_url_check("javascript:x", SY_URL_ANY, NULL),
	    "NULL finding is allowed");
	return t_done();
}
