#!/usr/bin/env node
// Prints the side-by-side table of a scripts/bench-compare run as Markdown:
//   node scripts/bench/table.js target/bench-results/DATE/results.jsonl
// Each line of the file is {"scenario", "server": "pushwire"|"node", "status", "result": <the
// --json summary of pushwire-bench, or null when the run failed>}.
'use strict';

const fs = require('fs');

const file = process.argv[2];
if (!file) {
  console.error('usage: table.js results.jsonl');
  process.exit(2);
}

// With --repeat, a scenario has several runs per server: the table shows the best one, by the
// scenario's primary metric, and lists that metric for every run.
const all = new Map(); // scenario -> {pushwire: [results], node: [results], skipped}
for (const line of fs.readFileSync(file, 'utf8').split('\n')) {
  if (!line.trim()) continue;
  const r = JSON.parse(line);
  if (!all.has(r.scenario)) all.set(r.scenario, { pushwire: [], node: [] });
  const s = all.get(r.scenario);
  if (r.skipped) s.skipped = r.skipped;
  else s[r.server].push(r.result);
}

// [value(result), higher is better] of the metric that picks the best run.
function primary(name, mode) {
  switch (mode) {
    case 'echo':
      return [(r) => r.messagesPerSecond, true];
    case 'fanout':
      return /-max$/.test(name)
        ? [(r) => r.deliveriesPerSecond, true]
        : [(r) => r.latencyMs && r.latencyMs.p99, false];
    case 'connect':
      return [(r) => r.seconds, false];
    case 'idle':
      return [(r) => r.bytesPerConnection, false];
    default:
      return [() => 0, true];
  }
}

function best(list, name) {
  const ok = list.filter((r) => r != null);
  if (ok.length === 0) return null;
  const [value, higher] = primary(name, ok[0].mode);
  return ok.reduce((a, b) => ((higher ? value(b) > value(a) : value(b) < value(a)) ? b : a));
}

const runs = new Map();
for (const [name, s] of all) {
  runs.set(name, {
    pushwire: best(s.pushwire, name),
    node: best(s.node, name),
    skipped: s.skipped,
    allRuns: s,
  });
}

const get = (o, path) => path.split('.').reduce((v, k) => (v == null ? v : v[k]), o);
const loss = (r) => (r == null ? null : r.lost + r.undelivered + r.duplicates);

// One row per metric: [label, value(result), higher is better, target(scenario, p, n) -> text].
function metrics(name, mode) {
  // The first number in a scenario's name is its connection count: fanout-500-max, idle-10000.
  const subs = Number((name.match(/(\d+)/) || [])[1]);
  const conns = subs;
  switch (mode) {
    case 'echo':
      return [
        ['messages/s', (r) => r.messagesPerSecond, true, (p, n) => ratioTarget(p, n, 2.5)],
        ['round trip p50 (ms)', (r) => get(r, 'rttMs.p50'), false],
        ['round trip p99 (ms)', (r) => get(r, 'rttMs.p99'), false],
        ['server CPU per message (µs)', (r) => r.serverCpuMicrosPerMessage, false],
      ];
    case 'fanout':
      return [
        [
          'deliveries/s',
          (r) => r.deliveriesPerSecond,
          true,
          (p, n) => (/-max$/.test(name) && (subs === 100 || subs === 500) ? ratioTarget(p, n, 3) : ''),
        ],
        ['latency p50 (ms)', (r) => get(r, 'latencyMs.p50'), false],
        [
          'latency p99 (ms)',
          (r) => get(r, 'latencyMs.p99'),
          false,
          (p) => (subs === 10000 && !/-max$/.test(name) ? absTarget(p, 50, '< 50 ms') : ''),
        ],
        ['server CPU per delivery (µs)', (r) => r.serverCpuMicrosPerMessage, false],
        ['lost + duplicated', loss, false, (p, n) => zeroTarget(p, n)],
      ];
    case 'connect':
      return [
        ['time to open all (s)', (r) => r.seconds, false, (p) => (conns === 10000 ? absTarget(p, 2, '< 2 s') : '')],
        ['handshakes/s', (r) => r.handshakesPerSecond, true],
        ['failed', (r) => r.failed, false, (p, n) => zeroTarget(p, n)],
      ];
    case 'idle':
      return [
        [
          'server memory per connection (bytes)',
          (r) => r.bytesPerConnection,
          false,
          (p) => absTarget(p, 2048, '≤ 2 KiB' + (conns === 50000 ? '' : ' (at 50k)')),
        ],
        ['opened', (r) => r.opened, true],
        ['time to open all (s)', (r) => r.openSeconds, false],
      ];
    default:
      return [];
  }
}

function ratioTarget(p, n, want) {
  if (p == null || n == null || n === 0) return `≥ ${want}×`;
  return `≥ ${want}×: ${p / n >= want ? 'met' : 'short'}`;
}
function absTarget(p, limit, text) {
  if (p == null) return text;
  return `${text}: ${p <= limit ? 'met' : 'short'}`;
}
function zeroTarget(p, n) {
  if (p == null) return '0';
  return p === 0 ? '0: met' : '0: short';
}

function fmt(v) {
  if (v == null || Number.isNaN(v)) return '-';
  if (Math.abs(v) >= 100) return Math.round(v).toLocaleString('en-US');
  if (Math.abs(v) >= 10) return v.toFixed(1);
  if (Number.isInteger(v)) return String(v);
  return v.toFixed(2);
}

const rows = [['scenario', 'metric', 'Pushwire', 'Node ws', 'Pushwire / Node', 'target']];
for (const [name, byServer] of runs) {
  const p = byServer.pushwire;
  const n = byServer.node;
  const mode = (p && p.mode) || (n && n.mode);
  if (byServer.skipped) {
    rows.push([name, `skipped: ${byServer.skipped}`, '-', '-', '-', '']);
    continue;
  }
  if (!mode) {
    rows.push([name, 'run failed on both servers', '-', '-', '-', '']);
    continue;
  }
  let first = true;
  for (const [label, value, , target] of metrics(name, mode)) {
    const pv = p ? value(p) : null;
    const nv = n ? value(n) : null;
    const ratio = pv != null && nv != null && nv !== 0 ? `${(pv / nv).toFixed(2)}×` : '-';
    rows.push([first ? name : '', label, fmt(pv), fmt(nv), ratio, target ? target(pv, nv) : '']);
    first = false;
  }
  const [pvalue] = primary(name, mode);
  const list = (xs) => xs.map((r) => (r == null ? 'failed' : fmt(pvalue(r)))).join(', ');
  if (byServer.allRuns.pushwire.length > 1 || byServer.allRuns.node.length > 1) {
    rows.push(['', 'every run (best shown)', list(byServer.allRuns.pushwire), list(byServer.allRuns.node), '', '']);
  }
  const notes = [];
  for (const [server, r] of [['Pushwire', p], ['Node ws', n]]) {
    if (r == null) notes.push(`${server}: run failed`);
    else if (!r.ok) notes.push(`${server}: not clean (see its log)`);
  }
  if (notes.length) rows.push(['', notes.join('; '), '', '', '', '']);
}

const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => String(r[i]).length)));
const line = (r) => '| ' + r.map((c, i) => String(c).padEnd(widths[i])).join(' | ') + ' |';
console.log(line(rows[0]));
console.log('|' + widths.map((w) => '-'.repeat(w + 2)).join('|') + '|');
for (const r of rows.slice(1)) console.log(line(r));
