/** The boot of a bench of Pi 5 boards against the distribution, beside dnsmasq. */
package io.rpideploy.bench.boot;
