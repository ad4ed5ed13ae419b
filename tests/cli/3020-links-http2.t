#!/bin/sh
# HTTP/2 where offered: nginx (started here on 127.0.0.1 with a
# certificate made now with openssl) speaks h2 over TLS, and every request
# syndic-links makes there must arrive as HTTP/2.0 (nginx's access log
# says which), with the verdicts right.  Skipped when nginx or its HTTP/2
# module is missing.
. "$SY_TOP/tests/lib.sh"
K="$SY_BIN/syndic-links"
NGINX=$(command -v nginx || echo /usr/sbin/nginx)
if [ ! -x "$NGINX" ] || ! "$NGINX" -V 2>&1 | grep -q http_v2_module; then
	skip "nginx with HTTP/2 not installed"
	done_testing
	exit 0
fi
openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=127.0.0.1 \
    -addext subjectAltName=IP:127.0.0.1 -keyout "$T/key.pem" \
    -out "$T/cert.pem" >/dev/null 2>&1
port=$($PY -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()')
mkdir -p "$T/ng/logs"
cat >"$T/ng/nginx.conf" <<EOC
worker_processes 1;
pid $T/ng/nginx.pid;
error_log $T/ng/logs/error.log;
events { worker_connections 256; }
http {
	log_format proto '\$server_protocol \$request_method \$uri \$status';
	access_log $T/ng/logs/access.log proto;
	server {
		listen 127.0.0.1:$port ssl http2;
		ssl_certificate $T/cert.pem;
		ssl_certificate_key $T/key.pem;
		location /gone { return 410; }
		location / { default_type text/html; return 200 "<p id=\\"x\\">ok</p>"; }
	}
}
EOC
serve "$NGINX" -p "$T/ng" -c "$T/ng/nginx.conf" -g 'daemon off;'
tries=0
until curl -sk "https://127.0.0.1:$port/" >/dev/null 2>&1 ||
    [ $tries -ge 100 ]; do
	sleep 0.05
	tries=$((tries + 1))
done
: >"$T/ng/logs/access.log"
U="https://127.0.0.1:$port"
printf '%s\n' "$U/a" "$U/b" "$U/c#x" "$U/gone" >"$T/urls.txt"
check_exit "four links over HTTP/2: exit 1 (one is gone)" 1 $K --no-db \
    --allow-private --cacert "$T/cert.pem" "$T/urls.txt"
check_grep "the gone one is link-broken" "urls.txt:4:0: error: .*\[link-broken\]" \
    "$T/stdout"
check "the others are fine" sh -c "! grep -q 'urls.txt:[123]:' '$T/stdout'"
check "nginx saw requests" test -s "$T/ng/logs/access.log"
check "every request was HTTP/2.0" sh -c \
    "! grep -v '^HTTP/2.0 ' '$T/ng/logs/access.log' | grep -q ."
check_exit "without --cacert the self-signed certificate is refused" 1 \
    $K --no-db --allow-private "$T/urls.txt"
check_grep "as link-tls" "\[link-tls\]" "$T/stdout"
done_testing
