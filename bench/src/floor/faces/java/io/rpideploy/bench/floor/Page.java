package io.rpideploy.bench.floor;

import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Named;

/** The bean of the one Faces page. */
@Named
@RequestScoped
public class Page {

    public String getText() {
        return "floor";
    }
}
