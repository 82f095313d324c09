/* CĐS Portal dashboards: draw the server-built plotly figures and submit filter forms on change.
 * No inline scripts anywhere (Content-Security-Policy script-src 'self'): each figure is a JSON
 * <script type="application/json"> written by Django's json_script, named by the chart's
 * data-figure attribute. */
(function () {
  "use strict";

  var CONFIG = { displayModeBar: false, responsive: true, displaylogo: false };

  function plotly() {
    return window.Plotly;
  }

  function draw(el) {
    var source = document.getElementById(el.getAttribute("data-figure"));
    if (!source || !plotly()) {
      return;
    }
    var figure = JSON.parse(source.textContent);
    plotly().newPlot(el, figure.data, figure.layout, CONFIG).then(function () {
      el.setAttribute("data-drawn", "1");
    });
  }

  function drawAll() {
    document.querySelectorAll("[data-figure]").forEach(draw);
  }

  function autosubmit() {
    document.querySelectorAll("form[data-autosubmit] select").forEach(function (select) {
      select.addEventListener("change", function () {
        select.form.submit();
      });
    });
  }

  // Printed handouts: fit the charts to the paper width, then back to the screen.
  function resizeAll() {
    if (!plotly()) {
      return;
    }
    document.querySelectorAll("[data-drawn]").forEach(function (el) {
      plotly().Plots.resize(el);
    });
  }

  function start() {
    drawAll();
    autosubmit();
    window.addEventListener("beforeprint", resizeAll);
    window.addEventListener("afterprint", resizeAll);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
