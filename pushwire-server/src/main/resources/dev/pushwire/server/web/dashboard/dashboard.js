// The Pushwire dashboard: live figures and charts from /api/stats (every second), channels,
// connections, and a live view of one channel through the node's own browser client.
// Plain ES modules, no build step. Everything shown is written with textContent, never as HTML.

import { Pushwire } from "/pushwire.js";
import { LineChart, compact } from "./charts.js";

const KEY_STORAGE = "pushwire.dashboard.key";
const STATS_EVERY_MS = 1000;
const LISTS_EVERY_MS = 2000;
const WINDOW_MS = 5 * 60 * 1000; // the charts show at most the last five minutes...
const MIN_WINDOW_MS = 20 * 1000; // ...and at least twenty seconds, since the page opened
const MAX_PUBS_SHOWN = 200;
const MAX_CONNECTIONS_SHOWN = 500;

const $ = (selector) => document.querySelector(selector);

const state = {
  key: null,
  settings: null,
  timers: [],
  busy: new Set(),
  previous: null, // the last stats answer and when it came
  samples: [],
  charts: null,
  pw: null,
  channel: null,
  subscription: null,
  nodes: new Set(),
};

class ApiError extends Error {
  constructor(status, code, message) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

/** Calls the HTTP API with the signed-in key; resolves with the JSON answer. */
async function api(method, path, body) {
  const headers = { "X-API-Key": state.key };
  if (body !== undefined) headers["Content-Type"] = "application/json";
  let response;
  try {
    response = await fetch(path, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      cache: "no-store",
    });
  } catch (e) {
    throw new ApiError(0, "unreachable", "the node is unreachable");
  }
  const json = await response.json().catch(() => null);
  if (!response.ok) {
    const error = json && json.error ? json.error : { code: "http_" + response.status, message: response.statusText };
    if (response.status === 401 && state.timers.length > 0) {
      signOut("The key is no longer accepted: sign in again.");
    }
    throw new ApiError(response.status, error.code, error.message);
  }
  return json;
}

// ---- sign-in --------------------------------------------------------------------------------

