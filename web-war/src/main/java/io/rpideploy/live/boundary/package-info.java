/**
 * Live updates: the WebSocket that pushes what happens to the console as it happens: its REST resources, console
 * views, servlets and endpoints.
 */
package io.rpideploy.live.boundary;
