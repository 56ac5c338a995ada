//! View models of the maintainer pages: a [`Dashboard`] turned into the cards, table rows and
//! charts a template prints. Formatting lives here so templates stay simple.

use super::dashboard::{Dashboard, Responsiveness};
use super::rollup::CardMeasures;
use crate::metrics::{DAY, Explain, response::ResponseSummary};
use crate::web::format::{self, percent, quantile, ratio, seconds};
use crate::web::{
    charts::{self, BarChart, BarLayout, LineChart, Series},
    parts::Card,
};

/// One row of the response-time table.
pub struct ResponseRow {
    pub kind: &'static str,
    pub split: &'static str,
    pub median: String,
    pub p90: String,
    pub answered: usize,
    pub unanswered: usize,
    pub explain: Explain,
}

pub struct LoadRow {
    pub login: String,
    pub responses: u64,
    pub reviews: u64,
    pub merges: u64,
    pub triage: u64,
    pub share: String,
}

pub struct UnansweredView {
    pub repo: String,
    pub number: i64,
    pub title: String,
    pub kind: &'static str,
    pub author: String,
    pub age: String,
    pub age_secs: i64,
    pub url: Option<String>,
}

pub fn cards(d: &CardMeasures) -> Vec<Card> {
    let ttfr = |id, label, s: &ResponseSummary| Card {
        id,
        label,
        value: quantile(s.median),
        detail: format!("p90 {} · {} unanswered of {}", quantile(s.p90), s.unanswered, s.total),
        explain: s.explain(),
    };
    vec![
        ttfr("ttfr-issues", "First response to issues (median)", &d.issues),
        ttfr("ttfr-prs", "First response to PRs (median)", &d.pulls),
        Card {
            id: "time-to-close",
            label: "Time to close issues (median)",
            value: seconds(d.time_to_close.median),
            detail: format!("p90 {} · {} closed", seconds(d.time_to_close.p90), d.time_to_close.count),
            explain: d.time_to_close.explain(),
        },
        Card {
            id: "time-to-merge",
            label: "Time to merge (median)",
            value: seconds(d.time_to_merge.median),
            detail: format!("p90 {} · {} merged", seconds(d.time_to_merge.p90), d.time_to_merge.count),
            explain: d.time_to_merge.explain(),
        },
        Card {
            id: "closure-ratio",
            label: "Change request closure ratio",
            value: ratio(d.closure.ratio),
            detail: format!("{} closed / {} opened", d.closure.closed, d.closure.opened),
            explain: d.closure.explain(),
        },
        Card {
            id: "acceptance-ratio",
            label: "Acceptance ratio",
            value: percent(d.acceptance.ratio),
            detail: format!("{} merged, {} closed unmerged", d.acceptance.merged, d.acceptance.closed_unmerged),
            explain: d.acceptance.explain(),
        },
        Card {
            id: "bus-factor",
            label: "Contributor Absence Factor (merged PRs)",
            value: d.absence.merged_prs.factor.map_or_else(|| "—".to_owned(), |f| f.to_string()),
            detail: format!(
                "commits {} · reviews {} · comments {}",
                opt(d.absence.commits.factor),
                opt(d.absence.reviews.factor),
                opt(d.absence.issue_comments.factor)
            ),
            explain: d.absence.merged_prs.explain(),
        },
        Card {
            id: "active-maintainers",
            label: "Active maintainers",
            value: d.active_maintainers.to_string(),
            detail: d.top_responder.as_ref().map_or_else(
                || "no human responses in the window".to_owned(),
                |t| format!("top responder {} gave {:.0}%", t.login, t.share * 100.0),
            ),
            explain: d.load_explain(),
        },
        Card {
            id: "backlog",
            label: "Open backlog",
            value: (d.open_issues + d.open_prs).to_string(),
            detail: format!("{} issues · {} PRs · {} stale", d.open_issues, d.open_prs, d.stale),
            explain: d.issue_ageing.explain(),
        },
        Card {
            id: "unanswered",
            label: "Unanswered items",
            value: d.unanswered_count.to_string(),
            detail: "open, no human response from anyone but the author".to_owned(),
            explain: d.issues.explain(),
        },
    ]
}

fn opt(v: Option<usize>) -> String {
    v.map_or_else(|| "—".to_owned(), |v| v.to_string())
}

pub fn response_rows(d: &Dashboard) -> Vec<ResponseRow> {
    let mut rows = Vec::new();
    for (kind, r) in [("Issues", &d.issues), ("Pull requests", &d.pulls)] {
        rows.extend(rows_of(kind, r));
    }
    rows
}

