#!/usr/bin/env bash
# The real browser for the portal's tests: Debian's Chromium, driven by
# Playwright (whose own browser download cannot reach the internet here).
# Installs it with apt-get when it is missing and we may; otherwise stops with
# a message that names the missing piece.
set -euo pipefail

say() { printf '[trellis] %s\n' "$*"; }
die() { printf '[trellis] error: %s\n' "$*" >&2; exit 1; }

CHROMIUM=${TRELLIS_CHROMIUM:-/usr/bin/chromium}
if [[ -x "$CHROMIUM" ]]; then
  say "browser: Chromium at $CHROMIUM"
  exit 0
fi
if [[ "$CHROMIUM" != /usr/bin/chromium ]]; then
  die "TRELLIS_CHROMIUM=$CHROMIUM is not an executable browser"
fi
command -v apt-get >/dev/null \
  || die "Chromium is missing and apt-get is not available: install a Chromium and set TRELLIS_CHROMIUM to its path"
if [[ $(id -u) -ne 0 ]]; then
  command -v sudo >/dev/null \
    || die "Chromium is missing: run 'apt-get install chromium' as root (or set TRELLIS_CHROMIUM)"
  SUDO=(sudo)
else
  SUDO=()
fi
say "browser: installing Debian's chromium with apt-get (first run only, a few minutes)"
if ! "${SUDO[@]}" apt-get install -y -q chromium >/tmp/trellis-chromium-install.log 2>&1; then
  say "browser: apt-get install failed; refreshing the package lists and trying again"
  "${SUDO[@]}" apt-get update -q >>/tmp/trellis-chromium-install.log 2>&1 || true
  "${SUDO[@]}" apt-get install -y -q chromium >>/tmp/trellis-chromium-install.log 2>&1 \
    || die "could not install chromium with apt-get (log: /tmp/trellis-chromium-install.log); install it yourself or set TRELLIS_CHROMIUM"
fi
[[ -x "$CHROMIUM" ]] || die "apt-get finished but $CHROMIUM is still missing"
say "browser: Chromium installed at $CHROMIUM"
