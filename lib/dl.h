/*
 * dl: libcurl, libxml2, libidn2 and libcmark opened with dlopen(3) when
 * first needed, not linked.  A linked library is loaded, with every
 * library behind it, at each start of the program, before main: libcurl
 * alone brings ~30 (OpenSSL, GnuTLS, Kerberos, LDAP, nghttp2...), 11 ms
 * of a 2 ms program on a small machine, paid even by a syndic-build that
 * finds nothing to do (stamp.h).  Opened here, they cost only the runs
 * that use them.  (The pattern of systemd's dlopen-util: one table of
 * function pointers per library, resolved all at once.)
 *
 * lib/ calls these four libraries only through sy_curl, sy_xml, sy_idn2
 * and sy_cmark (url.c, email.c, html.c, xmltext.c, diag.c), so the tools
 * share one code path.  Where a tool links one anyway (syndic-lint and
 * syndic-links libxml2 for feedread.c, syndic-links libcurl for
 * linkcheck.c), dlopen finds it already loaded; syndic-build links none
 * of them (Makefile).  dpkg-shlibdeps cannot see what is opened: the
 * package names the four in its Depends (debian/control).
 *
 * Every pointer has the type of the function it stands for (__typeof__),
 * so a call through it is checked exactly as a direct call would be.
 * The tables are the library's only mutable globals: each written once,
 * under pthread_once, by its sy_dl_*() function, read-only afterwards.
 */
#ifndef SY_DL_H
#define SY_DL_H

#include <stdbool.h>

#include <cmark.h>
#include <curl/curl.h>
#include <idn2.h>
#include <libxml/HTMLparser.h>
#include <libxml/SAX2.h>
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xmlwriter.h>

#include "syndic.h"

/*
 * The files opened: the sonames of the libraries the headers belong to,
 * which the Makefile reads from them (tests/cli/1050-build-uptodate.t
 * compares them with syndic-links' NEEDED entries).
 */
#ifndef SY_CURL_SONAME
#define SY_CURL_SONAME "libcurl.so.4"
#endif
#ifndef SY_XML_SONAME
#define SY_XML_SONAME "libxml2.so.2"
#endif
#ifndef SY_IDN2_SONAME
#define SY_IDN2_SONAME "libidn2.so.0"
#endif
#ifndef SY_CMARK_SONAME
#define SY_CMARK_SONAME "libcmark.so.0.30.2"
#endif

/* A pointer named f, of f's type (a declarator: no parentheses). */
#define SY_DL_FN(f) __typeof__(f) *f /* NOLINT(bugprone-macro-parentheses) */

/* libcurl: the URL API (url.c). */
struct sy_curl_fns {
	SY_DL_FN(curl_free);
	SY_DL_FN(curl_url);
	SY_DL_FN(curl_url_cleanup);
	SY_DL_FN(curl_url_get);
	SY_DL_FN(curl_url_set);
	SY_DL_FN(curl_url_strerror);
};

/* libxml2: the HTML parser (html.c) and the text writer (diag.c). */
struct sy_xml_fns {
	SY_DL_FN(htmlCreateMemoryParserCtxt);
	SY_DL_FN(htmlCtxtUseOptions);
	SY_DL_FN(htmlFreeParserCtxt);
	SY_DL_FN(htmlParseDocument);
	SY_DL_FN(xmlByteConsumed);
	SY_DL_FN(xmlCheckVersion);
	SY_DL_FN(xmlCleanupParser);
	SY_DL_FN(xmlDocGetRootElement);
	SY_DL_FN(xmlFreeDoc);
	SY_DL_FN(xmlFreeTextWriter);
	SY_DL_FN(xmlInitParser);
	SY_DL_FN(xmlMemGet);
	SY_DL_FN(xmlNewTextWriter);
	SY_DL_FN(xmlNodeListGetString);
	SY_DL_FN(xmlOutputBufferClose);
	SY_DL_FN(xmlOutputBufferCreateIO);
	SY_DL_FN(xmlSAX2StartElement);
	SY_DL_FN(xmlStopParser);
	SY_DL_FN(xmlTextWriterEndDocument);
	SY_DL_FN(xmlTextWriterEndElement);
	SY_DL_FN(xmlTextWriterSetIndent);
	SY_DL_FN(xmlTextWriterSetIndentString);
	SY_DL_FN(xmlTextWriterStartDocument);
	SY_DL_FN(xmlTextWriterStartElement);
	SY_DL_FN(xmlTextWriterWriteAttribute);
	SY_DL_FN(xmlTextWriterWriteElement);
	SY_DL_FN(xmlTextWriterWriteFormatAttribute);
	SY_DL_FN(xmlTextWriterWriteRawLen);
	SY_DL_FN(xmlTextWriterWriteString);
	/*
	 * xmlFree is a variable, not a function: its value, read through
	 * xmlMemGet() once libxml2 is loaded (a program that links libxml2
	 * may hold the live copy of the variable, not the library).
	 */
	xmlFreeFunc xmlFree;
};

/* libidn2: UTS #46 host names (url.c, email.c). */
struct sy_idn2_fns {
	SY_DL_FN(idn2_free);
	SY_DL_FN(idn2_lookup_u8);
	SY_DL_FN(idn2_strerror);
};

/* libcmark: Markdown articles (html.c). */
struct sy_cmark_fns {
	SY_DL_FN(cmark_get_default_mem_allocator);
	SY_DL_FN(cmark_iter_free);
	SY_DL_FN(cmark_iter_get_node);
	SY_DL_FN(cmark_iter_new);
	SY_DL_FN(cmark_iter_next);
	SY_DL_FN(cmark_markdown_to_html);
	SY_DL_FN(cmark_node_free);
	SY_DL_FN(cmark_node_get_literal);
	SY_DL_FN(cmark_node_get_start_line);
	SY_DL_FN(cmark_node_get_type);
	SY_DL_FN(cmark_node_get_url);
	SY_DL_FN(cmark_parse_document);
};

#undef SY_DL_FN

/* Each valid once its sy_dl_*() returned SY_OK. */
extern struct sy_curl_fns sy_curl;
extern struct sy_xml_fns sy_xml;
extern struct sy_idn2_fns sy_idn2;
extern struct sy_cmark_fns sy_cmark;

/*
 * Opens the library (libxml2: then checks its version against the
 * headers, LIBXML_TEST_VERSION, and initialises its parser) and resolves
 * every function of its table; once per process, from any thread, later
 * calls return the first outcome at the cost of one atomic load.  SY_OK,
 * or SY_ELIB when the library or one of its functions is missing:
 * sy_dl_error() then says which and why.
 */
enum sy_err sy_dl_curl(void);
enum sy_err sy_dl_xml(void);
enum sy_err sy_dl_idn2(void);
enum sy_err sy_dl_cmark(void);

/* All four, in that order: the first failure. */
enum sy_err sy_dl_all(void);

/*
 * Why a library could not be opened: "cannot load libcurl.so.4:
 * <dlerror(3)>" (the first library that failed); "" when none did.
 * Static storage.
 */
const char *sy_dl_error(void);

/* True once sy_dl_xml() succeeded (for xmlCleanupParser at exit). */
bool sy_dl_xml_loaded(void);

#endif
