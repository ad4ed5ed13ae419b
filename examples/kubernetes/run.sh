#!/bin/sh
# One night of a sharded audit: the Indexed Job of the shards, then the
# merge, both named after the run, RUN (the reports in /reports/RUN/).
# Prints the merged report; exits 0 (nothing broken), 1 (broken links:
# see the report), or 2 (a shard or the merge failed).
set -u
RUN=${RUN:-$(date -u +%Y%m%d-%H%M)}
dir=$(dirname "$0")
sed "s/@RUN@/$RUN/g" "$dir/job.yaml" | kubectl apply -f - || exit 2
# The shards are done when the Job completes, or failed for good.
kubectl wait --for=condition=complete --timeout=7h "job/syndic-links-$RUN" ||
    echo "run.sh: the shards of $RUN did not all complete; merging what is there" >&2
sed "s/@RUN@/$RUN/g" "$dir/merge.yaml" | kubectl apply -f - || exit 2
kubectl wait --for=condition=complete --timeout=30m "job/syndic-merge-$RUN" >/dev/null 2>&1
kubectl logs "job/syndic-merge-$RUN"
status=$(kubectl get pods -l "job-name=syndic-merge-$RUN" \
    -o jsonpath='{.items[0].status.containerStatuses[0].state.terminated.exitCode}')
exit "${status:-2}"
