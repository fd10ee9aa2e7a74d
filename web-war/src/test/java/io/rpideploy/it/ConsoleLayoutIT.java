package io.rpideploy.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rpideploy.it.Api.Reply;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
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
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;

/**
 * Every page of the navigation as an admin sees it, on a 1280x800 tablet and a 390x844 phone, reached through the
 * navigation itself (collapsed behind its Menu button on the phone): nothing wider than the window, and every
 * button, link and input of the page on screen or in a table that scrolls by itself. A screenshot of each page at
 * each size is kept under target/screenshots (60-layout-*). The Pools page's search, notes and CSV preview are
 * used on the way, as a manager does.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ConsoleLayoutIT {

    private static final String VENUE = "LAYO";
    /** At least the navigation's links an admin sees today; pages added later are visited too (read from the page). */
    private static final List<String> PAGES = List.of("dashboard", "sessions", "venues", "pools", "images", "devices",
            "deployments", "reports", "network", "audit", "users");

    private static ConsoleBrowser browser;

    @RegisterExtension
    static final TestWatcher KEEP_FAILED_PAGE = ConsoleBrowser.keepingFailedPages(() -> browser);

    @Deployment(testable = false)
    static WebArchive war() {
        return ItServer.war();
    }

    @BeforeAll
    static void aVenueDayWithBoards() {
        Api admin = Api.admin();
        assertEquals(201, admin.post("/api/venues", "{\"code\":\"" + VENUE + "\",\"name\":\"Circuit de la Mise en "
                + "Page\",\"location\":\"Rue des Tablettes 1280, Phoneville\"}").status());
        assertEquals(200, admin.post("/api/kart-numbers", "{\"venue_code\":\"" + VENUE + "\",\"numbers\":\"1-40\"}")
                .status());
        ItImages.uploadActive(admin, "KXP2", "layout-2026.12.06-with-a-long-version-name",
                "kxp2-layout-image-with-a-rather-long-file-name-2026-12-06.img", ItImages.disk(64 * 1024, 21));
        long done = config("10000000a1a00001");
        status(done, "success", 100);
        long failed = config("10000000a1a00002");
        Reply fail = Api.deployment().post("/api/status", "{\"deployment_id\":" + failed + ",\"status\":\"failed\","
                + "\"error_message\":\"SD card write error at sector 123456789: the card was removed or is worn out;"
                + " replace it and boot again\"}");
        assertEquals(200, fail.status(), fail.toString());
        status(config("10000000a1a00003"), "downloading", 35);
        browser = new ConsoleBrowser(Api.MANAGEMENT_PORT);
        browser.open("/login.xhtml?next=/index.xhtml");
        browser.type("login:username", "admin");
        browser.type("login:password", Api.ADMIN_PASSWORD);
        browser.clickAndLoad("login:submit");
        browser.until(ExpectedConditions.urlContains("/index.xhtml"));
    }

    @AfterAll
    static void stopBrowser() {
        if (browser != null) {
            browser.close();
        }
    }

    @Test
    @Order(1)
    void everyPageFitsATablet() {
        visitEveryPage("tablet", 1280, 800);
    }

    @Test
    @Order(2)
    void everyPageFitsAPhoneWithTheNavigationBehindItsMenuButton() {
        visitEveryPage("phone", 390, 844);
    }

    @Test
    @Order(3)
    void poolsAreSearchedAndANoteIsEditedInTheTable() {
        browser.driver.manage().window().setSize(new Dimension(1280, 800));
        browser.open("/pools/index.xhtml?venue=" + VENUE);
        browser.type("slots:q", "a1a00002");
        browser.until(ExpectedConditions.numberOfElementsToBe(By.xpath("//tbody[@id='slots:table_data']/tr"), 1));
        WebElement row = browser.find(By.xpath("//tr[td[normalize-space()='KXP2-" + VENUE + "-002']]"));
        String href = browser.find("slots:csv").getAttribute("href");
        assertTrue(href.contains("/api/hostnames.csv?venue_code=" + VENUE) && href.contains("q=a1a00002"), href);

        WebElement input = row.findElement(By.cssSelector("input[id$=':notes']"));
        edit(input);
        input.sendKeys("sticker replaced", Keys.ENTER);
        browser.waitForAjax();
        browser.waitForText("messages", "Notes of KXP2-" + VENUE + "-002 saved");
        assertEquals("sticker replaced", Api.admin().get("/api/hostnames/KXP2-" + VENUE + "-002").json()
                .getString("notes"));
        browser.screenshot("60-layout-pools-note-saved");

        // another manager saves a note meanwhile: this page's next save is refused with who did it
        String etag = Api.admin().get("/api/hostnames/KXP2-" + VENUE + "-002").raw().headers().firstValue("ETag")
                .orElseThrow();
        Reply other = Api.admin().send(Api.admin().request("/api/hostnames/KXP2-" + VENUE + "-002/notes")
                .header("If-Match", etag).header("Content-Type", "application/json")
                .PUT(java.net.http.HttpRequest.BodyPublishers.ofString("{\"notes\":\"kart in repair\"}")));
        assertEquals(200, other.status(), other.toString());
        row = browser.find(By.xpath("//tr[td[normalize-space()='KXP2-" + VENUE + "-002']]"));
        input = row.findElement(By.cssSelector("input[id$=':notes']"));
        edit(input);
        input.sendKeys(Keys.chord(Keys.CONTROL, "a"), "my stale note", Keys.TAB);
        browser.waitForAjax();
        browser.waitForText("messages", "changed by admin");
        assertTrue(browser.find("messages").getText().contains("meanwhile"), browser.find("messages").getText());
        assertEquals("kart in repair", Api.admin().get("/api/hostnames/KXP2-" + VENUE + "-002").json()
                .getString("notes"), "the stale save changed nothing");
        browser.until(ExpectedConditions.attributeToBe(By.cssSelector("#slots\\:table input[id$=':notes']"),
                "value", "kart in repair"));
        browser.screenshot("61-layout-pools-note-changed-meanwhile");

        // the table shows what is stored now: changing it again is saved
        input = browser.find(By.cssSelector("#slots\\:table input[id$=':notes']"));
        edit(input);
        input.sendKeys(Keys.chord(Keys.CONTROL, "a"), "back from repair", Keys.ENTER);
        browser.waitForAjax();
        browser.waitForText("messages", "Notes of KXP2-" + VENUE + "-002 saved");
        assertEquals("back from repair", Api.admin().get("/api/hostnames/KXP2-" + VENUE + "-002").json()
                .getString("notes"));
    }

    @Test
    @Order(4)
    void aWiderCsvIsPreviewedAndOneColumnImported() throws Exception {
        browser.open("/pools/index.xhtml?venue=" + VENUE);
        Path csv = Files.createTempFile("karts", ".csv");
        try {
            Files.writeString(csv, "Transponder;Kart;Weight\n4711041;41;155\n4711042;42;160\n4711043;43;158\n");
            browser.driver.findElement(By.cssSelector("#upload input[type=file]")).sendKeys(csv.toString());
            browser.click("upload:uploadCsv");
        } finally {
            Files.delete(csv);
        }
        WebElement preview = browser.find("previewTable");
        assertTrue(preview.getText().contains("4711041") && preview.getText().contains("Weight"), preview.getText());
        assertEquals(List.of("41", "42", "43"), picked(), "the kart column is suggested");
        for (Object[] size : new Object[][] {{"tablet", 1280, 800}, {"phone", 390, 844}}) {
            browser.driver.manage().window().setSize(new Dimension((Integer) size[1], (Integer) size[2]));
            browser.waitForPage();
            assertFits("pools-csv-preview-" + size[0]);
            script("document.querySelector('.csv-preview').scrollIntoView()");
            browser.screenshot("62-layout-pools-csv-preview-" + size[0]);
        }
        browser.driver.manage().window().setSize(new Dimension(1280, 800));
        browser.choose("csvImport:column", "column 3 (Weight)");
        assertEquals(List.of("155", "160", "158"), picked());
        browser.choose("csvImport:column", "column 2 (Kart)");
        browser.click("csvImport:importColumn");
        browser.waitForText("resultSummary", "Added 3 kart numbers");
        assertFalse(browser.present("previewTable"), "the preview closes after the import");
        assertEquals(43, Api.admin().get("/api/venues/" + VENUE + "/slots").json().getInt("total"),
                "neither transponders nor weights became kart numbers");
    }

    /**
     * Clicks a notes field as a user does after scrolling it into the middle of the table (whose row buttons stay
     * at its right edge, over the columns beside them, when it scrolls sideways).
     */
    private static void edit(WebElement input) {
        script("arguments[0].scrollIntoView({block: 'center', inline: 'center'})", input);
        input.click();
    }

    /** The cells of the preview's picked column, below the header. */
    private static List<String> picked() {
        return browser.driver.findElements(By.cssSelector("#previewTable tbody tr:not(.header-row) td.picked"))
                .stream().map(WebElement::getText).toList();
    }

    private static void visitEveryPage(String device, int width, int height) {
        browser.driver.manage().window().setSize(new Dimension(width, height));
        browser.open("/index.xhtml");
        @SuppressWarnings("unchecked")
        List<String> pages = ((List<Object>) script("return [...document.querySelectorAll('.topbar .nav a[id^=nav-]')]"
                + ".map(a => a.id.substring(4));")).stream().map(String::valueOf).toList();
        assertTrue(pages.containsAll(PAGES), "the navigation lists every page: " + pages);
        List<String> failures = new ArrayList<>();
        for (String page : pages) {
            String link = "nav-" + page;
            WebElement nav = browser.driver.findElement(By.id(link));
            if (!nav.isDisplayed()) {
                assertEquals("phone", device, link + " is hidden on the " + device);
                browser.click(browser.find(By.cssSelector("label.nav-toggle-button")));
                browser.until(ExpectedConditions.visibilityOfElementLocated(By.id(link)));
            }
            assertOnScreen(link);
            browser.clickAndLoad(link);
            assertTrue(browser.driver.findElement(By.id(link)).getAttribute("class").contains("current"),
                    link + " is marked as the current page");
            String name = "60-layout-" + page + "-" + device;
            try {
                assertFits(name);
            } catch (AssertionError e) {
                failures.add(e.getMessage());
            }
            browser.screenshot(name);
            wholePage(name + "-full");
        }
        assertTrue(failures.isEmpty(), String.join("\n", failures));
    }

    /** The whole page, below the window's bottom too (at most 5000 pixels), for a reviewer to look at. */
    @SuppressWarnings("unchecked")
    private static void wholePage(String name) {
        Map<String, Object> metrics = browser.driver.executeCdpCommand("Page.getLayoutMetrics", Map.of());
        Map<String, Object> content = (Map<String, Object>) metrics.get("cssContentSize");
        // the window's width: captured beyond the window there is no scroll bar, and the page is laid out that wide
        double width = Math.max(((Number) content.get("width")).doubleValue(),
                ((Number) script("return window.innerWidth")).doubleValue());
        double height = Math.min(5000, ((Number) content.get("height")).doubleValue());
        Map<String, Object> shot = browser.driver.executeCdpCommand("Page.captureScreenshot", Map.of(
                "captureBeyondViewport", true, "clip", Map.of("x", 0, "y", 0, "width", width, "height", height,
                        "scale", 1)));
        try {
            Files.write(Path.of("target", "screenshots", name + ".png"),
                    Base64.getDecoder().decode((String) shot.get("data")));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static void assertOnScreen(String id) {
        Object rect = script("const r = document.getElementById(arguments[0]).getBoundingClientRect();"
                + " return r.left >= 0 && r.right <= document.documentElement.clientWidth ? null"
                + " : r.left + '..' + r.right;", id);
        assertEquals(null, rect, id + " is outside the window");
    }

    /**
     * Nothing sideways, and every control of the page's content on screen: inside the window's width, or inside a
     * container that scrolls sideways by itself and is itself inside the window. Hidden dialogs are not on screen.
     */
    private static void assertFits(String name) {
        // clientWidth: the window's width without its vertical scroll bar, which would hide what is under it
        Object page = script("const w = document.documentElement.clientWidth; return document.documentElement"
                + ".scrollWidth <= w ? null : document.documentElement.scrollWidth + ' > ' + w + ': ' + [...document"
                + ".querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right > w + 1"
                + " && !scroller(e)).slice(0, 6).map(e => e.tagName + '#' + e.id + '.' + e.className).join(', ');"
                + " function scroller(e) { for (let p = e.parentElement; p; p = p.parentElement) {"
                + " const o = getComputedStyle(p).overflowX; if (o === 'auto' || o === 'scroll') return true; }"
                + " return false; }");
        assertEquals(null, page, name + ": the page is wider than the window");
        Object cut = script("const w = document.documentElement.clientWidth; const bad = [];"
                + " for (const e of document.querySelectorAll('main button, main a[href], main input:not([type=hidden]),"
                + " main select, main textarea, main .ui-selectonemenu, main .ui-paginator a')) {"
                + "  if (e.closest('.ui-dialog, .ui-confirm-dialog, .ui-helper-hidden-accessible, .ui-overlay-hidden,"
                + " [hidden], .ui-fileupload-simple input')) continue;"
                + "  const r = e.getBoundingClientRect(); if (r.width === 0 && r.height === 0) continue;"
                + "  if (getComputedStyle(e).visibility === 'hidden') continue;"
                + "  let box = {left: 0, right: w}; let scrolls = false;"
                + "  for (let p = e.parentElement; p && p !== document.body; p = p.parentElement) {"
                + "   const o = getComputedStyle(p).overflowX;"
                + "   if (o === 'auto' || o === 'scroll') { const pr = p.getBoundingClientRect();"
                + "    if (pr.left < -1 || pr.right > w + 1) bad.push('scroller ' + p.className + ' ' + pr.right);"
                + "    scrolls = true; break; }"
                + "   if (o === 'hidden' || o === 'clip') { const pr = p.getBoundingClientRect();"
                + "    if (r.right > pr.right + 1 || r.left < pr.left - 1) { bad.push((e.id || e.tagName) + ' clipped by '"
                + " + p.className); break; } } }"
                + "  if (!scrolls && (r.left < -1 || r.right > w + 1)) bad.push((e.id || e.tagName + '.' + e.className)"
                + " + ' at ' + Math.round(r.left) + '..' + Math.round(r.right)); }"
                + " return bad.length ? [...new Set(bad)].slice(0, 8).join(', ') : null;");
        assertEquals(null, cut, name + ": controls cut off");
    }

    private static Object script(String js, Object... args) {
        return ((JavascriptExecutor) browser.driver).executeScript(js, args);
    }

    private static long config(String serial) {
        Reply config = Api.deployment().post("/api/config", "{\"product_type\":\"KXP2\",\"venue_code\":\"" + VENUE
                + "\",\"serial_number\":\"" + serial + "\"}");
        assertEquals(200, config.status(), config.toString());
        return config.json().getJsonNumber("deployment_id").longValue();
    }

    private static void status(long deployment, String state, int progress) {
        Reply reply = Api.deployment().post("/api/status", "{\"deployment_id\":" + deployment + ",\"status\":\""
                + state + "\",\"progress\":" + progress + "}");
        assertEquals(200, reply.status(), reply.toString());
    }
}
