//! Newcomer onboarding: which issues a newcomer can pick up, who will help, and whether newcomers
//! come back.
//!
//! The family answers the gaps in research anchors §2.3 with pure functions:
//! - [`labels`]: `good first issue` under all its spellings ([`NewcomerLabels`]) and mentor labels
//!   (`mentor: @login`, openlibrary's `Lead: @login`);
//! - [`claims`]: claimed-issue hygiene; assigned, linked pull request open, or a recent "I'd like
//!   to work on this" comment; older claims are abandoned;
//! - [`mentors`]: help offers in maintainer comments, the issue's mentor, and how fast that mentor
//!   answers newcomers;
//! - [`experience`]: CHAOSS Newcomer Experience (DEI, release candidate): monthly cohorts, the
//!   share who contribute again within 90 days (not-yet-90-days people pending, never failures),
//!   time to the second contribution, first-timer vs regular response times, first-timer merge rate;
//! - [`outcomes`]: the same outcomes per newcomer label and per mentor.
//!
//! Comment text goes through one normaliser and one phrase-pattern matcher (`phrases`), so claim
//! and offer detection are tables of readable patterns rather than regexes.
//!
//! Like the rest of [`crate::metrics`]: no IO and no clock. `db` supplies the rows (and decides who
//! is a bot, a maintainer or a first-timer), `config` the label list and mentors, `web` the pages.

pub mod claims;
pub mod experience;
pub mod labels;
pub mod mentors;
pub mod outcomes;
mod phrases;

pub use claims::{ClaimInputs, ClaimReason, ClaimStatus, StaleClaim, claim_status, is_claim_comment, stale_claims};
pub use experience::{
    Contributor, Conversion, FirstTimerMergeRate, FirstTimerPr, MonthlyCohort, NewcomerExperience, NewcomerInput,
    SecondContribution, first_timer_merge_rate, monthly_cohorts, newcomer_experience, second_contribution,
};
pub use labels::{DEFAULT_NEWCOMER_LABELS, NewcomerLabels, mentor_from_label, normalize_label};
pub use mentors::{Mentor, MentorSource, is_help_offer, mentor_for, mentor_response_time};
pub use outcomes::{
    LabelledIssue, NewcomerOutcomes, OutcomeRow, newcomer_outcomes, outcomes_by_label, outcomes_by_mentor,
};
