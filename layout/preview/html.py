"""HTML for previews: the contact sheet (`index.html`) and one view per page (`p01.html`).

`contact_sheet(preview, ...)` and `page_view(preview, number, ...)` take a `Preview`
(layout.render.preview) and return a complete HTML document as a string. Images are
referenced as `p01.png?v=<digest>`, so a changed page is fetched again and an unchanged
one comes from the browser's cache.

With `live=True` the document carries a small script that listens to the server's
events (`/events`) and, after each rebuild, fetches the same document again and swaps
in what changed (page images, once loaded; diagnostics; the banner) without reloading.
`broken` diagnostics (the last save could not be laid out) are shown in a banner over
the pages, which stay as last built. The documents need nothing from the network.
"""
from __future__ import annotations

from html import escape

from layout.diagnostics import Diagnostic, printable
from layout.render.preview import Preview, PageView, counts, page_name

_CSS = """
:root { color-scheme: light; --ink: #1d1d1f; --muted: #6b6b70; --err: #c40000; --warn: #b85c00; --bg: #8a8d91; }
* { box-sizing: border-box; }
body { margin: 0; font: 14px/1.5 "Noto Sans CJK SC", "Source Han Sans SC", "PingFang SC", "Microsoft YaHei",
       sans-serif; color: var(--ink); background: var(--bg); }
header { display: flex; gap: 1rem; align-items: center; padding: .5rem 1rem; background: #2b2d31; color: #f2f2f2;
         position: sticky; top: 0; z-index: 5; }
header h1 { font-size: 1rem; margin: 0; font-weight: 600; }
header a { color: #9fd0ff; text-decoration: none; }
header .spacer { flex: 1; }
#status { font-size: .8rem; color: #9fe29f; }
#status.off { color: #ffb0a0; }
.summary { font-size: .85rem; }
.err { color: var(--err); } .warn { color: var(--warn); }
header .err { color: #ff8f8f; } header .warn { color: #ffc46b; }
button.grid { font: inherit; font-size: .85rem; padding: .1rem .6rem; border-radius: 4px; border: 1px solid #777;
              background: #44474d; color: #fff; cursor: pointer; }
body.grid-on button.grid { background: #0a84ff; border-color: #0a84ff; }
.sheet { display: flex; flex-wrap: wrap; gap: 1.5rem; padding: 1.5rem; align-items: flex-start; }
.sheet figure { margin: 0; background: #fff; padding: .4rem; box-shadow: 0 2px 8px rgba(0,0,0,.35); }
.sheet img { display: block; width: 280px; height: auto; }
.sheet figcaption { display: flex; justify-content: space-between; gap: .5rem; font-size: .85rem; padding-top: .3rem; }
.sheet a { color: inherit; text-decoration: none; }
.page { display: flex; gap: 1rem; padding: 1rem; align-items: flex-start; }
.page .paper { flex: 1; min-width: 0; text-align: center; }
.page .paper img { max-width: 100%; max-height: calc(100vh - 5rem); height: auto; background: #fff;
                   box-shadow: 0 2px 10px rgba(0,0,0,.4); }
img.with-grid { display: none; }
body.grid-on img.with-grid { display: inline; } body.grid-on img.plain.has-grid { display: none; }
.sheet img.with-grid { display: none; } body.grid-on .sheet img.with-grid { display: block; }
aside { width: 24rem; flex: none; background: #fff; padding: .8rem 1rem; max-height: calc(100vh - 5rem);
        overflow: auto; box-shadow: 0 2px 8px rgba(0,0,0,.3); }
aside h2, .edition h2 { font-size: .95rem; margin: .2rem 0 .5rem; }
ul.diags { list-style: none; margin: 0; padding: 0; }
ul.diags li { border-left: 4px solid #999; padding: .2rem .5rem; margin: 0 0 .5rem; background: #f7f7f7; }
ul.diags li.error { border-color: var(--err); } ul.diags li.warning { border-color: var(--warn); }
ul.diags li.info { border-color: #9aa; }
.code { font-family: ui-monospace, monospace; font-size: .8rem; }
.where { font-family: ui-monospace, monospace; font-size: .75rem; color: var(--muted); word-break: break-all; }
.hint { color: var(--muted); font-size: .85rem; }
.edition { margin: 1.5rem 1.5rem 0; background: #fff; padding: .8rem 1rem; }
.ok { color: #1a7f37; }
#broken:empty { display: none; }
#broken { position: fixed; left: 1rem; right: 1rem; top: 3.5rem; z-index: 10; max-height: 60vh; overflow: auto;
          background: rgba(255, 245, 245, .94); border: 2px solid var(--err); border-radius: 6px; padding: .8rem 1rem;
          box-shadow: 0 6px 24px rgba(0,0,0,.35); }
#broken h2 { color: var(--err); margin: 0 0 .5rem; font-size: 1rem; }
.legend { font-size: .8rem; color: var(--muted); margin-top: 1rem; }
.legend span { display: inline-block; width: .8rem; height: .8rem; vertical-align: middle; margin: 0 .2rem 0 .6rem; }
"""

