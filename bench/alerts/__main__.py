"""``python -m bench.alerts``: see :mod:`bench.alerts.run`."""

from bench.alerts.run import main

main()
