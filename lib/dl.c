/* dl.c: libcurl and libxml2 through dlopen(3), once per process. */
#include <dlfcn.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "dl.h"
#include "util.h"

struct sy_curl_fns sy_curl;
struct sy_xml_fns sy_xml;
struct sy_idn2_fns sy_idn2;
struct sy_cmark_fns sy_cmark;

struct sym {
	const char *name;
	size_t off; /* of its pointer in the table */
};

#define SYM(tab, f)                                                            \
	{                                                                      \
#f, offsetof(struct tab, f)                                    \
	}

static const struct sym curl_syms[] = {
    SYM(sy_curl_fns, curl_free),
    SYM(sy_curl_fns, curl_url),
    SYM(sy_curl_fns, curl_url_cleanup),
    SYM(sy_curl_fns, curl_url_get),
    SYM(sy_curl_fns, curl_url_set),
    SYM(sy_curl_fns, curl_url_strerror),
};

static const struct sym xml_syms[] = {
    SYM(sy_xml_fns, htmlCreateMemoryParserCtxt),
    SYM(sy_xml_fns, htmlCtxtUseOptions),
    SYM(sy_xml_fns, htmlFreeParserCtxt),
    SYM(sy_xml_fns, htmlParseDocument),
    SYM(sy_xml_fns, xmlByteConsumed),
    SYM(sy_xml_fns, xmlCheckVersion),
    SYM(sy_xml_fns, xmlCleanupParser),
    SYM(sy_xml_fns, xmlDocGetRootElement),
    SYM(sy_xml_fns, xmlFreeDoc),
    SYM(sy_xml_fns, xmlFreeTextWriter),
    SYM(sy_xml_fns, xmlInitParser),
    SYM(sy_xml_fns, xmlMemGet),
    SYM(sy_xml_fns, xmlNewTextWriter),
    SYM(sy_xml_fns, xmlNodeListGetString),
    SYM(sy_xml_fns, xmlOutputBufferClose),
    SYM(sy_xml_fns, xmlOutputBufferCreateIO),
    SYM(sy_xml_fns, xmlSAX2StartElement),
    SYM(sy_xml_fns, xmlStopParser),
    SYM(sy_xml_fns, xmlTextWriterEndDocument),
    SYM(sy_xml_fns, xmlTextWriterEndElement),
    SYM(sy_xml_fns, xmlTextWriterSetIndent),
    SYM(sy_xml_fns, xmlTextWriterSetIndentString),
    SYM(sy_xml_fns, xmlTextWriterStartDocument),
    SYM(sy_xml_fns, xmlTextWriterStartElement),
    SYM(sy_xml_fns, xmlTextWriterWriteAttribute),
    SYM(sy_xml_fns, xmlTextWriterWriteElement),
    SYM(sy_xml_fns, xmlTextWriterWriteFormatAttribute),
    SYM(sy_xml_fns, xmlTextWriterWriteRawLen),
    SYM(sy_xml_fns, xmlTextWriterWriteString),
};

static const struct sym idn2_syms[] = {
    SYM(sy_idn2_fns, idn2_free),
    SYM(sy_idn2_fns, idn2_lookup_u8),
    SYM(sy_idn2_fns, idn2_strerror),
};

static const struct sym cmark_syms[] = {
    SYM(sy_cmark_fns, cmark_get_default_mem_allocator),
    SYM(sy_cmark_fns, cmark_iter_free),
    SYM(sy_cmark_fns, cmark_iter_get_node),
    SYM(sy_cmark_fns, cmark_iter_new),
    SYM(sy_cmark_fns, cmark_iter_next),
    SYM(sy_cmark_fns, cmark_markdown_to_html),
    SYM(sy_cmark_fns, cmark_node_free),
    SYM(sy_cmark_fns, cmark_node_get_literal),
    SYM(sy_cmark_fns, cmark_node_get_start_line),
    SYM(sy_cmark_fns, cmark_node_get_type),
    SYM(sy_cmark_fns, cmark_node_get_url),
    SYM(sy_cmark_fns, cmark_parse_document),
};

/* Every pointer of a table is resolved: none is forgotten in the list. */
_Static_assert(
    sizeof(struct sy_curl_fns) == SY_NELEM(curl_syms) * sizeof(void (*)(void)),
    "curl_syms[] lists every member of struct sy_curl_fns");
_Static_assert(sizeof(struct sy_xml_fns) ==
        (SY_NELEM(xml_syms) + 1) * sizeof(void (*)(void)),
    "xml_syms[] lists every function of struct sy_xml_fns");
_Static_assert(
    sizeof(struct sy_idn2_fns) == SY_NELEM(idn2_syms) * sizeof(void (*)(void)),
    "idn2_syms[] lists every member of struct sy_idn2_fns");
_Static_assert(sizeof(struct sy_cmark_fns) ==
        SY_NELEM(cmark_syms) * sizeof(void (*)(void)),
    "cmark_syms[] lists every member of struct sy_cmark_fns");
/* POSIX: a function pointer and a void * have the same representation. */
_Static_assert(sizeof(void *) == sizeof(void (*)(void)),
    "dlsym(3) results fit function pointers");

