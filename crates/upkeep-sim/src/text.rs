//! Texts derived from ids at render time: titles, bodies, comments, names.
//!
//! The world never stores prose. Every function here is a pure function of a hash, so the same
//! world renders byte-identical bodies and an edit (which bumps a revision or an `updated_at`)
//! changes the text it should. Some texts carry non-ASCII on purpose, to exercise UTF-8 paths.

use super::spec;
use super::util::{mix, pick};
use super::world::{Item, LinkKind, Role};

const COMPONENTS: [&str; 16] = [
    "parser",
    "CLI",
    "config loader",
    "cache",
    "scheduler",
    "HTTP client",
    "renderer",
    "index",
    "query planner",
    "docs site",
    "installer",
    "plugin API",
    "logger",
    "test harness",
    "CI pipeline",
    "Windows build",
];
const SYMPTOMS: [&str; 12] = [
    "panics on empty input",
    "leaks memory",
    "hangs forever",
    "returns stale results",
    "is slow on large inputs",
    "ignores the --quiet flag",
    "crashes on startup",
    "mangles UTF-8 paths like “café/naïve”",
    "prints a confusing error",
    "fails behind a proxy",
    "double-counts entries",
    "times out on CI",
];
const FEATURES: [&str; 12] = [
    "incremental builds",
    "a JSON output mode",
    "ARM64 binaries",
    "config hot-reload",
    "dark mode",
    "streaming results",
    "custom plugins",
    "a dry-run flag",
    "shell completions",
    "i18n",
    "async callbacks",
    "a progress bar",
];
const DEPS: [&str; 10] =
    ["serde", "tokio", "lodash", "requests", "numpy", "clap", "webpack", "openssl", "zlib", "pytest"];

/// The title of an issue or pull request, in keeping with its labels.
pub fn title(repo_id: u64, number: u32, rev: u8, labels: u16, is_pull: bool, by_bot: bool) -> String {
    let h = mix(repo_id, u64::from(number) << 8 | u64::from(rev));
    let (c, s, f) = (pick(&COMPONENTS, h), pick(&SYMPTOMS, h >> 8), pick(&FEATURES, h >> 16));
    if by_bot {
        let dep = pick(&DEPS, h >> 24);
        let (a, b) = ((h >> 32) % 9, (h >> 36) % 20);
        return format!("Bump {dep} from 1.{a}.{b} to 1.{a}.{}", b + 1);
    }
    let suffix = if rev > 0 { " (updated)" } else { "" };
    let kind = [spec::BUG, spec::ENHANCEMENT, spec::QUESTION, spec::DOCUMENTATION]
        .into_iter()
        .position(|bit| labels & bit != 0)
        .unwrap_or((h >> 40) as usize % 4);
    match (kind, is_pull) {
        (0, true) => format!("Fix: {c} {s}{suffix}"),
        (0, false) => format!("{c}: {s}{suffix}"),
        (1, true) => format!("Add {f} to the {c}{suffix}"),
        (1, false) => format!("Feature request: {f}{suffix}"),
        (2, false) => format!("Question: how do I use {f}?{suffix}"),
        (3, _) => format!("Docs: explain the {c}{suffix}"),
        _ => format!("Refactor the {c}{suffix}"),
    }
}

/// Two different entries of `options`.
fn pick_two<'a>(options: &[&'a str], h: u64) -> (&'a str, &'a str) {
    let n = options.len() as u64;
    let first = h % n;
    let second = (first + 1 + (h >> 16) % (n - 1)) % n;
    (options[first as usize], options[second as usize])
}

