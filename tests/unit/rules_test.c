#include "lib/rules.h"

#include <stdlib.h>
#include <string.h>

#include "lib/util.h"
#include "t.h"

/* Each bad link has a good twin next to it. */
static const struct {
	const char *url;
	const char *msg; /* NULL: no site-rule problem */
} checks[] = {
    /* YouTube. */
    {"https://www.youtube.com/watch?v=dQw4w9WgXcQ", NULL},
    {"https://www.youtube.com/watch?v=dQw4w9WgXc",
        "YouTube video id \"dQw4w9WgXc\" has 10 characters; ids have 11"},
    {"https://www.youtube.com/watch?v=dQw4w9WgXcQQ", "has 12 characters"},
    {"https://www.youtube.com/watch?v=dQw4w9WgX%51", "contains '%'"},
    {"https://www.youtube.com/watch?v=dQw4w9W.XcQ", "contains '.'"},
    {"https://www.youtube.com/watch?feature=share&v=dQw4w9WgXcQ&t=42", NULL},
    {"https://www.youtube.com/watch?list=PL123&v=abc", "has 3 characters"},
    {"https://www.youtube.com/watch", "no v= in the URL"},
    {"https://www.youtube.com/watch?list=PLx", "no v= in the URL"},
    {"https://www.youtube.com/watch?v=", "no v= in the URL"},
    {"https://www.youtube.com/watch?vv=dQw4w9WgXcQ", "no v="},
    {"https://youtube.com/watch?v=dQw4w9WgXcQ", NULL},
    {"https://m.youtube.com/watch?v=dQw4w9WgXcQ", NULL},
    {"https://m.youtube.com/watch?v=dQw4w9WgXc", "has 10 characters"},
    {"https://music.youtube.com/watch?v=dQw4w9WgXcQ", NULL},
    {"https://WWW.YouTube.com./watch?v=dQw4w9WgXc", "has 10 characters"},
    {"http://www.youtube.com/watch?v=dQw4w9WgXc#t=1", "has 10"},
    {"https://youtu.be/dQw4w9WgXcQ", NULL},
    {"https://youtu.be/dQw4w9WgXcQ?t=42", NULL},
    {"https://youtu.be/dQw4w9WgXc", "has 10 characters"},
    {"https://youtu.be/", "YouTube video id missing"},
    {"https://www.youtube.com/embed/dQw4w9WgXcQ", NULL},
    {"https://www.youtube.com/embed/dQw4w9WgXc", "has 10 characters"},
    {"https://www.youtube.com/embed/videoseries?list=PLx", NULL},
    {"https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ", NULL},
    {"https://www.youtube-nocookie.com/embed/dQw4w9WgX", "has 9"},
    {"https://youtube-nocookie.com/embed/dQw4w9WgXcQ?rel=0", NULL},
    {"https://www.youtube.com/shorts/abcdefghijk", NULL},
    {"https://www.youtube.com/shorts/abcdefghij", "has 10 characters"},
    {"https://www.youtube.com/live/abcdefghijk?feature=share", NULL},
    {"https://www.youtube.com/live/abc_def", "has 7 characters"},
    {"https://www.youtube.com/v/abcdefghijk", NULL},
    {"https://www.youtube.com/v/abcdefghij!", "contains '!'"},
    {"https://www.youtube.com/shorts/", "missing"},
    {"https://www.youtube.com/@CommonWealthMagazine", NULL},
    {"https://www.youtube.com/channel/UCabcdefghijklmnopqrstuv", NULL},
    {"https://www.youtube.com/playlist?list=PLabc", NULL},
    {"https://www.youtube.com/c/SomeName/videos", NULL},
    {"https://www.youtube.com/", NULL},
    {"https://www.youtube.com/results?search_query=x", NULL},
    {"https://notyoutube.com/watch?v=abc", NULL},
    {"https://youtube.com.evil.example/watch?v=abc", NULL},
    /* Vimeo. */
    {"https://vimeo.com/76979871", NULL},
    {"https://vimeo.com/76979871/abcdef1234", NULL},
    {"https://vimeo.com/7697987l",
        "Vimeo video id \"7697987l\" is not "
        "all digits"},
    {"https://vimeo.com/channels/staffpicks/76979871", NULL},
    {"https://vimeo.com/channels/staffpicks/7697x871", "not all digits"},
    {"https://vimeo.com/channels/staffpicks", NULL},
    {"https://vimeo.com/showcase/1234567", NULL},
    {"https://vimeo.com/user12345", NULL},
    {"https://vimeo.com/3dartist", NULL},
    {"https://player.vimeo.com/video/76979871?h=abc", NULL},
    {"https://player.vimeo.com/video/76979871a", "not all digits"},
    {"https://player.vimeo.com/video/", "missing"},
    /* Dailymotion. */
    {"https://www.dailymotion.com/video/x7tgad0", NULL},
    {"https://www.dailymotion.com/video/x2jvvep_coup-de-boule_sport", NULL},
    {"https://www.dailymotion.com/video/7tgad0", "does not start with"},
    {"https://www.dailymotion.com/video/x7t-gad0", "contains '-'"},
    {"https://dai.ly/x7tgad0", NULL},
    {"https://dai.ly/x", "too short"},
    {"https://www.dailymotion.com/embed/video/x7tgad0", NULL},
    {"https://www.dailymotion.com/us", NULL},
    /* Spotify. */
    {"https://open.spotify.com/track/4uLU6hMCjMI75M1A2tKUQC", NULL},
    {"https://open.spotify.com/track/4uLU6hMCjMI75M1A2tKUQ",
        "Spotify id \"4uLU6hMCjMI75M1A2tKUQ\" has 21 characters; ids have 22"},
    {"https://open.spotify.com/intl-de/track/4uLU6hMCjMI75M1A2tKUQC", NULL},
    {"https://open.spotify.com/intl-zh-TW/album/4uLU6hMCjMI75M1A2tK-QC",
        "contains '-'"},
    {"https://open.spotify.com/playlist/37i9dQZF1DXcBWIGoYBM5M?si=ab", NULL},
    {"https://open.spotify.com/episode/37i9dQZF1DXcBWIGoYBM5", "has 21"},
    {"https://open.spotify.com/show/37i9dQZF1DXcBWIGoYBM5M", NULL},
    {"https://open.spotify.com/embed/episode/37i9dQZF1DXcBWIGoYBM5M", NULL},
    {"https://open.spotify.com/embed/track/37i9dQZF1DXc", "has 12"},
    {"https://open.spotify.com/user/spotify", NULL},
    {"https://open.spotify.com/search", NULL},
    /* X and Twitter. */
    {"https://x.com/nytimes/status/1884000000000000000", NULL},
    {"https://twitter.com/nytimes/status/1884000000000000000?s=20", NULL},
    {"https://x.com/nytimes/status/18840000000000x",
        "X (Twitter) status "
        "id \"18840000000000x\" is not all digits"},
    {"https://mobile.twitter.com/a/status/12345/photo/1", NULL},
    {"https://twitter.com/i/web/status/12345", NULL},
    {"https://twitter.com/i/web/status/12a45", "not all digits"},
    {"https://x.com/nytimes", NULL},
    {"https://x.com/nytimes/with_replies", NULL},
    /* TikTok. */
    {"https://www.tiktok.com/@scout2015/video/6718335390845095173", NULL},
    {"https://www.tiktok.com/@scout2015/video/671833539O845095173",
        "TikTok video id"},
    {"https://www.tiktok.com/embed/v2/6718335390845095173", NULL},
    {"https://www.tiktok.com/embed/67183353908450951x", "not all digits"},
    {"https://www.tiktok.com/@scout2015", NULL},
    /* Instagram. */
    {"https://www.instagram.com/p/CxYz_-12ABc/", NULL},
    {"https://www.instagram.com/p/CxYz.12ABc/",
        "Instagram shortcode "
        "\"CxYz.12ABc\" contains '.'"},
    {"https://www.instagram.com/reel/C1a2B3c4D5e/?igsh=x", NULL},
    {"https://www.instagram.com/reel/C1a2B3c4%44/", "contains '%'"},
    {"https://www.instagram.com/someone/p/CxYz_-12ABc/", NULL},
    {"https://www.instagram.com/someone/", NULL},
    /* Not http(s), relative, unparseable: not this module's business. */
    {"ftp://www.youtube.com/watch?v=abc", NULL},
    {"/watch?v=abc", NULL},
    {"mailto:a@youtube.com", NULL},
    {"", NULL},
};

