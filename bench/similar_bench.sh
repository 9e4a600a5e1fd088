#!/usr/bin/env bash
# Issue 15's speed figures, printed, never asserted: training on 5,000
# labels (target under 1 s), ranking a 50,000-track library for one track
# (target under 50 ms) and the sweep that reads such a library from SQLite
# (bench/similar-bench, made-up data in the simulator's shape).
#   BUILD_DIR (default build)
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD_DIR=${BUILD_DIR:-build}
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
"$BUILD_DIR/bench/similar-bench"
