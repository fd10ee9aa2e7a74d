package io.rpideploy.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rpideploy.it.Api.Reply;
import jakarta.json.JsonObject;
import java.time.LocalDate;
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

/**
 * The console's Audit page (filters, CSV export, who may open it) and the Dashboard opened mid-batch (unfinished
 * boards and the recent history drawn on load, then live), in headless Chromium against the real war. The steps
 * build on each other (one browser, one server), so they run in order.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ConsoleAuditDashboardIT {

    private static final String VENUE = "UIAU";
    private static final String OPERATOR = "uiauditop";
    private static final String OPERATOR_PASSWORD = "operator-pass-2024";
    private static final String VIEWER = "uiauditview";
    private static final String VIEWER_PASSWORD = "viewer-pass-2024";
    private static final By AUDIT_ROWS = By.xpath("//tbody[@id='log:table_data']/tr[not(contains(@class,"
            + "'ui-datatable-empty-message'))]");

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
    void changesByAdminAndOperatorAreLoggedThenListedNewestFirst() {
        Api admin = Api.admin();
        assertEquals(201, admin.post("/api/venues", "{\"code\":\"" + VENUE + "\",\"name\":\"Audit Raceway\"}")
                .status());
        assertEquals(201, admin.post("/api/users", "{\"username\":\"" + OPERATOR + "\",\"role\":\"operator\","
                + "\"password\":\"" + OPERATOR_PASSWORD + "\"}").status());
        assertEquals(201, admin.post("/api/users", "{\"username\":\"" + VIEWER + "\",\"role\":\"viewer\","
                + "\"password\":\"" + VIEWER_PASSWORD + "\"}").status());
        Reply update = Api.management(OPERATOR, OPERATOR_PASSWORD).put("/api/venues/" + VENUE,
                "{\"name\":\"Audit Raceway, pit 2\"}");
        assertEquals(200, update.status(), update.toString());
        assertEquals(200, admin.put("/api/venues/" + VENUE, "{\"name\":\"Audit Raceway, hall B\"}").status());

        login("admin", Api.ADMIN_PASSWORD);
        browser.clickAndLoad("nav-audit");
        assertEquals("Audit", browser.driver.findElement(By.cssSelector("main h1")).getText());
        List<WebElement> rows = browser.driver.findElements(AUDIT_ROWS);
        int total = Api.admin().get("/api/audit").json().getInt("total");
        assertEquals(Math.min(25, total), rows.size(), browser.bodyText());
        assertTrue(rows.get(0).getText().contains("venue.update") && rows.get(0).getText().contains("admin"),
                "the newest change first: " + rows.get(0).getText());
        assertTrue(browser.find("log:table").getText().contains("1-" + rows.size() + " of " + total),
                browser.find("log:table").getText());
    }

    @Test
    @Order(2)
    void theUserAndActionFiltersNarrowTheRows() {
        browser.open("/audit/index.xhtml");
        browser.choose("filters:actor", OPERATOR);
        browser.until(ExpectedConditions.numberOfElementsToBe(AUDIT_ROWS, 1));
        WebElement only = browser.driver.findElements(AUDIT_ROWS).get(0);
        assertEquals(OPERATOR, only.findElement(By.xpath("td[2]")).getText());
        assertEquals("venue.update", only.findElement(By.xpath("td[3]")).getText());
        assertEquals(VENUE, only.findElement(By.xpath("td[4]")).getText());

        browser.click("filters:clear");
        browser.choose("filters:action", "user.create");
        // the first admin (by the system at the first start) and the two users made by the admin
        browser.until(ExpectedConditions.numberOfElementsToBe(AUDIT_ROWS, 3));
        for (WebElement row : browser.driver.findElements(AUDIT_ROWS)) {
            assertEquals("user.create", row.findElement(By.xpath("td[3]")).getText());
        }
        browser.choose("filters:actor", "admin");
        browser.until(ExpectedConditions.numberOfElementsToBe(AUDIT_ROWS, 2));
        for (WebElement row : browser.driver.findElements(AUDIT_ROWS)) {
            assertEquals("admin", row.findElement(By.xpath("td[2]")).getText());
            assertEquals("user.create", row.findElement(By.xpath("td[3]")).getText());
        }
        browser.screenshotSizes("30-audit-filtered");
    }

    @Test
    @Order(3)
    void theDateRangeNarrowsTheRowsAndABadRangeIsToldBesideItsInput() {
        String today = LocalDate.now().toString();
        String tomorrow = LocalDate.now().plusDays(1).toString();
        setDate("filters:from", tomorrow);
        browser.waitForText("log:table", "No changes match.");
        setDate("filters:from", today);
        browser.until(ExpectedConditions.numberOfElementsToBe(AUDIT_ROWS, 2));
        setDate("filters:to", LocalDate.now().minusDays(1).toString());
        assertTrue(browser.messageBeside("filters:to").contains("before"), browser.bodyText());
        assertEquals(2, browser.driver.findElements(AUDIT_ROWS).size(), "the table keeps the last good filter");
        assertTrue(browser.find("csv").getAttribute("href").endsWith("?actor=admin&action=user.create&from=" + today),
                browser.find("csv").getAttribute("href"));
        setDate("filters:to", today);
        browser.until(ExpectedConditions.numberOfElementsToBe(AUDIT_ROWS, 2));
    }

    @Test
    @Order(4)
    void theCsvExportHasTheRowsOfTheFilterShown() {
        browser.open("/audit/index.xhtml");
        browser.choose("filters:action", "venue.update");
        browser.until(ExpectedConditions.numberOfElementsToBe(AUDIT_ROWS, 2));
        String href = browser.find("csv").getAttribute("href");
        assertTrue(href.contains("/api/audit.csv?action=venue.update"), href);
        Reply csv = Api.anonymousManagement().send(Api.anonymousManagement()
                .request(href.substring(href.indexOf("/api/"))).header("Cookie", browser.sessionCookie()));
        assertEquals(200, csv.status(), csv.toString());
        String[] lines = csv.body().split("\r\n");
        assertEquals("id,at,actor,action,target,details", lines[0]);
        assertEquals(3, lines.length, csv.body());
        assertTrue(lines[1].contains(",admin,venue.update," + VENUE + ","), lines[1]);
        assertTrue(lines[2].contains("," + OPERATOR + ",venue.update," + VENUE + ","), lines[2]);
        browser.screenshot("31-audit-export");
    }

    @Test
    @Order(5)
    void anOperatorOpensTheAuditPageAViewerGets403AndNoLink() {
        logout();
        login(OPERATOR, OPERATOR_PASSWORD);
        assertTrue(browser.present("nav-audit"), "an operator sees the Audit link");
        browser.clickAndLoad("nav-audit");
        assertFalse(browser.driver.findElements(AUDIT_ROWS).isEmpty(), browser.bodyText());

        logout();
        login(VIEWER, VIEWER_PASSWORD);
        assertFalse(browser.present("nav-audit"), "no Audit link for a viewer");
        browser.open("/audit/index.xhtml");
        String page = browser.bodyText();
        assertTrue(page.contains("403") && page.contains("Your role may not open this page"), page);
        assertFalse(browser.present("log:table"));
        browser.screenshot("32-audit-viewer-403");
        Reply direct = Api.anonymousManagement().send(Api.anonymousManagement().request("/audit/index.xhtml")
                .header("Cookie", browser.sessionCookie()).header("Accept", "text/html"));
        assertEquals(403, direct.status(), direct.toString());
        Reply export = Api.anonymousManagement().send(Api.anonymousManagement().request("/api/audit.csv")
                .header("Cookie", browser.sessionCookie()));
        assertEquals(403, export.status(), export.toString());
    }

    @Test
    @Order(6)
    void theDashboardOpenedMidBatchDrawsEveryUnfinishedBoardAndTheRecentHistoryOnLoad() {
        Api admin = Api.admin();
        assertEquals(200, admin.post("/api/kart-numbers", "{\"venue_code\":\"" + VENUE + "\",\"numbers\":\"1-9\"}")
                .status());
        byte[] image = ItImages.disk(128 * 1024, 6);
        ItImages.uploadActive(admin, "KXP2", "dash-7", "dash.img", image);
        JsonObject done = config("10000000da5b0001", "2c:cf:67:00:da:01");
        status(id(done), "downloading", 30);
        status(id(done), "success", 100);
        JsonObject failed = config("10000000da5b0002", "2c:cf:67:00:da:02");
        Reply fail = Api.deployment().post("/api/status", "{\"deployment_id\":" + id(failed)
                + ",\"status\":\"failed\",\"error_message\":\"SD card write error\"}");
        assertEquals(200, fail.status(), fail.toString());
        JsonObject writing = config("10000000da5b0003", "2c:cf:67:00:da:03");
        status(id(writing), "downloading", 40);
        JsonObject waiting = config("10000000da5b0004", "2c:cf:67:00:da:04");

        // opened after the last report: nothing arrives live, so what shows came with the page
        browser.open("/index.xhtml");
        WebElement card = browser.find("deployment-" + id(writing));
        assertEquals("40", card.getAttribute("data-progress"));
        assertTrue(card.getText().contains(writing.getString("hostname")) && card.getText().contains("40 %")
                && card.getText().contains("last report"), card.getText());
        assertTrue(browser.find("deployment-" + id(waiting)).getText().contains("started"));
        assertFalse(browser.present("deployment-" + id(done)), "a finished board has no card");
        assertFalse(browser.driver.findElement(By.id("no-deployments")).isDisplayed(), "no \"No board is deploying\"");
        String initial = browser.driver.findElement(By.id("dashboard-data")).getAttribute("data-initial");
        assertTrue(initial.contains("\"id\":" + id(writing)) && initial.contains("\"progress\":40"), initial);

        List<WebElement> rows = browser.driver.findElements(By.cssSelector("#history-rows tr"));
        assertEquals(4, rows.size(), browser.find("history").getText());
        assertEquals("history-" + id(waiting), rows.get(0).getAttribute("id"), "newest first");
        WebElement success = browser.find("history-" + id(done));
        assertEquals("success", success.getAttribute("data-status"));
        String text = success.getText();
        assertTrue(text.contains(done.getString("hostname")) && text.contains("10000000da5b0001")
                && text.contains("dash-7") && text.contains(VENUE) && text.matches("(?s).* \\d+ s$"), text);
        assertEquals("failed", browser.find("history-" + id(failed)).getAttribute("data-status"));
        assertEquals("downloading", browser.find("history-" + id(writing)).getAttribute("data-status"));
        browser.screenshotSizes("33-dashboard-mid-batch");
    }

    @Test
    @Order(7)
    void theDrawnBoardsAndTheHistoryThenFollowTheLiveReports() {
        browser.open("/index.xhtml");
        browser.waitForText("live-state", "Live");
        // read in the page's own script: the rows and cards are redrawn as live messages arrive (no stale handles)
        String second = browser.until(d -> (String) ((JavascriptExecutor) d).executeScript(
                "var r = document.querySelectorAll('#history-rows tr'); return r.length > 1 ? r[1].id : null;"));
        long writing = Long.parseLong(second.substring("history-".length()));
        browser.find("deployment-" + writing);
        status(writing, "downloading", 80);
        browser.until(d -> "80".equals(attribute("deployment-" + writing, "data-progress")));
        status(writing, "success", 100);
        browser.until(d -> String.valueOf(attribute("deployment-" + writing, "class")).contains("deploy-success"));
        browser.until(d -> "success".equals(attribute("history-" + writing, "data-status")));

        JsonObject next = config("10000000da5b0005", "2c:cf:67:00:da:05");
        browser.until(d -> ("history-" + id(next)).equals(((JavascriptExecutor) d).executeScript(
                "var r = document.querySelector('#history-rows tr'); return r ? r.id : null;")));
        browser.find("deployment-" + id(next));
        browser.screenshot("34-dashboard-live-history");
    }

    private static JsonObject config(String serial, String mac) {
        Reply config = Api.deployment().post("/api/config", "{\"product_type\":\"KXP2\",\"venue_code\":\"" + VENUE
                + "\",\"serial_number\":\"" + serial + "\",\"mac_address\":\"" + mac + "\"}");
        assertEquals(200, config.status(), config.toString());
        return config.json();
    }

    private static long id(JsonObject config) {
        return config.getJsonNumber("deployment_id").longValue();
    }

    @Test
    @Order(8)
    void aSessionThatEndedSendsToTheLoginWithAWordAndBackToThePage() {
        // what the browser holds after an idle timeout or a restart: the cookie of a session the server forgot
        browser.open("/venues/index.xhtml");
        browser.driver.manage().deleteCookieNamed("JSESSIONID");
        browser.driver.manage().addCookie(new org.openqa.selenium.Cookie("JSESSIONID", "ended-session-0000", "/"));
        browser.open("/deployments/index.xhtml");
        browser.until(ExpectedConditions.urlContains("/login.xhtml"));
        assertTrue(browser.find("ended").getText().contains("Your session ended"), browser.bodyText());
        browser.screenshot("34-session-ended-login");
        browser.type("login:username", "admin");
        browser.type("login:password", Api.ADMIN_PASSWORD);
        browser.clickAndLoad("login:submit");
        browser.until(ExpectedConditions.urlContains("/deployments/index.xhtml"));
        // a first visit (no cookie at all) gets no such word
        browser.driver.manage().deleteAllCookies();
        browser.open("/venues/index.xhtml");
        browser.until(ExpectedConditions.urlContains("/login.xhtml"));
        assertFalse(browser.present("ended"), browser.bodyText());
    }

    @Test
    @Order(9)
    void theDevicesPageFindsEveryBoardWithItsImageExportsThemAndPrintsALabel() {
        // the boards of Order(6) and (7): da5b0001 succeeded with image dash-7, da5b0002 failed
        Reply found = Api.admin().get("/api/devices?q=da5b");
        assertEquals(200, found.status(), found.toString());
        assertEquals(5, found.json().getInt("total"), "da5b0001..0005 of Order(6) and (7): " + found);
        JsonObject done = found.json().getJsonArray("boards").stream().map(v -> v.asJsonObject())
                .filter(b -> b.getString("serial_number").equalsIgnoreCase("10000000da5b0001")).findFirst()
                .orElseThrow();
        assertEquals("success", done.getString("last_status"));
        assertEquals("dash-7", done.getString("image_version"));
        assertTrue(done.getString("hostname").startsWith("KXP2-" + VENUE + "-"), done.toString());
        assertEquals(400, Api.admin().get("/api/devices?limit=0").status());
        Reply csv = Api.admin().get("/api/devices.csv?q=da5b0002");
        assertEquals(200, csv.status(), csv.toString());
        String[] lines = csv.body().split("\r\n");
        assertEquals(2, lines.length, csv.body());
        assertTrue(lines[0].startsWith("serial,mac,") && lines[1].contains("failed"), csv.body());

        login("admin", Api.ADMIN_PASSWORD); // the test before ends logged out
        browser.open("/devices/index.xhtml");
        assertTrue(browser.find("nav-devices").getAttribute("class").contains("current"));
        browser.type("search:q", "da5b0001");
        browser.until(ExpectedConditions.numberOfElementsToBe(By.cssSelector("#boards\\:table_data tr"), 1));
        String row = browser.find("boards:table").getText();
        assertTrue(row.contains(done.getString("hostname")) && row.contains("dash-7"), row);
        browser.screenshotSizes("35-devices");

        browser.open("/devices/label.xhtml?board=10000000da5b0001");
        assertEquals(done.getString("hostname"), browser.driver.findElement(By.cssSelector(".label-hostname"))
                .getText());
        assertFalse(browser.driver.findElements(By.cssSelector(".board-label svg.qr path")).isEmpty(), "a QR code");
        browser.screenshot("36-label");
        browser.open("/devices/label.xhtml?board=nosuchboard");
        assertTrue(browser.find("missing").getText().contains("nosuchboard"));

        // the board's history from its row: only its deployments
        browser.open("/deployments/index.xhtml?serial=10000000da5b0002");
        browser.until(ExpectedConditions.numberOfElementsToBe(By.cssSelector("#history\\:table_data tr"), 1));
        assertTrue(browser.find("history:table").getText().contains("failed"));
    }

    /** An element's attribute read in one step of the page's script (null when the element is not there). */
    private static String attribute(String id, String name) {
        return (String) ((JavascriptExecutor) browser.driver).executeScript(
                "var e = document.getElementById(arguments[0]); return e ? e.getAttribute(arguments[1]) : null;",
                id, name);
    }

    private static void status(long deployment, String state, int progress) {
        Reply reply = Api.deployment().post("/api/status", "{\"deployment_id\":" + deployment + ",\"status\":\""
                + state + "\",\"progress\":" + progress + ",\"bytes_written\":" + progress * 1048576L
                + ",\"bytes_total\":104857600,\"rate_bps\":20971520}");
        assertEquals(200, reply.status(), reply.toString());
    }

    /** A date input's value as a user's date picker sets it (typing depends on the browser's locale). */
    private static void setDate(String id, String isoDate) {
        WebElement input = browser.find(id);
        ((JavascriptExecutor) browser.driver).executeScript("arguments[0].value = arguments[1];"
                + " arguments[0].dispatchEvent(new Event('change', {bubbles: true}));", input, isoDate);
        browser.waitForAjax();
    }

    private static void login(String username, String password) {
        browser.open("/login.xhtml?next=/venues/index.xhtml");
        browser.type("login:username", username);
        browser.type("login:password", password);
        browser.clickAndLoad("login:submit");
        browser.until(ExpectedConditions.urlContains("/venues/index.xhtml"));
    }

    private static void logout() {
        browser.open("/venues/index.xhtml");
        browser.clickAndLoad("session:logout");
        browser.until(ExpectedConditions.urlContains("/login.xhtml"));
    }
}
