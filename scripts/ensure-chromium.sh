#!/usr/bin/env bash
# Make sure Debian's chromium is installed for the browser tests of the dashboards.
#
# The browser tests drive /usr/bin/chromium through Playwright; Playwright never
# downloads a browser of its own (PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1). When the
# binary is already there this script prints nothing and exits 0, so it is cheap
# to call before every `make test`. Otherwise it installs the `chromium` package
# with apt-get (needs root, as in the project's containers and CI).
set -euo pipefail

CHROMIUM=/usr/bin/chromium

if [ -x "$CHROMIUM" ]; then
    exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
    echo "ensure-chromium: $CHROMIUM is missing and installing it needs root (apt-get install chromium)" >&2
    exit 1
fi

echo "ensure-chromium: installing Debian's chromium (for the dashboard browser tests)" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends chromium >/dev/null

if [ ! -x "$CHROMIUM" ]; then
    echo "ensure-chromium: apt-get finished but $CHROMIUM is still missing" >&2
    exit 1
fi
