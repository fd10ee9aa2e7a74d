package io.rpideploy.netboot.ra;

import io.rpideploy.netboot.api.TftpListener;
import jakarta.resource.spi.Activation;

/** The TFTP server's activation; its properties are the catalog's adapter settings. */
@Activation(messageListeners = TftpListener.class)
public class TftpActivationSpec extends NetbootActivationSpec {
}
