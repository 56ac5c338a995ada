//! Who funds the organisation: each repository's `FUNDING.yml` (as GitHub's parsed
//! `fundingLinks`) and the GitHub Sponsors listings of the org and of one maintainer.
//!
//! Nothing here is stored in the world: sponsorships are a pure function of the seed, the
//! epoch and the time asked about. Candidate sponsorship `k` of a listing starts about `k`
//! steps after the listing opened (a step is a dozen days for the org), so a new sponsor
//! arrives every step, before the epoch (a history, hence a trend) and after it (`advance`
//! moves the clock, so counts grow); some recurring sponsorships end after a few months and
//! one-time ones after a month, so the list also shrinks. Sponsors are community members
//! (and the org itself sponsors its hero), some of them private.
//!
//! Listings: `upkeep-sim` (goal: monthly amount) and the quasar hero, the near-burnout
//! maintainer (goal: sponsor count). Every other account has none.

use super::accounts::ORG;
use super::spec::{REPOS, RepoSpec};
use super::util::{DAY, Ts, mix};
use super::world::{Repo, World};

/// One entry of `Repository.fundingLinks` (`platform` is a `FundingPlatform` value).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FundingLink {
    pub platform: &'static str,
    pub url: String,
}

/// The repository's `FUNDING.yml`, parsed as GitHub does (its order kept). A GitHub link is
/// the account's profile URL; a URL of a platform GitHub does not know is `CUSTOM`.
pub fn links(world: &World, repo: &Repo) -> Vec<FundingLink> {
    let link = |platform, url: String| FundingLink { platform, url };
    let org = format!("https://github.com/{ORG}");
    let lead = |name: &str| {
        let repo = world.repos.iter().find(|r| r.spec.name == name);
        repo.and_then(|r| r.maintainers.first()).map(|(u, _)| world.user(*u).login.to_string()).unwrap_or_default()
    };
    match repo.spec.name {
        "atlas" => vec![
            link("GITHUB", org),
            link("OPEN_COLLECTIVE", "https://opencollective.com/upkeep-atlas".into()),
            link("CUSTOM", "https://example.org/donate".into()),
        ],
        "quasar" => {
            let hero = lead("quasar");
            vec![
                link("GITHUB", format!("https://github.com/{hero}")),
                link("CUSTOM", format!("https://paypal.me/{hero}")),
            ]
        }
        "nebula" => vec![link("GITHUB", org), link("LIBERAPAY", "https://liberapay.com/upkeep-nebula".into())],
        "orbit" => vec![link("PATREON", "https://www.patreon.com/upkeep_orbit".into())],
        "comet" => vec![link("OPEN_COLLECTIVE", "https://opencollective.com/upkeep-comet".into())],
        "meteor" => {
            vec![
                link("GITHUB", org),
                link("TIDELIFT", "https://tidelift.com/funding/github/pypi/meteor-compress".into()),
            ]
        }
        "ion" => {
            let solo = lead("ion");
            vec![
                link("KO_FI", format!("https://ko-fi.com/{solo}")),
                link("BUY_ME_A_COFFEE", format!("https://buymeacoffee.com/{solo}")),
            ]
        }
        "docs" => vec![link("GITHUB", org)],
        "stardust" => vec![
            link("POLAR", format!("https://polar.sh/{ORG}")),
            link("THANKS_DEV", format!("https://thanks.dev/u/gh/{ORG}")),
        ],
        _ => Vec::new(),
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GoalKind {
    /// `targetValue` is US dollars a month.
    MonthlyAmount,
    /// `targetValue` is a number of sponsors.
    SponsorCount,
}

impl GoalKind {
    pub fn as_str(self) -> &'static str {
        match self {
            GoalKind::MonthlyAmount => "MONTHLY_SPONSORSHIP_AMOUNT",
            GoalKind::SponsorCount => "TOTAL_SPONSORS_COUNT",
        }
    }
}

/// A published tier: `weight` is its share of new sponsorships.
#[derive(Debug, PartialEq, Eq)]
pub struct Tier {
    pub name: &'static str,
    pub cents: u32,
    pub one_time: bool,
    weight: u64,
}

const fn tier(name: &'static str, cents: u32, one_time: bool, weight: u64) -> Tier {
    Tier { name, cents, one_time, weight }
}

/// Listed by monthly price, ascending (GitHub's default order).
static ORG_TIERS: [Tier; 5] = [
    tier("$5 a month", 500, false, 40),
    tier("$15 one time", 1_500, true, 12),
    tier("$25 a month", 2_500, false, 30),
    tier("$100 a month", 10_000, false, 14),
    tier("$500 a month", 50_000, false, 4),
];

static HERO_TIERS: [Tier; 4] = [
    tier("$3 a month", 300, false, 45),
    tier("$10 a month", 1_000, false, 30),
    tier("$25 one time", 2_500, true, 15),
    tier("$50 a month", 5_000, false, 10),
];

/// Which account a listing belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Owner {
    Org,
    /// The lead maintainer of the repository with this spec name.
    Lead(&'static str),
}

pub struct ListingSpec {
    owner: Owner,
    pub short_description: &'static str,
    pub goal: (GoalKind, u32),
    pub tiers: &'static [Tier],
    salt: u64,
    /// The first candidate starts this many days before the epoch, the next a step later.
    opened_days: i64,
    step_days: i64,
    /// Percent of recurring sponsorships that end, and of sponsors who are private.
    churn: u64,
    private: u64,
    /// A sponsorship by the org itself, from this many days before the epoch on tier `.1`.
    by_org: Option<(i64, usize)>,
}

static LISTINGS: [ListingSpec; 2] = [
    ListingSpec {
        owner: Owner::Org,
        short_description: "Keeping the upkeep-sim projects healthy: reviews, releases and mentoring",
        goal: (GoalKind::MonthlyAmount, 5_000),
        tiers: &ORG_TIERS,
        salt: 0x5905_0001,
        opened_days: 1_000,
        step_days: 12,
        churn: 30,
        private: 20,
        by_org: None,
    },
    ListingSpec {
        owner: Owner::Lead("quasar"),
        short_description: "Maintaining quasar's DSP core, mostly on evenings and weekends",
        goal: (GoalKind::SponsorCount, 40),
        tiers: &HERO_TIERS,
        salt: 0x5905_0002,
        opened_days: 700,
        step_days: 25,
        churn: 40,
        private: 15,
        by_org: Some((400, 3)),
    },
];

/// One sponsorship: `sponsor` is a user index, `tier` an index into the listing's tiers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Sponsorship {
    pub sponsor: u32,
    pub start: Ts,
    pub end: Option<Ts>,
    pub tier: usize,
    pub private: bool,
}

