/**
 * Who this board is (serial, MAC) and what the server assigns it ({@code POST /api/config}, retried with backoff
 * while the server is unreachable), plus the small strict JSON reader/writer both API calls use.
 * It does not download or write anything.
 */
package io.rpideploy.installer.config;
