"""The notebook's pictures as a reader sees them: a map on borders and coastlines, labels that do not
collide, legends that hide nothing."""

import itertools

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.collections import LineCollection, PolyCollection

from conflictkg.graph.networks import draw, views
from conflictkg.graph.networks.basemap import outlines


def _drawn(fig):
    FigureCanvasAgg(fig).draw()
    return fig.canvas.get_renderer()


def _overlap(a, b, slack: float = 1.0) -> bool:
    """Two labels' boxes cross by more than a pixel (touching is not a collision a reader sees)."""
    return a.x0 + slack < b.x1 and b.x0 + slack < a.x1 and a.y0 + slack < b.y1 and b.y0 + slack < a.y1


def test_the_strike_map_is_drawn_on_borders_and_coastlines(store):
    fig = draw.strike_map(store, date_from="2023-12-01")
    ax = fig.axes[0]
    lines = outlines()
    assert [len(c.get_paths()) for c in ax.collections if isinstance(c, PolyCollection)] [:1] == [len(lines.land)]
    drawn = {len(c.get_segments()) for c in ax.collections if isinstance(c, LineCollection)}
    assert {len(lines.borders), len(lines.coasts)} <= drawn


def test_the_strike_maps_labels_collide_with_nothing_and_stay_on_it(store):
    fig = draw.strike_map(store, date_from="2023-12-01")
    renderer = _drawn(fig)
    ax = fig.axes[0]
    boxes = [t.get_window_extent(renderer) for t in ax.texts if t.get_text()]
    assert len(boxes) > 8
    assert not [(a, b) for a, b in itertools.combinations(boxes, 2) if _overlap(a, b)]
    frame = ax.get_window_extent(renderer)
    assert all(frame.x0 <= b.x0 and b.x1 <= frame.x1 + 1 and frame.y0 <= b.y0 and b.y1 <= frame.y1 + 1 for b in boxes)
    texts = " ".join(t.get_text() for t in ax.texts)
    assert "(from United States)" in texts  # a perpetrator far off the map is named, not drawn off it


def test_legends_sit_beside_the_drawing(store):
    for fig in (draw.strike_map(store), draw.network_figure(views.accusation_network(store))):
        renderer = _drawn(fig)
        ax = fig.axes[0]
        legend = ax.get_legend().get_window_extent(renderer)
        assert legend.x0 >= ax.get_window_extent(renderer).x1 - 1
        assert legend.x1 <= fig.get_window_extent(renderer).x1 + 1  # and inside the figure: nothing clipped


def test_make_notebook_runs_jupyter_from_the_venv():
    import importlib.util
    import os
    import subprocess
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    assert importlib.util.find_spec("notebook") is not None  # the viz extra installs it
    # under `make test` this make is a sub-make: it would print "Entering directory" lines
    env = {k: v for k, v in os.environ.items() if k not in ("MAKEFLAGS", "MAKELEVEL", "MFLAGS")}
    plan = subprocess.run(["make", "--no-print-directory", "-n", "notebook"], cwd=root, env=env,
                          capture_output=True, text=True, check=True).stdout
    assert plan.strip().splitlines()[-1] == ".venv/bin/jupyter notebook --notebook-dir=notebooks"


def test_the_timeline_labels_every_event_in_lanes_by_pair_of_actors(store):
    from conflictkg.graph.domain.timeline import timeline

    # every dated event where someone acts against someone (or on a country's soil) since December
    events = [e for e in timeline(store) if e["date"] >= "2023-12-01" and e["by"] and (e["against"] or e["country"])]
    fig = draw.dyad_timeline_figure(store, date_from="2023-12-01")
    renderer = _drawn(fig)
    ax = fig.axes[0]
    labels = [t for t in ax.texts if t.get_text()]  # the arrows are empty annotations
    assert len(labels) == len(events)
    # a perpetrator only alleged says so on its label: the Kerman bombings, claimed by ISIS
    assert [t.get_text() for t in labels if t.get_text().startswith("Kerman")] == ["Kerman bombings (claimed)"]
    assert {"Iran – Pakistan", "Harakat al-Nujaba – United States"} <= {t.get_text() for t in ax.get_yticklabels()}
    boxes = [t.get_window_extent(renderer) for t in labels]
    assert not [(a, b) for a, b in itertools.combinations(boxes, 2) if _overlap(a, b)]
