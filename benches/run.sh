#!/usr/bin/env bash
# The benchmark: builds briefbook in release mode, then times it on the synthetic book.
# Usage: benches/run.sh [--sizes 1000,10000] [--runs 5] [--settle 5] [--work DIR]
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --bin briefbook --example bench
exec target/release/examples/bench --bin target/release/briefbook "$@"
