/** Venues: the sites whose boards are imaged, each with a 4-character code: its rules and services. */
package io.rpideploy.venues.control;