static const struct {
	const char *url, *override, *want;
} soft[] = {
    {"https://youtu.be/dQw4w9WgXcQ?t=1", NULL,
        "https://www.youtube.com/oembed?format=json&url=https%3A%2F%2F"
        "www.youtube.com%2Fwatch%3Fv%3DdQw4w9WgXcQ"},
    {"https://m.youtube.com/watch?v=dQw4w9WgXcQ&t=1", NULL,
        "https://www.youtube.com/oembed?format=json&url=https%3A%2F%2F"
        "www.youtube.com%2Fwatch%3Fv%3DdQw4w9WgXcQ"},
    {"https://www.youtube.com/shorts/abcdefghi-_", NULL,
        "https://www.youtube.com/oembed?format=json&url=https%3A%2F%2F"
        "www.youtube.com%2Fwatch%3Fv%3Dabcdefghi-_"},
    {"https://www.youtube.com/watch?v=dQw4w9WgXcQ",
        "http://127.0.0.1:8080/oembed",
        "http://127.0.0.1:8080/oembed?format=json&url=https%3A%2F%2F"
        "www.youtube.com%2Fwatch%3Fv%3DdQw4w9WgXcQ"},
    {"https://vimeo.com/76979871", NULL,
        "https://vimeo.com/api/oembed.json?url=https%3A%2F%2Fvimeo.com%2F"
        "76979871"},
    {"https://player.vimeo.com/video/76979871", "http://[::1]:99/o",
        "http://[::1]:99/o?url=https%3A%2F%2Fvimeo.com%2F76979871"},
    {"https://www.youtube.com/watch?v=dQw4w9WgXc", NULL, NULL},
    {"https://www.youtube.com/@CommonWealthMagazine", NULL, NULL},
    {"https://www.youtube.com/embed/videoseries?list=PL", NULL, NULL},
    {"https://vimeo.com/channels/staffpicks", NULL, NULL},
    {"https://open.spotify.com/track/4uLU6hMCjMI75M1A2tKUQC", NULL, NULL},
    {"https://example.com/watch?v=dQw4w9WgXcQ", NULL, NULL},
    {"not a url", NULL, NULL},
};

