//! The impact report printed to PDF by headless Chromium, as a funder would from the browser:
//! no site navigation, no export links, and every figure whole on one page.
//!
//! The report is long (40 extra releases fill the releases table; 6 Letter pages) and its four
//! figures do not fit on one page, so a page break falls inside the figures: without the
//! `/* Impact report */` print rules of `static/style.css` (or without just their two figure
//! rules, `break-inside: avoid` and the caption's `break-after: avoid`) figure 3's caption is
//! left at the foot of one page and its chart goes to the next, and this test fails. Pages are
//! read with poppler's `pdftotext` (pages end with a form feed). Needs `chromium` (or
//! `$UPKEEP_CHROMIUM`) and `pdftotext`: `.ci/run` installs both.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use crate::helpers::{Store, page, select, spawn_app, text};
use crate::report_seed;

/// Longest a Chromium run may take before the test gives up (and the process is killed).
const CHROMIUM_TIMEOUT: Duration = Duration::from_secs(120);

fn on_path(name: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path).map(|dir| dir.join(name)).find(|p| p.is_file())
}

/// Chromium: `$UPKEEP_CHROMIUM`, else the first of the usual names on `PATH`.
fn chromium() -> PathBuf {
    if let Some(p) = std::env::var_os("UPKEEP_CHROMIUM") {
        let p = PathBuf::from(p);
        assert!(p.is_file(), "UPKEEP_CHROMIUM names {}, which does not exist", p.display());
        return p;
    }
    ["chromium", "chromium-browser", "google-chrome", "google-chrome-stable"]
        .iter()
        .find_map(|name| on_path(name))
        .unwrap_or_else(|| {
            panic!(
                "headless Chromium is needed for the print test but none was found (tried $UPKEEP_CHROMIUM, \
                 chromium, chromium-browser, google-chrome): install it, e.g. `apt-get install chromium` \
                 (.ci/run does this)"
            )
        })
}

async fn print_to_pdf(url: &str, dir: &Path) -> PathBuf {
    let pdf = dir.join("report.pdf");
    let mut command = tokio::process::Command::new(chromium());
    command
        .args(["--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-quic"])
        .args(["--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"])
        .arg(format!("--user-data-dir={}", dir.join("profile").display()))
        .arg("--no-pdf-header-footer")
        .arg(format!("--print-to-pdf={}", pdf.display()))
        .arg(url)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .kill_on_drop(true);
    let child = command.spawn().expect("chromium starts");
    let output = tokio::time::timeout(CHROMIUM_TIMEOUT, child.wait_with_output())
        .await
        .unwrap_or_else(|_| panic!("chromium did not finish printing within {CHROMIUM_TIMEOUT:?}"))
        .expect("chromium runs");
    assert!(
        pdf.is_file(),
        "chromium wrote no PDF (exit {:?}):\n{}",
        output.status.code(),
        String::from_utf8_lossy(&output.stderr)
    );
    pdf
}

/// The text of each page, whitespace collapsed.
fn pages(pdf: &Path) -> Vec<String> {
    let output =
        std::process::Command::new("pdftotext").arg(pdf).arg("-").output().unwrap_or_else(|e| {
            panic!("pdftotext (poppler-utils) is needed for the print test: {e}; .ci/run installs it")
        });
    assert!(output.status.success(), "pdftotext failed: {}", String::from_utf8_lossy(&output.stderr));
    let all = String::from_utf8_lossy(&output.stdout).into_owned();
    let mut pages: Vec<String> =
        all.split('\u{c}').map(|p| p.split_whitespace().collect::<Vec<_>>().join(" ")).collect();
    if pages.last().is_some_and(String::is_empty) {
        pages.pop();
    }
    pages
}

/// The (first) page whose text contains `needle`.
fn page_of(pages: &[String], needle: &str) -> usize {
    pages.iter().position(|p| p.contains(needle)).unwrap_or_else(|| panic!("{needle:?} is on no page: {pages:#?}"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_printed_report_has_no_navigation_and_keeps_every_figure_whole() {
    let store = Store::new().await;
    report_seed::seed(&store, 40).await;
    let app = spawn_app(report_seed::config(&store), store.db.clone()).await;
    let url = format!("{app}/reports/acme/widget");
    // What the site's navigation, footer and the export links say, read from the page itself (the
    // brand, "Upkeep", is left out: the report's own source line names Upkeep).
    let doc = page(&url).await;
    let chrome: Vec<String> = select(&doc, "header.site nav > *, footer.site, .report-controls a")
        .iter()
        .map(text)
        .filter(|t| !t.is_empty())
        .collect();
    assert!(chrome.len() >= 5, "{chrome:?}");

    let dir = tempfile::tempdir().expect("temp dir");
    let started = Instant::now();
    let pdf = print_to_pdf(&url, dir.path()).await;
    eprintln!("chromium printed the report in {:.1} s", started.elapsed().as_secs_f64());
    let pages = pages(&pdf);

    assert!(pages.len() >= 3, "a long report: {} pages", pages.len());
    // The report starts the first page: no site header (not even the brand) above it.
    assert!(pages[0].trim_start().starts_with("Impact report: acme/widget"), "{}", pages[0]);
    for (n, page) in pages.iter().enumerate() {
        for item in &chrome {
            let words: Vec<&str> = page.split(|c: char| !c.is_alphanumeric()).collect();
            let found = if item.contains(' ') { page.contains(item.as_str()) } else { words.contains(&item.as_str()) };
            assert!(!found, "page {} shows the navigation or an export link {item:?}:\n{page}", n + 1);
        }
    }
    for figure in 1..=4 {
        let (caption, note) = (format!("Figure {figure}."), format!("Figure {figure} data:"));
        let (top, bottom) = (page_of(&pages, &caption), page_of(&pages, &note));
        assert_eq!(
            top,
            bottom,
            "figure {figure} is split: its caption is on page {} and its end on page {}",
            top + 1,
            bottom + 1
        );
    }
}
