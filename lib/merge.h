/*
 * merge: the json reports of an audit's shards (syndic-links --shard K/N
 * --format json) put together into one report, as one run of the whole
 * audit would have written it: the same diagnostics, the same counts.
 *
 * The reports must make a whole audit, or nothing is merged: every shard
 * 1..N exactly once, each report complete (a file cut short is named,
 * with its shard when its first lines still say it), each consistent
 * (its summary counts what it holds), all of the same audit (the same N,
 * the same input files, the same number of places found in them).
 */
#ifndef SY_MERGE_H
#define SY_MERGE_H

#include <stddef.h>

#include "buf.h"
#include "diag.h"
#include "linkset.h"
#include "syndic.h"

/* Largest report read (bytes). */
#define SY_MERGE_MAX_REPORT (1u << 30)

struct sy_merge {
	struct sy_diags diags;  /* every shard's, in shard order */
	struct sy_emit_run run; /* 1/1: the sums of the shards */
	char **inputs;          /* run.inputs points here */
	size_t ninputs;
	/*
	 * Every shard's links (each is one shard's), their counts summed,
	 * the run log of them all; a diagnostic points at its link as in
	 * a run.  Only when every report has them (json of syndic-links
	 * 0.1.0 and later): have_links.
	 */
	struct sy_linkset links;
	bool have_links;
};

void sy_merge_init(struct sy_merge *m);
void sy_merge_fini(struct sy_merge *m);

/*
 * Reads the reports named in files into m (initialised).  Returns SY_OK;
 * SY_EINVAL when they do not make a whole audit, with one line per
 * problem appended to problems ("shard 3/4 is missing", "r2.json: cut
 * short (...)"), m then left empty; SY_ENOMEM.
 */
enum sy_err sy_merge_reports(char *const *files, size_t nfiles,
    struct sy_merge *m, struct sy_buf *problems);

#endif
