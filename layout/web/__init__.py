"""The web edition (数字报): a static e-paper site of one edition, built from the same layout.

`layout build ISSUE.yaml --web` writes it into `web/` beside the PDF and EPUB
(`pipeline.build` with `BuildOptions(web=True)`; `site.site_images` and `site.site_files` make the files, and
`outputs.OutputSet.add_tree` writes them all or none). Static files only: no server, no script,
no request outside the folder; it works from file:// and from any static host.

Folder layout (every path relative to web/; NN = the page number in two digits, KEY = the
article's key: its number in reading order and its id made ASCII, e.g. 02-plenary):

    web/index.html              the edition's front: every page's small image, 版 label and stories
    web/page-NN.html            the page view of print page NN (page image, one link per story region,
                                the page's story list, previous/next page, the 版 menu, the page's PDF)
    web/page-NN.css             that page's region positions (percent of the page)
    web/article/KEY.html        the article page of a story or standalone picture
    web/image/page-NN.jpg       page NN at 1200 px high (desktop)
    web/image/page-NN-small.jpg page NN at 600 px high (phones, the front)
    web/image/KEY-K.jpg         the K-th photo of an article (or .png), at most 1200 px
    web/pdf/<paper>-<date>-pNN.pdf  page NN's own print PDF (as `--split` makes it, without marks)
    web/web.css                 the stylesheet (layout/web/web.css)
    web/edition.json            the summary below, for an archive of many editions

A story's regions on the page views have the id `sKEY` (e.g. `s02-plenary`): an article page
links back to `page-NN.html#s02-plenary`, which outlines the region (`:target`).

edition.json (UTF-8 JSON; `edition.summary`):

    {"format": "layout-web-edition/1",
     "paper": "江城日报", "publisher": "江城日报社主办", "date": "2026-11-28", "number": 8125,
     "lang": "zh-CN", "title": "江城日报 2026年11月28日 第8125期", "index": "index.html",
     "pages": [{"number": 1, "section": "要闻", "label": "第01版：要闻", "url": "page-01.html",
                "image": "image/page-01.jpg", "small_image": "image/page-01-small.jpg",
                "pdf": "pdf/江城日报-2026-11-28-p01.pdf", "articles": [0, 1, 2],
                "ads": ["the alt text of each advertisement on the page"]}, ...],
     "articles": [{"index": 1, "kind": "story" | "picture", "id": "plenary",
                   "url": "article/02-plenary.html", "pages": [1, 2], "headline": "…",
                   "kicker": "…", "subhead": "…", "dateline": "本报讯 11月27日", "byline": "…",
                   "text": "the running text, one paragraph a line"}, ...]}

`pages[].articles` are indices into `articles`, in the page's reading order; `articles` are in
the edition's reading order (上一篇/下一篇), `pages` the print pages an article is on, the first
where it begins. Modules: `edition` (what is where), `images` (page images, photos), `markup`
(HTML elements and the shared page parts), `pageview` (page views, the front), `article`
(article pages), `site` (all the files).
"""
