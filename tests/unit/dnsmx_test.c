#include "lib/dnsmx.h"

#include <sys/wait.h>

#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "lib/util.h"
#include "tests/unit/t.h"

#define MAXRES 512

struct got {
	int calls;
	enum sy_mx_verdict verdict;
	char domain[64];
	char message[200];
};

struct results {
	struct got g[MAXRES];
	int total;
};

static void
collect(
    void *arg, const char *domain, void *user, const struct sy_mx_result *res)
{
	struct results *r = arg;
	intptr_t i = (intptr_t)user;

	r->total++;
	if (i < 0 || i >= MAXRES)
		return;
	r->g[i].calls++;
	r->g[i].verdict = res->verdict;
	snprintf(r->g[i].domain, sizeof(r->g[i].domain), "%s", domain);
	snprintf(r->g[i].message, sizeof(r->g[i].message), "%s", res->message);
}

static double
now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* tests/dns/server.py, from $SY_TOP, the build tree or the cwd. */
static int
find_server(char *out, size_t len)
{
	const char *top = getenv("SY_TOP");
	char exe[512];
	ssize_t n;
	int up;

	if (top != NULL) {
		snprintf(out, len, "%s/tests/dns/server.py", top);
		if (access(out, R_OK) == 0)
			return 0;
	}
	snprintf(out, len, "tests/dns/server.py");
	if (access(out, R_OK) == 0)
		return 0;
	/* build/tests/dnsmx_test or build/asan/tests/dnsmx_test */
	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n <= 0)
		return -1;
	exe[n] = '\0';
	for (up = 0; up < 4; up++) {
		char *slash = strrchr(exe, '/');

		if (slash == NULL)
			return -1;
		*slash = '\0';
		snprintf(out, len, "%s/tests/dns/server.py", exe);
		if (access(out, R_OK) == 0)
			return 0;
	}
	return -1;
}

/* Starts the fixture server; returns its pid and port, or -1. */
static pid_t
start_server(int *port, int *lifefd)
{
	char script[600], line[32];
	int p[2], life[2];
	ssize_t n;
	size_t got = 0;
	pid_t pid;
	long long v;

	if (find_server(script, sizeof(script)) != 0)
		return -1;
	/*
	 * p: the server's stdout, for the port.  life: its stdin; our end
	 * stays open until we die, then the server sees EOF and exits.
	 */
	if (pipe(p) != 0 || pipe(life) != 0)
		return -1;
	fflush(stdout);
	pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		close(p[0]);
		close(life[1]);
		if (dup2(p[1], STDOUT_FILENO) < 0 ||
		    dup2(life[0], STDIN_FILENO) < 0)
			_exit(126);
		close(p[1]);
		close(life[0]);
		execl("/usr/bin/python3", "python3", script, (char *)NULL);
		_exit(127);
	}
	close(p[1]);
	close(life[0]);
	if (fcntl(life[1], F_SETFD, FD_CLOEXEC) != 0)
		life[1] = -1;
	*lifefd = life[1];
	while (got < sizeof(line) - 1) {
		n = read(p[0], line + got, 1);
		if (n <= 0 || line[got] == '\n')
			break;
		got++;
	}
	line[got] = '\0';
	close(p[0]);
	if (sy_strtoll(line, 1, 65535, &v) != 0) {
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
		return -1;
	}
	*port = (int)v;
	return pid;
}

static struct sy_mx *
new_mx(int port, int timeout_ms, int deadline_ms, int inflight)
{
	struct sy_mx_opts o;
	struct sy_mx *mx = NULL;
	char servers[64];

	snprintf(servers, sizeof(servers), "127.0.0.1:%d", port);
	memset(&o, 0, sizeof(o));
	o.servers = servers;
	o.timeout_ms = timeout_ms;
	o.tries = 2;
	o.deadline_ms = deadline_ms;
	o.max_inflight = inflight;
	T_INTEQ(sy_mx_new(&o, &mx), SY_OK, "sy_mx_new %s", servers);
	return mx;
}

static const struct {
	const char *domain;
	enum sy_mx_verdict want;
	const char *msg; /* substring of the message */
} zone[] = {
    {"good.test", SY_MX_OK, "MX mail.good.test"},
    {"nullmx.test", SY_MX_NONE, "null MX"},
    {"aonly.test", SY_MX_OK, "implicit MX"},
    {"aaaaonly.test", SY_MX_OK, "implicit MX"},
    {"empty.test", SY_MX_NONE, "no MX, A or AAAA"},
    {"nodomain.test", SY_MX_NONE, "NXDOMAIN"},
    {"servfail.test", SY_MX_UNKNOWN, "SERVFAIL, REFUSED or unreachable"},
    {"slow.test", SY_MX_UNKNOWN, "timed out"},
};

