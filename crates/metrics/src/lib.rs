//! # pdscore-metrics
//!
//! The referee: confusion matrices, precision/recall/F-beta, ROC and PR curves and their AUCs,
//! Brier score, log loss, calibration curves and threshold choice, matching scikit-learn.
//! AUCs are always computed from scores, never from 0/1 decisions.
