"""rnnlib: a thin NumPy implementation of the simple (Elman) RNN for the course.

    from rnnlib import SimpleRNN, SGD
    from rnnlib.data import binary_addition, to_bits, from_bits
"""
from .losses import binary_cross_entropy, cross_entropy, last_step, squared_error
from .optim import SGD
from .rnn import SimpleRNN
from .train import History, train

__all__ = ["SimpleRNN", "SGD", "train", "History", "squared_error", "binary_cross_entropy", "cross_entropy",
           "last_step"]
