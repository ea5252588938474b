// A link that opens the phone's map app at the order's address. The database and the phone's
// GPS speak WGS-84; 高德 and 腾讯 expect GCJ-02 and 百度 BD-09, so the point is converted by
// gcoord (vendored from npm) rather than by hand-written constants. Which app: NAV_MAP_APP.
import gcoord from "/static/vendor/gcoord/gcoord.esm-browser.prod.js";

const APPS = {
  amap: { name: "高德地图", crs: gcoord.GCJ02,
    url: ([lon, lat], title) => "https://uri.amap.com/navigation?"
      + `to=${lon},${lat},${encodeURIComponent(title)}&mode=car&coordinate=gaode&callnative=1&src=tapline` },
  tencent: { name: "腾讯地图", crs: gcoord.GCJ02,
    url: ([lon, lat], title) => "https://apis.map.qq.com/uri/v1/routeplan?type=drive"
      + `&to=${encodeURIComponent(title)}&tocoord=${lat},${lon}&referer=tapline` },
  baidu: { name: "百度地图", crs: gcoord.BD09,
    url: ([lon, lat], title) => "https://api.map.baidu.com/direction?"
      + `destination=latlng:${lat},${lon}|name:${encodeURIComponent(title)}`
      + "&coord_type=bd09ll&mode=driving&output=html&src=webapp.tapline" },
  // geo: URIs (RFC 5870) are WGS-84; the phone picks its own maps app.
  system: { name: "手机地图", crs: gcoord.WGS84,
    url: ([lon, lat], title) => `geo:${lat},${lon}?q=${lat},${lon}(${encodeURIComponent(title)})` },
};

// The point for `app`, in that app's coordinate system, rounded to about a metre.
export function pointFor(app, { lon, lat }) {
  const target = (APPS[app] || APPS.system).crs;
  const [x, y] = target === gcoord.WGS84 ? [lon, lat] : gcoord.transform([lon, lat], gcoord.WGS84, target);
  return [Number(x.toFixed(6)), Number(y.toFixed(6))];
}

export function navigationLink(app, location, title) {
  const chosen = APPS[app] ? app : "system";
  return { href: APPS[chosen].url(pointFor(chosen, location), title), name: APPS[chosen].name };
}
