"""The `make demo` example: a small crypto exchange over one year, 20,000 replications.

Order gateways behind a load balancer, a matching engine with a warm standby, a database primary
with a warm standby and hourly backups, a BFT validator set of 4 (needs 3), and one on-call
engineer who handles every manual recovery step. Prints the report a person reads.
"""

import recoverysim as rs
from recoverysim import formatting as fmt  # every number for people reads the same as in the report

m = rs.Model("exchange")
m.crew("oncall", size=1)

# Gateways: restarted automatically.
m.component("lb", mttf="8760h", mttr="15m")
for i in (1, 2, 3):
    m.component(f"api-{i}", mttf="2000h", mttr="10m", tags={"role": "gateway"})

# Matching engine: a crash restarts automatically; a hardware fault needs the on-call engineer.
for name in ("match-a", "match-b"):
    m.component(
        name,
        modes=[
            rs.FailureMode(
                "crash", rs.Exponential("2000h"), rs.Procedure(rs.Step("detect", "1m"), rs.Step("restart", rs.Exponential("5m")))
            ),
            rs.FailureMode(
                "hardware",
                rs.Weibull(shape=1.5, scale="3y"),
                rs.Procedure(rs.Step("detect", "5m"), rs.Step("replace", rs.LogNormal.from_mean_std("4h", "2h"), crew="oncall")),
            ),
        ],
    )

# Database: 5-minute detection, failover in 2 minutes that fails 5% of the time; corruption is
# restored from hourly backups in 1-3 hours by the on-call engineer, and the replica is useless.
restore = rs.Procedure(
    rs.Step("detect", "5m"),
    rs.Step("diagnose", rs.Triangular("10m", "20m", "1h"), crew="oncall"),
    rs.Step("restore", rs.Uniform("1h", "3h"), crew="oncall"),
)
for name in ("db-a", "db-b"):
    m.component(
        name,
        modes=[
            rs.FailureMode("crash", rs.Exponential("1500h"), rs.Procedure(rs.Step("restart", rs.Exponential("15m"), crew="oncall"))),
            rs.FailureMode("corruption", rs.Exponential("2y"), restore, data_loss="backup"),
        ],
        backup=rs.Backup(every="1h", duration="5m", success=0.98),
        replication=rs.Replication(lag=rs.Exponential("2s")),
    )

for i in range(1, 5):
    m.component(f"validator-{i}", mttf="1500h", mttr=rs.Triangular("10m", "30m", "3h").mean)

m.service("gateways", rs.all_of("lb", rs.k_of_n(2, "api-1", "api-2", "api-3")))
m.service("matching", rs.standby("match-a", "match-b", detection="30s", switchover="1m", dormancy=1.0), rto="15m")
m.service("database", rs.standby("db-a", "db-b", detection="5m", switchover="2m", success=0.95, dormancy=0.5), rto="30m", rpo="1h")
m.service("chain", rs.k_of_n(3, "validator-1", "validator-2", "validator-3", "validator-4"))
m.service("trading", rs.all_of("gateways", "matching", "database"), availability=0.9995, rto="1h")
m.service("withdrawals", rs.all_of("trading", "chain"), availability=0.999)

res = m.simulate(horizon="1y", replications=20_000, seed=7)
print(res.report())
print()
table = res.summary()[["availability", "downtime_h", "downtime_h_p99", "outages", "p_sla_met", "rto_compliance", "rpo_compliance"]]
print(
    table.to_string(
        formatters={
            "availability": fmt.percent,
            "downtime_h": "{:.3f}".format,
            "downtime_h_p99": "{:.3f}".format,
            "outages": "{:.2f}".format,
            "p_sla_met": fmt.percent,
            "rto_compliance": fmt.percent,
            "rpo_compliance": fmt.percent,
        },
        na_rep="-",
    )
)
