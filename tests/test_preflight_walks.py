"""The preflight's page walks kept on disk (`layout/render/preflight_walks.py`): a page checked
before, in this process or an earlier one, is not parsed or walked again, and the preflight
finds exactly what a preflight with every cache off finds (LAYOUT_NO_CACHE=1); a damaged file, a
file of another format, of other code or of foreign content is not used."""
from __future__ import annotations

import io

import pikepdf
import pytest
from pikepdf import Array, Dictionary, Name

from layout.render import preflight_memo, preflight_walks
from layout.render.preflight import preflight
from test_startup_caches import own_cache  # noqa: F401 - the fixture

_GSTATES = Dictionary({"/OPM1": Dictionary(Type=Name.ExtGState, OP=True, op=True, OPM=1),
                       "/OFF": Dictionary(Type=Name.ExtGState, OP=False, op=False)})

#: Page contents that reach every kind of the walk's effect: a finding (RGB, white overprint,
#: PostScript), colour spaces, black text and rules overprinted or knocked out, small text in
#: several inks, a photo placed twice (its lower resolution counts), a form with its own black
#: line, a fill changed inside a text object (the quick pass restarts with the text read).
PAGES = [
    b"0.5 0 0 0 k 0 0 100 100 re f /OPM1 gs BT /F1 12 Tf 10 10 Td 0 0 0 1 k (A) Tj ET "
    b"q 50 0 0 50 0 0 cm /Im1 Do Q q 20 0 0 20 60 60 cm /Im1 Do Q /Fm1 Do",
    b"BT 0.5 0.5 0 0 k /F1 6 Tf 10 10 Td (small) Tj ET 1 0 0 rg 0 0 5 5 re f /OFF gs 0 0 0 1 K 0 50 m 100 50 l S",
    b"/OPM1 gs 0 0 0 0 k 10 10 50 50 re f /CS0 cs 0.5 sc 0 0 10 10 re f q 10 0 0 10 0 0 cm /Im1 Do Q",
    b"0.5 0 0 0 k 0 0 100 100 re f /OPM1 gs BT /F1 12 Tf 10 10 Td 0 0 0 1 k (A) Tj ET "
    b"q 50 0 0 50 0 0 cm /Im1 Do Q q 20 0 0 20 60 60 cm /Im1 Do Q /Fm1 Do",   # page 1 again, as page 4
]


def _pdf(pages: list[bytes]) -> bytes:
    pdf = pikepdf.new()
    image = pdf.make_stream(bytes(range(256)) * 1, Type=Name.XObject, Subtype=Name.Image, Width=8, Height=8,
                            ColorSpace=Name.DeviceCMYK, BitsPerComponent=8)
    form = pdf.make_stream(b"/OPM1 gs 0 0 0 1 K 2 w 0 0 m 10 10 l S", Type=Name.XObject, Subtype=Name.Form,
                           BBox=[0, 0, 100, 100], Resources=Dictionary(ExtGState=_GSTATES))
    spot = Array([Name.Separation, Name("/Spot"), Name.DeviceCMYK,
                  Dictionary(FunctionType=2, Domain=[0, 1], C0=[0, 0, 0, 0], C1=[0, 1, 0, 0], N=1)])
    font = pdf.make_indirect(Dictionary(Type=Name.Font, Subtype=Name.Type1, BaseFont=Name.Helvetica))
    for content in pages:
        page = pdf.add_blank_page(page_size=(100, 100))
        page.Contents = pdf.make_stream(content)
        page.Resources = Dictionary(ExtGState=_GSTATES, XObject=Dictionary(Im1=image, Fm1=form),
                                    ColorSpace=Dictionary(CS0=spot), Font=Dictionary(F1=font))
    out = io.BytesIO()
    pdf.save(out, deterministic_id=True)
    return out.getvalue()


@pytest.fixture
def cache(own_cache):
    _new_process()
    return own_cache / "preflight"


def _new_process() -> None:
    """Nothing remembered in memory, as in a new process: only the disk store."""
    preflight_walks.forget()
    preflight_memo.forget()


def _clean(data: bytes, monkeypatch):
    with monkeypatch.context() as m:
        m.setenv("LAYOUT_NO_CACHE", "1")
        return preflight(data)


def _pages_parsed(monkeypatch, data: bytes):
    """(the preflight of `data`, how many pages' own content streams it parsed)."""
    parsed = []
    parse = pikepdf.parse_content_stream
    with monkeypatch.context() as m:
        m.setattr(pikepdf, "parse_content_stream",
                  lambda obj, ops="": parsed.append(isinstance(obj, pikepdf.Stream)) or parse(obj, ops))
        result = preflight(data)
    return result, parsed.count(False)


def test_pages_checked_before_are_replayed_with_the_same_findings(cache, monkeypatch):
    data = _pdf(PAGES)
    clean = _clean(data, monkeypatch)
    codes = {f.code for f in clean.findings}
    assert {"rgb-colour", "white-overprint", "font-not-embedded"} <= codes
    assert [p.black_overprint for p in clean.pages] == ["yes", "no", "none", "yes"]

    first, parsed = _pages_parsed(monkeypatch, data)
    assert parsed >= 4 and first == clean
    assert len(list(cache.glob("*.blob"))) == 4       # one walk per page: the page number is in the key

    _new_process()
    again, parsed = _pages_parsed(monkeypatch, data)
    assert parsed == 0 and preflight_walks.COUNTS == {"walked": 0, "replayed": 4}
    assert again == clean                             # findings, counts, images and their resolution alike

    # one page changed: only it is walked, and the result is still a clean preflight's
    edited = _pdf([PAGES[0], PAGES[1].replace(b"0 0 0 1 K", b"0 0 0 0 K /OPM1 gs"), PAGES[2], PAGES[3]])
    _new_process()
    after, parsed = _pages_parsed(monkeypatch, edited)
    assert parsed >= 1 and preflight_walks.COUNTS == {"walked": 1, "replayed": 3}
    assert after == _clean(edited, monkeypatch) != clean


