package io.rpideploy.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rpideploy.it.Api.Reply;
import jakarta.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
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
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;

/**
 * The management console in a real headless Chromium against the real war on Payara Micro: login, venues, pools,
 * users, and what a viewer may not do. The steps build on each other (one browser, one server), so they run in
 * order; codes start with "UI" to stay apart from the API tests' data.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ConsoleIT {

    private static final String VENUE = "UIAB";
    private static final String VIEWER = "uiviewer";
    private static final String VIEWER_FIRST_PASSWORD = "first-pass-0001";
    private static final String VIEWER_PASSWORD = "viewer-pass-2024";

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
    void aPageWithoutLoginGoesToTheLoginForm() {
        browser.open("/venues/index.xhtml");
        browser.until(ExpectedConditions.urlContains("/login.xhtml"));
        assertTrue(browser.url().contains("next="), browser.url());
        browser.find("login:username");
        browser.screenshot("01-login");
    }

    @Test
    @Order(2)
    void aWrongPasswordIsToldBesideThePasswordField() {
        login("admin", "not-the-password");
        assertEquals("Wrong user name or password", browser.messageBeside("login:password"));
        assertTrue(browser.url().contains("/login.xhtml"), browser.url());
        browser.screenshot("02-login-wrong-password");
    }

    @Test
    @Order(3)
    void theAdminLogsInAndLandsOnThePageAskedFor() {
        login("admin", Api.ADMIN_PASSWORD);
        browser.until(ExpectedConditions.urlContains("/venues/index.xhtml"));
        assertEquals("Venues", browser.driver.findElement(By.cssSelector("main h1")).getText());
        assertTrue(browser.present("nav-users"), "an admin sees the Users link");
    }

    @Test
    @Order(4)
    void theDashboardShowsItsFigures() {
        browser.open("/venues/index.xhtml");
        browser.clickAndLoad("nav-dashboard");
        assertEquals("0", browser.find("active_deployments").getText(), browser.bodyText());
        assertEquals("0", browser.find("venues").getText(), browser.bodyText());
        browser.screenshot("03-dashboard");
    }

    @Test
    @Order(5)
    void theAdminCreatesEditsAndDeletesVenues() {
        browser.open("/venues/index.xhtml");
        createVenue("uiab", "UI Test Raceway", "Pit lane 1", "track@uiab.example");
        WebElement row = browser.until(ExpectedConditions.visibilityOfElementLocated(venueRow(VENUE)));
        assertTrue(row.getText().contains("UI Test Raceway"), row.getText());
        assertTrue(row.getText().contains("track@uiab.example"), row.getText());
        assertEquals(200, Api.admin().get("/api/venues/" + VENUE).status());

        browser.click(row.findElement(By.xpath(".//button[contains(@id,':edit')]")));
        browser.until(ExpectedConditions.attributeToBe(By.id("venueForm:code"), "value", VENUE));
        assertFalse(browser.find("venueForm:code").isEnabled(), "the code of a venue cannot change");
        browser.type("venueForm:name", "UI Alpha Raceway");
        browser.click("venueForm:save");
        browser.until(ExpectedConditions.invisibilityOfElementLocated(By.id("venueDialog")));
        browser.until(ExpectedConditions.textToBePresentInElementLocated(venueRow(VENUE), "UI Alpha Raceway"));
        assertEquals("UI Alpha Raceway", Api.admin().get("/api/venues/" + VENUE).json().getString("name"));

        createVenue("UIDL", "To be deleted", "", "");
        WebElement doomed = browser.until(ExpectedConditions.visibilityOfElementLocated(venueRow("UIDL")));
        browser.click(doomed.findElement(By.xpath(".//button[contains(@id,':delete')]")));
        browser.find("confirmYes");
        browser.screenshot("04-venue-delete-confirm");
        browser.click("confirmYes");
        browser.until(ExpectedConditions.invisibilityOfElementLocated(venueRow("UIDL")));
        assertEquals(404, Api.admin().get("/api/venues/UIDL").status());
        browser.screenshot("05-venues");
    }

    @Test
    @Order(6)
    void aBadEmailIsShownBesideTheEmailFieldAndNothingIsStored() {
        browser.open("/venues/index.xhtml");
        browser.click("venues:create");
        browser.type("venueForm:code", "UIBD");
        browser.type("venueForm:name", "Bad Mail Track");
        browser.type("venueForm:contactEmail", "not-an-address");
        browser.click("venueForm:save");
        String message = browser.messageBeside("venueForm:contactEmail");
        assertTrue(message.contains("not an e-mail address"), message);
        assertTrue(browser.find("venueDialog").isDisplayed(), "the dialog stays open with the message");
        assertTrue(browser.driver.findElements(By.xpath("//*[@id='venueForm:code']/ancestor::div[contains(@class,"
                + "'field')][1]//*[contains(@class,'ui-message-error')]")).isEmpty(), "no message beside the code");
        browser.screenshot("06-venue-bad-email");

        assertEquals(404, Api.admin().get("/api/venues/UIBD").status());
        browser.click("venueForm:cancel");
        browser.until(ExpectedConditions.invisibilityOfElementLocated(By.id("venueDialog")));
        assertTrue(browser.driver.findElements(venueRow("UIBD")).isEmpty());
    }

    @Test
    @Order(7)
    void kartNumbersAreImportedFromRangeTextAndFromACsvFile() throws IOException {
        browser.open("/pools/index.xhtml?venue=" + VENUE);
        browser.type("import:numbers", "1-5, 9, abc");
        browser.click("import:importNumbers");
        browser.waitForText("resultSummary", "Added 6 kart numbers");
        String invalid = browser.find("invalidItems").getText();
        assertTrue(invalid.contains("abc") && invalid.contains("not a kart number"), invalid);
        browser.until(ExpectedConditions.visibilityOfElementLocated(slotRow("KXP2-UIAB-001")));
        browser.until(ExpectedConditions.visibilityOfElementLocated(slotRow("KXP2-UIAB-009")));
        browser.screenshot("07-pool-import");

        Path csv = Files.createTempFile("karts", ".csv");
        Files.writeString(csv, "kart\n10\n11-12\nx1\n9\n");
        browser.driver.findElement(By.cssSelector("#upload input[type=file]")).sendKeys(csv.toString());
        browser.click("upload:uploadCsv");
        browser.find("previewTable"); // first the rows, then the import
        browser.click("csvImport:importColumn");
        browser.waitForText("resultSummary", "Added 3 kart numbers");
        assertTrue(browser.find("resultSummary").getText().contains("1 duplicate skipped"),
                browser.find("resultSummary").getText());
        assertTrue(browser.find("invalidItems").getText().contains("x1"), browser.find("invalidItems").getText());
        Files.delete(csv);
        assertEquals(9, Api.admin().get("/api/venues/" + VENUE + "/stats").json().getInt("available"));
    }

    @Test
    @Order(8)
    void slotsAreReleasedAndRetiredFromTheTable() {
        Reply assigned = Api.admin().post("/api/hostname/assign", "{\"product_type\":\"KXP2\",\"venue_code\":\"UIAB\","
                + "\"serial_number\":\"10000000cafe0001\",\"mac_address\":\"2c:cf:67:00:ca:01\"}");
        assertEquals(200, assigned.status(), assigned.toString());
        assertEquals("KXP2-UIAB-001", assigned.json().getString("hostname"));

        browser.open("/pools/index.xhtml?venue=" + VENUE);
        WebElement row = browser.until(ExpectedConditions.visibilityOfElementLocated(slotRow("KXP2-UIAB-001")));
        String text = row.getText().toLowerCase(Locale.ROOT);
        assertTrue(text.contains("assigned") && text.contains("cafe0001") && text.contains("2c:cf:67:00:ca:01"),
                row.getText());
        browser.screenshot("08-pool-assigned");

        browser.click(row.findElement(By.xpath(".//button[contains(@id,':release')]")));
        browser.find("confirmYes"); // the next board may take the name: Release asks first
        browser.click("confirmYes");
        browser.until(ExpectedConditions.textToBe(statusCell("KXP2-UIAB-001"), "available"));
        browser.waitForText("messages", "KXP2-UIAB-001 released");

        WebElement second = browser.find(slotRow("KXP2-UIAB-002"));
        browser.click(second.findElement(By.xpath(".//button[contains(@id,':retire')]")));
        browser.find("confirmYes");
        browser.click("confirmYes");
        browser.until(ExpectedConditions.textToBe(statusCell("KXP2-UIAB-002"), "retired"));

        browser.choose("slots:status", "retired");
        browser.until(ExpectedConditions.numberOfElementsToBe(By.xpath("//tbody[@id='slots:table_data']/tr"), 1));
        browser.find(slotRow("KXP2-UIAB-002"));
        browser.screenshot("09-pool-retired-filter");

        JsonObject stats = Api.admin().get("/api/venues/" + VENUE + "/stats").json();
        assertEquals(8, stats.getInt("available"), stats.toString());
        assertEquals(0, stats.getInt("assigned"), stats.toString());
        assertEquals(1, stats.getInt("retired"), stats.toString());

        browser.open("/venues/index.xhtml");
        WebElement venue = browser.find(venueRow(VENUE));
        assertEquals("8", venue.findElement(By.xpath("td[5]")).getText());
        assertEquals("0", venue.findElement(By.xpath("td[6]")).getText());
        assertEquals("1", venue.findElement(By.xpath("td[7]")).getText());
    }

    @Test
    @Order(9)
    void theAdminCreatesAViewerAndResetsItsPassword() {
        browser.open("/users/index.xhtml");
        browser.click("users:create");
        browser.type("userForm:username", VIEWER);
        browser.type("userForm:password", "short");
        browser.click("userForm:save");
        assertTrue(browser.messageBeside("userForm:password").contains("at least 10 characters"));
        browser.screenshot("10-user-short-password");
        assertFalse(Api.admin().get("/api/users").body().contains(VIEWER));

        browser.type("userForm:password", VIEWER_FIRST_PASSWORD);
        browser.click("userForm:save");
        browser.until(ExpectedConditions.invisibilityOfElementLocated(By.id("userDialog")));
        WebElement row = browser.until(ExpectedConditions.visibilityOfElementLocated(userRow(VIEWER)));
        assertTrue(row.getText().contains("viewer"), row.getText());

        browser.click(row.findElement(By.xpath(".//button[contains(@id,':edit')]")));
        browser.waitForText("editForm:editUsername", VIEWER);
        browser.type("editForm:password", "short");
        browser.click("editForm:save");
        assertTrue(browser.messageBeside("editForm:password").contains("at least 10 characters"));
        browser.type("editForm:password", VIEWER_PASSWORD);
        browser.click("editForm:save");
        browser.until(ExpectedConditions.invisibilityOfElementLocated(By.id("editDialog")));
        browser.waitForText("users:messages", "User " + VIEWER + " saved with a new password");
        assertEquals(200, Api.management(VIEWER, VIEWER_PASSWORD).get("/api/venues").status());
        assertEquals(401, Api.management(VIEWER, VIEWER_FIRST_PASSWORD).get("/api/venues").status());
        browser.screenshot("11-users");
    }

    @Test
    @Order(10)
    void theReportsPageShowsTheLastSevenDaysAndTheNetworkPageThatNetbootIsOff() {
        browser.open("/venues/index.xhtml");
        browser.clickAndLoad("nav-reports");
        assertTrue(browser.find("report-title").getText().contains("Deployment report "
                + java.time.LocalDate.now().minusDays(6) + " to " + java.time.LocalDate.now()), browser.bodyText());
        browser.screenshot("12-reports");
        // this server has no deployment interface configured: both servers say so, nobody gets an address
        browser.clickAndLoad("nav-network");
        String servers = browser.find("network:servers").getText();
        assertTrue(servers.contains("DHCP") && servers.contains("disabled")
                && servers.contains("rpideploy.netboot.interface"), servers);
        assertTrue(browser.find("network:leases").getText().contains("No leases yet"), browser.bodyText());
        browser.screenshot("12-network");
    }

    @Test
    @Order(11)
    void logoutEndsTheSession() {
        browser.open("/venues/index.xhtml");
        browser.clickAndLoad("session:logout");
        browser.until(ExpectedConditions.urlContains("/login.xhtml"));
        browser.open("/venues/index.xhtml");
        browser.until(ExpectedConditions.urlContains("/login.xhtml"));
    }

    @Test
    @Order(12)
    void aViewerSeesVenuesAndPoolsButMayNotChangeThemNorManageUsers() throws Exception {
        login(VIEWER, VIEWER_PASSWORD);
        browser.until(ExpectedConditions.urlContains("/venues/index.xhtml"));
        WebElement row = browser.find(venueRow(VENUE));
        assertFalse(browser.present("venues:create"), "no create button for a viewer");
        assertTrue(row.findElements(By.tagName("button")).isEmpty(), "no edit or delete for a viewer");
        assertFalse(browser.present("nav-users"), "no Users link for a viewer");
        browser.screenshot("13-venues-viewer");

        browser.open("/pools/index.xhtml?venue=" + VENUE);
        browser.find(slotRow("KXP2-UIAB-001"));
        assertFalse(browser.present("import:numbers"), "no import for a viewer");
        assertTrue(browser.driver.findElements(By.xpath("//button[contains(@id,':release')]")).isEmpty());
        browser.screenshot("14-pools-viewer");

        browser.open("/users/index.xhtml");
        String page = browser.bodyText();
        assertTrue(page.contains("403") && page.contains("Your role may not open this page"), page);
        assertFalse(browser.present("users:table"));
        browser.screenshot("15-users-viewer-403");
        Reply direct = Api.anonymousManagement().send(Api.anonymousManagement().request("/users/index.xhtml")
                .header("Cookie", browser.sessionCookie()).header("Accept", "text/html"));
        assertEquals(403, direct.status(), direct.toString());
    }

    @Test
    @Order(13)
    void theDashboardUpdatesLiveWhenABoardGetsItsHostname() {
        browser.open("/index.xhtml");
        browser.waitForText("live-state", "Live");
        String before = browser.find("hostnames_assigned").getText();
        Reply assigned = Api.admin().post("/api/hostname/assign",
                "{\"product_type\":\"KXP2\",\"venue_code\":\"" + VENUE + "\",\"serial_number\":\"10000000d0d00001\"}");
        assertEquals(200, assigned.status(), assigned.toString());
        String hostname = assigned.json().getString("hostname");
        browser.waitForText("activity", hostname + " assigned to 10000000d0d00001");
        browser.until(d -> !before.equals(d.findElement(By.id("hostnames_assigned")).getText()));
        assertEquals(Integer.parseInt(before) + 1, Integer.parseInt(browser.find("hostnames_assigned").getText()));
        browser.screenshot("16-dashboard-live");
    }

    @Test
    @Order(14)
    void aDeploymentCardAppearsAndItsProgressBarMovesAsTheBoardReports() {
        byte[] image = ItImages.disk(256 * 1024, 14);
        ItImages.uploadActive(Api.admin(), "KXP2", "ui-1", "ui-card.img", image);
        browser.open("/index.xhtml");
        browser.waitForText("live-state", "Live");

        Reply config = Api.deployment().post("/api/config", "{\"product_type\":\"KXP2\",\"venue_code\":\"" + VENUE
                + "\",\"serial_number\":\"10000000c4rd0001\",\"mac_address\":\"2c:cf:67:00:c4:01\"}");
        assertEquals(200, config.status(), config.toString());
        long id = config.json().getJsonNumber("deployment_id").longValue();
        String hostname = config.json().getString("hostname");
        WebElement card = browser.find("deployment-" + id);
        browser.until(d -> card.getText().contains(hostname));

        status(id, "downloading", 10);
        browser.until(d -> "10".equals(card.getAttribute("data-progress")));
        status(id, "downloading", 60);
        browser.until(d -> "60".equals(card.getAttribute("data-progress")));
        assertTrue(card.getText().contains("60 %"), card.getText());
        browser.screenshot("17-dashboard-deployment-card");
        status(id, "success", 100);
        browser.until(d -> card.getAttribute("class").contains("deploy-success"));
        browser.waitForText("activity", hostname + " → success");
    }

    private static void status(long deployment, String state, int progress) {
        Reply reply = Api.deployment().post("/api/status", "{\"deployment_id\":" + deployment + ",\"status\":\"" + state
                + "\",\"progress\":" + progress + ",\"bytes_written\":" + progress * 1048576L
                + ",\"bytes_total\":104857600,\"rate_bps\":20971520}");
        assertEquals(200, reply.status(), reply.toString());
    }

    private static void login(String username, String password) {
        if (!browser.url().contains("/login.xhtml")) {
            browser.open("/login.xhtml?next=/venues/index.xhtml");
        }
        browser.type("login:username", username);
        browser.type("login:password", password);
        browser.clickAndLoad("login:submit");
    }

    private static void createVenue(String code, String name, String location, String email) {
        browser.click("venues:create");
        browser.type("venueForm:code", code);
        browser.type("venueForm:name", name);
        browser.type("venueForm:location", location);
        browser.type("venueForm:contactEmail", email);
        browser.click("venueForm:save");
        browser.until(ExpectedConditions.invisibilityOfElementLocated(By.id("venueDialog")));
    }

    private static By venueRow(String code) {
        return By.xpath("//tbody[@id='venues:table_data']/tr[td[1][normalize-space()='" + code + "']]");
    }

    private static By slotRow(String hostname) {
        return By.xpath("//tbody[@id='slots:table_data']/tr[td[1][normalize-space()='" + hostname + "']]");
    }

    private static By statusCell(String hostname) {
        return By.xpath("//tbody[@id='slots:table_data']/tr[td[1][normalize-space()='" + hostname + "']]/td[3]");
    }

    private static By userRow(String username) {
        return By.xpath("//tbody[@id='users:table_data']/tr[td[1][starts-with(normalize-space(),'" + username
                + "')]]");
    }
}
