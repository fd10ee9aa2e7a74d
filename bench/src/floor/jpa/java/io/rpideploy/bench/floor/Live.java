package io.rpideploy.bench.floor;

import jakarta.websocket.OnMessage;
import jakarta.websocket.server.ServerEndpoint;

/** One WebSocket endpoint. */
@ServerEndpoint("/live")
public class Live {

    @OnMessage
    public String echo(String text) {
        return text;
    }
}
