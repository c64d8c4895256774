//! The benchmark's editing loop: `briefbook serve` on a copy of the book, one brief edited again
//! and again (its body, or its front matter), and for each edit the time from writing the file
//! to holding the reloaded page (the live-reload event received, then the page fetched with the
//! new text).

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// The brief the loop edits, and the page that shows it.
const BRIEF: &str = "content/briefs/brief-00042.md";
const PAGE: &str = "/briefs/brief-00042/";

/// Which part of the brief the loop edits.
#[derive(Clone, Copy, Debug)]
pub enum Part {
    /// A sentence added at the end of the body.
    Body,
    /// The summary in the front matter, which other pages show too.
    FrontMatter,
}

impl Part {
    /// The brief's text with `marker` written into this part.
    fn edit(self, original: &str, marker: &str) -> String {
        match self {
            Part::Body => format!("{original}\nEdited: {marker}.\n"),
            Part::FrontMatter => {
                let edited =
                    original.replacen("summary = \"", &format!("summary = \"{marker} "), 1);
                assert_ne!(edited, original, "the benchmark's brief has no summary");
                edited
            }
        }
    }
}

/// Milliseconds from each of `edits` saves to its reloaded page, serving `book` with `binary`.
pub fn edit_latencies(binary: &Path, book: &Path, edits: usize, part: Part) -> Vec<f64> {
    let mut server = Command::new(binary)
        .args(["serve", "--port", "0", "--root"])
        .arg(book)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("start briefbook serve");
    let mut log = BufReader::new(server.stdout.take().expect("stdout"));
    let address = read_line_with(&mut log, "serving ")
        .split(" at http://")
        .nth(1)
        .and_then(|rest| rest.split('/').next())
        .expect("the server's address")
        .to_string();
    read_line_with(&mut log, "built ");
    // Keep draining the log so the server never blocks on a full pipe.
    std::thread::spawn(move || for _ in log.lines() {});
    let mut live = TcpStream::connect(&address).expect("connect");
    write!(
        live,
        "GET /__briefbook/live HTTP/1.1\r\nHost: {address}\r\nAccept: text/event-stream\r\n\r\n"
    )
    .expect("ask for reload events");
    live.set_read_timeout(Some(Duration::from_secs(60))).ok();
    // The response head, so that only later bytes can hold a reload.
    let _ = read_until(&mut live, b"\r\n\r\n");
    let path = book.join(BRIEF);
    let original = std::fs::read_to_string(&path).expect("the edited brief");
    let mut latencies = Vec::new();
    for n in 0..edits {
        std::thread::sleep(Duration::from_millis(700));
        drain(&mut live);
        let marker = format!("bench-edit-{n}-{}", std::process::id());
        let start = Instant::now();
        std::fs::write(&path, part.edit(&original, &marker)).expect("edit");
        // A save may come as more than one burst of events: wait for the reload that has it.
        loop {
            assert!(
                read_until(&mut live, b"data: reload"),
                "no reload event after edit {n}"
            );
            if get(&address, PAGE).contains(&marker) {
                break;
            }
        }
        latencies.push(start.elapsed().as_secs_f64() * 1000.0);
    }
    std::fs::write(&path, original).expect("restore the brief");
    let _ = server.kill();
    let _ = server.wait();
    latencies
}

/// Discards what the stream holds already (keep-alives, a late event).
fn drain(stream: &mut TcpStream) {
    let _ = stream.set_nonblocking(true);
    let mut buffer = [0; 4096];
    while matches!(stream.read(&mut buffer), Ok(n) if n > 0) {}
    let _ = stream.set_nonblocking(false);
}

fn read_line_with(log: &mut impl BufRead, prefix: &str) -> String {
    let mut line = String::new();
    loop {
        line.clear();
        let read = log.read_line(&mut line).expect("read the server's log");
        assert!(read > 0, "the server stopped before saying `{prefix}`");
        if line.starts_with(prefix) {
            return line;
        }
    }
}

/// Reads until `needle` has come (true) or the stream ends (false).
fn read_until(stream: &mut TcpStream, needle: &[u8]) -> bool {
    let mut seen = Vec::new();
    let mut buffer = [0; 4096];
    loop {
        match stream.read(&mut buffer) {
            Ok(0) | Err(_) => return false,
            Ok(n) => seen.extend_from_slice(&buffer[..n]),
        }
        if seen.windows(needle.len()).any(|w| w == needle) {
            return true;
        }
    }
}

fn get(address: &str, path: &str) -> String {
    let mut stream = TcpStream::connect(address).expect("connect");
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: {address}\r\nConnection: close\r\n\r\n"
    )
    .expect("request");
    let mut response = String::new();
    stream.read_to_string(&mut response).expect("response");
    response
}