# Toggles the grid overlay (remembered per browser); in live mode also follows the server's rebuilds.
_GRID_JS = """
(() => {
  const key = 'layout-preview-grid';
  const apply = on => document.body.classList.toggle('grid-on', on);
  window.layoutGrid = () => apply(localStorage.getItem(key) !== 'off' && !!document.querySelector('img.with-grid'));
  window.layoutGrid();
  document.addEventListener('click', ev => {
    if (!ev.target.matches('button.grid')) return;
    const on = !document.body.classList.contains('grid-on');
    localStorage.setItem(key, on ? 'on' : 'off');
    apply(on);
  });
})();
"""

_LIVE_JS = """
(() => {
  const status = (text, cls) => { const el = document.getElementById('status');
                                  if (el) { el.textContent = text; el.className = cls; } };
  let queue = Promise.resolve();
  const loaded = src => new Promise(ok => { const im = new Image(); im.onload = im.onerror = ok; im.src = src; });
  async function refresh(info) {
    if (String(info.version) === document.body.dataset.version) return;
    const res = await fetch(location.pathname, {cache: 'no-store'});
    const doc = new DOMParser().parseFromString(await res.text(), 'text/html');
    const main = document.getElementById('main'), next = doc.getElementById('main');
    if (!res.ok || !next || main.dataset.pages !== next.dataset.pages) {
      document.body.replaceWith(document.importNode(doc.body, true));
      document.body.dataset.version = info.version;
      document.title = doc.title;
      window.layoutGrid();
      status('● 实时', '');
      return;
    }
    // page images: load the new one first, then swap, so the page never flashes empty
    await Promise.all([...next.querySelectorAll('img[id]')].map(async img => {
      const cur = document.getElementById(img.id), src = img.getAttribute('src');
      if (!cur || cur.getAttribute('src') === src) return;
      await loaded(src);
      cur.setAttribute('src', src);
    }));
    for (const el of doc.querySelectorAll('[data-live]')) {
      const cur = document.getElementById(el.id);
      if (cur) cur.replaceWith(document.importNode(el, true));
    }
    document.title = doc.title;
    document.body.dataset.version = info.version;
  }
  function connect() {
    const es = new EventSource('/events');
    es.addEventListener('build', ev => {
      queue = queue.then(() => refresh(JSON.parse(ev.data))).catch(err => console.error(err));
    });
    es.onopen = () => status('● 实时', '');
    es.onerror = () => status('○ 重新连接…', 'off');
  }
  connect();
})();
"""


def _diag(d: Diagnostic) -> str:
    """One diagnostic as a list item; control characters from the input shown as escapes (`printable`)."""
    where = f'<div class="where">{escape(printable(str(d.source)))}</div>' if d.source else ""
    hint = f'<div class="hint">{escape(printable(d.hint))}</div>' if d.hint else ""
    return (f'<li class="{d.severity}"><span class="code">{d.severity}[{escape(d.code)}]</span> '
            f'{escape(printable(d.message))}{where}{hint}</li>')


def diagnostics_list(diags, empty: str = "") -> str:
    """Errors and warnings as a list; notes (info) folded away under them."""
    main = [d for d in diags if d.severity != "info"]
    notes = [d for d in diags if d.severity == "info"]
    out = ""
    if main:
        out += '<ul class="diags">' + "".join(_diag(d) for d in main) + "</ul>"
    elif empty:
        out += f'<p class="ok">{escape(empty)}</p>'
    if notes:
        out += (f'<details><summary>{len(notes)} 条提示 (notes)</summary><ul class="diags">'
                + "".join(_diag(d) for d in notes) + "</ul></details>")
    return out


def _tally(diags, short: bool = False) -> str:
    e, w, _ = counts(diags)
    if not e and not w:
        return "" if short else '<span class="ok">无问题</span>'
    parts = []
    if e:
        parts.append(f'<span class="err">{e} 错误</span>')
    if w:
        parts.append(f'<span class="warn">{w} 警告</span>')
    return " ".join(parts)


def _banner(broken) -> str:
    if not broken:
        return '<div id="broken" data-live></div>'
    return ('<div id="broken" data-live role="alert"><h2>清样未更新：版面文件有错误 (the last save could not be laid '
            'out; the pages below are the last good ones)</h2>' + diagnostics_list(broken) + "</div>")


def _img(view: PageView, css: str, grid: bool) -> str:
    """The page image, and its overlay twin when there is one (a button switches between them)."""
    alt = f"第{view.number}版 {view.section}"
    plain = (f'<img id="{css}-{view.number}" class="plain{" has-grid" if view.overlay and grid else ""}" '
             f'src="{view.image}?v={view.digest}" width="{view.width}" height="{view.height}" alt="{escape(alt)}">')
    if not (view.overlay and grid):
        return plain
    return plain + (f'<img id="{css}-grid-{view.number}" class="with-grid" src="{view.overlay}?v={view.digest}" '
                    f'width="{view.width}" height="{view.height}" alt="{escape(alt)}（网格）">')


