// Drawing: probability bar lists (DOM), dropout mask grids, activation bars and loss curves
// (canvas). Nothing here computes model quantities; it draws what it is given.

/** Okabe–Ito colours (safe for the common colour-vision deficiencies), plus greys. */
export const COLORS = Object.freeze({
  blue: '#0072B2',
  orange: '#E69F00',
  vermillion: '#D55E00',
  sky: '#56B4E9',
  grey: '#9a9a9a',
  ink: '#1a1a1a',
  faint: '#e3edf6', // a kept mask cell
  dark: '#141414', // a dropped mask cell
  axis: '#6b6b6b',
  masked: '#c8c8c8', // a causally masked attention weight (not live)
  chance: '#8a5a00', // the chance line of a loss chart
});

const MAX_CELL = 9; // px: mask cells grow with the width up to this size
const HEAD_GAP = 2; // cells between the heads of an attention mask

/**
 * Sizes a canvas's bitmap to its CSS width (100% of its box) at the device pixel ratio, sets its
 * CSS height, and returns a cleared 2D context in CSS pixels.
 * @param {HTMLCanvasElement} canvas
 * @param {number} cssHeight px
 * @returns {{ctx: CanvasRenderingContext2D, width: number, height: number}}
 */
export function prepareCanvas(canvas, cssHeight) {
  const dpr = window.devicePixelRatio || 1;
  const width = Math.max(1, cssWidth(canvas));
  canvas.style.height = `${cssHeight}px`;
  const w = Math.round(width * dpr);
  const h = Math.round(cssHeight * dpr);
  if (canvas.width !== w) canvas.width = w;
  if (canvas.height !== h) canvas.height = h;
  const ctx = canvas.getContext('2d');
  ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
  ctx.clearRect(0, 0, width, cssHeight);
  return { ctx, width, height: cssHeight };
}

// Canvas widths as the last layout left them. Reading clientWidth right after a text change
// forces a layout of the whole page; with seven mask grids redrawn per training step that was
// most of a frame, so widths come from a ResizeObserver instead (the page redraws on resize).
const widths = new WeakMap();
let widthChanges = 0;
let widthObserver = null; // made on first use, so the module also loads where there is no layout

function observeWidth(canvas) {
  widthObserver ??= new ResizeObserver((entries) => {
    for (const entry of entries) widths.set(entry.target, entry.contentRect.width);
    widthChanges += 1;
  });
  widthObserver.observe(canvas);
}

/**
 * Stops watching the canvases under `root` (a demo that closes), so the page's one observer
 * keeps no removed canvas alive.
 * @param {ParentNode} root
 */
export function forgetCanvases(root) {
  if (!widthObserver) return;
  for (const canvas of root.querySelectorAll('canvas')) widthObserver.unobserve(canvas);
}

/** @returns {number} a count that grows whenever an observed canvas changes width */
export function canvasWidthVersion() {
  return widthChanges;
}

/**
 * A canvas's CSS width: the observed one, or (the first time) read from the layout.
 * @param {HTMLCanvasElement} canvas
 * @returns {number}
 */
function cssWidth(canvas) {
  let width = widths.get(canvas);
  if (width === undefined) {
    width = canvas.clientWidth;
    widths.set(canvas, width);
    observeWidth(canvas);
  }
  return width || canvas.parentElement?.clientWidth || 300;
}

/**
 * One row of a probability bar list.
 * @typedef {object} BarRow
 * @property {number} index token id
 * @property {string} label the token as shown ("␣" for space)
 * @property {number} original probability before the cut (softmax of logits / T)
 * @property {number} shown probability after the cut (renormalised; 0 when cut)
 * @property {boolean} kept
 * @property {boolean} [sampled] drawn by the last Sample / Generate
 * @property {string} description the row's text alternative
 * @property {string} [value] the value as written (default: the probability it can be drawn with)
 */

