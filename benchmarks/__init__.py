"""The benchmark suite: conflictkg's figures beside a reference engine's, measured in the same run.

It lives in the checkout, not in the installed package: ``make bench`` (``python -m benchmarks``)
or ``conflictkg bench`` from a checkout runs it. :mod:`.runner` registers the suites and runs them;
each ``suite_*`` module adds one (``validate``, ``store``, ``snapshot``, ``http``); :mod:`.load_test`
is ``conflictkg bench --load-test``; :mod:`.load_child` is the process a load row of the ``store``
suite times.
"""
