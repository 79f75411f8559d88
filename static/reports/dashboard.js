/* The leaders' dashboard: the grid map (Leaflet) and the weekly trends (ECharts).
   The figures come from the page as JSON (<script id="dashboard-data" type="application/json">),
   the map's grids from the JSON at data.mapUrl,
   so this file has no inline counterpart and runs under a strict Content-Security-Policy. */
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

  // The grids (every boundary in the city) are fetched once the page shows, keeping the page small.
  function drawMap() {
    var container = document.getElementById("grid-map");
    if (!container || !window.L || !data.mapUrl) {
      return;
    }
    container.setAttribute("aria-busy", "true");
    container.textContent = labels.mapLoading;
    fetch(data.mapUrl, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) {
        if (!response.ok) {
          throw new Error("HTTP " + response.status);
        }
        return response.json();
      })
      .then(function (body) {
        container.textContent = "";
        container.removeAttribute("aria-busy");
        drawGrids(container, body.grids);
      })
      .catch(function () {
        container.removeAttribute("aria-busy");
        container.classList.add("is-empty");
        container.textContent = labels.mapFailed;
      });
  }

  function drawGrids(container, grids) {
    var map = L.map(container, { zoomSnap: 0.25, attributionControl: Boolean(data.tileUrl) });
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

  function drawCharts() {
    if (!window.echarts) {
      return;
    }
    var trends = data.trends;
    var charts = [];

    function chart(id, series, wholeNumbers) {
      var container = document.getElementById(id);
      if (!container) {
        return;
      }
      var instance = echarts.init(container, null, { renderer: "canvas" });
      instance.setOption({
        aria: { enabled: false },  // keep the template's own aria-label on each chart
        animation: false,
        grid: { left: 40, right: 12, top: series.length > 1 ? 30 : 12, bottom: 24 },
        tooltip: { trigger: "axis" },
        legend: series.length > 1 ? { top: 0, data: series.map(function (s) { return s.name; }) } : undefined,
        xAxis: { type: "category", data: trends.weeks, axisTick: { alignWithLabel: true } },
        yAxis: { type: "value", minInterval: wholeNumbers ? 1 : 0 },
        series: series,
      });
      charts.push(instance);
    }

    chart(
      "chart-issues",
      [
        { name: labels.trendFound, type: "bar", data: trends.found, itemStyle: { color: "#e4572e" } },
        { name: labels.trendClosed, type: "line", data: trends.rectified, itemStyle: { color: "#1e7d4f" }, symbolSize: 6 },
      ],
      true
    );
    chart("chart-points", [{ name: labels.trendPointsLost, type: "bar", data: trends.pointsLost, itemStyle: { color: "#9b1c1c" } }], false);
    chart("chart-tasks", [{ name: labels.tasksCompleted, type: "bar", data: trends.tasksCompleted, itemStyle: { color: "#1d5fa8" } }], true);

    window.addEventListener("resize", function () {
      charts.forEach(function (instance) {
        instance.resize();
      });
    });
  }

  function start() {
    drawMap();
    drawCharts();
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