/**
 * Renders a sorted probability list. A kept row is one bar at its renormalised probability: its
 * solid part is the probability before the cut, and the lighter part beyond it is what the
 * renormalisation added, so dragging the cut shows the survivors growing past their old size. A
 * cut row is a grey bar of its probability before the cut (its value reads 0%). A cut line sits
 * between the two groups.
 * @param {HTMLOListElement} list
 * @param {BarRow[]} rows sorted from most to least likely
 * @param {string} cutText label of the cut line ('' for none)
 * @param {(p: number) => string} formatValue writes a probability
 */
export function renderBars(list, rows, cutText, formatValue) {
  const scale = Math.max(1e-9, ...rows.map((r) => Math.max(r.shown, r.original)));
  const width = (p) => `${(100 * p / scale).toFixed(2)}%`;
  const items = [];
  let cutDrawn = false;
  for (const row of rows) {
    if (!row.kept && !cutDrawn && cutText) {
      // An item of the list like the bars (a list holds list items only), read where the cut is.
      const cut = document.createElement('li');
      cut.className = 'cutline';
      cut.textContent = cutText;
      items.push(cut);
      cutDrawn = true;
    }
    const li = document.createElement('li');
    li.className = row.kept ? 'kept' : 'cut';
    if (row.sampled) li.classList.add('sampled');
    li.dataset.index = String(row.index);
    li.dataset.prob = String(row.kept ? row.shown : 0);
    li.dataset.original = String(row.original);
    li.setAttribute('aria-label', row.description);

    const tok = document.createElement('span');
    tok.className = 'tok';
    tok.textContent = row.label;
    const track = document.createElement('span');
    track.className = 'track';
    if (row.kept) {
      // The whole bar (after the cut) first, its part from before the cut drawn over it.
      const fill = document.createElement('span');
      fill.className = 'fill';
      fill.style.width = width(row.shown);
      track.append(fill);
    }
    const ghost = document.createElement('span');
    ghost.className = 'ghost';
    ghost.style.width = width(row.original);
    track.append(ghost);
    const value = document.createElement('span');
    value.className = 'val';
    value.textContent = row.value ?? formatValue(row.kept ? row.shown : 0);
    for (const part of [tok, track, value]) part.setAttribute('aria-hidden', 'true');
    const alt = document.createElement('span');
    alt.className = 'sr-only';
    alt.textContent = row.description;
    li.append(tok, track, value, alt);
    items.push(li);
  }
  list.replaceChildren(...items);
}

/**
 * Draws a distribution as a strip: the kept probabilities end to end, most likely first, as a
 * draw lays them out, with a dart at each given u. The segment each dart landed in (the core's
 * drawn index, not worked out again here) is marked.
 * @param {HTMLElement} strip
 * @param {Array<{index: number, label: string, share: number}>} segments
 * @param {Array<{u: number, index: number, tag?: string}>} darts
 */
export function renderStrip(strip, segments, darts) {
  const landed = new Set(darts.map((dart) => dart.index));
  const parts = segments.map((segment) => {
    const div = document.createElement('div');
    div.className = landed.has(segment.index) ? 'segment landed' : 'segment';
    div.style.flex = `0 0 ${(100 * segment.share).toFixed(3)}%`;
    div.textContent = segment.share > 0.04 ? segment.label : '';
    div.dataset.index = String(segment.index);
    return div;
  });
  const pins = darts.map(({ u, tag }) => {
    const dart = document.createElement('div');
    dart.className = 'dart';
    dart.style.left = `${(100 * u).toFixed(2)}%`;
    dart.dataset.u = String(u);
    if (tag) {
      const label = document.createElement('span');
      label.className = 'dart-tag';
      label.textContent = tag;
      dart.append(label);
    }
    return dart;
  });
  strip.replaceChildren(...parts, ...pins);
  strip.dataset.u = darts.length ? String(darts[0].u) : '';
}

