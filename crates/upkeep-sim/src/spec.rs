//! The organisation's twelve repositories as a readable table, plus the label catalogue.
//!
//! Each [`RepoSpec`] is a character sketch in numbers: size per scale, age, how busy and how
//! healthy the project is, which community files it has and how it welcomes newcomers.
//! `history.rs` turns a spec into a history and `newcomers.rs` stages its onboarding threads;
//! nothing here is random. To add a repository, add a row (the HTTP tests expect twelve).

use super::options::Scale;

/// How a repository's activity evolves over its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Trend {
    /// More and more activity over time.
    Growing,
    Steady,
    /// Busy early, fading over the last part of its life.
    Declining,
}

/// Who does the maintainers' share of the work.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Triage {
    /// Responses spread over all maintainers.
    Shared,
    /// One maintainer does `share` of triage; their activity rises, then collapses in the last
    /// `collapse_days` before the epoch (burnout).
    Hero { share: f64, collapse_days: i64 },
}

/// The community health files a repository has, for `/community/profile` (`community.rs`).
/// Every repository has a licence (its metadata names one) and a description.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Community {
    pub readme: bool,
    pub code_of_conduct: bool,
    pub contributing: bool,
    pub issue_template: bool,
    pub pull_request_template: bool,
    /// A documentation site (the profile's `documentation` URL).
    pub docs_site: bool,
    pub content_reports: bool,
}

const README_ONLY: Community = Community {
    readme: true,
    code_of_conduct: false,
    contributing: false,
    issue_template: false,
    pull_request_template: false,
    docs_site: false,
    content_reports: false,
};

const EVERYTHING: Community = Community {
    readme: true,
    code_of_conduct: true,
    contributing: true,
    issue_template: true,
    pull_request_template: true,
    docs_site: true,
    content_reports: true,
};

#[derive(Debug, PartialEq)]
pub struct RepoSpec {
    pub name: &'static str,
    pub language: Option<&'static str>,
    pub description: &'static str,
    pub topics: &'static [&'static str],
    /// Issues + pull requests at small, medium, large.
    pub items: [u32; 3],
    /// Created this many days before the epoch.
    pub age_days: i64,
    /// Nothing happens in the last `quiet_days` before the epoch (inert or archived projects).
    pub quiet_days: i64,
    pub archived: bool,
    pub trend: Trend,
    pub triage: Triage,
    pub maintainers: usize,
    pub pr_share: f64,
    /// Mean issue comments per item, where someone answers.
    pub comments_mean: f64,
    /// Chance that nobody but the author ever comments on an issue.
    pub unanswered: f64,
    /// Median hours until the first response.
    pub response_hours: f64,
    /// Fraction of issues that end up closed, of pull requests merged.
    pub close_rate: f64,
    pub merge_rate: f64,
    /// Share of pull requests opened by dependabot.
    pub bot_share: f64,
    /// Share of issues labelled `good first issue`.
    pub newcomer_share: f64,
    /// Share of items written by maintainers themselves.
    pub maintainer_share: f64,
    /// Days between releases; 0 = never releases.
    pub release_days: i64,
    pub ci_bot: bool,
    pub stars: u32,
    /// How this repository spells `good first issue` (bit [`GOOD_FIRST_ISSUE`]): label names
    /// are case-insensitive within a repository, so each repository has one spelling.
    pub gfi_label: &'static str,
    /// Further newcomer labels (bits of [`NEWCOMER`]) its onboarding threads carry.
    pub newcomer_labels: u16,
    /// Open issues per onboarding situation that `newcomers.rs` stages (0 = none).
    pub onboarding: u8,
    pub community: Community,
}

impl RepoSpec {
    pub fn items_at(&self, scale: Scale) -> u32 {
        match scale {
            Scale::Small => self.items[0],
            Scale::Medium => self.items[1],
            Scale::Large => self.items[2],
        }
    }
}

const BASE: RepoSpec = RepoSpec {
    name: "",
    language: None,
    description: "",
    topics: &[],
    items: [0, 0, 0],
    age_days: 5 * 365,
    quiet_days: 0,
    archived: false,
    trend: Trend::Steady,
    triage: Triage::Shared,
    maintainers: 3,
    pr_share: 0.45,
    comments_mean: 3.0,
    unanswered: 0.12,
    response_hours: 20.0,
    close_rate: 0.75,
    merge_rate: 0.7,
    bot_share: 0.08,
    newcomer_share: 0.04,
    maintainer_share: 0.2,
    release_days: 0,
    ci_bot: false,
    stars: 300,
    gfi_label: "good first issue",
    newcomer_labels: 0,
    onboarding: 0,
    community: Community { contributing: true, ..README_ONLY },
};

