// Position from the Geolocation API: fresh for arrival, the last known fix for other steps.
let last = null;

function read(options) {
  return new Promise((resolve, reject) => {
    if (!navigator.geolocation) {
      reject(new Error("此设备不支持定位"));
      return;
    }
    navigator.geolocation.getCurrentPosition((pos) => {
      last = {
        position: { lat: pos.coords.latitude, lon: pos.coords.longitude },
        accuracy_m: Math.round(pos.coords.accuracy * 10) / 10,
        at: pos.timestamp,
      };
      resolve(last);
    }, (err) => reject(new Error(MESSAGES[err.code] || err.message)), options);
  });
}

const MESSAGES = {
  1: "未获定位权限,请在浏览器设置中允许定位",
  2: "无法获取位置,请到开阔处重试",
  3: "定位超时,请重试",
};

// A fresh, accurate fix: arrival is judged by it (R3.5).
export const fresh = () => read({ enableHighAccuracy: true, timeout: 20000, maximumAge: 0 });

// The position for a step when one is at hand quickly; a step never waits long for it.
export async function current() {
  if (last && Date.now() - last.at < 60000) return last;
  try {
    return await Promise.race([
      read({ enableHighAccuracy: true, timeout: 2500, maximumAge: 120000 }),
      new Promise((resolve) => setTimeout(() => resolve(last), 3000)),
    ]);
  } catch {
    return last;
  }
}

// The step body's position fields, when a position is known.
export async function stamp(body = {}) {
  const fix = await current();
  return fix ? { ...body, position: fix.position, accuracy_m: fix.accuracy_m } : body;
}
