#!/bin/sh
# Submits one night of the sharded audit: the array of 8 shards, then
# the merge once the array is over (sbatch --dependency=afterany).  Run
# it from the folder that holds feeds/ and reports/, from cron:
#   17 1 * * *  cd /srv/audit && sh submit.sh
set -u
mkdir -p reports
array=$(sbatch --parsable syndic-links.sbatch) || exit 2
sbatch --parsable --dependency="afterany:$array" --export="ALL,ARRAY=$array" \
    merge.sbatch
