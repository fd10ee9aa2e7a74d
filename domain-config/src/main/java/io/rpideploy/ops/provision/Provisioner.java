package io.rpideploy.ops.provision;

import static io.rpideploy.ops.provision.ProxmoxClient.params;
import static io.rpideploy.ops.provision.ProxmoxClient.segment;

import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The provisioning steps of the plan's Phase 1 and its Proxmox extension, each a few Proxmox API calls: create the
 * deployment VM from the Ubuntu cloud image and check it with {@code rpideploy doctor} through the guest agent,
 * convert it to a template, clone, snapshot, back up. Every asynchronous call's task is awaited and must end "OK".
 */
public final class Provisioner {

    /** Where the package installs the command (h-deb's layout). */
    static final List<String> DOCTOR = List.of("/opt/rpi-deploy/bin/rpideploy", "doctor", "--json");
    static final List<String> CLOUD_INIT_WAIT = List.of("cloud-init", "status", "--wait");

    private final ProxmoxClient px;
    private final ProvisionConfig c;
    private final PrintStream log;

    public Provisioner(ProxmoxClient px, ProvisionConfig c, PrintStream log) {
        this.px = px;
        this.c = c;
        this.log = log;
    }

    /** What a command run through the guest agent did. */
    public record ExecResult(int exitCode, String out, String err) {
    }

    /** Creates, configures and starts the VM, then runs doctor in it; returns doctor's result. */
    public ExecResult create() throws IOException {
        int vmid = c.vmid().isPresent() ? c.vmid().getAsInt() : nextId();
        log.println("provision: VM " + vmid + " (" + c.name() + ") on node " + c.node());
        ensureImage();
        String snippet = ensureSnippet();

        // one call with the hardware: the disk is imported from the cloud image (STORAGE:0 + import-from, the
        // documented way since PVE 7.2), VirtIO SCSI single with discard so the guest's TRIM frees thin storage
        ProxmoxClient.Params vm = params()
                .add("vmid", vmid)
                .add("name", c.name())
                .add("ostype", "l26")
                .add("cores", c.cores())
                .add("sockets", c.sockets())
                .add("memory", c.memoryMiB())
                .add("scsihw", "virtio-scsi-single")
                .add("scsi0", c.storage() + ":0,import-from=" + c.image() + ",discard=on,iothread=1,ssd=1");
        if (c.cloudInitDrive()) {
            vm.add("ide2", c.storage() + ":cloudinit");
        }
        vm.add("boot", "order=scsi0")
                .add("agent", "enabled=1,fstrim_cloned_disks=1")
                .add("net0", "virtio,bridge=" + c.bridge() + ",tag=" + c.managementVlan())
                .add("net1", "virtio,bridge=" + c.bridge() + ",tag=" + c.deploymentVlan())
                .add("onboot", 1)
                .add("description", "rpi-deploy deployment server (rpideploy provision)");
        task("create VM", px.post(node() + "/qemu", vm));

        step("resize disk to " + c.diskGiB() + "G", px.put(vm(vmid) + "/resize",
                params().add("disk", "scsi0").add("size", c.diskGiB() + "G")));

        // cloud-init: our user-data snippet; management by DHCP, deployment static with no gateway (isolated)
        ProxmoxClient.Params ci = params()
                .add("cicustom", "user=" + snippet)
                .add("ipconfig0", "ip=dhcp")
                .add("ipconfig1", "ip=" + c.deploymentIp());
        c.dns().ifPresent(d -> ci.add("nameserver", d));
        step("configure cloud-init", px.post(vm(vmid) + "/config", ci));

        task("start", px.post(vm(vmid) + "/status/start", params()));
        return doctor(vmid);
    }

    /** Waits for the guest agent and for cloud-init, then runs doctor through the agent. */
    public ExecResult doctor(int vmid) throws IOException {
        waitForAgent(vmid);
        ExecResult init = exec(vmid, CLOUD_INIT_WAIT);
        // cloud-init status: 0 done, 2 done with recoverable errors (the package step may still have worked)
        if (init.exitCode() != 0 && init.exitCode() != 2) {
            throw new IOException("cloud-init failed in VM " + vmid + " (exit " + init.exitCode() + "): "
                    + (init.out() + init.err()).strip() + " -- see /var/log/cloud-init-output.log in the VM");
        }
        if (init.exitCode() == 2) {
            log.println("provision: cloud-init finished with recoverable errors: " + init.out().strip());
        }
        log.println("provision: running " + String.join(" ", DOCTOR) + " in VM " + vmid);
        return exec(vmid, DOCTOR);
    }

