"""The RNN overview's classifier (nn.RNN, then nn.Linear on the last step) is rnnlib's many-to-one
SimpleRNN with W_in = weight_ih^T, W = weight_hh^T, b = bias_ih + bias_hh: identical outputs and
gradients. Runs only where torch is installed (it is not a course dependency)."""
import numpy as np
import pytest

torch = pytest.importorskip("torch", reason="torch is not installed (not a course dependency); "
                                            "this test proves the nn.RNN mapping where it is")

from rnnlib import SimpleRNN  # noqa: E402
from rnnlib.course.ch06.mapping import from_torch  # noqa: E402


@pytest.mark.parametrize("nonlinearity", ["tanh", "relu"])
def test_nn_rnn_plus_linear_is_rnnlib_many_to_one(nonlinearity):
    torch.manual_seed(0)
    n_in, H, n_out, B, T = 3, 5, 2, 4, 7
    rnn = torch.nn.RNN(n_in, H, nonlinearity=nonlinearity).double()      # time-first, as in the overview
    fc = torch.nn.Linear(H, n_out).double()
    X = np.random.default_rng(1).standard_normal((B, T, n_in))
    G = np.random.default_rng(2).standard_normal((B, n_out))           # an arbitrary dE/d(output)

    x = torch.tensor(X.transpose(1, 0, 2), requires_grad=True)          # (T, B, n_in)
    output, _ = rnn(x, torch.zeros(1, B, H, dtype=torch.float64))
    out = fc(output[-1])                                                # the last step only
    (out * torch.tensor(G)).sum().backward()

    params = from_torch(rnn.weight_ih_l0.detach().numpy(), rnn.weight_hh_l0.detach().numpy(),
                        rnn.bias_ih_l0.detach().numpy(), rnn.bias_hh_l0.detach().numpy(),
                        fc.weight.detach().numpy(), fc.bias.detach().numpy())
    model = SimpleRNN(n_in, H, n_out, activation=nonlinearity, output_activation="identity")
    for k, v in params.items():
        model.params[k][...] = v
    Y = model.forward(X)
    assert np.allclose(Y[:, -1], out.detach().numpy(), rtol=0, atol=1e-12)

    dY = np.zeros_like(Y)
    dY[:, -1] = G
    dX = model.backward(dY)
    g = model.grads
    assert np.allclose(g["W_in"], rnn.weight_ih_l0.grad.numpy().T, atol=1e-12)
    assert np.allclose(g["W"], rnn.weight_hh_l0.grad.numpy().T, atol=1e-12)
    assert np.allclose(g["b"], rnn.bias_ih_l0.grad.numpy(), atol=1e-12)
    assert np.allclose(g["b"], rnn.bias_hh_l0.grad.numpy(), atol=1e-12)   # both biases get dE/db
    assert np.allclose(g["W_out"], fc.weight.grad.numpy().T, atol=1e-12)
    assert np.allclose(g["c"], fc.bias.grad.numpy(), atol=1e-12)
    assert np.allclose(dX, x.grad.numpy().transpose(1, 0, 2), atol=1e-12)   # and dE/dX
