vcl 4.1;

# Varnish in front of the gateway, keeping the anonymous GET answers the gateway marks public, and
# dropping them by tag when the gateway says what changed (its Surrogate-Key header, and its
# `PURGE /` requests carrying `xkey-purge: <tags>`; src/cache/edgePurge.ts). Needs the xkey module
# of varnish-modules. See README.md beside this file.

import std;
import xkey;

# The gateway. Change the address here, or load the VCL with -p vcl_path and a copy of your own.
backend gateway {
  .host = "127.0.0.1";
  .port = "4000";
}

# Who may purge: the gateway processes.
acl purgers {
  "127.0.0.1";
  "::1";
}

sub vcl_recv {
  if (req.method == "PURGE") {
    if (client.ip !~ purgers) {
      return (synth(403, "purging is for the gateway"));
    }
    if (!req.http.xkey-purge) {
      return (synth(400, "send the tags to purge in xkey-purge"));
    }
    set req.http.x-purged = xkey.purge(req.http.xkey-purge);
    return (synth(200, "purged " + req.http.x-purged));
  }
  # Only anonymous GETs of /graphql are kept: a key holder sees scheduled articles, and a POST is
  # never a cache's to answer.
  if ((req.method != "GET" && req.method != "HEAD") || req.http.Authorization || req.url !~ "^/graphql\?") {
    return (pass);
  }
  unset req.http.Cookie;
  return (hash);
}

sub vcl_hash {
  hash_data(req.url);
  # The Accept header picks the answer's content type.
  hash_data(req.http.Accept);
  return (lookup);
}

sub vcl_backend_response {
  # xkey indexes an object by the keys in its `xkey` header.
  if (beresp.http.Surrogate-Key) {
    set beresp.http.xkey = beresp.http.Surrogate-Key;
  }
  # The gateway purges this edge, so it lets it keep answers longer than browsers may
  # (CDN-Cache-Control, RFC 9213: EDGE_MAX_AGE); Cache-Control's max-age stays the browsers'.
  if (beresp.http.CDN-Cache-Control ~ "max-age=[0-9]+") {
    set beresp.ttl = std.duration(regsub(beresp.http.CDN-Cache-Control, "^.*max-age=([0-9]+).*$", "\1s"), beresp.ttl);
  }
}

sub vcl_deliver {
  unset resp.http.xkey;
  # Meant for this edge only: a cache behind it (a browser, a proxy) is never purged.
  unset resp.http.CDN-Cache-Control;
  if (obj.hits > 0) {
    set resp.http.x-edge = "hit";
  } else {
    set resp.http.x-edge = "miss";
  }
}
