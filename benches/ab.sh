#!/usr/bin/env bash
# Two briefbook binaries on one book, run by run in turn (A B A B ...), each into an empty
# output folder: the way docs/performance.md measures one change alone. Prints each run's
# wall, user and system seconds and peak RSS, then the medians, the load average, and whether
# the two sites are the same byte for byte. On a loaded machine compare user CPU, not wall.
# Usage: benches/ab.sh BIN_A BIN_B BOOK [RUNS=5] [WORK=/dev/shm/briefbook-ab]
set -euo pipefail
if [ $# -lt 3 ]; then
    sed -n '2,6p' "$0" | sed 's/^# \{0,1\}//'
    exit 2
fi
bin_a=$1 bin_b=$2 book=$3 runs=${4:-5} work=${5:-/dev/shm/briefbook-ab}
command -v /usr/bin/time >/dev/null || { echo "needs /usr/bin/time (Debian: apt-get install time)" >&2; exit 2; }
mkdir -p "$work"
times="$work/times"
: >"$times"

# One build into an empty folder; appends "label wall user sys rss_kib" to $times.
run() {
    local label=$1 bin=$2 out="$work/site-$1"
    rm -rf "$out"
    /usr/bin/time -f "$label %e %U %S %M" -a -o "$times" \
        "$bin" build --root "$book" -o "$out" >/dev/null 2>"$work/stderr-$label"
}

echo "uptime before: $(uptime)"
for _ in $(seq "$runs"); do
    run A "$bin_a"
    run B "$bin_b"
done
echo "uptime after:  $(uptime)"
echo
echo "run  wall(s) user(s) sys(s) peak RSS(MiB)"
awk '{ printf "%s    %6.2f  %6.2f  %6.2f  %6.0f\n", $1, $2, $3, $4, $5 / 1024 }' "$times"
echo
for label in A B; do
    for column in 2 3 5; do
        awk -v l="$label" -v c="$column" '$1 == l { print $c }' "$times" | sort -g |
            awk '{ v[NR] = $1 } END { m = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2; printf "%s ", m }'
    done | awk -v l="$label" '{ printf "%s median: wall %.2f s, user %.2f s, peak RSS %.0f MiB\n", l, $1, $2, $3 / 1024 }'
done
if diff -rq "$work/site-A" "$work/site-B" >/dev/null; then
    echo "the two sites are the same byte for byte"
else
    echo "the two sites differ: diff -r $work/site-A $work/site-B"
fi
