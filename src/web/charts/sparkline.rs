//! Sparklines: a word-sized trend for tables and cards, its numbers in the text alternative.
//!
//! Values are one per week (the dashboard's rollup step), which the alternative text says:
//! "open backlog, 12 weeks: 40 → 52". The y range fits the data (a sparkline shows shape, not
//! magnitude); gaps break the line; the last known value is marked. Unlike full charts it is
//! sized in `em` rather than `width="100%"`, so it sits inline with text and in table cells.

use std::fmt::Write;

use super::data::usable;
use super::scale::{Linear, extent, num, value};
use super::text::escape;

const WIDTH: f64 = 100.0;
const HEIGHT: f64 = 24.0;
/// Keeps the end marker and the stroke inside the box.
const PAD: f64 = 2.5;

/// A ~100×24 trend line with `role="img"`, `<title>` and `aria-label` text alternatives.
pub fn sparkline(values: &[Option<f64>], title: &str) -> String {
    let vals: Vec<Option<f64>> = values.iter().map(|v| v.filter(|x| usable(*x))).collect();
    let alt = escape(&alt_text(title, &vals));
    let body = match extent(vals.iter().flatten().copied()) {
        Some(range) => trend(&vals, range),
        None => r#"<text x="50" y="15" text-anchor="middle" font-size="8">no data</text>"#.to_owned(),
    };
    format!(
        concat!(
            r#"<svg xmlns="http://www.w3.org/2000/svg" class="sparkline" viewBox="0 0 100 24" width="6.25em" "#,
            r#"height="1.5em" preserveAspectRatio="xMidYMid meet" role="img" aria-label="{alt}" "#,
            r#"fill="currentColor"><title>{alt}</title>{body}</svg>"#
        ),
        alt = alt,
        body = body
    )
}

/// `open backlog, 12 weeks: 40 → 52` (unescaped).
fn alt_text(title: &str, vals: &[Option<f64>]) -> String {
    let n = vals.len();
    let weeks = if n == 1 { "week" } else { "weeks" };
    let mut known = vals.iter().flatten();
    match (known.next(), known.last()) {
        (Some(first), Some(last)) => format!("{title}, {n} {weeks}: {} → {}", value(*first), value(*last)),
        (Some(only), None) => format!("{title}, {n} {weeks}: {}", value(*only)),
        _ => format!("{title}: no data"),
    }
}

/// One polyline per run of known values, and a dot on the last known value.
fn trend(vals: &[Option<f64>], range: (f64, f64)) -> String {
    let xs = Linear::new((0.0, vals.len().saturating_sub(1) as f64), PAD, WIDTH - PAD);
    let ys = Linear::new(range, HEIGHT - PAD, PAD);
    let at = |i: usize, v: f64| (num(xs.map(i as f64)), num(ys.map(v)));
    let mut out = String::new();
    let mut run: Vec<String> = Vec::new();
    for (i, v) in vals.iter().enumerate() {
        match v {
            Some(v) => {
                let (x, y) = at(i, *v);
                run.push(format!("{x},{y}"));
            }
            None => flush(&mut out, &mut run),
        }
    }
    flush(&mut out, &mut run);
    if let Some((i, v)) = vals.iter().enumerate().rev().find_map(|(i, v)| v.map(|v| (i, v))) {
        let (x, y) = at(i, v);
        let _ = write!(out, r#"<circle class="last" cx="{x}" cy="{y}" r="2"/>"#);
    }
    out
}

fn flush(out: &mut String, run: &mut Vec<String>) {
    if run.len() > 1 {
        let _ = write!(
            out,
            r#"<polyline class="line" points="{}" fill="none" stroke="currentColor" stroke-width="1.5"/>"#,
            run.join(" ")
        );
    }
    run.clear();
}

#[cfg(test)]
mod tests {
    use super::super::testkit::{assert_safe, assert_well_formed};
    use super::*;

    fn spark(values: &[Option<f64>], title: &str) -> String {
        let svg = sparkline(values, title);
        assert_well_formed(&svg);
        assert!(svg.contains(r#"role="img""#) && svg.contains("viewBox") && svg.contains("<title>"));
        assert!(!svg.contains("NaN") && !svg.contains("inf"), "{svg}");
        svg
    }

    #[test]
    fn the_text_alternative_gives_span_and_ends() {
        let mut values = vec![Some(40.0); 11];
        values.push(Some(52.0));
        let svg = spark(&values, "open backlog");
        assert!(svg.contains(r#"aria-label="open backlog, 12 weeks: 40 → 52""#), "{svg}");
        assert!(svg.contains("<title>open backlog, 12 weeks: 40 → 52</title>"));
        assert!(svg.contains(r#"<circle class="last" cx="97.5""#));
        assert_eq!(svg.matches("<polyline").count(), 1);
    }

    #[test]
    fn empty_single_and_constant_inputs_render() {
        assert!(spark(&[], "x").contains(r#"aria-label="x: no data""#));
        assert!(spark(&[None, Some(f64::NAN)], "x").contains(">no data</text>"));
        let single = spark(&[Some(7.0)], "x");
        assert!(single.contains("1 week: 7") && single.contains(r#"cx="50" cy="12""#), "{single}");
        assert!(spark(&[Some(3.0); 5], "x").contains(r#"points="2.5,12 "#));
    }

    #[test]
    fn gaps_split_the_line_and_the_last_known_value_is_marked() {
        let svg = spark(&[Some(1.0), Some(2.0), None, Some(3.0), Some(4.0), None], "x");
        assert_eq!(svg.matches("<polyline").count(), 2);
        assert!(svg.contains("6 weeks: 1 → 4"));
        assert!(svg.contains(r#"<circle class="last" cx="78.5" cy="2.5""#), "{svg}");
    }

    #[test]
    fn hostile_titles_are_escaped() {
        let svg = spark(&[Some(1.0)], "\"onload=alert(1) <script>");
        assert_safe(&svg);
    }
}
