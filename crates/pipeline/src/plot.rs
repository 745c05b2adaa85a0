//! SVG charts for the reports, drawn with plotters' SVG backend into strings.

use plotters::prelude::*;

use crate::error::{PipelineError, Result};

/// One named curve of `(x, y)` points.
#[derive(Debug, Clone, PartialEq)]
pub struct Series {
    /// Legend label.
    pub label: String,
    /// Points in drawing order.
    pub points: Vec<(f64, f64)>,
}

/// Which reference line a chart gets.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Reference {
    /// No reference line.
    None,
    /// The diagonal from (0, 0) to (1, 1) (chance for ROC, perfect calibration).
    Diagonal,
    /// A horizontal line at this height (chance for PR: the positive rate).
    Horizontal(f64),
}

/// A line chart on the unit square.
#[derive(Debug, Clone, PartialEq)]
pub struct UnitChart<'a> {
    /// Title above the chart.
    pub title: &'a str,
    /// X axis label.
    pub x_label: &'a str,
    /// Y axis label.
    pub y_label: &'a str,
    /// Reference line.
    pub reference: Reference,
    /// Draw point markers as well as lines.
    pub markers: bool,
    /// Both axes span `[0, extent]` (1 for ROC and PR; smaller to zoom a calibration curve of
    /// rare events).
    pub extent: f64,
}

const PALETTE: [RGBColor; 12] = [
    RGBColor(31, 119, 180),
    RGBColor(255, 127, 14),
    RGBColor(44, 160, 44),
    RGBColor(214, 39, 40),
    RGBColor(148, 103, 189),
    RGBColor(140, 86, 75),
    RGBColor(227, 119, 194),
    RGBColor(127, 127, 127),
    RGBColor(188, 189, 34),
    RGBColor(23, 190, 207),
    RGBColor(0, 0, 128),
    RGBColor(128, 0, 0),
];

/// Renders `series` as an SVG document (`width` × `height` pixels).
///
/// Curves with many points are thinned to at most 400 points each (keeping the first and last)
/// so that the report stays small.
///
/// # Errors
/// [`PipelineError::Plot`] if plotters fails.
pub fn unit_chart_svg(
    chart: &UnitChart<'_>,
    series: &[Series],
    width: u32,
    height: u32,
) -> Result<String> {
    let mut svg = String::new();
    draw(chart, series, &mut svg, width, height).map_err(|e| PipelineError::Plot {
        plot: "unit chart",
        reason: e,
    })?;
    Ok(svg)
}

fn draw(
    chart: &UnitChart<'_>,
    series: &[Series],
    svg: &mut String,
    width: u32,
    height: u32,
) -> std::result::Result<(), String> {
    let err = |e: &dyn std::fmt::Display| e.to_string();
    let root = SVGBackend::with_string(svg, (width, height)).into_drawing_area();
    root.fill(&WHITE).map_err(|e| err(&e))?;
    let mut ctx = ChartBuilder::on(&root)
        .caption(chart.title, ("sans-serif", 16))
        .margin(10)
        .x_label_area_size(35)
        .y_label_area_size(45)
        .build_cartesian_2d(0.0..chart.extent, 0.0..chart.extent)
        .map_err(|e| err(&e))?;
    ctx.configure_mesh()
        .x_desc(chart.x_label)
        .y_desc(chart.y_label)
        .x_labels(6)
        .y_labels(6)
        .light_line_style(RGBColor(235, 235, 235))
        .draw()
        .map_err(|e| err(&e))?;
    let grey = RGBColor(150, 150, 150);
    match chart.reference {
        Reference::None => {}
        Reference::Diagonal => {
            ctx.draw_series(LineSeries::new(
                [(0.0, 0.0), (1.0, 1.0)],
                grey.stroke_width(1),
            ))
            .map_err(|e| err(&e))?;
        }
        Reference::Horizontal(h) => {
            ctx.draw_series(LineSeries::new([(0.0, h), (1.0, h)], grey.stroke_width(1)))
                .map_err(|e| err(&e))?;
        }
    }
    for (i, s) in series.iter().enumerate() {
        let color = PALETTE[i % PALETTE.len()];
        let points = thin(&s.points, 400);
        ctx.draw_series(LineSeries::new(
            points.iter().copied(),
            color.stroke_width(2),
        ))
        .map_err(|e| err(&e))?
        .label(s.label.clone())
        .legend(move |(x, y)| PathElement::new([(x, y), (x + 16, y)], color.stroke_width(2)));
        if chart.markers {
            ctx.draw_series(
                points
                    .iter()
                    .map(|&(x, y)| Circle::new((x, y), 3, color.filled())),
            )
            .map_err(|e| err(&e))?;
        }
    }
    if series.iter().any(|s| !s.label.is_empty()) {
        ctx.configure_series_labels()
            .background_style(WHITE.mix(0.85))
            .border_style(grey)
            .position(SeriesLabelPosition::LowerRight)
            .label_font(("sans-serif", 11))
            .draw()
            .map_err(|e| err(&e))?;
    }
    root.present().map_err(|e| err(&e))?;
    Ok(())
}

/// At most `max` points, evenly spaced by index, always keeping the first and the last.
fn thin(points: &[(f64, f64)], max: usize) -> Vec<(f64, f64)> {
    if points.len() <= max || max < 2 {
        return points.to_vec();
    }
    let step = (points.len() - 1) as f64 / (max - 1) as f64;
    (0..max)
        .map(|i| points[((i as f64 * step).round() as usize).min(points.len() - 1)])
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_an_svg_with_the_labels() {
        let svg = unit_chart_svg(
            &UnitChart {
                title: "ROC",
                x_label: "false positive rate",
                y_label: "true positive rate",
                reference: Reference::Diagonal,
                markers: false,
                extent: 1.0,
            },
            &[Series {
                label: "logreg".into(),
                points: vec![(0.0, 0.0), (0.2, 0.7), (1.0, 1.0)],
            }],
            400,
            300,
        )
        .unwrap();
        assert!(svg.starts_with("<svg"), "{}", &svg[..40.min(svg.len())]);
        assert!(svg.contains("logreg") && svg.contains("ROC"));
    }

    #[test]
    fn thinning_keeps_the_ends() {
        let pts: Vec<(f64, f64)> = (0..1000).map(|i| (i as f64, 0.0)).collect();
        let t = thin(&pts, 10);
        assert_eq!(t.len(), 10);
        assert_eq!(t[0].0, 0.0);
        assert_eq!(t[9].0, 999.0);
    }
}