/**
 * Draws a dropout mask as a grid of cells: pale = kept, dark = dropped. For a re-thresholded
 * mask, `stepMask` is the mask the step applied: cells dropped by both are dark, cells dropped
 * only at the new rate are vermillion (raising p only adds dropped cells). Cells that are not
 * live (`live` 0: attention weights the causal mask had already made 0) are hatched grey, whatever
 * their mask, so colour is not the only cue.
 * @param {HTMLCanvasElement} canvas
 * @param {Uint8Array} mask 1 kept, 0 dropped, row-major over `shape`
 * @param {number[]} shape [rows, cols] or [heads, rows, cols]
 * @param {Uint8Array|null} stepMask
 * @param {(head: number) => string} [headLabel] the label over each head's panel (heads count from 1)
 * @param {Uint8Array|null} [live] 1 where a unit is live; null: all are
 */
export function renderMask(canvas, mask, shape, stepMask = null, headLabel = (head) => `head ${head}`, live = null) {
  const [panels, rows, cols] = shape.length === 3 ? shape : [1, shape[0], shape[1]];
  const totalCols = panels * cols + (panels - 1) * HEAD_GAP;
  const avail = Math.max(1, cssWidth(canvas));
  const cell = Math.min(MAX_CELL, avail / totalCols);
  const labelH = panels > 1 ? 14 : 0;
  const { ctx } = prepareCanvas(canvas, Math.ceil(rows * cell + labelH));
  const gap = cell >= 4 ? 1 : 0;
  ctx.font = '11px system-ui, sans-serif';
  ctx.textBaseline = 'top';
  for (let h = 0; h < panels; h++) {
    const x0 = h * (cols + HEAD_GAP) * cell;
    if (panels > 1) {
      ctx.fillStyle = COLORS.axis;
      ctx.fillText(headLabel(h + 1), x0, 0);
    }
    // One path per colour (kept, dropped, dropped only at the slider's p, not live): four
    // fills, not one per unit.
    const paths = [new Path2D(), new Path2D(), new Path2D(), new Path2D()];
    for (let r = 0; r < rows; r++) {
      for (let c = 0; c < cols; c++) {
        const i = (h * rows + r) * cols + c;
        const which = live && !live[i] ? 3 : mask[i] !== 0 ? 0 : stepMask && stepMask[i] === 1 ? 2 : 1;
        paths[which].rect(x0 + c * cell, labelH + r * cell, cell - gap, cell - gap);
      }
    }
    [COLORS.faint, COLORS.dark, COLORS.vermillion, COLORS.masked].forEach((color, which) => {
      ctx.fillStyle = color;
      ctx.fill(paths[which]);
    });
    if (live && cell >= 3) {
      // Diagonal strokes over the not-live cells only: hatched, as in the legend.
      const size = rows * cell;
      ctx.save();
      ctx.clip(paths[3]);
      ctx.strokeStyle = '#f0f0f0';
      ctx.lineWidth = 1;
      ctx.beginPath();
      for (let d = -size; d < cols * cell; d += 6) {
        ctx.moveTo(x0 + d, labelH + size);
        ctx.lineTo(x0 + d + size, labelH);
      }
      ctx.stroke();
      ctx.restore();
    }
  }
}

/**
 * Draws a few units before and after dropout as pairs of bars around a zero line: before in
 * blue, after in orange; dropped units are marked with a cross under their (zero) after-bar.
 * Both share one vertical scale, so the 1/(1-p) growth of the survivors is visible.
 * @param {HTMLCanvasElement} canvas
 * @param {ArrayLike<number>} before
 * @param {ArrayLike<number>} after
 * @param {ArrayLike<number>} mask 1 kept, 0 dropped
 */
