package io.tributary.api;

import jakarta.servlet.http.HttpServletRequest;
import java.util.Map;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.stereotype.Controller;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseBody;

/**
 * The console's door: a login form that takes the admin token and starts a {@link ConsoleSession},
 * the session's CSRF token for the console's own pages, and logout. The pages are static files under
 * {@code /console/} (no build step); {@link ConsoleFilter} keeps them behind the login.
 */
@Controller
class ConsoleController {

    private final AdminCredential credential;

    ConsoleController(AdminCredential credential) {
        this.credential = credential;
    }

    @GetMapping({"/console", "/console/"})
    String console(HttpServletRequest request) {
        return ConsoleSession.loggedIn(request) ? "forward:/console/index.html" : "redirect:/console/login";
    }

    @GetMapping("/console/login")
    String loginForm() {
        return "forward:/console/login.html";
    }

    /** The token from the form: right, a new session and the console; wrong, the form again (nothing says how it was wrong). */
    @PostMapping(path = "/console/login", consumes = MediaType.APPLICATION_FORM_URLENCODED_VALUE)
    String login(@RequestParam(name = "token", required = false) String token, HttpServletRequest request) {
        if (!credential.matches(token == null ? "" : token.trim())) {
            return "redirect:/console/login?failed";
        }
        ConsoleSession.start(request);
        return "redirect:/console/";
    }

    /** For the console's scripts: the CSRF token every change they make carries. Same origin only can read it. */
    @GetMapping(path = "/console/session", produces = MediaType.APPLICATION_JSON_VALUE)
    @ResponseBody
    ResponseEntity<Map<String, String>> session(HttpServletRequest request) {
        String csrf = ConsoleSession.csrf(request);
        return csrf == null ? ResponseEntity.status(HttpStatus.UNAUTHORIZED).build()
                : ResponseEntity.ok().header("Cache-Control", "no-store").body(Map.of("csrf", csrf));
    }

    @PostMapping("/console/logout")
    ResponseEntity<Void> logout(HttpServletRequest request) {
        if (!ConsoleSession.admits(request)) {
            return ResponseEntity.status(HttpStatus.FORBIDDEN).build();
        }
        ConsoleSession.end(request);
        return ResponseEntity.noContent().build();
    }
}
