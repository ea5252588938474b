// Leaflet maps drawn from our GeoJSON (WGS-84): the zones with their names and the outline of
// the area served, which is all a map needs when no tile server is configured. With
// MAP_TILE_URL a tile layer goes under them; the URL may use {s} (MAP_TILE_SUBDOMAINS) and
// {tk} (TIANDITU_KEY), as 天地图's WMTS does. Tiles must be WGS-84/CGCS2000 like our data
// (天地图, OpenStreetMap): GCJ-02 (高德, 腾讯) or BD-09 (百度) tiles would sit ~500 m off.
import { api, textTip } from "./common.js";

const L = window.L;
const CENTRE = [36.77, 121.16];
const PALETTE = ["#1f77b4", "#2ca02c", "#9467bd", "#8c564b", "#e377c2", "#17becf", "#bcbd22", "#7f7f7f"];

export function createMap(element) {
  const { tileUrl, tileLabelUrl, tileSubdomains, tileKey } = document.body.dataset;
  const map = L.map(element, { attributionControl: Boolean(tileUrl), keyboard: true, maxZoom: 18 })
    .setView(CENTRE, 12);
  const options = { maxZoom: 18, tk: tileKey || "", subdomains: tileSubdomains || "abc" };
  if (tileUrl) L.tileLayer(tileUrl, options).addTo(map);
  if (tileUrl && tileLabelUrl) L.tileLayer(tileLabelUrl, options).addTo(map);
  if (!tileUrl) element.classList.add("no-tiles");
  return map;
}

export async function drawZones(map) {
  const [zones, area] = await Promise.all([api("/api/map/zones"), api("/api/map/service-area")]);
  const layer = L.geoJSON(zones, {
    style: (f) => ({ color: PALETTE[f.id % PALETTE.length], weight: 1.5, fillOpacity: 0.12 }),
    onEachFeature: (f, l) => l.bindTooltip(textTip(`${f.properties.name}`),
      { permanent: true, direction: "center", className: "zone-label" }),
  }).addTo(map);
  L.geoJSON(area, { style: { color: "#0b3d6b", weight: 3, fill: false, dashArray: "8 5" },
    interactive: false }).addTo(map);
  // The area served, and any point the caller adds (orders outside every zone) so that
  // nothing the dispatcher must see lies off the edge.
  let extra = [];
  const fit = (points = extra) => {
    extra = points;
    const bounds = L.latLngBounds([]);
    if (layer.getBounds().isValid()) bounds.extend(layer.getBounds());
    extra.forEach((point) => bounds.extend(point));
    // Room on the right for the labels of points at the edge ("片区外 WO…"). Not animated:
    // Leaflet drops a new view asked for while a zoom animation runs, so the fit with the
    // orders outside every zone, coming a moment after the first, was lost now and then.
    if (bounds.isValid()) {
      map.fitBounds(bounds, { paddingTopLeft: [24, 24], paddingBottomRight: [170, 24], animate: false });
    }
  };
  map.invalidateSize();
  fit();
  map.fitArea = fit;
  // The map's box changes with the window (1366 -> 1920 wide): keep the whole area in view.
  new ResizeObserver(() => { map.invalidateSize(); fit(); }).observe(map.getContainer());
  return layer;
}

export const SLA_COLOURS = { on_track: "#2e7d32", at_risk: "#ef6c00", breached: "#c62828" };
