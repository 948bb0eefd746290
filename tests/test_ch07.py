"""Notebook 07: the corpus, the n-gram baselines, Adagrad, training on a stream, held-out bits,
sampling with a temperature, the unit features and correlations, the explorer and the exercise checks."""
import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from rnnlib import SGD  # noqa: E402
from rnnlib.course.ch07 import corpus, ngrams, sampling, training, units  # noqa: E402
from rnnlib.course.ch07 import exercises as ex  # noqa: E402
from rnnlib.course.ch07 import explorer  # noqa: E402


@pytest.fixture(scope="module")
def small():
    """A short text, its vocabulary and a tiny trained-for-a-moment model."""
    text = "the cat (sat) on the mat.\n  the dog (ran) to the cat.\n" * 6
    vocab = corpus.Vocabulary(text)
    model = training.char_model(vocab.size, 8, seed=0)
    return text, vocab, model


# ---------------------------------------------------------------- corpus
def test_course_text_is_the_sources_in_order():
    text = corpus.course_text()
    root = corpus.repository_root()
    assert text == "".join((root / s).read_text(encoding="utf-8") for s in corpus.SOURCES)
    assert corpus.SOURCES[0] == "README.md" and not any(s.endswith(".ipynb") for s in corpus.SOURCES)
    assert corpus.fingerprint(text) == corpus.fingerprint(corpus.course_text())
    assert len(corpus.fingerprint(text)) == 12 and corpus.fingerprint(text) != corpus.fingerprint(text + " ")


def test_course_text_names_a_missing_file(tmp_path):
    with pytest.raises(ValueError, match="README.md"):
        corpus.course_text(tmp_path)
    (tmp_path / "a.txt").write_text("ab")
    (tmp_path / "b.txt").write_text("cd")
    assert corpus.course_text(tmp_path, ("b.txt", "a.txt")) == "cdab"


def test_vocabulary_round_trip_and_one_hot():
    v = corpus.Vocabulary("banana\n")
    assert v.chars == "\nabn" and v.size == 4
    ids = v.encode("nab\n")
    assert ids.tolist() == [3, 1, 2, 0] and v.decode(ids) == "nab\n"
    X = v.one_hot(ids)
    assert X.shape == (4, 4) and np.array_equal(X.argmax(axis=1), ids) and np.all(X.sum(axis=1) == 1)
    with pytest.raises(ValueError, match="not in the vocabulary"):
        v.encode("bandana!")
    with pytest.raises(ValueError):
        v.one_hot([4])
    with pytest.raises(ValueError):
        corpus.Vocabulary("")


def test_split_keeps_order_and_streams_shift_by_one():
    ids = np.arange(100)
    tr, te = corpus.split_ordered(ids, 0.1)
    assert tr.tolist() == list(range(90)) and te.tolist() == list(range(90, 100))
    X, D = corpus.parallel_streams(np.arange(23), 4)
    assert X.shape == D.shape == (4, 5)
    assert X[1].tolist() == [5, 6, 7, 8, 9] and np.array_equal(D, X + 1)
    with pytest.raises(ValueError):
        corpus.split_ordered(ids, 1.5)
    with pytest.raises(ValueError):
        corpus.parallel_streams(np.arange(3), 5)


# ---------------------------------------------------------------- n-grams
def brute_force(train, test, n, K):
    context = list(train[len(train) - (n - 1):]) if n > 1 else []
    full = context + list(test)
    grams = [tuple(train[i - n + 1:i + 1]) for i in range(n - 1, len(train))]
    out = []
    for i in range(n - 1, len(full)):
        g = tuple(full[i - n + 1:i + 1])
        joint = sum(x == g for x in grams)
        ctx = sum(x[:-1] == g[:-1] for x in grams)
        out.append((joint + 1) / (ctx + K))
    return np.array(out)


@pytest.mark.parametrize("n", [1, 2, 3, 4])
def test_ngram_matches_counting_by_hand(n):
    rng = np.random.default_rng(n)
    train, test = rng.integers(0, 5, 60), rng.integers(0, 5, 15)
    model = ngrams.NGram(train, n, 5)
    assert np.allclose(model.probabilities(test), brute_force(train, test, n, 5))
    assert model.bits(test) == pytest.approx(-np.mean(np.log2(brute_force(train, test, n, 5))))


