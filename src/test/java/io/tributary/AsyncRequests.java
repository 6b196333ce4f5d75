package io.tributary;

import org.apache.catalina.Container;
import org.apache.catalina.core.StandardContext;
import org.springframework.boot.web.embedded.tomcat.TomcatWebServer;
import org.springframework.boot.web.context.WebServerApplicationContext;

/** What Tomcat knows of the asynchronous requests of a running application. */
public final class AsyncRequests {

    private AsyncRequests() {
    }

    /**
     * The asynchronous requests Tomcat counts as not done yet: what Spring Boot's graceful shutdown
     * waits for, up to its timeout.
     */
    public static int inProgress(WebServerApplicationContext application) {
        int count = 0;
        for (Container context : ((TomcatWebServer) application.getWebServer()).getTomcat().getHost().findChildren()) {
            count += ((StandardContext) context).getInProgressAsyncCount();
        }
        return count;
    }
}
