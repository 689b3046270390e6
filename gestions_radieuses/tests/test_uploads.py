from odoo.exceptions import ValidationError
from odoo.tests import BaseCase, tagged

from ..tools.uploads import (
    DOCUMENT_MIMETYPES,
    MB,
    RECEIPT_MIMETYPES,
    check_upload,
)
from .common import PDF_BYTES, PNG_BYTES


class _Env:
    """Just what the validator asks of an environment: to translate."""

    @staticmethod
    def _(message, **params):
        return message % params


@tagged("post_install", "-at_install")
class TestUploadValidator(BaseCase):
    """The one validator of every file sent (documents, receipts), without the ORM."""

    def check(self, data, allowed=DOCUMENT_MIMETYPES, max_mb=1, name=None):
        return check_upload(_Env, data, allowed, max_mb, name=name)

    def test_type_from_the_content(self):
        self.assertEqual(self.check(PDF_BYTES), "application/pdf")
        self.assertEqual(self.check(PNG_BYTES), "image/png")
        heic = b"\0\0\0\x18ftypheic" + b"\0" * 16
        self.assertEqual(self.check(heic, RECEIPT_MIMETYPES), "image/heic")
        with self.assertRaisesRegex(ValidationError, "formats: PDF, JPEG, PNG[.]"):
            self.check(heic)
        with self.assertRaisesRegex(ValidationError, "This file is not of an accepted"):
            self.check(b"MZ\x90\x00 an executable named a.pdf")

    def test_size_and_empty(self):
        self.assertEqual(self.check(PNG_BYTES + b"\0" * (MB - 100)), "image/png")
        with self.assertRaisesRegex(ValidationError, "larger than 1 MB"):
            self.check(PNG_BYTES + b"\0" * MB)
        with self.assertRaisesRegex(ValidationError, "empty"):
            self.check(b"")

    def test_named_file(self):
        big = PNG_BYTES + b"\0" * (2 * MB)
        with self.assertRaisesRegex(ValidationError, "“big.png” is too large [(]2.0"):
            self.check(big, name="big.png")
        with self.assertRaisesRegex(ValidationError, "“x.pdf” is not of an accepted"):
            self.check(b"text", name="x.pdf")
