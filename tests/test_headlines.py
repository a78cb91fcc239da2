"""Headlines (issue 15, defects 2, 3 and 7): broken between words, sized by the story's place, 插题 spaces kept."""
from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from layout.diagnostics import Report
from layout.page.frames import GlyphRun
from layout.pipeline import prepare
from layout.style import SIZE_NAMES
from layout.text import ComposeSettings, compose_headline
from layout.text.testing import runs

BODY = "本报讯 记者走访了解到，这项工作已经全面铺开，各项准备就绪，市民反映良好。" * 4

#: the three headlines of the report and the words a reader saw cut
DEFECT_HEADLINES = {
    "全区中小学冬季长跑活动启动": ("中小学", "冬季", "长跑", "活动", "启动"),
    "冬季招聘会提供岗位3200个": ("冬季", "招聘会", "提供", "岗位", "3200个"),
    "地铁5号线东湖段隧道全线贯通": ("地铁", "5号线", "东湖段", "隧道", "全线贯通"),
}


def _edition(tmp_path: Path, stories: str, articles: str, style: str = "tabloid"):
    (tmp_path / "issue.yaml").write_text(f"""
paper: {{name: 东湖晚报}}
issue: {{number: 3, date: 2026-12-06}}
style: {style}
pages:
  - section: 要闻
    stories:
{stories}
articles:
{articles}
""", encoding="utf-8")
    report = Report()
    ed = prepare(tmp_path / "issue.yaml", report)
    assert ed is not None and not report.errors, [d.format() for d in report.errors]
    return ed, report


def _lines(frame, role: str, x0: float | None = None, x1: float | None = None) -> list[tuple[float, str]]:
    """(size, text) of each printed line of `role`, top to bottom, optionally only between x0 and x1."""
    rows: dict[float, list[tuple[float, str, float]]] = {}
    for it in frame.items:
        if isinstance(it, GlyphRun) and it.role == role:
            for ch, x in zip(it.text, it.xs):
                if (x0 is None or x >= x0) and (x1 is None or x < x1):
                    rows.setdefault(round(it.y, 1), []).append((x, ch, it.size))
    out = []
    for y in sorted(rows):
        chars = sorted(rows[y])
        out.append((chars[0][2], "".join(ch for _, ch, _ in chars)))
    return out


def _cut_words(lines: list[str], words) -> list[str]:
    """The words of `words` that a break between two of `lines` cuts."""
    text = "".join(lines)
    breaks = []
    pos = 0
    for line in lines[:-1]:
        pos += len(line)
        breaks.append(pos)
    cut = []
    for w in words:
        start = text.find(w)
        if start >= 0 and any(start < b < start + len(w) for b in breaks):
            cut.append(w)
    return cut


@pytest.mark.parametrize("headline", list(DEFECT_HEADLINES))
@pytest.mark.parametrize("columns,size", [((1, 2), "小一"), ((1, 2), None), ((1, 1), None)],
                         ids=["2col-xiaoyi", "2col", "1col"])
def test_defect_headlines_break_between_words(tmp_path, headline, columns, size):
    """The report's three headlines, in a 2-column tabloid story at 小一 (where they broke inside a
    word: 冬／季, 提／供, 东湖／段) and at the sizes the scale gives 2- and 1-column stories."""
    extra = f", headline_size: {size}" if size else ""
    ed, _ = _edition(tmp_path, f"      - {{article: a, columns: [{columns[0]}, {columns[1]}]}}",
                     f"  a: {{headline: {headline}{extra}, body: {BODY}}}")
    lines = [text for _, text in _lines(ed.frames[0], "headline")]
    assert "".join(lines) == headline
    if size or columns == (1, 1):
        assert len(lines) >= 2, lines           # the width really makes it break
    assert _cut_words(lines, DEFECT_HEADLINES[headline]) == [], lines
    from layout.text.phrases import inside_word_breaks

    assert inside_word_breaks(lines) == []


