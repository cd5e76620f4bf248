//! `ExponentialDecay`'s binding.

use crate::python::classes::num_attribute;

rate_and_one_class!(
    PyExponentialDecay,
    ExponentialDecay,
    "ExponentialDecay",
    "Decay by `gamma` every epoch, as `paddle.optimizer.lr.ExponentialDecay`.

`lr = base_lr * gamma ** epoch`, with `0 < gamma < 1`.",
    gamma,
    "(learning_rate, gamma, last_epoch=-1, verbose=False)",
    |a: &Args<'_>| a.num("gamma"),
    |s: &Bound<'_, PyLRScheduler>| num_attribute(s, |k: &ExponentialDecay| k.gamma),
);
