/* A weekly report's page while its workbook builds: polls the status every second, moves the
   progress bar, and reloads once the build has finished so that the server shows the download.
   No inline counterpart: the status URL comes from the page's data-status-url attribute. */
(function () {
  "use strict";
  var box = document.getElementById("weekly-report");
  if (!box) {
    return;
  }
  var url = box.getAttribute("data-status-url");
  var bar = box.querySelector("progress");
  var percent = box.querySelector("[data-role=percent]");
  var status = box.querySelector("[data-role=status]");
  var rows = box.querySelector("[data-role=rows]");

  function show(report) {
    bar.value = report.percent;
    bar.textContent = report.percent + "%";
    percent.textContent = report.percent + "%";
    status.textContent = report.status_display;
    status.className = "badge status-" + report.status;
    rows.textContent = report.total ? report.done + " / " + report.total : "";
  }

  function poll() {
    fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (response) {
        if (!response.ok) {
          throw new Error("HTTP " + response.status);
        }
        return response.json();
      })
      .then(function (report) {
        show(report);
        if (report.finished) {
          window.location.reload();
          return;
        }
        window.setTimeout(poll, 1000);
      })
      .catch(function () {
        window.setTimeout(poll, 5000);
      });
  }

  window.setTimeout(poll, 1000);
})();
