//! Who will help a newcomer on this issue, and how fast that person answers newcomers.
//!
//! - [`is_help_offer`]: a maintainer's comment offering help ("ping me if you get stuck"). The
//!   caller runs it over maintainers' comments only; the same words from a newcomer are not a
//!   mentorship offer.
//! - [`mentor_for`]: the mentor, by a fixed precedence (see there).
//! - [`mentor_response_time`]: Time to First Response ([`crate::metrics::response`]) over the items
//!   a mentor was asked about, unanswered ones censored at `now`.
//!
//! Mentorship itself is qualitative in CHAOSS; these are the trace-data signals a finder can show
//! next to an issue ("mentor: @alice, usually answers newcomers within 2 days").

use serde::Serialize;

use super::labels::mentor_from_label;
use std::sync::LazyLock;

use super::phrases::{self, Clause, Pattern, WordSet};
use crate::metrics::definition::{Definition, Explain};
use crate::metrics::response::{ResponseItem, ResponseSummary, time_to_first_response};

pub const MENTOR: Definition = Definition {
    name: "Issue mentor",
    formula: "the login in a `mentor: @login` or `lead: @login` label; else the repository's first configured mentor; \
              else the maintainer who first offered help in the issue's comments.",
    source: "Upkeep (metrics::newcomers::mentors)",
};

/// Offers of help. Patterns are matched per clause (see [`super::phrases`]); questions never count.
const OFFERS: &[&str] = &[
    "happy|glad|willing|available|ready|here|delighted|eager to \
     mentor|help|guide|review|answer|assist|pair|support|advise|explain|clarify|walk|give_pointers|give_guidance|\
     give_feedback|provide_guidance|provide_pointers|provide_feedback",
    "i can|could|will|would|shall also|gladly|happily? mentor|help|guide|review|walk|point|assist|advise|pair|answer|explain",
    "feel free to ask|ping|reach|contact|tag|mention|message|dm|email",
    "do not hesitate to ask|ping|reach|contact|tag|mention|message|comment",
    "ping|tag|mention|message|dm|email|contact|ask|bug me|us if|with|anytime|any_time|here|whenever",
    "ping|tag|mention|message|dm|email|contact|ask|bug me|us when you|anyone|someone",
    "reach out if|with|anytime|any_time|for|to_me|here|whenever|on|in|when_you",
    "let me know if|when you|anyone need|want|would_like help|guidance|pointers|a_hand|any|some|more|anything",
    "let me know if|when you|anyone have|got any? question|questions|trouble|problems|doubts",
    "let me know if|when you|anyone get|are|feel|run stuck|into|lost",
    "questions are? welcome",
    "^ mentoring|mentor instructions|notes",
];

/// Negations that cancel an offer in the same clause: "I'm not available to mentor".
const REFUSALS: &[&str] =
    &["not|never|unable|no_longer happy|glad|willing|available|ready|here|able", "unable to", "can|could|will not"];

