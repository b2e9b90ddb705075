"""RFC 9162 §2.1 Merkle tree hashing, inclusion proofs and consistency proofs.

The ledger of each node is an append-only log whose state is a Merkle tree hash (MTH) over
the leaves in order. Partners keep the node honest with two proofs: an *inclusion* proof
(this leaf is at this index of the tree with this root) and a *consistency* proof (the tree
of size ``size2`` extends the tree of size ``size1`` without changing it). Everything here is
written from the definitions in RFC 9162 §2.1 with SHA-256:

- leaf hash ``SHA-256(0x00 ‖ data)`` and node hash ``SHA-256(0x01 ‖ left ‖ right)``; the
  distinct prefixes stop a leaf from being passed off as an inner node (second preimage);
- MTH of the empty list is ``SHA-256()`` of nothing; MTH of ``n > 1`` leaves splits at the
  largest power of two ``k < n``.

The verifiers are meant to be fed what a partner sends over the network, so they return
``False`` for any wrong, malformed or impossible input and never raise. One deliberate
policy differs from some libraries: a consistency proof from the empty tree (``size1 == 0``)
is accepted with an empty proof, because every tree extends the empty one and C2SP
tlog-witness requires witnesses to accept exactly that when they see a log for the first
time.

:class:`MerkleTree` keeps the leaf hashes and the hash of every complete, aligned subtree
(one level array per height), so appends are amortised O(1) and proofs are O(log n) hashes
(at most O(log² n) on the incomplete right edge), not a rehash of the whole log per proof.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence

HASH_SIZE = 32
"""Bytes in a SHA-256 digest: every leaf hash, node hash and root."""

_LEAF_PREFIX = b"\x00"
_NODE_PREFIX = b"\x01"

EMPTY_ROOT = hashlib.sha256(b"").digest()
"""MTH({}): the root of the tree with no leaves (RFC 9162 §2.1.1)."""


def leaf_hash(data: bytes) -> bytes:
    """``SHA-256(0x00 ‖ data)``: the hash of one leaf's data."""
    return hashlib.sha256(_LEAF_PREFIX + data).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    """``SHA-256(0x01 ‖ left ‖ right)``: the hash of an inner node from its two children."""
    return hashlib.sha256(_NODE_PREFIX + left + right).digest()


def _split(n: int) -> int:
    """The largest power of two strictly below ``n`` (``n > 1``): where MTH splits ``n``."""
    return 1 << ((n - 1).bit_length() - 1)


