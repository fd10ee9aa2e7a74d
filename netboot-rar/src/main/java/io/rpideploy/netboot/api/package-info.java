/**
 * What the application may use of the netboot adapter: its status now; the MDB listener contract will live here.
 * Plain Java: no container API.
 */
package io.rpideploy.netboot.api;
