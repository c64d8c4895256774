#!/usr/bin/env bash
# The benchmark: builds briefbook with the `dist` profile (fat LTO, as published binaries are
# built), then times it on the synthetic book, beside Hugo when it is installed, and the PDF
# edition (`briefbook pdf`) at --pdf-sizes (1,000 briefs by default).
# Usage: benches/run.sh [--sizes 1000,10000] [--runs 5] [--settle 5] [--work DIR]
#                       [--shapes one-chapter,spread] [--hugo PATH|none] [--edits N] [--pdf-sizes 1000]
set -euo pipefail
cd "$(dirname "$0")/.."
# BENCH_CARGO_FLAGS adds flags to the build (`--no-default-features` leaves out the PDF edition,
# whose typesetter takes fat LTO half an hour; it changes nothing in HTML builds).
# shellcheck disable=SC2086
cargo build --profile dist ${BENCH_CARGO_FLAGS:-} --bin briefbook --example bench
target="${CARGO_TARGET_DIR:-target}"
exec "$target/dist/examples/bench" --bin "$target/dist/briefbook" "$@"
