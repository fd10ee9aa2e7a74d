// Network page: listens to /live and redraws the server, lease and activity tables (one round trip through the
// page's remoteCommand) at most twice a second while DHCP or TFTP activity is reported.
(function () {
    "use strict";
    var base = (typeof rpideployBase === "string" ? rpideployBase : "").replace(/\/$/, "");
    var pending = null;
    var retry = 1000;

    function $(id) { return document.getElementById(id); }

    function refresh() {
        if (pending) { return; }
        pending = setTimeout(function () {
            pending = null;
            if (typeof refreshNetwork === "function") { refreshNetwork(); }
        }, 500);
    }

    function state(text, on) {
        $("live-state").textContent = text;
        $("live-state").className = on ? "live-state live-on" : "muted live-state";
    }

    function connect() {
        var ws = new WebSocket((location.protocol === "https:" ? "wss://" : "ws://") + location.host + base + "/live");
        ws.onopen = function () { retry = 1000; };
        ws.onmessage = function (event) {
            var m = JSON.parse(event.data);
            if (m.type === "live.joined") {
                state("Live", true);
                refresh(); // anything that happened before the subscription
            } else if (m.type === "live.dropped"
                    || (typeof m.type === "string" && m.type.indexOf("netboot.") === 0)) {
                refresh();
            }
        };
        ws.onclose = function () {
            state("Live updates lost; reconnecting…", false);
            setTimeout(connect, retry);
            retry = Math.min(retry * 2, 30000);
        };
    }

    connect();
})();
