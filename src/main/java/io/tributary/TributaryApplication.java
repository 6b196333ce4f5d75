package io.tributary;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

@SpringBootApplication
@ConfigurationPropertiesScan
@org.springframework.scheduling.annotation.EnableScheduling
public class TributaryApplication {
    public static void main(String[] args) {
        if (args.length > 0 && io.tributary.tools.Cli.COMMANDS.contains(args[0])) {
            System.exit(io.tributary.tools.Cli.run(args, System.out, System.err)); // a mapping tool: no server
        }
        SpringApplication.run(TributaryApplication.class, args);
    }
}
