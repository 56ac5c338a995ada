//! Who carries a scope, by organisation, and who is paid for it: the Elephant Factor and the
//! unfunded share of maintainer work on the repository and organisation pages, their JSON fields
//! (`elephant_factor`, `unfunded_share`), CSV tables (`organisations`, `unfunded`), the share chart
//! and the `elephant-factor.svg` badge.
//!
//! Reads the window's person-weeks (those a dashboard's rows hold, or through
//! `db::slices::person_weeks` for the badge alone), the
//! affiliations checked at load (`[people] affiliations`), the scope's self-declared files
//! (`.github/upkeep-affiliations.toml`, stored by the collector with the logins that committed
//! them: [`declared`]), the profiles' companies (undated hints) and the grants that name people, and computes with
//! [`crate::metrics::elephant`] and [`crate::metrics::unfunded`]. A self-declared file applies to
//! its committers only ([`Affiliations::with_self_declared`]); one that does not parse, is too
//! large, or names people who did not commit it is a data-quality note, never an error.

use std::fmt::Write as _;

use serde::Serialize;

use crate::db::dashboard::{PersonWeekRow, scope_json};
use crate::metrics::affiliation::Affiliations;
use crate::metrics::elephant::{ElephantFactor, ElephantFactors, UNKNOWN, elephant_factors};
use crate::metrics::unfunded::{GrantCover, UnfundedShare, unfunded_share};
use crate::metrics::{Window, week_start};
use crate::web::affiliations::{AffiliationNote, Declared, affiliations, declared};
use crate::web::charts::escape;
use crate::web::csv::Csv;
use crate::web::error::WebError;
use crate::web::inputs::{contribution_weeks, grant_covers, maintainer_work};
use crate::web::state::AppState;

/// The trust rule for self-declared affiliations, as the page states it.
pub const TRUST_RULE: &str = "Affiliations come from the project's affiliations file. A person may correct their \
     own: the collector reads .github/upkeep-affiliations.toml from each tracked repository, with the GitHub \
     accounts that committed it (a commit's author, else its committer; commits linked to no account count for \
     nobody). Its entries apply only to those accounts, replace the configured entries for them, and cannot add \
     aliases; entries for anyone else are refused and listed below. A GitHub profile's company is only a hint, \
     marked \u{201c}profile (undated)\u{201d}. Anything else is unknown, shown as its own slice.";

/// CSV tables this module answers, besides the dashboard's own.
pub const TABLES: [&str; 2] = ["organisations", "unfunded"];

/// Slices a share chart draws before it sums the rest as "other organisations".
const CHART_SLICES: usize = 8;

/// What the pages and the JSON add to a dashboard.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PeopleMeasures {
    pub elephant_factor: ElephantFactors,
    pub unfunded_share: UnfundedShare,
    /// Whether any affiliations were configured or declared (when not, everything is unknown).
    pub affiliations_configured: bool,
    pub trust_rule: &'static str,
    /// Data-quality notes on the self-declared files: one that does not parse or is too large,
    /// entries refused by the trust rule, a commits listing cut short.
    pub affiliation_notes: Vec<AffiliationNote>,
}

/// Loads the window's person-weeks of `repo_ids` and computes both measures; `names` are the
/// scope's repositories (`owner/name`), which decide the grants that apply.
pub async fn load(
    state: &AppState,
    repo_ids: &[i64],
    names: &[String],
    window: Window,
) -> Result<PeopleMeasures, WebError> {
    let scope = scope_json(repo_ids);
    let rows = crate::db::slices::person_weeks(&state.db.pool, &scope, week_start(window.from), window.to).await?;
    let declared = declared(state, repo_ids).await?;
    Ok(of_rows(state, names, &rows, &declared))
}

/// Both measures of the window's person-weeks `rows` (as a dashboard's rows hold them), with the
/// configured affiliations, the scope's `declared` files and the grants of `names`.
pub fn of_rows(state: &AppState, names: &[String], rows: &[PersonWeekRow], declared: &Declared) -> PeopleMeasures {
    let config = &state.config;
    let grants = grant_covers(&config.funding.grants, names);
    let (table, notes) = affiliations(&config.people.affiliation_table, declared);
    let configured = config.people.affiliations.is_some() || !table.is_empty();
    PeopleMeasures { affiliation_notes: notes, ..compute(rows, &grants, &table, configured) }
}

/// Both measures from person-weeks (bots removed by the conversions).
pub fn compute(
    rows: &[PersonWeekRow],
    grants: &[GrantCover],
    affiliations: &Affiliations,
    configured: bool,
) -> PeopleMeasures {
    PeopleMeasures {
        elephant_factor: elephant_factors(&contribution_weeks(rows.iter()), affiliations),
        unfunded_share: unfunded_share(&maintainer_work(rows.iter()), grants, affiliations),
        affiliations_configured: configured,
        trust_rule: TRUST_RULE,
        affiliation_notes: Vec::new(),
    }
}

