# Where the CPU of a Tributary process goes, thread by thread and, on the request threads, layer by
# layer, from a JFR recording (the load benchmark's -Dbench.jfr=true, or -XX:StartFlightRecording=settings=profile):
#   jfr print --json --stack-depth 64 --events jdk.ExecutionSample tributary.jfr > samples.json
#   python3 src/test/resources/bench/layers.py samples.json [from-instant]
# --stack-depth matters: jfr print keeps 5 frames by default, too few to tell who called a library.
# from-instant (e.g. 2026-12-03T12:39:15) keeps the samples from then on. A request-thread sample counts
# for the known layer nearest the top of its stack (JDK frames count for their caller). The load
# benchmark runs the Camel bare route in the same process, in turns: to see Tributary alone, record
# a run of Tributary alone (docs/benchmarks.md, "Issue 18, second slice").
import collections, json, sys

data = json.load(open(sys.argv[1]))
since = sys.argv[2] if len(sys.argv) > 2 else ""
layers = [
    ("JSONata", ("com.api.jsonata4java", "org.antlr")),
    ("schema validation (networknt)", ("com.networknt",)),
    ("H2", ("org.h2.",)),
    ("Hazelcast", ("com.hazelcast",)),
    ("HMAC / crypto", ("javax.crypto", "com.sun.crypto", "sun.security")),
    ("Jackson", ("com.fasterxml.jackson",)),
    ("logging", ("ch.qos.logback", "org.slf4j")),
    ("Micrometer / tracing", ("io.micrometer", "io.opentelemetry")),
    ("Tributary's own code", ("io.tributary.",)),
    ("Camel", ("org.apache.camel",)),
    ("Tomcat", ("org.apache.catalina", "org.apache.coyote", "org.apache.tomcat")),
    ("Spring", ("org.springframework",)),
    ("HikariCP", ("com.zaxxer",)),
]


def layer(names):
    for name in names:
        for label, prefixes in layers:
            if name.startswith(prefixes):
                return label
    return "JDK and the rest"


def group(thread):
    if "journal" in thread:
        return "the journal's writer"
    if thread.startswith("hz."):
        return "Hazelcast's threads"
    if "http-nio" in thread:
        return "request threads"
    if thread.startswith("delivery-") or "seda://deliveries" in thread:
        return "delivery threads"
    return "other threads"


threads = collections.Counter()
request = collections.Counter()
for e in data["recording"]["events"]:
    values = e["values"]
    if values["startTime"] < since or not values.get("stackTrace"):
        continue
    g = group(values.get("sampledThread", {}).get("javaName", "") or "")
    threads[g] += 1
    if g == "request threads":
        request[layer([f["method"]["type"]["name"].replace("/", ".") for f in values["stackTrace"]["frames"]])] += 1
total = sum(threads.values())
print(total, "samples")
for k, v in threads.most_common():
    print(f"{100 * v / total:5.1f} %  {k}")
print("request threads, by layer:")
for k, v in request.most_common():
    print(f"{100 * v / sum(request.values()):5.1f} %  {k}")
