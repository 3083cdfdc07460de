// Parses deploy/prometheus/alerts.yml (YAML; groups of rules with alert, expr) and the Grafana dashboard (JSON),
// and every PromQL expression in them with the Prometheus project's own grammar (@prometheus-io/lezer-promql).
// Run by scripts/contract-lint.sh monitoring (NODE_PATH points at .tools/contract/node_modules).
const fs = require('fs');
const YAML = require('yaml');
const { parser } = require('@prometheus-io/lezer-promql');

const [alertsPath, dashboardPath] = process.argv.slice(2);
let failures = 0;
const fail = (where, msg) => { failures++; console.error(`${where}: ${msg}`); };

function checkPromql(where, expr) {
  // Grafana's variables are not PromQL: give them values the grammar accepts.
  const e = expr.replace(/\$__rate_interval|\$__range|\$__interval/g, '5m').replace(/\$\w+/g, 'x');
  const tree = parser.parse(e);
  let bad = null;
  tree.iterate({ enter: n => { if (n.type.isError && bad === null) bad = n.from; } });
  if (bad !== null) fail(where, `PromQL syntax error at ${bad}: ${e.slice(Math.max(0, bad - 30), bad + 30)}`);
}

const alerts = YAML.parse(fs.readFileSync(alertsPath, 'utf8'));
let rules = 0;
if (!Array.isArray(alerts?.groups)) fail(alertsPath, 'no groups');
for (const g of alerts.groups || []) {
  if (!g.name || !Array.isArray(g.rules)) fail(alertsPath, `group without name or rules`);
  for (const r of g.rules || []) {
    rules++;
    const where = `${alertsPath} ${r.alert || r.record}`;
    if (!r.alert && !r.record) fail(where, 'rule without alert or record');
    if (typeof r.expr !== 'string') { fail(where, 'no expr'); continue; }
    if (r.for && !/^\d+[smhdwy]$/.test(r.for)) fail(where, `bad for: ${r.for}`);
    if (r.alert && !r.annotations?.summary) fail(where, 'no summary annotation');
    checkPromql(where, r.expr);
  }
}

const dashboard = JSON.parse(fs.readFileSync(dashboardPath, 'utf8'));
let targets = 0;
const walk = panels => (panels || []).forEach(p => {
  (p.targets || []).forEach(t => { targets++; checkPromql(`${dashboardPath} "${p.title}" ${t.refId}`, t.expr); });
  walk(p.panels);
});
walk(dashboard.panels);
if (!dashboard.title || !dashboard.uid) fail(dashboardPath, 'no title or uid');

if (failures > 0) { console.error(`monitoring-lint: ${failures} problem(s)`); process.exit(1); }
console.log(`monitoring-lint: ${rules} rules in ${alertsPath}, ${targets} queries in ${dashboardPath}: YAML/JSON and PromQL OK`);
