/** {@code /api/sessions} and the console's Sessions page. */
package io.rpideploy.sessions.boundary;
