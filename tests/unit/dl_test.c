/*
 * dl_test: the four libraries opened with dlopen are the very ones a
 * program links (this test links all four, so a soname that named
 * another build of one, libcurl-gnutls.so.4 for libcurl.so.4, would load
 * a second copy), every function of the tables is resolved, and a call
 * through each table gives the library's answer.
 */
#define _GNU_SOURCE
#include "lib/dl.h"

#include <link.h>
#include <stdlib.h>
#include <string.h>

#include "lib/util.h"
#include "t.h"

/* Loaded objects whose file name starts with a given stem. */
struct count {
	const char *stem;
	int n;
};

static int
count_cb(struct dl_phdr_info *info, size_t size, void *arg)
{
	struct count *c = arg;
	const char *base = info->dlpi_name ? strrchr(info->dlpi_name, '/') : 0;

	(void)size;
	if (base != NULL && strncmp(base + 1, c->stem, strlen(c->stem)) == 0)
		c->n++;
	return 0;
}

static int
loaded(const char *stem)
{
	struct count c = {stem, 0};

	(void)dl_iterate_phdr(count_cb, &c);
	return c.n;
}

/* Every pointer of a table is set. */
static bool
all_set(const void *table, size_t size)
{
	const unsigned char *p = table;
	void (*fn)(void);
	size_t i;

	for (i = 0; i + sizeof(fn) <= size; i += sizeof(fn)) {
		memcpy(&fn, p + i, sizeof(fn));
		if (fn == NULL)
			return false;
	}
	return true;
}

int
main(void)
{
	const char *stems[] = {"libcurl", "libxml2.", "libidn2.", "libcmark"};
	CURLU *h;
	char *s = NULL;
	uint8_t *a = NULL;
	size_t i;

	/* Linked here, directly: each is loaded once already. */
	T_OK(curl_version() != NULL && idn2_check_version(NULL) != NULL &&
	        cmark_version() > 0,
	    "the test links the four libraries");
	xmlCheckVersion(LIBXML_VERSION);
	T_STREQ(sy_dl_error(), "", "no failure yet");
	T_OK(!sy_dl_xml_loaded(), "libxml2 not opened yet");
	T_INTEQ(sy_dl_all(), SY_OK, "the four open");
	T_STREQ(sy_dl_error(), "", "no failure");
	T_OK(sy_dl_xml_loaded(), "libxml2 opened");
	T_INTEQ(sy_dl_curl(), SY_OK, "opening again: the same outcome");
	for (i = 0; i < SY_NELEM(stems); i++)
		T_INTEQ(loaded(stems[i]), 1,
		    "%s: the linked copy, not a second", stems[i]);
	T_OK(all_set(&sy_curl, sizeof(sy_curl)), "libcurl: every function");
	T_OK(all_set(&sy_xml, sizeof(sy_xml)), "libxml2: every function");
	T_OK(all_set(&sy_idn2, sizeof(sy_idn2)), "libidn2: every function");
	T_OK(all_set(&sy_cmark, sizeof(sy_cmark)), "libcmark: every function");

	h = sy_curl.curl_url();
	T_OK(h != NULL &&
	        sy_curl.curl_url_set(h, CURLUPART_URL,
	            "https://Example.ORG/a/../b", 0) == CURLUE_OK &&
	        sy_curl.curl_url_get(h, CURLUPART_URL, &s, 0) == CURLUE_OK,
	    "libcurl parses a URL");
	T_STREQ(s, "https://Example.ORG/b", "and normalises its path");
	sy_curl.curl_free(s);
	sy_curl.curl_url_cleanup(h);
	T_STREQ(sy_curl.curl_url_strerror(CURLUE_BAD_HANDLE),
	    curl_url_strerror(CURLUE_BAD_HANDLE), "libcurl's own words");

	T_INTEQ(sy_idn2.idn2_lookup_u8((const uint8_t *)"b\xc3\xbc"
	                                                "cher.example",
	            &a, 0),
	    IDN2_OK, "libidn2 converts a name");
	T_STREQ((const char *)a, "xn--bcher-kva.example", "to its A-labels");
	sy_idn2.idn2_free(a);

	s = sy_cmark.cmark_markdown_to_html("*a*", 3, CMARK_OPT_DEFAULT);
	T_STREQ(s, "<p><em>a</em></p>\n", "libcmark renders Markdown");
	sy_cmark.cmark_get_default_mem_allocator()->free(s);

	T_OK(sy_xml.xmlFree == xmlFree, "xmlFree: the program's own");
	sy_xml.xmlCleanupParser();
	return t_done();
}
