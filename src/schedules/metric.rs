//! The `metrics` values `ReduceOnPlateau` stores and compares, with the arithmetic of the
//! objects paddle stores: Python numbers, NumPy scalars and arrays, paddle Tensors.
//!
//! paddle keeps the `metrics` object itself as `best` and computes `best - best * threshold`
//! with that object's operators, then compares `metrics` with the result. So a float32 value
//! is compared in float32: NumPy 2 (NEP 50) and paddle cast a Python number to the other
//! operand's dtype. Between NumPy and paddle values the dtypes promote (float64 wins), except
//! that paddle takes a NumPy scalar as it takes a Python float. An integer array becomes
//! float64 with a Python float in NumPy, float32 in paddle.

use crate::error::CoreResult;
use crate::pyops::Num;

/// The value of a NumPy or paddle `metrics`, in its dtype.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Value {
    F64(f64),
    F32(f32),
    /// Any integer or bool dtype.
    Int(i64),
}

/// One `metrics` value and the arithmetic it brings.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Metric {
    /// A Python int or float: Python's arithmetic, and "weak" beside the others.
    Py(Num),
    /// A NumPy scalar (`numpy.float32`, `numpy.float64`).
    NumpyScalar(Value),
    /// A NumPy array.
    NumpyArray(Value),
    /// A paddle Tensor.
    Tensor(Value),
}

/// Where a binary operation between two metrics is computed, when not in Python's numbers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Domain {
    F64,
    F32,
    Int,
}

impl Value {
    fn domain(self) -> Domain {
        match self {
            Self::F64(_) => Domain::F64,
            Self::F32(_) => Domain::F32,
            Self::Int(_) => Domain::Int,
        }
    }

    /// As a Python number (`item()`).
    fn as_num(self) -> Num {
        match self {
            Self::F64(v) => Num::Float(v),
            Self::F32(v) => Num::Float(f64::from(v)),
            Self::Int(i) => Num::Int(i),
        }
    }
}

impl Metric {
    /// The value as a Python number: what `state_dict()` saves (paddle saves `float(tensor)`
    /// for a Tensor; fastwarmup saves a Python number for NumPy values too).
    pub fn as_num(self) -> Num {
        match self {
            Self::Py(n) => n,
            Self::Tensor(v) => Num::Float(v.as_num().as_f64()),
            Self::NumpyScalar(v) | Self::NumpyArray(v) => v.as_num(),
        }
    }

    fn strong_value(self) -> Option<Value> {
        match self {
            Self::Py(_) => None,
            Self::NumpyScalar(v) | Self::NumpyArray(v) | Self::Tensor(v) => Some(v),
        }
    }

    /// paddle takes a NumPy scalar beside a Tensor as a Python number.
    fn weakened_by(self, other: Self) -> Self {
        match (self, other) {
            (Self::NumpyScalar(v), Self::Tensor(_)) => Self::Py(v.as_num()),
            _ => self,
        }
    }

    /// The domain of `self op other` (`None`: Python's numbers).
    fn common_domain(self, other: Self) -> Option<Domain> {
        let (a, b) = (self.weakened_by(other), other.weakened_by(self));
        match (a.strong_value(), b.strong_value()) {
            (None, None) => None,
            (Some(v), None) | (None, Some(v)) => {
                let weak_float =
                    matches!(a, Self::Py(Num::Float(_))) || matches!(b, Self::Py(Num::Float(_)));
                Some(match v.domain() {
                    // An integer array or Tensor meets a Python float.
                    Domain::Int if weak_float => {
                        if matches!(a, Self::Tensor(_)) || matches!(b, Self::Tensor(_)) {
                            Domain::F32
                        } else {
                            Domain::F64
                        }
                    }
                    domain => domain,
                })
            }
            (Some(x), Some(y)) => Some(match (x.domain(), y.domain()) {
                (Domain::F64, _) | (_, Domain::F64) => Domain::F64,
                (Domain::Int, Domain::Int) => Domain::Int,
                // float32 with an integer: NumPy takes float64, paddle float32.
                (Domain::F32, Domain::Int) | (Domain::Int, Domain::F32)
                    if !matches!(a, Self::Tensor(_)) && !matches!(b, Self::Tensor(_)) =>
                {
                    Domain::F64
                }
                _ => Domain::F32,
            }),
        }
    }

    fn to_f64(self) -> f64 {
        self.as_num().as_f64()
    }

    fn to_f32(self) -> f32 {
        match self.strong_value() {
            Some(Value::F32(v)) => v,
            Some(Value::Int(i)) => i as f32,
            _ => self.to_f64() as f32,
        }
    }

    fn to_i64(self) -> i64 {
        match self.strong_value() {
            Some(Value::Int(i)) => i,
            _ => match self.as_num() {
                Num::Int(i) => i,
                Num::Float(v) => v as i64,
            },
        }
    }

    /// The same kind of object as the strong operand of `self op other`, holding `value`.
    fn with_value(self, other: Self, value: Value) -> Self {
        match (self, other) {
            (Self::Tensor(_), _) | (_, Self::Tensor(_)) => Self::Tensor(value),
            (Self::NumpyArray(_), _) | (_, Self::NumpyArray(_)) => Self::NumpyArray(value),
            _ => Self::NumpyScalar(value),
        }
    }