    public void template(int vmid) throws IOException {
        task("convert VM " + vmid + " to a template", px.post(vm(vmid) + "/template", params()));
    }

    /** A full clone (its own disks, independent of the template); returns the new VM's id. */
    public int cloneVm(int vmid, Integer newId, String name) throws IOException {
        int id = newId != null ? newId : nextId();
        ProxmoxClient.Params p = params().add("newid", id);
        if (name != null) {
            p.add("name", name);
        }
        p.add("full", 1).add("storage", c.storage());
        task("full clone of " + vmid + " as " + id, px.post(vm(vmid) + "/clone", p));
        return id;
    }

    public void snapshot(int vmid, String name, String description) throws IOException {
        ProxmoxClient.Params p = params().add("snapname", name);
        if (description != null) {
            p.add("description", description);
        }
        task("snapshot " + name + " of VM " + vmid, px.post(vm(vmid) + "/snapshot", p));
    }

    /** vzdump in snapshot mode (the VM keeps running), zstd-compressed, to the backup storage. */
    public void backup(int vmid) throws IOException {
        task("vzdump backup of VM " + vmid + " to " + c.backupStorage(), px.post(node() + "/vzdump", params()
                .add("vmid", vmid).add("storage", c.backupStorage()).add("mode", "snapshot").add("compress", "zstd")));
    }

    int nextId() throws IOException {
        JsonValue id = px.get("/cluster/nextid", params());
        try {
            // documented as an integer; Proxmox sends it as a JSON string
            return id instanceof JsonNumber n ? n.intValueExact() : Integer.parseInt(((JsonString) id).getString());
        } catch (RuntimeException e) {
            throw new IOException("GET /cluster/nextid: unexpected answer " + id);
        }
    }

    /** The cloud image must be on the node: downloaded by the node itself (download-url) when a URL is given. */
    void ensureImage() throws IOException {
        Volume image = Volume.of(c.image(), "storage.image");
        if (contains(image)) {
            return;
        }
        if (c.imageUrl().isEmpty()) {
            throw new IOException("the cloud image " + c.image() + " is not on node " + c.node()
                    + " and storage.image_url is not set");
        }
        task("download " + c.imageUrl().get() + " to " + c.image(), px.post(node() + "/storage/"
                + segment(image.storage()) + "/download-url", params().add("content", image.content())
                .add("filename", image.file()).add("url", c.imageUrl().get())));
    }

    /**
     * The user-data snippet must already be in the snippets storage: Proxmox's upload API takes only iso, vztmpl
     * and import content, never snippets (they run on the host), so the operator copies the file once (docs).
     * Its size is compared with what this config produces, so a stale copy is caught.
     */
    String ensureSnippet() throws IOException {
        String name = CloudInit.snippetName(c);
        Volume snippet = new Volume(c.snippetsStorage(), "snippets", name);
        long expected = CloudInit.userData(c).getBytes(StandardCharsets.UTF_8).length;
        for (JsonValue v : px.get(node() + "/storage/" + segment(snippet.storage()) + "/content",
                params().add("content", "snippets")).asJsonArray()) {
            JsonObject item = v.asJsonObject();
            if (snippet.id().equals(item.getString("volid", ""))) {
                long size = item.containsKey("size") ? item.getJsonNumber("size").longValue() : expected;
                if (size != expected) {
                    throw new IOException("the snippet " + snippet.id() + " is " + size + " bytes, this config's"
                            + " user-data " + expected + ": copy it again ('rpideploy provision --config FILE"
                            + " user-data --out " + name + "', then scp it to the node's snippets folder)");
                }
                return snippet.id();
            }
        }
        throw new IOException("the cloud-init snippet " + snippet.id() + " is not on node " + c.node()
                + " (Proxmox's API cannot upload snippets): run 'rpideploy provision --config FILE user-data --out "
                + name + "' and copy the file to the snippets folder of storage " + c.snippetsStorage()
                + " (for 'local': /var/lib/vz/snippets/), see docs/proxmox.md");
    }

