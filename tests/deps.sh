#!/bin/sh
# Installs the Debian packages named as arguments that are missing.
# "apt-get update" runs first, since a fresh machine has no package lists.
missing=
for p in "$@"; do
	dpkg -s "$p" >/dev/null 2>&1 || missing="$missing $p"
done
[ -z "$missing" ] && exit 0
echo "deps: installing$missing"
if [ "$(id -u)" = 0 ]; then
	SUDO=
else
	SUDO=sudo
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq || exit 1
# shellcheck disable=SC2086
$SUDO apt-get install -y -qq --no-install-recommends $missing || exit 1
