"""``python -m benchmarks [OPTIONS]``: the suite from the checkout, with ``conflictkg bench``'s options."""

from conflictkg.cli_bench import bench

bench(prog_name="python -m benchmarks")
