"""Assessment letters: the signing identity (keys), the PDF (render), its signature (sign) and
the check of a letter file someone hands the agency (verify)."""