/// A dashboard with these measures beside its own fields: the repository and organisation JSON.
#[derive(Debug, Serialize)]
pub struct WithPeople<'a, D: Serialize> {
    #[serde(flatten)]
    pub dashboard: &'a D,
    #[serde(flatten)]
    pub people: &'a PeopleMeasures,
}

/// The `elephant-factor.svg` badge: merged pull requests' factor, else commits'.
pub fn badge(p: &PeopleMeasures) -> String {
    use crate::web::badges::{BadgeColor, badge};
    let ef = &p.elephant_factor;
    let factor = if ef.merged_prs.total > 0 { &ef.merged_prs } else { &ef.commits };
    let (message, color) = match factor.factor {
        Some(1) => ("1".to_owned(), BadgeColor::Red),
        Some(2) => ("2".to_owned(), BadgeColor::Orange),
        Some(n) => (n.to_string(), BadgeColor::Green),
        None if factor.total > 0 => ("unknown".to_owned(), BadgeColor::Grey),
        None => ("no data".to_owned(), BadgeColor::Grey),
    };
    badge("elephant factor", &message, color)
}

/// One CSV table of [`TABLES`], or `None` for a table this module does not own.
pub fn table(p: &PeopleMeasures, name: &str) -> Option<Csv> {
    let mut csv = Csv::default();
    match name {
        "organisations" => {
            csv.row([
                "contribution",
                "elephant_factor",
                "organisation",
                "kind",
                "people",
                "contributions",
                "share",
                "sources",
            ]);
            for f in p.elephant_factor.all() {
                let factor = f.factor.map(|v| v.to_string()).unwrap_or_default();
                for o in &f.organisations {
                    csv.row([
                        f.contribution.to_owned(),
                        factor.clone(),
                        o.org.clone(),
                        o.kind.to_owned(),
                        o.people.to_string(),
                        o.contributions.to_string(),
                        format!("{:.4}", o.share),
                        o.sources.join("; "),
                    ]);
                }
            }
        }
        "unfunded" => {
            csv.row(["week", "funded", "unfunded", "unknown", "unfunded_share", "unknown_share"]);
            let share = |v: Option<f64>| v.map(|s| format!("{s:.4}")).unwrap_or_default();
            for w in &p.unfunded_share.weeks {
                csv.row([
                    crate::web::format::day(w.week),
                    w.funded.to_string(),
                    w.unfunded.to_string(),
                    w.unknown.to_string(),
                    share(w.unfunded_share),
                    share(w.unknown_share),
                ]);
            }
        }
        _ => return None,
    }
    Some(csv)
}

/// Maintainer actions per week, stacked by funding: funded, unfunded, unknown.
pub fn unfunded_chart(u: &UnfundedShare) -> String {
    use crate::web::charts::{BarChart, BarLayout, Series, bar_chart};
    let series = |name: &str, pick: fn(&crate::metrics::unfunded::ShareWeek) -> u64| {
        Series::new(name, u.weeks.iter().map(|w| (w.week as f64, Some(pick(w) as f64))).collect())
    };
    let mut spec = BarChart::new(
        "Maintainer actions per week by funding",
        vec![series("funded", |w| w.funded), series("unfunded", |w| w.unfunded), series("unknown", |w| w.unknown)],
    );
    spec.layout = BarLayout::Stacked;
    spec.y_title = "actions".to_owned();
    bar_chart(&spec)
}

