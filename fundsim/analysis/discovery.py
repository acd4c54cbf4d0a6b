"""Scenario discovery: which futures make a policy fail, as boxes a reader can state.

Read from the tidy table of :mod:`fundsim.analysis.explore`. The cases are its rows (one
policy's futures, or every policy's with the levers as inputs too), the inputs the
uncertainties (and levers), the class of interest ``failed``. Two views, both from the
EMA Workbench (the optional extra ``fundsim[explore]``; nothing here re-implements them):

- **PRIM** (``ema_workbench.analysis.prim``): peels the input space to a box where
  failures are dense. Along its *peeling trajectory* each box has a *coverage* (the share
  of all failures inside it) and a *density* (the share of cases inside it that fail);
  the box reported is the one with the highest coverage among those at least
  ``threshold`` dense (else the densest) that restrict some input and are denser than the
  whole space. Its restricted inputs and their ranges become a
  sentence: "fails in 87 % of the futures where ...".
- **Box inspection** (what ``PrimBox.inspect`` shows): each limit of the reported box with its
  *quasi-p-value*, the chance (one-sided binomial test) that a limit this good arises when
  the input does not matter; a limit above 0.05 is weakly supported.
- **A pairs plot of the box** (``PrimBox.show_pairs_scatter``, drawn by
  :func:`fundsim.viz.explore_figures.prim_pairs`): the cases on every pair of the box's
  inputs, failures marked, the box drawn.
- **Feature scoring** (``ema_workbench.analysis.feature_scoring``, extra trees with a fixed
  random state): how much each uncertainty (and lever) explains the failures, every
  input scored, highest first.
- **A classification tree** (``ema_workbench.analysis.cart``): each leaf a box, with its
  coverage and density; a second opinion on the same question.

A box found among few failures is counted, not estimated: with fewer than
:data:`MIN_FAILURES` failing cases, :attr:`Discovery.warning` says so (and ``fundsim
explore`` prints it); run more futures.

:func:`discovery_available` says whether the extra is installed.
"""

from __future__ import annotations

import importlib.util
import math
import warnings
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from fundsim.scenario.explore import ExploreSpec

#: Failing cases below which a PRIM box is flagged as resting on too few failures.
MIN_FAILURES = 10
#: What ``fundsim explore`` prints when the extra is missing.
INSTALL_HINT = (
    "scenario discovery (PRIM boxes, classification tree) needs the EMA Workbench: from the "
    "repository, pip install -e '.[explore]'"
)


def discovery_available() -> bool:
    """Whether ``ema_workbench`` (the ``explore`` extra) is installed."""
    return importlib.util.find_spec("ema_workbench") is not None


@dataclass(frozen=True)
class Discovery:
    """PRIM's trajectory and chosen box, and the tree's leaves, for one set of cases."""

    cases: int
    failures: int
    trajectory: pd.DataFrame  # box, coverage, density, mass, res_dim
    chosen: int | None  # the box reported (a row of trajectory), None when nothing to find
    box: pd.DataFrame  # input, kind, low, high, levels: the chosen box's restrictions
    tree: pd.DataFrame  # leaf, coverage, density, mass, res_dim, rule
    sentence: str
    #: the chosen box's limits: input, kind, low, high, levels, qp_low, qp_high (quasi-p-values
    #: of the lower and upper limit, NaN where that side is not restricted), coverage, density
    inspect: pd.DataFrame = field(default_factory=pd.DataFrame)
    #: every input's feature score (extra trees): input, score, rank (1 = explains most)
    features: pd.DataFrame = field(default_factory=pd.DataFrame)
    #: set when the box rests on too few failing cases (fewer than MIN_FAILURES)
    warning: str | None = None
    #: the workbench's PrimBox (for its pairs plot); None when nothing was found
    prim_box: Any = field(default=None, repr=False, compare=False)
    #: the inputs PRIM saw (for the pairs plot)
    inputs: pd.DataFrame = field(default_factory=pd.DataFrame, repr=False, compare=False)

    @property
    def coverage(self) -> float:
        return (
            math.nan
            if self.chosen is None
            else float(self.trajectory["coverage"].iloc[self.chosen])
        )

    @property
    def density(self) -> float:
        return (
            math.nan if self.chosen is None else float(self.trajectory["density"].iloc[self.chosen])
        )


