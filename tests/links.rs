//! `check --links` against a server on 127.0.0.1 that answers 200, redirects, 404, 500, slowly,
//! or not at all: the report, the retry, the timeout, the per-host limit and the cache. No test
//! reaches outside the machine.

mod common;

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use briefbook::links::http::Outcome;
use common::*;

/// What the server saw: requests by path, and the most `/busy/` requests in hand at once.
#[derive(Default)]
struct Seen {
    requests: HashMap<String, usize>,
    busy: usize,
    most_busy: usize,
}

/// A small HTTP server with one behaviour per path; returns its address.
fn start_server() -> (String, Arc<Mutex<Seen>>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let address = listener.local_addr().unwrap().to_string();
    let seen = Arc::new(Mutex::new(Seen::default()));
    let shared = seen.clone();
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let seen = shared.clone();
            std::thread::spawn(move || answer(stream, &seen));
        }
    });
    (address, seen)
}

fn answer(mut stream: TcpStream, seen: &Mutex<Seen>) {
    let mut reader = BufReader::new(stream.try_clone().unwrap());
    let mut first = String::new();
    let _ = reader.read_line(&mut first);
    let mut line = String::new();
    while reader.read_line(&mut line).is_ok_and(|n| n > 2) {
        line.clear();
    }
    let mut parts = first.split_whitespace();
    let (method, path) = (
        parts.next().unwrap_or(""),
        parts.next().unwrap_or("").to_string(),
    );
    *seen
        .lock()
        .unwrap()
        .requests
        .entry(path.clone())
        .or_default() += 1;
    let reply = |status: &str, extra: &str| {
        format!("HTTP/1.1 {status}\r\n{extra}Content-Length: 2\r\nConnection: close\r\n\r\nok")
    };
    let response = match path.as_str() {
        "/busy/a" | "/busy/b" | "/busy/c" | "/busy/d" => {
            // Held a moment, so that requests to one host overlap if they are allowed to. The
            // count drops before the answer is sent, so a client that waits for its answers
            // can never be seen holding more than it does.
            {
                let mut s = seen.lock().unwrap();
                s.busy += 1;
                s.most_busy = s.most_busy.max(s.busy);
            }
            std::thread::sleep(Duration::from_millis(300));
            seen.lock().unwrap().busy -= 1;
            reply("200 OK", "")
        }
        "/ok" => reply("200 OK", ""),
        "/moved" => reply("301 Moved Permanently", "Location: /ok\r\n"),
        "/elsewhere" => reply("302 Found", "Location: /ok\r\n"),
        "/gone" => reply("404 Not Found", ""),
        "/error" => reply("500 Internal Server Error", ""),
        "/no-head" if method == "HEAD" => reply("405 Method Not Allowed", ""),
        "/no-head" => reply("200 OK", ""),
        "/slow" => {
            std::thread::sleep(Duration::from_secs(8));
            reply("200 OK", "")
        }
        _ => reply("404 Not Found", ""),
    };
    let _ = stream.write_all(response.as_bytes());
}

/// The base book with its sources and one body pointing at the server.
fn book_against(address: &str) -> tempfile::TempDir {
    let mut files = base_book();
    let sources = SOURCES
        .replace("url = \"https://example.com/cnn\"", &format!("url = \"http://{address}/gone\""))
        .replace(
            "date = \"2025-08\"\n",
            &format!("date = \"2025-08\"\nurl = \"http://{address}/moved\"\narchived_url = \"http://{address}/ok\"\n"),
        );
    files.insert("content/sources.toml".into(), sources);
    let body = format!(
        "## What happened\n\nSee [a](http://{address}/elsewhere), [b](http://{address}/error), \
         [c](http://{address}/no-head), [d](http://{address}/slow), [e](http://127.0.0.1:1/), \
         [f](http://{address}/busy/a), [g](http://{address}/busy/b), [h](http://{address}/busy/c), \
         [i](http://{address}/busy/d).\n"
    );
    files.insert(
        "content/chips/h20.md".into(),
        H20.replace("## What happened", &body),
    );
    write_book(&files)
}

fn check_links(book: &std::path::Path) -> Run {
    briefbook(book, &["check", "--links", "--link-timeout", "2"])
}

#[test]
fn dead_and_moved_links_are_warnings_at_their_place_and_the_rest_pass() {
    let (address, seen) = start_server();
    let book = book_against(&address);
    let run = check_links(book.path());
    assert_eq!(run.code, 0, "{}", run.stderr);
    let err = &run.stderr;
    let has = |text: &str| assert!(err.contains(text), "missing {text:?} in\n{err}");
    has("content/sources.toml:6:8: warning[dead-link]: the URL of source `cnn-2025` is dead: 404 Not Found");
    has("= help: set `archived_url` to an archived copy");
    has(&format!("warning[moved-link]: `http://{address}/moved` has moved permanently to `http://{address}/ok`"));
    has(&format!("warning[dead-link]: `http://{address}/error` did not answer, twice: 500 Internal Server Error"));
    has(&format!(
        "warning[dead-link]: `http://{address}/slow` did not answer, twice: no answer in time"
    ));
    has("warning[dead-link]: `http://127.0.0.1:1/` did not answer, twice: cannot connect");
    has("= help: it may be down for a while: the next `check --links` asks again");
    // A temporary redirect, a server that refuses HEAD but answers GET, and the archived copy pass.
    for fine in ["/elsewhere`", "/no-head`", "/ok`", "/busy/a`"] {
        assert!(
            !err.contains(&format!("{address}{fine} is dead")),
            "{fine} in\n{err}"
        );
    }
    let seen = seen.lock().unwrap();
    // A server error is asked once more before it counts (HEAD, then GET, twice); a 404 is not.
    assert_eq!(seen.requests.get("/error"), Some(&4));
    assert_eq!(seen.requests.get("/gone"), Some(&2));
    assert!(
        seen.most_busy <= 2,
        "{} requests to one host at once",
        seen.most_busy
    );
    assert!(seen.most_busy >= 1);
}

