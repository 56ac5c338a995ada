//! Maintainer load: how the human work of answering, reviewing, merging and triaging is spread,
//! week by week and over a window.
//!
//! Input rows are per (week, login) counts of four kinds of activity, **humans only** (the caller
//! removes bots), plus the maintainer roster. For each maintainer and week the share of each kind
//! is that maintainer's count ÷ all humans' count of that kind that week (`None` when nobody did
//! any). Over the window: the **active maintainers** (roster members with any activity of these
//! kinds) and the **top-1 share**, the largest single person's share of all human responses,
//! maintainer or not, with who it is (ties go to the alphabetically first login).
//!
//! Rows count in the window when their week start does; rows for the same (week, login) are added;
//! logins compare case-insensitively, as on GitHub. Not a CHAOSS metric: it quantifies the
//! "Maintainer Scale" and concentration concerns of CHAOSS Burnout Risk; [`super::burnout`] reads
//! the same rows for its concentration signal.

use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet, hash_map::Entry};

use foldhash::{HashMap, HashMapExt};

use serde::Serialize;

use super::definition::{Definition, Explain, fmt_opt, fmt_window, ratio};

use super::time::{Window, week_start};

pub const MAINTAINER_LOAD: Definition = Definition {
    name: "Maintainer load",
    formula: "per maintainer and week: their responses, reviews, merges and triage actions ÷ all human ones of the \
              same kind that week. Over the window: active maintainers = maintainers with any such activity; top-1 \
              share = the largest single person's share of all human responses.",
    source: "https://chaoss.community/kb/metric-project-burnout/",
};

/// One person's human activity in one week.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ActivityWeek {
    pub week: i64,
    pub login: String,
    /// First responses and other replies to issues and pull requests.
    pub responses: u64,
    pub reviews: u64,
    pub merges: u64,
    /// Labelling, assigning, closing others' items.
    pub triage: u64,
}

impl ActivityWeek {
    fn kinds(&self) -> [u64; 4] {
        [self.responses, self.reviews, self.merges, self.triage]
    }
}

/// A count and its share of all human activity of that kind in the same period.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct KindShare {
    pub count: u64,
    pub of: u64,
    /// `None` when `of` is zero.
    pub share: Option<f64>,
}

impl KindShare {
    fn new(count: u64, of: u64) -> Self {
        Self { count, of, share: ratio(count, of) }
    }
}

/// One maintainer's shares in one week.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MaintainerWeek {
    pub week: i64,
    pub login: String,
    pub responses: KindShare,
    pub reviews: KindShare,
    pub merges: KindShare,
    pub triage: KindShare,
}

/// The largest single person's share of human responses in the window.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TopShare {
    pub login: String,
    pub responses: u64,
    pub total: u64,
    pub share: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MaintainerLoad {
    pub window: Window,
    /// Size of the roster.
    pub maintainers: usize,
    /// Maintainers with any activity in the window, alphabetically.
    pub active_maintainers: Vec<String>,
    pub active_maintainer_count: usize,
    /// Per maintainer and week with any activity, by week then login.
    pub weeks: Vec<MaintainerWeek>,
    /// `None` when nobody responded in the window.
    pub top_responder: Option<TopShare>,
}

impl MaintainerLoad {
    pub fn explain(&self) -> Explain {
        load_explain(self.window, self.maintainers, self.active_maintainer_count, self.top_responder.as_ref())
    }
}

/// [`MaintainerLoad::explain`] of its window, roster size, active maintainers and top share (a
/// page that shows only those computes them alone).
pub fn load_explain(window: Window, maintainers: usize, active: usize, top: Option<&TopShare>) -> Explain {
    MAINTAINER_LOAD.explain(vec![
        ("window", fmt_window(window)),
        ("maintainers on the roster", maintainers.to_string()),
        ("active maintainers", active.to_string()),
        (
            "top-1 share of human responses",
            fmt_opt(top, |t| format!("{} with {} of {} ({:.0}%)", t.login, t.responses, t.total, t.share * 100.0)),
        ),
    ])
}

pub fn maintainer_load(rows: &[ActivityWeek], maintainers: &[String], window: Window) -> MaintainerLoad {
    let rows: Vec<ActivityRef<'_>> = rows.iter().map(|r| (r.week, r.login.as_str(), r.kinds())).collect();
    maintainer_load_of(&rows, maintainers, window)
}

