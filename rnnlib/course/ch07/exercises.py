"""Self-checks for the exercises of notebook 07 (a character-level language model).

Each check prints 'Correct.' or 'Not yet: <hint>' and returns True or False.
"""
import numpy as np

from rnnlib.course.checking import call, missing, verdict


def check_uniform(bits, perplexity, K):
    """Exercise 1. Bits per character and perplexity of the model that gives each of K characters
    the same probability."""
    if (m := missing(bits)) is not None or (m := missing(perplexity)) is not None:
        return m
    ok = np.isclose(float(bits), np.log2(K), atol=5e-3) and np.isclose(float(perplexity), K, atol=5e-2)
    return verdict(ok, "every character gets probability 1/K; bits are -log2 of that, and the "
                       "perplexity is 2 to the power of the bits")


def check_temperature(with_temperature):
    """Exercise 2. ``with_temperature(p, tau)``: the distribution at temperature tau from the
    probabilities p = softmax(v) (not from the logits v), for tau > 0."""
    if (m := missing(with_temperature)) is not None:
        return m
    rng = np.random.default_rng(7)
    ok = True
    for tau in (0.5, 1.0, 2.0, 0.25):
        v = rng.normal(size=6) * 2
        p = np.exp(v - v.max())
        p /= p.sum()
        want = np.exp(v / tau - (v / tau).max())
        want /= want.sum()
        got, fail = call(with_temperature, p.copy(), tau)
        if fail is not None:
            return fail
        try:
            ok &= bool(np.allclose(np.asarray(got, dtype=float), want, rtol=1e-6, atol=1e-12))
        except (TypeError, ValueError):
            return verdict(False, "return an array of the same shape as p")
    return verdict(ok, "softmax(v / tau) is proportional to exp(v)^(1/tau), and exp(v) is proportional "
                       "to p: raise p to the power 1/tau, then make it sum to 1")


def check_bigram(bigram_probability):
    """Exercise 3. ``bigram_probability(counts, a, b)``: the add-one bigram P(b | a) from the
    (K, K) matrix counts[a, b] = how often b followed a in the training text."""
    if (m := missing(bigram_probability)) is not None:
        return m
    counts = np.array([[0, 3, 1], [2, 0, 0], [5, 5, 0]])
    ok = True
    for a, b in [(0, 1), (1, 2), (2, 0), (0, 0)]:
        got, fail = call(bigram_probability, counts.copy(), a, b)
        if fail is not None:
            return fail
        ok &= bool(np.isclose(float(got), (counts[a, b] + 1) / (counts[a].sum() + 3)))
    return verdict(ok, "add 1 to the count of the pair (a, b), and add K (one for every possible b) "
                       "to the number of times a was followed by anything")


def check_trigram_table(n_probabilities, K):
    """Exercise 4. How many probabilities a trigram table over K characters holds."""
    if (m := missing(n_probabilities)) is not None:
        return m
    return verdict(int(n_probabilities) in (K ** 3, K ** 2 * (K - 1)),
                   "a probability for every next character c after every context of two characters")
