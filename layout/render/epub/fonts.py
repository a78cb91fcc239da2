"""Faces in the EPUB: which face sets each part of a story, the CSS that says so, and font subsets.

`font_usage(trees, style, typesetter)` walks the finished XHTML documents and
returns a `FontUsage`: for each face, exactly the characters it sets, and for
each role the faces it needs (the role's face first, then the faces the
typesetter falls back to for characters it lacks, as in the print). The
part of a document an element belongs to is its role class (`headline`,
`byline` …; `body` when none); `<strong>` takes the role face's bold.
`roles_css(usage, style, lang, fonts)` writes `css/roles.css` (font families
and weights per role; `@font-face` rules when fonts are embedded), and
`subset_face(key, chars)` returns a TrueType subset of exactly those characters.
"""
from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass, field

from layout.fonts.registry import BUNDLED, face_class, load_face
from layout.render.epub.content import XHTML
from layout.style import Style

#: Role classes used in the documents, each set in its style role's face.
ROLE_CLASSES = ("kicker", "headline", "subhead", "intertitle", "dateline", "byline", "caption", "credit",
                "signature")
_BOLD_TAGS = {f"{{{XHTML}}}strong", f"{{{XHTML}}}b"}


@dataclass
class FontUsage:
    chars: dict[str, set[str]] = field(default_factory=dict)               # face key -> characters
    faces: dict[tuple[str, bool], list[str]] = field(default_factory=dict)  # (role, bold) -> face keys

    def add(self, role: str, bold: bool, face: str, ch: str) -> None:
        self.chars.setdefault(face, set()).add(ch)
        chain = self.faces.setdefault((role, bold), [])
        if face not in chain:
            chain.append(face)


def bold_of(face: str) -> str:
    """The bold face of a bundled regular face (as the typesetter picks it), else the face itself."""
    if face.endswith("-regular") and face.replace("-regular", "-bold") in BUNDLED:
        return face.replace("-regular", "-bold")
    return face


def role_face(style: Style, role: str, bold: bool, typesetter=None) -> str:
    """The face a role's text is set in (its bold when `bold`), as the typesetter picks it: a face the
    style names but that cannot be found is replaced by the first of its fallbacks, as in the print."""
    face = style.role(role).font
    face = bold_of(face) if bold else face
    # A face the typesetter has set text in loads; only others are tried (loading a face costs tens of
    # milliseconds in a fresh process, e.g. a worker that received the edition pickled).
    if typesetter is not None and face not in getattr(typesetter, "used", ()):
        try:
            typesetter.face(face)
        except Exception:  # noqa: BLE001 - FontNotFound, reported by the typesetter already
            chain = getattr(typesetter, "_chain", None)
            face = chain(face)[0] if chain else BUNDLED[0]
    return face


def font_usage(trees, style: Style, typesetter) -> FontUsage:
    """Characters per face and faces per role, from the text that the documents show
    (`usage_of_texts` of each tree's `document_texts`)."""
    return usage_of_texts([document_texts(html) for html in trees], style, typesetter)


def document_texts(html) -> list[tuple[str, bool, str]]:
    """The text an XHTML document shows, by (role, bold): [(role, bold, text)], each (role, bold)
    once, in the order it first appears, its pieces joined in document order. Plain data, so that
    a document read back from the disk store (`docstore`) brings its texts with it."""
    texts: dict[tuple[str, bool], list[str]] = {}

    def walk(node, role: str, bold: bool) -> None:
        if node.get("hidden") is not None or not isinstance(node.tag, str):
            return
        cls = node.get("class")
        if cls:
            classes = cls.split()
            role = next((c for c in ROLE_CLASSES if c in classes), role)
        bold = bold or node.tag in _BOLD_TAGS
        s = node.text
        if s and s.strip(" \n\r\t"):   # nothing, or only the indentation between blocks
            texts.setdefault((role, bold), []).append(s)
        for child in node:
            walk(child, role, bold)
            s = child.tail
            if s and s.strip(" \n\r\t"):
                texts.setdefault((role, bold), []).append(s)

    body = html.find(f"{{{XHTML}}}body")
    if body is not None:
        walk(body, "body", False)
    return [(role, bold, "".join(parts)) for (role, bold), parts in texts.items()]


def usage_of_texts(documents: list[list[tuple[str, bool, str]]], style: Style, typesetter) -> FontUsage:
    """`FontUsage` of the documents' texts (`document_texts` of each, in reading order).

    Each (role, bold)'s text is gathered first; each distinct character is then looked up once, in
    the order it first appears, so the faces of a role come in the same order as a character-by-character
    pass would give."""
    texts: dict[tuple[str, bool], list[str]] = {}
    for document in documents:
        for role, bold, text in document:
            texts.setdefault((role, bold), []).append(text)

    usage = FontUsage()
    for (role, bold), parts in texts.items():
        primary = role_face(style, role, bold, typesetter)
        chain = usage.faces.setdefault((role, bold), [primary])
        for ch in dict.fromkeys("".join(parts)):
            if ch in "\n\r\t":
                continue
            face = typesetter.font_for(ch, primary)
            if face is not None:
                usage.chars.setdefault(face, set()).add(ch)
                if face not in chain:
                    chain.append(face)
    return usage


