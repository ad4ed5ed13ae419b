#include "lib/shape.h"

#include "lib/util.h"
#include "t.h"

static const struct {
	const char *in;
	bool ok;
} langs[] = {
    {"en", true},
    {"zh-Hant", true},
    {"zh-Hant-TW", true},
    {"zh-TW", true},
    {"yue-HK", true},
    {"en-US-x-twain", true},
    {"de-CH-1901", true},
    {"sl-rozaj-biske", true},
    {"es-419", true},
    {"en-a-bbb-x-a-ccc", true},
    {"x-whatever", true},
    {"i-klingon", true},
    {"zh-cmn-Hans-CN", true},
    {"EN", true},
    {"", false},
    {"e", false},
    {"en_US", false},
    {"en-", false},
    {"-en", false},
    {"englishlanguage", false},
    {"zh-Hant-", false},
    {"en--US", false},
    {"zh-Hant-Hans", false},
    {"en-a", false},
    {"123", false},
    {"中文", false},
    {"en US", false},
};

static const struct {
	const char *in;
	bool ok;
} mimes[] = {
    {"audio/mpeg", true},
    {"video/mp4", true},
    {"text/html; charset=utf-8", true},
    {"application/rss+xml", true},
    {"text/plain;a=\"b c\"", true},
    {"audio", false},
    {"/mpeg", false},
    {"audio/", false},
    {"audio/mp eg", false},
    {"audio/mpeg;", false},
    {"text/html; charset", false},
    {"音频/mpeg", false},
};

static const struct {
	const char *in;
	bool ok;
} slugs[] = {
    {"opinion", true},
    {"tech-notes", true},
    {"2025", true},
    {"", false},
    {"Opinion", false},
    {"-x", false},
    {"x-", false},
    {"a b", false},
    {"a_b", false},
    {"專欄", false},
    {"../etc", false},
    {"a/b", false},
};

int
main(void)
{
	size_t i;

	for (i = 0; i < SY_NELEM(langs); i++)
		T_OK(sy_shape_is_langtag(langs[i].in) == langs[i].ok,
		    "langtag \"%s\" %s", langs[i].in,
		    langs[i].ok ? "accepted" : "refused");
	for (i = 0; i < SY_NELEM(mimes); i++)
		T_OK(sy_shape_is_mimetype(mimes[i].in) == mimes[i].ok,
		    "mime \"%s\" %s", mimes[i].in,
		    mimes[i].ok ? "accepted" : "refused");
	for (i = 0; i < SY_NELEM(slugs); i++)
		T_OK(sy_shape_is_slug(slugs[i].in) == slugs[i].ok,
		    "slug \"%s\" %s", slugs[i].in,
		    slugs[i].ok ? "accepted" : "refused");
	return t_done();
}
