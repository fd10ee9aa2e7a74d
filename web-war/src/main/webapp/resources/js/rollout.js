// Venue rollout board: draws one tile per name of the pool from the page's JSON (the API's answer), then keeps it
// live from /live as the Dashboard does: progress messages move a tile's figure at once, state changes and new
// names re-read GET /api/venues/{code}/rollout (at most twice a second). A click on a tile asks the page's
// remoteCommand for the kart's history and actions. Plain DOM, no framework.
var rollout = (function () {
    "use strict";
    var base = location.pathname.replace(/\/rollout\/[^/]*$/, "");
    var data = document.getElementById("rollout-data");
    var retry = 1000;
    var timer = null;
    if (!data) { return {refresh: function () {}}; }
    var venue = data.getAttribute("data-venue");
    var product = data.getAttribute("data-product");
    var unit = data.getAttribute("data-unit");
    var prefix = product + "-" + venue + "-";
    var LEGEND = [["done", "done"], ["imaging", "imaging"], ["failed", "failed"], ["not_imaged", "not imaged"],
        ["retired", "retired"]];

    function $(id) { return document.getElementById(id); }

    function text(tag, cls, value) {
        var el = document.createElement(tag);
        if (cls) { el.className = cls; }
        el.textContent = value;
        return el;
    }

    function two(n) { return (n < 10 ? "0" : "") + n; }

    /** A day as the tile has room for: the time today, else the date. */
    function day(iso) {
        if (!iso) { return ""; }
        var t = new Date(iso);
        if (t.toDateString() === new Date().toDateString()) { return two(t.getHours()) + ":" + two(t.getMinutes()); }
        return t.getFullYear() + "-" + two(t.getMonth() + 1) + "-" + two(t.getDate());
    }

    /** What the tile says under the kart number: the state's word or figure, then one line of detail. */
    function detail(k) {
        if (k.state === "imaging") { return [(k.progress || 0) + " %", ""]; }
        if (k.state === "done") { return ["v" + (k.image_version || "?"), day(k.completed_at)]; }
        if (k.state === "failed") { return ["failed", k.failure_reason || ""]; }
        return [k.state_label, ""];
    }

    function tile(k) {
        var b = document.createElement("button");
        b.type = "button";
        b.id = "kart-" + k.hostname;
        b.className = "kart kart-" + k.state;
        b.setAttribute("role", "listitem");
        b.setAttribute("data-hostname", k.hostname);
        b.setAttribute("data-state", k.state);
        b.title = k.hostname + ": " + k.state_label
            + (k.state === "imaging" ? " " + (k.progress || 0) + " %" : "")
            + (k.image_version && k.state !== "failed" ? ", image " + k.image_version : "")
            + (k.failure_reason ? " (" + k.failure_reason + ")" : "")
            + (k.reimage_requested ? ", re-image at next boot" : "");
        var words = detail(k);
        b.appendChild(text("span", "kart-number", k.identifier));
        b.appendChild(text("span", "kart-detail", words[0]));
        if (words[1]) { b.appendChild(text("span", "kart-sub", words[1])); }
        if (k.state === "imaging") {
            var bar = text("span", "kart-bar", "");
            var fill = text("span", "kart-bar-fill", "");
            fill.style.width = Math.max(0, Math.min(100, k.progress || 0)) + "%";
            bar.appendChild(fill);
            b.appendChild(bar);
        }
        if (k.reimage_requested) { b.appendChild(text("span", "kart-flag", "re-image")); }
        b.addEventListener("click", function () {
            openKart([{name: "hostname", value: k.hostname}]);
        });
        return b;
    }

    function draw(board) {
        if (!board) { return; }
        $("rollout-count").textContent = board.done + " of " + board.total + " " + unit + " done";
        var legend = LEGEND.filter(function (l) { return l[0] !== "retired" || board.retired; }).map(function (l) {
            var li = text("li", "legend-" + l[0], "");
            li.appendChild(text("span", "legend-swatch kart-" + l[0], ""));
            li.appendChild(document.createTextNode(l[1] + " " + board[l[0] === "not_imaged" ? "not_imaged" : l[0]]));
            return li;
        });
        $("rollout-legend").replaceChildren.apply($("rollout-legend"), legend);
        var grid = $("kart-grid");
        grid.classList.toggle("kart-grid-serials", board.product_type !== "KXP2");
        // a tile whose kart did not change stays the same element (no flicker, focus and hover kept)
        var old = {};
        Array.prototype.forEach.call(grid.children, function (b) { old[b.id] = b; });
        grid.replaceChildren.apply(grid, board.karts.map(function (k) {
            var key = JSON.stringify(k);
            var kept = old["kart-" + k.hostname];
            if (kept && kept.getAttribute("data-key") === key) { return kept; }
            var b = tile(k);
            b.setAttribute("data-key", key);
            return b;
        }));
        $("rollout-empty").hidden = board.karts.length > 0;
    }

    function refresh() {
        if (timer) { return; }
        timer = setTimeout(function () {
            timer = null;
            fetch(base + "/api/venues/" + encodeURIComponent(venue) + "/rollout?product_type="
                + encodeURIComponent(product), {credentials: "same-origin", headers: {"Accept": "application/json"}})
                .then(function (r) { return r.ok ? r.json() : null; })
                .then(draw);
        }, 500);
    }

    function ours(m) {
        return (m.hostname && m.hostname.indexOf(prefix) === 0)
            || (m.venue_code === venue && (!m.product_type || m.product_type === product));
    }

    /** A progress message moves the tile's figure without asking the server. */
    function progress(m) {
        var b = $("kart-" + m.hostname);
        if (!b || b.getAttribute("data-state") !== "imaging" || typeof m.progress !== "number") {
            refresh();
            return;
        }
        b.querySelector(".kart-detail").textContent = m.progress + " %";
        var fill = b.querySelector(".kart-bar-fill");
        if (fill) { fill.style.width = Math.max(0, Math.min(100, m.progress)) + "%"; }
    }

    function onMessage(event) {
        var m = JSON.parse(event.data);
        if (m.type === "live.joined" || m.type === "live.dropped") {
            // subscribed (or fell behind): read the board now, nothing after this is missed
            $("live-state").textContent = "Live";
            $("live-state").className = "live-state rollout-live live-on";
            refresh();
        } else if (m.type === "deployment.progress") {
            if (ours(m)) { progress(m); }
        } else if (m.type === "deployment.state" || m.type === "deployment.started" || m.type === "hostname.assigned") {
            // a state message of a board without a name yet may still become ours: cheap to re-read
            if (ours(m) || !m.hostname) { refresh(); }
        }
    }

    function connect() {
        var ws = new WebSocket((location.protocol === "https:" ? "wss://" : "ws://") + location.host + base + "/live");
        ws.onopen = function () { retry = 1000; };
        ws.onmessage = onMessage;
        ws.onclose = function () {
            $("live-state").textContent = "Live updates lost; reconnecting…";
            $("live-state").className = "muted live-state rollout-live";
            // a refused handshake looks like a lost connection: 401 means the session ended, log in and come back
            fetch(base + "/api/stats", {credentials: "same-origin",
                headers: {"Accept": "application/json", "X-Requested-With": "XMLHttpRequest"}})
                .then(function (r) {
                    if (r.status === 401) {
                        location.href = base + "/login.xhtml?ended=true&next="
                            + encodeURIComponent(location.pathname + location.search);
                    }
                })
                .catch(function () { /* the server is down: the retry below finds it when it is back */ });
            setTimeout(connect, retry);
            retry = Math.min(retry * 2, 30000);
        };
    }

    var initial = data.getAttribute("data-initial");
    if (initial) {
        draw(JSON.parse(initial));
    } else {
        $("rollout-count").textContent = "No board to show";
    }
    connect();
    return {refresh: refresh};
})();
