/** JSON over HTTP, the installer's one way of talking to the deployment server: a strict JSON reader and writer, and POST with a timeout. */
package io.rpideploy.installer.http;
