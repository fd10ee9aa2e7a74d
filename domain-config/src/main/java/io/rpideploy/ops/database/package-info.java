/** The server's SQLite database as the ops commands open, copy and check it, beside the running server. */
package io.rpideploy.ops.database;
