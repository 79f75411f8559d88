// Polls an import job's status every second, moves the progress bar, and reloads the page once the
// job has finished so that the server renders its counts or errors.
(function () {
  "use strict";
  var box = document.getElementById("job-progress");
  if (!box) {
    return;
  }
  var url = box.getAttribute("data-status-url");
  var bar = box.querySelector("progress");
  var text = box.querySelector("[data-role=text]");

  function poll() {
    fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (response) {
        if (!response.ok) {
          throw new Error("HTTP " + response.status);
        }
        return response.json();
      })
      .then(function (job) {
        if (job.finished) {
          window.location.reload();
          return;
        }
        bar.value = job.percent;
        bar.textContent = job.percent + "%";
        text.textContent = job.status_display + " · " + job.percent + "%";
        window.setTimeout(poll, 1000);
      })
      .catch(function () {
        window.setTimeout(poll, 5000);
      });
  }

  window.setTimeout(poll, 1000);
})();
