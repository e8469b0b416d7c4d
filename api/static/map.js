/* Maps drawn offline: points on Natural Earth's borders and coastlines (world-atlas, TopoJSON),
   projected by d3-geo, as SVG; labels placed where they collide with nothing. The query page's Map
   view uses it, and a resource page draws any element with data-points="[[lon, lat], …]". */
(function () {
  "use strict";
  const escape = (t) => String(t).replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");

  const loaded = {};
  function script(src) {
    if (!loaded[src]) {
      loaded[src] = new Promise((resolve, reject) => {
        const tag = document.createElement("script");
        tag.src = src; tag.onload = resolve;
        tag.onerror = () => reject(new Error(`${src} is not installed: run make install`));
        document.head.appendChild(tag);
      });
    }
    return loaded[src];
  }
  let world = null;
  async function libraries() {
    await script("/vendor/d3-array.js");
    await script("/vendor/d3-geo.js");
    await script("/vendor/topojson-client.js");
    if (!world) {
      const response = await fetch("/vendor/countries.json");
      if (!response.ok) throw new Error("the map's borders are not installed: run make install");
      world = await response.json();
    }
    return world;
  }

  // labels placed left to right, each where it overlaps no other label, no point and no edge of the
  // drawing (else left out, and kept as the point's tooltip)
  function placeLabels(items, measure, width, height) {
    const boxes = [];
    const overlaps = (b) => boxes.some((o) => b.x < o.x + o.w && o.x < b.x + b.w && b.y < o.y + o.h && o.y < b.y + b.h);
    const covers = (b) => items.some((o) => o.x > b.x - 5 && o.x < b.x + b.w + 5 && o.y > b.y - 5 && o.y < b.y + b.h + 5);
    for (const item of items) {
      const w = measure(item.label), h = 12;
      const tries = [[item.x + 8, item.y + 4], [item.x - 8 - w, item.y + 4], [item.x - w / 2, item.y - 9],
                     [item.x - w / 2, item.y + 19], [item.x + 8, item.y - 8], [item.x + 8, item.y + 16]];
      item.placed = null;
      if (items.some((o) => o !== item && o.placed && o.label === item.label && Math.hypot(o.x - item.x, o.y - item.y) < 40)) continue;
      for (const [x, y] of tries) {
        const box = { x, y: y - h + 2, w, h };
        if (x < 4 || x + w > width - 4 || box.y < 4 || y > height - 4) continue;
        if (!overlaps(box) && !covers(box)) { boxes.push(box); item.placed = [x, y]; break; }
      }
    }
  }

  function measurer() {
    const context = document.createElement("canvas").getContext("2d");
    context.font = "11px system-ui, sans-serif";
    return (text) => context.measureText(text).width;
  }

  /* The SVG of points [{lon, lat, label, link}] on the countries around them (at least
     2 × options.around degrees across, 8 by default, so one point still shows its region). */
  async function drawMap(points, options) {
    const atlas = await libraries();
    const width = options.width || 960, height = options.height || 540, href = options.href || ((iri) => iri);
    const countries = topojson.feature(atlas, atlas.objects.countries);
    const borders = topojson.mesh(atlas, atlas.objects.countries, (a, b) => a !== b);
    const coast = topojson.mesh(atlas, atlas.objects.countries, (a, b) => a === b);
    const lons = points.map((p) => p.lon), lats = points.map((p) => p.lat);
    const mid = (a) => (Math.min(...a) + Math.max(...a)) / 2, half = (a) => Math.max(options.around || 4, (Math.max(...a) - Math.min(...a)) / 2 * 1.25);
    const extent = points.length ? { type: "MultiPoint", coordinates: [
      [mid(lons) - half(lons), mid(lats) - half(lats)], [mid(lons) + half(lons), mid(lats) + half(lats)]] } : { type: "Sphere" };
    const projection = d3.geoNaturalEarth1().fitExtent([[20, 20], [width - 20, height - 20]], extent);
    const path = d3.geoPath(projection);
    for (const p of points) [p.x, p.y] = projection([p.lon, p.lat]);
    placeLabels(points.slice().sort((a, b) => a.x - b.x), measurer(), width, height);
    const shapes = countries.features.map((f) => `<path class="country" d="${path(f) || ""}"><title>${escape(f.properties.name || "")}</title></path>`).join("");
    const dots = points.map((p) => {
      const dot = `<circle class="point" cx="${p.x.toFixed(1)}" cy="${p.y.toFixed(1)}" r="5"><title>${escape(p.label)}</title></circle>`;
      return p.link ? `<a href="${escape(href(p.link))}">${dot}</a>` : dot;
    }).join("");
    const labels = points.filter((p) => p.placed).map((p) =>
      `<text class="label" x="${p.placed[0].toFixed(1)}" y="${p.placed[1].toFixed(1)}">${escape(p.label)}</text>`).join("");
    return `<svg id="${escape(options.id)}" class="view map" viewBox="0 0 ${width} ${height}" role="img" aria-label="map of ${points.length} points">
      <rect width="${width}" height="${height}" fill="#dfeaf5"/>${shapes}
      <path class="border" d="${path(borders)}"/><path class="coast" d="${path(coast)}"/>${dots}${labels}</svg>`;
  }

  window.ConflictkgMap = { script, measurer, drawMap };

  document.addEventListener("DOMContentLoaded", async () => {
    for (const host of document.querySelectorAll("[data-points]")) {
      const points = JSON.parse(host.dataset.points).map(([lon, lat]) => ({ lon, lat, label: host.dataset.label || "" }));
      try {
        host.innerHTML = await drawMap(points, { id: host.id + "-svg", width: 640, height: 400, around: 12 });
      } catch (error) {
        host.textContent = String(error.message || error);
      }
    }
  });
})();
