"""The output-derivative bug of the lecture code behind seed 001, for study.

The E-qualification exercise computes the output delta as
``(y - t) * d_sigmoid(y)``: it applies the sigmoid's derivative,
``sigmoid(a) (1 - sigmoid(a))``, to y, which is already the sigmoid output.
The true factor is ``sigmoid'(v) = y (1 - y)``. The buggy factor lies between
0.20 and 0.25 for every y in [0, 1], so it never vanishes when the output
saturates, and it is not the derivative of anything the network computes.

``LECTURE_SIGMOID`` is a sigmoid output activation with that wrong
derivative: set ``model.g = LECTURE_SIGMOID`` to train as the lecture did.
"""
from .activations import Activation, sigmoid


def _buggy_grad(v, y):
    s = sigmoid(y)  # the bug: sigmoid applied a second time
    return s * (1.0 - s)


LECTURE_SIGMOID = Activation("sigmoid with the lecture's d_sigmoid(y) bug", sigmoid, _buggy_grad)
