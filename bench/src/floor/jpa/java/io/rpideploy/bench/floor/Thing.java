package io.rpideploy.bench.floor;

import jakarta.persistence.Entity;
import jakarta.persistence.Id;

/** One JPA entity. */
@Entity
public class Thing {
    @Id
    public Long id;
    public String name;
}
