"""Numbers for people: one formatting module, so the same value reads the same in the text
report, the HTML view, the plots and the CLI."""

from __future__ import annotations

import math

import matplotlib

matplotlib.use("Agg")

import pytest  # noqa: E402

import recoverysim as rs  # noqa: E402
from recoverysim import formatting as fmt  # noqa: E402


@pytest.mark.parametrize(
    ("p", "text"),
    [
        (0.0037, "0.37%"),
        (0.046, "4.6%"),
        (0.5, "50%"),
        (0.996, "99.6%"),
        (0.98997, "99.0%"),
        (0.9995, "99.95%"),
        (0.9998772, "99.988%"),
        (0, "0%"),
        (1, "100%"),
        (1 - 1e-12, ">99.999999999%"),
        (math.nan, "n/a"),
    ],
    ids=lambda x: str(x),
)
def test_percentages_keep_two_significant_digits_where_they_matter(p, text):
    assert fmt.percent(p) == text


@pytest.mark.parametrize("p", [0.99999, 0.999999999, 1 - 1e-12, 1 - 1e-15])
def test_a_share_below_one_never_reads_100_percent(p):
    text = fmt.percent(p)
    assert text != "100%" and not text.startswith("100.")
    assert text.startswith(">") or float(text.rstrip("%")) < 100


@pytest.mark.parametrize(
    ("h", "text"),
    [
        (30 / 3600, "30 s"),
        (0.5, "30 min"),
        (65 / 60, "65 min"),
        (1.0, "1 h"),
        (4.4, "4.4 h"),
        (72, "3 days"),
        (100, "4.2 days"),
        (8760, "1 year"),
        (17520, "2 years"),
        (0, "0"),
        (math.inf, "n/a"),
    ],
)
def test_durations_read_in_a_natural_unit(h, text):
    assert fmt.duration(h) == text


@pytest.mark.parametrize(("h", "word"), [(8760, "year"), (730, "month"), (168, "week"), (24, "day"), (72, "3 days")])
def test_per_horizon(h, word):
    assert fmt.per_horizon(h) == word


def test_estimates_print_the_digits_their_interval_resolves():
    assert fmt.estimate_digits(0.99999871, 0.99999843, 0.99999898) == ("0.99999871", "0.99999843", "0.99999898")


def test_signed_differences():
    assert fmt.signed_duration(5 / 60) == "+5 min"
    assert fmt.signed_duration(-1.25) == "-75 min"
    assert fmt.percentage_points(0.000971) == "+0.0971 pp"
    assert fmt.signed(0.0) == "0"


@pytest.fixture(scope="module")
def res() -> rs.Results:
    m = rs.Model("same-numbers")
    m.component("a", mttf="300h", mttr="100h")
    m.service("s", "a", rto="12h", availability=0.75)
    return m.simulate("1y", 300, seed=5, progress=False)


def test_the_same_value_reads_the_same_in_report_html_and_cli(res, tmp_path):
    down = fmt.duration(res.mean_downtime("s").mean)
    rto = fmt.percent(res.rto_compliance("s").mean)
    report = res.report()
    html = res._repr_html_()
    assert down in report and down in html
    assert rto in report and rto in html
    # The RTO itself: 12 h reads the same everywhere.
    assert fmt.duration(12) == "12 h"
    assert "RTO 12 h" in report and "12 h" in html


def test_the_report_never_shows_an_interval_end_above_100_percent(res):
    for line in res.report().splitlines():
        for token in line.replace("(", " ").replace(")", " ").split():
            if token.endswith("%") and token[:-1].replace(".", "").isdigit():
                assert float(token[:-1]) <= 100.0, line
