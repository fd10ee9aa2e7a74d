package io.rpideploy.bench.floor;

import jakarta.annotation.PostConstruct;
import jakarta.annotation.sql.DataSourceDefinition;
import jakarta.ejb.Singleton;
import jakarta.ejb.Startup;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;

/**
 * An EJB started with the application that reads through JPA, so that the persistence unit and its SQLite
 * connection are up before the application serves its first request, as in rpi-deploy. An in-memory database
 * shared by the pool's connections: the floor writes no file.
 */
@DataSourceDefinition(name = "java:app/jdbc/floor", className = "org.sqlite.SQLiteDataSource",
        url = "jdbc:sqlite:file:floor?mode=memory&cache=shared")
@Singleton
@Startup
public class Boot {

    @PersistenceContext
    EntityManager em;

    @PostConstruct
    void start() {
        em.find(Thing.class, 1L);
    }

    public long count() {
        return em.createQuery("select count(t) from Thing t", Long.class).getSingleResult();
    }
}
