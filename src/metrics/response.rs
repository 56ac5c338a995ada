//! Time to First Response (CHAOSS) and Issue Response Time (CHAOSS Evolution), with their splits.
//!
//! Each item is `{ clock_start, first_response_at }`; the summary is the median and p90 by
//! Kaplan–Meier ([`super::quantile`]) plus how many items were answered, are still unanswered and
//! in total. Unanswered items are **not dropped**: they are censored at `now`, so a backlog of
//! ignored issues pushes the median up (or makes it "more than N days") instead of vanishing.
//! A response stamped after `now` has not happened yet as of `now` and counts as unanswered, so
//! the same rows give the same answer for any past `now`.
//!
//! Conventions of the items' inputs, which the collector stores once per item (the one
//! definition is in SQL: `db::rules::responses_to!`, applied by `db::responses`):
//! - a response is a comment, review or review comment by a **human who is not the author**;
//!   bots never count as a response for the overall figure, only in the bot split;
//! - replies before the clock start are ignored (they answered a draft, not a request for review);
//! - a draft pull request's clock starts when it is marked ready for review, and pull requests that
//!   are still drafts are left out entirely;
//! - issues and pull requests are summarised separately: the caller filters, this module does not
//!   know which is which. [`issue_response_time`] is the same computation under the name of the
//!   CHAOSS Evolution metric, for issues only.
//!
//! Splits: by responder role ([`response_by_responder`]: maintainers, community, bots) and by the
//! author's class ([`response_by_author_class`]: first-timers, returning, maintainers), the latter
//! feeding the newcomer pages.

use serde::Serialize;

use super::definition::{Definition, Explain, fmt_opt};
use super::quantile::{Observation, Quantile, SurvivalCurve};

pub const TIME_TO_FIRST_RESPONSE: Definition = Definition {
    name: "Time to First Response",
    formula: "TTFR = t(first response) − t(clock start). A response is a comment, review or review comment by a \
              human who is not the author; a pull request's clock starts when it is marked ready for review. Median \
              and p90 by Kaplan–Meier over answered and still-unanswered items (unanswered items count as \"waiting \
              at least this long\", never dropped).",
    source: "https://chaoss.community/kb/metric-time-to-first-response/",
};

pub const ISSUE_RESPONSE_TIME: Definition = Definition {
    name: "Issue Response Time",
    formula: "t(first comment by a contributor other than the issue author, bots excluded) − t(issue opened). \
              Median and p90 by Kaplan–Meier over answered and still-unanswered issues.",
    source: "https://chaoss.community/?p=3631",
};

/// One issue or pull request as the response metrics see it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct ResponseItem {
    /// Opened, or marked ready for review for a pull request opened as a draft.
    pub clock_start: i64,
    /// The first qualifying response, `None` while unanswered.
    pub first_response_at: Option<i64>,
}

/// Median and p90 response time of a set of items, with the counts behind them.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ResponseSummary {
    pub definition: &'static Definition,
    /// Which items and which responders this covers, e.g. "maintainer responses only".
    pub scope: &'static str,
    /// `None` when there are no items at all.
    pub median: Option<Quantile>,
    pub p90: Option<Quantile>,
    pub answered: usize,
    pub unanswered: usize,
    pub total: usize,
}

impl ResponseSummary {
    pub fn explain(&self) -> Explain {
        self.definition.explain(vec![
            ("scope", self.scope.to_owned()),
            ("items", self.total.to_string()),
            ("answered", self.answered.to_string()),
            ("still unanswered (censored at now)", self.unanswered.to_string()),
            ("median", fmt_opt(self.median, Quantile::describe)),
            ("p90", fmt_opt(self.p90, Quantile::describe)),
        ])
    }
}

/// Time to First Response of `items` as of `now`.
pub fn time_to_first_response(items: &[ResponseItem], now: i64) -> ResponseSummary {
    summarize(&TIME_TO_FIRST_RESPONSE, "all items, human responses by someone other than the author", items, now)
}

/// Issue Response Time: Time to First Response over issues only, the author's own comments
/// excluded, under the CHAOSS Evolution name.
pub fn issue_response_time(issues: &[ResponseItem], now: i64) -> ResponseSummary {
    summarize(&ISSUE_RESPONSE_TIME, "issues, human comments by someone other than the author", issues, now)
}

