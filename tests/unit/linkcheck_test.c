/*
 * linkcheck_test: the link engine against the fixture server
 * (tests/http/server.py), started here on 127.0.0.1 with an ephemeral
 * port and killed by pid at exit.  Nothing leaves the machine: the DNS
 * case uses a label longer than 63 bytes, which the resolver rejects
 * before sending any query.
 */
#include "../../lib/linkcheck.h"

#include <sys/socket.h>
#include <sys/wait.h>

#include <arpa/inet.h>
#include <netinet/in.h>

#include <curl/curl.h>
#include <jansson.h>
#include <libxml/parser.h>

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "../../lib/buf.h"
#include "../../lib/linkcheck_int.h"
#include "../../lib/util.h"
#include "t.h"

#define PY "/usr/bin/python3"
#define SERVER "tests/http/server.py"

/* Servers to kill at exit, also when a check aborts the program. */
static pid_t servers[4];
static size_t nservers;

static void
kill_servers(void)
{
	size_t i;

	for (i = 0; i < nservers; i++) {
		if (servers[i] > 0) {
			kill(servers[i], SIGTERM);
			waitpid(servers[i], NULL, 0);
			servers[i] = 0;
		}
	}
}

static void
on_signal(int sig)
{
	kill_servers();
	signal(sig, SIG_DFL);
	raise(sig);
}

/* Starts the server with extra arguments; returns its port or -1. */
static int
server_start(const char *cert, const char *key)
{
	int fd[2];
	pid_t pid;
	char line[32];
	ssize_t n;
	size_t got = 0;

	if (nservers == SY_NELEM(servers) || pipe(fd) != 0)
		return -1;
	pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		dup2(fd[1], 1);
		close(fd[0]);
		close(fd[1]);
		if (cert != NULL)
			execl(PY, PY, SERVER, "--tls", cert, key, (char *)NULL);
		else
			execl(PY, PY, SERVER, (char *)NULL);
		_exit(127);
	}
	close(fd[1]);
	servers[nservers++] = pid;
	while (got < sizeof(line) - 1) {
		n = read(fd[0], line + got, 1);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0 || line[got] == '\n')
			break;
		got++;
	}
	close(fd[0]);
	line[got] = '\0';
	long long port;

	if (sy_strtoll(line, 1, 65535, &port) != 0)
		return -1;
	return (int)port;
}

struct res {
	char *url;
	void *user;
	enum sy_rule rule;
	enum sy_severity sev;
	long status;
	char *final_url;
	char *message;
	unsigned attempts;
	long elapsed_ms;
	char *etag;
	int calls;
};

struct results {
	struct res v[128];
	size_t n;
	size_t progress_calls;
	size_t last_checked;
};

static void
collect(const struct sy_link_result *r, void *arg)
{
	struct results *rs = arg;
	struct res *p;
	size_t i;

	for (i = 0; i < rs->n; i++)
		if (strcmp(rs->v[i].url, r->url) == 0) {
			rs->v[i].calls++;
			return;
		}
	if (rs->n == SY_NELEM(rs->v))
		return;
	p = &rs->v[rs->n++];
	p->url = strdup(r->url);
	p->user = r->user;
	p->rule = r->rule;
	p->sev = r->severity;
	p->status = r->status;
	p->final_url = strdup(r->final_url);
	p->message = strdup(r->message);
	p->attempts = r->attempts;
	p->elapsed_ms = r->elapsed_ms;
	p->etag = sy_strdup(r->etag);
	p->calls = 1;
}

static void
progress(size_t checked, size_t total, size_t failures, void *arg)
{
	struct results *rs = arg;

	(void)total;
	(void)failures;
	rs->progress_calls++;
	rs->last_checked = checked;
}

static void
results_fini(struct results *rs)
{
	size_t i;

	for (i = 0; i < rs->n; i++) {
		free(rs->v[i].url);
		free(rs->v[i].final_url);
		free(rs->v[i].message);
		free(rs->v[i].etag);
	}
	rs->n = 0;
}

static const struct res *
find(const struct results *rs, const char *url)
{
	size_t i;

	for (i = 0; i < rs->n; i++)
		if (strcmp(rs->v[i].url, url) == 0)
			return &rs->v[i];
	return NULL;
}

static size_t
fwrite_buf(char *p, size_t size, size_t n, void *arg)
{
	(void)size;
	return sy_buf_append(arg, p, n) == SY_OK ? n : 0;
}

/* Fetches http://127.0.0.1:port/stats and parses it. */
static json_t *
stats(int port)
{
	char url[64];
	CURL *eh;
	struct sy_buf b;
	json_t *j = NULL;

	snprintf(url, sizeof(url), "http://127.0.0.1:%d/stats", port);
	sy_buf_init(&b, 1 << 20);
	eh = curl_easy_init();
	if (eh == NULL)
		return NULL;
	curl_easy_setopt(eh, CURLOPT_URL, url);
	curl_easy_setopt(eh, CURLOPT_PROXY, "");
	curl_easy_setopt(eh, CURLOPT_WRITEFUNCTION, fwrite_buf);
	curl_easy_setopt(eh, CURLOPT_WRITEDATA, &b);
	if (curl_easy_perform(eh) == CURLE_OK && b.data != NULL)
		j = json_loads(b.data, 0, NULL);
	curl_easy_cleanup(eh);
	sy_buf_fini(&b);
	return j;
}

