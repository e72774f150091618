// The script of the HTML graph, as text: it runs in the reader's browser, offline, with dagre
// (inlined beside it) for the layout and the routing functions of analyse/match.ts (inlined from
// their compiled source) for route highlighting. Every name is user data: it only ever reaches the
// page through textContent and setAttribute, never as markup.
//
// Big views: dagre's layout grows faster than linearly (about 2 s for 2,000 nodes, 10 s for
// 5,000 in Node), so a view of more than LIMIT nodes draws the exchanges only, and a search or a
// route brings the queues it concerns into the picture.
export const PAGE_SCRIPT = String.raw`
(function () {
  'use strict';
  var LIMIT = 300;
  var SVGNS = 'http://www.w3.org/2000/svg';
  var errors = [];
  window.addEventListener('error', function (e) { errors.push(String(e.message)); document.body.setAttribute('data-errors', errors.join('\n')); });

  var nodesById = new Map();
  DATA.nodes.forEach(function (n) { nodesById.set(n.id, n); });
  var outEdges = new Map();
  var inEdges = new Map();
  DATA.edges.forEach(function (e, i) {
    e.index = i;
    (outEdges.get(e.from) || outEdges.set(e.from, []).get(e.from)).push(e);
    (inEdges.get(e.to) || inEdges.set(e.to, []).get(e.to)).push(e);
  });

  var state = { vhost: '', search: '', route: null, selected: null };
  var $ = function (id) { return document.getElementById(id); };

  function el(tag, attrs, text) {
    var node = document.createElementNS(SVGNS, tag);
    for (var k in attrs) node.setAttribute(k, attrs[k]);
    if (text !== undefined) node.textContent = text;
    return node;
  }
  function html(tag, text, cls) {
    var node = document.createElement(tag);
    if (text !== undefined) node.textContent = text;
    if (cls) node.className = cls;
    return node;
  }
  function display(name) { return name === '' ? '(default)' : name; }
  function short(label) { return label.length > 40 ? label.slice(0, 39) + '…' : label; }

  // ---- routing, with the same rules as warren route -------------------------------------------
  function routeInPage(vhost, exchange, key, headers) {
    function exchangeNode(name) { return nodesById.get('x:' + JSON.stringify([vhost, name])); }
    var BUILT_IN = { '': 'direct', 'amq.direct': 'direct', 'amq.fanout': 'fanout', 'amq.topic': 'topic', 'amq.headers': 'headers', 'amq.match': 'headers', 'amq.rabbitmq.trace': 'topic' };
    var world = {
      typeOf: function (x) { var n = exchangeNode(x); return n && !n.missing ? n.type : BUILT_IN[x]; },
      bindingsOf: function (x) {
        return (outEdges.get('x:' + JSON.stringify([vhost, x])) || []).filter(function (e) { return e.kind === 'binding' || e.kind === 'exchange-binding'; }).map(function (e) {
          var to = nodesById.get(e.to);
          return { destination: to.name, destinationType: to.kind, routingKey: e.routingKey, arguments: e.arguments || {}, edge: e.index };
        });
      },
      alternateOf: function (x) {
        var ae = (outEdges.get('x:' + JSON.stringify([vhost, x])) || []).filter(function (e) { return e.kind === 'alternate'; })[0];
        return ae ? nodesById.get(ae.to).name : undefined;
      },
      queueExists: function (q) { var n = nodesById.get('q:' + JSON.stringify([vhost, q])); return !!n && !n.missing; }
    };
    function mark(walk, nodes, edges) {
      walk.exchanges.forEach(function (x) { nodes.add('x:' + JSON.stringify([vhost, x])); });
      walk.queues.forEach(function (q) { nodes.add('q:' + JSON.stringify([vhost, q])); });
      walk.steps.forEach(function (s) {
        if (s.kind === 'binding') edges.add(s.binding.edge);
        if (s.kind === 'alternate') (outEdges.get('x:' + JSON.stringify([vhost, s.from])) || []).forEach(function (e) { if (e.kind === 'alternate') edges.add(e.index); });
      });
    }
    var walk = walkRoute(exchange, key, headers, world);
    var nodes = new Set();
    var edges = new Set();
    mark(walk, nodes, edges);
    // The dead-letter path of each queue reached: its dead-letter exchange, with the dead-letter
    // routing key when the queue has one, else the message's own key (as warren route shows it).
    var deadNodes = new Set();
    var deadEdges = new Set();
    var dead = [];
    walk.queues.forEach(function (q) {
      (outEdges.get('q:' + JSON.stringify([vhost, q])) || []).forEach(function (e) {
        if (e.kind !== 'dead-letter') return;
        deadEdges.add(e.index);
        var dl = walkRoute(nodesById.get(e.to).name, e.routingKey !== undefined ? e.routingKey : key, headers, world);
        mark(dl, deadNodes, deadEdges);
        dead.push(q + ' -> ' + (dl.queues.length ? dl.queues.join(', ') : 'no queue'));
      });
    });
    return { queues: walk.queues, nodes: nodes, edges: edges, deadNodes: deadNodes, deadEdges: deadEdges, dead: dead };
  }

  // ---- which nodes to draw ------------------------------------------------------------------------
  function inVhost(n) { return state.vhost === '' || n.vhost === state.vhost; }
  function searchMatches() {
    var term = state.search.trim().toLowerCase();
    if (term === '') return [];
    return DATA.nodes.filter(function (n) { return inVhost(n) && n.name.toLowerCase().indexOf(term) >= 0; });
  }
  // More than LIMIT objects in view: with a search or a route, their objects and neighbours only;
  // without, the exchanges with the most bindings, and the status line says how to see the rest.
  function view() {
    var all = DATA.nodes.filter(inVhost);
    var matches = searchMatches();
    if (all.length <= LIMIT) return { nodes: all, hidden: 0, matches: matches };
    var keep = new Set();
    matches.slice(0, 50).forEach(function (n) {
      keep.add(n.id);
      (inEdges.get(n.id) || []).concat(outEdges.get(n.id) || []).slice(0, 40).forEach(function (e) { keep.add(e.from); keep.add(e.to); });
    });
    if (state.route) {
      state.route.nodes.forEach(function (id) { keep.add(id); });
      state.route.deadNodes.forEach(function (id) { keep.add(id); });
    }
    var nodes;
    if (keep.size > 0) {
      nodes = all.filter(function (n) { return keep.has(n.id); });
    } else {
      var degree = function (n) { return (outEdges.get(n.id) || []).length; };
      nodes = all.filter(function (n) { return n.kind === 'exchange'; }).sort(function (a, b) { return degree(b) - degree(a); }).slice(0, LIMIT);
    }
    return { nodes: nodes, hidden: all.length - nodes.length, matches: matches };
  }

  // ---- layout and drawing ---------------------------------------------------------------------------
  function subtitle(n) {
    return n.kind + ' ' + n.type + (n.missing ? ' (not declared)' : '') + (n.policy ? ' · policy ' + n.policy : '') + (n.operatorPolicy ? ' · operator ' + n.operatorPolicy : '');
  }
  function size(n) {
    return { width: Math.min(460, 18 + Math.max(display(n.name).length * 8.2, subtitle(n).length * 6.7)), height: 40 };
  }

  function draw() {
    var started = performance.now();
    var v = view();
    var shown = new Set(v.nodes.map(function (n) { return n.id; }));
    var g = new dagre.graphlib.Graph({ multigraph: true });
    g.setGraph({ rankdir: 'LR', nodesep: 14, ranksep: 90, edgesep: 8, marginx: 20, marginy: 20 });
    g.setDefaultEdgeLabel(function () { return {}; });
    v.nodes.forEach(function (n) { g.setNode(n.id, size(n)); });
    var edges = DATA.edges.filter(function (e) { return shown.has(e.from) && shown.has(e.to); });
    // Labels take part in the layout (dagre keeps room for them), so they do not overlap.
    edges.forEach(function (e) {
      var text = short(e.label);
      g.setEdge(e.from, e.to, text === '' ? {} : { label: text, width: text.length * 6.2 + 4, height: 13, labelpos: 'c' }, 'e' + e.index);
    });
    dagre.layout(g);

    var port = $('viewport');
    while (port.firstChild) port.removeChild(port.firstChild);
    var matchIds = new Set(v.matches.map(function (n) { return n.id; }));
    var route = state.route;
    edges.forEach(function (e) {
      var pts = g.edge(e.from, e.to, 'e' + e.index).points;
      var d = 'M' + pts.map(function (p) { return p.x.toFixed(1) + ',' + p.y.toFixed(1); }).join(' L');
      var cls = 'edge kind-' + e.kind + (route && route.edges.has(e.index) ? ' on-route' : '') + (route && route.deadEdges.has(e.index) && !route.edges.has(e.index) ? ' on-dead-route' : '') + (route && !route.edges.has(e.index) && !route.deadEdges.has(e.index) ? ' dim' : '');
      var grp = el('g', { 'class': cls, 'data-from': e.from, 'data-to': e.to });
      grp.appendChild(el('path', { d: d, 'marker-end': 'url(#arrow)' }));
      var laid = g.edge(e.from, e.to, 'e' + e.index);
      if (laid.label !== undefined) grp.appendChild(el('text', { x: laid.x.toFixed(1), y: (laid.y + 4).toFixed(1), 'class': 'edge-label' }, laid.label));
      port.appendChild(grp);
    });
    v.nodes.forEach(function (n) {
      var p = g.node(n.id);
      var cls = 'node kind-' + n.kind + (n.missing ? ' missing' : '') + (matchIds.has(n.id) ? ' match' : '') + (route && route.nodes.has(n.id) ? ' on-route' : '') + (route && route.deadNodes.has(n.id) && !route.nodes.has(n.id) ? ' on-dead-route' : '') + (route && !route.nodes.has(n.id) && !route.deadNodes.has(n.id) ? ' dim' : '') + (state.selected === n.id ? ' selected' : '');
      var grp = el('g', { 'class': cls, 'data-id': n.id, 'data-name': n.name, 'data-vhost': n.vhost, 'data-kind': n.kind, transform: 'translate(' + (p.x - p.width / 2).toFixed(1) + ',' + (p.y - p.height / 2).toFixed(1) + ')' });
      grp.appendChild(el('rect', { width: p.width.toFixed(1), height: p.height, rx: n.kind === 'queue' ? 10 : 2 }));
      grp.appendChild(el('text', { x: 8, y: 16, 'class': 'name' }, display(n.name)));
      grp.appendChild(el('text', { x: 8, y: 32, 'class': 'sub' }, subtitle(n)));
      grp.addEventListener('click', function () { state.selected = n.id; showDetails(n); draw(); });
      port.appendChild(grp);
    });
    var graph = g.graph();
    fit(graph.width || 100, graph.height || 100, v.matches.length === 1 ? g.node(v.matches[0].id) : null);
    var status = v.nodes.length + ' objects shown';
    if (v.hidden > 0) status += ', ' + v.hidden + ' hidden (more than ' + LIMIT + ' in this view): search a name or route a key to see its part of the graph';
    if (state.search.trim() !== '') status += ' · ' + v.matches.length + ' match' + (v.matches.length === 1 ? '' : 'es');
    if (route) status += ' · route reaches ' + (route.queues.length ? route.queues.join(', ') : 'no queue');
    if (route && route.dead.length) status += ' · if rejected or expired, dead-lettered: ' + route.dead.join('; ');
    $('status').textContent = status;
    document.body.setAttribute('data-ready', 'true');
    document.body.setAttribute('data-draw-ms', String(Math.round(performance.now() - started)));
    document.body.setAttribute('data-drawn', String(v.nodes.length));
    if (v.matches.length > 1 && v.matches.length <= 200 && !state.selected) listMatches(v.matches);
  }

  // ---- pan and zoom on the SVG viewBox ------------------------------------------------------------
  var box = { x: 0, y: 0, w: 100, h: 100 };
  function applyBox() { $('canvas').setAttribute('viewBox', box.x + ' ' + box.y + ' ' + box.w + ' ' + box.h); }
  function fit(w, h, centre) {
    var svg = $('canvas');
    var ratio = (svg.clientWidth || 1000) / (svg.clientHeight || 700);
    if (centre) { var cw = Math.max(600, Math.min(w, 1200)); box = { x: centre.x - cw / 2, y: centre.y - cw / ratio / 2, w: cw, h: cw / ratio }; }
    else { var bw = Math.max(w, h * ratio); box = { x: 0, y: 0, w: bw, h: bw / ratio }; }
    applyBox();
  }
  function pan() {
    var svg = $('canvas');
    var drag = null;
    svg.addEventListener('wheel', function (ev) {
      ev.preventDefault();
      var k = ev.deltaY > 0 ? 1.15 : 1 / 1.15;
      var r = svg.getBoundingClientRect();
      var mx = box.x + (ev.clientX - r.left) / r.width * box.w, my = box.y + (ev.clientY - r.top) / r.height * box.h;
      box = { x: mx - (mx - box.x) * k, y: my - (my - box.y) * k, w: box.w * k, h: box.h * k };
      applyBox();
    }, { passive: false });
    svg.addEventListener('mousedown', function (ev) { drag = { x: ev.clientX, y: ev.clientY, box: box }; });
    window.addEventListener('mouseup', function () { drag = null; });
    window.addEventListener('mousemove', function (ev) {
      if (!drag) return;
      var r = svg.getBoundingClientRect();
      box = { x: drag.box.x - (ev.clientX - drag.x) / r.width * box.w, y: drag.box.y - (ev.clientY - drag.y) / r.height * box.h, w: box.w, h: box.h };
      applyBox();
    });
  }

  // ---- the side panel ---------------------------------------------------------------------------------
  function clearDetails() { var d = $('details'); while (d.firstChild) d.removeChild(d.firstChild); return d; }
  function showDetails(n) {
    var d = clearDetails();
    d.appendChild(html('h2', display(n.name)));
    d.appendChild(html('p', n.kind + ' · ' + n.type + ' · vhost ' + n.vhost + (n.missing ? ' · not declared' : '')));
    if (n.policy) d.appendChild(html('p', 'policy: ' + n.policy));
    if (n.operatorPolicy) d.appendChild(html('p', 'operator policy: ' + n.operatorPolicy));
    if (Object.keys(n.arguments).length) d.appendChild(html('pre', JSON.stringify(n.arguments, null, 1)));
    var list = html('ul');
    (inEdges.get(n.id) || []).forEach(function (e) { list.appendChild(html('li', '← ' + e.kind + ' from ' + display(nodesById.get(e.from).name) + (e.label ? ' [' + e.label + ']' : ''))); });
    (outEdges.get(n.id) || []).forEach(function (e) { list.appendChild(html('li', '→ ' + e.kind + ' to ' + display(nodesById.get(e.to).name) + (e.label ? ' [' + e.label + ']' : ''))); });
    d.appendChild(list);
  }
  function showVhosts() {
    var d = clearDetails();
    DATA.vhosts.filter(function (v) { return state.vhost === '' || v.name === state.vhost; }).forEach(function (v) {
      d.appendChild(html('h2', 'vhost ' + v.name));
      if (v.policies.length) {
        d.appendChild(html('h3', 'policies'));
        var pl = html('ul');
        v.policies.forEach(function (p) { pl.appendChild(html('li', (p.kind === 'operator_policy' ? 'operator ' : '') + p.name + ' (priority ' + p.priority + ', ' + p.apply_to + ', /' + p.pattern + '/): ' + JSON.stringify(p.definition))); });
        d.appendChild(pl);
      }
      if (v.users.length) {
        d.appendChild(html('h3', 'users'));
        var ul = html('ul');
        var re = function (p) { return p === '' ? '(nothing)' : '/' + p + '/'; };
        v.users.forEach(function (u) { ul.appendChild(html('li', u.name + ': configure ' + re(u.configure) + ', write ' + re(u.write) + ', read ' + re(u.read))); });
        d.appendChild(ul);
      }
    });
  }
  function listMatches(matches) {
    var d = clearDetails();
    d.appendChild(html('h2', matches.length + ' matches'));
    var ul = html('ul');
    matches.forEach(function (n) {
      var li = html('li', n.kind + ' ' + n.vhost + '/' + display(n.name), 'pick');
      li.addEventListener('click', function () { state.search = n.name; $('search').value = n.name; state.selected = n.id; showDetails(n); draw(); });
      ul.appendChild(li);
    });
    d.appendChild(ul);
  }

  // ---- controls, and the same settings from the address (#vhost=..&search=..&exchange=..&key=..) ----
  function parseHeaders(text) {
    var out = {};
    text.split(/[,;]/).forEach(function (pair) {
      var i = pair.indexOf('=');
      if (i > 0) out[pair.slice(0, i).trim()] = pair.slice(i + 1).trim();
    });
    return out;
  }
  function runRoute() {
    var x = $('route-exchange').value;
    if (x === '') { state.route = null; draw(); return; }
    var parts = JSON.parse(x);
    state.vhost = parts[0];
    $('vhost').value = parts[0];
    state.route = routeInPage(parts[0], parts[1], $('route-key').value, parseHeaders($('route-headers').value));
    draw();
  }
  function init() {
    var vs = $('vhost');
    DATA.vhosts.forEach(function (v) { var o = html('option', 'vhost ' + v.name); o.value = v.name; vs.appendChild(o); });
    var xs = $('route-exchange');
    DATA.nodes.forEach(function (n) { if (n.kind === 'exchange' && !n.missing) { var o = html('option', n.vhost + '/' + display(n.name)); o.value = JSON.stringify([n.vhost, n.name]); xs.appendChild(o); } });
    var params = new URLSearchParams(location.hash.slice(1));
    if (DATA.nodes.length > LIMIT && DATA.vhosts.length > 0) state.vhost = DATA.vhosts[0].name;
    if (params.has('vhost')) state.vhost = params.get('vhost');
    vs.value = state.vhost;
    if (params.has('search')) { state.search = params.get('search'); $('search').value = state.search; }
    vs.addEventListener('change', function () { state.vhost = vs.value; state.route = null; state.selected = null; showVhosts(); draw(); });
    var timer = null;
    $('search').addEventListener('input', function () {
      clearTimeout(timer);
      timer = setTimeout(function () { state.search = $('search').value; state.selected = null; draw(); }, 120);
    });
    $('route-form').addEventListener('submit', function (ev) { ev.preventDefault(); runRoute(); });
    $('route-clear').addEventListener('click', function () { state.route = null; draw(); });
    pan();
    showVhosts();
    if (params.has('exchange')) {
      xs.value = JSON.stringify([params.get('vhost') || state.vhost, params.get('exchange')]);
      $('route-key').value = params.get('key') || '';
      $('route-headers').value = params.get('headers') || '';
      runRoute();
    } else {
      draw();
    }
  }
  init();
})();
`;
