"""Presenting a preflight: text for a person, JSON for tools, diagnostics for `layout build`.

`format_text(result)` and `to_json(result)` take a `preflight.PreflightResult`;
`run(path, as_json, ink_limit)` is the `layout preflight FILE.pdf` command
(prints the report; exit 0 pass, 1 errors, 2 no such file); `report_findings`
adds a result's findings to a build's `Report` as `preflight-…` diagnostics.
"""
from __future__ import annotations

import sys
from dataclasses import asdict
from pathlib import Path

from layout.diagnostics import Report, Source, printable, to_json_text
from layout.render.colour import DEFAULT_INK_LIMIT
from layout.render.preflight import ERROR, INFO, MM, WARNING, PreflightResult, preflight
from layout.wording import counted


def to_json(result: PreflightResult) -> dict:
    data = asdict(result)
    data["ok"] = result.ok
    data["errors"], data["warnings"] = len(result.errors), len(result.warnings)
    return data


#: `PageInfo.black_overprint` in the text report.
_OVERPRINT_WORDS = {"none": "- (none on the page)", "partly": "partly (some knock out)"}


def _size(box) -> str:
    return f"{(box[2] - box[0]) / MM:.1f} x {(box[3] - box[1]) / MM:.1f} mm"


def format_text(result: PreflightResult) -> str:
    r, out = result, []
    x = r.pdfx
    out.append(f"preflight {r.file}")
    out.append(f"  PDF {r.pdf_version or '?'}, {counted(len(r.pages), 'page')}; PDF/X: {x.get('GTS_PDFXVersion') or 'none'}"
               f" / {x.get('GTS_PDFXConformance') or '-'}; Trapped {x.get('Trapped') or '-'}; "
               f"ID {'yes' if x.get('ID') else 'no'}; XMP {'yes' if x.get('XMP') else 'no'}")
    if x.get("Title"):
        out.append(f"  title: {x['Title']}")
    oi = x.get("OutputIntent")
    if oi:
        prof = oi.get("profile")
        embedded = f"embedded {prof['class']} {prof['colour_space']} profile, {prof['bytes'] // 1024} KB" if prof else "no profile"
        out.append(f"  output intent: {oi['OutputConditionIdentifier']} ({oi['Info']}; {embedded})")
    out.append("pages:")
    for p in r.pages:
        line = f"  {p.number} (label {p.label}): media {_size(p.media)}"
        if p.trim:
            line += f", trim {_size(p.trim)}"
        if p.bleed and p.trim:
            line += f", bleed {(p.trim[0] - p.bleed[0]) / MM:.1f} mm"
        if p.media and p.bleed and p.bleed != p.media:
            line += f", marks area {(p.bleed[0] - p.media[0]) / MM:.1f} mm"
        line += f"; black text and rules overprint: {_OVERPRINT_WORDS.get(p.black_overprint, p.black_overprint)}"
        out.append(line)
    embedded = sum(f.embedded for f in r.fonts)
    out.append(f"fonts: {len(r.fonts)} ({embedded} embedded, {sum(f.subset for f in r.fonts)} subset)")
    for f in r.fonts:
        out.append(f"  {f.name} [{f.subtype}] {'embedded' if f.embedded else 'NOT EMBEDDED'}"
                   f"{', subset' if f.subset else ''}; pages {', '.join(map(str, f.pages))}")
    out.append(f"colour spaces: {', '.join(r.colour_spaces) or '-'}")
    inks = [im.max_ink for im in r.images if im.max_ink is not None]
    out.append(f"images: {len(r.images)}" + (f"; highest total ink {max(inks):.0f} % (limit {r.ink_limit:g} %)" if inks else ""))
    for im in r.images:
        ppi = f"{im.ppi:.0f} ppi" if im.ppi else "not placed"
        ink = f", max ink {im.max_ink:.0f} %" if im.max_ink is not None else ""
        out.append(f"  page {im.page} {im.name}: {im.width}x{im.height} {im.colorspace} {im.bits}-bit, {ppi}{ink}")
    if r.findings:
        out.append("findings:")
        for f in sorted(r.findings, key=lambda f: ({ERROR: 0, WARNING: 1}.get(f.severity, 2), f.page or 0)):
            out.append(f"  {f.severity}[{f.code}]: {f.message}" + (f"\n      hint: {f.hint}" if f.hint else ""))
    verdict = "PASS" if r.ok else "FAIL"
    out.append(f"{verdict}: {counted(len(r.errors), 'error')}, {counted(len(r.warnings), 'warning')}")
    return "\n".join(out)


def run(path: str, as_json: bool = False, ink_limit: float = DEFAULT_INK_LIMIT, min_ppi: float = 150.0) -> int:
    """The `layout preflight` command: print the report; 0 when it passes, 1 on errors, 2 when there is no file."""
    if not Path(path).is_file():
        print(f"layout preflight: no file {path}", file=sys.stderr)
        return 2
    result = preflight(path, ink_limit=ink_limit, min_ppi=min_ppi)
    if as_json:
        sys.stdout.write(to_json_text(to_json(result)) + "\n")
    else:   # font names and the like come from the PDF: shown, never obeyed by the terminal
        print("\n".join(printable(line) for line in format_text(result).splitlines()))
    return 0 if result.ok else 1


def report_findings(result: PreflightResult, report: Report, path: Path | str, errors_only: bool = False) -> None:
    """Add a preflight's errors (and warnings) to a build's `Report` as `preflight-…` diagnostics."""
    for f in result.findings:
        if f.severity == INFO or (errors_only and f.severity != ERROR):
            continue
        report.add(f.severity, f"preflight-{f.code}", f.message, Source(str(path)), f.hint)
