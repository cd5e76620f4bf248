//! `LambdaDecay`'s binding.

lambda_decay_class!(
    PyLambdaDecay,
    LambdaDecay,
    "LambdaDecay",
    "The base learning rate scaled by a function of the epoch, as
`paddle.optimizer.lr.LambdaDecay`.

`lr = base_lr * lr_lambda(epoch)`. `lr_lambda` is called with the int epoch and may return an
int or a float (other numbers go through `float()`); its exceptions propagate and leave the
scheduler unchanged. Copies of the scheduler (`copy.deepcopy`, `precompute`) share the
function. The scheduler is locked while the function runs: using it from the function raises
RuntimeError."
);
