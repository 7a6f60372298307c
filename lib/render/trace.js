// gomedic trace --html: zoom (wheel, drag), reset (double click or the button), hover (the
// numbers of the column and row under the mouse). The data is the JSON in #tl-data.
(function () {
  "use strict";
  var d = JSON.parse(document.getElementById("tl-data").textContent);
  var svg = document.getElementById("timeline");
  var plot = document.getElementById("plot");
  var tip = document.getElementById("tip");
  var cols = d.cols, x0 = 0, x1 = cols;
  function fmt(ns) {
    if (ns >= 1e9) return (ns / 1e9).toFixed(3) + " s";
    if (ns >= 1e6) return (ns / 1e6).toFixed(2) + " ms";
    if (ns >= 1e3) return (ns / 1e3).toFixed(1) + " \u00b5s";
    return Math.round(ns) + " ns";
  }
  function view() {
    plot.setAttribute("viewBox", x0 + " 0 " + (x1 - x0) + " " + d.height);
    var ticks = document.getElementById("ticks");
    while (ticks.firstChild) ticks.removeChild(ticks.firstChild);
    for (var i = 0; i <= 4; i++) {
      var c = x0 + (x1 - x0) * i / 4;
      var t = document.createElementNS("http://www.w3.org/2000/svg", "text");
      t.setAttribute("x", d.left + d.width * i / 4);
      t.setAttribute("y", 12);
      t.setAttribute("class", "axis");
      t.setAttribute("text-anchor", i == 0 ? "start" : i == 4 ? "end" : "middle");
      t.textContent = fmt(c * d.col_ns);
      ticks.appendChild(t);
    }
  }
  function colAt(evt) {
    var r = svg.getBoundingClientRect();
    var px = (evt.clientX - r.left) * (svg.viewBox.baseVal.width / r.width) - d.left;
    if (px < 0 || px > d.width) return -1;
    return x0 + (x1 - x0) * px / d.width;
  }
  function rowAt(evt) {
    var r = svg.getBoundingClientRect();
    var py = (evt.clientY - r.top) * (svg.viewBox.baseVal.height / r.height) - d.top;
    for (var i = 0; i < d.rows.length; i++) {
      if (py >= d.rows[i].y && py < d.rows[i].y + d.rows[i].h) return i;
    }
    return -1;
  }
  svg.addEventListener("wheel", function (evt) {
    var c = colAt(evt);
    if (c < 0) return;
    evt.preventDefault();
    var k = evt.deltaY < 0 ? 0.8 : 1.25;
    var w = Math.min(cols, Math.max(4, (x1 - x0) * k));
    x0 = Math.max(0, Math.min(cols - w, c - (c - x0) * w / (x1 - x0)));
    x1 = x0 + w;
    view();
  }, {passive: false});
  var drag = null;
  svg.addEventListener("mousedown", function (evt) { drag = {x: evt.clientX, x0: x0, x1: x1}; });
  window.addEventListener("mouseup", function () { drag = null; });
  svg.addEventListener("mousemove", function (evt) {
    if (drag) {
      var r = svg.getBoundingClientRect();
      var dc = (evt.clientX - drag.x) * (svg.viewBox.baseVal.width / r.width) / d.width * (drag.x1 - drag.x0);
      var w = drag.x1 - drag.x0;
      x0 = Math.max(0, Math.min(cols - w, drag.x0 - dc));
      x1 = x0 + w;
      view();
    }
    var c = colAt(evt), ri = rowAt(evt);
    if (c < 0 || ri < 0) { tip.style.display = "none"; return; }
    var ci = Math.min(cols - 1, Math.floor(c)), row = d.rows[ri];
    var s = fmt(ci * d.col_ns) + " .. " + fmt((ci + 1) * d.col_ns) + "\n" + row.name + "\n";
    if (row.kind === "group") {
      s += "running " + row.v[0][ci] + ", runnable " + row.v[1][ci] + ", syscall " + row.v[2][ci] +
           ", waiting " + row.v[3][ci] + " (goroutines, on average)";
    } else {
      s += Math.round(row.v[ci] * 100) + "% of the column";
    }
    tip.textContent = s;
    tip.style.left = (evt.clientX + 14) + "px";
    tip.style.top = (evt.clientY + 14) + "px";
    tip.style.display = "block";
  });
  svg.addEventListener("mouseleave", function () { tip.style.display = "none"; });
  function reset() { x0 = 0; x1 = cols; view(); }
  svg.addEventListener("dblclick", reset);
  document.getElementById("reset").addEventListener("click", reset);
  view();
  window.gomedicTrace = {zoom: function (a, b) { x0 = a; x1 = b; view(); }, view: function () { return [x0, x1]; }};
})();