impl Sponsorship {
    pub fn active_at(&self, at: Ts) -> bool {
        self.start <= at && self.end.is_none_or(|end| at < end)
    }
}

/// A sponsorable account's listing, resolved against one world.
pub struct Listing {
    pub owner: u32,
    pub spec: &'static ListingSpec,
}

/// The listing of account `user` (an index), if it has one.
pub fn listing(world: &World, user: u32) -> Option<Listing> {
    LISTINGS.iter().find(|spec| owner_of(world, spec.owner) == Some(user)).map(|spec| Listing { owner: user, spec })
}

fn owner_of(world: &World, owner: Owner) -> Option<u32> {
    match owner {
        Owner::Org => Some(0),
        Owner::Lead(name) => {
            let spec: &RepoSpec = REPOS.iter().find(|s| s.name == name)?;
            let repo = world.repos.iter().find(|r| std::ptr::eq(r.spec, spec))?;
            repo.maintainers.first().map(|(u, _)| *u)
        }
    }
}

impl Listing {
    /// The listing's name, as GitHub names them.
    pub fn name(&self, world: &World) -> String {
        format!("sponsors-{}", world.user(self.owner).login)
    }

    /// The sponsorships active at `at`, newest first.
    pub fn active(&self, world: &World, at: Ts) -> Vec<Sponsorship> {
        let mut all: Vec<Sponsorship> = self.started(world, at).into_iter().filter(|s| s.active_at(at)).collect();
        all.sort_by_key(|s| (std::cmp::Reverse(s.start), s.sponsor));
        all
    }

    /// Every sponsorship started by `at`, ended or not, newest first (ties by sponsor): what
    /// `sponsorshipsAsMaintainer(activeOnly: false, orderBy: CREATED_AT DESC)` lists.
    pub fn history(&self, world: &World, at: Ts) -> Vec<Sponsorship> {
        let mut all = self.started(world, at);
        all.sort_by_key(|s| (std::cmp::Reverse(s.start), s.sponsor));
        all
    }

    /// Every sponsorship started by `at`, ended or not.
    fn started(&self, world: &World, at: Ts) -> Vec<Sponsorship> {
        let spec = self.spec;
        let opened = world.epoch - spec.opened_days * DAY;
        let step = spec.step_days * DAY;
        let mut out: Vec<Sponsorship> = spec
            .by_org
            .map(|(days, tier)| Sponsorship {
                sponsor: 0,
                start: world.epoch - days * DAY,
                end: None,
                tier,
                private: false,
            })
            .into_iter()
            .filter(|s| s.start <= at)
            .collect();
        let regulars = &world.people.regulars;
        if regulars.is_empty() || at < opened {
            return out;
        }
        let count = ((at - opened) / step + 1) as u64;
        for k in 0..count.min(regulars.len() as u64) {
            let h = mix(world.seed ^ spec.salt, k);
            let start = opened + k as Ts * step + (h % (step as u64 * 2 / 3)) as Ts;
            if start > at {
                continue;
            }
            let tier = pick_tier(spec.tiers, h >> 20);
            let end = if spec.tiers[tier].one_time {
                Some(start + 31 * DAY)
            } else if (h >> 32) % 100 < spec.churn {
                Some(start + (60 + ((h >> 40) % 480) as Ts) * DAY)
            } else {
                None
            };
            let slot = (spec.salt as usize % regulars.len() + k as usize * 7_919) % regulars.len();
            let private = (h >> 52) % 100 < spec.private;
            out.push(Sponsorship { sponsor: regulars[slot], start, end, tier, private });
        }
        out
    }

