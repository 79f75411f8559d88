/* The leaders' dashboard: the grid map (Leaflet) and the list of every grid beside it. (The weekly
   charts are SVG drawn on the server.) The words come from the page as JSON (<script id="dashboard-data"
   type="application/json">), the grids from the JSON at data.mapUrl, so this file has no inline
   counterpart and runs under a strict Content-Security-Policy. */
(function () {
  "use strict";

  var source = document.getElementById("dashboard-data");
  if (!source) {
    return;
  }
  var data = JSON.parse(source.textContent);
  var labels = data.labels || {};
  var COLOURS = ["#f1f5f9", "#fde0c5", "#f8a66b", "#e4572e", "#9b1c1c"];

  // Counts are coloured in whole-number classes; points lost (decimals) in four equal bands.
  var WHOLE_NUMBERS = { openIssues: true, pointsLost: false };

  function formatNumber(value) {
    return Math.round(value * 100) / 100 + "";
  }

  // The upper bound of each class above 0: up to four, the largest value's quarters, rounded up to
  // whole numbers for counts (so a class never reads "≤ 0.75 issues") and without repeats.
  function classBounds(max, whole) {
    var bounds = [];
    for (var i = 1; i <= 4; i += 1) {
      var bound = whole ? Math.ceil((max * i) / 4) : (max * i) / 4;
      if (bound > 0 && bounds.indexOf(bound) === -1) {
        bounds.push(bound);
      }
    }
    return bounds;
  }

  // 0 is grey (swatch 0); the classes take the darkest swatches, so the largest value is always darkest.
  function swatch(value, bounds) {
    if (!value || !bounds.length) {
      return 0;
    }
    for (var i = 0; i < bounds.length; i += 1) {
      if (value <= bounds[i]) {
        return 4 - (bounds.length - 1 - i);
      }
    }
    return 4;
  }

  // The text of each class: "1–2" for counts, "≤ 2.5" for points.
  function classLabel(bounds, index, whole) {
    if (!whole) {
      return "≤ " + formatNumber(bounds[index]);
    }
    var low = index === 0 ? 1 : bounds[index - 1] + 1;
    return low === bounds[index] ? String(low) : low + "–" + bounds[index];
  }

  function element(tag, text, className) {
    var node = document.createElement(tag);
    if (text !== undefined) {
      node.textContent = text;
    }
    if (className) {
      node.className = className;
    }
    return node;
  }

  function tooltip(grid) {
    var box = element("div");
    box.appendChild(element("strong", grid.code + " " + grid.name));
    [
      [labels.openIssues, grid.openIssues],
      [labels.openTasks, grid.openTasks],
      [labels.overdueTasks, grid.overdueTasks],
      [labels.found, grid.found],
      [labels.pointsLost, formatNumber(grid.pointsLost)],
      [labels.leader, grid.leader || "—"],
    ].forEach(function (pair) {
      box.appendChild(element("div", pair[0] + ": " + pair[1]));
    });
    return box;
  }

  // The legend says what the colours show, and each colour's class.
  function drawLegend(metric, bounds) {
    var legend = document.getElementById("map-legend");
    if (!legend) {
      return;
    }
    legend.textContent = "";
    legend.appendChild(element("span", (labels.legend || {})[metric] || "", "legend-title"));
    legend.appendChild(element("span", labels.legendScale));
    var whole = WHOLE_NUMBERS[metric];
    var steps = [["0", 0]];
    bounds.forEach(function (bound, index) {
      steps.push([classLabel(bounds, index, whole), 4 - (bounds.length - 1 - index)]);
    });
    steps.forEach(function (step) {
      var item = element("span");
      item.appendChild(element("i", undefined, "swatch-" + step[1]));
      item.appendChild(document.createTextNode(step[0]));
      legend.appendChild(item);
    });
  }

  // What a screen reader says of a grid's shape: its code and name, and the figures the map colours by.
  function spoken(grid) {
    return (
      grid.code + " " + grid.name + ": " + labels.openIssues + " " + grid.openIssues + ", " +
      labels.pointsLost + " " + formatNumber(grid.pointsLost)
    );
  }

  // Each grid's shape is a link a keyboard can reach (Leaflet opens its tooltip on focus). Only one
  // shape at a time is in the Tab order; the arrow keys move between them (see keyboard()).
  function reachable(shape, grid) {
    var paths = [];
    var layers = shape.getLayers ? shape.getLayers() : [shape];
    layers.forEach(function (part) {
      var path = part.getElement && part.getElement();
      if (!path) {
        return;
      }
      path.setAttribute("tabindex", "-1");
      path.setAttribute("role", "link");
      path.setAttribute("aria-label", spoken(grid));
      path.addEventListener("keydown", function (event) {
        if (event.key === "Enter" || event.key === " ") {
          event.preventDefault();
          window.location.assign(grid.url);
        }
      });
      paths.push({ path: path, part: part });
    });
    return paths;
  }

  // The arrow keys move to the nearest grid that way (its centre), Home and End to the first and last
  // by code; the map pans to show the grid reached.
  function keyboard(map, shapes) {
    var stops = [];
    shapes.forEach(function (item) {
      item.paths.forEach(function (entry) {
        var centre = entry.part.getBounds ? entry.part.getBounds().getCenter() : entry.part.getLatLng();
        stops.push({ path: entry.path, part: entry.part, centre: centre });
      });
    });
    if (!stops.length) {
      return;
    }
    stops[0].path.setAttribute("tabindex", "0");
    var DIRECTIONS = { ArrowRight: [1, 0], ArrowLeft: [-1, 0], ArrowUp: [0, 1], ArrowDown: [0, -1] };

    function go(from, to) {
      if (!to || to === from) {
        return;
      }
      from.path.setAttribute("tabindex", "-1");
      to.path.setAttribute("tabindex", "0");
      if (!map.getBounds().contains(to.centre)) {
        map.panTo(to.centre, { animate: false });
      }
      to.path.focus();
    }

    function nearest(from, direction) {
      var best = null;
      var bestScore = Infinity;
      stops.forEach(function (stop) {
        var dx = stop.centre.lng - from.centre.lng;
        var dy = stop.centre.lat - from.centre.lat;
        var along = dx * direction[0] + dy * direction[1];
        if (stop === from || along <= 0) {
          return;
        }
        var across = Math.abs(dx * direction[1] - dy * direction[0]);
        var score = along + 2 * across;
        if (score < bestScore) {
          best = stop;
          bestScore = score;
        }
      });
      return best;
    }

    stops.forEach(function (stop) {
      stop.path.addEventListener("keydown", function (event) {
        var target = null;
        if (DIRECTIONS[event.key]) {
          target = nearest(stop, DIRECTIONS[event.key]);
        } else if (event.key === "Home") {
          target = stops[0];
        } else if (event.key === "End") {
          target = stops[stops.length - 1];
        } else {
          return;
        }
        // The map's own keyboard handler would pan it instead.
        event.preventDefault();
        event.stopPropagation();
        go(stop, target);
      });
    });
  }

  // Every grid as a table, whichever has a shape on the map: sorted by a column's button, again to reverse.
  var COLUMNS = [
    { key: "code", label: "grid", text: true },
    { key: "openIssues", label: "openIssues" },
    { key: "openTasks", label: "openTasks" },
    { key: "overdueTasks", label: "overdueTasks" },
    { key: "found", label: "found" },
    { key: "pointsLost", label: "pointsLost" },
    { key: "leader", label: "leader", text: true },
  ];

  // The list is built when first opened: a city's thousands of rows cost a phone nothing until then.
  function drawList(grids) {
    var details = document.getElementById("grid-list");
    var holder = document.getElementById("grid-table");
    if (!details || !holder) {
      return;
    }
    var title = labels.gridCount.replace("%(count)s", grids.length);
    details.querySelector("summary").textContent = title;
    var built = false;
    function build() {
      if (details.open && !built) {
        built = true;
        buildList(holder, grids, title);
      }
    }
    details.addEventListener("toggle", build);
    build();
  }

  function buildList(holder, grids, title) {
    var table = element("table", undefined, "data grid-table");
    table.createCaption().appendChild(element("span", title, "visually-hidden"));
    var head = table.createTHead().insertRow();
    var body = table.createTBody();
    var sort = { key: "openIssues", descending: true };
    var headers = COLUMNS.map(function (column) {
      var cell = element("th", undefined, column.text ? "" : "num");
      cell.scope = "col";
      cell.dataset.column = column.key;
      var button = element("button", labels[column.label]);
      button.type = "button";
      button.title = labels.sortBy.replace("%(column)s", labels[column.label]);
      button.addEventListener("click", function () {
        sort = { key: column.key, descending: sort.key === column.key ? !sort.descending : !column.text };
        fill();
      });
      cell.appendChild(button);
      head.appendChild(cell);
      return cell;
    });

    function compare(a, b) {
      var x = a[sort.key] === null || a[sort.key] === undefined ? "" : a[sort.key];
      var y = b[sort.key] === null || b[sort.key] === undefined ? "" : b[sort.key];
      var order = typeof x === "number" && typeof y === "number" ? x - y : String(x).localeCompare(String(y), "zh");
      if (sort.descending) {
        order = -order;
      }
      return order || a.code.localeCompare(b.code);
    }

    function fill() {
      headers.forEach(function (cell, index) {
        var key = COLUMNS[index].key;
        cell.setAttribute("aria-sort", key === sort.key ? (sort.descending ? "descending" : "ascending") : "none");
        cell.firstChild.textContent =
          labels[COLUMNS[index].label] + (key === sort.key ? (sort.descending ? " ▼" : " ▲") : "");
      });
      body.textContent = "";
      grids.slice().sort(compare).forEach(function (grid) {
        var row = body.insertRow();
        var name = element("th");
        name.scope = "row";
        var link = element("a", grid.code + " " + grid.name);
        link.href = grid.url;
        name.appendChild(link);
        row.appendChild(name);
        COLUMNS.slice(1).forEach(function (column) {
          var value = grid[column.key];
          var text = column.key === "pointsLost" ? formatNumber(value) : value || (column.text ? "—" : "0");
          row.appendChild(element("td", String(text), column.text ? "" : "num"));
        });
      });
    }

    fill();
    holder.textContent = "";
    holder.appendChild(table);
  }

  // The grids (every boundary in the city) are fetched once the page shows, keeping the page small.
  function drawMap() {
    var container = document.getElementById("grid-map");
    if (!container || !window.L || !data.mapUrl) {
      return;
    }
    container.setAttribute("aria-busy", "true");
    container.textContent = labels.mapLoading;
    // As the page's <link rel="preload"> asks for it (no header of its own), so that its answer is reused.
    fetch(data.mapUrl, { credentials: "same-origin" })
      .then(function (response) {
        if (!response.ok) {
          throw new Error("HTTP " + response.status);
        }
        return response.json();
      })
      .then(function (body) {
        container.textContent = "";
        container.removeAttribute("aria-busy");
        drawList(body.grids);
        drawGrids(container, body.grids, body.repeatPlaces || []);
      })
      .catch(function () {
        container.removeAttribute("aria-busy");
        container.classList.add("is-empty");
        container.textContent = labels.mapFailed;
        var list = document.getElementById("grid-table");
        if (list) {
          list.textContent = labels.mapFailed;
        }
      });
  }

  function drawGrids(container, grids, repeatPlaces) {
    // Leaflet's own zoom buttons say "Zoom in"/"Zoom out": these speak the page's language.
    var map = L.map(container, { zoomSnap: 0.25, zoomControl: false, attributionControl: Boolean(data.tileUrl) });
    L.control.zoom({ zoomInTitle: labels.zoomIn, zoomOutTitle: labels.zoomOut }).addTo(map);
    if (data.tileUrl) {
      L.tileLayer(data.tileUrl, { maxZoom: 19 }).addTo(map);
    }
    var layer = L.featureGroup().addTo(map);
    var shapes = [];
    grids.forEach(function (grid) {
      var shape = null;
      if (grid.boundary) {
        shape = L.geoJSON(grid.boundary);
      } else if (grid.lat !== null && grid.lng !== null) {
        shape = L.circleMarker([grid.lat, grid.lng], { radius: 9 });
      }
      if (!shape) {
        return;
      }
      shape.bindTooltip(tooltip(grid), { sticky: true });
      // Leaflet points the shape at its open tooltip (aria-describedby) and leaves the pointer once it closes.
      shape.on("tooltipclose", function () {
        (shape.getLayers ? shape.getLayers() : [shape]).forEach(function (part) {
          var path = part.getElement && part.getElement();
          if (path) {
            path.removeAttribute("aria-describedby");
          }
        });
      });
      shape.on("click", function () {
        window.location.assign(grid.url);
      });
      shape.addTo(layer);
      shapes.push({ grid: grid, shape: shape });
    });
    if (!shapes.length) {
      container.classList.add("is-empty");
      map.remove();
      container.textContent = labels.noMap;
      return;
    }
    map.fitBounds(layer.getBounds(), { padding: [8, 8] });
    // Repeat locations of citizens' reports: a red ring each, above the grids.
    repeatPlaces.forEach(function (place) {
      L.circleMarker([place.lat, place.lng], { radius: 7, color: "#c0392b", weight: 3, fill: false, interactive: true })
        .bindTooltip(place.name + " · " + place.reports)
        .addTo(map);
    });
    // The shapes' elements exist once the map has a view.
    shapes.forEach(function (item) {
      item.paths = reachable(item.shape, item.grid);
    });
    keyboard(map, shapes);

    function paint(metric) {
      var max = 0;
      shapes.forEach(function (item) {
        max = Math.max(max, item.grid[metric] || 0);
      });
      var bounds = max > 0 ? classBounds(max, WHOLE_NUMBERS[metric]) : [];
      shapes.forEach(function (item) {
        item.shape.setStyle({
          color: "#5b6770",
          weight: 1,
          fillColor: COLOURS[swatch(item.grid[metric], bounds)],
          fillOpacity: 0.85,
        });
      });
      drawLegend(metric, bounds);
    }

    var radios = document.querySelectorAll('input[name="map-metric"]');
    radios.forEach(function (radio) {
      radio.addEventListener("change", function () {
        paint(radio.value);
      });
    });
    var checked = document.querySelector('input[name="map-metric"]:checked');
    paint(checked ? checked.value : "openIssues");
    window.addEventListener("resize", function () {
      map.invalidateSize();
    });
  }

  function start() {
    drawMap();
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
