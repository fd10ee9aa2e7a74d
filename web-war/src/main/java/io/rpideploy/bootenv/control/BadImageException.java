package io.rpideploy.bootenv.control;

/** The image cannot give a Pi 5 boot environment; the message is meant for the operator who uploaded it. */
public final class BadImageException extends Exception {

    public BadImageException(String message) {
        super(message);
    }

    public BadImageException(String message, Throwable cause) {
        super(message, cause);
    }
}