static long
hits(json_t *st, const char *path)
{
	json_t *h = json_object_get(json_object_get(st, "hits"), path);

	return h != NULL ? (long)json_integer_value(h) : 0;
}

static struct sy_linkcheck_opts
test_opts(void)
{
	struct sy_linkcheck_opts o;

	sy_linkcheck_opts_init(&o);
	o.allow_private = true;
	o.backoff_ms = 20;
	o.host_interval_ms = 0;
	o.timeout_ms = 5000;
	o.per_host = 8;
	o.body_max = 256 * 1024;
	return o;
}

struct add {
	const char *path; /* appended to the base; a full URL if it has ':' */
	const char *etag;
	const char *probe; /* path of the probe URL, or NULL */
};

static enum sy_err
run(const struct sy_linkcheck_opts *o, const char *base, const struct add *a,
    size_t n, struct results *rs)
{
	struct sy_linkcheck *lc;
	char url[512], probe[512];
	size_t i;
	enum sy_err e = SY_OK;

	memset(rs, 0, sizeof(*rs));
	lc = sy_linkcheck_new(o);
	if (lc == NULL)
		return SY_ENOMEM;
	for (i = 0; i < n && e == SY_OK; i++) {
		struct sy_link_hints h = {a[i].etag, NULL, NULL};

		if (strchr(a[i].path, ':') != NULL)
			snprintf(url, sizeof(url), "%s", a[i].path);
		else
			snprintf(url, sizeof(url), "%s%s", base, a[i].path);
		if (a[i].probe != NULL) {
			snprintf(
			    probe, sizeof(probe), "%s%s", base, a[i].probe);
			h.probe_url = probe;
		}
		e = sy_linkcheck_add(lc, url, &h, (void *)&a[i]);
	}
	if (e == SY_OK)
		e = sy_linkcheck_run(lc, collect, rs);
	sy_linkcheck_free(lc);
	return e;
}

static void
test_retry_after(void)
{
	static const struct {
		const char *in;
		int rc;
		long delay;
	} t[] = {
	    {"120", 0, 120}, {" 5 ", 0, 5}, {"0", 0, 0},
	    {"99999999999999999999999", 0, 2147483647}, {"1.5", -1, 0},
	    {"-1", -1, 0}, {"", -1, 0}, {"soon", -1, 0}, {"12 seconds", -1, 0},
	    {"Wed, 21 Oct 2015 07:28:10 GMT", 0, 10},
	    {"Wednesday, 21-Oct-15 07:28:30 GMT", 0, 30},
	    {"Wed Oct 21 07:29:00 2015", 0, 60},
	    {"Wed, 21 Oct 2015 07:27:00 GMT", 0, 0}, /* past */
	};
	/* 2015-10-21T07:28:00Z */
	time_t now = 1445412480;
	size_t i;
	long d;
	int rc;

	for (i = 0; i < SY_NELEM(t); i++) {
		d = -7;
		rc = sy_retry_after_parse(t[i].in, now, &d);
		T_INTEQ(rc, t[i].rc, "Retry-After \"%s\" parses: %d", t[i].in,
		    t[i].rc);
		if (rc == 0 && t[i].delay == 2147483647)
			T_OK(d >= 2147483647L, "huge delta clamps");
		else if (rc == 0)
			T_INTEQ(
			    d, t[i].delay, "Retry-After \"%s\" delay", t[i].in);
	}
	T_INTEQ(sy_retry_after_parse(NULL, now, &d), -1, "NULL value");
}

static void
test_private(void)
{
	static const struct {
		const char *addr;
		bool priv;
	} t[] = {
	    {"127.0.0.1", true},
	    {"127.255.0.9", true},
	    {"0.0.0.0", true},
	    {"0.1.2.3", true},
	    {"10.1.2.3", true},
	    {"172.16.0.1", true},
	    {"172.31.255.255", true},
	    {"172.32.0.1", false},
	    {"192.168.1.1", true},
	    {"169.254.169.254", true},
	    {"100.64.0.1", true},
	    {"100.127.255.255", true},
	    {"100.128.0.1", false},
	    {"198.18.0.1", true},
	    {"198.19.255.1", true},
	    {"198.20.0.1", false},
	    {"224.0.0.1", true},
	    {"239.255.255.250", true},
	    {"255.255.255.255", true},
	    {"8.8.8.8", false},
	    {"93.184.216.34", false},
	    {"::1", true},
	    {"::", true},
	    {"fe80::1", true},
	    {"febf::1", true},
	    {"fc00::1", true},
	    {"fd12:3456::1", true},
	    {"ff02::1", true},
	    {"::ffff:127.0.0.1", true},
	    {"::ffff:10.0.0.1", true},
	    {"::ffff:169.254.169.254", true},
	    {"::ffff:8.8.8.8", false},
	    {"64:ff9b::a00:1", true},
	    {"2002:c0a8:101::1", true},
	    {"2001:4860:4860::8888", false},
	    {"2606:4700::1111", false},
	};
	size_t i;

	for (i = 0; i < SY_NELEM(t); i++) {
		struct sockaddr_in s4;
		struct sockaddr_in6 s6;
		const struct sockaddr *sa;

		memset(&s4, 0, sizeof(s4));
		memset(&s6, 0, sizeof(s6));
		if (inet_pton(AF_INET, t[i].addr, &s4.sin_addr) == 1) {
			s4.sin_family = AF_INET;
			sa = (const struct sockaddr *)(const void *)&s4;
		} else if (inet_pton(AF_INET6, t[i].addr, &s6.sin6_addr) == 1) {
			s6.sin6_family = AF_INET6;
			sa = (const struct sockaddr *)(const void *)&s6;
		} else {
			T_OK(0, "bad test address %s", t[i].addr);
			continue;
		}
		T_INTEQ(sy_addr_is_private(sa), t[i].priv, "%s is %s",
		    t[i].addr, t[i].priv ? "private" : "public");
	}
}