def test_context_counts_are_the_counts_of_the_preceding_characters():
    rng = np.random.default_rng(9)
    train, test = rng.integers(0, 4, 80), rng.integers(0, 4, 12)
    for n in (1, 2, 3):
        full = list(train[len(train) - (n - 1):]) + list(test) if n > 1 else list(test)
        ctxs = [tuple(train[i - n + 1:i]) for i in range(n - 1, len(train))]
        want = [sum(c == tuple(full[i - n + 1:i]) for c in ctxs) for i in range(n - 1, len(full))]
        assert ngrams.NGram(train, n, 4).context_counts_of(test).tolist() == want


def test_ngram_distributions_sum_to_one_and_unigram_is_frequency():
    train = np.array([0, 1, 1, 2, 1, 0, 2, 2, 2])
    for n in (1, 2, 3):
        m = ngrams.NGram(train, n, 4)
        ctx = train[-(n - 1):] if n > 1 else train[:0]
        total = sum(m.probabilities([c], ctx)[0] for c in range(4))
        assert total == pytest.approx(1.0)
    uni = ngrams.NGram(train, 1, 4)
    assert uni.probabilities([1])[0] == pytest.approx((3 + 1) / (9 + 4))
    assert ngrams.perplexity(2.0) == 4.0
    with pytest.raises(ValueError):
        ngrams.NGram(train, 3, 4).probabilities([1], context=[0])


# ---------------------------------------------------------------- Adagrad
def test_adagrad_is_min_char_rnns_rule():
    p = {"w": np.array([1.0, -2.0]), "b": np.array([0.5])}
    g1 = {"w": np.array([0.3, -0.1]), "b": np.array([2.0])}
    g2 = {"w": np.array([-0.2, 0.4]), "b": np.array([1.0])}
    opt = training.Adagrad(lr=0.1, eps=1e-8)
    opt.step(p, g1)
    opt.step(p, g2)
    for k, start in (("w", np.array([1.0, -2.0])), ("b", np.array([0.5]))):
        m1 = g1[k] ** 2
        m2 = m1 + g2[k] ** 2
        want = start - 0.1 * g1[k] / np.sqrt(m1 + 1e-8) - 0.1 * g2[k] / np.sqrt(m2 + 1e-8)
        assert np.allclose(p[k], want)


def test_adagrad_clips_each_model_on_its_own():
    p = {"w": np.zeros((2, 3)), "b": np.zeros((2, 1))}
    g = {"w": np.array([[3.0, 4.0, 0.0], [0.3, 0.4, 0.0]]), "b": np.zeros((2, 1))}
    opt = training.Adagrad(lr=1.0, eps=1e-300, clip=1.0)
    opt.step(p, {k: v.copy() for k, v in g.items()})
    assert np.allclose(opt.memory["w"][0], (g["w"][0] / 5.0) ** 2)      # model 0 clipped to norm 1
    assert np.allclose(opt.memory["w"][1], g["w"][1] ** 2)              # model 1 (norm 0.5) untouched
    with pytest.raises(ValueError):
        training.Adagrad(lr=0)
    with pytest.raises(ValueError):
        training.Adagrad(clip=-1)


def test_training_on_a_stream_lowers_held_out_bits(small):
    text, vocab, _ = small
    ids = vocab.encode(text)
    tr, te = corpus.split_ordered(ids, 0.2)
    model = training.char_model(vocab.size, 16, seed=0, n_models=2)
    before = training.held_out_bits(model, ids, len(tr), warm=10, chunks=2)
    hist = training.train_chars(model, tr, 4, 8, training.Adagrad(0.1, clip=5.0), epochs=15,
                                evaluate=lambda m: {"bits": training.held_out_bits(m, ids, len(tr), warm=10, chunks=2)},
                                eval_every=20)
    after = training.held_out_bits(model, ids, len(tr), warm=10, chunks=2)
    assert before.shape == after.shape == (2,)
    assert np.all(np.abs(before - np.log2(vocab.size)) < 0.5)
    assert np.all(after < before - 1.0)
    assert np.allclose(hist.evals["bits"][-1], after)


