/** Opening and closing imaging sessions, and which open session a board asking for its config is imaged for. */
package io.rpideploy.sessions.control;
