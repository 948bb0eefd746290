"""Notebook 03 (the binary adder): the carry probe, the adder tutorial's bug, watched training, explorer, exercises,
the hand-wired adder, held-out pairs, per-bit accuracy, truncated training."""
import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from rnnlib import SimpleRNN, squared_error  # noqa: E402
from rnnlib.data import addition_pairs, binary_addition, from_bits  # noqa: E402
from rnnlib.course.ch03 import exercises as ex  # noqa: E402
from rnnlib.course.ch03 import nudge  # noqa: E402
from rnnlib.course.ch03.adder import (RECIPE, TUTORIAL, FirstStepOutputGrad, log_lines, steps_to_solve,  # noqa: E402
                                      train_adders)
from rnnlib.course.ch03 import explorer as ch03  # noqa: E402
from rnnlib.course.ch03.adder import chunked_accuracy, exact_accuracy  # noqa: E402
from rnnlib.course.ch03.probe import LinearProbe, unit_correlations  # noqa: E402
from rnnlib.data import carries, carry_chain, long_sums, sum_bits  # noqa: E402


# ---------------------------------------------------------------------------------- probe
def test_carries_match_integer_arithmetic():
    rng = np.random.default_rng(0)
    a, b = rng.integers(0, 128, (2, 300))
    X, Y = addition_pairs(a, b, 8)
    c = carries(X)
    for t in range(8):
        low = 2 ** (t + 1)   # carry out of bit t <=> the low t+1 bits overflow
        np.testing.assert_array_equal(c[:, t], ((a % low) + (b % low)) >= low)
    np.testing.assert_array_equal(sum_bits(X), Y)


def test_carries_rejects_bad_shapes():
    with pytest.raises(ValueError, match=r"\(n, T, 2\)"):
        carries(np.zeros((3, 8)))


def test_long_sums_are_sums_and_have_a_zero_top_bit():
    X, Y = long_sums(50, 30, rng=1)
    assert X.shape == (50, 30, 2) and Y.shape == (50, 30, 1)
    assert np.all(X[:, -1] == 0)
    a, b = from_bits(X[..., 0]), from_bits(X[..., 1])
    np.testing.assert_array_equal(from_bits(Y[..., 0]), a + b)
    assert long_sums(2, 1000, rng=0)[0].shape == (2, 1000, 2)
    with pytest.raises(ValueError, match="n_bits"):
        long_sums(2, 0)


def test_carry_chain_is_2_to_the_L_minus_1_plus_1():
    X, Y = carry_chain(5, 8)
    assert from_bits(X[0, :, 0]) == 31 and from_bits(X[0, :, 1]) == 1 and from_bits(Y[0, :, 0]) == 32
    assert carries(X)[0].tolist() == [1, 1, 1, 1, 1, 0, 0, 0]
    with pytest.raises(ValueError, match="length"):
        carry_chain(8, 8)


def test_unit_correlations():
    rng = np.random.default_rng(2)
    c = rng.integers(0, 2, (40, 8)).astype(float)
    Z = np.stack([2 * c - 1, np.ones_like(c), rng.standard_normal(c.shape), 1 - c], axis=-1)
    r = unit_correlations(Z, c)
    assert r.shape == (4,)
    assert r[0] == pytest.approx(1.0) and r[1] == 0.0 and abs(r[2]) < 0.3 and r[3] == pytest.approx(-1.0)
    with pytest.raises(ValueError, match="share"):
        unit_correlations(Z[:10], c)


def test_linear_probe_finds_a_direction():
    rng = np.random.default_rng(3)
    c = rng.integers(0, 2, (100, 8)).astype(float)
    mix = rng.standard_normal((3, 5))
    Z = np.stack([c, rng.standard_normal(c.shape), rng.standard_normal(c.shape)], axis=-1) @ mix
    probe = LinearProbe().fit(Z[:50], c[:50])
    assert probe.w.shape == (5,)
    assert probe.accuracy(Z[50:], c[50:]) == 1.0
    assert np.allclose(probe.predict(Z[50:]), c[50:])


# ------------------------------------------------------------------------ seed 003's bug
@pytest.mark.parametrize("n_models", [None, 3])
def test_first_step_output_grad_keeps_only_step_one_for_W_out_and_c(n_models):
    X, Y = binary_addition(4, 8, rng=5)
    kw = dict(activation="tanh", init="xavier", seed=0, n_models=n_models)
    right, buggy, first = SimpleRNN(2, 6, 1, **kw), FirstStepOutputGrad(2, 6, 1, **kw), SimpleRNN(2, 6, 1, **kw)
    _, dY = squared_error(right.forward(X), Y)
    right.backward(dY)
    buggy.forward(X)
    buggy.backward(dY)
    first.forward(X)
    first.backward(np.where(np.arange(8)[:, None] == 0, dY, 0.0))
    for k in ("W_out", "c"):
        np.testing.assert_allclose(buggy.grads[k], first.grads[k], atol=1e-12)
        assert not np.allclose(buggy.grads[k], right.grads[k])
    for k in ("W_in", "W", "b"):
        np.testing.assert_allclose(buggy.grads[k], right.grads[k], atol=1e-12)


