//! Dropout and top-k on one tiny language model: the pure core plus one wasm binding.
pub mod activation;
pub mod corpus;
pub mod dropout;
pub mod error;
pub mod model;
pub mod rng;
pub mod sampling;
pub mod session;
pub mod train;

pub use error::{Error, Result};

#[cfg(target_arch = "wasm32")]
pub mod web;
