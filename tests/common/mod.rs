//! Helpers for integration tests: fixture books in temporary folders and the real binary.
#![allow(dead_code)]

pub mod tools;
pub mod webdriver;

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use tempfile::TempDir;

/// How long a test waits for something to happen before it gives up: generous, since a busy
/// machine can be many times slower than an idle one, and every wait ends as soon as its
/// condition holds. No test asserts how long anything took.
pub const DEADLINE: Duration = Duration::from_secs(60);

pub const SITE: &str = "title = \"Test book\"\nbase_url = \"https://example.org/book/\"\n\n[check]\nreference_date = \"2025-09-01\"\n";
pub const COVER: &str =
    "+++\ntitle = \"Test book\"\nsummary = \"A book for tests.\"\n+++\n\nThe introduction.\n";
pub const CHAPTER: &str =
    "+++\ntitle = \"Chips\"\nsummary = \"About chips.\"\n+++\n\nChapter intro.\n";
pub const SOURCES: &str = r#"[[source]]
id = "cnn-2025"
title = "China is cool on the H20"
publisher = "CNN"
date = "2025-08-17"
url = "https://example.com/cnn"
reliability = "B"

[[source]]
id = "ft-2025"
title = "Beijing asks for HBM relief"
publisher = "Financial Times"
date = "2025-08"
"#;
pub const H20: &str = r#"+++
title = "The H20 decision"
date = "2025-08-17"
summary = "Washington allowed H20 sales again."
tags = ["export controls"]
related = ["@/chips/supply.md"]

[[claims]]
id = "lukewarm"
text = "Beijing's response was lukewarm."
sources = ["cnn-2025"]
confidence = "moderate"

[[facts]]
id = "shipments"
subject = "Nvidia H20"
metric = "Shipments to China"
value = 1500000
unit = "units"
as_of = "2025"
source = "cnn-2025"
+++

## What happened

The ban was lifted [@cnn-2025]. Beijing wants HBM [@ft-2025, p. 2]; see [supply](@/chips/supply.md#capacity).
Code stays literal: `[@nothing]`.
"#;
pub const SUPPLY: &str = r#"---
title: Supply
date: 2025-08
summary: Huawei cannot make enough.
facts:
  - subject: Nvidia H20
    metric: Shipments to China
    value: 1200000
    unit: units
    as_of: "2025"
    source: ft-2025
---

## Capacity

Huawei is short of capacity [@ft-2025]. Back to [the decision](@/chips/h20.md).
"#;

/// The valid base book, by path.
pub fn base_book() -> BTreeMap<String, String> {
    [
        ("site.toml", SITE),
        ("content/_index.md", COVER),
        ("content/sources.toml", SOURCES),
        ("content/chips/_index.md", CHAPTER),
        ("content/chips/h20.md", H20),
        ("content/chips/supply.md", SUPPLY),
    ]
    .into_iter()
    .map(|(p, t)| (p.to_string(), t.to_string()))
    .collect()
}

pub fn write_book(files: &BTreeMap<String, String>) -> TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    for (path, text) in files {
        write(dir.path(), path, text.as_bytes());
    }
    dir
}

pub fn write(root: &Path, path: &str, bytes: &[u8]) {
    let full = root.join(path);
    std::fs::create_dir_all(full.parent().unwrap()).unwrap();
    std::fs::write(full, bytes).unwrap();
}

pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

pub fn briefbook(root: &Path, args: &[&str]) -> Run {
    let out = Command::new(env!("CARGO_BIN_EXE_briefbook"))
        .args(args)
        .arg("--root")
        .arg(root)
        .output()
        .expect("run briefbook");
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// Every file below `dir`, by relative path, with its bytes.
pub fn snapshot(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            let rel = e
                .path()
                .strip_prefix(dir)
                .unwrap()
                .to_string_lossy()
                .replace('\\', "/");
            (rel, std::fs::read(e.path()).unwrap())
        })
        .collect()
}

