"""Analyses of runs and scenarios: paired comparison, stress battery, sensitivity,
solve-for-a-target, share tables, reserve targets, scenario variants, the victims'
window's documented tables, and exploratory experiments (futures x policies, scenario
discovery, robustness, the EMA Workbench adapter).

The names below are what notebooks and scripts use; each is imported from its module
on first use, so ``import fundsim.analysis`` stays light::

    from fundsim.analysis import compare_runs, stress_test, with_overrides
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from fundsim._lazy import lazy_exports

if TYPE_CHECKING:
    from fundsim.analysis.compare import CompareError, Comparison, RunSide, compare_runs
    from fundsim.analysis.discovery import Discovery, discover, discovery_available
    from fundsim.analysis.ema_adapter import ema_model, ema_policies, ema_scenarios
    from fundsim.analysis.explore import ExploreError, ExploreResult, run_explore, sample_futures
    from fundsim.analysis.options import (
        OptionsError,
        OptionsResult,
        bills,
        cached_options,
        options_from_file,
        run_options,
    )
    from fundsim.analysis.reserve import reserve_target_by_year
    from fundsim.analysis.robustness import regret_frame, robustness_table
    from fundsim.analysis.run_cache import cached_explore, cached_run, cached_stress, code_version
    from fundsim.analysis.sensitivity import SensitivityError, SensitivityResult, sensitivity
    from fundsim.analysis.share_tables import (
        ShareTables,
        ShareTablesError,
        default_formulas,
        describe,
        share_tables,
    )
    from fundsim.analysis.solve import (
        SolveError,
        SolveResult,
        Target,
        need_envelope_usd,
        parse_target,
        solve,
    )
    from fundsim.analysis.stress import BATTERY, StressResult, stress_test
    from fundsim.analysis.variants import (
        VariantError,
        get_value,
        numeric_value,
        scaled,
        with_overrides,
    )
    from fundsim.analysis.victims_tables import (
        funding_policy_table,
        policy_outcomes,
        policy_table_text,
        trust_fund_calibration,
    )

#: Each public name and the module that defines it.
_HOMES = {
    **dict.fromkeys(("CompareError", "Comparison", "RunSide", "compare_runs"), "compare"),
    "reserve_target_by_year": "reserve",
    **dict.fromkeys(
        (
            "OptionsError",
            "OptionsResult",
            "bills",
            "cached_options",
            "options_from_file",
            "run_options",
        ),
        "options",
    ),
    **dict.fromkeys(("Discovery", "discover", "discovery_available"), "discovery"),
    **dict.fromkeys(("ema_model", "ema_policies", "ema_scenarios"), "ema_adapter"),
    **dict.fromkeys(("ExploreError", "ExploreResult", "run_explore", "sample_futures"), "explore"),
    **dict.fromkeys(("regret_frame", "robustness_table"), "robustness"),
    **dict.fromkeys(("SensitivityError", "SensitivityResult", "sensitivity"), "sensitivity"),
    **dict.fromkeys(
        ("ShareTables", "ShareTablesError", "default_formulas", "describe", "share_tables"),
        "share_tables",
    ),
    **dict.fromkeys(
        ("SolveError", "SolveResult", "Target", "need_envelope_usd", "parse_target", "solve"),
        "solve",
    ),
    **dict.fromkeys(("BATTERY", "StressResult", "stress_test"), "stress"),
    **dict.fromkeys(("cached_explore", "cached_run", "cached_stress", "code_version"), "run_cache"),
    **dict.fromkeys(
        ("VariantError", "get_value", "numeric_value", "scaled", "with_overrides"), "variants"
    ),
    **dict.fromkeys(
        ("funding_policy_table", "policy_outcomes", "policy_table_text", "trust_fund_calibration"),
        "victims_tables",
    ),
}

__all__ = [
    "BATTERY",
    "CompareError",
    "Comparison",
    "Discovery",
    "ExploreError",
    "ExploreResult",
    "OptionsError",
    "OptionsResult",
    "RunSide",
    "SensitivityError",
    "SensitivityResult",
    "ShareTables",
    "ShareTablesError",
    "SolveError",
    "SolveResult",
    "StressResult",
    "Target",
    "VariantError",
    "bills",
    "cached_explore",
    "cached_options",
    "cached_run",
    "cached_stress",
    "code_version",
    "compare_runs",
    "default_formulas",
    "describe",
    "discover",
    "discovery_available",
    "ema_model",
    "ema_policies",
    "ema_scenarios",
    "funding_policy_table",
    "get_value",
    "need_envelope_usd",
    "numeric_value",
    "options_from_file",
    "parse_target",
    "policy_outcomes",
    "policy_table_text",
    "regret_frame",
    "reserve_target_by_year",
    "robustness_table",
    "run_explore",
    "run_options",
    "sample_futures",
    "scaled",
    "sensitivity",
    "share_tables",
    "solve",
    "stress_test",
    "trust_fund_calibration",
    "with_overrides",
]


_HOMES = {name: f"fundsim.analysis.{module}" for name, module in _HOMES.items()}

__getattr__, __dir__ = lazy_exports(__name__, _HOMES, globals())
