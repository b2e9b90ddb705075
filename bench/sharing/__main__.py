"""``python -m bench.sharing``: see :mod:`bench.sharing.run`."""

from bench.sharing.run import main

main()
