package io.rpideploy.images.control;

import jakarta.ejb.ConcurrencyManagement;
import jakarta.ejb.ConcurrencyManagementType;
import jakarta.ejb.Schedule;
import jakarta.ejb.Singleton;
import jakarta.ejb.TransactionAttribute;
import jakarta.ejb.TransactionAttributeType;
import jakarta.inject.Inject;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Looks every ten minutes for images whose last full hash is older than rpideploy.images.verify-interval-hours and
 * hashes them in the background (one at a time). Non-persistent: a round missed while the server was down is the
 * next one.
 */
@Singleton
@ConcurrencyManagement(ConcurrencyManagementType.BEAN)
@TransactionAttribute(TransactionAttributeType.NOT_SUPPORTED)
public class ImageVerificationTimer {

    private static final Logger LOG = Logger.getLogger(ImageVerificationTimer.class.getName());

    @Inject
    ImageIntegrity integrity;

    @Schedule(hour = "*", minute = "*/10", persistent = false)
    void round() {
        try {
            integrity.verifyDue();
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "image verification round not started; the next one retries", e);
        }
    }
}
