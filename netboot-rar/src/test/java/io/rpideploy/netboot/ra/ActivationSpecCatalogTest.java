package io.rpideploy.netboot.ra;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.rpideploy.netboot.api.NetbootSetting;
import java.beans.Introspector;
import java.beans.PropertyDescriptor;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The ActivationSpecs' properties are exactly the catalog's adapter settings, each stored under its key. */
class ActivationSpecCatalogTest {

    @Test
    void everyAdapterSettingIsAPropertyAndNothingElseIs() throws Exception {
        Set<String> catalog = NetbootSetting.all().stream()
                .filter(s -> s.reader() == NetbootSetting.Reader.ADAPTER).map(NetbootSetting::propertyName)
                .collect(Collectors.toCollection(TreeSet::new));
        for (Class<?> spec : new Class<?>[] {DhcpActivationSpec.class, TftpActivationSpec.class}) {
            Set<String> properties = new TreeSet<>();
            for (PropertyDescriptor p : Introspector.getBeanInfo(spec).getPropertyDescriptors()) {
                if (p.getWriteMethod() != null && p.getPropertyType() == String.class) {
                    properties.add(p.getName());
                }
            }
            assertEquals(catalog, properties, spec.getSimpleName());
        }
    }

    @Test
    void eachSetterStoresItsOwnSetting() throws Exception {
        for (NetbootSetting<?> setting : NetbootSetting.all()) {
            if (setting.reader() != NetbootSetting.Reader.ADAPTER) {
                continue;
            }
            DhcpActivationSpec spec = new DhcpActivationSpec();
            PropertyDescriptor p = new PropertyDescriptor(setting.propertyName(), DhcpActivationSpec.class);
            p.getWriteMethod().invoke(spec, "x");
            assertEquals(Map.of(setting.key(), "x"), spec.values(), setting.key());
            assertEquals("x", p.getReadMethod().invoke(spec), setting.key());
        }
    }
}
