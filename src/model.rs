//! A tiny decoder-only transformer over characters, with dropout you can watch.
//!
//! Pre-norm blocks as in GPT-2 / nanoGPT. Dropout sits where the Transformer paper puts it (on the
//! embedding sum and on every sub-layer's output before the residual add) and, as in minGPT and
//! BERT, on the attention weights after softmax. Every dropout goes through
//! [`crate::dropout::Dropout`], which either does nothing (evaluation) or draws a seeded mask,
//! applies it and, when asked, records what it did.
use burn::module::{Module, ModuleMapper, Param};
use burn::nn::{
    Embedding, EmbeddingConfig, Initializer, LayerNorm, LayerNormConfig, Linear, LinearConfig,
};
use burn::tensor::{Device, Int, Tensor, TensorData};

use crate::activation::{causal_softmax, gelu};
use crate::dropout::{Dropout, SiteKind};
use crate::rng::Rng;

/// Sizes of the model. The defaults were chosen by measuring a training step in the browser: they
/// learn English spelling from the bundled corpus while a step stays well under a frame's budget.
#[derive(burn::config::Config, Debug, PartialEq)]
pub struct ModelConfig {
    /// Number of distinct characters.
    pub vocab_size: usize,
    /// Width of the residual stream.
    #[config(default = 48)]
    pub d_model: usize,
    /// Attention heads per block (d_model must be a multiple).
    #[config(default = 3)]
    pub n_heads: usize,
    /// Transformer blocks.
    #[config(default = 2)]
    pub n_layers: usize,
    /// Hidden width of each feed-forward layer (4 x d_model, as in the Transformer paper).
    #[config(default = 192)]
    pub d_ff: usize,
    /// Longest context in characters; longer prompts keep their last `context` characters.
    #[config(default = 32)]
    pub context: usize,
}

impl ModelConfig {
    /// Floating-point operations of one training step on `batch` windows, counting the matrix
    /// products (a multiply and an add per term), which are nearly all of a step's arithmetic:
    /// the forward pass, and backward twice that (each product gets a gradient for its input and
    /// one for its weights). Adam, norms and activations add under 1%.
    pub fn step_flops(&self, batch: usize) -> f64 {
        let tokens = (batch * self.context) as f64;
        let (d, ff) = (self.d_model as f64, self.d_ff as f64);
        let (seq, vocab) = (self.context as f64, self.vocab_size as f64);
        // Per token: queries/keys/values, the output projection, the two feed-forward layers, and
        // attention's scores and mixing over `seq` keys (the causal mask zeroes half, after the fact).
        let block = 2.0 * (d * 3.0 * d + d * d + 2.0 * d * ff) + 2.0 * 2.0 * seq * d;
        let forward = tokens * (self.n_layers as f64 * block + 2.0 * d * vocab);
        3.0 * forward
    }
}

/// Standard deviation of the initial weights (GPT-2's 0.02).
const INIT_STD: f64 = 0.02;

/// One pre-norm transformer block: causal self-attention, then a feed-forward layer.
#[derive(Module, Debug)]
pub struct Block {
    norm_attention: LayerNorm,
    /// Queries, keys and values in one projection: `[d_model] -> [3 * d_model]`.
    qkv: Linear,
    projection: Linear,
    norm_feed_forward: LayerNorm,
    feed_forward_in: Linear,
    feed_forward_out: Linear,
    n_heads: usize,
}

impl Block {
    /// # Shapes
    /// - x: `[batch, seq, d_model]`
    /// - output: `[batch, seq, d_model]`
    fn forward(&self, x: Tensor<3>, dropout: &mut Dropout, index: usize) -> Tensor<3> {
        let [batch, seq, d_model] = x.dims();
        let d_head = d_model / self.n_heads;
        let block = Some(index);

        // 1. Queries, keys, values, split into heads.
        let qkv = per_row(&self.qkv, self.norm_attention.forward(x.clone())); // [batch, seq, 3 * d_model]
        let qkv = qkv
            .reshape([batch, seq, 3, self.n_heads, d_head])
            .permute([2, 0, 3, 1, 4]); // [3, batch, heads, seq, d_head]
        let mut parts = qkv.chunk(3, 0).into_iter().map(|t| t.squeeze_dim::<4>(0)); // [batch, heads, seq, d_head]
        let (q, k, v) = (
            parts.next().unwrap(),
            parts.next().unwrap(),
            parts.next().unwrap(),
        );
        // 2. Scaled dot-product scores.
        let scores = q
            .matmul(k.swap_dims(2, 3))
            .div_scalar((d_head as f32).sqrt()); // [batch, heads, seq, seq]
                                                 // 3. Attention weights, each query over the keys up to its own position (future keys get
                                                 //    weight 0), with dropout on the weights themselves.
        let weights = dropout.apply(causal_softmax(scores), SiteKind::AttentionWeights, block);
        // 4. Mix the values, merge the heads, project, dropout, residual add.
        let mixed = weights
            .matmul(v)
            .swap_dims(1, 2)
            .reshape([batch, seq, d_model]); // [batch, seq, d_model]
        let attention = dropout.apply(
            per_row(&self.projection, mixed),
            SiteKind::AttentionOutput,
            block,
        );
        let x = x + attention;
        // 5. Feed-forward, dropout, residual add.
        let hidden = gelu(per_row(
            &self.feed_forward_in,
            self.norm_feed_forward.forward(x.clone()),
        )); // [batch, seq, d_ff]
        let feed_forward = dropout.apply(
            per_row(&self.feed_forward_out, hidden),
            SiteKind::FeedForwardOutput,
            block,
        );
        x + feed_forward
    }
}

