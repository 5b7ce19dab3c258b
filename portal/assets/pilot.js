// Live progress of a queued or running pilot: listens to the pilot's
// server-sent events and reloads the page when it ends. Without JavaScript
// the page refreshes itself every 5 s (a <noscript> meta refresh).
(function () {
  "use strict";
  var box = document.getElementById("live");
  if (!box || box.dataset.live !== "1" || !window.EventSource) return;
  var bar = box.querySelector("progress");
  var count = box.querySelector("[data-count]");
  var status = box.querySelector("[data-status]");
  var source = new EventSource(box.dataset.events);
  function show(data) {
    if (bar && data.cases_total > 0) {
      bar.max = data.cases_total;
      bar.value = Math.min(data.cases_done, data.cases_total);
      bar.textContent = data.cases_done + " / " + data.cases_total;
    }
    if (count) count.textContent = data.cases_done + " / " + data.cases_total;
    if (status && data.status && box.dataset[data.status]) {
      status.textContent = box.dataset[data.status];
      status.className = "pill st-" + data.status;
    }
  }
  source.addEventListener("progress", function (event) {
    try { show(JSON.parse(event.data)); } catch (e) { /* ignore a malformed event */ }
  });
  function end() { source.close(); window.location.reload(); }
  source.addEventListener("done", end);
  source.addEventListener("failed", end);
  source.onerror = function () {
    if (source.readyState === EventSource.CLOSED) {
      window.setTimeout(function () { window.location.reload(); }, 5000);
    }
  };
})();
