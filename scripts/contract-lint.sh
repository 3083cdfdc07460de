#!/usr/bin/env bash
# The contract and the monitoring files, linted with tools from npm installed into .tools/contract (gitignored):
#   scripts/contract-lint.sh openapi     @redocly/cli lint, `recommended` rules, nothing switched off; a warning fails too
#   scripts/contract-lint.sh monitoring  deploy/prometheus/alerts.yml (YAML, every expr parsed as PromQL) and
#                                        deploy/grafana/favorite-products.json (JSON, every target expr parsed)
# Versions are pinned here; `make contract-lint` / `make monitoring-lint` call this.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

REDOCLY_VERSION=2.77.0
LEZER_PROMQL_VERSION=0.315.0
YAML_VERSION=2.9.1
TOOLS=.tools/contract
STAMP="$TOOLS/.installed-$REDOCLY_VERSION-$LEZER_PROMQL_VERSION-$YAML_VERSION"

install() {
  [[ -f "$STAMP" ]] && return
  mkdir -p "$TOOLS"
  [[ -f "$TOOLS/package.json" ]] || echo '{"name":"contract-tools","private":true}' > "$TOOLS/package.json"
  npm install --prefix "$TOOLS" --no-audit --no-fund --save-exact --loglevel=error \
    "@redocly/cli@$REDOCLY_VERSION" "@prometheus-io/lezer-promql@$LEZER_PROMQL_VERSION" "yaml@$YAML_VERSION"
  touch "$STAMP"
}

openapi() {
  local out rc=0
  out=$("$TOOLS/node_modules/.bin/redocly" lint --extends=recommended --format=stylish src/main/resources/openapi.yaml 2>&1) || rc=$?
  # Drop the CLI's Node.js deprecation banner, keep the findings.
  grep -v '^ *[║╔╚]' <<<"$out" | sed '/^$/d'
  if (( rc != 0 )) || grep -qE '^ +[0-9]+:[0-9]+ +warning ' <<<"$out"; then
    echo "contract-lint: src/main/resources/openapi.yaml has errors or warnings (see above)" >&2
    exit 1
  fi
}

monitoring() {
  NODE_PATH="$TOOLS/node_modules" node scripts/monitoring-lint.cjs deploy/prometheus/alerts.yml deploy/grafana/favorite-products.json
}

install
case "${1:-openapi}" in
  openapi) openapi ;;
  monitoring) monitoring ;;
  *) echo "usage: $0 openapi|monitoring" >&2; exit 2 ;;
esac
