/**
 * The JCA shell around the protocol engines: lifecycle, endpoint activation, the servers' settings (read from the
 * process, parsed by the {@code api.NetbootSetting} catalog) and the bridge to the MDBs.
 * Protocol rules live in the engine packages, never here.
 */
package io.rpideploy.netboot.ra;
