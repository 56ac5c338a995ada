//! Commit activity, derived rather than stored: who committed how much, week by week.
//!
//! Commits come from two sources: every merged pull request lands its commits in the week it
//! was merged (so `advance` adds contributor weeks for free), and maintainers commit directly
//! at a rate that follows the repository's trend, with the burnt-out lead of a hero-run
//! repository fading out at the end. Serves `/contributors` and `/stats/contributors`.

use std::collections::BTreeMap;

use serde::ser::{Serialize, SerializeMap, Serializer};

use super::render::{Ctx, UserJson};
use super::spec::{Trend, Triage};
use super::util::{DAY, Ts, WEEK, mix, week_start};
use super::world::{Repo, World};

/// `(additions, deletions, commits)` per week start.
pub type Weeks = BTreeMap<Ts, (u64, u64, u64)>;

pub struct Contribution {
    pub user: u32,
    pub total: u64,
    pub weeks: Weeks,
}

/// Everyone who committed to `repo`, most commits first (ties by account id).
pub fn contributions(world: &World, repo: &Repo) -> Vec<Contribution> {
    let mut by_user: BTreeMap<u32, Weeks> = BTreeMap::new();
    for item in &repo.items {
        let Some((merged, pull)) = item.pull.as_ref().and_then(|p| p.merged.map(|(at, _)| (at, p))) else {
            continue;
        };
        let h = mix(pull.id, 0xc0);
        let commits = u64::from(pull.commits);
        add(by_user.entry(item.author).or_default(), merged, commits, h);
    }
    let last = activity_end(world, repo);
    for (k, (user, _)) in repo.maintainers.iter().enumerate() {
        let weeks = by_user.entry(*user).or_default();
        let mut w = week_start(repo.created);
        while w <= last {
            let commits = direct_commits(world, repo, k, w);
            if commits > 0 {
                add(weeks, w, commits, mix(repo.id ^ u64::from(*user), w as u64));
            }
            w += WEEK;
        }
    }
    let mut out: Vec<Contribution> = by_user
        .into_iter()
        .map(|(user, weeks)| Contribution { user, total: weeks.values().map(|w| w.2).sum(), weeks })
        .filter(|c| c.total > 0)
        .collect();
    out.sort_by_key(|c| (std::cmp::Reverse(c.total), world.user(c.user).id));
    out
}

fn add(weeks: &mut Weeks, at: Ts, commits: u64, h: u64) {
    let slot = weeks.entry(week_start(at)).or_default();
    slot.0 += commits * (5 + h % 120);
    slot.1 += commits * ((h >> 8) % 60);
    slot.2 += commits;
}

/// The last week anyone commits: the sim clock, or the start of a quiet period.
fn activity_end(world: &World, repo: &Repo) -> Ts {
    let quiet = world.epoch - repo.spec.quiet_days * DAY;
    if repo.spec.quiet_days > 0 { quiet.min(world.now) } else { world.now }
}

/// Direct commits by maintainer `k` in the week starting `w`.
fn direct_commits(world: &World, repo: &Repo, k: usize, w: Ts) -> u64 {
    let life = (world.epoch - repo.created).max(WEEK) as f64;
    let x = ((w - repo.created) as f64 / life).clamp(0.0, 1.0);
    let trend = match repo.spec.trend {
        Trend::Growing => 0.4 + 1.2 * x,
        Trend::Steady => 1.0,
        Trend::Declining => (1.0 - (x - 0.6).max(0.0) * 2.0).max(0.15),
    };
    let hero = match repo.spec.triage {
        Triage::Hero { collapse_days, .. } if k == 0 && w > world.epoch - collapse_days * DAY => 0.1,
        Triage::Hero { collapse_days, .. } if k == 0 && w > world.epoch - 8 * collapse_days * DAY => 1.6,
        _ => 1.0,
    };
    let lambda = 3.0 / (k as f64 + 1.0) * trend * hero;
    let u = (mix(repo.id ^ k as u64, w as u64) % 10_000) as f64 / 10_000.0;
    (2.0 * lambda * u) as u64
}

/// An item of `/contributors`: the user plus `contributions`.
pub struct ContributorJson<'a> {
    pub user: UserJson<'a>,
    pub contributions: u64,
}

impl Serialize for ContributorJson<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(Some(19))?;
        self.user.entries(&mut m)?;
        m.serialize_entry("contributions", &self.contributions)?;
        m.end()
    }
}

#[derive(serde::Serialize)]
pub struct WeekJson {
    w: Ts,
    a: u64,
    d: u64,
    c: u64,
}

#[derive(serde::Serialize)]
pub struct StatsJson<'a> {
    author: UserJson<'a>,
    total: u64,
    weeks: Vec<WeekJson>,
}

/// `/stats/contributors`: the top 100, fewest commits first, each with every week of the
/// repository's life (zeros included), as GitHub answers.
pub fn stats<'a>(ctx: &Ctx<'a>, repo: &Repo) -> Vec<StatsJson<'a>> {
    let mut top = contributions(ctx.world, repo);
    top.truncate(100);
    top.reverse();
    let (first, last) = (week_start(repo.created), week_start(ctx.world.now));
    top.into_iter()
        .map(|c| {
            let weeks = (0..=(last - first) / WEEK)
                .map(|i| first + i * WEEK)
                .map(|w| {
                    let (a, d, c) = c.weeks.get(&w).copied().unwrap_or_default();
                    WeekJson { w, a, d, c }
                })
                .collect();
            StatsJson { author: ctx.user(c.user), total: c.total, weeks }
        })
        .collect()
}

