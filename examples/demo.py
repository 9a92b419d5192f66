"""The `make demo` example: a small crypto exchange, one year, 10,000 replications.

Order gateways behind a load balancer, a matching engine, a 3-node database that needs a
2-of-3 quorum, and a BFT validator set of 4 (needs 3). Prints the report a person reads.
"""

import recoverysim as rs

m = rs.Model("exchange")
m.component("lb", mttf="8760h", mttr="15m")
for i in (1, 2, 3):
    m.component(f"api-{i}", mttf="2000h", mttr="30m", tags={"role": "gateway"})
m.component(
    "matching",
    modes=[
        rs.FailureMode("crash", rs.Exponential("4000h"), rs.Exponential("10m")),
        rs.FailureMode("hardware", rs.Weibull(shape=1.5, scale="20000h"), rs.LogNormal.from_mean_std("4h", "2h")),
    ],
)
for i in (1, 2, 3):
    m.component(f"db-{i}", failure=rs.Weibull(shape=1.3, scale="3000h"), repair=rs.LogNormal.from_mean_std("2h", "1h"))
for i in range(1, 5):
    m.component(f"validator-{i}", mttf="1500h", mttr=rs.Triangular("10m", "30m", "3h").mean)

m.service("gateways", rs.all_of("lb", rs.k_of_n(2, "api-1", "api-2", "api-3")))
m.service("database", rs.k_of_n(2, "db-1", "db-2", "db-3"))
m.service("chain", rs.k_of_n(3, "validator-1", "validator-2", "validator-3", "validator-4"))
m.service("trading", rs.all_of("gateways", "matching", "database"), availability=0.9995)
m.service("withdrawals", rs.all_of("trading", "chain"), availability=0.999)

res = m.simulate(horizon="1y", replications=10_000, seed=7)
print(res.report())
print()
print(res.summary()[["availability", "downtime_h", "downtime_h_p99", "outages", "p_sla_met"]].to_string())
