//! The impact report page: its template struct and the rows, figures and disclosures it shows,
//! formatted from a [`Report`]. Charts are small multiples, "Before" and "During" panels on one
//! y scale from zero, one chart per measure; each figure says in words what it shows, so it
//! stands alone in a printed report.

use askama::Template;

use super::compute::{Report, Side};
use super::params::{Basis, ReportScope};
use crate::funding::report::{
    CLOSED_ISSUES, MERGED_PRS, MONEY_RECEIVED, NEW_CONTRIBUTORS, OPEN_ISSUES_AT, RELEASES, RETURNING_FIRST_TIMERS,
};
use crate::funding::{Grant, report::BeforeAfter};
use crate::metrics::closing::CHANGE_REQUEST_CLOSURE_RATIO;
use crate::metrics::load::MAINTAINER_LOAD;
use crate::metrics::response::TIME_TO_FIRST_RESPONSE;
use crate::metrics::{Definition, Explain, Window, fmt_window};
use crate::web::charts::{self, BarLayout, Panel, PanelKind, Series, XAxis};
use crate::web::format;
use crate::web::funding::entries::Note;

/// One output of the period.
pub struct OutputRow {
    pub id: &'static str,
    pub label: &'static str,
    pub value: u64,
    pub explain: Explain,
}

/// One before/after measure: the value and a short detail on each side.
pub struct CompareRow {
    pub id: &'static str,
    pub label: &'static str,
    pub before: String,
    pub before_detail: String,
    pub after: String,
    pub after_detail: String,
    pub explain: Explain,
}

/// A numbered chart with its caption and a closing line giving its numbers in words.
pub struct Figure {
    pub id: &'static str,
    pub number: usize,
    pub caption: &'static str,
    pub svg: String,
    pub note: String,
}

pub struct ReleaseView {
    pub tag: String,
    pub name: String,
    pub date: String,
    pub prerelease: bool,
}

#[derive(Template)]
#[template(path = "funding/report.html")]
pub struct ReportPage {
    pub repo: String,
    pub github_url: Option<String>,
    pub path: String,
    pub api_path: String,
    /// `from=…&to=…&` when the request named dates (kept in export links), else empty.
    pub keep: String,
    pub period: String,
    pub basis: String,
    pub windows: BeforeAfter<String>,
    pub running: bool,
    pub summary: String,
    pub outputs: Vec<OutputRow>,
    pub compare: Vec<CompareRow>,
    pub figures: Vec<Figure>,
    pub money: Vec<(String, String)>,
    pub money_explain: Explain,
    pub grants: Vec<Grant>,
    pub releases: Vec<ReleaseView>,
    pub notes: Vec<Note>,
    pub generated: String,
    /// The unfunded share of maintainer work in the period ([`super::json::unfunded`]).
    pub unfunded: crate::metrics::unfunded::UnfundedShare,
}

impl ReportPage {
    /// The JSON mirror of this report, keeping the requested dates.
    pub fn json_href(&self) -> String {
        match self.keep.trim_end_matches('&') {
            "" => self.api_path.clone(),
            dates => format!("{}?{dates}", self.api_path),
        }
    }
}

/// `2026-01-01 – 2026-12-31` (the last day included).
pub fn dates(w: Window) -> String {
    if w.duration() == 0 {
        return format!("none (from {})", day(w.from));
    }
    format!("{} – {}", day(w.from), day(w.to - 1))
}

pub use crate::web::format::day;

/// What the period is, in words.
pub fn basis(scope: &ReportScope) -> String {
    match &scope.basis {
        Basis::Grant(g) => format!(
            "the latest grant for this repository: {} from {}{}",
            g.amount,
            g.funder,
            if g.purpose.is_empty() { String::new() } else { format!(" ({})", g.purpose) }
        ),
        Basis::LastTwelveMonths => "the last twelve months (no grant is configured for this repository)".to_owned(),
        Basis::Requested => "the dates asked for".to_owned(),
    }
}

