// The actor network: nodes are actors, lines join actors named in the same sentence or event.
// A small force layout (repulsion between all nodes, springs along edges) drawn on a canvas;
// drag a node to move it, hover to light its neighbours, click to open its timeline.
"use strict";
(function () {
  var canvas = document.getElementById("network");
  if (!canvas) { return; }
  var info = document.getElementById("network-info");
  var ctx = canvas.getContext("2d");
  var W = canvas.width, H = canvas.height;
  var COLORS = { person: "#c0392b", organization: "#1f5fa8", state: "#2e7d32",
    group: "#8e44ad", location: "#7f8c8d" };
  // pull per node toward the centre; the repulsion it balances grows with the node count
  var GRAVITY_PER_NODE = 0.05;
  var nodes = [], edges = [], byId = {}, hover = null, drag = null, moved = false;

  function layout(steps) {
    // Fruchterman-Reingold: k is the ideal edge length for the canvas area per node
    var k = Math.sqrt((W * H) / Math.max(nodes.length, 1)) * 0.6;
    var heat = W / 10, gravity = GRAVITY_PER_NODE * nodes.length;
    for (var s = 0; s < steps; s++) {
      nodes.forEach(function (n) { n.dx = 0; n.dy = 0; });
      for (var i = 0; i < nodes.length; i++) {
        for (var j = i + 1; j < nodes.length; j++) {
          var a = nodes[i], b = nodes[j];
          var x = a.x - b.x, y = a.y - b.y, d = Math.max(Math.hypot(x, y), 0.01);
          var f = (k * k) / d;
          a.dx += (x / d) * f; a.dy += (y / d) * f; b.dx -= (x / d) * f; b.dy -= (y / d) * f;
        }
      }
      edges.forEach(function (e) {
        var x = e.a.x - e.b.x, y = e.a.y - e.b.y, d = Math.max(Math.hypot(x, y), 0.01);
        var f = (d * d) / k;
        e.a.dx -= (x / d) * f; e.a.dy -= (y / d) * f; e.b.dx += (x / d) * f; e.b.dy += (y / d) * f;
      });
      nodes.forEach(function (n) {
        // gravity toward the centre keeps actors with no link on the canvas; its strength
        // was tuned by eye on the samples (40 nodes) and a 10,000-document corpus
        n.dx -= (n.x - W / 2) * gravity; n.dy -= (n.y - H / 2) * gravity;
        var d = Math.max(Math.hypot(n.dx, n.dy), 0.01), step = Math.min(d, heat);
        n.x = clamp(n.x + (n.dx / d) * step, 20, W - 20);
        n.y = clamp(n.y + (n.dy / d) * step, 20, H - 20);
      });
      heat *= 0.97;
    }
  }

  function clamp(v, lo, hi) { return Math.max(lo, Math.min(hi, v)); }

  function neighbours(n) {
    var out = {};
    edges.forEach(function (e) {
      if (e.a === n) { out[e.b.id] = true; }
      if (e.b === n) { out[e.a.id] = true; }
    });
    return out;
  }

  function draw() {
    ctx.clearRect(0, 0, W, H);
    var near = hover ? neighbours(hover) : null;
    edges.forEach(function (e) {
      var lit = hover && (e.a === hover || e.b === hover);
      ctx.strokeStyle = lit ? "rgba(31,95,168,0.9)" : (hover ? "rgba(0,0,0,0.05)" : "rgba(0,0,0,0.15)");
      ctx.lineWidth = Math.min(1 + Math.log(e.weight), 6);
      ctx.beginPath(); ctx.moveTo(e.a.x, e.a.y); ctx.lineTo(e.b.x, e.b.y); ctx.stroke();
    });
    nodes.forEach(function (n) {
      var dim = hover && n !== hover && !near[n.id];
      ctx.globalAlpha = dim ? 0.2 : 1;
      ctx.fillStyle = COLORS[n.kind] || "#555";
      ctx.beginPath(); ctx.arc(n.x, n.y, n.r, 0, 2 * Math.PI); ctx.fill();
      if (n === hover) { ctx.strokeStyle = "#000"; ctx.lineWidth = 2; ctx.stroke(); }
      ctx.fillStyle = "#1d232b";
      ctx.font = (n === hover ? "bold " : "") + "12px system-ui, sans-serif";
      // labels of nodes near the right edge go on their left so they are not cut off
      var right = n.x + n.r + 3 + ctx.measureText(n.name).width < W;
      ctx.textAlign = right ? "left" : "right";
      ctx.fillText(n.name, right ? n.x + n.r + 3 : n.x - n.r - 3, n.y + 4);
    });
    ctx.globalAlpha = 1;
  }

  function at(evt) {
    var box = canvas.getBoundingClientRect();
    var x = ((evt.clientX - box.left) * W) / box.width, y = ((evt.clientY - box.top) * H) / box.height;
    for (var i = nodes.length - 1; i >= 0; i--) {
      if (Math.hypot(nodes[i].x - x, nodes[i].y - y) <= nodes[i].r + 4) { return nodes[i]; }
    }
    return { x: x, y: y, none: true };
  }

  // the drawn positions, for anyone (a test, a screen reader script) that needs to find a node
  function publish() {
    canvas.setAttribute("data-layout", JSON.stringify(nodes.map(function (n) {
      return { id: n.id, name: n.name, x: Math.round(n.x), y: Math.round(n.y) };
    })));
  }

  function describe(n) {
    if (!n) { info.textContent = ""; canvas.removeAttribute("data-hover"); return; }
    var count = Object.keys(neighbours(n)).length;
    info.textContent = n.name + " · " + n.mentions + " mentions · " + count + " linked actors";
    canvas.setAttribute("data-hover", n.id);
  }

  canvas.addEventListener("pointerdown", function (evt) {
    var hit = at(evt);
    if (!hit.none) { drag = hit; moved = false; canvas.setPointerCapture(evt.pointerId); }
  });
  canvas.addEventListener("pointermove", function (evt) {
    var hit = at(evt);
    if (drag) { drag.x = clamp(hit.x, 5, W - 5); drag.y = clamp(hit.y, 5, H - 5); moved = true; }
    var over = drag || (hit.none ? null : hit);
    if (over !== hover) { hover = over; describe(hover); }
    draw();
  });
  canvas.addEventListener("pointerup", function () {
    if (drag && !moved) { window.location.href = "/timeline?actor=" + encodeURIComponent(drag.id); }
    if (drag) { publish(); }
    drag = null;
  });
  canvas.addEventListener("pointerleave", function () {
    if (!drag) { hover = null; describe(null); draw(); }
  });

  function start(data) {
    var most = Math.max.apply(null, data.nodes.map(function (n) { return n.mentions; }).concat([1]));
    nodes = data.nodes.map(function (n, i) {
      // start on a circle (deterministic), the most mentioned first
      var angle = (2 * Math.PI * i) / Math.max(data.nodes.length, 1);
      var node = Object.assign({}, n, {
        x: W / 2 + (W / 3) * Math.cos(angle), y: H / 2 + (H / 3) * Math.sin(angle),
        r: 4 + 10 * Math.sqrt(n.mentions / most),
      });
      byId[n.id] = node;
      return node;
    });
    edges = data.edges.filter(function (e) { return byId[e.source] && byId[e.target]; })
      .map(function (e) { return { a: byId[e.source], b: byId[e.target], weight: e.weight }; });
    // fewer steps for big graphs: the repulsion loop is quadratic in the node count
    layout(nodes.length > 150 ? 60 : 250);
    canvas.setAttribute("data-nodes", String(nodes.length));
    canvas.setAttribute("data-edges", String(edges.length));
    publish();
    if (!nodes.length) { info.textContent = "No actors in this knowledge base yet."; }
    draw();
  }

  fetch(canvas.getAttribute("data-src"), { headers: { Accept: "application/json" } })
    .then(function (r) { if (!r.ok) { throw new Error("HTTP " + r.status); } return r.json(); })
    .then(start)
    .catch(function (err) { info.textContent = "Could not load the network: " + err.message; });
})();
