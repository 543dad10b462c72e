package io.lacpd.team.daemon;

import io.lacpd.team.demo.VirtualLabDemo;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * lacpd's command line: {@code lacpd run|check|demo}, {@code --help} and {@code --version}. picocli only routes the
 * arguments: each flag of {@code run} and {@code check} is a key of {@link DaemonConfig} (the same list, the flag
 * being the key with two dashes), its value goes into the settings map unread, and {@link DaemonConfig} validates it,
 * with the same one-line errors for a flag and a line of the config file.
 */
public final class LacpdCommand {

    /** Exit status for bad input: a wrong command, flag, key or value. */
    public static final int EXIT_USAGE = 2;

    private static final List<String> COMMANDS = List.of("run", "check", "demo");

    private LacpdCommand() {
    }

    /** The flags given and the config file named, as {@code run} and {@code check} take them. */
    record Given(Map<String, String> flags, Path configFile) {
    }

    /** Every setting, in the help's order: those with a help line first, then any others by name. */
    static List<String> keys() {
        Set<String> keys = new LinkedHashSet<>();
        Set<String> known = DaemonConfig.allKeys();
        SettingHelp.ALL.stream().map(SettingHelp::key).filter(known::contains).forEach(keys::add);
        keys.addAll(known);
        return List.copyOf(keys);
    }

    /** Reads {@code lacpd run}'s arguments (those after {@code run}) into flags and a config file. */
    static Given given(List<String> args) throws ConfigException {
        CommandLine line = commandLine(settingsCommand("run", false));
        try {
            return given(line.parseArgs(args.toArray(String[]::new)));
        } catch (ParameterException e) {
            throw new ConfigException(oneLine(e));
        }
    }

    /**
     * Runs lacpd's command line: {@code run} runs the daemon (and returns only if it cannot start); the others
     * return their exit status.
     */
    static int execute(String[] argv, PrintStream out, PrintStream err) {
        CommandLine top = commandLine(topCommand());
        ParseResult parsed;
        try {
            parsed = top.parseArgs(argv);
        } catch (ParameterException e) {
            err.println("lacpd: " + oneLine(e));
            return EXIT_USAGE;
        }
        if (parsed.isUsageHelpRequested()) {
            top.usage(out);
            return 0;
        }
        if (parsed.isVersionHelpRequested()) {
            top.printVersionHelp(out);
            return 0;
        }
        ParseResult command = parsed.subcommand();
        if (command == null) {
            top.usage(err);
            err.println("lacpd: a command is required (expected: " + String.join(", ", COMMANDS) + ")");
            return EXIT_USAGE;
        }
        if (command.isUsageHelpRequested()) {
            command.commandSpec().commandLine().usage(out);
            return 0;
        }
        switch (command.commandSpec().name()) {
            case "run" -> {
                List<String> args = List.of(argv).subList(List.of(argv).indexOf("run") + 1, argv.length);
                return Lacpd.run(args);
            }
            case "check" -> {
                return check(command, out, err);
            }
            default -> {
                VirtualLabDemo.main(new String[0]);
                return 0;
            }
        }
    }

    /** {@code lacpd check}: the settings as {@code run} would take them, validated, and nothing started. */
    private static int check(ParseResult command, PrintStream out, PrintStream err) {
        Given given = given(command);
        DaemonConfig config;
        try {
            config = DaemonConfig.fromSettings(given.flags(), given.configFile());
        } catch (ConfigException e) {
            err.println("lacpd: " + e.getMessage());
            return EXIT_USAGE;
        }
        out.println((config.configFile() == null ? "flags" : config.configFile()) + ": ok: team " + config.team()
                + ", ports " + String.join(",", config.ports()) + ", mode " + config.mode() + ", control socket "
                + config.controlSocket());
        return 0;
    }

    private static Given given(ParseResult command) {
        Map<String, String> flags = new LinkedHashMap<>();
        Path configFile = null;
        for (OptionSpec option : command.matchedOptions()) {
            String name = option.longestName().substring(2);
            if (option.usageHelp()) {
                continue;
            }
            String value = option.getValue();
            if (name.equals("config")) {
                configFile = Path.of(value);
            } else {
                flags.put(name, value);
            }
        }
        return new Given(flags, configFile);
    }

    /** picocli as lacpd uses it: no {@code @file} expansion (a value may start with '@'), no abbreviations. */
    private static CommandLine commandLine(CommandSpec spec) {
        CommandLine line = new CommandLine(spec);
        line.setExpandAtFiles(false);
        return line;
    }

