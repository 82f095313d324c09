// Report page: poll the DOCX/PDF files being rendered by the worker and show their progress.
(function () {
  "use strict";
  function poll(item) {
    var url = item.getAttribute("data-file-status-url");
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (r) { return r.json(); })
      .then(function (data) {
        var bar = item.querySelector("progress");
        var text = item.querySelector(".file-progress");
        var state = item.querySelector(".file-state");
        if (bar) { bar.value = data.progress; }
        if (text) { text.textContent = data.progress + "%"; }
        if (state) { state.textContent = data.state_label; }
        item.setAttribute("data-state", data.state);
        if (data.state === "done" && data.download_url) {
          var link = document.createElement("a");
          link.href = data.download_url;
          link.textContent = "Tải về";
          [".progress", ".file-progress", ".file-state"].forEach(function (sel) {
            var el = item.querySelector(sel);
            if (el) { el.remove(); }
          });
          item.appendChild(link);
        } else if (data.state === "failed") {
          var err = document.createElement("span");
          err.className = "error";
          err.textContent = data.message;
          item.appendChild(err);
        } else {
          window.setTimeout(function () { poll(item); }, 1000);
        }
      })
      .catch(function () { window.setTimeout(function () { poll(item); }, 3000); });
  }
  document.querySelectorAll("[data-file-status-url]").forEach(function (item) {
    var state = item.getAttribute("data-state");
    if (state === "pending" || state === "running") { poll(item); }
  });
})();
