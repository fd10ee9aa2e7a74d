package io.rpideploy.platform.boundary;

import io.rpideploy.platform.control.DomainException;
import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.UUID;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The container's error page for everything outside JAX-RS: JSON {@code {error, message}} for API paths, a short
 * plain page for browsers. An exception is logged with an incident id; its trace never reaches the client.
 */
@WebServlet(urlPatterns = "/error")
public class ErrorServlet extends HttpServlet {

    private static final Logger LOG = Logger.getLogger(ErrorServlet.class.getName());

    private static String title(int status) {
        return switch (status) {
            case 403 -> "Not allowed (403)";
            case 404 -> "Not found (404)";
            case 503 -> "Busy, try again (503)";
            default -> "Error " + status;
        };
    }

    @Override
    protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
        Object code = request.getAttribute(RequestDispatcher.ERROR_STATUS_CODE);
        int status = code instanceof Integer c ? c : 404;
        Object uri = request.getAttribute(RequestDispatcher.ERROR_REQUEST_URI);
        Throwable failure = (Throwable) request.getAttribute(RequestDispatcher.ERROR_EXCEPTION);
        String message = switch (status) {
            case 403 -> "Your role may not open this page";
            case 404 -> "No such path";
            case 405 -> "This method is not allowed here";
            default -> "Request refused";
        };
        String error = switch (status) {
            case 403 -> "forbidden";
            case 404 -> "not_found";
            case 405 -> "method_not_allowed";
            default -> "error";
        };
        DomainException database = failure == null ? null : ErrorMappers.Unexpected.databaseRefusal(failure);
        if (database != null) {
            // the database refused (locked, unwritable): "retry", as the API's mappers answer it
            status = 503;
            error = "unavailable";
            message = database.getMessage();
            response.setHeader("Retry-After", "1");
        } else if (failure != null || status >= 500) {
            String incident = UUID.randomUUID().toString().substring(0, 8);
            LOG.log(Level.SEVERE, "incident " + incident + " at " + uri, failure);
            status = 500;
            error = "internal_error";
            message = "Something went wrong on the server (incident " + incident + "); the details are in the log";
        }
        response.resetBuffer();
        String accept = String.valueOf(request.getHeader("Accept"));
        boolean api = uri != null && uri.toString().contains("/api/");
        if (api || !accept.contains("text/html")) {
            ApiErrors.write(response, status, error, message);
        } else {
            response.setStatus(status);
            response.setContentType("text/html;charset=UTF-8");
            // the console's look (its bar and colours) without its resources: this page must render whatever failed
            String home = request.getContextPath() + "/index.xhtml";
            response.getWriter().write("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">"
                    + "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
                    + "<title>rpi-deploy · " + status + "</title><style>"
                    + "body{margin:0;font-family:system-ui,sans-serif;background:#f5f6f8;color:#1f2933}"
                    + "header{padding:.6rem 1.2rem;background:#1f2933;color:#fff;font-weight:700}"
                    + "main{max-width:40rem;margin:3rem auto;padding:1.5rem 2rem;background:#fff;border-radius:6px;"
                    + "box-shadow:0 1px 2px rgba(0,0,0,.08)}h1{margin-top:0}a{color:#1f6feb}"
                    + "</style></head><body><header>rpi-deploy</header><main><h1>" + title(status) + "</h1><p>"
                    + message + (status == 403 ? ". Ask an administrator for a role that may, or go back." : ".")
                    + "</p><p><a href=\"" + home + "\">Back to the Dashboard</a></p></main></body></html>");
        }
    }
}