    /// `(kind, target, percent complete)` of the active goal at `at`, counting every active
    /// sponsorship (private ones included, as GitHub's progress bar does).
    pub fn goal(&self, world: &World, at: Ts) -> (GoalKind, u32, u32) {
        let (kind, target) = self.spec.goal;
        let active = self.active(world, at);
        let done = match kind {
            GoalKind::MonthlyAmount => recurring_cents(self, &active) / u64::from(target.max(1)),
            GoalKind::SponsorCount => active.len() as u64 * 100 / u64::from(target.max(1)),
        };
        (kind, target, done.min(100) as u32)
    }
}

fn pick_tier(tiers: &[Tier], h: u64) -> usize {
    let total: u64 = tiers.iter().map(|t| t.weight).sum();
    let mut roll = h % total.max(1);
    for (i, t) in tiers.iter().enumerate() {
        if roll < t.weight {
            return i;
        }
        roll -= t.weight;
    }
    0
}

/// Monthly cents of the recurring sponsorships among `of` (one-time ones do not count).
pub fn recurring_cents(listing: &Listing, of: &[Sponsorship]) -> u64 {
    let tiers = listing.spec.tiers;
    of.iter().filter(|s| !tiers[s.tier].one_time).map(|s| u64::from(tiers[s.tier].cents)).sum()
}

/// A goal's title, e.g. `$2,500 per month` or `40 sponsors`.
pub fn goal_title(kind: GoalKind, target: u32) -> String {
    let digits = target.to_string();
    let mut grouped = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            grouped.push(',');
        }
        grouped.push(c);
    }
    match kind {
        GoalKind::MonthlyAmount => format!("${grouped} per month"),
        GoalKind::SponsorCount => format!("{grouped} sponsors"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{DEFAULT_EPOCH, Scale, generate::generate};

    #[test]
    fn sponsors_come_and_go_with_the_clock() {
        let world = generate(7, Scale::Small, DEFAULT_EPOCH);
        let org = listing(&world, 0).expect("the org has a listing");
        let counts: Vec<usize> = (-4..=4).map(|q| org.active(&world, world.epoch + q * 90 * DAY).len()).collect();
        assert!(counts.windows(2).all(|w| w[0] != w[1]), "changes every quarter: {counts:?}");
        assert!(counts[8] > counts[0], "and grows overall: {counts:?}");
        let all = org.started(&world, world.epoch);
        assert!(all.iter().any(|s| s.end.is_some_and(|e| e <= world.epoch)), "some have ended");
        assert!(all.iter().any(|s| s.private) && all.iter().any(|s| !s.private));
        assert_eq!(org.active(&world, world.epoch), listing(&world, 0).unwrap().active(&world, world.epoch));
        let (kind, target, done) = org.goal(&world, world.epoch);
        assert_eq!((kind, target), (GoalKind::MonthlyAmount, 5_000));
        assert!((1..100).contains(&done), "{done}");
        assert_eq!(goal_title(kind, target), "$5,000 per month");
        assert_eq!(goal_title(GoalKind::SponsorCount, 40), "40 sponsors");
    }

    #[test]
    fn history_is_every_started_sponsorship_newest_first() {
        let world = generate(7, Scale::Small, DEFAULT_EPOCH);
        let org = listing(&world, 0).unwrap();
        let history = org.history(&world, world.epoch);
        assert_eq!(history.len(), org.started(&world, world.epoch).len());
        assert!(history.windows(2).all(|w| w[0].start >= w[1].start), "newest first");
        assert!(history.iter().all(|s| s.start <= world.epoch));
        let active = history.iter().filter(|s| s.active_at(world.epoch)).count();
        assert_eq!(active, org.active(&world, world.epoch).len());
        assert!(history.len() > active, "ended ones are kept");
        let year_ago = org.history(&world, world.epoch - 365 * DAY);
        assert!(year_ago.len() < history.len() && year_ago.iter().all(|s| history.contains(s)));
    }

    #[test]
    fn only_the_org_and_the_quasar_hero_have_listings() {
        let world = generate(7, Scale::Small, DEFAULT_EPOCH);
        let quasar = world.repos.iter().find(|r| r.name == "quasar").unwrap();
        let hero = quasar.maintainers[0].0;
        let theirs = listing(&world, hero).expect("the hero has a listing");
        assert!(theirs.active(&world, world.epoch).iter().any(|s| s.sponsor == 0), "the org sponsors its hero");
        let others = world.repos.iter().flat_map(|r| &r.maintainers).filter(|(u, _)| *u != hero);
        assert!(others.clone().count() > 10);
        assert!(others.into_iter().all(|(u, _)| listing(&world, *u).is_none()));
        let pulsar = world.repos.iter().find(|r| r.name == "pulsar").unwrap();
        assert!(links(&world, pulsar).is_empty());
        let platforms: Vec<&str> = links(&world, &world.repos[0]).iter().map(|l| l.platform).collect();
        assert_eq!(platforms, ["GITHUB", "OPEN_COLLECTIVE", "CUSTOM"]);
    }
}