/* A port nobody listens on: bind, read the port, close. */
static int
closed_port(void)
{
	struct sockaddr_in sa;
	socklen_t len = sizeof(sa);
	int fd, port = -1;

	fd = socket(AF_INET, SOCK_STREAM, 0);
	if (fd < 0)
		return -1;
	memset(&sa, 0, sizeof(sa));
	sa.sin_family = AF_INET;
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0 &&
	    getsockname(fd, (struct sockaddr *)&sa, &len) == 0)
		port = ntohs(sa.sin_port);
	close(fd);
	return port;
}

struct expect {
	const char *path;
	enum sy_rule rule;
	long status;
	int attempts;    /* 0: not checked */
	const char *msg; /* substring of the message, or NULL */
};

static void
check_expect(const struct results *rs, const char *base, const struct expect *x,
    size_t n)
{
	char url[512];
	const struct res *r;
	size_t i;

	for (i = 0; i < n; i++) {
		if (strchr(x[i].path, ':') != NULL)
			snprintf(url, sizeof(url), "%s", x[i].path);
		else
			snprintf(url, sizeof(url), "%s%s", base, x[i].path);
		r = find(rs, url);
		if (!T_OK(r != NULL, "%s: has a result", x[i].path))
			continue;
		T_STREQ(sy_rule_name(r->rule), sy_rule_name(x[i].rule),
		    "%s: rule (%s)", x[i].path, r->message);
		T_INTEQ(r->calls, 1, "%s: one callback", x[i].path);
		if (x[i].status != 0)
			T_INTEQ(
			    r->status, x[i].status, "%s: status", x[i].path);
		if (x[i].attempts != 0)
			T_INTEQ(r->attempts, x[i].attempts, "%s: attempts",
			    x[i].path);
		if (x[i].msg != NULL)
			T_OK(strstr(r->message, x[i].msg) != NULL,
			    "%s: message \"%s\" has \"%s\"", x[i].path,
			    r->message, x[i].msg);
	}
}

