/** Live updates: the WebSocket that pushes what happens to the console as it happens: its rules and services. */
package io.rpideploy.live.control;
