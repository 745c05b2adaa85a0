//! The scoring pass of a fitted MLP: every layer of a block of rows in one kernel, with no
//! matrix library.
//!
//! Training multiplies whole mini-batches with ndarray's `dot`; scoring has different needs.
//! Its products are thin (a block of rows times a 40 × 32 weight matrix), so `dot` spent as
//! much time packing its operands, adding the bias, applying ReLU and multiplying the one
//! output column, in separate passes, as in the product itself. Here [`ROWS`] rows go through
//! all the layers while their activations stay in registers or the L1 cache:
//!
//! - Each hidden layer's weights are laid out in chunks of [`UNITS`] output units, the layer
//!   padded with zero units to a whole number of chunks ([`ScoringNet::new`]). For each chunk,
//!   `ROWS × UNITS` running sums start at the bias and take one multiply-add per input value,
//!   in input order; ReLU is applied as they are stored.
//! - The output unit's sum runs over the last hidden layer in lanes of eight, which are then
//!   added in a fixed order.
//!
//! Every row's sums are taken in the same order whichever rows share its block, so a row's
//! score does not depend on the other rows (the tail block is filled with a row of zeros). The
//! work is compiled for the processor's fused multiply-add
//! ([`crate::cpu::run_with_fused_multiply_add`]): with FMA each multiply-add rounds once, so
//! scores differ from training's `dot` products (and from a processor without FMA) in the last
//! bits, as `dot`'s own kernels differ between processors.

use crate::cpu::{MultiplyAddWork, run_with_fused_multiply_add};

use super::Dense;

/// Rows scored side by side with AVX-512 (one at a time with 16 vector registers).
pub(super) const ROWS: usize = 4;

/// Output units computed together: a hidden layer is padded to a multiple of this.
pub(super) const UNITS: usize = 32;

/// Lanes of the output unit's sum.
const OUTPUT_LANES: usize = 8;

/// One hidden layer, padded: `weights[(c * fan_in + j) * UNITS + k]` is the weight from input
/// `j` to unit `c * UNITS + k` (0 for padding units), so that a chunk's weights are contiguous.
#[derive(Debug, Clone)]
struct PaddedLayer {
    fan_in: usize,
    chunks: usize,
    weights: Vec<f64>,
    bias: Vec<f64>,
}

/// A fitted MLP laid out for scoring: hidden layers padded to whole chunks of [`UNITS`] (a
/// padding unit has zero weights and bias, so its activation is 0 and the next layer's zero
/// weights ignore it), then the output unit.
#[derive(Debug, Clone)]
pub(super) struct ScoringNet {
    hidden: Vec<PaddedLayer>,
    /// The output unit's weights over the last hidden layer's padded units.
    output_weights: Vec<f64>,
    output_bias: f64,
    /// The widest padded hidden layer.
    widest: usize,
}

impl ScoringNet {
    /// The layout of `layers` (hidden layers with ReLU, then one output unit); their shapes
    /// must chain, as [`super::FittedMlp`] checks before scoring.
    pub(super) fn new(layers: &[Dense]) -> Self {
        let (output, hidden) = layers.split_last().expect("a network has an output layer");
        let mut padded_hidden = Vec::with_capacity(hidden.len());
        // The width each layer reads: the inputs, then the previous layer's padded width.
        let mut fan_in = hidden
            .first()
            .map_or(output.weights.nrows(), |layer| layer.weights.nrows());
        for layer in hidden {
            let fan_out = layer.weights.ncols();
            let chunks = fan_out.div_ceil(UNITS);
            let mut weights = vec![0.0; chunks * fan_in * UNITS];
            for ((j, u), &w) in layer.weights.indexed_iter() {
                weights[((u / UNITS) * fan_in + j) * UNITS + u % UNITS] = w;
            }
            let mut bias = vec![0.0; chunks * UNITS];
            for (padded, &b) in bias.iter_mut().zip(&layer.bias) {
                *padded = b;
            }
            padded_hidden.push(PaddedLayer {
                fan_in,
                chunks,
                weights,
                bias,
            });
            fan_in = chunks * UNITS;
        }
        // The output reads `fan_in` values: the last padded hidden layer (or the inputs of a
        // network without one), in lanes of eight.
        let mut output_weights = vec![0.0; fan_in.div_ceil(OUTPUT_LANES) * OUTPUT_LANES];
        for (j, &w) in output.weights.column(0).iter().enumerate() {
            output_weights[j] = w;
        }
        let widest = padded_hidden
            .iter()
            .map(|layer| layer.chunks * UNITS)
            .max()
            .unwrap_or(0);
        ScoringNet {
            hidden: padded_hidden,
            output_weights,
            output_bias: output.bias[0],
            widest,
        }
    }

