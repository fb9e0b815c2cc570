//! The CPU backends a build carries, by name, and a probe of their matrix product.
use burn::tensor::{Device, Tensor, TensorData};

use crate::error::{Allowed, Error};
use crate::values_of;

/// The CPU backend the tensors run on; both also run in wasm. A build carries the backends its
/// features name (see Cargo.toml): natively both, each wasm module one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    /// burn-ndarray, the backend the product was first built on (deprecated in Burn 0.22).
    #[cfg(feature = "ndarray")]
    NdArray,
    /// burn-flex, ndarray's pure-Rust successor in Burn 0.22.
    #[cfg(feature = "flex")]
    Flex,
}

#[cfg(not(any(feature = "flex", feature = "ndarray")))]
compile_error!("build with at least one backend: feature \"flex\" or \"ndarray\"");

impl Backend {
    /// The backends in this build.
    pub const ALL: &'static [Backend] = &[
        #[cfg(feature = "ndarray")]
        Backend::NdArray,
        #[cfg(feature = "flex")]
        Backend::Flex,
    ];

    /// What `parse` accepts, for its error message.
    const ALLOWED: Allowed = if cfg!(all(feature = "flex", feature = "ndarray")) {
        Allowed::Either {
            first: "ndarray",
            second: "flex",
        }
    } else if cfg!(feature = "flex") {
        Allowed::OnlyBackend { name: "flex" }
    } else {
        Allowed::OnlyBackend { name: "ndarray" }
    };

    /// Parses a backend's name ("ndarray" or "flex") among those in this build.
    pub fn parse(name: &str) -> crate::Result<Self> {
        match Self::ALL.iter().find(|b| b.name() == name) {
            Some(&backend) => Ok(backend),
            None => Err(Error::invalid(
                "backend",
                format!("{name:?}"),
                Self::ALLOWED,
            )),
        }
    }

    /// The name `parse` accepts.
    pub fn name(self) -> &'static str {
        match self {
            #[cfg(feature = "ndarray")]
            Backend::NdArray => "ndarray",
            #[cfg(feature = "flex")]
            Backend::Flex => "flex",
        }
    }

    /// The plain (inference) device.
    #[allow(deprecated)] // burn-ndarray is deprecated in 0.22 but stays selectable here
    pub fn device(self) -> Device {
        match self {
            #[cfg(feature = "ndarray")]
            Backend::NdArray => Device::ndarray(),
            #[cfg(feature = "flex")]
            Backend::Flex => Device::flex(),
        }
    }

    /// One `n`×`n` by `n`×`n` matrix product of f32s (2n³ operations) on this backend: the
    /// benchmark times it to learn what the backend's matmul reaches on this machine, the ceiling
    /// a training step is measured against. Returns one element of the product.
    pub fn matmul_probe(self, n: usize) -> f32 {
        let device = self.device();
        let values: Vec<f32> = (0..n * n).map(|i| (i % 7) as f32 * 0.25).collect();
        let a = Tensor::<2>::from_data(TensorData::new(values, [n, n]), &device);
        let product = a.clone().matmul(a);
        values_of(product.slice([0..1, 0..1]))[0]
    }
}
