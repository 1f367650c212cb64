"""The agency's digital signature on a letter: a PAdES baseline (B-B) certification signature
made with pyHanko, which forbids any change to the document after signing."""

import asyncio
import concurrent.futures
import functools
import io
import os

from asn1crypto import algos, cms, tsp
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric.padding import PKCS1v15
from cryptography.hazmat.primitives.asymmetric.rsa import RSAPrivateKey
from django.conf import settings
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.sign import attributes, signers
from pyhanko.sign.fields import MDPPerm, SigSeedSubFilter
from pyhanko.sign.signers.pdf_cms import SignedAttributeProviderSpec

from .keys import SigningKeyUnavailable, signing_files

SIGNATURE_FIELD = "AgencySignature"
# Room for the CMS blob (a 3072-bit RSA signature and the certificate): reserving it up front
# spares pyHanko a dummy signature to estimate the size, which would double the signing cost.
SIGNATURE_BYTES_RESERVED = 8192


def letter_sign(pdf: bytes) -> bytes:
    """The letter's PDF with the agency's signature appended as an incremental update.
    Raises SigningKeyUnavailable when the key or certificate cannot be read."""
    signer = _signer(*_files_version())
    meta = signers.PdfSignatureMetadata(
        field_name=SIGNATURE_FIELD,
        subfilter=SigSeedSubFilter.PADES,
        md_algorithm="sha256",
        certify=True,
        docmdp_permissions=MDPPerm.NO_CHANGES,
        name=settings.AGENCY_NAME,
        reason="Assessment issued by " + settings.AGENCY_NAME,
        location="Toronto, Ontario, Canada",
        contact_info=settings.SITE_URL + "/verify/",
    )
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf))
    pdf_signer = signers.PdfSigner(meta, signer=signer)
    output = outside_event_loop(pdf_signer.sign_pdf, writer, bytes_reserved=SIGNATURE_BYTES_RESERVED)
    return output.getvalue()


def outside_event_loop(function, *args, **kwargs):
    """Call one of pyHanko's synchronous functions. They run their own event loop
    (asyncio.run), which fails inside a running one (an ASGI view, an async test), so there
    the call goes to a short-lived thread instead."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return function(*args, **kwargs)
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(function, *args, **kwargs).result()


def _files_version():
    files = signing_files()
    try:
        key_stat, cert_stat = os.stat(files.key), os.stat(files.certificate)
    except OSError as exc:
        raise SigningKeyUnavailable("cannot read the signing key or certificate: %s" % exc) from exc
    # A replaced key file (rotation) has a new mtime, so the cached signer is dropped.
    return str(files.key), str(files.certificate), key_stat.st_mtime_ns, cert_stat.st_mtime_ns


class AgencySigner(signers.SimpleSigner):
    """pyHanko's SimpleSigner, keeping what does not change from one letter to the next
    (profiled with benchmarks/letters.py; the three together are most of signing's cost):

    - the parsed private key: SimpleSigner parses the key again for every signature, and
      parsing checks an RSA key's primes (a quarter of a second for 3072 bits);
    - the CMS parts that depend on the certificate alone, the signer identifier (issuer and
      serial number) and the ESS signing-certificate-v2 attribute (the certificate's hash):
      asn1crypto rebuilds and re-encodes the issuer's name for each; kept as DER and loaded
      back (a lazy parse that dumps the same bytes);
    - the certificate once in the CMS: with `embed_roots` the self-signed certificate went in
      from the registry and again as the signer's."""

    def __init__(self, **kwargs):
        super().__init__(embed_roots=False, **kwargs)
        self._private_key = serialization.load_der_private_key(self.signing_key.dump(), password=None)
        certificate = self.signing_cert
        self._sid_der = cms.SignerIdentifier({
            "issuer_and_serial_number": cms.IssuerAndSerialNumber(
                {"issuer": certificate.issuer, "serial_number": certificate.serial_number}
            )
        }).dump()
        self.signed_attr_prov_spec = _PadesSignedAttributes(
            attributes.as_signing_certificate_v2(certificate).dump()
        )

    def sign_raw(self, data: bytes, digest_algorithm: str) -> bytes:
        mechanism = self.get_signature_mechanism_for_digest(digest_algorithm).signature_algo
        if mechanism == "rsassa_pkcs1v15" and isinstance(self._private_key, RSAPrivateKey):
            return self._private_key.sign(data, PKCS1v15(), _HASHES[digest_algorithm]())
        return super().sign_raw(data, digest_algorithm)

    def signer_info(self, digest_algorithm: str, signed_attrs, signature):
        if digest_algorithm == "shake256":  # its RFC 8419 parameters: pyHanko's own way
            return super().signer_info(digest_algorithm, signed_attrs, signature)
        return cms.SignerInfo({
            "version": "v1",
            "sid": cms.SignerIdentifier.load(self._sid_der),
            "digest_algorithm": algos.DigestAlgorithm({"algorithm": digest_algorithm}),
            "signature_algorithm": self.get_signature_mechanism_for_digest(digest_algorithm),
            "signed_attrs": signed_attrs,
            "signature": signature,
        })


class _PadesSignedAttributes(SignedAttributeProviderSpec):
    """The signed attributes of a PAdES signature (pyHanko's CAdES spec with is_pades and no
    CAdES extras, as letter_sign asks): the signing-certificate-v2 attribute alone, its value
    kept as DER. PAdES forbids a signing-time attribute; the time is the signature
    dictionary's /M."""

    def __init__(self, signing_certificate_v2_der: bytes):
        self._der = signing_certificate_v2_der

    def signed_attr_providers(self, data_digest: bytes, digest_algorithm: str):
        yield _SigningCertificateV2(self._der)


class _SigningCertificateV2(attributes.CMSAttributeProvider):
    attribute_type = "signing_certificate_v2"

    def __init__(self, der: bytes):
        self._der = der

    async def build_attr_value(self, dry_run=False):
        return tsp.SigningCertificateV2.load(self._der)


_HASHES = {"sha256": hashes.SHA256, "sha384": hashes.SHA384, "sha512": hashes.SHA512}


@functools.lru_cache(maxsize=4)
def _signer(key_path, cert_path, _key_mtime, _cert_mtime) -> AgencySigner:
    loaded = signers.SimpleSigner.load(key_path, cert_path)
    if loaded is None:
        # pyHanko logs the cause and answers None; a letter must never go out unsigned.
        raise SigningKeyUnavailable("pyHanko could not load the signing key %s or certificate %s" % (key_path, cert_path))
    return AgencySigner(
        signing_cert=loaded.signing_cert, signing_key=loaded.signing_key, cert_registry=loaded.cert_registry
    )
