//! The language server's diagnostics latency: `briefbook lsp` on a book (the benchmark's, from
//! `genbook`), one brief opened, then edits sent unsaved, each timed from the `didChange` to the
//! `publishDiagnostics` of that version. Three kinds of edit: a sentence added to the body, a
//! citation of an unknown source (an error appears, then goes), and a word in the summary.
//!
//! ```sh
//! cargo run --release --example genbook -- 10000 /tmp/book
//! cargo run --release --example lsp_latency -- target/release/briefbook /tmp/book 20
//! ```

use std::io::{BufRead, BufReader, Read, Write};
use std::path::Path;
use std::process::{ChildStdin, Command, Stdio};
use std::sync::mpsc::{channel, Receiver};
use std::time::{Duration, Instant};

use serde_json::{json, Value};

const BRIEF: &str = "content/briefs/brief-00042.md";

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let (Some(binary), Some(book)) = (args.get(1), args.get(2)) else {
        eprintln!("usage: lsp_latency BRIEFBOOK BOOK [EDITS]");
        std::process::exit(2);
    };
    let edits: usize = args.get(3).and_then(|n| n.parse().ok()).unwrap_or(20);
    let root = Path::new(book).canonicalize().expect("the book");
    let text = std::fs::read_to_string(root.join(BRIEF)).expect("the benchmark's brief");
    let mut child = Command::new(binary)
        .arg("lsp")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("start briefbook lsp");
    let mut stdin = child.stdin.take().expect("stdin");
    let incoming = reader(child.stdout.take().expect("stdout"));
    let uri = format!("file://{}", root.join(BRIEF).display());
    send(
        &mut stdin,
        &json!({"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {"capabilities": {}}}),
    );
    send(
        &mut stdin,
        &json!({"jsonrpc": "2.0", "method": "initialized", "params": {}}),
    );
    let start = Instant::now();
    let doc = json!({"uri": uri, "languageId": "markdown", "version": 1, "text": text});
    send(
        &mut stdin,
        &json!({"jsonrpc": "2.0", "method": "textDocument/didOpen", "params": {"textDocument": doc}}),
    );
    wait_for(&incoming, &uri, 1);
    println!(
        "first compile (load and compile the whole book): {:.0} ms",
        ms(start)
    );
    let kinds: [(&str, &dyn Fn(usize) -> String); 3] = [
        ("body sentence", &|n| format!("{text}\nEdited {n}.\n")),
        ("unknown citation", &|n| {
            if n % 2 == 0 {
                format!("{text}\nSee [@nowhere-{n}].\n")
            } else {
                text.clone()
            }
        }),
        ("summary word", &|n| {
            text.replacen("summary = \"", &format!("summary = \"W{n} "), 1)
        }),
    ];
    let mut version = 1;
    for (name, edit) in kinds {
        let mut times = Vec::new();
        for n in 0..edits {
            version += 1;
            let change = json!({"textDocument": {"uri": uri, "version": version}, "contentChanges": [{"text": edit(n)}]});
            let start = Instant::now();
            send(
                &mut stdin,
                &json!({"jsonrpc": "2.0", "method": "textDocument/didChange", "params": change}),
            );
            wait_for(&incoming, &uri, version);
            times.push(ms(start));
        }
        report(name, times);
    }
    let _ = child.kill();
    let _ = child.wait();
}

fn ms(since: Instant) -> f64 {
    since.elapsed().as_secs_f64() * 1000.0
}

fn report(name: &str, mut times: Vec<f64>) {
    times.sort_by(f64::total_cmp);
    let median = times[times.len() / 2];
    let p90 = times[(times.len() * 9 / 10).min(times.len() - 1)];
    let max = times[times.len() - 1];
    println!(
        "{name}: median {median:.0} ms, p90 {p90:.0} ms, max {max:.0} ms ({} edits)",
        times.len()
    );
}

fn send(stdin: &mut ChildStdin, message: &Value) {
    let body = message.to_string();
    write!(stdin, "Content-Length: {}\r\n\r\n{body}", body.len()).expect("write");
    stdin.flush().expect("flush");
}

/// Waits for the diagnostics of `uri` at `version`.
fn wait_for(incoming: &Receiver<Value>, uri: &str, version: i64) {
    loop {
        let message = incoming
            .recv_timeout(Duration::from_secs(120))
            .expect("diagnostics within two minutes");
        let params = &message["params"];
        if message["method"] == "textDocument/publishDiagnostics"
            && params["uri"] == uri
            && params["version"] == version
        {
            return;
        }
    }
}

fn reader(stdout: std::process::ChildStdout) -> Receiver<Value> {
    let (tx, rx) = channel();
    std::thread::spawn(move || {
        let mut reader = BufReader::new(stdout);
        loop {
            let mut length = 0;
            loop {
                let mut line = String::new();
                if reader.read_line(&mut line).unwrap_or(0) == 0 {
                    return;
                }
                match line.trim_end() {
                    "" => break,
                    header => {
                        if let Some(n) = header.strip_prefix("Content-Length:") {
                            length = n.trim().parse().unwrap_or(0);
                        }
                    }
                }
            }
            let mut body = vec![0; length];
            if reader.read_exact(&mut body).is_err() {
                return;
            }
            if let Ok(value) = serde_json::from_slice(&body) {
                if tx.send(value).is_err() {
                    return;
                }
            }
        }
    });
    rx
}