static void
test_scenarios(int port)
{
	char base[64], refused[64], dns[160];
	struct sy_linkcheck_opts o = test_opts();
	struct results rs;
	const struct res *r;
	json_t *st;
	int cport = closed_port();

	snprintf(base, sizeof(base), "http://127.0.0.1:%d", port);
	snprintf(refused, sizeof(refused), "http://127.0.0.1:%d/", cport);
	/* 70-byte label: the resolver refuses it locally (no query). */
	snprintf(dns, sizeof(dns), "http://%070d.invalid/", 0);
	const struct add adds[] = {
	    {"/ok", NULL, NULL},
	    {"/notfound", NULL, NULL},
	    {"/gone", NULL, NULL},
	    {"/error", NULL, NULL},
	    {"/flaky/a", NULL, NULL},
	    {"/redirect/301?to=/ok", NULL, NULL},
	    {"/302?to=/ok", NULL, NULL},
	    {"/308?to=/302%3Fto%3D/ok", NULL, NULL},
	    {"/chain/3", NULL, NULL},
	    {"/chain/12", NULL, NULL},
	    {"/loop/a", NULL, NULL},
	    {"/head405", NULL, NULL},
	    {"/botwall", NULL, NULL},
	    {"/forbidden", NULL, NULL},
	    {"/999", NULL, NULL},
	    {"/reset", NULL, NULL},
	    {"/huge", NULL, NULL},
	    {"/huge#nowhere", NULL, NULL},
	    {"/gzip#here", NULL, NULL},
	    {"/frag#here", NULL, NULL},
	    {"/frag#anchor", NULL, NULL},
	    {"/frag#nothere", NULL, NULL},
	    {"/frag#top", NULL, NULL},
	    {"/redirect-file", NULL, NULL},
	    {"/redirect-js", NULL, NULL},
	    {"/crlf", NULL, NULL},
	    {"/headers-endless", NULL, NULL},
	    {"/ratelimit/a", NULL, NULL},
	    {"/ratelimit-long/a", NULL, NULL},
	    {"/retry-date", NULL, NULL},
	    {"/counter/dup", NULL, NULL},
	    {"/counter/dup", NULL, NULL},
	    {"/counter/dup", NULL, NULL},
	    {"/ok/cond", "\"v1\"", NULL},
	    {"/ok/video-gone", NULL, "/oembed?url=video-gone"},
	    {"/ok/video-fine", NULL, "/oembed?url=video-fine"},
	    {"ftp://127.0.0.1/file", NULL, NULL},
	    {"not a url", NULL, NULL},
	    {refused, NULL, NULL},
	    {dns, NULL, NULL},
	};
	const struct expect want[] = {
	    {"/ok", SY_R_NONE, 200, 1, "200 OK"},
	    {"/notfound", SY_R_LINK_BROKEN, 404, 2, "404 Not Found"},
	    {"/gone", SY_R_LINK_BROKEN, 410, 1, "410 Gone"},
	    {"/error", SY_R_LINK_SERVER_ERROR, 500, 3, "500"},
	    {"/flaky/a", SY_R_NONE, 200, 3, NULL},
	    {"/redirect/301?to=/ok", SY_R_LINK_REDIRECT, 200, 2,
	        "permanent redirect to http://127.0.0.1"},
	    {"/302?to=/ok", SY_R_NONE, 200, 2, NULL},
	    {"/308?to=/302%3Fto%3D/ok", SY_R_LINK_REDIRECT, 200, 3, "/ok"},
	    {"/chain/3", SY_R_NONE, 200, 5, NULL},
	    {"/chain/12", SY_R_LINK_REDIRECT_LOOP, 302, 11,
	        "more than 10 redirects"},
	    {"/loop/a", SY_R_LINK_REDIRECT_LOOP, 302, 2, "loop"},
	    {"/head405", SY_R_NONE, 200, 2, NULL},
	    {"/botwall", SY_R_LINK_BLOCKED, 403, 2, "Cloudflare"},
	    {"/forbidden", SY_R_LINK_BROKEN, 403, 2, "403"},
	    {"/999", SY_R_LINK_BLOCKED, 999, 1, NULL},
	    {"/reset", SY_R_LINK_REFUSED, 0, 0, "reset"},
	    {"/huge", SY_R_NONE, 200, 1, NULL},
	    {"/huge#nowhere", SY_R_LINK_FRAGMENT, 200, 1, "first part"},
	    {"/gzip#here", SY_R_NONE, 200, 1, NULL},
	    {"/frag#here", SY_R_NONE, 200, 1, NULL},
	    {"/frag#anchor", SY_R_NONE, 200, 1, NULL},
	    {"/frag#nothere", SY_R_LINK_FRAGMENT, 200, 1, "nothere"},
	    {"/frag#top", SY_R_NONE, 200, 1, NULL},
	    {"/redirect-file", SY_R_LINK_ERROR, 302, 1, "file:///etc"},
	    {"/redirect-js", SY_R_LINK_ERROR, 302, 1, "non-http"},
	    {"/crlf", SY_R_LINK_ERROR, 0, 0, NULL},
	    {"/headers-endless", SY_R_LINK_ERROR, 0, 1, "headers"},
	    {"/ratelimit/a", SY_R_NONE, 200, 2, NULL},
	    {"/ratelimit-long/a", SY_R_LINK_BLOCKED, 429, 1,
	        "Retry-After 3600"},
	    {"/retry-date", SY_R_NONE, 200, 2, NULL},
	    {"/counter/dup", SY_R_NONE, 200, 1, NULL},
	    {"/ok/cond", SY_R_NONE, 304, 1, NULL},
	    {"/ok/video-gone", SY_R_LINK_BROKEN, 200, 1, "missing"},
	    {"/ok/video-fine", SY_R_NONE, 200, 1, NULL},
	    {"ftp://127.0.0.1/file", SY_R_LINK_ERROR, 0, 0, "scheme"},
	    {"not a url", SY_R_LINK_ERROR, 0, 0, "malformed"},
	    {refused, SY_R_LINK_REFUSED, 0, 1, "refused"},
	    {dns, SY_R_LINK_DNS, 0, 1, NULL},
	};

	o.progress = progress;
	o.progress_arg = &rs;
	T_INTEQ(
	    run(&o, base, adds, SY_NELEM(adds), &rs), SY_OK, "scenario run");
	T_INTEQ(rs.n, SY_NELEM(want), "one result per distinct URL");
	check_expect(&rs, base, want, SY_NELEM(want));
	r = find(&rs, "http://127.0.0.1:0/x");
	T_OK(r == NULL, "no stray result");

	snprintf(base + strlen(base), 8, "%s", "");
	{
		char u[128];

		snprintf(u, sizeof(u), "%s/ok", base);
		r = find(&rs, u);
		T_OK(r != NULL && r->etag != NULL &&
		        strcmp(r->etag, "\"v1\"") == 0,
		    "ETag returned");
		snprintf(u, sizeof(u), "%s/counter/dup", base);
		r = find(&rs, u);
		T_OK(r != NULL && r->user == &adds[30],
		    "duplicate keeps the first user pointer");
		snprintf(u, sizeof(u), "%s/ratelimit/a", base);
		r = find(&rs, u);
		T_OK(r != NULL && r->elapsed_ms >= 1000,
		    "Retry-After: 1 honoured (elapsed %ld ms)",
		    r != NULL ? r->elapsed_ms : -1L);
		snprintf(u, sizeof(u), "%s/redirect/301?to=/ok", base);
		r = find(&rs, u);
		snprintf(u, sizeof(u), "%s/ok", base);
		T_STREQ(r != NULL ? r->final_url : NULL, u,
		    "final URL after the redirect");
	}

	st = stats(port);
	T_OK(st != NULL, "stats fetched");
	T_INTEQ(hits(st, "/counter/dup"), 1, "duplicate URL fetched once");
	/* /ok itself and the ends of the 301, 302, 308 and chain cases. */
	T_INTEQ(hits(st, "HEAD /ok"), 5, "HEAD used for /ok");
	T_INTEQ(hits(st, "GET /ok"), 0, "no GET for /ok");
	T_INTEQ(hits(st, "GET /head405"), 1, "GET fallback after 405");
	T_INTEQ(hits(st, "/oembed"), 2, "probe URLs fetched");
	T_INTEQ(hits(st, "/etc/passwd"), 0, "file: never followed");
	json_decref(st);
	T_INTEQ(rs.progress_calls, rs.n, "progress once per URL");
	T_INTEQ(rs.last_checked, rs.n, "progress reaches the total");
	results_fini(&rs);
}

