package io.tributary.mapping;

import java.util.Map;

/**
 * Mappings promoted at run time, which take the place of the files' for their providers: provider to
 * mapping text. Read at every load of the mappings.
 */
@FunctionalInterface
public interface MappingOverrides {
    Map<String, String> live();
}