function keyFromFragment() {
  const match = /(?:^#|&)key=([^&]+)/.exec(location.hash);
  if (!match) return null;
  // The key came in the URL's fragment (never sent to the server); keep it out of the history.
  history.replaceState(null, "", location.pathname + location.search);
  return decodeURIComponent(match[1]);
}

function showSignIn(message) {
  $("#main").hidden = true;
  $("#sign-out").hidden = true;
  $("#sign-in").hidden = false;
  $("#sign-in-error").textContent = message || "";
  $("#key").focus();
}

async function signIn(key) {
  state.key = key;
  let stats;
  try {
    stats = await api("GET", "/api/stats");
  } catch (e) {
    state.key = null;
    sessionStorage.removeItem(KEY_STORAGE);
    showSignIn(e.status === 401 ? "That key is not accepted by this node." : "Cannot sign in: " + e.message);
    return;
  }
  sessionStorage.setItem(KEY_STORAGE, key);
  $("#sign-in").hidden = true;
  $("#main").hidden = false;
  $("#sign-out").hidden = false;
  start(stats);
}

function signOut(message) {
  sessionStorage.removeItem(KEY_STORAGE);
  stop();
  state.key = null;
  showSignIn(message);
}

/** Stops polling and closes the page's WebSocket. */
function stop() {
  state.timers.forEach(clearInterval);
  state.timers = [];
  if (state.pw) state.pw.close();
  state.pw = null;
  state.subscription = null;
  state.channel = null;
}

// ---- the live view --------------------------------------------------------------------------

function start(firstStats) {
  state.samples = [];
  state.previous = null;
  state.startedAt = Date.now();
  if (!state.charts) {
    state.charts = {
      connections: new LineChart($("#chart-connections"), {
        series: [{ key: "connections", label: "open connections" }],
      }),
      messages: new LineChart($("#chart-messages"), {
        series: [
          { key: "inRate", label: "in" },
          { key: "outRate", label: "out" },
          { key: "pubRate", label: "publications" },
          // Drawn only when the node counts deliveries apart from the other messages out.
          ...(counters(firstStats).deliveriesCounted ? [{ key: "deliveryRate", label: "deliveries" }] : []),
        ],
      }),
      drops: new LineChart($("#chart-drops"), {
        series: [{ key: "dropRate", label: "dropped messages" }],
      }),
    };
  }
  connectSocket();
  onStats(firstStats);
  refreshLists();
  state.timers.push(setInterval(() => once("stats", refreshStats), STATS_EVERY_MS));
  state.timers.push(setInterval(() => once("lists", refreshLists), LISTS_EVERY_MS));
}

/** Runs `task` unless the previous run of the same name is still going. */
async function once(name, task) {
  if (state.busy.has(name)) return;
  state.busy.add(name);
  try {
    await task();
  } finally {
    state.busy.delete(name);
  }
}

async function refreshStats() {
  try {
    onStats(await api("GET", "/api/stats"));
  } catch (e) {
    const updated = $("#updated");
    updated.textContent = "failed: " + e.message;
    updated.className = "bad";
  }
}

function sum(object) {
  if (!object || typeof object !== "object") return 0;
  return Object.values(object).reduce((a, b) => a + (typeof b === "number" ? b : 0), 0);
}

/** The counters the figures are made of, from one /api/stats answer. */
function counters(s) {
  const server = s.server || {};
  const hub = s.hub || {};
  const deliveries = typeof hub.deliveries === "number" ? hub.deliveries : null;
  return {
    connections: server.connections || 0,
    connectionsOpened: server.connectionsOpened || 0,
    messagesIn: server.messagesIn || 0,
    messagesOut: server.messagesOut || 0,
    published: sum(s.publications && s.publications.published),
    // Without a separate count, every message out is a delivery (pushes and replies).
    deliveries: deliveries === null ? server.messagesOut || 0 : deliveries,
    deliveriesCounted: deliveries !== null,
    drops: server.slowConsumerDrops || 0,
    closes: server.slowConsumerCloses || 0,
  };
}

function onStats(s) {
  const now = Date.now();
  const c = counters(s);
  const sample = { t: now, connections: c.connections };
  const prev = state.previous;
  if (prev) {
    const seconds = (now - prev.t) / 1000;
    const rate = (key) => {
      const d = c[key] - prev.c[key];
      return seconds > 0 && d >= 0 ? d / seconds : null; // a counter going down: a restart
    };
    sample.inRate = rate("messagesIn");
    sample.outRate = rate("messagesOut");
    sample.pubRate = rate("published");
    sample.deliveryRate = c.deliveriesCounted ? rate("deliveries") : null;
    sample.dropRate = rate("drops");
  }
  state.previous = { t: now, c };
  state.samples.push(sample);
  while (state.samples.length && state.samples[0].t < now - WINDOW_MS) state.samples.shift();

  figure("connections", c.connections.toLocaleString());
  figure("connectionsOpened", c.connectionsOpened.toLocaleString() + " opened since start");
  figure("inRate", rateText(sample.inRate));
  figure("messagesIn", c.messagesIn.toLocaleString() + " in total");
  figure("outRate", rateText(sample.outRate));
  figure("messagesOut", c.messagesOut.toLocaleString() + " in total");
  figure("pubRate", rateText(sample.pubRate));
  figure("published", c.published.toLocaleString() + " published");
  if (c.deliveriesCounted) {
    figure("deliveryRate", rateText(sample.deliveryRate));
    figure("deliveries", c.deliveries.toLocaleString() + " delivered");
  } else {
    figure("deliveryRate", rateText(sample.outRate));
    figure("deliveries", "counted as messages out");
  }
  figure("drops", c.drops.toLocaleString());
  figure("dropDetail", rateText(sample.dropRate) + "/s now · " + c.closes.toLocaleString() + " closed");

  state.nodes.add(s.node);
  $("#node-line").textContent = "node " + s.node + " · up " + duration(s.uptimeSeconds || 0);
  $("#nodes").textContent = [...state.nodes].map((n) => (n === s.node ? n + " (this node)" : n)).join(", ");
  renderBackends(s);
  const hub = s.hub || {};
  $("#hub").textContent =
    `${hub.channels ?? 0} channels · ${hub.subscriptions ?? 0} subscriptions · ${hub.publishers ?? 0} publisher sockets`;
  const updated = $("#updated");
  updated.textContent = new Date(now).toLocaleTimeString();
  updated.className = "ok";

  const windowMs = Math.min(WINDOW_MS, Math.max(MIN_WINDOW_MS, now - state.startedAt));
  for (const chart of Object.values(state.charts)) chart.update(state.samples, now, windowMs);
}

function renderBackends(s) {
  const target = $("#backends");
  const reported = s.backends || s.backend;
  if (!reported || typeof reported !== "object") {
    target.textContent = "broker and registry in memory (embedded)";
    return;
  }
  target.replaceChildren();
  Object.entries(reported).forEach(([name, value], i) => {
    if (i > 0) target.append(" · ");
    const info = typeof value === "object" && value !== null ? value : { kind: String(value) };
    const status =
      typeof info.available === "boolean" ? (info.available ? "up" : "down") : info.status || info.state;
    const span = document.createElement("span");
    const where = info.address ? " " + info.address : "";
    span.textContent = `${name}: ${info.kind || info.type || "?"}${where}${status ? " (" + status + ")" : ""}`;
    if (status) span.className = /^(up|ok|ready|connected)$/i.test(status) ? "ok" : "bad";
    if (info.lastError) span.title = "last error: " + info.lastError;
    target.append(span);
  });
}

function figure(name, text) {
  const node = document.querySelector(`[data-figure="${name}"]`);
  if (node) node.textContent = text;
}

/** 14:03:07.250: the time of day with milliseconds, for publications. */
function clock(time) {
  const d = new Date(time);
  const two = (n) => String(n).padStart(2, "0");
  return `${two(d.getHours())}:${two(d.getMinutes())}:${two(d.getSeconds())}.${String(d.getMilliseconds()).padStart(3, "0")}`;
}

function rateText(rate) {
  return rate === null || rate === undefined ? "–" : compact(rate);
}

function duration(seconds) {
  const d = Math.floor(seconds / 86400);
  const h = Math.floor((seconds % 86400) / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = Math.floor(seconds % 60);
  if (d > 0) return `${d}d ${h}h`;
  if (h > 0) return `${h}h ${m}m`;
  if (m > 0) return `${m}m ${s}s`;
  return `${s}s`;
}

// ---- channels and connections ---------------------------------------------------------------

async function refreshLists() {
  await Promise.all([refreshChannels(), refreshConnections(), refreshPresence(), loadHistory()]);
}

async function refreshChannels() {
  let answer;
  try {
    answer = await api("GET", "/api/channels");
  } catch (e) {
    return; // the stats line already says the node is unreachable
  }
  const body = $("#channels tbody");
  const rows = answer.channels.map(({ channel, subscribers }) => {
    const tr = document.createElement("tr");
    tr.dataset.channel = channel;
    if (channel === state.channel) tr.className = "selected";
    const name = document.createElement("td");
    name.className = "mono wrap";
    name.textContent = channel;
    const count = document.createElement("td");
    count.className = "num";
    count.textContent = subscribers.toLocaleString();
    tr.append(name, count);
    return tr;
  });
  body.replaceChildren(...rows);
  $("#channel-count").textContent = `(${answer.count})`;
  $("#channels-empty").hidden = answer.count > 0;
}

async function refreshConnections() {
  let answer;
  try {
    answer = await api("GET", "/api/connections");
  } catch (e) {
    return;
  }
  for (const c of answer.connections) state.nodes.add(c.node);
  const now = Date.now();
  const rows = answer.connections.slice(0, MAX_CONNECTIONS_SHOWN).map((c) => {
    const tr = document.createElement("tr");
    tr.dataset.connection = c.id;
    const cells = [
      [c.id, "mono"],
      [c.remoteAddress, "mono"],
      [c.path, "mono"],
      [c.user === null ? "–" : c.user, ""],
      [c.channels.join(", ") || "–", "mono wrap"],
      [duration(Math.max(0, (now - c.connectedAt) / 1000)) + " ago", ""],
    ].map(([text, cls]) => {
      const td = document.createElement("td");
      td.textContent = text;
      if (cls) td.className = cls;
      return td;
    });
    const action = document.createElement("td");
    const button = document.createElement("button");
    button.type = "button";
    button.className = "danger";
    button.textContent = "Disconnect";
    button.dataset.disconnect = c.id;
    action.append(button);
    tr.append(...cells, action);
    return tr;
  });
  $("#connections tbody").replaceChildren(...rows);
  $("#connection-count").textContent = `(${answer.count})`;
  $("#connections-empty").hidden = answer.count > 0;
  $("#connections-note").textContent =
    answer.count > MAX_CONNECTIONS_SHOWN ? `Showing the first ${MAX_CONNECTIONS_SHOWN} of ${answer.count}.` : "";
}

async function disconnect(id, button) {
  button.disabled = true;
  try {
    const answer = await api("POST", "/api/disconnect", { id, reason: "disconnected from the dashboard" });
    $("#connections-action").textContent = "Disconnected " + answer.disconnected + ".";
  } catch (e) {
    $("#connections-action").textContent = "Cannot disconnect " + id + ": " + e.message;
    button.disabled = false;
  }
  refreshLists();
}

// ---- one channel, live ----------------------------------------------------------------------

function connectSocket() {
  const path = (state.settings.subscriberPaths && state.settings.subscriberPaths[0]) || "/";
  const url = (location.protocol === "https:" ? "wss://" : "ws://") + location.host + path;
  const pw = new Pushwire(url, { minReconnectDelay: 500, maxReconnectDelay: 10000 });
  const pill = $("#socket-state");
  const show = (stateName, text) => {
    pill.dataset.state = stateName;
    pill.textContent = text;
  };
  pw.on("connecting", () => show("connecting", "connecting…"));
  pw.on("open", () => show("open", "live"));
  pw.on("reconnecting", ({ delay }) => show("reconnecting", `reconnecting in ${Math.ceil(delay / 1000)}s`));
  pw.on("closed", ({ reconnect }) => {
    if (!reconnect) show("closed", "offline");
  });
  pw.on("subscribed", ({ channel, recovered, resubscribed }) => {
    if (channel === state.channel && resubscribed) {
      $("#watch-hint").hidden = false;
      $("#watch-hint").textContent = recovered
        ? "Reconnected: the publications missed meanwhile were recovered."
        : "Reconnected: publications made meanwhile could not be recovered; see the history.";
      if (!recovered) loadHistory();
    }
  });
  pw.on("error", ({ error, channel }) => {
    if (channel && channel === state.channel) {
      $("#watch-hint").hidden = false;
      $("#watch-hint").textContent = "Cannot watch " + channel + ": " + error.message;
    }
  });
  pw.connect();
  state.pw = pw;
}

function watch(channel) {
  if (!channel || channel === state.channel) return;
  if (state.subscription) state.subscription.unsubscribe();
  state.channel = channel;
  $("#watched").textContent = channel;
  $("#watch-hint").hidden = true;
  $("#publish-channel").value = channel;
  $("#live-pubs").replaceChildren();
  $("#history-pubs").replaceChildren();
  $("#watched-presence").textContent = "";
  for (const tr of document.querySelectorAll("#channels tbody tr")) {
    tr.className = tr.dataset.channel === channel ? "selected" : "";
  }
  state.subscription = state.pw.subscribe(channel, (data, publication) => {
    addPublication($("#live-pubs"), publication.offset, Date.now(), data, true);
  });
  loadHistory();
  refreshPresence();
}

async function loadHistory() {
  const channel = state.channel;
  if (!channel) return;
  let answer;
  try {
    answer = await api("GET", "/api/history?channel=" + encodeURIComponent(channel) + "&limit=50");
  } catch (e) {
    $("#history-pubs").replaceChildren(note("Cannot read the history: " + e.message));
    return;
  }
  if (channel !== state.channel) return;
  const list = $("#history-pubs");
  list.replaceChildren();
  for (const p of answer.publications) addPublication(list, p.offset, p.publishedAt, p.data, false);
  if (answer.publications.length === 0) list.append(note(`empty (offset ${answer.offset}, epoch ${answer.epoch})`));
}

async function refreshPresence() {
  const channel = state.channel;
  if (!channel) return;
  try {
    const p = await api("GET", "/api/presence?channel=" + encodeURIComponent(channel));
    if (channel === state.channel) {
      $("#watched-presence").textContent = `· ${p.connections} subscribed (this dashboard included)`;
    }
  } catch (e) {
    // The next refresh tries again; the stats line shows whether the node is reachable.
  }
}

function note(text) {
  const li = document.createElement("li");
  li.className = "note";
  li.textContent = text;
  return li;
}

function addPublication(list, offset, time, data, fresh) {
  const li = document.createElement("li");
  if (fresh) {
    // Only the newest row lights up: under load a whole list of highlights says nothing.
    const newest = list.firstElementChild;
    if (newest) newest.classList.remove("fresh");
    li.className = "fresh";
  }
  li.dataset.offset = offset;
  const off = document.createElement("span");
  off.className = "off";
  off.textContent = "#" + offset;
  const when = document.createElement("span");
  when.className = "time";
  when.textContent = clock(time);
  const text = document.createElement("span");
  text.className = "data";
  const json = JSON.stringify(data);
  text.textContent = json.length > 300 ? json.slice(0, 300) + "…" : json;
  li.append(off, when, text);
  list.prepend(li);
  while (list.children.length > MAX_PUBS_SHOWN) list.lastElementChild.remove();
}

async function publish(event) {
  event.preventDefault();
  const channel = $("#publish-channel").value.trim();
  const text = $("#publish-data").value;
  let data;
  try {
    data = JSON.parse(text);
  } catch (e) {
    data = text; // not JSON: publish it as a string
  }
  const result = $("#publish-result");
  try {
    const answer = await api("POST", "/api/publish", { channel, data });
    result.textContent = `Published to ${channel} at offset ${answer.offset} (epoch ${answer.epoch}).`;
    result.className = "note";
  } catch (e) {
    result.textContent = "Not published: " + e.message;
    result.className = "error";
  }
}

// ---- start ----------------------------------------------------------------------------------

async function main() {
  const response = await fetch("/dashboard/settings.json", { cache: "no-store" });
  state.settings = await response.json();
  if (state.settings.signIn === "admin-secret") {
    $("#key-label").textContent = "Admin secret";
    $("#sign-in-hint").textContent =
      "You are opening this node's dashboard from another machine: sign in with its admin secret (admin.secret).";
  }
  $("#sign-in-form").addEventListener("submit", (e) => {
    e.preventDefault();
    const key = $("#key").value.trim();
    if (key) signIn(key);
  });
  $("#sign-out").addEventListener("click", () => signOut(""));
  $("#channels tbody").addEventListener("click", (e) => {
    const tr = e.target.closest("tr[data-channel]");
    if (tr) watch(tr.dataset.channel);
  });
  $("#watch-form").addEventListener("submit", (e) => {
    e.preventDefault();
    watch($("#watch-channel").value.trim());
  });
  $("#history-reload").addEventListener("click", loadHistory);
  $("#publish-form").addEventListener("submit", publish);
  $("#connections tbody").addEventListener("click", (e) => {
    const button = e.target.closest("button[data-disconnect]");
    if (button) disconnect(button.dataset.disconnect, button);
  });
  // A page kept in the back-forward cache must not hold its connection open meanwhile.
  addEventListener("pagehide", stop);
  addEventListener("pageshow", (e) => {
    if (e.persisted && state.key) signIn(state.key);
  });
  // A link with a key opened in this tab while it shows the dashboard: sign in with that key.
  addEventListener("hashchange", () => {
    const fresh = keyFromFragment();
    if (fresh) {
      if (state.key) signOut("");
      signIn(fresh);
    }
  });
  const key = keyFromFragment() || sessionStorage.getItem(KEY_STORAGE);
  if (key) {
    await signIn(key);
  } else {
    showSignIn("");
  }
}

main();
