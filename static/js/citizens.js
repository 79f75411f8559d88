/* The public report page: the phone's location, the text message code, and photos shrunk on the phone
   (longest side data-max-side, JPEG 0.85) before they are sent. Everything works without it but the GPS. */
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
    if (!input.matches || !input.matches("input[type=file][data-shrink]") || !window.DataTransfer) { return; }
    var maxSide = parseInt(input.getAttribute("data-max-side"), 10) || 2560;
    Promise.all(Array.prototype.map.call(input.files, function (file) { return shrink(file, maxSide); })).then(function (files) {
      var transfer = new DataTransfer();
      files.forEach(function (file) { transfer.items.add(file); });
      input.files = transfer.files;
    });
  });

  document.addEventListener("click", function (event) {
    var locate = event.target.closest && event.target.closest("[data-locate]");
    if (locate && navigator.geolocation) {
      var status = document.querySelector("[data-locate-status]");
      navigator.geolocation.getCurrentPosition(function (position) {
        document.querySelector("[data-report-geo=latitude]").value = position.coords.latitude.toFixed(6);
        document.querySelector("[data-report-geo=longitude]").value = position.coords.longitude.toFixed(6);
        var datum = document.querySelector("select[name=datum]");
        if (datum) { datum.value = "wgs84"; }
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
