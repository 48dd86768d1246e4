package io.lifeboat.events;

public enum SiteRole {
    ACTIVE,
    STANDBY
}
