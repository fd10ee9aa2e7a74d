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
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;

/**
 * The Sessions page as a venue manager uses it: an operator opens a session, boards that know neither venue nor
 * product boot through the deployment API and appear on the page; the manager closes the session; a viewer sees
 * the page without its buttons. The Pools page's board-gone confirmation and pin are checked on the way.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ConsoleSessionsIT {

    private static final String VENUE = "SESU";
    private static final String OPERATOR = "uisessop";
    private static final String OPERATOR_PASSWORD = "operator-pass-2024";
    private static final String VIEWER = "uisessview";
    private static final String VIEWER_PASSWORD = "viewer-pass-2024";

    private static ConsoleBrowser browser;
    private static long sessionId;

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
    void anOperatorOpensASessionAndWatchesItsBoardsArrive() {
        Api admin = Api.admin();
        assertEquals(201, admin.post("/api/venues", "{\"code\":\"" + VENUE + "\",\"name\":\"Circuit Sessions\"}")
                .status());
        assertEquals(200, admin.post("/api/kart-numbers", "{\"venue_code\":\"" + VENUE + "\",\"numbers\":\"1-9\"}")
                .status());
        ItImages.uploadActive(admin, "KXP2", "sess-ui-1", "sess-ui.img", ItImages.disk(64 * 1024, 16));
        assertEquals(201, admin.post("/api/users", "{\"username\":\"" + OPERATOR + "\",\"role\":\"operator\","
                + "\"password\":\"" + OPERATOR_PASSWORD + "\"}").status());
        assertEquals(201, admin.post("/api/users", "{\"username\":\"" + VIEWER + "\",\"role\":\"viewer\","
                + "\"password\":\"" + VIEWER_PASSWORD + "\"}").status());

        login(OPERATOR, OPERATOR_PASSWORD);
        browser.clickAndLoad("nav-sessions");
        browser.find("sessions:noneOpen");
        // a count: untick "until I close it", then 5 boards
        browser.click(browser.find(By.cssSelector("[id='open:untilClosed'] .ui-chkbox-box")));
        browser.until(d -> d.findElement(By.id("open:count_input")).isEnabled());
        browser.type("open:count_input", "5");
        browser.click("open:openSession");
        String notice = browser.find("messages").getText();
        assertTrue(notice.contains("opened: " + VENUE + " KXP2, 5 boards"), notice);
        sessionId = Long.parseLong(notice.replaceAll("(?s).*Session (\\d+) opened.*", "$1"));
        WebElement card = browser.find(By.id("session-" + sessionId));
        assertTrue(card.getText().contains("No board has asked yet"), card.getText());

        // three blank boards: no venue, no product, only their serial
        long first = config("10000000c0de0001");
        long second = config("10000000c0de0002");
        long third = config("10000000c0de0003");
        status(first, "downloading", 40);
        status(second, "downloading", 100);
        status(second, "verifying", 100);
        status(second, "customizing", 100);
        status(second, "success", 100);

        // the page polls: the boards appear without a reload
        browser.until(d -> d.findElements(By.cssSelector("#session-" + sessionId + " tr.board-row")).size() == 3);
        browser.until(ExpectedConditions.textToBePresentInElementLocated(By.id("session-" + sessionId),
                "3 of 5 boards"));
        String text = browser.find(By.id("session-" + sessionId)).getText();
        for (String expected : List.of("KXP2-SESU-001", "KXP2-SESU-002", "KXP2-SESU-003", "10000000c0de0001",
                "downloading", "40 %", "success", "done", "started")) {
            assertTrue(text.contains(expected), expected + " in:\n" + text);
        }
        assertTrue(third > second && second > first);
        screenshots("40-sessions-boards");
    }

    @Test
    @Order(2)
    void closingAsksFirstThenTheSessionIsListedAsClosed() {
        browser.open("/sessions/index.xhtml");
        WebElement close = browser.find(By.cssSelector("#session-" + sessionId + " button[id$=':close']"));
        browser.click(close);
        browser.find("confirmYes");
        browser.click("confirmYes");
        browser.until(ExpectedConditions.invisibilityOfElementLocated(By.id("session-" + sessionId)));
        assertTrue(browser.find("messages").getText().contains("Session " + sessionId + " closed after 3 boards"));
        String closed = browser.find("closed").getText();
        assertTrue(closed.contains("closed by " + OPERATOR), closed);
        browser.find("sessions:noneOpen");
        // no session: a board without venue and product is refused again (no defaults in the test server)
        Reply refused = Api.deployment().post("/api/config", "{\"serial_number\":\"10000000c0de0004\"}");
        assertEquals(400, refused.status(), refused.toString());
        browser.screenshot("41-sessions-closed");
    }

    @Test
    @Order(3)
    void releasingTheNameOfABoardStillImagingAsksWhetherTheBoardIsGone() {
        browser.open("/pools/index.xhtml");
        WebElement row = browser.find(By.xpath("//tr[td[normalize-space()='KXP2-SESU-001']]"));
        browser.click(row.findElement(By.cssSelector("button[id$=':release']")));
        browser.find("confirmYes");
        browser.click("confirmYes");
        WebElement dialog = browser.find("goneDialog");
        assertTrue(browser.find("goneMessage").getText().contains("still imaging under KXP2-SESU-001"),
                dialog.getText());
        browser.screenshot("42-pools-board-gone");
        browser.click("goneForm:gone");
        browser.until(ExpectedConditions.textToBePresentInElementLocated(By.id("messages"),
                "KXP2-SESU-001 released"));
        JsonObject interrupted = Api.admin().get("/api/deployments?hostname=KXP2-SESU-001").json()
                .getJsonArray("deployments").getJsonObject(0);
        assertEquals("interrupted", interrupted.getString("status"), interrupted.toString());

        // pin the freed number to a board through the dialog
        WebElement freed = browser.find(By.xpath("//tr[td[normalize-space()='KXP2-SESU-001']]"));
        browser.click(freed.findElement(By.cssSelector("button[id$=':pin']")));
        browser.find("slotDialog");
        browser.type("slotAction:serial", "10000000c0de0017");
        browser.click("slotAction:apply");
        browser.until(ExpectedConditions.textToBePresentInElementLocated(By.id("messages"),
                "KXP2-SESU-001 pinned to board 10000000c0de0017"));
        assertTrue(browser.find(By.xpath("//tr[td[normalize-space()='KXP2-SESU-001']]")).getText()
                .contains("10000000c0de0017"));
    }

    @Test
    @Order(4)
    void aViewerSeesTheSessionsPageWithoutItsButtons() {
        Reply opened = Api.admin().post("/api/sessions", "{\"venue_code\":\"" + VENUE + "\",\"product_type\":\"KXP2\"}");
        assertEquals(201, opened.status(), opened.toString());
        logout();
        login(VIEWER, VIEWER_PASSWORD);
        browser.open("/sessions/index.xhtml");
        browser.find(By.id("session-" + opened.json().getJsonNumber("id").longValue()));
        assertFalse(browser.present("open:openSession"), "no open form for a viewer");
        assertTrue(browser.driver.findElements(By.cssSelector("button[id$=':close']")).isEmpty(), "no close button");
        browser.screenshot("43-sessions-viewer");
        assertEquals(200, Api.admin().post("/api/sessions/" + opened.json().getJsonNumber("id").longValue()
                + "/close", "").status());
    }

    /** The page at a 1280x800 tablet and a 390x844 phone, then back to the tests' window size. */
    private static void screenshots(String name) {
        try {
            for (Object[] size : new Object[][] {{"tablet", 1280, 800}, {"phone", 390, 844}}) {
                browser.driver.manage().window().setSize(new Dimension((Integer) size[1], (Integer) size[2]));
                browser.waitForPage();
                // nothing sideways: the wide board table scrolls inside its card, the page does not
                Object wider = ((JavascriptExecutor) browser.driver).executeScript("const w = document"
                        + ".documentElement.clientWidth; return document.documentElement.scrollWidth <= w ? null"
                        + " : [...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right"
                        + " > w + 1 && !e.closest('.table-scroll')).slice(0, 8).map(e => e.tagName + '#' + e.id"
                        + " + '.' + e.className + ' ' + Math.round(e.getBoundingClientRect().right)).join(', ');");
                assertEquals(null, wider, "wider than the " + size[0] + " window");
                browser.screenshot(name + "-" + size[0]);
            }
        } finally {
            browser.driver.manage().window().setSize(new Dimension(1440, 1000));
        }
    }

    private static long config(String serial) {
        Reply config = Api.deployment().post("/api/config", "{\"serial_number\":\"" + serial + "\"}");
        assertEquals(200, config.status(), config.toString());
        assertEquals(VENUE, config.json().getString("venue_code"));
        return config.json().getJsonNumber("deployment_id").longValue();
    }

    private static void status(long deployment, String state, int progress) {
        Reply reply = Api.deployment().post("/api/status", "{\"deployment_id\":" + deployment + ",\"status\":\""
                + state + "\",\"progress\":" + progress + "}");
        assertEquals(200, reply.status(), reply.toString());
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
