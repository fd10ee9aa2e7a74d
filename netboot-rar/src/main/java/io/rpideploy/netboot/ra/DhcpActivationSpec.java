package io.rpideploy.netboot.ra;

import io.rpideploy.netboot.api.DhcpListener;
import jakarta.resource.spi.Activation;

/** The DHCP server's activation; its properties are the catalog's adapter settings. DHCP runs only with an interface. */
@Activation(messageListeners = DhcpListener.class)
public class DhcpActivationSpec extends NetbootActivationSpec {
}
