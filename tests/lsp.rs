//! `briefbook lsp` spoken to over stdio, as an editor would: JSON-RPC with `Content-Length`
//! framing. Diagnostics as the user types (the same as `check`'s), completion in each context,
//! hover, definition, references, rename applied and checked, a quick fix applied, and a session
//! that survives malformed messages.

mod common;

use std::collections::BTreeSet;
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{channel, Receiver};
use std::time::{Duration, Instant};

use serde_json::{json, Value};

const DEADLINE: Duration = Duration::from_secs(60);

/// A running `briefbook lsp` and what it has sent that was not asked for yet.
struct Lsp {
    child: Child,
    stdin: ChildStdin,
    incoming: Receiver<Value>,
    next_id: i64,
    /// Notifications received while waiting for something else.
    notifications: Vec<Value>,
}

impl Lsp {
    fn start() -> Lsp {
        let mut child = Command::new(env!("CARGO_BIN_EXE_briefbook"))
            .arg("lsp")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("start briefbook lsp");
        let stdin = child.stdin.take().unwrap();
        let stdout = child.stdout.take().unwrap();
        let (tx, incoming) = channel();
        std::thread::spawn(move || {
            let mut reader = BufReader::new(stdout);
            while let Some(message) = read_frame(&mut reader) {
                if tx.send(message).is_err() {
                    return;
                }
            }
        });
        let mut lsp = Lsp {
            child,
            stdin,
            incoming,
            next_id: 1,
            notifications: Vec::new(),
        };
        let init = lsp.request(
            "initialize",
            json!({"processId": null, "rootUri": null, "capabilities": {}}),
        );
        assert!(
            init["result"]["capabilities"]["completionProvider"].is_object(),
            "{init}"
        );
        lsp.notify("initialized", json!({}));
        lsp
    }

    fn send_raw(&mut self, body: &str) {
        write!(self.stdin, "Content-Length: {}\r\n\r\n{body}", body.len()).unwrap();
        self.stdin.flush().unwrap();
    }

    fn notify(&mut self, method: &str, params: Value) {
        let body = json!({"jsonrpc": "2.0", "method": method, "params": params});
        self.send_raw(&body.to_string());
    }

    /// Sends a request and waits for its response (the whole response object).
    fn request(&mut self, method: &str, params: Value) -> Value {
        let id = self.next_id;
        self.next_id += 1;
        let body = json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params});
        self.send_raw(&body.to_string());
        self.response(&json!(id))
    }

    fn response(&mut self, id: &Value) -> Value {
        let start = Instant::now();
        loop {
            let left = DEADLINE.saturating_sub(start.elapsed());
            let message = self
                .incoming
                .recv_timeout(left)
                .unwrap_or_else(|_| panic!("no response to request {id}"));
            if message.get("method").is_some() {
                self.notifications.push(message);
            } else if message["id"] == *id {
                return message;
            }
        }
    }

    /// Waits for the diagnostics of `uri` to pass `test`; returns them.
    fn diagnostics(&mut self, uri: &str, test: impl Fn(&[Value]) -> bool) -> Vec<Value> {
        let start = Instant::now();
        let mut last = None;
        loop {
            // Those of other files stay, for later waits.
            let (mine, others): (Vec<Value>, Vec<Value>) = std::mem::take(&mut self.notifications)
                .into_iter()
                .partition(|n| {
                    n["method"] == "textDocument/publishDiagnostics" && n["params"]["uri"] == uri
                });
            self.notifications = others;
            if let Some(n) = mine.last() {
                last = Some(
                    n["params"]["diagnostics"]
                        .as_array()
                        .cloned()
                        .unwrap_or_default(),
                );
            }
            if let Some(list) = &last {
                if test(list) {
                    return list.clone();
                }
            }
            let left = DEADLINE.saturating_sub(start.elapsed());
            assert!(
                !left.is_zero(),
                "timed out waiting for diagnostics of {uri}; last: {last:?}"
            );
            if let Ok(message) = self
                .incoming
                .recv_timeout(left.min(Duration::from_millis(200)))
            {
                self.notifications.push(message);
            }
        }
    }

    fn open(&mut self, uri: &str, text: &str) {
        let doc = json!({"uri": uri, "languageId": "markdown", "version": 1, "text": text});
        self.notify("textDocument/didOpen", json!({ "textDocument": doc }));
    }

    /// Replaces the whole text of an open document, unsaved.
    fn change(&mut self, uri: &str, version: i64, text: &str) {
        self.notify(
            "textDocument/didChange",
            json!({"textDocument": {"uri": uri, "version": version}, "contentChanges": [{"text": text}]}),
        );
    }

    /// A request at the last place `marker` stands in `text`, plus `shift` characters.
    fn at(
        &mut self,
        method: &str,
        uri: &str,
        text: &str,
        marker: &str,
        shift: usize,
        extra: Value,
    ) -> Value {
        let position = position_of(text, marker, shift);
        let mut params = json!({"textDocument": {"uri": uri}, "position": position});
        if let Value::Object(more) = extra {
            params.as_object_mut().unwrap().extend(more);
        }
        self.request(method, params)
    }
}

