#!/usr/bin/env bash
# Debian packages the test suite needs: Chromium for browser journeys, poppler for PDF text and signatures,
# gettext for translation catalogues, HarfBuzz's subsetter (WeasyPrint embeds fonts with it in
# milliseconds; without it, through fontTools, an execution order took 0.8 s more).
# Installs only what is missing.
set -euo pipefail
need=()
command -v chromium >/dev/null || need+=(chromium)
{ command -v pdftotext && command -v pdfsig; } >/dev/null || need+=(poppler-utils)  # pdfsig: the signature tests
command -v msgfmt >/dev/null || need+=(gettext)
ldconfig -p 2>/dev/null | grep -q libharfbuzz-subset.so.0 || need+=(libharfbuzz-subset0)
if ((${#need[@]})); then
  if [ "$(id -u)" != 0 ]; then
    echo "Missing Debian packages: ${need[*]} (install them as root: apt-get install ${need[*]})" >&2
    exit 1
  fi
  echo "Installing ${need[*]} ..."
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
fi