export function renderActivations(canvas, before, after, mask) {
  const { ctx, width, height } = prepareCanvas(canvas, 84);
  const n = before.length;
  let peak = 1e-9;
  let lowest = 0;
  for (let i = 0; i < n; i++) {
    peak = Math.max(peak, Math.abs(before[i]), Math.abs(after[i]));
    lowest = Math.min(lowest, before[i], after[i]);
  }
  // Signed values grow from a middle line; non-negative ones (attention weights) from the bottom.
  const mid = lowest < 0 ? height / 2 : height - 8;
  const half = lowest < 0 ? height / 2 - 10 : height - 16;
  const slot = width / n;
  const bar = Math.max(1, slot * 0.38);
  ctx.strokeStyle = '#c8c8c8';
  ctx.beginPath();
  ctx.moveTo(0, mid + 0.5);
  ctx.lineTo(width, mid + 0.5);
  ctx.stroke();
  for (let i = 0; i < n; i++) {
    const x = i * slot + slot * 0.1;
    const hb = (before[i] / peak) * half;
    ctx.fillStyle = COLORS.blue;
    ctx.fillRect(x, hb >= 0 ? mid - hb : mid, bar, Math.abs(hb));
    const ha = (after[i] / peak) * half;
    ctx.fillStyle = COLORS.orange;
    ctx.fillRect(x + bar, ha >= 0 ? mid - ha : mid, bar, Math.abs(ha));
    if (mask[i] === 0) {
      const cx = x + bar * 1.5;
      const s = Math.min(4, bar);
      ctx.strokeStyle = COLORS.vermillion;
      ctx.lineWidth = 1.5;
      ctx.beginPath();
      ctx.moveTo(cx - s, mid - s);
      ctx.lineTo(cx + s, mid + s);
      ctx.moveTo(cx + s, mid - s);
      ctx.lineTo(cx - s, mid + s);
      ctx.stroke();
      ctx.lineWidth = 1;
    }
  }
}

/**
 * A line on a loss chart.
 * @typedef {object} Series
 * @property {string} name
 * @property {string} color
 * @property {number[]} [dash] canvas line dash, e.g. [6, 4]
 * @property {number} [width] line width in px
 * @property {boolean} [dots] mark each point
 * @property {Array<[number, number]>} points [step, loss]; non-finite losses are skipped
 */

function niceStep(range, target) {
  const raw = range / Math.max(1, target);
  const mag = 10 ** Math.floor(Math.log10(raw));
  const norm = raw / mag;
  return (norm < 1.5 ? 1 : norm < 3.5 ? 2 : norm < 7.5 ? 5 : 10) * mag;
}

/**
 * Titles and reference line of a loss chart.
 * @typedef {object} LossAxes
 * @property {string} [x] title of the step axis
 * @property {string} [y] title of the loss axis
 * @property {string} [bits] title of the second reading on the right, in bits (loss / ln 2)
 * @property {{value: number, label: string}} [chance] a dashed line, e.g. at ln V (uniform guessing)
 * @property {(x: number, digits: number) => string} [number] writes the ticks' numbers in the page's language
 */

/**
 * Draws loss curves against steps, with axes from 0, their titles, a second reading in bits on
 * the right and a chance line. Sets `data-points` on the canvas to the number of points drawn
 * (so tests and assistive text can tell an empty chart from a full one).
 * @param {HTMLCanvasElement} canvas
 * @param {Series[]} series
 * @param {number} [cssHeight] px
 * @param {LossAxes} [axes]
 * @returns {number} points drawn
 */
export function renderLossChart(canvas, series, cssHeight = 200, axes = {}) {
  const { ctx, width, height } = prepareCanvas(canvas, cssHeight);
  const box = { left: 52, right: axes.bits ? 40 : 8, top: 10, bottom: 34 };
  const finite = series.flatMap((s) => s.points.filter(([x, y]) => Number.isFinite(x) && Number.isFinite(y)));
  const maxX = Math.max(10, ...finite.map(([x]) => x));
  // The loss axis starts at 0, so a gap between curves is shown at its true size.
  const top = Math.max(1, axes.chance?.value ?? 0, ...finite.map(([, y]) => y)) * 1.06;
  const px = (x) => box.left + (x / maxX) * (width - box.left - box.right);
  const py = (y) => box.top + (1 - y / top) * (height - box.top - box.bottom);
  renderLossAxes(ctx, { width, height, box, maxX, top, px, py }, axes);
  let drawn = 0;
  for (const s of series) {
    const pts = s.points.filter(([x, y]) => Number.isFinite(x) && Number.isFinite(y));
    if (!pts.length) continue;
    ctx.strokeStyle = s.color;
    ctx.fillStyle = s.color;
    ctx.lineWidth = s.width ?? 2;
    ctx.setLineDash(s.dash ?? []);
    ctx.beginPath();
    pts.forEach(([x, y], i) => (i ? ctx.lineTo(px(x), py(y)) : ctx.moveTo(px(x), py(y))));
    ctx.stroke();
    ctx.setLineDash([]);
    // A lone point (the loss before the first step) is a dot: a line of one point draws nothing.
    if (s.dots || pts.length === 1) {
      for (const [x, y] of pts) {
        ctx.beginPath();
        ctx.arc(px(x), py(y), 2.5, 0, 2 * Math.PI);
        ctx.fill();
      }
    }
    drawn += pts.length;
  }
  ctx.lineWidth = 1;
  canvas.dataset.points = String(drawn);
  return drawn;
}

