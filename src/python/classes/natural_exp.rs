//! `NaturalExpDecay`'s binding.

gamma_decay_class!(
    PyNaturalExpDecay,
    NaturalExpDecay,
    "NaturalExpDecay",
    "Natural exponential decay, as `paddle.optimizer.lr.NaturalExpDecay`.

`lr = base_lr * exp(-1 * gamma * epoch)`, with `gamma > 0`."
);
