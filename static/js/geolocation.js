/* Fills the latitude and longitude fields from the browser's location when the inspector asks.
   The button stays hidden where the browser cannot locate (or without JavaScript). */
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    var button = document.querySelector("[data-geolocate]");
    if (!button || !("geolocation" in navigator)) { return; }
    var form = button.form || document;
    var status = form.querySelector("[data-geo-status]");
    var latitude = form.querySelector("[data-geo=latitude]");
    var longitude = form.querySelector("[data-geo=longitude]");
    function say(text) { if (status) { status.textContent = text; } }
    button.hidden = false;
    button.addEventListener("click", function () {
      button.disabled = true;
      say(button.getAttribute("data-msg-busy"));
      navigator.geolocation.getCurrentPosition(
        function (position) {
          // Six decimals (about 0.1 m) is what the database keeps.
          latitude.value = position.coords.latitude.toFixed(6);
          longitude.value = position.coords.longitude.toFixed(6);
          say(button.getAttribute("data-msg-done") + " ±" + Math.round(position.coords.accuracy) + " m");
          button.disabled = false;
        },
        function () {
          say(button.getAttribute("data-msg-failed"));
          button.disabled = false;
        },
        { enableHighAccuracy: true, timeout: 15000, maximumAge: 60000 }
      );
    });
  });
})();
