"""What a learner would write in PyTorch: torch.nn.RNN + Linear, autograd, SGD (CPU, float64).

Imported by ``bench.py`` only when torch is installed (it is not a course
dependency: ``.venv/bin/pip install torch==2.13.0`` installs a CPU build).
``n_models`` independent models are a Python loop over E networks, as
torch.nn.RNN has no model axis.
"""
import numpy as np
import torch

torch.set_num_threads(1)
torch.set_default_dtype(torch.float64)


class TorchAdder:
    """E independent tanh RNNs with a sigmoid output, trained by SGD on squared error."""

    def __init__(self, n_in, n_hidden, n_out, n_models=None, seed=0, lr=0.1):
        torch.manual_seed(seed)
        self.E = n_models
        self.nets = [(torch.nn.RNN(n_in, n_hidden, batch_first=True), torch.nn.Linear(n_hidden, n_out))
                     for _ in range(n_models or 1)]
        params = [p for rnn, lin in self.nets for p in (*rnn.parameters(), *lin.parameters())]
        self.opt = torch.optim.SGD(params, lr=lr)

    def data(self, X, D):
        """numpy (E?, B, T, n) -> a list of E (x, d) tensor pairs."""
        X, D = torch.from_numpy(np.ascontiguousarray(X)), torch.from_numpy(np.ascontiguousarray(D))
        return [(X, D)] if self.E is None else [(X[e], D[e]) for e in range(self.E)]

    def step(self, batches):
        """One step: forward, loss, backward (autograd), SGD; batches from ``data``."""
        self.opt.zero_grad()
        total = 0.0
        for (rnn, lin), (x, d) in zip(self.nets, batches):
            y = torch.sigmoid(lin(rnn(x)[0]))
            loss = 0.5 * ((y - d) ** 2).sum() / x.shape[0]
            loss.backward()
            total += loss.item()
        self.opt.step()
        return total
