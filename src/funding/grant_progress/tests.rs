//! Hand-computed checks of milestone status, grant money and the page's figures.

use super::*;
use crate::funding::grants::{GrantPlan, Spend, plan::parse_item_ref};
use crate::funding::money::Currency;

fn d(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

fn midnight(s: &str) -> i64 {
    d(s).and_hms_opt(0, 0, 0).unwrap().and_utc().timestamp()
}

/// The grant's start is 2026-01-01; the milestone is due 2026-01-10, a span of 10 days.
#[test]
fn status_follows_the_stated_rules_day_by_day() {
    let status = |today: &str, done, total| milestone_status(d("2026-01-01"), d("2026-01-10"), d(today), done, total);
    // 2026-01-06: 5 of 10 days elapsed. 1 of 2 done is 1/2 = 5/10: not behind.
    assert_eq!(status("2026-01-06", 1, 2), Status::OnTrack);
    assert_eq!(status("2026-01-06", 0, 2), Status::AtRisk);
    assert_eq!(status("2026-01-06", 2, 2), Status::Done);
    // The due day itself: 9 of 10 days elapsed, 1/2 < 9/10.
    assert_eq!(status("2026-01-10", 1, 2), Status::AtRisk);
    assert_eq!(status("2026-01-10", 2, 2), Status::Done);
    // The day after: late unless done; done stays done.
    assert_eq!(status("2026-01-11", 1, 2), Status::Late);
    assert_eq!(status("2026-01-11", 2, 2), Status::Done);
    // No items: never done; on track on the first day (0 elapsed), at risk from the second.
    assert_eq!(status("2026-01-01", 0, 0), Status::OnTrack);
    assert_eq!(status("2026-01-02", 0, 0), Status::AtRisk);
    assert_eq!(status("2026-02-01", 0, 0), Status::Late);
    // Before the grant starts nothing has elapsed.
    assert_eq!(status("2025-12-20", 0, 3), Status::OnTrack);
    assert_eq!(Status::AtRisk.as_str(), "at_risk");
    assert_eq!(serde_json::to_value(Status::OnTrack).unwrap(), "on_track");
}

fn grant() -> Grant {
    let usd = Currency::USD;
    let eur = Currency::new("EUR").unwrap();
    let spend =
        |date: &str, cents, currency| Spend { date: d(date), amount: Money::new(cents, currency), note: String::new() };
    Grant {
        funder: "STF".into(),
        amount: Money::new(100_000, usd),
        start: d("2026-01-01"),
        end: d("2026-01-10"),
        repos: vec!["acme/widgets".into()],
        purpose: "Security".into(),
        people: Vec::new(),
        plan: GrantPlan {
            id: Some("stf".into()),
            milestones: Vec::new(),
            budget_spent: vec![
                spend("2026-01-02", 10_000, usd),
                spend("2026-01-03", 2_000, eur),
                spend("2026-01-08", 5_000, usd),
            ],
        },
    }
}

fn expense(day: &str, cents: i64) -> Expense {
    Expense { paid_at: midnight(day) + 3600, amount: Money::new(cents, Currency::USD), description: String::new() }
}

/// 1,000.00 USD over 10 days. On 2026-01-06 00:00, 5 days have passed: 500.00 USD received.
/// Spent: 100.00 USD (01-02) + 30.50 USD Open Collective (01-04) = 130.50 USD, and 20.00 EUR;
/// the 01-08 entry and the expense on 01-07 are in the future, the one on 2025-12-31 before the
/// grant. Unspent: 1,000.00 − 130.50 = 869.50 USD; the euros are not subtracted.
#[test]
fn money_is_budget_received_spent_and_unspent_per_currency() {
    let expenses = [expense("2026-01-04", 3_050), expense("2025-12-31", 9_900), expense("2026-01-07", 1_000)];
    let m = grant_money(&grant(), &expenses, midnight("2026-01-06"));
    assert_eq!(m.budget.to_string(), "1,000.00 USD");
    assert_eq!(m.received.to_string(), "500.00 USD");
    assert_eq!(m.spent.get(Currency::USD), Some(Money::new(13_050, Currency::USD)));
    assert_eq!(m.spent.get(Currency::new("EUR").unwrap()).map(|m| m.cents), Some(2_000));
    assert_eq!(m.unspent.iter().collect::<Vec<_>>(), [Money::new(86_950, Currency::USD)]);
    // After the grant: all received; 01-08's 50.00 and 01-07's 10.00 now count too.
    let after = grant_money(&grant(), &expenses, midnight("2026-02-01"));
    assert_eq!(after.received.to_string(), "1,000.00 USD");
    assert_eq!(after.unspent.iter().collect::<Vec<_>>(), [Money::new(80_950, Currency::USD)]);
    // Before it: nothing received or spent.
    let before = grant_money(&grant(), &expenses, midnight("2025-12-01"));
    assert!(before.received.is_empty() && before.spent.is_empty());
    assert_eq!(before.unspent, before.budget);
}

fn item(number: i64, pr: bool, state: &str, merged: bool) -> WorkItem {
    WorkItem {
        repo: "acme/widgets".into(),
        number,
        is_pull_request: pr,
        title: format!("item {number}"),
        html_url: String::new(),
        state: state.into(),
        closed_at: (state == "closed").then_some(midnight("2026-01-03")),
        merged_at: merged.then_some(midnight("2026-01-03")),
        milestone: (number <= 3).then(|| "v1".to_owned()),
        labels: if number == 4 { vec!["Docs".into()] } else { Vec::new() },
        author: Some(format!("author{}", number % 2)),
        reviewers: if pr { vec!["rev".into(), "Author1".into()] } else { Vec::new() },
        merged_by: merged.then(|| "rev".to_owned()),
        // #5's closer is a person already named (another case); #1's is unknown.
        closed_by: (number == 5).then(|| "Rev".to_owned()),
    }
}

fn github(title: &str, state: &str, due_on: Option<&str>) -> GithubMilestone {
    GithubMilestone {
        repo: "acme/widgets".into(),
        title: title.into(),
        state: state.into(),
        due_on: due_on.map(d),
        open_issues: 1,
        closed_issues: 2,
    }
}

/// Milestone "One" (due 01-05) is v1: #1 closed issue, #2 merged PR, #3 PR closed unmerged (not
/// counted): 2 of 2, done. "Two" (due 01-20, beyond the grant's end is allowed) is the label docs
/// (#4, open) and #5 (closed): on 2026-01-06, 1/2 done against 5/20 days elapsed, on track. "Three"
/// (due 01-04) is #6, open: late. "Four" (due 01-09) names the GitHub milestones v9 (collected,
/// empty) and v10 (not collected): no items, 5 of 9 days gone, at risk. #99 and label "none" are
/// not found; acme/other is not tracked.
#[test]
fn the_page_links_items_counts_them_and_notes_what_is_missing() {
    use crate::funding::grants::Milestone;
    let refs = |texts: &[&str]| -> Vec<WorkRef> {
        texts
            .iter()
            .map(|t| match t.contains('#') {
                true => parse_item_ref(t).unwrap(),
                false => crate::funding::grants::plan::parse_label_ref(t).unwrap(),
            })
            .collect()
    };
    let ms =
        |title: &str, due: &str, work: Vec<WorkRef>| Milestone { title: title.into(), due: d(due), amount: None, work };
    let mut g = grant();
    let milestone_ref = |t: &str| crate::funding::grants::plan::parse_milestone_ref(t).unwrap();
    let v1 = milestone_ref("acme/widgets:v1");
    g.plan.milestones = vec![
        ms("One", "2026-01-05", vec![v1]),
        ms("Two", "2026-01-20", refs(&["acme/widgets:docs", "acme/widgets#5", "acme/widgets#99", "acme/widgets:none"])),
        ms("Three", "2026-01-04", refs(&["acme/widgets#6", "acme/other#1"])),
        ms("Four", "2026-01-09", vec![milestone_ref("acme/widgets:v9"), milestone_ref("acme/widgets:v10")]),
    ];
    let items = [
        item(1, false, "closed", false),
        item(2, true, "closed", true),
        item(3, true, "closed", false),
        item(4, false, "open", false),
        item(5, false, "closed", false),
        item(6, false, "open", false),
        item(7, false, "closed", false),
    ];
    let known = Known {
        tracked: vec!["acme/widgets".to_owned()],
        milestones: vec![github("v1", "open", Some("2026-01-10")), github("v9", "closed", None)],
    };
    let p = grant_progress(&g, &items, &known, &[], midnight("2026-01-06"));
    let figures: Vec<(Status, usize, usize)> =
        p.milestones.iter().map(|m| (m.status, m.done_items, m.total_items)).collect();
    assert_eq!(figures, [(Status::Done, 2, 2), (Status::OnTrack, 1, 2), (Status::Late, 0, 1), (Status::AtRisk, 0, 0)]);
    assert_eq!(p.items.iter().map(|i| i.number).collect::<Vec<_>>(), [1, 2, 3, 4, 5, 6], "#7 is linked to nothing");
    assert_eq!(p.milestones[0].items, [0, 1, 2], "the unmerged PR is listed");
    assert_eq!(p.people, ["author0", "author1", "rev"]);
    assert_eq!(
        p.notes,
        [
            "acme/widgets#99: no such issue or pull request was collected.",
            "acme/widgets:none: no issue or pull request carries the label \"none\".",
            "acme/other#1: the repository acme/other is not tracked, so its work is not counted.",
            "acme/widgets:v9: the GitHub milestone \"v9\" holds no issue or pull request.",
            "acme/widgets:v10: no GitHub milestone titled \"v10\" was collected, and no item is in one.",
            "\"One\": the GitHub milestone acme/widgets:v1 is due 2026-01-10, after the grant milestone's due date \
             2026-01-05.",
        ]
    );
    assert_eq!(
        p.summary,
        "STF granted 1,000.00 USD for Security, from 2026-01-01 to 2026-01-10. As of 2026-01-06, 1 of 4 milestones \
         are done, 1 on track, 1 at risk and 1 late. Across them, 3 of 5 linked issues and pull requests are done, \
         with 3 people involved as authors, reviewers, mergers or closers. Received to date: 500.00 USD; spent: 20.00 EUR \
         and 100.00 USD; unspent: 900.00 USD."
    );
    assert_eq!(items[2].state_label(), "closed unmerged");
    assert_eq!(items[1].people(), ["author0", "rev", "Author1"]);
    assert_eq!(p.milestones[0].github_milestones, [github("v1", "open", Some("2026-01-10"))]);
    assert_eq!(p.milestones[3].github_milestones, [github("v9", "closed", None)], "v10 was not collected");
    // Who finished each: a merger, a closer, "unknown" for a closer GitHub did not name, nobody
    // for an open item or a pull request closed unmerged.
    let finishers: Vec<Option<&str>> = items[..6].iter().map(WorkItem::finisher).collect();
    assert_eq!(finishers, [Some("unknown"), Some("rev"), None, None, Some("Rev"), None]);
    assert_eq!(items[4].people(), ["author1", "Rev"], "a closer is one of the people");
}

/// A GitHub milestone due after the grant milestone, or closed while the grant milestone has
/// items not done, is a note; one due earlier, open, or closed with everything done is not.
#[test]
fn a_github_milestone_that_disagrees_with_its_grant_milestone_is_noted() {
    let progress = |done, total, github: Vec<GithubMilestone>| MilestoneProgress {
        title: "Audit".into(),
        due: d("2026-03-31"),
        amount: None,
        status: Status::OnTrack,
        done_items: done,
        total_items: total,
        items: Vec::new(),
        work: Vec::new(),
        github_milestones: github,
    };
    let fine = progress(3, 3, vec![github("v1", "closed", Some("2026-03-31")), github("v2", "open", None)]);
    assert!(mismatch_notes(&fine).is_empty());
    let late = progress(1, 3, vec![github("v1", "closed", Some("2026-04-01"))]);
    assert_eq!(
        mismatch_notes(&late),
        [
            "\"Audit\": the GitHub milestone acme/widgets:v1 is due 2026-04-01, after the grant milestone's due date \
         2026-03-31.",
            "\"Audit\": the GitHub milestone acme/widgets:v1 is closed, but the grant milestone has only 1 of 3 items \
         done.",
        ]
    );
    let one = progress(0, 1, vec![github("v1", "closed", None)]);
    assert_eq!(
        mismatch_notes(&one),
        [
            "\"Audit\": the GitHub milestone acme/widgets:v1 is closed, but the grant milestone has only 0 of 1 item done."
        ]
    );
}