#[rustfmt::skip]
pub static REPOS: [RepoSpec; 12] = [
    RepoSpec { name: "atlas", language: Some("Rust"), description: "A fast, embeddable geospatial query engine",
        topics: &["rust", "geospatial", "database"], items: [600, 6_000, 110_000], age_days: 8 * 365,
        trend: Trend::Growing, maintainers: 6, comments_mean: 4.8, unanswered: 0.04, response_hours: 6.0,
        close_rate: 0.85, merge_rate: 0.8, release_days: 30, ci_bot: true, stars: 12_400,
        gfi_label: "good-first-issue", newcomer_labels: EASY, onboarding: 2, community: EVERYTHING, ..BASE },
    RepoSpec { name: "quasar", language: Some("C++"), description: "Real-time signal processing toolkit",
        topics: &["dsp", "audio", "cpp"], items: [450, 4_500, 30_000], age_days: 6 * 365, maintainers: 3,
        triage: Triage::Hero { share: 0.8, collapse_days: 21 }, comments_mean: 3.8, unanswered: 0.08,
        response_hours: 10.0, release_days: 75, stars: 5_900, newcomer_labels: UP_FOR_GRABS, onboarding: 1,
        community: Community { code_of_conduct: true, contributing: true, ..README_ONLY }, ..BASE },
    RepoSpec { name: "nebula", language: Some("Python"), description: "Cloud cost explorer and forecasting",
        topics: &["python", "cloud", "finops"], items: [300, 3_000, 15_000], age_days: 5 * 365,
        comments_mean: 3.4, release_days: 45, ci_bot: true, stars: 2_100, gfi_label: "Good First Issue",
        newcomer_labels: BEGINNER, onboarding: 2,
        community: Community { code_of_conduct: true, contributing: true, issue_template: true, ..README_ONLY },
        ..BASE },
    RepoSpec { name: "orbit", language: Some("TypeScript"), description: "Typed state machines for UIs",
        topics: &["typescript", "state-machine"], items: [250, 2_500, 10_000], age_days: 6 * 365,
        trend: Trend::Declining, comments_mean: 2.8, unanswered: 0.3, response_hours: 60.0,
        close_rate: 0.55, merge_rate: 0.55, release_days: 60, stars: 3_300,
        community: Community { code_of_conduct: true, pull_request_template: true, ..README_ONLY }, ..BASE },
    RepoSpec { name: "comet", language: Some("JavaScript"), description: "Friendly static site generator",
        topics: &["javascript", "static-site", "good-first-issues"], items: [200, 2_000, 8_000],
        age_days: 3 * 365, trend: Trend::Growing, comments_mean: 3.0, unanswered: 0.05,
        response_hours: 8.0, newcomer_share: 0.3, maintainer_share: 0.12, release_days: 40, stars: 1_800,
        newcomer_labels: BEGINNER | FIRST_TIMERS_ONLY | UP_FOR_GRABS, onboarding: 3, community: EVERYTHING, ..BASE },
    RepoSpec { name: "pulsar", language: Some("Go"), description: "Message queue benchmark harness",
        topics: &["go", "benchmark", "queues"], items: [220, 2_200, 8_000], age_days: 4 * 365,
        maintainers: 2, comments_mean: 1.6, unanswered: 0.55, response_hours: 400.0, close_rate: 0.35,
        merge_rate: 0.45, stars: 900, community: Community { code_of_conduct: true, ..README_ONLY }, ..BASE },
    RepoSpec { name: "meteor", language: Some("C"), description: "Tiny, portable compression library",
        topics: &["c", "compression"], items: [180, 1_800, 7_000], age_days: 7 * 365, comments_mean: 2.5,
        response_hours: 14.0, close_rate: 0.9, merge_rate: 0.8, release_days: 42, ci_bot: true,
        stars: 4_200, community: Community { code_of_conduct: true, contributing: true,
        pull_request_template: true, ..README_ONLY }, ..BASE },
    RepoSpec { name: "ion", language: Some("Rust"), description: "A one-person terminal text editor",
        topics: &["rust", "editor", "tui"], items: [80, 800, 2_000], age_days: 3 * 365, maintainers: 1,
        comments_mean: 1.5, unanswered: 0.2, response_hours: 30.0, maintainer_share: 0.6,
        bot_share: 0.02, release_days: 120, stars: 450, community: README_ONLY, ..BASE },
    RepoSpec { name: "halo", language: Some("Ruby"), description: "Lighting rig controller (unmaintained)",
        topics: &["ruby", "dmx"], items: [60, 600, 2_000], age_days: 6 * 365, quiet_days: 425, maintainers: 2,
        comments_mean: 2.0, release_days: 180, stars: 120, community: README_ONLY, ..BASE },
    RepoSpec { name: "legacy-tools", language: Some("Perl"), description: "Old build scripts (archived)",
        topics: &["perl", "build"], items: [90, 900, 3_000], age_days: 10 * 365, quiet_days: 700,
        archived: true, comments_mean: 2.0, release_days: 200, stars: 60, community: README_ONLY, ..BASE },
    RepoSpec { name: "docs", language: Some("MDX"), description: "Documentation for all upkeep-sim projects",
        topics: &["documentation"], items: [120, 1_200, 5_000], age_days: 5 * 365, comments_mean: 1.5,
        pr_share: 0.65, bot_share: 0.01, newcomer_share: 0.15, stars: 150, newcomer_labels: EASY | BEGINNER,
        onboarding: 2, community: Community { code_of_conduct: false, docs_site: true, ..EVERYTHING }, ..BASE },
    RepoSpec { name: "stardust", language: Some("Zig"), description: "Experimental particle renderer",
        topics: &["zig", "graphics"], items: [40, 400, 1_000], age_days: 61, maintainers: 2,
        trend: Trend::Growing, comments_mean: 2.5, response_hours: 5.0, close_rate: 0.5, merge_rate: 0.75,
        release_days: 45, bot_share: 0.0, stars: 75, onboarding: 1, ..BASE },
];

