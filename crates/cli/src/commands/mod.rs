//! One module per subcommand.

pub mod common;
pub mod evaluate;
pub mod generate;
pub mod inspect;
pub mod monitor;
pub mod predict;
pub mod scorecard;
pub mod serve;
pub mod train;
