//! A real editor as the client: headless Neovim with its built-in LSP client attaches
//! `briefbook lsp` to a brief of a fixture book (tests/lsp_neovim/attach.lua), edits it without
//! saving, and reports the diagnostics it received and the completion at a `[@`. Runs when
//! `nvim` is installed; says "SKIPPED" otherwise, and fails instead when `CI` is set.

mod common;

use std::process::Command;
use std::time::{Duration, Instant};

/// Whether Neovim is here; without it the test skips, saying so, or fails in CI (one rule for
/// every outside tool: `common::tools`).
fn nvim_installed() -> bool {
    common::tools::command_available("nvim", &["--version"])
}

#[test]
fn neovim_shows_diagnostics_and_completes_source_ids() {
    if !nvim_installed() {
        return;
    }
    let dir = common::write_book(&common::base_book());
    let root = dir.path().canonicalize().unwrap();
    let out = root.join("nvim-out.txt");
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/lsp_neovim/attach.lua");
    let mut child = Command::new("nvim")
        .args(["--headless", "--clean", "-n", "-c"])
        .arg(format!("luafile {script}"))
        .env("BRIEFBOOK_BIN", env!("CARGO_BIN_EXE_briefbook"))
        .env("BOOK_ROOT", &root)
        .env("BRIEF_FILE", root.join("content/chips/h20.md"))
        .env("OUT", &out)
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("start nvim");
    // The script waits 60 s at most for each answer; give Neovim itself some more.
    let start = Instant::now();
    while child.try_wait().unwrap().is_none() {
        if start.elapsed() > Duration::from_secs(150) {
            let _ = child.kill();
            panic!("nvim did not finish");
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    let report = std::fs::read_to_string(&out).expect("the script's report");
    assert!(
        report.ends_with("status\tok\n") || report.contains("status\tok"),
        "{report}"
    );
    let h20_lines = common::H20.lines().count();
    // The misspelt citation, at the line Neovim added (unsaved), with check's message.
    let expected = format!(
        "diag\tunknown-source\t{}\t9\tcitation of unknown source `cnn-2024`",
        h20_lines + 1
    );
    assert!(
        report.lines().any(|l| l == expected),
        "{expected}\nnot in:\n{report}"
    );
    assert!(report.contains("diag\tfact-conflict\t"), "{report}");
    assert!(
        report.contains("item\tcnn-2025\tCNN 2025 · China is cool on the H20"),
        "{report}"
    );
    assert!(
        report.contains("item\tft-2025\tFinancial Times 2025 · Beijing asks for HBM relief"),
        "{report}"
    );
    // Nothing was saved.
    assert_eq!(common::read(&root, "content/chips/h20.md"), common::H20);
}
