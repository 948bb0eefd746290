"""PyTorch's ``nn.RNN`` + ``nn.Linear`` (the RNN overview's classifier) in rnnlib's letters, without torch.

PyTorch multiplies column vectors from the left, h_t = tanh(W_ih x_t + b_ih + W_hh h_{t-1} + b_hh),
out = fc.weight h_T + fc.bias; rnnlib multiplies row vectors from the right, u^t = x^t W_in +
z^{t-1} W + b. So

    W_in = weight_ih^T,  W = weight_hh^T,  b = bias_ih + bias_hh,  W_out = fc.weight^T,  c = fc.bias.

PyTorch's two biases always enter as a sum, so only their sum is a parameter of the function
(their gradients are equal, both dE/db). The arrays are NumPy arrays (``tensor.detach().numpy()``).
"""
import numpy as np

TORCH_NAMES = ("weight_ih", "weight_hh", "bias_ih", "bias_hh", "fc_weight", "fc_bias")


def from_torch(weight_ih, weight_hh, bias_ih, bias_hh, fc_weight, fc_bias):
    """rnnlib parameters {W_in, W, b, W_out, c} from the six PyTorch arrays (shapes (H, n_in), (H, H),
    (H,), (H,), (n_out, H), (n_out,)), as new arrays."""
    a = [np.array(x, dtype=float) for x in (weight_ih, weight_hh, bias_ih, bias_hh, fc_weight, fc_bias)]
    H = a[1].shape[0] if a[1].ndim == 2 else -1
    if a[1].shape != (H, H) or a[0].ndim != 2 or a[0].shape[0] != H or a[2].shape != (H,) or a[3].shape != (H,) \
            or a[4].ndim != 2 or a[4].shape[1] != H or a[5].shape != (a[4].shape[0],):
        raise ValueError("expected weight_ih (H, n_in), weight_hh (H, H), bias_ih (H,), bias_hh (H,), "
                         f"fc_weight (n_out, H), fc_bias (n_out,); got {[x.shape for x in a]}")
    return {"W_in": a[0].T.copy(), "W": a[1].T.copy(), "b": a[2] + a[3], "W_out": a[4].T.copy(), "c": a[5].copy()}


def to_torch(params):
    """The inverse of ``from_torch`` for one model's rnnlib params: a dict of the six PyTorch arrays
    (b is put in bias_ih, bias_hh is zero: any split with the same sum is the same network)."""
    return {"weight_ih": params["W_in"].T.copy(), "weight_hh": params["W"].T.copy(), "bias_ih": params["b"].copy(),
            "bias_hh": np.zeros_like(params["b"]), "fc_weight": params["W_out"].T.copy(), "fc_bias": params["c"].copy()}
