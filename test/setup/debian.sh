#!/bin/sh
# Installs the Debian packages the test suite needs, only those missing:
# a C compiler, its headers and make for the XS test host (hosts/xs), and
# Debian's chromium for the headless e2e tests (playwright-core downloads no
# browser). Runs before `npm test`; needs root or sudo only when something is missing.
set -eu

missing=""
command -v make >/dev/null 2>&1 || missing="$missing make"
command -v cc >/dev/null 2>&1 || missing="$missing gcc"
[ -e /usr/include/stdio.h ] || missing="$missing libc6-dev"
[ -x /usr/bin/chromium ] || missing="$missing chromium"
[ -z "$missing" ] && exit 0

echo "test setup: installing Debian packages:$missing" >&2
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
$SUDO apt-get update -q
# shellcheck disable=SC2086 # one word per package
$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends $missing
