#!/usr/bin/env bash
# Sets up, builds and runs every test suite; ends with the line "N passed, N failed[, N skipped]".
#   tests/run.sh [BUILD_DIR] [extra meson setup options…]
# Environment: CI=true makes corpus-dependent tests fail (not skip) when ../shared/corpus is absent;
# WERROR=false builds without -Werror (the sanitizer build: see .ci/run).
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD=${1:-build}
shift || true
deploy/install-deps.sh
if [ ! -f "$BUILD/build.ninja" ]; then
  # --prefix=/usr: the `package` suite builds the .deb from this build directory.
  meson setup "$BUILD" --prefix=/usr -Dwerror="${WERROR:-true}" "$@"
fi
ninja -C "$BUILD"
rm -rf "$BUILD/gtest-xml"
mkdir -p "$BUILD/gtest-xml"
status=0
GTEST_OUTPUT="xml:$PWD/$BUILD/gtest-xml/" meson test -C "$BUILD" --print-errorlogs --num-processes 2 || status=$?
python3 - "$BUILD/gtest-xml" <<'PY'
import sys, glob, xml.etree.ElementTree as ET
passed = failed = skipped = 0
for f in glob.glob(sys.argv[1] + "/*.xml"):
    for tc in ET.parse(f).getroot().iter("testcase"):
        if tc.find("failure") is not None:
            failed += 1
        elif tc.find("skipped") is not None or tc.get("result") == "skipped":
            skipped += 1
        else:
            passed += 1
line = f"{passed} passed, {failed} failed"
if skipped:
    line += f", {skipped} skipped"
print(line)
PY
exit $status
