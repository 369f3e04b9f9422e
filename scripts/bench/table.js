#!/usr/bin/env node
// Prints the tables of a scripts/bench-compare run as Markdown, one per scenario:
//   node scripts/bench/table.js target/bench-results/DATE/results.jsonl
// Each line of the file is {"scenario", "server", "status", "result": <the --json summary of
// pushwire-bench, or null when the run failed>}. The servers of a scenario are its columns, in the
// order they first ran; Pushwire's (pushwire, or serve-* where the scenario has them) are the
// subjects, the others their peers, and each subject gets a ratio column per peer.
'use strict';

const fs = require('fs');

const file = process.argv[2];
if (!file) {
  console.error('usage: table.js results.jsonl');
  process.exit(2);
}

// With --repeat, a scenario has several runs per server: the table shows the best one, by the
// scenario's primary metric, and lists that metric for every run.
const all = new Map(); // scenario -> {runs: Map(server -> [results]), skipped}
for (const line of fs.readFileSync(file, 'utf8').split('\n')) {
  if (!line.trim()) continue;
  const r = JSON.parse(line);
  if (!all.has(r.scenario)) all.set(r.scenario, { runs: new Map() });
  const s = all.get(r.scenario);
  if (!s.runs.has(r.server)) s.runs.set(r.server, []);
  if (r.skipped) s.skipped = r.skipped;
  else s.runs.get(r.server).push(r.result);
}

