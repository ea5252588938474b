// The customer's signature: drawn with signature_pad (vendored), kept as strokes of timed
// points and as a PNG; the server hashes both into the signed document (R3.7).
export function mountPad(canvas) {
  const ratio = Math.max(window.devicePixelRatio || 1, 1);
  canvas.width = canvas.offsetWidth * ratio;
  canvas.height = canvas.offsetHeight * ratio;
  canvas.getContext("2d").scale(ratio, ratio);
  return new window.SignaturePad(canvas, {
    penColor: "#0b1f3a", backgroundColor: "rgb(255,255,255)", minWidth: 1, maxWidth: 3,
  });
}

const round = (n) => Math.round(n * 10) / 10;

export function strokes(pad) {
  return pad.toData().map((group) => group.points.map((p) => {
    const point = { x: round(p.x), y: round(p.y), t: Math.round(p.time) };
    if (typeof p.pressure === "number") point.pressure = Math.min(Math.max(p.pressure, 0), 1);
    return point;
  }));
}

export const pngBase64 = (pad) => pad.toDataURL("image/png").split(",", 2)[1];