static void
test_per_host(int port)
{
	char base[64], path[32][32];
	struct add adds[32];
	struct sy_linkcheck_opts o = test_opts();
	struct results rs;
	json_t *st, *m;
	size_t i;

	snprintf(base, sizeof(base), "http://127.0.0.1:%d", port);
	for (i = 0; i < SY_NELEM(adds); i++) {
		snprintf(path[i], sizeof(path[i]), "/par/%zu?ms=30", i);
		adds[i].path = path[i];
		adds[i].etag = NULL;
		adds[i].probe = NULL;
	}
	o.per_host = 3;
	o.jobs = 64;
	T_INTEQ(
	    run(&o, base, adds, SY_NELEM(adds), &rs), SY_OK, "per-host run");
	T_INTEQ(rs.n, SY_NELEM(adds), "all checked");
	st = stats(port);
	m = json_object_get(json_object_get(st, "max_inflight_prefix"), "/par");
	T_INTEQ(
	    json_integer_value(m), 3, "per-host limit 3 honoured and reached");
	json_decref(st);
	results_fini(&rs);
}

/*
 * One pooled handle for every transfer (jobs 1): nothing of a transfer
 * may reach the next one on that handle.  A leaked If-None-Match turns
 * the next 200 into a 304; a leaked NOBODY or GET shows in the method the
 * server counted.
 */
static void
test_handle_reuse(int port)
{
	char base[64];
	struct sy_linkcheck_opts o = test_opts();
	struct results rs;
	const struct res *r;
	json_t *st;
	size_t i;
	static const struct add adds[] = {
	    {"/ok/reuse-a", "\"v1\"", NULL},
	    {"/ok/reuse-b", NULL, NULL},
	    {"/ok/reuse-c#here", NULL, NULL},
	    {"/ok/reuse-d", NULL, NULL},
	    {"/ok/reuse-e", "\"v1\"", NULL},
	    {"/ok/reuse-f#here", NULL, NULL},
	    {"/ok/reuse-g", NULL, NULL},
	};
	static const long want[] = {304, 200, 200, 200, 304, 200, 200};
	static const struct {
		const char *key;
		long n;
	} methods[] = {
	    {"HEAD /ok/reuse-a", 1},
	    {"HEAD /ok/reuse-b", 1},
	    {"GET /ok/reuse-b", 0},
	    {"GET /ok/reuse-c", 1},
	    {"HEAD /ok/reuse-c", 0},
	    {"HEAD /ok/reuse-d", 1},
	    {"GET /ok/reuse-d", 0},
	    {"HEAD /ok/reuse-e", 1},
	    {"GET /ok/reuse-f", 1},
	    {"HEAD /ok/reuse-g", 1},
	    {"GET /ok/reuse-g", 0},
	};
	char url[128];

	snprintf(base, sizeof(base), "http://127.0.0.1:%d", port);
	o.jobs = 1;
	o.per_host = 1;
	T_INTEQ(run(&o, base, adds, SY_NELEM(adds), &rs), SY_OK, "reuse run");
	T_INTEQ(rs.n, SY_NELEM(adds), "reuse: all checked");
	for (i = 0; i < SY_NELEM(adds); i++) {
		snprintf(url, sizeof(url), "%s%s", base, adds[i].path);
		r = find(&rs, url);
		T_OK(r != NULL && r->rule == SY_R_NONE && r->status == want[i],
		    "reuse: %s answered %ld (got %ld)", adds[i].path, want[i],
		    r != NULL ? r->status : -1L);
		T_OK(r != NULL && r->attempts == 1, "reuse: %s one attempt",
		    adds[i].path);
	}
	/* In the order added: each transfer followed the previous one on
	 * the same handle. */
	for (i = 0; i < rs.n && i < SY_NELEM(adds); i++)
		if (rs.v[i].user != (const void *)&adds[i])
			break;
	T_INTEQ(i, SY_NELEM(adds), "reuse: one after the other");
	st = stats(port);
	for (i = 0; i < SY_NELEM(methods); i++)
		T_INTEQ(hits(st, methods[i].key), methods[i].n, "reuse: %s",
		    methods[i].key);
	json_decref(st);
	results_fini(&rs);
}

