package io.tributary.tools;

import java.io.PrintStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The mapping tools of the jar, run without a server:
 * <pre>
 * java -jar tributary.jar test-mappings [--mappings mappings] [--samples samples] [--update] [provider...]
 * java -jar tributary.jar send sample.json --to http://host:8080/webhooks/provider/source
 *      [--auth none|dailydraft-signature|hmac|standard-webhooks|token|basic] [--secret S] [--header H]
 *      [--algorithm SHA-256] [--encoding hex|base64] [--prefix P] [--query-param token] [--username U] [--id msg_1]
 * </pre>
 */
public final class Cli {

    public static final Set<String> COMMANDS = Set.of("test-mappings", "send");
    private static final Set<String> FLAGS = Set.of("update");

    private Cli() {
    }

    /** @return the exit status: 0 done, 1 a case failed or the request was refused, 2 a usage error */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        Map<String, String> options = new HashMap<>();
        List<String> positional = new ArrayList<>();
        for (int i = 1; i < args.length; i++) {
            if (args[i].startsWith("--")) {
                String name = args[i].substring(2);
                if (FLAGS.contains(name)) {
                    options.put(name, "true");
                } else if (i + 1 < args.length) {
                    options.put(name, args[++i]);
                } else {
                    err.println("--" + name + " needs a value");
                    return 2;
                }
            } else {
                positional.add(args[i]);
            }
        }
        try {
            if (args[0].equals("test-mappings")) {
                return MappingsTest.run(Path.of(options.getOrDefault("mappings", "mappings")), Path.of(options.getOrDefault("samples", "samples")),
                        positional, options.containsKey("update"), out);
            }
            if (positional.size() != 1 || !options.containsKey("to")) {
                err.println("usage: send <sample.json> --to http://host:port/webhooks/<provider>/<source> [--auth ... --secret ...]");
                return 2;
            }
            return SendSample.run(Files.readAllBytes(Path.of(positional.get(0))), URI.create(options.remove("to")), options, out);
        } catch (IllegalArgumentException e) {
            err.println(e.getMessage());
            return 2;
        } catch (Exception e) {
            err.println(args[0] + " failed: " + e);
            return 1;
        }
    }
}
