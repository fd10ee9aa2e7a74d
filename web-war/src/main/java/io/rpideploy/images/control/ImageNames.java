package io.rpideploy.images.control;

import io.rpideploy.hostnames.entity.Product;
import io.rpideploy.images.entity.ImageFormat;
import io.rpideploy.platform.control.DomainException;
import java.text.Normalizer;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * File names in the image store. An uploaded name is sanitised the way the plan's Flask app does it
 * ({@code secure_filename}): no directories, ASCII letters, digits, dot, dash and underscore only, no leading dot.
 * The stored name is {@code <product>_v<version>_<sanitised>}, as the plan moves it into the images folder.
 */
public final class ImageNames {

    /** Stays well below the 255 bytes a Linux file name may have, with room for a collision suffix. */
    static final int MAX_SANITISED = 150;
    static final int MAX_VERSION = 64;
    static final int MAX_SUFFIX = 1000;
    private static final Pattern VERSION = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._+-]*");
    private static final Pattern NOT_ALLOWED = Pattern.compile("[^A-Za-z0-9._-]");
    private static final Pattern DOTS = Pattern.compile("\\.{2,}");

    private ImageNames() {
    }

    /**
     * A client's file name reduced to a safe single name, or "" when nothing usable is left. The part after the last
     * slash or backslash only (browsers on Windows send full paths).
     */
    public static String sanitise(String original) {
        if (original == null) {
            return "";
        }
        String name = original.substring(Math.max(original.lastIndexOf('/'), original.lastIndexOf('\\')) + 1);
        name = Normalizer.normalize(name, Normalizer.Form.NFKD).replaceAll("\\p{M}", "");
        name = name.strip().replaceAll("\\s+", "_");
        name = NOT_ALLOWED.matcher(name).replaceAll("");
        name = DOTS.matcher(name).replaceAll(".");
        int start = 0;
        while (start < name.length() && "._-".indexOf(name.charAt(start)) >= 0) {
            start++;
        }
        name = name.substring(start);
        if (name.length() > MAX_SANITISED) {
            String extension = ImageFormat.of(name).map(ImageFormat::extension).orElse("");
            name = name.substring(0, MAX_SANITISED - extension.length())
                    + name.substring(name.length() - extension.length());
        }
        return name;
    }

    /** The format of a sanitised upload name, or a 400 on {@code field} for anything but an image. */
    public static ImageFormat format(String sanitised, String field) {
        ImageFormat format = ImageFormat.of(sanitised).orElseThrow(() -> DomainException.invalid(field,
                "An image must be a .img, .img.gz, .img.xz or .img.zst file"));
        if (sanitised.length() <= format.extension().length()) {
            throw DomainException.invalid(field, "The file name has nothing before its extension");
        }
        return format;
    }

    /** A version as the plan puts it into file names ({@code v1.2.3}): letters, digits, {@code . _ + -}. */
    public static String version(String text) {
        if (text == null || text.isBlank()) {
            throw DomainException.invalid("version", "A version is required");
        }
        String version = text.strip();
        if (version.length() > MAX_VERSION || !VERSION.matcher(version).matches()) {
            throw DomainException.invalid("version", "A version is 1.." + MAX_VERSION
                    + " letters, digits, '.', '_', '+' or '-', starting with a letter or digit");
        }
        return version;
    }

    public static Product product(String text) {
        if (text == null || text.isBlank()) {
            throw DomainException.invalid("product_type", "product_type is required (KXP2 or RXP2)");
        }
        return Product.parse(text).orElseThrow(() -> DomainException.invalid("product_type",
                "product_type must be KXP2 or RXP2"));
    }

    /** The plan's stored name: {@code kxp2_v1.2_master.img}; not prefixed twice when the upload already is. */
    public static String storedName(Product product, String version, String sanitised) {
        String prefix = product.name().toLowerCase(Locale.ROOT) + "_v" + version + "_";
        return sanitised.startsWith(prefix) ? sanitised : prefix + sanitised;
    }

    /** The n-th alternative of a taken name, before its extension: {@code a.img.gz} → {@code a-2.img.gz}. */
    public static String withSuffix(String name, int n) {
        String extension = ImageFormat.of(name).map(ImageFormat::extension).orElse("");
        if (name.length() <= extension.length()) {
            extension = "";
        }
        return name.substring(0, name.length() - extension.length()) + "-" + n
                + name.substring(name.length() - extension.length());
    }
}
