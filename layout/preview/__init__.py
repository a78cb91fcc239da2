"""Previews for layout editors: the contact sheet and page views (html), the live server (serve),
and the `layout preview` command (command). The page images come from `layout.render.preview`."""
