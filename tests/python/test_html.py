"""Jupyter HTML reprs of Results, Model and ExactResults: the names and numbers are there, every
user string is escaped, and the markup is well formed."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest

import recoverysim as rs
from recoverysim.formatting import duration as _dur
from recoverysim.formatting import percent_interval as _avail

VOID = {"br"}


class Balance(HTMLParser):
    """Checks that every element is closed in order and collects the text."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.errors: list[str] = []
        self.text: list[str] = []
        self.tags: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        if tag not in VOID:
            self.stack.append(tag)

    def handle_endtag(self, tag):
        if not self.stack or self.stack[-1] != tag:
            self.errors.append(f"</{tag}> closes {self.stack[-1] if self.stack else 'nothing'}")
        else:
            self.stack.pop()

    def handle_data(self, data):
        self.text.append(data)


def parse(markup: str) -> Balance:
    p = Balance()
    p.feed(markup)
    p.close()
    assert not p.errors, p.errors
    assert not p.stack, f"unclosed: {p.stack}"
    assert markup.count("<table") == markup.count("</table>") >= 1
    assert markup.count("<tr>") == markup.count("</tr>")
    return p


def text_of(markup: str) -> str:
    return " ".join(" ".join(parse(markup).text).split())


NASTY = "<script>alert('x')</script>"
WEB = "web<i>"


def build() -> rs.Model:
    m = rs.Model("shop & co")
    m.crew("on<call>", 1)
    m.component(NASTY, mttf="2000h", mttr="30m", tags={"zone": "a&b"})
    m.component(
        "db",
        modes=[
            rs.FailureMode("crash", rs.Exponential("1500h"), rs.Step("restart", "15m", crew="on<call>")),
            rs.FailureMode(
                'corrupt"ion',
                rs.Exponential("2y"),
                rs.Procedure(rs.Step("detect", "5m", every="6h"), rs.Step("restore", rs.Uniform("1h", "3h"))),
                data_loss="backup",
            ),
        ],
        backup=rs.Backup(every="1h", duration="5m", success=0.98),
    )
    m.component("db-2", mttf="1500h", mttr="15m")
    m.service("db-svc", rs.standby("db", "db-2", detection="5m", switchover="2m", success=0.95, dormancy=0.5), rpo="15m", rto="30m")
    m.service(WEB, rs.all_of(NASTY, "db-svc"), availability=0.999, rto="1h")
    m.shock("zone<a>", every="1y", targets={"zone": "a&b"}, outage="2h")
    m.maintenance("deploy", targets=[NASTY], every="1w", duration="10m", offset="2h")
    return m


@pytest.fixture(scope="module")
def model() -> rs.Model:
    return build()


@pytest.fixture(scope="module")
def res(model) -> rs.Results:
    return model.simulate("1y", 400, seed=3, threads=2, progress=False)


def test_results_html_has_the_numbers(res):
    markup = res._repr_html_()
    text = text_of(markup)
    assert "400 replications of 1 year" in text and "seed 3" in text and "shop & co" in text
    for s in ("db-svc", WEB):
        a = res.availability(s)
        mean, ci = _avail(a.mean, a.low, a.high)
        assert mean in text and ci in text
        assert _dur(res.mean_downtime(s).mean) in text
        p90, p99 = res.downtime_quantiles(s, (0.9, 0.99))
        assert f"({_dur(p90)} · {_dur(p99)})" in text
    assert "met in" in text and "of years" in text
    # Targets: SLA, RTO and RPO columns with a verdict each.
    assert re.search(r"[✓✗] 99\.9%", text)
    assert re.search(r"[✓✗] 30 min", text) and re.search(r"[✓✗] 15 min", text)
    assert "of outages within" in text and "of incidents within" in text
    assert "planned per year" in text


def test_results_verdicts_follow_the_check_rule(res):
    text = text_of(res._repr_html_())
    web_ok = res.availability(WEB).mean >= 0.999
    assert ("✓ 99.9%" if web_ok else "✗ 99.9%") in text
    rpo_ok = res.rpo_compliance("db-svc").mean >= 0.95
    assert ("✓ 15 min" if rpo_ok else "✗ 15 min") in text


def test_model_html_lists_everything(model):
    markup = model._repr_html_()
    text = text_of(markup)
    for word in (
        "db",
        "db-2",
        "db-svc",
        WEB,
        "crash",
        "restart",
        "restore",
        "deploy",
        "zone<a>",
        "on<call>",
        "standby(db, db-2)",
        "success 95%",
        "warm (0.5)",
        "availability 99.9%",
        "RTO 1 h",
        "RPO 15 min",
        "backup every 1 h",
        "back to the last backup",
        "after the check every 6 h",
        "zone=a&b",
        "2,000 h",
    ):
        assert word in text, word
    assert "MTTF" in text and "MTTR" in text


def test_every_user_string_is_escaped(model, res):
    for markup in (model._repr_html_(), res._repr_html_()):
        assert "<script>" not in markup and "<i>" not in markup
        assert "web&lt;i&gt;" in markup and "shop &amp; co" in markup
        parse(markup)
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in model._repr_html_()
    assert "corrupt&quot;ion" in model._repr_html_()
    assert NASTY in text_of(model._repr_html_())  # and it reads back as the name


def test_exact_html():
    m = rs.Model("pair")
    for n in ("a", "b"):
        m.component(n, mttf="100h", mttr="10h")
    m.service("s", rs.any_of("a", "b"))
    ex = m.exact()
    text = text_of(ex._repr_html_())
    a = ex.availability("s")
    assert "pair" in text and f"{ex.n_states:,} states" in text
    assert f"{100 * a:.3f}%" in text
    assert f"{ex.failure_frequency('s') * 8760:.4g}" in text
    assert _dur(ex.mean_outage_duration("s")) in text and _dur(ex.mttff("s")) in text


def test_a_service_without_targets_or_outages(model):
    m = rs.Model("calm")
    m.component("x", mttf="1e9h", mttr="1h")
    m.service("s", "x")
    r = m.simulate("1y", 50, seed=1, progress=False)
    text = text_of(r._repr_html_())
    assert "SLA" not in text and "RTO" not in text
    assert "100.0" in text
    text_of(m._repr_html_())


def test_uncertain_distributions_read_as_their_point_estimate_and_source():
    m = rs.Model("u")
    m.component("a", failure=rs.Uncertain(rs.Exponential("1000h"), ranges={"mean": ("500h", "2000h")}), repair="1h")
    m.component("b", failure=rs.Uncertain(rs.Weibull(1.5, "2000h"), covariance=[[0.02, 0.0], [0.0, 0.03]]), repair="1h")
    m.component("c", failure=rs.Uncertain(rs.Exponential("900h"), draws=[{"mean": 800}, {"mean": 1000}]), repair="1h")
    m.service("s", rs.all_of("a", "b", "c"))
    h = m._repr_html_()
    assert "1,000 h (42 days)" in h and "parameters uncertain (mean in a range)" in h and "parameters uncertain (fit)" in h
    assert "parameters uncertain (2 bootstrap draws)" in h
