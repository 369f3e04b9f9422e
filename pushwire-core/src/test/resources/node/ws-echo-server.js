'use strict';
// An independent WebSocket peer for the client tests: Node's `ws` echo server on 127.0.0.1.
//
// Usage: node ws-echo-server.js [--port N] [--cert server.pem --key server.key]
// Prints "listening <port>" once bound, then one line per event:
//   open <key> <subprotocol|-> | close <key> <code> <reason> | reject <key>
// where <key> is the "key" query parameter of the connection's URL, so that each test can tell
// its own connections apart.
//
// Every message is echoed (text as text, binary as binary) except these text commands:
//   !info                send JSON: subprotocol, extensions, request headers, raw bytes so far
//   !close <code> <why>  close the connection with that code and reason
//   !drop [n]            destroy the socket without a close frame; refuse the next n upgrades
//                        that carry the same key with 503
//   !fragments <n> <len> send one text message as n fragments of len bytes: a...a b...b c...c
//   !mute-pongs          stop answering pings on this connection; answers "muted"
// The process exits when its stdin closes, so that it never outlives the test run.

const fs = require('fs');
const http = require('http');
const https = require('https');
const { WebSocketServer } = require('ws');

function arg(name, fallback) {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : fallback;
}

const SUBPROTOCOLS = ['chat.v1', 'chat.v2'];
const refusals = new Map(); // key -> upgrades still to refuse

function keyOf(req) {
  return new URL(req.url, 'http://localhost').searchParams.get('key') || '-';
}

function log(line) {
  process.stdout.write(line + '\n');
}

const cert = arg('--cert');
const server = cert
  ? https.createServer({ cert: fs.readFileSync(cert), key: fs.readFileSync(arg('--key')) })
  : http.createServer();
server.on('request', (req, res) => {
  res.writeHead(404);
  res.end();
});

const wss = new WebSocketServer({
  server,
  perMessageDeflate: { threshold: 1024 },
  autoPong: false, // answered below, unless muted
  handleProtocols: (offered) => {
    for (const p of offered) {
      if (SUBPROTOCOLS.includes(p)) return p;
    }
    return false;
  },
  verifyClient: (info, done) => {
    const key = keyOf(info.req);
    const left = refusals.get(key) || 0;
    if (left > 0) {
      refusals.set(key, left - 1);
      log('reject ' + key);
      done(false, 503, 'try again later');
    } else {
      done(true);
    }
  },
});

wss.on('connection', (ws, req) => {
  const key = keyOf(req);
  log('open ' + key + ' ' + (ws.protocol || '-'));
  const conn = { pongs: true };
  ws.on('ping', (data) => {
    if (conn.pongs) ws.pong(data);
  });
  ws.on('close', (code, reason) => log('close ' + key + ' ' + code + ' ' + reason.toString()));
  ws.on('error', (err) => log('error ' + key + ' ' + err.message));
  ws.on('message', (data, isBinary) => {
    const text = isBinary ? '' : data.toString();
    if (!isBinary && text.startsWith('!')) {
      command(ws, req, key, conn, text.split(' '));
    } else {
      ws.send(data, { binary: isBinary });
    }
  });
});

function command(ws, req, key, conn, words) {
  switch (words[0]) {
    case '!info':
      ws.send(
        JSON.stringify({
          subprotocol: ws.protocol,
          extensions: ws.extensions,
          headers: req.headers,
          bytesRead: req.socket.bytesRead,
          bytesWritten: req.socket.bytesWritten,
        }),
      );
      break;
    case '!close':
      ws.close(Number(words[1]), words.slice(2).join(' '));
      break;
    case '!drop':
      refusals.set(key, Number(words[1] || 0));
      ws.terminate();
      break;
    case '!mute-pongs':
      conn.pongs = false;
      ws.send('muted');
      break;
    case '!fragments': {
      const count = Number(words[1]);
      const size = Number(words[2]);
      for (let i = 0; i < count; i++) {
        const letter = String.fromCharCode(97 + (i % 26));
        ws.send(letter.repeat(size), { fin: i === count - 1, compress: false });
      }
      break;
    }
    default:
      ws.send('unknown command ' + words[0]);
  }
}

server.listen(Number(arg('--port', '0')), '127.0.0.1', () => {
  log('listening ' + server.address().port);
});

process.stdin.on('end', () => process.exit(0));
process.stdin.resume();