    private boolean contains(Volume v) throws IOException {
        for (JsonValue item : px.get(node() + "/storage/" + segment(v.storage()) + "/content",
                params().add("content", v.content())).asJsonArray()) {
            if (v.id().equals(item.asJsonObject().getString("volid", ""))) {
                return true;
            }
        }
        return false;
    }

    /** agent/ping answers 500 until the agent in the guest runs; bounded by proxmox.agent_timeout_seconds. */
    void waitForAgent(int vmid) throws IOException {
        log.println("provision: waiting for the QEMU guest agent of VM " + vmid);
        long deadline = System.nanoTime() + c.agentTimeout().toNanos();
        String last = "";
        while (true) {
            try {
                px.post(vm(vmid) + "/agent/ping", params());
                return;
            } catch (ProxmoxException e) {
                // 500 "QEMU guest agent is not running" while the guest boots; 401/403 will not get better
                if (e.status() == 401 || e.status() == 403) {
                    throw e;
                }
                last = e.getMessage();
            }
            if (System.nanoTime() - deadline > 0) {
                throw new IOException("the guest agent of VM " + vmid + " did not answer within "
                        + c.agentTimeout().toSeconds() + " s (last: " + last + "); is qemu-guest-agent installed"
                        + " and agent=1 set?");
            }
            px.pause();
        }
    }

    /** Runs a program in the guest (agent/exec) and polls agent/exec-status until it exits, bounded. */
    ExecResult exec(int vmid, List<String> command) throws IOException {
        ProxmoxClient.Params p = params();
        command.forEach(word -> p.add("command", word));
        JsonObject started = px.post(vm(vmid) + "/agent/exec", p).asJsonObject();
        int pid = started.getInt("pid");
        long deadline = System.nanoTime() + c.agentTimeout().toNanos();
        while (true) {
            JsonObject s = px.get(vm(vmid) + "/agent/exec-status", params().add("pid", pid)).asJsonObject();
            if (flag(s, "exited")) {
                return new ExecResult(s.containsKey("exitcode") ? s.getInt("exitcode") : -1,
                        s.getString("out-data", ""), s.getString("err-data", ""));
            }
            if (System.nanoTime() - deadline > 0) {
                throw new IOException("'" + String.join(" ", command) + "' in VM " + vmid + " still running after "
                        + c.agentTimeout().toSeconds() + " s");
            }
            px.pause();
        }
    }

    private static boolean flag(JsonObject o, String key) {
        JsonValue v = o.get(key);
        return v == JsonValue.TRUE || v instanceof JsonNumber n && n.intValue() != 0;
    }

    /** A call that may finish at once or start a task (resize and config answer null in older releases). */
    private void step(String what, JsonValue answer) throws IOException {
        log.println("provision: " + what);
        px.waitIfTask(answer, c.taskTimeout());
    }

    /** A call documented to start a task: anything but a UPID means the call did not do what was asked. */
    private void task(String what, JsonValue answer) throws IOException {
        log.println("provision: " + what);
        if (answer.getValueType() != JsonValue.ValueType.STRING
                || !ProxmoxClient.Upid.is(((JsonString) answer).getString())) {
            throw new IOException(what + ": Proxmox answered " + answer + " where a task id (UPID) was expected");
        }
        px.waitTask(((JsonString) answer).getString(), c.taskTimeout());
    }

    private String node() {
        return "/nodes/" + segment(c.node());
    }

    private String vm(int vmid) {
        return node() + "/qemu/" + vmid;
    }

    /** A Proxmox volume id STORAGE:CONTENT/FILE, e.g. local:iso/noble-server-cloudimg-amd64.img. */
    record Volume(String storage, String content, String file) {
        static Volume of(String id, String field) {
            int colon = id.indexOf(':');
            int slash = id.indexOf('/', colon + 1);
            if (colon < 1 || slash < 0 || slash == id.length() - 1) {
                throw new IllegalArgumentException(field + ": STORAGE:CONTENT/FILE expected, e.g."
                        + " local:iso/noble-server-cloudimg-amd64.img, got " + id);
            }
            return new Volume(id.substring(0, colon), id.substring(colon + 1, slash), id.substring(slash + 1));
        }

        String id() {
            return storage + ":" + content + "/" + file;
        }
    }
}
