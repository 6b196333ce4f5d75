# Where the CPU of the load benchmark's Tributary process goes, layer by layer, from its JFR recording:
#   java -Dbench.jfr=true ... io.tributary.bench.LoadBenchmark
#   jfr print --json --events jdk.ExecutionSample target/benchmarks/tributary.jfr > samples.json
#   python3 src/test/resources/bench/layers.py samples.json [from-instant]
# Each sample counts for the first layer found anywhere in its stack, in the order below (a library
# before the code that calls it); from-instant (e.g. 2026-12-03T12:39:15) keeps the measured phases only.
import json, sys, collections
data = json.load(open(sys.argv[1]))
events = [e for e in data["recording"]["events"] if len(sys.argv) < 3 or e["values"]["startTime"] >= sys.argv[2]]
cats = [
 ("JSONata (mapping, filters)", ("com.api.jsonata4java",)),
 ("schema validation (networknt)", ("com.networknt",)),
 ("H2 (journal commits, queries)", ("org.h2.",)),
 ("Hazelcast", ("com.hazelcast",)),
 ("HMAC / crypto (signature check)", ("javax.crypto", "com.sun.crypto", "sun.security")),
 ("Jackson (parse, serialize)", ("com.fasterxml.jackson",)),
 ("logging", ("ch.qos.logback", "org.slf4j")),
 ("Micrometer / tracing (metrics, observations, spans)", ("io.micrometer", "io.opentelemetry")),
]
def layer(frames):
    names = [f["method"]["type"]["name"].replace("/", ".") for f in frames]
    for label, prefixes in cats:
        for n in names:
            if n.startswith(prefixes):
                return label
    for n in names:
        if n.startswith("io.tributary."):
            return "Tributary's own code: " + n.split(".")[2]
    for n in names:
        if n.startswith("org.apache.camel"):
            return "Camel (exchange, routing)"
    for n in names:
        if n.startswith(("org.apache.catalina", "org.apache.coyote", "org.apache.tomcat")):
            return "Tomcat (HTTP, servlet)"
    for n in names:
        if n.startswith("org.springframework"):
            return "Spring (filters, MVC)"
    return "other: " + (names[0] if names else "?")
count = collections.Counter(); thread = collections.Counter()
for e in events:
    st = e["values"].get("stackTrace")
    if not st: continue
    t = e["values"].get("sampledThread", {}).get("javaName", "") or ""
    frames = st["frames"]
    count[layer(frames)] += 1
total = sum(count.values())
for k, v in count.most_common(25):
    print(f"{100*v/total:5.1f} %  {k}")
print(total, "samples")