static void
test_private_refused(int port)
{
	char base[64];
	struct sy_linkcheck_opts o = test_opts();
	struct results rs;
	json_t *st;
	const struct add adds[] = {
	    {"/counter/private", NULL, NULL},
	};
	const struct expect want[] = {
	    {"/counter/private", SY_R_LINK_PRIVATE, 0, 1, "127.0.0.1"},
	};
	char lh[96];

	snprintf(base, sizeof(base), "http://127.0.0.1:%d", port);
	snprintf(
	    lh, sizeof(lh), "http://localhost:%d/counter/private-lh", port);
	const struct add adds2[] = {
	    {lh, NULL, NULL},
	    {"/303?to=/counter/private-redir", NULL, NULL},
	};

	o.allow_private = false;
	T_INTEQ(run(&o, base, adds, SY_NELEM(adds), &rs), SY_OK, "private run");
	check_expect(&rs, base, want, SY_NELEM(want));
	results_fini(&rs);
	T_INTEQ(run(&o, base, adds2, SY_NELEM(adds2), &rs), SY_OK,
	    "private run, localhost");
	T_INTEQ(rs.n, 2, "two results");
	T_INTEQ(rs.n > 0 ? rs.v[0].rule : SY_R_NONE, SY_R_LINK_PRIVATE,
	    "localhost refused");
	T_INTEQ(rs.n > 1 ? rs.v[1].rule : SY_R_NONE, SY_R_LINK_PRIVATE,
	    "loopback refused");
	results_fini(&rs);
	st = stats(port);
	T_INTEQ(hits(st, "/counter/private"), 0, "server saw no request");
	T_INTEQ(hits(st, "/counter/private-lh"), 0, "nor via localhost");
	T_INTEQ(hits(st, "/303"), 0, "nor the redirecting page");
	json_decref(st);
	o.allow_private = true;
	T_INTEQ(run(&o, base, adds, SY_NELEM(adds), &rs), SY_OK, "allowed run");
	T_INTEQ(
	    rs.n == 1 ? rs.v[0].rule : SY_R_COUNT, SY_R_NONE, "allowed: fine");
	results_fini(&rs);
	st = stats(port);
	T_INTEQ(hits(st, "/counter/private"), 1, "allowed: request seen");
	json_decref(st);
}

static long long
mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void
test_timeouts(int port)
{
	char base[64];
	struct sy_linkcheck_opts o = test_opts();
	struct results rs;
	long long t0, dt;
	const struct add adds[] = {
	    {"/slow?ms=2000", NULL, NULL},
	};
	const struct expect want[] = {
	    {"/slow?ms=2000", SY_R_LINK_TIMEOUT, 0, 1, "timed out"},
	};
	const struct add adds2[] = {
	    {"/slow?ms=4000", NULL, NULL},
	    {"/slow?ms=4001", NULL, NULL},
	    {"/ok/before-deadline", NULL, NULL},
	};
	const struct expect want2[] = {
	    {"/slow?ms=4000", SY_R_LINK_UNCHECKED, 0, 1, "deadline"},
	    {"/slow?ms=4001", SY_R_LINK_UNCHECKED, 0, 1, "deadline"},
	    {"/ok/before-deadline", SY_R_NONE, 200, 1, NULL},
	};

	snprintf(base, sizeof(base), "http://127.0.0.1:%d", port);
	o.timeout_ms = 300;
	o.retries = 0;
	T_INTEQ(run(&o, base, adds, SY_NELEM(adds), &rs), SY_OK, "timeout run");
	check_expect(&rs, base, want, SY_NELEM(want));
	results_fini(&rs);

	o = test_opts();
	o.deadline_ms = 400;
	t0 = mono_ms();
	T_INTEQ(
	    run(&o, base, adds2, SY_NELEM(adds2), &rs), SY_OK, "deadline run");
	dt = mono_ms() - t0;
	check_expect(&rs, base, want2, SY_NELEM(want2));
	T_OK(dt < 3000, "deadline ends the run (%lld ms)", dt);
	results_fini(&rs);
}

