#!/usr/bin/env bash
# crosstest: KEZ artifacts moved between the kez CLI (Node), @kez/core in
# headless Chromium, and independent implementations (nostr-tools, noble,
# OpenSSL, WebCrypto, the zstd CLI, the canonicalize package, a real nostr
# relay). Prints PASS/FAIL per scenario and ends with `N passed, M failed`.
#
#   bash crosstest.sh [-v] [--only <text>] [--mutate jcs-numbers|domain-prefix]
#
#   -v                 echo the artifacts of each scenario
#   --screenshot <f>   save a PNG of the page (the sigchain states it showed)
#   --only <text>      run only the scenarios whose name contains <text>
#   --mutate <name>    build the browser bundle with a deliberate bug
#                      (packages/crosstest/src/mutations.ts); the named
#                      scenarios must then FAIL
#   KEZ_CROSSTEST_NO_BUILD=1  skip `tsc -b packages/cli` (npm test built already)
set -euo pipefail
cd "$(dirname "$0")"

args=()
while [ $# -gt 0 ]; do
  case "$1" in
    --mutate)
      [ $# -ge 2 ] || { echo "crosstest: --mutate needs a name (jcs-numbers or domain-prefix)" >&2; exit 2; }
      export KEZ_CROSSTEST_MUTATE="$2"
      shift 2
      ;;
    --mutate=*)
      export KEZ_CROSSTEST_MUTATE="${1#--mutate=}"
      shift
      ;;
    *)
      args+=("$1")
      shift
      ;;
  esac
done

if [ "${KEZ_CROSSTEST_NO_BUILD:-}" != "1" ]; then
  # The CLI side runs the built binary; bring it (and core) up to date.
  node node_modules/typescript/bin/tsc -b packages/cli >&2 ||
    { echo "crosstest: building packages/cli failed" >&2; exit 2; }
fi
for tool in chromium zstd; do
  command -v "$tool" >/dev/null || node scripts/ensure-system.mjs "$tool" >&2
done

exec node --import tsx --conditions=kez-source packages/crosstest/src/main.ts "${args[@]}"
