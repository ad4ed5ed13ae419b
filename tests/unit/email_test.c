#include "lib/email.h"

#include <stdlib.h>
#include <string.h>

#include "lib/util.h"
#include "t.h"

#define OK SY_R_NONE, SY_NOTE
#define SYN SY_R_EMAIL_SYNTAX, SY_ERROR
#define WARN SY_R_EMAIL_SYNTAX, SY_WARNING
#define DOM SY_R_EMAIL_DOMAIN, SY_ERROR
#define USYN SY_R_URL_SYNTAX, SY_ERROR

#define L64 "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
#define L63 "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
#define L60 "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
#define L61 "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
#define L62 "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"

/* Many of these follow the isemail test set (D. Sayers) and RFC 3696. */
static const struct {
	const char *addr;
	enum sy_rule rule;
	enum sy_severity sev;
	const char *msg;
} checks[] = {
    {"editor@example.com", OK, NULL},
    {"first.last@iana.org", OK, NULL},
    {"test+tag@sub.example.co.uk", OK, NULL},
    {"!#$%&'*+-/=?^_`{|}~@example.org", OK, NULL},
    {"x@example.com", OK, NULL},
    {"1234567890@example.com", OK, NULL},
    {"Editor@Example.COM", OK, NULL},
    {"a@xn--bcher-kva.de", OK, NULL},
    {"a@b-c.example.com", OK, NULL},
    /* Internationalised (RFC 6531). */
    {"用户@例子.广告", OK, NULL},
    {"δοκιμή@παράδειγμα.δοκιμή", OK, NULL},
    {"editor@bücher.de", OK, NULL},
    {"編輯@例子.台灣", OK, NULL},
    {"用户@例子。广告", OK, NULL},
    {"Pelé@example.com", OK, NULL},
    {"a@xn--bcher-xxx.de", DOM, "not a valid internationalised"},
    /* Empty and missing parts. */
    {"", SYN, "empty address"},
    {"@", SYN, "empty local part"},
    {"@example.com", SYN, "empty local part"},
    {"test", SYN, "no \"@\""},
    {"test@", SYN, "empty domain"},
    {"test@@example.com", SYN, NULL},
    {"a@b@example.com", SYN, "more than one \"@\""},
    {"test\\@test@example.com", SYN, NULL},
    /* Dots in the local part. */
    {".test@example.com", SYN, "starts with a dot"},
    {"test.@example.com", SYN, "ends with a dot"},
    {"te..st@example.com", SYN, "two dots in a row"},
    {"te.st@example.com", OK, NULL},
    /* Characters. */
    {"te st@example.com", SYN, "space in address"},
    {" test@example.com", SYN, "space in address"},
    {"test@example.com ", SYN, "space in address"},
    {"test@exa mple.com", SYN, NULL},
    {"a,b@example.com", SYN, "','"},
    {"a(b@example.com", SYN, NULL},
    {"a[b]@example.com", SYN, "'['"},
    {"a;b@example.com", SYN, "';'"},
    {"test\x01@example.com", SYN, "control character U+0001"},
    {"test@example.com\n", SYN, "control character U+000A"},
    {"test\xe3\x80\x80@example.com", SYN, "U+3000"},
    {"\xff@example.com", SYN, "invalid UTF-8"},
    {"Editor <editor@example.com>", SYN, "angle brackets"},
    {"<editor@example.com>", SYN, "angle brackets"},
    {"mailto:editor@example.com", SYN, "\"mailto:\""},
    /* Quoted local parts and comments: valid, but warned. */
    {"\"test\"@example.com", WARN, "quoted local part"},
    {"\"te st\"@example.com", WARN, "quoted local part"},
    {"\"te\\\"st\"@example.com", WARN, "quoted local part"},
    {"\"\"@example.com", WARN, "quoted local part"},
    {"\"test@example.com", SYN, "unterminated quoted"},
    {"\"a\".b@example.com", SYN, "obsolete"},
    {"\"te\x01st\"@example.com", SYN, "control character"},
    {"(comment)test@example.com", WARN, "comment"},
    {"test@example.com (Editor)", WARN, "comment"},
    {"test(c)@example.com", WARN, "comment"},
    {"test@(c)example.com", WARN, "comment"},
    {"((nested) comment)test@example.com", WARN, "comment"},
    {"(unterminated test@example.com", SYN, "unterminated comment"},
    /* Address literals. */
    {"test@[192.0.2.1]", WARN, "IP address literal"},
    {"test@[IPv6:2001:db8::1]", WARN, "IP address literal"},
    {"test@[IPv6:2001:db8::g]", DOM, "invalid address literal"},
    {"test@[256.1.1.1]", DOM, "invalid address literal"},
    {"test@[1.2.3.4", DOM, "closing ']'"},
    {"test@[1.2.3.4]x", SYN, "junk after the domain"},
    /* Domains. */
    {"test@localhost", DOM, "has no dot"},
    {"test@com", DOM, "has no dot"},
    {"test@-example.com", DOM,
        "domain label \"-example\" starts with a hyphen"},
    {"test@example-.com", DOM, "ends with a hyphen"},
    {"test@example.com-", DOM, "ends with a hyphen"},
    {"test@.example.com", DOM, "starts with a dot"},
    {"test@example..com", DOM, "empty label"},
    {"test@example.com.", DOM, "ends with a dot"},
    {"test@exa_mple.com", DOM, "character '_'"},
    {"test@exa$mple.com", DOM, "character '$'"},
    {"test@192.0.2.1", DOM, "top-level domain \"1\" is all digits"},
    {"test@example.123", DOM, "all digits"},
    {"test@example.c0m", OK, NULL},
    /* Limits: local part 64, label 63, domain 253, address 254. */
    {L64 "@example.com", OK, NULL},
    {L64 "a@example.com", SYN, "65 octets long; the limit is 64"},
    {"用户用户用户用户用户用户用户用户用户用户用a@example.com", OK, NULL},
    {"用户用户用户用户用户用户用户用户用户用户用ab@example.com", SYN,
        "65 octets"},
    {"a@" L63 ".com", OK, NULL},
    {"a@" L63 "a.com", DOM, "longer than 63 octets"},
    /* Domain of 252 octets (address 254), then 254 octets. */
    {"a@" L63 "." L63 "." L63 "." L60, OK, NULL},
    {"a@" L63 "." L63 "." L63 "." L62, DOM, "longer than 253 octets"},
    /* Address of 254 octets, then 255. */
    {L64 "@" L63 "." L63 "." L61, OK, NULL},
    {L64 "@" L63 "." L63 "." L62, SYN, "255 octets long; the limit is 254"},
};