def _document(title: str, header: str, body: str, *, live: bool, version: int, pages: str, broken) -> str:
    live_js = f"<script>{_LIVE_JS}</script>" if live else ""
    status = '<span id="status" class="off">○ 连接中…</span>' if live else ""
    return (
        "<!DOCTYPE html>\n"
        '<html lang="zh-CN"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{escape(title)}</title><style>{_CSS}</style></head>\n"
        f'<body data-version="{version}"><header>{header}<span class="spacer"></span>{status}</header>\n'
        f"{_banner(broken)}\n"
        f'<main id="main" data-pages="{pages}">{body}</main>\n'
        f"<script>{_GRID_JS}</script>{live_js}</body></html>\n"
    )


def _grid_button(preview: Preview | None) -> str:
    if preview and any(p.overlay for p in preview.pages):
        return '<button class="grid" type="button" title="show or hide the layout overlay">网格 grid</button>'
    return ""


def contact_sheet(preview: Preview | None, *, live: bool = False, version: int = 0, broken=(),
                  title: str = "") -> str:
    """All pages side by side, each linking to its page view."""
    title = preview.title if preview else (title or "preview")
    if preview is None:
        body = '<p class="edition">还没有可显示的版面 (no pages yet: fix the errors above and save)</p>'
        return _document(title, f"<h1>{escape(title)}</h1>", body, live=live, version=version, pages="", broken=broken)
    all_diags = [d for p in preview.pages for d in p.diagnostics] + list(preview.diagnostics)
    header = (f"<h1>{escape(title)}</h1>"
              f'<span class="summary" id="summary" data-live>{len(preview.pages)} 版 · {_tally(all_diags)}</span>'
              f"{_grid_button(preview)}")
    figures = []
    for p in preview.pages:
        figures.append(
            f'<figure><a href="{page_name(p.number)}">{_img(p, "thumb", True)}</a>'
            f'<figcaption id="cap-{p.number}" data-live><a href="{page_name(p.number)}">第{p.number}版 '
            f"{escape(p.section)}</a><span>{_tally(p.diagnostics, short=True)}</span></figcaption></figure>")
    edition = ""
    if preview.diagnostics:
        edition = ('<h2>全刊 (the whole edition)</h2>' + diagnostics_list(preview.diagnostics))
    body = (f'<section class="edition" id="edition" data-live{"" if edition else " hidden"}>{edition}</section>'
            f'<section class="sheet">{"".join(figures)}</section>')
    pages = ",".join(str(p.number) for p in preview.pages)
    return _document(title, header, body, live=live, version=version, pages=pages, broken=broken)


_LEGEND = ('<div class="legend">网格 overlay: <span style="background:#008cff"></span>栏 columns'
           '<span style="background:#c80096"></span>稿件区域 regions<span style="background:#009646"></span>图片 photos'
           '<span style="background:#e10000"></span>溢出 overset<span style="background:#ff8c00"></span>空行 underset'
           '　自检 self-check: 压字 collision · 空栏 empty column · 孤行 lone byline</div>')


def page_view(preview: Preview | None, number: int, *, live: bool = False, version: int = 0, broken=(),
              title: str = "") -> str | None:
    """One page at full size with its diagnostics beside it; None when the edition has no such page."""
    if preview is None:
        return contact_sheet(None, live=live, version=version, broken=broken, title=title)
    views = {p.number: p for p in preview.pages}
    view = views.get(number)
    if view is None:
        return None
    prev = f'<a href="{page_name(number - 1)}">‹ 第{number - 1}版</a>' if number - 1 in views else ""
    nxt = f'<a href="{page_name(number + 1)}">第{number + 1}版 ›</a>' if number + 1 in views else ""
    header = (f'<a href="index.html">全部版面</a>{prev}<h1 id="pagetitle" data-live>第{number}版 {escape(view.section)}'
              f' · {escape(preview.title)}</h1>{nxt}{_grid_button(preview)}')
    aside = (f'<aside id="diags-{number}" data-live><h2>本版问题 (this page) {_tally(view.diagnostics)}</h2>'
             f'{diagnostics_list(view.diagnostics)}')
    if preview.diagnostics:
        aside += "<h2>全刊 (the whole edition)</h2>" + diagnostics_list(preview.diagnostics)
    if view.overlay:
        aside += _LEGEND
    aside += "</aside>"
    body = f'<section class="page"><div class="paper">{_img(view, "page", True)}</div>{aside}</section>'
    return _document(f"第{number}版 {view.section} · {preview.title}", header, body, live=live, version=version,
                     pages=str(number), broken=broken)
