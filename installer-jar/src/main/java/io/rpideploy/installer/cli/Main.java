package io.rpideploy.installer.cli;

import io.rpideploy.installer.report.ExitCode;

/** {@code java -jar installer.jar ...}: parses options, runs the installer, exits with its code. */
public final class Main {

    private Main() {
    }

    public static void main(String[] args) {
        Options options;
        try {
            options = Options.parse(args, System.getProperties());
        } catch (Options.UsageException e) {
            if (e.help) {
                System.out.println(e.getMessage());
                System.exit(0);
            }
            System.err.println("installer: " + e.getMessage());
            System.err.println(Options.USAGE);
            System.exit(ExitCode.USAGE.code());
            return;
        }
        ExitCode code = new Installer(options, System.out).run();
        System.exit(code.code());
    }
}
