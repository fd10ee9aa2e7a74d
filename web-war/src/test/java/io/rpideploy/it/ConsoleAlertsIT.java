package io.rpideploy.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rpideploy.it.Api.Reply;
import jakarta.json.JsonObject;
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
 * The Dashboard's alerts and its cards, in headless Chromium against the real war: a board failed through the
 * deployment API shows as an alert when the page is opened afterwards and live while it is open; an operator
 * acknowledges it and it stays gone after a reload; a viewer sees alerts without the button; an operator acknowledges all of a kind at once. A card's words agree
 * with its bar. The steps build on each other (one browser, one server), so they run in order.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ConsoleAlertsIT {

    private static final String VENUE = "UIAL";
    private static final String OPERATOR = "uialertop";
    private static final String OPERATOR_PASSWORD = "operator-pass-2024";
    private static final String VIEWER = "uialertview";
    private static final String VIEWER_PASSWORD = "viewer-pass-2024";

    private static ConsoleBrowser browser;
    private static long firstAlert;
    private static long liveAlert;

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
    void aCardsWordsAgreeWithItsBarOnLoadAndLive() {
        Api admin = Api.admin();
        assertEquals(201, admin.post("/api/venues", "{\"code\":\"" + VENUE + "\",\"name\":\"Alert Hall\"}")
                .status());
        assertEquals(200, admin.post("/api/kart-numbers", "{\"venue_code\":\"" + VENUE + "\",\"numbers\":\"1-9\"}")
                .status());
        for (String[] user : List.of(new String[] {OPERATOR, "operator", OPERATOR_PASSWORD},
                new String[] {VIEWER, "viewer", VIEWER_PASSWORD})) {
            assertEquals(201, admin.post("/api/users", "{\"username\":\"" + user[0] + "\",\"role\":\"" + user[1]
                    + "\",\"password\":\"" + user[2] + "\"}").status());
        }
        ItImages.uploadActive(admin, "KXP2", "alerts-3", "alerts.img", ItImages.disk(128 * 1024, 11));

        // the board names its figure when it enters a state, then reports figures only
        long writing = id(config("10000000a1e70101", "2c:cf:67:00:a1:11"));
        status(writing, "downloading", 0, "Writing image 0 %");
        status(writing, "downloading", 35, null);
        storedProgress(writing, 35); // figures-only reports reach the database within a second

        login(OPERATOR, OPERATOR_PASSWORD);
        browser.open("/index.xhtml");
        WebElement card = browser.find("deployment-" + writing);
        assertEquals("35", card.getAttribute("data-progress"));
        String status = card.findElement(By.className("deploy-status")).getText();
        assertEquals("downloading: Writing image", status, "no 0 % beside 35 %: " + card.getText());
        assertTrue(card.getText().contains("35 %"), card.getText());

        browser.waitForText("live-state", "Live");
        status(writing, "downloading", 60, null);
        browser.until(d -> "60".equals(attribute("deployment-" + writing, "data-progress")));
        assertEquals("downloading: Writing image", statusOf(writing));
        status(writing, "downloading", 70, "Writing image 70 %");
        browser.until(d -> "downloading: Writing image 70 %".equals(statusOf(writing)));
        browser.screenshot("40-dashboard-card-words");
    }

    @Test
    @Order(2)
    void aFailedBoardIsAnAlertOnTheDashboardOpenedAfterwardsAndLiveWhileOpen() {
        JsonObject failing = config("10000000a1e70102", "2c:cf:67:00:a1:12");
        fail(id(failing), "SD card write error");
        firstAlert = alertOf(id(failing));

        browser.open("/index.xhtml");
        WebElement alert = browser.find("alert-" + firstAlert);
        assertTrue(alert.getText().contains("Failed board") && alert.getText().contains(failing.getString("hostname"))
                && alert.getText().contains("SD card write error"), alert.getText());
        assertTrue(browser.find("alert-ack-" + firstAlert).isDisplayed(), "an operator may acknowledge");

        browser.waitForText("live-state", "Live");
        JsonObject second = config("10000000a1e70103", "2c:cf:67:00:a1:13");
        fail(id(second), "checksum mismatch after write");
        liveAlert = alertOf(id(second));
        WebElement pushed = browser.find("alert-" + liveAlert);
        assertTrue(pushed.getText().contains("checksum mismatch after write"), pushed.getText());
        assertEquals("alert-" + liveAlert, firstItemId(), "the newest first");
        browser.screenshotAt("41-dashboard-alerts", 1280, 800);
        browser.screenshotAt("41-dashboard-alerts", 390, 844);
    }

    @Test
    @Order(3)
    void anOperatorAcknowledgesAnAlertAndItStaysGoneAfterAReload() {
        browser.click("alert-ack-" + firstAlert);
        browser.until(ExpectedConditions.invisibilityOfElementLocated(By.id("alert-" + firstAlert)));
        browser.open("/index.xhtml");
        browser.find("alert-" + liveAlert);
        assertFalse(browser.present("alert-" + firstAlert), "acknowledged: not drawn again");
        JsonObject stored = Api.admin().get("/api/alerts?state=all").json().getJsonArray("alerts").stream()
                .map(v -> v.asJsonObject()).filter(a -> a.getJsonNumber("id").longValue() == firstAlert)
                .findFirst().orElseThrow();
        assertEquals(OPERATOR, stored.getString("acknowledged_by"));
        browser.screenshot("42-dashboard-alert-acknowledged");
    }

    @Test
    @Order(4)
    void aViewerSeesTheAlertsButNoAcknowledgeButton() {
        browser.open("/index.xhtml");
        browser.clickAndLoad("session:logout");
        login(VIEWER, VIEWER_PASSWORD);
        browser.open("/index.xhtml");
        assertTrue(browser.find("alert-" + liveAlert).getText().contains("checksum mismatch"));
        assertFalse(browser.present("alert-ack-" + liveAlert), "a viewer may not acknowledge");
        browser.screenshotAt("43-dashboard-alerts-viewer", 390, 844);
    }

    @Test
    @Order(5)
    void anOperatorAcknowledgesAllAlertsOfAKindWithOneButton() {
        fail(id(config("10000000a1e70104", "2c:cf:67:00:a1:14")), "no card inserted");
        browser.open("/index.xhtml");
        browser.clickAndLoad("session:logout");
        login(OPERATOR, OPERATOR_PASSWORD);
        browser.open("/index.xhtml");
        browser.find("alert-" + liveAlert);
        assertTrue(browser.find("alert-ack-all-failed_board").getText().startsWith("Acknowledge all "),
                "two failed boards or more: one button for all of them");
        browser.click("alert-ack-all-failed_board");
        browser.until(ExpectedConditions.invisibilityOfElementLocated(By.id("alert-" + liveAlert)));
        assertFalse(browser.present("alert-ack-all-failed_board"));
        JsonObject open = Api.admin().get("/api/alerts").json();
        assertFalse(open.getJsonObject("by_kind").containsKey("failed_board"), open.toString());
    }

    private static long alertOf(long deployment) {
        Reply open = Api.admin().get("/api/alerts?state=open");
        assertEquals(200, open.status(), open.toString());
        return open.json().getJsonArray("alerts").stream().map(v -> v.asJsonObject())
                .filter(a -> ("deployment " + deployment).equals(a.getString("cause"))).findFirst()
                .orElseThrow(() -> new AssertionError("no alert for deployment " + deployment + ": " + open))
                .getJsonNumber("id").longValue();
    }

    private static String firstItemId() {
        return (String) ((JavascriptExecutor) browser.driver).executeScript(
                "var e = document.querySelector('#alert-list li'); return e ? e.id : null;");
    }

    private static String statusOf(long deployment) {
        return (String) ((JavascriptExecutor) browser.driver).executeScript(
                "var e = document.querySelector('#deployment-' + arguments[0] + ' .deploy-status');"
                        + " return e ? e.textContent.replace(/\\u00a0/g, ' ') : null;", deployment);
    }

    private static String attribute(String id, String name) {
        return (String) ((JavascriptExecutor) browser.driver).executeScript(
                "var e = document.getElementById(arguments[0]); return e ? e.getAttribute(arguments[1]) : null;",
                id, name);
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

    private static void status(long deployment, String state, int progress, String message) {
        Reply reply = Api.deployment().post("/api/status", "{\"deployment_id\":" + deployment + ",\"status\":\""
                + state + "\",\"progress\":" + progress + ",\"bytes_written\":" + progress * 1048576L
                + ",\"bytes_total\":104857600,\"rate_bps\":20971520"
                + (message == null ? "" : ",\"message\":\"" + message + "\"") + "}");
        assertEquals(200, reply.status(), reply.toString());
    }

    private static void storedProgress(long deployment, int progress) {
        long deadline = System.nanoTime() + 10_000_000_000L;
        JsonObject d;
        do {
            d = Api.admin().get("/api/deployments/" + deployment).json().getJsonObject("deployment");
            if (!d.isNull("progress") && d.getInt("progress") == progress) {
                return;
            }
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        } while (System.nanoTime() < deadline);
        throw new AssertionError("progress " + progress + " not stored within 10 s: " + d);
    }

    private static void fail(long deployment, String error) {
        Reply fail = Api.deployment().post("/api/status", "{\"deployment_id\":" + deployment
                + ",\"status\":\"failed\",\"error_message\":\"" + error + "\"}");
        assertEquals(200, fail.status(), fail.toString());
    }

    private static void login(String username, String password) {
        browser.open("/login.xhtml?next=/venues/index.xhtml");
        browser.type("login:username", username);
        browser.type("login:password", password);
        browser.clickAndLoad("login:submit");
        browser.until(ExpectedConditions.urlContains("/venues/index.xhtml"));
    }
}