def test_longer_line_first_and_phrase_break():
    """Two balanced lines: the longer first; the break at the phrase gap the editor typed."""
    lines = compose_headline(runs("老旧小区换新颜 居民生活添暖意"), 120.0, ComposeSettings(align="center"))
    assert [ln.text for ln in lines] == ["老旧小区换新颜", "居民生活添暖意"]
    lines = compose_headline(runs("地铁5号线东湖段隧道全线贯通"), 90.0, ComposeSettings(align="center"))
    texts = [ln.text for ln in lines]
    assert texts[0] == "地铁5号线东湖段" and lines[0].width >= lines[1].width, texts


def test_editor_break_wins(tmp_path):
    """A | (or a newline) in the headline is where it breaks, even where the composer would not."""
    ed, _ = _edition(tmp_path, "      - {article: a, columns: [1, 5]}",
                     f"  a: {{headline: 全区中小学|冬季长跑活动启动, body: {BODY}}}")
    assert [t for _, t in _lines(ed.frames[0], "headline")] == ["全区中小学", "冬季长跑活动启动"]


def test_word_too_wide_for_the_line_warns(tmp_path):
    """A single word wider than the region at the smallest size is broken, with a warning."""
    ed, report = _edition(tmp_path, "      - {article: a, columns: [1, 1]}",
                          f"  a: {{headline: 中华人民共和国全国人民代表大会常务委员会, body: {BODY}}}")
    assert any(d.code == "headline-word-broken" for d in report.warnings), [d.format() for d in report.warnings]


_WORDS = ["冬季", "招聘会", "提供", "岗位", "地铁", "隧道", "全线贯通", "中小学", "长跑", "活动", "启动",
          "东湖", "居民", "生活", "老旧小区", "改造", "图书馆", "延长", "开放", "时间", "市民", "志愿者",
          "服务", "社区", "食堂", "正式", "运营", "交通", "管制", "发布", "寒潮", "预警"]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(words=st.lists(st.sampled_from(_WORDS), min_size=2, max_size=8), measure_em=st.integers(4, 16))
def test_property_no_break_inside_a_word(words, measure_em):
    """Headlines made of dictionary words never break inside one while every word fits the measure."""
    import rjieba

    text = "".join(words)
    lines = compose_headline(runs(text), measure_em * 10.0, ComposeSettings(align="center"))
    texts = [ln.text for ln in lines]
    assert "".join(texts) == text
    longest = max(len(w) for w in rjieba.cut(text))
    if longest <= measure_em:
        bounds = set()
        pos = 0
        for w in rjieba.cut(text):
            pos += len(w)
            bounds.add(pos)
        pos = 0
        for t in texts[:-1]:
            pos += len(t)
            assert pos in bounds, texts
        from layout.text.phrases import inside_word_breaks

        assert inside_word_breaks(texts) == []


def test_hierarchy_lead_larger_than_ear_and_secondaries(tmp_path):
    """Page 1: the lead (widest) is set larger than the 报眼 and the 2-column stories, and a
    wider secondary larger than a narrower one."""
    stories = """      - {article: ear, columns: [4, 5], lines: [1, 14]}
      - {article: lead, columns: [1, 3], lines: [15, 50]}
      - {article: second, columns: [4, 5]}
      - {article: short, columns: [4, 4]}"""
    articles = f"""  ear: {{headline: 冬季招聘会提供岗位, body: {BODY}}}
  lead: {{headline: 全区中小学冬季长跑活动启动, body: {BODY * 3}}}
  second: {{headline: 地铁隧道全线贯通, body: {BODY}}}
  short: {{headline: 寒潮预警发布, body: {BODY}}}"""
    (Path(tmp_path) / "x").mkdir()
    ed, _ = _edition(tmp_path, stories.replace("lines: [1, 14]", "lines: [1, 14]"), articles)
    frame = ed.frames[0]
    sizes = {}
    for it in frame.items:
        if isinstance(it, GlyphRun) and it.role == "headline":
            for name, head in (("ear", "冬季招聘会"), ("lead", "全区中小学"), ("second", "地铁隧道"),
                               ("short", "寒潮预警")):
                if it.text and it.text[0] in head[:2] and name not in sizes:
                    sizes[name] = it.size
    assert set(sizes) == {"ear", "lead", "second", "short"}, sizes
    assert sizes["lead"] > sizes["ear"] and sizes["lead"] > sizes["second"] > sizes["short"], sizes