#[test]
fn a_second_run_is_answered_from_the_cache_but_for_urls_that_did_not_answer() {
    let (address, seen) = start_server();
    let book = book_against(&address);
    let first = check_links(book.path());
    assert!(book.path().join(".briefbook-cache/links.json").is_file());
    let asked = seen.lock().unwrap().requests.clone();
    let second = check_links(book.path());
    let again = seen.lock().unwrap().requests.clone();
    // Answers stand, dead or alive; a server error may pass, so it is asked again.
    for settled in [
        "/gone",
        "/moved",
        "/ok",
        "/no-head",
        "/busy/a",
        "/elsewhere",
    ] {
        assert_eq!(
            again.get(settled),
            asked.get(settled),
            "{settled} asked again"
        );
    }
    assert!(
        again.get("/error") > asked.get("/error"),
        "the server error is asked again"
    );
    assert_eq!(first.stderr, second.stderr);
    // With the results' age at zero hours, every URL is asked again.
    let fresh = briefbook(
        book.path(),
        &[
            "check",
            "--links",
            "--links-max-age",
            "0",
            "--link-timeout",
            "2",
        ],
    );
    assert_eq!(fresh.code, 0);
    let last = seen.lock().unwrap().requests.clone();
    assert!(
        last.get("/gone") > again.get("/gone"),
        "the 404 is asked again"
    );
}

#[test]
fn without_links_check_asks_no_server() {
    let (address, seen) = start_server();
    let book = book_against(&address);
    let run = briefbook(book.path(), &["check"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(!run.stderr.contains("dead-link"), "{}", run.stderr);
    assert!(seen.lock().unwrap().requests.is_empty());
    assert!(!book.path().join(".briefbook-cache").exists());
}

#[test]
fn a_checker_that_cannot_start_says_so_once_and_reports_only_fresh_results() {
    let book = book_against("127.0.0.1:1");
    let options = briefbook::pipeline::Options {
        root: book.path().to_path_buf(),
        ..Default::default()
    };
    let compiled = briefbook::pipeline::compile(&options).unwrap_or_else(|d| panic!("{d:?}"));
    let links = briefbook::links::LinkOptions::default();
    let check = |ask: &mut dyn FnMut(Vec<String>) -> Result<_, String>| {
        briefbook::links::check_with(&compiled.book, book.path(), &links, &mut *ask)
    };
    // A first run finds every URL dead and keeps that.
    let mut asked = 0;
    let first = check(&mut |urls: Vec<String>| {
        asked = urls.len();
        let dead = |u: String| {
            (
                u,
                Outcome::Dead {
                    why: "404 Not Found".into(),
                },
            )
        };
        Ok(urls.into_iter().map(dead).collect())
    });
    assert!(asked >= 10, "{asked} URLs asked");
    assert!(first.iter().all(|w| w.code.to_string() == "dead-link"));
    // Then all of those results but one grow old.
    let cache_path = book.path().join(".briefbook-cache/links.json");
    let mut cache: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&cache_path).unwrap()).unwrap();
    let kept = "http://127.0.0.1:1/gone";
    for (url, entry) in cache["entries"].as_object_mut().unwrap() {
        if url != kept {
            entry["checked"] = 0.into();
        }
    }
    std::fs::write(&cache_path, serde_json::to_vec(&cache).unwrap()).unwrap();
    let before = std::fs::read(&cache_path).unwrap();

    // The checker cannot start: said once, and only the fresh result is reported.
    let second = check(&mut |_| Err("cannot make an HTTP client: no TLS certificates".into()));
    let not_checked: Vec<_> = second
        .iter()
        .filter(|w| w.code.to_string() == "link-check")
        .collect();
    assert_eq!(not_checked.len(), 1, "{second:?}");
    assert!(not_checked[0]
        .message
        .contains("no link was checked: cannot make an HTTP client: no TLS certificates"));
    let dead: Vec<_> = second
        .iter()
        .filter(|w| w.code.to_string() == "dead-link")
        .collect();
    assert!(!dead.is_empty(), "{second:?}");
    assert!(
        dead.iter().all(|w| w.message.contains("source `cnn-2025`")),
        "{dead:?}"
    );
    assert_eq!(second.len(), 1 + dead.len(), "{second:?}");
    // Nothing was asked, so the cache is left as it was.
    assert_eq!(std::fs::read(&cache_path).unwrap(), before);
}
