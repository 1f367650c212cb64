// The recommendation form: while the assessor types the credits, a warning when they disagree
// with the description's notional learning hours (1 credit = 10 hours).
(function () {
  "use strict";
  var warning = document.getElementById("credits-warning");
  var input = document.getElementById("id_credits");
  if (!warning || !input) { return; }
  var hours = parseFloat(warning.getAttribute("data-effort-hours"));  // "null" when not given
  if (isNaN(hours)) { return; }

  function check() {
    var credits = parseFloat(input.value);
    var disagree = !isNaN(credits) && Math.abs(credits * 10 - hours) > 0.001;
    warning.hidden = !disagree;
    warning.textContent = disagree ? credits + " credits would be " + (credits * 10) + " hours; the description gives " + hours + " notional hours." : "";
  }

  input.addEventListener("input", check);
  check();
})();
