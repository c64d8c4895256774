//! The server's front door: accepts connections on loopback and serves each over HTTP/1.1 with a
//! deadline for its request head, and answers only requests addressed to the server itself.
//!
//! The deadline closes connections that never finish a request (otherwise each holds a file
//! descriptor for ever, and a few thousand stop the server). The `Host` check defeats DNS
//! rebinding: a web page on another site whose name is made to resolve to 127.0.0.1 would
//! otherwise read the preview, drafts included.

use std::net::SocketAddr;
use std::time::Duration;

use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Router;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::service::TowerToHyperService;

/// How long a connection may take to send a complete request head.
pub const REQUEST_HEAD_DEADLINE: Duration = Duration::from_secs(10);

/// Serves `app` on `listener` until `shutdown` completes.
pub async fn serve(
    listener: tokio::net::TcpListener,
    app: Router,
    shutdown: impl std::future::Future<Output = ()>,
) -> Result<(), String> {
    let address = listener.local_addr().map_err(|e| e.to_string())?;
    let hosts = allowed_hosts(address);
    let app = Router::new()
        .fallback_service(app)
        .layer(axum::middleware::from_fn(move |request, next| {
            let allowed = host_allowed(&hosts, &request);
            guard(allowed, request, next)
        }));
    tokio::pin!(shutdown);
    loop {
        tokio::select! {
            accepted = listener.accept() => {
                // A failed accept (too many open files, say) is passing: the next may succeed.
                let Ok((stream, _)) = accepted else { continue };
                tokio::spawn(connection(stream, app.clone()));
            }
            () = &mut shutdown => return Ok(()),
        }
    }
}

async fn connection(stream: tokio::net::TcpStream, app: Router) {
    let service = TowerToHyperService::new(app.clone().into_service::<hyper::body::Incoming>());
    let mut builder = hyper::server::conn::http1::Builder::new();
    builder
        .timer(TokioTimer::new())
        .header_read_timeout(REQUEST_HEAD_DEADLINE);
    // Errors here are a client's (a closed connection, a malformed request): nothing to report.
    let _ = builder
        .serve_connection(TokioIo::new(stream), service)
        .await;
}

async fn guard(allowed: bool, request: Request<Body>, next: axum::middleware::Next) -> Response {
    if !allowed {
        let message = "this server answers only requests for its own address (localhost)\n";
        return (StatusCode::MISDIRECTED_REQUEST, message).into_response();
    }
    next.run(request).await
}

/// The `Host` values that name this server: its bound address and the loopback names, each with
/// its port.
fn allowed_hosts(address: SocketAddr) -> Vec<String> {
    let port = address.port();
    let mut hosts = vec![
        format!("localhost:{port}"),
        format!("127.0.0.1:{port}"),
        format!("[::1]:{port}"),
    ];
    let bound = match address {
        SocketAddr::V4(v4) => format!("{}:{port}", v4.ip()),
        SocketAddr::V6(v6) => format!("[{}]:{port}", v6.ip()),
    };
    if !hosts.contains(&bound) {
        hosts.push(bound);
    }
    hosts
}

/// Whether the request names this server. HTTP/1.1 requires a `Host`; a request without one is
/// refused too.
fn host_allowed(hosts: &[String], request: &Request<Body>) -> bool {
    request
        .headers()
        .get(header::HOST)
        .and_then(|value| value.to_str().ok())
        .is_some_and(|host| hosts.iter().any(|h| h.eq_ignore_ascii_case(host)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request(host: Option<&str>) -> Request<Body> {
        let mut builder = Request::builder().uri("/");
        if let Some(host) = host {
            builder = builder.header(header::HOST, host);
        }
        builder.body(Body::empty()).unwrap()
    }

    #[test]
    fn only_the_servers_own_names_are_answered() {
        let hosts = allowed_hosts("127.0.0.1:1111".parse().unwrap());
        for good in [
            "127.0.0.1:1111",
            "localhost:1111",
            "LOCALHOST:1111",
            "[::1]:1111",
        ] {
            assert!(host_allowed(&hosts, &request(Some(good))), "{good}");
        }
        for bad in [
            "evil.example:1111",
            "localhost:2222",
            "127.0.0.1",
            "localhost",
        ] {
            assert!(!host_allowed(&hosts, &request(Some(bad))), "{bad}");
        }
        assert!(!host_allowed(&hosts, &request(None)));
    }

    #[test]
    fn a_server_bound_elsewhere_answers_to_that_address_too() {
        let hosts = allowed_hosts("192.168.1.5:8080".parse().unwrap());
        assert!(host_allowed(&hosts, &request(Some("192.168.1.5:8080"))));
        assert!(host_allowed(&hosts, &request(Some("localhost:8080"))));
    }
}
