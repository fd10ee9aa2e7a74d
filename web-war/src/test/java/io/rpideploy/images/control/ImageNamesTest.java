package io.rpideploy.images.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.rpideploy.hostnames.entity.Product;
import io.rpideploy.images.entity.ImageFormat;
import io.rpideploy.platform.control.DomainException;
import org.junit.jupiter.api.Test;

class ImageNamesTest {

    @Test
    void sanitisesLikeSecureFilename() {
        assertEquals("master.img", ImageNames.sanitise("master.img"));
        assertEquals("passwd", ImageNames.sanitise("../../etc/passwd"));
        assertEquals("evil.img", ImageNames.sanitise("C:\\Users\\x\\..\\evil.img"));
        assertEquals("my_master_image.img.xz", ImageNames.sanitise("  my master\timage.img.xz "));
        assertEquals("cafe.img", ImageNames.sanitise("café.img"));
        assertEquals("img", ImageNames.sanitise(".img"));
        assertEquals("a.img", ImageNames.sanitise("a..img"));
        assertEquals("xrm_-rf.img", ImageNames.sanitise("x\u0000;$(rm -rf).img"));
        assertEquals("", ImageNames.sanitise("../.."));
        assertEquals("", ImageNames.sanitise(null));
    }

    @Test
    void longNamesKeepTheirExtension() {
        String name = ImageNames.sanitise("a".repeat(400) + ".img.zst");
        assertEquals(ImageNames.MAX_SANITISED, name.length());
        assertEquals(ImageFormat.ZST, ImageNames.format(name, "image"));
    }

    @Test
    void onlyImageFormatsAreAccepted() {
        assertEquals(ImageFormat.IMG, ImageNames.format("a.IMG", "image"));
        assertEquals(ImageFormat.GZ, ImageNames.format("a.img.gz", "image"));
        assertEquals(ImageFormat.XZ, ImageNames.format("a.img.xz", "image"));
        DomainException notImage = assertThrows(DomainException.class, () -> ImageNames.format("a.iso", "image"));
        assertEquals("image", notImage.field());
        assertThrows(DomainException.class, () -> ImageNames.format("a.gz", "image"));
        assertThrows(DomainException.class, () -> ImageNames.format(".img", "image"));
    }

    @Test
    void storedNameFollowsThePlanAndSuffixesGoBeforeTheExtension() {
        assertEquals("kxp2_v1.2_master.img.gz", ImageNames.storedName(Product.KXP2, "1.2", "master.img.gz"));
        assertEquals("rxp2_v3_x.img", ImageNames.storedName(Product.RXP2, "3", "rxp2_v3_x.img"));
        assertEquals("kxp2_v1_m-2.img.gz", ImageNames.withSuffix("kxp2_v1_m.img.gz", 2));
        assertEquals("plain-3", ImageNames.withSuffix("plain", 3));
    }

    @Test
    void versionsAreSafeInFileNames() {
        assertEquals("1.2.3-rc1+b7", ImageNames.version(" 1.2.3-rc1+b7 "));
        for (String bad : new String[] {"", " ", "../1", "1/2", "-1", "a b", "x".repeat(65)}) {
            DomainException e = assertThrows(DomainException.class, () -> ImageNames.version(bad), bad);
            assertEquals("version", e.field());
        }
        assertThrows(DomainException.class, () -> ImageNames.version(null));
        assertEquals(Product.RXP2, ImageNames.product("rxp2"));
        assertEquals("product_type", assertThrows(DomainException.class, () -> ImageNames.product("XYZ")).field());
    }
}