fn rows_of(kind: &'static str, r: &Responsiveness) -> Vec<ResponseRow> {
    let splits: [(&'static str, &ResponseSummary); 7] = [
        ("all (first human response)", &r.by_responder.overall),
        ("responder: maintainer", &r.by_responder.maintainers),
        ("responder: community", &r.by_responder.community),
        ("responder: bot", &r.by_responder.bots),
        ("author: first-timer", &r.by_author.first_timers),
        ("author: returning", &r.by_author.returning),
        ("author: maintainer", &r.by_author.maintainers),
    ];
    splits
        .into_iter()
        .map(|(split, s)| ResponseRow {
            kind,
            split,
            median: quantile(s.median),
            p90: quantile(s.p90),
            answered: s.answered,
            unanswered: s.unanswered,
            explain: s.explain(),
        })
        .collect()
}

pub fn load_rows(d: &Dashboard) -> Vec<LoadRow> {
    let mut totals: std::collections::BTreeMap<String, [u64; 4]> = Default::default();
    for w in &d.load.weeks {
        let e = totals.entry(w.login.clone()).or_default();
        for (slot, v) in e.iter_mut().zip([w.responses.count, w.reviews.count, w.merges.count, w.triage.count]) {
            *slot += v;
        }
    }
    // The share is of all human responses, maintainers or not: each maintainer's weekly row
    // carries that week's total (`of`).
    let weekly_totals: std::collections::BTreeMap<i64, u64> =
        d.load.weeks.iter().map(|w| (w.week, w.responses.of)).collect();
    let all: u64 = weekly_totals.values().sum();
    let mut rows: Vec<LoadRow> = totals
        .into_iter()
        .map(|(login, v)| LoadRow {
            share: percent((all > 0).then(|| v[0] as f64 / all as f64)),
            login,
            responses: v[0],
            reviews: v[1],
            merges: v[2],
            triage: v[3],
        })
        .collect();
    rows.sort_by(|a, b| b.responses.cmp(&a.responses).then_with(|| a.login.cmp(&b.login)));
    rows
}

pub fn unanswered(d: &Dashboard, now: i64, sort: Option<&str>, descending: bool) -> Vec<UnansweredView> {
    let mut rows: Vec<UnansweredView> = d
        .unanswered
        .iter()
        .map(|u| UnansweredView {
            url: format::safe_link(&format!("{}/issues/{}", u.repo_html_url.trim_end_matches('/'), u.number)),
            repo: u.repo.clone(),
            number: u.number,
            title: u.title.clone(),
            kind: if u.is_pull_request { "PR" } else { "issue" },
            author: u.author.clone().unwrap_or_else(|| "ghost".to_owned()),
            age: format::duration(now - u.created_at),
            age_secs: now - u.created_at,
        })
        .collect();
    // Ascending by the key, then flipped: `age` descending (the default) is oldest first.
    match sort {
        Some("repo") => rows.sort_by(|a, b| a.repo.cmp(&b.repo).then(a.number.cmp(&b.number))),
        Some("author") => rows.sort_by_cached_key(|r| r.author.to_lowercase()),
        _ => rows.sort_by_key(|r| (r.age_secs, std::cmp::Reverse(r.number))),
    }
    if descending {
        rows.reverse();
    }
    rows
}

/// Open issues and PRs at the end of each week of the window.
pub fn backlog_chart(d: &Dashboard) -> String {
    let weeks = &d.backlog.weeks;
    let series = |name: &str, f: fn(&crate::metrics::backlog::BacklogWeek) -> u64| {
        Series::new(name, weeks.iter().map(|w| (w.week as f64, Some(f(w) as f64))).collect())
    };
    let mut spec = LineChart::new(
        "Open backlog at the end of each week",
        vec![series("open issues", |w| w.open_issues), series("open pull requests", |w| w.open_prs)],
    );
    spec.y_title = "open items".to_owned();
    charts::line_chart(&spec)
}

/// Items opened vs closed per week.
pub fn flow_chart(d: &Dashboard) -> String {
    let weeks = &d.backlog.weeks;
    let inflow = Series::new("opened", weeks.iter().map(|w| (w.week as f64, Some(w.inflow as f64))).collect());
    let outflow = Series::new("closed", weeks.iter().map(|w| (w.week as f64, Some(w.outflow as f64))).collect());
    let mut spec = BarChart::new("Inflow and outflow per week", vec![inflow, outflow]);
    spec.layout = BarLayout::Grouped;
    spec.y_title = "items per week".to_owned();
    charts::bar_chart(&spec)
}

/// Each maintainer's human responses per week, stacked.
pub fn load_chart(d: &Dashboard) -> String {
    let mut by_login: std::collections::BTreeMap<&str, Vec<(f64, Option<f64>)>> = Default::default();
    for w in &d.load.weeks {
        by_login.entry(&w.login).or_default().push((w.week as f64, Some(w.responses.count as f64)));
    }
    let series = by_login.into_iter().map(|(login, points)| Series::new(login, points)).collect();
    let mut spec = BarChart::new("Responses per maintainer per week", series);
    spec.layout = BarLayout::Stacked;
    spec.y_title = "responses".to_owned();
    charts::bar_chart(&spec)
}

/// The last 12 weeks of open backlog, for the overview's sparkline.
pub fn backlog_sparkline(backlog: &crate::metrics::backlog::BacklogSeries) -> String {
    let values: Vec<Option<f64>> =
        backlog.weeks.iter().rev().take(12).rev().map(|w| Some((w.open_issues + w.open_prs) as f64)).collect();
    charts::sparkline(&values, "open backlog, last 12 weeks")
}

/// `"3 days"`-style age of a timestamp for inactive lists.
pub fn days_ago(ts: i64, now: i64) -> String {
    format!("{} d", (now - ts) / DAY)
}