# ---------------------------------------------------------------------- watched training
def test_watching_changes_nothing_and_records_the_predicted_sums():
    setup = TUTORIAL.but(steps=120, n_hidden=8)
    h1 = train_adders(setup, [0, 1], eval_every=40).history
    run = train_adders(setup, [0, 1], eval_every=40, watch=([13, 100], [33, 27]))
    np.testing.assert_array_equal(h1.loss, run.history.loss)
    np.testing.assert_array_equal(h1.evals["accuracy"], run.history.evals["accuracy"])
    assert run.watched.shape == (4, 2, 2) and run.watched.dtype.kind == "i"
    X, _ = addition_pairs(np.array([13, 100]), np.array([33, 27]), 8)
    np.testing.assert_array_equal(run.watched[-1], from_bits(run.model.forward(X)[..., 0]))
    lines = log_lines(run.history, run.watched, [13, 100], [33, 27], model=1, every=40)
    assert len(lines) == 8 and lines[0].startswith("step     0  ")
    assert all((" Success : " in ln) or (" Failure : " in ln) for ln in lines)
    assert train_adders(setup.but(steps=5), [0]).watched is None
    with pytest.raises(ValueError, match="unknown loss"):
        TUTORIAL.but(loss="hinge")


def test_nudged_moves_every_nonzero_initial_weight_by_one_ulp():
    plain = SimpleRNN(2, 5, 1, seed=[0, 1], n_models=2, bias=True)
    for direction in (+1, -1):
        cls = nudge.nudged(SimpleRNN, direction)
        assert issubclass(cls, SimpleRNN) and cls.__name__ == f"SimpleRNNNudged{direction:+d}"
        moved = cls(2, 5, 1, seed=[0, 1], n_models=2, bias=True)
        for k, p in plain.params.items():
            q = moved.params[k]
            np.testing.assert_array_equal(q, np.where(p != 0, np.nextafter(p, direction * np.inf), 0.0))
            assert np.all((q != p) == (p != 0))              # biases start at 0 and stay 0
    assert nudge.nudged(FirstStepOutputGrad, 1).__mro__[1] is FirstStepOutputGrad
    assert nudge.nudged(SimpleRNN, 0) is SimpleRNN
    with pytest.raises(ValueError, match="direction"):
        nudge.nudged(SimpleRNN, 2)


def test_a_nudge_changes_only_the_start():
    setup = RECIPE.but(steps=30)
    h0 = train_adders(setup, [0, 1], eval_every=10).history
    h1 = train_adders(setup, [0, 1], eval_every=10, model_class=nudge.nudged(SimpleRNN, 0)).history
    np.testing.assert_array_equal(h0.loss, h1.loss)
    h2 = train_adders(setup, [0, 1], eval_every=10, model_class=nudge.nudged(SimpleRNN, -1)).history
    assert not np.array_equal(h0.loss, h2.loss) and np.allclose(h0.loss, h2.loss, rtol=1e-6)


def test_explorer_default_claim_holds_on_a_second_data_stream():
    # notebook 03, section 7: the default solves all five seeds within a median of 200 steps
    for data_seed in (2024, 2025):
        _, s = ch03.explore(data_seed=data_seed)
        assert s["solved"] == 5 and s["median_steps"] <= 200, (data_seed, s)


def test_log_lines_say_success_only_for_right_sums():
    class H:
        eval_steps = np.array([0, 500])
    watched = np.array([[[46, 0]], [[46, 128]]])  # (evals, models, sums)
    lines = log_lines(H, watched, [13, 127], [33, 1])
    assert lines == ["step     0  Success : 13 + 33 = 46", "step     0  Failure : 127 + 1 = 0",
                     "step   500  Success : 13 + 33 = 46", "step   500  Success : 127 + 1 = 128"]


def test_chunked_accuracy_equals_exact_accuracy():
    model = SimpleRNN(2, 5, 1, seed=0, n_models=2)
    X, Y = binary_addition(300, 8, rng=1)
    np.testing.assert_allclose(chunked_accuracy(model, X, Y, chunk=64), exact_accuracy(model.forward(X), Y))


