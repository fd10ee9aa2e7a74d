/**
 * The JCA shell around the protocol engines: lifecycle, endpoint activation and the bridge to the MDBs.
 * Protocol rules live in the engine packages, never here.
 */
package io.rpideploy.netboot.ra;