def inputs_frame(experiments: pd.DataFrame, spec: ExploreSpec, *, levers: bool) -> pd.DataFrame:
    """The cases' inputs as the workbench wants them: numbers as floats, categories (and
    levers) as pandas categoricals of their labels."""
    x = pd.DataFrame(index=experiments.index)
    for u in spec.uncertainties:
        col = experiments[u.key]
        x[u.key] = (
            pd.Categorical(col.astype(str), categories=list(u.labels))
            if u.categorical
            else col.astype(float)
        )
    if levers:
        for lv in spec.levers:
            x[lv.key] = pd.Categorical(experiments[lv.key].astype(str), categories=list(lv.labels))
    return x.reset_index(drop=True)


def _fmt(v: float, integer: bool, up: bool = False) -> str:
    """A bound as written: whole numbers rounded inwards (``up`` for a lower bound)."""
    if integer:
        return f"{math.ceil(v) if up else math.floor(v):d}"
    return f"{v:.3g}"


def restrictions(
    lims: pd.DataFrame, init: pd.DataFrame, x: pd.DataFrame, names: Mapping[str, str]
) -> pd.DataFrame:
    """The inputs a box restricts: one row each (input, kind, low, high, levels, text)."""
    rows = []
    for col in x.columns:
        lo, hi = lims[col].iloc[0], lims[col].iloc[1]
        lo0, hi0 = init[col].iloc[0], init[col].iloc[1]
        name = names.get(col, col)
        if isinstance(x[col].dtype, pd.CategoricalDtype):
            if set(lo) == set(lo0):
                continue
            levels = [c for c in x[col].cat.categories if c in lo]
            rows.append(
                {
                    "input": col,
                    "kind": "categories",
                    "low": np.nan,
                    "high": np.nan,
                    "levels": " | ".join(levels),
                    "text": f"{name} is {' or '.join(levels)}",
                }
            )
            continue
        integer = bool(np.all(np.equal(np.mod(x[col].to_numpy(), 1), 0)))
        # a whole-number input is restricted only when a whole value is left out
        low_cut = (math.ceil(lo) if integer else lo) > lo0
        high_cut = (math.floor(hi) if integer else hi) < hi0
        if not (low_cut or high_cut):
            continue
        if low_cut and high_cut:
            text = f"{name} is between {_fmt(lo, integer, up=True)} and {_fmt(hi, integer)}"
        elif low_cut:
            text = f"{name} is at least {_fmt(lo, integer, up=True)}"
        else:
            text = f"{name} is at most {_fmt(hi, integer)}"
        rows.append(
            {
                "input": col,
                "kind": "range",
                "low": float(lo),
                "high": float(hi),
                "levels": "",
                "text": text,
            }
        )
    return pd.DataFrame(rows, columns=["input", "kind", "low", "high", "levels", "text"])


def _init_box(x: pd.DataFrame) -> pd.DataFrame:
    init = {}
    for col in x.columns:
        if isinstance(x[col].dtype, pd.CategoricalDtype):
            init[col] = [set(x[col].cat.categories), set(x[col].cat.categories)]
        else:
            init[col] = [x[col].min(), x[col].max()]
    return pd.DataFrame(init)


