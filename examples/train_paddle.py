"""Train a small paddle classifier on a PaddleOCR learning-rate config, with fastwarmup.

The schedule is the ``Optimizer.lr`` section of ``configs/det_db_warmup.yml`` (PaddleOCR's
layout: ``Cosine`` with a 2-epoch warm-up, i.e. ``LinearWarmup(CosineAnnealingDecay)``), built
by ``fastwarmup.ocr.from_yaml`` from ``fastwarmup.paddle.lr``: paddle's optimizer takes it as
one of its own schedulers, while ``step()`` and ``__call__()`` run in fastwarmup's Rust core.

Half way, the run is checkpointed the usual paddle way (``optimizer.state_dict()`` and the
model's, ``paddle.save``), then a fresh model, scheduler and optimizer are loaded from it
(``paddle.load``, ``set_state_dict``) and training continues. Before saving, the schedule's
remaining learning rates are taken with ``sched.precompute(n)`` (which leaves the scheduler as
it was): the resumed run must train with exactly those values, and the example checks it.

Run from anywhere (CPU, a few seconds): ``python examples/train_paddle.py``.
Needs ``pip install 'fastwarmup[paddle,ocr]'`` (paddlepaddle and PyYAML).
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import numpy as np
import paddle
import yaml

from fastwarmup.ocr import from_yaml

CONFIG = Path(__file__).resolve().parent / "configs" / "det_db_warmup.yml"
SAMPLES, FEATURES, CLASSES = 1280, 8, 3
BATCH = 32  # 40 steps per epoch; the config's 2 warm-up epochs are 80 steps
EPOCHS = 8  # of the config's 500: the start of the schedule, 320 steps
CHECKPOINT_AFTER = 4  # epochs
PRINT_EVERY = 20  # steps


def make_loader() -> paddle.io.DataLoader:
    """Three Gaussian blobs in 8-D, labelled by blob."""
    rng = np.random.default_rng(0)
    centers = rng.normal(0.0, 1.5, (CLASSES, FEATURES))
    labels = rng.integers(0, CLASSES, SAMPLES)
    points = centers[labels] + rng.normal(0.0, 1.0, (SAMPLES, FEATURES))
    dataset = paddle.io.TensorDataset(
        [paddle.to_tensor(points.astype("float32")), paddle.to_tensor(labels.astype("int64"))]
    )
    return paddle.io.DataLoader(dataset, batch_size=BATCH, shuffle=True)


def build(step_each_epoch: int):
    """A fresh model, its schedule from the config and the config's optimizer."""
    sched = from_yaml(CONFIG, step_each_epoch=step_each_epoch, schedulers="fastwarmup.paddle.lr")
    model = paddle.nn.Sequential(
        paddle.nn.Linear(FEATURES, 32), paddle.nn.ReLU(), paddle.nn.Linear(32, CLASSES)
    )
    # the rest of the config's Optimizer section, as PaddleOCR reads it
    section = yaml.safe_load(CONFIG.read_text())["Optimizer"]
    kwargs = {key: section[key] for key in ("beta1", "beta2", "momentum") if key in section}
    if section.get("regularizer", {}).get("name") == "L2":
        kwargs["weight_decay"] = paddle.regularizer.L2Decay(section["regularizer"]["factor"])
    optimizer = getattr(paddle.optimizer, section["name"])(
        learning_rate=sched, parameters=model.parameters(), **kwargs
    )
    return model, sched, optimizer


def train(model, sched, optimizer, loader, epochs: range, step: int) -> list[float]:
    """The usual loop; returns the learning rate of every step."""
    loss_fn = paddle.nn.CrossEntropyLoss()
    lrs = []
    for epoch in epochs:
        for x, y in loader:
            loss = loss_fn(model(x), y)
            loss.backward()
            lrs.append(optimizer.get_lr())
            if step % PRINT_EVERY == 0:
                print(f"epoch {epoch}  step {step:3d}  lr {lrs[-1]:.8e}  loss {float(loss):.4f}")
            optimizer.step()
            optimizer.clear_grad()
            sched.step()
            step += 1
    return lrs


def accuracy(model, loader) -> float:
    with paddle.no_grad():
        hits = sum(int((model(x).argmax(axis=-1) == y).sum()) for x, y in loader)
    return hits / SAMPLES


def main() -> None:
    paddle.seed(2024)
    loader = make_loader()
    steps = len(loader)
    with tempfile.TemporaryDirectory() as tmp:
        opt_path, model_path = f"{tmp}/train.pdopt", f"{tmp}/train.pdparams"

        # Each part runs under its own unique-name scope, as it would in its own process:
        # paddle keys the optimizer's moments by parameter name, so the resumed model's
        # parameters must be named as the saved ones.
        with paddle.utils.unique_name.guard():
            model, sched, optimizer = build(steps)
            print(f"{CONFIG.name}: {type(sched).__module__}.{type(sched).__name__}")
            print(f"  warm-up {sched.warmup_steps} steps {sched.start_lr} -> {sched.end_lr}, then")
            inner = sched.learning_rate
            print(f"  {type(inner).__name__}(T_max={inner.T_max}, eta_min={inner.eta_min})")
            print(f"  paddle's optimizer takes it: {type(optimizer).__name__}, {steps} steps/epoch")
            train(model, sched, optimizer, loader, range(CHECKPOINT_AFTER), 0)

            # what the uninterrupted run would train with from here (sched is unchanged)
            expected = sched.precompute((EPOCHS - CHECKPOINT_AFTER) * steps)
            state = optimizer.state_dict()
            paddle.save(state, opt_path)
            paddle.save(model.state_dict(), model_path)
            print(f"checkpoint at step {CHECKPOINT_AFTER * steps}: {state['LR_Scheduler']}")

        with paddle.utils.unique_name.guard():
            model, sched, optimizer = build(steps)
            model.set_state_dict(paddle.load(model_path))
            optimizer.set_state_dict(paddle.load(opt_path))
            print(f"resumed: lr {optimizer.get_lr():.8e}, last_epoch {sched.last_epoch}")
            lrs = train(
                model,
                sched,
                optimizer,
                loader,
                range(CHECKPOINT_AFTER, EPOCHS),
                CHECKPOINT_AFTER * steps,
            )

    same = np.array_equal(np.array(lrs), expected)
    print(f"resumed run trained with exactly the precomputed learning rates: {same}")
    print(f"train accuracy after {EPOCHS} epochs: {accuracy(model, loader):.3f}")
    if not same:
        raise SystemExit("the resumed schedule differs from the uninterrupted one")


if __name__ == "__main__":
    main()