/// The share of one contribution type by organisation as a horizontal bar chart: the largest
/// slices, the rest summed as "other organisations", and unknown always drawn. Every name is
/// escaped; the SVG has a title and a description, and the page prints the same numbers as a
/// table beside it.
pub fn share_chart(f: &ElephantFactor) -> String {
    let (row, label_w, bar_w) = (22.0, 230.0, 300.0);
    let mut slices: Vec<(String, u64, f64, bool)> = Vec::new();
    let known: Vec<_> = f.organisations.iter().filter(|o| o.org != UNKNOWN).collect();
    for o in known.iter().take(CHART_SLICES) {
        slices.push((o.org.clone(), o.contributions, o.share, false));
    }
    let rest: u64 = known.iter().skip(CHART_SLICES).map(|o| o.contributions).sum();
    if rest > 0 {
        let n = known.len() - CHART_SLICES;
        slices.push((format!("{n} other organisations"), rest, rest as f64 / f.total as f64, false));
    }
    if f.unknown > 0 {
        slices.push((UNKNOWN.to_owned(), f.unknown, f.unknown as f64 / f.total as f64, true));
    }
    let title = format!("Share of {} by organisation", f.contribution);
    let height = (slices.len().max(1) as f64) * row + 8.0;
    let desc: Vec<String> =
        slices.iter().map(|(org, n, share, _)| format!("{org}: {n} ({:.0}%)", share * 100.0)).collect();
    let desc = if desc.is_empty() { "no contributions".to_owned() } else { desc.join("; ") };
    let mut svg = String::new();
    let _ = write!(
        svg,
        r#"<svg class="chart chart-share" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {w} {height}" width="100%" role="img" aria-labelledby="t-{id} d-{id}"><title id="t-{id}">{t}</title><desc id="d-{id}">{d}</desc>"#,
        w = label_w + bar_w + 70.0,
        id = crate::web::charts::stable_id("share-", &[&title, &desc]),
        t = escape(&title),
        d = escape(&desc),
    );
    for (i, (org, n, share, unknown)) in slices.iter().enumerate() {
        let y = 4.0 + i as f64 * row;
        let shown: String = org.chars().take(34).collect();
        let shown = if shown.len() < org.len() { format!("{shown}…") } else { shown };
        let class = if *unknown { "series-1 unknown" } else { "series-0" };
        let _ = write!(
            svg,
            r#"<text class="label" x="{lx}" y="{ty:.1}" text-anchor="end">{name}</text><rect class="{class}" x="{bx}" y="{y:.1}" width="{bw:.1}" height="{bh:.1}"><title>{full}: {n}</title></rect><text class="label" x="{vx:.1}" y="{ty:.1}">{p:.0}%</text>"#,
            lx = label_w - 6.0,
            ty = y + row * 0.65,
            name = escape(&shown),
            bx = label_w,
            bw = (share * bar_w).max(1.0),
            bh = row - 6.0,
            full = escape(org),
            vx = label_w + (share * bar_w).max(1.0) + 4.0,
            p = share * 100.0,
        );
    }
    svg.push_str("</svg>");
    svg
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::metrics::affiliation::Source;

    fn row(login: &str, week: i64, maintainer: bool, commits: i64, responses: i64) -> PersonWeekRow {
        PersonWeekRow {
            week,
            account_id: 1,
            login: login.to_owned(),
            is_bot: false,
            is_maintainer: maintainer,
            issues_opened: 0,
            prs_opened: 0,
            prs_merged: 0,
            merges: 0,
            comments: 0,
            responses,
            reviews: 0,
            review_comments: 0,
            triage: 0,
            commits,
        }
    }

    #[test]
    fn bots_are_left_out_and_only_maintainers_count_as_maintainer_work() {
        let a = Affiliations::parse(
            "[[affiliation]]\nlogin = \"ana\"\norg = \"<Acme & Co>\"\nkind = \"employer\"\npaid_for_oss = true\n",
            Source::File,
        )
        .unwrap();
        let week = 1_717_286_400;
        let mut bot = row("ci", week, true, 50, 50);
        bot.is_bot = true;
        let rows = [row("ana", week, true, 3, 2), row("zed", week, false, 1, 9), bot];
        let p = compute(&rows, &[], &a, true);
        let c = &p.elephant_factor.commits;
        assert_eq!((c.total, c.factor, c.unknown), (4, Some(1), 1));
        // Only ana's 2 responses are maintainer work, and Acme pays for them.
        let t = &p.unfunded_share.total;
        assert_eq!((t.funded, t.unfunded, t.unknown), (2, 0, 0));
        let svg = share_chart(c);
        assert!(svg.contains("&lt;Acme &amp; Co&gt;") && !svg.contains("<Acme"), "{svg}");
        assert!(svg.contains("<title id=") && svg.contains("unknown"));
        let csv = String::from_utf8(table(&p, "organisations").unwrap().into_bytes().unwrap()).unwrap();
        assert!(csv.contains("commits,1,<Acme & Co>,employer,1,3,0.7500"), "{csv}");
        assert!(table(&p, "load").is_none());
    }

    #[test]
    fn the_source_column_names_where_each_slice_came_from() {
        let own = "[[affiliation]]\nlogin = \"ana\"\norg = \"Beta\"\nkind = \"academic\"\n";
        let (table, refused) = Affiliations::default().with_self_declared(own, &["ana".to_owned()]).unwrap();
        assert!(refused.is_empty());
        let table = table.with_profile_hint("cy", "@delta ");
        let rows = [row("ana", 1_717_286_400, true, 3, 0), row("cy", 1_717_286_400, false, 1, 0)];
        let p = compute(&rows, &[], &table, true);
        let sources: Vec<(&str, &[&str])> =
            p.elephant_factor.commits.organisations.iter().map(|o| (o.org.as_str(), o.sources.as_slice())).collect();
        assert_eq!(sources, [("Beta", &["self-declared"][..]), ("delta", &["profile (undated)"][..])]);
    }
}
