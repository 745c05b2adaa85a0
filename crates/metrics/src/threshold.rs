//! Threshold choice: which cut-off on P(default) turns scores into decisions.

use serde::{Deserialize, Serialize};

use crate::confusion::check_beta;
use crate::{ConfusionMatrix, MetricsError, Result};

/// How to choose a decision threshold (a sample is flagged positive iff `score >= threshold`).
///
/// **Candidates.** Only the distinct scores of the samples with non-zero weight are considered
/// (the thresholds of [`RankedScores`](crate::RankedScores)); each one is a distinct confusion
/// matrix, and any threshold between two consecutive distinct scores gives the same decisions
/// as the higher of the two. "Flag nobody" (a threshold above the highest score) is not a
/// candidate.
///
/// **Ties.** When several candidates reach the same best objective value exactly, the highest
/// threshold (the one flagging the fewest samples) wins.
///
/// The [`Default`] is [`MinExpectedCost`](Self::MinExpectedCost) with FN:FP = 10:1, the
/// project's stance that missing a defaulter costs ten times a false alarm.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub enum ThresholdObjective {
    /// Maximise the F-beta score (`beta = 1`: F1; `beta > 1` favours recall).
    MaxFBeta {
        /// Weight of recall relative to precision; finite and > 0.
        beta: f64,
    },
    /// Minimise the expected cost per sample,
    /// `(cost_false_negative · FN + cost_false_positive · FP) / total weight`.
    MinExpectedCost {
        /// Cost of missing one positive (a defaulter accepted); finite and >= 0.
        cost_false_negative: f64,
        /// Cost of flagging one negative (a good customer refused); finite and >= 0.
        cost_false_positive: f64,
    },
    /// The highest threshold whose recall is at least `recall` (so the fewest samples flagged
    /// for that recall). The lowest distinct score always reaches recall 1.
    TargetRecall {
        /// Target recall in `[0, 1]`.
        recall: f64,
    },
}

impl Default for ThresholdObjective {
    fn default() -> Self {
        Self::MinExpectedCost {
            cost_false_negative: 10.0,
            cost_false_positive: 1.0,
        }
    }
}

impl ThresholdObjective {
    /// Maximise F1.
    pub fn max_f1() -> Self {
        Self::MaxFBeta { beta: 1.0 }
    }

    /// Validates the parameters.
    ///
    /// # Errors
    /// [`MetricsError::InvalidParameter`] for `beta` not finite or <= 0, a negative or
    /// non-finite cost, both costs zero, or a target recall outside `[0, 1]`.
    pub fn check(&self) -> Result<()> {
        match *self {
            Self::MaxFBeta { beta } => check_beta(beta),
            Self::MinExpectedCost {
                cost_false_negative,
                cost_false_positive,
            } => {
                for (name, cost) in [
                    ("cost_false_negative", cost_false_negative),
                    ("cost_false_positive", cost_false_positive),
                ] {
                    if !(cost.is_finite() && cost >= 0.0) {
                        return Err(MetricsError::param(name, cost, "must be finite and >= 0"));
                    }
                }
                if cost_false_negative == 0.0 && cost_false_positive == 0.0 {
                    return Err(MetricsError::param(
                        "cost_false_negative",
                        0,
                        "the two costs must not both be zero",
                    ));
                }
                Ok(())
            }
            Self::TargetRecall { recall } => {
                if (0.0..=1.0).contains(&recall) {
                    Ok(())
                } else {
                    Err(MetricsError::param("recall", recall, "must be in [0, 1]"))
                }
            }
        }
    }
}

