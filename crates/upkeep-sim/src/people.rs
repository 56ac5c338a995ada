//! The people of the organisation: the org account, bots, maintainers, a heavy-tailed community
//! and newcomers created on the fly.
//!
//! Activity is Zipf-distributed over the community (a few people do most things), every account
//! gets a stable id and login, and bots come in both flavours: `dependabot[bot]` and
//! `github-actions[bot]` are `type: "Bot"`, while `upkeep-ci` is a plain `User` that only
//! configuration can mark as a bot. `history.rs` decides who does what; this file only owns the
//! accounts and the sampling.

use std::collections::{HashMap, HashSet};

use rand::Rng;

use super::accounts::{ORG, User, UserKind};
use super::util::{DAY, Ts, mix, pick};

const FIRST: [&str; 48] = [
    "ada", "bo", "chen", "dara", "eli", "farah", "gus", "hana", "ivan", "jun", "kofi", "lena", "mara", "nils", "olu",
    "priya", "quinn", "rosa", "sami", "tomas", "uma", "vik", "wen", "xena", "yara", "zane", "amir", "bea", "cyril",
    "dina", "emre", "fern", "gita", "hugo", "ines", "jonas", "kira", "luca", "mei", "noor", "otto", "pia", "rafa",
    "sven", "tara", "ugo", "vera", "wyn",
];
const LAST: [&str; 40] = [
    "okafor",
    "lindqvist",
    "tanaka",
    "moreau",
    "novak",
    "haddad",
    "kowalski",
    "silva",
    "nguyen",
    "reyes",
    "adeyemi",
    "bauer",
    "castro",
    "dubois",
    "eriksen",
    "fischer",
    "garcia",
    "horvat",
    "ito",
    "jensen",
    "kim",
    "larsen",
    "mendes",
    "nakamura",
    "oliveira",
    "petrov",
    "quispe",
    "rossi",
    "sato",
    "thorne",
    "ueda",
    "varga",
    "weber",
    "xu",
    "yilmaz",
    "zhou",
    "achebe",
    "brandt",
    "costa",
    "diaz",
];

/// The accounts plus what is needed to sample them.
#[derive(Debug, Clone, PartialEq)]
pub struct People {
    pub users: Vec<User>,
    pub logins: HashMap<Box<str>, u32>,
    /// Community members in rank order (rank 0 is the most active).
    pub regulars: Vec<u32>,
    zipf: Vec<f64>,
    /// Staff accounts that maintain repositories.
    pub staff: Vec<u32>,
    /// Newcomers who have never contributed anywhere (`FIRST_TIMER` on their first PR).
    pub first_timers: HashSet<u32>,
    pub dependabot: u32,
    pub actions: u32,
    pub ci: u32,
    pub next_id: u64,
    seed: u64,
}

impl People {
    /// The org, the bots, `staff` maintainers and `regulars` community members.
    pub fn new(seed: u64, staff: usize, regulars: usize, org_created: Ts) -> People {
        let mut p = People {
            users: Vec::new(),
            logins: HashMap::new(),
            regulars: Vec::new(),
            zipf: Vec::new(),
            staff: Vec::new(),
            first_timers: HashSet::new(),
            dependabot: 0,
            actions: 0,
            ci: 0,
            next_id: 1_000,
            seed,
        };
        p.add_fixed(ORG, 31_337_001, UserKind::Organization, org_created);
        p.dependabot = p.add_fixed("dependabot[bot]", 49_699_333, UserKind::Bot, org_created - 900 * DAY);
        p.actions = p.add_fixed("github-actions[bot]", 41_898_282, UserKind::Bot, org_created - 1_500 * DAY);
        p.ci = p.add_fixed("upkeep-ci", 31_337_002, UserKind::User, org_created);
        p.staff = (0..staff).map(|_| p.add_person(org_created - 400 * DAY)).collect();
        p.regulars = (0..regulars).map(|_| p.add_person(org_created)).collect();
        p.zipf = zipf_cumulative(regulars, 1.1);
        p
    }

