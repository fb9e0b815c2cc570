//! A small seeded generator (SplitMix64) that gives the same numbers natively and in wasm.
//!
//! Burn's backends each keep one global RNG, which parallel tests and several page widgets would
//! share; this generator is a plain value, so a seed alone fixes every draw.

/// SplitMix64 (Steele, Lea, Flood 2014): one 64-bit state, full period, good enough for masks and draws.
#[derive(Debug, Clone)]
pub struct Rng {
    state: u64,
}

impl Rng {
    /// A generator whose whole output is fixed by `seed`.
    pub fn new(seed: u64) -> Self {
        Rng { state: seed }
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.state = self.state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in [0, 1) with 24 random bits, exactly representable as f32.
    pub fn next_f32(&mut self) -> f32 {
        (self.next_u64() >> 40) as f32 * (1.0 / (1u64 << 24) as f32)
    }

    /// Uniform in [0, 1) with 53 random bits.
    pub fn next_f64(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
    }

    /// `len` uniforms in [0, 1).
    pub fn uniforms(&mut self, len: usize) -> Vec<f32> {
        (0..len).map(|_| self.next_f32()).collect()
    }
}

/// Mixes a seed and a counter into a new seed, so each step (or draw) gets fresh numbers. The
/// counter is spread by an odd 64-bit constant (from Marsaglia's xorshift64* multiplier) so that
/// neighbouring counters differ in many bits before SplitMix64 mixes them.
pub fn derive_seed(seed: u64, counter: u64) -> u64 {
    Rng::new(seed ^ counter.wrapping_mul(0x2545_F491_4F6C_DD1D)).next_u64()
}