    private static CommandSpec topCommand() {
        CommandSpec top = CommandSpec.create().name("lacpd");
        top.versionProvider(() -> new String[] {"lacpd " + Version.get()});
        top.mixinStandardHelpOptions(true);
        top.usageMessage()
                .description("The LACP daemon: a team of NICs negotiated with the switch (IEEE 802.1AX), as Windows"
                        + " NIC Teaming does, in user space.")
                .footer("", "Run 'lacpd COMMAND --help' for a command's flags; docs/configuration.md for every setting.");
        top.addSubcommand("run", settingsCommand("run", true));
        top.addSubcommand("check", settingsCommand("check", true));
        CommandSpec demo = CommandSpec.create().name("demo");
        demo.addOption(help());
        demo.usageMessage().description("Two teams negotiate, carry an 8-stream transfer and lose a member, in"
                + " virtual time (the checkout's ./lacpd demo, as root, runs two daemons in network namespaces).");
        top.addSubcommand("demo", demo);
        return top;
    }

    /** {@code run} or {@code check}: {@code --config FILE} and one flag per setting. */
    private static CommandSpec settingsCommand(String name, boolean withHelp) {
        CommandSpec spec = CommandSpec.create().name(name);
        spec.usageMessage().sortOptions(false);
        if (name.equals("run")) {
            spec.usageMessage()
                    .customSynopsis("lacpd run --config FILE [FLAG VALUE]...",
                            "       lacpd run --team NAME --ports IF,IF... [FLAG VALUE]...")
                    .description("Runs a team: negotiates LACP on its members, carries its traffic over a team"
                            + " interface, answers lacpctl on its control socket. A flag wins over the same key in the"
                            + " config file ('key = value' lines; the key is the flag without its dashes).")
                    .footer("", "Signals: SIGHUP reads the config file again; SIGTERM or SIGINT tells the partners"
                                    + " and exits 0.",
                            "Exit status: 0 stopped; 1 cannot start (a missing privilege, a busy socket); 2 bad input;"
                                    + " 70 internal error.");
        } else {
            spec.usageMessage()
                    .customSynopsis("lacpd check --config FILE [FLAG VALUE]...")
                    .description("Checks a config file and flags as 'lacpd run' would take them, and starts nothing."
                            + " A bad key or value is named with its file and line.")
                    .footer("", "Exit status: 0 valid; 2 bad input.");
        }
        spec.addOption(OptionSpec.builder("--config").paramLabel("FILE").type(String.class)
                .description("the config file (SIGHUP reads it again)").build());
        for (String key : keys()) {
            SettingHelp help = SettingHelp.of(key).orElse(new SettingHelp(key, "VALUE", "see docs/configuration.md",
                    "see there"));
            spec.addOption(OptionSpec.builder("--" + key).paramLabel(help.value()).type(String.class)
                    .description(help.line()).build());
        }
        if (withHelp) {
            spec.addOption(help());
        }
        return spec;
    }

    private static OptionSpec help() {
        return OptionSpec.builder("-h", "--help").usageHelp(true).description("show this help and exit").build();
    }

    /** picocli's complaint in lacpd's words: one line naming the flag, as DaemonConfig names a bad value. */
    static String oneLine(ParameterException e) {
        if (e instanceof CommandLine.MissingParameterException m && !m.getMissing().isEmpty()
                && m.getMissing().get(0) instanceof OptionSpec option) {
            return option.longestName() + " needs a value";
        }
        if (e instanceof CommandLine.OverwrittenOptionException o && o.getOverwritten() instanceof OptionSpec option) {
            return option.longestName() + " given twice";
        }
        if (e instanceof CommandLine.UnmatchedArgumentException u && !u.getUnmatched().isEmpty()) {
            String arg = u.getUnmatched().get(0);
            boolean top = u.getCommandLine().getCommandSpec().parent() == null
                    && u.getCommandLine().getCommandSpec().name().equals("lacpd");
            if (arg.startsWith("-")) {
                String flag = arg.contains("=") ? arg.substring(0, arg.indexOf('=')) : arg;
                List<String> flags = new ArrayList<>();
                u.getCommandLine().getCommandSpec().options().forEach(o -> flags.add(o.longestName()));
                return "unknown flag " + flag + NearMiss.of(flag, flags).map(f -> " (did you mean " + f + "?)").orElse("");
            }
            if (top) {
                return "unknown command '" + arg + "' (expected: " + String.join(", ", COMMANDS) + ")";
            }
            return "unexpected argument '" + arg + "'";
        }
        return e.getMessage();
    }
}