class MerkleTree:
    """An append-only RFC 9162 tree that answers root and proof queries for any past size.

    ``_levels[h]`` holds, back to back, the 32-byte hashes of the complete subtrees of
    ``2**h`` leaves that start at multiples of ``2**h`` (level 0 holds the leaf hashes).
    Every subtree the RFC's recursion asks for is either one of those or lies on the right
    edge of the tree it is taken from, and is folded from them.
    """

    __slots__ = ("_levels",)

    def __init__(self) -> None:
        self._levels: list[bytearray] = [bytearray()]

    @classmethod
    def from_leaves(cls, leaves: Iterable[bytes]) -> MerkleTree:
        """A tree over raw leaf data (each item is hashed as a leaf)."""
        tree = cls()
        for data in leaves:
            tree.append(data)
        return tree

    @classmethod
    def from_leaf_hashes(cls, hashes: Iterable[bytes]) -> MerkleTree:
        """A tree over leaf hashes the caller already holds (e.g. read back from the store)."""
        tree = cls()
        for h in hashes:
            tree.append_hash(h)
        return tree

    def __len__(self) -> int:
        return len(self._levels[0]) // HASH_SIZE

    @property
    def size(self) -> int:
        """The number of leaves."""
        return len(self)

    def append(self, data: bytes) -> int:
        """Add one leaf of raw data; returns its index."""
        return self.append_hash(leaf_hash(data))

    def append_hash(self, hashed_leaf: bytes) -> int:
        """Add one leaf by its leaf hash; returns its index.

        Completing a subtree of ``2**(h+1)`` leaves stores its hash one level up, so each
        append costs one leaf hash plus, on average, one node hash.
        """
        if not isinstance(hashed_leaf, bytes) or len(hashed_leaf) != HASH_SIZE:
            raise ValueError(f"leaf hash: must be {HASH_SIZE} bytes")
        levels = self._levels
        index = len(levels[0]) // HASH_SIZE
        levels[0] += hashed_leaf
        height = 0
        count = index + 1
        while count % 2 == 0:
            level = levels[height]
            end = len(level)
            parent = node_hash(
                bytes(level[end - 2 * HASH_SIZE : end - HASH_SIZE]), bytes(level[end - HASH_SIZE :])
            )
            height += 1
            if height == len(levels):
                levels.append(bytearray())
            levels[height] += parent
            count //= 2
        return index

    def leaf_hash(self, index: int) -> bytes:
        """The stored leaf hash at ``index``."""
        self._check_index(index, len(self), "index")
        return self._stored(0, index)

    def root(self, size: int | None = None) -> bytes:
        """MTH of the first ``size`` leaves (default: all of them)."""
        n = self._size_arg(size)
        return EMPTY_ROOT if n == 0 else self._subtree(0, n)

    def inclusion_proof(self, index: int, size: int | None = None) -> list[bytes]:
        """PATH(index, D[0:size]) of RFC 9162 §2.1.3.1, ordered from the leaf up."""
        n = self._size_arg(size)
        self._check_index(index, n, "index")
        siblings: list[bytes] = []
        lo, hi = 0, n
        while hi - lo > 1:
            k = _split(hi - lo)
            if index < lo + k:
                siblings.append(self._subtree(lo + k, hi))
                hi = lo + k
            else:
                siblings.append(self._subtree(lo, lo + k))
                lo += k
        siblings.reverse()
        return siblings

    def consistency_proof(self, size1: int, size2: int | None = None) -> list[bytes]:
        """PROOF(size1, D[0:size2]) of RFC 9162 §2.1.4.1.

        Empty when ``size1`` is 0 (every tree extends the empty tree) or equals ``size2``.
        """
        n = self._size_arg(size2)
        if not isinstance(size1, int) or isinstance(size1, bool) or not 0 <= size1 <= n:
            raise ValueError(f"size1: {size1!r} is not between 0 and {n}")
        if size1 in (0, n):
            return []
        # SUBPROOF(m, D[lo:hi], whole), unrolled from the top down.
        collected: list[bytes] = []
        lo, hi, m, whole = 0, n, size1, True
        while m != hi - lo:
            k = _split(hi - lo)
            if m <= k:
                collected.append(self._subtree(lo + k, hi))
                hi = lo + k
            else:
                collected.append(self._subtree(lo, lo + k))
                m -= k
                lo += k
                whole = False
        if not whole:
            collected.append(self._subtree(lo, hi))
        collected.reverse()
        return collected

    # -- internals -------------------------------------------------------------------------

    def _size_arg(self, size: int | None) -> int:
        if size is None:
            return len(self)
        if not isinstance(size, int) or isinstance(size, bool) or not 0 <= size <= len(self):
            raise ValueError(f"size: {size!r} is not between 0 and {len(self)}")
        return size

    @staticmethod
    def _check_index(index: int, size: int, name: str) -> None:
        if not isinstance(index, int) or isinstance(index, bool) or not 0 <= index < size:
            raise ValueError(f"{name}: {index!r} is outside a tree of {size} leaves")

    def _stored(self, height: int, position: int) -> bytes:
        start = position * HASH_SIZE
        return bytes(self._levels[height][start : start + HASH_SIZE])

    def _subtree(self, lo: int, hi: int) -> bytes:
        """MTH(D[lo:hi]) for a range the RFC recursion produces (``lo`` aligned to the split)."""
        n = hi - lo
        if n & (n - 1) == 0 and lo % n == 0:
            height = n.bit_length() - 1
            return self._stored(height, lo >> height)
        k = _split(n)
        return node_hash(self._subtree(lo, lo + k), self._subtree(lo + k, hi))


# -- the function API of issue 5 ---------------------------------------------------------------


def root_hash(leaves: Sequence[bytes]) -> bytes:
    """MTH over raw leaf data; the empty list gives ``SHA-256()`` of nothing."""
    if not leaves:
        return EMPTY_ROOT
    # A stack of (height, hash) of complete subtrees, merged as they pair up; the incomplete
    # right edge is folded right to left at the end, exactly as MTH splits it.
    stack: list[tuple[int, bytes]] = []
    for data in leaves:
        height, h = 0, leaf_hash(data)
        while stack and stack[-1][0] == height:
            h = node_hash(stack.pop()[1], h)
            height += 1
        stack.append((height, h))
    root = stack.pop()[1]
    while stack:
        root = node_hash(stack.pop()[1], root)
    return root


