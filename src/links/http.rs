//! URLs checked over HTTP(S): HEAD, then GET where a server does not answer HEAD; redirects
//! followed one hop at a time so that a permanent move is seen; one retry for what may pass (no
//! answer, a server error); a few requests to one host at a time, so no site is hammered.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;
use std::time::Duration;

use reqwest::{header, redirect, Client, Response, StatusCode};
use serde::{Deserialize, Serialize};
use tokio::sync::Semaphore;

/// How the checks are made.
#[derive(Clone, Debug)]
pub struct Settings {
    /// For one request, from connecting to the end of the response head.
    pub timeout: Duration,
    /// Requests to one host at once.
    pub per_host: usize,
    /// Requests at once in all.
    pub at_once: usize,
}

/// What checking a URL found.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "state", rename_all = "kebab-case")]
pub enum Outcome {
    Alive,
    /// The first answer was a permanent redirect (301 or 308); `to` is where the redirects end,
    /// which answers.
    Moved {
        to: String,
    },
    Dead {
        why: String,
    },
    /// No answer, or a server error, twice in a row: perhaps down for a while. Reported, but
    /// not kept, so that the next check asks again.
    Unanswered {
        why: String,
    },
}

impl Outcome {
    /// Whether the outcome is worth keeping for later checks.
    pub fn lasts(&self) -> bool {
        !matches!(self, Outcome::Unanswered { .. })
    }
}

/// Redirects followed before a URL counts as dead.
const MAX_HOPS: usize = 10;

/// Checks every URL; the result has one outcome for each, or says why no URL could be checked
/// (no runtime or no HTTP client: a fault of this machine, not of any link).
pub fn check_all(
    urls: Vec<String>,
    settings: &Settings,
) -> Result<BTreeMap<String, Outcome>, String> {
    if urls.is_empty() {
        return Ok(BTreeMap::new());
    }
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| format!("cannot start the checker: {e}"));
    check_with_client(runtime, client(settings), urls, settings)
}

/// The URLs asked with `client` on `runtime`, or why neither could be made.
fn check_with_client(
    runtime: Result<tokio::runtime::Runtime, String>,
    client: Result<Client, String>,
    urls: Vec<String>,
    settings: &Settings,
) -> Result<BTreeMap<String, Outcome>, String> {
    let (runtime, client) = (runtime?, client?);
    Ok(runtime.block_on(check_concurrently(client, urls, settings)))
}

async fn check_concurrently(
    client: Client,
    urls: Vec<String>,
    settings: &Settings,
) -> BTreeMap<String, Outcome> {
    let all = Arc::new(Semaphore::new(settings.at_once.max(1)));
    let mut hosts: HashMap<String, Arc<Semaphore>> = HashMap::new();
    let mut tasks = tokio::task::JoinSet::new();
    for url in urls {
        let host = reqwest::Url::parse(&url)
            .ok()
            .and_then(|u| u.host_str().map(str::to_string))
            .unwrap_or_default();
        let per_host = settings.per_host.max(1);
        let host = hosts
            .entry(host)
            .or_insert_with(|| Arc::new(Semaphore::new(per_host)));
        let (host, all, client) = (host.clone(), all.clone(), client.clone());
        tasks.spawn(async move {
            let _host = host.acquire_owned().await;
            let _slot = all.acquire_owned().await;
            let outcome = check_one(&client, &url).await;
            (url, outcome)
        });
    }
    let mut out = BTreeMap::new();
    while let Some(done) = tasks.join_next().await {
        if let Ok((url, outcome)) = done {
            out.insert(url, outcome);
        }
    }
    out
}

fn client(settings: &Settings) -> Result<Client, String> {
    Client::builder()
        .redirect(redirect::Policy::none())
        .timeout(settings.timeout)
        .connect_timeout(settings.timeout)
        .user_agent(concat!("briefbook-link-check/", env!("CARGO_PKG_VERSION")))
        .build()
        .map_err(|e| format!("cannot make an HTTP client: {e}"))
}

/// Checks a URL, once more when the first try may have met a passing fault.
async fn check_one(client: &Client, url: &str) -> Outcome {
    match follow(client, url).await {
        Ok(outcome) => outcome,
        Err(_) => follow(client, url)
            .await
            .unwrap_or_else(|why| Outcome::Unanswered { why }),
    }
}

