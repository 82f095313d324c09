// Excel intake pages: drag-and-drop on the upload page, polling a batch a worker is reading or writing.
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

  // A batch being read (pending) or written (committing) by a worker: poll, reload once it moves on.
  var box = document.getElementById("batch-status");
  var waiting = box ? box.dataset.status : "";
  if (waiting === "pending" || waiting === "committing") {
    var timer = setInterval(function () {
      fetch(box.dataset.statusUrl).then(function (r) { return r.json(); }).then(function (s) {
        var p = document.getElementById("progress");
        if (p) { p.value = s.progress; }
        if (s.status !== waiting) { clearInterval(timer); window.location.reload(); }
      });
    }, 1000);
  }
})();
