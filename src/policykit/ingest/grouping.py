"""Witnesses of one document: the same text found in several files or scripts grouped, its primary chosen.

Candidates are blocked with MinHash LSH over character k-grams of the content keys and confirmed by Indel
similarity (or by identical articles under differing headers), only within the same kind and title.
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter

from datasketch import MinHash, MinHashLSH
from rapidfuzz.distance import Indel
from scipy.cluster.hierarchy import DisjointSet

from policykit.ingest.segment import Witness
from policykit.zh import title_key

SAME_DOC_SIMILARITY = 0.9  # Indel similarity of content keys above which two witnesses are one document


def _minhash(key: str, k: int = 5, num_perm: int = 64) -> MinHash:
    """MinHash of the character k-grams of a content key."""
    # datasketch's default hash (sha1_hash32: the first 4 bytes of SHA-1, little-endian), computed here in one
    # pass: a call of its hash function for each k-gram costs more than the hashing itself
    m = MinHash(num_perm=num_perm, seed=1, hashfunc=int)
    grams = {key[i:i + k] for i in range(max(1, len(key) - k + 1))}
    sha1 = hashlib.sha1
    m.update_batch([int.from_bytes(sha1(g.encode("utf-8")).digest()[:4], "little") for g in sorted(grams)])
    return m


def group_witnesses(witnesses: list[Witness]) -> list[list[Witness]]:
    """Group witnesses of the same document: LSH candidates confirmed by Indel similarity ≥ 0.9.

    Both confirmations (same_body, same_identity) require the same kind and title key, so only witnesses
    that share them with another are hashed and indexed: whether two are LSH candidates depends on
    their two MinHashes alone, so the pairs considered, and the groups, are those of an index of all.
    """
    block_of = [(w.kind, title_key(w.title)) for w in witnesses]
    blocks = Counter(block_of)
    lsh = MinHashLSH(threshold=0.5, num_perm=64)
    hashes: dict[int, MinHash] = {}
    for i, w in enumerate(witnesses):
        if blocks[block_of[i]] > 1:
            hashes[i] = _minhash(w.key)
            lsh.insert(str(i), hashes[i])
    same = DisjointSet(range(len(witnesses)))
    for i, w in enumerate(witnesses):
        for j in sorted(int(c) for c in lsh.query(hashes[i])) if i in hashes else ():
            if j <= i or same.connected(i, j):
                continue
            if same_body(w, witnesses[j]):
                same.merge(i, j)  # the same articles under headers that set out the dates differently
                continue
            if not same_identity(w, witnesses[j]):
                continue
            a, b = w.key, witnesses[j].key
            # Indel similarity is at most 2·min/(la+lb): skip pairs whose lengths alone rule them out
            if 2 * min(len(a), len(b)) < SAME_DOC_SIMILARITY * (len(a) + len(b)):
                continue
            if Indel.normalized_similarity(a, b, score_cutoff=SAME_DOC_SIMILARITY):
                same.merge(i, j)
    groups: dict[int, list[Witness]] = {}
    for i, w in enumerate(witnesses):
        groups.setdefault(same[i], []).append(w)
    return list(groups.values())


BODY_MIN_CHARS = 200  # a body this long at least, identical in two witnesses, makes them one document


def same_body(a: Witness, b: Witness) -> bool:
    """Whether two witnesses of one title carry the same articles word for word, whatever their headers say."""
    if a.kind != b.kind or title_key(a.title) != title_key(b.title):
        return False
    return len(a.body_key) >= BODY_MIN_CHARS and a.body_key == b.body_key


def same_identity(a: Witness, b: Witness) -> bool:
    """Whether two witnesses may be one text: same kind and title, no differing 文号, date or version marker.

    A document number or a signed/published/effective date counts where both state one; the adoption and
    amendment dates must be the same set (one version states an amendment the other lacks).
    """
    if a.kind != b.kind or title_key(a.title) != title_key(b.title):
        return False
    if a.doc_number and b.doc_number and a.doc_number != b.doc_number:
        return False
    if a.dates.signed_all != b.dates.signed_all:
        return False  # one states an adoption or amendment the other does not: another version
    for kind in ("signed", "published", "effective"):
        da, db = getattr(a.dates, kind), getattr(b.dates, kind)
        if da and db and da.date != db.date:
            return False
    return version_markers(a.text) == version_markers(b.text)


VERSION_MARKER_RE = re.compile(r"征求意见稿|送审稿|草案|试行|暂行|修订稿|（\d{4}年(?:修订|修正)）")


def version_markers(text: str) -> frozenset[str]:
    """The version markers (征求意见稿, 草案, 试行, （2020年修订） …) in the opening lines of a text."""
    return frozenset(VERSION_MARKER_RE.findall(text[:200]))


def primary_of(group: list[Witness]) -> Witness:
    """The witness that supplies the canonical text: simplified original first, then the fullest."""
    return min(group, key=lambda w: (w.script != "hans", -len(w.key), w.source.name, w.raw_start))
