// The live completeness meter: asks the server (the one place that decides) as the
// provider types, and redraws the meter and the list of what is missing.
(function () {
  "use strict";
  var form = document.getElementById("microcredential-form");
  if (!form || !window.fetch) { return; }
  var url = form.getAttribute("data-completeness-url");
  var aside = document.querySelector(".agency-form-layout__aside");
  var timer = null;
  var pending = null;
  // The sentences come from the page, in its language; `{count}` is replaced.
  function text(name, count) {
    return (aside.getAttribute("data-text-" + name) || "").replace("{count}", count);
  }

  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (key) { node.setAttribute(key, attrs[key]); });
    if (text) { node.textContent = text; }
    return node;
  }

  function list(items) {
    var ul = el("ul", { "class": "agency-missing" });
    items.forEach(function (item) {
      var li = el("li");
      li.appendChild(el("a", { href: "#group-" + item.name }, item.label));  // the form's own fields
      ul.appendChild(li);
    });
    return ul;
  }

  function draw(result) {
    var meter = aside.querySelector("[data-meter]");
    meter.classList.toggle("agency-meter--ready", result.missing_required.length === 0);
    meter.querySelector("[role=progressbar]").setAttribute("aria-valuenow", result.score);
    meter.querySelector(".agency-meter__fill").setAttribute("width", result.score + "%");
    meter.querySelector("[data-score]").textContent = result.score + "%";

    var missing = el("div", { "data-missing": "" });
    if (result.problems.length) {
      var box = el("div", { "class": "agency-problem" });
      result.problems.forEach(function (problem) {
        var p = el("p");
        p.appendChild(el("strong", {}, (problem.label || "Title") + ": "));
        p.appendChild(document.createTextNode(problem.message));
        box.appendChild(p);
      });
      missing.appendChild(box);
    }
    if (result.missing_required.length) {
      missing.appendChild(el("h3", { "class": "ontario-h5" }, text("required", result.missing_required.length)));
      missing.appendChild(list(result.missing_required));
    } else {
      missing.appendChild(el("p", { "class": "agency-ready" }, text("ready")));
    }
    if (result.missing_recommended.length) {
      var details = el("details", { "class": "agency-recommended" });
      var old = aside.querySelector(".agency-recommended");
      if (old && old.open) { details.open = true; }
      details.appendChild(el("summary", {}, text("recommended", result.missing_recommended.length)));
      details.appendChild(list(result.missing_recommended));
      missing.appendChild(details);
    }
    aside.querySelector("[data-missing]").replaceWith(missing);
  }

  function refresh() {
    if (pending) { pending.abort(); }
    pending = new AbortController();
    fetch(url, {
      method: "POST", body: new FormData(form), credentials: "same-origin",
      headers: { "X-Requested-With": "fetch" }, signal: pending.signal
    }).then(function (response) {
      return response.ok ? response.json() : null;
    }).then(function (result) {
      if (result) { draw(result); }
    }).catch(function () { /* the meter simply keeps its last value */ });
  }

  function schedule() {
    clearTimeout(timer);
    timer = setTimeout(refresh, 300);
  }
  form.addEventListener("input", schedule);
  form.addEventListener("change", schedule);
})();
