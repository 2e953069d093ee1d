#!/usr/bin/env python3
"""Known-answer vector for EciesP256Seal (crypto/public/ecies.h), computed
independently of ledgerseal with python3's `cryptography` package (v48).

crypto/ecies_test.cc, EciesKnownAnswerTest, pins the bytes this prints.
Rerun it after any change to the construction and update the test only if
the change is intended:

    python3 crypto/testing/ecies_kat.py

Construction ("ledgerseal ecies p256 v1"):
  Z    = ECDH(ephemeral private key, recipient public key)   # 32-byte x-coordinate
  info = b"ledgerseal ecies p256 v1"                         # no length prefix
         || item(ephemeral public key, uncompressed SEC 1, 65 bytes)
         || item(recipient SubjectPublicKeyInfo DER, 91 bytes)
         || item(caller's info)
         where item(b) = len(b) as u32 big-endian || b   (base/canonical_items.h)
  K    = HKDF-SHA256(ikm = Z, salt = empty, info = info, L = 32)
  out  = ephemeral point (65) || IV (12) || AES-256-GCM(K, IV, plaintext,
         aad = caller's info) ciphertext (len(plaintext)) || tag (16)
"""
import struct

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

LABEL = b"ledgerseal ecies p256 v1"

# PKCS#8 PrivateKeyInfo of P-256 keys with d = 2 and d = 3 (no public key
# field; the importer computes it). Same hex as in ecies_test.cc.
PKCS8_PREFIX = bytes.fromhex(
    "3041020100301306072a8648ce3d020106082a8648ce3d030107042730250201010420")
RECIPIENT_PKCS8 = PKCS8_PREFIX + bytes(31) + b"\x02"
EPHEMERAL_PKCS8 = PKCS8_PREFIX + bytes(31) + b"\x03"

IV = bytes(range(12))  # 000102030405060708090a0b
PLAINTEXT = b"ledgerseal ecies p256 known answer"
INFO = b"recovery key share, node n1"


def item(b: bytes) -> bytes:
    return struct.pack(">I", len(b)) + b


def load(der: bytes, d: int) -> ec.EllipticCurvePrivateKey:
    key = serialization.load_der_private_key(der, password=None)
    assert isinstance(key, ec.EllipticCurvePrivateKey)
    assert isinstance(key.curve, ec.SECP256R1)
    assert key.private_numbers().private_value == d
    return key


def main() -> None:
    recipient = load(RECIPIENT_PKCS8, 2)
    ephemeral = load(EPHEMERAL_PKCS8, 3)

    recipient_spki = recipient.public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
    ephemeral_point = ephemeral.public_key().public_bytes(
        serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint)
    assert len(recipient_spki) == 91 and len(ephemeral_point) == 65

    shared = ephemeral.exchange(ec.ECDH(), recipient.public_key())
    assert shared == recipient.exchange(ec.ECDH(), ephemeral.public_key())
    hkdf_info = LABEL + item(ephemeral_point) + item(recipient_spki) + item(INFO)
    key = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=hkdf_info).derive(shared)
    ciphertext_and_tag = AESGCM(key).encrypt(IV, PLAINTEXT, INFO)
    sealed = ephemeral_point + IV + ciphertext_and_tag
    assert len(sealed) == 65 + 12 + len(PLAINTEXT) + 16

    print("recipient_spki =", recipient_spki.hex())
    print("ephemeral_point =", ephemeral_point.hex())
    print("shared_secret =", shared.hex())
    print("hkdf_info =", hkdf_info.hex())
    print("aes_key =", key.hex())
    print("plaintext =", PLAINTEXT.hex())
    print("info =", INFO.hex())
    print("sealed =", sealed.hex())


if __name__ == "__main__":
    main()
