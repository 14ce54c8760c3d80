// Counts down every [data-countdown-seconds] element once a second, between the server's polls.
// The server sends the seconds left with each poll, so a swapped-in element starts afresh.
(function () {
  "use strict";
  function tick() {
    var now = Date.now();
    document.querySelectorAll("[data-countdown-seconds]").forEach(function (element) {
      if (!element.dataset.countdownStart) {
        element.dataset.countdownStart = String(now);
      }
      var total = parseInt(element.dataset.countdownSeconds, 10) || 0;
      var elapsed = Math.floor((now - parseInt(element.dataset.countdownStart, 10)) / 1000);
      element.textContent = String(Math.max(0, total - elapsed));
    });
  }
  setInterval(tick, 1000);
})();