    /// `self op other` in their common domain. Integers wrap around as NumPy's and paddle's do.
    fn binary(
        self,
        other: Self,
        py: fn(Num, Num) -> CoreResult<Num>,
        float: fn(f64, f64) -> f64,
        single: fn(f32, f32) -> f32,
        int: fn(i64, i64) -> i64,
    ) -> CoreResult<Self> {
        let value = match self.common_domain(other) {
            None => return Ok(Self::Py(py(self.as_num(), other.as_num())?)),
            Some(Domain::F64) => Value::F64(float(self.to_f64(), other.to_f64())),
            Some(Domain::F32) => Value::F32(single(self.to_f32(), other.to_f32())),
            Some(Domain::Int) => Value::Int(int(self.to_i64(), other.to_i64())),
        };
        Ok(self.with_value(other, value))
    }

    fn compare(
        self,
        other: Self,
        py: fn(Num, Num) -> bool,
        float: fn(f64, f64) -> bool,
        single: fn(f32, f32) -> bool,
        int: fn(i64, i64) -> bool,
    ) -> bool {
        match self.common_domain(other) {
            None => py(self.as_num(), other.as_num()),
            Some(Domain::F64) => float(self.to_f64(), other.to_f64()),
            Some(Domain::F32) => single(self.to_f32(), other.to_f32()),
            Some(Domain::Int) => int(self.to_i64(), other.to_i64()),
        }
    }
}

// The method names mirror Python's operators and return `CoreResult`, as `Num`'s do.
#[allow(clippy::should_implement_trait)]
impl Metric {
    /// `self + other`.
    pub fn add(self, other: Self) -> CoreResult<Self> {
        self.binary(
            other,
            Num::add,
            |a, b| a + b,
            |a, b| a + b,
            i64::wrapping_add,
        )
    }

    /// `self - other`.
    pub fn sub(self, other: Self) -> CoreResult<Self> {
        self.binary(
            other,
            Num::sub,
            |a, b| a - b,
            |a, b| a - b,
            i64::wrapping_sub,
        )
    }

    /// `self * other`.
    pub fn mul(self, other: Self) -> CoreResult<Self> {
        self.binary(
            other,
            Num::mul,
            |a, b| a * b,
            |a, b| a * b,
            i64::wrapping_mul,
        )
    }

    /// `self < other`.
    pub fn lt(self, other: Self) -> bool {
        self.compare(other, Num::lt, |a, b| a < b, |a, b| a < b, |a, b| a < b)
    }

    /// `self > other`.
    pub fn gt(self, other: Self) -> bool {
        self.compare(other, Num::gt, |a, b| a > b, |a, b| a > b, |a, b| a > b)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TENTH32: f32 = 0.1;

    fn py(v: f64) -> Metric {
        Metric::Py(Num::Float(v))
    }

    #[test]
    fn float32_with_a_python_float_is_computed_in_float32() {
        let best = Metric::NumpyScalar(Value::F32(TENTH32));
        let bound = best.sub(best.mul(py(1e-4)).unwrap()).unwrap();
        assert_eq!(
            bound,
            Metric::NumpyScalar(Value::F32(TENTH32 - TENTH32 * 1e-4_f32))
        );
        // numpy: np.float32(0.1) < 0.1 is False (0.1 is cast to float32), and so is the
        // reflected comparison.
        let tensor = Metric::Tensor(Value::F32(TENTH32));
        assert!(!tensor.lt(py(0.1)) && !py(0.1).lt(tensor));
        // 16777217 is not representable in float32: cast, it equals 16777216.
        let big = Metric::NumpyArray(Value::F32(16_777_216.0));
        assert!(!big.lt(Metric::Py(Num::Int(16_777_217))));
    }

    #[test]
    fn float64_numpy_values_are_strong_except_a_scalar_beside_a_tensor() {
        let tenth64 = Metric::NumpyScalar(Value::F64(0.1));
        let array32 = Metric::NumpyArray(Value::F32(TENTH32));
        assert!(array32.gt(tenth64));
        assert_eq!(
            array32.mul(tenth64).unwrap(),
            Metric::NumpyArray(Value::F64(f64::from(TENTH32) * 0.1))
        );
        let tensor32 = Metric::Tensor(Value::F32(TENTH32));
        assert!(!tensor32.gt(tenth64));
        assert!(tensor32.gt(Metric::NumpyArray(Value::F64(0.1))));
    }

    #[test]
    fn integer_values_promote_as_numpy_and_paddle_do() {
        let half = py(0.5);
        assert_eq!(
            Metric::NumpyArray(Value::Int(3)).mul(half).unwrap(),
            Metric::NumpyArray(Value::F64(1.5))
        );
        assert_eq!(
            Metric::Tensor(Value::Int(3)).mul(half).unwrap(),
            Metric::Tensor(Value::F32(1.5))
        );
        assert_eq!(
            Metric::NumpyArray(Value::Int(3))
                .mul(Metric::Py(Num::Int(2)))
                .unwrap(),
            Metric::NumpyArray(Value::Int(6))
        );
        assert_eq!(Metric::Tensor(Value::Int(3)).as_num(), Num::Float(3.0));
    }

    #[test]
    fn python_numbers_keep_python_semantics() {
        let best = Metric::Py(Num::Int(3));
        let zero = Metric::Py(Num::Int(0));
        assert_eq!(best.sub(best.mul(zero).unwrap()).unwrap(), best);
        // Python compares an int with a float exactly: 2**53 + 1 > 2.0**53.
        assert!(Metric::Py(Num::Int((1 << 53) + 1)).gt(py(9_007_199_254_740_992.0)));
    }
}
