package io.tributary.api;

import jakarta.servlet.http.HttpServletRequest;

/**
 * Who an admin change is recorded as: the {@code actor} the request names (a person, a deploy job),
 * else {@code admin}, without control characters and at most 100 characters, with how the request
 * authenticated: {@code (API)} with the token, {@code (console)} in a console session.
 */
final class Actors {

    private static final int LONGEST = 100;

    private Actors() {
    }

    static String who(String actor, HttpServletRequest http) {
        String name = actor == null || actor.isBlank() ? "admin" : actor.strip().replaceAll("\\p{Cntrl}", "");
        if (name.length() > LONGEST) {
            name = name.substring(0, LONGEST);
        }
        return name + (http.getSession(false) != null ? " (console)" : " (API)");
    }
}
