//! The terminal progress bar of `upkeep db copy`: one stage at a time (a table being copied, a
//! digest being computed), its rows done out of its rows. Hidden when stderr is not a terminal.

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use crate::db::copy::Progress;

pub struct CopyBar {
    bar: ProgressBar,
}

impl CopyBar {
    pub fn new(visible: bool) -> CopyBar {
        let target = if visible { ProgressDrawTarget::stderr() } else { ProgressDrawTarget::hidden() };
        let bar = ProgressBar::with_draw_target(Some(0), target);
        let style = ProgressStyle::with_template("{spinner} [{elapsed_precise}] {bar:30} {pos}/{len} rows  {msg}")
            .unwrap_or_else(|_| ProgressStyle::default_bar());
        bar.set_style(style);
        bar.enable_steady_tick(std::time::Duration::from_millis(200));
        CopyBar { bar }
    }

    pub fn finish(&self) {
        self.bar.finish_and_clear();
    }
}

impl Progress for CopyBar {
    fn stage(&self, what: &str, rows: u64) {
        self.bar.set_message(what.to_owned());
        self.bar.set_position(0);
        self.bar.set_length(rows);
    }

    fn advance(&self, rows: u64) {
        self.bar.inc(rows);
    }
}
