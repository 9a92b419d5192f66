"""Reliability checks of architecture.yaml, run by CI on every pull request (see README.md)."""

import pytest

from recoverysim.testing import assert_availability, assert_not_worse, assert_rto_compliance

MODEL = "architecture.yaml"


def test_trading_meets_its_sla(rsim):  # the target written in the model: 99.95%
    assert_availability(rsim.load(MODEL), "trading")


def test_trading_outages_end_within_the_rto(rsim):  # 95% of outages over within the RTO (30m)
    assert_rto_compliance(rsim.load(MODEL), "trading", at_least=0.95)


@pytest.mark.parametrize("metric", ["availability", "rto_compliance"])
def test_the_change_does_not_make_trading_worse(rsim, metric):  # against the PR's target branch
    assert_not_worse(rsim.baseline(MODEL), rsim.load(MODEL), "trading", metric=metric)