static struct results res; /* large: not on the stack */

static void
test_zone(int port)
{
	struct sy_mx *mx;
	double t0, dt;
	size_t i;

	mx = new_mx(port, 150, 10000, 0);
	if (mx == NULL)
		return;
	memset(&res, 0, sizeof(res));
	for (i = 0; i < SY_NELEM(zone); i++)
		T_INTEQ(sy_mx_add(mx, zone[i].domain, (void *)(intptr_t)i),
		    SY_OK, "add %s", zone[i].domain);
	/* Duplicates in other spellings: no new look-up. */
	T_INTEQ(sy_mx_add(mx, "GOOD.Test.", (void *)(intptr_t)100), SY_OK,
	    "add GOOD.Test.");
	T_INTEQ(sy_mx_add(mx, "good.test", (void *)(intptr_t)101), SY_OK,
	    "add good.test again");
	t0 = now_s();
	T_INTEQ(sy_mx_run(mx, collect, &res), SY_OK, "run");
	dt = now_s() - t0;
	for (i = 0; i < SY_NELEM(zone); i++) {
		T_INTEQ(res.g[i].calls, 1, "%s: one callback", zone[i].domain);
		T_STREQ(sy_mx_verdict_name(res.g[i].verdict),
		    sy_mx_verdict_name(zone[i].want), "%s: verdict",
		    zone[i].domain);
		T_OK(strstr(res.g[i].message, zone[i].msg) != NULL,
		    "%s: message \"%s\"", zone[i].domain, res.g[i].message);
	}
	T_OK(res.g[100].calls == 1 && res.g[100].verdict == SY_MX_OK &&
	        strcmp(res.g[100].domain, "good.test") == 0,
	    "GOOD.Test. reported as good.test, ok");
	T_OK(res.g[101].calls == 1 && res.g[101].verdict == SY_MX_OK,
	    "duplicate reported");
	T_INTEQ(res.total, (int)SY_NELEM(zone) + 2, "one callback per add");
	/* 8 MX queries, plus A and AAAA for aonly, aaaaonly and empty. */
	T_INTEQ(sy_mx_queries(mx), 8 + 6, "one look-up per distinct domain");
	printf("# zone run (slow.test times out after 2 tries of 150 ms): "
	       "%.0f ms\n",
	    dt * 1e3);
	T_OK(dt < 3.0, "timeouts capped (%.2f s)", dt);

	/* The handle is empty and reusable after a run. */
	memset(&res, 0, sizeof(res));
	T_INTEQ(sy_mx_run(mx, collect, &res), SY_OK, "empty run");
	T_INTEQ(res.total, 0, "empty run: no callback");
	T_INTEQ(sy_mx_add(mx, "nullmx.test", (void *)(intptr_t)0), SY_OK,
	    "add after run");
	T_INTEQ(sy_mx_run(mx, collect, &res), SY_OK, "second run");
	T_OK(res.total == 1 && res.g[0].verdict == SY_MX_NONE,
	    "second run works");
	sy_mx_free(mx);
}

static void
test_many(int port)
{
	char name[64];
	struct sy_mx *mx;
	double t0, dt;
	int i, ok = 0;

	mx = new_mx(port, 1000, 20000, 16);
	if (mx == NULL)
		return;
	memset(&res, 0, sizeof(res));
	for (i = 0; i < 400; i++) {
		snprintf(name, sizeof(name), "d%d.many.test", i % 300);
		if (sy_mx_add(mx, name, (void *)(intptr_t)i) != SY_OK)
			break;
	}
	t0 = now_s();
	T_INTEQ(sy_mx_run(mx, collect, &res), SY_OK, "run many");
	dt = now_s() - t0;
	for (i = 0; i < 400; i++)
		if (res.g[i].calls == 1 && res.g[i].verdict == SY_MX_OK)
			ok++;
	T_INTEQ(ok, 400, "400 adds of 300 domains all ok");
	T_INTEQ(sy_mx_queries(mx), 300, "300 queries");
	printf("# 300 domains, 16 in flight: %.0f ms\n", dt * 1e3);
	sy_mx_free(mx);
}

