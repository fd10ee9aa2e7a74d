/** Venues: the sites whose boards are imaged, each with a 4-character code: its JPA entities and value types. */
package io.rpideploy.venues.entity;
