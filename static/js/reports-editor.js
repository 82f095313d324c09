// A small rich-text editor for the editorial sections: headings, paragraphs, lists, links and images
// with captions. The HTML is sanitised on the server (nh3) whatever this produces.
(function () {
  "use strict";
  var form = document.getElementById("report-form");
  if (!form) { return; }
  var uploadUrl = form.getAttribute("data-upload-url");
  // Enter starts a new <p> (browsers default to <div>, which the report does not print as a paragraph;
  // the server turns any <div> into <p> too).
  document.execCommand("defaultParagraphSeparator", false, "p");
  var csrf = form.querySelector("input[name=csrfmiddlewaretoken]").value;

  function button(label, title, action) {
    var b = document.createElement("button");
    b.type = "button";
    b.textContent = label;
    b.title = title;
    b.addEventListener("click", action);
    return b;
  }

  function insertFigure(area, url, caption) {
    var figure = document.createElement("figure");
    var img = document.createElement("img");
    img.src = url;
    img.alt = caption;
    figure.appendChild(img);
    var cap = document.createElement("figcaption");
    cap.textContent = caption;
    figure.appendChild(cap);
    area.appendChild(figure);
  }

  document.querySelectorAll("textarea.rich-text").forEach(function (textarea) {
    var area = document.createElement("div");
    area.className = "editor-area";
    area.contentEditable = "true";
    area.innerHTML = textarea.value || "<p><br></p>";
    area.setAttribute("role", "textbox");
    area.setAttribute("aria-multiline", "true");
    var label = textarea.id && document.querySelector('label[for="' + textarea.id + '"]');
    if (label) { area.setAttribute("aria-label", label.textContent.trim()); }
    var bar = document.createElement("div");
    bar.className = "editor-toolbar";
    function cmd(name, value) { return function () { area.focus(); document.execCommand(name, false, value); }; }
    bar.appendChild(button("Tiêu đề", "Tiêu đề bài", cmd("formatBlock", "h3")));
    bar.appendChild(button("Tiêu đề nhỏ", "Tiêu đề nhỏ", cmd("formatBlock", "h4")));
    bar.appendChild(button("Đoạn", "Đoạn văn", cmd("formatBlock", "p")));
    bar.appendChild(button("B", "Chữ đậm", cmd("bold")));
    bar.appendChild(button("I", "Chữ nghiêng", cmd("italic")));
    bar.appendChild(button("• Danh sách", "Danh sách", cmd("insertUnorderedList")));
    bar.appendChild(button("1. Danh sách", "Danh sách đánh số", cmd("insertOrderedList")));
    bar.appendChild(button("Liên kết", "Chèn liên kết", function () {
      var url = window.prompt("Địa chỉ liên kết (https://…)");
      if (url) { area.focus(); document.execCommand("createLink", false, url); }
    }));
    var file = document.createElement("input");
    file.type = "file";
    file.accept = "image/*";
    file.hidden = true;
    file.addEventListener("change", function () {
      if (!file.files.length) { return; }
      var data = new FormData();
      data.append("image", file.files[0]);
      fetch(uploadUrl, { method: "POST", body: data, credentials: "same-origin", headers: { "X-CSRFToken": csrf } })
        .then(function (r) { return r.json(); })
        .then(function (json) {
          if (json.error) { window.alert(json.error); return; }
          insertFigure(area, json.url, window.prompt("Chú thích ảnh") || "");
        });
      file.value = "";
    });
    bar.appendChild(button("Ảnh", "Chèn ảnh có chú thích", function () { file.click(); }));
    bar.appendChild(file);
    textarea.hidden = true;
    textarea.parentNode.insertBefore(bar, textarea);
    textarea.parentNode.insertBefore(area, textarea);
    form.addEventListener("submit", function () {
      var text = area.textContent.replace(/\s+/g, "");
      textarea.value = text || area.querySelector("img") ? area.innerHTML : "";
    });
  });
})();
