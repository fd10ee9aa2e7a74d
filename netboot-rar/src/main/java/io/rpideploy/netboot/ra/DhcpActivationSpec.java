package io.rpideploy.netboot.ra;

import io.rpideploy.netboot.api.DhcpListener;
import jakarta.resource.spi.Activation;
import jakarta.resource.spi.ConfigProperty;

/**
 * The DHCP server's properties (README, "Netboot settings"): each can be set in the MDB's activation config, and
 * the application's {@code rpideploy.netboot.*} setting of the same name overrides it. DHCP runs only when an
 * interface is set.
 */
@Activation(messageListeners = DhcpListener.class)
public class DhcpActivationSpec extends NetbootActivationSpec {

    @ConfigProperty(description = "Deployment interface (e.g. eth1); unset: DHCP off")
    public void setInterface(String value) { put("interface", value); }
    public String getInterface() { return get("interface"); }

    @ConfigProperty(description = "This server's IPv4 address on the interface (default: the interface's first)")
    public void setServerIp(String value) { put("server-ip", value); }
    public String getServerIp() { return get("server-ip"); }

    @ConfigProperty(description = "Subnet mask (default: the interface's prefix)")
    public void setSubnetMask(String value) { put("subnet-mask", value); }
    public String getSubnetMask() { return get("subnet-mask"); }

    @ConfigProperty(description = "First pool address (default: .100 of the subnet)")
    public void setPoolStart(String value) { put("pool-start", value); }
    public String getPoolStart() { return get("pool-start"); }

    @ConfigProperty(description = "Last pool address (default: .250 of the subnet)")
    public void setPoolEnd(String value) { put("pool-end", value); }
    public String getPoolEnd() { return get("pool-end"); }

    @ConfigProperty(description = "Lease time: 12h, 30m, 3600 (seconds) or PT12H", defaultValue = "12h")
    public void setLeaseTime(String value) { put("lease-time", value); }
    public String getLeaseTime() { return get("lease-time"); }

    @ConfigProperty(description = "Option 3 router; unset: no option 3 (the deployment network is isolated)")
    public void setRouter(String value) { put("router", value); }
    public String getRouter() { return get("router"); }

    @ConfigProperty(description = "Option 6 DNS servers, comma-separated; unset: none")
    public void setDns(String value) { put("dns", value); }
    public String getDns() { return get("dns"); }

    @ConfigProperty(description = "Server port", defaultValue = "67")
    public void setDhcpPort(String value) { put("dhcp-port", value); }
    public String getDhcpPort() { return get("dhcp-port"); }

    @ConfigProperty(description = "Client port", defaultValue = "68")
    public void setDhcpClientPort(String value) { put("dhcp-client-port", value); }
    public String getDhcpClientPort() { return get("dhcp-client-port"); }

    @ConfigProperty(description = "How often to look for another DHCP server; 0: never", defaultValue = "5m")
    public void setRogueCheckInterval(String value) { put("rogue-check-interval", value); }
    public String getRogueCheckInterval() { return get("rogue-check-interval"); }
}