/// `linear` applied to every position of `x` `[batch, seq, in]` as one matrix product over all
/// `batch * seq` rows, for its value and its gradients alike. Given `x` as it is, Burn multiplies
/// batch by batch (the rows of one window fill its tiles) and sums the weight's gradient over the
/// batch afterwards; as one product the matrix products take about a fifth less time in the
/// browser (docs/performance.md).
fn per_row(linear: &Linear, x: Tensor<3>) -> Tensor<3> {
    let [batch, seq, d_in] = x.dims();
    let y = linear.forward(x.reshape([batch * seq, d_in]));
    let d_out = y.dims()[1];
    y.reshape([batch, seq, d_out])
}

/// The language model: embeddings, blocks, a final norm and a projection to the vocabulary.
#[derive(Module, Debug)]
pub struct Model {
    token_embedding: Embedding,
    position_embedding: Embedding,
    blocks: Vec<Block>,
    norm: LayerNorm,
    head: Linear,
    context: usize,
}

impl ModelConfig {
    /// A model with seeded initial weights: N(0, 0.02) matrices, zero biases, unit norms. The
    /// weights come from the core's own generator, so a seed gives the same model on every
    /// backend and platform.
    pub fn init(&self, device: &Device, seed: u64) -> Model {
        self.zeros(device).map(&mut NormalMatrices {
            rng: Rng::new(seed),
        })
    }

    /// A model with zero matrices and biases and unit norms, for weights loaded right after (no
    /// random draws spent on values that are overwritten).
    pub fn zeros(&self, device: &Device) -> Model {
        assert!(
            self.d_model.is_multiple_of(self.n_heads),
            "d_model must be a multiple of n_heads"
        );
        let linear = |i, o| {
            LinearConfig::new(i, o)
                .with_initializer(Initializer::Zeros)
                .init(device)
        };
        let embedding = |n, d| {
            EmbeddingConfig::new(n, d)
                .with_initializer(Initializer::Zeros)
                .init(device)
        };
        Model {
            token_embedding: embedding(self.vocab_size, self.d_model),
            position_embedding: embedding(self.context, self.d_model),
            blocks: (0..self.n_layers)
                .map(|_| Block {
                    norm_attention: LayerNormConfig::new(self.d_model).init(device),
                    qkv: linear(self.d_model, 3 * self.d_model),
                    projection: linear(self.d_model, self.d_model),
                    norm_feed_forward: LayerNormConfig::new(self.d_model).init(device),
                    feed_forward_in: linear(self.d_model, self.d_ff),
                    feed_forward_out: linear(self.d_ff, self.d_model),
                    n_heads: self.n_heads,
                })
                .collect(),
            norm: LayerNormConfig::new(self.d_model).init(device),
            head: linear(self.d_model, self.vocab_size),
            context: self.context,
        }
    }
}

/// A parameter's tensor with `values`, tracked for gradients on an autodiff device.
pub(crate) fn parameter<const D: usize>(
    values: Vec<f32>,
    shape: impl Into<burn::tensor::Shape>,
    device: &Device,
) -> Tensor<D> {
    let fresh = Tensor::<D>::from_data(TensorData::new(values, shape), device);
    if device.is_autodiff() {
        fresh.require_grad()
    } else {
        fresh
    }
}

/// Overwrites every 2-D parameter with N(0, INIT_STD) draws from the core's generator.
struct NormalMatrices {
    rng: Rng,
}

impl ModuleMapper for NormalMatrices {
    fn map_float<const D: usize>(&mut self, param: Param<Tensor<D>>) -> Param<Tensor<D>> {
        if D != 2 {
            return param;
        }
        param.map(|tensor| {
            let shape = tensor.shape();
            let device = tensor.device();
            let values: Vec<f32> = (0..shape.num_elements())
                .map(|_| (self.normal() * INIT_STD) as f32)
                .collect();
            parameter(values, shape, &device)
        })
    }
}

impl NormalMatrices {
    /// A standard normal draw (Box-Muller).
    fn normal(&mut self) -> f64 {
        let u1 = 1.0 - self.rng.next_f64(); // (0, 1]: ln is finite
        let u2 = self.rng.next_f64();
        (-2.0 * u1.ln()).sqrt() * (std::f64::consts::TAU * u2).cos()
    }
}

impl Model {
    /// Next-token logits at every position.
    ///
    /// # Shapes
    /// - tokens: `[batch, seq]` with seq <= context
    /// - output: `[batch, seq, vocab]`
    pub fn forward(&self, tokens: Tensor<2, Int>, dropout: &mut Dropout) -> Tensor<3> {
        let [_batch, seq] = tokens.dims();
        let device = tokens.device();
        let positions = Tensor::<1, Int>::arange(0..seq as i64, &device).reshape([1, seq]); // [1, seq]
        let x = self.token_embedding.forward(tokens) + self.position_embedding.forward(positions); // [batch, seq, d_model]
        let mut x = dropout.apply(x, SiteKind::Embedding, None);
        for (i, block) in self.blocks.iter().enumerate() {
            x = block.forward(x, dropout, i);
        }
        per_row(&self.head, self.norm.forward(x)) // [batch, seq, vocab]
    }
}
