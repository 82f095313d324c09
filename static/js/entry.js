// Monthly entry forms: a quick "not a number" hint while typing (the server's checks are the real
// ones, with the same Vietnamese messages), and no double submit. No inline scripts (CSP 'self').
(function () {
  "use strict";
  var NUMBER = /^-?[0-9][0-9.,\s]*%?$/;
  function check(input) {
    var box = document.getElementById(input.getAttribute("aria-describedby"));
    var hint = box && box.querySelector(".js-error");
    if (!hint) return;
    var text = input.value.trim();
    if (text === "" || NUMBER.test(text)) {
      hint.hidden = true;
      hint.textContent = "";
      input.removeAttribute("aria-invalid");
    } else {
      hint.textContent = "\"" + text + "\" kh\u00f4ng ph\u1ea3i l\u00e0 s\u1ed1";
      hint.hidden = false;
      input.setAttribute("aria-invalid", "true");
    }
  }
  document.querySelectorAll("input.vn-number").forEach(function (input) {
    input.addEventListener("input", function () { check(input); });
    input.addEventListener("blur", function () { check(input); });
  });
  document.querySelectorAll("#entry-form, #table-form").forEach(function (form) {
    form.addEventListener("submit", function () {
      window.setTimeout(function () {
        form.querySelectorAll("button[type=submit]").forEach(function (b) { b.disabled = true; });
      }, 0);
    });
  });
})();
