//! Dropout and top-k on one tiny language model: the pure core plus one wasm binding.
pub mod activation;
pub mod backend;
pub mod corpus;
pub mod dropout;
pub mod error;
pub mod model;
pub mod rng;
pub mod sampling;
pub mod session;
pub mod sources;
pub mod train;
pub mod weights;

pub use error::{Allowed, Error, Result};

/// A tensor's values as plain f32s, in row-major order. Every float tensor of the core converts
/// to f32, so a failure is a bug: it panics with the reason rather than hand back no values, which
/// would surface later as a wrong length or a NaN far from the cause.
pub(crate) fn values_of<const D: usize>(x: burn::tensor::Tensor<D>) -> Vec<f32> {
    x.into_data()
        .convert::<f32>()
        .try_into_vec::<f32>()
        .unwrap_or_else(|e| panic!("a float tensor's values could not be read as f32: {e:?}"))
}

#[cfg(target_arch = "wasm32")]
pub mod web;