# ----------------------------------------------------------------------------- explorer
def test_explore_default_solves_and_is_remembered():
    h, s = ch03.explore(ch03.START.but(steps=200), seeds=range(2))
    assert s["seeds"] == 2 and s["solved"] == 2
    calls = []
    h2, _ = ch03.explore(ch03.START.but(steps=200), seeds=range(2), progress=lambda *a: calls.append(a))
    assert h2 is h and calls == []           # same setting: recalled, not retrained


def test_explore_reports_progress_and_handles_every_choice():
    calls = []
    setup = ch03.START.but(lr=0.1, init="orthogonal", activation="relu", n_hidden=4, batch_size=2, steps=40)
    h, s = ch03.explore(setup, seeds=[7], progress=lambda step, steps, ev: calls.append(step))
    assert h.steps == 40 and calls[0] == 0 and calls[-1] == 40
    assert 0 <= s["solve_rate"] <= 1


def test_draw_explorer_draws_two_panels():
    fig, s = ch03.draw_explorer(ch03.START.but(steps=200), seeds=range(2))
    assert len(fig.axes) == 2 and "2/2 seeds" in fig._suptitle.get_text()
    plt.close(fig)
    fig, s = ch03.draw_explorer(ch03.START.but(lr=0.01, steps=100), seeds=range(2))   # too slow to solve: still drawn
    assert s["solved"] == 0 and "0/2 seeds" in fig._suptitle.get_text()
    plt.close(fig)


def test_explorer_widget_has_the_six_controls():
    import ipywidgets as widgets

    box = ch03.explorer_widget(seeds=range(2))
    controls = {}

    def walk(w):
        if isinstance(w, widgets.Box):
            for child in w.children:
                walk(child)
        elif getattr(w, "description", "") and not isinstance(w, widgets.IntProgress):
            controls[w.description] = w

    walk(box)
    assert set(controls) == {"learning rate", "init", "f", "hidden H", "batch size", "steps"}
    assert controls["learning rate"].value == ch03.START.lr
    assert all(not getattr(w, "continuous_update", False) for w in controls.values())


# ---------------------------------------------------------------------------- exercises
def test_exercise_checks(capsys):
    X = addition_pairs(np.array([27]), np.array([100]), 8)[0][0]
    assert ex.check_encoding(X) and not ex.check_encoding(X[::-1]) and not ex.check_encoding(None)
    assert not ex.check_encoding(X[:, ::-1])
    assert not ex.check_encoding(np.zeros((2, 8)))
    assert "most significant first" in capsys.readouterr().out

    def carry_bits(a, b, n_bits):
        out, c = [], 0
        for t in range(n_bits):
            c = int(((a >> t) & 1) + ((b >> t) & 1) + c >= 2)
            out.append(c)
        return out

    assert ex.check_carry_function(carry_bits)
    assert not ex.check_carry_function(lambda a, b, n: [0] * n)
    assert not ex.check_carry_function(lambda a, b, n: 1 / 0)
    assert ex.check_msb_first_step(8) and not ex.check_msb_first_step(1)
    assert ex.check_longest_chain(7.3) and not ex.check_longest_chain(5) and not ex.check_longest_chain(8)
    assert not ex.check_longest_chain("many")
    assert not ex.check_longest_chain(None)


def test_nudge_study_counts_from_the_runs_it_trains():
    setup = RECIPE.but(steps=60)
    study = nudge.nudge_study(setup, (2024, 2025), seeds=[0, 1], eval_every=20)
    assert study.runs == 2 * 3 * 2 and study.nudged == 2 * 2 * 2
    assert 0 <= study.moved <= study.nudged and 0 <= study.not_exact <= study.runs
    # recount by hand from the same runs
    solve, not_exact = {}, 0
    for d in (2024, 2025):
        for n in (0, 1, -1):
            h = train_adders(setup, [0, 1], eval_every=20, data_seed=d, model_class=nudge.nudged(SimpleRNN, n)).history
            solve[d, n] = steps_to_solve(h)
            not_exact += int(np.sum(np.ma.filled(h.evals["accuracy"][-1], 0.0) != 1.0))
    assert study.not_exact == not_exact
    assert study.moved == sum(int(np.sum(solve[d, n] != solve[d, 0])) for d in (2024, 2025) for n in (1, -1))
    with pytest.raises(ValueError, match="start with 0"):
        nudge.nudge_study(setup, (2024,), nudges=(1, -1))


# ------------------------------------------------------- hand-wired adder, held-out pairs, per-bit, truncate
from rnnlib.course.ch03.adder import (LECTURE, bit_accuracy_by_position, hand_wired_adder,  # noqa: E402
                                      held_out_batches, hold_out, pairs_of, per_bit_evaluate, seen_pairs)
from rnnlib.data import adder_batches, adder_test_set  # noqa: E402


