package io.rpideploy.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Image downloads sent with sendfile end their request on the container thread that began it: concurrent downloads
 * (clients that cannot wait, clients that can, a range) followed by ordinary requests leave no Weld warning of a
 * request, session or conversation context left associated with a thread, or ended on one that never began it
 * (WELD-000714/000715, WELD-000225, WELD-000335: request-scoped state that could reach the next request).
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class DownloadRequestContextIT {

    private static final Pattern LEAK = Pattern.compile("WELD-0007\\d\\d|WELD-000225|WELD-000335");
    /** HTTP/1.1: sendfile is used on HTTP/1.x only (Java's client would ask for h2c). */
    private static final HttpClient HTTP1 = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10)).build();

    @Deployment(testable = false)
    static WebArchive deployment() {
        return ItServer.war();
    }

    @Test
    void concurrentSendfileDownloadsLeaveNoRequestContextBehind() throws Exception {
        List<String> before = leaks();
        byte[] data = ItImages.disk(8 * 1024 * 1024 + 5, 71); // above ZeroCopy's 1 MiB: sent with sendfile
        String name = ItImages.uploadActive(Api.admin(), "KXP2", "it-weld", "weld.img", data).getString("filename");
        String url = "http://127.0.0.1:" + Api.DEPLOYMENT_PORT + "/images/" + name;

        ExecutorService pool = Executors.newFixedThreadPool(10);
        try {
            for (int round = 0; round < 3; round++) {
                List<Future<HttpResponse<byte[]>>> downloads = new ArrayList<>();
                for (int i = 0; i < 6; i++) { // as python requests or curl: no can-wait header, served at once
                    downloads.add(pool.submit(() -> get(url, null, null)));
                }
                for (int i = 0; i < 2; i++) {
                    String client = "weld-it-" + round + "-" + i;
                    downloads.add(pool.submit(() -> get(url, client, null)));
                }
                downloads.add(pool.submit(() -> get(url, null, "bytes=1000-3999999")));
                for (Future<HttpResponse<byte[]>> download : downloads) {
                    HttpResponse<byte[]> response = download.get(120, TimeUnit.SECONDS);
                    if (response.statusCode() == 206) {
                        assertArrayEquals(Arrays.copyOfRange(data, 1000, 4000000), response.body());
                    } else if (response.statusCode() == 200) {
                        assertArrayEquals(data, response.body());
                    } else {
                        assertEquals(503, response.statusCode(), "only a client that can wait is told to"); // queued
                    }
                }
            }
            // ordinary requests on the container threads the downloads used: a leaked context shows here
            List<Future<HttpResponse<byte[]>>> after = new ArrayList<>();
            for (int i = 0; i < 80; i++) {
                after.add(pool.submit(() -> HTTP1.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                        + Api.DEPLOYMENT_PORT + "/health")).timeout(Duration.ofSeconds(30)).build(),
                        HttpResponse.BodyHandlers.ofByteArray())));
            }
            for (Future<HttpResponse<byte[]>> f : after) {
                assertEquals(200, f.get(60, TimeUnit.SECONDS).statusCode());
            }
        } finally {
            pool.shutdownNow();
        }
        Thread.sleep(1000); // the log is written asynchronously
        assertTrue(serverLog().contains("image downloads use sendfile"), "sendfile was not used: nothing tested");
        List<String> leaks = leaks();
        assertEquals(before, leaks.subList(0, Math.min(before.size(), leaks.size())));
        assertEquals("", String.join("\n", leaks.subList(before.size(), Math.min(leaks.size(), before.size() + 10))),
                "Weld reports CDI contexts left on, or ended on, the wrong thread");
    }

    private static List<String> leaks() throws IOException {
        return serverLog().lines().filter(l -> LEAK.matcher(l).find()).collect(Collectors.toList());
    }

    /** The server's log: Payara Micro writes {@code --logtofile <name>} as {@code <name>.0}, {@code <name>.1}, ... */
    private static String serverLog() throws IOException {
        Path base = Path.of(System.getProperty("rpideploy.it.serverLog"));
        StringBuilder text = new StringBuilder();
        try (var files = Files.list(base.getParent())) {
            for (Path file : files.filter(f -> f.getFileName().toString().startsWith(base.getFileName().toString()))
                    .sorted(java.util.Comparator.reverseOrder()).toList()) {
                text.append(Files.readString(file, StandardCharsets.ISO_8859_1));
            }
        }
        assertTrue(text.length() > 0, "no server log at " + base);
        return text.toString();
    }

    private static HttpResponse<byte[]> get(String url, String canWaitClient, String range)
            throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(120));
        if (canWaitClient != null) {
            request.header("X-RpiDeploy-Can-Wait", "1").header("X-RpiDeploy-Client", canWaitClient);
        }
        if (range != null) {
            request.header("Range", range);
        }
        return HTTP1.send(request.GET().build(), HttpResponse.BodyHandlers.ofByteArray());
    }
}
