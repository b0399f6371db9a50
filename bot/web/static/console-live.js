// A live region of the console: <div data-live-events="URL" data-live-state="ID"> takes the HTML of each
// "board" event its server-sent event stream sends; the browser reconnects the stream by itself.
(function () {
  document.querySelectorAll("[data-live-events]").forEach(function (region) {
    var state = document.getElementById(region.dataset.liveState || "");
    var source = new EventSource(region.dataset.liveEvents);
    function show(lost) {
      if (!state) return;
      state.textContent = lost ? state.dataset.lost : state.dataset.live;
      state.classList.toggle("lost", lost);
    }
    var last = null;
    source.addEventListener("board", function (event) {
      show(false);
      if (event.data === last) return;  // drawn again unchanged (a reconnect): keep the page as it is
      last = event.data;
      region.innerHTML = event.data;
      if (window.htmx) window.htmx.process(region);
      var drawn = region.querySelector("[data-status]");
      if (drawn && drawn.dataset.status !== "open") {  // finished: nothing more to follow live
        source.close();
        if (state) { state.textContent = state.dataset.finished || ""; state.classList.remove("lost"); state.classList.add("finished"); }
      }
    });
    source.addEventListener("signedout", function (event) {
      source.close();
      window.location.href = event.data;
    });
    source.onopen = function () { show(false); };
    source.onerror = function () { show(true); };
  });
})();