static int
sh(const char *cmd)
{
	int st = system(cmd);

	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static void
test_tls(int plain_port)
{
	char dir[] = "/tmp/sy-linkcheck-XXXXXX";
	char cmd[1024], cert[96], key[96], ecert[96], wcert[96], base[64];
	char u1[64], u2[64];
	int port, eport, wport;
	struct sy_linkcheck_opts o = test_opts();
	struct results rs;
	const struct add adds[] = {{"/ok", NULL, NULL}};

	if (mkdtemp(dir) == NULL) {
		T_OK(0, "mkdtemp");
		return;
	}
	snprintf(cert, sizeof(cert), "%s/c.pem", dir);
	snprintf(key, sizeof(key), "%s/k.pem", dir);
	snprintf(ecert, sizeof(ecert), "%s/e.pem", dir);
	snprintf(wcert, sizeof(wcert), "%s/w.pem", dir);
	/* Good for 127.0.0.1; expired (-days -1); for another name. */
	snprintf(cmd, sizeof(cmd),
	    "cd %s && openssl req -x509 -newkey rsa:2048 -nodes -keyout k.pem"
	    " -out c.pem -subj /CN=127.0.0.1 -addext "
	    "subjectAltName=IP:127.0.0.1 -days 2 >/dev/null 2>&1 && "
	    "openssl req -new -key k.pem -subj /CN=127.0.0.1 -out r.csr "
	    ">/dev/null 2>&1 && printf 'subjectAltName=IP:127.0.0.1\\n' "
	    ">ext && openssl x509 -req -in r.csr -signkey k.pem -days -1 "
	    "-extfile ext -out e.pem >/dev/null 2>&1 && printf "
	    "'subjectAltName=DNS:example.test\\n' >ext2 && openssl x509 -req "
	    "-in r.csr -signkey k.pem -days 2 -extfile ext2 -out w.pem "
	    ">/dev/null 2>&1",
	    dir);
	if (!T_INTEQ(sh(cmd), 0, "openssl made the certificates"))
		goto out;
	port = server_start(cert, key);
	eport = server_start(ecert, key);
	wport = server_start(wcert, key);
	if (!T_OK(port > 0 && eport > 0 && wport > 0, "TLS servers up"))
		goto out;

	snprintf(base, sizeof(base), "https://127.0.0.1:%d", port);
	o.ca_file = cert;
	T_INTEQ(run(&o, base, adds, 1, &rs), SY_OK, "tls run");
	T_INTEQ(rs.n == 1 ? rs.v[0].rule : SY_R_COUNT, SY_R_NONE,
	    "trusted certificate: fine");
	results_fini(&rs);

	o.ca_file = NULL;
	T_INTEQ(run(&o, base, adds, 1, &rs), SY_OK, "tls run, system CAs");
	T_INTEQ(rs.n == 1 ? rs.v[0].rule : SY_R_COUNT, SY_R_LINK_TLS,
	    "self-signed: link-tls");
	T_STREQ(rs.n == 1 ? rs.v[0].message : NULL, "self-signed certificate",
	    "self-signed told apart");
	results_fini(&rs);

	snprintf(base, sizeof(base), "https://127.0.0.1:%d", eport);
	o.ca_file = ecert;
	T_INTEQ(run(&o, base, adds, 1, &rs), SY_OK, "tls run, expired");
	T_STREQ(rs.n == 1 ? rs.v[0].message : NULL, "certificate has expired",
	    "expired told apart");
	results_fini(&rs);

	snprintf(base, sizeof(base), "https://127.0.0.1:%d", wport);
	o.ca_file = wcert;
	T_INTEQ(run(&o, base, adds, 1, &rs), SY_OK, "tls run, wrong host");
	T_INTEQ(rs.n == 1 ? rs.v[0].rule : SY_R_COUNT, SY_R_LINK_TLS,
	    "wrong host: link-tls");
	T_STREQ(rs.n == 1 ? rs.v[0].message : NULL,
	    "certificate does not match the host name",
	    "wrong host told apart");
	results_fini(&rs);

	/* One pooled handle (jobs 1): an expired certificate, then TLS to a
	 * plain HTTP port, where no certificate is verified at all.  The
	 * second verdict must not inherit the first one's verify result. */
	if (plain_port > 0) {
		const struct add two[] = {{u1, NULL, NULL}, {u2, NULL, NULL}};
		const struct res *r;

		snprintf(u1, sizeof(u1), "https://127.0.0.1:%d/ok", eport);
		snprintf(u2, sizeof(u2), "https://127.0.0.1:%d/ok", plain_port);
		o.ca_file = ecert;
		o.jobs = 1;
		o.per_host = 1;
		T_INTEQ(run(&o, base, two, 2, &rs), SY_OK, "tls run, reuse");
		r = find(&rs, u1);
		T_STREQ(r != NULL ? r->message : NULL,
		    "certificate has expired", "reuse: expired first");
		r = find(&rs, u2);
		T_OK(r != NULL && r->rule == SY_R_LINK_TLS &&
		        strcmp(r->message, "certificate has expired") != 0,
		    "reuse: TLS to plain HTTP is not called expired (%s)",
		    r != NULL ? r->message : "none");
		results_fini(&rs);
	}
out:
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	(void)sh(cmd);
}

static void
test_api(void)
{
	struct sy_linkcheck_opts o;
	struct sy_linkcheck *lc;
	struct results rs;

	sy_linkcheck_opts_init(&o);
	T_INTEQ(o.jobs, 64, "default jobs");
	T_INTEQ(o.per_host, 4, "default per_host");
	T_INTEQ(o.retries, 2, "default retries");
	T_INTEQ(o.timeout_ms, 20000, "default timeout");
	T_OK(!o.allow_private, "private refused by default");
	lc = sy_linkcheck_new(&o);
	T_OK(lc != NULL, "new");
	T_INTEQ(sy_linkcheck_add(lc, NULL, NULL, NULL), SY_EINVAL, "NULL url");
	T_INTEQ(sy_linkcheck_add(lc, "http://a.example/", NULL, NULL), SY_OK,
	    "add");
	T_INTEQ(sy_linkcheck_add(lc, "http://a.example/", NULL, NULL), SY_OK,
	    "add again");
	T_INTEQ(sy_linkcheck_add(lc, "http://a.example/#x", NULL, NULL), SY_OK,
	    "add with fragment");
	T_INTEQ(sy_linkcheck_count(lc), 2, "duplicates collapse");
	sy_linkcheck_free(lc);
	sy_linkcheck_free(NULL);

	memset(&rs, 0, sizeof(rs));
	lc = sy_linkcheck_new(&o);
	T_INTEQ(sy_linkcheck_run(lc, collect, &rs), SY_OK, "empty run");
	T_INTEQ(rs.n, 0, "empty run: no result");
	T_INTEQ(sy_linkcheck_run(lc, collect, &rs), SY_EINVAL,
	    "second run refused");
	T_INTEQ(sy_linkcheck_add(lc, "http://a.example/", NULL, NULL),
	    SY_EINVAL, "add after run refused");
	sy_linkcheck_free(lc);
}

/*
 * The host key: the fast way must give exactly what the CURLU way gives,
 * and take the plain URLs (plain = 1), declining the others (plain = 0)
 * to the CURLU way.
 */
static void
test_hostkey(void)
{
	static const struct {
		const char *url;
		int plain;
	} t[] = {
	    {"http://example.com/", 1},
	    {"http://example.com", 1},
	    {"https://example.com", 1},
	    {"HTTP://Example.COM/Path?Q#F", 1},
	    {"HtTpS://WWW.Example.com:8443/a", 1},
	    {"http://example.com:80/", 1},
	    {"https://example.com:443", 1},
	    {"https://example.com:80/x", 1},
	    {"http://example.com:65535/", 1},
	    {"http://example.com:1", 1},
	    {"http://example.com?q=1", 1},
	    {"http://example.com#frag", 1},
	    {"http://example.com/#", 1},
	    {"http://a-b.example-c.com/x", 1},
	    {"http://a..b/", 1},
	    {"http://example.com./", 1},
	    {"http://localhost:52409/article/1", 1},
	    {"http://127.0.0.1:52409/article/0", 1},
	    {"http://255.255.255.255/", 1},
	    {"http://0.0.0.0/", 1},
	    {"http://10.1.2.3:8080/", 1},
	    {"https://xn--fiqs8s.example/", 1},
	    {"http://example.com/%E4%B8%AD?x=%20", 1},
	    {"http://example.com/a/../b/./c", 1},
	    {"http://example.com/a\\b", 1},
	    {"http://example.com/?a=b@c", 1},
	    {"http://example.com/\xe6\xb7\xb1\xe5\xba\xa6", 1},
	    /* Declined: CURLU decides. */
	    {"http://example.com:/", 0},
	    {"http://example.com:080/", 0},
	    {"http://example.com:0/", 0},
	    {"http://example.com:65536/", 0},
	    {"http://example.com:123456/", 0},
	    {"http://example.com:8x/", 0},
	    {"http://user@example.com/", 0},
	    {"http://user:pw@example.com/", 0},
	    {"http://exa%6Dple.com/", 0},
	    {"http://[::1]:8080/", 0},
	    {"http://[::1]/", 0},
	    {"http://127.1/", 0},
	    {"http://0x7f.0.0.1/", 0},
	    {"http://017.0.0.1/", 0},
	    {"http://127.0.0.01/", 0},
	    {"http://1.2.3.4.5/", 0},
	    {"http://256.1.1.1/", 0},
	    {"http://2130706433/", 0},
	    {"http://1password.com/", 0},
	    {"http://127.0.0.1./", 0},
	    {"http://exa mple.com/", 0},
	    {"http://example.com/a b", 0},
	    {"http://example.com/a\tb", 0},
	    {"http://example.com/\x7f", 0},
	    {"http:///path", 0},
	    {"http:/example.com/", 0},
	    {"http:example.com", 0},
	    {"http:\\\\example.com\\", 0},
	    {"ftp://example.com/", 0},
	    {"httpx://example.com/", 0},
	    {"mailto:a@example.com", 0},
	    {"//example.com/", 0},
	    {"", 0},
	    {"http://ex_ample.com/", 0},
	    {"http://\xe4\xb8\xad.example/", 0},
	    {"http://example.com\\path", 0},
	};
	char key[SY_HOSTKEY_MAX], *ref, *scheme;
	size_t i, n;
	bool bad;

	for (i = 0; i < SY_NELEM(t); i++) {
		n = sy_linkcheck_hostkey_fast(t[i].url, key, sizeof(key));
		ref = sy_linkcheck_hostkey_curlu(t[i].url, &bad, &scheme);
		T_OK((n > 0) == (t[i].plain != 0), "host key %s: %s",
		    t[i].plain ? "fast" : "declined", t[i].url);
		if (n > 0) {
			T_OK(ref != NULL && strcmp(ref, key) == 0 &&
			        strlen(key) == n,
			    "host key same: %s", t[i].url);
			if (ref == NULL || strcmp(ref, key) != 0)
				printf("# fast %s curlu %s\n", key,
				    ref != NULL ? ref : "(null)");
		}
		free(ref);
		free(scheme);
	}
	/* Too small a buffer is declined, never overrun. */
	T_INTEQ(sy_linkcheck_hostkey_fast("http://example.com/", key, 10), 0,
	    "host key: short buffer declined");
}

int
main(void)
{
	int port;

	setvbuf(stdout, NULL, _IOLBF, 0);
	atexit(kill_servers);
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	signal(SIGABRT, on_signal);
	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
		return 2;
	xmlInitParser();
	test_retry_after();
	test_private();
	test_api();
	test_hostkey();
	port = server_start(NULL, NULL);
	if (T_OK(port > 0, "fixture server started")) {
		test_scenarios(port);
		test_per_host(port);
		test_handle_reuse(port);
		test_private_refused(port);
		test_timeouts(port);
	}
	test_tls(port);
	kill_servers();
	xmlCleanupParser();
	curl_global_cleanup();
	return t_done();
}
