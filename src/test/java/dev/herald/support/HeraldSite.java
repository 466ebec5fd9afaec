package dev.herald.support;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One site served by several Herald nodes (separate processes: the packaged jar, or the native executable) on one
 * Redis, standalone or a cluster: what the many-node tests start. Authentication is off; the node ttl is short.
 */
public final class HeraldSite implements AutoCloseable {

    private final List<ServerProcess> nodes = new ArrayList<>();
    private final List<String> args;

    private HeraldSite(List<String> args) {
        this.args = args;
    }

    /** {@code hosts} as quarkus.redis.hosts wants them; a cluster when it names several. */
    public static HeraldSite start(String name, String hosts, int count, String... extra) {
        List<String> args = new ArrayList<>(List.of("-Dherald.engine=redis", "-Dquarkus.redis.hosts=" + hosts,
                "-Dherald.auth.enabled=false", "-Dherald.cluster.node-ttl=3s", "-Dherald.delivery.presence-limit=500"));
        if (hosts.contains(",")) {
            args.add("-Dquarkus.redis.client-type=cluster");
        }
        args.addAll(List.of(extra));
        HeraldSite site = new HeraldSite(args);
        for (int i = 0; i < count; i++) {
            site.nodes.add(new ServerProcess(name + "-node" + i, args).start());
        }
        return site;
    }

    public ServerProcess node(int i) {
        return nodes.get(i);
    }

    public URI base(int i) {
        return nodes.get(i).base();
    }

    public int size() {
        return nodes.size();
    }

    /** One sample of a node's Prometheus scrape (name and labels as written there); 0 when absent. */
    public double metric(int node, String name, String labels) {
        try {
            String scrape = HttpClient.newHttpClient().send(HttpRequest.newBuilder(nodes.get(node).managementBase()
                    .resolve("q/metrics")).build(), HttpResponse.BodyHandlers.ofString()).body();
            Matcher m = Pattern.compile("(?m)^" + Pattern.quote(name) + "\\{" + Pattern.quote(labels) + ",?\\} ([0-9.E+-]+)$")
                    .matcher(scrape);
            return m.find() ? Double.parseDouble(m.group(1)) : 0;
        } catch (Exception e) {
            throw new AssertionError("no metrics from node " + node, e);
        }
    }

    /** The status of a node's readiness check (/q/health/ready on its management port). */
    public int readiness(int node) {
        try {
            return HttpClient.newHttpClient().send(HttpRequest.newBuilder(nodes.get(node).managementBase()
                    .resolve("q/health/ready")).build(), HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (Exception e) {
            throw new AssertionError("no readiness from node " + node, e);
        }
    }

    @Override
    public void close() {
        nodes.forEach(ServerProcess::close);
    }
}
