/** What an alert stores: its kind, what it is about, and who acknowledged it when. */
package io.rpideploy.alerts.entity;
