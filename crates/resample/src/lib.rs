//! # pdscore-resample
//!
//! How pdscore copes with rare defaulters (about 1 in 70) at training time:
//!
//! - **Splits and folds** ([`stratified_split`], [`StratifiedKFold`], [`RepeatedStratifiedKFold`]):
//!   row indices whose class ratio matches the whole data to within one row per class.
//! - **Weights** ([`ClassWeight`], [`sample_weights`], [`balanced_subsample`]): make minority rows
//!   count more without changing the rows.
//! - **Samplers** ([`RandomOverSampler`], [`RandomUnderSampler`], [`Smote`]), all behind the
//!   [`Sampler`] trait and described by the serialisable [`SamplerSpec`]: change the rows so the
//!   classes reach a target ratio ([`SamplingStrategy`]), with imbalanced-learn's semantics.
//!
//! **Resampling only ever runs on the training rows of a fold.** Validation and test rows are
//! never resampled: their class ratio is the real one, and the metrics computed on them must
//! describe the population the model will score. The intended use is: split or fold first, then
//! resample `x[fold.train]` only.
//!
//! The modules' docs give the details: how the folds relate to scikit-learn's ([`split`]), the
//! counts and rounding of the samplers ([`sampler`]), SMOTE and SMOTE-NC ([`smote`]).
//!
//! Every random choice takes a seed (ChaCha8 generator); the same seed and input give the same
//! bytes of output on every platform and for any number of threads. The crate depends on no other
//! pdscore crate: it sees `ArrayView2<f64>` and `&[bool]` labels (`true` = positive / defaulted).
//!
//! ```
//! use ndarray::Array2;
//! use pdscore_resample::{Sampler, SmoteParams, StratifiedKFold};
//!
//! let x = Array2::from_shape_fn((200, 3), |(i, j)| ((i * 7 + j * 13) % 17) as f64);
//! let y: Vec<bool> = (0..200).map(|i| i % 10 == 0).collect();
//! let smote = SmoteParams::new().seed(1).check()?;
//! for fold in StratifiedKFold::new(5).shuffle(true).seed(0).split(&y)? {
//!     let x_train = x.select(ndarray::Axis(0), &fold.train);
//!     let y_train: Vec<bool> = fold.train.iter().map(|&i| y[i]).collect();
//!     let balanced = smote.fit_resample(x_train.view(), &y_train)?;
//!     assert_eq!(balanced.y.iter().filter(|&&v| v).count(), 144); // 16 positives -> 144
//!     // ... fit on `balanced`, evaluate on x[fold.test] as it is.
//! }
//! # Ok::<(), pdscore_resample::ResampleError>(())
//! ```

mod error;
mod knn;
pub mod random;
pub mod sampler;
pub mod smote;
pub mod split;
pub mod weights;

pub use error::ResampleError;
pub use random::{
    RandomOverSampler, RandomOverSamplerParams, RandomUnderSampler, RandomUnderSamplerParams,
};
pub use sampler::{Resampled, Sampler, SamplerSpec, SamplingStrategy};
pub use smote::{Smote, SmoteParams};
pub use split::{Fold, RepeatedStratifiedKFold, StratifiedKFold, stratified_split};
pub use weights::{ClassWeight, ClassWeights, balanced_subsample, sample_weights};

/// Result alias of this crate.
pub type Result<T, E = ResampleError> = std::result::Result<T, E>;
