"""``python -m bench.screening``: see :mod:`bench.screening.run`."""

from bench.screening.run import main

main()
