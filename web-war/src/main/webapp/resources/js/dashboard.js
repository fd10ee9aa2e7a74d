// Live dashboard: listens to /live (the session's login authorises the WebSocket), re-reads /api/stats when something
// changed, and keeps one card per deploying board and the latest deployments in a table. Both are drawn at once from
// what the page carries, and read again from the API each time the socket (re)joins. Plain DOM, no framework.
(function () {
    "use strict";
    var base = location.pathname.replace(/\/[^/]*$/, "").replace(/\/$/, "");
    var cards = {};
    var statsTimer = null;
    var historyTimer = null;
    var recentSize = 10;
    var retry = 1000;
    var FINAL = ["success", "failed", "interrupted"];

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

    function millis(text) { return text ? Date.parse(text) : NaN; }

    function two(n) { return (n < 10 ? "0" : "") + n; }

    function clock(date) { return two(date.getHours()) + ":" + two(date.getMinutes()) + ":" + two(date.getSeconds()); }

    /** Local time; the day only when it is not today (the table must fit a tablet). */
    function when(text) {
        if (!text) { return ""; }
        var t = new Date(text);
        var time = two(t.getHours()) + ":" + two(t.getMinutes());
        if (t.toDateString() === new Date().toDateString()) { return time; }
        return t.getFullYear() + "-" + two(t.getMonth() + 1) + "-" + two(t.getDate()) + " " + time;
    }

    function duration(start, end) {
        var s = Math.round((millis(end) - millis(start)) / 1000);
        if (!(s >= 0)) { return ""; }
        if (s < 60) { return s + " s"; }
        if (s < 3600) { return Math.floor(s / 60) + " min " + two(s % 60) + " s"; }
        return Math.floor(s / 3600) + " h " + two(Math.floor(s / 60) % 60) + " min";
    }

    /**
     * The card's message as it agrees with its bar: a percentage in it other than the bar's is dropped. A board says
     * "Writing image 0 %" when it enters a state and then reports only figures, so the words would stay behind.
     */
    function agreeing(message, progress) {
        if (!message) { return ""; }
        return message.replace(/\s*\(?(\d{1,3}(?:[.,]\d+)?)\s*%\)?/g, function (all, figure) {
            return Math.floor(parseFloat(figure.replace(",", "."))) === progress ? all : "";
        }).replace(/[\s:·,;-]+$/, "").trim().replace(/(\d) %/g, "$1\u00a0%");
    }

    /** A deployment as the API lists it, in the shape of a live message. */
    function fromApi(d) {
        return Object.assign({}, d, {deployment_id: d.id, at: d.last_seen_at || d.updated_at || d.started_at});
    }

    function card(update) {
        var c = cards[update.deployment_id];
        // a snapshot read from the database may be older than a live message already shown: keep the newer
        if (c && update.snapshot && millis(c.data.at) > millis(update.at)) { return; }
        // messages carry what changed; the card remembers the rest (venue and product come with "started")
        var d = Object.assign(c ? c.data : {}, update);
        delete d.snapshot;
        if (!c) {
            c = {root: text("div", "deploy-card", ""), data: d};
            c.title = text("div", "deploy-title", "");
            c.status = text("div", "deploy-status", "");
            c.bar = text("div", "deploy-bar-fill", "");
            var bar = text("div", "deploy-bar", "");
            bar.appendChild(c.bar);
            c.figures = text("div", "muted", "");
            c.seen = text("div", "muted deploy-seen", "");
            [c.title, c.status, bar, c.figures, c.seen].forEach(function (el) { c.root.appendChild(el); });
            c.root.id = "deployment-" + d.deployment_id;
            $("deployments").appendChild(c.root);
            cards[d.deployment_id] = c;
        }
        $("no-deployments").style.display = "none";
        c.title.textContent = (d.hostname || "(no hostname yet)")
            + (d.venue_code ? " · " + d.venue_code + " " + (d.product_type || "") : "");
        var progress = typeof d.progress === "number" ? d.progress : 0;
        var said = agreeing(d.message, progress);
        c.status.textContent = d.status + (said ? ": " + said : "");
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
        c.figures.textContent = figures.replace(/(\d) (%|MiB|MB\/s|s\b)/g, "$1\u00a0$2"); // a figure keeps its unit
        // the installer is silent for minutes while it writes: say when the board was last heard of
        c.seen.textContent = d.at && !isNaN(millis(d.at)) ? "last report " + clock(new Date(d.at)) : "";
        if (FINAL.indexOf(d.status) >= 0 && !c.ending) {
            c.ending = true;
            c.root.classList.add("deploy-" + d.status);
            setTimeout(function () { drop(d.deployment_id); }, 30000);
        }
    }

    function drop(id) {
        var c = cards[id];
        if (!c) { return; }
        c.root.remove();
        delete cards[id];
        if (!Object.keys(cards).length) { $("no-deployments").style.display = ""; }
    }

    /** Draws the unfinished deployments read from the server; a card it no longer lists ended unseen. */
    function unfinished(list) {
        var listed = {};
        list.forEach(function (d) {
            listed[d.id] = true;
            card(Object.assign(fromApi(d), {snapshot: true}));
        });
        Object.keys(cards).forEach(function (id) {
            if (!listed[id] && !cards[id].ending) { drop(id); }
        });
    }

    function refreshUnfinished() {
        fetch(base + "/api/deployments/unfinished", {credentials: "same-origin"}).then(function (r) {
            return r.ok ? r.json() : null;
        }).then(function (page) {
            if (page) { unfinished(page.deployments); }
        });
    }

    function history(list) {
        var body = $("history-rows");
        var rows = list.map(function (d) {
            var tr = document.createElement("tr");
            tr.id = "history-" + d.id;
            tr.setAttribute("data-status", d.status);
            var status = text("span", "status status-" + d.status, d.status);
            [text("td", "code-cell", d.hostname || "—"), text("td", "code-cell", d.serial_number || ""),
                text("td", "nowrap-cell", [d.venue_code, d.product_type].filter(Boolean).join(" · ")),
                text("td", "code-cell", d.image_version || ""), text("td", null, ""),
                text("td", "nowrap-cell", when(d.started_at)), text("td", "nowrap-cell completed-col",
                    when(d.completed_at)), text("td", "number-cell nowrap-cell",
                    d.completed_at ? duration(d.started_at, d.completed_at) : "")
            ].forEach(function (td) { tr.appendChild(td); });
            tr.children[4].appendChild(status);
            return tr;
        });
        if (!rows.length) {
            var empty = document.createElement("tr");
            empty.className = "history-empty";
            var td = text("td", "muted", "No deployments yet.");
            td.colSpan = 8;
            empty.appendChild(td);
            rows.push(empty);
        }
        body.replaceChildren.apply(body, rows);
    }

    /** Re-reads the history's latest rows; state changes come in bursts, so at most once a second. */
    function refreshHistory() {
        if (historyTimer) { return; }
        historyTimer = setTimeout(function () {
            historyTimer = null;
            fetch(base + "/api/deployments?limit=" + recentSize, {credentials: "same-origin"}).then(function (r) {
                return r.ok ? r.json() : null;
            }).then(function (page) {
                if (page) { history(page.deployments); }
            });
        }, 1000);
    }

    function onMessage(event) {
        var m = JSON.parse(event.data);
        // other parts of the page (alerts.js) take what they need from the same socket
        document.dispatchEvent(new CustomEvent("rpideploy:live", {detail: m}));
        if (m.type === "live.joined") {
            // subscribed on the server: from here on nothing is missed, so fetch the figures now
            $("live-state").textContent = "Live";
            $("live-state").className = "live-state live-on";
            refreshStats();
            refreshQueue();
            refreshUnfinished();
            refreshHistory();
        } else if (m.type === "hostname.assigned") {
            activity(m.hostname + (m.reused ? " confirmed for " : " assigned to ")
                + (m.serial_number || m.mac_address));
            refreshStats();
        } else if (m.type === "deployment.progress") {
            card(m);
        } else if (m.type === "deployment.started") {
            card(m);
            refreshHistory();
        } else if (m.type === "live.dropped") {
            // this browser fell behind and the server dropped some messages: re-read the figures
            refreshStats();
            refreshQueue();
            refreshUnfinished();
            refreshHistory();
        } else if (m.type === "deployment.state") {
            card(m);
            activity((m.hostname || m.serial_number || "board") + " → " + m.status);
            refreshStats();
            refreshQueue();
            refreshHistory();
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
            // the server restarted or the session timed out: a refused handshake looks like a lost connection, so
            // ask an API call; 401 means log in again (and come back here), anything else means try again
            fetch(base + "/api/stats", {credentials: "same-origin", headers: {"Accept": "application/json", "X-Requested-With": "XMLHttpRequest"}})
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

    // what the page brought: drawn before the socket is even open
    var initial = $("dashboard-data") && $("dashboard-data").getAttribute("data-initial");
    if (initial) {
        var data = JSON.parse(initial);
        recentSize = data.recent_size || recentSize;
        unfinished(data.unfinished);
        history(data.recent);
    }
    connect();
    setInterval(refreshQueue, 5000);
})();
