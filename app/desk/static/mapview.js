// Leaflet maps drawn from our GeoJSON; tiles only when MAP_TILE_URL is configured.
import { api } from "./common.js";

const L = window.L;
const CENTRE = [36.77, 121.16];
const PALETTE = ["#1f77b4", "#2ca02c", "#9467bd", "#8c564b", "#e377c2", "#17becf", "#bcbd22", "#7f7f7f"];

export function createMap(element) {
  const tileUrl = document.body.dataset.tileUrl;
  const map = L.map(element, { attributionControl: Boolean(tileUrl), keyboard: true })
    .setView(CENTRE, 12);
  if (tileUrl) L.tileLayer(tileUrl, { maxZoom: 19 }).addTo(map);
  return map;
}

export async function drawZones(map) {
  const zones = await api("/api/map/zones");
  const layer = L.geoJSON(zones, {
    style: (f) => ({ color: PALETTE[f.id % PALETTE.length], weight: 1.5, fillOpacity: 0.12 }),
    onEachFeature: (f, l) => l.bindTooltip(`${f.properties.name} · ${f.properties.team_name}`,
      { sticky: true }),
  }).addTo(map);
  if (layer.getBounds().isValid()) map.fitBounds(layer.getBounds(), { padding: [8, 8] });
  return layer;
}

export const SLA_COLOURS = { on_track: "#2e7d32", at_risk: "#ef6c00", breached: "#c62828" };
