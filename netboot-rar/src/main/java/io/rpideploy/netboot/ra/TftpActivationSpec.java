package io.rpideploy.netboot.ra;

import io.rpideploy.netboot.api.TftpListener;
import jakarta.resource.spi.Activation;
import jakarta.resource.spi.ConfigProperty;

/**
 * The TFTP server's properties (README, "Netboot settings"), overridden by the application's
 * {@code rpideploy.netboot.*} settings of the same name. TFTP runs when an interface or a TFTP address is set.
 */
@Activation(messageListeners = TftpListener.class)
public class TftpActivationSpec extends NetbootActivationSpec {

    @ConfigProperty(description = "Deployment interface; its address is the default TFTP address")
    public void setInterface(String value) { put("interface", value); }
    public String getInterface() { return get("interface"); }

    @ConfigProperty(description = "This server's IPv4 address on the deployment network")
    public void setServerIp(String value) { put("server-ip", value); }
    public String getServerIp() { return get("server-ip"); }

    @ConfigProperty(description = "Address TFTP listens on (default: server-ip)")
    public void setTftpAddress(String value) { put("tftp-address", value); }
    public String getTftpAddress() { return get("tftp-address"); }

    @ConfigProperty(description = "TFTP port", defaultValue = "69")
    public void setTftpPort(String value) { put("tftp-port", value); }
    public String getTftpPort() { return get("tftp-port"); }

    @ConfigProperty(description = "Folder served over TFTP")
    public void setBootRoot(String value) { put("boot-root", value); }
    public String getBootRoot() { return get("boot-root"); }

    @ConfigProperty(description = "Folders of the boot environments the server builds, separated by ':' (served when"
            + " the boot root has no file of that name)")
    public void setEnvironmentRoot(String value) { put("environment-root", value); }
    public String getEnvironmentRoot() { return get("environment-root"); }

    @ConfigProperty(description = "Retransmission timeout when the client negotiates none", defaultValue = "1s")
    public void setTftpTimeout(String value) { put("tftp-timeout", value); }
    public String getTftpTimeout() { return get("tftp-timeout"); }

    @ConfigProperty(description = "Retransmissions before a transfer is given up", defaultValue = "5")
    public void setTftpRetries(String value) { put("tftp-retries", value); }
    public String getTftpRetries() { return get("tftp-retries"); }

    @ConfigProperty(description = "Largest block size granted (RFC 2348)", defaultValue = "65464")
    public void setTftpMaxBlockSize(String value) { put("tftp-max-block-size", value); }
    public String getTftpMaxBlockSize() { return get("tftp-max-block-size"); }

    @ConfigProperty(description = "Largest window size granted (RFC 7440)", defaultValue = "64")
    public void setTftpMaxWindowSize(String value) { put("tftp-max-window-size", value); }
    public String getTftpMaxWindowSize() { return get("tftp-max-window-size"); }

    @ConfigProperty(description = "Concurrent transfers; more are answered 'server busy'", defaultValue = "512")
    public void setTftpMaxTransfers(String value) { put("tftp-max-transfers", value); }
    public String getTftpMaxTransfers() { return get("tftp-max-transfers"); }
}
