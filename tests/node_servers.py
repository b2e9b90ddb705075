"""Real nodes on loopback ports for tests: :mod:`interlock.sharing.loopback` (uvicorn in a
thread; ``stop()`` and ``start()`` take a node down and bring it back on the same port)."""

from interlock.sharing.loopback import LoopbackServer, free_port, running

__all__ = ["LoopbackServer", "free_port", "running"]
