package io.rpideploy.netboot.ra;

import io.rpideploy.netboot.api.InvalidNetbootSettingException;
import io.rpideploy.netboot.api.NetbootSetting;
import jakarta.resource.ResourceException;
import jakarta.resource.spi.ActivationSpec;
import jakarta.resource.spi.InvalidPropertyException;
import jakarta.resource.spi.ResourceAdapter;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * What both servers' ActivationSpecs share: one property per adapter setting of the {@link NetbootSetting} catalog
 * (name, type, default and meaning are there; a test keeps these setters and the catalog equal). Properties are
 * optional: the adapter reads its settings from the process ({@code RPIDEPLOY_NETBOOT_*}), and a property set in an
 * MDB's activation config or a deployment descriptor is used only where the process sets nothing. Values are
 * text, as they arrive from annotations and descriptors; blank means unset.
 */
public abstract class NetbootActivationSpec implements ActivationSpec {

    private final Map<String, String> values = new LinkedHashMap<>();
    private ResourceAdapter adapter;

    /** Stores a property; blank means unset (so a descriptor can clear it). */
    private void put(NetbootSetting<?> setting, String value) {
        if (value == null || value.isBlank()) {
            values.remove(setting.key());
        } else {
            values.put(setting.key(), value.trim());
        }
    }

    private String get(NetbootSetting<?> setting) {
        return values.get(setting.key());
    }

    /** The properties set on this spec, by setting key ({@code server-ip}). */
    public Map<String, String> values() {
        return Map.copyOf(values);
    }

    /** Each property set must parse as its catalog entry says; the message names the setting. */
    @Override
    public void validate() throws InvalidPropertyException {
        try {
            Settings.read(values, name -> Optional.empty());
        } catch (InvalidNetbootSettingException bad) {
            throw new InvalidPropertyException(bad.getMessage());
        }
    }

    // one JavaBean property per adapter setting, the way JCA sets an activation's properties; no @ConfigProperty,
    // whose description and default would repeat the catalog
    public void setInterface(String v) { put(NetbootSetting.INTERFACE, v); }
    public String getInterface() { return get(NetbootSetting.INTERFACE); }

    public void setServerIp(String v) { put(NetbootSetting.SERVER_IP, v); }
    public String getServerIp() { return get(NetbootSetting.SERVER_IP); }

    public void setSubnetMask(String v) { put(NetbootSetting.SUBNET_MASK, v); }
    public String getSubnetMask() { return get(NetbootSetting.SUBNET_MASK); }

    public void setPoolStart(String v) { put(NetbootSetting.POOL_START, v); }
    public String getPoolStart() { return get(NetbootSetting.POOL_START); }

    public void setPoolEnd(String v) { put(NetbootSetting.POOL_END, v); }
    public String getPoolEnd() { return get(NetbootSetting.POOL_END); }

    public void setLeaseTime(String v) { put(NetbootSetting.LEASE_TIME, v); }
    public String getLeaseTime() { return get(NetbootSetting.LEASE_TIME); }

    public void setRouter(String v) { put(NetbootSetting.ROUTER, v); }
    public String getRouter() { return get(NetbootSetting.ROUTER); }

    public void setDns(String v) { put(NetbootSetting.DNS, v); }
    public String getDns() { return get(NetbootSetting.DNS); }

    public void setDhcpPort(String v) { put(NetbootSetting.DHCP_PORT, v); }
    public String getDhcpPort() { return get(NetbootSetting.DHCP_PORT); }

    public void setDhcpClientPort(String v) { put(NetbootSetting.DHCP_CLIENT_PORT, v); }
    public String getDhcpClientPort() { return get(NetbootSetting.DHCP_CLIENT_PORT); }

    public void setRogueCheckInterval(String v) { put(NetbootSetting.ROGUE_CHECK_INTERVAL, v); }
    public String getRogueCheckInterval() { return get(NetbootSetting.ROGUE_CHECK_INTERVAL); }

    public void setTftpAddress(String v) { put(NetbootSetting.TFTP_ADDRESS, v); }
    public String getTftpAddress() { return get(NetbootSetting.TFTP_ADDRESS); }

    public void setTftpPort(String v) { put(NetbootSetting.TFTP_PORT, v); }
    public String getTftpPort() { return get(NetbootSetting.TFTP_PORT); }

    public void setBootRoot(String v) { put(NetbootSetting.BOOT_ROOT, v); }
    public String getBootRoot() { return get(NetbootSetting.BOOT_ROOT); }

    public void setTftpTimeout(String v) { put(NetbootSetting.TFTP_TIMEOUT, v); }
    public String getTftpTimeout() { return get(NetbootSetting.TFTP_TIMEOUT); }

    public void setTftpRetries(String v) { put(NetbootSetting.TFTP_RETRIES, v); }
    public String getTftpRetries() { return get(NetbootSetting.TFTP_RETRIES); }

    public void setTftpMaxBlockSize(String v) { put(NetbootSetting.TFTP_MAX_BLOCK_SIZE, v); }
    public String getTftpMaxBlockSize() { return get(NetbootSetting.TFTP_MAX_BLOCK_SIZE); }

    public void setTftpMaxWindowSize(String v) { put(NetbootSetting.TFTP_MAX_WINDOW_SIZE, v); }
    public String getTftpMaxWindowSize() { return get(NetbootSetting.TFTP_MAX_WINDOW_SIZE); }

    public void setTftpMaxTransfers(String v) { put(NetbootSetting.TFTP_MAX_TRANSFERS, v); }
    public String getTftpMaxTransfers() { return get(NetbootSetting.TFTP_MAX_TRANSFERS); }

    public void setRetryInterval(String v) { put(NetbootSetting.RETRY_INTERVAL, v); }
    public String getRetryInterval() { return get(NetbootSetting.RETRY_INTERVAL); }

    @Override
    public ResourceAdapter getResourceAdapter() {
        return adapter;
    }

    @Override
    public void setResourceAdapter(ResourceAdapter adapter) throws ResourceException {
        this.adapter = adapter;
    }

    // ActivationSpecs are JavaBeans compared by the container; identity is right for ours
    @Override
    public boolean equals(Object other) {
        return this == other;
    }

    @Override
    public int hashCode() {
        return System.identityHashCode(this);
    }
}
