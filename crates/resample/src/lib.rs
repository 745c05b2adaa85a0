//! # pdscore-resample
//!
//! Stratified splits and k-fold, class and sample weights, random over/under-sampling and SMOTE,
//! every function seeded. Resampling only ever touches training folds.
