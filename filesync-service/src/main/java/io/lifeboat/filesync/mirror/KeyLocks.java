package io.lifeboat.filesync.mirror;

import java.util.concurrent.locks.ReentrantLock;

/**
 * One key is handled by one worker at a time, over both links: the two directions of a conflicting write must see
 * each other's result, not race. Striped, so memory stays fixed whatever the number of keys; a thread only ever
 * holds one stripe, so there is no deadlock.
 */
final class KeyLocks {

    private final ReentrantLock[] stripes;

    KeyLocks(int count) {
        stripes = new ReentrantLock[count];
        for (int i = 0; i < count; i++) {
            stripes[i] = new ReentrantLock();
        }
    }

    ReentrantLock of(String key) {
        return stripes[Math.floorMod(key.hashCode(), stripes.length)];
    }
}