static void
test_deadline(int port)
{
	struct sy_mx *mx;
	double t0, dt;
	int i;

	/* slow.test would take 2 s + 4 s; the deadline cuts it at 300 ms. */
	mx = new_mx(port, 2000, 300, 1);
	if (mx == NULL)
		return;
	memset(&res, 0, sizeof(res));
	sy_mx_add(mx, "good.test", (void *)(intptr_t)0);
	sy_mx_add(mx, "slow.test", (void *)(intptr_t)1);
	/* Never started (one in flight): still gets its callback. */
	sy_mx_add(mx, "nullmx.test", (void *)(intptr_t)2);
	sy_mx_add(mx, "aonly.test", (void *)(intptr_t)3);
	t0 = now_s();
	T_INTEQ(sy_mx_run(mx, collect, &res), SY_OK, "run with deadline");
	dt = now_s() - t0;
	T_INTEQ(res.g[0].verdict, SY_MX_OK, "answered before the deadline");
	for (i = 1; i < 4; i++) {
		T_INTEQ(res.g[i].calls, 1, "#%d reported once", i);
		T_INTEQ(res.g[i].verdict, SY_MX_UNKNOWN, "#%d unknown", i);
		T_OK(strstr(res.g[i].message, "deadline") != NULL,
		    "#%d message \"%s\"", i, res.g[i].message);
	}
	printf("# deadline run: %.0f ms\n", dt * 1e3);
	T_OK(dt >= 0.29 && dt < 1.5, "stopped at the deadline (%.2f s)", dt);
	sy_mx_free(mx);
}

static void
test_args(void)
{
	struct sy_mx_opts o;
	struct sy_mx *mx = NULL;
	char big[300];

	memset(&o, 0, sizeof(o));
	o.servers = "not a server list";
	T_INTEQ(sy_mx_new(&o, &mx), SY_EINVAL, "bad servers refused");
	T_OK(mx == NULL, "no handle");
	o.servers = "127.0.0.1:9";
	T_INTEQ(sy_mx_new(&o, &mx), SY_OK, "new");
	if (mx == NULL)
		return;
	memset(big, 'a', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	T_INTEQ(sy_mx_add(mx, "", NULL), SY_EINVAL, "empty");
	T_INTEQ(sy_mx_add(mx, ".", NULL), SY_EINVAL, "root");
	T_INTEQ(sy_mx_add(mx, "a b.test", NULL), SY_EINVAL, "space");
	T_INTEQ(sy_mx_add(mx, "\xe6\xb7\xb1.test", NULL), SY_EINVAL,
	    "non-ASCII (pass the A-label)");
	T_INTEQ(sy_mx_add(mx, big, NULL), SY_EINVAL, "too long");
	T_INTEQ(sy_mx_add(mx, "xn--fiq228c.test", NULL), SY_OK, "A-label");
	/* Freed with a queued, never-run domain: no leak, no callback. */
	sy_mx_free(mx);

	/* No server listening: unknown, never "no MX". */
	o.servers = "127.0.0.1:9";
	o.timeout_ms = 200;
	o.deadline_ms = 3000;
	T_INTEQ(sy_mx_new(&o, &mx), SY_OK, "new (nobody listening)");
	if (mx != NULL) {
		memset(&res, 0, sizeof(res));
		sy_mx_add(mx, "good.test", (void *)(intptr_t)0);
		T_INTEQ(sy_mx_run(mx, collect, &res), SY_OK, "run");
		T_INTEQ(res.g[0].verdict, SY_MX_UNKNOWN,
		    "unreachable DNS: unknown (%s)", res.g[0].message);
		sy_mx_free(mx);
	}
	sy_mx_free(NULL);
	T_STREQ(sy_mx_verdict_name(SY_MX_NONE), "no-mx", "verdict name");
	T_INTEQ(sy_mx_new(NULL, &mx), SY_OK, "system defaults");
	sy_mx_free(mx);
}

int
main(void)
{
	int port = 0, status = 0, life = -1;
	pid_t pid;

	test_args();
	pid = start_server(&port, &life);
	T_OK(pid > 0, "fixture DNS server on 127.0.0.1:%d", port);
	if (pid > 0) {
		test_zone(port);
		test_many(port);
		test_deadline(port);
		kill(pid, SIGTERM);
		waitpid(pid, &status, 0);
		close(life);
		T_OK(WIFSIGNALED(status) || WIFEXITED(status),
		    "fixture server stopped");
	}
	return t_done();
}
