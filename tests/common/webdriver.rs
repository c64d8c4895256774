//! A small WebDriver client (the W3C protocol over HTTP/1.1, JSON in and out) for driving
//! headless Chromium through chromedriver in tests.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{json, Value};

/// Chromium and chromedriver, if this machine has them. CI installs them, and there a missing
/// one fails the test (`tools::available`); elsewhere the test is skipped, saying so.
pub fn browser() -> Option<(PathBuf, PathBuf)> {
    let chromium = find(&["/usr/bin/chromium", "chromium", "chromium-browser"]);
    let chromedriver = find(&["/usr/bin/chromedriver", "chromedriver"]);
    // Both are looked at: outside CI a machine missing both hears of both.
    let found = super::tools::available("chromium not installed", chromium.is_some())
        & super::tools::available("chromedriver not installed", chromedriver.is_some());
    if !found {
        return None;
    }
    Some((chromium?, chromedriver?))
}

/// The first of `names` that is a file, as a path or on `PATH`.
fn find(names: &[&str]) -> Option<PathBuf> {
    names
        .iter()
        .map(PathBuf::from)
        .find(|p| p.is_file())
        .or_else(|| {
            let path = std::env::var_os("PATH")?;
            std::env::split_paths(&path)
                .flat_map(|dir| names.iter().map(move |n| dir.join(n)))
                .find(|p| p.is_file())
        })
}

/// A running chromedriver, stopped when dropped.
pub struct Driver {
    child: Child,
    port: u16,
}

impl Driver {
    pub fn start(chromedriver: &PathBuf) -> Driver {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let child = Command::new(chromedriver)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start chromedriver");
        let start = Instant::now();
        while TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(
                start.elapsed() < super::DEADLINE,
                "chromedriver did not start"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
        Driver { child, port }
    }
}

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// One browser session.
pub struct Session {
    port: u16,
    id: String,
    _profile: tempfile::TempDir,
}

impl Session {
    pub fn new(driver: &Driver, chromium: &PathBuf) -> Session {
        let profile = tempfile::tempdir().unwrap();
        let args = [
            "--headless=new".to_string(),
            "--no-sandbox".into(),
            "--disable-gpu".into(),
            "--disable-dev-shm-usage".into(),
            "--disable-quic".into(),
            "--no-first-run".into(),
            "--disable-background-networking".into(),
            "--disable-component-update".into(),
            "--disable-sync".into(),
            "--allow-file-access-from-files".into(),
            format!("--user-data-dir={}", profile.path().display()),
        ];
        let capabilities = json!({"capabilities": {"alwaysMatch": {
            "browserName": "chrome",
            "goog:chromeOptions": {"binary": chromium, "args": args},
            "goog:loggingPrefs": {"browser": "ALL"},
        }}});
        let value = call(driver.port, "POST", "/session", Some(&capabilities));
        let id = value["sessionId"]
            .as_str()
            .unwrap_or_else(|| panic!("no session: {value}"))
            .to_string();
        Session {
            port: driver.port,
            id,
            _profile: profile,
        }
    }

    fn cmd(&self, method: &str, path: &str, body: Option<&Value>) -> Value {
        call(
            self.port,
            method,
            &format!("/session/{}{path}", self.id),
            body,
        )
    }

    pub fn goto(&self, url: &str) {
        self.cmd("POST", "/url", Some(&json!({"url": url})));
    }

    pub fn url(&self) -> String {
        self.cmd("GET", "/url", None)
            .as_str()
            .unwrap_or_default()
            .to_string()
    }

    /// Elements matching a CSS selector, by WebDriver id.
    pub fn find_all(&self, css: &str) -> Vec<String> {
        let found = self.cmd(
            "POST",
            "/elements",
            Some(&json!({"using": "css selector", "value": css})),
        );
        found
            .as_array()
            .map(|list| list.iter().filter_map(element_id).collect())
            .unwrap_or_default()
    }

    pub fn click(&self, element: &str) {
        self.cmd(
            "POST",
            &format!("/element/{element}/click"),
            Some(&json!({})),
        );
    }

    pub fn type_into(&self, element: &str, text: &str) {
        self.cmd(
            "POST",
            &format!("/element/{element}/value"),
            Some(&json!({"text": text})),
        );
    }

    pub fn text(&self, element: &str) -> String {
        self.cmd("GET", &format!("/element/{element}/text"), None)
            .as_str()
            .unwrap_or_default()
            .to_string()
    }

    pub fn execute(&self, script: &str) -> Value {
        self.cmd(
            "POST",
            "/execute/sync",
            Some(&json!({"script": script, "args": []})),
        )
    }

    /// Runs `script` as an asynchronous script: it ends by calling its last argument with the
    /// value to return (WebDriver's "execute async").
    pub fn execute_async(&self, script: &str) -> Value {
        self.cmd(
            "POST",
            "/execute/async",
            Some(&json!({"script": script, "args": []})),
        )
    }

