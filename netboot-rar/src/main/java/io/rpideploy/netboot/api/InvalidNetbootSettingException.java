package io.rpideploy.netboot.api;

/** A netboot setting's value that does not parse or is out of range; the message names the setting. */
public class InvalidNetbootSettingException extends IllegalArgumentException {

    private final transient NetbootSetting<?> setting;

    public InvalidNetbootSettingException(NetbootSetting<?> setting, String problem) {
        super(setting.configName() + " (" + setting.environmentName() + "): " + problem);
        this.setting = setting;
    }

    public NetbootSetting<?> setting() {
        return setting;
    }
}
