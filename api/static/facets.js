/* The facet bar: how many strikes (or accusations) there are by month, year, country, perpetrator,
   type… as the /api/…/facets routes count them, each count a link that narrows the list to it (the
   list route's own filter), the narrowed list shown in the page's result views. A perpetrator's
   count is always shown with its attribution (reported, alleged, claimed…), never as plain fact. */
(function () {
  "use strict";
  const $ = (id) => document.getElementById(id);
  const panel = $("facets"), groups = $("facet-groups"), chips = $("facet-filters"), clear = $("facet-clear");
  const listLink = $("facet-list"), status = $("status");
  const XSD = "http://www.w3.org/2001/XMLSchema#";
  const escape = (t) => String(t).replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");

  // What each facet counts by, and the list route's parameters a count narrows by.
  const lastDay = (year, month) => new Date(Date.UTC(year, month, 0)).getUTCDate();
  const byDate = {
    month: (v) => ({ from: `${v}-01`, to: `${v}-${String(lastDay(+v.slice(0, 4), +v.slice(5, 7))).padStart(2, "0")}` }),
    year: (v) => ({ from: `${v}-01-01`, to: `${v}-12-31` }),
  };
  const KINDS = {
    strikes: { facets: ["month", "year", "country", "perpetrator", "type"],
               narrow: { ...byDate, country: (v) => ({ country: v }), perpetrator: (v) => ({ perpetrator: v }), type: (v) => ({ type: v }) } },
    accusations: { facets: ["month", "year", "accuser", "accused", "status"],
                   narrow: { ...byDate, accuser: (v) => ({ accuser: v }), accused: (v) => ({ accused: v }) } },
  };
  // Why a count has no link: the list route has no filter that selects exactly those.
  const NO_FILTER = { status: "the list route has no status filter", undated: "no date filter selects the undated ones" };

  const facetState = { of: "strikes", chosen: [] };  // chosen: [{by, text, params}], one per facet

  const params = () => Object.assign({}, ...facetState.chosen.map((c) => c.params));
  const query = (extra) => new URLSearchParams({ ...params(), ...extra }).toString();

  function attribution(f) {
    return f.attribution ? ` <span class="badge ${escape(f.attribution)}" data-attribution="${escape(f.attribution)}">${escape(f.attribution)}</span>` : "";
  }

  function item(of, by, f) {
    const text = f.label || (f.value === null ? "undated" : f.value);
    const narrow = f.value !== null && KINDS[of].narrow[by];
    const count = `<span class="count">${f.count}</span>`;
    if (!narrow) {
      const why = f.value === null ? NO_FILTER.undated : NO_FILTER[by] || "";
      return `<li data-value="${escape(f.value ?? "")}"><span class="facet-value" title="${escape(why)}">${escape(text)}</span>${attribution(f)} ${count}</li>`;
    }
    const narrowed = { ...params(), ...narrow(f.value) };
    const href = `/api/${of}?${new URLSearchParams(narrowed)}`;
    return `<li data-value="${escape(f.value)}"><a href="${escape(href)}" data-by="${escape(by)}" data-text="${escape(text)}"
      data-params="${escape(JSON.stringify(narrow(f.value)))}">${escape(text)}</a>${attribution(f)} ${count}</li>`;
  }

  async function json(url) {
    const response = await fetch(url, { headers: { Accept: "application/json" } });
    const body = await response.json();
    if (!response.ok) throw new Error(`${body.title || response.status}: ${body.detail || ""}`);
    return body;
  }

  async function loadFacets() {
    const of = facetState.of;
    groups.dataset.state = "loading";
    try {
      const answers = await Promise.all(KINDS[of].facets.map((by) => json(`/api/${of}/facets?${query({ by })}`)));
      if (of !== facetState.of) return;  // switched meanwhile: the later call draws
      groups.innerHTML = answers.map((a) => `<section class="facet" data-by="${escape(a.by)}"><h3>${escape(a.by)}</h3>
        <ul>${a.facets.map((f) => item(of, a.by, f)).join("") || `<li class="muted">none</li>`}</ul></section>`).join("");
      groups.dataset.state = "ready";
    } catch (error) {
      groups.innerHTML = `<p class="error">${escape(error.message || error)}</p>`;
      groups.dataset.state = "failed";
    }
  }

  function drawChips() {
    chips.innerHTML = facetState.chosen.map((c, n) =>
      `<span class="chip" data-by="${escape(c.by)}">${escape(c.by)}: ${escape(c.text)} <button type="button" data-n="${n}" aria-label="remove ${escape(c.by)} filter">×</button></span>`).join("");
    clear.hidden = !facetState.chosen.length;
    listLink.href = `/api/${facetState.of}?${query({})}`;
    listLink.textContent = `/api/${facetState.of}${facetState.chosen.length ? "?" + query({}) : ""}`;
  }

  // -- the narrowed list in the page's views -----------------------------------------------------
  const uri = (e) => e && { type: "uri", value: e.iri };
  const text = (v) => (v === null || v === undefined || v === "" ? undefined : { type: "literal", value: String(v) });
  const date = (v) => v && { type: "literal", value: v, datatype: XSD + "date" };
  function attributed(p) {
    if (p.attribution === "reported") return p.label;
    if (p.attribution === "external") return `${p.label} (external: not in the source)`;
    const by = (p.attributed_by || []).map((b) => b.label).join(" and ");
    return `${p.label} (${p.attribution}${by ? " by " + by : ""})`;
  }
  const ROWS = {
    strikes: { vars: ["strike", "date", "label", "perpetrators", "country", "target", "types", "fatalities"],
               row: (s) => ({ strike: uri(s), date: date(s.date), label: text(s.label),
                              perpetrators: text(s.perpetrators.map(attributed).join("; ")),
                              country: text(s.country && s.country.label), target: text((s.target || s.location || {}).label),
                              types: text(s.types.join(", ")),
                              fatalities: s.fatalities === null ? undefined : { type: "literal", value: String(s.fatalities), datatype: XSD + "integer" } }) },
    accusations: { vars: ["accusation", "date", "label", "accuser", "accused", "status"],
                   row: (a) => ({ accusation: uri(a), date: date(a.date), label: text(a.label), accuser: text(a.accuser.label),
                                  accused: text(a.accused.label), status: text(a.status) }) },
  };

  async function runList() {
    const of = facetState.of, started = performance.now();
    status.textContent = "listing…";
    try {
      const answer = await json(`/api/${of}?${query({ limit: 10000 })}`);
      if (of !== facetState.of) return;
      const shape = ROWS[of];
      const rows = answer[of].map((r) => Object.fromEntries(Object.entries(shape.row(r)).filter(([, t]) => t)));
      const more = answer.next ? " (the first 10,000: narrow further, or page the list route)" : "";
      window.ConflictkgQuery.showRows({ kind: "solutions", vars: shape.vars, rows },
        `${rows.length} ${of} from /api/${of}${facetState.chosen.length ? "?" + query({}) : ""} in ${Math.round(performance.now() - started)} ms${more}`,
        ["json", "csv", ...(of === "strikes" ? ["geojson"] : [])].map((f) => [f, `/api/${of}?${query({ format: f })}`]));
    } catch (error) {
      status.textContent = String(error.message || error);
    }
  }

  function remember() {
    const url = `${location.origin}/?${new URLSearchParams({ facets: facetState.of, ...params() })}`;
    history.replaceState(null, "", url);
  }

  async function update(list) {
    drawChips();
    remember();
    await Promise.all([loadFacets(), list ? runList() : null]);
  }

  // -- wiring --------------------------------------------------------------------------------------
  groups.addEventListener("click", (e) => {
    const link = e.target.closest("a[data-params]");
    if (!link || e.ctrlKey || e.metaKey || e.shiftKey || e.button) return;  // a new tab gets the route's JSON
    e.preventDefault();
    const by = link.dataset.by, narrowed = JSON.parse(link.dataset.params);
    // a date narrows the dates: a month replaces a year chosen before, and the other way round
    const keys = Object.keys(narrowed);
    facetState.chosen = facetState.chosen.filter((c) => c.by !== by && !Object.keys(c.params).some((k) => keys.includes(k)));
    facetState.chosen.push({ by, text: link.dataset.text, params: narrowed });
    update(true);
  });
  chips.addEventListener("click", (e) => {
    const button = e.target.closest("button[data-n]");
    if (!button) return;
    facetState.chosen.splice(Number(button.dataset.n), 1);
    update(true);
  });
  clear.addEventListener("click", () => { facetState.chosen = []; update(true); });
  for (const radio of panel.querySelectorAll("input[name=facet-of]")) {
    radio.addEventListener("change", () => { facetState.of = radio.value; facetState.chosen = []; update(false); });
  }
  panel.addEventListener("toggle", () => { if (panel.open && !groups.dataset.state) update(false); });

  // /?facets=strikes&country=iraq opens the bar so narrowed, and lists what it selects
  const shared = new URLSearchParams(location.search);
  if (KINDS[shared.get("facets")]) {
    facetState.of = shared.get("facets");
    panel.querySelector(`input[value=${facetState.of}]`).checked = true;
    const given = [...shared.entries()].filter(([k]) => k !== "facets");
    const dates = Object.fromEntries(given.filter(([k]) => k === "from" || k === "to"));
    if (Object.keys(dates).length) facetState.chosen.push({ by: "dates", text: `${dates.from || "…"} to ${dates.to || "…"}`, params: dates });
    for (const [k, v] of given) if (k !== "from" && k !== "to") facetState.chosen.push({ by: k, text: v, params: { [k]: v } });
    panel.open = true;  // its toggle event loads the counts
    if (facetState.chosen.length) runList();
  }
})();
