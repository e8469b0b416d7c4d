"""``conflictkg synth`` and ``conflictkg bench``.

The benchmark suite is not installed with the package: ``bench`` runs the ``benchmarks/`` folder of
the checkout the package is installed from (``pip install -e``), and says so where there is none.
"""

from __future__ import annotations

import importlib
import json
import sys
from pathlib import Path
from types import ModuleType

import click

import conflictkg
from conflictkg.cli import main, print_table
from conflictkg.graph.domain.synth import write_events


@main.command()
@click.option("--events", type=click.IntRange(1), required=True, help="How many events.")
@click.option("-o", "--output", required=True, help="N-Triples file to write (- for stdout).")
@click.option("--seed", default=42, show_default=True, help="Random seed: the same seed gives the same bytes.")
def synth(events: int, output: str, seed: int) -> None:
    """Synthetic events in the same ontology, for benchmarks."""
    if output == "-":
        write_events(sys.stdout, events, seed=seed)
        return
    try:
        with open(output, "w", encoding="utf-8", newline="\n") as out:
            write_events(out, events, seed=seed)
    except OSError as exc:
        raise click.ClickException(f"cannot write {output}: {exc.strerror}") from exc
    click.echo(f"wrote {events} events to {output}", err=True)


def checkout_benchmarks(module: str) -> ModuleType:
    """``benchmarks.<module>`` from the checkout beside the package (``conflictkg/`` is a folder of it);
    a clear error where the package is installed without one."""
    checkout = Path(conflictkg.__file__).resolve().parent.parent
    # setup.cfg marks a checkout: a site-packages folder could hold someone else's "benchmarks"
    if not ((checkout / "benchmarks" / "runner.py").is_file() and (checkout / "setup.cfg").is_file()):
        raise click.ClickException(
            "the benchmark suite is not installed with the package: run it from a checkout of conflictkg "
            "(pip install -e . there, then conflictkg bench or make bench)")
    if str(checkout) not in sys.path:
        sys.path.insert(0, str(checkout))
    return importlib.import_module(f"benchmarks.{module}")


def _figure(result: dict, key: str) -> str:
    """A row's figure with its unit: seconds unless the row says otherwise."""
    unit = result.get("unit")
    if unit == "bytes":
        return f"{result[key] / 2**20:.0f} MB"
    if unit == "bytes/triple":
        return f"{result[key]:.0f} B/triple"
    return f"{result[key]:.4f}"


@main.command()
@click.option("--events", default="100000", show_default=True, metavar="N[,N…]",
              help="How many synthetic events; several sizes separated by commas run every suite at each.")
@click.option("--repeat", default=3, show_default=True, type=click.IntRange(1), help="Runs per figure (median).")
@click.option("--only", multiple=True, help="Run only this suite (repeatable).")
@click.option("-o", "--output", default="bench-results/bench.json", show_default=True, help="Where the JSON goes.")
@click.option("--load-test", is_flag=True,
              help="Instead: mixed reads, bad requests and a writer against a server on loopback; JSON on stdout, "
                   "exit 1 on a 5xx other than 503 or a lost write.")
@click.option("--seconds", default=60.0, show_default=True, type=click.FloatRange(1), help="How long the load test runs.")
def bench(events: str, repeat: int, only: tuple[str, ...], output: str, load_test: bool, seconds: float) -> None:
    """The benchmark suite: a table on the terminal, the figures as JSON."""
    if load_test:
        tester = checkout_benchmarks("load_test")
        report = tester.load_test(seconds)
        click.echo(json.dumps(report, indent=2))
        click.echo(tester.summary(report), err=True)
        sys.exit(0 if report["ok"] else 1)
    try:
        sizes = [int(n) for n in events.split(",") if n.strip()]
    except ValueError:
        raise click.BadParameter(f"{events!r} is not a number of events or a list of them (10000,100000)",
                                 param_hint="--events") from None
    if not sizes or min(sizes) < 1:
        raise click.BadParameter("sizes must be at least 1", param_hint="--events")
    run_bench = checkout_benchmarks("runner").run_bench
    try:
        report = run_bench(events=sizes if len(sizes) > 1 else sizes[0], repeat=repeat, only=list(only) or None)
    except ValueError as exc:
        raise click.BadParameter(str(exc)) from exc
    print_table(["benchmark", "ours", "reference", "ratio", "goal", "ok"],
                [[r["name"], _figure(r, "ours_s"), _figure(r, "reference_s"), f"{'≥' if r.get('timed_out') else ''}{r['ratio']:.2f}", f"{'≥' if r.get('higher_is_better') else '≤'}{r['goal']}",
                  "yes" if r["pass"] else "NO"] for r in report["results"]])
    path = Path(output)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(report, indent=2), encoding="utf-8")
    click.echo(f"reference: {', '.join(sorted({r['reference'] for r in report['results']}))}", err=True)
    click.echo(f"wrote {path}", err=True)
