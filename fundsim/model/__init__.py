"""One replication of the mechanism in SimPy: world, ledger, fund, contributors,
coordinator posts, the victims' cases and fund, children, shocks. Each part is built
with the shared context and its own inputs; only ``world`` knows every part. Never
touches files, executors or plots."""

from fundsim.model.outputs import MONTHLY_COLUMNS, OUTPUTS, ReplicationResult
from fundsim.model.world import World, simulate, simulate_metrics

__all__ = [
    "MONTHLY_COLUMNS",
    "OUTPUTS",
    "ReplicationResult",
    "World",
    "simulate",
    "simulate_metrics",
]
