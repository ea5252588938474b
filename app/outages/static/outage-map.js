// Announced outages on the dispatcher's map (R8): red areas with name and times.
import { api, fmtTime, textTip } from "/desk/static/common.js";

const L = window.L;

export async function drawOutages(map, layer = L.layerGroup().addTo(map)) {
  const outages = await api("/api/outages").catch(() => []);
  layer.clearLayers();
  for (const o of outages) {
    L.geoJSON(o.area, {
      style: { color: "#c62828", weight: 2, dashArray: "6 4", fillOpacity: 0.18 },
      className: "outage-area",
    })
      .bindTooltip(
        textTip(`停水:${o.area_name} ${fmtTime(o.start_at)} 至 ${fmtTime(o.expected_end_at)}`),
        { sticky: true },
      )
      .addTo(layer);
  }
  return layer;
}
