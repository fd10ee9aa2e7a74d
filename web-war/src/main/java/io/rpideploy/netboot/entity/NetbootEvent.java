package io.rpideploy.netboot.entity;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.NamedQuery;
import jakarta.persistence.Table;
import java.time.Instant;

/** Something the DHCP or TFTP server did for a client: a lease acknowledged, a boot file sent, a probe refused. */
@Entity
@Table(name = "netboot_event")
@NamedQuery(name = NetbootEvent.RECENT, query = "SELECT e FROM NetbootEvent e ORDER BY e.at DESC, e.id DESC")
@NamedQuery(name = NetbootEvent.OF_BOARD, query = "SELECT e FROM NetbootEvent e WHERE e.macAddress = :mac"
        + " AND e.at >= :from AND e.at <= :to ORDER BY e.at, e.id")
public class NetbootEvent {

    public static final String RECENT = "NetbootEvent.recent";
    public static final String OF_BOARD = "NetbootEvent.ofBoard";

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    private Long id;

    @Column(nullable = false)
    private Instant at;

    @Column(nullable = false)
    private String protocol;

    @Column(nullable = false)
    private String kind;

    @Column(name = "mac_address")
    private String macAddress;

    @Column(name = "pi_serial")
    private String piSerial;

    @Column(name = "ip_address")
    private String ipAddress;

    @Column(name = "client_kind")
    private String clientKind;

    @Column(name = "file_name")
    private String fileName;

    private Long bytes;

    @Column(name = "duration_ms")
    private Long durationMs;

    @Column(name = "block_size")
    private Integer blockSize;

    @Column(name = "window_size")
    private Integer windowSize;

    private String detail;

    protected NetbootEvent() {
    }

    public NetbootEvent(Instant at, String protocol, String kind) {
        this.at = at;
        this.protocol = protocol;
        this.kind = kind;
    }

    public Long getId() { return id; }
    public Instant getAt() { return at; }
    public String getProtocol() { return protocol; }
    public String getKind() { return kind; }
    public String getMacAddress() { return macAddress; }
    public void setMacAddress(String macAddress) { this.macAddress = macAddress; }
    public String getPiSerial() { return piSerial; }
    public void setPiSerial(String piSerial) { this.piSerial = piSerial; }
    public String getIpAddress() { return ipAddress; }
    public void setIpAddress(String ipAddress) { this.ipAddress = ipAddress; }
    public String getClientKind() { return clientKind; }
    public void setClientKind(String clientKind) { this.clientKind = clientKind; }
    public String getFileName() { return fileName; }
    public void setFileName(String fileName) { this.fileName = fileName; }
    public Long getBytes() { return bytes; }
    public void setBytes(Long bytes) { this.bytes = bytes; }
    public Long getDurationMs() { return durationMs; }
    public void setDurationMs(Long durationMs) { this.durationMs = durationMs; }
    public Integer getBlockSize() { return blockSize; }
    public void setBlockSize(Integer blockSize) { this.blockSize = blockSize; }
    public Integer getWindowSize() { return windowSize; }
    public void setWindowSize(Integer windowSize) { this.windowSize = windowSize; }
    public String getDetail() { return detail; }
    public void setDetail(String detail) { this.detail = detail; }
}
