"""Chapter support: what the notebooks use besides the core, one package per notebook.

Listing this package is the reading list after the core (``rnnlib``'s
activations, init, rnn, losses, optim, train, gradcheck, data):

    plotting, progress   figures and progress bars shared by every notebook
    stats                95 % intervals of success rates, medians that count failures, exact tests
    checking             how the exercise self-checks report (verdict, hints)
    ch01  explorer, exercises                  01 what an RNN computes
    ch02  bugs, gradflow, explorer, exercises  02 backpropagation through time
    ch03  adder, probe, explorer, exercises    03 the binary adder
    ch04  sweeps, explorer, exercises          04 init, activation, learning rate, hidden size
    ch05  sine, explorer, exercises            05 the sine wave
    ch06  tasks, experiments, mapping, explorer, exercises  06 long-range memory
    ch07  corpus, ngrams, training, sampling, units, explorer, exercises  07 a character-level language model

A later chapter may import an earlier one (notebook 04 trains the adders of
notebook 03); never the other way round. Every ``explorer`` keeps the logic
(a function that computes and draws one setting) apart from its ipywidgets
wiring, so the logic has unit tests and the notebook's static figure and its
widget draw the same thing.
"""
