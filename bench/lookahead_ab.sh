#!/usr/bin/env bash
# A/B of the shard's burst pipeline (EngineConfig::lookahead: packets decoded and their flow
# index slot, flow record, payload and host prefetched ahead of their turn) against no
# lookahead: bench/engine_ab.sh with one build and several --lookahead settings.
#
#   bench/lookahead_ab.sh [BUILD_DIR]
# Environment: LOOKAHEADS="0 4 8 16", and engine_ab.sh's REPS, CAPTURES, CPU.
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD=${1:-build}
variants=()
for la in ${LOOKAHEADS:-0 4 8 16}; do variants+=("lookahead_$la=$BUILD,--lookahead,$la"); done
exec bench/engine_ab.sh "${variants[@]}"
