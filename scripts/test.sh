#!/usr/bin/env bash
# The README's test command: installs what the test suite needs and runs all of it.
#   Debian packages: poppler-utils (pdffonts/pdftotext, to read built PDFs back as a printer would)
#   Python: the package with its `test` extra (pytest, hypothesis, pypdf)
# Extra arguments go to pytest, e.g. `bash scripts/test.sh tests/text -x`.
set -euo pipefail
cd "$(dirname "$0")/.."

debs=()
command -v pdffonts >/dev/null 2>&1 || debs+=(poppler-utils)
if ((${#debs[@]})); then
  if [ "$(id -u)" = 0 ]; then
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${debs[@]}"
  else
    sudo apt-get update -qq
    sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${debs[@]}"
  fi
fi

python -m pip install -q --disable-pip-version-check -e '.[test]'
python -m pytest "$@"
