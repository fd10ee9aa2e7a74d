package io.rpideploy.platform.control;

import jakarta.interceptor.InterceptorBinding;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a method whose transaction writes to the database. SQLite has one writer at a time; such methods queue
 * in arrival order in the JVM (around the whole transaction, commit included) instead of racing for the file lock
 * and failing with SQLITE_BUSY. Put it beside {@code @Transactional}: its interceptor runs outside the transaction.
 */
@Inherited
@InterceptorBinding
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.METHOD, ElementType.TYPE})
public @interface SerializedWrite {
}
