/**
 * The TFTP engine (RFC 1350, 2347, 2348, 2349, 7440): packet codec, option negotiation, one transfer's state
 * machine ({@code TftpTransfer}) and an NIO server ({@link io.rpideploy.netboot.tftp.TftpServer}) in parts:
 * {@code RequestAdmission} decides on each request, {@code SelectorLoop}s (the caller's thread, plus one per further
 * core, at most 4) and {@code Lanes} serve the {@code TransferSession}s. Read-only: write requests are refused. It
 * knows no venues or boards; it asks a {@link io.rpideploy.netboot.policy.BootFileSource} which bytes a name is, and
 * {@link io.rpideploy.netboot.tftp.BootTree} is the file-tree answer. Plain Java, no {@code jakarta.*}.
 */
package io.rpideploy.netboot.tftp;
