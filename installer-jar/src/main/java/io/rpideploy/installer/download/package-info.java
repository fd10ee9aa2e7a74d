/**
 * Getting the image's bytes: one HTTP stream that survives dropped connections (Range from the last byte
 * received, If-Range on the ETag) and waits in the server's admission queue (503 + Retry-After), decoders chosen
 * by the URL's suffix, and the optional bmaptool block map. It writes nothing to the target.
 */
package io.rpideploy.installer.download;
