//! [`Derived`]: state a fitted model computes from its saved parameters on first use (a tree's
//! scoring layouts, the MLP's padded weights), neither saved nor compared.

use std::sync::OnceLock;

/// State derived from a model's parameters, built on first use and kept. Comparisons ignore
/// it: a model that has scored rows equals the same model that has not. Model fields of this
/// type are skipped by serde and start empty.
#[derive(Debug, Clone)]
pub(crate) struct Derived<T>(OnceLock<T>);

impl<T> Derived<T> {
    /// The state, built by `build` the first time.
    pub(crate) fn get_or_init(&self, build: impl FnOnce() -> T) -> &T {
        self.0.get_or_init(build)
    }
}

impl<T> Default for Derived<T> {
    fn default() -> Self {
        Derived(OnceLock::new())
    }
}

impl<T> PartialEq for Derived<T> {
    fn eq(&self, _other: &Self) -> bool {
        true
    }
}
