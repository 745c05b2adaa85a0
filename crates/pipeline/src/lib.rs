//! # pdscore-pipeline
//!
//! The fitted whole (features + model + threshold + model card) saved as one versioned file, and
//! the cross-validated model comparison that picks the best candidate.