pub fn outputs(r: &Report) -> Vec<OutputRow> {
    let n = &r.numbers;
    let row = |id, label, value: u64, d: &Definition| OutputRow {
        id,
        label,
        value,
        explain: d.explain(vec![("period", fmt_window(n.period)), ("count", value.to_string())]),
    };
    vec![
        row("merged-prs", "Merged pull requests", n.merged_prs, &MERGED_PRS),
        row("closed-issues", "Closed issues", n.closed_issues, &CLOSED_ISSUES),
        row("releases", "Releases", n.releases, &RELEASES),
        row("new-contributors", "New contributors", n.new_contributors, &NEW_CONTRIBUTORS),
        row("returning-first-timers", "First-timers who came back", n.returning_first_timers, &RETURNING_FIRST_TIMERS),
    ]
}

/// The before/after table; each disclosure lists both windows' inputs.
pub fn compare(r: &Report) -> Vec<CompareRow> {
    let s = &r.sides;
    let windows = || vec![("before", fmt_window(s.before.window)), ("during", fmt_window(s.after.window))];
    let with = |d: &Definition, mut inputs: Vec<(&'static str, String)>| {
        let mut all = windows();
        all.append(&mut inputs);
        d.explain(all)
    };
    let ttfr = |side: &Side| {
        let f = &side.first_response;
        format!("{} items, {} unanswered", f.total, f.unanswered)
    };
    let backlog = |side: &Side| side.open_issues().map_or("—".to_owned(), |o| format!("{} → {}", o.start, o.end));
    let closure = |side: &Side| format!("{} closed, {} opened", side.closure.closed, side.closure.opened);
    let active = |side: &Side| side.load.active_maintainers.join(", ");
    let n = &r.numbers;
    vec![
        CompareRow {
            id: "first-response",
            label: "Median time to first response",
            before: format::quantile(n.first_response.before),
            before_detail: ttfr(&s.before),
            after: format::quantile(n.first_response.after),
            after_detail: ttfr(&s.after),
            explain: with(
                &TIME_TO_FIRST_RESPONSE,
                vec![("items before", ttfr(&s.before)), ("items during", ttfr(&s.after))],
            ),
        },
        CompareRow {
            id: "open-issues",
            label: "Open issues (window start → end)",
            before: backlog(&s.before),
            before_detail: String::new(),
            after: backlog(&s.after),
            after_detail: String::new(),
            explain: with(&OPEN_ISSUES_AT, vec![("before", backlog(&s.before)), ("during", backlog(&s.after))]),
        },
        CompareRow {
            id: "closure-ratio",
            label: "Change request closure ratio",
            before: format::ratio(n.closure_ratio.before),
            before_detail: closure(&s.before),
            after: format::ratio(n.closure_ratio.after),
            after_detail: closure(&s.after),
            explain: with(
                &CHANGE_REQUEST_CLOSURE_RATIO,
                vec![("pull requests before", closure(&s.before)), ("pull requests during", closure(&s.after))],
            ),
        },
        CompareRow {
            id: "active-maintainers",
            label: "Active maintainers",
            before: n.active_maintainers.before.map_or("—".to_owned(), |m| m.to_string()),
            before_detail: active(&s.before),
            after: n.active_maintainers.after.map_or("—".to_owned(), |m| m.to_string()),
            after_detail: active(&s.after),
            explain: with(
                &MAINTAINER_LOAD,
                vec![
                    ("maintainers on the roster", s.after.load.maintainers.to_string()),
                    ("active before", active(&s.before)),
                    ("active during", active(&s.after)),
                ],
            ),
        },
    ]
}

pub fn money_explain(r: &Report) -> Explain {
    let mut inputs = vec![("window", fmt_window(r.money_window))];
    inputs.extend(r.numbers.received.iter().map(|(source, totals)| ("received", format!("{source}: {totals}"))));
    MONEY_RECEIVED.explain(inputs)
}

