//! # pdscore-features
//!
//! Column-wise preprocessing **fitted on training rows only**: sparse-column drop, imputation
//! (with missing indicators), categorical encoding with unknown/rare handling, scaling and
//! optional PCA, producing an `Array2<f64>` for the models. Fitting (`FeatureParams::fit`) and
//! transforming (`FittedFeatures::transform`) are different types, so the result for a row never
//! depends on the other rows of the file being scored.
