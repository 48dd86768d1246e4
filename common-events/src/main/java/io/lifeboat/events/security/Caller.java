package io.lifeboat.events.security;

import jakarta.enterprise.context.RequestScoped;

/**
 * Who is calling, as the filter established it: a name for the audit trail (the {@code X-Lifeboat-Actor} header the
 * CLI fills with the user's login, plus the token's fingerprint, never the token) and the role.
 */
@RequestScoped
public class Caller {

    private String actor = "anonymous";
    private Role role;

    void set(String actor, Role role) {
        this.actor = actor;
        this.role = role;
    }

    public String actor() {
        return actor;
    }

    public String role() {
        return role == null ? null : role.label();
    }
}
