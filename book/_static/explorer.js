/* The backward-pass explorer (book/explorer.md). Plain JavaScript, no library, no request.
 *
 * One model, then one drawing of it:
 *   model(cfg)            values, shapes and, for every output unit, its kernel taps;
 *   select(m, kind, i)    what a selection lights up, the numbers it shows and the sentence;
 *   dump(cfg)             every selection of a setting at once (the browser test compares it with
 *                         lessons_code.pages.explorer, the Jacobian of lessons_code.matrix_view).
 * Python twin of the values and rules: lessons_code/pages/explorer.py.
 */
(function () {
  "use strict";

  // Same lists as lessons_code.pages.explorer (X_VALUES, K_VALUES, W_VALUES, DY_VALUES).
  var X = [1, 2, 0, -1, 3, -2, 1, -1, 2];
  var K = [1, -1, 2, 1, -2, 3, -1];
  var W = [1, -1, 2, -2, 1, 3, -1, 2, -3, 1, 2];  // 11 entries: no two rows of W are equal
  var DY = [1, -1, 2, 1, -2, 1, 3, -1];
  var LW = [2, -1, 3, 1, -2, 4, -3, 5, -4, 6, -5];  // 11 different values: every position's kernel differs
  var CONTROLS = {
    size: [4, 5, 6, 7, 8, 9],
    kernel: [1, 2, 3, 4, 5],
    stride: [1, 2, 3],
    padding: [0, 1, 2],
    dilation: [1, 2],
    layers: [1, 2, 3],
    mode: ["conv", "fc", "local"]
  };
  var KEYS = ["size", "kernel", "stride", "padding", "dilation", "layers", "mode"];
  var FC_MAX_SIZE = 5, FC_MAX_UNITS = 9, LOCAL_MAX_UNITS = 9;

  function cyc(vals, n) {
    var a = [];
    for (var i = 0; i < n; i++) a.push(vals[i % vals.length]);
    return a;
  }

  // --- the model ------------------------------------------------------------------------

  /** Why a setting is not allowed (same words as explorer.disabled_reason), or null. */
  function disabledReason(c) {
    var n = c.size, span = c.dilation * (c.kernel - 1) + 1;
    var layers = c.mode === "conv" ? c.layers : 1;
    for (var l = 0; l < layers; l++) {
      if (n + 2 * c.padding < span) {
        var where = l === 0 ? "the input" : "layer " + l + "'s output";
        return "the kernel spans " + span + " pixels but " + where + " padded is only " +
          (n + 2 * c.padding) + " wide";
      }
      n = Math.floor((n + 2 * c.padding - span) / c.stride) + 1;
    }
    if (c.mode === "fc") {
      if (c.size > FC_MAX_SIZE) return "FC mode keeps W readable: input at most 5x5";
      if (c.layers !== 1) return "FC mode shows one layer";
      if (n * n > FC_MAX_UNITS) {
        return "FC mode keeps W readable: at most 9 output units, these settings give " + n * n;
      }
    }
    if (c.mode === "local") {
      if (c.layers !== 1) return "locally connected mode shows one layer";
      if (n * n > LOCAL_MAX_UNITS) {
        return "locally connected mode keeps its kernels readable: at most 9 output units, these settings give " + n * n;
      }
    }
    return null;
  }

  function sizes(c) {
    var out = [c.size], layers = c.mode === "conv" ? c.layers : 1;
    for (var l = 0; l < layers; l++) {
      var n = out[l] + 2 * c.padding - c.dilation * (c.kernel - 1) - 1;
      out.push(Math.floor(n / c.stride) + 1);
    }
    return out;
  }

  /** Every setting the controls allow, in explorer.allowed_settings() order. */
  function settings() {
    var out = [];
    CONTROLS.mode.forEach(function (mode) {
      CONTROLS.layers.forEach(function (layers) {
        CONTROLS.size.forEach(function (size) {
          CONTROLS.kernel.forEach(function (kernel) {
            CONTROLS.stride.forEach(function (stride) {
              CONTROLS.padding.forEach(function (padding) {
                CONTROLS.dilation.forEach(function (dilation) {
                  var c = { size: size, kernel: kernel, stride: stride, padding: padding,
                    dilation: dilation, layers: layers, mode: mode };
                  if (!disabledReason(c)) out.push(c);
                });
              });
            });
          });
        });
      });
    });
    return out;
  }

  /** Kernel taps of unit u of a layer with input side n and output side m:
   *  [t, r, s, col] per tap, col = -1 where the tap lands on the padding. */
  function taps(c, n, m, u) {
    var i = Math.floor(u / m), j = u % m, out = [];
    for (var p = 0; p < c.kernel; p++) {
      for (var q = 0; q < c.kernel; q++) {
        var r = i * c.stride + p * c.dilation - c.padding;
        var s = j * c.stride + q * c.dilation - c.padding;
        var inside = r >= 0 && r < n && s >= 0 && s < n;
        out.push([p * c.kernel + q, r, s, inside ? r * n + s : -1]);
      }
    }
    return out;
  }

  function model(c) {
    var reason = disabledReason(c);
    if (reason) throw new Error("setting not allowed: " + reason);
    var sz = sizes(c), n = sz[0], m = sz[1], units = m * m, fc = c.mode === "fc", kk = c.kernel * c.kernel;
    var local = c.mode === "local";
    var md = { cfg: c, sizes: sz, n: n, m: m, fc: fc, local: local, stacked: c.mode === "conv" && c.layers > 1 };
    md.x = cyc(X, n * n);
    md.dy = cyc(DY, units);
    md.w = fc ? cyc(W, units * n * n) : local ? cyc(LW, units * kk) : cyc(K, kk);
    // cells[u]: [t, col] for every weight unit u multiplies with a real input pixel
    md.cells = [];
    md.pad = [];
    for (var u = 0; u < units; u++) {
      var list = [], padList = [];
      if (fc) {
        for (var j = 0; j < n * n; j++) list.push([u * n * n + j, j]);
      } else {
        // locally connected: unit u's own kernel, weights u*k*k .. u*k*k + k*k - 1
        var off = local ? u * kk : 0;
        taps(c, n, m, u).forEach(function (tp) {
          if (tp[3] >= 0) list.push([off + tp[0], tp[3]]); else padList.push([off + tp[0], tp[1], tp[2], tp[3]]);
        });
      }
      md.cells.push(list);
      md.pad.push(padList);
    }
    md.y = new Array(units).fill(0);
    md.dx = new Array(n * n).fill(0);
    md.dw = new Array(md.w.length).fill(0);
    md.readers = [];  // readers[col]: [u, t] for every unit that reads pixel col
    for (var col = 0; col < n * n; col++) md.readers.push([]);
    md.tied = [];  // tied[t]: [u, col] for every cell of M that holds weight t
    for (var t = 0; t < md.w.length; t++) md.tied.push([]);
    md.cells.forEach(function (list, u) {
      list.forEach(function (tc) {
        md.y[u] += md.w[tc[0]] * md.x[tc[1]];
        md.dx[tc[1]] += md.dy[u] * md.w[tc[0]];
        md.dw[tc[0]] += md.x[tc[1]] * md.dy[u];
        md.readers[tc[1]].push([u, tc[0]]);
        md.tied[tc[0]].push([u, tc[1]]);
      });
    });
    return md;
  }

  /** Path counts from every cell of every layer to one last-layer unit (stacked conv). */
  function backPaths(md, u) {
    var c = md.cfg, sz = md.sizes, L = sz.length - 1;
    var counts = [];
    counts[L] = new Array(sz[L] * sz[L]).fill(0);
    counts[L][u] = 1;
    for (var l = L - 1; l >= 0; l--) {
      counts[l] = new Array(sz[l] * sz[l]).fill(0);
      for (var v = 0; v < counts[l + 1].length; v++) {
        if (!counts[l + 1][v]) continue;
        taps(c, sz[l], sz[l + 1], v).forEach(function (tp) {
          if (tp[3] >= 0) counts[l][tp[3]] += counts[l + 1][v];
        });
      }
    }
    return counts;
  }

  /** Path counts from one input pixel to every cell of every later layer (stacked conv). */
  function forwardPaths(md, col) {
    var c = md.cfg, sz = md.sizes, L = sz.length - 1;
    var counts = [new Array(sz[0] * sz[0]).fill(0)];
    counts[0][col] = 1;
    for (var l = 0; l < L; l++) {
      counts[l + 1] = new Array(sz[l + 1] * sz[l + 1]).fill(0);
      for (var v = 0; v < counts[l + 1].length; v++) {
        taps(c, sz[l], sz[l + 1], v).forEach(function (tp) {
          if (tp[3] >= 0) counts[l + 1][v] += counts[l][tp[3]];
        });
      }
    }
    return counts;
  }

  // --- names in the sentences ----------------------------------------------------------

  function at(name, idx, side) {
    return name + "[" + Math.floor(idx / side) + "," + (idx % side) + "]";
  }
  function wName(md, t) {
    var kk = md.cfg.kernel * md.cfg.kernel;
    if (md.local) return at("W", Math.floor(t / kk), md.m) + at("", t % kk, md.cfg.kernel);
    return md.fc ? "W[" + Math.floor(t / (md.n * md.n)) + "," + (t % (md.n * md.n)) + "]"
      : at("K", t, md.cfg.kernel);
  }
  function yName(md, u) { return md.fc ? "y[" + u + "]" : at("y", u, md.m); }
  function dyName(md, u) { return "d" + yName(md, u); }
  function xName(md, col) { return md.fc ? "x[" + col + "]" : at("x", col, md.n); }
  function num(v) { return v < 0 ? "(" + v + ")" : String(v); }
  function plural(k, word) { return k + " " + word + (k === 1 ? "" : "s"); }
  var LETTERS = "abcdefghijklmnopqrstuvwxy";
  /** The letter that pairs weight t with the pixel it meets: its place in the kernel (FC: W's column). */
  function tapMark(md, t) {
    return LETTERS.charAt(md.fc ? t % (md.n * md.n) : md.local ? t % (md.cfg.kernel * md.cfg.kernel) : t);
  }
  function signed(v) { return (v < 0 ? "" : "+") + v; }

  /** What a selection lights up: kind is "output", "weight" or "input"; i its flat index.
   *  Returns {hits: {grid: {cell: badge or ""}}, marks: {grid: {cell: letter}}, short, sentence}.
   *  Grids: x, w, y, dx, dw, dy, pad (padding taps, as [r, s, letter]), and h1, h2... for stacked
   *  layers. A badge is the selection's share of the cell's total; a letter names the kernel tap
   *  (FC: the column of W) that paired a weight with a pixel, on both cells. `short` is what the
   *  live region announces; `sentence` writes every product out (shown on demand). */
  function select(md, kind, i) {
    if (md.stacked) return selectStacked(md, kind, i);
    var hits = {}, marks = {}, s, short, dwName = md.fc || md.local ? "dW" : "dK";
    ["x", "w", "y", "dx", "dw", "dy"].forEach(function (g) { hits[g] = {}; marks[g] = {}; });
    function mark(grids, cell, t) { grids.forEach(function (g) { marks[g][cell] = tapMark(md, t); }); }
    if (kind === "output") {
      var cells = md.cells[i], dyu = md.dy[i], shares = [], parts = [];
      hits.y[i] = ""; hits.dy[i] = "";
      cells.forEach(function (tc) {
        var t = tc[0], col = tc[1], share = dyu * md.w[t], part = md.x[col] * dyu;
        hits.x[col] = ""; hits.dx[col] = signed(share);
        hits.w[t] = ""; hits.dw[t] = signed(part);
        mark(["x", "dx"], col, t); mark(["w", "dw"], t, t);
        shares.push(xName(md, col) + " gets dy·" + wName(md, t) + " = " + num(dyu) + "·" + num(md.w[t]) + " = " + share);
        parts.push("d" + wName(md, t) + " gets " + xName(md, col) + "·dy = " + num(md.x[col]) + "·" + num(dyu) +
          " = " + part);
      });
      hits.pad = md.pad[i].map(function (tp) { return [tp[1], tp[2], tapMark(md, tp[0])]; });
      var padded = md.pad[i].length ? " (" + plural(md.pad[i].length, "tap") + " on the padding read 0)" : "";
      s = yName(md, i) + " reads " + plural(cells.length, "input pixel") + padded +
        ". Backward, " + dyName(md, i) + " = " + dyu + " sends each pixel its share of dx, " +
        dyName(md, i) + " times the weight it used: " + (shares.join("; ") || "no pixel receives any") +
        ". Its part of " + dwName + ": each weight it used gets the pixel it met times " + dyName(md, i) + ": " +
        (parts.join("; ") || "none") + ".";
      short = yName(md, i) + " = " + md.y[i] + " reads " + plural(cells.length, "input pixel") +
        (md.pad[i].length ? " and " + plural(md.pad[i].length, "padding tap") : "") +
        ". Backward it adds dy·weight to each pixel's dx, and x·dy to each weight's " + dwName + ".";
    } else if (kind === "weight") {
      var pairs = md.tied[i];
      hits.w[i] = ""; hits.dw[i] = "";
      mark(["w", "dw"], i, i);
      var terms = pairs.map(function (uc) {
        var prod = md.x[uc[1]] * md.dy[uc[0]];
        hits.x[uc[1]] = ""; hits.dy[uc[0]] = signed(prod); hits.y[uc[0]] = "";
        mark(["x"], uc[1], i);
        return xName(md, uc[1]) + "·" + dyName(md, uc[0]);
      });
      var values = pairs.map(function (uc) { return num(md.x[uc[1]]) + "·" + num(md.dy[uc[0]]); });
      s = "d" + wName(md, i) + " sums " + plural(pairs.length, "product") + (pairs.length
        ? ": " + terms.join(" + ") + " = " + values.join(" + ") + " = " + md.dw[i] + "."
        : " (this tap only ever meets the padding), so d" + wName(md, i) + " = 0.");
      short = "d" + wName(md, i) + " = " + md.dw[i] + ", the sum of " + plural(pairs.length, "product") +
        " x·dy" + (pairs.length ? ", one for each output unit that puts this weight on a pixel."
          : ": this tap only ever meets the padding.");
    } else {
      var readers = md.readers[i];
      hits.x[i] = ""; hits.dx[i] = "";
      var rterms = readers.map(function (ut) {
        var share = md.dy[ut[0]] * md.w[ut[1]];
        hits.y[ut[0]] = ""; hits.dy[ut[0]] = signed(share); hits.w[ut[1]] = "";
        mark(["y", "dy"], ut[0], ut[1]); mark(["w"], ut[1], ut[1]);
        return dyName(md, ut[0]) + "·" + wName(md, ut[1]);
      });
      var rvalues = readers.map(function (ut) { return num(md.dy[ut[0]]) + "·" + num(md.w[ut[1]]); });
      s = xName(md, i) + " is read by " + plural(readers.length, "output unit") + (readers.length
        ? ", each with the weight it used (the transposed view). d" + xName(md, i) + " = " +
          rterms.join(" + ") + " = " + rvalues.join(" + ") + " = " + md.dx[i] + "."
        : " (no window covers it), so d" + xName(md, i) + " = 0.");
      short = "d" + xName(md, i) + " = " + md.dx[i] + ", the sum of " + plural(readers.length, "share") +
        " dy·weight" + (readers.length ? ", one from each output unit that reads this pixel." : ": no window covers it.");
    }
    return { hits: hits, marks: marks, short: short, sentence: s };
  }

  function selectStacked(md, kind, i) {
    var L = md.sizes.length - 1, hits = {}, counts, s, side;
    if (kind === "output") {
      counts = backPaths(md, i);
      side = md.sizes[0];
      var rows = [], cols = [];
      counts[0].forEach(function (k, col) {
        if (k) { rows.push(Math.floor(col / side)); cols.push(col % side); }
      });
      var h = rows.length ? Math.max.apply(null, rows) - Math.min.apply(null, rows) + 1 : 0;
      var w = cols.length ? Math.max.apply(null, cols) - Math.min.apply(null, cols) + 1 : 0;
      var total = counts[0].reduce(function (a, b) { return a + b; }, 0);
      s = at("y", i, md.sizes[L]) + " (layer " + L + ") reads " + plural(rows.length, "input pixel") +
        (rows.length ? " in a " + h + "×" + w + " region, through " + plural(total, "path") : "") +
        ". The number in each lit cell counts the chains of kernel taps that link it to this unit.";
    } else {
      counts = forwardPaths(md, i);
      var reached = counts[L].filter(function (k) { return k; }).length;
      s = at("x", i, md.sizes[0]) + " reaches " + plural(reached, "unit") + " of layer " + L +
        ". The number in each lit cell counts the chains of kernel taps from this pixel.";
    }
    var short = s;
    for (var l = 0; l <= L; l++) {
      var g = l === 0 ? "x" : l === L ? "y" : "h" + l, hl = {};
      counts[l].forEach(function (k, cell) { if (k) hl[cell] = String(k); });
      hits[g] = hl;
    }
    return { hits: hits, marks: {}, short: short, sentence: s };
  }

  /** Every selection of a setting, for the browser test. */
  function dump(c) {
    var md = model(c), units = md.m * md.m, out = { sizes: md.sizes };
    if (md.stacked) {
      var L = md.sizes.length - 1;
      out.back = [];
      for (var u = 0; u < md.sizes[L] * md.sizes[L]; u++) out.back.push(backPaths(md, u));
      out.forward = [];
      for (var col = 0; col < md.n * md.n; col++) out.forward.push(forwardPaths(md, col));
      return out;
    }
    ["x", "w", "dy", "y", "dx", "dw"].forEach(function (k) { out[k] = md[k]; });
    // per selection: lit cells with their badges (as numbers) and letters; "short" is the announcement
    function shown(sel, g) {
      return Object.keys(sel.hits[g]).map(function (k) {
        return [Number(k), sel.hits[g][k] === "" ? null : Number(sel.hits[g][k]), sel.marks[g][k] || ""];
      });
    }
    out.output = [];
    for (var v = 0; v < units; v++) {
      var sel = select(md, "output", v);
      out.output.push({ x: shown(sel, "x"), dx: shown(sel, "dx"), w: shown(sel, "w"), dw: shown(sel, "dw"),
        pad: sel.hits.pad.map(function (tp) { return tp[2]; }), short: sel.short });
    }
    out.weight = md.tied.map(function (pairs, t) {
      var sel = select(md, "weight", t);
      return { pairs: pairs, sum: md.dw[t], shown: Object.keys(sel.hits.dy).map(Number), x: shown(sel, "x"),
        w: shown(sel, "w"), short: sel.short };
    });
    out.input = md.readers.map(function (readers, col) {
      var sel = select(md, "input", col);
      return { units: readers, sum: md.dx[col], shown: Object.keys(sel.hits.y).map(Number), y: shown(sel, "y"),
        w: shown(sel, "w"), short: sel.short };
    });
    return out;
  }

  // --- the drawing ------------------------------------------------------------------------

  var LABELS = { size: "Input size", kernel: "Kernel size", stride: "Stride", padding: "Padding",
    dilation: "Dilation", layers: "Conv layers", mode: "Layer type" };

  function el(tag, attrs, text) {
    var e = document.createElement(tag);
    for (var k in attrs) if (attrs[k] !== undefined) e.setAttribute(k, attrs[k]);
    if (text !== undefined) e.textContent = text;
    return e;
  }

  function optionText(key, v) {
    if (key === "mode") return v === "fc" ? "Fully connected" : v === "local" ? "Locally connected" : "Convolution";
    return key === "size" || key === "kernel" ? v + "×" + v : String(v);
  }

  function Explorer(root) {
    this.root = root;
    this.cfg = { size: 6, kernel: 3, stride: 1, padding: 0, dilation: 1, layers: 1, mode: "conv" };
    this.sel = null;
    this.focus = {};
    root.textContent = "";
    var controls = el("div", { "class": "ex-controls" });
    this.selects = {};
    var self = this;
    KEYS.forEach(function (key) {
      var id = "ex-" + key;
      var wrap = el("div", { "class": "ex-control" });
      wrap.appendChild(el("label", { "for": id }, LABELS[key]));
      var sel = el("select", { id: id });
      CONTROLS[key].forEach(function (v) { sel.appendChild(el("option", { value: v }, optionText(key, v))); });
      sel.addEventListener("change", function () {
        self.cfg[key] = key === "mode" ? sel.value : Number(sel.value);
        self.sel = null;
        self.render();
      });
      self.selects[key] = sel;
      wrap.appendChild(sel);
      controls.appendChild(wrap);
    });
    root.appendChild(controls);
    // Why an option is greyed out: a short reason on the option itself, the full one on demand.
    this.why = el("details", { "class": "ex-why", id: "ex-unavailable" });
    this.whySummary = el("summary", { id: "ex-why" });
    this.why.appendChild(this.whySummary);
    this.whyList = el("ul");
    this.why.appendChild(this.whyList);
    root.appendChild(this.why);
    this.modeNote = el("p", { "class": "ex-note", id: "ex-mode-note" });
    root.appendChild(this.modeNote);
    this.legend = el("p", { "class": "ex-legend", id: "ex-legend" });
    root.appendChild(this.legend);
    this.grids = el("div", { "class": "ex-grids" });
    root.appendChild(this.grids);
    // The result panel sticks to the bottom of the screen while the grids are in view: a short
    // announcement (the live region) and, on demand, every product of the sum.
    var panel = el("div", { "class": "ex-panel" });
    this.live = el("p", { "class": "ex-live", "aria-live": "polite", id: "ex-live" });
    panel.appendChild(this.live);
    var more = el("details", { "class": "ex-more" });
    this.moreSummary = el("summary", {}, "Every product");
    more.appendChild(this.moreSummary);
    this.detail = el("p", { "class": "ex-sentence", id: "ex-sentence", tabindex: "0" });
    more.appendChild(this.detail);
    panel.appendChild(more);
    root.appendChild(panel);
    this.render();
  }

  /** A disabled option's short reason (the full one, disabledReason's, is in the "why" list). */
  function shortReason(why) {
    if (/^the kernel spans/.test(why)) return "empty output";
    var who = /^locally/.test(why) ? "local" : "FC";
    if (/one layer/.test(why)) return who + ": one layer";
    if (who === "local") return "local: > " + LOCAL_MAX_UNITS + " units";
    return /input at most/.test(why) ? "FC: input ≤ " + FC_MAX_SIZE + "×" + FC_MAX_SIZE : "FC: > " + FC_MAX_UNITS + " units";
  }

  Explorer.prototype.updateControls = function () {
    var self = this, reasons = [];
    KEYS.forEach(function (key) {
      var sel = self.selects[key];
      Array.prototype.forEach.call(sel.options, function (opt, k) {
        var v = CONTROLS[key][k], trial = Object.assign({}, self.cfg);
        trial[key] = v;
        var why = disabledReason(trial);
        opt.disabled = !!why;
        opt.textContent = optionText(key, v) + (why ? " (" + shortReason(why) + ")" : "");
        if (why) reasons.push(LABELS[key] + " " + optionText(key, v) + ": " + why + ".");
      });
      sel.value = String(self.cfg[key]);
    });
    this.why.hidden = !reasons.length;
    this.whySummary.textContent = "Why " + (reasons.length === 1 ? "is 1 option" : "are " + reasons.length + " options") +
      " unavailable?";
    this.whyList.textContent = "";
    reasons.forEach(function (r) { self.whyList.appendChild(el("li", {}, r)); });
    var md = this.md;
    this.moreSummary.textContent = md.stacked ? "In words" : "Every product";
    this.modeNote.hidden = !md.fc && !md.local;
    this.modeNote.textContent = md.fc ? "FC mode: one row of W per output unit, as many units as the convolution " +
      "with this kernel, stride, padding and dilation would have (" + md.m + "×" + md.m + " = " + md.m * md.m +
      "), so the two layers compare unit for unit." : md.local ? "Locally connected mode, one layer: each output " +
      "position reads the convolution's window through its own kernel, one row of W (" + md.m * md.m + " kernels " +
      "of " + md.cfg.kernel + "×" + md.cfg.kernel + "), so a weight's gradient is a single product." : "";
    this.legend.textContent = "";
    var sample = el("span", { "class": "ex-cell ex-hit ex-sample", "aria-hidden": "true" });
    sample.appendChild(el("span", { "class": "ex-m" }, md.stacked ? "" : "b"));
    sample.appendChild(el("span", { "class": "ex-v" }, md.stacked ? "" : "5"));
    sample.appendChild(el("span", { "class": "ex-b" }, md.stacked ? "3" : "+2"));
    this.legend.appendChild(sample);
    this.legend.appendChild(document.createTextNode(md.stacked
      ? " In a lit cell, the number counts the chains of kernel taps that link it to the selected cell."
      : " In a lit cell, the big number is the cell's total, the small one the selected cell's share of it, " +
        "and the letter pairs a " + (md.fc ? "weight of W" : md.local ? "kernel entry of W" : "kernel entry") + " with the pixel it met (same letter on both)."));
  };

  /** A grid of cells: role="grid", one tab stop (roving tabindex), arrows move, Enter/Space select. */
  Explorer.prototype.grid = function (key, title, values, rows, cols, opts) {
    opts = opts || {};
    var self = this, pad = opts.pad || 0, R = rows + 2 * pad, C = cols + 2 * pad;
    var box = el("div", { "class": "ex-grid-box" });
    var head = el("div", { "class": "ex-grid-title", id: "ex-title-" + key });
    head.innerHTML = title;
    box.appendChild(head);
    var scroll = el("div", { "class": "ex-scroll" });
    // Grids the reader selects in are ARIA grids; the others are plain tables.
    var cellRole = opts.kind ? "gridcell" : "cell";
    var g = el("div", { role: opts.kind ? "grid" : "table", "class": "ex-grid", "aria-labelledby": "ex-title-" + key,
      "data-grid": key });
    var focusIdx = Math.min(this.focus[key] || 0, rows * cols - 1);
    for (var r = 0; r < R; r++) {
      var row = el("div", { role: "row", "class": "ex-row" });
      for (var c = 0; c < C; c++) {
        var ri = r - pad, ci = c - pad, cell;
        if (ri < 0 || ci < 0 || ri >= rows || ci >= cols) {
          cell = el("div", { role: cellRole, "class": "ex-cell ex-pad", "data-pad": ri + "," + ci,
            "data-name": "padding", "aria-label": "padding = 0" });
          cell.appendChild(el("span", { "class": "ex-m" }));
          cell.appendChild(el("span", { "class": "ex-v" }, "0"));
        } else {
          var idx = ri * cols + ci, v = values ? values[idx] : "";
          cell = el("div", { role: cellRole, "class": "ex-cell", "data-i": idx });
          cell.appendChild(el("span", { "class": "ex-m" }));
          cell.appendChild(el("span", { "class": "ex-v" }, String(v)));
          cell.appendChild(el("span", { "class": "ex-b" }));
          if (opts.kind) {
            cell.setAttribute("tabindex", idx === focusIdx ? "0" : "-1");
            cell.setAttribute("aria-selected", "false");
          }
          // the accessible name carries the cell's state too: paint() appends "lit, share +2, tap b"
          cell.setAttribute("data-name", opts.name(idx) + (values ? " = " + v : ""));
          cell.setAttribute("aria-label", cell.getAttribute("data-name"));
        }
        row.appendChild(cell);
      }
      g.appendChild(row);
    }
    if (opts.kind) {
      g.addEventListener("click", function (ev) {
        var cell = ev.target.closest("[data-i]");
        if (cell) self.choose(opts.kind, key, Number(cell.dataset.i), true);
      });
      g.addEventListener("keydown", function (ev) {
        var cell = ev.target.closest("[data-i]");
        if (!cell) return;
        var idx = Number(cell.dataset.i), r0 = Math.floor(idx / cols), c0 = idx % cols;
        var moves = { ArrowUp: [-1, 0], ArrowDown: [1, 0], ArrowLeft: [0, -1], ArrowRight: [0, 1] };
        if (moves[ev.key]) {
          var nr = Math.max(0, Math.min(rows - 1, r0 + moves[ev.key][0]));
          var nc = Math.max(0, Math.min(cols - 1, c0 + moves[ev.key][1]));
          self.move(key, nr * cols + nc);
        } else if (ev.key === "Home") {
          self.move(key, r0 * cols);
        } else if (ev.key === "End") {
          self.move(key, r0 * cols + cols - 1);
        } else if (ev.key === "Enter" || ev.key === " ") {
          self.choose(opts.kind, key, idx, true);
        } else {
          return;
        }
        ev.preventDefault();
      });
    }
    scroll.appendChild(g);
    box.appendChild(scroll);
    return box;
  };

  Explorer.prototype.move = function (key, idx) {
    var g = this.root.querySelector('[data-grid="' + key + '"]');
    var old = g.querySelector('[tabindex="0"]'), cell = g.querySelector('[data-i="' + idx + '"]');
    if (old) old.setAttribute("tabindex", "-1");
    cell.setAttribute("tabindex", "0");
    cell.focus();
    this.focus[key] = idx;
  };

  Explorer.prototype.choose = function (kind, key, idx, fromUser) {
    if (fromUser) this.move(key, idx);
    this.sel = { kind: kind, key: key, i: idx };
    this.paint();
  };

  Explorer.prototype.render = function () {
    var md = this.md = model(this.cfg), c = this.cfg, n = md.n, m = md.m;
    this.updateControls();
    this.grids.textContent = "";
    var fwd = el("div", { "class": "ex-row-group" }), bwd = el("div", { "class": "ex-row-group" });
    var xn = function (i) { return xName(md, i); };
    if (md.stacked) {
      var L = md.sizes.length - 1;
      fwd.appendChild(this.grid("x", "input x, " + n + "×" + n + (c.padding ? " (+ padding)" : ""), md.x, n, n,
        { kind: "input", pad: c.padding, name: xn }));
      for (var l = 1; l <= L; l++) {
        var s = md.sizes[l], last = l === L;
        fwd.appendChild(this.grid(last ? "y" : "h" + l, (last ? "output y" : "layer " + l) + ", " + s + "×" + s, null, s, s,
          last ? { kind: "output", name: function (i) { return at("y", i, md.sizes[L]); } }
            : { name: (function (side, ll) { return function (i) { return at("h" + ll, i, side); }; })(s, l) }));
      }
      bwd.appendChild(this.grid("w", "kernel K, " + c.kernel + "×" + c.kernel + ", shared by all " + L + " layers",
        md.w, c.kernel, c.kernel, { name: function (i) { return wName(md, i); } }));
    } else if (md.fc) {
      var cols = n * n, units = m * m;
      fwd.appendChild(this.grid("x", "input x, " + n + "×" + n + " (read as " + cols + " numbers)", md.x, n, n,
        { kind: "input", name: xn }));
      fwd.appendChild(this.grid("y", "output y, " + units + " units", md.y, 1, units,
        { kind: "output", name: function (i) { return yName(md, i); } }));
      fwd.appendChild(this.grid("w", "weights W, " + units + "×" + cols, md.w, units, cols,
        { kind: "weight", name: function (i) { return wName(md, i); } }));
      bwd.appendChild(this.grid("dx", "input gradient dx", md.dx, n, n, { name: function (i) { return "d" + xn(i); } }));
      bwd.appendChild(this.grid("dy", "upstream gradient dy", md.dy, 1, units,
        { name: function (i) { return dyName(md, i); } }));
      bwd.appendChild(this.grid("dw", "weight gradient dW", md.dw, units, cols,
        { name: function (i) { return "d" + wName(md, i); } }));
    } else if (md.local) {
      var kk = c.kernel * c.kernel, nu = m * m;
      fwd.appendChild(this.grid("x", "input x, " + n + "×" + n + (c.padding ? " (+ padding)" : ""), md.x, n, n,
        { kind: "input", pad: c.padding, name: xn }));
      fwd.appendChild(this.grid("w", "weights W, one " + c.kernel + "×" + c.kernel + " kernel per output position (" +
        nu + " rows of " + kk + ")", md.w, nu, kk, { kind: "weight", name: function (i) { return wName(md, i); } }));
      fwd.appendChild(this.grid("y", "output y, " + m + "×" + m, md.y, m, m,
        { kind: "output", name: function (i) { return yName(md, i); } }));
      bwd.appendChild(this.grid("dx", "input gradient dx", md.dx, n, n, { name: function (i) { return "d" + xn(i); } }));
      bwd.appendChild(this.grid("dw", "weight gradient dW", md.dw, nu, kk,
        { name: function (i) { return "d" + wName(md, i); } }));
      bwd.appendChild(this.grid("dy", "upstream gradient dy", md.dy, m, m,
        { name: function (i) { return dyName(md, i); } }));
    } else {
      fwd.appendChild(this.grid("x", "input x, " + n + "×" + n + (c.padding ? " (+ padding)" : ""), md.x, n, n,
        { kind: "input", pad: c.padding, name: xn }));
      fwd.appendChild(this.grid("w", "kernel K, " + c.kernel + "×" + c.kernel, md.w, c.kernel, c.kernel,
        { kind: "weight", name: function (i) { return wName(md, i); } }));
      fwd.appendChild(this.grid("y", "output y, " + m + "×" + m, md.y, m, m,
        { kind: "output", name: function (i) { return yName(md, i); } }));
      bwd.appendChild(this.grid("dx", "input gradient dx", md.dx, n, n, { name: function (i) { return "d" + xn(i); } }));
      bwd.appendChild(this.grid("dw", "kernel gradient dK", md.dw, c.kernel, c.kernel,
        { name: function (i) { return "d" + wName(md, i); } }));
      bwd.appendChild(this.grid("dy", "upstream gradient dy", md.dy, m, m,
        { name: function (i) { return dyName(md, i); } }));
    }
    this.grids.appendChild(fwd);
    this.grids.appendChild(bwd);
    this.paint();
  };

  Explorer.prototype.paint = function () {
    var root = this.root, md = this.md, sel = this.sel, res = sel ? select(md, sel.kind, sel.i) : null;
    var pads = {};
    if (res) (res.hits.pad || []).forEach(function (rs) { pads[rs[0] + "," + rs[1]] = rs[2]; });
    Array.prototype.forEach.call(root.querySelectorAll(".ex-grids .ex-cell"), function (cell) {
      var g = cell.closest("[data-grid]").dataset.grid, i = cell.dataset.i, badge, letter, lit;
      if (i === undefined) {
        letter = g === "x" ? pads[cell.dataset.pad] : undefined;
        lit = letter !== undefined;
        badge = "";
      } else {
        lit = !!res && res.hits[g] !== undefined && res.hits[g][i] !== undefined;
        badge = lit ? res.hits[g][i] : "";
        letter = lit && res.marks[g] ? res.marks[g][i] : undefined;
      }
      var chosen = !!sel && g === sel.key && Number(i) === sel.i;
      cell.classList.toggle("ex-hit", lit && i !== undefined);
      cell.classList.toggle("ex-tap", lit && i === undefined);
      cell.classList.toggle("ex-sel", chosen);
      if (i !== undefined) cell.querySelector(".ex-b").textContent = badge;
      cell.querySelector(".ex-m").textContent = letter || "";
      if (cell.hasAttribute("aria-selected")) cell.setAttribute("aria-selected", String(chosen));
      var state = chosen ? ["selected"] : lit ? ["lit"] : [];
      if (badge) state.push(md.stacked ? plural(Number(badge), "path") : "share " + badge);
      if (letter) state.push((i === undefined ? "padding tap " : "tap ") + letter);
      cell.setAttribute("aria-label", cell.dataset.name + (state.length ? ", " + state.join(", ") : ""));
    });
    var hint = md.stacked
      ? "Select a unit of the output y to see its receptive field on every layer, or an input pixel to see which units it reaches."
      : "Select an output unit, a " + (md.fc ? "weight of W" : "kernel weight") +
        " or an input pixel (click, tap, or Tab to a grid, then arrow keys and Enter).";
    this.live.textContent = res ? res.short : hint;
    this.detail.textContent = res ? res.sentence : hint;
  };

  var api = { model: model, select: select, dump: dump, settings: settings, disabledReason: disabledReason,
    sizes: sizes, CONTROLS: CONTROLS, values: { X: X, K: K, W: W, DY: DY, LW: LW }, instances: [] };
  window.FCConvExplorer = api;

  function start() {
    Array.prototype.forEach.call(document.querySelectorAll("[data-explorer]"), function (root) {
      api.instances.push(new Explorer(root));
    });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
