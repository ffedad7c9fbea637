// On a narrow screen the solution list folds its filters, so that the results come first;
// the page serves them unfolded, which is how it works without JavaScript.
(function () {
  "use strict";
  const wide = window.matchMedia("(min-width: 56rem)");
  const panels = document.querySelectorAll("details.facet-panel");

  function fitScreen() {
    panels.forEach(function (panel) {
      panel.open = wide.matches;
    });
  }

  fitScreen();
  wide.addEventListener("change", fitScreen);
})();