/** The grid, ticks, titles and chance line of a loss chart. */
function renderLossAxes(ctx, { width, height, box, maxX, top, px, py }, axes) {
  ctx.font = '11px system-ui, sans-serif';
  ctx.fillStyle = COLORS.axis;
  ctx.strokeStyle = '#e2e2e2';
  ctx.textAlign = 'right';
  ctx.textBaseline = 'middle';
  const tick = (value, step) => (axes.number ?? ((x, digits) => x.toFixed(digits)))(value, step < 0.1 ? 2 : 1);
  const yStep = niceStep(top, 4);
  for (let y = 0; y <= top; y += yStep) {
    ctx.beginPath();
    ctx.moveTo(box.left, Math.round(py(y)) + 0.5);
    ctx.lineTo(width - box.right, Math.round(py(y)) + 0.5);
    ctx.stroke();
    ctx.fillText(tick(y, yStep), box.left - 4, py(y));
  }
  if (axes.bits) {
    ctx.textAlign = 'left';
    const bitsTop = top / Math.LN2;
    const bStep = niceStep(bitsTop, 4);
    for (let b = 0; b <= bitsTop; b += bStep) ctx.fillText(tick(b, bStep), width - box.right + 4, py(b * Math.LN2));
  }
  ctx.textAlign = 'center';
  ctx.textBaseline = 'top';
  const xStep = niceStep(maxX, Math.max(2, Math.floor((width - box.left) / 70)));
  for (let x = 0; x <= maxX + 1e-9; x += xStep) ctx.fillText(String(Math.round(x)), px(x), height - box.bottom + 4);
  if (axes.x) ctx.fillText(axes.x, (box.left + width - box.right) / 2, height - 14);
  ctx.save();
  ctx.translate(11, (box.top + height - box.bottom) / 2);
  ctx.rotate(-Math.PI / 2);
  if (axes.y) ctx.fillText(axes.y, 0, -4);
  if (axes.bits) {
    ctx.restore();
    ctx.save();
    ctx.translate(width - 4, (box.top + height - box.bottom) / 2);
    ctx.rotate(Math.PI / 2);
    ctx.fillText(axes.bits, 0, 0);
  }
  ctx.restore();
  ctx.strokeStyle = COLORS.axis;
  ctx.beginPath();
  ctx.moveTo(box.left + 0.5, box.top);
  ctx.lineTo(box.left + 0.5, height - box.bottom + 0.5);
  ctx.lineTo(width - box.right, height - box.bottom + 0.5);
  ctx.stroke();
  if (axes.chance) {
    ctx.strokeStyle = COLORS.chance;
    ctx.setLineDash([2, 3]);
    ctx.beginPath();
    ctx.moveTo(box.left, py(axes.chance.value));
    ctx.lineTo(width - box.right, py(axes.chance.value));
    ctx.stroke();
    ctx.setLineDash([]);
    ctx.fillStyle = COLORS.chance;
    ctx.textAlign = 'right';
    ctx.textBaseline = 'bottom';
    ctx.fillText(axes.chance.label, width - box.right - 4, py(axes.chance.value) - 2);
  }
}
