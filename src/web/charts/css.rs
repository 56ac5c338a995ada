//! The stylesheet rules charts rely on, kept beside the code that emits the classes.
//!
//! Appended to `static/style.css` by hand (no build step). Series colours are CSS variables with
//! light and dark values; series after the first also differ by dash pattern, so lines stay
//! distinguishable in greyscale print and for readers who cannot tell the colours apart. The
//! variables `--fg` and `--muted` come from the main stylesheet, with fallbacks.

/// Rules for `.chart` (line, bar, small multiples) and `.sparkline` SVGs.
pub const CHART_CSS: &str = r#"
/* Charts (src/web/charts): colours per series, dash patterns for print and greyscale. */
:root {
  --chart-0: #0b63c9; --chart-1: #d1600b; --chart-2: #1a7f37;
  --chart-3: #8250df; --chart-4: #9a6700; --chart-5: #bf3989;
}
@media (prefers-color-scheme: dark) {
  :root { --chart-0: #4493f8; --chart-1: #f0883e; --chart-2: #3fb950;
          --chart-3: #a371f7; --chart-4: #d29922; --chart-5: #db61a2; }
}
.chart { display: block; width: 100%; height: auto; color: var(--fg, currentColor);
  font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; font-size: 11px; }
.chart text { fill: currentColor; }
.chart .axis text { fill: var(--muted, currentColor); }
.chart .axis line { stroke: var(--muted, currentColor); }
.chart .grid line { stroke: currentColor; stroke-opacity: .15; }
.chart .grid line.zero { stroke-opacity: .6; }
.chart .panel-title { font-weight: 600; }
.chart .series-0 { --c: var(--chart-0); --dash: none; }
.chart .series-1 { --c: var(--chart-1); --dash: 6 3; }
.chart .series-2 { --c: var(--chart-2); --dash: 2 2; }
.chart .series-3 { --c: var(--chart-3); --dash: 8 3 2 3; }
.chart .series-4 { --c: var(--chart-4); --dash: 1 3; }
.chart .series-5 { --c: var(--chart-5); --dash: 10 3 2 3 2 3; }
.chart .line, .chart line.swatch { fill: none; stroke: var(--c); stroke-width: 2; stroke-dasharray: var(--dash); }
.chart .point { fill: var(--c); }
.chart .point.hit { fill-opacity: 0; }
.chart .point.hit:hover, .chart .point:hover { fill-opacity: 1; stroke: var(--c); stroke-width: 4; }
.chart .bars rect, .chart rect.swatch { fill: var(--c); }
.chart .bars rect:hover { fill-opacity: .8; }
.sparkline { display: inline-block; vertical-align: middle; max-width: 100%; color: var(--fg, currentColor); }
.sparkline .line { fill: none; stroke: currentColor; stroke-width: 1.5; }
.sparkline .last { fill: var(--chart-0); }
@media print {
  .chart, .sparkline { color: #000; }
  .chart .bars rect, .chart rect.swatch { stroke: #000; stroke-width: .75; stroke-dasharray: var(--dash); }
}
"#;

#[cfg(test)]
mod tests {
    use super::CHART_CSS;

    #[test]
    fn every_series_class_has_a_colour_and_a_dash() {
        for i in 0..super::super::frame::PALETTE {
            assert!(CHART_CSS.contains(&format!(".series-{i} {{ --c: var(--chart-{i}); --dash:")), "series-{i}");
            assert_eq!(CHART_CSS.matches(&format!("--chart-{i}: #")).count(), 2, "light and dark for {i}");
        }
        assert_eq!(CHART_CSS.matches('{').count(), CHART_CSS.matches('}').count());
    }
}