fn summarize(
    definition: &'static Definition,
    scope: &'static str,
    items: &[ResponseItem],
    now: i64,
) -> ResponseSummary {
    let obs: Vec<Observation> = items
        .iter()
        .map(|i| match i.first_response_at.filter(|&r| r <= now) {
            Some(r) => Observation { duration: (r - i.clock_start).max(0), event: true },
            None => Observation { duration: (now - i.clock_start).max(0), event: false },
        })
        .collect();
    let curve = SurvivalCurve::kaplan_meier(&obs);
    let answered = obs.iter().filter(|o| o.event).count();
    ResponseSummary {
        definition,
        scope,
        median: curve.quantile(0.5),
        p90: curve.quantile(0.9),
        answered,
        unanswered: obs.len() - answered,
        total: obs.len(),
    }
}

/// The first response of each kind of responder to one item.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct ResponderTimes {
    pub clock_start: i64,
    pub first_maintainer_response_at: Option<i64>,
    pub first_community_response_at: Option<i64>,
    pub first_bot_response_at: Option<i64>,
}

impl ResponderTimes {
    /// The item for the overall figure: the first human response, bots never counting.
    pub fn overall(&self) -> ResponseItem {
        let human = match (self.first_maintainer_response_at, self.first_community_response_at) {
            (Some(m), Some(c)) => Some(m.min(c)),
            (m, c) => m.or(c),
        };
        ResponseItem { clock_start: self.clock_start, first_response_at: human }
    }
}

/// Time to First Response by responder role. `overall` counts maintainers and community (never
/// bots); `bots` shows how fast automation answers.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ResponderSplit {
    pub overall: ResponseSummary,
    pub maintainers: ResponseSummary,
    pub community: ResponseSummary,
    pub bots: ResponseSummary,
}

/// [`ResponderSplit::overall`] alone: time to the first human response by anyone but the author.
pub fn first_response_overall(items: &[ResponderTimes], now: i64) -> ResponseSummary {
    let overall: Vec<ResponseItem> = items.iter().map(ResponderTimes::overall).collect();
    summarize(&TIME_TO_FIRST_RESPONSE, "all items, human responses by someone other than the author", &overall, now)
}

pub fn response_by_responder(items: &[ResponderTimes], now: i64) -> ResponderSplit {
    let only = |pick: fn(&ResponderTimes) -> Option<i64>| -> Vec<ResponseItem> {
        items.iter().map(|i| ResponseItem { clock_start: i.clock_start, first_response_at: pick(i) }).collect()
    };
    let def = &TIME_TO_FIRST_RESPONSE;
    ResponderSplit {
        overall: first_response_overall(items, now),
        maintainers: summarize(def, "maintainer responses only", &only(|i| i.first_maintainer_response_at), now),
        community: summarize(
            def,
            "community (non-maintainer human) responses only",
            &only(|i| i.first_community_response_at),
            now,
        ),
        bots: summarize(def, "bot responses only", &only(|i| i.first_bot_response_at), now),
    }
}

/// Who opened an item, relative to the project.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum AuthorClass {
    /// No earlier contribution to the project.
    FirstTimer,
    /// Contributed before, not a maintainer.
    Returning,
    Maintainer,
}

impl AuthorClass {
    /// The class of an item's author: a maintainer of the repository (`is_maintainer`, as
    /// `repo_people` stores it); else a first-timer when the item is their first contribution
    /// there (`first_at`, none yet, or not before the item's `created_at`); else returning.
    pub fn of(is_maintainer: bool, first_at: Option<i64>, created_at: i64) -> AuthorClass {
        if is_maintainer {
            AuthorClass::Maintainer
        } else if first_at.is_none_or(|first| created_at <= first) {
            AuthorClass::FirstTimer
        } else {
            AuthorClass::Returning
        }
    }
}

/// Time to First Response by the class of the item's author.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AuthorClassSplit {
    pub first_timers: ResponseSummary,
    pub returning: ResponseSummary,
    pub maintainers: ResponseSummary,
}

