package io.rpideploy.it;

import static org.junit.jupiter.api.Assertions.assertFalse;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.TestWatcher;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebDriverException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedCondition;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * A headless Chromium on the console of the test server: Debian's browser and driver, never a download by
 * Selenium Manager, a fresh profile per run, and explicit waits on what the page shows.
 */
final class ConsoleBrowser implements AutoCloseable {

    private static final String CHROMIUM = "/usr/bin/chromium";
    private static final String CHROMEDRIVER = "/usr/bin/chromedriver";
    private static final Path SCREENSHOTS = Path.of("target", "screenshots");
    /** Text that must never reach a console page: raw EL, container errors, Java exceptions. */
    private static final List<String> LEAKS = List.of("#{", "Exception", "at io.rpideploy", "at jakarta.",
            "Error 500", "HTTP Status", "javax.", "ViewExpired");

    final ChromeDriver driver;
    private final Path profile;
    private final String base;

    ConsoleBrowser(int port) {
        try {
            profile = Files.createTempDirectory("console-it-chromium");
            Files.createDirectories(SCREENSHOTS);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM);
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--window-size=1440,1000", "--user-data-dir=" + profile);
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(new File(CHROMEDRIVER)).usingAnyFreePort().build();
        driver = new ChromeDriver(service, options);
        base = "http://127.0.0.1:" + port;
    }

    void open(String path) {
        driver.get(base + path);
        waitForPage();
    }

    String url() {
        return driver.getCurrentUrl();
    }

    WebElement find(String id) {
        return until(ExpectedConditions.visibilityOfElementLocated(By.id(id)));
    }

    WebElement find(By locator) {
        return until(ExpectedConditions.visibilityOfElementLocated(locator));
    }

    boolean present(String id) {
        return !driver.findElements(By.id(id)).isEmpty();
    }

    void type(String id, String text) {
        onFreshElement(() -> {
            WebElement input = find(id);
            input.clear();
            input.sendKeys(text);
        });
    }

    /** Clicks and waits until PrimeFaces has no Ajax request left in flight. */
    void click(String id) {
        onFreshElement(() -> until(ExpectedConditions.elementToBeClickable(By.id(id))).click());
        waitForAjax();
    }

    /**
     * Runs an action on an element found by id, once more on a fresh lookup if Chromium reports the element's
     * document as gone ("Node with given id does not belong to the document"): seen right after a page load
     * replaced the document the element was found in, before anything was clicked or typed.
     */
    private void onFreshElement(Runnable action) {
        for (int attempt = 1; ; attempt++) {
            try {
                action.run();
                return;
            } catch (org.openqa.selenium.WebDriverException e) {
                boolean replaced = e instanceof org.openqa.selenium.StaleElementReferenceException
                        || String.valueOf(e.getMessage()).contains("does not belong to the document");
                if (!replaced || attempt == 3) {
                    throw e;
                }
                waitForPage();
            }
        }
    }

    void click(WebElement element) {
        until(ExpectedConditions.elementToBeClickable(element)).click();
        waitForAjax();
    }

    /** Clicks a link, or a button that submits the whole page (ajax="false"), and waits for the next page. */
    void clickAndLoad(String id) {
        WebElement[] clicked = new WebElement[1];
        onFreshElement(() -> {
            clicked[0] = find(id);
            clicked[0].click();
        });
        until(gone(clicked[0]));
        waitForPage();
    }

    /**
     * ExpectedConditions.stalenessOf, except that Chromium sometimes reports an element of the document that was
     * just replaced as an inspector error ("Node with given id does not belong to the document") instead of a
     * stale element: that too means the page has moved on (seen once in CI, failing the login of a test).
     */
    private static ExpectedCondition<Boolean> gone(WebElement element) {
        return d -> {
            try {
                element.isEnabled();
                return false;
            } catch (StaleElementReferenceException e) {
                return true;
            } catch (WebDriverException e) {
                if (String.valueOf(e.getMessage()).contains("does not belong to the document")) {
                    return true;
                }
                throw e;
            }
        };
    }

    /** Chooses an option of a p:selectOneMenu as a user does: open the panel, click the item. */
    void choose(String menuId, String label) {
        click(menuId);
        WebElement item = until(ExpectedConditions.visibilityOfElementLocated(By.xpath(
                "//ul[@id='" + menuId + "_items']/li[@data-label='" + label + "']")));
        click(item);
    }

