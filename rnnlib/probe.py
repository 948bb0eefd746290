"""Finding the carry in an adder's hidden state, and sums longer than 62 bits.

The carry out of bit t of a + b is c^t = 1 when a_t + b_t + c^{t-1} >= 2
(with c^0 = 0 before the first bit). A network that adds correctly must
carry this bit from one step to the next in its hidden state z^t, since the
sum bit of step t+1 is a_{t+1} XOR b_{t+1} XOR c^t. Two ways to look for it:

- ``unit_correlations``: the Pearson correlation of every hidden unit with
  the carry, over all time steps of many sums (one unit may track it);
- ``linear_probe``: a least-squares fit of the carry from all hidden units
  at once (a direction in hidden space may track it), tested on held-out sums.
"""
import numpy as np

from .checks import generator, positive_int


def carries(X):
    """Carry bits of the sums in X.

    X : (n, T, 2) operand bits, least significant first (as from ``binary_addition``).
    Returns (n, T) floats: entry t is the carry out of bit t (into bit t + 1).
    """
    X = np.asarray(X)
    if X.ndim != 3 or X.shape[-1] != 2:
        raise ValueError(f"X must have shape (n, T, 2), got {X.shape}")
    bits = X > 0.5
    carry = np.zeros(X.shape[0], dtype=bool)
    out = np.empty(X.shape[:2])
    for t in range(X.shape[1]):
        a, b = bits[:, t, 0], bits[:, t, 1]
        carry = (a & b) | (carry & (a ^ b))
        out[:, t] = carry
    return out


def sum_bits(X):
    """The exact sum bits (n, T, 1) of the operand bits X (n, T, 2), dropping the carry out of the last bit."""
    bits = np.asarray(X) > 0.5
    c_in = np.concatenate([np.zeros((bits.shape[0], 1), dtype=bool), carries(X)[:, :-1] > 0.5], axis=1)
    return (bits[..., 0] ^ bits[..., 1] ^ c_in).astype(float)[..., None]


def long_sums(n, n_bits, rng=0):
    """n random sums of n_bits-bit operands with a 0 top bit, built from bits
    directly (no integers), so n_bits may be 1,000.

    Same distribution as ``rnnlib.data.binary_addition`` (every bit below the
    top one a fair coin). Returns X (n, n_bits, 2) and Y (n, n_bits, 1).
    """
    positive_int("n_bits", n_bits)
    X = generator(rng).integers(0, 2, size=(n, n_bits, 2)).astype(float)
    X[:, -1, :] = 0.0
    return X, sum_bits(X)


def carry_chain(length, n_bits):
    """The sum (2**length - 1) + 1 as the network sees it: a carry that ripples
    through ``length`` bits. Returns X (1, n_bits, 2) and Y (1, n_bits, 1)."""
    if not 0 < length < n_bits:
        raise ValueError(f"length must be in [1, n_bits) = [1, {n_bits}), got {length!r}")
    X = np.zeros((1, n_bits, 2))
    X[0, :length, 0] = 1.0
    X[0, 0, 1] = 1.0
    return X, sum_bits(X)


def unit_correlations(Z, c):
    """Pearson correlation of every hidden unit with the carry.

    Z : (n, T, H) hidden states; c : (n, T) carries. Returns (H,) in [-1, 1]
    (0 for a unit that never changes).
    """
    Z = np.asarray(Z, dtype=float).reshape(-1, np.shape(Z)[-1])
    c = np.asarray(c, dtype=float).reshape(-1)
    if Z.shape[0] != c.size:
        raise ValueError(f"Z (n, T, H) and c (n, T) must share n and T, got {Z.shape} rows and {c.size} carries")
    Zc, cc = Z - Z.mean(axis=0), c - c.mean()
    denom = np.sqrt((Zc * Zc).sum(axis=0) * (cc * cc).sum())
    return np.divide(Zc.T @ cc, denom, out=np.zeros(Z.shape[1]), where=denom > 0)


class LinearProbe:
    """Least-squares fit c ~ z w + w0 of the carry from the hidden state.

    fit(Z, c) with Z (n, T, H), c (n, T); predict(Z) -> (n, T) scores;
    accuracy(Z, c) -> share of steps with (score > 0.5) == carry.
    ``w`` (H,) is the carry direction in hidden space.
    """

    def fit(self, Z, c):
        Z = np.asarray(Z, dtype=float)
        A = np.concatenate([Z.reshape(-1, Z.shape[-1]), np.ones((Z.shape[0] * Z.shape[1], 1))], axis=1)
        coef, *_ = np.linalg.lstsq(A, np.asarray(c, dtype=float).reshape(-1), rcond=None)
        self.w, self.w0 = coef[:-1], coef[-1]
        return self

    def predict(self, Z):
        return np.asarray(Z, dtype=float) @ self.w + self.w0

    def accuracy(self, Z, c):
        return float(np.mean((self.predict(Z) > 0.5) == (np.asarray(c) > 0.5)))
