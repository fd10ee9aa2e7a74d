package io.rpideploy.ops.image;

import io.rpideploy.ops.OpsCommand;
import io.rpideploy.ops.OpsEnvironment;
import jakarta.json.Json;
import jakarta.json.JsonException;
import jakarta.json.JsonObject;
import java.io.PrintStream;
import java.io.StringReader;
import java.net.URI;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Set;

/**
 * {@code rpideploy image prepare CARD.img [options]}: a master image from a card read off a reference Pi (see
 * {@link ImagePreparer}), with its .bmap, compressed, and with {@code --register} uploaded to the server.
 */
public final class ImageCommand implements OpsCommand {

    static final String USAGE = "usage: rpideploy image prepare CARD.img [--output FILE | --in-place]"
            + " [--zstd | --xz | --no-compress] [--margin MIB]"
            + " [--register --product KXP2|RXP2 --version V [--url URL] [--user USER] [--password-file FILE]"
            + " [--cacert PEM] [--insecure-http] [--description TEXT]]";

    @Override
    public String name() {
        return "image";
    }

    @Override
    public String summary() {
        return "prepare CARD.img [--xz] [--register ...]  shrink a reference card into a master image (+ .bmap)";
    }

    @Override
    public int run(List<String> args, OpsEnvironment env, PrintStream out, PrintStream err) throws Exception {
        if (args.isEmpty() || !args.get(0).equals("prepare")) {
            throw new IllegalArgumentException(args.isEmpty() || args.get(0).startsWith("-") ? USAGE
                    : "unknown subcommand '" + args.get(0) + "' (" + USAGE + ")");
        }
        Path input = null;
        Path output = null;
        boolean inPlace = false;
        ImagePreparer.Compression compression = ImagePreparer.Compression.ZSTD;
        long margin = 64L << 20;
        boolean register = false;
        String url = null;
        String user = env.get("RPIDEPLOY_API_USER").orElse(null);
        Path passwordFile = null;
        Path caCert = null;
        String product = null;
        String version = null;
        String description = null;
        boolean insecureHttp = false;
        for (int i = 1; i < args.size(); i++) {
            String a = args.get(i);
            switch (a) {
                case "--output" -> output = Path.of(value(args, ++i, a));
                case "--in-place" -> inPlace = true;
                case "--zstd" -> compression = ImagePreparer.Compression.ZSTD;
                case "--xz" -> compression = ImagePreparer.Compression.XZ;
                case "--no-compress" -> compression = ImagePreparer.Compression.NONE;
                case "--margin" -> margin = mebibytes(value(args, ++i, a));
                case "--register" -> register = true;
                case "--url" -> url = value(args, ++i, a);
                case "--user" -> user = value(args, ++i, a);
                case "--password-file" -> passwordFile = Path.of(value(args, ++i, a));
                case "--cacert" -> caCert = Path.of(value(args, ++i, a));
                case "--insecure-http" -> insecureHttp = true;
                case "--product" -> product = value(args, ++i, a);
                case "--version" -> version = value(args, ++i, a);
                case "--description" -> description = value(args, ++i, a);
                case "--password" -> throw new IllegalArgumentException("a password never goes on the command line"
                        + " (it shows in ps and the shell's history): set " + ImageUpload.PASSWORD_ENV
                        + " or use --password-file");
                default -> {
                    if (a.startsWith("-") || input != null) {
                        throw new IllegalArgumentException("unknown option " + a + " (" + USAGE + ")");
                    }
                    input = Path.of(a);
                }
            }
        }
        if (input == null) {
            throw new IllegalArgumentException("name the card image (" + USAGE + ")");
        }
        if (inPlace && output != null) {
            throw new IllegalArgumentException("--in-place and --output exclude each other");
        }
        String password = null;
        URI server = null;
        if (register) {
            // everything registration needs is checked before minutes of work
            if (product == null || !Set.of("KXP2", "RXP2").contains(product)) {
                throw new IllegalArgumentException("--register needs --product KXP2 or RXP2"
                        + (product == null ? "" : ", not " + product));
            }
            if (version == null || version.isBlank()) {
                throw new IllegalArgumentException("--register needs --version (e.g. --version 1.2)");
            }
            if (user == null || user.isBlank()) {
                throw new IllegalArgumentException("--register needs --user (an operator of the console) or "
                        + "RPIDEPLOY_API_USER");
            }
            server = URI.create(url != null ? url
                    : "http://127.0.0.1:" + env.get("RPIDEPLOY_MANAGEMENT_PORT", "5000"));
            if (server.getScheme() == null || !Set.of("http", "https").contains(server.getScheme())
                    || server.getHost() == null) {
                throw new IllegalArgumentException("--url: http(s)://HOST[:PORT] expected, not " + url);
            }
            ImageUpload.checkTransport(server, insecureHttp);
            password = ImageUpload.password(env.variables(), passwordFile);
            if (caCert != null) {
                ImageUpload.trusting(caCert);
            }
        } else if (product != null || version != null || url != null || passwordFile != null || caCert != null
                || insecureHttp) {
            throw new IllegalArgumentException("--product, --version, --url, --password-file, --cacert and"
                    + " --insecure-http go with --register");
        }

        ImagePreparer.Result r = new ImagePreparer(new ImagePreparer.Options(input, output, inPlace, compression,
                margin), out).prepare();
        out.printf("prepared: %s, %s (was %s; root file system %s -> %s; %s of data)%n", r.image(),
                ImagePreparer.mib(r.imageBytes()), ImagePreparer.mib(r.inputBytes()),
                ImagePreparer.mib(r.rootBefore()), ImagePreparer.mib(r.rootAfter()),
                ImagePreparer.mib(r.mappedBytes()));
        out.println("block map: " + r.bmap() + (r.compressed() == null ? "" : "; compressed: " + r.compressed()));
        r.warnings().forEach(w -> err.println("rpideploy image: warning: " + w));

        if (register) {
            Path file = r.compressed() != null ? r.compressed() : r.image();
            String text = description != null ? description : "prepared from " + input.getFileName() + " on "
                    + LocalDate.now(ZoneOffset.UTC) + " by rpideploy image prepare";
            out.println("registering " + file.getFileName() + " with its block map " + r.bmap().getFileName()
                    + " at " + server + " as " + product + " " + version + " ...");
            ImageUpload.Answer answer;
            try {
                answer = ImageUpload.upload(server, user, password, file, r.bmap(), product, version, text,
                        caCert);
            } catch (java.io.IOException e) {
                err.println("rpideploy image: the server at " + server + " could not be reached (" + e.getMessage()
                        + "); the prepared image is kept: register it later from the console or the API");
                return 2;
            }
            if (answer.status() != 201) {
                err.println("rpideploy image: the server refused the image (HTTP " + answer.status() + "): "
                        + message(answer.body()) + "; the prepared image is kept");
                return 2;
            }
            out.println("registered: " + describe(answer.body()));
        }
        return r.warnings().isEmpty() ? 0 : 1;
    }

    private static String message(String body) {
        try {
            JsonObject o = Json.createReader(new StringReader(body)).readObject();
            return o.getString("message", body);
        } catch (JsonException | ClassCastException e) {
            return body.length() > 200 ? body.substring(0, 200) + "..." : body;
        }
    }

    private static String describe(String body) {
        try {
            JsonObject o = Json.createReader(new StringReader(body)).readObject();
            JsonObject image = o.getJsonObject("image");
            return o.getString("filename", "?") + (image != null && image.containsKey("id")
                    ? " (id " + image.get("id") + "; activate it in the console or with POST /api/images/"
                    + image.get("id") + "/activate)" : "");
        } catch (JsonException | ClassCastException e) {
            return body;
        }
    }

    private static String value(List<String> args, int i, String option) {
        if (i >= args.size()) {
            throw new IllegalArgumentException(option + " needs a value");
        }
        return args.get(i);
    }

    private static long mebibytes(String text) {
        try {
            long n = Long.parseLong(text);
            if (n >= 0 && n <= 1 << 20) {
                return n << 20;
            }
        } catch (NumberFormatException ignored) {
            // the message below
        }
        throw new IllegalArgumentException("--margin needs a whole number of MiB (0 or more), not " + text);
    }
}
