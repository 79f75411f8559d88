/* The mock evaluation's service worker: the sheet pages and their assets from the network when there is one,
   else from the cache the pages filled (static/js/evaluation.js). Writes are not handled here: the pages keep
   unsent sheets in IndexedDB and send them themselves when the network returns. */
"use strict";
var CACHE = "evaluation-sheets-v1";

self.addEventListener("install", function () { self.skipWaiting(); });
self.addEventListener("activate", function (event) { event.waitUntil(self.clients.claim()); });

self.addEventListener("fetch", function (event) {
  var request = event.request;
  if (request.method !== "GET" || new URL(request.url).origin !== self.location.origin) { return; }
  event.respondWith(
    fetch(request).catch(function () {
      return caches.open(CACHE).then(function (cache) {
        return cache.match(request, { ignoreSearch: true, ignoreVary: true }).then(function (hit) {
          return hit || Response.error();
        });
      });
    })
  );
});
