//! The shipped weights in eight bits, the form the page downloads: every row of a matrix as signed
//! bytes with one f32 scale (its largest magnitude over 127), every vector (biases, norms) as
//! 16-bit integers with one scale. A quarter of the f32 bytes; the model's validation loss moves
//! by under 0.01 nats (tests/model.rs pins it).
//!
//! The file is the parameters in the order the model visits them, each as its rank, its sizes and
//! its rows, after a four-byte mark. Loading reads them back in the same order into a model of the
//! same sizes, so a file of another model is refused by its sizes, never half loaded.
use burn::module::{Module, ModuleMapper, ModuleVisitor, Param};
use burn::tensor::Tensor;

use crate::error::Error;
use crate::model::{parameter, Model};
use crate::values_of;

/// The first bytes of a file in this form (a burnpack file starts otherwise).
const MARK: &[u8; 4] = b"DTq8";

/// Whether `bytes` are weights in this form.
pub fn is_eight_bit(bytes: &[u8]) -> bool {
    bytes.starts_with(MARK)
}

/// The model's weights in this form.
pub fn encode(model: &Model) -> Vec<u8> {
    struct Writer(Vec<u8>);
    impl ModuleVisitor for Writer {
        fn visit_float<const D: usize>(&mut self, param: &Param<Tensor<D>>) {
            let dims = param.val().dims();
            let values = values_of(param.val());
            self.0.push(D as u8);
            for d in dims {
                self.0.extend((d as u32).to_le_bytes());
            }
            if D == 1 {
                write_row::<2>(&mut self.0, &values);
            } else {
                for row in values.chunks(dims[D - 1].max(1)) {
                    write_row::<1>(&mut self.0, row);
                }
            }
        }
    }
    let mut writer = Writer(MARK.to_vec());
    model.visit(&mut writer);
    writer.0
}

/// The largest integer of a `BYTES`-byte signed value: the scale maps a row's largest magnitude to it.
const fn top<const BYTES: usize>() -> f32 {
    ((1u32 << (8 * BYTES - 1)) - 1) as f32
}

/// A row as its scale (f32) and each value divided by it, rounded, as a `BYTES`-byte integer.
fn write_row<const BYTES: usize>(out: &mut Vec<u8>, row: &[f32]) {
    let largest = row.iter().fold(0.0f32, |m, v| m.max(v.abs()));
    let scale = largest / top::<BYTES>();
    out.extend(scale.to_le_bytes());
    for &v in row {
        let q = if scale > 0.0 {
            (v / scale).round() as i32
        } else {
            0
        };
        out.extend(&q.to_le_bytes()[..BYTES]);
    }
}

/// `model` (of the sizes the file was written from) with the weights of `bytes`.
pub fn decode(model: Model, bytes: &[u8]) -> crate::Result<Model> {
    let rest = bytes
        .strip_prefix(MARK)
        .ok_or_else(|| Error::Weights("not eight-bit weights".into()))?;
    let mut reader = Reader {
        bytes: rest,
        problem: None,
    };
    let model = model.map(&mut reader);
    match (reader.problem, reader.bytes.len()) {
        (Some(problem), _) => Err(Error::Weights(problem)),
        (None, 0) => Ok(model),
        (None, left) => Err(Error::Weights(format!(
            "{left} bytes left after the model's weights: a larger model's file"
        ))),
    }
}

/// Reads parameters in visiting order; the first problem stops it (later ones are left as they are).
struct Reader<'a> {
    bytes: &'a [u8],
    problem: Option<String>,
}

impl Reader<'_> {
    fn take(&mut self, n: usize) -> Result<&[u8], String> {
        if self.bytes.len() < n {
            return Err("the weights end early: a smaller model's file, or cut short".into());
        }
        let (head, tail) = self.bytes.split_at(n);
        self.bytes = tail;
        Ok(head)
    }

    fn read_row<const BYTES: usize>(
        &mut self,
        out: &mut Vec<f32>,
        len: usize,
    ) -> Result<(), String> {
        let scale = f32::from_le_bytes(self.take(4)?.try_into().unwrap());
        for value in self.take(len * BYTES)?.chunks_exact(BYTES) {
            let mut wide = [0u8; 4];
            wide[..BYTES].copy_from_slice(value);
            // Sign-extend from BYTES bytes.
            let q = i32::from_le_bytes(wide) << (32 - 8 * BYTES) >> (32 - 8 * BYTES);
            out.push(q as f32 * scale);
        }
        Ok(())
    }

    fn read<const D: usize>(&mut self, dims: [usize; D]) -> Result<Vec<f32>, String> {
        let rank = self.take(1)?[0] as usize;
        let mut stored = Vec::with_capacity(rank);
        for _ in 0..rank {
            stored.push(u32::from_le_bytes(self.take(4)?.try_into().unwrap()) as usize);
        }
        if stored != dims {
            return Err(format!(
                "a parameter of sizes {stored:?} where the model has {dims:?}"
            ));
        }
        let mut values = Vec::with_capacity(dims.iter().product());
        if D == 1 {
            self.read_row::<2>(&mut values, dims[0])?;
        } else {
            let row = dims[D - 1];
            for _ in 0..dims.iter().product::<usize>() / row.max(1) {
                self.read_row::<1>(&mut values, row)?;
            }
        }
        Ok(values)
    }
}

impl ModuleMapper for Reader<'_> {
    fn map_float<const D: usize>(&mut self, param: Param<Tensor<D>>) -> Param<Tensor<D>> {
        if self.problem.is_some() {
            return param;
        }
        param.map(|tensor| {
            let (dims, device) = (tensor.dims(), tensor.device());
            match self.read(dims) {
                Ok(values) => parameter(values, dims, &device),
                Err(problem) => {
                    self.problem = Some(problem);
                    tensor
                }
            }
        })
    }
}
