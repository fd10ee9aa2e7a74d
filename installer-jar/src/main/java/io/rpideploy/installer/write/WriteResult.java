package io.rpideploy.installer.write;

/**
 * What a write produced: the image's length, the held-back first bytes (partition table; not yet on the target),
 * the SHA-256 of the whole decoded image when it was computed, and a CRC32C per {@link ImageWriter#CHUNK} chunk
 * (without bmap) for sampled verification.
 */
public record WriteResult(long imageSize, long bytesWritten, byte[] heldBack, String imageSha256, int[] chunkCrcs,
                          int rangesChecked) {
}
