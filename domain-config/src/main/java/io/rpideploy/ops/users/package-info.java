/** {@code rpideploy reset-password}: console accounts changed on the server itself, as the application changes them. */
package io.rpideploy.ops.users;