def inclusion_proof(leaves: Sequence[bytes], index: int) -> list[bytes]:
    """The audit path for leaf ``index`` in the tree over ``leaves`` (raw data).

    Builds the tree each call; keep a :class:`MerkleTree` to answer many proofs.
    Raises ``ValueError`` when ``index`` is not a leaf of the tree (a caller's mistake, unlike
    a bad proof handed to a verifier).
    """
    return MerkleTree.from_leaves(leaves).inclusion_proof(index)


def consistency_proof(leaves: Sequence[bytes], size1: int) -> list[bytes]:
    """The proof that the first ``size1`` of ``leaves`` form a prefix of the whole tree.

    Raises ``ValueError`` when ``size1`` is not between 0 and ``len(leaves)``.
    """
    return MerkleTree.from_leaves(leaves).consistency_proof(size1)


def _is_count(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


def _is_hash(value: object) -> bool:
    return isinstance(value, bytes) and len(value) == HASH_SIZE


def _hashes(proof: object) -> list[bytes] | None:
    """The proof as a list of 32-byte hashes, or None if it is anything else."""
    if not isinstance(proof, list | tuple):
        return None
    if not all(_is_hash(p) for p in proof):
        return None
    return list(proof)


def verify_inclusion(
    leaf_hash: bytes, index: int, size: int, proof: list[bytes], root: bytes
) -> bool:
    """True iff ``proof`` shows the leaf with ``leaf_hash`` at ``index`` of the tree of ``size``
    leaves whose root is ``root`` (RFC 9162 §2.1.3.2). Never raises for bad input."""
    path = _hashes(proof)
    if path is None or not _is_hash(leaf_hash) or not _is_hash(root):
        return False
    if not _is_count(index) or not _is_count(size) or index >= size:
        return False
    fn, sn = index, size - 1
    r = leaf_hash
    for p in path:
        if sn == 0:
            return False  # the proof is longer than the path to the root
        if fn & 1 or fn == sn:
            r = node_hash(p, r)
            while not fn & 1 and fn != 0:
                fn >>= 1
                sn >>= 1
        else:
            r = node_hash(r, p)
        fn >>= 1
        sn >>= 1
    return sn == 0 and r == root


def verify_consistency(
    size1: int, size2: int, proof: list[bytes], root1: bytes, root2: bytes
) -> bool:
    """True iff ``proof`` shows the tree of ``size2`` leaves with ``root2`` extends the tree of
    ``size1`` leaves with ``root1`` (RFC 9162 §2.1.4.2). Never raises for bad input.

    Two cases are decided without hashing, both needing an empty proof:

    - ``size1 == size2``: the roots must be equal (they are compared as given; the two
      checkpoints carrying them have been checked elsewhere);
    - ``size1 == 0 < size2``: accepted when ``root1`` is the empty tree's root, because every
      tree extends the empty tree (C2SP tlog-witness; some libraries reject this case).
    """
    path = _hashes(proof)
    if path is None or not _is_count(size1) or not _is_count(size2) or size1 > size2:
        return False
    if size1 == size2:
        return not path and isinstance(root1, bytes) and root1 == root2
    if size1 == 0:
        return not path and root1 == EMPTY_ROOT
    if not path or not _is_hash(root1) or not _is_hash(root2):
        return False
    if size1 & (size1 - 1) == 0:
        # The old tree is a complete subtree: its root is the first node of the path.
        path = [root1, *path]
    fn, sn = size1 - 1, size2 - 1
    while fn & 1:
        fn >>= 1
        sn >>= 1
    fr = sr = path[0]
    for c in path[1:]:
        if sn == 0:
            return False  # more proof than the new tree has levels
        if fn & 1 or fn == sn:
            fr = node_hash(c, fr)
            sr = node_hash(c, sr)
            while not fn & 1 and fn != 0:
                fn >>= 1
                sn >>= 1
        else:
            sr = node_hash(sr, c)
        fn >>= 1
        sn >>= 1
    return sn == 0 and fr == root1 and sr == root2
