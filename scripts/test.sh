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
npx vitest run "$@"