/// One commit of the default branch: a merged pull request's commits, committed when it was
/// merged (authored up to three days before), and maintainers' direct pushes at the weekly rate
/// of [`direct_commits`], each committed at its own time and listed only once that time has come.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Commit {
    pub sha: String,
    pub user: u32,
    pub authored: Ts,
    pub committed: Ts,
    /// About one commit in ten carries an e-mail GitHub links to no account (`author: null`).
    pub linked: bool,
}

fn sha_of(h: u64) -> String {
    (0..5).map(|k| format!("{:08x}", mix(h, k) as u32)).collect()
}

/// Every commit of `repo`'s default branch up to the simulated now, newest first (ties by sha),
/// as `/commits` lists them.
pub fn commits(world: &World, repo: &Repo) -> std::sync::Arc<Vec<Commit>> {
    // Building the list costs about 100 ms for the largest repository, and a listing asks for it
    // once per page: keep the last one per repository while the world it came from (this world,
    // at this time, with these merged pull requests) is the same.
    type Key = (usize, u64, Ts, Ts, usize, usize, u64);
    type Last = BTreeMap<u64, (Key, std::sync::Arc<Vec<Commit>>)>;
    static LAST: std::sync::Mutex<Last> = std::sync::Mutex::new(BTreeMap::new());
    let merged = repo.items.iter().filter_map(|i| i.pull.as_ref().filter(|p| p.merged.is_some()));
    let (count, pulled) = merged.fold((0, 0), |(n, c), p| (n + 1, c + u64::from(p.commits)));
    let key = (std::ptr::from_ref(world) as usize, repo.id, world.now, world.epoch, repo.items.len(), count, pulled);
    let mut last = LAST.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
    if let Some((k, list)) = last.get(&repo.id)
        && *k == key
    {
        return list.clone();
    }
    let list = std::sync::Arc::new(build_commits(world, repo));
    last.insert(repo.id, (key, list.clone()));
    list
}

fn build_commits(world: &World, repo: &Repo) -> Vec<Commit> {
    let mut out = Vec::new();
    for item in &repo.items {
        let Some((merged, pull)) = item.pull.as_ref().and_then(|p| p.merged.map(|(at, _)| (at, p))) else {
            continue;
        };
        for i in 0..u64::from(pull.commits) {
            let h = mix(pull.id ^ 0xc0c0, i);
            let authored = merged - (h % (3 * DAY as u64)) as Ts;
            out.push(Commit { sha: sha_of(h), user: item.author, authored, committed: merged, linked: h % 10 != 3 });
        }
    }
    let last = activity_end(world, repo);
    for (k, (user, _)) in repo.maintainers.iter().enumerate() {
        let mut w = week_start(repo.created);
        while w <= last {
            for i in 0..direct_commits(world, repo, k, w) {
                let h = mix(repo.id ^ (u64::from(*user) << 20), (w as u64) << 8 | i);
                let at = w + (h % WEEK as u64) as Ts;
                if at <= world.now {
                    out.push(Commit { sha: sha_of(h), user: *user, authored: at, committed: at, linked: h % 10 != 3 });
                }
            }
            w += WEEK;
        }
    }
    out.sort_by(|a, b| b.committed.cmp(&a.committed).then_with(|| a.sha.cmp(&b.sha)));
    out
}

/// An item of `/commits` (the `commit` shape, without `stats` and `files`).
pub struct CommitJson<'a> {
    pub ctx: Ctx<'a>,
    pub repo: &'a Repo,
    pub commit: &'a Commit,
}

impl Serialize for CommitJson<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let c = self.commit;
        let user = self.ctx.world.user(c.user);
        let date = |t: Ts| chrono::DateTime::from_timestamp(t, 0).map(|d| d.format("%Y-%m-%dT%H:%M:%SZ").to_string());
        let email = if c.linked {
            format!("{}+{}@users.noreply.github.com", user.id, user.login)
        } else {
            format!("dev-{}@example.org", user.id)
        };
        let author = serde_json::json!({ "name": &*user.login, "email": email, "date": date(c.authored) });
        let committer = serde_json::json!({ "name": &*user.login, "email": email, "date": date(c.committed) });
        let api = format!("{}/repos/upkeep-sim/{}", self.ctx.api, self.repo.name);
        let mut m = s.serialize_map(None)?;
        m.serialize_entry("sha", &c.sha)?;
        m.serialize_entry("node_id", &format!("C_sim{}", &c.sha[..12]))?;
        m.serialize_entry(
            "commit",
            &serde_json::json!({
                "author": author, "committer": committer, "message": format!("Change {}", &c.sha[..7]),
                "url": format!("{api}/git/commits/{}", c.sha), "comment_count": 0,
                "tree": { "sha": &c.sha, "url": format!("{api}/git/trees/{}", c.sha) },
                "verification": { "verified": false, "reason": "unsigned", "signature": null, "payload": null }
            }),
        )?;
        m.serialize_entry("url", &format!("{api}/commits/{}", c.sha))?;
        m.serialize_entry("html_url", &format!("https://github.com/upkeep-sim/{}/commit/{}", self.repo.name, c.sha))?;
        m.serialize_entry("comments_url", &format!("{api}/commits/{}/comments", c.sha))?;
        if c.linked {
            m.serialize_entry("author", &self.ctx.user(c.user))?;
            m.serialize_entry("committer", &self.ctx.user(c.user))?;
        } else {
            m.serialize_entry("author", &None::<()>)?;
            m.serialize_entry("committer", &None::<()>)?;
        }
        m.serialize_entry("parents", &Vec::<()>::new())?;
        m.end()
    }
}
