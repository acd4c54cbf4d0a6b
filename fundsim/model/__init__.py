"""One replication of the mechanism in SimPy: world, ledger, fund, contributors,
coordinator posts, shocks. Never touches files, executors or plots."""

from fundsim.model.world import MONTHLY_COLUMNS, ReplicationResult, World, simulate

__all__ = ["MONTHLY_COLUMNS", "ReplicationResult", "World", "simulate"]
