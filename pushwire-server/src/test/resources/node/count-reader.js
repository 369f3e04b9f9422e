// A subscriber on Node's ws that reads as fast as it can and counts: each message starts with a
// six-digit sequence number. Prints one JSON line when it has `expected` messages, or when the
// connection closes, and exits.
// Usage: node count-reader.js URL EXPECTED
const path = require("path");
const WebSocket = require(path.join(process.env.PUSHWIRE_TEST_TOOLS, "node_modules", "ws"));

const [url, expectedText] = process.argv.slice(2);
const expected = Number(expectedText);
let received = 0;
let next = 0;
let lost = 0;
let duplicated = 0;
let done = false;

function report(how) {
  if (done) return;
  done = true;
  console.log(JSON.stringify({ how, received, lost, duplicated }));
  process.exit(0);
}

const ws = new WebSocket(url);
ws.on("open", () => console.log(JSON.stringify({ open: true })));
ws.on("message", (data) => {
  const seq = Number(data.toString("utf8", 0, 6));
  if (seq < next) {
    duplicated++;
  } else {
    lost += seq - next;
    next = seq + 1;
  }
  received++;
  if (received >= expected) {
    ws.close(1000);
    report("complete");
  }
});
ws.on("close", (code) => report("closed " + code));
ws.on("error", (e) => report("error " + e.message));
