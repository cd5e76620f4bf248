//! `InverseTimeDecay`'s binding.

gamma_decay_class!(
    PyInverseTimeDecay,
    InverseTimeDecay,
    "InverseTimeDecay",
    "Inverse-time decay, as `paddle.optimizer.lr.InverseTimeDecay`.

`lr = base_lr / (1 + gamma * epoch)` (`ZeroDivisionError` where the denominator is 0)."
);
