// Hovering an actor (in the text or in the list) lights up every mention of that actor.
"use strict";
(function () {
  function mentions(id) {
    return document.querySelectorAll('[data-actor="' + CSS.escape(id) + '"]');
  }
  function light(id, on) {
    mentions(id).forEach(function (el) { el.classList.toggle("lit", on); });
  }
  document.querySelectorAll("[data-actor]").forEach(function (el) {
    var id = el.getAttribute("data-actor");
    el.addEventListener("mouseenter", function () { light(id, true); });
    el.addEventListener("mouseleave", function () { light(id, false); });
  });
})();
