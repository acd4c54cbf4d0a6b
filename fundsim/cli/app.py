"""``fundsim app [FILE] [--port P] [--host ADDR]``: the what-if page on the local machine.

Serves a page where a change of a lever (formula, host, a cut, the reserve...) shows each
entity's bill at once and the simulated risk to the posts within seconds, paired with the
scenario as loaded. Loopback only unless ``--host`` names another address (then a warning:
anyone who can reach it can use the page). Needs the ``app`` extra. See docs/app.md.
"""

from __future__ import annotations

import argparse
import sys

DEFAULT_FILE = "scenarios/baseline.toml"


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "app",
        help="the what-if page: move a lever, see each entity's bill and the risk change",
        description="Serve the what-if page of a scenario on this machine (loopback by default).",
    )
    p.add_argument(
        "file",
        metavar="FILE",
        nargs="?",
        default=DEFAULT_FILE,
        help=f"scenario TOML file (default: {DEFAULT_FILE})",
    )
    p.add_argument("--port", type=int, default=5006, help="port (default: 5006)")
    p.add_argument(
        "--host",
        default="127.0.0.1",
        help="address to listen on (default: 127.0.0.1, this machine only)",
    )
    p.add_argument(
        "--workers", type=int, default=2, help="worker processes of the simulation (default: 2)"
    )
    p.add_argument(
        "--reps",
        type=int,
        default=None,
        help="replications chosen at first (default: 100, or the scenario's count if smaller)",
    )
    p.add_argument(
        "--timeout", type=float, default=600.0, help="longest run, in seconds (default: 600)"
    )
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from fundsim.app import LOOPBACK, require_panel, serve
    from fundsim.errors import BadInput

    require_panel()
    if not 1 <= args.port <= 65535:
        raise BadInput(f"--port must be from 1 to 65535 (got {args.port})")
    if not 1 <= args.workers <= 64:
        raise BadInput(f"--workers must be from 1 to 64 (got {args.workers})")
    if args.reps is not None and not 1 <= args.reps <= 100_000:
        raise BadInput(f"--reps must be from 1 to 100,000 (got {args.reps})")
    if not 1 <= args.timeout <= 86_400:
        raise BadInput(f"--timeout must be from 1 to 86,400 seconds (got {args.timeout:g})")
    if args.host not in LOOPBACK:
        print(
            f"fundsim: warning: serving on {args.host}: anyone who can reach this address can use "
            "the page "
            "and the machine's processors",
            file=sys.stderr,
        )
    print(f"fundsim app: http://{args.host}:{args.port}/ (Ctrl-C to stop)", flush=True)
    serve(
        args.file,
        args.port,
        args.host,
        workers=args.workers,
        reps=args.reps,
        timeout_s=args.timeout,
    )
    return 0
