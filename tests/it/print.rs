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
use std::time::Instant;

use crate::helpers::{Store, page, run_chromium, select, spawn_app, text};
use crate::report_seed;

async fn print_to_pdf(url: &str, dir: &Path) -> PathBuf {
    let pdf = dir.join("report.pdf");
    let extra = ["--no-pdf-header-footer".to_owned(), format!("--print-to-pdf={}", pdf.display())];
    let output = run_chromium(url, &dir.join("profile"), &extra, "printing").await;
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

/// How far down each page its text reaches, as a fraction of the page height (from poppler's
/// `pdftotext -bbox`: one `<page height=…>` per page, one `<word … yMax=…>` per word).
fn page_fill(pdf: &Path) -> Vec<f64> {
    let output = std::process::Command::new("pdftotext").args(["-bbox"]).arg(pdf).arg("-").output().expect("pdftotext");
    let xml = String::from_utf8_lossy(&output.stdout).into_owned();
    let attr = |tag: &str, name: &str| -> f64 {
        let key = format!("{name}=\"");
        tag.split(&key).nth(1).and_then(|r| r.split('"').next()).and_then(|v| v.parse().ok()).unwrap_or(0.0)
    };
    xml.split("<page ")
        .skip(1)
        .map(|page| {
            let height = attr(page.split('>').next().unwrap_or(""), "height");
            let lowest = page
                .split("<word ")
                .skip(1)
                .map(|w| attr(w.split('>').next().unwrap_or(""), "yMax"))
                .fold(0.0, f64::max);
            if height > 0.0 { lowest / height } else { 0.0 }
        })
        .collect()
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
    // No page is left mostly blank: every page but the last is filled at least halfway down.
    let fill = page_fill(&pdf);
    assert_eq!(fill.len(), pages.len());
    eprintln!("page fill: {:?}", fill.iter().map(|f| format!("{:.0}%", f * 100.0)).collect::<Vec<_>>());
    for (n, f) in fill.iter().enumerate().take(fill.len() - 1) {
        assert!(*f >= 0.5, "page {} of {} is only {:.0}% full:\n{}", n + 1, fill.len(), f * 100.0, pages[n]);
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

/// The ledger prints cleanly too: no skip link, site navigation or footer on paper, and no page
/// but the last left mostly blank.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_printed_ledger_has_no_site_chrome_and_no_blank_pages() {
    let grant: upkeep::funding::Grant = toml::from_str(
        "funder = \"Demo Foundation\"\namount = 60000\ncurrency = \"USD\"\nstart = \"2026-01-01\"\n\
         end = \"2026-12-31\"\nrepos = [\"upkeep-sim/atlas\"]\npurpose = \"Maintenance\"\n",
    )
    .unwrap();
    let (app, _sim, _store) = crate::helpers::synced_app(|c| c.funding.grants = vec![grant]).await;
    let url = format!("{app}/funding/upkeep-sim/atlas");
    let dir = tempfile::tempdir().expect("temp dir");
    let pdf = print_to_pdf(&url, dir.path()).await;
    let pages = pages(&pdf);
    let all = pages.join("\n");
    assert!(all.contains("Demo Foundation"), "the ledger is printed: {all}");
    for chrome in ["Skip to content", "sustainability dashboards from one SQLite file", "Newcomers"] {
        assert!(!all.contains(chrome), "{chrome:?} is printed:\n{all}");
    }
    let fill = page_fill(&pdf);
    eprintln!("ledger page fill: {:?}", fill.iter().map(|f| format!("{:.0}%", f * 100.0)).collect::<Vec<_>>());
    for (n, f) in fill.iter().enumerate().take(fill.len().saturating_sub(1)) {
        assert!(*f >= 0.5, "ledger page {} of {} is only {:.0}% full:\n{}", n + 1, fill.len(), f * 100.0, pages[n]);
    }
}

/// A grant page prints like the impact report: no site chrome or export links on paper, the
/// milestones table, each milestone's work and the money all there.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_printed_grant_page_has_its_milestones_and_money_and_no_site_chrome() {
    let grant: upkeep::funding::Grant = toml::from_str(
        "id = \"demo\"\nfunder = \"Demo Foundation\"\namount = 60000\ncurrency = \"USD\"\nstart = \"2026-01-01\"\n\
         end = \"2026-12-31\"\nrepos = [\"upkeep-sim/atlas\"]\npurpose = \"Maintenance\"\n\
         [[milestones]]\ntitle = \"First milestone\"\ndue = \"2026-03-31\"\nitems = [\"upkeep-sim/atlas#1\", \"upkeep-sim/atlas#2\"]\n\
         [[milestones]]\ntitle = \"Second milestone\"\ndue = \"2026-12-31\"\nitems = [\"upkeep-sim/atlas#3\"]\n\
         [[budget_spent]]\ndate = \"2026-02-01\"\namount = 1000\nnote = \"Travel\"\n",
    )
    .unwrap();
    let (app, _sim, _store) = crate::helpers::synced_app(|c| c.funding.grants = vec![grant]).await;
    let url = format!("{app}/funding/upkeep-sim/atlas/grants/demo");
    let dir = tempfile::tempdir().expect("temp dir");
    let pdf = print_to_pdf(&url, dir.path()).await;
    let all = pages(&pdf).join("\n");
    for expected in
        ["Grant progress: Demo Foundation", "First milestone", "Second milestone", "upkeep-sim/atlas#3", "Unspent"]
    {
        assert!(all.contains(expected), "{expected:?} is not printed:\n{all}");
    }
    for chrome in ["Skip to content", "sustainability dashboards from one SQLite file", "Newcomers", "Markdown"] {
        assert!(!all.contains(chrome), "{chrome:?} is printed:\n{all}");
    }
}
