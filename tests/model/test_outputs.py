"""The declared list of a replication's outputs is what a replication returns, what a chunk
stacks and what the aggregator keeps or sums: one entry per output, nothing beside it."""

from __future__ import annotations

import numpy as np
import pytest

from fundsim.model import MONTHLY_COLUMNS, OUTPUTS, ReplicationResult, simulate
from fundsim.model.outputs import EXACT_SUM, KEEP, ORDERED_SUM, SUM, monthly_table
from fundsim.runner.chunks import run_chunk
from fundsim.runner.montecarlo import Aggregator
from fundsim.runner.seeds import Streams, replication_seed


def test_a_replication_returns_every_declared_output_with_its_type(mini) -> None:
    result = simulate(mini, Streams(replication_seed(3, 0)))
    assert list(result.arrays) == [o.name for o in OUTPUTS]
    for out in OUTPUTS:
        value = result.arrays[out.name]
        if value is None:
            assert out.optional, out.name
        else:
            assert value.dtype == out.dtype, out.name
        assert getattr(result, out.name) is value  # each output is also an attribute
    assert result.monthly.shape == (mini.simulation.months, len(MONTHLY_COLUMNS))


def test_an_undeclared_or_a_missing_output_is_refused() -> None:
    arrays = {o.name: np.zeros(1, dtype=o.dtype) for o in OUTPUTS if not o.optional}
    ReplicationResult({}, arrays, events=0)
    with pytest.raises(ValueError, match="undeclared"):
        ReplicationResult({}, {**arrays, "surprise": np.zeros(1)}, events=0)
    with pytest.raises(ValueError, match="missing"):
        ReplicationResult({}, {k: v for k, v in arrays.items() if k != "monthly"}, events=0)
    with pytest.raises(AttributeError):
        _ = ReplicationResult({}, arrays, events=0).surprise


def test_the_monthly_table_takes_its_columns_by_name() -> None:
    columns = {name: np.full(3, float(j)) for j, name in enumerate(MONTHLY_COLUMNS)}
    table = monthly_table(dict(reversed(list(columns.items()))), 3)
    assert table[:, MONTHLY_COLUMNS.index("filled_posts")].tolist() == [3.0] * 3
    with pytest.raises(ValueError, match="monthly columns"):
        monthly_table({k: v for k, v in columns.items() if k != "income_usd"}, 3)


def test_chunks_stack_and_the_aggregator_keeps_or_sums_each_output_as_declared(mini) -> None:
    chunk = run_chunk(mini, 3, [0, 1, 2])
    agg = Aggregator(mini, 3)
    agg.add(chunk)
    singles = [simulate(mini, Streams(replication_seed(3, r))) for r in range(3)]
    for out in OUTPUTS:
        stacked = chunk.arrays[out.name]
        if stacked is None:
            assert out.optional and out.name not in agg.kept and out.name not in agg.sums
            continue
        rows = np.stack([r.arrays[out.name] for r in singles])
        assert np.array_equal(stacked, rows), out.name
        if out.aggregate == KEEP:
            assert np.array_equal(agg.kept[out.name], rows), out.name
        elif out.aggregate in (SUM, EXACT_SUM):
            assert (agg.sums[out.name] == rows.astype(object).sum(axis=0)).all(), out.name
        else:
            assert out.aggregate == ORDERED_SUM
            assert np.array_equal(agg.sums[out.name], rows[0] + rows[1] + rows[2]), out.name
        if out.count_positive:
            assert np.array_equal(agg.positive[out.name], (rows > 0).sum(axis=0)), out.name
