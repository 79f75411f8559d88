/* The mock evaluation's sheets on the phone, with or without a network.

   The round page and each sheet page register the service worker (/evaluation-sw.js, which answers the
   pages from its cache when the network is gone) and keep the team's sheets in the cache, so that they
   open offline. A sheet is not sent by the browser's form submit: it is first kept in IndexedDB (answers
   and photos), then sent by this page; without a network it stays queued, and the pages send the queue as
   soon as the network returns (on "online", on load, and every 30 s) — not Background Sync, which browsers
   may not fire. Each sheet carries the key its page was given, so a sheet sent twice is recorded once. */
(function () {
  "use strict";

  var DB = "evaluation", STORE = "sheets", CACHE = "evaluation-sheets-v1";

  function database() {
    return new Promise(function (resolve, reject) {
      var request = indexedDB.open(DB, 1);
      request.onupgradeneeded = function () { request.result.createObjectStore(STORE, { keyPath: "key" }); };
      request.onsuccess = function () { resolve(request.result); };
      request.onerror = function () { reject(request.error); };
    });
  }

  function store(mode, work) {
    return database().then(function (db) {
      return new Promise(function (resolve, reject) {
        var tx = db.transaction(STORE, mode);
        var result = work(tx.objectStore(STORE));
        tx.oncomplete = function () { resolve(result && "result" in result ? result.result : undefined); };
        tx.onerror = function () { reject(tx.error); };
      });
    });
  }

  function queued() { return store("readonly", function (s) { return s.getAll(); }); }
  function keep(record) { return store("readwrite", function (s) { return s.put(record); }); }
  function forget(key) { return store("readwrite", function (s) { return s.delete(key); }); }

  function showPending() {
    var status = document.querySelector("[data-offline-status]");
    if (!status || !window.indexedDB) { return Promise.resolve(); }
    return queued().then(function (records) {
      var count = records.length;
      status.setAttribute("data-pending", String(count));
      status.textContent = count ? (status.getAttribute("data-msg-pending") || "%(count)s").replace("%(count)s", count) : "";
    });
  }

  // Send one kept sheet; resolves with the server's answer, rejects when the network fails.
  function send(record) {
    var body = new FormData();
    record.fields.forEach(function (field) {
      if (field.blob) { body.append(field.name, field.blob, field.filename); } else { body.append(field.name, field.value); }
    });
    return fetch(record.url, {
      method: "POST", body: body, credentials: "same-origin",
      headers: { "Accept": "application/json", "X-CSRFToken": record.csrf }
    }).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (data) {
        return { status: response.status, data: data };
      });
    });
  }

  var flushing = false;
  function flush() {
    if (flushing || !window.indexedDB || !window.fetch) { return Promise.resolve(); }
    flushing = true;
    return queued().then(function (records) {
      return records.reduce(function (chain, record) {
        return chain.then(function () {
          return send(record).then(function (answer) {
            // Recorded (201), or recorded before (200), or refused for good (4xx): out of the queue. A
            // refusal is kept on the record's page to be shown; a server error leaves it queued.
            if (answer.status < 500) {
              return forget(record.key).then(function () { return answer; });
            }
            return answer;
          }, function () { return null; });
        });
      }, Promise.resolve());
    }).then(function () { flushing = false; return showPending(); }, function () { flushing = false; });
  }

  function fieldsOf(form) {
    var fields = [];
    Array.prototype.forEach.call(form.elements, function (element) {
      if (!element.name || element.disabled) { return; }
      if (element.type === "file") {
        Array.prototype.forEach.call(element.files, function (file) {
          fields.push({ name: element.name, blob: file, filename: file.name });
        });
      } else if ((element.type === "radio" || element.type === "checkbox") && !element.checked) {
        return;
      } else if (element.tagName !== "BUTTON") {
        fields.push({ name: element.name, value: element.value });
      }
    });
    return fields;
  }

  function setUpSheet(form) {
    var status = document.querySelector("[data-offline-status]");
    var observed = form.querySelector("[data-observed-at]");
    // Where the phone is now (a fresh fix with ``fresh``), given to ``done`` and kept as the sheet's position.
    function locate(done, fresh) {
      if (!("geolocation" in navigator)) { return; }
      navigator.geolocation.getCurrentPosition(function (position) {
        var latitude = position.coords.latitude.toFixed(6), longitude = position.coords.longitude.toFixed(6);
        form.querySelector("[data-geo=latitude]").value = latitude;
        form.querySelector("[data-geo=longitude]").value = longitude;
        if (done) { done(latitude, longitude); }
      }, function () {}, { enableHighAccuracy: true, timeout: 15000, maximumAge: fresh ? 0 : 60000 });
    }
    function stamp() {
      if (observed && !observed.value) { observed.value = new Date().toISOString(); locate(); }
    }
    function toggle(fieldset) {
      var failed = fieldset.querySelector("input[type=radio][value=fail]:checked");
      var failure = fieldset.querySelector("[data-failure]");
      if (failure) { failure.hidden = !failed; }
    }
    form.querySelectorAll("[data-standard]").forEach(function (fieldset) {
      toggle(fieldset);
      fieldset.addEventListener("change", function () { stamp(); toggle(fieldset); });
    });
    // Each photo carries the time and place it was taken: the phone's clock and position when it is chosen,
    // one entry per file in the hidden field beside the input, kept with the sheet in the queue (the server
    // prefers what the photo's own EXIF says, where it says it).
    form.querySelectorAll("[data-sheet-photo]").forEach(function (input) {
      var meta = input.parentNode.querySelector("[data-photo-meta]");
      var kept = input.parentNode.querySelector("[data-photo-kept]");
      var choice = 0;
      function say(what, count) {
        if (kept) { kept.textContent = count ? (kept.getAttribute(what) || "").replace("%(count)s", count) : ""; }
      }
      input.addEventListener("change", function () {
        stamp();
        if (!meta) { return; }
        var mine = ++choice, chosen = new Date().toISOString();
        var rows = Array.prototype.map.call(input.files, function () {
          return { taken_at: chosen, latitude: null, longitude: null };
        });
        meta.value = rows.length ? JSON.stringify(rows) : "";
        meta.removeAttribute("data-located");
        say("data-msg-time", rows.length);
        locate(function (latitude, longitude) {
          if (mine !== choice) { return; }  // photos chosen again meanwhile: theirs is coming
          rows.forEach(function (row) { row.latitude = latitude; row.longitude = longitude; });
          meta.value = JSON.stringify(rows);
          meta.setAttribute("data-located", "yes");
          say("data-msg-place", rows.length);
        }, true);
      });
    });
    var allPass = form.querySelector("[data-all-pass]");
    if (allPass) {
      allPass.hidden = false;
      allPass.addEventListener("click", function () {
        stamp();
        form.querySelectorAll("[data-standard]").forEach(function (fieldset) {
          if (!fieldset.querySelector("input[type=radio]:checked")) {
            fieldset.querySelector("input[type=radio][value=pass]").checked = true;
          }
          toggle(fieldset);
        });
      });
    }
    if (!window.indexedDB || !window.fetch) { return; }  // the form is sent as a plain form
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      stamp();
      var key = form.querySelector("[name=key]").value;
      var record = {
        key: key, url: form.action || window.location.href, fields: fieldsOf(form),
        csrf: (form.querySelector("[name=csrfmiddlewaretoken]") || {}).value || "",
        place: form.getAttribute("data-place"), queued: new Date().toISOString()
      };
      form.querySelectorAll("button").forEach(function (button) { button.disabled = true; });
      keep(record).then(function () {
        return send(record).then(function (answer) {
          if (answer.status < 500) { return forget(key).then(function () { return answer; }); }
          return answer;
        }, function () { return null; });
      }).then(function (answer) {
        if (answer && (answer.status === 200 || answer.status === 201)) {
          window.location.href = form.getAttribute("data-done-url");
          return;
        }
        form.querySelectorAll("button").forEach(function (button) { button.disabled = false; });
        if (answer === null || answer.status >= 500) {
          form.setAttribute("data-queued", "yes");
          form.querySelectorAll("button").forEach(function (button) { button.disabled = true; });
          if (status) { status.setAttribute("data-kept", form.getAttribute("data-msg-queued")); }
        } else {
          var box = document.createElement("div");
          box.className = "form-errors";
          box.setAttribute("role", "alert");
          box.textContent = answer.data.message || "";
          form.insertBefore(box, form.firstChild);
          box.scrollIntoView();
        }
        return showPending();
      });
    });
  }

  function cacheSheets() {
    if (!("caches" in window)) { return Promise.resolve(); }
    var urls = [window.location.pathname];
    document.querySelectorAll("[data-sheet-url]").forEach(function (link) { urls.push(link.getAttribute("href")); });
    document.querySelectorAll("link[rel=stylesheet][href], script[src]").forEach(function (asset) {
      urls.push(asset.getAttribute("href") || asset.getAttribute("src"));
    });
    return caches.open(CACHE).then(function (cache) {
      return Promise.all(urls.map(function (url) {
        return fetch(url, { credentials: "same-origin" }).then(function (response) {
          if (response.ok) { return cache.put(url, response); }
        }).catch(function () {});
      }));
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    var form = document.querySelector("[data-sheet-form]");
    if (form) { setUpSheet(form); }
    var ready = Promise.resolve();
    if ("serviceWorker" in navigator) {
      ready = navigator.serviceWorker.register("/evaluation-sw.js", { scope: "/evaluation/" })
        .then(function () { return navigator.serviceWorker.ready; })
        .then(function () { return navigator.onLine ? cacheSheets() : null; })
        .catch(function () {});
    }
    ready.then(function () {
      document.documentElement.setAttribute("data-offline-ready", "yes");
      return navigator.onLine ? flush() : showPending();
    });
    window.addEventListener("online", flush);
    window.setInterval(function () { if (navigator.onLine) { flush(); } }, 30000);
  });
})();