_GENERIC = {"serif": "serif", "sans": "sans-serif"}
_KAI = {
    "zh-Hans": '"Kaiti SC", STKaiti, KaiTi, "AR PL UKai CN", serif',
    "zh-Hant": '"Kaiti TC", "BiauKai", DFKai-SB, "AR PL UKai TW", serif',
}
_BOLD_WORDS = ("bold", "black", "heavy", "semibold", "demibold", "粗", "黑体")


def _other(face: str) -> str:
    """A short ASCII name for a face that is not bundled (a path or an installed face's name)."""
    return "face-" + hashlib.sha1(face.encode("utf-8")).hexdigest()[:8]


def family(face: str) -> str:
    """The CSS family an embedded face goes by: 'Layout Serif' for serif-regular and serif-bold."""
    if face in BUNDLED:
        return f"Layout {face_class(face).capitalize()}"
    return f"Layout {_other(face)}"


def weight(face: str, typesetter=None) -> int:
    if face in BUNDLED:
        return 700 if face.endswith("-bold") else 400
    name = typesetter.face(face).name.lower() if typesetter is not None else face.lower()
    return 700 if any(w in name for w in _BOLD_WORDS) else 400


def generic(face: str, lang: str, typesetter=None) -> str:
    """The reader's own fonts of the face's class: serif (宋), sans-serif (黑), a list of 楷 faces."""
    if face in BUNDLED:
        cls = face_class(face)
    else:
        cls = typesetter.face(face).cls if typesetter is not None else "serif"
    if cls == "kai":
        return _KAI["zh-Hant" if lang.startswith("zh-Hant") else "zh-Hans"]
    return _GENERIC.get(cls, "serif")


def font_file(face: str) -> str:
    """Package path of a face's subset."""
    return f"fonts/{face if face in BUNDLED else _other(face)}.ttf"


def _selector(role: str) -> str:
    return "body" if role == "body" else f".{role}"


def roles_css(usage: FontUsage, style: Style, lang: str, embedded: bool, typesetter=None) -> str:
    """css/roles.css: families and weights per role, with @font-face rules for embedded faces."""
    lines = [f"/* Faces of style '{style.name}' for each part of a story (written by layout). */"]
    if embedded:
        for face in sorted(usage.chars):
            lines += [
                "@font-face {",
                f'  font-family: "{family(face)}";',
                f"  font-weight: {weight(face, typesetter)};",
                "  font-style: normal;",
                f'  src: url("../{font_file(face)}") format("truetype");',
                "}",
            ]
    for role in ["body", *ROLE_CLASSES]:
        primary = role_face(style, role, False, typesetter)
        faces = usage.faces.get((role, False), [primary])
        bold_faces = usage.faces.get((role, True), [])
        chain = list(dict.fromkeys(faces + bold_faces))
        names = list(dict.fromkeys(f'"{family(f)}"' for f in chain)) if embedded else []
        stack = ", ".join(names + [generic(primary, lang, typesetter)])
        lines.append(f"{_selector(role)} {{ font-family: {stack}; font-weight: {weight(primary, typesetter)}; }}")
    return "\n".join(lines) + "\n"


def subset_face(face: str, chars: set[str], typesetter=None) -> bytes:
    """A TrueType subset of `face` with exactly `chars` (plus .notdef): names and licence entries kept,
    the default layout features kept (halt, palt, chws, vert … among them), timestamps untouched so the
    bytes are the same on every build. A face that is not plain TrueType (CFF outlines, a face in a
    collection) goes through the project's converter and its cache (layout.fonts.convert)."""
    info = typesetter.face(face) if typesetter is not None else load_face(face)
    if info.needs_conversion:
        from layout.fonts.convert import cached_truetype

        lang = typesetter.lang if typesetter is not None else "zh-CN"
        path, _cached = cached_truetype(info.source, info.index, frozenset(chars) & set(info.advances), lang)
        return path.read_bytes()
    from fontTools import subset  # only with --embed-fonts
    from fontTools.ttLib import TTFont

    opts = subset.Options()
    opts.name_IDs = ["*"]
    opts.name_languages = ["*"]
    opts.name_legacy = True
    opts.notdef_outline = True
    opts.recalc_timestamp = False
    opts.drop_tables += ["DSIG"]
    font = TTFont(str(info.source), recalcBBoxes=False, recalcTimestamp=False, lazy=True)
    sub = subset.Subsetter(opts)
    sub.populate(unicodes=sorted(ord(c) for c in chars))
    sub.subset(font)
    buf = io.BytesIO()
    font.save(buf)
    font.close()
    return buf.getvalue()
