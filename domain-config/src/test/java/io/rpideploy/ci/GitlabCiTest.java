package io.rpideploy.ci;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import io.rpideploy.ops.OpsCommand;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/**
 * The repository's {@code .gitlab-ci.yml} (the plan's pipeline in our terms): valid for GitLab's schema, the four
 * stages each with jobs, every command it runs refers to something this repository has or its build makes, the
 * deploy jobs run only by hand on the default branch, and no secret is in the file.
 */
class GitlabCiTest {

    private static final Path REPO = Path.of("..").toAbsolutePath().normalize();
    /** Top-level keys that are not jobs (GitLab's reserved words). */
    private static final Set<String> GLOBAL = Set.of("stages", "default", "variables", "cache", "include",
            "workflow", "image", "services", "before_script", "after_script", "pages");
    private static final Set<String> PHASES = Set.of("clean", "validate", "compile", "test", "package", "verify",
            "install");
    private static final Pattern VARIABLE = Pattern.compile("\\$\\{?([A-Za-z_][A-Za-z0-9_]*)");

    private static String text;
    private static Map<String, Object> ci;
    private static Map<String, Map<String, Object>> jobs;

    @BeforeAll
    @SuppressWarnings("unchecked")
    static void load() throws Exception {
        text = Files.readString(REPO.resolve(".gitlab-ci.yml"));
        ci = new Yaml().load(text);
        jobs = new LinkedHashMap<>();
        ci.forEach((k, v) -> {
            if (!GLOBAL.contains(k) && !k.startsWith(".")) {
                jobs.put(k, (Map<String, Object>) v);
            }
        });
    }

    @Test
    void validForGitlabsSchema() throws Exception {
        JsonSchema schema;
        try (InputStream in = GitlabCiTest.class.getResourceAsStream("/gitlab-ci/ci.schema.json")) {
            schema = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V7).getSchema(in);
        }
        JsonNode document = new ObjectMapper().valueToTree(ci);
        Set<ValidationMessage> errors = schema.validate(document);
        assertEquals(Set.of(), errors);