/// [`OFFERS`] and [`REFUSALS`], split once.
static PATTERNS: LazyLock<(Vec<Pattern>, Vec<Pattern>)> = LazyLock::new(|| {
    let split = |table: &[&'static str]| table.iter().map(|p| Pattern::new(&[p])).collect();
    (split(OFFERS), split(REFUSALS))
});

/// Whether a comment offers help to whoever picks the issue up. Quotes and code are ignored;
/// a question ("Can you help me?", "Is anyone available to review?") is not an offer.
pub fn is_help_offer(body: &str) -> bool {
    phrases::clauses(body).iter().any(is_offer_clause)
}

fn is_offer_clause(clause: &Clause) -> bool {
    if clause.question {
        return false;
    }
    let (w, words) = (&clause.words, WordSet::of(&clause.words));
    PATTERNS.0.iter().any(|p| p.matches(w, &words)) && !PATTERNS.1.iter().any(|p| p.matches(w, &words))
}

/// Where the mentor was found.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum MentorSource {
    Label,
    Configured,
    Offered,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Mentor {
    pub login: String,
    pub source: MentorSource,
}

impl Mentor {
    pub fn explain(&self) -> Explain {
        let source = match self.source {
            MentorSource::Label => "a mentor label on the issue",
            MentorSource::Configured => "the repository's configured mentors",
            MentorSource::Offered => "the first maintainer comment offering help",
        };
        MENTOR.explain(vec![("mentor", format!("@{}", self.login)), ("found in", source.to_owned())])
    }
}

/// The mentor. Precedence, first match wins:
/// 1. a label naming one ([`mentor_from_label`]), the first such label in `labels`' order: the
///    project said so about this very issue;
/// 2. the first of the repository's `configured` mentors (blank entries skipped): a standing
///    promise, kept simple rather than guessing which of them is active on the issue;
/// 3. the earliest help offer in `offers` (`(maintainer login, at)`, e.g. comments where
///    [`is_help_offer`] holds), the first listed on a tie.
pub fn mentor_for(labels: &[String], configured: &[String], offers: &[(String, i64)]) -> Option<Mentor> {
    let from_label = labels.iter().find_map(|l| mentor_from_label(l)).map(|login| (login, MentorSource::Label));
    let from_config = || {
        let login = configured.iter().map(|c| c.trim().trim_start_matches('@')).find(|c| !c.is_empty())?;
        Some((login.to_owned(), MentorSource::Configured))
    };
    let from_offer = || {
        let (login, _) = offers.iter().min_by_key(|(_, at)| *at)?;
        Some((login.clone(), MentorSource::Offered))
    };
    let (login, source) = from_label.or_else(from_config).or_else(from_offer)?;
    Some(Mentor { login, source })
}

/// How fast a mentor answers newcomers: Time to First Response over `(clock start, the mentor's
/// first reply)` pairs as of `now`; unanswered items (and replies after `now`) are censored, so a
/// mentor who stopped answering shows "more than N days" instead of a flattering median.
pub fn mentor_response_time(items: &[(i64, Option<i64>)], now: i64) -> ResponseSummary {
    let items: Vec<ResponseItem> =
        items.iter().map(|&(clock_start, first_response_at)| ResponseItem { clock_start, first_response_at }).collect();
    ResponseSummary {
        scope: "items a newcomer raised with this mentor, the mentor's replies only",
        ..time_to_first_response(&items, now)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::metrics::quantile::Quantile;
    use crate::metrics::time::DAY;

    #[test]
    fn maintainer_offers_of_help_are_recognised() {
        let offers = [
            "Happy to mentor anyone who picks this up",
            "Feel free to ask questions here, I can help",
            "I can guide you through it",
            "ping me if you get stuck",
            "I'm happy to help",
            "I'd be glad to review a PR",
            "reach out if you need help",
            "I'm more than happy to help!",
            "Don't hesitate to ask if anything is unclear.",
            "Let me know if you have any questions.",
            "Let me know if you get stuck",
            "Need a hand? Ping me anytime on Discord.",
            "Mentoring instructions: the parser lives in src/parse.rs",
            "@newbie I'll review it as soon as it's up",
            "Questions welcome!",
            "I could pair with you on this",
            "Sure, it's yours. Ping us if you get stuck.",
        ];
        for body in offers {
            assert!(is_help_offer(body), "should be an offer: {body:?}");
        }
    }

    #[test]
    fn requests_for_help_and_refusals_are_not_offers() {
        let not_offers = [
            "Can you help me?",
            "Help wanted",
            "I need help with this",
            "Could someone help me understand the parser?",
            "Thanks for the help!",
            "I can't help with this one",
            "I'm not available to mentor this cycle",
            "Is anyone available to review?",
            "Happy to see this fixed",
            "Let me know if you still see this bug",
            "> Happy to mentor anyone who picks this up\nIs that still true?",
            "",
        ];
        for body in not_offers {
            assert!(!is_help_offer(body), "should not be an offer: {body:?}");
        }
    }

    fn owned(v: &[&str]) -> Vec<String> {
        v.iter().map(|s| (*s).to_owned()).collect()
    }

    fn offers(v: &[(&str, i64)]) -> Vec<(String, i64)> {
        v.iter().map(|(l, at)| ((*l).to_owned(), *at)).collect()
    }

    #[test]
    fn a_mentor_label_beats_configured_mentors_and_offers() {
        let m = mentor_for(&owned(&["good first issue", "Lead: @cdrini"]), &owned(&["alice"]), &offers(&[("bob", 1)]));
        assert_eq!(m, Some(Mentor { login: "cdrini".into(), source: MentorSource::Label }));
    }

    #[test]
    fn the_first_configured_mentor_beats_offers() {
        let m = mentor_for(&owned(&["easy"]), &owned(&[" ", "@alice", "zed"]), &offers(&[("bob", 1)]));
        assert_eq!(m, Some(Mentor { login: "alice".into(), source: MentorSource::Configured }));
    }

    #[test]
    fn otherwise_the_earliest_offer_names_the_mentor() {
        let m = mentor_for(&[], &[], &offers(&[("bob", 50), ("carol", 20), ("dan", 20)]));
        assert_eq!(m, Some(Mentor { login: "carol".into(), source: MentorSource::Offered }));
        assert_eq!(mentor_for(&[], &[], &[]), None);
        assert_eq!(m.unwrap().explain().inputs[0], ("mentor", "@carol".to_owned()));
    }

    #[test]
    fn mentor_response_time_censors_unanswered_newcomers() {
        // Answered after 1 d and 3 d, one still waiting at 10 d: S(1 d) = 2/3, S(3 d) = 1/3 → median 3 d.
        let s = mentor_response_time(&[(0, Some(DAY)), (0, Some(3 * DAY)), (0, None)], 10 * DAY);
        assert_eq!(s.median, Some(Quantile::Exactly(3 * DAY)));
        assert_eq!(s.p90, Some(Quantile::MoreThan(10 * DAY)));
        assert_eq!((s.answered, s.unanswered), (2, 1));
        assert!(s.scope.contains("mentor"));
        let empty = mentor_response_time(&[], 10 * DAY);
        assert_eq!((empty.median, empty.total), (None, 0));
    }
}
