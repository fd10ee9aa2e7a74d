package io.rpideploy.ops.image;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Optional;
import org.junit.jupiter.api.Test;

class FirstBootTest {

    @Test
    void theInitGoesAtTheEndOfTheOneLine() {
        assertEquals(Optional.of("console=tty1 root=PARTUUID=x-02 rootwait " + FirstBoot.INIT + "\n"),
                FirstBoot.withInit("console=tty1 root=PARTUUID=x-02 rootwait  \n\n"));
    }

    @Test
    void anInitAlreadyThereOrAnotherOneIsLeftAlone() {
        assertEquals(Optional.empty(), FirstBoot.withInit("root=/dev/mmcblk0p2 " + FirstBoot.INIT + "\n"));
        // Bullseye's resize script, or an operator's own init: not ours to replace
        assertEquals(Optional.empty(), FirstBoot.withInit("root=x init=/usr/lib/raspi-config/init_resize.sh\n"));
        // a token that only contains the word is no init
        assertEquals(Optional.of("rdinit=/x " + FirstBoot.INIT + "\n"), FirstBoot.withInit("rdinit=/x"));
    }
}
