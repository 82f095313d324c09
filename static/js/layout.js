// Every page: tables that do not fit their box (a phone) are read as stacked rows, one block per row
// with the name first, the headline figure next and the other cells labelled by their column header;
// a table that still scrolls sideways in its box (a wide screen) can be scrolled with the keyboard.
// No inline scripts (CSP 'self'). Markup hints: <th class="name"> (the row's name column, else the
// first one), <th class="headline"> (else the first numeric column), <table class="no-stack">.
(function () {
  "use strict";

  function headers(table) {
    var row = table.tHead && table.tHead.rows[table.tHead.rows.length - 1];
    return row ? Array.prototype.slice.call(row.cells) : [];
  }

  function prepare(table) {
    var ths = headers(table);
    if (!ths.length) { return; }
    // innerText keeps a <br> as a line break: "HTS-FTTH<br>Tỷ lệ (%)" reads "HTS-FTTH · Tỷ lệ (%)"
    var labels = ths.map(function (th) {
      return (th.innerText || th.textContent).split(/\n+/).map(function (t) { return t.trim(); }).filter(Boolean).join(" · ");
    });
    var name = ths.findIndex(function (th) { return th.classList.contains("name"); });
    if (name < 0) {
      name = /^(#|hạng|stt|xếp hạng)?$/i.test(ths[0].textContent.trim()) && ths.length > 1 ? 1 : 0;
    }
    var headline = ths.findIndex(function (th) { return th.classList.contains("headline"); });
    if (headline < 0) {
      headline = ths.findIndex(function (th, i) { return i !== name && th.classList.contains("num"); });
    }
    Array.prototype.forEach.call(Array.prototype.concat.apply([], [Array.prototype.slice.call(table.tBodies), table.tFoot ? [table.tFoot] : []]), function (body) {
      Array.prototype.forEach.call(body.rows, function (tr) {
        var col = 0;
        Array.prototype.forEach.call(tr.cells, function (cell) {
          var th = ths[col];
          if (th && !cell.hasAttribute("data-label")) { cell.setAttribute("data-label", labels[col] || ""); }
          if (col === name) { cell.classList.add("cell-name"); }
          if (col === headline) { cell.classList.add("cell-headline"); }
          col += cell.colSpan || 1;
        });
      });
    });
    table.setAttribute("data-prepared", "1");
  }

  function fit() {
    document.querySelectorAll("table.data:not(.no-stack)").forEach(function (table) {
      if (!table.hasAttribute("data-prepared")) { prepare(table); }
      table.classList.remove("stacked");
      var box = table.parentElement;
      if (table.offsetWidth > box.clientWidth + 1 || table.offsetWidth > document.documentElement.clientWidth) {
        table.classList.add("stacked");
      }
    });
    document.querySelectorAll(".table-wrap, .table-scroll").forEach(function (box) {
      if (box.scrollWidth > box.clientWidth + 1) {
        box.setAttribute("tabindex", "0");
        box.setAttribute("role", "region");
        if (!box.hasAttribute("aria-label")) { box.setAttribute("aria-label", "Bảng (cuộn ngang để xem thêm)"); }
      } else {
        box.removeAttribute("tabindex");
        box.removeAttribute("role");
      }
    });
  }

  var pending = false;
  function refit() {
    if (pending) { return; }
    pending = true;
    window.requestAnimationFrame(function () { pending = false; fit(); });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", fit);
  } else {
    fit();
  }
  window.addEventListener("resize", refit);
  window.addEventListener("beforeprint", function () {
    document.querySelectorAll("table.stacked").forEach(function (t) { t.classList.remove("stacked"); });
  });
  window.addEventListener("afterprint", fit);
})();
