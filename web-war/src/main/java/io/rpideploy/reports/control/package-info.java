/** Reports: deployment figures per day, venue and product: its rules and services. */
package io.rpideploy.reports.control;