pub fn response_by_author_class(items: &[(AuthorClass, ResponseItem)], now: i64) -> AuthorClassSplit {
    let of = |class: AuthorClass| -> Vec<ResponseItem> {
        items.iter().filter(|(c, _)| *c == class).map(|(_, i)| *i).collect()
    };
    let def = &TIME_TO_FIRST_RESPONSE;
    AuthorClassSplit {
        first_timers: summarize(def, "items opened by first-time contributors", &of(AuthorClass::FirstTimer), now),
        returning: summarize(def, "items opened by returning contributors", &of(AuthorClass::Returning), now),
        maintainers: summarize(def, "items opened by maintainers", &of(AuthorClass::Maintainer), now),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::metrics::DAY;

    #[test]
    fn an_author_is_a_maintainer_else_a_first_timer_on_their_first_item_else_returning() {
        assert_eq!(AuthorClass::of(true, Some(10), 50), AuthorClass::Maintainer, "a maintainer's first item");
        assert_eq!(AuthorClass::of(false, None, 50), AuthorClass::FirstTimer, "no contribution recorded yet");
        assert_eq!(AuthorClass::of(false, Some(50), 50), AuthorClass::FirstTimer, "this item is the first");
        assert_eq!(AuthorClass::of(false, Some(60), 50), AuthorClass::FirstTimer, "recorded later than the item");
        assert_eq!(AuthorClass::of(false, Some(49), 50), AuthorClass::Returning);
    }

    const H: i64 = 3600;

    fn item(clock_start: i64, first_response_at: Option<i64>) -> ResponseItem {
        ResponseItem { clock_start, first_response_at }
    }

    #[test]
    fn no_items_gives_no_quantiles_and_zero_counts() {
        let s = time_to_first_response(&[], 0);
        assert_eq!((s.median, s.p90, s.answered, s.unanswered, s.total), (None, None, 0, 0, 0));
    }

    #[test]
    fn unanswered_items_are_censored_not_dropped() {
        // Answered after 1 h and 2 h; one still waiting after 10 h. Dropping it would give a 1 h
        // median; KM gives S(1 h) = 2/3, S(2 h) = 1/3, so the median is 2 h and p90 is "> 10 h".
        let items = [item(0, Some(H)), item(0, Some(2 * H)), item(0, None)];
        let s = time_to_first_response(&items, 10 * H);
        assert_eq!(s.median, Some(Quantile::Exactly(2 * H)));
        assert_eq!(s.p90, Some(Quantile::MoreThan(10 * H)));
        assert_eq!((s.answered, s.unanswered, s.total), (2, 1, 3));
    }

    #[test]
    fn a_response_after_now_has_not_happened_yet() {
        let s = time_to_first_response(&[item(0, Some(5 * H))], 3 * H);
        assert_eq!((s.answered, s.unanswered), (0, 1));
        assert_eq!(s.median, Some(Quantile::MoreThan(3 * H)));
    }

    #[test]
    fn the_bot_split_is_fast_while_the_overall_figure_ignores_bots() {
        let answered_by_bot_only = ResponderTimes {
            clock_start: 0,
            first_maintainer_response_at: None,
            first_community_response_at: None,
            first_bot_response_at: Some(60),
        };
        let answered_by_all = ResponderTimes {
            first_maintainer_response_at: Some(3 * H),
            first_community_response_at: Some(2 * H),
            ..answered_by_bot_only
        };
        let split = response_by_responder(&[answered_by_bot_only, answered_by_all], 10 * H);
        assert_eq!(split.bots.median, Some(Quantile::Exactly(60)));
        assert_eq!((split.bots.answered, split.overall.answered), (2, 1));
        assert_eq!(split.overall.median, Some(Quantile::Exactly(2 * H)));
        // One of two answered by each human role: S drops to 1/2 at that role's time.
        assert_eq!(split.maintainers.median, Some(Quantile::Exactly(3 * H)));
        assert_eq!(split.community.median, Some(Quantile::Exactly(2 * H)));
    }

    #[test]
    fn each_author_class_gets_its_own_summary() {
        let items = [
            (AuthorClass::FirstTimer, item(0, Some(4 * DAY))),
            (AuthorClass::FirstTimer, item(0, None)),
            (AuthorClass::Returning, item(0, Some(DAY))),
            (AuthorClass::Maintainer, item(0, Some(H))),
        ];
        let split = response_by_author_class(&items, 10 * DAY);
        assert_eq!(split.first_timers.median, Some(Quantile::Exactly(4 * DAY)));
        assert_eq!((split.first_timers.unanswered, split.first_timers.total), (1, 2));
        assert_eq!(split.returning.median, Some(Quantile::Exactly(DAY)));
        assert_eq!(split.maintainers.median, Some(Quantile::Exactly(H)));
    }

    #[test]
    fn issue_response_time_carries_its_own_name_and_counts() {
        let e = issue_response_time(&[item(0, Some(DAY)), item(0, None)], 3 * DAY).explain();
        assert_eq!(e.name, "Issue Response Time");
        assert!(e.inputs.contains(&("still unanswered (censored at now)", "1".to_owned())));
        assert!(e.inputs.contains(&("p90", "> 3.0 d".to_owned())));
    }
}