const LABELS = {
  pushwire: 'Pushwire',
  netty: 'plain Netty (floor)',
  node: 'Node ws',
  uws: 'uWebSockets (C++)',
  wspp: 'WebSocket++ (C++)',
  'serve-http': 'serve, HTTP API',
  'serve-socket': 'serve, publisher socket',
  'serve-http-v1': 'serve, HTTP API, pushwire.v1',
  'serve-socket-v1': 'serve, publisher socket, pushwire.v1',
  socketio: 'Socket.IO',
};
const SHORT = {
  pushwire: 'Pushwire',
  netty: 'Netty',
  node: 'Node',
  uws: 'uWS',
  wspp: 'WS++',
  'serve-http': 'HTTP',
  'serve-socket': 'socket',
  'serve-http-v1': 'HTTP v1',
  'serve-socket-v1': 'socket v1',
  socketio: 'Socket.IO',
};
function label(name, server) {
  if (server === 'pushwire' && /^hub-/.test(name)) return 'BroadcastServer example';
  return LABELS[server] || server;
}
function short(name, server) {
  if (server === 'pushwire' && /^hub-/.test(name)) return 'Broadcast';
  return SHORT[server] || server;
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
        [
          'messages/s',
          (r) => r.messagesPerSecond,
          true,
          (p, n, peer) => {
            if (peer === 'netty') return ratioTarget(p, n, 1);
            if (peer === 'node') return ratioTarget(p, n, 2.5);
            // Issue #16: at least 0.9 times a C++ server's echo.
            if (peer === 'uws' || peer === 'wspp') return ratioTarget(p, n, 0.9);
            return '';
          },
        ],
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
          (p, n, peer) => {
            if (/^hub-/.test(name) && /-max$/.test(name)) {
              if (peer === 'pushwire') return ratioTarget(p, n, 0.7);
              if (peer === 'socketio') return ratioTarget(p, n, 5);
              return '';
            }
            return /-max$/.test(name) && (subs === 100 || subs === 500) ? ratioTarget(p, n, 3) : '';
          },
        ],
        ['latency p50 (ms)', (r) => get(r, 'latencyMs.p50'), false],
        [
          'latency p99 (ms)',
          (r) => get(r, 'latencyMs.p99'),
          false,
          (p) => (subs === 10000 && !/-max$/.test(name) ? absTarget(p, 50, '< 50 ms') : ''),
        ],
        ['server CPU per delivery (µs)', (r) => r.serverCpuMicrosPerMessage, false],
        ['  without JIT compiling (µs)', (r) => r.serverCpuMicrosPerMessageWithoutJit, false],
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
          (p) => absTarget(p, 2048, '≤ 2 KiB'),
        ],
        [
          'server memory before the first connection (MB)',
          (r) => (r.rssBeforeBytes == null ? null : r.rssBeforeBytes / 1e6),
          false,
          (p) => absTarget(p, 120, '≤ 120 MB'),
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

function renderScenario(name, s) {
  const servers = [...s.runs.keys()];
  const lines = [`### ${name}`, ''];
  if (s.skipped) {
    lines.push(`skipped: ${s.skipped}`, '');
    return lines;
  }
  const bestOf = new Map(servers.map((srv) => [srv, best(s.runs.get(srv), name)]));
  const mode = [...bestOf.values()].map((r) => r && r.mode).find((m) => m);
  if (!mode) {
    lines.push('every run failed', '');
    return lines;
  }
  // `pushwire serve` is what a scenario that runs it measures; the examples are then its peers.
  const isServe = (srv) => srv === 'serve' || srv.startsWith('serve-');
  const hasServe = servers.some(isServe);
  const subjects = servers.filter((srv) => (hasServe ? isServe(srv) : srv === 'pushwire'));
  const peers = servers.filter((srv) => !subjects.includes(srv));
  const pairs = [];
  for (const a of subjects) for (const b of peers) pairs.push([a, b]);
  const header = ['metric', ...servers.map((srv) => label(name, srv))];
  for (const [a, b] of pairs) header.push(`${short(name, a)} / ${short(name, b)}`);
  header.push('target');
  const rows = [header];
  for (const [metricLabel, value, , target] of metrics(name, mode)) {
    const row = [metricLabel];
    for (const srv of servers) {
      const r = bestOf.get(srv);
      row.push(fmt(r ? value(r) : null));
    }
    const targets = [];
    for (const [a, b] of pairs) {
      const ra = bestOf.get(a);
      const rb = bestOf.get(b);
      const va = ra ? value(ra) : null;
      const vb = rb ? value(rb) : null;
      row.push(va != null && vb != null && vb !== 0 ? `${(va / vb).toFixed(2)}×` : '-');
      const t = target ? target(va, vb, b) : '';
      if (t) {
        // A ratio target names its pair; an absolute one (a latency, no loss) only its subject.
        const who = /×/.test(t)
          ? (pairs.length > 1 ? `${short(name, a)}/${short(name, b)} ` : '')
          : (subjects.length > 1 ? `${short(name, a)} ` : '');
        if (!targets.includes(who + t)) targets.push(who + t);
      }
    }
    if (pairs.length === 0 && target) {
      const r = bestOf.get(servers[0]);
      const t = target(r ? value(r) : null, null, null);
      if (t) targets.push(t);
    }
    row.push(targets.join('; '));
    rows.push(row);
  }
  const [pvalue] = primary(name, mode);
  if (servers.some((srv) => s.runs.get(srv).length > 1)) {
    const list = (xs) => xs.map((r) => (r == null ? 'failed' : fmt(pvalue(r)))).join(', ');
    // The i-th runs of the servers ran back to back (one round), so their ratio is the one least
    // touched by the machine's drift.
    const rounds = ([a, b]) =>
      s.runs
        .get(a)
        .map((ra, i) => {
          const rb = s.runs.get(b)[i];
          const va = ra ? pvalue(ra) : null;
          const vb = rb ? pvalue(rb) : null;
          return va != null && vb != null && vb !== 0 ? `${(va / vb).toFixed(2)}×` : '-';
        })
        .join(', ');
    rows.push([
      'every run (best shown); ratio per round',
      ...servers.map((srv) => list(s.runs.get(srv))),
      ...pairs.map(rounds),
      '',
    ]);
  }
  const notes = [];
  for (const srv of servers) {
    const r = bestOf.get(srv);
    if (r == null) notes.push(`${label(name, srv)}: run failed`);
    else if (!r.ok) notes.push(`${label(name, srv)}: not clean (see its log)`);
  }
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => String(r[i]).length)));
  const line = (r) => '| ' + r.map((c, i) => String(c).padEnd(widths[i])).join(' | ') + ' |';
  lines.push(line(rows[0]));
  lines.push('|' + widths.map((w) => '-'.repeat(w + 2)).join('|') + '|');
  for (const r of rows.slice(1)) lines.push(line(r));
  if (notes.length) lines.push('', notes.join('; '));
  lines.push('');
  return lines;
}

for (const [name, s] of all) {
  for (const l of renderScenario(name, s)) console.log(l);
}
