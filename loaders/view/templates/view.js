// peacetalks view: link the marks of one entity, event or stance, show what a mark is, toggle layers.
(function () {
  "use strict";
  const info = document.getElementById("info");
  const linked = [];
  function clear() {
    while (linked.length) linked.pop().classList.remove("linked");
  }
  function link(selector) {
    document.querySelectorAll(selector).forEach(function (el) {
      el.classList.add("linked");
      linked.push(el);
    });
  }
  function show(el) {
    clear();
    const d = el.dataset;
    if (d.entity) link('[data-entity="' + CSS.escape(d.entity) + '"]');
    if (d.event) link('[data-event="' + CSS.escape(d.event) + '"], [data-args-of~="' + CSS.escape(d.event) + '"]');
    if (d.stance) link('[data-stance="' + CSS.escape(d.stance) + '"], [data-holder-of~="' + CSS.escape(d.stance) + '"]');
    if (d.diff) link('[data-diff="' + CSS.escape(d.diff) + '"]');
    if (info && d.info) info.textContent = d.info;
  }
  function target(event) {
    return event.target instanceof Element ? event.target.closest("[data-info]") : null;
  }
  document.addEventListener("mouseover", function (event) {
    const el = target(event);
    if (el) show(el);
  });
  document.addEventListener("focusin", function (event) {
    const el = target(event);
    if (el) show(el);
  });
  document.querySelectorAll("input[data-toggle]").forEach(function (box) {
    box.addEventListener("change", function () {
      document.body.classList.toggle("hide-" + box.dataset.toggle, !box.checked);
    });
  });
})();