const OPENERS: [&str; 8] = [
    "Steps to reproduce are below.",
    "I ran into this while upgrading.",
    "This has bitten us twice now.",
    "Small change, happy to iterate.",
    "Following up on the discussion in chat.",
    "Not sure if this is expected behaviour.",
    "Thanks for the great project! 🎉",
    "Tested on Linux and macOS.",
];
const DETAILS: [&str; 8] = [
    "Running `make test` after a clean checkout shows the problem.",
    "The logs say nothing useful, even with RUST_LOG=debug.",
    "A minimal example is attached.",
    "This touches only the public API docs.",
    "I added a regression test.",
    "Performance improves by roughly 12% on the benchmark.",
    "It worked in the previous release.",
    "Maybe related to the recent refactor?",
];

/// The body of an issue or pull request.
pub fn body(repo_id: u64, number: u32, rev: u8) -> String {
    let h = mix(repo_id ^ 0xb0d1, u64::from(number) << 8 | u64::from(rev));
    let (first, second) = pick_two(&DETAILS, h >> 8);
    format!("{}\n\n{first}\n\n{second}", pick(&OPENERS, h))
}

const REMARKS: [&str; 14] = [
    "Thanks for the report! Can you share your version?",
    "I can reproduce this on main.",
    "+1, same here.",
    "Would a PR for this be welcome?",
    "Fixed in the latest release, please retry.",
    "I can confirm this on the latest release.",
    "Any update on this?",
    "Looks good to me, one nit inline.",
    "Could you add a test?",
    "Closing as this is expected behaviour.",
    "Merci beaucoup, ça marche ! 👍",
    "Rebased on main.",
    "This is a duplicate of an older issue.",
    "Let's discuss in the next community call.",
];

/// The body of an issue or pull request, with the issue a pull request links to.
pub fn item_body(repo_id: u64, item: &Item) -> String {
    let body = body(repo_id, item.number, item.rev);
    let Some(link) = item.pull.as_ref().and_then(|p| p.link) else { return body };
    let keyword = match link.kind {
        LinkKind::Closes => "Closes",
        LinkKind::Fixes => "Fixes",
        LinkKind::Resolves => "Resolves",
        LinkKind::Manual => "Related to",
    };
    format!("{body}\n\n{keyword} #{}", link.issue)
}

/// How newcomers claim an issue, in the words people use.
pub const CLAIMS: [&str; 6] = [
    "I'd like to work on this!",
    "Can I take this issue?",
    "/assign",
    "Hi, is this still available? I would love to work on it",
    "I will work on this",
    "Could you assign this to me?",
];
const OFFERS: [&str; 3] = [
    "Happy to mentor anyone who picks this up.",
    "Feel free to ask questions here, I can help.",
    "I can guide you through it: the change is small and the tests cover it well.",
];
const QUESTIONS: [&str; 3] = [
    "Quick question: where does this logic live? I could not find it under src/.",
    "Is there a test I can run locally to check a fix?",
    "Should the new behaviour also be described in the README?",
];
const ANSWERS: [&str; 3] = [
    "Good question! It is in src/lib.rs, start with the `run` function.",
    "Yes: `make test` runs everything, and `make test-one NAME=…` runs a single test.",
    "Yes please, a short paragraph in the README would be great.",
];
const ACKS: [&str; 3] = [
    "Thanks! Assigned to you, have fun 🎉",
    "Sure, it's yours. Ping us if you get stuck.",
    "Assigned, looking forward to your PR!",
];
const RELEASES: [&str; 2] = [
    "Unassigning since there has been no activity for a while; anyone is welcome to pick this up.",
    "Freeing this up again as it seems stalled. Thanks for the interest!",
];

/// The body of an issue comment written by a human.
pub fn human_comment(id: u64, updated: i64, role: Role) -> String {
    let phrase = |list: &[&str], k: u8| list[k as usize % list.len()].to_owned();
    match role {
        Role::Plain => comment(id, updated),
        Role::Claim(k) => phrase(&CLAIMS, k),
        Role::Offer(k) => phrase(&OFFERS, k),
        Role::Question(k) => phrase(&QUESTIONS, k),
        Role::Answer(k) => phrase(&ANSWERS, k),
        Role::Ack(k) => phrase(&ACKS, k),
        Role::Release(k) => phrase(&RELEASES, k),
    }
}

