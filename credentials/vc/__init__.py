"""Verifiable credentials: the agency's Ed25519 key and DID, Data Integrity proofs
(eddsa-jcs-2022), the Open Badges 3.0 endorsement credential of each assessment, the Bitstring
Status List of revocations, the verifier, and the register as CTDL JSON-LD (issue 18)."""
