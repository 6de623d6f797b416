# contrib: build fragment, included from the top Makefile.am (paths from the top).

# Packages, the demo, and the Postfix/Sendmail attachment snippets.
EXTRA_DIST += contrib/install-deps.sh contrib/demo/run-demo.sh \
	contrib/postfix/main.cf.example contrib/sendmail/bounceguard.mc

# store: Postfix enforcement over the suppression store, without the milter
EXTRA_DIST += contrib/postfix/bounceguard-sqlite.cf \
	contrib/postfix/bounceguard-pgsql.cf

# metrics: Grafana dashboard and Prometheus alert rules on bounceguard's
# metric names (bounceguard.conf(5), Metrics)
EXTRA_DIST += contrib/grafana/bounceguard.json \
	contrib/prometheus/bounceguard.rules.yml
