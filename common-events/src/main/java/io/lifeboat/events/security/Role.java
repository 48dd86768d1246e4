package io.lifeboat.events.security;

/** The two roles of the operator API. An operator may also do what a viewer may. */
public enum Role {
    VIEWER,
    OPERATOR;

    public boolean allows(Role required) {
        return this == OPERATOR || required == VIEWER;
    }

    public String label() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
