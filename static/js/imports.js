// Excel intake pages: drag-and-drop on the upload page, progress polling on a pending batch.
(function () {
  "use strict";
  var zone = document.getElementById("dropzone");
  if (zone) {
    var input = zone.querySelector("input[type=file]");
    ["dragenter", "dragover"].forEach(function (e) {
      zone.addEventListener(e, function (ev) { ev.preventDefault(); zone.classList.add("over"); });
    });
    ["dragleave", "drop"].forEach(function (e) {
      zone.addEventListener(e, function (ev) { ev.preventDefault(); zone.classList.remove("over"); });
    });
    zone.addEventListener("drop", function (ev) {
      if (ev.dataTransfer.files.length) { input.files = ev.dataTransfer.files; }
    });
  }

  var box = document.getElementById("batch-status");
  if (box && box.dataset.status === "pending") {
    var timer = setInterval(function () {
      fetch(box.dataset.statusUrl).then(function (r) { return r.json(); }).then(function (s) {
        var p = document.getElementById("progress");
        if (p) { p.value = s.progress; }
        if (s.status !== "pending") { clearInterval(timer); window.location.reload(); }
      });
    }, 1000);
  }
})();
