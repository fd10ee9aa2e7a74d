package io.rpideploy.bench.fleet;

import io.rpideploy.dist.FleetLab;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * The plan's own reference server, as its Phases 5, 6 and 8 set it up: its Flask deployment API
 * ({@code deployment_server.py} with {@code hostname_manager.py} and {@code database_setup.py}, extracted from the
 * plan's markdown unchanged, on Debian's python3-flask) behind nginx with the plan's deployment-network
 * {@code server} block (unchanged: {@code listen 192.168.151.1:80}, {@code /images/} from
 * {@code /opt/rpi-deployment/images/} with sendfile, {@code /api/} proxied to port 5001). Its hard-coded
 * {@code /opt/rpi-deployment} and nginx's log folder are a scratch folder bind-mounted in a mount namespace of its
 * own, so nothing on the host changes. The plan's management server block is left out: it listens on the
 * management network's address, which this bench does not have.
 */
final class PlanServer implements AutoCloseable {

    static final String ADDRESS = "192.168.151.1";

    private final Process process;

    private PlanServer(Process process) {
        this.process = process;
    }

    /** nginx and python3-flask as Debian ships them. */
    static boolean available() {
        return Files.isExecutable(Path.of("/usr/sbin/nginx"))
                && FleetBenchmark.succeeds("/usr/bin/python3", "-c", "import flask");
    }

    /**
     * Lays the plan's files out under {@code dir}, registers {@code image} (its SHA-256 {@code sha256}) as the
     * active KXP2 master and kart numbers 1-{@code karts} for {@code venue}, all through the plan's own code, then
     * starts nginx and the Flask API and waits until {@code /api/config} answers through nginx.
     */
    static PlanServer start(Path plan, Path dir, Path image, String sha256, String venue, int karts, Path log)
            throws Exception {
        Path opt = Files.createDirectories(dir.resolve("opt"));
        Path scripts = Files.createDirectories(opt.resolve("scripts"));
        Files.createDirectories(opt.resolve("images"));
        Files.createDirectories(opt.resolve("logs"));
        Files.createDirectories(opt.resolve("database"));
        Files.createDirectories(dir.resolve("nginx-log"));
        Files.writeString(scripts.resolve("database_setup.py"),
                FleetLab.block(plan, "scripts/database_setup.py`:", "python"));
        Files.writeString(scripts.resolve("hostname_manager.py"),
                FleetLab.block(plan, "scripts/hostname_manager.py`:", "python"));
        Files.writeString(scripts.resolve("deployment_server.py"),
                FleetLab.block(plan, "scripts/deployment_server.py`:", "python"));
        Files.createLink(opt.resolve("images").resolve(image.getFileName()), image);
        String site = deploymentBlock(FleetLab.block(plan, "sites-available/rpi-deployment", "nginx"));
        Files.writeString(dir.resolve("nginx.conf"), "daemon off;\nworker_processes auto;\npid " + dir.resolve(
                "nginx.pid") + ";\nerror_log " + dir.resolve("nginx-error.log") + ";\n"
                + "events { worker_connections 4096; }\n"
                + "http {\n    include /etc/nginx/mime.types;\n    default_type application/octet-stream;\n"
                + site + "}\n");
        // the plan's own HostnameManager and schema set up the venue, its karts and the active image
        Files.writeString(dir.resolve("setup.py"), String.join("\n",
                "import sys, sqlite3",
                "sys.path.append('/opt/rpi-deployment/scripts')",
                "from database_setup import initialize_database, DB_PATH",
                "initialize_database()",
                "from hostname_manager import HostnameManager",
                "m = HostnameManager()",
                "m.create_venue('" + venue + "', 'Bench')",
                "m.bulk_import_kart_numbers('" + venue + "', [str(n) for n in range(1, " + (karts + 1) + ")])",
                "with sqlite3.connect(str(DB_PATH)) as c:",
                "    c.execute(\"INSERT INTO master_images (filename, product_type, version, size_bytes, checksum,"
                        + " is_active) VALUES (?, 'KXP2', '1.0', ?, ?, 1)\", ('" + image.getFileName() + "', "
                        + Files.size(image) + ", '" + sha256 + "'))",
                ""));
        // nginx in the background as a child of the shell that then becomes the Flask app: one process tree
        String script = String.join("\n", "set -e",
                "mount -t tmpfs none /opt", "mkdir -p /opt/rpi-deployment",
                "mount --bind \"$0\" /opt/rpi-deployment", "mount --bind \"$1\" /var/log/nginx",
                "/usr/bin/python3 \"$2\"",
                "/usr/sbin/nginx -c \"$3\" &",
                "cd /opt/rpi-deployment/scripts",
                "exec /usr/bin/python3 deployment_server.py");
        Process p = new ProcessBuilder("unshare", "-m", "--propagation", "private", "sh", "-c", script,
                opt.toString(), dir.resolve("nginx-log").toString(), dir.resolve("setup.py").toString(),
                dir.resolve("nginx.conf").toString())
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        PlanServer server = new PlanServer(p);
        try {
            server.awaitReady();
        } catch (Exception e) {
            server.close(); // nginx would keep the address and port for the next run
            throw e;
        }
        return server;
    }

    /** The plan's {@code server} block that listens on the deployment network's address, as written. */
    static String deploymentBlock(String site) {
        int listen = site.indexOf("listen " + ADDRESS + ":80;");
        int start = site.lastIndexOf("server {", listen);
        int depth = 0;
        for (int i = start; i < site.length(); i++) {
            if (site.charAt(i) == '{') {
                depth++;
            } else if (site.charAt(i) == '}' && --depth == 0) {
                return site.substring(start, i + 1) + "\n";
            }
        }
        throw new IllegalStateException("the plan's nginx site has no deployment server block");
    }

    private void awaitReady() throws Exception {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("the plan's server exited with " + process.exitValue());
            }
            try {
                HttpResponse<String> api = http.send(HttpRequest.newBuilder(URI.create("http://" + ADDRESS
                        + "/images/none")).timeout(Duration.ofSeconds(5)).GET().build(),
                        HttpResponse.BodyHandlers.ofString());
                if (api.statusCode() == 404 && probeApi(http)) {
                    return;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            Thread.sleep(250);
        }
        throw new IllegalStateException("the plan's server did not answer within 60 s");
    }

    /** The Flask API answers through nginx (a GET on a POST route: 405 from Flask, 502 while it starts). */
    private static boolean probeApi(HttpClient http) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://" + ADDRESS + "/api/config"))
                .timeout(Duration.ofSeconds(5)).GET().build(), HttpResponse.BodyHandlers.ofString());
        return r.statusCode() == 405;
    }

    long pid() {
        return process.pid();
    }

    @Override
    public void close() throws InterruptedException {
        process.descendants().forEach(ProcessHandle::destroy);
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
        }
        process.descendants().forEach(ProcessHandle::destroyForcibly);
    }
}