    /** The error message that the page shows beside the input with this id (inside the same field wrapper). */
    String messageBeside(String inputId) {
        return until(ExpectedConditions.visibilityOfElementLocated(By.xpath("//*[@id='" + inputId + "']"
                + "/ancestor::div[contains(@class,'field')][1]//*[contains(@class,'ui-message-error')]"))).getText();
    }

    void waitForText(String id, String text) {
        until(ExpectedConditions.textToBePresentInElementLocated(By.id(id), text));
    }

    <T> T until(ExpectedCondition<T> condition) {
        // live pages re-render what is watched (WebSocket updates): an element replaced mid-check is looked up again
        return new WebDriverWait(driver, Duration.ofSeconds(20))
                .ignoring(org.openqa.selenium.StaleElementReferenceException.class).until(condition);
    }

    void waitForPage() {
        until(d -> "complete".equals(((JavascriptExecutor) d).executeScript("return document.readyState")));
        waitForAjax();
    }

    void waitForAjax() {
        until(d -> Boolean.TRUE.equals(((JavascriptExecutor) d).executeScript(
                "return !window.PrimeFaces || !PrimeFaces.ajax || PrimeFaces.ajax.Queue.isEmpty();")));
    }

    String bodyText() {
        return driver.findElement(By.tagName("body")).getText();
    }

    /** Saves what the page looks like now, after checking that it shows no raw EL and no error text. */
    void screenshot(String name) {
        String text = driver.getPageSource();
        for (String leak : LEAKS) {
            assertFalse(bodyText().contains(leak), name + ": the page shows '" + leak + "':\n" + bodyText());
        }
        assertFalse(text.contains("#{"), name + ": raw EL in the page source");
        try {
            Files.copy(driver.getScreenshotAs(OutputType.FILE).toPath(), SCREENSHOTS.resolve(name + ".png"),
                    StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Saves the page as a laptop (1366x768) and a tablet (768x1024) show it, as {@code name-laptop} and
     * {@code name-tablet}, then returns to the tests' window size.
     */
    void screenshotSizes(String name) {
        try {
            for (Object[] size : new Object[][] {{"laptop", 1366, 768}, {"tablet", 768, 1024}}) {
                driver.manage().window().setSize(new Dimension((Integer) size[1], (Integer) size[2]));
                waitForPage();
                screenshot(name + "-" + size[0]);
            }
        } finally {
            driver.manage().window().setSize(new Dimension(1440, 1000));
        }
    }

    /** Saves the page at one window size as {@code name-<width>x<height>}, then returns to the tests' size. */
    void screenshotAt(String name, int width, int height) {
        try {
            driver.manage().window().setSize(new Dimension(width, height));
            waitForPage();
            screenshot(name + "-" + width + "x" + height);
        } finally {
            driver.manage().window().setSize(new Dimension(1440, 1000));
        }
    }

    /** Keeps what the browser showed when a step failed: the picture and the HTML. */
    void keepFailure(String name) {
        try {
            Files.writeString(SCREENSHOTS.resolve(name + "-FAILED.html"), driver.getPageSource());
            Files.copy(driver.getScreenshotAs(OutputType.FILE).toPath(), SCREENSHOTS.resolve(name + "-FAILED.png"),
                    StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException | RuntimeException e) {
            System.err.println("could not keep the failed page of " + name + ": " + e);
        }
    }

    /** The session cookie, for checking a status code with a plain HTTP client as this browser's user. */
    String sessionCookie() {
        return driver.manage().getCookies().stream().filter(c -> c.getName().toUpperCase().contains("SESSION"))
                .map(c -> c.getName() + "=" + c.getValue()).findFirst()
                .orElseThrow(() -> new AssertionError("no session cookie"));
    }

    void forgetSession() {
        driver.manage().deleteAllCookies();
    }

    @Override
    public void close() {
        try {
            driver.quit();
        } finally {
            try (Stream<Path> files = Files.walk(profile)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            } catch (IOException ignored) {
                // a temp profile left behind is harmless
            }
        }
    }

    /**
     * A JUnit extension that keeps the page of a failed test (screenshot and HTML) from whichever browser the test
     * class is using at that moment.
     */
    static TestWatcher keepingFailedPages(Supplier<ConsoleBrowser> current) {
        return new TestWatcher() {
            @Override
            public void testFailed(ExtensionContext context, Throwable cause) {
                ConsoleBrowser browser = current.get();
                if (browser != null) {
                    browser.keepFailure(context.getRequiredTestMethod().getName());
                }
            }
        };
    }
}
