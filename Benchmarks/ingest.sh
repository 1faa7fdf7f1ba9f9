#!/usr/bin/env bash
# Ingest benchmark: 1,000 returned workbooks of 50 rows each. Prints files/s, rows/s and how the time splits
# between parsing and the store. Usage: Benchmarks/ingest.sh [FILES] [ROWS]
set -euo pipefail
cd "$(dirname "$0")/.."
swift build -c release --product taizhang
swift build -c release --product ingest-benchmark
.build/release/ingest-benchmark --files "${1:-1000}" --rows "${2:-50}" --taizhang .build/release/taizhang
