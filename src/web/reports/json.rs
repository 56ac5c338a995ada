//! The impact report as JSON: `?format=json` and `/api/v1/reports/{owner}/{name}` answer the same
//! [`ReportJson`], with every figure the page shows, the weekly points behind its charts and the
//! data notes. Names match the CSV's `measure` column; dates are `YYYY-MM-DD` (window ends
//! inclusive), durations seconds, money integer cents beside its ISO 4217 currency (never summed
//! across currencies). `null` means not enough data.

use serde::Serialize;

use super::compute::{Report, Side};
use super::params::{Basis, ReportScope};
use super::text::{EXCLUDED, plain, source_key};
use super::view::day;
use crate::config::Config;
use crate::db::dashboard::PersonWeekRow;
use crate::funding::report::{BeforeAfter, OpenIssues};
use crate::funding::{Grant, Source, Totals};
use crate::metrics::affiliation::Affiliations;
use crate::metrics::unfunded::{UnfundedShare, unfunded_share};
use crate::metrics::{Quantile, Window};
use crate::web::funding::entries::Note;
use crate::web::inputs::{grant_covers, maintainer_work};

#[derive(Debug, Serialize)]
pub struct ReportJson {
    pub repo: String,
    pub generated_at: String,
    pub period: WindowJson,
    /// `grant`, `last_12_months` or `requested`.
    pub basis: &'static str,
    /// The grant that set the period (basis `grant`).
    pub grant: Option<Grant>,
    /// Every configured grant covering the repository.
    pub grants: Vec<Grant>,
    /// The period is still running: measures and money run up to today.
    pub running: bool,
    pub windows: BeforeAfter<WindowJson>,
    pub outputs: OutputsJson,
    pub releases: Vec<ReleaseJson>,
    pub before_after: BeforeAfterJson,
    pub weekly: BeforeAfter<WeeklyJson>,
    pub money_window: WindowJson,
    pub money_received: Vec<MoneyJson>,
    pub summary: String,
    pub notes: Vec<Note>,
    pub excluded: &'static str,
}

/// The report with the unfunded share of maintainer work in the period beside its fields.
#[derive(Debug, Serialize)]
pub struct WithUnfunded<'a> {
    #[serde(flatten)]
    pub report: ReportJson,
    pub unfunded_share: &'a UnfundedShare,
}

/// The unfunded share of the maintainers' work in `window` (the period, up to today) of `repo`,
/// from the report's maintainer weeks, the grants naming people and `affiliations` (the
/// configured ones with what the collector stored applied: `web::affiliations::affiliations`).
pub fn unfunded(
    weeks: &[PersonWeekRow],
    window: Window,
    config: &Config,
    affiliations: &Affiliations,
    repo: &str,
) -> UnfundedShare {
    let inside = weeks.iter().filter(|w| window.from <= w.week && w.week < window.to);
    let grants = grant_covers(&config.funding.grants, &[repo.to_owned()]);
    unfunded_share(&maintainer_work(inside), &grants, affiliations)
}

#[derive(Debug, Serialize)]
pub struct WindowJson {
    /// First day, inclusive.
    pub from: String,
    /// Last day, inclusive (`null` for an empty window).
    pub to: Option<String>,
}

impl WindowJson {
    fn new(w: Window) -> Self {
        WindowJson { from: day(w.from), to: (w.duration() > 0).then(|| day(w.to - 1)) }
    }
}

#[derive(Debug, Serialize)]
pub struct OutputsJson {
    pub merged_prs: u64,
    pub closed_issues: u64,
    pub releases: u64,
    pub new_contributors: u64,
    pub returning_first_timers: u64,
}

#[derive(Debug, Serialize)]
pub struct ReleaseJson {
    pub tag: String,
    pub name: Option<String>,
    pub published_on: String,
    pub prerelease: bool,
}

#[derive(Debug, Clone, Copy, Serialize)]
pub struct MedianJson {
    pub seconds: i64,
    /// More than half of the items were still unanswered: the median is more than `seconds`.
    pub lower_bound: bool,
}

impl MedianJson {
    fn new(q: Option<Quantile>) -> Option<Self> {
        q.map(|q| MedianJson { seconds: q.secs(), lower_bound: !q.is_exact() })
    }
}

#[derive(Debug, Serialize)]
pub struct BeforeAfterJson {
    pub first_response_median: BeforeAfter<Option<MedianJson>>,
    /// Items opened in each window (bots' excluded) and how many are still unanswered.
    pub first_response_items: BeforeAfter<ItemsJson>,
    /// Open issues at each window's start and end.
    pub open_issues: BeforeAfter<Option<OpenIssues>>,
    pub change_request_closure_ratio: BeforeAfter<Option<f64>>,
    /// Pull requests opened and closed (merged or not) in each window.
    pub pull_requests: BeforeAfter<FlowJson>,
    pub active_maintainers: BeforeAfter<Option<u64>>,
    pub active_maintainer_logins: BeforeAfter<Vec<String>>,
}

