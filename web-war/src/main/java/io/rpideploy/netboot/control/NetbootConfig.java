package io.rpideploy.netboot.control;

import io.rpideploy.netboot.api.InvalidNetbootSettingException;
import io.rpideploy.netboot.api.NetbootSetting;
import io.rpideploy.platform.control.DomainException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.logging.Logger;
import org.eclipse.microprofile.config.Config;

/**
 * The application's side of the {@link NetbootSetting} catalog: the settings its netboot policy reads (boot files per
 * client kind, reservations, event retention), through MicroProfile Config, so {@code RPIDEPLOY_NETBOOT_*}
 * environment variables work. The adapter reads its own; nothing passes between them.
 */
@ApplicationScoped
public class NetbootConfig {

    private static final Logger LOG = Logger.getLogger(NetbootConfig.class.getName());

    @Inject
    Config config;

    /**
     * A netboot setting's value, else its default.
     *
     * @throws DomainException naming the setting (as {@code field}) when its value does not parse
     */
    public <T> Optional<T> get(NetbootSetting<T> setting) {
        try {
            return setting.read(this::setting);
        } catch (InvalidNetbootSettingException bad) {
            throw DomainException.invalid(setting.configName(), bad.getMessage());
        }
    }

    /** The application's netboot settings whose values do not parse, one message each naming the setting. */
    public List<String> problems() {
        List<String> problems = new ArrayList<>();
        for (NetbootSetting<?> setting : NetbootSetting.all()) {
            if (setting.reader() == NetbootSetting.Reader.APPLICATION) {
                try {
                    setting.read(this::setting);
                } catch (InvalidNetbootSettingException bad) {
                    problems.add(bad.getMessage());
                }
            }
        }
        return problems;
    }

    /** At deployment: a bad value is logged once here, and {@code /health} shows it ({@link NetbootHealth}). */
    void start(@Observes @Initialized(ApplicationScoped.class) Object started) {
        problems().forEach(p -> LOG.severe("netboot setting not usable: " + p));
    }

    /** Any setting by its full name (e.g. {@code rpideploy.deployment.public-url}), blank counting as unset. */
    public Optional<String> setting(String fullName) {
        return config.getOptionalValue(fullName, String.class).map(String::trim).filter(v -> !v.isEmpty());
    }
}