/// The body of an issue comment of everyday chatter.
pub fn comment(id: u64, updated: i64) -> String {
    let h = mix(id, updated as u64);
    let edited = if (h >> 32).is_multiple_of(5) { "\n\n_Edited for clarity._" } else { "" };
    format!("{}{edited}", pick(&REMARKS, h))
}

/// The body of a comment written by a bot or CI account.
pub fn bot_comment(id: u64, login: &str) -> String {
    let h = mix(id, 0xb07);
    match login {
        "upkeep-ci" => format!("CI run #{}: {} checks passed ✅", h % 90_000 + 1_000, h % 40 + 5),
        "dependabot[bot]" => "Looks like this dependency is up to date now, so this is no longer needed.".into(),
        _ => format!("Build artifacts are ready: run {} finished in {}m {}s.", h % 9_000_000, h % 30, h % 60),
    }
}

const REVIEW_NOTES: [&str; 8] = [
    "Nice work overall.",
    "A few suggestions inline.",
    "Please split this into two commits.",
    "LGTM 🚀",
    "This needs a changelog entry.",
    "Can we avoid the extra allocation here?",
    "Tests look good.",
    "I'm not convinced this is the right layer for it.",
];

pub fn review_body(id: u64) -> String {
    pick(&REVIEW_NOTES, mix(id, 0x7e1)).to_owned()
}

pub fn review_comment(id: u64, updated: i64) -> String {
    let h = mix(id ^ 0xc0de, updated as u64);
    pick(&REVIEW_NOTES, h).to_owned()
}

const PATHS: [&str; 8] = [
    "src/lib.rs",
    "src/parser.rs",
    "README.md",
    "docs/guide.md",
    "tests/integration.rs",
    "Cargo.toml",
    "src/cli/args.rs",
    "src/cache/mod.rs",
];

pub fn path(id: u64) -> &'static str {
    pick(&PATHS, mix(id, 0x9a7))
}

/// A 40-hex-digit commit sha.
pub fn sha(seed: u64) -> String {
    format!("{:016x}{:016x}{:08x}", mix(seed, 1), mix(seed, 2), mix(seed, 3) as u32)
}

const RELEASE_NOTES: [&str; 6] = [
    "Bug fixes and performance improvements.",
    "This release adds streaming support.",
    "Security fix: please upgrade.",
    "Many thanks to our first-time contributors! 💜",
    "Dropped support for old platforms.",
    "Documentation overhaul.",
];

pub fn release_body(id: u64) -> String {
    let h = mix(id, 0x5e1);
    let (first, second) = pick_two(&RELEASE_NOTES, h);
    format!("## What's changed\n\n{first}\n\n{second}")
}

const CITIES: [&str; 10] =
    ["Lagos", "Stockholm", "Osaka", "Lyon", "Brno", "Montréal", "São Paulo", "Pune", "Austin", "Remote"];
const COMPANIES: [&str; 6] = ["@upkeep-sim", "Acme Corp", "Initech", "freelance", "University of Somewhere", ""];

/// `(name, company, location, bio)` for a person's profile.
pub fn profile(login: &str, id: u64) -> (String, String, String, String) {
    let h = mix(id, 0x9e0);
    let name = login
        .split(['-', '_'])
        .map(|w| w.trim_end_matches(|c: char| c.is_ascii_digit()))
        .filter(|w| !w.is_empty())
        .map(capitalise)
        .collect::<Vec<_>>()
        .join(" ");
    let bio = format!("Working on {} things.", pick(&COMPONENTS, h >> 16).to_lowercase());
    (name, pick(&COMPANIES, h).to_owned(), pick(&CITIES, h >> 8).to_owned(), bio)
}

fn capitalise(word: &str) -> String {
    let mut chars = word.chars();
    chars.next().map(|c| c.to_uppercase().chain(chars).collect()).unwrap_or_default()
}
