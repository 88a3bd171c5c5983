package io.github.puipui.fetch;

import java.net.InetSocketAddress;
import java.net.Proxy;
import java.net.ProxySelector;
import java.net.SocketAddress;
import java.net.URI;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * An HTTP proxy as Maven's settings.xml describes it: host, port, optional credentials and the
 * {@code nonProxyHosts} list ({@code |}-separated, {@code *} wildcards).
 */
public record ProxyConfig(String host, int port, String username, String password, String nonProxyHosts) {

    public boolean bypasses(String targetHost) {
        if (nonProxyHosts == null || nonProxyHosts.isBlank() || targetHost == null) {
            return false;
        }
        String h = targetHost.toLowerCase(Locale.ROOT);
        for (String pattern : nonProxyHosts.split("[|,]")) {
            String p = pattern.trim().toLowerCase(Locale.ROOT);
            if (!p.isEmpty() && Pattern.matches(("\\Q" + p + "\\E").replace("*", "\\E.*\\Q"), h)) {
                return true;
            }
        }
        return false;
    }

    ProxySelector selector() {
        Proxy proxy = new Proxy(Proxy.Type.HTTP, new InetSocketAddress(host, port));
        return new ProxySelector() {
            @Override
            public List<Proxy> select(URI uri) {
                return List.of(bypasses(uri.getHost()) ? Proxy.NO_PROXY : proxy);
            }

            @Override
            public void connectFailed(URI uri, SocketAddress sa, java.io.IOException ioe) {
            }
        };
    }
}