    /// Writes the logit of each row of `rows` (row-major, `p` values each, `p` the network's
    /// inputs) to `out` (one per row).
    pub(super) fn logits(&self, rows: &[f64], p: usize, out: &mut [f64]) {
        let mut work = Logits {
            net: self,
            rows,
            p,
            out,
        };
        run_with_fused_multiply_add(&mut work);
    }
}

/// The logits of a block of rows, as [`MultiplyAddWork`].
struct Logits<'a> {
    net: &'a ScoringNet,
    rows: &'a [f64],
    p: usize,
    out: &'a mut [f64],
}

impl MultiplyAddWork for Logits<'_> {
    #[allow(clippy::inline_always)]
    #[inline(always)]
    fn run<const FUSED: bool, const WIDE: bool>(&mut self) {
        // With 16 vector registers, the sums of more than one row would not fit.
        if WIDE {
            self.score::<FUSED, ROWS>();
        } else {
            self.score::<FUSED, 1>();
        }
    }
}

impl Logits<'_> {
    /// The logits, `R` rows at a time.
    #[allow(clippy::inline_always)]
    #[inline(always)]
    fn score<const FUSED: bool, const R: usize>(&mut self) {
        let net = self.net;
        let p = self.p;
        let zeros = vec![0.0; p];
        // Two activation buffers of `ROWS` rows of the widest layer, read and written in turn.
        let mut buffers = [vec![0.0; R * net.widest], vec![0.0; R * net.widest]];
        for (block, out) in self.out.chunks_mut(R).enumerate() {
            let first = block * R;
            // Rows past the end read zeros; their logits are dropped.
            let inputs: [&[f64]; R] = std::array::from_fn(|r| {
                let row = first + r;
                if r < out.len() {
                    &self.rows[row * p..(row + 1) * p]
                } else {
                    &zeros[..]
                }
            });
            let mut width = p;
            let mut read_inputs = true;
            for layer in &net.hidden {
                let [front, back] = &mut buffers;
                if read_inputs {
                    affine_relu::<FUSED, R>(layer, |r, j| inputs[r][j], front);
                    read_inputs = false;
                } else {
                    affine_relu::<FUSED, R>(layer, |r, j| front[r * width + j], back);
                    std::mem::swap(front, back);
                }
                width = layer.chunks * UNITS;
            }
            // A plain loop, not `array::from_fn`: a closure handed to a function that is not
            // inlined would be compiled without the caller's FMA, and `mul_add` then calls libm.
            let last = &buffers[0];
            for (r, logit) in out.iter_mut().enumerate() {
                *logit = if read_inputs {
                    output_sum::<FUSED>(net, inputs[r])
                } else {
                    output_sum::<FUSED>(net, &last[r * width..(r + 1) * width])
                };
            }
        }
    }
}

/// `a * b + c`, fused (rounded once) when `FUSED`.
#[allow(clippy::inline_always)]
#[inline(always)]
fn multiply_add<const FUSED: bool>(a: f64, b: f64, c: f64) -> f64 {
    if FUSED { a.mul_add(b, c) } else { a * b + c }
}

/// One hidden layer over a block: `out[r * width + u] = relu(bias[u] + sum_j input(r, j) *
/// w[j][u])` for the `R` rows, `width` the layer's padded width.
#[allow(clippy::inline_always)]
#[inline(always)]
fn affine_relu<const FUSED: bool, const R: usize>(
    layer: &PaddedLayer,
    input: impl Fn(usize, usize) -> f64,
    out: &mut [f64],
) {
    let width = layer.chunks * UNITS;
    let (biases, _) = layer.bias.as_chunks::<UNITS>();
    let chunk_weights = layer.weights.chunks_exact(layer.fan_in * UNITS);
    for (c, (bias, weights)) in biases.iter().zip(chunk_weights).enumerate() {
        let mut sums = [*bias; R];
        let (weights, _) = weights.as_chunks::<UNITS>();
        for (j, w) in weights.iter().enumerate() {
            for (r, sum) in sums.iter_mut().enumerate() {
                let a = input(r, j);
                for (s, &wk) in sum.iter_mut().zip(w) {
                    *s = multiply_add::<FUSED>(a, wk, *s);
                }
            }
        }
        for (r, sum) in sums.iter().enumerate() {
            let start = r * width + c * UNITS;
            for (o, &s) in out[start..start + UNITS].iter_mut().zip(sum) {
                *o = s.max(0.0);
            }
        }
    }
}

