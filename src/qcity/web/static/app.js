/* qcity dashboard: shared helpers (charts, sortable tables). No outside resources. */
/* Every state-changing fetch of a logged-in page carries the session's CSRF token (from
   <meta name="csrf-token">) in the X-CSRF-Token header: the server refuses it otherwise. */
(function () {
  var plain = window.fetch.bind(window);
  window.fetch = function (url, init) {
    init = init || {};
    var method = (init.method || "GET").toUpperCase();
    var meta = document.querySelector('meta[name="csrf-token"]');
    if (meta && ["POST", "PUT", "PATCH", "DELETE"].indexOf(method) >= 0) {
      var headers = new Headers(init.headers || {});
      headers.set("X-CSRF-Token", meta.getAttribute("content"));
      init.headers = headers;
    }
    return plain(url, init);
  };
})();
var qcity = (function () {
  var font = '"Noto Sans CJK SC", "Noto Sans SC", "Source Han Sans SC", "Microsoft YaHei", "PingFang SC", sans-serif';
  // red, amber and green are the warning lights only: the city is drawn in dark blue, the
  // first tier in purple, the others in greys
  var colors = {focus: "#0b2f6b", grey: "#6b7785", light: "#c5cfd8", top: "#6a51a3", ink: "#1d2733"};
  // While a page's data is on its way, <main> is aria-busy (WAI-ARIA 1.2: assistive
  // technologies wait before reading it out). It is cleared in a task queued after the
  // caller's own callbacks have drawn the data, so that a reader, a print or a test that
  // waits for it finds the page complete.
  var inflight = 0;
  function busy(delta) {
    inflight += delta;
    var main = document.getElementById("main");
    if (main) { if (inflight > 0) main.setAttribute("aria-busy", "true"); else main.removeAttribute("aria-busy"); }
  }
  function getJSON(url) {
    busy(1);
    var data = fetch(url, {headers: {Accept: "application/json"}}).then(function (r) {
      return r.json().then(function (d) { if (!r.ok) { throw new Error(d.error ? d.error.message : r.status); } return d; });
    });
    var done = function () { setTimeout(function () { busy(-1); }, 0); };
    data.then(done, done);
    return data;
  }
  function num(v) {
    return typeof v === "number" ? (Math.round(v * 10) / 10).toString() : (v === null || v === undefined ? "–" : String(v));
  }
  // A chart's text alternative: each series' first and last point (lines), or every
  // point (bars, radars: few), or the table's size (heatmaps; the table is on the page).
  function describe(traces) {
    return traces.filter(function (t) { return t.showlegend !== false && t.hoverinfo !== "skip"; }).map(function (t) {
      var name = t.name ? t.name + ": " : "";
      if (t.type === "heatmap") return (t.y || []).length + " × " + (t.x || []).length;
      if (t.type === "scatterpolar") {
        return name + (t.theta || []).slice(0, -1).map(function (th, i) { return th + " " + num(t.r[i]); }).join(", ");
      }
      var xs = t.x || [], ys = t.y || [];
      if (t.type === "bar" || t.orientation === "h" || xs.length <= 3) {
        var pairs = xs.map(function (x, i) { return String(x).replace(/<br>/g, " ") + " " + num(ys[i]); });
        return name + pairs.slice(0, 12).join(", ") + (pairs.length > 12 ? " …" : "");
      }
      var idx = ys.map(function (y, i) { return y === null ? -1 : i; }).filter(function (i) { return i >= 0; });
      if (!idx.length) return name + "–";
      var a = idx[0], b = idx[idx.length - 1];
      return name + xs[a] + " " + num(ys[a]) + " → " + xs[b] + " " + num(ys[b]);
    }).join("; ");
  }
  function label(el, traces) {
    var card = el.closest(".card"), head = card ? card.querySelector("h2") : null;
    var title = head ? head.textContent.trim() : "";
    el.setAttribute("role", "figure");  // "img" may not hold the chart's PNG button (axe: nested-interactive)
    el.setAttribute("aria-label", (title ? title + " — " : "") + describe(traces));
  }
  function plot(id, traces, layout) {
    var el = document.getElementById(id);
    if (!el) return;
    label(el, traces);
    if (typeof Plotly === "undefined") {  // plotly.js loads deferred: draw once it is there
      if (document.readyState !== "complete") {
        window.addEventListener("load", function () { if (typeof Plotly !== "undefined") plot(id, traces, layout); });
      }
      return;
    }
    var base = {font: {family: font, size: 13}, margin: {t: 20, r: 50, b: 50, l: 50},
                paper_bgcolor: "rgba(0,0,0,0)", plot_bgcolor: "rgba(0,0,0,0)", autosize: true};
    for (var k in layout) {
      if (/^[xy]axis\d*$/.test(k)) {
        var axis = {automargin: true, exponentformat: "none", separatethousands: true};
        for (var a in layout[k]) { axis[a] = layout[k][a]; }
        base[k] = axis;
      } else { base[k] = layout[k]; }
    }
    ["xaxis", "yaxis"].forEach(function (k) {
      if (!base[k]) base[k] = {automargin: true, exponentformat: "none", separatethousands: true};
    });
    Plotly.newPlot(el, traces, base, window.qcityChartConfig ? window.qcityChartConfig(el) : {displayModeBar: false, responsive: true});
  }
  function sortable(table) {
    var heads = table.tHead ? table.tHead.rows[0].cells : [];
    Array.prototype.forEach.call(heads, function (th, col) {
      th.tabIndex = 0;
      th.addEventListener("click", function () {
        var asc = th.dataset.dir !== "asc";
        Array.prototype.forEach.call(heads, function (h) { delete h.dataset.dir; });
        th.dataset.dir = asc ? "asc" : "desc";
        var num = th.dataset.type === "num", body = table.tBodies[0];
        var rows = Array.prototype.slice.call(body.rows);
        rows.sort(function (a, b) {
          var x = a.cells[col], y = b.cells[col];
          var u = x ? (x.dataset.sort !== undefined ? x.dataset.sort : x.textContent) : "";
          var v = y ? (y.dataset.sort !== undefined ? y.dataset.sort : y.textContent) : "";
          if (num) {
            var p = u === "" ? NaN : parseFloat(u), q = v === "" ? NaN : parseFloat(v);
            if (isNaN(p) && isNaN(q)) return 0;
            if (isNaN(p)) return 1;
            if (isNaN(q)) return -1;
            return asc ? p - q : q - p;
          }
          return asc ? u.localeCompare(v) : v.localeCompare(u);
        });
        rows.forEach(function (r) { body.appendChild(r); });
      });
    });
  }
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("table.sortable").forEach(sortable);
    // a box that scrolls sideways is reachable (and scrollable) from the keyboard
    document.querySelectorAll(".scroll:not([tabindex])").forEach(function (box) {
      var card = box.closest(".card"), head = card ? card.querySelector("h2") : null;
      var cap = box.querySelector("caption");
      box.tabIndex = 0;
      box.setAttribute("role", "region");
      box.setAttribute("aria-label", (cap || head || {textContent: document.title}).textContent.trim());
    });
  });
  window.addEventListener("beforeprint", function () {
    document.querySelectorAll("details").forEach(function (d) { d.open = true; });
    if (typeof Plotly === "undefined") return;
    document.querySelectorAll(".js-plotly-plot").forEach(function (el) { Plotly.Plots.resize(el); });
  });
  return {getJSON: getJSON, plot: plot, colors: colors, sortable: sortable};
})();
