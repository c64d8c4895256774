//! What `serve` shows is the state of the files on disk: the error overlay stands exactly while
//! the files do not build, whatever the order of edits (FORMAT section 7).

mod common;

use common::*;

const OVERLAY: &str = "id=\"briefbook-errors\"";
const H20_PAGE: &str = "/chips/h20/";
const SUPPLY_PAGE: &str = "/chips/supply/";

fn bad_date(text: &str) -> String {
    text.replace("date = \"2025-08-17\"", "date = \"2025-13-45\"")
}

#[test]
fn putting_a_broken_file_back_as_it_was_clears_the_overlay() {
    let book = write_book(&base_book());
    let root = book.path();
    let server = Server::start(root);
    server.wait_for(H20_PAGE, |page| page.contains("The H20 decision"));
    write(root, "content/chips/h20.md", bad_date(H20).as_bytes());
    server.wait_for(H20_PAGE, |page| page.contains(OVERLAY));
    // Exactly the text of the last good build: nothing to rebuild, but the error is gone.
    write(root, "content/chips/h20.md", H20.as_bytes());
    server.wait_for(H20_PAGE, |page| !page.contains(OVERLAY));
}

#[test]
fn an_edit_elsewhere_keeps_the_overlay_while_the_error_is_on_disk() {
    let book = write_book(&base_book());
    let root = book.path();
    let server = Server::start(root);
    server.wait_for(H20_PAGE, |page| page.contains("The H20 decision"));
    write(root, "content/chips/h20.md", bad_date(H20).as_bytes());
    server.wait_for(H20_PAGE, |page| page.contains(OVERLAY));
    let failed_builds = |log: &str| log.matches("build failed").count();
    let before = failed_builds(&server.log.lock().unwrap());
    // A body edit to another brief, which alone would be rebuilt in part.
    let supply = format!("{SUPPLY}\nA sentence added later.\n");
    write(root, "content/chips/supply.md", supply.as_bytes());
    server.wait_for_log(|log| failed_builds(log) > before);
    let page = server.get(SUPPLY_PAGE).1;
    assert!(page.contains(OVERLAY), "{page}");
    let check = briefbook(root, &["check"]);
    assert_eq!(check.code, 1, "{}", check.stderr);
    assert!(
        check.stderr.contains("content/chips/h20.md"),
        "{}",
        check.stderr
    );
}
