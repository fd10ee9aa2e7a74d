package io.rpideploy.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rpideploy.it.Api.Reply;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import java.io.IOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.LocalDate;
import java.util.HexFormat;
import java.util.List;
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
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;

/**
 * The console's Images and Deployments pages in a real headless Chromium: an upload with its progress bar and
 * checksum, activation, rollback, a refused delete, the deployment history with filters, paging, a board's
 * timeline and the CSV export, and what a viewer may not do. Steps build on each other, so they run in order;
 * codes, versions and users start with "IM"/"im" to stay apart from the other tests' data.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ConsoleImagesIT {

    private static final String VENUE = "IMDP";
    private static final String VIEWER = "imviewer";
    private static final String VIEWER_PASSWORD = "im-viewer-pass-01";
    private static final String FIRST = "rxp2_vim-1.0_im-first.img";
    private static final String SECOND = "rxp2_vim-1.1_im-second.img";
    private static final int DEPLOYMENTS = 30;
    private static final int SUCCEEDED = 5;
    private static final String CSV_HEADER = "id,started_at,completed_at,status,hostname,serial,mac,ip,product,venue,"
            + "image_version,error";

    private static ConsoleBrowser browser;
    private static Path files;

    @RegisterExtension
    static final TestWatcher KEEP_FAILED_PAGE = ConsoleBrowser.keepingFailedPages(() -> browser);

    @Deployment(testable = false)
    static WebArchive war() {
        return ItServer.war();
    }

    @BeforeAll
    static void startBrowser() throws IOException {
        files = Files.createTempDirectory("console-images-it");
        browser = new ConsoleBrowser(Api.MANAGEMENT_PORT);
    }

    @AfterAll
    static void stopBrowser() throws IOException {
        if (browser != null) {
            browser.close();
        }
        try (var listing = Files.list(files)) {
            for (Path file : listing.toList()) {
                Files.delete(file);
            }
        }
        Files.delete(files);
    }

    @Test
    @Order(1)
    void aBadVersionIsToldBesideTheVersionFieldAndNothingIsStored() throws IOException {
        login("admin", Api.ADMIN_PASSWORD, "/master-images/index.xhtml");
        browser.until(ExpectedConditions.urlContains("/master-images/index.xhtml"));
        browser.find("images:table");
        Path tiny = image("im-bad.img", 1024, 1);
        upload(tiny, "RXP2", "not a version!", "");
        String message = browser.messageBeside("upload-version");
        assertTrue(message.contains("A version is"), message);
        assertFalse(browser.driver.findElement(By.id("upload-result")).isDisplayed());
        browser.screenshot("im-01-upload-bad-version");
        assertEquals(0, Api.admin().get("/api/images").json().getJsonArray("images").size());
    }

    @Test
    @Order(2)
    void theAdminUploadsAnImageAndSeesProgressChecksumAndTheRow() throws IOException {
        browser.open("/master-images/index.xhtml");
        Path file = image("im-first.img", 384 * 1024, 2);
        upload(file, "RXP2", "im-1.0", "IM first build");
        browser.until(ExpectedConditions.attributeToBe(By.id("upload-progress"), "data-progress", "100"));
        browser.until(ExpectedConditions.visibilityOfElementLocated(By.id("upload-result")));
        String sha = sha256(file);
        assertEquals(sha, browser.find("upload-checksum").getText());
        assertEquals(FIRST, browser.find("upload-filename").getText());

        WebElement row = browser.find(imageRow(FIRST));
        assertTrue(row.getText().contains("im-1.0") && row.getText().contains("RXP2")
                && row.getText().contains("IM first build") && row.getText().contains("384.0 KiB"), row.getText());
        WebElement checksum = row.findElement(By.cssSelector(".checksum"));
        assertEquals(sha, checksum.getAttribute("title"), "the full checksum in the tooltip");
        assertTrue(sha.startsWith(checksum.getText().replace("…", "")), checksum.getText());
        assertTrue(browser.driver.findElements(By.cssSelector("#upload .upload-error")).stream()
                .noneMatch(WebElement::isDisplayed), "the earlier refusal is gone");
        assertEquals("no bmap", row.findElement(By.cssSelector(".bmap-state")).getText());
        browser.screenshot("im-02-uploaded");

        // a block map sent through the API shows on the row
        long id = image(FIRST).getJsonNumber("id").longValue();
        Api admin = Api.admin();
        var put = admin.send(admin.request("/api/images/" + id + "/bmap").header("Content-Type", "application/xml")
                .PUT(java.net.http.HttpRequest.BodyPublishers.ofString(io.rpideploy.images.control.TestBmaps.of(
                        Files.readAllBytes(file), new long[] {0, 95}))));
        assertEquals(200, put.status(), put.toString());
        browser.open("/master-images/index.xhtml");
        assertEquals("bmap", browser.find(imageRow(FIRST)).findElement(By.cssSelector(".bmap-state")).getText());
    }

    @Test
    @Order(3)
    void theAdminActivatesItThenActivatesASecondAndRollsBack() throws IOException {
        browser.open("/master-images/index.xhtml");
        browser.click(browser.find(imageRow(FIRST)).findElement(By.xpath(".//button[contains(@id,':activate')]")));
        browser.find("confirmYes"); // activation changes what every board gets: it asks first
        browser.click("confirmYes");
        browser.until(ExpectedConditions.textToBePresentInElementLocated(statusCell(FIRST), "active"));
        browser.waitForText("images:messages", FIRST + " is now the active image of RXP2");
        assertTrue(image(FIRST).getBoolean("is_active"));

        upload(image("im-second.img", 256 * 1024, 3), "RXP2", "im-1.1", "");
        browser.until(ExpectedConditions.attributeToBe(By.id("upload-progress"), "data-progress", "100"));
        browser.click(browser.find(imageRow(SECOND)).findElement(By.xpath(".//button[contains(@id,':activate')]")));
        browser.find("confirmYes");
        browser.click("confirmYes");
        browser.until(ExpectedConditions.textToBePresentInElementLocated(statusCell(SECOND), "active"));
        browser.until(ExpectedConditions.textToBe(statusCell(FIRST), ""));
        assertFalse(image(FIRST).getBoolean("is_active"));

        browser.click("images:rollbackRXP2");
        browser.find("confirmYes");
        browser.screenshot("im-03-rollback-confirm");
        browser.click("confirmYes");
        browser.waitForText("images:messages", "RXP2 rolled back to " + FIRST);
        browser.until(ExpectedConditions.textToBePresentInElementLocated(statusCell(FIRST), "active"));
        browser.until(ExpectedConditions.textToBe(statusCell(SECOND), ""));
        assertTrue(image(FIRST).getBoolean("is_active"));
        browser.screenshot("im-04-rolled-back");
    }

    @Test
    @Order(4)
    void deletingTheActiveImageIsRefusedWithTheReasonAndAnotherIsDeleted() {
        browser.open("/master-images/index.xhtml");
        browser.click(browser.find(imageRow(FIRST)).findElement(By.xpath(".//button[contains(@id,':delete')]")));
        browser.find("confirmYes");
        browser.click("confirmYes");
        browser.waitForText("images:messages", "The active image of RXP2 cannot be deleted");
        browser.find(imageRow(FIRST));
        browser.screenshot("im-05-delete-active-refused");

        int second = image(SECOND).getInt("id");
        browser.click(browser.find(imageRow(SECOND)).findElement(By.xpath(".//button[contains(@id,':delete')]")));
        browser.find("confirmYes");
        browser.click("confirmYes");
        browser.until(ExpectedConditions.invisibilityOfElementLocated(imageRow(SECOND)));
        browser.waitForText("images:messages", SECOND + " deleted");
        assertEquals(404, Api.admin().get("/api/images/" + second).status());
        assertEquals(1, Api.admin().get("/api/images").json().getJsonArray("images").size());
    }

    @Test
    @Order(5)
    void theAdminEditsDescriptionAndNotes() {
        browser.open("/master-images/index.xhtml");
        browser.click(browser.find(imageRow(FIRST)).findElement(By.xpath(".//button[contains(@id,':edit')]")));
        browser.until(ExpectedConditions.attributeToBe(By.id("editForm:description"), "value", "IM first build"));
        browser.type("editForm:notes", "IM approved for the season");
        browser.click("editForm:save");
        browser.until(ExpectedConditions.invisibilityOfElementLocated(By.id("editDialog")));
        browser.until(ExpectedConditions.textToBePresentInElementLocated(imageRow(FIRST),
                "IM approved for the season"));
        assertEquals("IM approved for the season", image(FIRST).getString("notes"));
        browser.screenshot("im-06-images");
    }

    @Test
    @Order(6)
    void theHistoryListsDeploymentsPagesAndFiltersByStatus() {
        Reply venue = Api.admin().post("/api/venues", "{\"code\":\"" + VENUE + "\",\"name\":\"IM Deploy Park\"}");
        assertEquals(201, venue.status(), venue.toString());
        long[] ids = new long[DEPLOYMENTS];
        for (int i = 0; i < DEPLOYMENTS; i++) {
            Reply config = Api.deployment().post("/api/config", "{\"product_type\":\"RXP2\",\"venue_code\":\"" + VENUE
                    + "\",\"serial_number\":\"" + serial(i) + "\",\"mac_address\":\"2c:cf:67:00:1a:"
                    + String.format("%02x", i) + "\"}");
            assertEquals(200, config.status(), config.toString());
            assertEquals("im-1.0", config.json().getString("version"));
            ids[i] = config.json().getJsonNumber("deployment_id").longValue();
        }
        for (int i = 0; i < SUCCEEDED; i++) {
            for (String state : new String[] {"downloading", "verifying", "customizing", "success"}) {
                status(ids[i], state, "success".equals(state) ? 100 : 40, null);
            }
        }
        status(ids[SUCCEEDED], "downloading", 20, null);
        status(ids[SUCCEEDED], "failed", 20, "IM disk full");

        browser.open("/deployments/index.xhtml");
        browser.waitForText("history:table", "1-25 of " + DEPLOYMENTS);
        assertEquals(25, rows().size());
        // newest first: the last board configured heads the table
        assertTrue(rows().get(0).getText().contains(serial(DEPLOYMENTS - 1)), rows().get(0).getText());
        browser.screenshot("im-07-deployments");

        browser.click(browser.find(By.cssSelector("[id='history:table'] .ui-paginator-next")));
        browser.waitForText("history:table", "26-30 of " + DEPLOYMENTS);
        assertEquals(DEPLOYMENTS - 25, rows().size());
        assertTrue(rows().get(rows().size() - 1).getText().contains(serial(0)));

        chooseStatus("success");
        browser.waitForText("history:table", "1-" + SUCCEEDED + " of " + SUCCEEDED);
        assertEquals(SUCCEEDED, rows().size());
        rows().forEach(r -> assertTrue(r.getText().contains("success"), r.getText()));
        browser.screenshot("im-08-deployments-success");

        chooseStatus("failed");
        browser.waitForText("history:table", "1-1 of 1");
        assertTrue(rows().get(0).getText().contains("IM disk full"), rows().get(0).getText());
    }

    @Test
    @Order(7)
    void aRowOpensTheBoardsTimelineInOrder() {
        browser.open("/deployments/index.xhtml");
        chooseStatus("success");
        browser.waitForText("history:table", "of " + SUCCEEDED);
        WebElement first = rows().get(0);
        String serial = first.findElement(By.xpath("td[4]")).getText();
        browser.click(first.findElement(By.xpath("td[3]")));
        browser.until(ExpectedConditions.visibilityOfElementLocated(By.id("timelineDialog")));
        browser.waitForText("timelineSummary", serial);
        List<String> states = browser.driver.findElements(By.xpath("//div[@id='timelineDialog']//tbody/tr/td[1]"))
                .stream().map(WebElement::getText).toList();
        assertEquals(List.of("started", "downloading", "verifying", "customizing", "success"), states);
        browser.screenshot("im-09-timeline");
        browser.click("closeTimeline");
        browser.until(ExpectedConditions.invisibilityOfElementLocated(By.id("timelineDialog")));
    }

    @Test
    @Order(8)
    void theCsvExportHasAHeaderAndOneLinePerMatchingDeployment() {
        browser.open("/deployments/index.xhtml");
        chooseStatus("success");
        browser.waitForText("history:table", "of " + SUCCEEDED);
        String href = browser.find("csv").getAttribute("href");
        assertTrue(href.contains("status=success"), href);

        List<String> success = csv(href.substring(href.indexOf("/api/")));
        assertEquals(CSV_HEADER, success.get(0));
        assertEquals(SUCCEEDED + 1, success.size(), String.join("\n", success));
        for (String line : success.subList(1, success.size())) {
            String[] cells = line.split(",", -1);
            assertEquals(12, cells.length, line);
            assertEquals("success", cells[3], line);
            assertFalse(cells[2].isEmpty(), "completed_at: " + line);
            assertEquals("RXP2", cells[8], line);
            assertEquals(VENUE, cells[9], line);
            assertEquals("im-1.0", cells[10], line);
        }

        List<String> all = csv("/api/deployments.csv");
        assertEquals(DEPLOYMENTS + 1, all.size());
        assertTrue(all.stream().anyMatch(l -> l.contains(",failed,") && l.endsWith(",IM disk full")), all.toString());
        assertEquals(DEPLOYMENTS + 1, csv("/api/deployments.csv?venue_code=" + VENUE + "&from="
                + LocalDate.now()).size());

        Reply bad = Api.admin().get("/api/deployments.csv?status=nonsense");
        assertEquals(400, bad.status(), bad.toString());
        assertEquals("status", bad.json().getString("field"));
        assertEquals(401, Api.anonymousManagement().get("/api/deployments.csv").status());
    }

    @Test
    @Order(9)
    void aViewerSeesImagesAndHistoryButNoUploadNorActions() {
        Reply created = Api.admin().post("/api/users", "{\"username\":\"" + VIEWER + "\",\"role\":\"viewer\","
                + "\"password\":\"" + VIEWER_PASSWORD + "\"}");
        assertEquals(201, created.status(), created.toString());
        browser.forgetSession();
        login(VIEWER, VIEWER_PASSWORD, "/master-images/index.xhtml");
        browser.until(ExpectedConditions.urlContains("/master-images/index.xhtml"));
        WebElement row = browser.find(imageRow(FIRST));
        assertFalse(browser.present("upload"), "no upload form for a viewer");
        assertFalse(browser.present("images:rollbackRXP2"), "no rollback for a viewer");
        assertTrue(row.findElements(By.tagName("button")).isEmpty(), "no activate, edit or delete for a viewer");
        browser.screenshot("im-10-images-viewer");

        browser.open("/deployments/index.xhtml");
        browser.waitForText("history:table", "of " + DEPLOYMENTS);
        browser.find("csv");
        browser.screenshot("im-11-deployments-viewer");
        assertEquals(200, csvReply("/api/deployments.csv").statusCode());

        long id = image(FIRST).getInt("id");
        Reply refused = Api.anonymousManagement().send(Api.anonymousManagement()
                .request("/api/images/" + id + "/activate").header("Cookie", browser.sessionCookie())
                .POST(HttpRequest.BodyPublishers.noBody()));
        assertEquals(403, refused.status(), refused.toString());
    }

    private static void login(String username, String password, String next) {
        browser.open("/login.xhtml?next=" + next);
        browser.type("login:username", username);
        browser.type("login:password", password);
        browser.clickAndLoad("login:submit");
    }

    /** Fills the page's upload form as a user does and submits it (plain HTML: no Faces request to wait for). */
    private static void upload(Path file, String product, String version, String description) {
        browser.driver.findElement(By.id("upload-image")).sendKeys(file.toString());
        new Select(browser.find("upload-product")).selectByValue(product);
        browser.type("upload-version", version);
        browser.type("upload-description", description);
        browser.find("upload-submit").click();
    }

    /**
     * Picks a status in the filter menu as a user does, but clicks the item only when its panel has stopped
     * moving: a click during the opening animation lands on the item that was under the pointer a moment before.
     */
    private static void chooseStatus(String label) {
        browser.click("filters:status");
        browser.until(ExpectedConditions.visibilityOfElementLocated(By.id("filters:status_panel")));
        browser.until(d -> Boolean.TRUE.equals(((JavascriptExecutor) d).executeScript(
                "var p = document.getElementById('filters:status_panel');"
                + " return p.getAnimations({subtree: true}).every(function (a) { return a.playState !== 'running'; })"
                + " && !/overlay-enter-active/.test(p.className) && !(window.jQuery && jQuery(p).is(':animated'));")));
        browser.click(browser.find(By.xpath("//ul[@id='filters:status_items']/li[@data-label='" + label + "']")));
        browser.until(ExpectedConditions.textToBe(By.id("filters:status_label"), label));
    }

    private static Path image(String name, int size, long seed) throws IOException {
        byte[] data = ItImages.disk(size, seed);
        return Files.write(files.resolve(name), data);
    }

    private static String sha256(Path file) throws IOException {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The image as the API shows it, by its stored file name. */
    private static JsonObject image(String filename) {
        for (JsonValue image : Api.admin().get("/api/images").json().getJsonArray("images")) {
            if (filename.equals(image.asJsonObject().getString("filename"))) {
                return image.asJsonObject();
            }
        }
        throw new AssertionError("no image " + filename);
    }

    private static String serial(int i) {
        return String.format("10000000ab1e%04d", i);
    }

    private static void status(long deployment, String state, int progress, String error) {
        Reply reply = Api.deployment().post("/api/status", "{\"deployment_id\":" + deployment + ",\"status\":\""
                + state + "\",\"progress\":" + progress + (error == null ? "" : ",\"error_message\":\"" + error + "\"")
                + "}");
        assertEquals(200, reply.status(), reply.toString());
    }

    private static List<WebElement> rows() {
        return browser.driver.findElements(By.xpath("//tbody[@id='history:table_data']/tr[not(contains(@class,"
                + "'ui-datatable-empty-message'))]"));
    }

    /** The export fetched as the browser's user would: its session cookie, no Basic authentication. */
    private static HttpResponse<String> csvReply(String path) {
        Reply reply = Api.anonymousManagement().send(Api.anonymousManagement().request(path)
                .header("Cookie", browser.sessionCookie()));
        return reply.raw();
    }

    private static List<String> csv(String path) {
        HttpResponse<String> response = csvReply(path);
        assertEquals(200, response.statusCode(), response.body());
        assertTrue(response.headers().firstValue("Content-Type").orElse("").startsWith("text/csv"),
                response.headers().toString());
        return response.body().lines().toList();
    }

    private static By imageRow(String filename) {
        return By.xpath("//tbody[@id='images:table_data']/tr[td[1][normalize-space()='" + filename + "']]");
    }

    private static By statusCell(String filename) {
        return By.xpath("//tbody[@id='images:table_data']/tr[td[1][normalize-space()='" + filename + "']]/td[7]");
    }
}
