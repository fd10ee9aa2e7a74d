/**
 * The questions the protocol engines ask the application ("what do I answer this client?", "which bytes is this
 * path?", "make these leases durable") and what they tell it. Plain Java: no {@code jakarta.*} imports, so the
 * engines run and are tested without an application server; the resource adapter bridges these to the MDBs.
 */
package io.rpideploy.netboot.policy;