def test_a_changed_graphics_state_is_not_taken_from_the_walk_before(cache, monkeypatch):
    """The same content stream with another ExtGState behind the same name: walked again."""
    content = [b"/OPM1 gs 0 0 0 1 K 0 50 m 100 50 l S"]
    before = preflight(_pdf(content))
    assert before.pages[0].black_overprint == "yes"
    monkeypatch.setitem(_GSTATES, "/OPM1", Dictionary(Type=Name.ExtGState, OP=False, op=False))
    _new_process()
    after = preflight(_pdf(content))
    assert preflight_walks.COUNTS["walked"] == 1
    assert after.pages[0].black_overprint == "no" and after == _clean(_pdf(content), monkeypatch)


def _damage(file, how: str) -> None:
    raw = file.read_bytes()
    if how == "truncated":
        file.write_bytes(raw[: len(raw) // 2])
    elif how == "flipped":
        file.write_bytes(raw[:-5] + bytes([raw[-5] ^ 0x55]) + raw[-4:])
    else:
        file.write_bytes(b"not a walk" * 20)


@pytest.mark.parametrize("how", ["truncated", "flipped", "garbage"])
def test_a_damaged_walk_file_is_walked_again_and_replaced(cache, monkeypatch, how):
    data = _pdf(PAGES[:2])
    clean = _clean(data, monkeypatch)
    preflight(data)
    for file in cache.glob("*.blob"):
        _damage(file, how)
    _new_process()
    assert preflight(data) == clean
    assert preflight_walks.COUNTS == {"walked": 2, "replayed": 0}
    _new_process()
    assert preflight(data) == clean                   # the files were written again: read back
    assert preflight_walks.COUNTS == {"walked": 0, "replayed": 2}


def test_walks_of_another_format_other_code_or_foreign_content_are_not_used(cache, monkeypatch):
    data = _pdf(PAGES[:1])
    clean = _clean(data, monkeypatch)
    preflight(data)
    with pikepdf.open(io.BytesIO(data)) as pdf:
        page = pdf.pages[0].obj
        key = preflight_walks.walk_key(page, page.get("/Resources"), 1)
    # a file that passes its checksum but is not a walk (another tool's, a future format's shape)
    preflight_walks.DISK.put(key, data=b"\xe9" + bytes(40))
    _new_process()
    assert preflight(data) == clean and preflight_walks.COUNTS["walked"] == 1
    import marshal

    preflight_walks.DISK.put(key, data=marshal.dumps(((("do", 1, 2),), (), (0, 0), 0)))
    _new_process()
    assert preflight(data) == clean and preflight_walks.COUNTS["walked"] == 1
    _new_process()
    assert preflight(data) == clean and preflight_walks.COUNTS["replayed"] == 1   # rewritten above
    from layout.blobstore import BlobStore

    monkeypatch.setattr(preflight_walks, "DISK", BlobStore("preflight", "another-format", 1 << 20))
    _new_process()
    assert preflight(data) == clean and preflight_walks.COUNTS["walked"] == 1
    _new_process()
    monkeypatch.setattr(preflight_walks, "code_stamp", lambda: "the code of another branch")
    assert preflight(data) == clean and preflight_walks.COUNTS["walked"] == 1


def test_layout_no_cache_keeps_no_walk(cache, monkeypatch):
    monkeypatch.setenv("LAYOUT_NO_CACHE", "1")
    preflight(_pdf(PAGES[:1]))
    assert not cache.exists()


def test_layout_cache_shows_and_clears_the_walks_and_drawings(cache, monkeypatch):
    from layout import cache as caches
    from layout.render import drawnstore

    preflight(_pdf(PAGES[:1]))
    drawnstore.DISK.put("k", data=b"x")
    shown = "\n".join(caches.report())
    assert "  preflight      1 files" in shown and "  drawn          1 files" in shown
    caches.clear()
    assert not cache.exists() and not (cache.parent / "drawn").exists()
    preflight(_pdf(PAGES[:1]))
    assert preflight_walks.COUNTS == {"walked": 1, "replayed": 0}   # this process's walks forgotten too


def test_a_page_with_an_inline_image_is_walked_every_time(cache, monkeypatch):
    """An inline image is an object of the PDF itself (its pixels, its colour space): such a page's
    walk is never kept, and its findings (an RGB image) are found each time."""
    content = (b"q 10 0 0 10 0 0 cm BI /W 2 /H 2 /CS /RGB /BPC 8 ID " + bytes(12) + b" EI Q "
               b"0 0 0 1 k 0 0 5 5 re f")
    data = _pdf([content])
    first, second = preflight(data), preflight(data)
    assert preflight_walks.COUNTS == {"walked": 2, "replayed": 0} and not cache.exists()
    assert first == second == _clean(data, monkeypatch)
    assert "rgb-colour" in {f.code for f in first.findings}
