#!/bin/sh
# The e2e tests drive Debian's chromium with playwright-core (which downloads no
# browser). Installs it when missing; CI runs as root on Debian.
set -eu
CHROMIUM=/usr/bin/chromium
if [ -x "$CHROMIUM" ]; then exit 0; fi
echo "test:e2e: $CHROMIUM is missing; installing Debian's chromium" >&2
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
$SUDO apt-get update -q
$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium
test -x "$CHROMIUM"