    /// Whether pages see `prefers-color-scheme: dark` (through Chromium's DevTools protocol,
    /// which chromedriver passes on).
    pub fn prefer_dark(&self, dark: bool) {
        let value = if dark { "dark" } else { "light" };
        self.cmd(
            "POST",
            "/goog/cdp/execute",
            Some(&json!({"cmd": "Emulation.setEmulatedMedia", "params": {
                "features": [{"name": "prefers-color-scheme", "value": value}],
            }})),
        );
    }

    pub fn resize(&self, width: u32, height: u32) {
        self.cmd(
            "POST",
            "/window/rect",
            Some(&json!({"width": width, "height": height})),
        );
    }

    pub fn screenshot(&self) -> Vec<u8> {
        use base64::Engine;
        let data = self.cmd("GET", "/screenshot", None);
        base64::engine::general_purpose::STANDARD
            .decode(data.as_str().unwrap_or_default())
            .unwrap_or_default()
    }

    /// Browser console entries since the last call (chromedriver's log endpoint).
    pub fn console(&self) -> Vec<Value> {
        self.cmd("POST", "/se/log", Some(&json!({"type": "browser"})))
            .as_array()
            .cloned()
            .unwrap_or_default()
    }

    /// Waits for `test` to hold, for up to `DEADLINE` (generous: a loaded machine is slow, and
    /// the wait ends as soon as it holds).
    pub fn wait_until(&self, what: &str, test: impl Fn(&Session) -> bool) {
        let start = Instant::now();
        while !test(self) {
            assert!(
                start.elapsed() < super::DEADLINE,
                "timed out waiting for {what} at {}",
                self.url()
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    }
}

impl Drop for Session {
    fn drop(&mut self) {
        // Closing the browser: no need to wait long for chromedriver's answer.
        let _ = call_raw(
            self.port,
            "DELETE",
            &format!("/session/{}", self.id),
            None,
            Duration::from_secs(2),
        );
    }
}

fn element_id(value: &Value) -> Option<String> {
    value
        .as_object()?
        .values()
        .next()?
        .as_str()
        .map(str::to_string)
}

fn call(port: u16, method: &str, path: &str, body: Option<&Value>) -> Value {
    let response = call_raw(port, method, path, body, super::DEADLINE)
        .unwrap_or_else(|e| panic!("{method} {path}: {e}"));
    let value: Value = serde_json::from_str(&response)
        .unwrap_or_else(|_| panic!("{method} {path}: not JSON: {response}"));
    if let Some(error) = value["value"].get("error") {
        panic!("{method} {path}: {error}: {}", value["value"]["message"]);
    }
    value["value"].clone()
}

/// One HTTP/1.1 request; the response body.
fn call_raw(
    port: u16,
    method: &str,
    path: &str,
    body: Option<&Value>,
    timeout: Duration,
) -> std::io::Result<String> {
    let mut stream = TcpStream::connect(("127.0.0.1", port))?;
    stream.set_read_timeout(Some(timeout))?;
    let body = body.map(|b| b.to_string()).unwrap_or_default();
    write!(
        stream,
        "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )?;
    // Read the head, then exactly the body it announces: chromedriver keeps connections open.
    let mut response = Vec::new();
    let mut buffer = [0u8; 65536];
    let head_end = loop {
        let n = stream.read(&mut buffer)?;
        if n == 0 {
            break None;
        }
        response.extend_from_slice(&buffer[..n]);
        if let Some(at) = response.windows(4).position(|w| w == b"\r\n\r\n") {
            break Some(at + 4);
        }
    };
    let Some(head_end) = head_end else {
        return Ok(String::from_utf8_lossy(&response).into_owned());
    };
    let head = String::from_utf8_lossy(&response[..head_end]).to_ascii_lowercase();
    let length = head
        .lines()
        .find_map(|l| l.strip_prefix("content-length:"))
        .and_then(|v| v.trim().parse::<usize>().ok());
    match length {
        Some(length) => {
            while response.len() < head_end + length {
                let n = stream.read(&mut buffer)?;
                if n == 0 {
                    break;
                }
                response.extend_from_slice(&buffer[..n]);
            }
            Ok(String::from_utf8_lossy(&response[head_end..]).into_owned())
        }
        None => {
            stream.read_to_end(&mut response)?;
            Ok(dechunk(&String::from_utf8_lossy(&response[head_end..])))
        }
    }
}

fn dechunk(mut body: &str) -> String {
    let mut out = String::new();
    while let Some((size, rest)) = body.split_once("\r\n") {
        let Ok(n) = usize::from_str_radix(size.trim(), 16) else {
            break;
        };
        if n == 0 || rest.len() < n {
            break;
        }
        out.push_str(&rest[..n]);
        body = rest[n..].trim_start_matches("\r\n");
    }
    out
}
