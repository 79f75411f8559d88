/* Small progressive enhancements; every page works without them. No inline scripts anywhere:
   behaviour hangs on data- attributes so that a strict Content-Security-Policy can be applied. */
(function () {
  "use strict";
  document.documentElement.classList.add("js");

  document.addEventListener("DOMContentLoaded", function () {
    // List pages: changing the sort order applies it at once.
    document.querySelectorAll("[data-autosubmit-form] select[name=sort]").forEach(function (select) {
      select.addEventListener("change", function () { select.form.requestSubmit(); });
    });

    // A choice made while the scripts were still loading (a slow network) fired its event before
    // htmx listened: send it again now, so that what depends on it (a grid's places) arrives.
    if (!window.htmx) { return; }
    document.querySelectorAll("[hx-get][hx-trigger]").forEach(function (control) {
      var changed = control.tagName === "SELECT"
        ? Array.prototype.some.call(control.options, function (option) { return option.selected !== option.defaultSelected; })
        : control.value !== control.defaultValue;
      if (changed) { window.htmx.trigger(control, control.getAttribute("hx-trigger").split(/[\s,]/)[0]); }
    });
  });

  // The account menu (<details>) closes when one taps elsewhere.
  document.addEventListener("click", function (event) {
    document.querySelectorAll("details.menu[open]").forEach(function (menu) {
      if (!menu.contains(event.target)) { menu.removeAttribute("open"); }
    });
  });

  // Search boxes inside a bigger form update their options live (htmx); Enter must not submit the form.
  document.addEventListener("keydown", function (event) {
    if (event.key === "Enter" && event.target.matches && event.target.matches("[data-enter-search]")) {
      event.preventDefault();
    }
  });

  // Photo inputs: say at once when too many photos are chosen (the server checks again).
  document.addEventListener("change", function (event) {
    var input = event.target;
    if (!input.matches || !input.matches("input[type=file][data-max-photos]")) { return; }
    var max = parseInt(input.getAttribute("data-max-photos"), 10);
    var message = input.files.length > max ? (input.getAttribute("data-too-many") || "") : "";
    input.setCustomValidity(message);
    if (message) { input.reportValidity(); }
  });
})();