        // and the schema does catch a mistake (a misspelt keyword in a job)
        Map<String, Object> broken = new LinkedHashMap<>(ci);
        broken.put("broken", Map.of("stage", "build", "scripts", List.of("true")));
        assertFalse(schema.validate(new ObjectMapper().valueToTree(broken)).isEmpty());
    }

    @Test
    void theFourStagesEachHaveJobs() {
        assertEquals(List.of("build", "test", "package", "deploy"), ci.get("stages"));
        Map<String, List<String>> byStage = new LinkedHashMap<>();
        jobs.forEach((name, job) -> byStage.computeIfAbsent((String) job.get("stage"), s -> new ArrayList<>())
                .add(name));
        assertEquals(List.of("build", "test", "package", "deploy"), List.copyOf(byStage.keySet()), byStage::toString);
        jobs.forEach((name, job) -> assertFalse(script(job).isEmpty(), name + " has no script"));
    }

    @Test
    void mavenRunsAreBatchModeWithRealPhasesAndModules() throws Exception {
        String parent = Files.readString(REPO.resolve("pom.xml"));
        int runs = 0;
        for (String line : allLines()) {
            Matcher m = Pattern.compile("(?:^|[;&|]\\s*)mvn\\s+([^;&|]*)").matcher(line);
            while (m.find()) {
                runs++;
                List<String> words = List.of(m.group(1).trim().split("\\s+"));
                assertTrue(words.contains("-B"), "mvn without -B: " + line);
                List<String> goals = words.stream().filter(w -> !w.startsWith("-")).toList();
                for (int i = 0; i < words.size(); i++) {
                    if (words.get(i).equals("-pl")) {
                        for (String module : words.get(i + 1).split(",")) {
                            assertTrue(parent.contains("<module>" + module + "</module>"), "no module " + module);
                        }
                    }
                }
                assertFalse(goals.isEmpty(), line);
                goals.stream().filter(g -> !isPlArgument(words, g))
                        .forEach(g -> assertTrue(PHASES.contains(g), "not a lifecycle phase: " + g + " in " + line));
            }
        }
        assertTrue(runs >= 2, "the pipeline should build and package with mvn");
    }

    private static boolean isPlArgument(List<String> words, String word) {
        int i = words.indexOf(word);
        return i > 0 && words.get(i - 1).equals("-pl");
    }

    @Test
    void everyPathItUsesExistsOrIsABuildOutput() throws Exception {
        Set<String> checked = new TreeSet<>();
        Pattern path = Pattern.compile("(?<![\\w$/.~@:-])((?:\\.ci|domain-config|netboot-rar|web-war|installer-jar|ear"
                + "|docs|bench)/[\\w./*-]+)");
        for (String line : allLines()) {
            Matcher m = path.matcher(line);
            while (m.find()) {
                String p = m.group(1);
                checked.add(p);
                if (p.startsWith("domain-config/target/")) {
                    String output = p.substring("domain-config/target/".length());
                    if (output.equals("*.deb")) {
                        // the Debian package: made by the package job and handed on as its artifact
                        assertTrue(artifacts("package").contains(p), "package job does not keep " + p);
                    } else if (output.equals("rpi-deploy.tar.gz")) {
                        String dist = Files.readString(REPO.resolve("domain-config/src/main/assembly/dist.xml"));
                        assertTrue(dist.contains("<format>tar.gz</format>"), "the assembly makes no tar.gz");
                        assertTrue(Files.readString(REPO.resolve("domain-config/pom.xml"))
                                .contains("<finalName>rpi-deploy</finalName>"));
                    } else {
                        throw new AssertionError("unknown build output " + p);
                    }
                } else {
                    assertTrue(Files.exists(REPO.resolve(p)), p + " does not exist in the repository");
                }
            }
        }
        assertTrue(checked.contains(".ci/run"), checked::toString);
        assertTrue(checked.contains("domain-config/target/*.deb"), checked::toString);
    }

    @Test
    void rpideployCommandsItRunsExist() {
        assertTrue(Files.isRegularFile(REPO.resolve("domain-config/src/main/dist/bin/rpideploy")));
        Set<String> registered = new TreeSet<>();
        ServiceLoader.load(OpsCommand.class).forEach(c -> registered.add(c.name()));
        Set<String> used = new LinkedHashSet<>();
        Matcher m = Pattern.compile("bin/rpideploy\\s+([a-z-]+)").matcher(String.join("\n", allLines()));
        while (m.find()) {
            used.add(m.group(1));
        }
        assertTrue(used.contains("doctor") && used.contains("provision"), used::toString);
        assertTrue(registered.contains("provision"), registered::toString);
        // doctor is the Debian package's branch of this issue; until it is merged this part cannot be checked
        assumeTrue(registered.contains("doctor"), "rpideploy doctor is not in this build yet");
        assertTrue(registered.containsAll(used), "used " + used + ", registered " + registered);
    }

    @Test
    @SuppressWarnings("unchecked")
    void deployJobsRunOnlyByHandOnTheDefaultBranch() {
        for (String name : List.of("deploy", "provision_vm")) {
            Map<String, Object> job = jobs.get(name);
            assertEquals("deploy", job.get("stage"));
            assertFalse(job.containsKey("only") || job.containsKey("except"), name + ": rules only");
            List<Map<String, Object>> rules = (List<Map<String, Object>>) job.get("rules");
            assertEquals(1, rules.size(), name);
            assertEquals("$CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH", rules.get(0).get("if"), name);
            assertEquals("manual", rules.get(0).get("when"), name);
            assertEquals(List.of("package"), job.get("needs"), name);
        }
        String deploy = String.join("\n", script(jobs.get("deploy")));
        assertTrue(deploy.contains("scp ") && deploy.contains("apt-get install -y /tmp/rpi-deploy.deb")
                && deploy.contains("/opt/rpi-deploy/bin/rpideploy doctor"), deploy);
    }

    @Test
    void noSecretsInTheFileAndEveryVariableIsDocumented() throws Exception {
        String docs = Files.readString(REPO.resolve("docs/proxmox.md"));
        Set<String> defined = new TreeSet<>();
        if (ci.get("variables") instanceof Map<?, ?> vars) {
            vars.forEach((k, v) -> {
                defined.add((String) k);
                assertFalse(((String) k).matches("(?i).*(pass|secret|token|key).*"), "secret in variables: " + k);
            });
        }
        Set<String> used = new TreeSet<>();
        Matcher m = VARIABLE.matcher(text);
        while (m.find()) {
            used.add(m.group(1));
        }
        for (String v : used) {
            if (v.startsWith("CI_") || defined.contains(v) || v.equals("deb")) {
                continue;
            }
            assertTrue(docs.contains("`" + v + "`"), v + " is used but not described in docs/proxmox.md");
        }
        assertTrue(used.contains("DEPLOY_HOST") && used.contains("DEPLOY_SSH_KEY"), used::toString);
        assertFalse(text.matches("(?s).*-----BEGIN [A-Z ]*PRIVATE KEY-----.*"));
        assertFalse(text.matches("(?s).*PVEAPIToken=.*"));
    }

    @SuppressWarnings("unchecked")
    private static List<String> script(Map<String, Object> job) {
        List<String> lines = new ArrayList<>();
        for (String key : List.of("before_script", "script")) {
            Object v = job.get(key);
            if (v instanceof List<?> list) {
                list.forEach(line -> lines.add(String.valueOf(line)));
            }
        }
        if (job.get("before_script") == null && ci.get("default") instanceof Map<?, ?> d
                && d.get("before_script") instanceof List<?> list) {
            list.forEach(line -> lines.add(String.valueOf(line)));
        }
        return lines;
    }

    private static List<String> allLines() {
        List<String> all = new ArrayList<>();
        jobs.values().forEach(j -> all.addAll(script(j)));
        return all;
    }

    @SuppressWarnings("unchecked")
    private static List<String> artifacts(String job) {
        Map<String, Object> a = (Map<String, Object>) jobs.get(job).get("artifacts");
        return a == null ? List.of() : (List<String>) a.get("paths");
    }
}
