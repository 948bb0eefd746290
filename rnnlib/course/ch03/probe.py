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
