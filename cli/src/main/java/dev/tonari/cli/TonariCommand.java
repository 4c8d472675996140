package dev.tonari.cli;

import dev.tonari.server.TonariServer;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code tonari} command line: {@code server}, {@code demo}, {@code query}, {@code push}, {@code
 * lint}, {@code token}, {@code usage}, {@code slo}, {@code alerts}, {@code toil}, and {@code help [command]}
 * (as {@code --help}). Each
 * subcommand returns its exit code; usage errors exit with 2 as picocli does.
 */
@Command(
    name = "tonari",
    mixinStandardHelpOptions = true,
    versionProvider = TonariCommand.Version.class,
    description = "A log platform that speaks Loki's API over its own columnar storage.",
    subcommands = {ServerCommand.class, DemoCommand.class, QueryCommand.class, PushCommand.class, LintCommand.class, TokenCommand.class,
        UsageCommand.class, SloCommand.class, RulesCommand.class, AlertsCommand.class, ToilCommand.class, StorageCommand.class,
        CommandLine.HelpCommand.class})
public final class TonariCommand implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  public static void main(String[] args) {
    System.exit(commandLine().execute(args));
  }

  /** The configured command line, for main and for tests. */
  public static CommandLine commandLine() {
    return new CommandLine(new TonariCommand()).setCaseInsensitiveEnumValuesAllowed(true);
  }

  @Override
  public void run() {
    spec.commandLine().usage(System.out);
  }

  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      return new String[] {"tonari " + TonariServer.VERSION};
    }
  }
}