pub fn read(root: &Path, path: &str) -> String {
    std::fs::read_to_string(root.join(path)).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// Every relative link in the built site whose file or `#fragment` does not exist, as
/// "from-file -> href". The 404 page is skipped: its links are absolute on purpose.
pub fn broken_links(site: &Path) -> Vec<String> {
    let pages: BTreeMap<String, String> = snapshot(site)
        .into_iter()
        .filter(|(path, _)| path.ends_with(".html"))
        .map(|(path, bytes)| (path, String::from_utf8(bytes).expect("utf-8 html")))
        .collect();
    let ids: BTreeMap<&str, Vec<String>> = pages
        .iter()
        .map(|(path, html)| (path.as_str(), attribute_values(html, "id")))
        .collect();
    let mut broken = Vec::new();
    for (from, html) in &pages {
        if from == "404.html" {
            continue;
        }
        for href in attribute_values(html, "href") {
            if href.starts_with("http://")
                || href.starts_with("https://")
                || href.starts_with("mailto:")
            {
                continue;
            }
            let (path, fragment) = href
                .split_once('#')
                .map_or((href.as_str(), None), |(p, f)| (p, Some(f)));
            let target = if path.is_empty() {
                from.clone()
            } else {
                join(from, path)
            };
            let exists = site.join(&target).is_file();
            let fragment_ok = match fragment {
                // A browser goes to the page's top for `#top` without an id (HTML's rules).
                None | Some("top") => true,
                Some(f) => ids
                    .get(target.as_str())
                    .is_some_and(|list| list.iter().any(|id| id == f)),
            };
            if !exists || !fragment_ok {
                broken.push(format!("{from} -> {href}"));
            }
        }
    }
    broken
}

/// `href` relative to the page at `from`, normalised.
fn join(from: &str, href: &str) -> String {
    let mut parts: Vec<&str> = from.split('/').collect();
    parts.pop();
    for segment in href.split('/') {
        match segment {
            ".." => {
                parts.pop();
            }
            "." | "" => {}
            s => parts.push(s),
        }
    }
    parts.join("/")
}

/// The values of every `name="..."` attribute in the page.
pub fn attribute_values(html: &str, name: &str) -> Vec<String> {
    let needle = format!(" {name}=\"");
    html.match_indices(&needle)
        .filter_map(|(i, _)| {
            let rest = &html[i + needle.len()..];
            rest.find('"').map(|end| rest[..end].replace("&amp;", "&"))
        })
        .collect()
}

/// A running `briefbook serve`, stopped when dropped.
pub struct Server {
    child: Child,
    pub address: String,
    /// What the server has printed so far.
    pub log: std::sync::Arc<std::sync::Mutex<String>>,
}

impl Server {
    pub fn start(root: &std::path::Path) -> Server {
        let mut child = Command::new(env!("CARGO_BIN_EXE_briefbook"))
            .args(["serve", "--port", "0", "--root"])
            .arg(root)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("start serve");
        let mut stdout = BufReader::new(child.stdout.take().unwrap());
        let mut first = String::new();
        stdout.read_line(&mut first).unwrap();
        // Keep reading the log (so the server never writes into a closed pipe), and keep it.
        let log = std::sync::Arc::new(std::sync::Mutex::new(first.clone()));
        let kept = log.clone();
        std::thread::spawn(move || {
            let mut line = String::new();
            while stdout.read_line(&mut line).is_ok_and(|n| n > 0) {
                kept.lock().unwrap().push_str(&line);
                line.clear();
            }
        });
        let address = first
            .split("http://")
            .nth(1)
            .and_then(|rest| rest.split('/').next())
            .expect("a URL")
            .to_string();
        Server {
            child,
            address,
            log,
        }
    }

    /// (status, headers and body) of one raw HTTP/1.1 request.
    pub fn request(&self, method: &str, path: &str) -> (u16, String) {
        let mut stream = TcpStream::connect(&self.address).unwrap();
        stream.set_read_timeout(Some(DEADLINE)).unwrap();
        write!(
            stream,
            "{method} {path} HTTP/1.1\r\nHost: {}\r\nConnection: close\r\n\r\n",
            self.address
        )
        .unwrap();
        let mut response = String::new();
        let _ = stream.read_to_string(&mut response);
        let status = response
            .split(' ')
            .nth(1)
            .and_then(|s| s.parse().ok())
            .unwrap_or(0);
        (status, response)
    }

    pub fn get(&self, path: &str) -> (u16, String) {
        self.request("GET", path)
    }

    /// Waits until `path` satisfies `test`, for up to `DEADLINE`.
    pub fn wait_for(&self, path: &str, test: impl Fn(&str) -> bool) -> String {
        poll(path, || self.get(path).1, test)
    }

    /// Waits until the server's log passes `test` (it logs a rebuild just after publishing it).
    pub fn wait_for_log(&self, test: impl Fn(&str) -> bool) -> String {
        poll("the log", || self.log.lock().unwrap().clone(), test)
    }
}

/// Reads `what` until it passes `test`, for up to `DEADLINE`; panics with the last reading.
fn poll(what: &str, read: impl Fn() -> String, test: impl Fn(&str) -> bool) -> String {
    let start = Instant::now();
    loop {
        let seen = read();
        if test(&seen) {
            return seen;
        }
        assert!(
            start.elapsed() < DEADLINE,
            "timed out after {DEADLINE:?} waiting on {what}; last seen:\n{seen}"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Checks that `check` reports one URL collision naming both files.
pub fn assert_url_collision(files: &BTreeMap<String, String>, first: &str, second: &str) {
    let book = write_book(files);
    let run = briefbook(book.path(), &["check"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    let line = run
        .stderr
        .lines()
        .find(|l| l.contains("error[url-collision]"))
        .expect("a url-collision error");
    assert!(line.contains(first) && line.contains(second), "{line}");
}
