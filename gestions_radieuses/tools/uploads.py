"""Checks shared by every file an entrepreneur can send (documents, receipts)."""

from odoo.exceptions import ValidationError

DOCUMENT_MIMETYPES = ("application/pdf", "image/jpeg", "image/png")
RECEIPT_MIMETYPES = (*DOCUMENT_MIMETYPES, "image/heic")
MIMETYPE_LABELS = {
    "application/pdf": "PDF",
    "image/jpeg": "JPEG",
    "image/png": "PNG",
    "image/heic": "HEIC",
}
MB = 1024 * 1024
# All the files of one request together (a form with several receipts).
MAX_REQUEST_MB = 20
# The first bytes ("magic bytes") of each accepted type.
MAGIC_BYTES = (
    (b"%PDF-", "application/pdf"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
)
# HEIC photos (iPhone camera) are an ISO media file with an 'ftyp' box and a brand.
HEIC_BRANDS = (b"heic", b"heix", b"mif1", b"msf1")


def guess_upload_mimetype(data):
    """The type of a file from its first bytes, never from its name or the type the
    browser claims; application/octet-stream for anything not accepted here."""
    data = data or b""
    for magic, mimetype in MAGIC_BYTES:
        if data.startswith(magic):
            return mimetype
    if data[4:8] == b"ftyp" and data[8:12] in HEIC_BRANDS:
        return "image/heic"
    return "application/octet-stream"


def upload_max_mb(company):
    """The largest file, in MB, the company's CAE accepts from an entrepreneur."""
    return company.cae_upload_max_size_mb or 10


def check_upload(env, data, allowed_mimetypes, max_mb, name=None):
    """The type of a file the CAE accepts, from its content; a ValidationError
    saying what to send instead otherwise (too large, empty, not an accepted type).

    The one validator of every file an entrepreneur sends: documents, receipts,
    from the portal or over RPC. Pure: bytes in, a type or a message out (``env``
    only translates). ``name`` names the file in the messages.
    """
    data = data or b""
    if len(data) > max_mb * MB:
        size = len(data) / MB
        if name:
            raise ValidationError(
                env._(
                    "The file “%(name)s” is too large (%(size).1f MB): the limit "
                    "is %(max)s MB. A photo taken at a lower resolution or a "
                    "compressed PDF will do.",
                    name=name,
                    size=size,
                    max=max_mb,
                )
            )
        raise ValidationError(
            env._(
                "This file is larger than %(max)s MB. A photo taken at a lower "
                "resolution or a compressed PDF will do.",
                max=max_mb,
            )
        )
    if not data:
        raise ValidationError(env._("This file is empty."))
    mimetype = guess_upload_mimetype(data)
    if mimetype not in allowed_mimetypes:
        types = ", ".join(MIMETYPE_LABELS[m] for m in allowed_mimetypes)
        if name:
            raise ValidationError(
                env._(
                    "The file “%(name)s” is not of an accepted type. Send a scan "
                    "or a photo in one of these formats: %(types)s.",
                    name=name,
                    types=types,
                )
            )
        raise ValidationError(
            env._(
                "This file is not of an accepted type. Send a scan or a photo "
                "in one of these formats: %(types)s.",
                types=types,
            )
        )
    return mimetype


def check_uploaded_attachments(env, attachments, allowed_mimetypes, company):
    """Refuse attachments whose content type or size the CAE does not accept."""
    max_mb = upload_max_mb(company)
    for attachment in attachments:
        mimetype = check_upload(
            env,
            attachment.sudo().raw,
            allowed_mimetypes,
            max_mb,
            name=attachment.name,
        )
        if attachment.mimetype != mimetype:
            # Served with the type of its content, not the one its name suggests.
            attachment.sudo().mimetype = mimetype
