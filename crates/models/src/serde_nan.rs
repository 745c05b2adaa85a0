//! Serde helpers for float vectors that may hold non-finite values.
//!
//! JSON has no `NaN` or infinity: `serde_json` writes them as `null` and then refuses to read
//! `null` back as an `f64`, so a fitted model holding one (e.g. a gradient-boosting split whose
//! threshold is "missing vs present", or an open-ended bin bound) would save but not load, or
//! load changed. Fields annotated with `#[serde(with = "crate::serde_nan::vec")]` write `NaN` as
//! `null` and the infinities as the strings `"inf"` and `"-inf"`, and read them back exactly;
//! finite values are written as plain numbers, so files without non-finite values are unchanged.

/// `Vec<f64>` with non-finite values encoded as described in the [module docs](super).
pub mod vec {
    use serde::de::Error as _;
    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    #[derive(Serialize, Deserialize)]
    #[serde(untagged)]
    enum Cell {
        Number(f64),
        Text(String),
        Missing(Option<()>),
    }

    /// Writes `NaN` as `null`, `±inf` as `"inf"` / `"-inf"`.
    pub fn serialize<S: Serializer>(values: &[f64], serializer: S) -> Result<S::Ok, S::Error> {
        let cells: Vec<Cell> = values
            .iter()
            .map(|&v| {
                if v.is_nan() {
                    Cell::Missing(None)
                } else if v == f64::INFINITY {
                    Cell::Text("inf".into())
                } else if v == f64::NEG_INFINITY {
                    Cell::Text("-inf".into())
                } else {
                    Cell::Number(v)
                }
            })
            .collect();
        cells.serialize(serializer)
    }

    /// Reads what [`serialize`] writes.
    pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Vec<f64>, D::Error> {
        Vec::<Cell>::deserialize(deserializer)?
            .into_iter()
            .map(|cell| match cell {
                Cell::Number(v) => Ok(v),
                Cell::Missing(_) => Ok(f64::NAN),
                Cell::Text(t) => match t.as_str() {
                    "inf" => Ok(f64::INFINITY),
                    "-inf" => Ok(f64::NEG_INFINITY),
                    "NaN" => Ok(f64::NAN),
                    other => Err(D::Error::custom(format!("not a number: {other:?}"))),
                },
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use serde::{Deserialize, Serialize};

    #[derive(Debug, Serialize, Deserialize)]
    struct Holder {
        #[serde(with = "super::vec")]
        values: Vec<f64>,
    }

    #[test]
    fn non_finite_values_survive_a_json_round_trip() {
        let values = vec![
            0.5,
            f64::NAN,
            -1.0,
            f64::INFINITY,
            f64::NEG_INFINITY,
            1e-300,
        ];
        let json = serde_json::to_string(&Holder {
            values: values.clone(),
        })
        .unwrap();
        assert_eq!(json, r#"{"values":[0.5,null,-1.0,"inf","-inf",1e-300]}"#);
        let back: Holder = serde_json::from_str(&json).unwrap();
        for (a, b) in back.values.iter().zip(&values) {
            assert!(
                a.to_bits() == b.to_bits() || (a.is_nan() && b.is_nan()),
                "{a} vs {b}"
            );
        }
        assert!(serde_json::from_str::<Holder>(r#"{"values":["x"]}"#).is_err());
    }
}