/// The threshold chosen by a [`ThresholdObjective`] and what it does.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct ChosenThreshold {
    /// The threshold: flag a sample iff `score >= threshold`.
    pub threshold: f64,
    /// The confusion matrix at that threshold on the data it was chosen on.
    pub confusion: ConfusionMatrix,
    /// The objective at that threshold: the F-beta score, the expected cost per sample, or the
    /// recall reached.
    pub objective_value: f64,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::RankedScores;

    fn ranked() -> RankedScores {
        // flagged at >= 0.9: 1 TP; at 0.7: +1 FP; at 0.6: +1 TP; at 0.3: +2 FP; at 0.1: +1 TP
        let y = [true, false, true, false, false, true];
        let s = [0.9, 0.7, 0.6, 0.3, 0.3, 0.1];
        RankedScores::new(&y, &s, None).unwrap()
    }

    #[test]
    fn max_f1_picks_the_best_and_breaks_ties_high() {
        let chosen = ranked()
            .choose_threshold(&ThresholdObjective::max_f1())
            .unwrap();
        // F1 = 2TP / (P + TP + FP) by threshold: 0.9 -> 2/4, 0.7 -> 2/5, 0.6 -> 4/6,
        // 0.3 -> 4/8, 0.1 -> 6/9: 0.6 and 0.1 tie exactly and the higher threshold wins.
        assert_eq!(chosen.threshold, 0.6);
        assert!((chosen.objective_value - 2.0 / 3.0).abs() < 1e-15);
        let tie = RankedScores::new(&[true, false, true], &[0.9, 0.5, 0.1], None).unwrap();
        // F1: 0.9 -> 2/3, 0.5 -> 0.5, 0.1 -> 0.8
        let chosen = tie.choose_threshold(&ThresholdObjective::max_f1()).unwrap();
        assert_eq!(chosen.threshold, 0.1);
        let exact_tie =
            RankedScores::new(&[true, false, false, true], &[0.9, 0.8, 0.7, 0.6], None).unwrap();
        // F1: 0.9 -> 2/3, 0.8 -> 0.5, 0.7 -> 0.4, 0.6 -> 2/3: the tie goes to 0.9.
        let chosen = exact_tie
            .choose_threshold(&ThresholdObjective::max_f1())
            .unwrap();
        assert_eq!(chosen.threshold, 0.9);
    }

    #[test]
    fn cost_and_recall_objectives() {
        let r = ranked();
        let cost = r.choose_threshold(&ThresholdObjective::default()).unwrap();
        // cost 10*FN + FP: 0.9 -> 20, 0.7 -> 21, 0.6 -> 11, 0.3 -> 13, 0.1 -> 3
        assert_eq!(cost.threshold, 0.1);
        assert_eq!(cost.objective_value, 3.0 / 6.0);
        let cheap_misses = ThresholdObjective::MinExpectedCost {
            cost_false_negative: 1.0,
            cost_false_positive: 1.0,
        };
        // cost FN + FP: 0.9 -> 2, 0.7 -> 3, 0.6 -> 2, 0.3 -> 4, 0.1 -> 3: tie kept at 0.9
        assert_eq!(r.choose_threshold(&cheap_misses).unwrap().threshold, 0.9);
        let recall = r
            .choose_threshold(&ThresholdObjective::TargetRecall { recall: 0.6 })
            .unwrap();
        assert_eq!(recall.threshold, 0.6);
        assert_eq!(recall.confusion.recall(), 2.0 / 3.0);
        let zero = r
            .choose_threshold(&ThresholdObjective::TargetRecall { recall: 0.0 })
            .unwrap();
        assert_eq!(zero.threshold, 0.9);
    }

    #[test]
    fn bad_parameters_are_errors() {
        let r = ranked();
        for bad in [
            ThresholdObjective::MaxFBeta { beta: 0.0 },
            ThresholdObjective::MaxFBeta { beta: f64::NAN },
            ThresholdObjective::TargetRecall { recall: 1.5 },
            ThresholdObjective::TargetRecall { recall: -0.1 },
            ThresholdObjective::MinExpectedCost {
                cost_false_negative: -1.0,
                cost_false_positive: 1.0,
            },
            ThresholdObjective::MinExpectedCost {
                cost_false_negative: 0.0,
                cost_false_positive: 0.0,
            },
        ] {
            assert!(matches!(
                r.choose_threshold(&bad),
                Err(MetricsError::InvalidParameter { .. })
            ));
        }
        let negatives_only = RankedScores::new(&[false, false], &[0.1, 0.2], None).unwrap();
        assert!(matches!(
            negatives_only.choose_threshold(&ThresholdObjective::max_f1()),
            Err(MetricsError::MissingClass { .. })
        ));
        assert!(
            negatives_only
                .choose_threshold(&ThresholdObjective::default())
                .is_ok()
        );
    }
}