def test_held_out_probabilities_match_a_forward_pass(small):
    text, vocab, model = small
    ids = vocab.encode(text)
    p, stop = training.held_out_probabilities(model, ids, 100, warm=20, chunks=3)
    L = (len(ids) - 100) // 3
    assert stop == 100 + 3 * L and p.shape == (3 * L,)
    # piece 1 by hand: read ids[100 + L - 20 - 1 : 100 + 2L - 1] from a zero state
    b = 100 + L
    Y = model.forward(vocab.one_hot(ids[b - 21:b + L - 1])[None])[0]
    want = Y[np.arange(20, 20 + L), ids[b:b + L]]
    assert np.allclose(p[L:2 * L], want)
    with pytest.raises(ValueError):
        training.held_out_bits(model, ids, 5, warm=20)


def test_evaluating_leaves_the_model_untouched(small):
    text, vocab, model = small
    ids = vocab.encode(text)
    X = vocab.one_hot(ids[:20])[None]
    model.forward(X)
    before = model.last_forward()
    training.held_out_bits(model, ids, 100, warm=20, chunks=3)
    after = model.last_forward()
    assert all(np.array_equal(a, b) for a, b in zip(before, after))
    twin = training.copy_of(model)
    twin.params["W"][...] = 0
    assert not np.allclose(model.params["W"], 0)


def test_member_is_a_copy_of_one_model():
    ens = training.char_model(6, 5, seed=3, n_models=2)
    one = training.member(ens, 1)
    solo = training.char_model(6, 5, seed=4)
    X = np.eye(6)[np.array([[0, 3, 2, 5]])]
    assert np.allclose(one.forward(X), solo.forward(X))
    one.params["W"][...] = 0
    assert not np.allclose(ens.params["W"][1], 0)
    with pytest.raises(ValueError):
        training.member(ens, 2)
    with pytest.raises(ValueError):
        training.member(solo, 0)


# ---------------------------------------------------------------- sampling
def test_temperature():
    v = np.array([1.0, 2.0, 0.5])
    p1 = sampling.with_temperature(v, 1.0)
    assert np.allclose(p1, np.exp(v) / np.exp(v).sum())
    cold, hot = sampling.with_temperature(v, 0.5), sampling.with_temperature(v, 3.0)
    assert cold[1] > p1[1] > hot[1] and np.allclose(cold, p1 ** 2 / np.sum(p1 ** 2))
    assert sampling.with_temperature(v, 0).tolist() == [0.0, 1.0, 0.0]
    assert np.all(np.isfinite(sampling.with_temperature(np.array([1e4, -1e4, 0.0]), 0.01)))
    with pytest.raises(ValueError):
        sampling.with_temperature(v, -1)


def test_sampling_is_seeded_and_carries_the_state(small):
    text, vocab, model = small
    a = sampling.sample(model, vocab, "the ", 30, 1.0, seed=1)
    assert a == sampling.sample(model, vocab, "the ", 30, 1.0, seed=1) and len(a) == 30
    assert set(a) <= set(vocab.chars)
    greedy = sampling.sample(model, vocab, "the ", 10, 0.0, seed=5)
    # greedy by hand: one long forward pass over the prefix and what was written so far
    written = ""
    for _ in range(10):
        Y = model.forward(vocab.one_hot(vocab.encode("the " + written))[None])
        written += vocab.chars[int(np.argmax(Y[0, -1]))]
    assert greedy == written
    p = sampling.next_distribution(model, vocab, "the c", 1.0)
    assert p.shape == (vocab.size,) and p.sum() == pytest.approx(1.0)
    with pytest.raises(ValueError, match="vocabulary"):
        sampling.sample(model, vocab, "THE", 5)
    with pytest.raises(ValueError, match="single model"):
        sampling.sample(training.char_model(vocab.size, 4, n_models=2), vocab, "the", 5)


