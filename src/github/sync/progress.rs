//! The terminal progress bar of `upkeep collect` (hidden when stderr is not a terminal or
//! `--json` is given; the scheduler and tests run without it).

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::sync::Mutex;

pub struct Progress {
    bar: ProgressBar,
    repo: Mutex<String>,
    step: Mutex<String>,
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
        Progress { bar, repo: Mutex::default(), step: Mutex::default() }
    }

    pub fn start_repo(&self, name: &str) {
        *self.repo.lock().expect("progress lock") = name.to_owned();
        self.bar.set_message(name.to_owned());
    }

    pub fn step(&self, what: &str) {
        *self.step.lock().expect("progress lock") = what.to_owned();
        let repo = self.repo.lock().expect("progress lock").clone();
        self.bar.set_message(format!("{repo}: {what}"));
    }

    /// Shows a wait (for the rate limit) after the current step; an empty `note` clears it.
    pub fn waiting(&self, note: &str) {
        let repo = self.repo.lock().expect("progress lock").clone();
        let step = self.step.lock().expect("progress lock").clone();
        if note.is_empty() {
            self.bar.set_message(format!("{repo}: {step}"));
        } else {
            self.bar.set_message(format!("{repo}: {step}, {note}"));
        }
    }

    pub fn finish_repo(&self) {
        self.bar.inc(1);
    }

    pub fn finish(&self) {
        self.bar.finish_and_clear();
    }
}
