#include "lib/html.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/buf.h"
#include "lib/util.h"
#include "t.h"

/*
 * sy_html_links answers from a fast scan when the HTML is plain enough
 * and from libxml2 otherwise; this holds the two to the same answers on
 * thousands of documents assembled from pieces, plain and tricky.
 */
static const char *const pieces[] = {
    "<p>",
    "</p>",
    "深度求索後發先至",
    "plain text ",
    "\n",
    "\r\n",
    "<a href=\"https://example.org/a\">",
    "</a>",
    "<a href='/rel/b'>",
    "<A HREF=\"/UPPER\">",
    "<img src=\"/img/1.png\" alt=\"圖\">",
    "<img src=\"x.png\"/>",
    "<img srcset=\"a.jpg 1x, b.jpg 2x\">",
    "<source srcset=\"/w(1,2).jpg 100w,c.jpg\">",
    "<video src=\"v.mp4\" poster=\"p.jpg\" controls>",
    "</video>",
    "<object data=\"o.swf\">",
    "<link href=\"s.css\">",
    "<a href=\"  spaced  \">",
    "<a href=\"\">",
    "<a name=\"x\">",
    "<a href=\"a&amp;b\">",
    "&amp; &lt; &#x4e2d;",
    "<!-- <a href=\"c\"> -->",
    "<script src=\"j.js\"></script>",
    "<script>if (a<b) x();</script>",
    "<style>p{}</style>",
    "<a href=x>",
    "<a href=\"1\" href=\"2\">",
    "<a\nhref=\"nl\">",
    "<br>",
    "<br/>",
    "< not a tag",
    "a > b",
    "<!DOCTYPE html>",
    "<iframe src=\"https://youtu.be/abcdefghijk\">",
    "</iframe>",
    "<div class=\"c\" data-x=\"y\">",
    "</div>",
    "<hr />",
    "<a href = \"sp\">",
    "<a href=\"q\"title=\"t\">",
    "\xef\xbf\xbe",
    "<p><a href=\"https://例子.台灣/文章\">連結</a></p>",
    "<embed src=\"e\">",
    "<area href=\"m\">",
    "<track src=\"t.vtt\">",
    "<audio src=\"a.mp3\">",
    "<textarea><a href=\"no\"></textarea>",
    "<title>t</title>",
    "<![CDATA[x]]>",
    "<?pi?>",
    "</p >",
    "<a href=\"tab\there\">",
};

static char *
describe(const struct sy_links *l)
{
	struct sy_buf b;
	size_t i;

	sy_buf_init(&b, 0);
	for (i = 0; i < l->n; i++)
		sy_buf_printf(&b, "%s|%zu|%s|%s;", l->v[i].url, l->v[i].line,
		    l->v[i].tag, l->v[i].attr);
	return sy_buf_steal(&b);
}

int
main(void)
{
	uint64_t rng = 20250128;
	size_t round, k, same = 0, runs = 4000, n;
	struct sy_buf doc;
	bool ok = true;

	for (round = 0; round < runs; round++) {
		struct sy_links fast, slow;
		char *a, *b;

		sy_buf_init(&doc, 0);
		n = 1 + (size_t)(rng >> 60);
		for (k = 0; k < n; k++) {
			rng = rng * 6364136223846793005ULL +
			    1442695040888963407ULL;
			/* Plain pieces most of the time, tricky ones now and
			 * then, so both paths are exercised. */
			sy_buf_puts(&doc,
			    pieces[(rng >> 33) %
			        (round % 3 == 0 ? SY_NELEM(pieces) : 22)]);
		}
		sy_links_init(&fast);
		sy_links_init(&slow);
		if (sy_html_links(doc.data, doc.len, &fast) != SY_OK ||
		    sy_html_links_libxml(doc.data, doc.len, &slow) != SY_OK) {
			ok = false;
		} else {
			a = describe(&fast);
			b = describe(&slow);
			if (strcmp(a, b) == 0) {
				same++;
			} else if (ok) {
				printf(
				    "# input: %s\n# fast: %s\n# libxml2: %s\n",
				    doc.data, a, b);
				ok = false;
			}
			free(a);
			free(b);
		}
		sy_links_fini(&fast);
		sy_links_fini(&slow);
		sy_buf_fini(&doc);
	}
	T_OK(ok && same == runs,
	    "fast path and libxml2 agree on %zu of %zu "
	    "documents",
	    same, runs);
	return t_done();
}
