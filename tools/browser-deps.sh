#!/bin/sh
# System packages the test suite needs beyond Python: Chromium and its driver, for the
# dashboard's and the report's browser tests (real headless Chromium, never a browser
# a test tool downloads).  Installed with apt-get when absent and we may (root on
# Debian/Ubuntu); otherwise one line saying the one command to run, and exit 1.
set -eu
missing=""
command -v chromium >/dev/null 2>&1 || command -v chromium-browser >/dev/null 2>&1 || missing=" chromium"
command -v chromedriver >/dev/null 2>&1 || missing="$missing chromium-driver"
[ -z "$missing" ] && exit 0
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "installing$missing (Debian packages, for the browser tests)"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq chromium chromium-driver >/dev/null
  exit 0
fi
echo "error: the browser tests need Chromium and its driver; run: sudo apt-get install -y chromium chromium-driver   (then make test again)" >&2
exit 1
