#!/usr/bin/env bash
# Refresh app/static/vendor/ from the npm packages pinned in package.json / package-lock.json.
# The copies are committed: running or testing Tapline needs no Node.js, only refreshing does.
set -euo pipefail
cd "$(dirname "$0")/.."
npm ci --no-audit --no-fund --silent
out=app/static/vendor
rm -rf "$out"
mkdir -p "$out/leaflet/images" "$out/signature_pad" "$out/swagger-ui" "$out/gcoord" \
  "$out/leaflet.markercluster" "$out/echarts"

cp node_modules/leaflet/dist/leaflet.js node_modules/leaflet/dist/leaflet.css "$out/leaflet/"
cp node_modules/leaflet/dist/images/*.png "$out/leaflet/images/"
cp node_modules/leaflet/LICENSE "$out/leaflet/LICENSE"

# gcoord: WGS-84 <-> GCJ-02 (高德, 腾讯) <-> BD-09 (百度) for the phone's navigation links.
cp node_modules/gcoord/dist/gcoord.esm-browser.prod.js node_modules/gcoord/LICENSE "$out/gcoord/"

# Clusters the console's technician and order markers instead of piling their labels.
cp node_modules/leaflet.markercluster/dist/leaflet.markercluster.js \
  node_modules/leaflet.markercluster/dist/MarkerCluster.css \
  node_modules/leaflet.markercluster/dist/MarkerCluster.Default.css \
  node_modules/leaflet.markercluster/MIT-LICENCE.txt "$out/leaflet.markercluster/"

cp node_modules/signature_pad/dist/signature_pad.umd.min.js "$out/signature_pad/"
cp node_modules/signature_pad/LICENSE "$out/signature_pad/LICENSE"

for f in swagger-ui-bundle.js swagger-ui-standalone-preset.js swagger-ui.css LICENSE NOTICE; do
  cp "node_modules/swagger-ui-dist/$f" "$out/swagger-ui/"
done

# ECharts as one ES module (.js so that every server sends it as JavaScript).
cp node_modules/echarts/dist/echarts.esm.min.mjs "$out/echarts/echarts.esm.min.js"
cp node_modules/echarts/LICENSE node_modules/echarts/NOTICE "$out/echarts/"

node -e '
const lock = require("./package-lock.json");
for (const [path, meta] of Object.entries(lock.packages)) {
  if (path) console.log(`${path.replace("node_modules/", "")} ${meta.version}`);
}' > "$out/VERSIONS"
echo "vendored into $out:"; cat "$out/VERSIONS"
