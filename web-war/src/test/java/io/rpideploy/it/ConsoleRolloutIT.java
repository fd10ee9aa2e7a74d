package io.rpideploy.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rpideploy.it.Api.Reply;
import jakarta.json.JsonObject;
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
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;

/**
 * The Rollout page as a venue manager uses it: boards boot through the deployment API (two done, one failed, one
 * imaging), the manager opens the venue's board from the Venues page, sees each kart's colour and words and the
 * count, watches it change live, opens a kart's history and re-images or releases it (the board-gone
 * confirmation of the Pools page included); a viewer sees the board and the history without the buttons, and
 * a postback crafted for them changes nothing.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ConsoleRolloutIT {

    private static final String VENUE = "ROLB";
    private static final String OPERATOR = "uirollop";
    private static final String OPERATOR_PASSWORD = "operator-pass-2024";
    private static final String VIEWER = "uirollview";
    private static final String VIEWER_PASSWORD = "viewer-pass-2024";
    /** The tiles' background colours in console.css (done green, imaging blue, failed red, not imaged white). */
    private static final String DONE = "rgba(227, 245, 232, 1)";
    private static final String IMAGING = "rgba(228, 237, 251, 1)";
    private static final String FAILED = "rgba(253, 236, 234, 1)";
    private static final String NOT_IMAGED = "rgba(255, 255, 255, 1)";

    private static ConsoleBrowser browser;
    private static long imaging;

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
    void theBoardShowsEachKartsStateAndFollowsTheBoardsLive() {
        Api admin = Api.admin();
        assertEquals(201, admin.post("/api/venues", "{\"code\":\"" + VENUE + "\",\"name\":\"Kartbahn Rollout\"}")
                .status());
        assertEquals(200, admin.post("/api/kart-numbers", "{\"venue_code\":\"" + VENUE + "\",\"numbers\":\"1-24\"}")
                .status());
        ItImages.uploadActive(admin, "KXP2", "4.2.0", "rollout-ui.img", ItImages.disk(64 * 1024, 31));
        assertEquals(201, admin.post("/api/users", "{\"username\":\"" + OPERATOR + "\",\"role\":\"operator\","
                + "\"password\":\"" + OPERATOR_PASSWORD + "\"}").status());
        assertEquals(201, admin.post("/api/users", "{\"username\":\"" + VIEWER + "\",\"role\":\"viewer\","
                + "\"password\":\"" + VIEWER_PASSWORD + "\"}").status());
        finish(config("10000000b0110001"));
        finish(config("10000000b0110002"));
        long failed = config("10000000b0110003");
        status(failed, "downloading", 55, null);
        status(failed, "failed", 55, "Image write failed: disk full");
        imaging = config("10000000b0110004");
        status(imaging, "downloading", 35, null);

        login(OPERATOR, OPERATOR_PASSWORD);
        // from the venue's row on the Venues page
        browser.clickAndLoad(browser.find(By.cssSelector("a[title='Rollout board of " + VENUE + "']"))
                .getAttribute("id"));
        assertTrue(browser.url().contains("/rollout/index.xhtml?venue=" + VENUE), browser.url());
        assertTrue(browser.find("nav-rollout").getAttribute("class").contains("current"));
        browser.waitForText("rollout-count", "2 of 24 karts done");
        browser.waitForText("live-state", "Live");
        assertEquals(24, browser.driver.findElements(By.cssSelector("#kart-grid .kart")).size());

        assertKart("001", "done", DONE, "v4.2.0");
        assertKart("002", "done", DONE, "v4.2.0");
        assertKart("003", "failed", FAILED, "disk full");
        assertKart("004", "imaging", IMAGING, "35 %");
        assertKart("005", "not_imaged", NOT_IMAGED, "not imaged");
        String legend = browser.find("rollout-legend").getText();
        for (String expected : new String[] {"done 2", "imaging 1", "failed 1", "not imaged 20"}) {
            assertTrue(legend.contains(expected), expected + " in " + legend);
        }

        // live, without a reload: the imaging board moves on and finishes, a new board arrives
        browser.driver.executeScript("document.body.setAttribute('data-not-reloaded', 'yes')");
        status(imaging, "downloading", 70, null);
        browser.until(ExpectedConditions.textToBePresentInElementLocated(kart("004"), "70 %"));
        finish(imaging);
        browser.until(ExpectedConditions.attributeToBe(kart("004"), "data-state", "done"));
        browser.waitForText("rollout-count", "3 of 24 karts done");
        long arriving = config("10000000b0110005");
        status(arriving, "downloading", 12, null);
        browser.until(ExpectedConditions.textToBePresentInElementLocated(kart("005"), "12 %"));
        assertKart("005", "imaging", IMAGING, "12 %");
        assertEquals("yes", browser.driver.findElement(By.tagName("body")).getAttribute("data-not-reloaded"));
        imaging = arriving;
        screenshots("60-rollout");
    }

    @Test
    @Order(2)
    void aKartShowsItsHistoryAndIsReimagedAtItsNextBoot() {
        browser.click(browser.find(kart("003")));
        browser.find("kartDialog");
        browser.waitForText("kartState", "failed");
        assertTrue(browser.find("kartReason").getText().contains("Image write failed: disk full"));
        assertTrue(browser.find("kartBoard").getText().contains("10000000b0110003"));
        assertEquals(1, browser.driver.findElements(By.cssSelector("#kartHistory tr.run-row")).size());
        assertTrue(browser.find("kartHistory").getText().contains("failed"), browser.find("kartHistory").getText());
        browser.screenshot("61-rollout-kart");

        browser.click("kartForm:reimage");
        browser.find("confirmYes");
        browser.click("confirmYes");
        browser.until(ExpectedConditions.textToBePresentInElementLocated(By.id("kartForm:kartMessages"),
                "goes into the installer at its next network boot"));
        browser.find("kartReimage");
        JsonObject k3 = kartJson("003");
        assertTrue(k3.getBoolean("reimage_requested"), k3.toString());
        // the grid is read again after the action: the tile carries the flag
        browser.until(ExpectedConditions.textToBePresentInElementLocated(kart("003"), "re-image"));
        phone("62-rollout-kart");
        browser.driver.executeScript("PF('kartDialog').hide()");
    }

    @Test
    @Order(3)
    void releasingAKartWhoseBoardIsImagingAsksWhetherTheBoardIsGone() {
        browser.click(browser.find(kart("005")));
        browser.waitForText("kartState", "imaging 12 %");
        browser.click("kartForm:release");
        browser.find("confirmYes");
        browser.click("confirmYes");
        assertTrue(browser.find("goneMessage").getText().contains("still imaging under KXP2-" + VENUE + "-005"),
                browser.find("goneMessage").getText());
        browser.screenshot("63-rollout-board-gone");
        browser.click("goneForm:gone");
        browser.until(ExpectedConditions.textToBePresentInElementLocated(By.id("kartForm:kartMessages"),
                "KXP2-" + VENUE + "-005 released; the board's unfinished deployment is marked interrupted"));
        browser.until(ExpectedConditions.attributeToBe(kart("005"), "data-state", "not_imaged"));
        JsonObject run = Api.admin().get("/api/deployments/" + imaging).json().getJsonObject("deployment");
        assertEquals("interrupted", run.getString("status"), run.toString());
        assertEquals("available", kartJson("005").getString("slot_status"));
    }

    @Test
    @Order(4)
    void aViewerSeesTheBoardAndAHistoryWithoutButtons() {
        browser.open("/venues/index.xhtml");
        browser.clickAndLoad("session:logout");
        login(VIEWER, VIEWER_PASSWORD);
        browser.clickAndLoad("nav-rollout");
        browser.waitForText("rollout-count", "3 of 24 karts done");
        browser.click(browser.find(kart("001")));
        browser.waitForText("kartState", "done");
        assertTrue(browser.find("kartHistory").getText().contains("success"));
        assertFalse(browser.present("kartForm:reimage"), "no re-image for a viewer");
        assertFalse(browser.present("kartForm:release"), "no release for a viewer");
        assertFalse(browser.present("kartForm:retire"), "no retire for a viewer");
        browser.screenshot("64-rollout-viewer");
        // the postbacks the hidden buttons would send, crafted: refused, nothing changes
        assertEquals("assigned", kartJson("001").getString("slot_status"));
        for (String button : new String[] {"kartForm:release", "kartForm:reimage"}) {
            browser.driver.executeScript("PrimeFaces.ab({s: arguments[0], f: 'kartForm', p: arguments[0],"
                    + " u: 'kartForm'});", button);
            browser.waitForAjax();
        }
        JsonObject untouched = kartJson("001");
        assertEquals("assigned", untouched.getString("slot_status"), "a viewer's release: " + untouched);
        assertFalse(untouched.getBoolean("reimage_requested"), "a viewer's re-image: " + untouched);
        browser.driver.executeScript("PF('kartDialog').hide()");

        // the venue's RXP2 pool: its names appear as boards first ask, none has yet
        browser.choose("pick:product", "RXP2");
        browser.until(ExpectedConditions.urlContains("product=RXP2"));
        browser.waitForPage();
        browser.waitForText("rollout-count", "0 of 0 boards done");
        assertTrue(browser.find("rollout-empty").getText().contains("no RXP2 names"), browser.bodyText());
    }

    private static By kart(String number) {
        return By.id("kart-KXP2-" + VENUE + "-" + number);
    }

    /** A tile's state, colour and words; read again if the live board redrew it meanwhile. */
    private static void assertKart(String number, String state, String colour, String words) {
        for (int attempt = 1; ; attempt++) {
            try {
                WebElement tile = browser.find(kart(number));
                assertEquals(state, tile.getAttribute("data-state"), number);
                assertTrue(tile.getAttribute("class").contains("kart-" + state), tile.getAttribute("class"));
                assertEquals(colour, tile.getCssValue("background-color"), number + " " + state);
                assertTrue(tile.getText().startsWith(number) && tile.getText().contains(words), number + ": "
                        + tile.getText());
                return;
            } catch (StaleElementReferenceException redrawn) {
                if (attempt == 3) {
                    throw redrawn;
                }
            }
        }
    }

    private static JsonObject kartJson(String number) {
        return Api.admin().get("/api/venues/" + VENUE + "/rollout").json().getJsonArray("karts").stream()
                .map(k -> k.asJsonObject()).filter(k -> k.getString("identifier").equals(number)).findFirst()
                .orElseThrow();
    }

    /** The board at a 1440x900 laptop, a 1280x800 tablet and a 390x844 phone; nothing wider than the window. */
    private static void screenshots(String name) {
        try {
            for (Object[] size : new Object[][] {{"1440", 1440, 900}, {"tablet", 1280, 800}, {"phone", 390, 844}}) {
                browser.driver.manage().window().setSize(new Dimension((Integer) size[1], (Integer) size[2]));
                browser.waitForPage();
                assertEquals(null, wider(), "wider than the " + size[0] + " window");
                browser.screenshot(name + "-" + size[0]);
            }
        } finally {
            browser.driver.manage().window().setSize(new Dimension(1440, 1000));
        }
    }

    private static void phone(String name) {
        try {
            browser.driver.manage().window().setSize(new Dimension(390, 844));
            browser.waitForPage();
            browser.screenshot(name + "-phone");
        } finally {
            browser.driver.manage().window().setSize(new Dimension(1440, 1000));
        }
    }

    private static Object wider() {
        return ((JavascriptExecutor) browser.driver).executeScript("const w = document.documentElement"
                + ".clientWidth; return document.documentElement.scrollWidth <= w ? null : [...document"
                + ".querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right > w + 1"
                + " && !e.closest('.table-scroll')).slice(0, 8).map(e => e.tagName + '#' + e.id + '.' + e.className"
                + " + ' ' + Math.round(e.getBoundingClientRect().right)).join(', ');");
    }

    private static long config(String serial) {
        Reply config = Api.deployment().post("/api/config", "{\"serial_number\":\"" + serial
                + "\",\"venue_code\":\"" + VENUE + "\",\"product_type\":\"KXP2\"}");
        assertEquals(200, config.status(), config.toString());
        return config.json().getJsonNumber("deployment_id").longValue();
    }

    private static void finish(long deployment) {
        status(deployment, "downloading", 100, null);
        status(deployment, "verifying", 100, null);
        status(deployment, "customizing", 100, null);
        status(deployment, "success", 100, null);
    }

    private static void status(long deployment, String state, int progress, String error) {
        Reply reply = Api.deployment().post("/api/status", "{\"deployment_id\":" + deployment + ",\"status\":\""
                + state + "\",\"progress\":" + progress + (error == null ? "" : ",\"error_message\":\"" + error
                + "\"") + "}");
        assertEquals(200, reply.status(), reply.toString());
    }

    private static void login(String username, String password) {
        browser.open("/login.xhtml?next=/venues/index.xhtml");
        browser.type("login:username", username);
        browser.type("login:password", password);
        browser.clickAndLoad("login:submit");
        browser.until(ExpectedConditions.urlContains("/venues/index.xhtml"));
    }
}
