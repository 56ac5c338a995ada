//! Burnout signal: human responses concentrated on one person for many weeks in a row.
//!
//! A week is **counted** when it has at least [`CONCENTRATION_MIN_WEEKLY_RESPONSES`] human responses
//! in total; smaller weeks (including weeks with none) say nothing either way, so they neither
//! extend nor break a run and are skipped. In a counted week the leader is the person with **more
//! than** [`CONCENTRATION_MIN_SHARE`] of that week's responses (there can be at most one). A run is
//! consecutive counted weeks with the same leader; every run of [`CONCENTRATION_MIN_WEEKS`] or more
//! is a signal. The weeks looked at are the rows given: the caller chooses the range.

use std::collections::BTreeMap;

use serde::Serialize;

use super::period::SOURCE;
use crate::metrics::definition::{Definition, fmt_ts};
use crate::metrics::load::ActivityWeek;
use crate::metrics::time::week_start;

pub const CONCENTRATION_MIN_SHARE: f64 = 0.6;
pub const CONCENTRATION_MIN_WEEKS: usize = 8;
pub const CONCENTRATION_MIN_WEEKLY_RESPONSES: u64 = 5;

pub const CONCENTRATION: Definition = Definition {
    name: "Project Burnout: responses concentrated on one person",
    formula: "one person gave more than a set share of all human responses in each of many consecutive weeks; weeks \
              with too few responses are skipped (thresholds in the evidence).",
    source: SOURCE,
};

/// One counted week of a run.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct WeekShare {
    pub week: i64,
    pub responses: u64,
    pub total: u64,
    pub share: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Concentration {
    pub login: String,
    /// The run's counted weeks in order (skipped small weeks are not listed).
    pub weeks: Vec<WeekShare>,
    pub evidence: String,
}

/// A run in progress: lowercase login, display login, weeks so far.
type Run<'a> = (String, &'a str, Vec<WeekShare>);

pub fn response_concentration(rows: &[ActivityWeek]) -> Vec<Concentration> {
    // Per week: lowercase login → (first spelling seen, responses).
    let mut weeks: BTreeMap<i64, BTreeMap<String, (&str, u64)>> = BTreeMap::new();
    for r in rows {
        let week = weeks.entry(week_start(r.week)).or_default();
        week.entry(r.login.to_ascii_lowercase()).or_insert((&r.login, 0)).1 += r.responses;
    }
    let mut out = Vec::new();
    let mut run: Option<Run<'_>> = None;
    for (&week, people) in &weeks {
        let total: u64 = people.values().map(|(_, n)| n).sum();
        if total < CONCENTRATION_MIN_WEEKLY_RESPONSES {
            continue;
        }
        let share = |n: u64| WeekShare { week, responses: n, total, share: n as f64 / total as f64 };
        let leader = people.iter().find(|(_, (_, n))| share(*n).share > CONCENTRATION_MIN_SHARE);
        match (run.as_mut(), leader) {
            (Some((key, _, shares)), Some((k, &(_, n)))) if key == k => shares.push(share(n)),
            _ => {
                out.extend(run.take().and_then(finish));
                run = leader.map(|(k, &(login, n))| (k.clone(), login, vec![share(n)]));
            }
        }
    }
    out.extend(run.and_then(finish));
    out
}

fn finish((_, login, weeks): Run<'_>) -> Option<Concentration> {
    if weeks.len() < CONCENTRATION_MIN_WEEKS {
        return None;
    }
    let shares: Vec<String> = weeks.iter().map(|w| format!("{:.0}%", w.share * 100.0)).collect();
    let evidence = format!(
        "{login} gave more than {:.0}% of human responses in each of {} consecutive counted weeks ({} or more \
         required), the weeks of {} to {}: {}. Weeks with fewer than {} human responses in total were skipped.",
        CONCENTRATION_MIN_SHARE * 100.0,
        weeks.len(),
        CONCENTRATION_MIN_WEEKS,
        fmt_ts(weeks[0].week),
        fmt_ts(weeks[weeks.len() - 1].week),
        shares.join(", "),
        CONCENTRATION_MIN_WEEKLY_RESPONSES
    );
    Some(Concentration { login: login.to_owned(), weeks, evidence })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::metrics::time::WEEK;

    const SUNDAY: i64 = 1_704_585_600; // 2024-01-07

    fn responses(week: i64, login: &str, responses: u64) -> ActivityWeek {
        ActivityWeek {
            week: SUNDAY + week * WEEK,
            login: login.to_owned(),
            responses,
            reviews: 0,
            merges: 0,
            triage: 0,
        }
    }

    /// `weeks` weeks from `from` where `lead` gives `n` of 10 responses and "others" the rest.
    fn weeks_led_by(lead: &str, n: u64, from: i64, weeks: i64) -> Vec<ActivityWeek> {
        (from..from + weeks).flat_map(|w| [responses(w, lead, n), responses(w, "others", 10 - n)]).collect()
    }

    #[test]
    fn eight_weeks_above_sixty_percent_are_a_signal_with_each_weeks_share() {
        let rows = weeks_led_by("ann", 7, 0, 8);
        let found = response_concentration(&rows);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].login, "ann");
        assert_eq!(found[0].weeks.len(), 8);
        assert_eq!(found[0].weeks[0], WeekShare { week: SUNDAY, responses: 7, total: 10, share: 0.7 });
        assert!(found[0].evidence.starts_with("ann gave more than 60% of human responses in each of 8 consecutive"));
        assert!(found[0].evidence.contains("70%, 70%"));
    }

    #[test]
    fn seven_weeks_are_not_enough() {
        assert!(response_concentration(&weeks_led_by("ann", 7, 0, 7)).is_empty());
    }

    #[test]
    fn small_weeks_neither_extend_nor_break_a_run() {
        // Weeks 0–3 and 5–8 led by ann; week 4 has only 3 responses, all by someone else.
        let mut rows = weeks_led_by("ann", 8, 0, 4);
        rows.extend(weeks_led_by("ann", 8, 5, 4));
        rows.push(responses(4, "bob", 3));
        let found = response_concentration(&rows);
        assert_eq!(found.len(), 1);
        let weeks: Vec<i64> = found[0].weeks.iter().map(|w| (w.week - SUNDAY) / WEEK).collect();
        assert_eq!(weeks, [0, 1, 2, 3, 5, 6, 7, 8]);
    }

    #[test]
    fn exactly_sixty_percent_breaks_a_run() {
        let mut rows = weeks_led_by("ann", 7, 0, 4);
        rows.extend(weeks_led_by("ann", 6, 4, 1));
        rows.extend(weeks_led_by("ann", 7, 5, 4));
        assert!(response_concentration(&rows).is_empty());
    }

    #[test]
    fn a_change_of_leader_starts_a_new_run() {
        let mut rows = weeks_led_by("ann", 9, 0, 8);
        rows.extend(weeks_led_by("bob", 9, 8, 8));
        let found: Vec<String> = response_concentration(&rows).into_iter().map(|c| c.login).collect();
        assert_eq!(found, ["ann", "bob"]);
    }

    #[test]
    fn a_one_person_repo_with_steady_responses_is_concentrated() {
        let rows: Vec<ActivityWeek> = (0..10).map(|w| responses(w, "solo", 5)).collect();
        let found = response_concentration(&rows);
        assert_eq!((found.len(), found[0].weeks.len(), found[0].weeks[0].share), (1, 10, 1.0));
    }
}
