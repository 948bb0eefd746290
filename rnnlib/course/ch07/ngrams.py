"""Character n-gram models with add-one (Laplace) smoothing: the baselines of notebook 07.

An n-gram model predicts a character from the n - 1 characters before it:

    P(c | context) = (count(context, c) + 1) / (count(context) + K)

counted on the training text, K the vocabulary size. n = 1 is the unigram model (no
context: character frequencies), n = 2 the bigram, n = 3 the trigram.
"""
import numpy as np

from rnnlib.checks import positive_int


def _keys(ids, n, K):
    """The n-grams ending at positions n-1 .. len-1 as integers sum_j ids[i-n+1+j] K^(n-1-j)."""
    ids = np.asarray(ids, dtype=np.int64)
    key = np.zeros(len(ids) - n + 1, dtype=np.int64)
    for j in range(n):
        key = key * K + ids[j:len(ids) - n + 1 + j]
    return key


class NGram:
    """An add-one smoothed character n-gram model counted on ``train`` (an int array, values < K)."""

    def __init__(self, train, n, K):
        self.n = positive_int("n", n)
        self.K = positive_int("K", K)
        train = np.asarray(train, dtype=np.int64)
        if len(train) < self.n:
            raise ValueError(f"a {n}-gram model needs at least {n} training characters")
        self.grams, self.gram_counts = np.unique(_keys(train, self.n, self.K), return_counts=True)
        # count(context) = sum_c count(context, c): the context as followed by some character
        ctx_of = self.grams // self.K
        self.contexts, inverse = np.unique(ctx_of, return_inverse=True)
        self.context_counts = np.bincount(inverse, weights=self.gram_counts).astype(np.int64)
        self.train_tail = train[len(train) - (self.n - 1):] if self.n > 1 else train[:0]

    @staticmethod
    def _lookup(table, counts, keys):
        pos = np.clip(np.searchsorted(table, keys), 0, max(len(table) - 1, 0))
        found = (table[pos] == keys) if len(table) else np.zeros(len(keys), bool)
        return np.where(found, counts[pos] if len(table) else 0, 0)

    def probabilities(self, test, context=None):
        """P(test[i] | the n - 1 characters before it), one per test character.

        context : the characters just before ``test`` (default: the end of the training text,
        which the test text continues); it must hold at least n - 1 characters.
        """
        test = np.asarray(test, dtype=np.int64)
        context = self.train_tail if context is None else np.asarray(context, dtype=np.int64)
        if len(context) < self.n - 1:
            raise ValueError(f"a {self.n}-gram model needs {self.n - 1} characters of context")
        full = np.concatenate([context[len(context) - (self.n - 1):] if self.n > 1 else context[:0], test])
        keys = _keys(full, self.n, self.K)
        joint = self._lookup(self.grams, self.gram_counts, keys)
        ctx = self._lookup(self.contexts, self.context_counts, keys // self.K)
        return (joint + 1.0) / (ctx + self.K)

    def context_counts_of(self, test, context=None):
        """count(context) for each test character's context of n - 1 characters (context as in
        ``probabilities``): how often the training text holds that context before some character."""
        test = np.asarray(test, dtype=np.int64)
        context = self.train_tail if context is None else np.asarray(context, dtype=np.int64)
        if len(context) < self.n - 1:
            raise ValueError(f"a {self.n}-gram model needs {self.n - 1} characters of context")
        full = np.concatenate([context[len(context) - (self.n - 1):] if self.n > 1 else context[:0], test])
        return self._lookup(self.contexts, self.context_counts, _keys(full, self.n, self.K) // self.K)

    def bits(self, test, context=None):
        """Bits per character on ``test``: the mean of -log2 P(c | context)."""
        return float(-np.mean(np.log2(self.probabilities(test, context))))


def perplexity(bits):
    """2 ** bits: the number of equally likely characters that would leave the same uncertainty."""
    return 2.0 ** np.asarray(bits, dtype=float)
