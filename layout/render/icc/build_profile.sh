#!/usr/bin/env bash
# Rebuild layout-newsprint-tr002.icc, the CMYK output profile `layout` converts photos with
# and embeds as the PDF/X OutputIntent. See README.md beside this script and docs/print.md.
#
# Needs Debian's `argyll` (colprof) and `icc-profiles-free` (the characterisation data):
#   apt-get install argyll icc-profiles-free
# Takes about 2.5 minutes on one core. The result is committed, so builds never run this.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
data=/usr/share/color/icc/TR002.ti3      # ANSI CGATS/SNAP TR 002-2007: coldset offset on newsprint
srgb=/usr/share/color/icc/sRGB.icc       # the source space photos are assumed to be in (gamut mapping)
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cp "$data" "$work/newsprint.ti3"
# -qm          medium quality tables (A2B and B2A), the usual choice for press profiles
# -nc          do not copy the measurement data into the profile (keeps it small)
# -kp …        black generation: K starts at 10 % of the way from paper white and rises with a
#              concave curve (0.7) to full K at black: a medium-heavy GCR, as newsprint wants
#              (grey balance held by black ink, less CMY to dry and register)
# -l240 -L100  total ink limit 240 %, black alone up to 100 %
# -S sRGB -cmt -dpp  perceptual and saturation tables gamut-mapped from sRGB seen on a monitor
#              to a practical reflection print (ISO 3664 P2)
colprof -qm -nc -kp 0 0.1 1 1 0.7 -l240 -L100 \
  -S "$srgb" -cmt -dpp \
  -A "layout" -M "coldset newsprint" \
  -D "layout newsprint (CGATS TR 002) GCR TAC 240%" \
  -C "Data: ANSI CGATS/SNAP TR 002-2007. Profile: MIT licence, layout project" \
  "$work/newsprint"
cp "$work/newsprint.icc" "$here/layout-newsprint-tr002.icc"
echo "wrote $here/layout-newsprint-tr002.icc ($(stat -c %s "$here/layout-newsprint-tr002.icc") bytes)"
