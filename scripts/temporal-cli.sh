#!/usr/bin/env bash
# Prints the path of a `temporal` CLI for `switchyard dev` and the tests: $TEMPORAL_CLI_PATH, then PATH, then our cache,
# else builds it once from source with Go. Never downloads a prebuilt binary: this machine may be
# offline and we only run what we built or were given. Progress goes to stderr; stdout is the path.
set -euo pipefail

# v1.5.1 is the last release whose module still builds with `go install` (later ones use replace directives).
TEMPORAL_CLI_VERSION="${TEMPORAL_CLI_VERSION:-v1.5.1}"
cache_dir="${XDG_CACHE_HOME:-$HOME/.cache}/switchyard/bin"
cached="$cache_dir/temporal"

if [ -n "${TEMPORAL_CLI_PATH:-}" ]; then
  if [ -x "$TEMPORAL_CLI_PATH" ] && [ -f "$TEMPORAL_CLI_PATH" ]; then
    echo "$TEMPORAL_CLI_PATH"
    exit 0
  fi
  echo "temporal-cli: TEMPORAL_CLI_PATH=$TEMPORAL_CLI_PATH is not an executable file; looking elsewhere" >&2
fi

if on_path="$(command -v temporal 2>/dev/null)" && [ -n "$on_path" ]; then
  echo "$on_path"
  exit 0
fi

if [ -x "$cached" ]; then
  echo "$cached"
  exit 0
fi

go_bin="$(command -v go 2>/dev/null || true)"
if [ -z "$go_bin" ] && [ -x /usr/local/go/bin/go ]; then go_bin=/usr/local/go/bin/go; fi
if [ -z "$go_bin" ]; then
  cat >&2 <<MSG
temporal-cli: no Temporal CLI found and Go is not installed, so it cannot be built.
  Either install the CLI and put \`temporal\` on PATH, set TEMPORAL_CLI_PATH to it,
  install Go (https://go.dev/dl/) so it can be built into $cache_dir,
  or point TEMPORAL_ADDRESS at a running Temporal server.
MSG
  exit 1
fi

mkdir -p "$cache_dir"
# One build at a time: a second caller waits for the first instead of compiling again.
lock="$cache_dir/.temporal-build.lock"
exec 9>"$lock"
if command -v flock >/dev/null 2>&1 && ! flock -n 9; then
  echo "temporal-cli: another build is running; waiting for it ($lock)" >&2
  flock 9
fi
if [ -x "$cached" ]; then
  echo "$cached"
  exit 0
fi

echo "temporal-cli: building temporal $TEMPORAL_CLI_VERSION with $go_bin into $cache_dir (once; several minutes on a small machine)" >&2
if ! GOBIN="$cache_dir" "$go_bin" install "github.com/temporalio/cli/cmd/temporal@$TEMPORAL_CLI_VERSION" >&2; then
  echo "temporal-cli: go install github.com/temporalio/cli/cmd/temporal@$TEMPORAL_CLI_VERSION failed (see above)" >&2
  exit 1
fi
if [ ! -x "$cached" ]; then
  echo "temporal-cli: go install finished but $cached is missing" >&2
  exit 1
fi
echo "temporal-cli: built $cached" >&2
echo "$cached"
