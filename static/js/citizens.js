/* The public report page: the phone's location, the map's button, the text message code, and photos shrunk
   on the phone (longest side data-max-side, JPEG 0.85) before they are sent. Everything works without it but
   the GPS and the map: the place list and the typed coordinates stay.

   The map costs nothing until it is opened: only then are Leaflet, its styles, the map's own script
   (report-map.js) and the city's grids (public JSON: each grid's name and boundary) loaded. */
(function () {
  "use strict";

  function shrink(file, maxSide) {
    return new Promise(function (resolve) {
      if (!window.createImageBitmap || !/^image\//.test(file.type)) { resolve(file); return; }
      createImageBitmap(file).then(function (bitmap) {
        var longest = Math.max(bitmap.width, bitmap.height);
        if (longest <= maxSide && file.size < 2 * 1024 * 1024) { resolve(file); return; }
        var scale = Math.min(1, maxSide / longest);
        var canvas = document.createElement("canvas");
        canvas.width = Math.round(bitmap.width * scale);
        canvas.height = Math.round(bitmap.height * scale);
        canvas.getContext("2d").drawImage(bitmap, 0, 0, canvas.width, canvas.height);
        canvas.toBlob(function (blob) {
          resolve(blob ? new File([blob], file.name.replace(/\.[^.]*$/, "") + ".jpg", { type: "image/jpeg" }) : file);
        }, "image/jpeg", 0.85);
      }, function () { resolve(file); });
    });
  }

  document.addEventListener("change", function (event) {
    var input = event.target;
    // Coordinates typed (as GPS) move the map's mark too.
    if (picker && input.matches && input.matches("[data-report-geo], select[name=datum]")) {
      var point = typedPoint();
      if (point) { picker.show(point[0], point[1]); }
      return;
    }
    if (!input.matches || !input.matches("input[type=file][data-shrink]") || !window.DataTransfer) { return; }
    var maxSide = parseInt(input.getAttribute("data-max-side"), 10) || 2560;
    Promise.all(Array.prototype.map.call(input.files, function (file) { return shrink(file, maxSide); })).then(function (files) {
      var transfer = new DataTransfer();
      files.forEach(function (file) { transfer.items.add(file); });
      input.files = transfer.files;
    });
  });

  // ---------------------------------------------------------------------------------------------
  // The map

  var box = document.querySelector("[data-report-map]");
  var picker = null; // once drawn: {show(lat, lng)}

  function field(name) { return document.querySelector("[data-report-geo=" + name + "]"); }

  // The point the fields hold as GPS (WGS-84), or null.
  function typedPoint() {
    var datum = document.querySelector("select[name=datum]");
    var lat = parseFloat(field("latitude").value), lng = parseFloat(field("longitude").value);
    if (isNaN(lat) || isNaN(lng) || (datum && datum.value && datum.value !== "wgs84")) { return null; }
    return [lat, lng];
  }

  function loadStyle(href) {
    return new Promise(function (resolve, reject) {
      var link = document.createElement("link");
      link.rel = "stylesheet";
      link.href = href;
      link.onload = resolve;
      link.onerror = reject;
      document.head.appendChild(link);
    });
  }

  function loadScript(src) {
    return new Promise(function (resolve, reject) {
      var script = document.createElement("script");
      script.src = src;
      script.onload = resolve;
      script.onerror = reject;
      document.head.appendChild(script);
    });
  }

  function openMap(button) {
    var panel = document.getElementById(button.getAttribute("aria-controls"));
    var opening = panel.hidden;
    panel.hidden = !opening;
    button.setAttribute("aria-expanded", String(opening));
    if (!opening) { return; }
    if (picker) { picker.map.invalidateSize(); return; }
    if (button.getAttribute("data-loading-map")) { return; }
    button.setAttribute("data-loading-map", "1");
    var status = panel.querySelector("[data-map-status]");
    status.textContent = box.getAttribute("data-loading");
    var grids = fetch(box.getAttribute("data-grids-url"), { credentials: "same-origin" }).then(function (response) {
      if (!response.ok) { throw new Error("HTTP " + response.status); }
      return response.json();
    });
    Promise.all([
      loadStyle(box.getAttribute("data-leaflet-css")),
      loadStyle(box.getAttribute("data-map-css")),
      loadScript(box.getAttribute("data-leaflet-js")),
      loadScript(box.getAttribute("data-map-js")),
      grids
    ]).then(function (loaded) {
      status.textContent = "";
      picker = window.citizensReportMap({ box: box, panel: panel, grids: loaded[4].grids || [], field: field, typedPoint: typedPoint });
    }, function () {
      button.removeAttribute("data-loading-map");
      status.classList.add("error");
      status.textContent = box.getAttribute("data-failed");
    });
  }

  if (box && window.fetch && window.Promise) { box.hidden = false; }

  document.addEventListener("click", function (event) {
    var opener = event.target.closest && event.target.closest("[data-map-open]");
    if (opener) { openMap(opener); }
    var locate = event.target.closest && event.target.closest("[data-locate]");
    if (locate && navigator.geolocation) {
      var status = document.querySelector("[data-locate-status]");
      navigator.geolocation.getCurrentPosition(function (position) {
        field("latitude").value = position.coords.latitude.toFixed(6);
        field("longitude").value = position.coords.longitude.toFixed(6);
        var datum = document.querySelector("select[name=datum]");
        if (datum) { datum.value = "wgs84"; }
        if (picker) { picker.show(position.coords.latitude, position.coords.longitude); }
        if (status) { status.textContent = "✓"; }
      }, function (error) { if (status) { status.textContent = error.message; } }, { enableHighAccuracy: true, timeout: 15000 });
    }
    var send = event.target.closest && event.target.closest("[data-send-code]");
    if (send && window.fetch) {
      var form = send.form;
      var body = new FormData();
      ["phone", "captcha", "captcha_key", "csrfmiddlewaretoken"].forEach(function (name) {
        body.append(name, form.elements[name] ? form.elements[name].value : "");
      });
      var codeStatus = document.querySelector("[data-code-status]");
      fetch(send.getAttribute("data-url"), { method: "POST", body: body, credentials: "same-origin" })
        .then(function (response) { return response.json(); })
        .then(function (answer) { if (codeStatus) { codeStatus.textContent = answer.message || answer.error || ""; } });
    }
  });
})();