/// `(name, color, description, default)`: GitHub's default labels plus a few common ones.
/// At most 16 (an item stores its labels as a `u16` bit set). A repository may spell `good first
/// issue` its own way ([`RepoSpec::gfi_label`]); mentor labels (`mentor: @login`) are per item.
pub const LABELS: [(&str, &str, &str, bool); 16] = [
    ("bug", "d73a4a", "Something isn't working", true),
    ("enhancement", "a2eeef", "New feature or request", true),
    ("documentation", "0075ca", "Improvements or additions to documentation", true),
    ("question", "d876e3", "Further information is requested", true),
    ("good first issue", "7057ff", "Good for newcomers", true),
    ("help wanted", "008672", "Extra attention is needed", true),
    ("duplicate", "cfd3d7", "This issue or pull request already exists", true),
    ("wontfix", "ffffff", "This will not be worked on", true),
    ("dependencies", "0366d6", "Pull requests that update a dependency file", false),
    ("performance", "fbca04", "Speed or memory use", false),
    ("stale", "ededed", "No activity for a long time", false),
    ("needs triage", "e99695", "Not yet looked at by a maintainer", false),
    ("beginner", "c2e0c6", "Suitable for people new to the project", false),
    ("easy", "bfdadc", "Small and self-contained", false),
    ("first-timers-only", "fef2c0", "Reserved for someone's very first contribution", false),
    ("up-for-grabs", "5319e7", "Anyone can pick this up", false),
];

/// The bit of label `name` in a repository of `spec` (case-insensitively, as on GitHub).
pub fn label_bit(spec: &RepoSpec, name: &str) -> Option<u16> {
    if name.eq_ignore_ascii_case(spec.gfi_label) {
        return Some(GOOD_FIRST_ISSUE);
    }
    let bit = 1 << LABELS.iter().position(|(n, ..)| n.eq_ignore_ascii_case(name))?;
    (bit != GOOD_FIRST_ISSUE).then_some(bit)
}

/// The name of label `i` of [`LABELS`] in a repository of `spec`.
pub fn label_name(spec: &RepoSpec, i: usize) -> &'static str {
    if 1 << i == GOOD_FIRST_ISSUE { spec.gfi_label } else { LABELS[i].0 }
}

pub const BUG: u16 = 1 << 0;
pub const ENHANCEMENT: u16 = 1 << 1;
pub const DOCUMENTATION: u16 = 1 << 2;
pub const QUESTION: u16 = 1 << 3;
pub const GOOD_FIRST_ISSUE: u16 = 1 << 4;
pub const HELP_WANTED: u16 = 1 << 5;
pub const DUPLICATE: u16 = 1 << 6;
pub const WONTFIX: u16 = 1 << 7;
pub const DEPENDENCIES: u16 = 1 << 8;
pub const PERFORMANCE: u16 = 1 << 9;
pub const STALE: u16 = 1 << 10;
pub const NEEDS_TRIAGE: u16 = 1 << 11;
pub const BEGINNER: u16 = 1 << 12;
pub const EASY: u16 = 1 << 13;
pub const FIRST_TIMERS_ONLY: u16 = 1 << 14;
pub const UP_FOR_GRABS: u16 = 1 << 15;
/// The labels that mark an issue for newcomers, in every spelling the organisation uses.
pub const NEWCOMER: u16 = GOOD_FIRST_ISSUE | HELP_WANTED | BEGINNER | EASY | FIRST_TIMERS_ONLY | UP_FOR_GRABS;