static const struct {
	const char *url;
	enum sy_rule rule;
	enum sy_severity sev;
	const char *msg;
} mailtos[] = {
    {"mailto:editor@example.com", OK, NULL},
    {"MAILTO:editor@example.com", OK, NULL},
    {"mailto:a@example.com,b@example.org", OK, NULL},
    {"mailto:a@example.com?subject=Hi&body=%E4%BD%A0%E5%A5%BD", OK, NULL},
    {"mailto:?to=a@example.com", OK, NULL},
    {"mailto:%E7%94%A8%E6%88%B7@%E4%BE%8B%E5%AD%90.%E5%B9%BF%E5%91%8A", OK,
        NULL},
    {"mailto:%22not%40me%22@example.org", WARN, "quoted"},
    {"mailto:", SYN, "without an address"},
    {"mailto:?subject=hello", SYN, "without an address"},
    {"mailto:a@example.com,", SYN, "stray comma"},
    {"mailto:a@example.com,,b@example.com", SYN, "stray comma"},
    {"mailto:a@example.com,bad", SYN, "no \"@\""},
    {"mailto:a@example.com?to=b@localhost", DOM, "has no dot"},
    {"mailto:editor@example.com?cc=bad", OK, NULL},
    {"mailto:a%2@example.com", USYN, "percent-escape"},
    {"mailto:a%20b@example.com", SYN, "space in address"},
    {"mailto:a%00b@example.com", USYN, "percent-escape"},
    {"mailto:a%FFb@example.com", SYN, "invalid UTF-8"},
    {"https://example.com/", SY_R_URL_SCHEME, SY_ERROR, "not a mailto:"},
};