/// The output unit's logit for one row of the last layer's activations (or of the inputs).
#[allow(clippy::inline_always)]
#[inline(always)]
fn output_sum<const FUSED: bool>(net: &ScoringNet, activations: &[f64]) -> f64 {
    let mut lanes = [0.0; OUTPUT_LANES];
    let (weights, _) = net.output_weights.as_chunks::<OUTPUT_LANES>();
    let mut values = activations.chunks(OUTPUT_LANES);
    for w in weights {
        let a = values.next().unwrap_or(&[]);
        for (k, lane) in lanes.iter_mut().enumerate() {
            *lane = multiply_add::<FUSED>(a.get(k).copied().unwrap_or(0.0), w[k], *lane);
        }
    }
    let [l0, l1, l2, l3, l4, l5, l6, l7] = lanes;
    net.output_bias + (((l0 + l4) + (l2 + l6)) + ((l1 + l5) + (l3 + l7)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::Array2;
    use rand::{Rng, SeedableRng};
    use rand_chacha::ChaCha8Rng;

    /// A network of the given shape with random weights and biases.
    fn network(rng: &mut ChaCha8Rng, inputs: usize, hidden: &[usize]) -> Vec<Dense> {
        let mut layers = super::super::initial_layers(inputs, hidden, rng);
        for layer in &mut layers {
            layer.bias.mapv_inplace(|_| rng.gen_range(-0.5..0.5));
        }
        layers
    }

    /// The logits of the unfused kernel, whatever the processor, one row at a time or
    /// [`ROWS`] (`wide`).
    fn unfused_logits(net: &ScoringNet, rows: &[f64], p: usize, out: &mut [f64], wide: bool) {
        let mut work = Logits { net, rows, p, out };
        if wide {
            work.run::<false, true>();
        } else {
            work.run::<false, false>();
        }
    }

    #[test]
    fn the_kernel_matches_the_training_forward_pass_for_every_shape() {
        let mut rng = ChaCha8Rng::seed_from_u64(5);
        // Widths below, at and above a chunk, two hidden layers, and the output alone (only
        // a hand-made or loaded model has no hidden layer).
        for (p, hidden) in [
            (7, vec![5]),
            (40, vec![32]),
            (13, vec![33, 70]),
            (3, vec![64, 1]),
            (6, vec![]),
        ] {
            let layers = network(&mut rng, p, &hidden);
            let net = ScoringNet::new(&layers);
            for n in [1, ROWS - 1, ROWS, ROWS + 1, 50] {
                let x = Array2::from_shape_fn((n, p), |_| rng.gen_range(-3.0..3.0));
                let reference = super::super::logits(&layers, x.view());
                let rows = x.as_slice().expect("standard layout");
                let (mut fused, mut unfused, mut unfused_wide) =
                    (vec![0.0; n], vec![0.0; n], vec![0.0; n]);
                net.logits(rows, p, &mut fused);
                unfused_logits(&net, rows, p, &mut unfused, false);
                unfused_logits(&net, rows, p, &mut unfused_wide, true);
                for r in 0..n {
                    let tolerance = 1e-12 * (1.0 + reference[r].abs());
                    // One row at a time or four: the same sums in the same order.
                    assert_eq!(unfused[r].to_bits(), unfused_wide[r].to_bits());
                    for (name, z) in [("dispatched", fused[r]), ("unfused", unfused[r])] {
                        assert!(
                            (z - reference[r]).abs() <= tolerance,
                            "{name}, {p} inputs, hidden {hidden:?}, row {r} of {n}: {z} vs {}",
                            reference[r]
                        );
                    }
                }
            }
        }
    }

    #[test]
    fn a_row_scores_the_same_alone_or_in_any_block() {
        let mut rng = ChaCha8Rng::seed_from_u64(6);
        let p = 9;
        let layers = network(&mut rng, p, &[40, 12]);
        let net = ScoringNet::new(&layers);
        let n = 3 * ROWS + 2;
        let rows: Vec<f64> = (0..n * p).map(|_| rng.gen_range(-2.0..2.0)).collect();
        let mut together = vec![0.0; n];
        net.logits(&rows, p, &mut together);
        for r in 0..n {
            let mut alone = [0.0];
            net.logits(&rows[r * p..(r + 1) * p], p, &mut alone);
            assert_eq!(alone[0].to_bits(), together[r].to_bits(), "row {r}");
            // And shifted to another place in a block.
            let mut shifted = [0.0; 2];
            let mut two = rows[r * p..(r + 1) * p].to_vec();
            two.splice(0..0, rows[..p].iter().copied());
            net.logits(&two, p, &mut shifted);
            assert_eq!(shifted[1].to_bits(), together[r].to_bits(), "row {r}");
        }
    }
}
