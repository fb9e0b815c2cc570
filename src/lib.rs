//! Dropout and top-k on one tiny language model: the pure core plus one wasm binding.
pub mod activation;
pub mod corpus;
pub mod dropout;
pub mod error;
pub mod model;
pub mod rng;
pub mod sampling;
pub mod session;
pub mod sources;
pub mod train;

pub use error::{Error, Result};

/// A tensor's values as plain f32s, in row-major order (empty if they cannot be read as f32).
pub(crate) fn values_of<const D: usize>(x: burn::tensor::Tensor<D>) -> Vec<f32> {
    x.into_data()
        .convert::<f32>()
        .try_into_vec::<f32>()
        .unwrap_or_default()
}

#[cfg(target_arch = "wasm32")]
pub mod web;
