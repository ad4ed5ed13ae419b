/*
 * history_policy.c: the link history's pure functions (history.h): a
 * record's copy and release, what a rule counts as, when a link is due,
 * when a failing one is reported, and the note before that.  Apart from the
 * front and its backends (history.c), so that a program that only reports
 * verdicts (syndic-build, syndic-lint through report.c) links no database.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "history.h"
#include "util.h"

void
sy_hist_rec_fini(struct sy_hist_rec *rec)
{
	if (rec == NULL)
		return;
	free(rec->rule);
	free(rec->message);
	free(rec->etag);
	free(rec->last_modified);
	memset(rec, 0, sizeof(*rec));
}

/* A copy of s, or NULL for NULL; false when out of memory. */
static bool
dup_opt(char **dst, const char *s)
{
	*dst = s != NULL ? sy_strdup(s) : NULL;
	return s == NULL || *dst != NULL;
}

enum sy_err
sy_hist_rec_copy(struct sy_hist_rec *dst, const struct sy_hist_rec *src)
{
	*dst = *src;
	dst->rule = dst->message = dst->etag = dst->last_modified = NULL;
	if (dup_opt(&dst->rule, src->rule) &&
	    dup_opt(&dst->message, src->message) &&
	    dup_opt(&dst->etag, src->etag) &&
	    dup_opt(&dst->last_modified, src->last_modified))
		return SY_OK;
	sy_hist_rec_fini(dst);
	return SY_ENOMEM;
}

enum sy_hist_outcome
sy_history_outcome_of(enum sy_rule rule)
{
	switch (rule) {
	case SY_R_NONE:
	case SY_R_LINK_REDIRECT:
		return SY_HIST_OK;
	case SY_R_LINK_UNCHECKED:
	case SY_R_LINK_BLOCKED:
	case SY_R_LINK_PRIVATE:
		return SY_HIST_UNKNOWN;
	default:
		return SY_HIST_FAIL;
	}
}

bool
sy_history_due(const struct sy_hist_rec *rec, int64_t now, int64_t max_age_s)
{
	if (rec == NULL || max_age_s <= 0)
		return true;
	if (rec->outcome != SY_HIST_OK || rec->last_success == 0)
		return true;
	/* A clock that went backwards makes the record look fresh: recheck. */
	if (now < rec->last_success)
		return true;
	return now - rec->last_success >= max_age_s;
}

bool
sy_history_should_report(const struct sy_hist_rec *rec, int fail_after)
{
	if (rec == NULL || rec->outcome != SY_HIST_FAIL)
		return false;
	if (fail_after <= 1)
		return rec->failures >= 1;
	return rec->failures >= fail_after;
}

void
sy_history_note(
    const struct sy_hist_rec *rec, int fail_after, char *buf, size_t len)
{
	char day[16] = "?";
	struct tm tm;
	time_t t;

	if (len == 0)
		return;
	t = (time_t)rec->first_failure;
	/*
	 * strftime leaves day undefined when the date does not fit (a year
	 * of more than 9 digits, from a damaged database): say "?" then.
	 */
	if (rec->first_failure > 0 && gmtime_r(&t, &tm) != NULL &&
	    strftime(day, sizeof(day), "%Y-%m-%d", &tm) == 0)
		(void)snprintf(day, sizeof(day), "?");
	snprintf(buf, len, "failing for %ld run%s since %s; reported after %d",
	    rec->failures, rec->failures == 1 ? "" : "s", day,
	    fail_after > 1 ? fail_after : 1);
}
