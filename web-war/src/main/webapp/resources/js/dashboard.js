// Live dashboard: listens to /live (the session's login authorises the WebSocket), re-reads /api/stats when something
// changed, and keeps one card per deploying board. Plain DOM, no framework: the page is small.
(function () {
    "use strict";
    var base = location.pathname.replace(/\/[^/]*$/, "").replace(/\/$/, "");
    var cards = {};
    var statsTimer = null;
    var retry = 1000;

    function $(id) { return document.getElementById(id); }

    function text(tag, cls, value) {
        var el = document.createElement(tag);
        if (cls) { el.className = cls; }
        el.textContent = value;
        return el;
    }

    function refreshStats() {
        if (statsTimer) { return; }
        statsTimer = setTimeout(function () {
            statsTimer = null;
            fetch(base + "/api/stats", {credentials: "same-origin"}).then(function (r) {
                return r.ok ? r.json() : null;
            }).then(function (stats) {
                if (!stats) { return; }
                Object.keys(stats).forEach(function (key) {
                    if ($(key)) { $(key).textContent = stats[key]; }
                });
            });
        }, 300);
    }

    function refreshQueue() {
        fetch(base + "/api/downloads", {credentials: "same-origin"}).then(function (r) {
            return r.ok ? r.json() : null;
        }).then(function (q) {
            if (!q) { return; }
            var waiting = q.waiting.map(function (w) { return "#" + w.position + " " + w.client; });
            $("queue").textContent = q.streaming.length + " of " + q.max_concurrent + " downloads streaming; "
                + (waiting.length ? waiting.length + " waiting: " + waiting.join(", ") : "nobody waiting");
        });
    }

    function activity(line) {
        var list = $("activity");
        list.insertBefore(text("li", null, new Date().toLocaleTimeString() + "  " + line), list.firstChild);
        while (list.children.length > 20) { list.removeChild(list.lastChild); }
    }

    function mib(bytes) { return (bytes / 1048576).toFixed(0) + " MiB"; }

    function card(update) {
        var c = cards[update.deployment_id];
        // messages carry what changed; the card remembers the rest (venue and product come with "started")
        var d = Object.assign(c ? c.data : {}, update);
        if (!c) {
            c = {root: text("div", "deploy-card", ""), data: d};
            c.title = text("div", "deploy-title", "");
            c.status = text("div", "deploy-status", "");
            c.bar = text("div", "deploy-bar-fill", "");
            var bar = text("div", "deploy-bar", "");
            bar.appendChild(c.bar);
            c.figures = text("div", "muted", "");
            [c.title, c.status, bar, c.figures].forEach(function (el) { c.root.appendChild(el); });
            c.root.id = "deployment-" + d.deployment_id;
            $("deployments").appendChild(c.root);
            cards[d.deployment_id] = c;
        }
        $("no-deployments").style.display = "none";
        c.title.textContent = (d.hostname || "(no hostname yet)")
            + (d.venue_code ? " · " + d.venue_code + " " + (d.product_type || "") : "");
        c.status.textContent = d.status + (d.message ? ": " + d.message : "");
        var progress = typeof d.progress === "number" ? d.progress : 0;
        c.bar.style.width = Math.max(0, Math.min(100, progress)) + "%";
        c.root.setAttribute("data-progress", String(progress));
        var figures = progress + " %";
        if (d.bytes_total) { figures += " · " + mib(d.bytes_written || 0) + " of " + mib(d.bytes_total); }
        if (d.rate_bps) {
            figures += " · " + (d.rate_bps / 1048576).toFixed(1) + " MB/s";
            if (d.bytes_total && d.bytes_written) {
                figures += " · ETA " + Math.ceil((d.bytes_total - d.bytes_written) / d.rate_bps) + " s";
            }
        }
        c.figures.textContent = figures;
        if (["success", "failed", "interrupted"].indexOf(d.status) >= 0) {
            c.root.classList.add("deploy-" + d.status);
            setTimeout(function () {
                c.root.remove();
                delete cards[d.deployment_id];
                if (!Object.keys(cards).length) { $("no-deployments").style.display = ""; }
            }, 30000);
        }
    }

    function onMessage(event) {
        var m = JSON.parse(event.data);
        if (m.type === "live.joined") {
            // subscribed on the server: from here on nothing is missed, so fetch the figures now
            $("live-state").textContent = "Live";
            $("live-state").className = "live-state live-on";
            refreshStats();
            refreshQueue();
        } else if (m.type === "hostname.assigned") {
            activity(m.hostname + (m.reused ? " confirmed for " : " assigned to ")
                + (m.serial_number || m.mac_address));
            refreshStats();
        } else if (m.type === "deployment.progress" || m.type === "deployment.started") {
            card(m);
        } else if (m.type === "live.dropped") {
            // this browser fell behind and the server dropped some messages: re-read the figures
            refreshStats();
            refreshQueue();
        } else if (m.type === "deployment.state") {
            card(m);
            activity((m.hostname || m.serial_number || "board") + " → " + m.status);
            refreshStats();
            refreshQueue();
        }
    }

    function connect() {
        var ws = new WebSocket((location.protocol === "https:" ? "wss://" : "ws://") + location.host + base + "/live");
        ws.onopen = function () {
            retry = 1000;
        };
        ws.onmessage = onMessage;
        ws.onclose = function () {
            $("live-state").textContent = "Live updates lost; reconnecting…";
            $("live-state").className = "muted live-state";
            setTimeout(connect, retry);
            retry = Math.min(retry * 2, 30000);
        };
    }

    connect();
    setInterval(refreshQueue, 5000);
})();
