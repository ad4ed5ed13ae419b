/*
 * t.h: a tiny TAP harness for the unit tests.  Each check prints
 * "ok N - desc" or "not ok N - desc"; t_done() prints the plan and
 * returns the exit status (nonzero if anything failed).
 */
#ifndef SY_T_H
#define SY_T_H

#include <stdio.h>
#include <string.h>

static int t_n, t_failed;

#define T_OK(cond, ...) t_ok((cond) ? 1 : 0, __FILE__, __LINE__, __VA_ARGS__)
#define T_STREQ(got, want, ...)                                                \
	t_streq((got), (want), __FILE__, __LINE__, __VA_ARGS__)
#define T_INTEQ(got, want, ...)                                                \
	t_inteq((long long)(got), (long long)(want), __FILE__, __LINE__,       \
	    __VA_ARGS__)

static void t_vdesc(const char *fmt, va_list ap)
    __attribute__((format(printf, 1, 0)));

#include <stdarg.h>

static void
t_vdesc(const char *fmt, va_list ap)
{
	vprintf(fmt, ap);
	putchar('\n');
}

static __attribute__((format(printf, 4, 5), unused)) int
t_ok(int ok, const char *file, int line, const char *fmt, ...)
{
	va_list ap;

	t_n++;
	if (!ok)
		t_failed++;
	printf("%sok %d - ", ok ? "" : "not ", t_n);
	va_start(ap, fmt);
	t_vdesc(fmt, ap);
	va_end(ap);
	if (!ok)
		printf("#   at %s:%d\n", file, line);
	return ok;
}

static __attribute__((format(printf, 5, 6), unused)) int
t_streq(const char *got, const char *want, const char *file, int line,
    const char *fmt, ...)
{
	va_list ap;
	int ok;

	ok = (got == NULL && want == NULL) ||
	    (got != NULL && want != NULL && strcmp(got, want) == 0);
	t_n++;
	if (!ok)
		t_failed++;
	printf("%sok %d - ", ok ? "" : "not ", t_n);
	va_start(ap, fmt);
	t_vdesc(fmt, ap);
	va_end(ap);
	if (!ok)
		printf("#   at %s:%d\n#   got:  %s\n#   want: %s\n", file, line,
		    got ? got : "(null)", want ? want : "(null)");
	return ok;
}

static __attribute__((format(printf, 5, 6), unused)) int
t_inteq(long long got, long long want, const char *file, int line,
    const char *fmt, ...)
{
	va_list ap;
	int ok = got == want;

	t_n++;
	if (!ok)
		t_failed++;
	printf("%sok %d - ", ok ? "" : "not ", t_n);
	va_start(ap, fmt);
	t_vdesc(fmt, ap);
	va_end(ap);
	if (!ok)
		printf("#   at %s:%d\n#   got:  %lld\n#   want: %lld\n", file,
		    line, got, want);
	return ok;
}

static int
t_done(void)
{
	printf("1..%d\n", t_n);
	return t_failed == 0 ? 0 : 1;
}

#endif
