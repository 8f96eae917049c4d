"""The HTML bundle: one self-contained document, escaped text, charts as inline specs."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date
from html.parser import HTMLParser

from _reports_helpers import END, START, tiny_snapshot
from rotacc_lab.exports.html import render_bundle
from rotacc_lab.reports import REPORTS, run_all, run_report
from rotacc_lab.exports.html import write_bundle_html


class _Collector(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.scripts: list[dict] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        if tag == "script":
            self.scripts.append(dict(attrs))


def _specs(text: str) -> dict:
    return json.loads(text.split("const SPECS=")[1].split(";for(const[id,spec]")[0].replace("<\\/", "</"))


def test_bundle_holds_every_report_and_is_self_contained(tmp_path):
    path = write_bundle_html(tiny_snapshot(), START, END, tmp_path / "all.html", alerts=[])
    text = path.read_text(encoding="utf-8")
    parser = _Collector()
    parser.feed(text)
    assert parser.tags.count("section") == len(REPORTS) + 1  # one per report and the summary on top
    external = [s["src"] for s in parser.scripts if "src" in s]
    assert external == []  # nothing is fetched when the file is opened
    assert "window.vegaEmbed=" in text  # the chart renderer is inlined
    assert text.count("</script>") == len(parser.scripts)  # the inlined bundle cannot close its element early
    assert "<link" not in text  # the CSS is inline
    specs = _specs(text)
    assert len(specs) == sum(1 for s in REPORTS.values() if s.chart is not None)
    # each chart carries its own data (no URL to fetch)
    for spec in specs.values():
        assert "datasets" in spec and "url" not in json.dumps(spec.get("data", {}))


def test_names_are_escaped_in_tables_and_script_data():
    snap = tiny_snapshot()
    clinicians = tuple(
        replace(c, name="</script><b>Dr X & Y</b>") if c.clinician_id == "P1" else c for c in snap.clinicians
    )
    snap = replace(snap, clinicians=clinicians)
    text = render_bundle([run_report("duty-fairness", snap, START, END)])
    assert "<b>Dr X" not in text
    assert "&lt;/script&gt;&lt;b&gt;Dr X &amp; Y&lt;/b&gt;" in text
    assert text.count("</script>") == text.count("<script")  # the name cannot close the data script


def test_bundle_for_a_range_without_data_still_renders():
    results = run_all(tiny_snapshot(), date(2025, 3, 2), date(2025, 3, 13))
    text = render_bundle(results, "empty")
    assert "No rows in this range." in text
    assert len(_specs(text)) == sum(1 for s in REPORTS.values() if s.chart is not None)


def test_flagged_staffing_days_are_highlighted():
    text = render_bundle([run_report("staffing-overview", tiny_snapshot(), START, END)])
    # 7 of the 10 days are below the minimum; 5, 6 and 10 March are ok (see _reports_helpers)
    assert text.count('<tr class="flag">') == 7
