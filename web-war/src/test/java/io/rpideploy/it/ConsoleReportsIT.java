package io.rpideploy.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.lowagie.text.pdf.PdfReader;
import com.lowagie.text.pdf.parser.PdfTextExtractor;
import io.rpideploy.it.Api.Reply;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.extension.TestWatcher;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;

/**
 * Reports: deployments made through the deployment API (successes, failures with and without the installer's cause,
 * one still writing) come back as the figures of {@code /api/reports/summary}, its CSV and its PDF, and on the
 * Reports page as a viewer sees it (screenshots at 1280x800 and phone size under target/screenshots). One server,
 * one browser; the steps build on each other.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ConsoleReportsIT {

    private static final String VENUE = "REPT";
    private static final String OTHER_VENUE = "RPTB";
    private static final String VIEWER = "reportviewer";
    private static final String VIEWER_PASSWORD = "viewer-pass-2024";
    private static final Path SCREENSHOTS = Path.of("target", "screenshots");

    private static ConsoleBrowser browser;

    @RegisterExtension
    static final TestWatcher KEEP_FAILED_PAGE = ConsoleBrowser.keepingFailedPages(() -> browser);

    @Deployment(testable = false)
    static WebArchive war() {
        return ItServer.war();
    }

    @BeforeAll
    static void startBrowser() {
        browser = new ConsoleBrowser(Api.MANAGEMENT_PORT);
    }

    @AfterAll
    static void stopBrowser() {
        if (browser != null) {
            browser.close();
        }
    }

    @Test
    @Order(1)
    void deploymentsOfTheDayBecomeTheReportsFigures() {
        Api admin = Api.admin();
        for (String venue : List.of(VENUE, OTHER_VENUE)) {
            assertEquals(201, admin.post("/api/venues", "{\"code\":\"" + venue + "\",\"name\":\"Report " + venue
                    + "\"}").status());
            assertEquals(200, admin.post("/api/kart-numbers", "{\"venue_code\":\"" + venue
                    + "\",\"numbers\":\"1-9\"}").status());
        }
        assertEquals(201, admin.post("/api/users", "{\"username\":\"" + VIEWER + "\",\"role\":\"viewer\","
                + "\"password\":\"" + VIEWER_PASSWORD + "\"}").status());
        ItImages.uploadActive(admin, "KXP2", "rep-1", "rep.img", ItImages.disk(128 * 1024, 11));

        // two successes at 20 and 30 MB/s
        success(config(VENUE, 1), 20);
        success(config(VENUE, 2), 30);
        // two failures reported as the plan's script does (the text only), one that could run as a formula
        fail(config(VENUE, 3), null, "@SUM(A1) card fault");
        fail(config(VENUE, 4), null, "@SUM(A1) card fault");
        // one as the project's installer reports it: the cause as message, the detail as error
        fail(config(VENUE, 5), "read-back verification failed", "read-back of chunk 3 (bytes 0-4096) differs");
        // one still writing
        JsonObject writing = config(VENUE, 6);
        report(writing, "{\"status\":\"downloading\",\"progress\":40,\"rate_bps\":10485760}");
        // another venue's: not in a report filtered to VENUE
        success(config(OTHER_VENUE, 7), 40);

        Reply reply = viewer().get("/api/reports/summary?venue_code=" + VENUE);
        assertEquals(200, reply.status(), reply.toString());
        JsonObject report = reply.json();
        assertEquals(LocalDate.now().toString(), report.getString("to"), "the default range ends today");
        assertEquals(LocalDate.now().minusDays(6).toString(), report.getString("from"), "and is 7 days long");
        assertEquals(VENUE, report.getString("venue_code"));
        assertTrue(report.containsKey("product_type") && report.isNull("product_type"), report.toString());

        JsonObject total = report.getJsonObject("total");
        assertEquals(6, total.getInt("deployments"), total.toString());
        assertEquals(2, total.getInt("successes"));
        assertEquals(3, total.getInt("failures"));
        assertEquals(0, total.getInt("interrupted"));
        assertEquals(1, total.getInt("in_progress"));
        assertEquals(40.0, total.getJsonNumber("success_percent").doubleValue(), "2 of the 5 that ended");
        assertEquals(25.0, total.getJsonNumber("median_mb_per_second").doubleValue(), "of 20 and 30 MB/s");
        assertTrue(total.getJsonNumber("median_duration_seconds").doubleValue() >= 0, total.toString());
        assertTrue(total.containsKey("p95_duration_seconds") && !total.isNull("p95_duration_seconds"),
                total.toString());
        JsonArray reasons = total.getJsonArray("failure_reasons");
        assertEquals(2, reasons.size(), reasons.toString());
        assertEquals("@SUM(A1) card fault", reasons.getJsonObject(0).getString("reason"));
        assertEquals(2, reasons.getJsonObject(0).getInt("count"));
        assertEquals("read-back verification failed", reasons.getJsonObject(1).getString("reason"));

        JsonArray days = report.getJsonArray("days");
        assertEquals(7, days.size());
        JsonObject today = days.getJsonObject(6);
        assertEquals(LocalDate.now().toString(), today.getString("key"));
        assertEquals(6, today.getInt("deployments"));
        assertEquals(0, days.getJsonObject(0).getInt("deployments"));
        assertEquals(List.of(VENUE), report.getJsonArray("venues").stream()
                .map(v -> v.asJsonObject().getString("key")).toList());
        assertEquals("KXP2", report.getJsonArray("products").getJsonObject(0).getString("key"));

        JsonObject boards = report.getJsonObject("boards");
        assertEquals(6, boards.getInt("unique_boards"), boards.toString());
        assertEquals(2, boards.getInt("successful"));
        assertEquals(3, boards.getInt("failed"));
        assertEquals(1, boards.getInt("in_progress"));

        JsonObject all = viewer().get("/api/reports/summary").json();
        assertEquals(7, all.getJsonObject("total").getInt("deployments"));
        assertEquals(List.of(VENUE, OTHER_VENUE), all.getJsonArray("venues").stream()
                .map(v -> v.asJsonObject().getString("key")).toList());
        JsonObject tomorrow = viewer().get("/api/reports/summary?from=" + LocalDate.now().plusDays(1)).json();
        assertEquals(1, tomorrow.getJsonArray("days").size(), "without 'to', a range from a later day is that day");
        assertEquals(0, tomorrow.getJsonObject("total").getInt("deployments"), "an empty range");
        assertTrue(tomorrow.getJsonObject("total").isNull("success_percent"));
    }

    @Test
    @Order(2)
    void aBadFilterIsA400NamingItsFieldAndALoginIsNeeded() {
        expectRefusal("/api/reports/summary?from=yesterday", "from");
        expectRefusal("/api/reports/summary?product_type=ABC", "product_type");
        expectRefusal("/api/reports/summary?venue_code=no%20such", "venue_code");
        expectRefusal("/api/reports/summary.csv?from=2026-12-05&to=2026-12-01", "to");
        expectRefusal("/api/reports/summary.pdf?from=2020-01-01&to=2026-01-01", "from");
        assertEquals(401, Api.anonymousManagement().get("/api/reports/summary").status());
        assertEquals(401, Api.anonymousManagement().get("/api/reports/summary.pdf").status());
    }

    @Test
    @Order(3)
    void theCsvHasTheSameRowsWithAHeaderAndNeutralisedCells() {
        Reply csv = viewer().get("/api/reports/summary.csv?venue_code=" + VENUE);
        assertEquals(200, csv.status(), csv.toString());
        assertTrue(csv.raw().headers().firstValue("Content-Type").orElse("").startsWith("text/csv"));
        assertTrue(csv.raw().headers().firstValue("Content-Disposition").orElse("")
                .contains("deployments-" + VENUE + "-"), csv.raw().headers().toString());
        String[] lines = csv.body().split("\r\n");
        assertEquals("scope,key,deployments,successes,failures,interrupted,in_progress,success_percent,"
                + "median_duration_s,p95_duration_s,median_mb_per_s,failure_reasons", lines[0]);
        assertTrue(lines[1].startsWith("total,all,6,2,3,0,1,40.0,"), lines[1]);
        assertTrue(lines[1].endsWith(",25.0,'@SUM(A1) card fault ×2; read-back verification failed ×1"),
                "the formula is neutralised: " + lines[1]);
        assertEquals(1 + 1 + 7 + 1 + 1 + 1, lines.length, csv.body());
        assertTrue(lines[8].startsWith("day," + LocalDate.now() + ",6,2,3,0,1,40.0,"), lines[8]);
        assertTrue(lines[9].startsWith("venue," + VENUE + ",6,"), lines[9]);
        assertTrue(lines[10].startsWith("product,KXP2,6,"), lines[10]);
        assertEquals("boards,latest run per board,6,2,3,0,1,,,,,", lines[11]);
    }

    @Test
    @Order(4)
    void thePdfIsAReportOfTheFilterWithItsVenueInTheTitle() throws IOException {
        HttpResponse<byte[]> pdf = bytes("/api/reports/summary.pdf?venue_code=" + VENUE + "&product_type=KXP2");
        assertEquals(200, pdf.statusCode());
        assertEquals("application/pdf", pdf.headers().firstValue("Content-Type").orElse(""));
        assertEquals("%PDF-", new String(pdf.body(), 0, 5, StandardCharsets.US_ASCII));
        Files.createDirectories(SCREENSHOTS);
        Files.write(SCREENSHOTS.resolve("42-reports.pdf"), pdf.body()); // for a reviewer to look at
        PdfReader reader = new PdfReader(pdf.body());
        try {
            PdfTextExtractor text = new PdfTextExtractor(reader);
            String first = text.getTextFromPage(1);
            assertTrue(first.contains("venue " + VENUE) && first.contains("product KXP2"), first);
            assertTrue(first.contains("40.0 %"), first);
            String reasons = text.getTextFromPage(reader.getNumberOfPages());
            assertTrue(reasons.contains("@SUM(A1) card fault"), reasons);
        } finally {
            reader.close();
        }
    }

    @Test
    @Order(5)
    void aViewerReadsTheReportsPageFiltersItAndDownloadsItsFiles() {
        browser.open("/login.xhtml?next=/venues/index.xhtml");
        browser.type("login:username", VIEWER);
        browser.type("login:password", VIEWER_PASSWORD);
        browser.clickAndLoad("login:submit");
        browser.until(ExpectedConditions.urlContains("/venues/index.xhtml"));
        browser.clickAndLoad("nav-reports");
        assertEquals("Reports", browser.driver.findElement(By.cssSelector("main h1")).getText());
        assertEquals(LocalDate.now().minusDays(6).toString(), browser.find("filters:from").getAttribute("value"));
        assertEquals(LocalDate.now().toString(), browser.find("filters:to").getAttribute("value"));
        assertTrue(figure("card-deployments").startsWith("7"), browser.bodyText());

        browser.choose("filters:venue", VENUE + " · Report " + VENUE);
        browser.until(d -> figure("card-deployments").equals("6"));
        assertEquals("40.0 %", figure("card-success"));
        assertEquals("25.0", figure("card-rate"));
        assertTrue(browser.find("card-boards").getText().contains("2 successful · 3 failed · 1 in progress"),
                browser.find("card-boards").getText());
        assertTrue(browser.find("report-title").getText().contains("venue " + VENUE));
        // the charts are drawn (Chart.js sizes its canvas) and their data are the day's runs
        for (String chart : List.of("outcomes", "durations")) {
            WebElement canvas = browser.find(By.cssSelector("#" + chart + " canvas"));
            assertTrue(canvas.getSize().getWidth() > 100 && canvas.getSize().getHeight() > 100, chart);
        }
        Object successes = ((JavascriptExecutor) browser.driver).executeScript(
                "return PF(Object.keys(PrimeFaces.widgets).find(w => w.indexOf('outcomes') >= 0))"
                        + ".chart.data.datasets[0].data");
        assertEquals(List.of(0L, 0L, 0L, 0L, 0L, 0L, 2L), successes);
        WebElement todayRow = browser.find(By.cssSelector("#days_data tr"));
        assertTrue(todayRow.getText().contains(LocalDate.now().toString()), todayRow.getText());
        assertTrue(browser.find("reasons").getText().contains("@SUM(A1) card fault"));

        String csvHref = browser.find("csv").getAttribute("href");
        assertTrue(csvHref.contains("/api/reports/summary.csv?from=") && csvHref.contains("venue_code=" + VENUE),
                csvHref);
        Reply csv = Api.anonymousManagement().send(Api.anonymousManagement()
                .request(csvHref.substring(csvHref.indexOf("/api/"))).header("Cookie", browser.sessionCookie()));
        assertEquals(200, csv.status(), csv.toString());
        assertTrue(csv.body().split("\r\n")[1].startsWith("total,all,6,"), csv.body());
        String pdfHref = browser.find("pdf").getAttribute("href");
        assertEquals(csvHref.replace("summary.csv", "summary.pdf"), pdfHref);

        shoot("40-reports", 1280, 800);
        shoot("40-reports-phone", 390, 844);
    }

    @Test
    @Order(6)
    void aRangeEndingBeforeItStartsIsToldBesideItsInput() {
        browser.driver.manage().window().setSize(new Dimension(1280, 800));
        setDate("filters:to", LocalDate.now().minusDays(10).toString());
        assertTrue(browser.messageBeside("filters:to").contains("before"), browser.bodyText());
        assertEquals("6", figure("card-deployments"), "the page keeps the last report it could make");
        assertTrue(browser.find("csv").getAttribute("href").contains("to=" + LocalDate.now()));
        browser.screenshot("41-reports-bad-range");
    }

    private static String figure(String card) {
        return browser.find(By.cssSelector("#" + card + " .figure")).getText().trim();
    }

    /** A screenshot of the whole page (not only the window) at this window size, after the leak checks. */
    @SuppressWarnings("unchecked")
    private static void shoot(String name, int width, int height) {
        browser.driver.manage().window().setSize(new Dimension(width, height));
        // the window's own frame takes some of it: grow the window until the page itself has that size
        List<Long> inner = (List<Long>) ((JavascriptExecutor) browser.driver).executeScript(
                "return [window.innerWidth, window.innerHeight]");
        browser.driver.manage().window().setSize(new Dimension(2 * width - inner.get(0).intValue(),
                2 * height - inner.get(1).intValue()));
        browser.waitForPage();
        browser.screenshot(name + "-window");
        Map<String, Object> metrics = browser.driver.executeCdpCommand("Page.getLayoutMetrics", Map.of());
        Map<String, Object> size = (Map<String, Object>) metrics.get("cssContentSize");
        Map<String, Object> shot = browser.driver.executeCdpCommand("Page.captureScreenshot", Map.of(
                "captureBeyondViewport", true, "clip", Map.of("x", 0, "y", 0,
                        "width", ((Number) size.get("width")).doubleValue(),
                        "height", ((Number) size.get("height")).doubleValue(), "scale", 1)));
        try {
            Files.write(SCREENSHOTS.resolve(name + ".png"), Base64.getDecoder().decode((String) shot.get("data")));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Object overflow = ((JavascriptExecutor) browser.driver).executeScript(
                "return document.documentElement.scrollWidth - document.documentElement.clientWidth");
        assertEquals(0L, overflow, name + ": the page scrolls sideways");
    }

    /** A date input's value as a user's date picker sets it (typing depends on the browser's locale). */
    private static void setDate(String id, String isoDate) {
        WebElement input = browser.find(id);
        ((JavascriptExecutor) browser.driver).executeScript("arguments[0].value = arguments[1];"
                + " arguments[0].dispatchEvent(new Event('change', {bubbles: true}));", input, isoDate);
        browser.waitForAjax();
    }

    private static Api viewer() {
        return Api.management(VIEWER, VIEWER_PASSWORD);
    }

    private static void expectRefusal(String path, String field) {
        Reply reply = viewer().get(path);
        assertEquals(400, reply.status(), path + ": " + reply);
        assertEquals("invalid_input", reply.json().getString("error"), reply.toString());
        assertEquals(field, reply.json().getString("field"), reply.toString());
        assertNotNull(reply.json().getString("message"));
    }

    private static HttpResponse<byte[]> bytes(String path) {
        try {
            return Api.client().send(viewer().request(path).GET().build(), HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static JsonObject config(String venue, int board) {
        Reply config = Api.deployment().post("/api/config", "{\"product_type\":\"KXP2\",\"venue_code\":\"" + venue
                + "\",\"serial_number\":\"10000000eb0e000" + board + "\",\"mac_address\":\"2c:cf:67:00:eb:0"
                + board + "\"}");
        assertEquals(200, config.status(), config.toString());
        return config.json();
    }

    private static void success(JsonObject config, int mbPerSecond) {
        report(config, "{\"status\":\"downloading\",\"progress\":50,\"bytes_written\":52428800,"
                + "\"bytes_total\":104857600,\"rate_bps\":" + mbPerSecond * 1048576L + "}");
        report(config, "{\"status\":\"success\",\"progress\":100}");
    }

    private static void fail(JsonObject config, String message, String error) {
        report(config, "{\"status\":\"failed\"" + (message == null ? "" : ",\"message\":\"" + message + "\"")
                + ",\"error_message\":\"" + error + "\"}");
    }

    /** A status report of the board /api/config answered, with its deployment id and report token. */
    private static void report(JsonObject config, String json) {
        String token = config.containsKey("report_token") && !config.isNull("report_token")
                ? ",\"report_token\":\"" + config.getString("report_token") + "\"" : "";
        Reply reply = Api.deployment().post("/api/status", "{\"deployment_id\":"
                + config.getJsonNumber("deployment_id").longValue() + token + "," + json.substring(1));
        assertEquals(200, reply.status(), reply.toString());
    }
}
