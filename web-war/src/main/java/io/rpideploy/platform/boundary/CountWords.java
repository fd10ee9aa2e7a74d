package io.rpideploy.platform.boundary;

import io.rpideploy.platform.control.Counts;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Named;

/** {@link Counts} for the console's pages: {@code #{counts.of(n, 'board')}}, {@code #{counts.noun(n, 'board')}}. */
@Named("counts")
@ApplicationScoped
public class CountWords {

    public String of(long count, String singular) {
        return Counts.of(count, singular);
    }

    public String noun(long count, String singular) {
        return Counts.noun(count, singular);
    }
}
