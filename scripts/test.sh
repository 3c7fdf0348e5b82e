#!/usr/bin/env bash
# The test command: services up, Temporal CLI present (built once, cached), then every test.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/services.sh
if [ -f scripts/temporal-cli.sh ]; then
  TEMPORAL_CLI_PATH="$(bash scripts/temporal-cli.sh)"
  export TEMPORAL_CLI_PATH
fi
npx tsc --noEmit -p tsconfig.json
# The house rules of docs/architecture.md: one layout (Prettier), layers point down only, and type-aware lint (no floating
# promises). Skipped when a caller runs a subset of the tests (arguments given).
if [ "$#" -eq 0 ]; then
  npx prettier --check --log-level warn .
  npm run -s depcruise
  npm run -s lint
fi
npx vitest run "$@"
