#!/bin/sh
# certs.sh: the certificates the TLS tests use, made with the openssl
# command line as an operator would (README, "Securing the AI side").
#
#   tests/certs.sh DIR                  the standard set below, into DIR
#   tests/certs.sh DIR client NAME [ROLE]
#                                       one more client of the test CA,
#                                       with the Modbus role ROLE (none:
#                                       no role extension)
#
# The standard set, each NAME.pem with NAME.key:
#   ca            the CA the gateway trusts (client_ca)
#   other-ca      a CA it does not trust
#   server        the gateway: CN=localhost, 127.0.0.1 and ::1
#   client-ai, client-hmi, client-historian
#                 clients whose role extension says ai, hmi, historian
#   client-norole a client without the role extension
#   client-badrole  a role extension that is an INTEGER, not a UTF8String
#   client-expired  expired a day before it was made
#   client-revoked  listed in crl.pem
#   client-untrusted  signed by other-ca, role ai
# and crl.pem, the CA's CRL (client-revoked in it).
#
# The Modbus/TCP Security role extension: OID 1.3.6.1.4.1.50316.802.1,
# one UTF8String.
set -eu

ROLE_OID=1.3.6.1.4.1.50316.802.1

if [ $# -lt 1 ]; then
	echo "usage: $0 DIR [client NAME [ROLE]]" >&2
	exit 2
fi
dir=$1
shift
mkdir -p "$dir"
cd "$dir"

# openssl ca keeps a database; it is what gives past dates (an expired
# certificate) and the CRL.
ca_conf() {
	name=$1
	mkdir -p "$name.db"
	[ -f "$name.db/index.txt" ] || : >"$name.db/index.txt"
	[ -f "$name.db/crlnumber" ] || echo 01 >"$name.db/crlnumber"
	cat >"$name.cnf" <<EOF
[ca]
default_ca = ca_default
[ca_default]
dir = $name.db
database = \$dir/index.txt
new_certs_dir = \$dir
certificate = $name.pem
private_key = $name.key
crlnumber = \$dir/crlnumber
rand_serial = yes
default_md = sha256
default_days = 30
default_crl_days = 30
policy = policy_any
unique_subject = no
copy_extensions = none
[policy_any]
commonName = supplied
organizationName = optional
[req]
distinguished_name = dn
prompt = no
[dn]
CN = unused
[v3_server]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature, keyEncipherment
extendedKeyUsage = serverAuth
subjectAltName = DNS:localhost, IP:127.0.0.1, IP:::1
[v3_client]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature, keyEncipherment
extendedKeyUsage = clientAuth
[v3_client_role]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature, keyEncipherment
extendedKeyUsage = clientAuth
$ROLE_OID = ASN1:UTF8String:\${ENV::CERT_ROLE}
[v3_client_badrole]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature, keyEncipherment
extendedKeyUsage = clientAuth
$ROLE_OID = ASN1:INTEGER:5
EOF
}

make_ca() {
	name=$1 cn=$2
	openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
	    -keyout "$name.key" -out "$name.pem" -days 30 \
	    -subj "/O=Modbus Warden tests/CN=$cn" \
	    -addext "basicConstraints=critical,CA:TRUE" \
	    -addext "keyUsage=critical,keyCertSign,cRLSign" 2>/dev/null
	ca_conf "$name"
}

# sign CA NAME CN EXTENSIONS [openssl ca options]
sign() {
	ca=$1 name=$2 cn=$3 ext=$4
	shift 4
	openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
	    -keyout "$name.key" -out "$name.csr" \
	    -subj "/O=Modbus Warden tests/CN=$cn" 2>/dev/null
	openssl ca -batch -config "$ca.cnf" -extensions "$ext" \
	    -in "$name.csr" -out "$name.pem" -notext "$@" 2>/dev/null
	rm -f "$name.csr"
}

client() {
	name=$1 role=${2:-none}
	if [ "$role" = none ]; then
		sign ca "client-$name" "$name" v3_client
	else
		CERT_ROLE=$role sign ca "client-$name" "$name" v3_client_role
	fi
}

if [ $# -ge 1 ]; then
	[ "$1" = client ] && [ $# -ge 2 ] || {
		echo "usage: $0 DIR [client NAME [ROLE]]" >&2
		exit 2
	}
	client "$2" "${3:-none}"
	exit 0
fi

export CERT_ROLE=unused
make_ca ca "Warden Test CA"
make_ca other-ca "Untrusted CA"
sign ca server localhost v3_server
client ai ai
client hmi hmi
client historian historian
client norole none
sign ca client-badrole badrole v3_client_badrole
sign ca client-expired expired v3_client_role \
    -startdate 20200101000000Z -enddate "$(date -u -d yesterday +%Y%m%d%H%M%SZ)"
client revoked ai
CERT_ROLE=ai sign other-ca client-untrusted untrusted v3_client_role
openssl ca -batch -config ca.cnf -revoke client-revoked.pem 2>/dev/null
openssl ca -batch -config ca.cnf -gencrl -out crl.pem 2>/dev/null
