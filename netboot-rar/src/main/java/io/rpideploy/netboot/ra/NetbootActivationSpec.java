package io.rpideploy.netboot.ra;

import jakarta.resource.ResourceException;
import jakarta.resource.spi.ActivationSpec;
import jakarta.resource.spi.InvalidPropertyException;
import jakarta.resource.spi.ResourceAdapter;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What both servers' ActivationSpecs share: properties are kept by their setting names ({@code server-ip}), the
 * names the application's {@code rpideploy.netboot.*} settings use, so the two can be merged. Property values are
 * text, as they arrive from annotations and deployment descriptors; {@link Settings} parses them.
 */
public abstract class NetbootActivationSpec implements ActivationSpec {

    private final Map<String, String> values = new LinkedHashMap<>();
    private ResourceAdapter adapter;

    /** Stores a property; blank means unset (so a descriptor can clear a default). */
    protected void put(String name, String value) {
        if (value == null || value.isBlank()) {
            values.remove(name);
        } else {
            values.put(name, value.trim());
        }
    }

    protected String get(String name) {
        return values.get(name);
    }

    /** The properties set on this spec, by setting name. */
    public Map<String, String> values() {
        return Map.copyOf(values);
    }

    @Override
    public void validate() throws InvalidPropertyException {
        try {
            Settings.of(values, Map.of());
        } catch (IllegalArgumentException bad) {
            throw new InvalidPropertyException(bad.getMessage());
        }
    }

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
