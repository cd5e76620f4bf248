//! `ExponentialDecay`'s binding.

gamma_decay_class!(
    PyExponentialDecay,
    ExponentialDecay,
    "ExponentialDecay",
    "Decay by `gamma` every epoch, as `paddle.optimizer.lr.ExponentialDecay`.

`lr = base_lr * gamma ** epoch`, with `0 < gamma < 1`."
);