#[derive(Debug, Serialize)]
pub struct ItemsJson {
    pub items: usize,
    pub unanswered: usize,
}

#[derive(Debug, Serialize)]
pub struct FlowJson {
    pub opened: u64,
    pub closed: u64,
}

/// The points of the charts: weeks start on Sunday; open issues are counted at the window's
/// start, each week start inside it and its end.
#[derive(Debug, Serialize)]
pub struct WeeklyJson {
    pub first_response_median: Vec<WeekMedianJson>,
    pub open_issues: Vec<OpenAtJson>,
    pub pull_requests: Vec<WeekFlowJson>,
    pub active_maintainers: Vec<WeekCountJson>,
}

#[derive(Debug, Serialize)]
pub struct WeekMedianJson {
    pub week: String,
    pub median: Option<MedianJson>,
}

#[derive(Debug, Serialize)]
pub struct OpenAtJson {
    pub at: String,
    pub open: u64,
}

#[derive(Debug, Serialize)]
pub struct WeekFlowJson {
    pub week: String,
    pub opened: u64,
    pub closed: u64,
}

#[derive(Debug, Serialize)]
pub struct WeekCountJson {
    pub week: String,
    pub active: u64,
}

#[derive(Debug, Serialize)]
pub struct MoneyJson {
    /// `github_sponsors`, `open_collective`, `funding_json`, `grants` or `other`.
    pub source: &'static str,
    pub label: String,
    pub currency: String,
    pub cents: i64,
    /// `12000.00`: the cents as a plain decimal.
    pub amount: String,
}

/// Money by source, one entry per currency.
pub fn money(received: &std::collections::BTreeMap<Source, Totals>) -> Vec<MoneyJson> {
    let rows = received.iter().flat_map(|(source, totals)| totals.iter().map(move |m| (*source, m)));
    rows.map(|(source, m)| MoneyJson {
        source: source_key(source),
        label: source.to_string(),
        currency: m.currency.to_string(),
        cents: m.cents,
        amount: plain(m.cents),
    })
    .collect()
}

fn weekly(side: &Side) -> WeeklyJson {
    WeeklyJson {
        first_response_median: side
            .weekly_first_response
            .iter()
            .map(|&(w, q)| WeekMedianJson { week: day(w), median: MedianJson::new(q) })
            .collect(),
        open_issues: side.backlog.iter().map(|&(t, open)| OpenAtJson { at: day(t), open }).collect(),
        pull_requests: side
            .weekly_flow
            .iter()
            .map(|&(w, opened, closed)| WeekFlowJson { week: day(w), opened, closed })
            .collect(),
        active_maintainers: side
            .weekly_active_maintainers
            .iter()
            .map(|&(w, active)| WeekCountJson { week: day(w), active })
            .collect(),
    }
}

pub fn json(r: &Report, scope: &ReportScope, repo: &str, grants: &[Grant], notes: &[Note]) -> ReportJson {
    let (n, s) = (&r.numbers, &r.sides);
    ReportJson {
        repo: repo.to_owned(),
        generated_at: chrono::DateTime::from_timestamp(r.generated_at, 0).map(|t| t.to_rfc3339()).unwrap_or_default(),
        period: WindowJson::new(n.period),
        basis: scope.basis.as_str(),
        grant: match &scope.basis {
            Basis::Grant(g) => Some(g.clone()),
            _ => None,
        },
        grants: grants.to_vec(),
        running: n.after.to < n.period.to,
        windows: BeforeAfter::new(WindowJson::new(n.before), WindowJson::new(n.after)),
        outputs: OutputsJson {
            merged_prs: n.merged_prs,
            closed_issues: n.closed_issues,
            releases: n.releases,
            new_contributors: n.new_contributors,
            returning_first_timers: n.returning_first_timers,
        },
        releases: r
            .releases
            .iter()
            .map(|rel| ReleaseJson {
                tag: rel.tag_name.clone(),
                name: rel.name.clone(),
                published_on: day(rel.published_at),
                prerelease: rel.prerelease,
            })
            .collect(),
        before_after: BeforeAfterJson {
            first_response_median: n.first_response.map(|q| MedianJson::new(*q)),
            first_response_items: s
                .map(|side| ItemsJson { items: side.first_response.total, unanswered: side.first_response.unanswered }),
            open_issues: n.open_issues,
            change_request_closure_ratio: n.closure_ratio,
            pull_requests: s.map(|side| FlowJson { opened: side.closure.opened, closed: side.closure.closed }),
            active_maintainers: n.active_maintainers,
            active_maintainer_logins: s.map(|side| side.load.active_maintainers.clone()),
        },
        weekly: s.map(weekly),
        money_window: WindowJson::new(r.money_window),
        money_received: money(&n.received),
        summary: r.summary.clone(),
        notes: notes.to_vec(),
        excluded: EXCLUDED,
    }
}