def discover(
    experiments: pd.DataFrame,
    spec: ExploreSpec,
    *,
    policy: str | None = None,
    threshold: float = 0.8,
    names: Mapping[str, str] | None = None,
) -> Discovery:
    """PRIM and a classification tree on the failures of ``experiments``.

    ``policy`` keeps that policy's rows (inputs: the uncertainties); without it every row
    counts and the levers are inputs too. ``threshold`` is the density a PRIM box should
    reach. ``names`` gives readable names of inputs for the sentence. Needs the
    ``explore`` extra (:func:`discovery_available`).
    """
    with warnings.catch_warnings():
        warnings.simplefilter(
            "ignore"
        )  # the workbench warns about its optional parts (ipyparallel)
        from ema_workbench.analysis import cart, prim

    names = dict(names or {})
    rows = experiments if policy is None else experiments[experiments["policy"] == policy]
    x = inputs_frame(rows, spec, levers=policy is None)
    y = rows["failed"].astype(bool).to_numpy()
    n, k = len(y), int(y.sum())
    init = _init_box(x)
    what = (
        f"the {n} futures of policy {policy}" if policy else f"the {n} cases (futures x policies)"
    )
    if k == 0 or k == n:
        return _nothing_to_discover(n, k, what, x)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the workbench warns about optional parts (ipyparallel)
        finder = prim.Prim(x, y, threshold=threshold, peel_alpha=0.05, mass_min=0.05)
        found = finder.find_box()
        leaves, stats = _fit_tree(cart, x, y)
    trajectory = _trajectory(found)
    chosen = _choose_box(trajectory, k / n, threshold)
    box = restrictions(found.box_lims[chosen], init, x, names)
    cov, dens = trajectory.loc[chosen, ["coverage", "density"]]
    base = k / n
    unit = "futures" if policy else "runs"
    if box.empty:
        sentence = f"No box: failures are spread out ({base:.0%} of {what} fail)."
    else:
        where = "futures" if policy else "runs (futures x designs)"
        sentence = (
            f"It fails in {dens:.0%} of the {where} where {' and '.join(box['text'])} "
            f"(against {base:.0%} overall); these {unit} hold {cov:.0%} of all failures."
        )
    tree_frame = _tree_frame(leaves, stats, init, x, names)
    warning = None
    if not box.empty and k < MIN_FAILURES:
        warning = (
            f"PRIM's box rests on {k} failing {unit} (fewer than {MIN_FAILURES}): its limits are "
            "counted, not estimated; run more futures (--futures) before quoting it."
        )
    return Discovery(
        n,
        k,
        trajectory,
        chosen,
        box,
        tree_frame.reset_index(drop=True),
        sentence,
        inspect=_inspect(found, chosen, box),
        features=feature_scores(x, y),
        warning=warning,
        prim_box=found,
        inputs=x,
    )


def _nothing_to_discover(n: int, k: int, what: str, x: pd.DataFrame) -> Discovery:
    """The discovery of a set where none or all of the ``n`` cases fail (``k`` failures)."""
    sentence = f"Nothing to discover: {'none' if k == 0 else 'all'} of {what} fail."
    return Discovery(
        n,
        k,
        pd.DataFrame(columns=["box", "coverage", "density", "mass", "res_dim"]),
        None,
        pd.DataFrame(columns=["input", "kind", "low", "high", "levels", "text"]),
        pd.DataFrame(columns=["leaf", "coverage", "density", "mass", "res_dim", "rule"]),
        sentence,
        inspect=pd.DataFrame(columns=INSPECT_COLUMNS),
        features=pd.DataFrame(columns=["input", "score", "rank"]),
        inputs=x,
    )


def _fit_tree(cart: Any, x: pd.DataFrame, y: np.ndarray) -> tuple[Any, Any]:
    """The classification tree's leaves and their statistics (the workbench's CART, fitted
    with a fixed random state)."""
    n = len(y)
    # a leaf holds at least one case (the tree's smallest leaf is mass_min x cases, rounded down)
    tree = cart.CART(x, y, mass_min=max(0.05, 1.5 / n))
    # The workbench's build_tree leaves scikit-learn's random_state unset, so a tie between
    # two equally good splits breaks at random: fit the same tree with a fixed state.
    from sklearn.tree import DecisionTreeClassifier

    tree.clf = DecisionTreeClassifier(min_samples_leaf=int(tree.mass_min * n), random_state=0)
    tree.clf.fit(tree._x, tree.y)
    return tree.boxes, tree.stats