/// One chart per measure: "Before" and "During" panels of weekly points.
pub fn figures(r: &Report) -> Vec<Figure> {
    let s = &r.sides;
    let panels = |kind: PanelKind, series: &dyn Fn(&Side) -> Vec<Series>| -> Vec<Panel> {
        [("Before", &s.before), ("During", &s.after)]
            .into_iter()
            .map(|(name, side)| Panel {
                title: format!("{name}: {}", dates(side.window)),
                kind,
                series: series(side),
                x_labels: XAxis::Dates,
            })
            .collect()
    };
    let x = |t: i64| t as f64;
    let hours = |side: &Side| {
        let points = side.weekly_first_response.iter();
        vec![Series::new(
            "median hours",
            points.map(|&(w, q)| (x(w), q.filter(|q| q.is_exact()).map(|q| q.secs() as f64 / 3_600.0))).collect(),
        )]
    };
    let open = |side: &Side| {
        vec![Series::new("open issues", side.backlog.iter().map(|&(t, n)| (x(t), Some(n as f64))).collect())]
    };
    let flow = |side: &Side| {
        let (o, c): (Vec<_>, Vec<_>) =
            side.weekly_flow.iter().map(|&(w, o, c)| ((x(w), Some(o as f64)), (x(w), Some(c as f64)))).unzip();
        vec![Series::new("opened", o), Series::new("closed", c)]
    };
    let active = |side: &Side| {
        let points = side.weekly_active_maintainers.iter().map(|&(w, n)| (x(w), Some(n as f64))).collect();
        vec![Series::new("active maintainers", points)]
    };
    let n = &r.numbers;
    let figure = |number: usize, id, caption, svg, note: String| Figure { id, number, caption, svg, note };
    let bars = PanelKind::Bars(BarLayout::Grouped);
    vec![
        figure(
            1,
            "figure-first-response",
            "Median time to first response, in hours, by week opened",
            charts::small_multiples("Median time to first response by week", &panels(PanelKind::Line, &hours)),
            format!(
                "Figure 1 data: median {} before ({}), {} during ({}). Weeks without items, or where more than half \
                 are still unanswered, are left blank.",
                format::quantile(n.first_response.before),
                items(&s.before),
                format::quantile(n.first_response.after),
                items(&s.after)
            ),
        ),
        figure(
            2,
            "figure-open-issues",
            "Open issues at each week start",
            charts::small_multiples("Open issues, weekly", &panels(PanelKind::Line, &open)),
            format!(
                "Figure 2 data: open issues went {} before and {} during the period.",
                moved(&s.before),
                moved(&s.after)
            ),
        ),
        figure(
            3,
            "figure-pull-requests",
            "Pull requests opened and closed per week",
            charts::small_multiples("Pull requests opened and closed per week", &panels(bars, &flow)),
            format!(
                "Figure 3 data: before, {} (closure ratio {}); during, {} (closure ratio {}).",
                flow_words(&s.before),
                format::ratio(n.closure_ratio.before),
                flow_words(&s.after),
                format::ratio(n.closure_ratio.after)
            ),
        ),
        figure(
            4,
            "figure-maintainers",
            "Active maintainers per week",
            charts::small_multiples("Active maintainers per week", &panels(bars, &active)),
            format!(
                "Figure 4 data: {} maintainers active over the window before, {} during.",
                s.before.load.active_maintainer_count, s.after.load.active_maintainer_count
            ),
        ),
    ]
}

fn items(side: &Side) -> String {
    let n = side.first_response.total;
    format!("{n} {}", if n == 1 { "item" } else { "items" })
}

fn moved(side: &Side) -> String {
    side.open_issues().map_or("unknown".to_owned(), |o| format!("from {} to {}", o.start, o.end))
}

fn flow_words(side: &Side) -> String {
    format!("{} opened and {} closed", side.closure.opened, side.closure.closed)
}
