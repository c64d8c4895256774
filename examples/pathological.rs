//! The CommonMark pathological inputs (the shapes of cmark's `test/pathological_tests.py`, made
//! here at about 1 MiB each) through `markdown::scan` and `markdown::render_html`: for each, the
//! peak resident memory above the input, per MiB of input, and the time, next to pulldown-cmark's
//! own `push_html` on the same text, so what the pass adds shows apart from what the parser
//! costs. Each measurement runs in a process of its own (Linux: it reads `/proc/self/status`).
//! A measurement, not a test: `cargo run --release --example pathological [-- SIZE_IN_KIB]`.

use std::collections::{BTreeMap, HashMap};
use std::process::Command;
use std::time::Instant;

use briefbook::diagnostic::SourceFile;
use briefbook::markdown::highlight::Highlighter;
use briefbook::markdown::{self, Context};

/// (name, text) of each shape, each repeated to about `size` bytes.
fn shapes(size: usize) -> Vec<(&'static str, String)> {
    let times = |unit: &str| size / unit.len().max(1);
    let rep = |unit: &str| unit.repeat(times(unit));
    let half = |open: &str, mid: &str, close: &str| {
        let n = size / (open.len() + close.len());
        format!("{}{mid}{}", open.repeat(n), close.repeat(n))
    };
    let nested_lists: String = (0..(size / 1000).min(2000))
        .map(|i| format!("{}* a\n", "  ".repeat(i % 500)))
        .collect();
    let backticks: String = (1..)
        .scan(0, |len, i| {
            *len += i + 1;
            (*len < size).then(|| format!("e{}", "`".repeat(i)))
        })
        .collect();
    vec![
        ("nested strong emph", half("*a **a ", "b", " a** a*")),
        ("many emph closers, no openers", rep("a_ ")),
        ("many emph openers, no closers", rep("_a ")),
        ("many link closers, no openers", rep("a]")),
        ("many link openers, no closers", rep("[a")),
        ("mismatched openers and closers", rep("*a_ ")),
        (
            "openers and closers multiple of 3",
            format!("a**b{}", rep("c* ")),
        ),
        ("link openers and emph closers", rep("[ a_")),
        ("pattern [ (](", rep("[ (](")),
        ("nested brackets", half("[", "a", "]")),
        ("nested block quotes", format!("{}a", rep("> "))),
        ("deeply nested lists", nested_lists),
        ("U+0000 in input", rep("abc\u{0}de\u{0}")),
        ("backticks", backticks),
        ("unclosed links A", rep("[a](<b")),
        ("unclosed links B", rep("[a](b")),
        ("unclosed <!--", format!("</{}", rep("<!--"))),
        ("many references", rep("[a]: b\n\n[a]\n")),
        ("many footnotes", rep("[^a] [^b]\n\n[^a]: x\n")),
        (
            "table of many rows",
            format!("|a|b|\n|-|-|\n{}", rep("|1|2|\n")),
        ),
        ("many unsafe links", rep("[x](javascript:x)")),
        (
            "plain prose",
            rep("The ban was lifted in July, and Beijing answered. "),
        ),
    ]
}

/// A field of `/proc/self/status`, in KiB.
fn status_kib(field: &str) -> usize {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix(field))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or(0)
}

/// Peak resident memory above what was resident before (KiB), and seconds, of one call. The
/// peak is reset first (Linux: `5` to `/proc/self/clear_refs`), so making the input does not
/// count.
fn measure<T>(f: impl FnOnce() -> T) -> (usize, f64) {
    let _ = std::fs::write("/proc/self/clear_refs", "5");
    let before = status_kib("VmRSS:");
    let start = Instant::now();
    let out = f();
    let seconds = start.elapsed().as_secs_f64();
    let peak = status_kib("VmHWM:");
    drop(out);
    (peak.saturating_sub(before), seconds)
}

/// In a process of its own: one shape through pulldown-cmark alone (`cmark`), our scan
/// (`scan`) or our rendering (`ours`); prints the peak KiB and the seconds.
fn one(index: usize, which: &str, kb: usize) {
    let (_, text) = shapes(kb * 1024).swap_remove(index);
    let sources = BTreeMap::new();
    let urls = HashMap::new();
    let highlighter = Highlighter::new("css");
    let (no_facts, no_rows) = (Default::default(), Default::default());
    let cx = Context {
        page_url: "c/x/",
        page_path: "c/x.md",
        ..Context::new(&sources, &urls, &no_facts, &no_rows, &highlighter)
    };
    let file = SourceFile::new("content/c/x.md", text.clone());
    let (kib, seconds) = match which {
        "cmark" => measure(|| {
            let mut html = String::new();
            let parser = pulldown_cmark::Parser::new_ext(&text, markdown::options());
            pulldown_cmark::html::push_html(&mut html, parser);
            html
        }),
        "scan" => measure(|| markdown::scan(&file, &text, 0, &cx).diagnostics.len()),
        _ => measure(|| markdown::render_html(&file, &text, 0, &cx)),
    };
    println!("{kib} {seconds}");
}

/// Runs `one` in a child process: (MiB per MiB of input, seconds).
fn child(index: usize, which: &str, kb: usize, mib: f64) -> (f64, f64) {
    let out = Command::new(std::env::current_exe().unwrap())
        .args(["--one", &index.to_string(), which, &kb.to_string()])
        .output()
        .expect("run a measurement");
    let text = String::from_utf8_lossy(&out.stdout);
    let mut fields = text
        .split_whitespace()
        .map(|f| f.parse::<f64>().unwrap_or(f64::NAN));
    let kib = fields.next().unwrap_or(f64::NAN);
    (kib / 1024.0 / mib, fields.next().unwrap_or(f64::NAN))
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if let [flag, index, which, kb] = args.as_slice() {
        if flag == "--one" {
            return one(index.parse().unwrap(), which, kb.parse().unwrap());
        }
    }
    let kb: usize = args.first().and_then(|a| a.parse().ok()).unwrap_or(1024);
    println!("Peak resident memory above the input, in MiB per MiB of input, and seconds.");
    println!(
        "{:<36} {:>6} {:>7} {:>7} {:>7} {:>8} {:>8} {:>8}",
        "shape", "KiB", "cmark", "scan", "ours", "cmark s", "scan s", "ours s"
    );
    for (index, (name, text)) in shapes(kb * 1024).into_iter().enumerate() {
        let mib = text.len() as f64 / (1 << 20) as f64;
        let (cmark, cmark_s) = child(index, "cmark", kb, mib);
        let (scan, scan_s) = child(index, "scan", kb, mib);
        let (ours, ours_s) = child(index, "ours", kb, mib);
        println!(
            "{name:<36} {:>6} {cmark:>7.1} {scan:>7.1} {ours:>7.1} {cmark_s:>8.3} {scan_s:>8.3} {ours_s:>8.3}",
            text.len() / 1024
        );
    }
}