/// One person's activity in one week, borrowed: `(week, login, kinds)`, the four kinds in
/// [`ActivityWeek`]'s order.
pub type ActivityRef<'a> = (i64, &'a str, [u64; 4]);

/// [`maintainer_load`] of borrowed rows (no login is copied).
pub fn maintainer_load_of(rows: &[ActivityRef<'_>], maintainers: &[String], window: Window) -> MaintainerLoad {
    let roster = roster(maintainers);
    // One pass over the rows (a window of an organisation holds tens of thousands of
    // person-weeks): each week's totals, and for the roster's members alone, one entry per
    // (week, lowercase login) with the first spelling seen. A lowercase copy is made only of a
    // login that has capitals.
    // The same pass gathers every person's responses for the top share.
    let mut week_totals: BTreeMap<i64, [u64; 4]> = BTreeMap::new();
    let mut index: HashMap<(i64, Cow<'_, str>), usize> = HashMap::new();
    let mut per_person: Vec<(i64, Cow<'_, str>, &str, [u64; 4])> = Vec::new();
    let mut responders = Responders::default();
    for &(week, login, kinds) in rows.iter().filter(|r| window.contains(week_start(r.0))) {
        let week = week_start(week);
        let t = week_totals.entry(week).or_default();
        t.iter_mut().zip(kinds).for_each(|(a, b)| *a += b);
        let key = lowercase(login);
        responders.add(week, login, key.clone(), kinds[0]);
        if !roster.contains(key.as_ref()) {
            continue;
        }
        match index.entry((week, key)) {
            Entry::Occupied(e) => {
                let sums = &mut per_person[*e.get()].3;
                sums.iter_mut().zip(kinds).for_each(|(a, b)| *a += b);
            }
            Entry::Vacant(e) => {
                let (week, key) = e.key().clone();
                e.insert(per_person.len());
                per_person.push((week, key, login, kinds));
            }
        }
    }
    drop(index);
    per_person.sort_unstable_by(|a, b| (a.0, &a.1).cmp(&(b.0, &b.1)));

    let mut weeks = Vec::new();
    for (week, _, login, kinds) in &per_person {
        if kinds.iter().all(|&k| k == 0) {
            continue;
        }
        let t = week_totals[week];
        weeks.push(MaintainerWeek {
            week: *week,
            login: (*login).to_owned(),
            responses: KindShare::new(kinds[0], t[0]),
            reviews: KindShare::new(kinds[1], t[1]),
            merges: KindShare::new(kinds[2], t[2]),
            triage: KindShare::new(kinds[3], t[3]),
        });
    }

    // [`active_maintainers`] of the same entries: the first spellings of the weeks above (a
    // (week, person) of the roster with any activity), each once.
    let active: BTreeSet<&str> = weeks.iter().map(|w| w.login.as_str()).collect();
    let active_maintainers: Vec<String> = active.into_iter().map(str::to_owned).collect();
    MaintainerLoad {
        window,
        maintainers: roster.len(),
        active_maintainer_count: active_maintainers.len(),
        active_maintainers,
        weeks,
        top_responder: responders.top(),
    }
}

/// Per lowercase login: the earliest week and its first-sorting spelling, and the responses (the
/// top share's tally, row by row).
#[derive(Default)]
struct Responders<'a>(HashMap<Cow<'a, str>, (i64, &'a str, u64)>);

impl<'a> Responders<'a> {
    /// Adds a row in the window: its week start, login as written, lowercase `key` and responses.
    fn add(&mut self, week: i64, login: &'a str, key: Cow<'a, str>, responses: u64) {
        match self.0.get_mut(key.as_ref()) {
            Some(seen) => {
                if (week, login) < (seen.0, seen.1) {
                    (seen.0, seen.1) = (week, login);
                }
                seen.2 += responses;
            }
            None => {
                self.0.insert(key, (week, login, responses));
            }
        }
    }

    /// The person with the most responses; a tie goes to the alphabetically first lowercase login.
    fn top(self) -> Option<TopShare> {
        let total: u64 = self.0.values().map(|(_, _, n)| n).sum();
        let (_, &(_, login, responses)) = (self.0.iter())
            .filter(|(_, (_, _, n))| *n > 0)
            .min_by(|(ka, (_, _, na)), (kb, (_, _, nb))| nb.cmp(na).then_with(|| ka.cmp(kb)))?;
        Some(TopShare { login: login.to_owned(), responses, total, share: responses as f64 / total as f64 })
    }
}

/// [`MaintainerLoad::top_responder`] alone, from `(week, login, kinds)` rows in any order: the
/// person (logins compared in lowercase) with the most human responses in the window, named by
/// the spelling that sorts first among their rows of their earliest week; a tie goes to the
/// alphabetically first lowercase login. `None` without responses.
pub fn top_responder<'a>(rows: impl Iterator<Item = ActivityRef<'a>>, window: Window) -> Option<TopShare> {
    let mut responders = Responders::default();
    for (week, login, kinds) in rows {
        let week = week_start(week);
        if window.contains(week) {
            responders.add(week, login, lowercase(login), kinds[0]);
        }
    }
    responders.top()
}

/// The logins of [`MaintainerLoad::active_maintainers`] alone, from `(week, login, kinds)` rows
/// (the four kinds in [`ActivityWeek`]'s order) and the roster in lowercase: what a page that
/// shows only their number computes, without the weekly shares (only the roster's rows are
/// looked at). A person counts under the spelling of their first row of a week in which their
/// rows of that week add up to any activity.
pub fn active_maintainers<'a>(
    rows: impl Iterator<Item = ActivityRef<'a>>,
    roster: &BTreeSet<String>,
    window: Window,
) -> BTreeSet<String> {
    // Per (week, lowercase login) on the roster: its first spelling, and whether any row was active.
    let mut seen: HashMap<(i64, Cow<'a, str>), (&'a str, bool)> = HashMap::new();
    for (week, login, kinds) in rows {
        let week = week_start(week);
        if !window.contains(week) {
            continue;
        }
        let key = lowercase(login);
        if !roster.contains(key.as_ref()) {
            continue;
        }
        let entry = seen.entry((week, key)).or_insert((login, false));
        entry.1 |= kinds.iter().any(|&k| k > 0);
    }
    seen.into_values().filter(|(_, active)| *active).map(|(login, _)| login.to_owned()).collect()
}

/// The roster of [`maintainer_load`] and [`active_maintainers`]: the logins in lowercase.
pub fn roster(maintainers: &[String]) -> BTreeSet<String> {
    maintainers.iter().map(|m| m.to_ascii_lowercase()).collect()
}

/// `login` in lowercase, copied only when it has capitals.
pub fn lowercase(login: &str) -> Cow<'_, str> {
    if login.bytes().any(|b| b.is_ascii_uppercase()) {
        Cow::Owned(login.to_ascii_lowercase())
    } else {
        Cow::Borrowed(login)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::metrics::WEEK;

    const SUNDAY: i64 = 1_704_585_600; // 2024-01-07
    const W: Window = Window { from: SUNDAY, to: SUNDAY + 4 * WEEK };

    fn act(week: i64, login: &str, responses: u64, reviews: u64, merges: u64, triage: u64) -> ActivityWeek {
        ActivityWeek { week: SUNDAY + week * WEEK, login: login.to_owned(), responses, reviews, merges, triage }
    }

    fn roster(names: &[&str]) -> Vec<String> {
        names.iter().map(|n| n.to_string()).collect()
    }

    #[test]
    fn a_maintainers_weekly_share_is_of_all_human_activity_of_that_kind() {
        let rows = [act(0, "ann", 3, 1, 2, 0), act(0, "ben", 1, 1, 0, 0), act(0, "visitor", 4, 0, 0, 0)];
        let load = maintainer_load(&rows, &roster(&["ann", "ben"]), W);
        let ann = &load.weeks[0];
        assert_eq!((ann.login.as_str(), ann.responses), ("ann", KindShare { count: 3, of: 8, share: Some(0.375) }));
        assert_eq!(ann.reviews.share, Some(0.5));
        assert_eq!(ann.merges.share, Some(1.0));
        assert_eq!(ann.triage, KindShare { count: 0, of: 0, share: None });
        assert_eq!(load.weeks.len(), 2);
    }

    #[test]
    fn active_maintainers_are_those_with_any_activity_in_the_window() {
        let rows = [act(0, "ann", 0, 0, 0, 1), act(5, "ben", 9, 0, 0, 0), act(1, "cat", 0, 0, 0, 0)];
        let load = maintainer_load(&rows, &roster(&["ann", "ben", "cat", "dan"]), W);
        assert_eq!(load.active_maintainers, ["ann"]);
        assert_eq!((load.maintainers, load.active_maintainer_count), (4, 1));
    }

    #[test]
    fn the_top_share_counts_every_human_and_names_them() {
        let rows = [act(0, "ann", 2, 0, 0, 0), act(1, "visitor", 3, 0, 0, 0), act(2, "Visitor", 3, 0, 0, 0)];
        let load = maintainer_load(&rows, &roster(&["ann"]), W);
        let top = load.top_responder.unwrap();
        assert_eq!((top.login.as_str(), top.responses, top.total), ("visitor", 6, 8));
        assert_eq!(top.share, 0.75);
    }

    #[test]
    fn a_tie_for_the_top_share_goes_to_the_first_login_alphabetically() {
        let rows = [act(0, "zed", 2, 0, 0, 0), act(0, "amy", 2, 0, 0, 0)];
        assert_eq!(maintainer_load(&rows, &[], W).top_responder.unwrap().login, "amy");
    }

    #[test]
    fn a_one_person_repo_has_one_active_maintainer_with_the_whole_share() {
        let load = maintainer_load(&[act(0, "Solo", 5, 2, 2, 1)], &roster(&["solo"]), W);
        assert_eq!(load.active_maintainers, ["Solo"]);
        assert_eq!(load.top_responder.unwrap().share, 1.0);
        assert_eq!(load.weeks[0].responses.share, Some(1.0));
    }

    #[test]
    fn an_empty_window_has_no_load_and_no_top_share() {
        let load = maintainer_load(&[], &roster(&["ann"]), W);
        assert_eq!((load.active_maintainer_count, load.weeks.len(), &load.top_responder), (0, 0, &None));
        assert!(load.explain().inputs.contains(&("top-1 share of human responses", "none".to_owned())));
    }

    /// The load as computed before the one-pass version (per (week, login) for everyone, then
    /// sorted): the reference the test below compares with.
    fn one_pass_before(rows: &[ActivityRef<'_>], maintainers: &[String], window: Window) -> MaintainerLoad {
        let roster = super::roster(maintainers);
        // One entry per (week, lowercase login), in that order; the first spelling seen is kept for
        // display. Hashed then sorted once: a window of an organisation holds tens of thousands of
        // person-weeks, and a lowercase copy is made only of a login that has capitals.
        let mut index: HashMap<(i64, Cow<'_, str>), usize> = HashMap::with_capacity(rows.len());
        let mut per_person: Vec<(i64, Cow<'_, str>, &str, [u64; 4])> = Vec::with_capacity(rows.len());
        for &(week, login, kinds) in rows.iter().filter(|r| window.contains(week_start(r.0))) {
            let key = (week_start(week), lowercase(login));
            match index.entry(key) {
                Entry::Occupied(e) => {
                    let sums = &mut per_person[*e.get()].3;
                    sums.iter_mut().zip(kinds).for_each(|(a, b)| *a += b);
                }
                Entry::Vacant(e) => {
                    let (week, key) = e.key().clone();
                    e.insert(per_person.len());
                    per_person.push((week, key, login, kinds));
                }
            }
        }
        drop(index);
        per_person.sort_unstable_by(|a, b| (a.0, &a.1).cmp(&(b.0, &b.1)));
        let mut week_totals: BTreeMap<i64, [u64; 4]> = BTreeMap::new();
        // Per lowercase login: the spelling of its earliest week, and its responses.
        let mut window_responses: HashMap<&str, (&str, u64)> = HashMap::new();
        for (week, key, login, kinds) in &per_person {
            let t = week_totals.entry(*week).or_default();
            t.iter_mut().zip(kinds).for_each(|(a, b)| *a += b);
            window_responses.entry(key.as_ref()).or_insert((login, 0)).1 += kinds[0];
        }

        let mut weeks = Vec::new();
        for (week, key, login, kinds) in &per_person {
            if !roster.contains(key.as_ref()) || kinds.iter().all(|&k| k == 0) {
                continue;
            }
            let t = week_totals[week];
            weeks.push(MaintainerWeek {
                week: *week,
                login: (*login).to_owned(),
                responses: KindShare::new(kinds[0], t[0]),
                reviews: KindShare::new(kinds[1], t[1]),
                merges: KindShare::new(kinds[2], t[2]),
                triage: KindShare::new(kinds[3], t[3]),
            });
        }

        let total: u64 = window_responses.values().map(|(_, n)| n).sum();
        // The most responses; a tie goes to the alphabetically first (lowercase) login.
        let top_responder = window_responses
            .iter()
            .filter(|(_, (_, n))| *n > 0)
            .min_by(|(ka, (_, na)), (kb, (_, nb))| nb.cmp(na).then_with(|| ka.cmp(kb)))
            .map(|(_, &(login, n))| (login, n));
        let top_responder = top_responder.map(|(login, responses)| TopShare {
            login: login.to_owned(),
            responses,
            total,
            share: responses as f64 / total as f64,
        });
        let active_maintainers: Vec<String> =
            active_maintainers(rows.iter().copied(), &roster, window).into_iter().collect();
        MaintainerLoad {
            window,
            maintainers: roster.len(),
            active_maintainer_count: active_maintainers.len(),
            active_maintainers,
            weeks,
            top_responder,
        }
    }

    #[test]
    fn the_one_pass_load_equals_the_per_person_week_computation() {
        // Several spellings of one person within and across weeks, weeks outside the window,
        // people with no responses, ties for the top share; in the callers' order (merged
        // person-weeks: by week, then login).
        let names = ["ann", "Ann", "ANN", "ben", "Ben", "cat", "dan", "Eve", "eve", "zed", "amy"];
        let mut rows = Vec::new();
        let mut x: u64 = 7;
        for i in 0..400 {
            x = x.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
            let pick = |shift: u32, n: u64| ((x >> shift) % n) as i64;
            let week = pick(8, 7) - 1;
            let kinds = [pick(16, 4), pick(20, 3), pick(24, 2), pick(28, 3)].map(|k| k as u64);
            rows.push(act(
                if i % 5 == 0 { 5 - week } else { week },
                names[pick(32, 11) as usize],
                kinds[0],
                kinds[1],
                kinds[2],
                kinds[3],
            ));
        }
        rows.sort_by(|a, b| (a.week, &a.login).cmp(&(b.week, &b.login)));
        for roster in [roster(&["ann", "Ben", "cat", "dan"]), roster(&[]), roster(&["EVE", "zed", "amy", "ghost"])] {
            let refs: Vec<ActivityRef<'_>> = rows.iter().map(|r| (r.week, r.login.as_str(), r.kinds())).collect();
            let (now, before) = (maintainer_load_of(&refs, &roster, W), one_pass_before(&refs, &roster, W));
            assert_eq!(now.weeks, before.weeks);
            assert_eq!(now.top_responder, before.top_responder);
            assert_eq!(now.active_maintainers, before.active_maintainers);
            assert!(!now.weeks.is_empty() || roster.is_empty());
            // The top share alone, from the rows in any order.
            let reversed = refs.iter().rev().copied();
            assert_eq!(top_responder(reversed, W), before.top_responder);
        }
    }

    #[test]
    fn the_active_maintainers_alone_are_those_of_the_whole_load() {
        // Spellings differ by case, a person's first row of a week has no activity but a later
        // one does, rows fall outside the window, and a visitor is not on the roster.
        let rows = [
            act(0, "Ann", 0, 0, 0, 0),
            act(0, "ann", 2, 0, 0, 0),
            act(1, "ANN", 0, 1, 0, 0),
            act(1, "ben", 0, 0, 0, 0),
            act(2, "Cat", 0, 0, 0, 0),
            act(-1, "dan", 5, 0, 0, 0),
            act(4, "eve", 1, 0, 0, 0),
            act(3, "visitor", 9, 9, 9, 9),
        ];
        let maintainers = roster(&["ann", "Ben", "cat", "dan", "eve"]);
        let load = maintainer_load(&rows, &maintainers, W);
        let alone = active_maintainers(
            rows.iter().map(|r| (r.week, r.login.as_str(), r.kinds())),
            &super::roster(&maintainers),
            W,
        );
        // Ann counts once per spelling of a week she was active in: "Ann" (week 0), "ANN" (week 1).
        assert_eq!(alone.iter().map(String::as_str).collect::<Vec<_>>(), ["ANN", "Ann"]);
        assert_eq!(alone.into_iter().collect::<Vec<_>>(), load.active_maintainers);
        assert_eq!(load.active_maintainer_count, 2);
    }
}
