/* Small progressive enhancements; every page works without them. No inline scripts anywhere:
   behaviour hangs on data- attributes so that a strict Content-Security-Policy can be applied. */
(function () {
  "use strict";
  document.documentElement.classList.add("js");

  // Anchors land below the sticky header (app.css: scroll-padding-top), however tall it is on this screen.
  function measureHeader() {
    var header = document.querySelector(".topbar");
    if (header) { document.documentElement.style.setProperty("--sticky-header", header.offsetHeight + "px"); }
  }
  window.addEventListener("resize", measureHeader);
  document.addEventListener("DOMContentLoaded", measureHeader);

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

  // The tab bar (base.html): while tabs lie beyond an edge (a phone), a fade and an arrow say so at
  // that edge, and the arrow scrolls the bar by most of its width. The current tab is brought into view.
  function navScroller(box) {
    var nav = box.querySelector(".mainnav");
    var back = box.querySelector("[data-nav-step='-1']");
    var more = box.querySelector("[data-nav-step='1']");
    if (!nav || !back || !more) { return; }
    function update() {
      var end = nav.scrollWidth - nav.clientWidth;
      var before = nav.scrollLeft > 1;
      var after = nav.scrollLeft < end - 1;
      box.classList.toggle("more-before", before);
      box.classList.toggle("more-after", after);
      back.hidden = !before;
      more.hidden = !after;
    }
    box.addEventListener("click", function (event) {
      var button = event.target.closest("[data-nav-step]");
      if (!button) { return; }
      var step = parseInt(button.getAttribute("data-nav-step"), 10) * Math.max(nav.clientWidth * 0.7, 80);
      nav.scrollBy({ left: step, behavior: "smooth" });
    });
    nav.addEventListener("scroll", update, { passive: true });
    window.addEventListener("resize", update);
    var current = nav.querySelector("[aria-current=page]");
    if (current) {
      var offset = current.getBoundingClientRect().left - nav.getBoundingClientRect().left;
      nav.scrollLeft += offset - (nav.clientWidth - current.offsetWidth) / 2;
    }
    update();
  }

  // A table scrolled sideways (the dashboard's ranking on a phone): the column it is sorted by is
  // marked and scrolled into view beside the sticky name column, so the ranked figure is on screen.
  function sortedColumnInView(box) {
    var sorted = box.querySelector("thead th[aria-sort=ascending], thead th[aria-sort=descending]");
    if (!sorted) { return; }
    var index = sorted.cellIndex;
    Array.prototype.forEach.call(box.querySelectorAll("tr"), function (row) {
      if (row.cells[index]) { row.cells[index].classList.add("is-sorted"); }
    });
    var first = box.querySelector("thead th:first-child");
    var covered = first && first !== sorted && window.getComputedStyle(first).position === "sticky"
      ? first.getBoundingClientRect().width : 0;
    var edge = box.getBoundingClientRect();
    var rect = sorted.getBoundingClientRect();
    if (rect.right > edge.right) { box.scrollLeft += rect.right - edge.right + 8; }
    rect = sorted.getBoundingClientRect();
    if (rect.left < edge.left + covered) { box.scrollLeft -= edge.left + covered - rect.left; }
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-nav-scroller]").forEach(navScroller);
    document.querySelectorAll(".table-scroll").forEach(sortedColumnInView);
  });

  // After a failed submit the form's error summary (includes/form_errors.html) takes the focus: a screen
  // reader reads it and the Tab key starts from it. Whether the page came whole (a POST answered, or that
  // answer reloaded or brought back from the history) or its form was swapped in by htmx.
  function focusErrorSummary(root) {
    var summary = root.querySelector("[data-error-summary]");
    if (!summary) { return; }
    // A reload would put the page back where it was scrolled, away from the summary.
    if ("scrollRestoration" in history) { history.scrollRestoration = "manual"; }
    var folded = summary.closest("details:not([open])");
    if (folded) { folded.open = true; }
    summary.focus();
  }
  document.addEventListener("DOMContentLoaded", function () { focusErrorSummary(document); });
  window.addEventListener("pageshow", function (event) { if (event.persisted) { focusErrorSummary(document); } });
  // htmx also announces the whole body once it has started, maybe after the user has moved on: only content
  // it swapped in later may take the focus.
  document.addEventListener("htmx:load", function (event) {
    var elt = event.detail.elt;
    if (elt !== document.body && elt.querySelector) { focusErrorSummary(elt); }
  });
  // Its links take the focus to their field, opening the step it is folded in.
  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest("[data-error-summary] a[href^='#']");
    var field = link && document.getElementById(link.getAttribute("href").slice(1));
    if (!field) { return; }
    event.preventDefault();
    var folded = field.closest("details:not([open])");
    if (folded) { folded.open = true; }
    field.focus();
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

  // A long list (the dispatch form's departments) gets a search box that hides the options not
  // matching what is typed, and the groups left empty; without the script the box stays hidden.
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("input[data-filter-options]").forEach(function (input) { input.hidden = false; });
  });
  document.addEventListener("input", function (event) {
    var input = event.target;
    if (!input.matches || !input.matches("input[data-filter-options]")) { return; }
    var select = document.getElementById(input.getAttribute("data-filter-options"));
    if (!select) { return; }
    var query = input.value.trim().toLowerCase();
    Array.prototype.forEach.call(select.options, function (option) {
      option.hidden = Boolean(query) && option.value !== "" && !option.selected &&
        option.text.toLowerCase().indexOf(query) === -1;
    });
    Array.prototype.forEach.call(select.querySelectorAll("optgroup"), function (group) {
      group.hidden = Array.prototype.every.call(group.children, function (option) { return option.hidden; });
    });
  });

  // Photo inputs: say at once when too many photos are chosen, counting those the form already keeps
  // (the server checks again).
  document.addEventListener("change", function (event) {
    var input = event.target;
    if (!input.matches || !input.matches("input[type=file][data-max-photos]")) { return; }
    var max = parseInt(input.getAttribute("data-max-photos"), 10);
    var box = input.closest("[data-photo-input]");
    var kept = box ? box.querySelectorAll("[data-kept-photos] input:checked").length : 0;
    var message = input.files.length + kept > max ? (input.getAttribute("data-too-many") || "") : "";
    input.setCustomValidity(message);
    if (message) { input.reportValidity(); }
  });

  // A week picker where the browser has none (it shows <input type="week"> as text): a date picker
  // instead, whose day stands for its Monday-to-Sunday week (the server takes either).
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("input[data-week-fallback]").forEach(function (input) {
      if (input.type === "week") { return; }
      input.type = "date";
      input.removeAttribute("pattern");
      input.value = input.getAttribute("data-week-fallback");
      input.max = input.getAttribute("data-week-fallback-max") || "";
    });
  });
})();