/// Follows a URL's redirects to an answer. `Err` is a fault that a retry may not meet again:
/// no connection, no answer in time, a server error or "too many requests".
async fn follow(client: &Client, url: &str) -> Result<Outcome, String> {
    let mut current = url.to_string();
    let mut moved = false;
    for hop in 0..MAX_HOPS {
        let response = match request(client, &current).await {
            Ok(response) => response,
            Err(fault) if fault.lasting => return Ok(Outcome::Dead { why: fault.why }),
            Err(fault) => return Err(fault.why),
        };
        let status = response.status();
        if status.is_redirection() {
            let Some(next) = location(&response, &current) else {
                return Ok(Outcome::Dead {
                    why: format!("{status} without a valid Location"),
                });
            };
            moved |= hop == 0 && matches!(status.as_u16(), 301 | 308);
            current = next;
            continue;
        }
        if status.is_success() {
            return Ok(if moved {
                Outcome::Moved { to: current }
            } else {
                Outcome::Alive
            });
        }
        if status.is_server_error() || status == StatusCode::TOO_MANY_REQUESTS {
            return Err(status.to_string());
        }
        return Ok(Outcome::Dead {
            why: status.to_string(),
        });
    }
    Ok(Outcome::Dead {
        why: format!("more than {MAX_HOPS} redirects"),
    })
}

/// A request that got no answer.
struct Fault {
    why: String,
    /// A fault that asking again will not mend: a name no server answers to, a certificate that
    /// does not fit, a URL that is not one. Others (no connection, no answer in time) may pass.
    lasting: bool,
}

/// HEAD, or GET where HEAD gets no good answer: many servers refuse or fail HEAD alone.
async fn request(client: &Client, url: &str) -> Result<Response, Fault> {
    if let Ok(response) = client.head(url).send().await {
        let status = response.status();
        if status.is_success() || status.is_redirection() {
            return Ok(response);
        }
    }
    client.get(url).send().await.map_err(|e| fault(&e))
}

/// What a failed request says, and whether asking again may mend it. reqwest does not tell a
/// name no resolver knows from one it cannot look up for now, nor a bad certificate from a
/// dropped connection, so the causes' messages are read (once).
fn fault(error: &reqwest::Error) -> Fault {
    let causes = causes(error);
    let (why, lasting) = if error.is_timeout() {
        ("no answer in time".to_string(), false)
    } else if says_no_such_host(&causes) {
        ("no such host".to_string(), true)
    } else if causes.contains("certificate") {
        ("its certificate is not valid for it".to_string(), true)
    } else if error.is_connect() {
        ("cannot connect".to_string(), false)
    } else {
        (format!("the request failed ({error})"), error.is_builder())
    };
    Fault { why, lasting }
}

/// The resolver's "not known" (not its "temporary failure").
fn says_no_such_host(causes: &str) -> bool {
    [
        "name or service not known",
        "no address associated",
        "nodename nor servname",
    ]
    .iter()
    .any(|sign| causes.contains(sign))
}

/// The error and its causes, lowercase, joined.
fn causes(error: &reqwest::Error) -> String {
    let mut all = Vec::new();
    let mut cause: Option<&dyn std::error::Error> = Some(error);
    while let Some(c) = cause {
        all.push(c.to_string());
        cause = c.source();
    }
    all.join(": ").to_lowercase()
}

/// Where a redirect leads, resolved against the URL that answered.
fn location(response: &Response, from: &str) -> Option<String> {
    let value = response.headers().get(header::LOCATION)?.to_str().ok()?;
    let base = reqwest::Url::parse(from).ok()?;
    base.join(value).ok().map(String::from)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_checker_without_a_client_or_runtime_answers_for_no_url() {
        let settings = Settings {
            timeout: std::time::Duration::from_secs(1),
            per_host: 1,
            at_once: 1,
        };
        let urls = vec!["http://127.0.0.1:1/".to_string()];
        let runtime = || {
            tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .map_err(|e| e.to_string())
        };
        let no_client = check_with_client(
            runtime(),
            Err("no TLS roots".into()),
            urls.clone(),
            &settings,
        );
        assert_eq!(no_client, Err("no TLS roots".to_string()));
        let no_runtime =
            check_with_client(Err("no threads".into()), client(&settings), urls, &settings);
        assert_eq!(no_runtime, Err("no threads".to_string()));
    }

    #[test]
    fn a_name_no_resolver_knows_is_lasting_and_a_resolver_down_is_not() {
        // As glibc and macOS word them, through hyper's and reqwest's causes.
        let gone = "error sending request: client error (connect): dns error: failed to lookup \
                    address information: name or service not known";
        assert!(says_no_such_host(gone));
        assert!(says_no_such_host(
            "dns error: nodename nor servname provided, or not known"
        ));
        let down = "dns error: failed to lookup address information: temporary failure in name \
                    resolution";
        assert!(!says_no_such_host(down));
        assert!(!says_no_such_host(
            "tcp connect error: connection refused (os error 111)"
        ));
    }
}
