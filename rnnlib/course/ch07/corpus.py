"""The corpus of notebook 07: the course's own text, read from the repository at run time.

The text is the README followed by the core's source files in the README's reading order
(``SOURCES``), read as UTF-8 and joined as they are. Nothing changes it when a notebook is
re-executed, and notebooks are not part of it, so it is the same on every machine that has
the same commit. ``fingerprint`` names the exact text the notebook's numbers belong to.
"""
import hashlib
from pathlib import Path

import numpy as np

import rnnlib
from rnnlib.checks import positive_int

SOURCES = ("README.md",) + tuple(f"rnnlib/{name}.py" for name in
                                 ("activations", "init", "rnn", "losses", "optim", "train",
                                  "gradcheck", "data", "checks"))


def repository_root():
    """The directory that holds ``rnnlib/`` and the README (found from rnnlib's own location)."""
    return Path(rnnlib.__file__).resolve().parents[1]


def course_text(root=None, sources=SOURCES):
    """The files ``sources`` (paths relative to ``root``, the repository by default), concatenated."""
    root = repository_root() if root is None else Path(root)
    missing = [s for s in sources if not (root / s).is_file()]
    if missing:
        raise ValueError(f"the corpus needs {', '.join(missing)} under {root}")
    return "".join((root / s).read_text(encoding="utf-8") for s in sources)


def fingerprint(text):
    """The first 12 hex digits of the text's SHA-256: equal fingerprints, equal corpora."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:12]


class Vocabulary:
    """The characters of a text, sorted; character <-> index <-> one-hot vector.

    chars : the sorted distinct characters; size : their number V.
    """

    def __init__(self, text):
        if not text:
            raise ValueError("a vocabulary needs a non-empty text")
        self.chars = "".join(sorted(set(text)))
        self.size = len(self.chars)
        self.index = {c: i for i, c in enumerate(self.chars)}

    def encode(self, text):
        """The indices of the characters of ``text``, an int array; unknown characters: ValueError."""
        unknown = sorted(set(text) - set(self.index))
        if unknown:
            raise ValueError(f"characters not in the vocabulary: {''.join(unknown)!r}")
        return np.array([self.index[c] for c in text], dtype=int)

    def decode(self, ids):
        """The text of a sequence of indices."""
        return "".join(self.chars[i] for i in np.asarray(ids, dtype=int).ravel())

    def one_hot(self, ids):
        """(..., V) float one-hot rows for an int array of indices (...)."""
        ids = np.asarray(ids, dtype=int)
        if ids.size and (ids.min() < 0 or ids.max() >= self.size):
            raise ValueError(f"indices must lie in 0..{self.size - 1}")
        return np.eye(self.size)[ids]

    def __repr__(self):
        return f"Vocabulary({self.size} characters)"


def split_ordered(ids, held_out=0.1):
    """(train, test): the first 1 - held_out of the sequence, then the rest (order kept, no shuffling)."""
    ids = np.asarray(ids)
    if not 0 < held_out < 1:
        raise ValueError(f"held_out must lie strictly between 0 and 1, got {held_out!r}")
    n = int(round(len(ids) * (1 - held_out)))
    if n < 2 or n >= len(ids):
        raise ValueError(f"a sequence of {len(ids)} characters is too short to split")
    return ids[:n], ids[n:]


def parallel_streams(ids, B):
    """Cut a sequence into B consecutive pieces read side by side: (inputs, targets), both (B, L).

    Stream b is ids[b L : (b+1) L] and its targets are the same characters shifted by one
    (the next character), L = (len(ids) - 1) // B; the few characters left over are dropped.
    """
    ids = np.asarray(ids, dtype=int)
    B = positive_int("B", B)
    L = (len(ids) - 1) // B
    if L < 1:
        raise ValueError(f"{len(ids)} characters cannot fill {B} streams")
    return ids[:B * L].reshape(B, L), ids[1:B * L + 1].reshape(B, L)