def _trajectory(found: Any) -> pd.DataFrame:
    """PRIM's peeling trajectory: box, coverage, density, mass, restricted dimensions."""
    traj = found.peeling_trajectory
    return pd.DataFrame(
        {
            "box": traj["id"].astype(int).to_numpy(),
            "coverage": traj["coverage"].astype(float).to_numpy(),
            "density": traj["density"].astype(float).to_numpy(),
            "mass": traj["mass"].astype(float).to_numpy(),
            "res_dim": traj["res_dim"].astype(int).to_numpy(),
        }
    )


def _choose_box(trajectory: pd.DataFrame, base: float, threshold: float) -> int:
    """The box of the trajectory to report: the widest-covering box at least ``threshold``
    dense, else the densest box better than the base rate ``base``, else the whole space."""
    # A box that restricts nothing says nothing, even when failures are common enough to be
    # "dense" everywhere: the candidates restrict at least one input and beat the base rate.
    boxes = trajectory[(trajectory["res_dim"] > 0) & (trajectory["density"] > base)]
    dense = boxes[boxes["density"] >= threshold]
    if len(dense):
        return int(
            dense.sort_values(["coverage", "density"], ascending=False, kind="stable").index[0]
        )
    if len(boxes):
        return int(
            boxes.sort_values(["density", "coverage"], ascending=False, kind="stable").index[0]
        )
    return 0  # PRIM found no box better than the whole space


def _tree_frame(
    leaves: Any, stats: Any, init: pd.DataFrame, x: pd.DataFrame, names: Mapping[str, str]
) -> pd.DataFrame:
    """The tree's leaves, densest first: coverage, density, mass and the rule of each."""
    tree_rows = []
    for i, (lims, st) in enumerate(zip(leaves, stats, strict=True)):
        rule = restrictions(lims, init, x, names)
        tree_rows.append(
            {
                "leaf": i,
                "coverage": float(st["coverage"]),
                "density": float(st["density"]),
                "mass": float(st["mass"]),
                "res_dim": int(st["res dim"]),
                "rule": " and ".join(rule["text"]) or "(everything)",
            }
        )
    return pd.DataFrame(tree_rows).sort_values(
        ["density", "coverage"], ascending=False, kind="stable"
    )


INSPECT_COLUMNS = [
    "input",
    "kind",
    "low",
    "high",
    "levels",
    "qp_low",
    "qp_high",
    "coverage",
    "density",
]


def _inspect(found: Any, chosen: int, box: pd.DataFrame) -> pd.DataFrame:
    """The chosen box's restricted inputs with the quasi-p-values of their limits (the
    workbench's ``PrimBox.qp``, what ``PrimBox.inspect`` prints; its -1, "not restricted on
    that side", becomes NaN), and the box's coverage and density."""
    qp = found.qp[chosen]
    stats = found.peeling_trajectory.iloc[chosen]
    rows = []
    for _, r in box.iterrows():
        low, high = (float(v) for v in qp.get(r["input"], [-1.0, -1.0]))
        rows.append(
            {
                **{c: r[c] for c in ("input", "kind", "low", "high", "levels")},
                "qp_low": math.nan if low < 0 else low,
                "qp_high": math.nan if high < 0 else high,
                "coverage": float(stats["coverage"]),
                "density": float(stats["density"]),
            }
        )
    return pd.DataFrame(rows, columns=INSPECT_COLUMNS)


def feature_scores(x: pd.DataFrame, y: np.ndarray) -> pd.DataFrame:
    """How much each input explains failure: the workbench's extra-trees feature scores
    (classification, 100 trees, ``random_state=0`` so that a run repeats), every input,
    highest first; ``rank`` 1 explains most."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from ema_workbench.analysis import feature_scoring

        scores, _ = feature_scoring.get_ex_feature_scores(x, y.astype(int), random_state=0)
    col = scores.iloc[:, 0]
    frame = pd.DataFrame({"input": col.index.astype(str), "score": col.to_numpy(dtype=float)})
    frame = frame.sort_values(
        ["score", "input"], ascending=[False, True], kind="stable"
    ).reset_index(drop=True)
    frame["rank"] = range(1, len(frame) + 1)
    return frame
