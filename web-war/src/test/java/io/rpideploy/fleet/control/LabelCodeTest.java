package io.rpideploy.fleet.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.zxing.BinaryBitmap;
import com.google.zxing.RGBLuminanceSource;
import com.google.zxing.common.HybridBinarizer;
import com.google.zxing.qrcode.QRCodeReader;
import io.rpideploy.platform.control.DomainException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class LabelCodeTest {

    /** The SVG drawn back into pixels (8 per module) and read by a QR decoder: the label says the serial. */
    @Test
    void theLabelsQrCodeReadsBackAsTheSerial() throws Exception {
        String svg = LabelCode.svg("10000000ABC12345");
        Matcher size = Pattern.compile("viewBox=\"0 0 (\\d+) (\\d+)\"").matcher(svg);
        assertTrue(size.find(), svg);
        int modules = Integer.parseInt(size.group(1));
        int scale = 8;
        int[] pixels = new int[modules * scale * modules * scale];
        java.util.Arrays.fill(pixels, 0xFFFFFFFF);
        Matcher square = Pattern.compile("M(\\d+) (\\d+)h1v1h-1z").matcher(svg);
        int dark = 0;
        while (square.find()) {
            int x = Integer.parseInt(square.group(1));
            int y = Integer.parseInt(square.group(2));
            for (int dy = 0; dy < scale; dy++) {
                for (int dx = 0; dx < scale; dx++) {
                    pixels[(y * scale + dy) * modules * scale + x * scale + dx] = 0xFF000000;
                }
            }
            dark++;
        }
        assertTrue(dark > 100, "a QR code has many dark modules: " + dark);
        var bitmap = new BinaryBitmap(new HybridBinarizer(new RGBLuminanceSource(modules * scale, modules * scale,
                pixels)));
        assertEquals("10000000ABC12345", new QRCodeReader().decode(bitmap).getText());
        assertTrue(svg.contains("aria-label=\"QR code of 10000000ABC12345\""), svg);
    }

    @Test
    void aSearchIsALikePatternWithoutWildcardsAndBounded() {
        assertNull(BoardDirectory.like("  "));
        assertEquals("%2c:cf:67%", BoardDirectory.like(" 2C:CF:67 "));
        assertEquals("%abc%", BoardDirectory.like("a%b_c"));
        assertThrows(DomainException.class, () -> BoardDirectory.like("x".repeat(65)));
    }
}
