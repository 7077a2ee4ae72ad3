/* The Workshop tab in the browser: the curve for a month, the months to come hidden,
   play, and the levers' printed values.  No server round trip: playing the 36 months
   draws every month at the interval's pace (dashboard/tab_workshop.py registers these
   functions as clientside callbacks).

   window.wsFrames records [month, time in ms] each time the curve is redrawn (read by
   the play benchmark and the tests). */
(function () {
  "use strict";
  function no() { return window.dash_clientside.no_update; }
  window.wsFrames = window.wsFrames || [];

  function slice(a, n) { return a ? a.slice(0, n) : a; }

  function band(x, lo, hi, colour, name) {
    var xs = x.concat(x.slice().reverse());
    var ys = hi.concat(lo.slice().reverse());
    return {type: "scatter", x: xs, y: ys, fill: "toself", fillcolor: colour, line: {width: 0},
            hoverinfo: "skip", showlegend: false, name: name, mode: "lines"};
  }

  function rgba(hex, alpha) {
    var h = hex.replace("#", "");
    return "rgba(" + parseInt(h.slice(0, 2), 16) + "," + parseInt(h.slice(2, 4), 16) + "," +
      parseInt(h.slice(4, 6), 16) + "," + alpha + ")";
  }

  function curve(d, month) {
    if (!d) { return no(); }
    var m = Math.max(0, Math.min(d.months - 1, month === null || month === undefined ? d.months - 1 : month));
    var n = m + 1;
    var x = []; for (var i = 0; i < n; i++) { x.push(i); }
    var c = d.colours, traces = [];
    if (d.ref_lo) { traces.push(band(x, slice(d.ref_lo, n), slice(d.ref_hi, n), rgba(c.reference, 0.16), d.labels.reference)); }
    if (d.lo) { traces.push(band(x, slice(d.lo, n), slice(d.hi, n), rgba(c.yours, 0.2), d.labels.yours)); }
    traces.push({type: "scatter", mode: "lines", x: x, y: slice(d.ref, n), name: d.labels.reference,
                 line: {color: c.reference, width: 4, dash: "dash"},
                 hovertemplate: "%{y:.1%}<extra>" + d.labels.reference + "</extra>"});
    traces.push({type: "scatter", mode: "lines", x: x, y: slice(d.yours, n), name: d.labels.yours,
                 line: {color: c.yours, width: 5}, hovertemplate: "%{y:.1%}<extra>" + d.labels.yours + "</extra>"});
    traces.push({type: "scatter", mode: "markers", x: [m, m], y: [d.ref[m], d.yours[m]], showlegend: false,
                 hoverinfo: "skip", marker: {size: 13, color: [c.reference, c.yours]}});
    var size = d.size - 3;
    var axis = {gridcolor: d.grid, zerolinecolor: d.grid, linecolor: "#9CA3AF", automargin: true,
                tickfont: {size: size - 1}, title: {font: {size: size}, standoff: 6}};
    var layout = {
      font: {family: d.font, size: size, color: d.ink}, separators: d.separators,
      paper_bgcolor: "white", plot_bgcolor: "white", margin: {l: 8, r: 12, t: 34, b: 8},
      showlegend: true, hovermode: "x",
      legend: {orientation: "h", x: 0, y: 1, xanchor: "left", yanchor: "bottom", font: {size: size - 1}},
      xaxis: Object.assign({}, axis, {range: [-0.5, d.months - 0.5], dtick: 6,
                                      title: Object.assign({}, axis.title, {text: d.axis_x})}),
      yaxis: Object.assign({}, axis, {range: d.yrange, tickformat: ".0%",
                                      title: Object.assign({}, axis.title, {text: d.axis_y})}),
      shapes: [{type: "line", x0: d.start - 0.5, x1: d.start - 0.5, yref: "paper", y0: 0, y1: 1,
                line: {color: "#6B7280", width: 2, dash: "dot"}}],
      annotations: [{x: d.start - 0.5, xanchor: "left", xshift: 4, yref: "paper", y: 0.02, yanchor: "bottom",
                     text: d.levers, showarrow: false, font: {size: size - 2, color: "#4B5563"}}],
      uirevision: "ws"
    };
    window.wsFrames.push([m, performance.now()]);
    window.wsPending = d.key + "|" + m;
    hook();
    return {data: traces, layout: layout};
  }

  // window.wsDrawn: "setting|month" of the curve plotly last finished drawing
  function hook() {
    setTimeout(function () {
      var g = document.querySelector("#ws-fig-ts .js-plotly-plot");
      if (g && g.on && !g.wsHooked) {
        g.wsHooked = true;
        g.on("plotly_afterplot", function () { window.wsDrawn = window.wsPending; });
      }
    }, 0);
  }

  // hide the months to come in the persona rows: one CSS rule, whatever is rendered
  function mask(month) {
    var style = document.getElementById("ws-mask-style");
    if (!style) {
      style = document.createElement("style");
      style.id = "ws-mask-style";
      document.head.appendChild(style);
    }
    var m = month === null || month === undefined ? 999 : month;
    var sel = [];
    for (var i = m + 1; i < 120; i++) { sel.push('#ws-personas .cell[data-m="' + i + '"]'); }
    style.textContent = sel.length ? sel.join(",") + "{background:#fff !important;color:transparent !important;" +
      "box-shadow:inset 0 0 0 1px #F3F4F6 !important;}" : "";
    return [String(m), String(m)];
  }

  function play(n, stopped, month, max) {
    if (!n) { return [no(), no(), no()]; }
    if (stopped) {  // start, from the beginning if at the end
      var restart = month === null || month === undefined || month >= max;
      return [false, "play-button playing", restart ? 0 : no()];
    }
    return [true, "play-button", no()];
  }

  function tick(n, month, max) {
    var next = (month || 0) + 1;
    if (next >= max) { return [max, true, "play-button"]; }
    return [next, no(), no()];
  }

  function number(v, lang) {
    return lang === "en" ? String(v).replace(/\B(?=(\d{3})+(?!\d))/g, ",")
                         : String(v).replace(/\B(?=(\d{3})+(?!\d))/g, "\u202f");
  }

  function leverValue(drag, value, lang) {
    var v = drag === null || drag === undefined ? value : drag;
    if (v === null || v === undefined) { return no(); }
    return number(v, lang) + (lang === "en" ? "%" : "\u202f%");
  }

  function hoursValue(drag, value, lang) {
    var v = drag === null || drag === undefined ? value : drag;
    if (v === null || v === undefined) { return no(); }
    return number(v, lang) + (lang === "en" ? "\u00a0h/mo" : "\u00a0h/mois");
  }

  function view(which) {
    var show = {display: "block"}, hide = {display: "none"};
    return [which === "journeys" || !which ? show : hide, which === "why" ? show : hide,
            which === "work" ? show : hide];
  }

  window.dash_clientside = Object.assign({}, window.dash_clientside, {
    workshop: {curve: curve, mask: mask, play: play, tick: tick, leverValue: leverValue,
               hoursValue: hoursValue, view: view}
  });
})();
