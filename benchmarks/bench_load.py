"""Loading a fleet's model file: 1,000 components (two failure modes each, a recovery procedure
with a crew, hourly backups, tags), 100 quorum services and a fleet service over them, five
regional shocks selected by tag. Prints the best and median CPU time of seven loads.

    python benchmarks/bench_load.py
"""

from __future__ import annotations

import statistics
import tempfile
import time
from pathlib import Path

import yaml

import recoverysim as rs


def fleet() -> dict:
    components = {
        f"node-{i}": {
            "modes": [
                {
                    "name": "crash",
                    "failure": {"type": "weibull", "shape": 1.2, "scale": "3000h"},
                    "repair": [
                        {"name": "detect", "duration": "2m"},
                        {
                            "name": "restart",
                            "duration": {"type": "lognormal", "mean": "10m", "std": "5m"},
                            "crew": "oncall",
                            "success": 0.95,
                        },
                    ],
                },
                {
                    "name": "disk",
                    "failure": {"type": "exponential", "mean": "50000h"},
                    "repair": [{"name": "replace", "duration": "4h", "crew": "dc"}],
                    "data_loss": True,
                },
            ],
            "backup": {"every": "1h", "duration": "5m"},
            "tags": {"region": f"r{i % 5}", "role": "validator"},
        }
        for i in range(1000)
    }
    services = {
        f"shard-{j}": {
            "requires": {"k_of_n": {"k": 7, "of": [f"node-{i}" for i in range(10 * j, 10 * j + 10)]}},
            "availability": 0.999,
            "rto": "15m",
            "rpo": "1h",
        }
        for j in range(100)
    }
    services["fleet"] = {"requires": {"all_of": [f"shard-{j}" for j in range(100)]}}
    shocks = {f"region-{r}": {"every": "2000h", "targets": {"region": f"r{r}"}, "outage": "2h"} for r in range(5)}
    return {"crews": {"oncall": 3, "dc": 2}, "components": components, "services": services, "shocks": shocks}


def main() -> None:
    with tempfile.TemporaryDirectory() as d:
        path = Path(d) / "fleet.yaml"
        path.write_text(yaml.safe_dump(fleet()))
        times = []
        for _ in range(7):
            t = time.process_time()
            rs.load(path)
            times.append(time.process_time() - t)
    print(f"1,000-component file: best {min(times):.3f} s, median {statistics.median(times):.3f} s CPU")


if __name__ == "__main__":
    main()