def test_hand_wired_adder_is_exact_and_its_unit_2_is_the_carry():
    hand = hand_wired_adder()
    a, b = np.meshgrid(np.arange(128), np.arange(128))
    X, Y = addition_pairs(a.ravel(), b.ravel(), 8)
    assert chunked_accuracy(hand, X, Y) == 1.0
    hand.forward(X)
    np.testing.assert_array_equal(hand.hidden[..., 1] > 0.5, carries(X) > 0.5)
    Xc, Yc = carry_chain(300, 301)
    assert chunked_accuracy(hand, Xc, Yc) == 1.0
    assert chunked_accuracy(hand_wired_adder(sharpness=0.5), X, Y) < 1.0     # blunt sigmoids are not steps


def test_held_out_batches_never_draw_an_excluded_pair_and_keep_the_shapes():
    mask = hold_out(0.25, seed=1)
    assert mask.shape == (128, 128) and mask.sum() == 4096
    stream = held_out_batches(8, mask, rng=3, n_models=4)
    for _ in range(50):
        X, Y = next(stream)
        assert X.shape == (4, 8, 8, 2) and Y.shape == (4, 8, 8, 1)
        a, b = from_bits(X[..., 0]), from_bits(X[..., 1])
        assert not mask[a, b].any()
        np.testing.assert_array_equal(from_bits(Y[..., 0]), a + b)
    a, b = pairs_of(mask)
    assert mask[a, b].all() and len(a) == 4096


def test_held_out_batches_reject_bad_masks():
    with pytest.raises(ValueError, match="shape"):
        next(held_out_batches(8, np.zeros((64, 64), dtype=bool)))
    with pytest.raises(ValueError, match="no operand pair"):
        next(held_out_batches(8, np.ones((128, 128), dtype=bool)))
    with pytest.raises(ValueError, match="fraction"):
        hold_out(1.5)


def test_seen_pairs_matches_the_training_stream_and_respects_exclude():
    setup = RECIPE.but(steps=30)
    seen = seen_pairs(setup, [0, 1], data_seed=5)
    want = np.zeros_like(seen)
    for _, (X, _) in zip(range(30), adder_batches(8, 8, 5, 2)):
        for e in range(2):
            want[e, from_bits(X[e, ..., 0]), from_bits(X[e, ..., 1])] = True
    np.testing.assert_array_equal(seen, want)
    mask = hold_out(0.5, seed=2)
    assert not (seen_pairs(setup, [0, 1], data_seed=5, exclude=mask) & mask).any()


def test_train_adders_exclude_none_and_truncate_none_change_nothing():
    a = train_adders(RECIPE.but(steps=20), [0, 1], eval_every=10, data_seed=7)
    b = train_adders(RECIPE.but(steps=20), [0, 1], eval_every=10, data_seed=7, truncate=None, exclude=None)
    for k in a.model.params:
        np.testing.assert_array_equal(a.model.params[k], b.model.params[k])
    c = train_adders(RECIPE.but(steps=20), [0, 1], eval_every=10, data_seed=7, truncate=1)
    assert not np.array_equal(a.model.params["W"], c.model.params["W"])
    big = train_adders(RECIPE.but(steps=20), [0, 1], eval_every=10, data_seed=7, truncate=8)   # k >= T: full BPTT
    for k in a.model.params:
        np.testing.assert_allclose(a.model.params[k], big.model.params[k], rtol=1e-10, atol=1e-12)


def test_training_loop_written_out_equals_train_adders():
    from rnnlib import SGD
    model = SimpleRNN(2, 16, 1, activation="sigmoid", init="normal", bias=False, seed=0)
    sgd, stream = SGD(0.1), adder_batches(1, 8, 11)
    for _ in range(30):
        X, D = next(stream)
        _, dY = squared_error(model.forward(X), D)
        model.backward(dY)
        sgd.step(model.params, model.grads)
    same = train_adders(LECTURE.but(steps=30), [0], data_seed=11).model
    for k in model.params:
        np.testing.assert_allclose(model.params[k], same.params[k][0], rtol=1e-12, atol=1e-14)


def test_per_bit_accuracy_by_position():
    X, Y = adder_test_set(64)
    hand = hand_wired_adder()
    np.testing.assert_array_equal(bit_accuracy_by_position(hand, X, Y), np.ones(8))
    m = SimpleRNN(2, 4, 1, seed=[0, 1], n_models=2)
    acc = bit_accuracy_by_position(m, X, Y, chunk=10)
    want = ((m.forward(X) > 0.5) == (Y > 0.5)).mean(axis=1)[..., 0]
    np.testing.assert_allclose(acc, want)
    row = per_bit_evaluate(X, Y)(m)
    assert sorted(row) == [f"bit {t}" for t in range(8)] and row["bit 3"].shape == (2,)
