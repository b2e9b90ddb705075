"""C2SP tlog-tiles: the log's Merkle tree as static tiles of 256 hashes, and entry bundles.

- The tile at level ``L`` and index ``N`` holds, for ``i`` in 0..255,
  ``MTH(D[(N·256 + i)·256**L : (N·256 + i + 1)·256**L])``: level 0 holds leaf hashes, each
  hash one level up is the root of a full tile below.
- The rightmost tiles are *partial* (``.p/W``, 1 ≤ W ≤ 255 hashes); a tree of size ``s`` has
  ``floor(s / 256**L) mod 256`` hashes in its partial tile at level ``L``.
- ``N`` is written in 3-digit groups, all but the last prefixed with ``x``:
  1234067 is ``x001/x234/067``.
- Entry bundles (``tile/entries/N[.p/W]``) hold the leaves' data, each prefixed by its length
  as a big-endian uint16.

:class:`TileReader` rebuilds roots and proofs from fetched tiles, as a client of a tiled log
would; it is checked against the log's own proofs in the tests.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from interlock.errors import NotFoundError, ParseError
from interlock.ledger.merkle import EMPTY_ROOT, HASH_SIZE, MerkleTree, node_hash

TILE_WIDTH = 256
TILE_HEIGHT = 8  # log2(TILE_WIDTH): tree levels spanned by one tile
MAX_LEVEL = 63
MAX_ENTRY = 0xFFFF  # the uint16 length prefix of an entry in a bundle

_GROUP = re.compile(r"x?[0-9]{3}")
_DECIMAL = re.compile(r"0|[1-9][0-9]*")


class HashTree(MerkleTree):
    """A :class:`MerkleTree` that also hands out the hash of any complete, aligned subtree
    (what tiles are made of) and finds a leaf by its hash."""

    __slots__ = ()

    def find(self, hashed_leaf: bytes) -> int | None:
        """The first index whose leaf hash is ``hashed_leaf``: a scan of the leaf hashes
        (about 7 ms at a million leaves)."""
        level = self._levels[0]
        at = level.find(hashed_leaf)
        while at != -1 and at % HASH_SIZE:  # a match straddling two hashes
            at = level.find(hashed_leaf, at + 1)
        return None if at == -1 or len(hashed_leaf) != HASH_SIZE else at // HASH_SIZE

    def subtree_hash(self, lo: int, hi: int) -> bytes:
        """MTH(D[lo:hi]) for ``hi - lo`` a power of two and ``lo`` a multiple of it."""
        n = hi - lo
        if n <= 0 or n & (n - 1) or lo % n or hi > len(self):
            raise ValueError(f"[{lo}, {hi}) is not a complete subtree of {len(self)} leaves")
        return self._subtree(lo, hi)


@dataclass(frozen=True, slots=True)
class TileRef:
    """A tile (``level`` 0..63) or an entry bundle (``level`` None), with its width."""

    level: int | None
    index: int
    width: int = TILE_WIDTH

    @property
    def path(self) -> str:
        head = "entries" if self.level is None else str(self.level)
        tail = "" if self.width == TILE_WIDTH else f".p/{self.width}"
        return f"tile/{head}/{encode_index(self.index)}{tail}"

    @property
    def span(self) -> int:
        """Leaves covered by one hash (or entry) of this tile."""
        return 1 if self.level is None else TILE_WIDTH**self.level

    @property
    def end(self) -> int:
        """The tree size from which this tile is fully determined."""
        return (self.index * TILE_WIDTH + self.width) * self.span


def encode_index(n: int) -> str:
    """``n`` as zero-padded 3-digit path elements, all but the last prefixed with ``x``."""
    if n < 0:
        raise ValueError(f"tile index: {n} is negative")
    groups = [f"{n % 1000:03d}"]
    n //= 1000
    while n:
        groups.append(f"x{n % 1000:03d}")
        n //= 1000
    return "/".join(reversed(groups))


def tile_path(level: int, index: int, width: int = TILE_WIDTH) -> str:
    """``tile/<L>/<N>[.p/<W>]``."""
    return TileRef(level, index, width).path


def entries_path(index: int, width: int = TILE_WIDTH) -> str:
    """``tile/entries/<N>[.p/<W>]``."""
    return TileRef(None, index, width).path


def parse_tile_path(path: str) -> TileRef:
    """Read ``tile/<L or entries>/<N>[.p/<W>]`` (the ``tile/`` prefix may be left out)."""
    parts = path.removeprefix("/").removeprefix("tile/").split("/")
    where = f"tile path {path!r}"
    if len(parts) < 2:
        raise ParseError("a tile path is <level>/<index>[.p/<width>]", location=where)
    width = TILE_WIDTH
    if len(parts) >= 3 and parts[-2].endswith(".p"):
        width = _decimal(parts[-1], where, "the partial width")
        if not 1 <= width < TILE_WIDTH:
            raise ParseError("a partial tile is 1 to 255 wide", location=where)
        parts = [*parts[:-2], parts[-2].removesuffix(".p")]
    head, groups = parts[0], parts[1:]
    level = None if head == "entries" else _decimal(head, where, "the level")
    if level is not None and level > MAX_LEVEL:
        raise ParseError(f"the level is at most {MAX_LEVEL}", location=where)
    if not all(_GROUP.fullmatch(g) for g in groups) or any(
        g.startswith("x") != (i < len(groups) - 1) for i, g in enumerate(groups)
    ):
        raise ParseError("the index is 3-digit groups, all but the last x-prefixed", location=where)
    index = int("".join(g.removeprefix("x") for g in groups))
    if encode_index(index) != "/".join(groups):
        raise ParseError("the index has leading zero groups", location=where)
    return TileRef(level, index, width)


def _decimal(text: str, where: str, what: str) -> int:
    if not _DECIMAL.fullmatch(text):
        raise ParseError(f"{what} is a decimal without leading zeros", location=where)
    return int(text)


def tile_bytes(tree: HashTree, ref: TileRef, size: int | None = None) -> bytes:
    """The hashes of a Merkle tile, concatenated; NotFoundError when the tree of ``size``
    leaves (default: all of them) does not determine it yet."""
    if ref.level is None:
        raise ValueError("an entry bundle is made from the leaves' data: entry_bundle()")
    limit = len(tree) if size is None else size
    if ref.end > limit:
        raise NotFoundError(f"{ref.path}: needs a tree of {ref.end} leaves, the log has {limit}")
    span, first = ref.span, ref.index * TILE_WIDTH
    return b"".join(
        tree.subtree_hash((first + i) * span, (first + i + 1) * span) for i in range(ref.width)
    )


def tiles_for(size: int) -> list[TileRef]:
    """Every Merkle tile and entry bundle describing the tree of ``size`` leaves."""
    refs: list[TileRef] = []
    level = 0
    while size >= TILE_WIDTH**level:
        count = size // TILE_WIDTH**level  # complete hashes at this level
        full, partial = divmod(count, TILE_WIDTH)
        for n in range(full):
            refs.append(TileRef(level, n))
            if level == 0:
                refs.append(TileRef(None, n))
        if partial:
            refs.append(TileRef(level, full, partial))
            if level == 0:
                refs.append(TileRef(None, full, partial))
        level += 1
    return refs


def entry_bundle(entries: Iterable[bytes]) -> bytes:
    """Entries, each prefixed with its length as a big-endian uint16."""
    out = bytearray()
    for data in entries:
        if len(data) > MAX_ENTRY:
            raise ValueError(f"an entry of {len(data)} bytes does not fit a bundle")
        out += len(data).to_bytes(2, "big") + data
    return bytes(out)


def read_bundle(bundle: bytes) -> list[bytes]:
    """The entries of a bundle; ParseError when a length runs past its end."""
    entries: list[bytes] = []
    at = 0
    while at < len(bundle):
        if at + 2 > len(bundle):
            raise ParseError("a length prefix is cut short", location=f"entry bundle byte {at}")
        length = int.from_bytes(bundle[at : at + 2], "big")
        if at + 2 + length > len(bundle):
            raise ParseError("an entry runs past the end", location=f"entry bundle byte {at}")
        entries.append(bundle[at + 2 : at + 2 + length])
        at += 2 + length
    return entries


def _split(n: int) -> int:
    return 1 << ((n - 1).bit_length() - 1)


class TileReader:
    """Roots and proofs of the tree of ``size`` leaves, from tiles fetched by path
    (``fetch("tile/0/000")`` returns the tile's bytes). Each tile is fetched once."""

    def __init__(self, fetch: Callable[[str], bytes], size: int) -> None:
        self._fetch = fetch
        self.size = size
        self._tiles: dict[str, bytes] = {}

    def root(self) -> bytes:
        """MTH of the whole tree."""
        return EMPTY_ROOT if self.size == 0 else self._mth(0, self.size)

    def leaf_hash(self, index: int) -> bytes:
        self._check(index, self.size)
        return self._stored(0, index)

    def inclusion_proof(self, index: int) -> list[bytes]:
        """PATH(index, D[0:size]) (RFC 9162 §2.1.3.1), leaf first."""
        self._check(index, self.size)
        path: list[bytes] = []
        lo, hi = 0, self.size
        while hi - lo > 1:
            k = _split(hi - lo)
            if index < lo + k:
                path.append(self._mth(lo + k, hi))
                hi = lo + k
            else:
                path.append(self._mth(lo, lo + k))
                lo += k
        return path[::-1]

    def consistency_proof(self, size1: int) -> list[bytes]:
        """PROOF(size1, D[0:size]) (RFC 9162 §2.1.4.1)."""
        if not 0 <= size1 <= self.size:
            raise ValueError(f"size1: {size1} is not between 0 and {self.size}")
        if size1 in (0, self.size):
            return []
        proof: list[bytes] = []
        lo, hi, m, whole = 0, self.size, size1, True
        while m != hi - lo:
            k = _split(hi - lo)
            if m <= k:
                proof.append(self._mth(lo + k, hi))
                hi = lo + k
            else:
                proof.append(self._mth(lo, lo + k))
                m -= k
                lo += k
                whole = False
        if not whole:
            proof.append(self._mth(lo, hi))
        return proof[::-1]

    @staticmethod
    def _check(index: int, size: int) -> None:
        if not 0 <= index < size:
            raise ValueError(f"index: {index} is outside a tree of {size} leaves")

    def _mth(self, lo: int, hi: int) -> bytes:
        n = hi - lo
        if n & (n - 1) == 0 and lo % n == 0:
            height = n.bit_length() - 1
            return self._stored(height, lo >> height)
        k = _split(n)
        return node_hash(self._mth(lo, lo + k), self._mth(lo + k, hi))

    def _stored(self, height: int, position: int) -> bytes:
        """The complete subtree of ``2**height`` leaves at ``position``, folded from the
        level-``height // 8`` tile that holds its ``2**(height % 8)`` hashes."""
        level, rest = divmod(height, TILE_HEIGHT)
        first = position << rest  # index of its first hash at that tile level
        tile_index = first // TILE_WIDTH
        complete = self.size // TILE_WIDTH**level
        width = min(TILE_WIDTH, complete - tile_index * TILE_WIDTH)
        tile = self._tile(TileRef(level, tile_index, width))
        offset = (first % TILE_WIDTH) * HASH_SIZE
        end = offset + (HASH_SIZE << rest)
        hashes = [tile[at : at + HASH_SIZE] for at in range(offset, end, HASH_SIZE)]
        while len(hashes) > 1:
            hashes = [node_hash(hashes[i], hashes[i + 1]) for i in range(0, len(hashes), 2)]
        return hashes[0]

    def _tile(self, ref: TileRef) -> bytes:
        path = ref.path
        if path not in self._tiles:
            data = self._fetch(path)
            if len(data) != ref.width * HASH_SIZE:
                wanted = ref.width * HASH_SIZE
                raise ParseError(f"{len(data)} bytes, wanted {wanted}", location=path)
            self._tiles[path] = data
        return self._tiles[path]