impl Drop for Lsp {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn read_frame(reader: &mut impl BufRead) -> Option<Value> {
    let mut length = 0;
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).ok()? == 0 {
            return None;
        }
        let line = line.trim_end();
        if line.is_empty() {
            break;
        }
        if let Some(n) = line.strip_prefix("Content-Length:") {
            length = n.trim().parse().ok()?;
        }
    }
    let mut body = vec![0; length];
    reader.read_exact(&mut body).ok()?;
    serde_json::from_slice(&body).ok()
}

/// The LSP position (ASCII texts: columns are bytes) of the last `marker` in `text`, plus
/// `shift`.
fn position_of(text: &str, marker: &str, shift: usize) -> Value {
    let at = text
        .rfind(marker)
        .unwrap_or_else(|| panic!("`{marker}` not in the text"))
        + shift;
    let line = text[..at].matches('\n').count();
    let column = at - text[..at].rfind('\n').map_or(0, |i| i + 1);
    json!({"line": line, "character": column})
}

fn offset_of(text: &str, position: &Value) -> usize {
    let line = position["line"].as_u64().unwrap() as usize;
    let column = position["character"].as_u64().unwrap() as usize;
    let start: usize = text.split_inclusive('\n').take(line).map(str::len).sum();
    start + column
}

/// A text with LSP text edits applied (from the end, so that earlier ranges hold).
fn apply(text: &str, edits: &[Value]) -> String {
    let mut edits: Vec<(usize, usize, String)> = edits
        .iter()
        .map(|e| {
            let start = offset_of(text, &e["range"]["start"]);
            let end = offset_of(text, &e["range"]["end"]);
            (start, end, e["newText"].as_str().unwrap().to_string())
        })
        .collect();
    edits.sort_by_key(|e| std::cmp::Reverse(e.0));
    let mut out = text.to_string();
    for (start, end, new) in edits {
        out.replace_range(start..end, &new);
    }
    out
}

fn uri(root: &Path, rel: &str) -> String {
    format!("file://{}", root.join(rel).display())
}

/// A fixture book whose root is canonical, so that URIs are the server's.
fn book(files: &std::collections::BTreeMap<String, String>) -> (tempfile::TempDir, PathBuf) {
    let dir = common::write_book(files);
    let root = dir.path().canonicalize().unwrap();
    (dir, root)
}

/// (code, message, line, column) of each diagnostic `check --format json` reports for `rel`.
fn check_says(root: &Path, rel: &str) -> BTreeSet<(String, String, u64, u64)> {
    let run = common::briefbook(root, &["check", "--format", "json"]);
    let list: Vec<Value> = serde_json::from_str(&run.stdout).expect("check's JSON");
    list.iter()
        .filter(|d| d["file"] == rel)
        .map(|d| {
            let n = |v: &Value| v.as_u64().unwrap_or(0);
            (
                d["code"].as_str().unwrap().to_string(),
                d["message"].as_str().unwrap().to_string(),
                n(&d["line"]),
                n(&d["column"]),
            )
        })
        .collect()
}

/// The same, from the server's diagnostics (lines and columns from 1, messages without help).
fn server_says(list: &[Value]) -> BTreeSet<(String, String, u64, u64)> {
    list.iter()
        .map(|d| {
            let message = d["message"]
                .as_str()
                .unwrap()
                .lines()
                .next()
                .unwrap()
                .to_string();
            let start = &d["range"]["start"];
            (
                d["code"].as_str().unwrap().to_string(),
                message,
                start["line"].as_u64().unwrap() + 1,
                start["character"].as_u64().unwrap() + 1,
            )
        })
        .collect()
}

