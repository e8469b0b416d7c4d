/* The query page: an editor with highlighting, completion and errors at their place; result views
   (table, map, timeline, graph) chosen by the result's columns or a "#defaultView:" comment.
   Libraries (d3-geo, topojson-client, vis-network, Natural Earth borders) come from /vendor/, which
   the app serves from the node_modules `make install` fills: the page never reaches the network. */
(function () {
  "use strict";
  const config = JSON.parse(document.getElementById("config").textContent);
  const $ = (id) => document.getElementById(id);
  const editor = $("query"), highlight = $("highlight"), results = $("results"), status = $("status");
  const examples = $("examples"), share = $("share"), downloads = $("downloads"), views = $("views");
  const params = $("params"), complete = $("complete");
  const XSD = "http://www.w3.org/2001/XMLSchema#";
  const WKT = "http://www.opengis.net/ont/geosparql#wktLiteral";
  const PAGE = 50;

  const escape = (t) => String(t).replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");

  // -- highlighting -------------------------------------------------------------------------------
  const KEYWORDS = /^(SELECT|CONSTRUCT|DESCRIBE|ASK|WHERE|PREFIX|BASE|FROM|NAMED|OPTIONAL|FILTER|UNION|MINUS|GRAPH|SERVICE|BIND|VALUES|AS|DISTINCT|REDUCED|ORDER|BY|ASC|DESC|GROUP|HAVING|LIMIT|OFFSET|NOT|EXISTS|IN|COUNT|SUM|MIN|MAX|AVG|SAMPLE|GROUP_CONCAT|SEPARATOR|CONCAT|COALESCE|STR|LANG|DATATYPE|BOUND|IF|REGEX|CONTAINS|STRSTARTS|a|true|false)$/i;
  const TOKENS = /(#[^\n]*)|("(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*')|(<[^<>\s]*>)|([?$][A-Za-z_0-9]+)|([A-Za-z][\w-]*:[\w.-]*)|([A-Za-z_]+)/g;
  let errorAt = null;  // [line, column] of the last syntax error, marked until the text changes

  function offsetOf(text, line, column) {
    const lines = text.split("\n");
    let offset = 0;
    for (let n = 0; n < line - 1 && n < lines.length; n++) offset += lines[n].length + 1;
    return Math.min(offset + column - 1, text.length);
  }

  function paint() {
    const text = editor.value;
    const mark = errorAt ? offsetOf(text, errorAt[0], errorAt[1]) : -1;
    let out = "", last = 0, m;
    const plain = (from, to) => {
      if (mark >= from && mark < to) {
        return escape(text.slice(from, mark)) + `<span class="err">${escape(text[mark] === "\n" ? " " : text[mark])}</span>` +
               (text[mark] === "\n" ? "\n" : "") + escape(text.slice(mark + 1, to));
      }
      return escape(text.slice(from, to));
    };
    TOKENS.lastIndex = 0;
    while ((m = TOKENS.exec(text))) {
      out += plain(last, m.index);
      const cls = m[1] ? "c" : m[2] ? "s" : m[3] ? "i" : m[4] ? "v" : m[5] ? "p" : KEYWORDS.test(m[6]) ? "k" : "";
      const inner = plain(m.index, TOKENS.lastIndex);
      out += cls ? `<span class="${cls}">${inner}</span>` : inner;
      last = TOKENS.lastIndex;
    }
    out += plain(last, text.length);
    if (mark >= text.length) out += `<span class="err"> </span>`;
    highlight.innerHTML = out + "\n";
    highlight.scrollTop = editor.scrollTop;
  }

  // -- prefixes: the server's and the query's own ---------------------------------------------------
  function queryPrefixes(text) {
    const found = Object.assign({}, config.prefixes);
    const re = /PREFIX\s+([A-Za-z][\w.-]*)?:\s*<([^>]*)>/gi;
    let m;
    while ((m = re.exec(text))) found[m[1] || ""] = m[2];
    return found;
  }

  function shorten(iri, prefixes) {
    let best = null;
    for (const [name, ns] of Object.entries(prefixes)) {
      if (ns && iri.startsWith(ns) && /^[\w.-]*$/.test(iri.slice(ns.length)) && (!best || ns.length > best[1].length)) best = [name, ns];
    }
    if (best) return `${best[0]}:${iri.slice(best[1].length)}`;
    if (iri.startsWith(config.own)) return iri.slice(config.own.length);
    return iri;
  }

  function href(iri) {
    if (iri.startsWith(config.own)) return "/id/" + iri.slice(config.own.length).split("/").map(encodeURIComponent).join("/");
    if (iri.startsWith(config.prefixes.ck)) return "/resource?iri=" + encodeURIComponent(iri);
    return iri;
  }

  // -- results: one shape for every kind of answer -----------------------------------------------
  // {kind: "solutions" | "boolean" | "graph", vars: [...], rows: [{var: term}], boolean}
  // a term as SPARQL JSON results give it: {type: "uri" | "literal" | "bnode", value, "xml:lang", datatype}
  const NT_TERM = /(<[^>]*>|_:\S+|"(?:[^"\\]|\\.)*"(?:@[A-Za-z0-9-]+|\^\^<[^>]*>)?)/y;

  function ntTerm(token) {
    if (token.startsWith("<")) return { type: "uri", value: token.slice(1, -1) };
    if (token.startsWith("_:")) return { type: "bnode", value: token.slice(2) };
    const close = token.lastIndexOf('"');
    const raw = token.slice(1, close).replace(/\\U([0-9A-Fa-f]{8})/g, (_, h) => String.fromCodePoint(parseInt(h, 16)));
    const term = { type: "literal", value: JSON.parse(`"${raw.replace(/\\'/g, "'")}"`) };
    const rest = token.slice(close + 1);
    if (rest.startsWith("@")) term["xml:lang"] = rest.slice(1);
    else if (rest.startsWith("^^")) term.datatype = rest.slice(3, -1);
    return term;
  }

  function parseNTriples(text) {
    const rows = [];
    for (const line of text.split("\n")) {
      if (!line.trim() || line.startsWith("#")) continue;
      const terms = [];
      NT_TERM.lastIndex = 0;
      let at = 0;
      for (let n = 0; n < 3; n++) {
        while (line[at] === " " || line[at] === "\t") at++;
        NT_TERM.lastIndex = at;
        const m = NT_TERM.exec(line);
        if (!m) break;
        terms.push(ntTerm(m[1]));
        at = NT_TERM.lastIndex;
      }
      if (terms.length === 3) rows.push({ subject: terms[0], predicate: terms[1], object: terms[2] });
    }
    return { kind: "graph", vars: ["subject", "predicate", "object"], rows };
  }

  // -- views ---------------------------------------------------------------------------------------
  const isDate = (t) => t && t.type === "literal" && (/^(date|dateTime|gYear|gYearMonth)$/.test((t.datatype || "").replace(XSD, "")) ||
                        (!t.datatype && /^\d{4}-\d{2}-\d{2}$/.test(t.value)));
  const POINT = /POINT\s*\(\s*(-?[\d.]+)\s+(-?[\d.]+)\s*\)/i;
  const isWkt = (t) => t && t.type === "literal" && (t.datatype === WKT || POINT.test(t.value)) && POINT.test(t.value);
  const isNode = (t) => t && (t.type === "uri" || t.type === "bnode");
  const isNumber = (t) => t && t.type === "literal" && /#(integer|decimal|double|float|int|long|nonNegativeInteger)$/.test(t.datatype || "");

  function columns(result) {
    const has = (test) => result.vars.filter((v) => result.rows.some((r) => test(r[v])));
    const lat = result.vars.find((v) => /^(lat|latitude)$/i.test(v));
    const lon = result.vars.find((v) => /^(lon|long|lng|longitude)$/i.test(v));
    return { wkt: has(isWkt), dates: has(isDate), nodes: has(isNode), lat, lon };
  }

  function available(result, cols) {
    const found = { Table: true };
    if (result.kind === "boolean") return found;
    if (cols.wkt.length || (cols.lat && cols.lon)) found.Map = true;
    if (cols.dates.length) found.Timeline = true;
    if (result.kind === "graph" || cols.nodes.length >= 2) found.Graph = true;
    return found;
  }

  function defaultView(query, found) {
    const m = /#\s*defaultView\s*:\s*(\w+)/i.exec(query);
    const wanted = m ? m[1][0].toUpperCase() + m[1].slice(1).toLowerCase() : "Table";
    return found[wanted] ? wanted : "Table";
  }

  // a row's label: the WDQS convention ?xLabel, else the first plain text column
  function labelOf(result, row, except) {
    const named = result.vars.find((v) => /Label$/.test(v) && row[v]);
    if (named) return row[named].value;
    for (const v of result.vars) {
      const t = row[v];
      if (t && t.type === "literal" && !except.includes(v) && !isDate(t) && !isWkt(t) && !isNumber(t)) return t.value;
    }
    for (const v of result.vars) if (isNode(row[v])) return shorten(row[v].value, state.prefixes);
    return "";
  }

  function cell(t) {
    if (!t) return "";
    if (t.type === "uri") return `<a href="${escape(href(t.value))}" title="${escape(t.value)}">${escape(shorten(t.value, state.prefixes))}</a>`;
    if (t.type === "bnode") return `<span class="muted">_:${escape(t.value)}</span>`;
    let out = escape(t.value);
    if (t["xml:lang"]) out += `<span class="lang">@${escape(t["xml:lang"])}</span>`;
    else if (t.datatype && t.datatype !== XSD + "string") out += `<span class="dt">^^${escape(shorten(t.datatype, state.prefixes))}</span>`;
    return out;
  }

  const state = { result: null, prefixes: {}, view: "Table", sort: null, filter: "", page: 0, network: null };

  function sortKey(t) {
    if (!t) return [2, ""];
    if (isNumber(t)) return [0, Number(t.value)];
    return [1, t.type === "uri" ? shorten(t.value, state.prefixes) : t.value];
  }

  function renderTable() {
    const result = state.result;
    if (result.kind === "boolean") {
      results.innerHTML = `<p class="answer">Answer: <b id="answer">${result.boolean}</b></p>`;
      return;
    }
    let rows = result.rows.map((r, n) => [r, n]);
    if (state.filter) {
      const needle = state.filter.toLowerCase();
      rows = rows.filter(([r]) => result.vars.some((v) => r[v] && (r[v].value.toLowerCase().includes(needle) ||
        (r[v].type === "uri" && shorten(r[v].value, state.prefixes).toLowerCase().includes(needle)))));
    }
    if (state.sort) {
      const [v, dir] = state.sort;
      rows.sort(([a, an], [b, bn]) => {
        const [ka, va] = sortKey(a[v]), [kb, vb] = sortKey(b[v]);
        const c = ka - kb || (typeof va === "number" && typeof vb === "number" ? va - vb : String(va).localeCompare(String(vb)));
        return (c || an - bn) * (c ? dir : 1);
      });
    }
    const pages = Math.max(1, Math.ceil(rows.length / PAGE));
    state.page = Math.min(state.page, pages - 1);
    const shown = rows.slice(state.page * PAGE, state.page * PAGE + PAGE);
    const head = "<tr>" + result.vars.map((v) => {
      const sort = state.sort && state.sort[0] === v ? (state.sort[1] > 0 ? "ascending" : "descending") : "none";
      return `<th data-var="${escape(v)}" aria-sort="${sort}" title="sort">${escape(v)}</th>`;
    }).join("") + "</tr>";
    const body = shown.map(([r]) => "<tr>" + result.vars.map((v) => `<td>${cell(r[v])}</td>`).join("") + "</tr>").join("");
    const first = rows.length ? state.page * PAGE + 1 : 0, last = state.page * PAGE + shown.length;
    results.innerHTML = `<div class="table-tools">
        <input id="filter" type="search" placeholder="filter rows" value="${escape(state.filter)}" aria-label="filter rows">
        <span id="row-range">rows ${first}–${last} of ${rows.length}${rows.length !== result.rows.length ? ` (filtered from ${result.rows.length})` : ""}</span>
        <button type="button" id="prev" ${state.page ? "" : "disabled"}>‹ previous</button>
        <button type="button" id="next" ${state.page < pages - 1 ? "" : "disabled"}>next ›</button></div>
      <div class="table-wrap"><table id="result-table" class="data"><thead>${head}</thead><tbody>${body}</tbody></table></div>`;
    const filter = $("filter");
    filter.addEventListener("input", () => {
      state.filter = filter.value; state.page = 0; renderTable();
      const again = $("filter"); again.focus(); again.setSelectionRange(again.value.length, again.value.length);
    });
    $("prev").addEventListener("click", () => { state.page--; renderTable(); });
    $("next").addEventListener("click", () => { state.page++; renderTable(); });
    for (const th of results.querySelectorAll("th")) {
      th.addEventListener("click", () => {
        const v = th.dataset.var;
        state.sort = state.sort && state.sort[0] === v ? [v, -state.sort[1]] : [v, 1];
        renderTable();
      });
    }
  }

  const { script, measurer, drawMap } = window.ConflictkgMap;

  async function renderMap() {
    const result = state.result, cols = columns(result);
    results.innerHTML = `<p class="muted">drawing the map…</p>`;
    const points = [];
    for (const row of result.rows) {
      let lon = null, lat = null;
      const wkt = cols.wkt.map((v) => row[v]).find(Boolean);
      if (wkt) { const m = POINT.exec(wkt.value); lon = Number(m[1]); lat = Number(m[2]); }
      else if (row[cols.lat] && row[cols.lon]) { lat = Number(row[cols.lat].value); lon = Number(row[cols.lon].value); }
      if (Number.isFinite(lon) && Number.isFinite(lat)) {
        const link = result.vars.map((v) => row[v]).find((t) => t && t.type === "uri");
        points.push({ lon, lat, label: labelOf(result, row, [...cols.wkt, cols.lat, cols.lon]), link: link && link.value });
      }
    }
    const drawn = await drawMap(points, { id: "map-view", href });
    results.innerHTML = drawn + `<p class="muted">${points.length} point${points.length === 1 ? "" : "s"}; borders and coastlines: Natural Earth 1:50m (world-atlas).</p>`;
  }

  function renderTimeline() {
    const result = state.result, cols = columns(result), dateVar = cols.dates[0];
    const items = result.rows.filter((r) => isDate(r[dateVar])).map((r) => {
      const link = result.vars.map((v) => r[v]).find((t) => t && t.type === "uri");
      return { date: r[dateVar].value, time: Date.parse(r[dateVar].value.slice(0, 10)), label: labelOf(result, r, [dateVar]), link: link && link.value };
    }).filter((i) => Number.isFinite(i.time)).sort((a, b) => a.time - b.time);
    const width = 1100, left = 20, right = 20, measure = measurer();
    const t0 = items.length ? items[0].time : 0, t1 = items.length ? items[items.length - 1].time : 1;
    const span = Math.max(t1 - t0, 86400000);
    const x = (t) => left + (t - t0) / span * (width - left - right);
    // lanes: each label goes right of its dot (left of it near the right edge), in the first lane
    // where it overlaps no other label
    const lanes = [];
    for (const item of items) {
      item.x = x(item.time);
      const w = measure(item.label) + 12;
      item.left = item.x + w > width - 4;
      const from = item.left ? item.x - w : item.x, to = item.left ? item.x : item.x + w;
      let lane = lanes.findIndex((used) => used.every(([a, b]) => to < a || from > b));
      if (lane < 0) { lane = lanes.length; lanes.push([]); }
      lanes[lane].push([from, to]);
      item.lane = lane;
    }
    const axisY = 30, laneH = 18, height = axisY + 20 + Math.max(1, lanes.length) * laneH;
    const ticks = [];
    const day = 86400000, stepDays = span / day > 400 ? 365 : span / day > 60 ? 30 : span / day > 14 ? 7 : 1;
    for (let t = t0; t <= t1 + 1; t += stepDays * day) ticks.push(t);
    const axis = `<line class="axis" x1="${left}" x2="${x(t1) + 4}" y1="${axisY}" y2="${axisY}"/>` + ticks.map((t) =>
      `<line class="axis" x1="${x(t)}" x2="${x(t)}" y1="${axisY - 4}" y2="${axisY}"/><text class="tick" x="${x(t)}" y="${axisY - 8}" text-anchor="middle">${new Date(t).toISOString().slice(0, stepDays >= 30 ? 7 : 10)}</text>`).join("");
    const marks = items.map((i) => {
      const y = axisY + 20 + i.lane * laneH;
      const text = `<text class="label" x="${(i.x + (i.left ? -6 : 6)).toFixed(1)}" y="${y + 4}"${i.left ? ' text-anchor="end"' : ""}>${escape(i.label)}</text>`;
      const mark = `<line class="stem" x1="${i.x}" x2="${i.x}" y1="${axisY}" y2="${y}"/><circle class="dot" cx="${i.x.toFixed(1)}" cy="${y}" r="4"><title>${escape(i.date)} ${escape(i.label)}</title></circle>${text}`;
      return i.link ? `<a href="${escape(href(i.link))}">${mark}</a>` : mark;
    }).join("");
    results.innerHTML = `<svg id="timeline-view" class="view timeline" viewBox="0 0 ${width} ${height}" role="img" aria-label="timeline of ${items.length} results">${axis}${marks}</svg>`;
  }

  async function renderGraph() {
    const result = state.result;
    results.innerHTML = `<div id="graph-view"></div><p class="muted" id="graph-note"></p>`;
    await script("/vendor/vis-network.js");
    const nodes = new Map(), edges = [];
    const node = (t) => {
      const id = (t.type === "literal" ? "literal:" : t.type + ":") + t.value;
      if (!nodes.has(id)) {
        nodes.set(id, { id, label: t.type === "uri" ? shorten(t.value, state.prefixes) : t.value, iri: t.type === "uri" ? t.value : null,
                        shape: t.type === "literal" ? "box" : "dot", size: 10, group: t.type });
      }
      return id;
    };
    if (result.kind === "graph") {
      const labels = new Map();
      for (const r of result.rows) if (/#label$/.test(r.predicate.value) && r.object.type === "literal") labels.set(r.subject.value, r.object.value);
      for (const r of result.rows) {
        if (r.object.type === "literal") continue;
        edges.push({ from: node(r.subject), to: node(r.object), label: shorten(r.predicate.value, state.prefixes) });
      }
      for (const n of nodes.values()) if (n.iri && labels.has(n.iri)) n.label = labels.get(n.iri);
    } else {
      // consecutive columns of IRIs (or, lacking two, the first two columns) are linked row by row
      const cols = columns(result);
      const plain = result.vars.filter((v) => !/Label$/.test(v) && result.rows.every((r) => !r[v] || (!isDate(r[v]) && !isWkt(r[v]) && !isNumber(r[v]))));
      const linked = cols.nodes.length >= 2 ? cols.nodes : plain.slice(0, 2);
      for (const r of result.rows) {
        for (let n = 0; n + 1 < linked.length; n++) {
          const a = r[linked[n]], b = r[linked[n + 1]];
          if (a && b) edges.push({ from: node(a), to: node(b), title: labelOf(result, r, linked) });
        }
        for (const v of linked) {  // ?xLabel names the node ?x
          if (r[v] && r[v + "Label"]) nodes.get(node(r[v])).label = r[v + "Label"].value;
        }
      }
    }
    const seen = new Set();
    const unique = edges.filter((e) => { const k = `${e.from}|${e.to}|${e.label}`; if (seen.has(k)) return false; seen.add(k); return true; });
    $("graph-note").textContent = `${nodes.size} nodes, ${unique.length} links; double-click a node to open its page.`;
    const network = new vis.Network($("graph-view"), { nodes: new vis.DataSet([...nodes.values()]), edges: new vis.DataSet(unique) }, {
      edges: { arrows: "to", font: { size: 10, align: "middle" }, color: { color: "#98a2b3" }, smooth: { type: "dynamic" } },
      nodes: { font: { size: 12 } },
      physics: { stabilization: { iterations: 200 }, barnesHut: { springLength: 120 } },
      interaction: { hover: true },
    });
    network.once("stabilizationIterationsDone", () => { network.setOptions({ physics: false }); $("graph-view").dataset.ready = "true"; });
    network.on("doubleClick", (e) => {
      const picked = e.nodes.length && nodes.get(e.nodes[0]);
      if (picked && picked.iri) location.href = href(picked.iri);
    });
    state.network = network;
  }

  async function show(view) {
    state.view = view;
    for (const b of views.querySelectorAll("button")) b.setAttribute("aria-selected", String(b.dataset.view === view));
    if (state.network) { state.network.destroy(); state.network = null; }
    try {
      if (view === "Map") await renderMap();
      else if (view === "Timeline") renderTimeline();
      else if (view === "Graph") await renderGraph();
      else renderTable();
      results.dataset.view = view;
    } catch (error) {
      results.innerHTML = `<p class="error">${escape(String(error.message || error))}</p>`;
    }
  }

  // -- running -------------------------------------------------------------------------------------
  function links(query, graph) {
    const formats = graph ? ["ttl", "nt", "jsonld", "rdfxml", "nq"] : ["json", "xml", "csv", "tsv"];
    downloads.innerHTML = "Download: " + formats.map((f) =>
      `<a href="/sparql?format=${f}&query=${encodeURIComponent(query)}" download>${f}</a>`).join("");
  }

  function shareLink(query) {
    const url = `${location.origin}/?query=${encodeURIComponent(query)}`;
    share.href = url;
    history.replaceState(null, "", url);
  }

  async function run() {
    closeCompletion();
    const query = bindParameters();
    status.textContent = "running…";
    downloads.innerHTML = "";  // links of an earlier answer would not be this query's
    views.hidden = true;
    delete results.dataset.view;
    const started = performance.now();
    try {
      const response = await fetch("/sparql", {
        method: "POST",
        headers: { "Content-Type": "application/x-www-form-urlencoded",
                   "Accept": "application/sparql-results+json, application/n-triples;q=0.9" },
        body: "query=" + encodeURIComponent(query),
      });
      const type = response.headers.get("Content-Type") || "";
      shareLink(query);
      if (!response.ok) {
        const problem = type.includes("json") ? await response.json() : { detail: await response.text() };
        results.innerHTML = `<p class="error">${escape(problem.title || "Error")}: ${escape(problem.detail || "")}</p>`;
        status.textContent = `HTTP ${response.status}`;
        errorAt = problem.line ? [problem.line, problem.column] : null;
        paint();
        return;
      }
      errorAt = null; paint();
      const graph = type.startsWith("application/n-triples");
      const result = graph ? parseNTriples(await response.text()) : await response.json();
      if (!graph) {
        result.kind = result.boolean !== undefined ? "boolean" : "solutions";
        if (result.kind === "solutions") { result.vars = result.head.vars; result.rows = result.results.bindings; }
      }
      Object.assign(state, { result, prefixes: queryPrefixes(query), sort: null, filter: "", page: 0 });
      const found = available(result, result.kind === "boolean" ? {} : columns(result));
    if (/#\s*defaultView\s*:\s*graph/i.test(query) && result.kind === "solutions" && result.vars.length >= 2) found.Graph = true;
      for (const b of views.querySelectorAll("button")) b.disabled = !found[b.dataset.view];
      views.hidden = result.kind === "boolean";
      const cap = response.headers.get("X-SPARQL-MaxRows");
      const cut = cap ? ` (cut at ${cap}: the server's limit; add a LIMIT or narrow the query)` : "";
      const ms = Math.round(performance.now() - started);
      const n = result.kind === "boolean" ? 0 : result.rows.length;
      const what = result.kind === "boolean" ? "answer" : graph ? `${n} triple${n === 1 ? "" : "s"}` : `${n} row${n === 1 ? "" : "s"}`;
      status.textContent = `${what} in ${ms} ms${cut}`;
      links(query, graph);
      await show(defaultView(query, found));
    } catch (error) {
      results.innerHTML = `<p class="error">${escape(String(error))}</p>`;
      status.textContent = "failed";
    }
  }

  // Rows from elsewhere (the facet bar's REST lists) in the same views, with their own downloads.
  async function showRows(result, note, formats) {
    Object.assign(state, { result, prefixes: Object.assign({}, config.prefixes), sort: null, filter: "", page: 0 });
    const found = available(result, columns(result));
    for (const b of views.querySelectorAll("button")) b.disabled = !found[b.dataset.view];
    views.hidden = false;
    status.textContent = note;
    downloads.innerHTML = "Download: " + formats.map(([f, url]) => `<a href="${escape(url)}" download>${escape(f)}</a>`).join("");
    await show("Table");
  }
  window.ConflictkgQuery = { showRows };

  // -- stored queries and their parameters ----------------------------------------------------------
  let actors = null;
  async function actorOptions() {
    if (!actors) {
      const response = await fetch("/api/actors");
      actors = response.ok ? (await response.json()).actors : [];
    }
    return actors;
  }

  async function showParameters(spec) {
    params.innerHTML = "";
    params.hidden = !spec.length;
    for (const p of spec) {
      const id = `param-${p.name}`;
      let input;
      if (p.kind === "actor") {
        input = `<select id="${id}" data-param="${escape(p.name)}" data-kind="actor">` +
          (await actorOptions()).map((a) => `<option value="${escape(a.iri)}">${escape(a.label)}</option>`).join("") + "</select>";
      } else {
        input = `<input id="${id}" data-param="${escape(p.name)}" data-kind="${escape(p.kind)}" type="${p.kind === "date" ? "date" : "text"}" required>`;
      }
      params.insertAdjacentHTML("beforeend", `<label for="${id}">?${escape(p.name)} — ${escape(p.description || p.kind)}</label>${input}`);
    }
  }

  const BOUND = "\n# bound by the form above\n";
  function bindParameters() {
    let text = editor.value;
    const inputs = [...params.querySelectorAll("[data-param]")];
    if (params.hidden || !inputs.length) return text;
    const at = text.indexOf(BOUND);
    if (at >= 0) text = text.slice(0, at);
    const values = inputs.map((i) => {
      const v = i.value.trim();
      if (i.dataset.kind === "actor" || i.dataset.kind === "iri") return `<${v.replace(/[<>"\s]/g, "")}>`;
      if (i.dataset.kind === "date") return `"${v}"^^<${XSD}date>`;
      return JSON.stringify(v);
    });
    if (inputs.some((i) => !i.value.trim())) return text;
    text += `${BOUND}VALUES (${inputs.map((i) => "?" + i.dataset.param).join(" ")}) { (${values.join(" ")}) }`;
    editor.value = text;
    paint();
    return text;
  }

  async function loadExamples() {
    try {
      const response = await fetch("/api/queries");
      if (!response.ok) return;
      for (const q of (await response.json()).queries) {
        const option = document.createElement("option");
        option.value = q.name;
        option.textContent = q.title;
        option.dataset.sparql = q.sparql.split("\n").filter((l) => !/^#\s*(title|param):/.test(l)).join("\n").trim();
        option.dataset.params = JSON.stringify(q.parameters);
        examples.appendChild(option);
      }
    } catch (error) { /* an endpoint without stored queries shows no examples */ }
  }

  // -- completion: prefixes, classes and properties from the store's terms and the ontology's labels --
  let terms = null;
  const TERMS = `PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX owl: <http://www.w3.org/2002/07/owl#>
SELECT ?term ?kind (SAMPLE(?l) AS ?label) WHERE {
  { { SELECT DISTINCT ?term WHERE { ?s ?term ?o } } BIND("property" AS ?kind) }
  UNION { { SELECT DISTINCT ?term WHERE { ?s a ?term } } BIND("class" AS ?kind) }
  UNION { ?term a owl:Class BIND("class" AS ?kind) }
  UNION { ?term a ?pt VALUES ?pt { owl:ObjectProperty owl:DatatypeProperty rdf:Property } BIND("property" AS ?kind) }
  OPTIONAL { ?term rdfs:label ?l FILTER(LANG(?l) = "en" || LANG(?l) = "") }
} GROUP BY ?term ?kind`;

  function loadTerms() {
    if (!terms) terms = fetchTerms();  // one request, whoever asks first; the others wait for it
    return terms;
  }

  async function fetchTerms() {
    const found = [];
    try {
      const response = await fetch("/sparql", {
        method: "POST", headers: { "Content-Type": "application/x-www-form-urlencoded", "Accept": "application/sparql-results+json" },
        body: "query=" + encodeURIComponent("PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>\n" + TERMS) });
      if (response.ok) {
        const seen = new Set();
        for (const b of (await response.json()).results.bindings) {
          const iri = b.term.value, key = iri + b.kind.value;
          if (b.term.type !== "uri" || seen.has(key)) continue;
          seen.add(key);
          found.push({ iri, kind: b.kind.value, label: b.label ? b.label.value : "" });
        }
      }
    } catch (error) { /* no completion then */ }
    return found;
  }

  let choices = [], chosen = 0, replaceFrom = 0;

  function caretXY() {
    const mirror = document.createElement("div");
    const style = getComputedStyle(editor);
    for (const p of ["font", "padding", "border", "whiteSpace", "wordWrap", "tabSize", "lineHeight", "letterSpacing"]) mirror.style[p] = style[p];
    Object.assign(mirror.style, { position: "absolute", visibility: "hidden", width: editor.clientWidth + "px", overflowWrap: "break-word" });
    mirror.textContent = editor.value.slice(0, editor.selectionStart);
    const marker = document.createElement("span");
    marker.textContent = "\u200b";
    mirror.appendChild(marker);
    editor.parentNode.appendChild(mirror);
    const at = { x: marker.offsetLeft, y: marker.offsetTop + marker.offsetHeight - editor.scrollTop };
    mirror.remove();
    return at;
  }

  function closeCompletion() { complete.hidden = true; choices = []; editor.setAttribute("aria-expanded", "false"); }

  async function suggest() {
    const before = editor.value.slice(0, editor.selectionStart);
    const prefixDecl = /PREFIX\s+([A-Za-z][\w-]*)?$/i.exec(before);
    const name = /(^|[\s{}().;,/|^*+?!=<>[\]])([A-Za-z][\w-]*)?:([\w.-]*)$/.exec(before);
    if (prefixDecl) {
      const typed = (prefixDecl[1] || "").toLowerCase();
      replaceFrom = before.length - typed.length;
      choices = Object.entries(config.prefixes).filter(([p]) => p.startsWith(typed))
        .map(([p, ns]) => ({ text: `${p}: <${ns}>`, shown: `${p}:`, what: ns }));
    } else if (name && !/<[^>]*$/.test(before) && !/#[^\n]*$/.test(before)) {
      const prefix = name[2] || "", local = name[3].toLowerCase();
      const prefixes = queryPrefixes(editor.value);
      const ns = prefixes[prefix];
      if (ns === undefined) { closeCompletion(); return; }
      const known = await loadTerms();
      if (editor.value.slice(0, editor.selectionStart) !== before) return;  // typed on: a later call answers
      replaceFrom = before.length - prefix.length - 1 - name[3].length;
      const found = known.filter((t) => t.iri.startsWith(ns) && /^[\w.-]*$/.test(t.iri.slice(ns.length)))
        .map((t) => ({ t, local: t.iri.slice(ns.length) }))
        .filter(({ t, local: l }) => l.toLowerCase().startsWith(local) || (local.length > 1 && t.label.toLowerCase().includes(local)))
        .sort((a, b) => (b.local.toLowerCase().startsWith(local) - a.local.toLowerCase().startsWith(local)) || a.local.localeCompare(b.local));
      choices = found.slice(0, 40).map(({ t, local: l }) => ({ text: `${prefix}:${l}`, shown: `${prefix}:${l}`, what: `${t.kind}${t.label ? " · " + t.label : ""}`, prefix }));
    } else { closeCompletion(); return; }
    if (!choices.length || (choices.length === 1 && editor.value.slice(replaceFrom, editor.selectionStart) === choices[0].text)) { closeCompletion(); return; }
    chosen = 0;
    renderCompletion();
  }

  function renderCompletion() {
    complete.innerHTML = choices.map((c, n) =>
      `<li role="option" id="complete-${n}" aria-selected="${n === chosen}" data-n="${n}"><span>${escape(c.shown)}</span><span class="what">${escape(c.what)}</span></li>`).join("");
    const at = caretXY();
    complete.style.left = Math.min(at.x, editor.clientWidth - 260) + "px";
    complete.style.top = (at.y + 4) + "px";
    complete.hidden = false;
    editor.setAttribute("aria-expanded", "true");
    editor.setAttribute("aria-activedescendant", `complete-${chosen}`);
    const current = complete.querySelector(`[data-n="${chosen}"]`);
    if (current) current.scrollIntoView({ block: "nearest" });
  }

  function accept(n) {
    const c = choices[n];
    if (!c) return;
    const end = editor.selectionStart;
    let text = editor.value.slice(0, replaceFrom) + c.text + editor.value.slice(end);
    let caret = replaceFrom + c.text.length;
    // a name whose prefix the query does not declare gets its PREFIX line, as QLever's editor does
    if (c.prefix !== undefined && !new RegExp(`PREFIX\\s+${c.prefix}:`, "i").test(text)) {
      const line = `PREFIX ${c.prefix}: <${config.prefixes[c.prefix]}>\n`;
      const at = (/^(#[^\n]*\n)*/.exec(text) || [""])[0].length;
      text = text.slice(0, at) + line + text.slice(at);
      caret += line.length;
    }
    editor.value = text;
    editor.setSelectionRange(caret, caret);
    closeCompletion();
    paint();
  }

  complete.addEventListener("mousedown", (e) => {
    const li = e.target.closest("li");
    if (li) { e.preventDefault(); accept(Number(li.dataset.n)); editor.focus(); }
  });

  // -- wiring --------------------------------------------------------------------------------------
  examples.addEventListener("change", async () => {
    const option = examples.selectedOptions[0];
    if (option && option.dataset.sparql) {
      editor.value = option.dataset.sparql; errorAt = null; paint();
      await showParameters(JSON.parse(option.dataset.params || "[]"));
    } else {
      await showParameters([]);
    }
  });
  views.addEventListener("click", (e) => {
    const button = e.target.closest("button[data-view]");
    if (button && !button.disabled && state.result) show(button.dataset.view);
  });
  editor.addEventListener("input", () => { errorAt = null; paint(); suggest(); });
  editor.addEventListener("scroll", () => { highlight.scrollTop = editor.scrollTop; if (!complete.hidden) renderCompletion(); });
  editor.addEventListener("blur", () => setTimeout(closeCompletion, 150));
  editor.addEventListener("focus", () => { loadTerms(); });
  editor.addEventListener("keydown", (e) => {
    if (e.key === "Enter" && (e.ctrlKey || e.metaKey)) { e.preventDefault(); run(); return; }
    if (!complete.hidden && choices.length) {
      if (e.key === "ArrowDown" || e.key === "ArrowUp") {
        e.preventDefault();
        chosen = (chosen + (e.key === "ArrowDown" ? 1 : choices.length - 1)) % choices.length;
        renderCompletion();
      } else if (e.key === "Enter" || e.key === "Tab") { e.preventDefault(); accept(chosen); }
      else if (e.key === "Escape") { e.preventDefault(); closeCompletion(); }
    } else if (e.key === " " && e.ctrlKey) { e.preventDefault(); suggest(); }
  });
  $("run").addEventListener("click", run);
  const shared = new URLSearchParams(location.search).get("query");
  if (shared) editor.value = shared;
  paint();
  loadExamples().then(() => { if (shared) run(); });
})();
