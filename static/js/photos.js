/* Photos from the phone: each chosen photo is shrunk on the phone (longest side data-max-side, JPEG
   data-jpeg-quality) and sent at once to the pending store (data-upload-url), so that a form that comes
   back with an error never loses it; its thumbnail and token join the form's kept photos. A photo that
   cannot be sent now (no network) stays in the file input and goes with the form, as without scripts.
   The server checks every photo again. */
(function () {
  "use strict";

  function shrink(file, maxSide, quality) {
    var small = file.size <= 1.5 * 1024 * 1024;
    if (!/^image\/(jpeg|png|webp)$/.test(file.type) || !window.createImageBitmap) {
      return Promise.resolve(file);
    }
    return window.createImageBitmap(file, { imageOrientation: "from-image" }).then(function (bitmap) {
      var longest = Math.max(bitmap.width, bitmap.height);
      if (longest <= maxSide && small) {
        bitmap.close();
        return file;
      }
      var scale = Math.min(1, maxSide / longest);
      var canvas = document.createElement("canvas");
      canvas.width = Math.round(bitmap.width * scale);
      canvas.height = Math.round(bitmap.height * scale);
      canvas.getContext("2d").drawImage(bitmap, 0, 0, canvas.width, canvas.height);
      bitmap.close();
      return new Promise(function (resolve) {
        canvas.toBlob(function (blob) {
          var name = file.name.replace(/\.[^.]*$/, "") + ".jpg";
          resolve(blob ? new File([blob], name, { type: "image/jpeg" }) : file);
        }, "image/jpeg", quality);
      });
    }).catch(function () { return file; });
  }

  function csrfToken(form) {
    var field = form && form.querySelector("[name=csrfmiddlewaretoken]");
    return field ? field.value : "";
  }

  // Resolves with the server's answer ({token, thumbnail_url} or {message}); rejects when the network fails.
  function send(url, file, form) {
    var body = new FormData();
    body.append("photo", file, file.name);
    return fetch(url, {
      method: "POST",
      body: body,
      credentials: "same-origin",
      headers: { "X-CSRFToken": csrfToken(form), "Accept": "application/json" }
    }).then(function (response) {
      if (response.status >= 500) { throw new Error("server"); }
      return response.json().then(function (answer) { answer.ok = response.ok; return answer; });
    });
  }

  function addKept(list, answer) {
    var item = document.createElement("li");
    var image = document.createElement("img");
    image.src = answer.thumbnail_url;
    image.alt = list.getAttribute("data-photo-alt") || "";
    var label = document.createElement("label");
    var box = document.createElement("input");
    box.type = "checkbox";
    box.name = list.getAttribute("data-kept-name");
    box.value = answer.token;
    box.checked = true;
    label.appendChild(box);
    label.appendChild(document.createTextNode(" " + (list.getAttribute("data-keep-label") || "")));
    item.appendChild(image);
    item.appendChild(label);
    list.appendChild(item);
  }

  // While photos are on their way, the form waits: submitting it then would leave them behind.
  function setBusy(form, busy) {
    if (!form) { return; }
    form.querySelectorAll("button[type=submit], button:not([type])").forEach(function (button) {
      button.disabled = busy;
    });
    if (busy) { form.setAttribute("aria-busy", "true"); } else { form.removeAttribute("aria-busy"); }
  }

  document.addEventListener("change", function (event) {
    var input = event.target;
    if (!input.matches || !input.matches("input[type=file][data-upload-url]") || !window.fetch) { return; }
    var box = input.closest("[data-photo-input]");
    var list = box && box.querySelector("[data-kept-photos]");
    var status = box && box.querySelector("[data-photo-status]");
    var files = Array.prototype.slice.call(input.files || []);
    if (!list || !files.length || !input.checkValidity()) { return; }

    var form = input.form;
    var maxSide = parseInt(input.getAttribute("data-max-side"), 10) || 2560;
    var quality = parseFloat(input.getAttribute("data-jpeg-quality")) || 0.85;
    var url = input.getAttribute("data-upload-url");
    var unsent = [];
    var refused = [];
    if (status) {
      status.textContent = status.getAttribute("data-busy") || "…";
      status.classList.remove("error");
    }
    setBusy(form, true);
    // The photos leave the input now: each goes to the store, or comes back to the input if it cannot.
    input.value = "";

    files.reduce(function (previous, file) {
      return previous.then(function () {
        return shrink(file, maxSide, quality).then(function (ready) {
          return send(url, ready, form).then(function (answer) {
            if (answer.ok && answer.token) { addKept(list, answer); } else { refused.push(answer.message || file.name); }
          }, function () { unsent.push(ready); });
        });
      });
    }, Promise.resolve()).then(function () {
      if (unsent.length && window.DataTransfer) {
        var transfer = new DataTransfer();
        unsent.forEach(function (file) { transfer.items.add(file); });
        input.files = transfer.files;
      }
      if (status) {
        status.textContent = refused.join(" ");
        status.classList.toggle("error", refused.length > 0);
      }
      setBusy(form, false);
    });
  });
})();
