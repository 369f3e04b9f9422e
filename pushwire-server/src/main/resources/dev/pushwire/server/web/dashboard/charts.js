// Line charts in plain SVG for the dashboard: no library, nothing to download.

const SVG = "http://www.w3.org/2000/svg";

function el(name, attrs, parent) {
  const node = document.createElementNS(SVG, name);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, String(v));
  if (parent) parent.appendChild(node);
  return node;
}

/** A round upper bound for the y axis: 1, 2, 5, 10, 20, 50, ... at least `max`. */
export function niceMax(max) {
  if (!(max > 0)) return 1;
  const p = Math.pow(10, Math.floor(Math.log10(max)));
  for (const m of [1, 2, 5, 10]) {
    if (m * p >= max) return m * p;
  }
  return 10 * p;
}

/** A short number: 950, 1.2k, 3.4M. */
export function compact(n) {
  if (n === null || n === undefined || Number.isNaN(n)) return "–";
  const a = Math.abs(n);
  if (a >= 1e9) return (n / 1e9).toFixed(a >= 1e10 ? 0 : 1) + "G";
  if (a >= 1e6) return (n / 1e6).toFixed(a >= 1e7 ? 0 : 1) + "M";
  if (a >= 1e3) return (n / 1e3).toFixed(a >= 1e4 ? 0 : 1) + "k";
  if (a > 0 && a < 10 && !Number.isInteger(n)) return n.toFixed(1);
  return String(Math.round(n));
}

/** The step between time labels for a window of `ms`: about four to six labels. */
export function timeStep(ms) {
  for (const step of [5, 10, 15, 30, 60, 120, 300, 600].map((s) => s * 1000)) {
    if (ms / step <= 6) return step;
  }
  return 1800 * 1000;
}

function timeLabel(ago) {
  if (ago === 0) return "now";
  return ago % 60000 === 0 ? `-${ago / 60000}m` : `-${Math.round(ago / 1000)}s`;
}

/**
 * A chart of one or more series over a sliding time window. `series` is a list of {key, label};
 * `update(samples, now, windowMs)` draws the samples {t (ms), [key]: number} of the last
 * `windowMs`.
 */
export class LineChart {
  constructor(figure, { series }) {
    this.figure = figure;
    this.svg = figure.querySelector("svg");
    this.series = series;
    const legend = document.createElement("span");
    legend.className = "legend";
    series.forEach((s, i) => {
      const item = document.createElement("span");
      const swatch = document.createElement("i");
      swatch.className = "s" + i;
      item.append(swatch, s.label);
      legend.append(item);
    });
    figure.querySelector("figcaption").append(legend);
  }

  update(samples, now, windowMs) {
    this.windowMs = windowMs;
    const svg = this.svg;
    const width = svg.clientWidth || 300;
    const height = svg.clientHeight || 150;
    svg.setAttribute("viewBox", `0 0 ${width} ${height}`);
    svg.replaceChildren();
    const left = 40;
    const right = width - 6;
    const top = 8;
    const bottom = height - 18;
    const start = now - this.windowMs;
    const visible = samples.filter((s) => s.t >= start);
    let max = 0;
    for (const s of visible) {
      for (const { key } of this.series) {
        if (s[key] > max) max = s[key];
      }
    }
    const yMax = niceMax(max);
    const x = (t) => left + ((t - start) / this.windowMs) * (right - left);
    const y = (v) => bottom - (v / yMax) * (bottom - top);

    for (const f of [0, 0.5, 1]) {
      const gy = y(yMax * f);
      el("line", { x1: left, x2: right, y1: gy, y2: gy, class: "grid" }, svg);
      const label = el("text", { x: left - 6, y: gy + 3, "text-anchor": "end", class: "axis" }, svg);
      label.textContent = compact(yMax * f);
    }
    const step = timeStep(this.windowMs);
    for (let ago = 0; ago <= this.windowMs; ago += step) {
      const tx = x(now - ago);
      const anchor = ago === 0 ? "end" : tx - left < 14 ? "start" : "middle";
      const label = el("text", { x: tx, y: height - 4, "text-anchor": anchor, class: "axis" }, svg);
      label.textContent = timeLabel(ago);
    }

    this.series.forEach(({ key }, i) => {
      const points = visible.filter((s) => typeof s[key] === "number").map((s) => [x(s.t), y(s[key])]);
      if (points.length < 2) return;
      const line = points.map(([px, py]) => `${px.toFixed(1)},${py.toFixed(1)}`).join(" ");
      const first = points[0];
      const last = points[points.length - 1];
      el("polygon", {
        points: `${first[0].toFixed(1)},${bottom} ${line} ${last[0].toFixed(1)},${bottom}`,
        class: `area s${i}`,
      }, svg);
      el("polyline", { points: line, class: `line s${i}`, "data-series": key }, svg);
    });
  }
}
