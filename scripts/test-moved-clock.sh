#!/usr/bin/env bash
# The suites again, with the wall clock a year ahead (libfaketime), so a test that only
# passes on the day it was written (a hard-coded window over data made relative to now, or
# the reverse) fails the day it is written instead of the day it goes off. Monotonic clocks
# stay real: timers and time-outs behave as usual.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v faketime >/dev/null; then
  echo "test:moved-clock needs libfaketime's faketime (apt-get install -y faketime)" >&2
  exit 1
fi
offset="${MOVED_CLOCK_OFFSET:-+365d}"
export FAKETIME_DONT_FAKE_MONOTONIC=1
echo "== suites with the clock moved ${offset}: $(faketime -f "$offset" date -u +%FT%TZ)"
faketime -f "$offset" npx vitest run
faketime -f "$offset" npm run test:plugins