/*
 * One library: what to open and resolve, and the outcome, written only by
 * its once routine (so reading it after pthread_once returned is safe).
 */
struct lib {
	const char *soname;
	const struct sym *syms;
	size_t nsyms;
	void *table;
	size_t size;
	pthread_once_t once;
	enum sy_err err;
	char why[512];
};

static struct lib libs[] = {
    {SY_CURL_SONAME, curl_syms, SY_NELEM(curl_syms), &sy_curl, sizeof(sy_curl),
        PTHREAD_ONCE_INIT, SY_ELIB, ""},
    {SY_XML_SONAME, xml_syms, SY_NELEM(xml_syms), &sy_xml, sizeof(sy_xml),
        PTHREAD_ONCE_INIT, SY_ELIB, ""},
    {SY_IDN2_SONAME, idn2_syms, SY_NELEM(idn2_syms), &sy_idn2, sizeof(sy_idn2),
        PTHREAD_ONCE_INIT, SY_ELIB, ""},
    {SY_CMARK_SONAME, cmark_syms, SY_NELEM(cmark_syms), &sy_cmark,
        sizeof(sy_cmark), PTHREAD_ONCE_INIT, SY_ELIB, ""},
};
enum { L_CURL, L_XML, L_IDN2, L_CMARK };

static atomic_bool xml_ok; /* for sy_dl_xml_loaded, which does not wait */

/*
 * Opens l->soname and fills its table; on failure the table is left
 * zeroed and l->why says what is missing.
 */
static enum sy_err
open_lib(struct lib *l)
{
	const char *msg;
	void *h, *p;
	size_t i;

	(void)dlerror();
	h = dlopen(l->soname, RTLD_NOW | RTLD_LOCAL);
	if (h == NULL) {
		msg = dlerror();
		(void)snprintf(l->why, sizeof(l->why), "cannot load %s: %s",
		    l->soname, msg != NULL ? msg : "unknown error");
		return SY_ELIB;
	}
	for (i = 0; i < l->nsyms; i++) {
		(void)dlerror();
		p = dlsym(h, l->syms[i].name);
		if (p == NULL) {
			msg = dlerror();
			(void)snprintf(l->why, sizeof(l->why),
			    "cannot load %s: no function %s%s%s", l->soname,
			    l->syms[i].name, msg != NULL ? ": " : "",
			    msg != NULL ? msg : "");
			memset(l->table, 0, l->size);
			(void)dlclose(h);
			return SY_ELIB;
		}
		memcpy((char *)l->table + l->syms[i].off, &p, sizeof(p));
	}
	return SY_OK; /* h stays open for the life of the process */
}

static void
load_curl(void)
{
	libs[L_CURL].err = open_lib(&libs[L_CURL]);
}

static void
load_idn2(void)
{
	libs[L_IDN2].err = open_lib(&libs[L_IDN2]);
}

static void
load_cmark(void)
{
	libs[L_CMARK].err = open_lib(&libs[L_CMARK]);
}

static void
load_xml(void)
{
	struct lib *l = &libs[L_XML];
	xmlMallocFunc m;
	xmlReallocFunc r;
	xmlStrdupFunc s;

	if ((l->err = open_lib(l)) != SY_OK)
		return;
	/* LIBXML_TEST_VERSION, then the set-up threads need done first. */
	sy_xml.xmlCheckVersion(LIBXML_VERSION);
	sy_xml.xmlInitParser();
	if (sy_xml.xmlMemGet(&sy_xml.xmlFree, &m, &r, &s) != 0 ||
	    sy_xml.xmlFree == NULL) {
		(void)snprintf(l->why, sizeof(l->why),
		    "cannot load %s: no deallocator", l->soname);
		memset(&sy_xml, 0, sizeof(sy_xml));
		l->err = SY_ELIB;
		return;
	}
	atomic_store(&xml_ok, true);
}

static enum sy_err
load(struct lib *l, void (*fn)(void))
{
	if (pthread_once(&l->once, fn) != 0)
		return SY_ELIB;
	return l->err;
}

enum sy_err
sy_dl_curl(void)
{
	return load(&libs[L_CURL], load_curl);
}

enum sy_err
sy_dl_xml(void)
{
	return load(&libs[L_XML], load_xml);
}

enum sy_err
sy_dl_idn2(void)
{
	return load(&libs[L_IDN2], load_idn2);
}

enum sy_err
sy_dl_cmark(void)
{
	return load(&libs[L_CMARK], load_cmark);
}

enum sy_err
sy_dl_all(void)
{
	enum sy_err e;

	if ((e = sy_dl_curl()) != SY_OK || (e = sy_dl_xml()) != SY_OK ||
	    (e = sy_dl_idn2()) != SY_OK)
		return e;
	return sy_dl_cmark();
}

bool
sy_dl_xml_loaded(void)
{
	return atomic_load(&xml_ok);
}

const char *
sy_dl_error(void)
{
	size_t i;

	for (i = 0; i < SY_NELEM(libs); i++)
		if (libs[i].why[0] != '\0')
			return libs[i].why;
	return "";
}