fn labels(response: &Value) -> Vec<String> {
    let items = response["result"]["items"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    items
        .iter()
        .map(|i| i["label"].as_str().unwrap().to_string())
        .collect()
}

fn has_error(list: &[Value], code: &str) -> bool {
    list.iter().any(|d| d["code"] == code)
}

#[test]
fn diagnostics_follow_unsaved_edits_and_match_check() {
    let (_dir, root) = book(&common::base_book());
    let mut lsp = Lsp::start();
    let h20 = uri(&root, "content/chips/h20.md");
    lsp.open(&h20, common::H20);
    let broken = common::H20.replace("lifted [@cnn-2025]", "lifted [@cnn-2024]");
    lsp.change(&h20, 2, &broken);
    let list = lsp.diagnostics(&h20, |l| has_error(l, "unknown-source"));
    // The same book on disk, checked by `check`, says the same.
    let (_copy, copy_root) = book(&common::base_book());
    common::write(&copy_root, "content/chips/h20.md", broken.as_bytes());
    assert_eq!(
        server_says(&list),
        check_says(&copy_root, "content/chips/h20.md")
    );
    let unknown = list.iter().find(|d| d["code"] == "unknown-source").unwrap();
    assert!(unknown["message"]
        .as_str()
        .unwrap()
        .ends_with("\nhelp: did you mean `cnn-2025`?"));
    // Put back: the error goes; the base book's warning (a fact conflict) stays, as `check` says.
    lsp.change(&h20, 3, common::H20);
    let list = lsp.diagnostics(&h20, |l| !has_error(l, "unknown-source"));
    assert_eq!(
        server_says(&list),
        check_says(&root, "content/chips/h20.md")
    );
    assert!(has_error(&list, "fact-conflict"));
    // The disk never changed.
    assert_eq!(common::read(&root, "content/chips/h20.md"), common::H20);
}

#[test]
fn an_unsaved_registry_edit_reaches_every_file_of_the_book() {
    let (_dir, root) = book(&common::base_book());
    let mut lsp = Lsp::start();
    let registry = uri(&root, "content/sources.toml");
    lsp.open(&registry, common::SOURCES);
    let without_ft = common::SOURCES.replace("id = \"ft-2025\"", "id = \"ft-2026\"");
    lsp.change(&registry, 2, &without_ft);
    // supply.md is not open, and gets its errors all the same.
    let supply = uri(&root, "content/chips/supply.md");
    let list = lsp.diagnostics(&supply, |l| has_error(l, "unknown-source"));
    let (_copy, copy_root) = book(&common::base_book());
    common::write(&copy_root, "content/sources.toml", without_ft.as_bytes());
    assert_eq!(
        server_says(&list),
        check_says(&copy_root, "content/chips/supply.md")
    );
    let h20 = uri(&root, "content/chips/h20.md");
    lsp.diagnostics(&h20, |l| has_error(l, "unknown-source"));
    lsp.change(&registry, 3, common::SOURCES);
    lsp.diagnostics(&supply, |l| !has_error(l, "unknown-source"));
}

#[test]
fn a_parse_error_is_reported_and_completion_keeps_the_last_good_book() {
    let (_dir, root) = book(&common::base_book());
    let mut lsp = Lsp::start();
    let h20 = uri(&root, "content/chips/h20.md");
    lsp.open(&h20, common::H20);
    // The first compile is clean: wait for it (a hover that knows the source).
    wait_for_hover(
        &mut lsp,
        &h20,
        common::H20,
        "[@cnn-2025]",
        3,
        "China is cool",
    );
    let broken = common::H20
        .replace("title = \"The H20 decision\"", "title = \"The H20 decision")
        .replace("Code stays", "More [@ and code stays");
    lsp.change(&h20, 2, &broken);
    let list = lsp.diagnostics(&h20, |l| has_error(l, "syntax"));
    assert_eq!(list[0]["range"]["start"]["line"], 1, "{list:?}");
    let completion = lsp.at(
        "textDocument/completion",
        &h20,
        &broken,
        "[@ and",
        2,
        json!({}),
    );
    assert_eq!(labels(&completion), ["cnn-2025", "ft-2025"]);
}

fn wait_for_hover(
    lsp: &mut Lsp,
    uri: &str,
    text: &str,
    marker: &str,
    shift: usize,
    expect: &str,
) -> String {
    let start = Instant::now();
    loop {
        let hover = lsp.at("textDocument/hover", uri, text, marker, shift, json!({}));
        let value = hover["result"]["contents"]["value"]
            .as_str()
            .unwrap_or("")
            .to_string();
        if value.contains(expect) {
            return value;
        }
        assert!(
            start.elapsed() < DEADLINE,
            "hover never showed `{expect}`: {hover}"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// The base book with a quote of h20's fact in supply.md and a likelihood on h20's claim.
fn richer_book() -> std::collections::BTreeMap<String, String> {
    let mut files = common::base_book();
    let supply = common::SUPPLY.replace(
        "Back to",
        "Shipped {{ fact(id=\"chips/h20.md#shipments\") }}. Back to",
    );
    files.insert("content/chips/supply.md".into(), supply);
    let h20 = common::H20
        .replace(
            "confidence = \"moderate\"",
            "confidence = \"moderate\"\nlikelihood = \"likely\"",
        )
        .replace(
            "Code stays",
            "It shipped {{ fact(id=\"shipments\") }} units.\nSee [markets](@/chips/_index.md#markets).\nCode stays",
        );
    files.insert("content/chips/h20.md".into(), h20);
    let chapter = format!("{}\n## Markets\n\nWho buys.\n", common::CHAPTER);
    files.insert("content/chips/_index.md".into(), chapter);
    let chapter = format!("{}\n## Markets\n\nWho buys.\n", common::CHAPTER);
    files.insert("content/chips/_index.md".into(), chapter);
    files
}

#[test]
fn completion_in_every_context() {
    let (_dir, root) = book(&richer_book());
    let mut lsp = Lsp::start();
    let h20 = uri(&root, "content/chips/h20.md");
    let text = common::read(&root, "content/chips/h20.md");
    lsp.open(&h20, &text);
    wait_for_hover(&mut lsp, &h20, &text, "[@cnn-2025]", 3, "China is cool");
    // Each case: a line added at the end of the body or the front matter, the cursor at its end.
    let body = |line: &str| format!("{text}{line}");
    let claim = |line: &str| {
        text.replacen(
            "confidence = \"moderate\"",
            &format!("confidence = \"moderate\"\n{line}"),
            1,
        )
    };
    let cases: Vec<(String, &str, Vec<&str>)> = vec![
        (body("See [@"), "See [@", vec!["cnn-2025", "ft-2025"]),
        (
            body("See [x](@/chips/su"),
            "(@/chips/su",
            vec!["chips/supply.md"],
        ),
        (
            body("See [x](@/chips/supply.md#"),
            "supply.md#",
            vec!["capacity", "fact-1"],
        ),
        (
            body("See [x](@/chips/_index.md#"),
            "_index.md#",
            vec!["markets"],
        ),
        (
            body("See [x](@/chips/h20.md#"),
            "h20.md#",
            vec!["what-happened", "claim-lukewarm", "fact-shipments"],
        ),
        (body("It was {{ fact(id=\""), "id=\"", vec!["shipments"]),
        (
            claim("sources = [\"cnn-2025\", \""),
            "\", \"",
            vec!["cnn-2025", "ft-2025"],
        ),
        (
            claim("likelihood = \""),
            "likelihood = \"",
            vec!["very likely", "almost certain"],
        ),
        (claim("credibility = "), "credibility = ", vec!["1", "6"]),
        (
            claim("status = \""),
            "status = \"",
            vec!["confirmed", "disputed"],
        ),
        (claim("attr"), "\nattr", vec!["attributed_to", "key"]),
    ];
    let mut version = 2;
    for (edited, marker, expected) in cases {
        lsp.change(&h20, version, &edited);
        version += 1;
        let response = lsp.at(
            "textDocument/completion",
            &h20,
            &edited,
            marker,
            marker.len(),
            json!({}),
        );
        let got = labels(&response);
        for label in expected {
            assert!(
                got.iter().any(|l| l == label),
                "`{label}` missing after `{marker}`: {got:?}"
            );
        }
    }
    // Labels and titles come with the ids.
    lsp.change(&h20, version, &body("See [@"));
    let response = lsp.at(
        "textDocument/completion",
        &h20,
        &body("See [@"),
        "See [@",
        6,
        json!({}),
    );
    let items = response["result"]["items"].as_array().unwrap();
    assert_eq!(items[0]["detail"], "CNN 2025 · China is cool on the H20");
    // YAML: a fact's source, and another brief's fact in a quote.
    let supply = uri(&root, "content/chips/supply.md");
    let yaml = common::read(&root, "content/chips/supply.md");
    lsp.open(&supply, &yaml);
    let edited = yaml.replacen("source: ft-2025", "source: c", 1);
    lsp.change(&supply, 2, &edited);
    let response = lsp.at(
        "textDocument/completion",
        &supply,
        &edited,
        "source: c",
        9,
        json!({}),
    );
    assert!(labels(&response).contains(&"cnn-2025".to_string()));
    let edited = format!("{yaml}{{{{ fact(id=\"chips/h20.md#");
    lsp.change(&supply, 3, &edited);
    let response = lsp.at(
        "textDocument/completion",
        &supply,
        &edited,
        "h20.md#",
        7,
        json!({}),
    );
    assert_eq!(labels(&response), ["shipments"]);
    // The registry: a source's reliability and kind.
    let registry = uri(&root, "content/sources.toml");
    let edited = format!("{}reliability = \"", common::SOURCES);
    lsp.open(&registry, &edited);
    let response = lsp.at(
        "textDocument/completion",
        &registry,
        &edited,
        "reliability = \"",
        15,
        json!({}),
    );
    assert_eq!(labels(&response), ["A", "B", "C", "D", "E", "F"]);
}

#[test]
fn hover_shows_sources_facts_and_likelihoods() {
    let (_dir, root) = book(&richer_book());
    let mut lsp = Lsp::start();
    let h20 = uri(&root, "content/chips/h20.md");
    let text = common::read(&root, "content/chips/h20.md");
    lsp.open(&h20, &text);
    let source = wait_for_hover(&mut lsp, &h20, &text, "[@cnn-2025]", 3, "China is cool");
    for part in [
        "Readers see it as **CNN 2025**",
        "CNN",
        "2025-08-17",
        "B (Usually reliable)",
        "status: active",
        "Cited 1 time(s) in 1 brief(s); 1 claim(s) and 1 fact(s)",
    ] {
        assert!(source.contains(part), "`{part}` not in {source}");
    }
    let fact = lsp.at(
        "textDocument/hover",
        &h20,
        &text,
        "id=\"shipments\"",
        5,
        json!({}),
    );
    let fact = fact["result"]["contents"]["value"]
        .as_str()
        .unwrap()
        .to_string();
    for part in [
        "1,500,000 units",
        "as of 2025",
        "cnn-2025",
        "Shipments to China",
    ] {
        assert!(fact.contains(part), "`{part}` not in {fact}");
    }
    let band = lsp.at(
        "textDocument/hover",
        &h20,
        &text,
        "\"likely\"",
        2,
        json!({}),
    );
    assert!(
        band["result"]["contents"]["value"]
            .as_str()
            .unwrap()
            .contains("55–80%"),
        "{band}"
    );
}

fn location_line(location: &Value, root: &Path) -> (String, u64) {
    let file = location["uri"]
        .as_str()
        .unwrap()
        .trim_start_matches(&format!("file://{}/", root.display()))
        .to_string();
    (file, location["range"]["start"]["line"].as_u64().unwrap())
}

fn line_of(text: &str, needle: &str) -> u64 {
    text[..text.find(needle).unwrap()].matches('\n').count() as u64
}

#[test]
fn definitions_and_references() {
    let (_dir, root) = book(&richer_book());
    let mut lsp = Lsp::start();
    let h20 = uri(&root, "content/chips/h20.md");
    let text = common::read(&root, "content/chips/h20.md");
    lsp.open(&h20, &text);
    wait_for_hover(&mut lsp, &h20, &text, "[@cnn-2025]", 3, "China is cool");
    let to_source = lsp.at(
        "textDocument/definition",
        &h20,
        &text,
        "[@cnn-2025]",
        3,
        json!({}),
    );
    assert_eq!(
        location_line(&to_source["result"][0], &root),
        (
            "content/sources.toml".into(),
            line_of(common::SOURCES, "id = \"cnn-2025\"")
        )
    );
    let to_heading = lsp.at(
        "textDocument/definition",
        &h20,
        &text,
        "#capacity",
        3,
        json!({}),
    );
    let supply = common::read(&root, "content/chips/supply.md");
    assert_eq!(
        location_line(&to_heading["result"][0], &root),
        (
            "content/chips/supply.md".into(),
            line_of(&supply, "## Capacity")
        )
    );
    let chapter = lsp.at(
        "textDocument/definition",
        &h20,
        &text,
        "_index.md#markets",
        11,
        json!({}),
    );
    let chapter_text = common::read(&root, "content/chips/_index.md");
    assert_eq!(
        location_line(&chapter["result"][0], &root),
        (
            "content/chips/_index.md".into(),
            line_of(&chapter_text, "## Markets")
        )
    );
    let to_file = lsp.at(
        "textDocument/definition",
        &h20,
        &text,
        "@/chips/supply.md\"",
        4,
        json!({}),
    );
    assert_eq!(
        location_line(&to_file["result"][0], &root),
        ("content/chips/supply.md".into(), 0)
    );
    let to_row = lsp.at(
        "textDocument/definition",
        &h20,
        &text,
        "fact(id=\"shipments",
        10,
        json!({}),
    );
    assert_eq!(
        location_line(&to_row["result"][0], &root),
        (
            "content/chips/h20.md".into(),
            line_of(&text, "id = \"shipments\"")
        )
    );
    // A source's references: its citation, the claim and the fact resting on it.
    let refs = lsp.at(
        "textDocument/references",
        &h20,
        &text,
        "[@cnn-2025]",
        3,
        json!({"context": {"includeDeclaration": false}}),
    );
    assert_eq!(refs["result"].as_array().unwrap().len(), 3, "{refs}");
    let mut lines: Vec<(String, u64)> = refs["result"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| location_line(l, &root))
        .collect();
    lines.sort();
    let h = |needle: &str| ("content/chips/h20.md".to_string(), line_of(&text, needle));
    let mut expected = vec![
        h("sources = [\"cnn-2025\"]"),
        h("source = \"cnn-2025\""),
        h("[@cnn-2025]"),
    ];
    expected.sort();
    assert_eq!(lines, expected);
    // A fact's quotes, in its own brief and in another.
    let refs = lsp.at(
        "textDocument/references",
        &h20,
        &text,
        "id = \"shipments\"",
        6,
        json!({"context": {"includeDeclaration": false}}),
    );
    let files: BTreeSet<(String, u64)> = refs["result"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| location_line(l, &root))
        .collect();
    let expected: BTreeSet<(String, u64)> = [
        h("fact(id=\"shipments\")"),
        (
            "content/chips/supply.md".to_string(),
            line_of(&supply, "h20.md#shipments"),
        ),
    ]
    .into();
    assert_eq!(files, expected);
}

/// Applies a workspace edit as an editor does: open documents are changed and saved, other
/// files are written and reported as changed on disk. Returns how many files it changed.
fn apply_workspace_edit(
    lsp: &mut Lsp,
    root: &Path,
    edit: &Value,
    open: &mut std::collections::HashMap<String, (String, i64)>,
) -> usize {
    let changes = edit["changes"].as_object().expect("changes");
    let mut on_disk = Vec::new();
    for (file_uri, edits) in changes {
        let rel = file_uri.trim_start_matches(&format!("file://{}/", root.display()));
        let text = match open.get(file_uri) {
            Some((text, _)) => text.clone(),
            None => common::read(root, rel),
        };
        let new = apply(&text, edits.as_array().unwrap());
        common::write(root, rel, new.as_bytes());
        match open.get_mut(file_uri) {
            Some((text, version)) => {
                *version += 1;
                *text = new.clone();
                lsp.change(file_uri, *version, &new);
                lsp.notify(
                    "textDocument/didSave",
                    json!({"textDocument": {"uri": file_uri}}),
                );
            }
            None => on_disk.push(json!({"uri": file_uri, "type": 2})),
        }
    }
    lsp.notify(
        "workspace/didChangeWatchedFiles",
        json!({ "changes": on_disk }),
    );
    changes.len()
}

/// Waits until the server finds `n` references at the last `marker` of `text`.
fn wait_for_references(lsp: &mut Lsp, uri: &str, text: &str, marker: &str, shift: usize, n: usize) {
    let start = Instant::now();
    loop {
        let refs = lsp.at(
            "textDocument/references",
            uri,
            text,
            marker,
            shift,
            json!({"context": {"includeDeclaration": true}}),
        );
        if refs["result"].as_array().map_or(0, Vec::len) == n {
            return;
        }
        assert!(start.elapsed() < DEADLINE, "never {n} references: {refs}");
        std::thread::sleep(Duration::from_millis(100));
    }
}

#[test]
fn rename_a_source_and_a_fact_across_the_book() {
    let (_dir, root) = book(&richer_book());
    let mut lsp = Lsp::start();
    let h20 = uri(&root, "content/chips/h20.md");
    let text = common::read(&root, "content/chips/h20.md");
    lsp.open(&h20, &text);
    let mut open = std::collections::HashMap::from([(h20.clone(), (text.clone(), 1))]);
    wait_for_hover(&mut lsp, &h20, &text, "[@cnn-2025]", 3, "China is cool");
    // Refused: a name taken, a name that is no id.
    let taken = lsp.at(
        "textDocument/rename",
        &h20,
        &text,
        "[@ft-2025",
        3,
        json!({"newName": "cnn-2025"}),
    );
    assert!(
        taken["error"]["message"]
            .as_str()
            .unwrap()
            .contains("already"),
        "{taken}"
    );
    let invalid = lsp.at(
        "textDocument/rename",
        &h20,
        &text,
        "[@ft-2025",
        3,
        json!({"newName": "Bad Id"}),
    );
    assert!(
        invalid["error"]["message"]
            .as_str()
            .unwrap()
            .contains("not a valid id"),
        "{invalid}"
    );
    let prepared = lsp.at(
        "textDocument/prepareRename",
        &h20,
        &text,
        "[@ft-2025",
        3,
        json!({}),
    );
    assert_eq!(prepared["result"]["placeholder"], "ft-2025");
    // ft-2025: defined in the registry, cited in h20's and supply's bodies, supply's fact rests on it.
    let edit = lsp.at(
        "textDocument/rename",
        &h20,
        &text,
        "[@ft-2025",
        3,
        json!({"newName": "ft-hbm"}),
    );
    assert_eq!(
        apply_workspace_edit(&mut lsp, &root, &edit["result"], &mut open),
        3,
        "{edit}"
    );
    let text = open[&h20].0.clone();
    wait_for_references(&mut lsp, &h20, &text, "[@ft-hbm", 3, 4);
    // shipments: defined in h20, quoted there and in supply.
    let edit = lsp.at(
        "textDocument/rename",
        &h20,
        &text,
        "id = \"shipments\"",
        6,
        json!({"newName": "h20-shipments"}),
    );
    assert_eq!(
        apply_workspace_edit(&mut lsp, &root, &edit["result"], &mut open),
        2,
        "{edit}"
    );
    let check = common::briefbook(&root, &["check"]);
    assert_eq!(check.code, 0, "{}", check.stderr);
    assert!(!check.stderr.contains("error["), "{}", check.stderr);
    assert!(common::read(&root, "content/sources.toml").contains("id = \"ft-hbm\""));
    let supply = common::read(&root, "content/chips/supply.md");
    assert!(
        supply.contains("source: ft-hbm") && supply.contains("[@ft-hbm]"),
        "{supply}"
    );
    assert!(
        supply.contains("{{ fact(id=\"chips/h20.md#h20-shipments\") }}"),
        "{supply}"
    );
}

#[test]
fn a_quick_fix_replaces_the_misspelt_id() {
    let (_dir, root) = book(&common::base_book());
    let mut lsp = Lsp::start();
    let h20 = uri(&root, "content/chips/h20.md");
    let broken = common::H20.replace("lifted [@cnn-2025]", "lifted [@cnn-2024]");
    lsp.open(&h20, &broken);
    let list = lsp.diagnostics(&h20, |l| has_error(l, "unknown-source"));
    let params = json!({
        "textDocument": {"uri": h20},
        "range": list[0]["range"],
        "context": {"diagnostics": list},
    });
    let actions = lsp.request("textDocument/codeAction", params);
    let actions = actions["result"].as_array().unwrap();
    assert_eq!(
        actions.len(),
        1,
        "only the error has a suggestion: {actions:?}"
    );
    let action = &actions[0];
    assert_eq!(action["kind"], "quickfix");
    let edits = action["edit"]["changes"][&h20].as_array().unwrap();
    let fixed = apply(&broken, edits);
    assert_eq!(fixed, common::H20);
    lsp.change(&h20, 2, &fixed);
    lsp.diagnostics(&h20, |l| !has_error(l, "unknown-source"));
}

#[test]
fn malformed_messages_get_errors_and_the_session_goes_on() {
    let (_dir, root) = book(&common::base_book());
    let mut lsp = Lsp::start();
    lsp.send_raw("{not json");
    let error = lsp.response(&Value::Null);
    assert_eq!(error["error"]["code"], -32700);
    let bad = lsp.request("textDocument/completion", json!(5));
    assert_eq!(bad["error"]["code"], -32602);
    let bad = lsp.request(
        "textDocument/hover",
        json!({"textDocument": {"uri": "file:///x.md"}, "position": {"line": -1}}),
    );
    assert_eq!(bad["error"]["code"], -32602);
    let unknown = lsp.request("textDocument/formatting", json!({}));
    assert_eq!(unknown["error"]["code"], -32601);
    // A file outside any book: nothing, quietly.
    let outside = tempfile::tempdir().unwrap();
    let stray = format!(
        "file://{}/stray.md",
        outside.path().canonicalize().unwrap().display()
    );
    lsp.open(&stray, "See [@");
    let nothing = lsp.at(
        "textDocument/completion",
        &stray,
        "See [@",
        "[@",
        2,
        json!({}),
    );
    assert_eq!(nothing["result"], Value::Null);
    // Positions past the end of a line or the text are clamped, not fatal.
    let h20 = uri(&root, "content/chips/h20.md");
    lsp.open(&h20, common::H20);
    let far = lsp.request(
        "textDocument/hover",
        json!({"textDocument": {"uri": h20}, "position": {"line": 999, "character": 999}}),
    );
    assert!(far.get("error").is_none(), "{far}");
    wait_for_hover(
        &mut lsp,
        &h20,
        common::H20,
        "[@cnn-2025]",
        3,
        "China is cool",
    );
    assert!(lsp
        .notifications
        .iter()
        .all(|n| n["params"]["uri"] != stray));
    let shutdown = lsp.request("shutdown", Value::Null);
    assert_eq!(shutdown["result"], Value::Null);
    lsp.notify("exit", Value::Null);
    let status = lsp.child.wait().unwrap();
    assert!(status.success());
}

#[test]
fn a_book_broken_from_the_start_still_gets_completion_and_hover() {
    let mut files = common::base_book();
    let broken = common::SUPPLY.replace("title: Supply", "title: [Supply");
    files.insert("content/chips/supply.md".into(), broken);
    let (_dir, root) = book(&files);
    let mut lsp = Lsp::start();
    let h20 = uri(&root, "content/chips/h20.md");
    let text = format!("{}See [@", common::H20);
    lsp.open(&h20, &text);
    let supply = uri(&root, "content/chips/supply.md");
    lsp.diagnostics(&supply, |l| has_error(l, "syntax"));
    // What parses of the book is read after the diagnostics are out: ask until it is there.
    let start = Instant::now();
    loop {
        let completion = lsp.at(
            "textDocument/completion",
            &h20,
            &text,
            "See [@",
            6,
            json!({}),
        );
        if labels(&completion) == ["cnn-2025", "ft-2025"] {
            break;
        }
        assert!(start.elapsed() < DEADLINE, "no completion: {completion}");
        std::thread::sleep(Duration::from_millis(100));
    }
    wait_for_hover(&mut lsp, &h20, &text, "[@cnn-2025]", 3, "China is cool");
}

#[test]
fn every_position_of_every_file_gets_an_answer() {
    let (_dir, root) = book(&richer_book());
    let mut lsp = Lsp::start();
    let files = [
        "content/chips/h20.md",
        "content/chips/supply.md",
        "content/sources.toml",
        "content/chips/_index.md",
    ];
    for rel in files {
        let file = uri(&root, rel);
        lsp.open(&file, &common::read(&root, rel));
    }
    let h20 = uri(&root, "content/chips/h20.md");
    let text = common::read(&root, "content/chips/h20.md");
    wait_for_hover(&mut lsp, &h20, &text, "[@cnn-2025]", 3, "China is cool");
    let methods = [
        "textDocument/completion",
        "textDocument/hover",
        "textDocument/definition",
        "textDocument/references",
    ];
    for rel in files {
        let file = uri(&root, rel);
        let text = common::read(&root, rel);
        for (line, content) in text.lines().enumerate() {
            for character in 0..=content.len() + 1 {
                let position = json!({"line": line, "character": character});
                for method in methods {
                    let mut params = json!({"textDocument": {"uri": file}, "position": position});
                    if method.ends_with("references") {
                        params["context"] = json!({"includeDeclaration": true});
                    }
                    let response = lsp.request(method, params);
                    assert!(
                        response.get("error").is_none(),
                        "{method} at {rel}:{line}:{character}: {response}"
                    );
                }
                let params = json!({"textDocument": {"uri": file}, "position": position});
                let prepared = lsp.request("textDocument/prepareRename", params);
                // Refused (nothing to rename there) is an answer; an internal error is not.
                assert_ne!(prepared["error"]["code"], -32603, "{prepared}");
            }
        }
    }
}

#[test]
fn completion_answers_at_the_end_of_any_half_typed_text() {
    let (_dir, root) = book(&richer_book());
    let mut lsp = Lsp::start();
    for rel in [
        "content/chips/h20.md",
        "content/chips/supply.md",
        "content/sources.toml",
    ] {
        let file = uri(&root, rel);
        let full = common::read(&root, rel);
        lsp.open(&file, &full);
        let mut version = 1;
        for end in (0..=full.len()).step_by(3) {
            let typed = &full[..end];
            version += 1;
            lsp.change(&file, version, typed);
            let line = typed.matches('\n').count();
            let character = typed.len() - typed.rfind('\n').map_or(0, |i| i + 1);
            let position = json!({"line": line, "character": character});
            let params = json!({"textDocument": {"uri": file}, "position": position});
            let response = lsp.request("textDocument/completion", params);
            assert!(
                response.get("error").is_none(),
                "{rel} cut at {end}: {response}"
            );
        }
    }
}
