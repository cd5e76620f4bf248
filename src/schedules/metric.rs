//! The `metrics` values `ReduceOnPlateau` stores and compares, with the arithmetic of the
//! objects paddle stores: Python numbers, NumPy scalars and arrays, paddle Tensors.
//!
//! paddle keeps the `metrics` object itself as `best` and computes `best - best * threshold`
//! with that object's operators, so a float32 metric is compared in float32: NumPy 2 (NEP 50)
//! and paddle cast a Python float to the array's dtype. A NumPy float64 is "strong": with a
//! float32 the result is float64. An integer array becomes float64 with a Python float in
//! NumPy, float32 in paddle.

use crate::error::CoreResult;
use crate::pyops::Num;

/// One `metrics` value and the arithmetic it brings.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Metric {
    /// A Python int or float: Python's arithmetic, and "weak" beside the others.
    Py(Num),
    /// A float64 value of NumPy or paddle (`numpy.float64`, a float64 array or Tensor).
    F64(f64),
    /// A float32 value of NumPy or paddle (`numpy.float32`, a float32 array or Tensor).
    F32(f32),
    /// An integer (or bool) NumPy array.
    IntArray(i64),
    /// An integer (or bool) paddle Tensor.
    IntTensor(i64),
}

/// Where a binary operation between two metrics is computed, when not in Python's numbers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Domain {
    F64,
    F32,
    Int(IntKind),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum IntKind {
    Array,
    Tensor,
}

// The method names mirror Python's operators and return `CoreResult`, as `Num`'s do.
#[allow(clippy::should_implement_trait)]
impl Metric {
    /// The value as a Python number (what `state_dict()` saves: paddle saves `float(tensor)`
    /// for a Tensor; fastwarmup saves a Python number for NumPy values too).
    pub fn as_num(self) -> Num {
        match self {
            Self::Py(n) => n,
            Self::F64(v) => Num::Float(v),
            Self::F32(v) => Num::Float(f64::from(v)),
            Self::IntArray(i) => Num::Int(i),
            Self::IntTensor(i) => Num::Float(i as f64),
        }
    }

    fn domain(self) -> Option<Domain> {
        match self {
            Self::Py(_) => None,
            Self::F64(_) => Some(Domain::F64),
            Self::F32(_) => Some(Domain::F32),
            Self::IntArray(_) => Some(Domain::Int(IntKind::Array)),
            Self::IntTensor(_) => Some(Domain::Int(IntKind::Tensor)),
        }
    }

    /// The domain of `self op other` (`None`: Python's numbers): NumPy's (and paddle's)
    /// promotion with weak Python numbers.
    fn common_domain(self, other: Self) -> Option<Domain> {
        let py_float = |m: Self| matches!(m, Self::Py(Num::Float(_)));
        let (Some(a), Some(b)) = (self.domain(), other.domain()) else {
            let strong = self.domain().or(other.domain())?;
            return Some(match strong {
                Domain::Int(kind) if py_float(self) || py_float(other) => match kind {
                    IntKind::Array => Domain::F64,
                    IntKind::Tensor => Domain::F32,
                },
                other => other,
            });
        };
        Some(match (a, b) {
            (Domain::Int(x), Domain::Int(y)) => {
                Domain::Int(if x == y { x } else { IntKind::Tensor })
            }
            (
                Domain::F32 | Domain::Int(IntKind::Tensor),
                Domain::F32 | Domain::Int(IntKind::Tensor),
            ) => Domain::F32,
            // A float64, or a float32 with a NumPy integer array.
            _ => Domain::F64,
        })
    }

    fn to_f64(self) -> f64 {
        self.as_num().as_f64()
    }

    fn to_f32(self) -> f32 {
        match self {
            Self::F32(v) => v,
            Self::Py(Num::Int(i)) | Self::IntArray(i) | Self::IntTensor(i) => i as f32,
            Self::Py(Num::Float(v)) | Self::F64(v) => v as f32,
        }
    }

    fn to_i64(self) -> i64 {
        match self {
            Self::Py(Num::Int(i)) | Self::IntArray(i) | Self::IntTensor(i) => i,
            Self::Py(Num::Float(v)) | Self::F64(v) => v as i64,
            Self::F32(v) => v as i64,
        }
    }

    /// `self op other` in their common domain. Integer arrays wrap around as NumPy's do.
    fn binary(
        self,
        other: Self,
        py: fn(Num, Num) -> CoreResult<Num>,
        float: fn(f64, f64) -> f64,
        single: fn(f32, f32) -> f32,
        int: fn(i64, i64) -> i64,
    ) -> CoreResult<Self> {
        Ok(match self.common_domain(other) {
            None => Self::Py(py(self.as_num(), other.as_num())?),
            Some(Domain::F64) => Self::F64(float(self.to_f64(), other.to_f64())),
            Some(Domain::F32) => Self::F32(single(self.to_f32(), other.to_f32())),
            Some(Domain::Int(kind)) => {
                let v = int(self.to_i64(), other.to_i64());
                match kind {
                    IntKind::Array => Self::IntArray(v),
                    IntKind::Tensor => Self::IntTensor(v),
                }
            }
        })
    }

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
            Some(Domain::Int(_)) => int(self.to_i64(), other.to_i64()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TENTH32: f32 = 0.1;

    #[test]
    fn float32_with_a_python_float_is_computed_in_float32() {
        let best = Metric::F32(TENTH32);
        let bound = best
            .sub(best.mul(Metric::Py(Num::Float(1e-4))).unwrap())
            .unwrap();
        assert_eq!(bound, Metric::F32(TENTH32 - TENTH32 * 1e-4_f32));
        // numpy: np.float32(0.1) < 0.1 is False (0.1 is cast to float32), and so is the
        // reflected comparison.
        assert!(!Metric::F32(TENTH32).lt(Metric::Py(Num::Float(0.1))));
        assert!(!Metric::Py(Num::Float(0.1)).lt(Metric::F32(TENTH32)));
        // 16777217 is not representable in float32: cast, it equals 16777216.
        assert!(!Metric::F32(16_777_216.0).lt(Metric::Py(Num::Int(16_777_217))));
    }

    #[test]
    fn float64_values_are_strong() {
        assert!(Metric::Py(Num::Float(0.1)).lt(Metric::F32(TENTH32).add(Metric::F64(0.0)).unwrap()));
        assert_eq!(
            Metric::F32(TENTH32).mul(Metric::F64(2.0)).unwrap(),
            Metric::F64(f64::from(TENTH32) * 2.0)
        );
    }

    #[test]
    fn integer_arrays_promote_as_numpy_tensors_as_paddle() {
        let half = Metric::Py(Num::Float(0.5));
        assert_eq!(Metric::IntArray(3).mul(half).unwrap(), Metric::F64(1.5));
        assert_eq!(Metric::IntTensor(3).mul(half).unwrap(), Metric::F32(1.5));
        assert_eq!(
            Metric::IntArray(3).mul(Metric::Py(Num::Int(2))).unwrap(),
            Metric::IntArray(6)
        );
    }

    #[test]
    fn python_numbers_keep_python_semantics() {
        let best = Metric::Py(Num::Int(3));
        assert_eq!(
            best.sub(best.mul(Metric::Py(Num::Int(0))).unwrap())
                .unwrap(),
            best
        );
        // Python compares an int with a float exactly: 2**53 + 1 > 2.0**53.
        let two_53 = Metric::Py(Num::Float(9_007_199_254_740_992.0));
        assert!(Metric::Py(Num::Int((1 << 53) + 1)).gt(two_53));
    }
}
