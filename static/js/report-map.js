/* The report page's map, loaded by citizens.js with Leaflet once the person opens it. It draws the outlines
   of the city's grids on the optional tiles. A tap, or Enter on the focused
   map (the point under its cross), or the button under it, fills the coordinates as GPS (WGS-84), the system
   of the grids and of every stored point, and says in which grid the point lies; the server still refuses a
   point outside the city. */
(function () {
  "use strict";

  // Whether a GeoJSON Polygon or MultiPolygon (longitude, latitude) holds the point; holes count. The server
  // decides (core.geo.geometry_contains): this only names the grid at once.
  function ringHolds(ring, x, y) {
    var inside = false;
    for (var i = 0, j = ring.length - 1; i < ring.length; j = i, i += 1) {
      var xi = ring[i][0], yi = ring[i][1], xj = ring[j][0], yj = ring[j][1];
      if ((yi > y) !== (yj > y) && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) { inside = !inside; }
    }
    return inside;
  }

  function gridAt(grids, lat, lng) {
    for (var g = 0; g < grids.length; g += 1) {
      var geometry = grids[g].boundary || {};
      var polygons = geometry.type === "Polygon" ? [geometry.coordinates] : geometry.type === "MultiPolygon" ? geometry.coordinates : [];
      for (var p = 0; p < polygons.length; p += 1) {
        var rings = polygons[p] || [];
        if (rings.length && ringHolds(rings[0], lng, lat) && !rings.slice(1).some(function (hole) { return ringHolds(hole, lng, lat); })) {
          return grids[g];
        }
      }
    }
    return null;
  }

  // Draws the map in the panel once Leaflet is there; answers {map, show(lat, lng)}.
  window.citizensReportMap = function (options) {
    var box = options.box, panel = options.panel, grids = options.grids;
    var field = options.field, typedPoint = options.typedPoint;
    var canvas = panel.querySelector("[data-map-canvas]");
    var status = panel.querySelector("[data-map-status]");
    var tileUrl = box.getAttribute("data-tile-url");
    var map = L.map(canvas, { zoomControl: false, attributionControl: Boolean(tileUrl), zoomSnap: 0.25, minZoom: 8, maxZoom: 19 });
    L.control.zoom({ zoomInTitle: box.getAttribute("data-zoom-in"), zoomOutTitle: box.getAttribute("data-zoom-out") }).addTo(map);
    if (tileUrl) { L.tileLayer(tileUrl, { maxZoom: 19 }).addTo(map); }
    var outlines = L.geoJSON(
      { type: "FeatureCollection", features: grids.map(function (grid) { return { type: "Feature", properties: {}, geometry: grid.boundary }; }) },
      { interactive: false, style: { color: "#1f6f8b", weight: 1.5, fillColor: "#1f6f8b", fillOpacity: 0.06 } }
    ).addTo(map);
    // The grids fill the map, clear of the zoom buttons in its top left corner.
    if (outlines.getLayers().length) { map.fitBounds(outlines.getBounds(), { paddingTopLeft: [44, 8], paddingBottomRight: [8, 8] }); } else { map.setView([35, 105], 8); }
    var marker = null;

    function mark(lat, lng) {
      if (marker) { marker.setLatLng([lat, lng]); } else {
        marker = L.circleMarker([lat, lng], { radius: 9, color: "#b3261e", weight: 3, fillColor: "#b3261e", fillOpacity: 0.35, interactive: false }).addTo(map);
      }
    }

    function pick(latlng) {
      var lat = latlng.lat.toFixed(6), lng = latlng.lng.toFixed(6);
      field("latitude").value = lat;
      field("longitude").value = lng;
      var datum = document.querySelector("select[name=datum]");
      if (datum) { datum.value = "wgs84"; }
      mark(latlng.lat, latlng.lng);
      var grid = gridAt(grids, latlng.lat, latlng.lng);
      status.classList.toggle("error", !grid);
      status.textContent = grid
        ? box.getAttribute("data-picked").replace("{grid}", grid.name).replace("{lat}", lat).replace("{lng}", lng)
        : box.getAttribute("data-outside");
    }

    map.on("click", function (event) { pick(event.latlng); });
    canvas.addEventListener("keydown", function (event) {
      if ((event.key === "Enter" || event.key === " ") && event.target === canvas) {
        event.preventDefault();
        pick(map.getCenter());
      }
    });
    panel.querySelector("[data-map-centre]").addEventListener("click", function () { pick(map.getCenter()); });
    window.addEventListener("resize", function () { map.invalidateSize(); });

    // A point given already (GPS, typed as GPS) is marked; with tiles to read, the map closes in on it.
    var point = typedPoint();
    if (point) {
      mark(point[0], point[1]);
      map.setView(point, tileUrl ? Math.max(map.getZoom(), 16) : map.getZoom());
    }
    return {
      map: map,
      show: function (lat, lng) { mark(lat, lng); map.panTo([lat, lng]); }
    };
  };

})();