def test_rank_makes_the_lead(tmp_path):
    """rank: 1 makes a narrower story the lead."""
    ed, _ = _edition(tmp_path, """      - {article: wide, columns: [1, 3]}
      - {article: ranked, columns: [4, 5], rank: 1}""",
                     f"""  wide: {{headline: 寒潮预警发布, body: {BODY}}}
  ranked: {{headline: 地铁通车, body: {BODY}}}""")
    frame = ed.frames[0]
    size = {it.text[0]: it.size for it in frame.items if isinstance(it, GlyphRun) and it.role == "headline"}
    assert size["地"] > size["寒"], size


@pytest.mark.parametrize("value,points", [("一号", SIZE_NAMES["一号"]), ("30pt", 30.0), (28, 28.0)])
def test_headline_size_override(tmp_path, value, points):
    ed, _ = _edition(tmp_path, "      - {article: a, columns: [1, 5]}",
                     f"  a: {{headline: 地铁通车, headline_size: {value}, body: {BODY}}}")
    assert {s for s, _ in _lines(ed.frames[0], "headline")} == {points}


def test_headline_size_bad_value_is_located(tmp_path):
    (tmp_path / "issue.yaml").write_text(f"""paper: {{name: 东湖晚报}}
issue: {{number: 3, date: 2026-12-06}}
style: tabloid
pages:
  - section: 要闻
    stories:
      - {{article: a, columns: [1, 5]}}
articles:
  a: {{headline: 地铁通车, headline_size: 大号, body: {BODY}}}
""", encoding="utf-8")
    report = Report()
    prepare(tmp_path / "issue.yaml", report)
    (err,) = [d for d in report.errors if d.code == "bad-value"]
    assert "headline_size" in err.message and err.source.line == 9


def test_subhead_spaces_kept(tmp_path):
    """`### 引入物业 长效管理` prints with a gap between its two phrases; body spaces between Han still go."""
    body = "本报讯 物业进驻以来，小区面貌一新。\\n\\n### 引入物业 长效管理\\n\\n居民 说，如今 环境好了。"
    ed, _ = _edition(tmp_path, "      - {article: a, columns: [1, 2]}",
                     f"  a: {{headline: 老旧小区换新颜, body: \"{body}\"}}")
    frame = ed.frames[0]
    runs_ = [it for it in frame.items if isinstance(it, GlyphRun) and it.role == "intertitle"]
    chars = sorted((x, ch, it.size) for it in runs_ for ch, x in zip(it.text, it.xs))
    text = "".join(ch for _, ch, _ in chars)
    assert text == "引入物业长效管理"
    gap = chars[4][0] - chars[3][0]              # from 业 to 长: one em of character plus the phrase gap
    assert gap >= 1.4 * chars[3][2], gap
    body_lines = "".join(t for _, t in _lines(frame, "body"))
    assert "居民说，如今环境好了。" in body_lines


def test_a_wide_story_stacked_under_others_is_not_the_lead(tmp_path):
    """Without rank: the lead (头条) is the widest story at the top of the page, not a full-width feature
    stacked at the foot under it: the top story gets the lead's size, larger than its width's."""
    from layout.page.hierarchy import lead_story

    ed, _ = _edition(tmp_path, """      - {article: top, columns: [1, 3]}
      - {article: side, columns: [4, 5]}
      - {article: feature, columns: [1, 5]}""",
                     f"""  top: {{headline: 全区中小学冬季长跑活动启动, body: {BODY * 2}}}
  side: {{headline: 地铁通车, body: {BODY}}}
  feature: {{headline: 寒潮预警发布, body: {BODY}}}""")
    page, issue, scale = ed.issue.pages[0], ed.issue, ed.style.headline_scale
    assert lead_story(page, issue, scale.lead_min_columns).article == "top"
    size = {it.text[0]: it.size for it in ed.frames[0].items if isinstance(it, GlyphRun) and it.role == "headline"}
    assert size["全"] == max(scale.lead, scale.for_width(3)) > scale.for_width(3), size
