//! Synthetic Klarna-format data (placeholder while the generator is written).