# ---------------------------------------------------------------- units
def test_features():
    f = units.features('ab (c d)\n"x y" z')
    assert f["inside ( )"].tolist() == [0, 0, 0, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0]
    assert f["inside double quotes"].tolist() == [0] * 9 + [1, 1, 1, 1, 0, 0, 0]
    assert f["position in line"].tolist()[:10] == [1, 2, 3, 4, 5, 6, 7, 8, 0, 1]
    assert f["position in word"].tolist() == [1, 2, 0, 0, 1, 0, 1, 0, 0, 0, 1, 0, 1, 0, 0, 1]
    assert units.features(")x(")["inside ( )"].tolist() == [0, 0, 1]


def test_correlations_and_controls():
    rng = np.random.default_rng(0)
    f = rng.normal(size=200)
    S = np.stack([f * 2 + 1, rng.normal(size=200), -f, np.zeros(200)], axis=-1)     # (T, H)
    r = units.correlations(S, f)
    assert np.allclose(r[[0, 2, 3]], [1, -1, 0]) and abs(r[1]) < 0.3
    j, rj = units.best_unit(S[None].repeat(2, axis=0), f)
    assert j.tolist() == [0, 0] and np.allclose(rj, 1)
    ids = np.array([0, 1, 0, 1, 2, 2])
    feat = np.array([1.0, 5.0, 3.0, 5.0, 0.0, 0.0])
    assert units.correlation_ratio(ids, feat[[1, 1, 1, 1, 4, 4]]) == pytest.approx(1.0)   # a function of the character
    rest = units.beyond_character(ids, feat)
    assert np.allclose(rest, [-1, 0, 1, 0, 0, 0])
    assert np.allclose(units.beyond_character(ids, np.stack([feat, feat], -1)[None]), np.stack([rest, rest], -1)[None])


def test_hidden_states_and_draw_unit(small):
    text, vocab, model = small
    ids = vocab.encode(text)
    S = units.hidden_states(model, ids, 30, 60, warm=10)
    model.forward(vocab.one_hot(ids[20:60])[None])
    assert S.shape == (30, 8) and np.allclose(S, model.hidden[0, 10:])
    fig = units.draw_unit(text[30:60], S[:, 0], width=12, title="t")
    assert fig.axes[0].get_title() == "t"
    plt.close(fig)
    with pytest.raises(ValueError):
        units.draw_unit("abc", np.zeros(2))
    with pytest.raises(ValueError):
        units.hidden_states(model, ids, 5, 60, warm=10)


# ---------------------------------------------------------------- explorer and exercises
def test_explorer_draws_and_samples(small):
    text, vocab, model = small
    fig, written = explorer.draw_sampler(model, vocab, "the ", temperature=0.7, seed=2, n=20)
    assert written == sampling.sample(model, vocab, "the ", 20, 0.7, seed=2)
    heights = [b.get_height() for b in fig.axes[0].patches[:explorer.TOP]]
    assert heights == sorted(heights, reverse=True)
    plt.close(fig)
    assert explorer.shown(" ") == "space" and explorer.shown("a") == "a"
    box = explorer.sampler_widget(model, vocab, "the ")
    assert box.children
    plt.close("all")


def test_exercise_checks_accept_the_answers_and_reject_wrong_ones(capsys):
    K = 95
    assert ex.check_uniform(np.log2(K), K, K)
    assert not ex.check_uniform(np.log(K), K, K)
    assert not ex.check_uniform(None, None, K)
    assert ex.check_temperature(lambda p, tau: p ** (1 / tau) / np.sum(p ** (1 / tau)))
    assert not ex.check_temperature(lambda p, tau: p ** tau / np.sum(p ** tau))
    assert not ex.check_temperature(lambda p, tau: 1 / 0)
    assert ex.check_bigram(lambda c, a, b: (c[a, b] + 1) / (c[a].sum() + len(c)))
    assert not ex.check_bigram(lambda c, a, b: (c[a, b] + 1) / (c[a].sum() + 1))
    assert ex.check_trigram_table(K ** 3, K) and ex.check_trigram_table(K * K * (K - 1), K)
    assert not ex.check_trigram_table(K ** 2, K)
    out = capsys.readouterr().out
    assert "Correct." in out and "Not yet" in out and "ZeroDivisionError" in out
