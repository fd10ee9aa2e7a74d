// Dashboard alerts: drawn from what the page carries, then kept live from dashboard.js's socket (it re-dispatches
// every message as "rpideploy:live"); an operator acknowledges one with a click, and it is gone for everybody, or all
// of a kind at once. The page and the API list the newest 100 open ones and count the rest ("and N more").
(function () {
    "use strict";
    var root = document.getElementById("alerts");
    if (!root) { return; }
    var base = location.pathname.replace(/\/[^/]*$/, "").replace(/\/$/, "");
    var list = document.getElementById("alert-list");
    var canAcknowledge = root.getAttribute("data-can-acknowledge") === "true";
    var KINDS = {failed_board: "Failed board", rogue_dhcp: "Rogue DHCP server", low_disk: "Low disk",
        boot_environment: "Boot environment"};
    var LIMIT = 100; // as the server lists them
    var more = 0; // open alerts not drawn
    var byKind = {}; // open alerts of each kind, drawn or not
    var kinds = document.getElementById("alert-kinds");
    var moreLine = document.getElementById("alert-more");
    var refreshing = null;

    function text(tag, cls, value) {
        var el = document.createElement(tag);
        if (cls) { el.className = cls; }
        el.textContent = value;
        return el;
    }

    function two(n) { return (n < 10 ? "0" : "") + n; }

    function when(iso) {
        var t = new Date(iso);
        var time = two(t.getHours()) + ":" + two(t.getMinutes());
        return t.toDateString() === new Date().toDateString() ? time
            : t.getFullYear() + "-" + two(t.getMonth() + 1) + "-" + two(t.getDate()) + " " + time;
    }

    function shown() {
        while (list.children.length > LIMIT) { // the oldest make room for a live one
            list.lastChild.remove();
            more++;
        }
        root.hidden = list.children.length === 0;
        moreLine.hidden = more <= 0;
        moreLine.textContent = "and " + more + " more";
        drawKinds();
    }

    // "acknowledge all" beside each kind with more than one open alert
    function drawKinds() {
        kinds.replaceChildren();
        if (!canAcknowledge) { return; }
        Object.keys(byKind).sort().forEach(function (kind) {
            if (byKind[kind] > 1) {
                var button = text("button", "ui-button ui-widget ui-state-default ui-corner-all"
                    + " ui-button-text-only alert-ack-all", "");
                button.type = "button";
                button.id = "alert-ack-all-" + kind;
                button.appendChild(text("span", "ui-button-text ui-c", "Acknowledge all " + byKind[kind] + ": "
                    + (KINDS[kind] || kind)));
                button.addEventListener("click", function () { acknowledgeAll(kind, button); });
                kinds.appendChild(button);
            }
        });
    }

    function count(kind, delta) {
        byKind[kind] = Math.max(0, (byKind[kind] || 0) + delta);
    }

    // at most one reload a second, however many alerts come and go
    function refreshSoon() {
        if (refreshing) { return; }
        refreshing = setTimeout(function () { refreshing = null; refresh(); }, 1000);
    }

    // what a drawn alert shows: an item that still shows it is kept (a button being clicked stays the same)
    function signature(a) {
        return a.kind + "|" + a.message + "|" + (a.cleared_at || "");
    }

    // a new alert goes first (newest first); atEnd: the next of a list drawn in its order
    function draw(a, atEnd) {
        var old = document.getElementById("alert-" + a.id);
        if (old && old.getAttribute("data-signature") === signature(a)) {
            if (atEnd) { list.appendChild(old); } // moved, not redrawn
            return;
        }
        var item = text("li", "alert alert-" + a.kind, "");
        item.id = "alert-" + a.id;
        item.setAttribute("data-kind", a.kind);
        item.setAttribute("data-signature", signature(a));
        item.appendChild(text("span", "alert-kind", KINDS[a.kind] || a.kind));
        item.appendChild(text("span", "alert-message", a.message));
        item.appendChild(text("span", "muted alert-when", "since " + when(a.raised_at)
            + (a.cleared_at ? " · gone since " + when(a.cleared_at) : "")));
        if (canAcknowledge) {
            var button = text("button", "ui-button ui-widget ui-state-default ui-corner-all ui-button-text-only"
                + " alert-ack", "");
            button.type = "button";
            button.id = "alert-ack-" + a.id;
            button.appendChild(text("span", "ui-button-text ui-c", "Acknowledge"));
            button.addEventListener("click", function () { acknowledge(a.id, item, button); });
            item.appendChild(button);
        }
        if (old) {
            list.replaceChild(item, old);
            if (atEnd) { list.appendChild(item); }
        } else if (atEnd) {
            list.appendChild(item);
        } else {
            list.insertBefore(item, list.firstChild); // newest first
        }
        if (!atEnd) { shown(); }
    }

    function remove(id, kind) {
        var item = document.getElementById("alert-" + id);
        if (item) {
            item.remove();
            count(kind || item.getAttribute("data-kind"), -1);
        }
        if (more > 0) { refreshSoon(); } // the next older one moves up
        shown();
    }

    // the page's or the API's list, newest first: items no longer in it go, the others are kept in its order
    function all(page) {
        more = page.more || 0;
        byKind = page.by_kind || {};
        var listed = {};
        page.alerts.forEach(function (a) { listed["alert-" + a.id] = true; });
        Array.prototype.slice.call(list.children).forEach(function (item) {
            if (!listed[item.id]) { item.remove(); }
        });
        page.alerts.forEach(function (a) { draw(a, true); });
        shown();
    }

    function refresh() {
        fetch(base + "/api/alerts?state=open", {credentials: "same-origin"}).then(function (r) {
            return r.ok ? r.json() : null;
        }).then(function (page) {
            if (page) { all(page); }
        });
    }

    function acknowledgeAll(kind, button) {
        var token = document.querySelector("meta[name=csrf-token]");
        button.disabled = true;
        fetch(base + "/api/alerts/acknowledge", {method: "POST", credentials: "same-origin",
            headers: {"Accept": "application/json", "Content-Type": "application/json",
                "X-CSRF-Token": token ? token.getAttribute("content") : ""},
            body: JSON.stringify({kind: kind})})
            .then(function (r) {
                if (!r.ok) { button.disabled = false; }
                refresh();
            })
            .catch(function () {
                button.disabled = false;
            });
    }

    function acknowledge(id, item, button) {
        var token = document.querySelector("meta[name=csrf-token]");
        button.disabled = true;
        fetch(base + "/api/alerts/" + id + "/acknowledge", {method: "POST", credentials: "same-origin",
            headers: {"Accept": "application/json", "X-CSRF-Token": token ? token.getAttribute("content") : ""}})
            .then(function (r) {
                if (r.ok || r.status === 409) { // 409: somebody else acknowledged it first; gone either way
                    if (document.getElementById("alert-" + id)) { remove(id); }
                    return;
                }
                return r.json().catch(function () { return {}; }).then(function (e) {
                    button.disabled = false;
                    var error = item.querySelector(".alert-error") || item.appendChild(text("span", "alert-error", ""));
                    error.textContent = e.message || ("Not acknowledged (HTTP " + r.status + ")");
                });
            })
            .catch(function () {
                button.disabled = false;
            });
    }

    document.addEventListener("rpideploy:live", function (event) {
        var m = event.detail;
        if (m.type === "live.joined" || m.type === "live.dropped") {
            refresh(); // from here on nothing is missed
        } else if (m.type === "alert.raised" || m.type === "alert.updated") {
            if (m.alert.state === "open") {
                if (m.type === "alert.raised" && !document.getElementById("alert-" + m.alert.id)) {
                    count(m.alert.kind, 1);
                }
                draw(m.alert);
            }
        } else if (m.type === "alert.acknowledged") {
            if (document.getElementById("alert-" + m.alert.id)) {
                remove(m.alert.id, m.alert.kind);
            } else if (more > 0) {
                refreshSoon(); // perhaps one not drawn: the server counts
            }
        } else if (m.type === "alert.acknowledged_all") {
            refreshSoon();
        }
    });

    var initial = root.getAttribute("data-initial");
    if (initial) { all(JSON.parse(initial)); }
})();