int
main(void)
{
	struct sy_finding f;
	size_t i;
	bool r;
	char *s;

	for (i = 0; i < SY_NELEM(checks); i++) {
		r = sy_rules_check(checks[i].url, &f);
		T_INTEQ(r, checks[i].msg != NULL, "rules %s: returns %d",
		    checks[i].url, checks[i].msg != NULL);
		if (checks[i].msg == NULL) {
			T_INTEQ(f.rule, SY_R_NONE, "rules %s: no finding",
			    checks[i].url);
			continue;
		}
		T_INTEQ(f.rule, SY_R_SITE_RULE, "rules %s: site-rule",
		    checks[i].url);
		T_INTEQ(f.severity, SY_ERROR, "rules %s: error", checks[i].url);
		if (!T_OK(strstr(f.message, checks[i].msg) != NULL,
		        "rules %s: message has \"%s\"", checks[i].url,
		        checks[i].msg))
			printf("#   message: %s\n", f.message);
	}
	for (i = 0; i < SY_NELEM(soft); i++) {
		s = sy_rules_soft404_url(soft[i].url, soft[i].override);
		T_STREQ(s, soft[i].want, "soft404 %s", soft[i].url);
		free(s);
	}
	T_OK(!sy_rules_check(NULL, &f), "NULL URL");
	T_OK(sy_rules_check("https://youtu.be/abc", NULL), "NULL finding");
	/*
	 * The host judged last is remembered by its "scheme://authority":
	 * the same authority again (another path, a query, a fragment, or
	 * nothing after it) gets the same answer, and one that only starts
	 * like it (a longer host, a port, userinfo) is judged anew.
	 */
	{
		static const struct {
			const char *url;
			bool site;
		} seq[] = {
		    {"https://youtu.be/abc", true},
		    {"https://youtu.be/abcdefghijk?t=1", false},
		    {"https://youtu.be.example.org/abc", false},
		    {"https://youtu.be", true},
		    {"https://column.example.org/a", false},
		    {"https://column.example.org?x=1", false},
		    {"https://column.example.org#f", false},
		    {"https://column.example.org:8443/a", false},
		    {"https://youtu.be#x", true},
		    {"https://youtu.be:443/abc", true},
		    {"https://youtu.be/ab", true},
		    {"https://u@youtu.be/ab", true},
		    {"https://youtu.be.", true},
		    {"https://youtu.be/abcdefghijk", false},
		    {"https://youtu/x", false},
		    {"https://youtu.be/abc", true},
		    {"https://youtu.b", false},
		    {"https://youtu.be", true},
		};
		size_t k, bad = 0;

		for (k = 0; k < SY_NELEM(seq); k++) {
			struct sy_finding g;
			bool got = sy_rules_check(seq[k].url, &g), alone;

			/* Again after another host: nothing remembered. */
			(void)sy_rules_check("https://other.example/", &g);
			alone = sy_rules_check(seq[k].url, &g);
			if (got != alone || got != seq[k].site) {
				printf("# %s: %d, alone %d\n", seq[k].url, got,
				    alone);
				bad++;
			}
			/* The sequence goes on from this URL. */
			(void)sy_rules_check(seq[k].url, &g);
		}
		T_INTEQ(bad, 0,
		    "%zu URLs in a row, hosts repeated and near: each judged "
		    "as alone",
		    SY_NELEM(seq));
	}
	return t_done();
}
