//! # pdscore-web
//!
//! The analyst-facing web app (axum): upload a CSV, see a PD per row and the run log, download
//! the results; a JSON API and the model card page.
