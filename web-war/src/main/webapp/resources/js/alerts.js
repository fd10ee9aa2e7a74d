// Dashboard alerts: drawn from what the page carries, then kept live from dashboard.js's socket (it re-dispatches
// every message as "rpideploy:live"); an operator acknowledges one with a click, and it is gone for everybody.
(function () {
    "use strict";
    var root = document.getElementById("alerts");
    if (!root) { return; }
    var base = location.pathname.replace(/\/[^/]*$/, "").replace(/\/$/, "");
    var list = document.getElementById("alert-list");
    var canAcknowledge = root.getAttribute("data-can-acknowledge") === "true";
    var KINDS = {failed_board: "Failed board", rogue_dhcp: "Rogue DHCP server", low_disk: "Low disk",
        boot_environment: "Boot environment"};

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
        root.hidden = list.children.length === 0;
    }

    function draw(a) {
        var item = text("li", "alert alert-" + a.kind, "");
        item.id = "alert-" + a.id;
        item.setAttribute("data-kind", a.kind);
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
        var old = document.getElementById(item.id);
        if (old) {
            list.replaceChild(item, old);
        } else {
            list.insertBefore(item, list.firstChild); // newest first
        }
        shown();
    }

    function remove(id) {
        var item = document.getElementById("alert-" + id);
        if (item) { item.remove(); }
        shown();
    }

    function all(alerts) {
        list.replaceChildren();
        alerts.slice().reverse().forEach(draw);
        shown();
    }

    function refresh() {
        fetch(base + "/api/alerts?state=open", {credentials: "same-origin"}).then(function (r) {
            return r.ok ? r.json() : null;
        }).then(function (page) {
            if (page) { all(page.alerts); }
        });
    }

    function acknowledge(id, item, button) {
        var token = document.querySelector("meta[name=csrf-token]");
        button.disabled = true;
        fetch(base + "/api/alerts/" + id + "/acknowledge", {method: "POST", credentials: "same-origin",
            headers: {"Accept": "application/json", "X-CSRF-Token": token ? token.getAttribute("content") : ""}})
            .then(function (r) {
                if (r.ok || r.status === 409) { // 409: somebody else acknowledged it first; gone either way
                    remove(id);
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
            if (m.alert.state === "open") { draw(m.alert); }
        } else if (m.type === "alert.acknowledged") {
            remove(m.alert.id);
        }
    });

    var initial = root.getAttribute("data-initial");
    if (initial) { all(JSON.parse(initial).alerts); }
})();
