//! The terminal progress bar of `upkeep collect` (hidden when stderr is not a terminal or
//! `--json` is given; the scheduler and tests run without it). Several repositories may sync at
//! once; the bar names each with its current step.

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::sync::Mutex;

pub struct Progress {
    bar: ProgressBar,
    /// What the bar says: the repositories in progress with their steps, and a wait.
    shown: Mutex<Shown>,
}

#[derive(Default)]
struct Shown {
    /// `(repository, step)`, in the order they started.
    repos: Vec<(String, String)>,
    note: String,
}

impl Shown {
    fn message(&self) -> String {
        let repos: Vec<String> = self
            .repos
            .iter()
            .map(|(repo, step)| if step.is_empty() { repo.clone() } else { format!("{repo}: {step}") })
            .collect();
        let repos = repos.join(" · ");
        if self.note.is_empty() { repos } else { format!("{repos}, {}", self.note) }
    }
}

/// One repository's line of the bar, handed to the steps that sync it.
pub struct RepoProgress<'a> {
    all: &'a Progress,
    repo: String,
}

impl RepoProgress<'_> {
    pub fn step(&self, what: &str) {
        self.all.update(|shown| {
            if let Some(entry) = shown.repos.iter_mut().find(|(repo, _)| *repo == self.repo) {
                entry.1 = what.to_owned();
            }
        });
    }
}

impl Progress {
    pub fn new(repos: u64, visible: bool) -> Progress {
        let bar = ProgressBar::with_draw_target(Some(repos), ProgressDrawTarget::stderr());
        if !visible {
            bar.set_draw_target(ProgressDrawTarget::hidden());
        }
        let style = ProgressStyle::with_template("{spinner} [{elapsed_precise}] {bar:30} {pos}/{len} repos  {msg}")
            .unwrap_or_else(|_| ProgressStyle::default_bar());
        bar.set_style(style);
        bar.enable_steady_tick(std::time::Duration::from_millis(200));
        Progress { bar, shown: Mutex::default() }
    }

    fn update(&self, change: impl FnOnce(&mut Shown)) {
        let mut shown = self.shown.lock().expect("progress lock");
        change(&mut shown);
        self.bar.set_message(shown.message());
    }

    /// Shows `name` as in progress, until [`Progress::finish_repo`].
    pub fn start_repo(&self, name: &str) -> RepoProgress<'_> {
        self.update(|shown| shown.repos.push((name.to_owned(), String::new())));
        RepoProgress { all: self, repo: name.to_owned() }
    }

    /// Shows a wait (for the rate limit, or for other collectors) after the steps; an empty
    /// `note` clears it.
    pub fn waiting(&self, note: &str) {
        self.update(|shown| note.clone_into(&mut shown.note));
    }

    pub fn finish_repo(&self, name: &str) {
        self.update(|shown| shown.repos.retain(|(repo, _)| repo != name));
        self.bar.inc(1);
    }

    pub fn finish(&self) {
        self.bar.finish_and_clear();
    }
}