    fn add_fixed(&mut self, login: &str, id: u64, kind: UserKind, created: Ts) -> u32 {
        let ix = self.users.len() as u32;
        self.users.push(User { login: login.into(), id, kind, created });
        self.logins.insert(login.into(), ix);
        ix
    }

    /// The human account `login`, created at `created` with the next id if it does not exist.
    pub fn named(&mut self, login: &str, created: Ts) -> u32 {
        if let Some(ix) = self.logins.get(login) {
            return *ix;
        }
        self.next_id += 1 + mix(self.seed ^ 0x55, self.users.len() as u64) % 40;
        self.add_fixed(login, self.next_id, UserKind::User, created)
    }

    /// A new human account with a fresh login and the next id.
    pub fn add_person(&mut self, created: Ts) -> u32 {
        let n = self.users.len() as u64;
        let mut login = person_login(mix(self.seed, n));
        let mut suffix = 2;
        while self.logins.contains_key(login.as_str()) {
            login = format!("{}{}", person_login(mix(self.seed, n)), suffix);
            suffix += 1;
        }
        self.next_id += 1 + mix(self.seed ^ 0x55, n) % 40;
        self.add_fixed(&login, self.next_id, UserKind::User, created)
    }

    /// A newcomer created just before `at`; about half have never contributed anywhere.
    pub fn newcomer(&mut self, rng: &mut impl Rng, at: Ts) -> u32 {
        let created = at - rng.gen_range(DAY..2_000 * DAY);
        let user = self.add_person(created);
        if rng.gen_bool(0.5) {
            self.first_timers.insert(user);
        }
        user
    }

    /// A community member of `repo_offset`'s community, heavy-tailed by rank.
    pub fn regular(&self, rng: &mut impl Rng, repo_offset: usize) -> u32 {
        let total = *self.zipf.last().unwrap_or(&1.0);
        let u = rng.gen_range(0.0..total);
        let rank = self.zipf.partition_point(|c| *c <= u).min(self.regulars.len() - 1);
        self.regulars[(rank + repo_offset) % self.regulars.len()]
    }
}

/// A login like `mara-okafor`, `bnovak` or `priya_ito42`.
fn person_login(h: u64) -> String {
    let first = pick(&FIRST, h);
    let last = pick(&LAST, h >> 8);
    match (h >> 16) % 5 {
        0 | 1 => format!("{first}-{last}"),
        2 => format!("{}{last}", &first[..1]),
        3 => format!("{first}{}", (h >> 24) % 100),
        _ => format!("{first}_{last}{}", (h >> 24) % 10),
    }
}

/// Cumulative weights `1 / (rank + 1)^s`.
fn zipf_cumulative(n: usize, s: f64) -> Vec<f64> {
    let mut total = 0.0;
    (0..n)
        .map(|rank| {
            total += 1.0 / ((rank + 1) as f64).powf(s);
            total
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::{SeedableRng, rngs::StdRng};

    #[test]
    fn logins_and_ids_are_unique() {
        let p = People::new(7, 20, 3_000, 1_500_000_000);
        let ids: HashSet<u64> = p.users.iter().map(|u| u.id).collect();
        assert_eq!(ids.len(), p.users.len());
        assert_eq!(p.logins.len(), p.users.len());
        assert_eq!(p.users[p.dependabot as usize].kind, UserKind::Bot);
        assert_eq!(p.users[p.ci as usize].kind, UserKind::User);
    }

    #[test]
    fn community_activity_is_heavy_tailed() {
        let p = People::new(7, 5, 500, 1_500_000_000);
        let mut rng = StdRng::seed_from_u64(1);
        let mut counts: HashMap<u32, u32> = HashMap::new();
        for _ in 0..10_000 {
            *counts.entry(p.regular(&mut rng, 0)).or_default() += 1;
        }
        let top = counts.values().max().copied().unwrap_or(0);
        assert!(top > 800, "the most active person does far more than average: {top}");
        assert!(counts.len() > 300, "and a long tail does a little: {}", counts.len());
    }
}
