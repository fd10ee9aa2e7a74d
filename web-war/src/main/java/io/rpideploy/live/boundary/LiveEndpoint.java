package io.rpideploy.live.boundary;

import io.rpideploy.live.control.LiveHub;
import jakarta.inject.Inject;
import jakarta.websocket.CloseReason;
import jakarta.websocket.OnClose;
import jakarta.websocket.OnError;
import jakarta.websocket.OnMessage;
import jakarta.websocket.OnOpen;
import jakarta.websocket.PongMessage;
import jakarta.websocket.Session;
import jakarta.websocket.server.ServerEndpoint;
import java.io.IOException;

/**
 * {@code ws://<management listener>/live}: assignments, deployment state changes and progress as JSON, for
 * logged-in users only: {@code LoginMechanism} answers 401 to an upgrade request without the console's session or
 * HTTP Basic credentials, before it reaches this endpoint. Browsers only listen: incoming messages are ignored.
 */
@ServerEndpoint("/live")
public class LiveEndpoint {

    @Inject
    LiveHub hub;

    @OnOpen
    public void open(Session session) throws IOException {
        if (session.getUserPrincipal() == null) { // defence in depth: the handshake was authenticated
            session.close(new CloseReason(CloseReason.CloseCodes.VIOLATED_POLICY, "log in first"));
            return;
        }
        hub.join(session);
    }

    /** Browsers answer the hub's pings by themselves: the answer shows this one still reads. */
    @OnMessage
    public void pong(PongMessage pong, Session session) {
        hub.pong(session);
    }

    @OnClose
    public void close(Session session) {
        hub.leave(session);
    }

    @OnError
    public void error(Session session, Throwable failure) {
        hub.leave(session);
    }
}