static void
test_checks(void)
{
	struct sy_finding f;
	size_t i;
	bool r;

	for (i = 0; i < SY_NELEM(checks); i++) {
		r = sy_email_check(checks[i].addr, &f);
		T_INTEQ(r, checks[i].rule != SY_R_NONE, "email %s: returns %d",
		    checks[i].addr, checks[i].rule != SY_R_NONE);
		T_STREQ(sy_rule_name(f.rule), sy_rule_name(checks[i].rule),
		    "email %s: rule", checks[i].addr);
		if (checks[i].rule != SY_R_NONE)
			T_INTEQ(f.severity, checks[i].sev, "email %s: severity",
			    checks[i].addr);
		if (checks[i].msg != NULL &&
		    !T_OK(strstr(f.message, checks[i].msg) != NULL,
		        "email %s: message has \"%s\"", checks[i].addr,
		        checks[i].msg))
			printf("#   message: %s\n", f.message);
	}
	for (i = 0; i < SY_NELEM(mailtos); i++) {
		r = sy_mailto_check(mailtos[i].url, &f);
		T_INTEQ(r, mailtos[i].rule != SY_R_NONE,
		    "mailto %s: returns %d", mailtos[i].url,
		    mailtos[i].rule != SY_R_NONE);
		T_STREQ(sy_rule_name(f.rule), sy_rule_name(mailtos[i].rule),
		    "mailto %s: rule", mailtos[i].url);
		if (mailtos[i].rule != SY_R_NONE)
			T_INTEQ(f.severity, mailtos[i].sev,
			    "mailto %s: severity", mailtos[i].url);
		if (mailtos[i].msg != NULL &&
		    !T_OK(strstr(f.message, mailtos[i].msg) != NULL,
		        "mailto %s: message has \"%s\"", mailtos[i].url,
		        mailtos[i].msg))
			printf("#   message: %s\n", f.message);
	}
}

static void
test_addresses(void)
{
	char **v;
	int n;

	n = sy_mailto_addresses("mailto:a@example.com,b%40example.org"
	                        "?subject=x&To=c@example.net,&body=y#frag",
	    &v);
	T_INTEQ(n, 3, "three addresses");
	if (n == 3) {
		T_STREQ(v[0], "a@example.com", "first");
		T_STREQ(v[1], "b@example.org", "second, percent-decoded");
		T_STREQ(v[2], "c@example.net", "third, from to=");
	}
	sy_email_list_free(v, n);
	n = sy_mailto_addresses("mailto:", &v);
	T_INTEQ(n, 0, "empty mailto: has no address");
	sy_email_list_free(v, n);
	n = sy_mailto_addresses("mailto:%E7%94%A8%E6%88%B7@%E4%BE%8B.tw", &v);
	T_INTEQ(n, 1, "one UTF-8 address");
	if (n == 1)
		T_STREQ(v[0], "用户@例.tw", "decoded to UTF-8");
	sy_email_list_free(v, n);
	n = sy_mailto_addresses("https://example.com/", &v);
	T_INTEQ(n, 0, "not a mailto: URL");
	sy_email_list_free(v, n);
	sy_email_list_free(NULL, 0);
}

static void
test_domain(void)
{
	char *d;

	d = sy_email_domain("Editor@Example.COM");
	T_STREQ(d, "example.com", "domain lower-cased");
	free(d);
	d = sy_email_domain("用户@例子.广告");
	T_STREQ(d, "xn--fsqu00a.xn--4rr70v", "IDN domain in A-labels");
	free(d);
	d = sy_email_domain("δοκιμή@παράδειγμα.δοκιμή");
	T_STREQ(d, "xn--hxajbheg2az3al.xn--jxalpdlp", "Greek IDN domain");
	free(d);
	d = sy_email_domain("a@bücher.de");
	T_STREQ(d, "xn--bcher-kva.de", "bücher.de");
	free(d);
	d = sy_email_domain("a@[192.0.2.1]");
	T_STREQ(d, NULL, "no domain name for a literal");
	free(d);
	d = sy_email_domain("not an address");
	T_STREQ(d, NULL, "no domain for garbage");
	free(d);
}

int
main(void)
{
	test_checks();
	test_addresses();
	test_domain();
	T_OK(sy_email_check(NULL, NULL), "NULL address with NULL finding");
	return t_done();
}
