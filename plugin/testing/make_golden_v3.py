#!/usr/bin/env python3
"""Writes the format 3 golden record of plugin/sealing/golden_record_test.cc.

An independent implementation of docs/FORMAT.md and docs/SERVICE_IDENTITY.md
§3-§4 (Python `cryptography`, protobuf encoded by hand), NOT run by the
build: it was run once and its output checked in as constants, so that the
reference implementation must keep unsealing what another implementation of
the documents wrote. TEST KEYS ONLY.

The record: a `sealing.shares` value (SignedSealedShares, format 3) for
sealing identity "node-0" / node id "n0" on the test fake platform of
machine "m0" (plugin/testing/fake_derived_key_provider.h) with the default
derivation request, a fresh P-256 (ECIES) recovery key bound to the service
identity of P-256 private key 1, signed by that key (ECDSA nonces are random:
rerunning gives other bytes, all equally valid). ECIES follows
crypto/public/ecies.h ("ledgerseal ecies p256 v1").

    python3 plugin/testing/make_golden_v3.py
"""

import hashlib
import os
import struct

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

COMMITTED_TCB = 0x0300000000001234  # testing::kTestCommittedTcb
FIELD_SELECT = 0x28  # measurement + TCB version
VERSION = 0x0102030405060708
SECRET = bytes(range(0xA0, 0xC0))


# --- protobuf, by hand ----------------------------------------------------------

def varint(n):
    out = bytearray()
    while True:
        b = n & 0x7F
        n >>= 7
        if n:
            out.append(b | 0x80)
        else:
            out.append(b)
            return bytes(out)


def f_varint(number, value):
    return varint(number << 3) + varint(value) if value else b""


def f_bytes(number, value):
    return varint((number << 3) | 2) + varint(len(value)) + value if value else b""


# --- FORMAT.md §4: items ----------------------------------------------------------

def item(b):
    return struct.pack(">I", len(b)) + b


def u32(n):
    return item(struct.pack(">I", n))


def u64(n):
    return item(struct.pack(">Q", n))


def hkdf(ikm, info, length):
    return HKDF(algorithm=hashes.SHA256(), length=length, salt=None, info=info).derive(ikm)


# --- the fake platform of machine "m0" ---------------------------------------------

def derived_key():
    info = b"fake derived key" + b"".join(struct.pack(">Q", v) for v in (0, FIELD_SELECT, 0, 0, COMMITTED_TCB))
    return hkdf(b"machine secret of m0", info, 32)


def ecies_seal(recipient_spki, recipient_public, plaintext, info):
    e = ec.generate_private_key(ec.SECP256R1())
    e_point = e.public_key().public_bytes(serialization.Encoding.X962,
                                          serialization.PublicFormat.UncompressedPoint)
    z = e.exchange(ec.ECDH(), recipient_public)
    k = hkdf(z, b"ledgerseal ecies p256 v1" + item(e_point) + item(recipient_spki) + item(info), 32)
    iv = os.urandom(12)
    return e_point + iv + AESGCM(k).encrypt(iv, plaintext, info)


def main():
    dk = derived_key()
    sealing_key = hkdf(dk, b"ledgerseal local sealing key v1", 32)
    key_id = hkdf(dk, b"ledgerseal sealing key id v1", 16)

    service_key = ec.derive_private_key(1, ec.SECP256R1())
    spki = service_key.public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
    service_id = hashlib.sha256(spki).hexdigest()[:32]
    assert service_id == "5cd252fb0ce8932436faf8ccd1040981"

    rk = ec.generate_private_key(ec.SECP256R1())
    rk_public = rk.public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
    assert len(rk_public) == 91
    pkcs8 = rk.private_bytes(serialization.Encoding.DER, serialization.PrivateFormat.PKCS8,
                                  serialization.NoEncryption())

    # SealedRecoveryKey v3 (FORMAT.md §5.3, SERVICE_IDENTITY.md §3).
    p = u32(1) + item(b"virtual") + u32(0) + u64(FIELD_SELECT) + u32(0) + u32(0) + u64(COMMITTED_TCB)
    aad_rk2 = (item(b"ledgerseal sealed recovery key v3") + item(rk_public) + item(b"node-0") + item(b"n0")
               + item(p) + item(key_id) + u32(2) + item(spki))
    iv = os.urandom(12)
    sealed = AESGCM(sealing_key).encrypt(iv, pkcs8, aad_rk2)
    derivation = (f_varint(1, 1) + f_bytes(2, b"virtual") + f_varint(4, FIELD_SELECT)
                  + f_varint(7, COMMITTED_TCB))
    blob = f_bytes(1, iv) + f_bytes(2, sealed[:-16]) + f_bytes(3, sealed[-16:])
    recovery_key = (f_varint(1, 3) + f_bytes(2, b"node-0") + f_bytes(3, b"n0") + f_bytes(4, rk_public)
                    + f_bytes(5, derivation) + f_bytes(6, key_id) + f_bytes(7, blob) + f_varint(8, 2)
                    + f_bytes(9, spki))

    # SealedShares body v3 (FORMAT.md §5.4).
    wrapping_key = os.urandom(32)
    aad_ls = item(b"ledgerseal wrapped ledger secret v1") + item(service_id.encode()) + u64(VERSION)
    secret_iv = os.urandom(12)
    wrapped = AESGCM(wrapping_key).encrypt(secret_iv, SECRET, aad_ls)
    label = (item(b"ledgerseal wrapping key v1") + item(b"node-0") + item(b"n0") + item(service_id.encode())
             + u64(VERSION))
    encrypted_wk = ecies_seal(rk_public, rk.public_key(), wrapping_key, label)
    assert len(encrypted_wk) == 125
    share = f_bytes(1, b"node-0") + f_bytes(2, b"n0") + f_bytes(3, encrypted_wk) + f_bytes(4, recovery_key)
    body = (f_varint(1, 3) + f_bytes(2, service_id.encode()) + f_varint(3, VERSION)
            + f_bytes(4, f_bytes(1, secret_iv) + f_bytes(2, wrapped[:-16]) + f_bytes(3, wrapped[-16:]))
            + f_bytes(5, share))

    # The signature (SERVICE_IDENTITY.md §4.1) and the envelope (§4.2).
    message = item(b"ledgerseal sealed shares v2") + item(hashlib.sha256(spki).digest()) + item(body)
    signature = service_key.sign(message, ec.ECDSA(hashes.SHA256()))
    envelope = f_varint(1, 3) + f_bytes(2, body) + f_varint(3, 2) + f_bytes(4, spki) + f_bytes(5, signature)

    hex_value = envelope.hex()
    print("constexpr char kGoldenV3Hex[] =")
    for i in range(0, len(hex_value), 92):
        print('    "%s"' % hex_value[i:i + 92])
    print(";")


if __name__ == "__main__":
    main()
