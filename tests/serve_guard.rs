//! The preview server answers only requests addressed to itself, and closes connections that
//! never finish a request.

mod common;

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

use common::*;

/// The status of one raw request with the given `Host` header.
fn status_with_host(server: &Server, host: &str) -> u16 {
    let mut stream = TcpStream::connect(&server.address).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(60)))
        .unwrap();
    write!(
        stream,
        "GET / HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut response = String::new();
    let _ = stream.read_to_string(&mut response);
    response
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0)
}

#[test]
fn a_page_of_another_site_cannot_read_the_preview() {
    let book = write_book(&base_book());
    let server = Server::start(book.path());
    let port = server.address.rsplit(':').next().unwrap().to_string();
    assert_eq!(status_with_host(&server, &server.address), 200);
    assert_eq!(status_with_host(&server, &format!("localhost:{port}")), 200);
    // What a DNS-rebinding page's requests carry: its own name.
    assert_eq!(
        status_with_host(&server, &format!("attacker.example:{port}")),
        421
    );
    assert_eq!(status_with_host(&server, "localhost"), 421);
}

#[test]
fn a_connection_that_sends_no_request_is_closed() {
    let book = write_book(&base_book());
    let server = Server::start(book.path());
    let mut silent = TcpStream::connect(&server.address).unwrap();
    silent.write_all(b"GET / HTTP/1.1\r\nHost: ").unwrap();
    // The server's deadline for a request head is 10 s; allow far more on a loaded machine.
    silent
        .set_read_timeout(Some(Duration::from_secs(90)))
        .unwrap();
    let start = Instant::now();
    let mut buffer = [0u8; 512];
    let closed = loop {
        match silent.read(&mut buffer) {
            Ok(0) => break true,
            Ok(_) => continue,
            Err(e) if e.kind() == std::io::ErrorKind::ConnectionReset => break true,
            Err(_) => break false,
        }
    };
    assert!(closed, "still open after {:?}", start.elapsed());
    // And the server still serves.
    assert_eq!(status_with_host(&server, &server.address), 200);
}
