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

/* Every pointer of a table is resolved: none is forgotten in the list. */
_Static_assert(
    sizeof(struct sy_curl_fns) == SY_NELEM(curl_syms) * sizeof(void (*)(void)),
    "curl_syms[] lists every member of struct sy_curl_fns");
_Static_assert(sizeof(struct sy_xml_fns) ==
        (SY_NELEM(xml_syms) + 1) * sizeof(void (*)(void)),
    "xml_syms[] lists every function of struct sy_xml_fns");
/* POSIX: a function pointer and a void * have the same representation. */
_Static_assert(sizeof(void *) == sizeof(void (*)(void)),
    "dlsym(3) results fit function pointers");

/* Each written only by its library's once routine. */
static char curl_why[512], xml_why[512];
static enum sy_err curl_err = SY_ELIB, xml_err = SY_ELIB;
static pthread_once_t curl_once = PTHREAD_ONCE_INIT;
static pthread_once_t xml_once = PTHREAD_ONCE_INIT;
static atomic_bool xml_ok; /* for sy_dl_xml_loaded, which does not wait */

/*
 * Opens soname and fills table (size bytes) from syms[0..n); on failure
 * the table is left zeroed and why says what is missing.
 */
static enum sy_err
open_lib(const char *soname, const struct sym *syms, size_t n, void *table,
    size_t size, char *why, size_t whysize)
{
	const char *msg;
	void *h, *p;
	size_t i;

	(void)dlerror();
	h = dlopen(soname, RTLD_NOW | RTLD_LOCAL);
	if (h == NULL) {
		msg = dlerror();
		(void)snprintf(why, whysize, "cannot load %s: %s", soname,
		    msg != NULL ? msg : "unknown error");
		return SY_ELIB;
	}
	for (i = 0; i < n; i++) {
		(void)dlerror();
		p = dlsym(h, syms[i].name);
		if (p == NULL) {
			msg = dlerror();
			(void)snprintf(why, whysize,
			    "cannot load %s: no function %s%s%s", soname,
			    syms[i].name, msg != NULL ? ": " : "",
			    msg != NULL ? msg : "");
			memset(table, 0, size);
			(void)dlclose(h);
			return SY_ELIB;
		}
		memcpy((char *)table + syms[i].off, &p, sizeof(p));
	}
	return SY_OK; /* h stays open for the life of the process */
}

static void
load_curl(void)
{
	curl_err = open_lib(SY_CURL_SONAME, curl_syms, SY_NELEM(curl_syms),
	    &sy_curl, sizeof(sy_curl), curl_why, sizeof(curl_why));
}

static void
load_xml(void)
{
	xmlMallocFunc m;
	xmlReallocFunc r;
	xmlStrdupFunc s;

	xml_err = open_lib(SY_XML_SONAME, xml_syms, SY_NELEM(xml_syms), &sy_xml,
	    sizeof(sy_xml), xml_why, sizeof(xml_why));
	if (xml_err != SY_OK)
		return;
	/* LIBXML_TEST_VERSION, then the set-up threads need done first. */
	sy_xml.xmlCheckVersion(LIBXML_VERSION);
	sy_xml.xmlInitParser();
	if (sy_xml.xmlMemGet(&sy_xml.xmlFree, &m, &r, &s) != 0 ||
	    sy_xml.xmlFree == NULL) {
		(void)snprintf(xml_why, sizeof(xml_why),
		    "cannot load %s: no deallocator", SY_XML_SONAME);
		memset(&sy_xml, 0, sizeof(sy_xml));
		xml_err = SY_ELIB;
		return;
	}
	atomic_store(&xml_ok, true);
}

enum sy_err
sy_dl_curl(void)
{
	if (pthread_once(&curl_once, load_curl) != 0)
		return SY_ELIB;
	return curl_err;
}

enum sy_err
sy_dl_xml(void)
{
	if (pthread_once(&xml_once, load_xml) != 0)
		return SY_ELIB;
	return xml_err;
}

bool
sy_dl_xml_loaded(void)
{
	return atomic_load(&xml_ok);
}

const char *
sy_dl_error(void)
{
	return curl_why[0] != '\0' ? curl_why : xml_why;
}
